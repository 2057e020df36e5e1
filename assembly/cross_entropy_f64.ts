// Cross-entropy (dense and class-index targets) and KL divergence over float64 rows
// (mirror of src/js/cross_entropy_f64.ts).
//
// A target entry of 0 contributes nothing, even where q = 0; p > 0 where q = 0 gives +Infinity.
// `w` is the weights' address (0: none), `smoothing` PyTorch's label_smoothing ε, `eps` the clamp
// (0: exact), `ignoreIndex` NaN for none.
import { addDen, addRow, rowSum, settle, sumError } from './accumulate';

/** Smallest positive normal float64, 2^-1022. */
const MIN_NORMAL: f64 = 2.2250738585072014e-308;

/** Clamps q into [eps, 1-eps] (scikit-learn's log_loss clip, without renormalisation); eps = 0 is exact. */
// @ts-ignore: decorator
@inline export function clampProbability(q: f64, eps: f64): f64 {
  if (eps > 0) return q < eps ? eps : q > 1 - eps ? 1 - eps : q;
  return q;
}

/**
 * ln(a/b) for a > 0: near a = b, log1p((a-b)/b) (a-b exact there, Sterbenz) instead of amplifying
 * the quotient's rounding; where a/b over- or underflows, ln a - ln b (nothing cancels then).
 */
export function logRatio(a: f64, b: f64): f64 {
  const ratio = a / b;
  if (ratio > 0.5 && ratio < 2) return Math.log1p((a - b) / b);
  if (ratio >= MIN_NORMAL && ratio < Infinity) return Math.log(ratio);
  return Math.log(a) - Math.log(b);
}

// @ts-ignore: decorator
@inline function weightAt(w: usize, j: i32): f64 {
  return w ? load<f64>(w + (<usize>j << 3)) : 1.0;
}

/** -Σ_c w_c p'_c ln q'_c per row; p' = (1-ε)p + ε/k (after normalize), q' = clamp(q / Σq). */
export function crossEntropyDenseF64(
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
    const pTotal = normalize ? rowSum(pRow, k) : 1.0;
    const qTotal = normalize ? rowSum(qRow, k) : 1.0;
    let s = 0.0;
    let c = 0.0;
    for (let j = 0; j < k; j++) {
      const x = load<f64>(pRow + (<usize>j << 3));
      const y = load<f64>(qRow + (<usize>j << 3));
      if (!(x >= 0 && x <= pMax && y >= 0 && y <= pMax)) bad = 1;
      let target = normalize ? x / pTotal : x;
      if (smoothing != 0) target = keep * target + spread;
      if (target != 0) {
        const v = -weightAt(w, j) * target * Math.log(clampProbability(normalize ? y / qTotal : y, eps));
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
 */
export function crossEntropyIndexF64(
  y: usize, q: usize, n: i32, k: i32, out: usize, lnBase: f64,
  normalize: i32, eps: f64, w: usize, smoothing: f64, ignoreIndex: f64,
): i32 {
  let bad = 0;
  const pMax = normalize ? Infinity : 1.0;
  for (let r = 0; r < n; r++) {
    const label = load<f64>(y + (<usize>r << 3));
    const qRow = q + ((<usize>r * <usize>k) << 3);
    const qTotal = normalize ? rowSum(qRow, k) : 1.0;
    let smooth = 0.0;
    let smoothCarry = 0.0;
    for (let j = 0; j < k; j++) {
      const x = load<f64>(qRow + (<usize>j << 3));
      if (!(x >= 0 && x <= pMax)) bad = 1;
      if (smoothing != 0) {
        const v = -weightAt(w, j) * Math.log(clampProbability(normalize ? x / qTotal : x, eps));
        const t = smooth + v;
        smoothCarry += sumError(smooth, v, t);
        smooth = t;
      }
    }
    if (label == ignoreIndex) {
      store<f64>(out + (<usize>r << 3), 0.0);
      continue;
    }
    if (!(label >= 0 && label < <f64>k && Math.floor(label) == label)) {
      bad = 1;
      store<f64>(out + (<usize>r << 3), NaN);
      continue;
    }
    const c = <i32>label;
    const weight = weightAt(w, c);
    const qy = load<f64>(qRow + (<usize>c << 3));
    let loss = -weight * Math.log(clampProbability(normalize ? qy / qTotal : qy, eps));
    if (smoothing != 0) loss = (1 - smoothing) * loss + (smoothing / <f64>k) * settle(smooth, smoothCarry);
    loss /= lnBase;
    store<f64>(out + (<usize>r << 3), loss);
    addRow(loss);
    addDen(weight);
  }
  return bad;
}

/** Σ p ln(p/q) per row (SciPy rel_entr summed), compensated; `normalize` divides p and q by their sums. */
export function klDivergenceRowsF64(
  p: usize, q: usize, n: i32, k: i32, out: usize, lnBase: f64, normalize: i32,
): i32 {
  let bad = 0;
  const pMax = normalize ? Infinity : 1.0;
  for (let r = 0; r < n; r++) {
    const pRow = p + ((<usize>r * <usize>k) << 3);
    const qRow = q + ((<usize>r * <usize>k) << 3);
    const pTotal = normalize ? rowSum(pRow, k) : 1.0;
    const qTotal = normalize ? rowSum(qRow, k) : 1.0;
    let s = 0.0;
    let c = 0.0;
    for (let j = 0; j < k; j++) {
      const x = load<f64>(pRow + (<usize>j << 3));
      const yv = load<f64>(qRow + (<usize>j << 3));
      if (!(x >= 0 && x <= pMax && yv >= 0 && yv <= pMax)) bad = 1;
      const a = normalize ? x / pTotal : x;
      if (a != 0) {
        const v = a * logRatio(a, normalize ? yv / qTotal : yv);
        const t = s + v;
        c += sumError(s, v, t);
        s = t;
      }
    }
    const d = settle(s, c) / lnBase;
    store<f64>(out + (<usize>r << 3), d);
    addRow(d);
  }
  return bad;
}
