// xentropy itself, three ways: the wasm backend with ordinary typed arrays (each call copies its
// input into the module's scratch), the wasm backend with zero-copy arrays from `x.alloc` (filled
// before timing: the data already lives in wasm memory), and the pure-TypeScript `js` backend.

import { repeat } from '../workloads.mjs';

/** The calls of each workload, for any `x` (wasm or js) and any arrays (ordinary or alloc'd). */
function calls(x, w, d, out, extra = {}) {
  const { n, k } = w;
  switch (w.kind) {
    case 'crossEntropySingle':
      return repeat(w, d, (c) => x.crossEntropy(c.y, c.q, extra));
    case 'klDivergenceSingle':
      return repeat(w, d, (c) => x.klDivergence(c.p, c.q, extra));
    case 'entropySingle':
      return repeat(w, d, (c) => x.entropy(c.p, extra));
    case 'softmaxCrossEntropy':
      if (w.reps)
        return repeat(w, d, (c) =>
          x.softmaxCrossEntropy(c.labels, c.logits, { classes: k, reduction: 'mean', ...extra }),
        );
      return () => x.softmaxCrossEntropy(d.labels, d.logits, { classes: k, reduction: 'mean', ...extra });
    case 'entropy':
      return () => x.entropy(d.p, { classes: k, ...(out && { out }), ...extra });
    case 'crossEntropyIndex':
      return () => x.crossEntropy(d.labels, d.q, { classes: k, ...(out && { out }), ...extra });
    case 'klDivergence':
      return () => x.klDivergence(d.p, d.q, { classes: k, ...(out && { out }), ...extra });
    case 'informationContent':
      return () => x.informationContent(d.p, { ...(out && { out }), ...extra });
    case 'streamSoftmaxCrossEntropy':
      return () => {
        let total = 0;
        for (let c = 0; c < d.count; c++) {
          const chunk = d.chunks[c % d.chunks.length];
          total += x.softmaxCrossEntropy(chunk.labels, chunk.logits, { classes: k, reduction: 'sum', ...extra });
        }
        return total / n;
      };
    default:
      return null;
  }
}

const perRow = new Set(['entropy', 'crossEntropyIndex', 'klDivergence', 'informationContent']);

/** xentropy wasm or js with the caller's ordinary typed arrays (`extra`: more options, e.g. validate: false). */
export function ordinary(name, pick, extra = {}, group = 'xentropy') {
  let x;
  return {
    name,
    group,
    computes: 'f64',
    async init(ctx) {
      x = await pick(ctx.lib);
    },
    prepare(w, d) {
      const run = calls(x, w, d, null, extra);
      return run ? { run } : { na: `no call for ${w.kind}` };
    },
  };
}

/** True once a memory.grow has detached the view (it then reads as empty). */
export const isDetached = (v) => v.buffer.byteLength === 0;

/**
 * Allocates one array per request ({ Kind, length }) with x.alloc, or null where x.alloc refuses
 * the kind. A later alloc may grow memory and detach the earlier views (API: allocate everything
 * before filling), so when a round detached any, all are freed and allocated again: the freed
 * space is reused and memory no longer grows. Returns the arrays and the rounds it took.
 */
export function allocateAll(x, requests) {
  for (let round = 1; round <= 3; round++) {
    const arrays = requests.map(({ Kind, length }) => {
      try {
        return x.alloc(Kind, length);
      } catch {
        return null;
      }
    });
    const live = arrays.filter(Boolean);
    if (!live.some(isDetached)) return { arrays, rounds: round };
    for (const v of live) x.free(v);
  }
  throw new Error('x.alloc kept detaching earlier arrays after 3 rounds');
}

/** xentropy wasm with inputs (and per-row outputs) in the module's memory: x.alloc / x.free. */
export function zeroCopy(name) {
  let x;
  let reason = null;
  return {
    name,
    group: 'xentropy',
    computes: 'f64',
    async init(ctx) {
      x = await ctx.lib.load({ backend: 'wasm', simd: 'plain' });
      if (typeof x.alloc !== 'function') reason = 'x.alloc is not in this build yet';
    },
    prepare(w, d) {
      if (reason) return { na: reason };
      if (w.reps) return { na: 'W0 passes ordinary arrays, as a per-call user does' };
      // The inputs as [holder, key, source] triples (W6: every chunk of the pool), and the out array.
      const slots = [];
      let data;
      if (w.kind === 'streamSoftmaxCrossEntropy') {
        data = { ...d, chunks: d.chunks.map((c) => ({ ...c })) };
        for (const c of data.chunks) for (const key of ['logits', 'labels']) slots.push([c, key, c[key]]);
      } else {
        data = { ...d };
        for (const key of Object.keys(d)) slots.push([data, key, d[key]]);
      }
      const Out = w.dtype === 'f32' ? Float32Array : Float64Array;
      const wantOut = perRow.has(w.kind);
      const requests = slots.map(([, , src]) => ({ Kind: src.constructor, length: src.length }));
      if (wantOut) requests.push({ Kind: Out, length: w.n });
      const { arrays, rounds } = allocateAll(x, requests);
      const refused = new Set();
      slots.forEach(([holder, key, src], i) => {
        const v = arrays[i];
        if (!v) {
          if (key !== 'labels') throw new Error(`x.alloc(${src.constructor.name}) failed`);
          refused.add(src.constructor.name);
          return;
        }
        v.set(src);
        holder[key] = v;
      });
      const out = wantOut ? arrays[arrays.length - 1] : null;
      const owned = arrays.filter(Boolean);
      const note = [
        refused.size ? `labels passed as an ordinary ${[...refused].join('/')} (x.alloc refused it)` : null,
        out ? "per-row results written to an x.alloc'd `out`" : null,
        rounds > 1
          ? 'x.alloc detached earlier arrays when memory grew: allocated twice (alloc all, free all, alloc all)'
          : null,
      ].filter(Boolean);
      return {
        run: calls(x, w, data, out),
        note: note.join('; '),
        check() {
          if (owned.some(isDetached)) throw new Error('zero-copy arrays were detached (memory grew during a call)');
        },
        dispose() {
          for (const v of owned) x.free(v);
        },
      };
    },
  };
}

// 'xentropy wasm' is the SIMD build, what Node 20 runs by default; the relaxed-SIMD build (fused
// multiply-add; Chromium, Node ≥ 22) is its own row (bench/run.mjs runs Node 20 with the flag).
export const xentropyWasm = ordinary('xentropy wasm', (lib) => lib.load({ backend: 'wasm', simd: 'plain' }));
export const xentropyRelaxed = ordinary('xentropy wasm relaxed', (lib) =>
  lib.load({ backend: 'wasm', simd: 'relaxed' }),
);
export const xentropyZeroCopy = zeroCopy('xentropy wasm zero-copy');
export const xentropyJs = ordinary('xentropy js', (lib) => lib.js);
/** The wasm backend without validation: what the default's fused checks cost (target: ≤ 10 %). */
export const xentropyUnchecked = ordinary(
  'xentropy wasm, validate: false',
  (lib) => lib.load({ backend: 'wasm', simd: 'plain' }),
  { validate: false },
  'unchecked',
);
