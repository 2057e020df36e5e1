/**
 * Scoring binary decisions in one pass (mirror of assembly/score_binary.ts): each of n scores
 * against its 0/1 label gives the loss, the entropy of the prediction, the probability of the
 * positive class and the decision, which the binary and multilabel tasks of `xentropy score`
 * (src/accumulator.ts) turn into their figures.
 *
 * Formulas, per element (label y ∈ {0, 1}):
 * - logits z: e = e^-|z|; the loss is sigmoidCrossEntropy's (binary_cross_entropy.ts, PyTorch
 *   binary_cross_entropy_with_logits, pos_weight 1) split by the sign of z so nothing cancels,
 *   z ≥ 0: (1-y)·z + log1p(e), z < 0: -y·z + log1p(e); p = σ(z) = 1/(1+e) for z ≥ 0, e/(1+e)
 *   below; the decision is z ≥ 0.
 * - probabilities p: the loss is binaryCrossEntropy's, -ln p (y = 1) or -log1p(-p) (y = 0); the
 *   decision is p ≥ 0.5.
 * - entropy: binaryEntropy (entropy.ts) of the smaller side s = min(p, 1-p) (σ(-|z|) = e/(1+e)
 *   for logits, which does not round to 1): -(s ln s + (1-s) log1p(-s)), 0·ln 0 = 0.
 * Outputs: loss and entropy divided by ln(base) at outCe, outH; p at outP; the decision (0 or 1)
 * overwrites the label at y (each label is read before its slot is written).
 * Algorithm: Math.exp / log / log1p (the same calls as binary_cross_entropy.ts and entropy.ts, so
 * the same numbers to the bit on this backend).
 * Error bound: each loss and entropy within max(1e-13·|exact|, 1e-15) of the value computed with
 * mpmath at 50 digits (API.md's float64 bound), as sigmoidCrossEntropy / binaryCrossEntropy /
 * binaryEntropy, which test/score-binary.test.ts checks it equals; float32 scores are read as is.
 * Flags (returns 1): a label other than 0 or 1, a NaN or +Infinity logit, a probability outside
 * [0, 1]. The row is still computed as written (the caller locates and refuses it).
 */
import type { View, View32 } from '../backend/backend.js';
import { params } from './params.js';

type Scores = Float64Array | Float32Array;

/** -(s ln s + (1-s) log1p(-s)) for s in [0, 1], 0·ln 0 = 0. */
function binaryEntropyOf(s: number): number {
  const a = s !== 0 ? -s * Math.log(s) : 0;
  const b = 1 - s !== 0 ? -(1 - s) * Math.log1p(-s) : 0;
  return a + b;
}

function scoreBinary(y: View, z: Scores, zOff: number, n: number, outCe: View, outH: View, outP: View): number {
  const lnBase = params.lnBase;
  const logits = params.logits !== 0;
  const ya = y.arr;
  const ce = outCe.arr;
  const h = outH.arr;
  const pa = outP.arr;
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const t = ya[y.off + i];
    const x = z[zOff + i];
    if (logits) {
      if (!((t === 0 || t === 1) && x < Infinity)) bad = 1;
      const e = Math.exp(-Math.abs(x));
      const softplus = Math.log1p(e);
      const small = e / (1 + e);
      let loss: number;
      let p: number;
      if (x >= 0) {
        loss = (1 - t) * x + softplus;
        p = 1 / (1 + e);
      } else {
        loss = (t !== 0 ? -t * x : 0) + softplus;
        p = small;
      }
      ce[outCe.off + i] = loss / lnBase;
      h[outH.off + i] = binaryEntropyOf(small) / lnBase;
      pa[outP.off + i] = p;
      ya[y.off + i] = x >= 0 ? 1 : 0;
    } else {
      if (!((t === 0 || t === 1) && x >= 0 && x <= 1)) bad = 1;
      const u = 1 - t;
      const a = t !== 0 ? -t * Math.log(x) : 0;
      const b = u !== 0 ? -u * Math.log1p(-x) : 0;
      ce[outCe.off + i] = (a + b) / lnBase;
      h[outH.off + i] = binaryEntropyOf(x) / lnBase;
      pa[outP.off + i] = x;
      ya[y.off + i] = x >= 0.5 ? 1 : 0;
    }
  }
  return bad;
}

/** Scores n float64 logits or probabilities against 0/1 labels (params: lnBase, logits); see the file header. */
export function scoreBinaryF64(y: View, z: View, n: number, outCe: View, outH: View, outP: View): number {
  return scoreBinary(y, z.arr, z.off, n, outCe, outH, outP);
}

/** Float32 scores: JavaScript reads either array kind with the same code. */
export function scoreBinaryF32(y: View, z: View32, n: number, outCe: View, outH: View, outP: View): number {
  return scoreBinary(y, z.arr, z.off, n, outCe, outH, outP);
}
