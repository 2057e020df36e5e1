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
  const ratio = a / b;
  if (ratio > 0.5 && ratio < 2) {
    // log1p(d) = ln(u)·d/(u - 1), u = 1 + d rounded (Goldberg 1991, Theorem 4; as assembly/ does).
    const d = (a - b) / b;
    const u = 1 + d;
    return u === 1 ? d : lnOf(u) * (d / (u - 1));
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
