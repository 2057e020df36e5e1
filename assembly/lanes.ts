// Loading row values into lanes, shared by the kernel families (wasm only: the js kernels index
// arrays directly, so this file has no twin in src/js/): generic in the element type T
// (f64, or f32 promoted to f64), and the [0, 1] range check every probability kernel makes.

/** Value j of a row of T, as f64. */
// @ts-ignore: decorator
@inline export function load1<T>(row: usize, j: i32): f64 {
  return <f64>load<T>(row + (<usize>j << alignof<T>()));
}

/** Values j, j+1 of a row of T as f64x2 (float32 pairs are promoted). */
// @ts-ignore: decorator
@inline export function load2<T>(row: usize, j: i32): v128 {
  const at = row + (<usize>j << alignof<T>());
  if (sizeof<T>() == 4) return f64x2.promote_low_f32x4(v128.load64_zero(at));
  return v128.load(at);
}

/** Lanes of x in [0, 1] (all ones), NaN and the rest out (zero). */
// @ts-ignore: decorator
@inline export function inUnit(x: v128): v128 {
  return v128.and(f64x2.ge(x, f64x2.splat(0.0)), f64x2.le(x, f64x2.splat(1.0)));
}
