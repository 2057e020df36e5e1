// Sample weights (mirror of src/js/sample_weights.ts): scikit-learn's sample_weight, applied by
// every kernel but softmax/scoreRows to its own results before it returns.
//
// Formulas: row i's result becomes s_i·ℓ_i, and exactly 0 where s_i = 0 (a row with weight 0
// counts for nothing, even where ℓ_i is +Infinity or NaN); the chunk totals become Σ s_i·ℓ_i and
// the 'mean' denominator Σ s_i, or Σ s_i·w_{y_i} over counted rows for class-index targets.
// Algorithm: one product per row, compensated sums (Neumaier 1974) as every kernel's totals.
// Error bound: one rounding per row on top of the kernel's (≤ 1 ulp): within API.md's bounds,
// max(1e-13·|exact|, 1e-15), against the "sample_weights" cases of test/fixtures/*.json (gen.py),
// checked by test/fixtures.test.ts.
import { sumError, totalsWanted } from './accumulate';
import { classOf } from './targets';
import { TOTALS } from './scratch';

/** s·v, and 0 where s = 0 whatever v is. */
// @ts-ignore: decorator
@inline function weigh(s: f64, v: f64): f64 {
  return s == 0 ? 0.0 : s * v;
}

/** Replaces the chunk totals with (sum, carry, den, denCarry). */
// @ts-ignore: decorator
@inline function storeTotals(sum: f64, carry: f64, den: f64, denCarry: f64): void {
  store<f64>(TOTALS, sum);
  store<f64>(TOTALS, carry, 8);
  store<f64>(TOTALS, den, 16);
  store<f64>(TOTALS, denCarry, 24);
}

/**
 * Weighs n results at out by the n sample weights at s (addresses of float64 values), totals
 * Σ s_i·ℓ_i and Σ s_i. Returns 1 if a weight is negative, NaN or infinite.
 */
export function weighRows(out: usize, s: usize, n: i32): i32 {
  let bad = 0;
  let sum = 0.0, carry = 0.0, den = 0.0, denCarry = 0.0;
  const totals = totalsWanted();
  for (let i = 0; i < n; i++) {
    const si = load<f64>(s + (<usize>i << 3));
    if (!(si >= 0 && si < Infinity)) bad = 1;
    const v = weigh(si, load<f64>(out + (<usize>i << 3)));
    store<f64>(out + (<usize>i << 3), v);
    if (totals) {
      let t = sum + v;
      carry += sumError(sum, v, t);
      sum = t;
      t = den + si;
      denCarry += sumError(den, si, t);
      den = t;
    }
  }
  storeTotals(sum, carry, den, denCarry);
  return bad;
}

/**
 * The same for class-index targets y (n float64 labels) over k classes with per-class weights at
 * w (0: none): the denominator is Σ s_i·w_{y_i} over rows whose target is a class (not ignored,
 * not invalid).
 */
export function weighIndexRows(out: usize, s: usize, n: i32, y: usize, k: i32, w: usize, ignoreIndex: f64): i32 {
  let bad = 0;
  let sum = 0.0, carry = 0.0, den = 0.0, denCarry = 0.0;
  const totals = totalsWanted();
  for (let i = 0; i < n; i++) {
    const si = load<f64>(s + (<usize>i << 3));
    if (!(si >= 0 && si < Infinity)) bad = 1;
    const v = weigh(si, load<f64>(out + (<usize>i << 3)));
    store<f64>(out + (<usize>i << 3), v);
    if (totals) {
      let t = sum + v;
      carry += sumError(sum, v, t);
      sum = t;
      const c = classOf(load<f64>(y + (<usize>i << 3)), k, ignoreIndex);
      if (c >= 0) {
        const d = si * (w ? load<f64>(w + (<usize>c << 3)) : 1.0);
        t = den + d;
        denCarry += sumError(den, d, t);
        den = t;
      }
    }
  }
  storeTotals(sum, carry, den, denCarry);
  return bad;
}
