/**
 * Child process of test/memory.test.ts (run with --expose-gc): 10^6 calls of mixed sizes on both
 * backends — every function, plain/typed/row inputs, options, `out`, calls that throw, batches
 * spanning several chunks, rows longer than the wasm scratch — then 10^6 alloc/free cycles.
 * Prints one JSON line per checkpoint: calls, wasm linear memory, js scratch, RSS, V8 heap.
 *
 *   node --expose-gc test/child/memory-soak.mjs [calls] [allocCycles]
 *   XENTROPY_LIB=/path/to/index.js …   (default: the built package, dist/index.js)
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { rng } from '../support/rng.mjs';

const lib = process.env.XENTROPY_LIB ?? fileURLToPath(new URL('../../dist/index.js', import.meta.url));
const { js, load } = await import(pathToFileURL(lib).href);
const wasm = await load({ backend: 'wasm' });
const CALLS = Number(process.argv[2] ?? 1_000_000);
const CYCLES = Number(process.argv[3] ?? 1_000_000);
const CHECKPOINTS = 10;

const r = rng(20261125);
const int = (lo, hi) => lo + Math.floor(r() * (hi - lo + 1));

/** A pool of inputs per size class, built once (the soak measures the library, not the generator). */
function makeInput(n, k) {
  const probs = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < k; j++) s += probs[i * k + j] = r() + 1e-3;
    for (let j = 0; j < k; j++) probs[i * k + j] /= s;
  }
  const logits = Float64Array.from({ length: n * k }, () => (r() - 0.5) * 20);
  const labels = Int32Array.from({ length: n }, () => int(0, k - 1));
  const y = Float64Array.from({ length: n * k }, () => (r() < 0.5 ? 0 : 1));
  return {
    n,
    k,
    probs,
    logits,
    labels,
    y,
    probs32: Float32Array.from(probs),
    logits32: Float32Array.from(logits),
    probRows: Array.from({ length: n }, (_, i) => Array.from(probs.subarray(i * k, (i + 1) * k))),
    logitRows: Array.from({ length: n }, (_, i) => Array.from(logits.subarray(i * k, (i + 1) * k))),
    labelList: Array.from(labels),
    weights: Array.from({ length: k }, () => 0.5 + r()),
  };
}
const tiny = Array.from({ length: 64 }, () => makeInput(int(0, 8), int(1, 16)));
const medium = Array.from({ length: 16 }, () => makeInput(int(1, 64), int(2, 64)));
const large = [makeInput(300, 1000), makeInput(30_000, 10)]; // 300 000 values: more than one wasm chunk (2^18)
const long = makeInput(1, 300_000); // one row longer than the wasm scratch: runs on the js kernels

const REDUCTIONS = ['none', 'sum', 'mean'];
/** One call of some function on input d; every twelfth throws (a bad value, a bad shape or a non-number). */
function call(x, d, i) {
  const reduction = REDUCTIONS[i % 3];
  const opts = { classes: d.k, reduction, ...(i % 7 === 0 ? { base: 2 } : {}) };
  const out = reduction === 'none' && i % 5 === 0 ? new Float64Array(d.n) : undefined;
  if (out) opts.out = out;
  switch (i % 12) {
    case 0:
      return x.entropy(d.probs, opts);
    case 1:
      return x.crossEntropy(d.labels, d.probs32, { ...opts, eps: 1e-12 });
    case 2:
      return x.klDivergence(d.probRows, d.probRows, { ...opts, classes: undefined });
    case 3:
      return x.softmaxCrossEntropy(d.labels, d.logits, { ...opts, weights: d.weights, labelSmoothing: 0.1 });
    case 4:
      return x.softmaxCrossEntropy(d.labels, d.logits32, opts);
    case 5:
      return x.softmax(i % 2 ? d.logitRows : d.logits, { classes: i % 2 ? undefined : d.k });
    case 6:
      return x.logSoftmax(d.logits32, { classes: d.k });
    case 7:
      return x.informationContent(d.probs, { reduction });
    case 8:
      return x.binaryCrossEntropy(d.y, d.probs, { reduction });
    case 9:
      return x.sigmoidCrossEntropy(d.y, d.logits, { reduction, posWeight: 2 });
    case 10:
      return x.crossEntropy(d.labelList, d.probRows, { reduction, ignoreIndex: 0 });
    default: {
      // Calls that throw, from every stage: a bad value late in the batch, a bad shape, a non-number element.
      const kind = i % 36;
      try {
        if (kind < 12)
          x.softmaxCrossEntropy(
            d.labels,
            Float64Array.from(d.logits, (v, j) => (j === d.logits.length - 1 ? NaN : v)),
            { classes: d.k },
          );
        else if (kind < 24) x.softmaxCrossEntropy(Int32Array.from({ length: d.n + 1 }), d.logits, { classes: d.k });
        else x.crossEntropy([...d.labelList.slice(0, -1), null], d.probRows);
      } catch (e) {
        if (!(e instanceof RangeError || e instanceof TypeError)) throw e;
        return e;
      }
      return d.n === 0 && kind >= 24 ? null : 'no error';
    }
  }
}

function snapshot(calls) {
  globalThis.gc();
  globalThis.gc();
  const m = process.memoryUsage();
  return {
    calls,
    wasmBytes: wasm.memoryBytes,
    jsScratchBytes: js.memoryBytes,
    rss: m.rss,
    heapUsed: m.heapUsed,
    arrayBuffers: m.arrayBuffers,
  };
}

const emit = (phase, s) => console.log(JSON.stringify({ phase, ...s }));

// Phase 1: 10^6 calls, alternating backends.
const start = Date.now();
// Warm-up: every input class once on both backends, so scratch of both backends is at its largest.
for (const d of [...large, long, ...medium]) for (const x of [wasm, js]) for (let i = 0; i < 12; i++) call(x, d, i);
emit('calls', snapshot(0));
let unexpected = 0;
for (let i = 1; i <= CALLS; i++) {
  const x = i & 1 ? wasm : js;
  const u = r();
  const d = u < 0.95 ? tiny[i & 63] : u < 0.9997 ? medium[i & 15] : u < 0.99998 ? large[i & 1] : long;
  if (call(x, d, i) === 'no error') unexpected++;
  if (i % (CALLS / CHECKPOINTS) === 0) emit('calls', snapshot(i));
}
const callSeconds = (Date.now() - start) / 1000;

// Phase 2: 10^6 alloc/free cycles of mixed types and sizes (the largest first, so the heap has grown once).
const types = [Float64Array, Float32Array, Int32Array];
for (const x of [wasm, js]) x.free(x.alloc(Float64Array, 200_000));
emit('alloc', snapshot(0));
const t2 = Date.now();
for (let i = 1; i <= CYCLES; i++) {
  const x = i & 1 ? wasm : js;
  const a = x.alloc(types[i % 3], 1 + ((i * 7919) % (i % 100 === 0 ? 200_000 : 2_000)));
  a[0] = 1;
  if (i % 3 === 0) {
    const b = x.alloc(Float64Array, 1 + (i % 513));
    x.free(a);
    x.free(b);
  } else {
    x.free(a);
  }
  if (i % (CYCLES / CHECKPOINTS) === 0) emit('alloc', snapshot(i));
}
console.log(JSON.stringify({ phase: 'done', callSeconds, allocSeconds: (Date.now() - t2) / 1000, unexpected }));
