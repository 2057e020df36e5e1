// TensorFlow.js 4.22 with its cpu and wasm backends. Timed: tensors made from the typed arrays,
// the ops, dataSync() back to JS, disposal. TF.js has no float64 dtype, so the f64 workloads are
// 'n/a' (computing them in float32 would not be the same workload).
//
// Node: the wasm backend's Emscripten glue reads its .wasm with fs when given a file-path prefix
// (setWasmPaths(dir + '/')); without SharedArrayBuffer workers Node gets the SIMD, single-thread
// binary (WASM_HAS_MULTITHREAD_SUPPORT is false), and setThreadsCount(1) pins XNNPACK to one thread.
import { createRequire } from 'node:module';
import path from 'node:path';

let tf = null;
let initError = null;

async function loadTf(benchDir) {
  if (tf || initError) return;
  try {
    const require = createRequire(path.join(benchDir, 'package.json'));
    tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-cpu');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const dir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
    wasm.setWasmPaths(path.join(dir, 'dist') + path.sep);
    wasm.setThreadsCount(1);
    for (const name of ['cpu', 'wasm']) {
      if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend('${name}') failed`);
    }
    // The cpu backend prints a "use tfjs-node" hint on its first tensor: have it now, silenced.
    await tf.setBackend('cpu');
    const warn = console.warn;
    console.warn = () => {};
    try {
      tf.tensor1d([0]).dispose();
    } finally {
      console.warn = warn;
    }
  } catch (e) {
    initError = e;
  }
}

/** The per-workload graphs; each returns the one tensor to read back (the others are tidied). */
function graph(backend, w, d) {
  const { n, k } = w;
  switch (w.kind) {
    case 'softmaxCrossEntropy':
      // tf.losses' default reduction (SUM_BY_NONZERO_WEIGHTS, no weights) is Σ/n: the mean.
      return () =>
        tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(d.labels, 'int32'), k), tf.tensor2d(d.logits, [n, k]));
    case 'crossEntropyIndex':
      // -log q[i, y_i]. cpu: a batched gather picks each row's target probability. wasm: its batched
      // gather fails ('memory access out of bounds', 4.22.0), and Σ_j q·onehot(y) (exact: the other
      // terms are +0) is its fastest exact form (faster than a flat gather at i·k + y_i).
      return backend === 'cpu'
        ? () =>
            tf.reshape(
              tf.neg(tf.log(tf.gather(tf.tensor2d(d.q, [n, k]), tf.tensor2d(d.labels, [n, 1], 'int32'), 1, 1))),
              [n],
            )
        : () =>
            tf.neg(tf.log(tf.sum(tf.mul(tf.tensor2d(d.q, [n, k]), tf.oneHot(tf.tensor1d(d.labels, 'int32'), k)), 1)));
    default:
      return null;
  }
}

export function tfjs(backend) {
  return {
    name: `TF.js ${backend}`,
    group: 'peer',
    computes: 'f32',
    async init(ctx) {
      await loadTf(ctx.benchDir);
      if (initError) throw initError;
    },
    prepare(w, d) {
      if (w.dtype === 'f64') return { na: 'TF.js has no float64 dtype' };
      const before = async () => {
        await tf.setBackend(backend);
      };
      if (w.kind === 'streamSoftmaxCrossEntropy') {
        const k = w.k;
        const rows = w.chunkRows;
        return {
          before,
          run() {
            let total = 0;
            for (let c = 0; c < d.count; c++) {
              const { labels, logits } = d.chunks[c % d.chunks.length];
              const t = tf.tidy(() =>
                tf.losses.softmaxCrossEntropy(
                  tf.oneHot(tf.tensor1d(labels, 'int32'), k),
                  tf.tensor2d(logits, [rows, k]),
                  undefined,
                  0,
                  tf.Reduction.SUM,
                ),
              );
              total += t.dataSync()[0];
              t.dispose();
            }
            return total / w.n;
          },
        };
      }
      const make = graph(backend, w, d);
      if (!make) return { na: `no TF.js graph for ${w.kind}` };
      return {
        before,
        run() {
          const t = tf.tidy(make);
          const v = t.dataSync();
          t.dispose();
          return w.kind === 'softmaxCrossEntropy' ? v[0] : v;
        },
      };
    },
  };
}

export const tfjsCpu = tfjs('cpu');
export const tfjsWasm = tfjs('wasm');
