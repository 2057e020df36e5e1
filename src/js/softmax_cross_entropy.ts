/**
 * Softmax cross-entropy with dense or class-index targets (mirror of
 * assembly/softmax_cross_entropy.ts).
 *
 * Formulas: dense Σ_c w_c p'_c ((m - z_c) + ln S), p' = (1-ε)p + ε/k; index targets (1-ε)·w_y·((m
 * - z_y) + ln S) + (ε/k)·(Σ_c w_c (m - z_c) + (Σ_c w_c)·ln S), with m and S as in softmax; sums of
 * non-negative terms, never lse - z_y, which would cancel. Target mass on masked (-Infinity)
 * classes only costs +Infinity.
 * Algorithm: the log-sum-exp of softmax; float32 logits read by the same code.
 * Error bound: float64 within max(1e-13·|exact|, 1e-15) of the value computed with mpmath at 50
 * digits (API.md's float64 bound), float32 within max(2e-6·|exact|, 2^-126) of the exact value of
 * the same float32 inputs (API.md's float32 bound); test/fixtures.test.ts checks
 * softmaxCrossEntropy.json (test/fixtures/gen.py), test/float32.test.ts the float32 paths.
 */
import { addRow, mergeTotals, settle, sumError, totalsWanted } from './accumulate.js';
import { classOf, classless, INVALID } from './targets.js';
import { expSum, lnSum, lnSumUnflushed, rowMax } from './softmax.js';
import type { View, View32 } from '../backend/backend.js';
import { params } from './params.js';
import { weighIndexRows, weighRows } from './sample_weights.js';

/**
 * Dense targets: Σ_c w_c p'_c ((m - z_c) + ln S), p' = (1-ε)p + ε/k, as A + B·ln S with
 * A = Σ w_c p'_c (m - z_c) ≥ 0 and B = Σ w_c p'_c ≥ 0, both compensated.
 */
function softmaxCrossEntropyDense(
  p: Float64Array,
  pOff: number,
  z: Float64Array,
  zOff: number,
  n: number,
  k: number,
  out: Float64Array,
  outOff: number,
  lnBase: number,
  w: Float64Array,
  wOff: number,
  smoothing: number,
): number {
  const flag = { bad: 0 };
  const keep = 1 - smoothing;
  const spread = k > 0 ? smoothing / k : 0;
  for (let r = 0; r < n; r++) {
    const pRow = pOff + r * k;
    const zRow = zOff + r * k;
    const m = rowMax(z, zRow, k, flag);
    // Every class masked: any target mass costs +Infinity (and no ln S exists to add).
    const masked = m === -Infinity;
    if (!masked) expSum(z, zRow, k, m);
    let a = 0,
      aCarry = 0,
      b = 0,
      bCarry = 0;
    for (let j = 0; j < k; j++) {
      const x = p[pRow + j];
      if (!(x >= 0 && x <= 1)) flag.bad = 1;
      const target = smoothing !== 0 ? keep * x + spread : x;
      if (target !== 0) {
        const wj = wOff >= 0 ? w[wOff + j] : 1;
        // w·(p·gap): a positive target keeps an infinite gap infinite even where w·p would underflow.
        const va = wj * (target * (masked ? Infinity : m - z[zRow + j]));
        const ta = a + va;
        aCarry += sumError(a, va, ta);
        a = ta;
        const vb = wj * target;
        const tb = b + vb;
        bCarry += sumError(b, vb, tb);
        b = tb;
        if (masked) b = Infinity; // marks target mass on a fully masked row
      }
    }
    const bw = settle(b, bCarry);
    const aw = settle(a, aCarry);
    // API.md: target mass on masked classes only costs +Infinity (whatever the weights: no 0·∞).
    // expNeg flushes terms below 2^-1022 (as the wasm exp does), so ln S can read 0 with
    // subnormal terms left out; with a target mass B > 1 (large weights) B·ln S could exceed
    // API.md's 1e-15 floor, so such a row recounts S with Math.exp (mirror of the wasm kernel).
    // ln S = 0 exactly makes B·ln S 0, also when B overflowed to +Infinity (weights near
    // 1.7e308), where ∞·0 would make the row NaN.
    let lnS = masked || bw === 0 ? 0 : lnSum();
    if (lnS === 0 && !masked && bw > 1) lnS = lnSumUnflushed(z, zRow, k, m);
    const loss = (masked ? (b !== 0 ? Infinity : 0) : lnS === 0 ? aw : aw + bw * lnS) / lnBase;
    out[outOff + r] = loss;
    addRow(loss);
  }
  return flag.bad;
}

/**
 * Class-index targets: (1-ε)·w_y·((m - z_y) + ln S) + (ε/k)·(Σ_c w_c (m - z_c) + (Σ_c w_c)·ln S).
 * Ignored rows give 0 and add nothing to the denominator; others add w_y. Also serves float32
 * logits (softmaxCrossEntropyIndexF32): JavaScript reads either array kind.
 */
function softmaxCrossEntropyIndex(
  y: Float64Array,
  yOff: number,
  z: Float64Array | Float32Array,
  zOff: number,
  n: number,
  k: number,
  out: Float64Array,
  outOff: number,
  lnBase: number,
  w: Float64Array,
  wOff: number,
  smoothing: number,
  ignoreIndex: number,
): number {
  const flag = { bad: 0 };
  const totals = totalsWanted();
  let ts = 0,
    tc = 0,
    td = 0,
    dc = 0;
  for (let r = 0; r < n; r++) {
    const label = y[yOff + r];
    const zRow = zOff + r * k;
    const m = rowMax(z, zRow, k, flag);
    const c = classOf(label, k, ignoreIndex);
    if (c < 0) {
      if (c === INVALID) flag.bad = 1;
      out[outOff + r] = classless(c);
      continue;
    }
    const weight = wOff >= 0 ? w[wOff + c] : 1;
    let loss: number;
    if (m === -Infinity) {
      loss = Infinity; // every class masked: the target sits on a masked class
    } else {
      expSum(z, zRow, k, m);
      const lnS = lnSum();
      loss = weight * (m - z[zRow + c] + lnS);
      if (smoothing !== 0) {
        let a = 0,
          aCarry = 0,
          wsum = 0,
          wCarry = 0;
        for (let j = 0; j < k; j++) {
          const wc = wOff >= 0 ? w[wOff + j] : 1;
          const va = wc * (m - z[zRow + j]);
          const ta = a + va;
          aCarry += sumError(a, va, ta);
          a = ta;
          const tw = wsum + wc;
          wCarry += sumError(wsum, wc, tw);
          wsum = tw;
        }
        loss = (1 - smoothing) * loss + (smoothing / k) * (settle(a, aCarry) + settle(wsum, wCarry) * lnS);
      }
    }
    loss /= lnBase;
    out[outOff + r] = loss;
    if (totals) {
      const t = ts + loss;
      tc += sumError(ts, loss, t);
      ts = t;
      const u = td + weight;
      dc += sumError(td, weight, u);
      td = u;
    }
  }
  if (totals) {
    mergeTotals(ts, tc, td, dc);
  }
  return flag.bad;
}

/** Dense targets p against logits z (params: lnBase, smoothing). */
export function softmaxCrossEntropyDenseF64(
  p: View,
  z: View,
  n: number,
  k: number,
  out: View,
  w: View,
  s: View,
): number {
  const bad = softmaxCrossEntropyDense(
    p.arr,
    p.off,
    z.arr,
    z.off,
    n,
    k,
    out.arr,
    out.off,
    params.lnBase,
    w.arr,
    w.off,
    params.smoothing,
  );
  return s.off < 0 ? bad : bad | weighRows(out, s, n);
}

/** Class-index targets y against logits z (params: lnBase, smoothing, ignoreIndex). */
export function softmaxCrossEntropyIndexF64(
  y: View,
  z: View,
  n: number,
  k: number,
  out: View,
  w: View,
  s: View,
): number {
  const bad = softmaxCrossEntropyIndex(
    y.arr,
    y.off,
    z.arr,
    z.off,
    n,
    k,
    out.arr,
    out.off,
    params.lnBase,
    w.arr,
    w.off,
    params.smoothing,
    params.ignoreIndex,
  );
  return s.off < 0 ? bad : bad | weighIndexRows(out, s, n, y, k, w, params.ignoreIndex);
}

/** Float32 logits: JavaScript reads either array kind with the same code. */
export function softmaxCrossEntropyIndexF32(
  y: View,
  z: View32,
  n: number,
  k: number,
  out: View,
  w: View,
  s: View,
): number {
  const bad = softmaxCrossEntropyIndex(
    y.arr,
    y.off,
    z.arr,
    z.off,
    n,
    k,
    out.arr,
    out.off,
    params.lnBase,
    w.arr,
    w.off,
    params.smoothing,
    params.ignoreIndex,
  );
  return s.off < 0 ? bad : bad | weighIndexRows(out, s, n, y, k, w, params.ignoreIndex);
}
