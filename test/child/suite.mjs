import { rng } from '../support/rng.mjs';

/**
 * A deterministic suite of calls covering every function (test/concurrency.test.ts runs it on the
 * main thread and in worker_threads and compares the results bit for bit). Returns a list of
 * Float64Arrays (numbers as one-element arrays, float32 results widened exactly).
 */

export function suite(x, seed) {
  const r = rng(seed);
  const results = [];
  const keep = (v) =>
    results.push(
      typeof v === 'number'
        ? Float64Array.of(v)
        : Array.isArray(v)
          ? Float64Array.from(v.flat())
          : Float64Array.from(v),
    );
  for (const [n, k] of [
    [1, 3],
    [7, 10],
    [64, 1000],
    [30_000, 20],
    [2, 300_000],
  ]) {
    const logits = Float64Array.from({ length: n * k }, () => (r() - 0.5) * 30);
    const probs = new Float64Array(n * k);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < k; j++) s += probs[i * k + j] = r();
      for (let j = 0; j < k; j++) probs[i * k + j] /= s;
    }
    const labels = Int32Array.from({ length: n }, () => Math.floor(r() * k));
    const weights = Float64Array.from({ length: k }, () => 0.5 + r());
    const o = { classes: k };
    keep(x.softmaxCrossEntropy(labels, logits, o));
    keep(x.softmaxCrossEntropy(labels, Float32Array.from(logits), o));
    keep(x.softmaxCrossEntropy(labels, logits, { ...o, weights, labelSmoothing: 0.1, reduction: 'mean' }));
    keep(x.softmaxCrossEntropy(probs, logits, { ...o, reduction: 'sum' }));
    keep(x.entropy(probs, { ...o, base: 2 }));
    keep(x.crossEntropy(labels, probs, { ...o, eps: 1e-12 }));
    keep(x.crossEntropy(probs, probs, { ...o, reduction: 'mean' }));
    keep(
      x.klDivergence(
        probs,
        probs.map((v) => v * 0.5 + 0.5 / k),
        o,
      ),
    );
    if (n * k <= 1_000_000) {
      keep(x.softmax(logits, o));
      keep(x.logSoftmax(Float32Array.from(logits), o));
    }
    keep(x.informationContent(probs, { reduction: 'sum' }));
    keep(x.binaryEntropy(probs));
    keep(
      x.binaryCrossEntropy(
        probs.map((v) => (v > 0.5 / k ? 1 : 0)),
        probs,
        { eps: 1e-7, reduction: 'mean' },
      ),
    );
    keep(x.sigmoidCrossEntropy(probs, logits, { posWeight: 3 }));
    // Zero-copy input, freed again.
    const z = x.alloc(Float64Array, n * k);
    z.set(logits);
    keep(x.softmaxCrossEntropy(labels, z, { ...o, reduction: 'mean' }));
    x.free(z);
  }
  return results;
}
