import { Bench } from 'tinybench';
import { js, load } from 'xentropy';
import type { InputKind, Xentropy } from 'xentropy';
import type { BenchReport, BenchRow } from './protocol.js';
import type { RowStore } from './rows.js';

/**
 * Times one pass over the loaded rows, computing the mean cross-entropy three ways: the wasm
 * backend, the js backend, and a plain JavaScript loop as one would write it by hand. tinybench
 * repeats each pass and gives the median; the ratios are to wasm.
 */
export async function benchmark(store: RowStore, input: InputKind, base: number): Promise<BenchReport> {
  const wasm = await load({ backend: 'wasm' });
  const k = store.classes;
  const n = store.scoreRows;
  const labels = store.labels.subarray(0, n);
  const scores = store.scores.subarray(0, n * k);
  // Rows were checked while reading; validation would be work the naive loop does not do.
  const opts = { classes: k, base, reduction: 'mean', validate: false } as const;
  const library = (x: Xentropy) => () =>
    (input === 'logits' ? x.softmaxCrossEntropy(labels, scores, opts) : x.crossEntropy(labels, scores, opts)) as number;
  const passes: Array<[BenchRow['name'], string, () => number]> = [
    ['wasm', 'xentropy, wasm backend', library(wasm)],
    ['js', 'xentropy, js backend', library(js)],
    ['naive', 'naive JS loop', () => naiveMean(labels, scores, k, input, base)],
  ];
  const means = new Map<string, number>();
  const repeats = new Map<string, number>();
  // A few samples suffice for a ratio; a time budget keeps large files from taking long. The
  // warm-up gives the browser time to tier the wasm up to its optimizing compiler.
  const bench = new Bench({ time: 300, iterations: 5, warmupTime: 200, warmupIterations: 2 });
  for (const [name, , pass] of passes) {
    const r = passesPerSample(pass);
    repeats.set(name, r);
    bench.add(name, () => {
      let mean = 0;
      for (let i = 0; i < r; i++) mean = pass();
      means.set(name, mean);
    });
  }
  await bench.run();
  const perPass = (name: string) => {
    const result = bench.getTask(name)!.result;
    if (result.state !== 'completed')
      throw new Error(`benchmark ${name}: ${result.state === 'errored' ? result.error.message : result.state}`);
    return { ms: result.latency.p50 / repeats.get(name)!, samples: result.latency.samplesCount * repeats.get(name)! };
  };
  const wasmMs = perPass('wasm').ms;
  const results = passes.map(([name, label]): BenchRow => {
    const { ms, samples } = perPass(name);
    return {
      name,
      label,
      medianMs: ms,
      samples,
      rowsPerSecond: n / (ms / 1000),
      mean: means.get(name)!,
      ratio: ms / wasmMs,
    };
  });
  return { rows: store.rows, classes: k, rowsUsed: n, results };
}

/**
 * Passes per timed sample, so that a sample lasts about 20 ms: a page's clock ticks in steps of
 * 0.1 ms or coarser (less precise without cross-origin isolation), longer than one pass over a
 * small file.
 */
function passesPerSample(pass: () => number): number {
  for (let r = 1; ; ) {
    const start = performance.now();
    for (let i = 0; i < r; i++) pass();
    const ms = performance.now() - start;
    if (ms >= 20 || r >= 1 << 20) return r;
    r = ms > 0.5 ? Math.ceil((r * 25) / ms) : r * 10;
  }
}

/** The textbook loop: log-sum-exp per row (shifted by the row's maximum), plain summation. */
function naiveMean(
  labels: Int32Array,
  scores: Float64Array | Float32Array,
  k: number,
  input: InputKind,
  base: number,
): number {
  let total = 0;
  for (let i = 0; i < labels.length; i++) {
    const row = i * k;
    if (input === 'probs') {
      total -= Math.log(scores[row + labels[i]]);
      continue;
    }
    let max = -Infinity;
    for (let c = 0; c < k; c++) max = Math.max(max, scores[row + c]);
    let sum = 0;
    for (let c = 0; c < k; c++) sum += Math.exp(scores[row + c] - max);
    total += Math.log(sum) + max - scores[row + labels[i]];
  }
  return total / labels.length / Math.log(base);
}
