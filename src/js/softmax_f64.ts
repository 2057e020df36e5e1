/**
 * Log-sum-exp family over float64 rows of logits (mirror of assembly/softmax_f64.ts):
 * softmax, logSoftmax and softmax cross-entropy with dense or class-index targets.
 *
 * Stable form: m = max z, S = Σ exp(z_c - m) summed with TwoSum so S = hi + lo carries its
 * rounding error; ln S = log1p((hi - 1) + lo) while hi < 2 (hi - 1 exact, Sterbenz) keeps the
 * digits when one class dominates (loss near 0). Losses are sums of non-negative terms —
 * (m - z_c) + ln S — never lse - z_y, which would cancel. -Infinity logits are masked classes
 * (exp → 0); NaN and +Infinity set the flag.
 */
import { addRow, flushDen, flushRows, settle, sumError, wantTotals } from './accumulate.js';
import { expNeg } from './vmath.js';
import { classOf, classless, INVALID } from './targets.js';

/** Max of a row (-Infinity when every logit is -Infinity, or k = 0); NaN, flagged, when one is NaN or +Infinity. */
function rowMax(z: Float64Array | Float32Array, row: number, k: number, flag: { bad: number }): number {
  let m = -Infinity;
  let poisoned = false;
  for (let j = 0; j < k; j++) {
    const v = z[row + j];
    if (!(v < Infinity)) poisoned = true;
    if (v > m) m = v;
  }
  // A NaN or +Infinity logit (flagged; computed as written with validate: false) makes the row NaN.
  if (poisoned) {
    flag.bad = 1;
    return NaN;
  }
  return m;
}

/** The last row's S = Σ exp(z_c - m) as hi + lo (set by expSum). */
const total = { hi: 0, lo: 0 };

/** S = Σ exp(z_c - m), compensated with TwoSum (Knuth) into total. */
function expSum(z: Float64Array | Float32Array, row: number, k: number, m: number): void {
  let s = 0;
  let c = 0;
  for (let j = 0; j < k; j++) {
    const e = expNeg(z[row + j] - m); // z - m ≤ 0 (vmath.ts, ≤ 3 ulp, no call)
    const t = s + e;
    const bp = t - s;
    c += s - (t - bp) + (e - bp);
    s = t;
  }
  total.hi = s;
  total.lo = c;
}

/** ln S: log1p of the exact S - 1 while S < 2 (Sterbenz), which keeps near-0 losses exact. */
/** ln S with Math.exp, subnormal terms kept: log1p((count of max lanes - 1) + Σ the rest). */
function lnSumUnflushed(z: ArrayLike<number>, row: number, k: number, m: number): number {
  let tops = 0;
  let rest = 0;
  for (let j = 0; j < k; j++) {
    const v = z[row + j];
    if (v === m) tops++;
    else rest += Math.exp(v - m);
  }
  return Math.log1p(tops - 1 + rest);
}

function lnSum(): number {
  return total.hi < 2 ? Math.log1p(total.hi - 1 + total.lo) : Math.log(total.hi + total.lo);
}

/** softmax (log = 0) or logSoftmax (log = 1) of each row, written to out (may alias z). */
export function softmaxRowsF64(
  z: Float64Array, zOff: number, n: number, k: number, out: Float64Array, outOff: number, log: number,
): number {
  const flag = { bad: 0 };
  for (let r = 0; r < n; r++) {
    const row = zOff + r * k;
    const dst = outOff + r * k;
    // Every logit masked: m = -Infinity makes (z - m) NaN, and the whole row NaN, as in PyTorch.
    const m = rowMax(z, row, k, flag);
    expSum(z, row, k, m);
    if (log) {
      // (z - m) - ln S: z - m is exact, so only one rounding; z - (m + ln S) would round at m's scale.
      const lnS = lnSum();
      for (let j = 0; j < k; j++) out[dst + j] = z[row + j] - m - lnS;
    } else {
      const s = total.hi + total.lo;
      for (let j = 0; j < k; j++) out[dst + j] = expNeg(z[row + j] - m) / s;
    }
  }
  return flag.bad;
}

/**
 * Dense targets: Σ_c w_c p'_c ((m - z_c) + ln S), p' = (1-ε)p + ε/k, as A + B·ln S with
 * A = Σ w_c p'_c (m - z_c) ≥ 0 and B = Σ w_c p'_c ≥ 0, both compensated.
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
    const m = rowMax(z, zRow, k, flag);
    // Every class masked: any target mass costs +Infinity (and no ln S exists to add).
    const masked = m === -Infinity;
    if (!masked) expSum(z, zRow, k, m);
    let a = 0, aCarry = 0, b = 0, bCarry = 0;
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
export function softmaxCrossEntropyIndexF64(
  y: Float64Array, yOff: number, z: Float64Array | Float32Array, zOff: number, n: number, k: number,
  out: Float64Array, outOff: number, lnBase: number,
  w: Float64Array, wOff: number, smoothing: number, ignoreIndex: number,
): number {
  const flag = { bad: 0 };
  const totals = wantTotals();
  let ts = 0, tc = 0, td = 0, dc = 0;
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
        let a = 0, aCarry = 0, wsum = 0, wCarry = 0;
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
    flushRows(ts, tc);
    flushDen(td, dc);
  }
  return flag.bad;
}

export const softmaxCrossEntropyIndexF32 = softmaxCrossEntropyIndexF64;
