// The workloads of the speed issue: what is computed, on which inputs, and the targets.
// Each implementation (bench/peers/*.mjs) reads `kind` and the shape fields and says how it runs
// the workload, or why it cannot ('n/a').
import { distributions, labels, normals, unitInterval } from './data.mjs';

/**
 * A target: `variant`'s median must be at least `min` times faster than `against`'s
 * ('naive', 'ort' or 'best peer' = the fastest of TF.js cpu, TF.js wasm and onnxruntime).
 */
const t = (variant, min, against) => ({ variant, min, against });

/** The js backend must keep up with the naive loop on every workload. */
const JS_TARGET = t('xentropy js', 1.0, 'naive');
/** validate: true may cost at most 10 % over validate: false (calls without `out`): 1/1.1 = 0.91. */
const CHECK_TARGET = t('xentropy wasm', 0.91, 'unchecked');
/** createPool on all cores (issue 17): against the one-thread wasm call, with shared and with ordinary arrays. */
const POOL_TARGETS = [t('xentropy pool, pool.alloc', 1.5, 'single'), t('xentropy pool', 1.2, 'single')];

export const workloads = [
  {
    id: 'W1a',
    title: 'softmax cross-entropy, f32 logits 400 000 × 10, index targets, mean',
    kind: 'softmaxCrossEntropy', n: 400_000, k: 10, dtype: 'f32',
    build() {
      return { logits: normals(Float32Array, this.n * this.k, 2, 11), labels: labels(this.n, this.k, 12) };
    },
    targets: [t('xentropy wasm', 1.5, 'ort'), t('xentropy wasm', 6, 'naive'), JS_TARGET, CHECK_TARGET, ...POOL_TARGETS],
  },
  {
    id: 'W1b',
    title: 'softmax cross-entropy, f32 logits 4 000 × 1 000, index targets, mean',
    kind: 'softmaxCrossEntropy', n: 4_000, k: 1_000, dtype: 'f32',
    build() {
      return { logits: normals(Float32Array, this.n * this.k, 2, 21), labels: labels(this.n, this.k, 22) };
    },
    targets: [t('xentropy wasm', 1.2, 'ort'), t('xentropy wasm', 10, 'naive'), JS_TARGET, CHECK_TARGET, ...POOL_TARGETS],
  },
  {
    id: 'W2',
    title: 'entropy per row, f64 40 000 × 100',
    kind: 'entropy', n: 40_000, k: 100, dtype: 'f64',
    build() {
      return { p: distributions(Float64Array, this.n, this.k, 1, 31) };
    },
    targets: [t('xentropy wasm', 2, 'best peer'), JS_TARGET, CHECK_TARGET],
  },
  {
    id: 'W3',
    title: 'cross-entropy per row, f32 probabilities 1 000 000 × 10, index targets',
    kind: 'crossEntropyIndex', n: 1_000_000, k: 10, dtype: 'f32',
    build() {
      return { q: distributions(Float32Array, this.n, this.k, 1.5, 41), labels: labels(this.n, this.k, 42) };
    },
    targets: [t('xentropy wasm', 1.5, 'naive'), t('xentropy wasm zero-copy', 3, 'naive'), JS_TARGET, CHECK_TARGET],
  },
  {
    id: 'W4',
    title: 'KL divergence per row, f64 40 000 × 100',
    kind: 'klDivergence', n: 40_000, k: 100, dtype: 'f64',
    build() {
      return { p: distributions(Float64Array, this.n, this.k, 1, 51), q: distributions(Float64Array, this.n, this.k, 1, 52) };
    },
    targets: [t('xentropy wasm', 2, 'best peer'), JS_TARGET, CHECK_TARGET],
  },
  {
    id: 'W5',
    title: 'informationContent (−ln p), f64, 4 000 000 values in (0, 1]',
    kind: 'informationContent', n: 4_000_000, k: 1, dtype: 'f64',
    build() {
      return { p: unitInterval(this.n, 61) };
    },
    targets: [t('xentropy wasm', 2.5, 'naive'), JS_TARGET, CHECK_TARGET],
  },
  {
    id: 'W6',
    title: 'streamed mean: softmax cross-entropy over 10⁸ f32 logits (10⁷ rows × 10) in 100 chunks of 10⁵ rows',
    kind: 'streamSoftmaxCrossEntropy', n: 10_000_000, k: 10, dtype: 'f32',
    chunkRows: 100_000,
    /** Distinct chunks, cycled: a stream's next chunk is not the one just read (4 × 4 MB of logits). */
    pool: 4,
    build() {
      const chunks = [];
      for (let c = 0; c < this.pool; c++) {
        chunks.push({ logits: normals(Float32Array, this.chunkRows * this.k, 2, 70 + 2 * c), labels: labels(this.chunkRows, this.k, 71 + 2 * c) });
      }
      return { chunks, count: this.n / this.chunkRows };
    },
    /** Few, long iterations: one is ~1 s for the fastest implementation. */
    slow: true,
    skip: { 'TF.js cpu': 'not run: ~60 s per pass at its W1a rate (~1.7 M elements/s), over the time budget' },
    targets: [JS_TARGET, ...POOL_TARGETS],
  },
];

for (const w of workloads) w.elements = w.n * w.k;

/** Targets that are not ratios: checked by bench/sizes.mjs figures. */
export const sizeTargets = {
  wasmBytes: 64 * 1024,
  coldLoadMs: 20,
};
