/**
 * KL divergence (mirror of assembly/kl_divergence.ts).
 *
 * Formula: Σ p ln(p/q) per row (SciPy rel_entr summed); 0·ln(0/q) = 0, p > 0 where q = 0 gives
 * +Infinity; with `normalize` p/Σp and q/Σq first. ln(a/b) is log1p((a-b)/b) near a = b (a - b
 * exact there, Sterbenz), ln(a/b) elsewhere, ln a - ln b where a/b over- or underflows.
 * Algorithm: vmath.ts, table-driven, ≤ 3 ulp, compensated sums (Neumaier 1974).
 * Error bound: each row within max(1e-13·|exact|, 1e-15) of the value computed with mpmath at 50
 * digits (API.md's float64 bound); test/fixtures.test.ts checks klDivergence.json
 * (test/fixtures/gen.py).
 */
import { mergeTotals, rowSum, settle, sumError, totalsWanted } from './accumulate.js';
import { HI_WORD, ln64 } from './vmath.js';
import { MIN_NORMAL } from './constants.js';
import type { View } from '../backend/backend.js';
import { params } from './params.js';
import { weighRows } from './sample_weights.js';

/**
 * ln(a/b) for a > 0 without the two classic losses: near a = b the quotient's rounding would be
 * amplified by the log, so log1p((a-b)/b) is used (a-b is exact there, Sterbenz); where a/b
 * overflows or underflows (b or a subnormal) the difference of logs is used (no cancellation then).
 */
export function logRatio(a: number, b: number): number {
  // One division, as assembly/ takes it: r = a/b and d = (a - b)/b through 1/b, each within 1 ulp.
  const inv = 1 / b;
  const ratio = a * inv;
  if (ratio > 0.5 && ratio < 2) {
    // log1p(d) = ln u + ln(1 + c/u), u = 1 + d rounded and c = d - (u - 1) its exact rounding
    // error (|c| ≤ 2^-53·u); ln(1 + c/u) = c/u to 2^-106, and c·(2 - u) differs from c/u by
    // |c|·(u - 1)²/u ≤ 2^-53·(u - 1)², under 2^-52·|ln u| (|ln u| ≥ |u - 1|/2 on (0.5, 2)): no
    // division beyond 1/b, where log1p's usual ln(u)·d/(u - 1) takes one more.
    const d = (a - b) * inv;
    const u = 1 + d;
    return lnOf(u) + (d - (u - 1)) * (2 - u);
  }
  if (ratio >= MIN_NORMAL && ratio < Infinity) return lnOf(ratio);
  return Math.log(a) - Math.log(b);
}

/** Scratch for reading a computed float64's bits (a store and a load, no call). */
const BITS = new Float64Array(1);
const BITS_WORDS = new Int32Array(BITS.buffer);

/** ln x for any float64 x (vmath.ts ln64 through its bits). */
function lnOf(x: number): number {
  BITS[0] = x;
  return ln64(x, BITS_WORDS[HI_WORD]);
}

/** Σ p ln(p/q) per row (SciPy rel_entr summed), compensated; `normalize` divides p and q by their sums. */
function klDivergenceRows(
  p: Float64Array,
  pOff: number,
  q: Float64Array,
  qOff: number,
  n: number,
  k: number,
  out: Float64Array,
  outOff: number,
  lnBase: number,
  normalize: number,
): number {
  let bad = 0;
  const pMax = normalize ? Infinity : 1;
  const totals = totalsWanted();
  let ts = 0;
  let tc = 0;
  for (let r = 0; r < n; r++) {
    const pRow = pOff + r * k;
    const qRow = qOff + r * k;
    const pTotal = normalize ? rowSum(p, pRow, k) : 1;
    const qTotal = normalize ? rowSum(q, qRow, k) : 1;
    let s = 0;
    let c = 0;
    for (let j = 0; j < k; j++) {
      const x = p[pRow + j];
      const y = q[qRow + j];
      if (!(x >= 0 && x <= pMax && y >= 0 && y <= pMax)) bad = 1;
      const a = normalize ? x / pTotal : x;
      if (a !== 0) {
        const v = a * logRatio(a, normalize ? y / qTotal : y);
        const t = s + v;
        c += sumError(s, v, t);
        s = t;
      }
    }
    const d = settle(s, c) / lnBase;
    out[outOff + r] = d;
    if (totals) {
      const t = ts + d;
      tc += sumError(ts, d, t);
      ts = t;
    }
  }
  if (totals) mergeTotals(ts, tc, 0, 0);
  return bad;
}

/** Σ p ln(p/q) per row of p and q (params: lnBase, normalize). */
export function klDivergenceRowsF64(p: View, q: View, n: number, k: number, out: View, s: View): number {
  const bad = klDivergenceRows(p.arr, p.off, q.arr, q.off, n, k, out.arr, out.off, params.lnBase, params.normalize);
  return s.off < 0 ? bad : bad | weighRows(out, s, n);
}
