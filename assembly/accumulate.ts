// Per-chunk totals every kernel feeds (mirror of src/js/accumulate.ts): Σ row values and
// Σ w_{y_i} (the 'mean' denominator of index targets), both compensated (Neumaier 1974), stored
// at TOTALS as [sum, carry, den, denCarry] for the wrapper to read after each chunk.
import { TOTALS } from './scratch';

/** Rounding error of t = s + x, recovered exactly by Fast2Sum on the larger operand (Neumaier). */
// @ts-ignore: decorator
@inline export function sumError(s: f64, x: f64, t: f64): f64 {
  return abs<f64>(s) >= abs<f64>(x) ? s - t + x : x - t + s;
}

/** s + carry, except that a non-finite s (an Infinity or NaN term) passes through unchanged. */
// @ts-ignore: decorator
@inline export function settle(s: f64, carry: f64): f64 {
  return isFinite<f64>(s) ? s + carry : s;
}

/**
 * Whether the call reads the chunk totals (a 'sum' or 'mean' reduction). Kernels whose per-value
 * results are the whole answer may skip the running sum when it is false.
 */
let wanted: bool = true;

// @ts-ignore: decorator
@inline export function totalsWanted(): bool {
  return wanted;
}

export function resetTotals(want: i32): void {
  wanted = want != 0;
  store<f64>(TOTALS, 0.0);
  store<f64>(TOTALS, 0.0, 8);
  store<f64>(TOTALS, 0.0, 16);
  store<f64>(TOTALS, 0.0, 24);
}

// @ts-ignore: decorator
@inline export function addRow(v: f64): void {
  const s = load<f64>(TOTALS);
  const t = s + v;
  store<f64>(TOTALS, load<f64>(TOTALS, 8) + sumError(s, v, t), 8);
  store<f64>(TOTALS, t);
}

// @ts-ignore: decorator
@inline export function addDen(w: f64): void {
  const s = load<f64>(TOTALS, 16);
  const t = s + w;
  store<f64>(TOTALS, load<f64>(TOTALS, 24) + sumError(s, w, t), 24);
  store<f64>(TOTALS, t, 16);
}

/** Compensated sum of k values of type T (f64 or f32) at a (used for `normalize`). */
export function rowSum<T>(a: usize, k: i32): f64 {
  let s = 0.0;
  let c = 0.0;
  for (let j = 0; j < k; j++) {
    const x = <f64>load<T>(a + (<usize>j << alignof<T>()));
    const t = s + x;
    c += sumError(s, x, t);
    s = t;
  }
  return settle(s, c);
}

/** TwoSum (Knuth, TAOCP 4.2.2): the exact error of s = a + b, per lane, for any magnitudes. */
// @ts-ignore: decorator
@inline export function vSumError(a: v128, b: v128, s: v128): v128 {
  const bp = f64x2.sub(s, a);
  return f64x2.add(f64x2.sub(a, f64x2.sub(s, bp)), f64x2.sub(b, bp));
}

/** Σ of two compensated lanes (sums s, carries c) as one value; a non-finite sum passes through. */
// @ts-ignore: decorator
@inline export function settleLanes(s: v128, c: v128): f64 {
  const s0 = f64x2.extract_lane(s, 0);
  const s1 = f64x2.extract_lane(s, 1);
  const t = s0 + s1;
  if (!isFinite<f64>(t)) return t;
  return t + (sumError(s0, s1, t) + f64x2.extract_lane(c, 0) + f64x2.extract_lane(c, 1));
}

/** Merges a kernel's local compensated totals (sum, carry, den, denCarry) into the chunk totals at once. */
export function mergeTotals(sum: f64, carry: f64, den: f64, denCarry: f64): void {
  addRow(sum);
  store<f64>(TOTALS, load<f64>(TOTALS, 8) + carry, 8);
  addDen(den);
  store<f64>(TOTALS, load<f64>(TOTALS, 24) + denCarry, 24);
}

/** settleLanes with one more term (a row's odd tail) added into the compensated lanes first. */
// @ts-ignore: decorator
@inline export function settleLanesWith(s: v128, c: v128, tail: f64): f64 {
  const tv = f64x2.replace_lane(f64x2.splat(0.0), 0, tail);
  const t = f64x2.add(s, tv);
  return settleLanes(t, f64x2.add(c, vSumError(s, tv, t)));
}
