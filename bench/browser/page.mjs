// The in-page half of `npm run bench:browser` (bench/browser/run.mjs drives it with Playwright):
// builds a workload's inputs (the same seeded generators as the Node bench), prepares one
// implementation, checks nothing itself (results go back to Node), and times it.
//
// Implementations: the naive loop, xentropy (relaxed-SIMD build, SIMD build, js), onnxruntime-web
// (wasm backend; this page's thread count comes from ?threads=) and TF.js's wasm backend (1 thread).
import { workloads } from '/bench/workloads.mjs';
import naive from '/bench/peers/naive.mjs';
import { ordinary } from '/bench/peers/xentropy.mjs';
import { poolPeer } from '/bench/peers/xentropy-pool.mjs';
import * as ort from '/bench/node_modules/onnxruntime-web/dist/ort.wasm.min.mjs';

const threads = Number(new URLSearchParams(location.search).get('threads') ?? 1);
const lib = await import('/dist/index.js');

ort.env.wasm.wasmPaths = '/bench/node_modules/onnxruntime-web/dist/';
ort.env.wasm.numThreads = threads;
ort.env.wasm.proxy = false;

const tf = globalThis.tf;
let tfReady = null;
async function initTf() {
  tf.wasm.setWasmPaths('/bench/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
  tf.wasm.setThreadsCount(1);
  if (!(await tf.setBackend('wasm'))) throw new Error("tf.setBackend('wasm') failed");
}

/** onnxruntime-web on the Node bench's graphs (bench/peers/onnx-models.mjs, served by run.mjs). */
const onnxWeb = {
  name: `onnxruntime-web ${threads} thread${threads > 1 ? 's' : ''}`,
  async prepare(w, d) {
    if (w.reps) return { na: 'W0 compares with the hand-written loop' };
    const stream = w.kind === 'streamSoftmaxCrossEntropy';
    if (w.kind !== 'softmaxCrossEntropy' && !stream) return { na: `no graph for ${w.kind}` };
    const model = `/models/softmaxCrossEntropy-${stream ? 'sum' : 'mean'}.onnx`;
    const bytes = new Uint8Array(await (await fetch(model)).arrayBuffer());
    const session = await ort.InferenceSession.create(bytes, {
      executionProviders: ['wasm'],
      graphOptimizationLevel: 'all',
    });
    const { n, k } = w;
    if (stream) {
      // W6 as the Node bench streams it: one session.run per chunk, the 'sum's added in order.
      const rows = w.chunkRows;
      return {
        dispose: () => session.release(),
        async run() {
          let total = 0;
          for (let c = 0; c < d.count; c++) {
            const { labels, logits } = d.chunks[c % d.chunks.length];
            const r = await session.run({
              logits: new ort.Tensor('float32', logits, [rows, k]),
              labels: new ort.Tensor('int32', labels, [rows]),
            });
            total += r.loss.data[0];
          }
          return total / n;
        },
      };
    }
    return {
      dispose: () => session.release(),
      async run() {
        const r = await session.run({
          logits: new ort.Tensor('float32', d.logits, [n, k]),
          labels: new ort.Tensor('int32', d.labels, [n]),
        });
        return r.loss.data[0];
      },
    };
  },
};

/** TF.js wasm backend, one thread (the Node bench's graph). */
const tfjsWasm = {
  name: 'TF.js wasm',
  async prepare(w, d) {
    if (w.reps) return { na: 'W0 compares with the hand-written loop' };
    if (w.kind !== 'softmaxCrossEntropy') return { na: 'not run on W6 (a streamed mean over 100 chunks)' };
    tfReady ??= initTf();
    await tfReady;
    const { n, k } = w;
    const make = () =>
      tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(d.labels, 'int32'), k), tf.tensor2d(d.logits, [n, k]));
    return {
      run() {
        const t = tf.tidy(make);
        const v = t.dataSync()[0];
        t.dispose();
        return v;
      },
    };
  },
};

const xentropy = {
  relaxed: ordinary('xentropy wasm relaxed', (l) => l.load({ backend: 'wasm', simd: 'relaxed' })),
  plain: ordinary('xentropy wasm plain', (l) => l.load({ backend: 'wasm', simd: 'plain' })),
  js: ordinary('xentropy js', (l) => l.js),
};
for (const x of Object.values(xentropy)) await x.init({ lib });
// createPool on 2 threads (onnxruntime-web's thread count on the second page), W1a, W1b and W6.
const pools = {
  ordinary: poolPeer('xentropy pool', false, 2),
  shared: poolPeer('xentropy pool, pool.alloc', true, 2),
};
for (const x of Object.values(pools)) await x.init({ lib });

const impls = {
  naive,
  'xentropy wasm relaxed': xentropy.relaxed,
  'xentropy wasm plain': xentropy.plain,
  'xentropy js': xentropy.js,
  'xentropy pool': pools.ordinary,
  'xentropy pool, pool.alloc': pools.shared,
  [onnxWeb.name]: onnxWeb,
  'TF.js wasm': tfjsWasm,
};

let current = null; // { id, data }
const prepared = new Map();

/** Builds a workload's inputs (once per workload), with `reps` overridden for the browser's coarser clock. */
function workload(id, reps) {
  const w = workloads.find((x) => x.id === id);
  if (!w) throw new Error(`no workload ${id}`);
  const wb = reps ? { ...w, reps } : w;
  if (current?.id !== id) {
    for (const p of prepared.values()) p.dispose?.();
    prepared.clear();
    current = { id, w: wb, data: w.build() };
  }
  return current;
}

globalThis.bench = {
  info: () => ({
    threads,
    crossOriginIsolated: globalThis.crossOriginIsolated,
    userAgent: navigator.userAgent,
    ort: ort.env.versions?.web ?? '',
    tf: tf.version_core,
    simd: null,
  }),
  /** Prepares `impl` on workload `id` and runs it once: { result, ms } or { na } or { error }. */
  async prepare(id, impl, reps) {
    const { w, data } = workload(id, reps);
    try {
      const p = await impls[impl].prepare(w, data);
      if (p.na) return { na: p.na };
      prepared.set(impl, p);
      const t0 = performance.now();
      const result = await p.run();
      return { result, ms: performance.now() - t0 };
    } catch (e) {
      return { error: String(e?.message ?? e) };
    }
  },
  /** Times a prepared implementation: a short warm-up, then samples until minMs and minSamples are both reached. */
  async time(impl, { minMs = 400, minSamples = 5, warmMs = 100, warmRuns = 2 } = {}) {
    const p = prepared.get(impl);
    let sink = 0;
    const one = async () => {
      const t0 = performance.now();
      const r = p.run();
      sink += r instanceof Promise ? await r : r;
      return performance.now() - t0;
    };
    for (let t = performance.now(), i = 0; i < warmRuns || performance.now() - t < warmMs; i++) await one();
    const samples = [];
    const start = performance.now();
    while (samples.length < minSamples || (performance.now() - start < minMs && samples.length < 5000))
      samples.push(await one());
    return { samples, sink };
  },
};
document.title = 'ready';
