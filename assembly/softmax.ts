// Softmax and logSoftmax over rows of logits, and the log-sum-exp they share (mirror of
// src/js/softmax.ts).
//
// Formulas: m = max z, S = Σ exp(z_c - m); logSoftmax z_c - m - ln S; softmax exp(z_c - m)/S.
// -Infinity logits are masked classes (exp → 0); an all -Infinity row is NaN (as PyTorch); NaN and
// +Infinity set the flag. ln S = log1p((S_hi - 1) + S_lo) while S < 2 (S_hi - 1 exact, Sterbenz),
// which keeps near-0 values exact.
// Algorithm: S summed with TwoSum (Knuth, TAOCP 4.2.2) so S = S_hi + S_lo carries its rounding
// error; exp from vmath_f64.ts / vmath_f32.ts, FDLIBM-based, < 1 ulp.
// Error bound: each value within max(1e-13·|exact|, 1e-15) of the value computed with mpmath at 50
// digits (API.md's float64 bound); test/fixtures.test.ts checks softmax.json and logSoftmax.json
// (test/fixtures/gen.py).
import { addDen, addRow, vSumError } from './accumulate';
import { sexp, vexp } from './vmath_f64';
import { classOf, classless, INVALID } from './targets';
import { load1, load2 } from './lanes';
import * as params from './params';
import { weighRows } from './sample_weights';

/** Set when a row read by rowMax holds a NaN or +Infinity logit; cleared by each kernel. */
let flag: i32 = 0;

// @ts-ignore: decorator
@inline export function clearFlag(): void {
  flag = 0;
}

// @ts-ignore: decorator
@inline export function raiseFlag(): void {
  flag = 1;
}

// @ts-ignore: decorator
@inline export function flagged(): i32 {
  return flag;
}
/** The last row's S = sumHi + sumLo (set by expSum). */
let sumHi: f64 = 0;
let sumLo: f64 = 0;

// @ts-ignore: decorator
@inline export function twoSumLoScalar(a: f64, b: f64, s: f64): f64 {
  const bp = s - a;
  return a - (s - bp) + (b - bp);
}

/** Max of a row (-Infinity when every logit is -Infinity, or k = 0); NaN, flagged, when one is NaN or +Infinity. */
export function rowMax<T>(z: usize, k: i32): f64 {
  let m2 = f64x2.splat(-Infinity);
  let ok = i64x2.splat(-1);
  let j = 0;
  for (; j + 1 < k; j += 2) {
    const v = load2<T>(z, j);
    ok = v128.and(ok, f64x2.lt(v, f64x2.splat(Infinity)));
    m2 = f64x2.pmax(m2, v); // one maxpd; NaN lanes are flagged above
  }
  let m = max(f64x2.extract_lane(m2, 0), f64x2.extract_lane(m2, 1));
  let poisoned = !v128.all_true<i64>(ok);
  if (j < k) {
    const v = load1<T>(z, j);
    if (!(v < Infinity)) poisoned = true;
    m = max(m, v);
  }
  // A NaN or +Infinity logit (flagged; computed as written with validate: false) makes the row NaN.
  if (poisoned) {
    flag = 1;
    return NaN;
  }
  return m;
}

/** S = Σ exp(z_c - m) into (sumHi, sumLo), compensated per lane, lanes merged exactly. */
export function expSum<T>(z: usize, k: i32, m: f64): void {
  const mm = f64x2.splat(m);
  let s2 = f64x2.splat(0.0);
  let c2 = f64x2.splat(0.0);
  let j = 0;
  for (; j + 1 < k; j += 2) {
    const e = vexp(f64x2.sub(load2<T>(z, j), mm));
    const t = f64x2.add(s2, e);
    c2 = f64x2.add(c2, vSumError(s2, e, t));
    s2 = t;
  }
  let s = f64x2.extract_lane(s2, 0);
  let c = f64x2.extract_lane(c2, 0) + f64x2.extract_lane(c2, 1);
  let e = f64x2.extract_lane(s2, 1);
  let t = s + e;
  c += twoSumLoScalar(s, e, t);
  s = t;
  if (j < k) {
    e = sexp(load1<T>(z, j) - m);
    t = s + e;
    c += twoSumLoScalar(s, e, t);
    s = t;
  }
  sumHi = s;
  sumLo = c;
}

/** ln S with scalar exps that keep subnormal terms: log1p((count of max lanes - 1) + Σ the rest). */
export function lnSumUnflushed(z: usize, k: i32, m: f64): f64 {
  let tops = 0;
  let rest = 0.0;
  for (let j = 0; j < k; j++) {
    const v = load1<f64>(z, j);
    if (v == m) tops++;
    else rest += Math.exp(v - m);
  }
  return Math.log1p(<f64>(tops - 1) + rest);
}

/** ln S from (sumHi, sumLo): log1p of the exact S - 1 while S < 2. */
// @ts-ignore: decorator
@inline export function lnSum(): f64 {
  return sumHi < 2 ? Math.log1p(sumHi - 1 + sumLo) : Math.log(sumHi + sumLo);
}

function softmaxRows<T>(z: usize, n: i32, k: i32, out: usize, log: i32): i32 {
  flag = 0;
  for (let r = 0; r < n; r++) {
    const row = z + ((<usize>r * <usize>k) << alignof<T>());
    const dst = out + ((<usize>r * <usize>k) << 3);
    // Every logit masked: m = -Infinity makes (z - m) NaN, and the whole row NaN, as in PyTorch.
    const m = rowMax<T>(row, k);
    expSum<T>(row, k, m);
    if (log) {
      // (z - m) - ln S: z - m is exact, so only one rounding; z - (m + ln S) would round at m's scale.
      const mm = f64x2.splat(m);
      const lnS = lnSum();
      const lnS2 = f64x2.splat(lnS);
      let j = 0;
      for (; j + 1 < k; j += 2) v128.store(dst + (<usize>j << 3), f64x2.sub(f64x2.sub(load2<T>(row, j), mm), lnS2));
      if (j < k) store<f64>(dst + (<usize>j << 3), load1<T>(row, j) - m - lnS);
    } else {
      // exp(z - m) / S rounds once more than exp: ≤ 2 ulp.
      const mm = f64x2.splat(m);
      const total = f64x2.splat(sumHi + sumLo);
      let j = 0;
      for (; j + 1 < k; j += 2) {
        v128.store(dst + (<usize>j << 3), f64x2.div(vexp(f64x2.sub(load2<T>(row, j), mm)), total));
      }
      if (j < k) store<f64>(dst + (<usize>j << 3), sexp(load1<T>(row, j) - m) / (sumHi + sumLo));
    }
  }
  return flag;
}

/** softmax, or logSoftmax (option: log), of each row of float64 logits; out may alias z. */
export function softmaxRowsF64(z: usize, n: i32, k: i32, out: usize): i32 {
  return softmaxRows<f64>(z, n, k, out, params.log());
}

/**
 * log Σ e^z per row (SciPy logsumexp): m + ln S. -Infinity entries count for nothing; an all
 * -Infinity row (or k = 0) gives -Infinity; a NaN or +Infinity logit sets the flag (row NaN).
 */
function logSumExpRows<T>(z: usize, n: i32, k: i32, out: usize): i32 {
  flag = 0;
  for (let r = 0; r < n; r++) {
    const row = z + ((<usize>r * <usize>k) << alignof<T>());
    const m = rowMax<T>(row, k);
    let v = m; // -Infinity (every entry masked) or NaN (flagged) as it is
    if (m > -Infinity) {
      expSum<T>(row, k, m);
      v = m + lnSum();
    }
    store<f64>(out + (<usize>r << 3), v);
    addRow(v);
  }
  return flag;
}

/** log Σ e^z of each row of float64 logits (no options). */
export function logSumExpRowsF64(z: usize, n: i32, k: i32, out: usize, s: usize): i32 {
  const bad = logSumExpRows<f64>(z, n, k, out);
  return s ? bad | weighRows(out, s, n) : bad;
}

/** ln Σ exp(z_c - m) of a row of T (f64, or f32 promoted), compensated: the float32 kernel's fallback. */
export function logSumExpShifted<T>(z: usize, k: i32, m: f64): f64 {
  expSum<T>(z, k, m);
  return lnSum();
}
