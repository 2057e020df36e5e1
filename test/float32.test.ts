/**
 * Float32 logits: the f32x4 kernel keeps API.md's 2e-6 where float32 arithmetic alone would not —
 * losses near 0 whose off-target logit differences are not representable in float32 (their
 * rounding would move e^d by up to |d|·2^-24), and rows whose off-target mass underflows float32.
 * References are closed forms in float64 on the exact float32 inputs (float64 is 10^9 times finer
 * than the bound).
 */
import { describe, it } from 'vitest';
import { backends, expectClose } from './helpers.js';

/** -log softmax(z)_0 in float64 for exact float32 inputs, via log1p of the off-target mass. */
function lossOfFirst(z: Float32Array): number {
  const m = Math.max(...z);
  let rest = 0;
  for (let j = 1; j < z.length; j++) rest += Math.exp(z[j] - m); // z[j] - m is exact in float64
  return m - z[0] + Math.log1p(rest);
}

const rows: [string, number[]][] = [
  // ulp(66) = 7.6e-6: d = z - m rounds by up to 3.8e-6, i.e. e^d moves by up to 3.8e-6 relative.
  ['a difference float32 cannot hold, loss ~2e-29', [66.0001, -3.7e-6]],
  ['the same, rounding the other way', [66.0001, 3.7e-6]],
  ['the same over 7 classes', [65.99, -3.7e-6, 3.6e-6, 1e-7, -3.5e-6, 3.75e-6, -0.5]],
  ['off-target mass at 1e-35 (float64 fallback)', [80.0001, -3.7e-6]],
  ['off-target mass near float32 underflow (2 terms)', [87.4, 0, 0]],
  ['off-target mass below float32 normals', [100.25, 0.125, -3]],
  ['moderate', [2.5, 1.25, -0.75, 0.3333]],
  ['large magnitudes', [10000, 9999.5, 9990]],
];

describe.each(backends)('%s backend: float32 softmax cross-entropy accuracy', (_name, x) => {
  it.each(rows)('%s', (_label, values) => {
    const z = Float32Array.from(values);
    const got = x.softmaxCrossEntropy(Int32Array.of(0), z, { classes: z.length });
    expectClose(got, [lossOfFirst(z)], 'float32', 'loss', values);
  });
});
