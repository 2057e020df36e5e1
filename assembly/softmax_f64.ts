// Log-sum-exp family over float64 rows of logits (mirror of src/js/softmax_f64.ts): softmax,
// logSoftmax and softmax cross-entropy with dense or class-index targets.
//
// Stable form: m = max z, S = Σ exp(z_c - m) = 1 + R where R sums every class but the first
// arg-max, so ln S = log1p(R) keeps its digits when one class dominates (loss near 0). Losses are
// sums of non-negative terms, (m - z_c) + ln S, never lse - z_y, which would cancel. -Infinity
// logits are masked classes (exp → 0); NaN and +Infinity set the flag.
import { addDen, addRow, settle, sumError } from './accumulate';

let flag: i32 = 0;

// @ts-ignore: decorator
@inline function at(row: usize, j: i32): f64 {
  return load<f64>(row + (<usize>j << 3));
}

/** Arg-max of a row (first on ties), -1 when every logit is -Infinity or NaN (or k = 0). Flags NaN/+Infinity. */
function rowArgMax(z: usize, k: i32): i32 {
  let m = -Infinity;
  let arg = -1;
  for (let j = 0; j < k; j++) {
    const v = at(z, j);
    if (!(v < Infinity)) flag = 1;
    if (v > m) {
      m = v;
      arg = j;
    }
  }
  return arg;
}

/** R = Σ_{c ≠ arg} exp(z_c - m), compensated. */
function restOfSum(z: usize, k: i32, arg: i32, m: f64): f64 {
  let s = 0.0;
  let c = 0.0;
  for (let j = 0; j < k; j++) {
    if (j == arg) continue;
    const v = Math.exp(at(z, j) - m);
    const t = s + v;
    c += sumError(s, v, t);
    s = t;
  }
  return settle(s, c);
}

/** softmax (log = 0) or logSoftmax (log = 1) of each row, written to out (may alias z). */
export function softmaxRowsF64(z: usize, n: i32, k: i32, out: usize, log: i32): i32 {
  flag = 0;
  for (let r = 0; r < n; r++) {
    const row = z + ((<usize>r * <usize>k) << 3);
    const dst = out + ((<usize>r * <usize>k) << 3);
    const arg = rowArgMax(row, k);
    // Every logit masked: PyTorch gives NaN for the whole row; (z - m) with m = -Infinity does too.
    const m = arg >= 0 ? at(row, arg) : -Infinity;
    const rest = restOfSum(row, k, arg, m);
    if (log) {
      const lnS = Math.log1p(rest);
      for (let j = 0; j < k; j++) store<f64>(dst + (<usize>j << 3), at(row, j) - m - lnS);
    } else {
      const total = 1 + rest;
      for (let j = 0; j < k; j++) store<f64>(dst + (<usize>j << 3), Math.exp(at(row, j) - m) / total);
    }
  }
  return flag;
}

/**
 * Dense targets: Σ_c w_c p'_c ((m - z_c) + ln S), p' = (1-ε)p + ε/k, as A + B·ln S with
 * A = Σ w_c p'_c (m - z_c) ≥ 0 and B = Σ w_c p'_c ≥ 0, in the same pass as R.
 */
export function softmaxCrossEntropyDenseF64(
  p: usize, z: usize, n: i32, k: i32, out: usize, lnBase: f64, w: usize, smoothing: f64,
): i32 {
  flag = 0;
  const keep = 1 - smoothing;
  const spread = k > 0 ? smoothing / <f64>k : 0.0;
  for (let r = 0; r < n; r++) {
    const pRow = p + ((<usize>r * <usize>k) << 3);
    const zRow = z + ((<usize>r * <usize>k) << 3);
    const arg = rowArgMax(zRow, k);
    const m = arg >= 0 ? at(zRow, arg) : -Infinity;
    let a = 0.0, aCarry = 0.0, b = 0.0, bCarry = 0.0, rest = 0.0, restCarry = 0.0;
    for (let j = 0; j < k; j++) {
      const x = at(pRow, j);
      if (!(x >= 0 && x <= 1)) flag = 1;
      const zj = at(zRow, j);
      if (j != arg) {
        const e = Math.exp(zj - m);
        const t = rest + e;
        restCarry += sumError(rest, e, t);
        rest = t;
      }
      let target = smoothing != 0 ? keep * x + spread : x;
      if (target != 0) {
        if (w) target *= at(w, j);
        // A row with every class masked (m = -Infinity) and target mass on it costs +Infinity.
        const gap = arg >= 0 ? m - zj : Infinity;
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
    const loss = (settle(a, aCarry) + (bw != 0 ? bw * lnS : 0.0)) / lnBase;
    store<f64>(out + (<usize>r << 3), loss);
    addRow(loss);
  }
  return flag;
}

/**
 * Class-index targets: (1-ε)·w_y·((m - z_y) + ln S) + (ε/k)·(Σ_c w_c (m - z_c) + (Σ_c w_c)·ln S).
 * Ignored rows give 0 and add nothing to the denominator; others add w_y.
 */
export function softmaxCrossEntropyIndexF64(
  y: usize, z: usize, n: i32, k: i32, out: usize, lnBase: f64, w: usize, smoothing: f64, ignoreIndex: f64,
): i32 {
  flag = 0;
  for (let r = 0; r < n; r++) {
    const label = load<f64>(y + (<usize>r << 3));
    const zRow = z + ((<usize>r * <usize>k) << 3);
    const arg = rowArgMax(zRow, k);
    if (label == ignoreIndex) {
      store<f64>(out + (<usize>r << 3), 0.0);
      continue;
    }
    if (!(label >= 0 && label < <f64>k && Math.floor(label) == label)) {
      flag = 1;
      store<f64>(out + (<usize>r << 3), NaN);
      continue;
    }
    const c = <i32>label;
    const weight = w ? at(w, c) : 1.0;
    let loss: f64;
    if (arg < 0) {
      loss = Infinity; // every class masked: the target sits on a masked class
    } else {
      const m = at(zRow, arg);
      let rest = 0.0, restCarry = 0.0, a = 0.0, aCarry = 0.0, wsum = 0.0, wCarry = 0.0;
      for (let j = 0; j < k; j++) {
        const gap = m - at(zRow, j);
        if (j != arg) {
          const e = Math.exp(-gap);
          const t = rest + e;
          restCarry += sumError(rest, e, t);
          rest = t;
        }
        if (smoothing != 0) {
          const wc = w ? at(w, j) : 1.0;
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
      loss = weight * (m - at(zRow, c) + lnS);
      if (smoothing != 0) {
        loss = (1 - smoothing) * loss + (smoothing / <f64>k) * (settle(a, aCarry) + settle(wsum, wCarry) * lnS);
      }
    }
    loss /= lnBase;
    store<f64>(out + (<usize>r << 3), loss);
    addRow(loss);
    addDen(weight);
  }
  return flag;
}
