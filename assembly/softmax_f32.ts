// Softmax cross-entropy over float32 logits with class-index targets, four lanes at a time
// (the js mirror is softmaxCrossEntropyIndexF32 in src/js/softmax_f64.ts).
//
// Per row: m = max z (exact); d = z - m rounded to float32 with its exact residual (TwoSum), so
// e^(d + err) = e^(z - m) to float32 accuracy whatever d's magnitude; the lanes holding the max
// (d = 0, e^d = 1 exactly) are counted instead of summed, so R = Σ_{z < m} e^(z - m) is summed
// in float64 on its own and ln S = log1p((count - 1) + R) keeps its digits when the loss is near
// 0. Loss = (m - z_y) + ln S in float64. Error: R carries float32 exp's relative error (~1.5e-7),
// and so does the loss at worst: within API.md's 2e-6 for float32 inputs. A row whose R falls
// below k·2^-102 (off-target terms near float32's underflow) is recomputed on the float64 path.
import { mergeTotals, sumError } from './accumulate';
import { logSumExpShifted } from './softmax_f64';
import { vexpf } from './vmath_f32';
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

/**
 * Class-index targets over float32 logits: w_y·((m - z_y) + ln S); with label smoothing, or
 * weights with smoothing, the float64 kernel's formula (see softmax_f64.ts) on the same ln S.
 * Ignored rows give 0 and add nothing to the denominator; others add w_y.
 */
export function softmaxCrossEntropyIndexF32(
  y: usize, z: usize, n: i32, k: i32, out: usize, lnBase: f64, w: usize, smoothing: f64, ignoreIndex: f64,
): i32 {
  flag = 0;
  // Totals in locals (compensated), merged into the chunk totals once: no memory traffic per row.
  let sum = 0.0, carry = 0.0, den = 0.0, denCarry = 0.0;
  for (let r = 0; r < n; r++) {
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
  return flag;
}
