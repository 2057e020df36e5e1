// Log-sum-exp family over rows of logits (mirror of src/js/softmax_f64.ts): softmax, logSoftmax
// and softmax cross-entropy with dense or class-index targets. Generic in the logits' element
// type T (f64, or f32 promoted lane by lane: float32 batches are read in place, never converted);
// all arithmetic is f64x2.
//
// Stable form: m = max z, S = Σ exp(z_c - m), summed per lane with TwoSum (Knuth) so S = s + c
// carries its rounding error; ln S = log1p((s - 1) + c) while s < 2 (s - 1 is exact there,
// Sterbenz), which keeps the loss's digits when one class dominates (loss near 0). Losses are
// sums of non-negative terms, (m - z_c) + ln S, never lse - z_y, which would cancel.
// -Infinity logits are masked classes (exp → 0); NaN and +Infinity set the flag.
import { addDen, addRow, vSumError } from './accumulate';
import { sexp, vexp } from './vmath_f64';
import { classOf, classless, INVALID } from './targets';
import { load1, load2 } from './lanes';

let flag: i32 = 0;
/** The last row's S = sumHi + sumLo (set by expSum). */
let sumHi: f64 = 0;
let sumLo: f64 = 0;

// @ts-ignore: decorator
@inline function twoSumLoScalar(a: f64, b: f64, s: f64): f64 {
  const bp = s - a;
  return a - (s - bp) + (b - bp);
}

/** Max of a row (-Infinity when every logit is -Infinity, or k = 0); NaN, flagged, when one is NaN or +Infinity. */
function rowMax<T>(z: usize, k: i32): f64 {
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
function expSum<T>(z: usize, k: i32, m: f64): void {
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
function lnSumUnflushed(z: usize, k: i32, m: f64): f64 {
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
@inline function lnSum(): f64 {
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

/** softmax (log = 0) or logSoftmax (log = 1) of each row of float64 logits; out may alias z. */
export function softmaxRowsF64(z: usize, n: i32, k: i32, out: usize, log: i32): i32 {
  return softmaxRows<f64>(z, n, k, out, log);
}

/**
 * Dense targets: Σ_c w_c p'_c ((m - z_c) + ln S), p' = (1-ε)p + ε/k, as A + B·ln S with
 * A = Σ w_c p'_c (m - z_c) ≥ 0 and B = Σ w_c p'_c ≥ 0 (compensated, scalar: dense targets
 * are the rarer path).
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
    const m = rowMax<f64>(zRow, k);
    // Every class masked: any target mass costs +Infinity (and no ln S exists to add).
    const masked = m == -Infinity;
    if (!masked) expSum<f64>(zRow, k, m);
    let a = 0.0, aCarry = 0.0, b = 0.0, bCarry = 0.0;
    for (let j = 0; j < k; j++) {
      const x = load1<f64>(pRow, j);
      if (!(x >= 0 && x <= 1)) flag = 1;
      const target = smoothing != 0 ? keep * x + spread : x;
      if (target != 0) {
        const wj = w ? load1<f64>(w, j) : 1.0;
        // w·(p·gap): a positive target keeps an infinite gap infinite even where w·p would underflow.
        const va = wj * (target * (masked ? Infinity : m - load1<f64>(zRow, j)));
        const ta = a + va;
        aCarry += twoSumLoScalar(a, va, ta);
        a = ta;
        const vb = wj * target;
        const tb = b + vb;
        bCarry += twoSumLoScalar(b, vb, tb);
        b = tb;
        if (masked) b = Infinity; // marks target mass on a fully masked row
      }
    }
    const bw = isFinite(b) ? b + bCarry : b;
    const aw = isFinite(a) ? a + aCarry : a;
    // API.md: target mass on masked classes only costs +Infinity (whatever the weights: no 0·∞).
    let lnS = masked || bw == 0 ? 0.0 : lnSum();
    // The vector exp flushes terms below 2^-1022, so ln S can read 0 where the js kernel has a
    // subnormal one; with a target mass B > 1 (large weights) B·ln S could exceed API.md's 1e-15
    // floor, so such a row recounts S with scalar exps. ln S = 0 exactly makes B·ln S 0, also when
    // B overflowed to +Infinity (weights near 1.7e308), where ∞·0 would make the row NaN.
    if (lnS == 0 && !masked && bw > 1) lnS = lnSumUnflushed(zRow, k, m);
    const loss = (masked ? (b != 0 ? Infinity : 0.0) : lnS == 0 ? aw : aw + bw * lnS) / lnBase;
    store<f64>(out + (<usize>r << 3), loss);
    addRow(loss);
  }
  return flag;
}

/**
 * Class-index targets: (1-ε)·w_y·((m - z_y) + ln S) + (ε/k)·(Σ_c w_c (m - z_c) + (Σ_c w_c)·ln S).
 * Ignored rows give 0 and add nothing to the denominator; others add w_y.
 */
function softmaxCrossEntropyIndex<T>(
  y: usize, z: usize, n: i32, k: i32, out: usize, lnBase: f64, w: usize, smoothing: f64, ignoreIndex: f64,
): i32 {
  flag = 0;
  for (let r = 0; r < n; r++) {
    const label = load<f64>(y + (<usize>r << 3));
    const zRow = z + ((<usize>r * <usize>k) << alignof<T>());
    const m = rowMax<T>(zRow, k);
    const c = classOf(label, k, ignoreIndex);
    if (c < 0) {
      if (c == INVALID) flag = 1;
      store<f64>(out + (<usize>r << 3), classless(c));
      continue;
    }
    const weight = w ? load1<f64>(w, c) : 1.0;
    let loss: f64;
    if (m == -Infinity) {
      loss = Infinity; // every class masked: the target sits on a masked class
    } else {
      expSum<T>(zRow, k, m);
      const lnS = lnSum();
      loss = weight * (m - load1<T>(zRow, c) + lnS);
      if (smoothing != 0) {
        let a = 0.0, aCarry = 0.0, wsum = 0.0, wCarry = 0.0;
        for (let j = 0; j < k; j++) {
          const wc = w ? load1<f64>(w, j) : 1.0;
          const va = wc * (m - load1<T>(zRow, j));
          const ta = a + va;
          aCarry += twoSumLoScalar(a, va, ta);
          a = ta;
          const tw = wsum + wc;
          wCarry += twoSumLoScalar(wsum, wc, tw);
          wsum = tw;
        }
        const aw = isFinite(a) ? a + aCarry : a;
        const ww = isFinite(wsum) ? wsum + wCarry : wsum;
        loss = (1 - smoothing) * loss + (smoothing / <f64>k) * (aw + ww * lnS);
      }
    }
    loss /= lnBase;
    store<f64>(out + (<usize>r << 3), loss);
    addRow(loss);
    addDen(weight);
  }
  return flag;
}

export function softmaxCrossEntropyIndexF64(
  y: usize, z: usize, n: i32, k: i32, out: usize, lnBase: f64, w: usize, smoothing: f64, ignoreIndex: f64,
): i32 {
  return softmaxCrossEntropyIndex<f64>(y, z, n, k, out, lnBase, w, smoothing, ignoreIndex);
}

/** ln Σ exp(z_c - m) of a row of T (f64, or f32 promoted), compensated: the float32 kernel's fallback. */
export function logSumExpShifted<T>(z: usize, k: i32, m: f64): f64 {
  expSum<T>(z, k, m);
  return lnSum();
}
