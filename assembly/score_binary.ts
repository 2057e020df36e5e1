// Scoring binary decisions in one pass (mirror of src/js/score_binary.ts): each of n scores
// against its 0/1 label gives the loss, the entropy of the prediction, the probability of the
// positive class and the decision, which the binary and multilabel tasks of `xentropy score`
// (src/accumulator.ts) turn into their figures.
//
// Formulas, per element (label y ∈ {0, 1}):
// - logits z: e = e^-|z|; the loss is sigmoidCrossEntropy's (binary_cross_entropy.ts, PyTorch
//   binary_cross_entropy_with_logits, pos_weight 1) split by the sign of z so nothing cancels,
//   z ≥ 0: (1-y)·z + log1p(e), z < 0: -y·z + log1p(e); p = σ(z) = 1/(1+e) for z ≥ 0, e/(1+e) below;
//   the decision is z ≥ 0.
// - probabilities p: the loss is binaryCrossEntropy's, -ln p (y = 1) or -log1p(-p) (y = 0); the
//   decision is p ≥ 0.5.
// - entropy: binaryEntropy (entropy.ts) of the smaller side s = min(p, 1-p) (σ(-|z|) = e/(1+e) for
//   logits, which does not round to 1): -(s ln s + (1-s) log1p(-s)), 0·ln 0 = 0; H(p) = H(1-p).
// Outputs: loss and entropy divided by ln(base) at outCe, outH; p at outP; the decision (0 or 1)
// overwrites the label at y (each label is read before its slot is written).
// Algorithm: Math.exp / log / log1p (the same calls as binary_cross_entropy.ts and entropy.ts, so
// the same numbers to the bit on this backend).
// Error bound: each loss and entropy within max(1e-13·|exact|, 1e-15) of the value computed with
// mpmath at 50 digits (API.md's float64 bound), as sigmoidCrossEntropy / binaryCrossEntropy /
// binaryEntropy, which test/score-binary.test.ts checks it equals; float32 scores are promoted.
// Flags (returns 1): a label other than 0 or 1, a NaN or +Infinity logit, a probability outside
// [0, 1]. The row is still computed as written (the caller locates and refuses it).
import * as params from './params';

/** -(s ln s + (1-s) log1p(-s)) for s in [0, 1], 0·ln 0 = 0. */
// @ts-ignore: decorator
@inline function binaryEntropyOf(s: f64): f64 {
  const a = s != 0 ? -s * Math.log(s) : 0.0;
  const b = 1 - s != 0 ? -(1 - s) * Math.log1p(-s) : 0.0;
  return a + b;
}

function scoreLogits<T>(y: usize, z: usize, n: i32, outCe: usize, outH: usize, outP: usize, lnBase: f64): i32 {
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const at = <usize>i << 3;
    const t = load<f64>(y + at);
    const x = <f64>load<T>(z + (<usize>i << alignof<T>()));
    if (!((t == 0 || t == 1) && x < Infinity)) bad = 1;
    const e = Math.exp(-Math.abs(x));
    const softplus = Math.log1p(e);
    const small = e / (1 + e);
    let loss: f64;
    let p: f64;
    if (x >= 0) {
      loss = (1 - t) * x + softplus;
      p = 1 / (1 + e);
    } else {
      loss = (t != 0 ? -t * x : 0.0) + softplus;
      p = small;
    }
    store<f64>(outCe + at, loss / lnBase);
    store<f64>(outH + at, binaryEntropyOf(small) / lnBase);
    store<f64>(outP + at, p);
    store<f64>(y + at, x >= 0 ? 1.0 : 0.0);
  }
  return bad;
}

function scoreProbs<T>(y: usize, q: usize, n: i32, outCe: usize, outH: usize, outP: usize, lnBase: f64): i32 {
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const at = <usize>i << 3;
    const t = load<f64>(y + at);
    const x = <f64>load<T>(q + (<usize>i << alignof<T>()));
    if (!((t == 0 || t == 1) && x >= 0 && x <= 1)) bad = 1;
    const u = 1 - t;
    const a = t != 0 ? -t * Math.log(x) : 0.0;
    const b = u != 0 ? -u * Math.log1p(-x) : 0.0;
    store<f64>(outCe + at, (a + b) / lnBase);
    store<f64>(outH + at, binaryEntropyOf(x) / lnBase);
    store<f64>(outP + at, x);
    store<f64>(y + at, x >= 0.5 ? 1.0 : 0.0);
  }
  return bad;
}

/** Scores n float64 logits or probabilities against 0/1 labels (options: lnBase, logits); see the file header. */
export function scoreBinaryF64(y: usize, z: usize, n: i32, outCe: usize, outH: usize, outP: usize): i32 {
  const lnBase = params.lnBase();
  return params.logits()
    ? scoreLogits<f64>(y, z, n, outCe, outH, outP, lnBase)
    : scoreProbs<f64>(y, z, n, outCe, outH, outP, lnBase);
}

/** The same over float32 scores, read in place and promoted. */
export function scoreBinaryF32(y: usize, z: usize, n: i32, outCe: usize, outH: usize, outP: usize): i32 {
  const lnBase = params.lnBase();
  return params.logits()
    ? scoreLogits<f32>(y, z, n, outCe, outH, outP, lnBase)
    : scoreProbs<f32>(y, z, n, outCe, outH, outP, lnBase);
}
