// Float64 results into a float32 array that lives in the same linear memory (an x.alloc'd `out`).
// The wrapper's TypedArray.set would take V8's overlapping-buffer path there (a copy of the
// source first, then element by element); two lanes per instruction here instead.

/** dst[i] = f32(src[i]) for n values, rounded to nearest (as Float32Array assignment). */
export function narrowF64ToF32(src: usize, dst: usize, n: i32): void {
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const lo = f32x4.demote_f64x2_zero(v128.load(src + (<usize>i << 3)));
    const hi = f32x4.demote_f64x2_zero(v128.load(src + (<usize>i << 3), 16));
    v128.store(dst + (<usize>i << 2), v128.shuffle<i32>(lo, hi, 0, 1, 4, 5));
  }
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), <f32>load<f64>(src + (<usize>i << 3)));
}
