/**
 * Sample weights (mirror of assembly/sample_weights.ts): scikit-learn's sample_weight, applied by
 * every kernel but softmax/scoreRows to its own results before it returns.
 *
 * Formulas: row i's result becomes s_i·ℓ_i, and exactly 0 where s_i = 0 (a row with weight 0
 * counts for nothing, even where ℓ_i is +Infinity or NaN); the chunk totals become Σ s_i·ℓ_i and
 * the 'mean' denominator Σ s_i, or Σ s_i·w_{y_i} over counted rows for class-index targets.
 * Algorithm: one product per row, compensated sums (Neumaier 1974) as every kernel's totals.
 * Error bound: one rounding per row on top of the kernel's (≤ 1 ulp): within API.md's bounds,
 * max(1e-13·|exact|, 1e-15), against the "sample_weights" cases of test/fixtures/*.json (gen.py),
 * checked by test/fixtures.test.ts.
 */
import type { View } from '../backend/backend.js';
import { chunkTotals, sumError, totalsWanted } from './accumulate.js';
import { classOf } from './targets.js';

/** s·v, and 0 where s = 0 whatever v is. */
function weigh(s: number, v: number): number {
  return s === 0 ? 0 : s * v;
}

/** Weighs n results at out by the sample weights at s; totals Σ s_i·ℓ_i and Σ s_i. Returns 1 on a negative, NaN or infinite weight. */
export function weighRows(out: View, s: View, n: number): number {
  return weighIndexRows(out, s, n, null, 0, null, NaN);
}

/**
 * The same for class-index targets y over k classes with per-class weights w (off < 0: none):
 * the denominator is Σ s_i·w_{y_i} over rows whose target is a class. y null: Σ s_i.
 */
export function weighIndexRows(
  out: View,
  s: View,
  n: number,
  y: View | null,
  k: number,
  w: View | null,
  ignoreIndex: number,
): number {
  const o = out.arr,
    oo = out.off,
    sa = s.arr,
    so = s.off;
  const totals = totalsWanted();
  let bad = 0;
  let sum = 0,
    carry = 0,
    den = 0,
    denCarry = 0;
  for (let i = 0; i < n; i++) {
    const si = sa[so + i];
    if (!(si >= 0 && si < Infinity)) bad = 1;
    const v = weigh(si, o[oo + i]);
    o[oo + i] = v;
    if (!totals) continue;
    let t = sum + v;
    carry += sumError(sum, v, t);
    sum = t;
    let d = si;
    if (y) {
      const c = classOf(y.arr[y.off + i], k, ignoreIndex);
      if (c < 0) continue;
      d = w && w.off >= 0 ? si * w.arr[w.off + c] : si;
    }
    t = den + d;
    denCarry += sumError(den, d, t);
    den = t;
  }
  chunkTotals.sum = sum;
  chunkTotals.carry = carry;
  chunkTotals.den = den;
  chunkTotals.denCarry = denCarry;
  return bad;
}
