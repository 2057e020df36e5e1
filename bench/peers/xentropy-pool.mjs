// xentropy's createPool (one worker thread per core, wasm backend) on the softmax cross-entropy
// workloads (W1a, W1b, W6), two ways: the caller's ordinary typed arrays (each call hands them
// to the threads piece by piece, copying) and arrays from `pool.alloc` (a SharedArrayBuffer the
// threads read in place; filled before timing). W6 streams its chunks as a service would: up to
// two chunk calls per thread in flight, their 'sum's added in chunk order. Loads in Node (npm run
// bench) and in the browser bench's page (bench/browser/page.mjs), which sets the thread count.

const KINDS = new Set(['softmaxCrossEntropy', 'streamSoftmaxCrossEntropy']);
const inNode = typeof process === 'object' && typeof process.versions?.node === 'string';
const os = inNode ? await import('node:os') : null;
const threads = os
  ? typeof os.availableParallelism === 'function'
    ? os.availableParallelism()
    : os.cpus().length
  : navigator.hardwareConcurrency;

function calls(pool, w, d) {
  const { n, k } = w;
  if (w.kind === 'softmaxCrossEntropy') {
    return () => pool.softmaxCrossEntropy(d.labels, d.logits, { classes: k, reduction: 'mean' });
  }
  return async () => {
    const window = 2 * pool.threads;
    const sums = new Array(d.count);
    const running = new Set();
    for (let c = 0; c < d.count; c++) {
      const chunk = d.chunks[c % d.chunks.length];
      const p = pool.softmaxCrossEntropy(chunk.labels, chunk.logits, { classes: k, reduction: 'sum' }).then((s) => {
        sums[c] = s;
        running.delete(p);
      });
      running.add(p);
      if (running.size >= window) await Promise.race(running);
    }
    await Promise.all(running);
    let total = 0;
    for (const s of sums) total += s;
    return total / n;
  };
}

/** A pool peer: `count` threads (default one per core), ordinary or pool.alloc inputs. */
export function poolPeer(name, shared, count = threads) {
  let pool;
  return {
    name,
    group: 'xentropy',
    computes: 'f64',
    async init(ctx) {
      pool = await ctx.lib.createPool({ threads: count, backend: 'wasm' });
    },
    prepare(w, d) {
      if (!KINDS.has(w.kind) || w.reps) return { na: 'measured on W1a, W1b and W6 only' };
      let data = d;
      if (shared) {
        const place = (a) => {
          const v = pool.alloc(a.constructor, a.length);
          v.set(a);
          return v;
        };
        data =
          w.kind === 'softmaxCrossEntropy'
            ? { labels: place(d.labels), logits: place(d.logits) }
            : { ...d, chunks: d.chunks.map((c) => ({ labels: place(c.labels), logits: place(c.logits) })) };
      }
      return {
        run: calls(pool, w, data),
        note: `${pool.threads} threads${shared ? ', inputs in pool.alloc shared memory' : ''}`,
      };
    },
  };
}

export const xentropyPool = poolPeer('xentropy pool', false);
export const xentropyPoolShared = poolPeer('xentropy pool, pool.alloc', true);
export const poolThreads = threads;
