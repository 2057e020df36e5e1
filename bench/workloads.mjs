// The workloads of the speed issue: what is computed, on which inputs, and the targets.
// Each implementation (bench/peers/*.mjs) reads `kind` and the shape fields and says how it runs
// the workload, or why it cannot ('n/a').
import { distributions, labels, normals, unitInterval } from './data.mjs';

/**
 * A target: `variant`'s median must be at least `min` times faster than `against`'s
 * ('naive', 'ort' or 'best peer' = the fastest of TF.js cpu, TF.js wasm and onnxruntime).
 */
const t = (variant, min, against, note) => ({ variant, min, against, ...(note && { note }) });

/** The js backend must keep up with the naive loop on every workload. */
const JS_TARGET = t('xentropy js', 1.0, 'naive');
/** validate: true may cost at most 10 % over validate: false (calls without `out`): 1/1.1 = 0.91. */
const CHECK_TARGET = t('xentropy wasm', 0.91, 'unchecked');
/** createPool on all cores (issue 17): against the one-thread wasm call, with shared and with ordinary arrays. */
const POOL_TARGETS = [t('xentropy pool, pool.alloc', 1.5, 'single'), t('xentropy pool', 1.2, 'single')];

/**
 * W0, per-call cost: `reps` calls per timed sample, each on the next of a few distinct inputs (so
 * no loop sees one value over and over); a sample's result is the sum of its calls' results.
 */
export function repeat(w, d, one) {
  const { reps } = w;
  const cases = d.cases;
  return () => {
    let s = 0;
    for (let r = 0; r < reps; r++) s += one(cases[r % cases.length]);
    return s;
  };
}

/** W0 runs only these (every other implementation is 'n/a' with `skipReason`). */
const W0_SKIP = {
  runs: ['naive JS', 'xentropy wasm', 'xentropy wasm relaxed', 'xentropy wasm, validate: false', 'xentropy js'],
  reason: 'not run: W0 measures the per-call cost against the loop a user writes',
};
/** Distinct inputs cycled through by each W0 sample. */
const W0_CASES = 16;

/** W0 targets: both backends within `times`× the loop's time (a ratio ≥ 1/times). */
const within = (times) =>
  ['xentropy wasm', 'xentropy js'].map((v) => t(v, 1 / times, 'naive', `within ${times}× the loop's time`));

/** W0 softmax cross-entropy over a float32 batch of `n` rows × 10 (index targets, mean). */
function w0Batch(n, reps, targets) {
  return {
    id: `W0-sce${n}`,
    title: `per call: softmaxCrossEntropy, f32 logits ${n} × 10, index targets, mean`,
    kind: 'softmaxCrossEntropy',
    n,
    k: 10,
    dtype: 'f32',
    reps,
    runsOnly: W0_SKIP,
    build() {
      return {
        cases: Array.from({ length: W0_CASES }, (_, c) => ({
          logits: normals(Float32Array, n * 10, 2, 1000 + 2 * c),
          labels: labels(n, 10, 1001 + 2 * c),
        })),
      };
    },
    targets,
  };
}

export const workloads = [
  {
    id: 'W0-ce',
    title: 'per call: crossEntropy(y, q), a class index and 3 probabilities (number[])',
    kind: 'crossEntropySingle',
    n: 1,
    k: 3,
    dtype: 'f64',
    reps: 1000,
    runsOnly: W0_SKIP,
    build() {
      return {
        cases: Array.from({ length: W0_CASES }, (_, c) => ({
          y: c % 3,
          q: Array.from(distributions(Float64Array, 1, 3, 1, 900 + c)),
        })),
      };
    },
    targets: within(3),
  },
  {
    id: 'W0-kl',
    title: 'per call: klDivergence(p, q), two distributions of 3 (number[])',
    kind: 'klDivergenceSingle',
    n: 1,
    k: 3,
    dtype: 'f64',
    reps: 1000,
    runsOnly: W0_SKIP,
    build() {
      return {
        cases: Array.from({ length: W0_CASES }, (_, c) => ({
          p: Array.from(distributions(Float64Array, 1, 3, 1, 920 + c)),
          q: Array.from(distributions(Float64Array, 1, 3, 1, 940 + c)),
        })),
      };
    },
    targets: within(3),
  },
  {
    id: 'W0-h',
    title: 'per call: entropy(p), one distribution of 10 (number[])',
    kind: 'entropySingle',
    n: 1,
    k: 10,
    dtype: 'f64',
    reps: 1000,
    runsOnly: W0_SKIP,
    build() {
      return {
        cases: Array.from({ length: W0_CASES }, (_, c) => ({
          p: Array.from(distributions(Float64Array, 1, 10, 1, 960 + c)),
        })),
      };
    },
    targets: within(3),
  },
  w0Batch(1, 1000, within(1.5)),
  w0Batch(8, 400, [t('xentropy wasm', 1.5, 'naive'), t('xentropy js', 1, 'naive')]),
  w0Batch(32, 200, [t('xentropy wasm', 4, 'naive'), t('xentropy js', 1, 'naive')]),
  w0Batch(256, 40, [t('xentropy wasm', 7, 'naive'), t('xentropy js', 1, 'naive')]),
  {
    id: 'W1a',
    title: 'softmax cross-entropy, f32 logits 400 000 × 10, index targets, mean',
    kind: 'softmaxCrossEntropy',
    n: 400_000,
    k: 10,
    dtype: 'f32',
    build() {
      return { logits: normals(Float32Array, this.n * this.k, 2, 11), labels: labels(this.n, this.k, 12) };
    },
    targets: [t('xentropy wasm', 2, 'ort'), t('xentropy wasm', 6, 'naive'), JS_TARGET, CHECK_TARGET, ...POOL_TARGETS],
  },
  {
    id: 'W1b',
    title: 'softmax cross-entropy, f32 logits 4 000 × 1 000, index targets, mean',
    kind: 'softmaxCrossEntropy',
    n: 4_000,
    k: 1_000,
    dtype: 'f32',
    build() {
      return { logits: normals(Float32Array, this.n * this.k, 2, 21), labels: labels(this.n, this.k, 22) };
    },
    targets: [
      t('xentropy wasm', 1, 'ort'),
      t('xentropy wasm zero-copy', 1.2, 'ort'),
      t('xentropy wasm', 10, 'naive'),
      JS_TARGET,
      CHECK_TARGET,
      ...POOL_TARGETS,
    ],
  },
  {
    id: 'W2',
    title: 'entropy per row, f64 40 000 × 100',
    kind: 'entropy',
    n: 40_000,
    k: 100,
    dtype: 'f64',
    build() {
      return { p: distributions(Float64Array, this.n, this.k, 1, 31) };
    },
    targets: [t('xentropy wasm', 1.8, 'best peer'), JS_TARGET, CHECK_TARGET],
  },
  {
    id: 'W3',
    title: 'cross-entropy per row, f32 probabilities 1 000 000 × 10, index targets',
    kind: 'crossEntropyIndex',
    n: 1_000_000,
    k: 10,
    dtype: 'f32',
    build() {
      return { q: distributions(Float32Array, this.n, this.k, 1.5, 41), labels: labels(this.n, this.k, 42) };
    },
    targets: [t('xentropy wasm', 1.3, 'naive'), t('xentropy wasm zero-copy', 3, 'naive'), JS_TARGET, CHECK_TARGET],
  },
  {
    id: 'W4',
    title: 'KL divergence per row, f64 40 000 × 100',
    kind: 'klDivergence',
    n: 40_000,
    k: 100,
    dtype: 'f64',
    build() {
      return {
        p: distributions(Float64Array, this.n, this.k, 1, 51),
        q: distributions(Float64Array, this.n, this.k, 1, 52),
      };
    },
    targets: [t('xentropy wasm', 1.8, 'best peer'), JS_TARGET, CHECK_TARGET],
  },
  {
    id: 'W5',
    title: 'informationContent (−ln p), f64, 4 000 000 values in (0, 1]',
    kind: 'informationContent',
    n: 4_000_000,
    k: 1,
    dtype: 'f64',
    build() {
      return { p: unitInterval(this.n, 61) };
    },
    targets: [t('xentropy wasm', 2.5, 'naive'), JS_TARGET, CHECK_TARGET],
  },
  {
    id: 'W6',
    title: 'streamed mean: softmax cross-entropy over 10⁸ f32 logits (10⁷ rows × 10) in 100 chunks of 10⁵ rows',
    kind: 'streamSoftmaxCrossEntropy',
    n: 10_000_000,
    k: 10,
    dtype: 'f32',
    chunkRows: 100_000,
    /** Distinct chunks, cycled: a stream's next chunk is not the one just read (4 × 4 MB of logits). */
    pool: 4,
    build() {
      const chunks = [];
      for (let c = 0; c < this.pool; c++) {
        chunks.push({
          logits: normals(Float32Array, this.chunkRows * this.k, 2, 70 + 2 * c),
          labels: labels(this.chunkRows, this.k, 71 + 2 * c),
        });
      }
      return { chunks, count: this.n / this.chunkRows };
    },
    /** Few, long iterations: one is ~1 s for the fastest implementation. */
    slow: true,
    skip: { 'TF.js cpu': 'not run: ~60 s per pass at its W1a rate (~1.7 M elements/s), over the time budget' },
    targets: [JS_TARGET, ...POOL_TARGETS],
  },
];

for (const w of workloads) w.elements = w.n * w.k * (w.reps ?? 1);

/** Targets that are not ratios: checked by bench/sizes.mjs figures. */
export const sizeTargets = {
  wasmBytes: 64 * 1024,
  coldLoadMs: 20,
};
