// KL divergence (mirror of src/js/kl_divergence.ts).
//
// Formula: Σ p ln(p/q) per row (SciPy rel_entr summed); 0·ln(0/q) = 0, p > 0 where q = 0 gives
// +Infinity; with `normalize` p/Σp and q/Σq first. ln(a/b) is log1p((a-b)/b) near a = b (a - b
// exact there, Sterbenz), ln(a/b) elsewhere, ln a - ln b where a/b over- or underflows.
// Algorithm: vmath_f64.ts / vmath_f32.ts, FDLIBM-based, < 1 ulp, compensated sums (Neumaier 1974).
// Error bound: each row within max(1e-13·|exact|, 1e-15) of the value computed with mpmath at 50
// digits (API.md's float64 bound); test/fixtures.test.ts checks klDivergence.json
// (test/fixtures/gen.py).
import { addRow, rowSum, settle, settleLanesWith, sumError, vSumError } from './accumulate';
import { vlogOr1p } from './vmath_f64';
import { inUnit } from './lanes';
import { MIN_NORMAL, SQRT2_M1, SQRT_HALF_M1 } from './constants';
import * as params from './params';
import { weighRows } from './sample_weights';

/**
 * ln(a/b) for a > 0: near a = b, log1p((a-b)/b) (a-b exact there, Sterbenz) instead of amplifying
 * the quotient's rounding; where a/b over- or underflows, ln a - ln b (nothing cancels then).
 */
export function logRatio(a: f64, b: f64): f64 {
  const ratio = a / b;
  if (ratio > 0.5 && ratio < 2) return Math.log1p((a - b) / b);
  if (ratio >= MIN_NORMAL && ratio < Infinity) return Math.log(ratio);
  return Math.log(a) - Math.log(b);
}

/**
 * Σ p ln(p/q) per row (SciPy rel_entr summed), two lanes at a time: ln(a/b) as log1p((a-b)/b)
 * where √2/2 ≤ a/b < √2 (vlogOr1p), else ln(a/b). A row whose a/b over- or underflows, or
 * `normalize`, runs the scalar path.
 */
function klDivergenceRows(
  p: usize, q: usize, n: i32, k: i32, out: usize, lnBase: f64, normalize: i32,
): i32 {
  if (normalize || k < 2) return klDivergenceRowsScalar(p, q, n, k, out, lnBase, normalize);
  const zero = f64x2.splat(0.0);
  const one = f64x2.splat(1.0);
  let ok = i64x2.splat(-1);
  let bad = 0;
  for (let r = 0; r < n; r++) {
    const pRow = p + ((<usize>r * <usize>k) << 3);
    const qRow = q + ((<usize>r * <usize>k) << 3);
    let sum = zero;
    let carry = zero;
    let inRange = i64x2.splat(-1);
    let j = 0;
    for (; j + 1 < k; j += 2) {
      const a = v128.load(pRow + (<usize>j << 3));
      const b = v128.load(qRow + (<usize>j << 3));
      ok = v128.and(ok, v128.and(inUnit(a), inUnit(b)));
      // One division: r = a/b and d = (a - b)/b through 1/b (each within 1 ulp). Where
      // √2/2 ≤ r < √2, a - b is exact (Sterbenz) and ln(1 + d) keeps the digits ln r would lose;
      // elsewhere |ln r| > 0.34 and r's 1 ulp costs under 3 ulp of ln r (API.md allows 450).
      const inv = f64x2.div(one, b);
      const ratio = f64x2.mul(a, inv);
      const d = f64x2.mul(f64x2.sub(a, b), inv);
      const near = v128.and(f64x2.ge(d, f64x2.splat(SQRT_HALF_M1)), f64x2.lt(d, f64x2.splat(SQRT2_M1)));
      const logr = vlogOr1p(ratio, d, near);
      const live = f64x2.ne(a, zero);
      // Lanes where a/b is not a normal finite quotient need ln a - ln b (the scalar row).
      const normal = v128.and(f64x2.ge(ratio, f64x2.splat(MIN_NORMAL)), f64x2.lt(ratio, f64x2.splat(Infinity)));
      inRange = v128.and(inRange, v128.or(v128.not(live), v128.or(near, normal)));
      const v = v128.and(f64x2.mul(a, logr), live);
      const t = f64x2.add(sum, v);
      carry = f64x2.add(carry, vSumError(sum, v, t));
      sum = t;
    }
    if (!v128.all_true<i64>(inRange)) {
      bad |= klDivergenceRowsScalar(pRow, qRow, 1, k, out + (<usize>r << 3), lnBase, 0);
      continue;
    }
    let tail = 0.0;
    if (j < k) {
      const a = load<f64>(pRow + (<usize>j << 3));
      const b = load<f64>(qRow + (<usize>j << 3));
      if (!(a >= 0 && a <= 1 && b >= 0 && b <= 1)) bad = 1;
      if (a != 0) tail = a * logRatio(a, b);
    }
    const d = settleLanesWith(sum, carry, tail) / lnBase;
    store<f64>(out + (<usize>r << 3), d);
    addRow(d);
  }
  return bad | (v128.all_true<i64>(ok) ? 0 : 1);
}

function klDivergenceRowsScalar(
  p: usize, q: usize, n: i32, k: i32, out: usize, lnBase: f64, normalize: i32,
): i32 {
  let bad = 0;
  const pMax = normalize ? Infinity : 1.0;
  for (let r = 0; r < n; r++) {
    const pRow = p + ((<usize>r * <usize>k) << 3);
    const qRow = q + ((<usize>r * <usize>k) << 3);
    const pTotal = normalize ? rowSum<f64>(pRow, k) : 1.0;
    const qTotal = normalize ? rowSum<f64>(qRow, k) : 1.0;
    let s = 0.0;
    let c = 0.0;
    for (let j = 0; j < k; j++) {
      const x = load<f64>(pRow + (<usize>j << 3));
      const yv = load<f64>(qRow + (<usize>j << 3));
      if (!(x >= 0 && x <= pMax && yv >= 0 && yv <= pMax)) bad = 1;
      const a = normalize ? x / pTotal : x;
      if (a != 0) {
        const v = a * logRatio(a, normalize ? yv / qTotal : yv);
        const t = s + v;
        c += sumError(s, v, t);
        s = t;
      }
    }
    const d = settle(s, c) / lnBase;
    store<f64>(out + (<usize>r << 3), d);
    addRow(d);
  }
  return bad;
}

/** Σ p ln(p/q) per row of float64 p and q (options: lnBase, normalize). */
export function klDivergenceRowsF64(p: usize, q: usize, n: i32, k: i32, out: usize, s: usize): i32 {
  const bad = klDivergenceRows(p, q, n, k, out, params.lnBase(), params.normalize());
  return s ? bad | weighRows(out, s, n) : bad;
}
