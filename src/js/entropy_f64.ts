/**
 * Information content, binary entropy and Shannon entropy over float64 rows
 * (mirror of assembly/entropy_f64.ts, function for function).
 *
 * Every kernel returns 1 when it saw a value outside its domain (the caller then locates it and
 * throws), 0 otherwise; results are written to out[outOff ..] and added to the chunk totals.
 * Error bound: each term is one correctly-rounded-ish log (< 1 ulp) times a value, all terms
 * non-negative, summed with compensation: ≤ 4 ulp per row.
 */
import { addRow, rowSum, settle, sumError } from './accumulate.js';

/** -ln p / ln b elementwise. p = 0 gives +Infinity. */
export function informationContentF64(
  p: Float64Array, pOff: number, n: number, out: Float64Array, outOff: number, lnBase: number,
): number {
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const x = p[pOff + i];
    if (!(x >= 0 && x <= 1)) bad = 1;
    const v = (0 - Math.log(x)) / lnBase; // 0 - ln 1 = +0, not -0
    out[outOff + i] = v;
    addRow(v);
  }
  return bad;
}

/** -(p ln p + (1-p) ln(1-p)) / ln b elementwise; ln(1-p) as log1p(-p) so p near 0 keeps its digits. */
export function binaryEntropyF64(
  p: Float64Array, pOff: number, n: number, out: Float64Array, outOff: number, lnBase: number,
): number {
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const x = p[pOff + i];
    if (!(x >= 0 && x <= 1)) bad = 1;
    const y = 1 - x; // exact for x in [0.5, 1] (Sterbenz)
    const a = x !== 0 ? -x * Math.log(x) : 0;
    const b = y !== 0 ? -y * Math.log1p(-x) : 0;
    const v = (a + b) / lnBase;
    out[outOff + i] = v;
    addRow(v);
  }
  return bad;
}

/**
 * -Σ p ln p per row of k, 0·ln 0 = 0. With `normalize` each entry is first divided by the row's
 * compensated sum (SciPy stats.entropy); dividing before the log, not subtracting ln Σp after,
 * keeps rows with entropy near 0 accurate.
 */
export function entropyRowsF64(
  p: Float64Array, pOff: number, n: number, k: number, out: Float64Array, outOff: number,
  lnBase: number, normalize: number,
): number {
  let bad = 0;
  const pMax = normalize ? Infinity : 1;
  for (let r = 0; r < n; r++) {
    const row = pOff + r * k;
    const total = normalize ? rowSum(p, row, k) : 1;
    let s = 0;
    let c = 0;
    for (let j = 0; j < k; j++) {
      const x = p[row + j];
      if (!(x >= 0 && x <= pMax)) bad = 1;
      const y = normalize ? x / total : x;
      if (y !== 0) {
        const v = -y * Math.log(y);
        const t = s + v;
        c += sumError(s, v, t);
        s = t;
      }
    }
    const h = settle(s, c) / lnBase;
    out[outOff + r] = h;
    addRow(h);
  }
  return bad;
}
