// Scoring rows of predictions against class indices in one pass (mirror of src/js/score_f64.ts):
// per row the cross-entropy, the entropy of the predicted distribution and the arg-max — what
// `xentropy score` and the Accumulator need, without materialising softmax(z).
// Generic in the scores' element type T (f64, or f32 promoted lane by lane).
//
// Logits: m = max z, d_c = z_c - m ≤ 0, S = Σ e^d, T = Σ e^d·(-d) (both TwoSum-compensated);
//   cross-entropy = (m - z_y) + ln S, entropy = ln S + T/S: sums of non-negative terms, so
//   nothing cancels (ln S = log1p(S - 1) while S < 2, S - 1 exact by Sterbenz).
// Probabilities: cross-entropy = -ln q_y, entropy = -Σ q ln q (0·ln 0 = 0).
// Outputs: cross-entropy to `ce`, entropy to `h`, the arg-max (first on ties) over the labels at
// `y` as f64 (each label is read before its slot is overwritten). Returns 1 on an invalid value.
import { addRow, settleLanes, settleLanesWith, sumError, vSumError } from './accumulate';
import { classOf, INVALID } from './targets';
import { vexp, vlog } from './vmath_f64';
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

/**
 * ln S from compensated lanes (sums s, carries c) plus one tail term e: hi + lo kept apart, so
 * ln S = log1p((hi - 1) + lo) keeps a near-zero loss exact (settling into one double would not).
 */
// @ts-ignore: decorator
@inline function lnOfLanes(s: v128, c: v128, e: f64): f64 {
  const s0 = f64x2.extract_lane(s, 0);
  const s1 = f64x2.extract_lane(s, 1);
  let hi = s0 + s1;
  let lo = sumError(s0, s1, hi) + f64x2.extract_lane(c, 0) + f64x2.extract_lane(c, 1);
  const t = hi + e;
  lo += sumError(hi, e, t);
  hi = t;
  return hi < 2 ? Math.log1p(hi - 1 + lo) : Math.log(hi + lo);
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

function scoreLogits<T>(y: usize, z: usize, n: i32, k: i32, outCe: usize, outH: usize, lnBase: f64): i32 {
  flag = 0;
  for (let r = 0; r < n; r++) {
    const row = z + ((<usize>r * <usize>k) << alignof<T>());
    const label = load<f64>(y + (<usize>r << 3));
    const c = classOf(label, k, NaN);
    if (c == INVALID) flag = 1;
    const at = argMax<T>(row, k, true);
    if (at < 0 || c < 0) {
      // Every class masked (or no valid label): the target sits on a masked class.
      finishRow(r, at, c < 0 ? NaN : Infinity, NaN, y, outCe, outH, lnBase);
      continue;
    }
    const m = load1<T>(row, at);
    const mm = f64x2.splat(m);
    let s = f64x2.splat(0.0), sc = f64x2.splat(0.0), t = f64x2.splat(0.0), tc = f64x2.splat(0.0);
    let j = 0;
    for (; j + 1 < k; j += 2) {
      const negD = f64x2.sub(mm, load2<T>(row, j));
      const e = vexp(f64x2.neg(negD));
      const s2 = f64x2.add(s, e);
      sc = f64x2.add(sc, vSumError(s, e, s2));
      s = s2;
      const w = v128.andnot(f64x2.mul(e, negD), f64x2.eq(e, f64x2.splat(0.0))); // 0·∞ = 0 for masked classes
      const t2 = f64x2.add(t, w);
      tc = f64x2.add(tc, vSumError(t, w, t2));
      t = t2;
    }
    let e = 0.0;
    let tail = settleLanes(t, tc);
    if (j < k) {
      const negD = m - load1<T>(row, j);
      e = f64x2.extract_lane(vexp(f64x2.splat(-negD)), 0);
      if (e != 0) tail += e * negD;
    }
    const lnS = lnOfLanes(s, sc, e);
    const total = settleLanes(s, sc) + e;
    finishRow(r, at, m - load1<T>(row, c) + lnS, lnS + tail / total, y, outCe, outH, lnBase);
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
    let s = f64x2.splat(0.0), sc = f64x2.splat(0.0);
    let j = 0;
    for (; j + 1 < k; j += 2) {
      const x = load2<T>(row, j);
      const v = v128.andnot(f64x2.mul(f64x2.neg(x), vlog(x)), f64x2.eq(x, f64x2.splat(0.0)));
      const s2 = f64x2.add(s, v);
      sc = f64x2.add(sc, vSumError(s, v, s2));
      s = s2;
    }
    let tailTerm = 0.0;
    if (j < k) {
      const x = load1<T>(row, j);
      if (x != 0) tailTerm = -x * Math.log(x);
    }
    const h = settleLanesWith(s, sc, tailTerm);
    finishRow(r, at, c < 0 ? NaN : 0 - Math.log(load1<T>(row, c)), h, y, outCe, outH, lnBase);
  }
  return flag;
}

/** Scores rows of float64 (or, with F32, float32) logits or probabilities; see the file header. */
export function scoreRowsF64(y: usize, p: usize, n: i32, k: i32, outCe: usize, outH: usize, lnBase: f64, logits: i32): i32 {
  return logits ? scoreLogits<f64>(y, p, n, k, outCe, outH, lnBase) : scoreProbs<f64>(y, p, n, k, outCe, outH, lnBase);
}

export function scoreRowsF32(y: usize, p: usize, n: i32, k: i32, outCe: usize, outH: usize, lnBase: f64, logits: i32): i32 {
  return logits ? scoreLogits<f32>(y, p, n, k, outCe, outH, lnBase) : scoreProbs<f32>(y, p, n, k, outCe, outH, lnBase);
}
