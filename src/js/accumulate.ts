/**
 * Per-chunk accumulator every kernel feeds (mirror of assembly/accumulate.ts).
 *
 * Kernels add each row's final value to `sum` and, for class-index targets, the row's weight
 * w_{y_i} to `den`, both compensated (Neumaier 1974), so a reduction needs no second pass over
 * the per-row results. The chunk planner resets it before a chunk and merges it after.
 */

/** Rounding error of t = s + x, recovered exactly by Fast2Sum on the larger operand (Neumaier). */
export function sumError(s: number, x: number, t: number): number {
  return Math.abs(s) >= Math.abs(x) ? s - t + x : x - t + s;
}

/** s + carry, except that a non-finite s (an Infinity or NaN term) passes through unchanged. */
export function settle(s: number, carry: number): number {
  return Number.isFinite(s) ? s + carry : s;
}

export const chunkTotals = { sum: 0, carry: 0, den: 0, denCarry: 0 };

/**
 * Whether the chunk's totals are read (reduction 'sum'/'mean'): with 'none' the per-row results
 * are the answer, and kernels skip the compensated adds (a third of an elementwise loop).
 */
let wanted = true;

export function totalsWanted(): boolean {
  return wanted;
}

export function resetTotals(want = true): void {
  wanted = want;
  chunkTotals.sum = 0;
  chunkTotals.carry = 0;
  chunkTotals.den = 0;
  chunkTotals.denCarry = 0;
}

export function addRow(v: number): void {
  const s = chunkTotals.sum;
  const t = s + v;
  chunkTotals.carry += sumError(s, v, t);
  chunkTotals.sum = t;
}

export function addDen(w: number): void {
  const s = chunkTotals.den;
  const t = s + w;
  chunkTotals.denCarry += sumError(s, w, t);
  chunkTotals.den = t;
}

/** Merges a kernel's local compensated totals (sum, carry, den, denCarry) into the chunk totals at once. */
export function mergeTotals(sum: number, carry: number, den: number, denCarry: number): void {
  addRow(sum);
  chunkTotals.carry += carry;
  addDen(den);
  chunkTotals.denCarry += denCarry;
}

/** Compensated sum of a[off .. off+k) (used for `normalize`). */
export function rowSum(a: Float64Array | Float32Array, off: number, k: number): number {
  let s = 0;
  let c = 0;
  for (let j = 0; j < k; j++) {
    const x = a[off + j];
    const t = s + x;
    c += sumError(s, x, t);
    s = t;
  }
  return settle(s, c);
}
