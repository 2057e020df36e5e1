/**
 * Information content, binary entropy and Shannon entropy (mirror of assembly/entropy.ts).
 *
 * Formulas: informationContent -ln p; binaryEntropy -(p ln p + (1-p) ln(1-p)), ln(1-p) as
 * log1p(-p); entropy -Σ p ln p per row (0·ln 0 = 0), with `normalize` p/Σp first (SciPy
 * stats.entropy). Each divided by ln(base).
 * Algorithm: one log per term (vmath.ts, table-driven, ≤ 3 ulp), terms all non-negative, summed in
 * lanes/blocks with compensation across them (Neumaier 1974).
 * Error bound: each value within max(1e-13·|exact|, 1e-15) of the value computed with mpmath at 50
 * digits (API.md's float64 bound); test/fixtures.test.ts checks it against
 * test/fixtures/{informationContent,binaryEntropy,entropy}.json (test/fixtures/gen.py).
 */
import { addRow, mergeTotals, rowSum, settle, sumError, totalsWanted } from './accumulate.js';
import { HI_WORD, ln64, wordsOf } from './vmath.js';
import type { View } from '../backend/backend.js';
import { params } from './params.js';
import { weighRows } from './sample_weights.js';

/** -ln p / ln b elementwise. p = 0 gives +Infinity. ln through vmath.ts (≤ 2 ulp), reading p's bits in place. */
function informationContent(
  p: Float64Array,
  pOff: number,
  n: number,
  out: Float64Array,
  outOff: number,
  lnBase: number,
): number {
  const words = wordsOf(p);
  const totals = totalsWanted();
  let bad = 0;
  let s = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    const x = p[pOff + i];
    if (!(x >= 0 && x <= 1)) bad = 1;
    let v = 0 - ln64(x, words[2 * (pOff + i) + HI_WORD]); // 0 - ln 1 = +0, not -0
    if (lnBase !== 1) v /= lnBase;
    out[outOff + i] = v;
    if (totals) {
      const t = s + v;
      c += sumError(s, v, t);
      s = t;
    }
  }
  if (totals) mergeTotals(s, c, 0, 0);
  return bad;
}

/** -(p ln p + (1-p) ln(1-p)) / ln b elementwise; ln(1-p) as log1p(-p) so p near 0 keeps its digits. */
function binaryEntropy(
  p: Float64Array,
  pOff: number,
  n: number,
  out: Float64Array,
  outOff: number,
  lnBase: number,
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
function entropyRows(
  p: Float64Array,
  pOff: number,
  n: number,
  k: number,
  out: Float64Array,
  outOff: number,
  lnBase: number,
  normalize: number,
): number {
  if (normalize) return entropyRowsNormalized(p, pOff, n, k, out, outOff, lnBase);
  const words = wordsOf(p);
  const totals = totalsWanted();
  let bad = 0;
  let ts = 0;
  let tc = 0;
  for (let r = 0; r < n; r++) {
    const row = pOff + r * k;
    // Terms -p ln p are ≥ 0 for valid p: a plain sum of ≤ BLOCK of them errs by ≤ (BLOCK-1)·2^-53
    // ≈ 1.4e-14 relative (Higham §4.2); blocks are added with compensation, so any k keeps that.
    let s = 0;
    let c = 0;
    for (let b = 0; b < k; b += BLOCK) {
      const end = row + Math.min(k, b + BLOCK);
      let h = 0;
      for (let i = row + b; i < end; i++) {
        const x = p[i];
        if (!(x >= 0 && x <= 1)) bad = 1;
        if (x !== 0) h -= x * ln64(x, words[2 * i + HI_WORD]);
      }
      const t = s + h;
      c += sumError(s, h, t);
      s = t;
    }
    const v = settle(s, c) / lnBase;
    out[outOff + r] = v;
    if (totals) {
      const t = ts + v;
      tc += sumError(ts, v, t);
      ts = t;
    }
  }
  if (totals) mergeTotals(ts, tc, 0, 0);
  return bad;
}

/** Terms per plainly summed block (rows longer than this are summed block by block, compensated). */
const BLOCK = 128;

/**
 * With `normalize`: each entry divided by the row's compensated sum first (SciPy stats.entropy);
 * dividing before the log, not subtracting ln Σp after, keeps rows with entropy near 0 accurate.
 */
function entropyRowsNormalized(
  p: Float64Array,
  pOff: number,
  n: number,
  k: number,
  out: Float64Array,
  outOff: number,
  lnBase: number,
): number {
  let bad = 0;
  for (let r = 0; r < n; r++) {
    const row = pOff + r * k;
    const total = rowSum(p, row, k);
    let s = 0;
    let c = 0;
    for (let j = 0; j < k; j++) {
      const x = p[row + j];
      if (!(x >= 0 && x <= Infinity)) bad = 1;
      const y = x / total;
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

/** -ln p elementwise (params: lnBase). */
export function informationContentF64(p: View, n: number, out: View, s: View): number {
  const bad = informationContent(p.arr, p.off, n, out.arr, out.off, params.lnBase);
  return s.off < 0 ? bad : bad | weighRows(out, s, n);
}

/** -(p ln p + (1-p) ln(1-p)) elementwise (params: lnBase). */
export function binaryEntropyF64(p: View, n: number, out: View, s: View): number {
  const bad = binaryEntropy(p.arr, p.off, n, out.arr, out.off, params.lnBase);
  return s.off < 0 ? bad : bad | weighRows(out, s, n);
}

/** -Σ p ln p per row (params: lnBase, normalize). */
export function entropyRowsF64(p: View, n: number, k: number, out: View, s: View): number {
  const bad = entropyRows(p.arr, p.off, n, k, out.arr, out.off, params.lnBase, params.normalize);
  return s.off < 0 ? bad : bad | weighRows(out, s, n);
}
