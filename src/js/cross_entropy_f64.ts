/**
 * Cross-entropy (dense and class-index targets) and KL divergence over float64 rows
 * (mirror of assembly/cross_entropy_f64.ts).
 *
 * Conventions of API.md: a target entry of 0 contributes nothing, even where q = 0; p > 0 where
 * q = 0 gives +Infinity. Options arrive resolved: `weights` is an offset into `w` or -1 for none,
 * `smoothing` is PyTorch's label_smoothing ε, `eps` the clamp (0: exact), `ignoreIndex` NaN for none.
 */
import { addDen, addRow, rowSum, settle, sumError } from './accumulate.js';
import { classOf, classless, INVALID } from './targets.js';

/** Clamps q into [eps, 1-eps] (scikit-learn's log_loss clip, without renormalisation); eps = 0 is exact. */
export function clampProbability(q: number, eps: number): number {
  if (eps > 0) return q < eps ? eps : q > 1 - eps ? 1 - eps : q;
  return q;
}

/**
 * ln(a/b) for a > 0 without the two classic losses: near a = b the quotient's rounding would be
 * amplified by the log, so log1p((a-b)/b) is used (a-b is exact there, Sterbenz); where a/b
 * overflows or underflows (b or a subnormal) the difference of logs is used (no cancellation then).
 */
export function logRatio(a: number, b: number): number {
  const ratio = a / b;
  if (ratio > 0.5 && ratio < 2) return Math.log1p((a - b) / b);
  if (ratio >= 2.2250738585072014e-308 && ratio < Infinity) return Math.log(ratio);
  return Math.log(a) - Math.log(b);
}

/** -Σ_c w_c p'_c ln q'_c per row; p' = (1-ε)p + ε/k (after normalize), q' = clamp(q / Σq). */
export function crossEntropyDenseF64(
  p: Float64Array, pOff: number, q: Float64Array, qOff: number, n: number, k: number,
  out: Float64Array, outOff: number, lnBase: number,
  normalize: number, eps: number, w: Float64Array, wOff: number, smoothing: number,
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
export function crossEntropyIndexF64(
  y: Float64Array, yOff: number, q: Float64Array | Float32Array, qOff: number, n: number, k: number,
  out: Float64Array, outOff: number, lnBase: number,
  normalize: number, eps: number, w: Float64Array, wOff: number, smoothing: number, ignoreIndex: number,
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

/** Float32 predictions: JavaScript reads either array kind with the same code. */
export const crossEntropyIndexF32 = crossEntropyIndexF64;

/** Σ p ln(p/q) per row (SciPy rel_entr summed), compensated; `normalize` divides p and q by their sums. */
export function klDivergenceRowsF64(
  p: Float64Array, pOff: number, q: Float64Array, qOff: number, n: number, k: number,
  out: Float64Array, outOff: number, lnBase: number, normalize: number,
): number {
  let bad = 0;
  const pMax = normalize ? Infinity : 1;
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
    addRow(d);
  }
  return bad;
}
