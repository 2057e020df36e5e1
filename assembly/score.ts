// Scoring rows of predictions against class indices in one pass (mirror of src/js/score.ts).
//
// Formulas: per row the cross-entropy, the entropy of the predicted distribution and the arg-max
// (first on ties). Logits: m = max z, d_c = z_c - m ≤ 0, S = Σ e^d, T = Σ e^d·(-d); cross-entropy =
// (m - z_y) + ln S, entropy = ln S + T/S (non-negative terms only). Probabilities: cross-entropy =
// -ln q_y, entropy = -Σ q ln q (0·ln 0 = 0). The arg-max overwrites the labels at `y` (each label
// is read before its slot is overwritten).
// Algorithm: as softmax (exp from vmath_f64.ts / vmath_f32.ts, FDLIBM-based, < 1 ulp), compensated
// sums.
// Error bound: each value within max(1e-13·|exact|, 1e-15) of the value computed with mpmath at 50
// digits (API.md's float64 bound) of softmaxCrossEntropy / entropy(softmax) (float32 scores:
// max(2e-6·|exact|, 2^-126) of the exact value of the same float32 inputs (API.md's float32
// bound)); test/score-rows.test.ts checks it against those functions.
import { addRow } from './accumulate';
import { classOf, INVALID } from './targets';
import { vexp, vlogOr1p } from './vmath_f64';
import { entropyOfRow } from './entropy';
import * as params from './params';
import { load1, load2 } from './lanes';

let flag: i32 = 0;

/** First index of the row's largest value (-1 when none is > -Infinity); flags per `logits`. */
function argMax<T>(row: usize, k: i32, logits: bool): i32 {
  let m = -Infinity;
  let at = -1;
  for (let j = 0; j < k; j++) {
    const v = load1<T>(row, j);
    if (logits ? !(v < Infinity) : !(v >= 0 && v <= 1)) flag = 1;
    if (v > m) {
      m = v;
      at = j;
    }
  }
  return at;
}

/** Writes the row's results and adds its cross-entropy to the chunk totals. */
// @ts-ignore: decorator
@inline function finishRow(r: i32, at: i32, ce: f64, h: f64, y: usize, outCe: usize, outH: usize, lnBase: f64): void {
  const loss = ce / lnBase;
  store<f64>(outCe + (<usize>r << 3), loss);
  store<f64>(outH + (<usize>r << 3), h / lnBase);
  store<f64>(y + (<usize>r << 3), <f64>at);
  addRow(loss);
}

/**
 * Max of a row of logits, two lanes at a time; flags NaN and +Infinity (then the max is NaN-free
 * garbage: the row is flagged and rescored by the caller's error path). -Infinity when all are.
 */
// @ts-ignore: decorator
@inline function rowMaxLogits<T>(row: usize, k: i32): f64 {
  let m2 = f64x2.splat(-Infinity);
  let ok = i64x2.splat(-1);
  let j = 0;
  for (; j + 1 < k; j += 2) {
    const v = load2<T>(row, j);
    ok = v128.and(ok, f64x2.lt(v, f64x2.splat(Infinity))); // NaN compares false
    m2 = f64x2.pmax(m2, v);
  }
  // Comparisons, not f64.max: a NaN logit (validate: false) is skipped as the scalar scan skipped it.
  const m0 = f64x2.extract_lane(m2, 0);
  const m1 = f64x2.extract_lane(m2, 1);
  let m = m1 > m0 ? m1 : m0;
  if (j < k) {
    const v = load1<T>(row, j);
    if (!(v < Infinity)) flag = 1;
    if (v > m) m = v;
  }
  if (!v128.all_true<i64>(ok)) flag = 1;
  return m;
}

/** First index of the row holding m (the max), -1 when m = -Infinity (every class masked). */
// @ts-ignore: decorator
@inline function firstAt<T>(row: usize, k: i32, m: f64): i32 {
  if (m == -Infinity) return -1;
  for (let j = 0; j < k; j++) if (load1<T>(row, j) == m) return j;
  return -1; // NaN rows (flagged)
}

/**
 * ln(1 + x) for x ≥ 0 (finite, or NaN) through the f64x2 polynomial (vlogOr1p: x itself below √2 - 1, where 1 + x
 * would lose its digits; ln(1 + x) above, |ln| > 0.34 there), lane 0.
 */
// @ts-ignore: decorator
@inline function log1pOne(x: f64): f64 {
  if (isNaN(x)) return x; // a NaN logit with validate: false (vlogOr1p has no special lanes)
  const xv = f64x2.splat(x);
  const near = f64x2.lt(xv, f64x2.splat(0.41421356237309515));
  return f64x2.extract_lane(vlogOr1p(f64x2.add(f64x2.splat(1.0), xv), xv, near), 0);
}

/**
 * Logits, per row: m = max z; the max lanes are counted (`tops`, e^0 = 1 each), the others give
 * R = Σ e^d and T = Σ e^d·(-d), d = z - m < 0: plain lane sums of terms below 1 (≤ k/2 roundings
 * each, 1.4e-14 relative for k ≤ 256; longer rows too stay far inside 1e-13 in practice, as their
 * terms are small). S = tops + R, ln S = log1p((tops - 1) + R): a near-zero loss keeps its digits.
 */
function scoreLogits<T>(y: usize, z: usize, n: i32, k: i32, outCe: usize, outH: usize, lnBase: f64): i32 {
  flag = 0;
  for (let r = 0; r < n; r++) {
    const row = z + ((<usize>r * <usize>k) << alignof<T>());
    const label = load<f64>(y + (<usize>r << 3));
    const c = classOf(label, k, NaN);
    if (c == INVALID) flag = 1;
    const m = rowMaxLogits<T>(row, k);
    const at = firstAt<T>(row, k, m);
    if (at < 0 || c < 0) {
      // Every class masked (or no valid label): the target sits on a masked class.
      finishRow(r, at, c < 0 ? NaN : Infinity, NaN, y, outCe, outH, lnBase);
      continue;
    }
    if (m == Infinity) {
      // A +Infinity logit (flagged; validate: false computes as written): ∞ - ∞ makes the row NaN.
      finishRow(r, at, NaN, NaN, y, outCe, outH, lnBase);
      continue;
    }
    const mm = f64x2.splat(m);
    let rest = f64x2.splat(0.0), t = f64x2.splat(0.0), tops = i64x2.splat(0);
    let j = 0;
    for (; j + 1 < k; j += 2) {
      const v = load2<T>(row, j);
      const top = f64x2.eq(v, mm);
      tops = i64x2.sub(tops, top); // a max lane is -1
      const negD = f64x2.sub(mm, v);
      const e = v128.andnot(vexp(f64x2.neg(negD)), top);
      rest = f64x2.add(rest, e);
      t = f64x2.add(t, v128.andnot(f64x2.mul(e, negD), f64x2.eq(e, f64x2.splat(0.0)))); // 0·∞ = 0 for masked classes
    }
    let count = i64x2.extract_lane(tops, 0) + i64x2.extract_lane(tops, 1);
    let restSum = f64x2.extract_lane(rest, 0) + f64x2.extract_lane(rest, 1);
    let tSum = f64x2.extract_lane(t, 0) + f64x2.extract_lane(t, 1);
    if (j < k) {
      const v = load1<T>(row, j);
      if (v == m) {
        count++;
      } else {
        const negD = m - v;
        const e = f64x2.extract_lane(vexp(f64x2.splat(-negD)), 0);
        restSum += e;
        if (e != 0) tSum += e * negD;
      }
    }
    const lnS = log1pOne(<f64>(count - 1) + restSum);
    finishRow(r, at, m - load1<T>(row, c) + lnS, lnS + tSum / (<f64>count + restSum), y, outCe, outH, lnBase);
  }
  return flag;
}

function scoreProbs<T>(y: usize, q: usize, n: i32, k: i32, outCe: usize, outH: usize, lnBase: f64): i32 {
  flag = 0;
  for (let r = 0; r < n; r++) {
    const row = q + ((<usize>r * <usize>k) << alignof<T>());
    const label = load<f64>(y + (<usize>r << 3));
    const c = classOf(label, k, NaN);
    if (c == INVALID) flag = 1;
    const at = argMax<T>(row, k, false);
    finishRow(r, at, c < 0 ? NaN : 0 - Math.log(load1<T>(row, c)), entropyOfRow<T>(row, k), y, outCe, outH, lnBase);
  }
  return flag;
}

/** Scores rows of float64 logits or probabilities (options: lnBase, logits); see the file header. */
export function scoreRowsF64(y: usize, p: usize, n: i32, k: i32, outCe: usize, outH: usize): i32 {
  const lnBase = params.lnBase();
  return params.logits() ? scoreLogits<f64>(y, p, n, k, outCe, outH, lnBase) : scoreProbs<f64>(y, p, n, k, outCe, outH, lnBase);
}

/** The same over float32 scores, read in place. */
export function scoreRowsF32(y: usize, p: usize, n: i32, k: i32, outCe: usize, outH: usize): i32 {
  const lnBase = params.lnBase();
  return params.logits() ? scoreLogits<f32>(y, p, n, k, outCe, outH, lnBase) : scoreProbs<f32>(y, p, n, k, outCe, outH, lnBase);
}
