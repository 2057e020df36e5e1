// onnxruntime-node 1.30 (CPU execution provider, one intra-op and one inter-op thread — and, for
// the pool's workloads, one intra-op thread per core — all graph optimisations) on the graphs of bench/peers/onnx-models.mjs. Timed: ort.Tensor wrappers over the
// typed arrays, session.run, and the output's data. Session creation is not timed.
import os from 'node:os';
import * as models from './onnx-models.mjs';

let ort = null;

const SESSION_OPTIONS = {
  executionProviders: ['cpu'],
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  graphOptimizationLevel: 'all',
};

const f32 = (data, dims) => new ort.Tensor('float32', data, dims);
const f64 = (data, dims) => new ort.Tensor('float64', data, dims);
const i32 = (data, dims) => new ort.Tensor('int32', data, dims);

/** Model bytes, feeds and output name per workload. */
function plan(w, d) {
  const { n, k } = w;
  switch (w.kind) {
    case 'softmaxCrossEntropy':
      return {
        bytes: models.softmaxCrossEntropy('mean'),
        out: 'loss',
        feeds: () => ({ logits: f32(d.logits, [n, k]), labels: i32(d.labels, [n]) }),
        scalar: true,
      };
    case 'entropy':
      return { bytes: models.entropy(), out: 'h', feeds: () => ({ p: f64(d.p, [n, k]) }) };
    case 'crossEntropyIndex':
      return {
        bytes: models.crossEntropyIndex(),
        out: 'ce',
        feeds: () => ({ q: f32(d.q, [n, k]), labels: i32(d.labels, [n]) }),
      };
    case 'klDivergence':
      return { bytes: models.klDivergence(), out: 'kl', feeds: () => ({ p: f64(d.p, [n, k]), q: f64(d.q, [n, k]) }) };
    case 'informationContent':
      return { bytes: models.informationContent(), out: 'ic', feeds: () => ({ p: f64(d.p, [n]) }) };
    case 'streamSoftmaxCrossEntropy':
      return { bytes: models.softmaxCrossEntropy('sum'), stream: true };
    default:
      return null;
  }
}

/** onnxruntime with `intraOp` threads; `kinds`: the workloads it runs (all when absent). */
function onnxPeer(name, intraOp, kinds) {
  return {
    name,
    group: 'peer',
    computes: (w) => w.dtype,
    async init() {
      ort = (await import('onnxruntime-node')).default;
    },
    async prepare(w, d) {
      const p = plan(w, d);
      if (!p) return { na: `no ONNX graph for ${w.kind}` };
      if (kinds && !kinds.has(w.kind)) return { na: 'measured on W1a, W1b and W6 only' };
      const session = await ort.InferenceSession.create(p.bytes, { ...SESSION_OPTIONS, intraOpNumThreads: intraOp });
      const dispose = () => session.release();
      if (p.stream) {
        const rows = w.chunkRows;
        return {
          dispose,
          async run() {
            let total = 0;
            for (let c = 0; c < d.count; c++) {
              const { labels, logits } = d.chunks[c % d.chunks.length];
              const r = await session.run({ logits: f32(logits, [rows, w.k]), labels: i32(labels, [rows]) });
              total += r.loss.data[0];
            }
            return total / w.n;
          },
        };
      }
      return {
        dispose,
        async run() {
          const r = await session.run(p.feeds());
          const v = r[p.out].data;
          return p.scalar ? v[0] : v;
        },
      };
    },
  };
}

export default onnxPeer('onnxruntime', 1);
const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
/** onnxruntime with one intra-op thread per core: the multi-threaded peer of createPool. */
export const onnxThreads = onnxPeer(
  `onnxruntime, ${cores} intra-op threads`,
  cores,
  new Set(['softmaxCrossEntropy', 'streamSoftmaxCrossEntropy']),
);
