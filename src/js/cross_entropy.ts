/**
 * Cross-entropy with dense or class-index targets (mirror of assembly/cross_entropy.ts).
 *
 * Formulas: dense -Σ_c w_c p'_c ln q'_c, p' = (1-ε)p + ε/k (label smoothing), q' = clamp(q, eps)
 * (scikit-learn's log_loss clip, without renormalisation), with `normalize` p/Σp and q/Σq first;
 * index targets (1-ε)·w_y·(-ln q_y) + (ε/k)·Σ_c w_c·(-ln q_c) (PyTorch cross_entropy on
 * log-probabilities). A target entry of 0 contributes nothing, even where q = 0; p > 0 where q = 0
 * gives +Infinity. An ignored row gives 0 and adds nothing to the denominator; others add w_y.
 * Algorithm: one log per term (vmath.ts, table-driven, ≤ 3 ulp), compensated sums (Neumaier 1974).
 * Error bound: float64 within max(1e-13·|exact|, 1e-15) of the value computed with mpmath at 50
 * digits (API.md's float64 bound), float32 predictions within max(2e-6·|exact|, 2^-126) of the
 * exact value of the same float32 inputs (API.md's float32 bound); test/fixtures.test.ts checks
 * crossEntropy.json (test/fixtures/gen.py), test/float32.test.ts the float32 kernel.
 */
import { addDen, addRow, mergeTotals, rowSum, settle, sumError, totalsWanted } from './accumulate.js';
import { HI_WORD, ln32, ln64, wordsOf } from './vmath.js';
import { classOf, classless, INVALID } from './targets.js';
import type { View, View32 } from '../backend/backend.js';
import { params } from './params.js';
import { weighIndexRows, weighRows } from './sample_weights.js';

/** Clamps q into [eps, 1-eps] (scikit-learn's log_loss clip, without renormalisation); eps = 0 is exact. */
export function clampProbability(q: number, eps: number): number {
  if (eps > 0) return q < eps ? eps : q > 1 - eps ? 1 - eps : q;
  return q;
}

/** -Σ_c w_c p'_c ln q'_c per row; p' = (1-ε)p + ε/k (after normalize), q' = clamp(q / Σq). */
function crossEntropyDense(
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
  eps: number,
  w: Float64Array,
  wOff: number,
  smoothing: number,
): number {
  let bad = 0;
  const pMax = normalize ? Infinity : 1;
  const keep = 1 - smoothing;
  const spread = k > 0 ? smoothing / k : 0;
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
      let target = normalize ? x / pTotal : x;
      if (smoothing !== 0) target = keep * target + spread;
      if (target !== 0) {
        const weight = wOff >= 0 ? w[wOff + j] : 1;
        // w·(p·(-ln q)): a positive p keeps an infinite cost infinite even where w·p would underflow.
        const v = weight * (target * -Math.log(clampProbability(normalize ? y / qTotal : y, eps)));
        const t = s + v;
        c += sumError(s, v, t);
        s = t;
      }
    }
    const loss = settle(s, c) / lnBase;
    out[outOff + r] = loss;
    addRow(loss);
  }
  return bad;
}

/**
 * Class-index targets: (1-ε)·w_y·(-ln q_y) + (ε/k)·Σ_c w_c·(-ln q_c) (PyTorch cross_entropy on
 * log-probabilities). An ignored row gives 0 and adds nothing to the mean's denominator; others
 * add w_y (1 without weights). A target that is not an integer in [0, k) sets the flag and writes NaN.
 */
function crossEntropyIndex(
  y: Float64Array,
  yOff: number,
  q: Float64Array,
  qOff: number,
  n: number,
  k: number,
  out: Float64Array,
  outOff: number,
  lnBase: number,
  normalize: number,
  eps: number,
  w: Float64Array,
  wOff: number,
  smoothing: number,
  ignoreIndex: number,
): number {
  if (normalize || smoothing !== 0) {
    return crossEntropyIndexGeneral(
      y,
      yOff,
      q,
      qOff,
      n,
      k,
      out,
      outOff,
      lnBase,
      normalize,
      eps,
      w,
      wOff,
      smoothing,
      ignoreIndex,
    );
  }
  // The plain case: check every q in one flat pass, then one log per row (of q_y only).
  let bad = outsideUnit(q, qOff, qOff + n * k);
  const words = wordsOf(q);
  const totals = totalsWanted();
  let s = 0,
    sc = 0,
    d = 0,
    dc = 0;
  for (let r = 0; r < n; r++) {
    const c = classOf(y[yOff + r], k, ignoreIndex);
    if (c < 0) {
      if (c === INVALID) bad = 1;
      out[outOff + r] = classless(c);
      continue;
    }
    const weight = wOff >= 0 ? w[wOff + c] : 1;
    const i = qOff + r * k + c;
    const x = q[i];
    let loss = -weight * (eps > 0 ? Math.log(clampProbability(x, eps)) : ln64(x, words[2 * i + HI_WORD]));
    if (lnBase !== 1) loss /= lnBase;
    out[outOff + r] = loss;
    if (totals) {
      const t = s + loss;
      sc += sumError(s, loss, t);
      s = t;
      const u = d + weight;
      dc += sumError(d, weight, u);
      d = u;
    }
  }
  if (totals) {
    mergeTotals(s, sc, d, dc);
  }
  return bad;
}

/** 1 if a value in a[from .. to) is not a probability (NaN included; -0 is one). */
function outsideUnit(a: Float64Array | Float32Array, from: number, to: number): number {
  let bad = 0;
  for (let i = from; i < to; i++) {
    const x = a[i];
    if (!(x >= 0 && x <= 1)) bad = 1;
  }
  return bad;
}

/**
 * Whether float32 bits words[from .. to) may hold a value outside [0, 1] (exactly: a value whose
 * bits as int32 are outside [0, 0x3F800000], so -0 too). One OR per value, no branch.
 */
function outsideUnit32(words: Int32Array, from: number, to: number): boolean {
  let acc = 0;
  let i = from;
  for (; i + 3 < to; i += 4) {
    const b0 = words[i],
      b1 = words[i + 1],
      b2 = words[i + 2],
      b3 = words[i + 3];
    acc |=
      b0 |
      ((0x3f800000 - b0) | 0) |
      b1 |
      ((0x3f800000 - b1) | 0) |
      b2 |
      ((0x3f800000 - b2) | 0) |
      b3 |
      ((0x3f800000 - b3) | 0);
  }
  for (; i < to; i++) acc |= words[i] | ((0x3f800000 - words[i]) | 0);
  return acc < 0;
}

/**
 * Float32 predictions, read in place. The range check runs on the bits: a float32 is in [0, 1]
 * iff its bits, as int32, are in [0, 0x3F800000] — or it is -0 (0x80000000); `b | (0x3F800000 - b)`
 * has the sign bit set for every other value, so one OR per value finds a chunk to recheck.
 */
function crossEntropyIndexFloat32(
  y: Float64Array,
  yOff: number,
  q: Float32Array,
  qOff: number,
  n: number,
  k: number,
  out: Float64Array,
  outOff: number,
  lnBase: number,
  normalize: number,
  eps: number,
  w: Float64Array,
  wOff: number,
  smoothing: number,
  ignoreIndex: number,
): number {
  if (normalize || smoothing !== 0) {
    return crossEntropyIndexGeneral(
      y,
      yOff,
      q,
      qOff,
      n,
      k,
      out,
      outOff,
      lnBase,
      normalize,
      eps,
      w,
      wOff,
      smoothing,
      ignoreIndex,
    );
  }
  const words = wordsOf(q);
  let bad = outsideUnit32(words, qOff, qOff + n * k) ? outsideUnit(q, qOff, qOff + n * k) : 0;
  const totals = totalsWanted();
  let s = 0,
    sc = 0,
    d = 0,
    dc = 0;
  for (let r = 0; r < n; r++) {
    const c = classOf(y[yOff + r], k, ignoreIndex);
    if (c < 0) {
      if (c === INVALID) bad = 1;
      out[outOff + r] = classless(c);
      continue;
    }
    const weight = wOff >= 0 ? w[wOff + c] : 1;
    const i = qOff + r * k + c;
    const x = q[i];
    let loss = -weight * (eps > 0 ? Math.log(clampProbability(x, eps)) : ln32(x, words[i]));
    if (lnBase !== 1) loss /= lnBase;
    out[outOff + r] = loss;
    if (totals) {
      const t = s + loss;
      sc += sumError(s, loss, t);
      s = t;
      const u = d + weight;
      dc += sumError(d, weight, u);
      d = u;
    }
  }
  if (totals) {
    mergeTotals(s, sc, d, dc);
  }
  return bad;
}

function crossEntropyIndexGeneral(
  y: Float64Array,
  yOff: number,
  q: Float64Array | Float32Array,
  qOff: number,
  n: number,
  k: number,
  out: Float64Array,
  outOff: number,
  lnBase: number,
  normalize: number,
  eps: number,
  w: Float64Array,
  wOff: number,
  smoothing: number,
  ignoreIndex: number,
): number {
  let bad = 0;
  const pMax = normalize ? Infinity : 1;
  for (let r = 0; r < n; r++) {
    const label = y[yOff + r];
    const qRow = qOff + r * k;
    let qTotal = 1;
    let smooth = 0;
    let smoothCarry = 0;
    // One pass validates the row and, with label smoothing, sums Σ w_c (-ln q_c) once q's total is known.
    if (normalize) qTotal = rowSum(q, qRow, k);
    for (let j = 0; j < k; j++) {
      const x = q[qRow + j];
      if (!(x >= 0 && x <= pMax)) bad = 1;
      if (smoothing !== 0) {
        const weight = wOff >= 0 ? w[wOff + j] : 1;
        const v = -weight * Math.log(clampProbability(normalize ? x / qTotal : x, eps));
        const t = smooth + v;
        smoothCarry += sumError(smooth, v, t);
        smooth = t;
      }
    }
    const c = classOf(label, k, ignoreIndex);
    if (c < 0) {
      if (c === INVALID) bad = 1;
      out[outOff + r] = classless(c);
      continue;
    }
    const weight = wOff >= 0 ? w[wOff + c] : 1;
    const qy = q[qRow + c];
    let loss = -weight * Math.log(clampProbability(normalize ? qy / qTotal : qy, eps));
    if (smoothing !== 0) loss = (1 - smoothing) * loss + (smoothing / k) * settle(smooth, smoothCarry);
    loss /= lnBase;
    out[outOff + r] = loss;
    addRow(loss);
    addDen(weight);
  }
  return bad;
}

/** -Σ_c w_c p'_c ln q'_c per row of p and q (params: lnBase, normalize, eps, smoothing). */
export function crossEntropyDenseF64(p: View, q: View, n: number, k: number, out: View, w: View, s: View): number {
  const o = params;
  const bad = crossEntropyDense(
    p.arr,
    p.off,
    q.arr,
    q.off,
    n,
    k,
    out.arr,
    out.off,
    o.lnBase,
    o.normalize,
    o.eps,
    w.arr,
    w.off,
    o.smoothing,
  );
  return s.off < 0 ? bad : bad | weighRows(out, s, n);
}

/** Class-index targets y against predictions q (params: lnBase, normalize, eps, smoothing, ignoreIndex). */
export function crossEntropyIndexF64(y: View, q: View, n: number, k: number, out: View, w: View, s: View): number {
  const o = params;
  const bad = crossEntropyIndex(
    y.arr,
    y.off,
    q.arr,
    q.off,
    n,
    k,
    out.arr,
    out.off,
    o.lnBase,
    o.normalize,
    o.eps,
    w.arr,
    w.off,
    o.smoothing,
    o.ignoreIndex,
  );
  return s.off < 0 ? bad : bad | weighIndexRows(out, s, n, y, k, w, o.ignoreIndex);
}

/** The same over float32 predictions, read in place. */
export function crossEntropyIndexF32(y: View, q: View32, n: number, k: number, out: View, w: View, s: View): number {
  const o = params;
  const bad = crossEntropyIndexFloat32(
    y.arr,
    y.off,
    q.arr,
    q.off,
    n,
    k,
    out.arr,
    out.off,
    o.lnBase,
    o.normalize,
    o.eps,
    w.arr,
    w.off,
    o.smoothing,
    o.ignoreIndex,
  );
  return s.off < 0 ? bad : bad | weighIndexRows(out, s, n, y, k, w, o.ignoreIndex);
}
