/**
 * scoreRows, the fused pass behind `xentropy score`: row for row the same numbers as the separate
 * functions it replaces (softmaxCrossEntropy / crossEntropy, entropy of softmax, first arg-max),
 * on both backends, float64 and float32, across chunk boundaries; labels are never modified.
 */
import { describe, expect, it } from 'vitest';
import { backends, expectClose, rng } from './helpers.js';

function batch(n: number, k: number, seed: number) {
  const r = rng(seed);
  const z = Float64Array.from({ length: n * k }, () => (r() - 0.5) * 16);
  for (let i = 0; i < n * k; i += 37) z[i] = -Infinity; // some masked classes
  const labels = Int32Array.from({ length: n }, (_, i) => (i * 7) % k);
  for (let i = 0; i < n; i++) if (z[i * k + labels[i]] === -Infinity) z[i * k + labels[i]] = 0;
  return { z, labels };
}

function firstArgMax(z: ArrayLike<number>, n: number, k: number): number[] {
  return Array.from({ length: n }, (_, r) => {
    let at = 0;
    for (let j = 1; j < k; j++) if (z[r * k + j] > z[r * k + at]) at = j;
    return at;
  });
}

describe.each(backends)('%s backend: scoreRows', (_name, x) => {
  it.each([
    [1_000, 10],
    [70_000, 7],
    [3, 1_001],
  ])('logits %i × %i match the separate functions', (n, k) => {
    const { z, labels } = batch(n, k, n + k);
    const copy = labels.slice();
    const got = x.scoreRows(labels, z, { classes: k, input: 'logits', base: 2 });
    expect(labels).toEqual(copy);
    expectClose(
      got.crossEntropy,
      x.softmaxCrossEntropy(labels, z, { classes: k, base: 2 }),
      'float64',
      'cross-entropy',
    );
    expectClose(got.entropy, x.entropy(x.softmax(z, { classes: k }), { classes: k, base: 2 }), 'float64', 'entropy');
    expect(Array.from(got.predicted)).toEqual(firstArgMax(z, n, k));
  });

  it('probabilities, float64 and float32', () => {
    const { z, labels } = batch(5_000, 10, 3);
    const p = x.softmax(z, { classes: 10 }) as Float64Array;
    const got = x.scoreRows(labels, p, { classes: 10, input: 'probs' });
    expectClose(got.crossEntropy, x.crossEntropy(labels, p, { classes: 10 }), 'float64', 'cross-entropy');
    expectClose(got.entropy, x.entropy(p, { classes: 10 }), 'float64', 'entropy');
    expect(Array.from(got.predicted)).toEqual(firstArgMax(p, 5_000, 10));
    const p32 = Float32Array.from(p);
    const got32 = x.scoreRows(labels, p32, { classes: 10, input: 'probs' });
    expectClose(got32.crossEntropy, x.crossEntropy(labels, p32, { classes: 10 }), 'float32', 'cross-entropy f32');
    expectClose(got32.entropy, x.entropy(p32, { classes: 10 }), 'float32', 'entropy f32');
  });

  it('keeps a near-zero loss exact and rejects bad input with its position', () => {
    const got = x.scoreRows([0], [40, 0], { classes: 2, input: 'logits' });
    expectClose(got.crossEntropy, [4.248354255291589e-18], 'float64', 'tiny loss'); // log1p(e^-40), mpmath
    expect(() => x.scoreRows([0, 5], [0, 1, 2, 3], { classes: 2, input: 'logits' })).toThrow(/target at row 1 is 5/);
    expect(() => x.scoreRows([0, 1], [0, 1, NaN, 3], { classes: 2, input: 'logits' })).toThrow(
      /row 1, column 0 is NaN/,
    );
    expect(() => x.scoreRows([0, 1], [0.5, 0.5, 1.5, 0], { classes: 2, input: 'probs' })).toThrow(RangeError);
    expect(() => x.scoreRows([0], [0, 1], { classes: 2, input: 'odds' as never })).toThrow(RangeError);
  });
});
