/**
 * Log-sum-exp family over float64 rows of logits (mirror of assembly/softmax_f64.ts):
 * softmax, logSoftmax and softmax cross-entropy with dense or class-index targets.
 *
 * Stable form: m = max z, S = Σ exp(z_c - m) = 1 + R where R sums every class but the first
 * arg-max, so ln S = log1p(R) keeps its digits when one class dominates (loss near 0).
 * Losses are written as sums of non-negative terms — (m - z_c) + ln S — never lse - z_y, which
 * would cancel. -Infinity logits are masked classes (exp → 0); NaN and +Infinity set the flag.
 */
import { addDen, addRow, settle, sumError } from './accumulate.js';

/** Arg-max of a row (first on ties), -1 when every logit is -Infinity or NaN (or k = 0). Sets the flag on NaN/+Infinity. */
function rowArgMax(z: Float64Array, row: number, k: number, flag: { bad: number }): number {
  let m = -Infinity;
  let at = -1;
  for (let j = 0; j < k; j++) {
    const v = z[row + j];
    if (!(v < Infinity)) flag.bad = 1;
    if (v > m) {
      m = v;
      at = j;
    }
  }
  return at;
}

/** R = Σ_{c ≠ at} exp(z_c - m), compensated. */
function restOfSum(z: Float64Array, row: number, k: number, at: number, m: number): number {
  let s = 0;
  let c = 0;
  for (let j = 0; j < k; j++) {
    if (j === at) continue;
    const v = Math.exp(z[row + j] - m);
    const t = s + v;
    c += sumError(s, v, t);
    s = t;
  }
  return settle(s, c);
}

/** softmax (log = 0) or logSoftmax (log = 1) of each row, written to out (may alias z). */
export function softmaxRowsF64(
  z: Float64Array, zOff: number, n: number, k: number, out: Float64Array, outOff: number, log: number,
): number {
  const flag = { bad: 0 };
  for (let r = 0; r < n; r++) {
    const row = zOff + r * k;
    const dst = outOff + r * k;
    const at = rowArgMax(z, row, k, flag);
    // Every logit masked: PyTorch gives NaN for the whole row; (z - m) with m = -Infinity does too.
    const m = at >= 0 ? z[row + at] : -Infinity;
    const rest = restOfSum(z, row, k, at, m);
    if (log) {
      const lnS = Math.log1p(rest);
      for (let j = 0; j < k; j++) out[dst + j] = z[row + j] - m - lnS;
    } else {
      const total = 1 + rest;
      for (let j = 0; j < k; j++) out[dst + j] = Math.exp(z[row + j] - m) / total;
    }
  }
  return flag.bad;
}

/**
 * Dense targets: Σ_c w_c p'_c ((m - z_c) + ln S), p' = (1-ε)p + ε/k. Computed as A + B·ln S with
 * A = Σ w_c p'_c (m - z_c) ≥ 0 and B = Σ w_c p'_c ≥ 0, in the same pass as R.
 */
export function softmaxCrossEntropyDenseF64(
  p: Float64Array, pOff: number, z: Float64Array, zOff: number, n: number, k: number,
  out: Float64Array, outOff: number, lnBase: number, w: Float64Array, wOff: number, smoothing: number,
): number {
  const flag = { bad: 0 };
  const keep = 1 - smoothing;
  const spread = k > 0 ? smoothing / k : 0;
  for (let r = 0; r < n; r++) {
    const pRow = pOff + r * k;
    const zRow = zOff + r * k;
    const at = rowArgMax(z, zRow, k, flag);
    const m = at >= 0 ? z[zRow + at] : -Infinity;
    let a = 0, aCarry = 0, b = 0, bCarry = 0, rest = 0, restCarry = 0;
    for (let j = 0; j < k; j++) {
      const x = p[pRow + j];
      if (!(x >= 0 && x <= 1)) flag.bad = 1;
      const zj = z[zRow + j];
      if (j !== at) {
        const e = Math.exp(zj - m);
        const t = rest + e;
        restCarry += sumError(rest, e, t);
        rest = t;
      }
      let target = smoothing !== 0 ? keep * x + spread : x;
      if (target !== 0) {
        target *= wOff >= 0 ? w[wOff + j] : 1;
        // A row with every class masked (m = -Infinity) and target mass on it costs +Infinity.
        const gap = at >= 0 ? m - zj : Infinity;
        const va = target * gap;
        const ta = a + va;
        aCarry += sumError(a, va, ta);
        a = ta;
        const tb = b + target;
        bCarry += sumError(b, target, tb);
        b = tb;
      }
    }
    const lnS = Math.log1p(settle(rest, restCarry));
    const bw = settle(b, bCarry);
    const loss = (settle(a, aCarry) + (bw !== 0 ? bw * lnS : 0)) / lnBase;
    out[outOff + r] = loss;
    addRow(loss);
  }
  return flag.bad;
}

/**
 * Class-index targets: (1-ε)·w_y·((m - z_y) + ln S) + (ε/k)·(Σ_c w_c (m - z_c) + (Σ_c w_c)·ln S).
 * Ignored rows give 0 and add nothing to the denominator; others add w_y.
 */
export function softmaxCrossEntropyIndexF64(
  y: Float64Array, yOff: number, z: Float64Array, zOff: number, n: number, k: number,
  out: Float64Array, outOff: number, lnBase: number,
  w: Float64Array, wOff: number, smoothing: number, ignoreIndex: number,
): number {
  const flag = { bad: 0 };
  for (let r = 0; r < n; r++) {
    const label = y[yOff + r];
    const zRow = zOff + r * k;
    const at = rowArgMax(z, zRow, k, flag);
    if (label === ignoreIndex) {
      out[outOff + r] = 0;
      continue;
    }
    if (!(label >= 0 && label < k && Math.floor(label) === label)) {
      flag.bad = 1;
      out[outOff + r] = NaN;
      continue;
    }
    const weight = wOff >= 0 ? w[wOff + label] : 1;
    let loss: number;
    if (at < 0) {
      loss = Infinity; // every class masked: the target sits on a masked class
    } else {
      const m = z[zRow + at];
      let rest = 0, restCarry = 0, a = 0, aCarry = 0, wsum = 0, wCarry = 0;
      for (let j = 0; j < k; j++) {
        const gap = m - z[zRow + j];
        if (j !== at) {
          const e = Math.exp(-gap);
          const t = rest + e;
          restCarry += sumError(rest, e, t);
          rest = t;
        }
        if (smoothing !== 0) {
          const wc = wOff >= 0 ? w[wOff + j] : 1;
          const va = wc * gap;
          const ta = a + va;
          aCarry += sumError(a, va, ta);
          a = ta;
          const tw = wsum + wc;
          wCarry += sumError(wsum, wc, tw);
          wsum = tw;
        }
      }
      const lnS = Math.log1p(settle(rest, restCarry));
      loss = weight * (m - z[zRow + label] + lnS);
      if (smoothing !== 0) {
        loss = (1 - smoothing) * loss + (smoothing / k) * (settle(a, aCarry) + settle(wsum, wCarry) * lnS);
      }
    }
    loss /= lnBase;
    out[outOff + r] = loss;
    addRow(loss);
    addDen(weight);
  }
  return flag.bad;
}
