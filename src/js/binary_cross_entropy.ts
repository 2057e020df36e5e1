/**
 * Elementwise binary cross-entropy, from probabilities and from logits (mirror of
 * assembly/binary_cross_entropy.ts).
 *
 * Formulas: binaryCrossEntropy -(y ln p + (1-y) ln(1-p)), 0·ln 0 = 0, ln(1-p) as log1p(-p), p
 * clamped to [eps, 1-eps]; sigmoidCrossEntropy (PyTorch binary_cross_entropy_with_logits with
 * pos_weight pw): (1-y)·z + L·softplus(-z), L = 1 + (pw-1)·y, split by the sign of z so both parts
 * are non-negative and nothing cancels.
 * Algorithm: Math.log / log1p / exp (musl / V8's FDLIBM port, < 1 ulp each).
 * Error bound: each value within max(1e-13·|exact|, 1e-15) of the value computed with mpmath at 50
 * digits (API.md's float64 bound); test/fixtures.test.ts checks binaryCrossEntropy.json and
 * sigmoidCrossEntropy.json (test/fixtures/gen.py).
 */
import { addRow } from './accumulate.js';
import { clampProbability } from './cross_entropy.js';
import type { View } from '../backend/backend.js';
import { params } from './params.js';
import { weighRows } from './sample_weights.js';

/** -(y ln p + (1-y) ln(1-p)), 0·ln 0 = 0; ln(1-p) as log1p(-p); eps clamps p (0: exact). */
function binaryCrossEntropy(
  y: Float64Array,
  yOff: number,
  p: Float64Array,
  pOff: number,
  n: number,
  out: Float64Array,
  outOff: number,
  lnBase: number,
  eps: number,
): number {
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const t = y[yOff + i];
    const x = p[pOff + i];
    if (!(t >= 0 && t <= 1 && x >= 0 && x <= 1)) bad = 1;
    const q = clampProbability(x, eps);
    const u = 1 - t;
    const a = t !== 0 ? -t * Math.log(q) : 0;
    const b = u !== 0 ? -u * Math.log1p(-q) : 0;
    const v = (a + b) / lnBase;
    out[outOff + i] = v;
    addRow(v);
  }
  return bad;
}

/**
 * Binary cross-entropy from a logit z with positive weight pw (PyTorch
 * binary_cross_entropy_with_logits): (1-y)·z + L·softplus(-z), L = 1 + (pw-1)·y.
 * Split by the sign of z so both parts are non-negative and nothing cancels:
 *   z ≥ 0: (1-y)·z + L·log1p(e^-z)      z < 0: -pw·y·z + L·log1p(e^z)
 * (the second is the first with softplus(-z) = -z + log1p(e^z) and 1 - y - L = -pw·y).
 */
function sigmoidCrossEntropy(
  y: Float64Array,
  yOff: number,
  z: Float64Array,
  zOff: number,
  n: number,
  out: Float64Array,
  outOff: number,
  lnBase: number,
  posWeight: number,
): number {
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const t = y[yOff + i];
    const x = z[zOff + i];
    if (!(t >= 0 && t <= 1 && x < Infinity)) bad = 1;
    const logWeight = 1 + (posWeight - 1) * t;
    let v: number;
    if (x >= 0) v = (1 - t) * x + logWeight * Math.log1p(Math.exp(-x));
    else v = (t !== 0 ? -posWeight * t * x : 0) + logWeight * Math.log1p(Math.exp(x));
    v /= lnBase;
    out[outOff + i] = v;
    addRow(v);
  }
  return bad;
}

/** Binary cross-entropy of targets y and probabilities p (params: lnBase, eps). */
export function binaryCrossEntropyF64(y: View, p: View, n: number, out: View, s: View): number {
  const bad = binaryCrossEntropy(y.arr, y.off, p.arr, p.off, n, out.arr, out.off, params.lnBase, params.eps);
  return s.off < 0 ? bad : bad | weighRows(out, s, n);
}

/** Binary cross-entropy of targets y and logits z (params: lnBase, posWeight). */
export function sigmoidCrossEntropyF64(y: View, z: View, n: number, out: View, s: View): number {
  const bad = sigmoidCrossEntropy(y.arr, y.off, z.arr, z.off, n, out.arr, out.off, params.lnBase, params.posWeight);
  return s.off < 0 ? bad : bad | weighRows(out, s, n);
}
