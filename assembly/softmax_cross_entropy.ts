// Softmax cross-entropy with dense or class-index targets (mirror of
// src/js/softmax_cross_entropy.ts).
//
// Formulas: dense Σ_c w_c p'_c ((m - z_c) + ln S), p' = (1-ε)p + ε/k; index targets (1-ε)·w_y·((m -
// z_y) + ln S) + (ε/k)·(Σ_c w_c (m - z_c) + (Σ_c w_c)·ln S), with m and S as in softmax; sums of
// non-negative terms, never lse - z_y, which would cancel. Target mass on masked (-Infinity)
// classes only costs +Infinity.
// Algorithm: the log-sum-exp of softmax; float32 logits (assembly) on their own four-lane paths,
// described at softmaxCrossEntropyIndexFloat32.
// Error bound: float64 within max(1e-13·|exact|, 1e-15) of the value computed with mpmath at 50
// digits (API.md's float64 bound), float32 within max(2e-6·|exact|, 2^-126) of the exact value of
// the same float32 inputs (API.md's float32 bound); test/fixtures.test.ts checks
// softmaxCrossEntropy.json (test/fixtures/gen.py), test/float32.test.ts the float32 paths.
import { mergeTotals, sumError } from './accumulate';
import { clearFlag, expSum, flagged, lnSum, lnSumUnflushed, logSumExpShifted, raiseFlag, rowMax, twoSumLoScalar } from './softmax';
import { addDen, addRow } from './accumulate';
import { load1 } from './lanes';
import * as params from './params';
import { weighIndexRows, weighRows } from './sample_weights';
import { vexpf, vexpfInRange, vlog1pf } from './vmath_f32';
import { classOf, classless, INVALID } from './targets';

/**
 * Lanes below 2^-126 are flushed, so R may miss up to k·2^-126; while R ≥ k·2^-102 that is
 * under 2^-24 of R. Below, the row is recomputed in float64.
 */
const TINY_REST_PER_CLASS: f64 = 1.9721522630525295e-31; // 2^-102

let flag: i32 = 0;

/** Values [j, j + t) of a float32 row, t in 1..3, loaded exactly (no read past the row); other lanes -Infinity. */
// @ts-ignore: decorator
@inline function loadTail(row: usize, j: i32, t: i32): v128 {
  const at = row + (<usize>j << 2);
  let v = t == 1 ? v128.load32_zero(at) : v128.load64_zero(at);
  if (t == 3) v = v128.load32_lane(at + 8, v, 2);
  return v128.bitselect(v, f32x4.splat(-Infinity), i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(t)));
}

/** Max of a float32 row (-Infinity when all are, or k = 0); NaN, flagged, when one is NaN or +Infinity. Inlined. */
// @ts-ignore: decorator
@inline function rowMaxF32(z: usize, k: i32): f32 {
  let m4 = f32x4.splat(-Infinity);
  let ok = i32x4.splat(-1);
  let j = 0;
  for (; j + 3 < k; j += 4) {
    const v = v128.load(z + (<usize>j << 2));
    ok = v128.and(ok, f32x4.lt(v, f32x4.splat(Infinity)));
    m4 = f32x4.pmax(m4, v); // one maxps; NaN lanes are flagged above
  }
  if (j < k) {
    const v = loadTail(z, j, k - j); // pad lanes are -Infinity: they pass the check and lose the max
    ok = v128.and(ok, f32x4.lt(v, f32x4.splat(Infinity)));
    m4 = f32x4.pmax(m4, v);
  }
  // A NaN or +Infinity logit (flagged; computed as written with validate: false) makes the row NaN.
  if (!v128.all_true<i32>(ok)) {
    flag = 1;
    return NaN;
  }
  const m2 = f32x4.pmax(m4, v128.shuffle<i32>(m4, m4, 2, 3, 0, 1));
  return max(f32x4.extract_lane(m2, 0), f32x4.extract_lane(m2, 1));
}

/** e^(z - m) for four lanes, with the max lanes (v = m, e^0 = 1) zeroed: the caller counts them. */
// @ts-ignore: decorator
@inline function restLanes(v: v128, mm: v128): v128 {
  const d = f32x4.sub(v, mm);
  // TwoSum residual of d = v - m: err = (v - (d - bp)) + (-m - bp), bp = d - v.
  const bp = f32x4.sub(d, v);
  const err = f32x4.add(f32x4.sub(v, f32x4.sub(d, bp)), f32x4.sub(f32x4.neg(mm), bp));
  return v128.andnot(vexpf(d, err), f32x4.eq(v, mm));
}

/** ln S for a row with max m, S = Σ e^(z - m): the max lanes counted, the rest summed in float64. Inlined. */
// @ts-ignore: decorator
@inline function lnSumF32(z: usize, k: i32, m: f32): f64 {
  const mm = f32x4.splat(m);
  let count = i32x4.splat(0); // max lanes, as -1 per lane
  let lo = f64x2.splat(0);
  let hi = f64x2.splat(0);
  let j = 0;
  for (; j + 3 < k; j += 4) {
    const v = v128.load(z + (<usize>j << 2));
    const e = restLanes(v, mm);
    count = i32x4.add(count, f32x4.eq(v, mm));
    lo = f64x2.add(lo, f64x2.promote_low_f32x4(e));
    hi = f64x2.add(hi, f64x2.promote_low_f32x4(v128.shuffle<i32>(e, e, 2, 3, 0, 1)));
  }
  if (j < k) {
    const v = loadTail(z, j, k - j);
    const e = restLanes(v, mm);
    count = i32x4.add(count, f32x4.eq(v, mm));
    lo = f64x2.add(lo, f64x2.promote_low_f32x4(e));
    hi = f64x2.add(hi, f64x2.promote_low_f32x4(v128.shuffle<i32>(e, e, 2, 3, 0, 1)));
  }
  const s = f64x2.add(lo, hi);
  const rest = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  const c2 = i32x4.add(count, v128.shuffle<i32>(count, count, 2, 3, 0, 1));
  const tops = -(i32x4.extract_lane(c2, 0) + i32x4.extract_lane(c2, 1));
  if (rest < <f64>k * TINY_REST_PER_CLASS) return logSumExpShifted<f32>(z, k, <f64>m);
  return Math.log1p(<f64>(tops - 1) + rest);
}

/** The shifted path over rows [from, to): any logits, label smoothing, and the error flag. */
function shiftedRows(
  y: usize, z: usize, from: i32, to: i32, k: i32, out: usize, lnBase: f64, w: usize, smoothing: f64, ignoreIndex: f64,
): void {
  // Totals in locals (compensated), merged into the chunk totals once: no memory traffic per row.
  let sum = 0.0, carry = 0.0, den = 0.0, denCarry = 0.0;
  for (let r = from; r < to; r++) {
    const label = load<f64>(y + (<usize>r << 3));
    const zRow = z + ((<usize>r * <usize>k) << 2);
    const m = rowMaxF32(zRow, k);
    const c = classOf(label, k, ignoreIndex);
    if (c < 0) {
      if (c == INVALID) flag = 1;
      store<f64>(out + (<usize>r << 3), classless(c));
      continue;
    }
    const weight = w ? load<f64>(w + (<usize>c << 3)) : 1.0;
    let loss: f64;
    if (m == -Infinity) {
      loss = Infinity; // every class masked: the target sits on a masked class
    } else {
      const lnS = lnSumF32(zRow, k, m);
      const mf = <f64>m;
      loss = weight * (mf - <f64>load<f32>(zRow + (<usize>c << 2)) + lnS);
      if (smoothing != 0) {
        let a = 0.0;
        let wsum = 0.0;
        for (let j = 0; j < k; j++) {
          const wc = w ? load<f64>(w + (<usize>j << 3)) : 1.0;
          a += wc * (mf - <f64>load<f32>(zRow + (<usize>j << 2)));
          wsum += wc;
        }
        // Terms are non-negative; float64 sums of them carry ≤ kε relative, far inside float32's bound.
        loss = (1 - smoothing) * loss + (smoothing / <f64>k) * (a + wsum * lnS);
      }
    }
    loss /= lnBase;
    store<f64>(out + (<usize>r << 3), loss);
    const t = sum + loss;
    carry += sumError(sum, loss, t);
    sum = t;
    const u = den + weight;
    denCarry += sumError(den, weight, u);
    den = u;
  }
  mergeTotals(sum, carry, den, denCarry);
}

/** Float32 exps per block of whole rows: 8 KiB, still in L1 when the rows are summed. */
const BLOCK: i32 = 2048;
/** The block's e^z (16 bytes of slack: a row's last vector may read past the block, masked). */
const EXPS: usize = memory.data((BLOCK << 2) + 16, 16);
/** Per row of the block (padded to a multiple of 4 rows): R = Σ_{j≠y} e^{z_j}, T = e^{z_y}, and w_y (0 when ignored). */
const RESTS: usize = memory.data((BLOCK + 4) << 2, 16);
const TARGETS: usize = memory.data((BLOCK + 4) << 2, 16);
const ROW_WEIGHTS: usize = memory.data((BLOCK + 4) << 3, 16);
/**
 * A block takes the fast path when its logits lie in [-80, 80] and span at most 80: then every
 * e^z is a normal float32 (e^-80 ≈ 1.8e-35 > 2^-126), R < k·e^80 < 2^128 for k ≤ BLOCK, and
 * R/T ≤ (k - 1)·e^80 < 2^128.
 */
const IN_RANGE: f32 = 80;

/** Values [i, i + t) of a float32 array, t in 1..3, loaded exactly (no read past the end); other lanes 0. */
// @ts-ignore: decorator
@inline function loadTailZero(a: usize, i: i32, t: i32): v128 {
  const at = a + (<usize>i << 2);
  let v = t == 1 ? v128.load32_zero(at) : v128.load64_zero(at);
  if (t == 3) v = v128.load32_lane(at + 8, v, 2);
  return v;
}

/** EXPS[i] = e^z[i] for the block's m values; false when they are not all in range (or one is NaN). */
// @ts-ignore: decorator
@inline function expBlock(z: usize, m: i32): bool {
  let lo = f32x4.splat(0);
  let hi = f32x4.splat(0);
  let ok = i32x4.splat(-1);
  let i = 0;
  for (; i + 3 < m; i += 4) {
    const v = v128.load(z + (<usize>i << 2));
    ok = v128.and(ok, f32x4.eq(v, v)); // NaN lanes clear it
    lo = f32x4.pmin(lo, v);
    hi = f32x4.pmax(hi, v);
    v128.store(EXPS + (<usize>i << 2), vexpfInRange(v));
  }
  if (i < m) {
    const v = loadTailZero(z, i, m - i); // pad lanes 0: they move neither bound past the check
    ok = v128.and(ok, f32x4.eq(v, v));
    lo = f32x4.pmin(lo, v);
    hi = f32x4.pmax(hi, v);
    v128.store(EXPS + (<usize>i << 2), vexpfInRange(v));
  }
  const lo2 = f32x4.pmin(lo, v128.shuffle<i32>(lo, lo, 2, 3, 0, 1));
  const hi2 = f32x4.pmax(hi, v128.shuffle<i32>(hi, hi, 2, 3, 0, 1));
  const least = min(f32x4.extract_lane(lo2, 0), f32x4.extract_lane(lo2, 1));
  const most = max(f32x4.extract_lane(hi2, 0), f32x4.extract_lane(hi2, 1));
  return v128.all_true<i32>(ok) && least >= -IN_RANGE && most <= IN_RANGE && most - least <= IN_RANGE;
}

/**
 * Σ_{j≠c} of a row's k exps in EXPS (k ≤ 32: float32 lanes, each term through ≤ 10 roundings;
 * else float64): lane j is kept while j < k and j ≠ c (masked in registers: zeroing the target in
 * memory would stall the loads that follow).
 */
// @ts-ignore: decorator
@inline function restSum(row: usize, k: i32, c: i32): f32 {
  const cv = i32x4.splat(c);
  const kv = i32x4.splat(k);
  let idx = i32x4(0, 1, 2, 3);
  let j = 0;
  if (k <= 32) {
    let s = f32x4.splat(0);
    for (; j + 3 < k; j += 4) {
      s = f32x4.add(s, v128.andnot(v128.load(row + (<usize>j << 2)), i32x4.eq(idx, cv)));
      idx = i32x4.add(idx, i32x4.splat(4));
    }
    if (j < k) s = f32x4.add(s, v128.and(v128.load(row + (<usize>j << 2)), v128.andnot(i32x4.lt_s(idx, kv), i32x4.eq(idx, cv))));
    const s2 = f32x4.add(s, v128.shuffle<i32>(s, s, 2, 3, 0, 1));
    return f32x4.extract_lane(s2, 0) + f32x4.extract_lane(s2, 1);
  }
  let lo = f64x2.splat(0);
  let hi = f64x2.splat(0);
  for (; j + 3 < k; j += 4) {
    const e = v128.andnot(v128.load(row + (<usize>j << 2)), i32x4.eq(idx, cv));
    idx = i32x4.add(idx, i32x4.splat(4));
    lo = f64x2.add(lo, f64x2.promote_low_f32x4(e));
    hi = f64x2.add(hi, f64x2.promote_low_f32x4(v128.shuffle<i32>(e, e, 2, 3, 0, 1)));
  }
  if (j < k) {
    const e = v128.and(v128.load(row + (<usize>j << 2)), v128.andnot(i32x4.lt_s(idx, kv), i32x4.eq(idx, cv)));
    lo = f64x2.add(lo, f64x2.promote_low_f32x4(e));
    hi = f64x2.add(hi, f64x2.promote_low_f32x4(v128.shuffle<i32>(e, e, 2, 3, 0, 1)));
  }
  const s = f64x2.add(lo, hi);
  return <f32>(f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1));
}

/**
 * The fast path over rows [from, from + b) (b·k ≤ BLOCK): false, with nothing written, when the
 * block needs the shifted path (logits out of range, or a target that is not a class).
 */
// @ts-ignore: decorator
@inline function unshiftedBlock(
  y: usize, z: usize, from: i32, b: i32, k: i32, out: usize, lnBase: f64, w: usize, ignoreIndex: f64, weighted: bool,
): bool {
  const zBlock = z + ((<usize>from * <usize>k) << 2);
  if (!expBlock(zBlock, b * k)) return false;
  // Per row: T = e^{z_y} and R = Σ_{j≠y} e^{z_j}, a sum of the other terms only (nothing cancels).
  let den = 0.0, denCarry = 0.0;
  for (let r = 0; r < b; r++) {
    const c = classOf(load<f64>(y + (<usize>(from + r) << 3)), k, ignoreIndex);
    let rest: f32 = 0, target: f32 = 1, weight = 0.0;
    if (c == INVALID) return false;
    if (c >= 0) {
      const row = EXPS + ((<usize>r * <usize>k) << 2);
      target = load<f32>(row + (<usize>c << 2));
      rest = restSum(row, k, c);
      if (weighted) { // inlined with a constant: unweighted blocks count rows and store no weights
        weight = load<f64>(w + (<usize>c << 3));
        const u = den + weight;
        denCarry += sumError(den, weight, u);
        den = u;
      } else {
        den += 1; // an exact count
      }
    }
    store<f32>(RESTS + (<usize>r << 2), rest);
    store<f32>(TARGETS + (<usize>r << 2), target);
    if (weighted) store<f64>(ROW_WEIGHTS + (<usize>r << 3), weight);
  }
  for (let r = b; r < ((b + 3) & ~3); r++) { // zero rows up to a multiple of 4
    store<f32>(RESTS + (<usize>r << 2), 0);
    store<f32>(TARGETS + (<usize>r << 2), 1);
    store<f64>(ROW_WEIGHTS + (<usize>r << 3), 0);
  }
  // loss = w·log1p(R/T)/lnBase, four rows at a time: R/T and log1p in float32 lanes (R/T is at
  // most (k - 1)·e^80, finite), then float64. The block's losses are summed in two float64 lanes
  // (≤ 2048 non-negative terms: ≤ 2.3e-13 relative) and merged into the compensated totals.
  const perBase = f64x2.splat(1 / lnBase);
  let sum = f64x2.splat(0);
  const outBlock = out + (<usize>from << 3);
  for (let r = 0; r < b; r += 4) {
    const l = vlog1pf(f32x4.div(v128.load(RESTS + (<usize>r << 2)), v128.load(TARGETS + (<usize>r << 2))));
    // An ignored row has R = 0, T = 1: its loss is 0 without a weight.
    let l01 = f64x2.mul(f64x2.promote_low_f32x4(l), perBase);
    let l23 = f64x2.mul(f64x2.promote_low_f32x4(v128.shuffle<i32>(l, l, 2, 3, 0, 1)), perBase);
    if (weighted) {
      l01 = f64x2.mul(l01, v128.load(ROW_WEIGHTS + (<usize>r << 3)));
      l23 = f64x2.mul(l23, v128.load(ROW_WEIGHTS + (<usize>r << 3), 16));
    }
    const at = outBlock + (<usize>r << 3);
    if (r + 4 <= b) {
      v128.store(at, l01);
      v128.store(at, l23, 16);
    } else { // the last 1–3 rows
      store<f64>(at, f64x2.extract_lane(l01, 0));
      if (r + 1 < b) store<f64>(at, f64x2.extract_lane(l01, 1), 8);
      if (r + 2 < b) store<f64>(at, f64x2.extract_lane(l23, 0), 16);
    }
    sum = f64x2.add(sum, f64x2.add(l01, l23));
  }
  mergeTotals(f64x2.extract_lane(sum, 0) + f64x2.extract_lane(sum, 1), 0, den, denCarry);
  return true;
}

// The float32 paths. The shifted path, per row: m = max z (exact); d = z - m rounded to float32
// with its exact residual (TwoSum), so e^(d + err) = e^(z - m) to float32 accuracy whatever d's magnitude; the lanes holding the max
// (d = 0, e^d = 1 exactly) are counted instead of summed, so R = Σ_{z < m} e^(z - m) is summed
// in float64 on its own and ln S = log1p((count - 1) + R) keeps its digits when the loss is near
// 0. Loss = (m - z_y) + ln S in float64. Error: R carries float32 exp's relative error (~1.5e-7),
// and so does the loss at worst: within API.md's 2e-6 for float32 inputs. A row whose R falls
// below k·2^-102 (off-target terms near float32's underflow) is recomputed on the float64 path.
//
// The fast path (no label smoothing, k ≤ BLOCK, a block's logits in [-80, 80] spanning ≤ 80): no
// max and no shift. e^z (exact float32 inputs) for the whole block in one flat vector pass; per row
// T = e^{z_y} and R = Σ_{j≠y} e^{z_j} (the target masked out, so nothing cancels); then
// loss = log1p(R/T), four rows per float32 vector, widened to float64 for weights and sums.
// Error: e^z 1.7e-7 relative each; R summed in float32 lanes for k ≤ 32 (≤ 9 roundings: 5.4e-7),
// in float64 above: R ≤ 7.1e-7, T ≤ 1.7e-7, R/T ≤ 9.4e-7; log1p's condition number is ≤ 1 and
// vlog1pf adds 1.5e-7: the loss is within 1.1e-6 relative, inside API.md's 2e-6 (measured on the
// float32 fixtures: at most 4 % of the bound; test/float32.test.ts, fixtures). A block
// with a logit out of range (or NaN, ±Infinity) or an invalid target runs the shifted path,
// which also flags errors.

/**
 * Class-index targets over float32 logits: w_y·((m - z_y) + ln S); with label smoothing, or
 * weights with smoothing, the float64 kernel's formula (softmaxCrossEntropyIndex below) on the same ln S.
 * Ignored rows give 0 and add nothing to the denominator; others add w_y.
 */
function softmaxCrossEntropyIndexFloat32(
  y: usize, z: usize, n: i32, k: i32, out: usize, lnBase: f64, w: usize, smoothing: f64, ignoreIndex: f64,
): i32 {
  flag = 0;
  if (smoothing != 0 || k > BLOCK || k < 1) {
    shiftedRows(y, z, 0, n, k, out, lnBase, w, smoothing, ignoreIndex);
    return flag;
  }
  const rowsPerBlock = BLOCK / k;
  for (let r = 0; r < n; r += rowsPerBlock) {
    const b = min(rowsPerBlock, n - r);
    const done = w ? unshiftedBlock(y, z, r, b, k, out, lnBase, w, ignoreIndex, true) : unshiftedBlock(y, z, r, b, k, out, lnBase, w, ignoreIndex, false);
    if (!done) {
      shiftedRows(y, z, r, r + b, k, out, lnBase, w, smoothing, ignoreIndex);
    }
  }
  return flag;
}

/**
 * Dense targets: Σ_c w_c p'_c ((m - z_c) + ln S), p' = (1-ε)p + ε/k, as A + B·ln S with
 * A = Σ w_c p'_c (m - z_c) ≥ 0 and B = Σ w_c p'_c ≥ 0 (compensated, scalar: dense targets
 * are the rarer path).
 */
function softmaxCrossEntropyDense(
  p: usize, z: usize, n: i32, k: i32, out: usize, lnBase: f64, w: usize, smoothing: f64,
): i32 {
  clearFlag();
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
      if (!(x >= 0 && x <= 1)) raiseFlag();
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
  return flagged();
}

/**
 * Class-index targets: (1-ε)·w_y·((m - z_y) + ln S) + (ε/k)·(Σ_c w_c (m - z_c) + (Σ_c w_c)·ln S).
 * Ignored rows give 0 and add nothing to the denominator; others add w_y.
 */
function softmaxCrossEntropyIndex<T>(
  y: usize, z: usize, n: i32, k: i32, out: usize, lnBase: f64, w: usize, smoothing: f64, ignoreIndex: f64,
): i32 {
  clearFlag();
  for (let r = 0; r < n; r++) {
    const label = load<f64>(y + (<usize>r << 3));
    const zRow = z + ((<usize>r * <usize>k) << alignof<T>());
    const m = rowMax<T>(zRow, k);
    const c = classOf(label, k, ignoreIndex);
    if (c < 0) {
      if (c == INVALID) raiseFlag();
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
  return flagged();
}

/** Dense float64 targets p against float64 logits z (options: lnBase, smoothing). */
export function softmaxCrossEntropyDenseF64(p: usize, z: usize, n: i32, k: i32, out: usize, w: usize, s: usize): i32 {
  const bad = softmaxCrossEntropyDense(p, z, n, k, out, params.lnBase(), w, params.smoothing());
  return s ? bad | weighRows(out, s, n) : bad;
}

/** Class-index targets y against float64 logits z (options: lnBase, smoothing, ignoreIndex). */
export function softmaxCrossEntropyIndexF64(y: usize, z: usize, n: i32, k: i32, out: usize, w: usize, s: usize): i32 {
  const bad = softmaxCrossEntropyIndex<f64>(y, z, n, k, out, params.lnBase(), w, params.smoothing(), params.ignoreIndex());
  return s ? bad | weighIndexRows(out, s, n, y, k, w, params.ignoreIndex()) : bad;
}

/** Class-index targets y against float32 logits z, read in place (options as the float64 kernel). */
export function softmaxCrossEntropyIndexF32(y: usize, z: usize, n: i32, k: i32, out: usize, w: usize, s: usize): i32 {
  const bad = softmaxCrossEntropyIndexFloat32(y, z, n, k, out, params.lnBase(), w, params.smoothing(), params.ignoreIndex());
  return s ? bad | weighIndexRows(out, s, n, y, k, w, params.ignoreIndex()) : bad;
}
