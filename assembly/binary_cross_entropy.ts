// Elementwise binary cross-entropy, from probabilities and from logits (mirror of
// src/js/binary_cross_entropy.ts).
//
// Formulas: binaryCrossEntropy -(y ln p + (1-y) ln(1-p)), 0·ln 0 = 0, ln(1-p) as log1p(-p), p
// clamped to [eps, 1-eps]; sigmoidCrossEntropy (PyTorch binary_cross_entropy_with_logits with
// pos_weight pw): (1-y)·z + L·softplus(-z), L = 1 + (pw-1)·y, split by the sign of z so both parts
// are non-negative and nothing cancels.
// Algorithm: Math.log / log1p / exp (musl / V8's FDLIBM port, < 1 ulp each).
// Error bound: each value within max(1e-13·|exact|, 1e-15) of the value computed with mpmath at 50
// digits (API.md's float64 bound); test/fixtures.test.ts checks binaryCrossEntropy.json and
// sigmoidCrossEntropy.json (test/fixtures/gen.py).
import { addRow } from './accumulate';
import { clampProbability } from './cross_entropy';
import * as params from './params';
import { weighRows } from './sample_weights';

/** -(y ln p + (1-y) ln(1-p)), 0·ln 0 = 0; ln(1-p) as log1p(-p); eps clamps p (0: exact). */
function binaryCrossEntropy(y: usize, p: usize, n: i32, out: usize, lnBase: f64, eps: f64): i32 {
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const t = load<f64>(y + (<usize>i << 3));
    const x = load<f64>(p + (<usize>i << 3));
    if (!(t >= 0 && t <= 1 && x >= 0 && x <= 1)) bad = 1;
    const q = clampProbability(x, eps);
    const u = 1 - t;
    const a = t != 0 ? -t * Math.log(q) : 0.0;
    const b = u != 0 ? -u * Math.log1p(-q) : 0.0;
    const v = (a + b) / lnBase;
    store<f64>(out + (<usize>i << 3), v);
    addRow(v);
  }
  return bad;
}

/**
 * Binary cross-entropy from a logit z with positive weight pw (PyTorch
 * binary_cross_entropy_with_logits): (1-y)·z + L·softplus(-z), L = 1 + (pw-1)·y, split by the
 * sign of z so both parts are non-negative and nothing cancels:
 *   z ≥ 0: (1-y)·z + L·log1p(e^-z)      z < 0: -pw·y·z + L·log1p(e^z)
 */
function sigmoidCrossEntropy(y: usize, z: usize, n: i32, out: usize, lnBase: f64, posWeight: f64): i32 {
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const t = load<f64>(y + (<usize>i << 3));
    const x = load<f64>(z + (<usize>i << 3));
    if (!(t >= 0 && t <= 1 && x < Infinity)) bad = 1;
    const logWeight = 1 + (posWeight - 1) * t;
    let v: f64;
    if (x >= 0) v = (1 - t) * x + logWeight * Math.log1p(Math.exp(-x));
    else v = (t != 0 ? -posWeight * t * x : 0.0) + logWeight * Math.log1p(Math.exp(x));
    v /= lnBase;
    store<f64>(out + (<usize>i << 3), v);
    addRow(v);
  }
  return bad;
}

/** Binary cross-entropy of float64 targets y and probabilities p (options: lnBase, eps). */
export function binaryCrossEntropyF64(y: usize, p: usize, n: i32, out: usize, s: usize): i32 {
  const bad = binaryCrossEntropy(y, p, n, out, params.lnBase(), params.eps());
  return s ? bad | weighRows(out, s, n) : bad;
}

/** Binary cross-entropy of float64 targets y and logits z (options: lnBase, posWeight). */
export function sigmoidCrossEntropyF64(y: usize, z: usize, n: i32, out: usize, s: usize): i32 {
  const bad = sigmoidCrossEntropy(y, z, n, out, params.lnBase(), params.posWeight());
  return s ? bad | weighRows(out, s, n) : bad;
}
