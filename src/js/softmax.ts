/**
 * Softmax and logSoftmax over rows of logits, and the log-sum-exp they share (mirror of
 * assembly/softmax.ts).
 *
 * Formulas: m = max z, S = Σ exp(z_c - m); logSoftmax z_c - m - ln S; softmax exp(z_c - m)/S.
 * -Infinity logits are masked classes (exp → 0); an all -Infinity row is NaN (as PyTorch); NaN and
 * +Infinity set the flag. ln S = log1p((S_hi - 1) + S_lo) while S < 2 (S_hi - 1 exact, Sterbenz),
 * which keeps near-0 values exact.
 * Algorithm: S summed with TwoSum (Knuth, TAOCP 4.2.2) so S = S_hi + S_lo carries its rounding
 * error; exp from vmath.ts, table-driven, ≤ 3 ulp.
 * Error bound: each value within max(1e-13·|exact|, 1e-15) of the value computed with mpmath at 50
 * digits (API.md's float64 bound); test/fixtures.test.ts checks softmax.json and logSoftmax.json
 * (test/fixtures/gen.py).
 */
import { addRow } from './accumulate.js';
import { expNeg } from './vmath.js';
import type { View } from '../backend/backend.js';
import { params } from './params.js';
import { weighRows } from './sample_weights.js';

/** Max of a row (-Infinity when every logit is -Infinity, or k = 0); NaN, flagged, when one is NaN or +Infinity. */
export function rowMax(z: Float64Array | Float32Array, row: number, k: number, flag: { bad: number }): number {
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
export const total = { hi: 0, lo: 0 };

/** S = Σ exp(z_c - m), compensated with TwoSum (Knuth) into total. */
export function expSum(z: Float64Array | Float32Array, row: number, k: number, m: number): void {
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
export function lnSumUnflushed(z: ArrayLike<number>, row: number, k: number, m: number): number {
  let tops = 0;
  let rest = 0;
  for (let j = 0; j < k; j++) {
    const v = z[row + j];
    if (v === m) tops++;
    else rest += Math.exp(v - m);
  }
  return Math.log1p(tops - 1 + rest);
}

export function lnSum(): number {
  return total.hi < 2 ? Math.log1p(total.hi - 1 + total.lo) : Math.log(total.hi + total.lo);
}

/** softmax (log = 0) or logSoftmax (log = 1) of each row, written to out (may alias z). */
function softmaxRows(
  z: Float64Array,
  zOff: number,
  n: number,
  k: number,
  out: Float64Array,
  outOff: number,
  log: number,
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
 * log Σ e^z per row (SciPy logsumexp): m + ln S. -Infinity entries count for nothing; an all
 * -Infinity row (or k = 0) gives -Infinity; a NaN or +Infinity logit sets the flag (row NaN).
 */
function logSumExpRows(z: Float64Array, zOff: number, n: number, k: number, out: Float64Array, outOff: number): number {
  const flag = { bad: 0 };
  for (let r = 0; r < n; r++) {
    const row = zOff + r * k;
    const m = rowMax(z, row, k, flag);
    let v = m; // -Infinity (every entry masked) or NaN (flagged) as it is
    if (m > -Infinity) {
      expSum(z, row, k, m);
      v = m + lnSum();
    }
    out[outOff + r] = v;
    addRow(v);
  }
  return flag.bad;
}

/** log Σ e^z of each row (no options). */
export function logSumExpRowsF64(z: View, n: number, k: number, out: View, s: View): number {
  const bad = logSumExpRows(z.arr, z.off, n, k, out.arr, out.off);
  return s.off < 0 ? bad : bad | weighRows(out, s, n);
}

/** softmax, or logSoftmax (params: log), of each row; out may alias z. */
export function softmaxRowsF64(z: View, n: number, k: number, out: View): number {
  return softmaxRows(z.arr, z.off, n, k, out.arr, out.off, params.log);
}
