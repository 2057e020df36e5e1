// Cross-entropy with dense or class-index targets (mirror of src/js/cross_entropy.ts).
//
// Formulas: dense -Σ_c w_c p'_c ln q'_c, p' = (1-ε)p + ε/k (label smoothing), q' = clamp(q, eps)
// (scikit-learn's log_loss clip, without renormalisation), with `normalize` p/Σp and q/Σq first;
// index targets (1-ε)·w_y·(-ln q_y) + (ε/k)·Σ_c w_c·(-ln q_c) (PyTorch cross_entropy on
// log-probabilities). A target entry of 0 contributes nothing, even where q = 0; p > 0 where q = 0
// gives +Infinity. An ignored row gives 0 and adds nothing to the denominator; others add w_y.
// Algorithm: one log per term (vmath_f64.ts / vmath_f32.ts, FDLIBM-based, < 1 ulp), compensated
// sums (Neumaier 1974).
// Error bound: float64 within max(1e-13·|exact|, 1e-15) of the value computed with mpmath at 50
// digits (API.md's float64 bound), float32 predictions within max(2e-6·|exact|, 2^-126) of the
// exact value of the same float32 inputs (API.md's float32 bound); test/fixtures.test.ts checks
// crossEntropy.json (test/fixtures/gen.py), test/float32.test.ts the float32 kernel.
import { addDen, addRow, mergeTotals, rowSum, settle, settleLanes, settleLanesWith, sumError, vSumError } from './accumulate';
import { slog, vlog, vlogNormal } from './vmath_f64';
import { vlogf } from './vmath_f32';
import { classOf, classless, INVALID } from './targets';
import { inUnit } from './lanes';
import { F32_MIN_NORMAL, MIN_NORMAL } from './constants';
import * as params from './params';
import { weighIndexRows, weighRows } from './sample_weights';


/** Clamps q into [eps, 1-eps] (scikit-learn's log_loss clip, without renormalisation); eps = 0 is exact. */
// @ts-ignore: decorator
@inline export function clampProbability(q: f64, eps: f64): f64 {
  if (eps > 0) return q < eps ? eps : q > 1 - eps ? 1 - eps : q;
  return q;
}

// @ts-ignore: decorator
@inline function weightAt(w: usize, j: i32): f64 {
  return w ? load<f64>(w + (<usize>j << 3)) : 1.0;
}

/**
 * -Σ_c w_c p'_c ln q'_c per row; p' = (1-ε)p + ε/k, q' = clamp(q): two lanes at a time with
 * compensated lane sums; `normalize` (divide p and q by their row sums first) runs the scalar path.
 */
function crossEntropyDense(
  p: usize, q: usize, n: i32, k: i32, out: usize, lnBase: f64,
  normalize: i32, eps: f64, w: usize, smoothing: f64,
): i32 {
  if (normalize || k < 2) return crossEntropyDenseScalar(p, q, n, k, out, lnBase, normalize, eps, w, smoothing);
  const keep = f64x2.splat(1 - smoothing);
  const spread = f64x2.splat(smoothing / <f64>k);
  const lo = f64x2.splat(eps > 0 ? eps : -Infinity);
  const hi = f64x2.splat(eps > 0 ? 1 - eps : Infinity);
  const zero = f64x2.splat(0.0);
  let ok = i64x2.splat(-1);
  let bad = 0;
  for (let r = 0; r < n; r++) {
    const pRow = p + ((<usize>r * <usize>k) << 3);
    const qRow = q + ((<usize>r * <usize>k) << 3);
    let sum = zero;
    let carry = zero;
    let j = 0;
    for (; j + 1 < k; j += 2) {
      const x = v128.load(pRow + (<usize>j << 3));
      const y = v128.load(qRow + (<usize>j << 3));
      ok = v128.and(ok, v128.and(inUnit(x), inUnit(y)));
      const target = smoothing != 0 ? f64x2.add(f64x2.mul(keep, x), spread) : x;
      const clamped = eps > 0 ? f64x2.pmin(f64x2.pmax(y, lo), hi) : y;
      // w·(p·(-ln q)): a positive p keeps an infinite cost infinite even where w·p would underflow.
      let v = f64x2.mul(target, f64x2.neg(vlog(clamped)));
      if (w) v = f64x2.mul(v128.load(w + (<usize>j << 3)), v);
      // A zero target contributes nothing, even where q = 0 (0·ln 0 = 0).
      v = v128.andnot(v, f64x2.eq(target, zero));
      const t = f64x2.add(sum, v);
      carry = f64x2.add(carry, vSumError(sum, v, t));
      sum = t;
    }
    let tail = 0.0;
    if (j < k) {
      const x = load<f64>(pRow + (<usize>j << 3));
      const y = load<f64>(qRow + (<usize>j << 3));
      if (!(x >= 0 && x <= 1 && y >= 0 && y <= 1)) bad = 1;
      const target = smoothing != 0 ? (1 - smoothing) * x + smoothing / <f64>k : x;
      if (target != 0) tail = weightAt(w, j) * (target * -Math.log(clampProbability(y, eps)));
    }
    const loss = settleLanesWith(sum, carry, tail) / lnBase;
    store<f64>(out + (<usize>r << 3), loss);
    addRow(loss);
  }
  return bad | (v128.all_true<i64>(ok) ? 0 : 1);
}

function crossEntropyDenseScalar(
  p: usize, q: usize, n: i32, k: i32, out: usize, lnBase: f64,
  normalize: i32, eps: f64, w: usize, smoothing: f64,
): i32 {
  let bad = 0;
  const pMax = normalize ? Infinity : 1.0;
  const keep = 1 - smoothing;
  const spread = k > 0 ? smoothing / <f64>k : 0.0;
  for (let r = 0; r < n; r++) {
    const pRow = p + ((<usize>r * <usize>k) << 3);
    const qRow = q + ((<usize>r * <usize>k) << 3);
    const pTotal = normalize ? rowSum<f64>(pRow, k) : 1.0;
    const qTotal = normalize ? rowSum<f64>(qRow, k) : 1.0;
    let s = 0.0;
    let c = 0.0;
    for (let j = 0; j < k; j++) {
      const x = load<f64>(pRow + (<usize>j << 3));
      const y = load<f64>(qRow + (<usize>j << 3));
      if (!(x >= 0 && x <= pMax && y >= 0 && y <= pMax)) bad = 1;
      let target = normalize ? x / pTotal : x;
      if (smoothing != 0) target = keep * target + spread;
      if (target != 0) {
        const v = weightAt(w, j) * (target * -Math.log(clampProbability(normalize ? y / qTotal : y, eps)));
        const t = s + v;
        c += sumError(s, v, t);
        s = t;
      }
    }
    const loss = settle(s, c) / lnBase;
    store<f64>(out + (<usize>r << 3), loss);
    addRow(loss);
  }
  return bad;
}

/**
 * Class-index targets: (1-ε)·w_y·(-ln q_y) + (ε/k)·Σ_c w_c·(-ln q_c) (PyTorch cross_entropy on
 * log-probabilities). An ignored row gives 0 and adds nothing to the denominator; others add w_y.
 * A target that is not an integer in [0, k) sets the flag and writes NaN (never read out of row).
 * Generic in the predictions' element type T (f64, or f32 read in place).
 */
function crossEntropyIndex<T>(
  y: usize, q: usize, n: i32, k: i32, out: usize, lnBase: f64,
  normalize: i32, eps: f64, w: usize, smoothing: f64, ignoreIndex: f64,
): i32 {
  if (!normalize && smoothing == 0) return crossEntropyIndexPlain<T>(y, q, n, k, out, lnBase, eps, w, ignoreIndex);
  let bad = 0;
  const pMax = normalize ? Infinity : 1.0;
  for (let r = 0; r < n; r++) {
    const label = load<f64>(y + (<usize>r << 3));
    const qRow = q + ((<usize>r * <usize>k) << alignof<T>());
    const qTotal = normalize ? rowSum<T>(qRow, k) : 1.0;
    let smooth = 0.0;
    let smoothCarry = 0.0;
    for (let j = 0; j < k; j++) {
      const x = <f64>load<T>(qRow + (<usize>j << alignof<T>()));
      if (!(x >= 0 && x <= pMax)) bad = 1;
      if (smoothing != 0) {
        const v = -weightAt(w, j) * Math.log(clampProbability(normalize ? x / qTotal : x, eps));
        const t = smooth + v;
        smoothCarry += sumError(smooth, v, t);
        smooth = t;
      }
    }
    const c = classOf(label, k, ignoreIndex);
    if (c < 0) {
      if (c == INVALID) bad = 1;
      store<f64>(out + (<usize>r << 3), classless(c));
      continue;
    }
    const weight = weightAt(w, c);
    const qy = <f64>load<T>(qRow + (<usize>c << alignof<T>()));
    let loss = -weight * Math.log(clampProbability(normalize ? qy / qTotal : qy, eps));
    if (smoothing != 0) loss = (1 - smoothing) * loss + (smoothing / <f64>k) * settle(smooth, smoothCarry);
    loss /= lnBase;
    store<f64>(out + (<usize>r << 3), loss);
    addRow(loss);
    addDen(weight);
  }
  return bad;
}

/** 1 if every one of the m values of T at a lies in [0, 1] (NaN fails), checked a vector at a time. */
function allInUnit<T>(a: usize, m: i32): bool {
  let ok = i64x2.splat(-1);
  let j = 0;
  if (sizeof<T>() == 4) {
    for (; j + 3 < m; j += 4) {
      const v = v128.load(a + (<usize>j << 2));
      ok = v128.and(ok, v128.and(f32x4.ge(v, f32x4.splat(0)), f32x4.le(v, f32x4.splat(1))));
    }
  } else {
    for (; j + 1 < m; j += 2) ok = v128.and(ok, inUnit(v128.load(a + (<usize>j << 3))));
  }
  let all = v128.all_true<i32>(ok);
  for (; j < m; j++) {
    const x = <f64>load<T>(a + (<usize>j << alignof<T>()));
    if (!(x >= 0 && x <= 1)) all = false;
  }
  return all;
}

/** Rows per block of the plain path: their q_y and w_y wait here for one vector log per pair. */
const PLAIN_BLOCK: i32 = 256;
const TARGET_Q: usize = memory.data((PLAIN_BLOCK + 4) << 3, 16);
const TARGET_W: usize = memory.data((PLAIN_BLOCK + 4) << 3, 16);

/** The plain path's running totals across blocks: Σ loss in two compensated lanes, Σ w_y compensated. */
let plainSum: v128 = f64x2.splat(0);
let plainCarry: v128 = f64x2.splat(0);
let plainDen: f64 = 0;
let plainDenCarry: f64 = 0;
/** Set by gatherTargets when a block holds a target that is not a class index. */
let plainInvalid: i32 = 0;

/**
 * The common case (no label smoothing, no normalize): w_y·(-ln clamp(q_y)) per row, a block of
 * PLAIN_BLOCK rows at a time: the block is range-checked flat (allInUnit, the rows are
 * contiguous); each row's clamped q_y and w_y are gathered (gatherTargets); -ln q_y is taken
 * several rows per vector log (negLogTargetsF32 or negLogTargetsF64); rows without a class get
 * their 0 or NaN last (writeClassless). Totals in the plain* globals, compensated.
 */
function crossEntropyIndexPlain<T>(
  y: usize, q: usize, n: i32, k: i32, out: usize, lnBase: f64, eps: f64, w: usize, ignoreIndex: f64,
): i32 {
  let bad = 0;
  plainSum = f64x2.splat(0);
  plainCarry = f64x2.splat(0);
  plainDen = 0;
  plainDenCarry = 0;
  plainInvalid = 0;
  const perBase = f64x2.splat(1 / lnBase); // exact for the natural base
  for (let r0 = 0; r0 < n; r0 += PLAIN_BLOCK) {
    const b = min(PLAIN_BLOCK, n - r0);
    if (!allInUnit<T>(q + ((<usize>r0 * <usize>k) << alignof<T>()), b * k)) bad = 1;
    const unclassed = gatherTargets<T>(y, q, r0, b, k, eps, w, ignoreIndex);
    const outBlock = out + (<usize>r0 << 3);
    if (sizeof<T>() == 4 && eps == 0) negLogTargetsF32(outBlock, b, perBase);
    else negLogTargetsF64(outBlock, b, perBase);
    if (unclassed > 0) writeClassless(y, outBlock, r0, b, k, ignoreIndex, unclassed);
  }
  mergeTotals(settleLanes(plainSum, plainCarry), 0, plainDen, plainDenCarry);
  return bad | plainInvalid;
}

/**
 * Rows [r0, r0 + b): each row's clamped q_y into TARGET_Q and w_y into TARGET_W, w_y added to
 * the denominator. A row without a class gets q = 1, w = 0 (loss 0; its output is set by
 * writeClassless). Returns how many rows have no class.
 */
// @ts-ignore: decorator
@inline function gatherTargets<T>(y: usize, q: usize, r0: i32, b: i32, k: i32, eps: f64, w: usize, ignoreIndex: f64): i32 {
  let unclassed = 0;
  let den = plainDen, denCarry = plainDenCarry;
  for (let i = 0; i < b; i++) {
    const r = r0 + i;
    const c = classOf(load<f64>(y + (<usize>r << 3)), k, ignoreIndex);
    let qy = 1.0, weight = 0.0;
    if (c >= 0) {
      qy = clampProbability(<f64>load<T>(q + ((<usize>r * <usize>k + <usize>c) << alignof<T>())), eps);
      weight = weightAt(w, c);
      const u = den + weight;
      denCarry += sumError(den, weight, u);
      den = u;
    } else {
      unclassed++;
      if (c == INVALID) plainInvalid = 1;
    }
    store<f64>(TARGET_Q + (<usize>i << 3), qy);
    store<f64>(TARGET_W + (<usize>i << 3), weight);
  }
  plainDen = den;
  plainDenCarry = denCarry;
  return unclassed;
}

/**
 * Float32 q_y (exact: no clamp): -w·ln q_y / lnBase for b gathered rows, four per vlogf (6.8e-8
 * relative, inside API.md's 2e-6 for float32 inputs), widened to float64 for the weights and the
 * sums; a quad with a 0, subnormal, negative or non-finite q_y takes vlog in float64 instead.
 */
function negLogTargetsF32(out: usize, b: i32, perBase: v128): void {
  for (let i = b; i < ((b + 3) & ~3); i++) {
    store<f64>(TARGET_Q + (<usize>i << 3), 1.0);
    store<f64>(TARGET_W + (<usize>i << 3), 0.0);
  }
  let sum = plainSum, carry = plainCarry;
  for (let i = 0; i < b; i += 4) {
    const q01 = v128.load(TARGET_Q + (<usize>i << 3));
    const q23 = v128.load(TARGET_Q + (<usize>i << 3), 16);
    const lo32 = f32x4.demote_f64x2_zero(q01);
    const q4 = v128.shuffle<i32>(lo32, f32x4.demote_f64x2_zero(q23), 0, 1, 4, 5); // exact: q_y are float32
    const normal = v128.and(f32x4.ge(q4, f32x4.splat(F32_MIN_NORMAL)), f32x4.lt(q4, f32x4.splat(Infinity)));
    let l01: v128, l23: v128;
    if (v128.all_true<i32>(normal)) {
      const l = vlogf(q4);
      l01 = f64x2.promote_low_f32x4(l);
      l23 = f64x2.promote_low_f32x4(v128.shuffle<i32>(l, l, 2, 3, 0, 1));
    } else {
      l01 = vlog(q01);
      l23 = vlog(q23);
    }
    const loss01 = f64x2.mul(f64x2.neg(f64x2.mul(v128.load(TARGET_W + (<usize>i << 3)), l01)), perBase);
    const loss23 = f64x2.mul(f64x2.neg(f64x2.mul(v128.load(TARGET_W + (<usize>i << 3), 16), l23)), perBase);
    let t = f64x2.add(sum, loss01);
    carry = f64x2.add(carry, vSumError(sum, loss01, t));
    sum = t;
    t = f64x2.add(sum, loss23);
    carry = f64x2.add(carry, vSumError(sum, loss23, t));
    sum = t;
    const at = out + (<usize>i << 3);
    if (i + 4 <= b) {
      v128.store(at, loss01);
      v128.store(at, loss23, 16);
    } else { // the block's last 1–3 rows
      store<f64>(at, f64x2.extract_lane(loss01, 0));
      if (i + 1 < b) store<f64>(at, f64x2.extract_lane(loss01, 1), 8);
      if (i + 2 < b) store<f64>(at, f64x2.extract_lane(loss23, 0), 16);
    }
  }
  plainSum = sum;
  plainCarry = carry;
}

/**
 * Float64 q_y: -w·ln q_y / lnBase for b gathered rows, two per vector log: vlogNormal when both
 * are normal and finite (the common pair), vlog's special lanes otherwise (0 → +Infinity,
 * negative or NaN → NaN). Rows without a class have q = 1, w = 0: loss 0.
 */
function negLogTargetsF64(out: usize, b: i32, perBase: v128): void {
  store<f64>(TARGET_Q + (<usize>b << 3), 1.0); // an odd block's pair partner: loss 0
  store<f64>(TARGET_W + (<usize>b << 3), 0.0);
  let sum = plainSum, carry = plainCarry;
  for (let i = 0; i < b; i += 2) {
    const wv = v128.load(TARGET_W + (<usize>i << 3));
    const qv = v128.load(TARGET_Q + (<usize>i << 3));
    const normal = v128.and(f64x2.ge(qv, f64x2.splat(MIN_NORMAL)), f64x2.lt(qv, f64x2.splat(Infinity)));
    const lq = v128.all_true<i64>(normal) ? vlogNormal(qv) : vlog(qv);
    const loss = f64x2.mul(f64x2.neg(f64x2.mul(wv, lq)), perBase);
    const t = f64x2.add(sum, loss);
    carry = f64x2.add(carry, vSumError(sum, loss, t));
    sum = t;
    const at = out + (<usize>i << 3);
    if (i + 1 < b) v128.store(at, loss);
    else store<f64>(at, f64x2.extract_lane(loss, 0));
  }
  plainSum = sum;
  plainCarry = carry;
}

/** Rows of the block without a class: 0 when ignored, NaN when invalid (their lanes computed 0). */
function writeClassless(y: usize, out: usize, r0: i32, b: i32, k: i32, ignoreIndex: f64, unclassed: i32): void {
  for (let i = 0; unclassed > 0 && i < b; i++) {
    const c = classOf(load<f64>(y + (<usize>(r0 + i) << 3)), k, ignoreIndex);
    if (c < 0) {
      store<f64>(out + (<usize>i << 3), classless(c));
      unclassed--;
    }
  }
}

/** -Σ_c w_c p'_c ln q'_c per row of float64 targets p and predictions q (options: lnBase, normalize, eps, smoothing). */
export function crossEntropyDenseF64(p: usize, q: usize, n: i32, k: i32, out: usize, w: usize, s: usize): i32 {
  const bad = crossEntropyDense(p, q, n, k, out, params.lnBase(), params.normalize(), params.eps(), w, params.smoothing());
  return s ? bad | weighRows(out, s, n) : bad;
}

/** Class-index targets y against float64 predictions q (options: lnBase, normalize, eps, smoothing, ignoreIndex). */
export function crossEntropyIndexF64(y: usize, q: usize, n: i32, k: i32, out: usize, w: usize, s: usize): i32 {
  const bad = crossEntropyIndex<f64>(
    y, q, n, k, out, params.lnBase(), params.normalize(), params.eps(), w, params.smoothing(), params.ignoreIndex(),
  );
  return s ? bad | weighIndexRows(out, s, n, y, k, w, params.ignoreIndex()) : bad;
}

/** The same over float32 predictions, read in place (float32 batches are never converted). */
export function crossEntropyIndexF32(y: usize, q: usize, n: i32, k: i32, out: usize, w: usize, s: usize): i32 {
  const bad = crossEntropyIndex<f32>(
    y, q, n, k, out, params.lnBase(), params.normalize(), params.eps(), w, params.smoothing(), params.ignoreIndex(),
  );
  return s ? bad | weighIndexRows(out, s, n, y, k, w, params.ignoreIndex()) : bad;
}

/**
 * One row's -ln q_y / ln b with a class index (no clamp, no weights): a row of the plain index
 * path (negLogTargetsF64: -(w·ln q_y)·(1/ln b), w = 1) through one lane of the same vector log
 * (vlog and vlogNormal agree on normal lanes), so a single-distribution call gives the batch's
 * number without staging anything.
 */
export function crossEntropyIndexOneF64(qy: f64, lnBase: f64): f64 {
  const lq = qy >= MIN_NORMAL && qy < Infinity ? f64x2.extract_lane(vlogNormal(f64x2.splat(qy)), 0) : slog(qy);
  return -(1.0 * lq) * (1 / lnBase);
}

/**
 * The fused per-row path (reduction 'none', no weights, clamp, smoothing, normalize or
 * ignoreIndex): int32 class indices y read in place, float32 predictions q, float32 results
 * written to out. Per block of four rows: the labels range-checked as one i32x4, q_y gathered,
 * -ln q_y / ln b through one vlogf (vlog in float64 for a quad holding a 0, subnormal, NaN or
 * out-of-range q_y), rounded to float32 and stored as one vector. No running sums (nobody reads
 * them). Quads fall on the rows negLogTargetsF32 groups (chunks and its blocks start at multiples
 * of 4), so the numbers are its numbers rounded once to float32 (f32x4.demote rounds to nearest,
 * as Float32Array assignment does); a row whose label is not a class gets NaN. q is range-checked
 * flat (allInUnit). Returns 1 if a q or a label is invalid.
 */
export function crossEntropyIndexI32F32(y: usize, q: usize, n: i32, k: i32, out: usize): i32 {
  const perBase = f64x2.splat(1 / params.lnBase());
  let bad = allInUnit<f32>(q, n * k) ? 0 : 1;
  const kv = i32x4.splat(k);
  const stride = <usize>k << 2;
  for (let r = 0; r < n; r += 4) {
    const row = q + ((<usize>r * <usize>k) << 2);
    if (r + 4 <= n) {
      const c = v128.load(y + (<usize>r << 2));
      if (v128.all_true<i32>(v128.and(i32x4.ge_s(c, i32x4.splat(0)), i32x4.lt_s(c, kv)))) {
        let q4 = f32x4.splat(load<f32>(row + (<usize>i32x4.extract_lane(c, 0) << 2)));
        q4 = f32x4.replace_lane(q4, 1, load<f32>(row + stride + (<usize>i32x4.extract_lane(c, 1) << 2)));
        q4 = f32x4.replace_lane(q4, 2, load<f32>(row + 2 * stride + (<usize>i32x4.extract_lane(c, 2) << 2)));
        q4 = f32x4.replace_lane(q4, 3, load<f32>(row + 3 * stride + (<usize>i32x4.extract_lane(c, 3) << 2)));
        v128.store(out + (<usize>r << 2), negLogQuadF32(q4, perBase));
        continue;
      }
    }
    // The last 1–3 rows, or a quad with a label that is not a class: lanes past n and such rows
    // read q = 1 (normal: the quad takes the same log as in negLogTargetsF32), then get NaN.
    const m = min(4, n - r);
    let q4 = f32x4.splat(1);
    let invalid = 0;
    for (let j = 0; j < m; j++) {
      const c = load<i32>(y + (<usize>(r + j) << 2));
      if (c >= 0 && c < k) q4 = replaceLaneF32(q4, j, load<f32>(row + <usize>j * stride + (<usize>c << 2)));
      else invalid |= 1 << j;
    }
    const v = negLogQuadF32(q4, perBase);
    if (invalid) bad = 1;
    for (let j = 0; j < m; j++) {
      const x: f32 = invalid & (1 << j) ? NaN : extractLaneF32(v, j);
      store<f32>(out + (<usize>(r + j) << 2), x);
    }
  }
  return bad;
}

/** Lane j (0–3) of four float32, replaced by x. */
// @ts-ignore: decorator
@inline function replaceLaneF32(v: v128, j: i32, x: f32): v128 {
  if (j == 0) return f32x4.replace_lane(v, 0, x);
  if (j == 1) return f32x4.replace_lane(v, 1, x);
  if (j == 2) return f32x4.replace_lane(v, 2, x);
  return f32x4.replace_lane(v, 3, x);
}

/** Lane j (0–3) of four float32. */
// @ts-ignore: decorator
@inline function extractLaneF32(v: v128, j: i32): f32 {
  if (j == 0) return f32x4.extract_lane(v, 0);
  if (j == 1) return f32x4.extract_lane(v, 1);
  if (j == 2) return f32x4.extract_lane(v, 2);
  return f32x4.extract_lane(v, 3);
}

/** -(1·ln q)·perBase per lane of four float32 q, as negLogTargetsF32 computes it, rounded to float32. */
// @ts-ignore: decorator
@inline function negLogQuadF32(q4: v128, perBase: v128): v128 {
  let l01: v128, l23: v128;
  if (v128.all_true<i32>(v128.and(f32x4.ge(q4, f32x4.splat(F32_MIN_NORMAL)), f32x4.lt(q4, f32x4.splat(Infinity))))) {
    const l = vlogf(q4);
    l01 = f64x2.promote_low_f32x4(l);
    l23 = f64x2.promote_low_f32x4(v128.shuffle<i32>(l, l, 2, 3, 0, 1));
  } else {
    l01 = vlog(f64x2.promote_low_f32x4(q4));
    l23 = vlog(f64x2.promote_low_f32x4(v128.shuffle<i32>(q4, q4, 2, 3, 0, 1)));
  }
  const one = f64x2.splat(1.0);
  const loss01 = f64x2.mul(f64x2.neg(f64x2.mul(one, l01)), perBase);
  const loss23 = f64x2.mul(f64x2.neg(f64x2.mul(one, l23)), perBase);
  return v128.shuffle<i32>(f32x4.demote_f64x2_zero(loss01), f32x4.demote_f64x2_zero(loss23), 0, 1, 4, 5);
}
