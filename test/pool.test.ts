/**
 * createPool in Node (worker_threads), on the build in dist/ (the threads load dist/pool/pool-worker.js):
 * every function and reduction bit-identical for 1–4 threads and equal to the synchronous API
 * (per-row values bit for bit, reductions within the accuracy bounds); errors of the first bad
 * position in late pieces with the synchronous message and nothing written into `out`; shape
 * and option errors; concurrency; shared memory from pool.alloc; both backends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rng } from './support/rng.mjs';
import { createPool, js, load } from '../dist/index.js';
import type { Pool, Xentropy } from '../dist/index.js';

const wasm = await load({ backend: 'wasm' });
/** The pool's piece size in values (src/pool/pieces.ts): inputs below span three pieces or more. */
const PIECE = 1 << 18;
const K = 5;
/** Rows of K values: two and a half pieces. */
const N = Math.floor((2.5 * PIECE) / K);
/** Elements for the elementwise functions: two and a half pieces. */
const E = Math.floor(2.5 * PIECE);

/** Calls are written once for both: a pool is called through the synchronous API's types (its results are Promises of them). */
type Call = [name: string, run: (x: Xentropy, o: Record<string, unknown>) => unknown];
const asApi = (p: Pool): Xentropy => p as unknown as Xentropy;

function inputs(seed: number) {
  const r = rng(seed) as () => number;
  const probs = new Float64Array(N * K);
  for (let i = 0; i < N; i++) {
    let s = 0;
    for (let j = 0; j < K; j++) s += probs[i * K + j] = r() + 1e-3;
    for (let j = 0; j < K; j++) probs[i * K + j] /= s;
  }
  const targets = new Float64Array(N * K);
  for (let i = 0; i < N; i++) targets[i * K + Math.floor(r() * K)] = 1;
  const logits32 = Float32Array.from({ length: N * K }, () => r() * 10 - 5);
  const logits = Float64Array.from(logits32);
  const labels = Int32Array.from({ length: N }, () => Math.floor(r() * K));
  const p = Float64Array.from({ length: E }, () => r());
  const y = Float64Array.from({ length: E }, () => (r() < 0.5 ? 0 : 1));
  const z = Float64Array.from({ length: E }, () => r() * 20 - 10);
  const rowsPlain = Array.from({ length: N }, (_, i) => Array.from(probs.subarray(i * K, (i + 1) * K)));
  const labelsPlain = Array.from(labels);
  labelsPlain[7] = -100; // ignored with ignoreIndex below
  labelsPlain[N - 3] = -100;
  return {
    probs,
    targets,
    logits32,
    logits,
    labels,
    labelsPlain,
    p,
    y,
    z,
    rowsPlain,
    pPlain: Array.from(p.subarray(0, E)),
  };
}

const d = inputs(17);
const weights = [0.5, 2, 1, 3, 0.25];

/** Every function, over several input kinds and options. */
const calls: Call[] = [
  ['informationContent f64', (x, o) => x.informationContent(d.p, { base: 2, ...o })],
  ['informationContent number[]', (x, o) => x.informationContent(d.pPlain, o)],
  ['binaryEntropy', (x, o) => x.binaryEntropy(d.p, o)],
  ['binaryCrossEntropy eps', (x, o) => x.binaryCrossEntropy(d.y, d.p, { eps: 1e-7, ...o })],
  ['sigmoidCrossEntropy posWeight', (x, o) => x.sigmoidCrossEntropy(d.y, d.z, { posWeight: 2.5, ...o })],
  ['entropy flat', (x, o) => x.entropy(d.probs, { classes: K, ...o })],
  ['entropy number[][] normalize', (x, o) => x.entropy(d.rowsPlain, { normalize: true, base: 10, ...o })],
  ['crossEntropy dense', (x, o) => x.crossEntropy(d.targets, d.probs, { classes: K, ...o })],
  [
    'crossEntropy indices, weights, ignoreIndex, smoothing',
    (x, o) =>
      x.crossEntropy(d.labelsPlain, d.probs, { classes: K, weights, ignoreIndex: -100, labelSmoothing: 0.1, ...o }),
  ],
  ['klDivergence', (x, o) => x.klDivergence(d.targets, d.probs, { classes: K, ...o })],
  ['softmaxCrossEntropy f32 indices', (x, o) => x.softmaxCrossEntropy(d.labels, d.logits32, { classes: K, ...o })],
  [
    'softmaxCrossEntropy weights, ignoreIndex',
    (x, o) => x.softmaxCrossEntropy(d.labelsPlain, d.logits, { classes: K, weights, ignoreIndex: -100, ...o }),
  ],
  [
    'softmaxCrossEntropy dense number[][]',
    (x, o) => x.softmaxCrossEntropy(d.rowsPlain, d.logits, { classes: K, ...o }),
  ],
];
const softmaxCalls: Call[] = [
  ['softmax f32', (x, o) => x.softmax(d.logits32, { classes: K, ...o })],
  ['logSoftmax f64', (x, o) => x.logSoftmax(d.logits, { classes: K, ...o })],
];

const bits = (v: unknown): string => {
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (Array.isArray(v)) return Array.isArray(v[0]) ? JSON.stringify(v) : `number[]:${bits(Float64Array.from(v))}`;
  const t = v as Float64Array;
  return `${t.constructor.name}:${Buffer.from(t.buffer, t.byteOffset, t.byteLength).toString('base64')}`;
};

describe.each([
  ['wasm', wasm],
  ['js', js],
] as const)('createPool, %s backend', (backend, sync) => {
  const pools: Pool[] = [];
  beforeAll(async () => {
    for (const threads of [1, 2, 3, 4]) pools.push(await createPool({ threads, backend }));
  });
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.close()));
  });

  it('reports its threads and backend', () => {
    expect(pools.map((p) => [p.threads, p.backend])).toEqual([1, 2, 3, 4].map((t) => [t, backend]));
  });

  it.each(calls)(
    '%s: every reduction bit-identical for 1–4 threads; per-row values as the synchronous API',
    async (_, run) => {
      for (const reduction of ['none', 'sum', 'mean'] as const) {
        const got = await Promise.all(pools.map((p) => run(asApi(p), { reduction }) as Promise<unknown>));
        const expected = run(sync, { reduction });
        for (let t = 1; t < got.length; t++) expect(bits(got[t]), `${reduction}, ${t + 1} threads`).toBe(bits(got[0]));
        if (reduction === 'none') {
          expect(bits(got[0]), 'per-row values').toBe(bits(expected));
        } else {
          const e = expected as number;
          expect(Math.abs((got[0] as number) - e), `${reduction}: ${got[0]} vs ${e}`).toBeLessThanOrEqual(
            1e-13 * Math.abs(e),
          );
        }
      }
    },
  );

  it.each(softmaxCalls)('%s: bit-identical for 1–4 threads and to the synchronous API', async (_, run) => {
    const got = await Promise.all(pools.map((p) => run(asApi(p), {}) as Promise<unknown>));
    const expected = bits(run(sync, {}));
    for (let t = 0; t < got.length; t++) expect(bits(got[t]), `${t + 1} threads`).toBe(expected);
  });

  it('softmax of number[][] gives number[][]; `out` of another kind gets the synchronous values', async () => {
    const rows = d.rowsPlain.slice(0, 60_000).map((r) => r.map((v) => Math.log(v)));
    const got = await pools[3].softmax(rows);
    expect(got).toEqual(sync.softmax(rows));
    const out = new Float64Array(N);
    const same = await pools[2].softmaxCrossEntropy(d.labels, d.logits32, { classes: K, out });
    expect(same).toBe(out);
    expect(bits(out)).toBe(
      bits(sync.softmaxCrossEntropy(d.labels, d.logits32, { classes: K, out: new Float64Array(N) })),
    );
  });

  it('single distributions and numbers: one piece, the synchronous result', async () => {
    const p = pools[3];
    expect(await p.entropy([0.5, 0.5], { base: 2 })).toBe(1);
    expect(await p.crossEntropy([0, 1, 0], [0.2, 0.7, 0.1])).toBe(sync.crossEntropy([0, 1, 0], [0.2, 0.7, 0.1]));
    expect(await p.softmaxCrossEntropy(0, [0, 0])).toBe(Math.LN2);
    expect(await p.informationContent(0.5, { base: 2 })).toBe(1);
    expect(await p.binaryCrossEntropy(1, 0)).toBe(Infinity);
    expect(await p.softmax([0, 0])).toEqual([0.5, 0.5]);
    expect(await p.entropy(new Float64Array(0), { classes: 3, reduction: 'mean' })).toBeNaN();
    expect(await p.entropy(new Float64Array(0), { classes: 3, reduction: 'sum' })).toBe(0);
  });

  it('a mean over zero counted rows is NaN; rows ignored in some pieces count for nothing', async () => {
    const labels = new Int32Array(N).fill(-1);
    labels[N - 1] = 2;
    const got = await Promise.all(
      pools.map((p) => p.softmaxCrossEntropy(labels, d.logits, { classes: K, ignoreIndex: -1, reduction: 'mean' })),
    );
    const expected = sync.softmaxCrossEntropy(labels, d.logits, {
      classes: K,
      ignoreIndex: -1,
      reduction: 'mean',
    }) as number;
    for (const g of got) expect(g).toBe(expected);
    labels[N - 1] = -1;
    expect(
      await pools[1].softmaxCrossEntropy(labels, d.logits, { classes: K, ignoreIndex: -1, reduction: 'mean' }),
    ).toBeNaN();
  });
});

/** The synchronous API's error for a call (it must throw). */
function syncError(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('the synchronous call did not throw');
}

describe('createPool: errors', () => {
  let pools: Pool[];
  beforeAll(async () => {
    pools = [await createPool({ threads: 1 }), await createPool({ threads: 4 })];
  });
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.close()));
  });

  it('the first bad position wins, in a late piece, with the synchronous message; `out` is untouched', async () => {
    const logits = d.logits.slice();
    logits[(N - 2) * K + 3] = NaN; // last piece
    logits[Math.floor(N * 0.6) * K + 1] = Infinity; // second piece: the first bad value
    const expected = syncError(() => wasm.softmaxCrossEntropy(d.labels, logits, { classes: K }));
    expect(expected.message).toContain(`row ${Math.floor(N * 0.6)}, column 1`);
    for (const p of pools) {
      const out = new Float64Array(N).fill(7);
      const e = await p.softmaxCrossEntropy(d.labels, logits, { classes: K, out }).catch((x: Error) => x);
      expect(e).toBeInstanceOf(RangeError);
      expect((e as Error).message).toBe(expected.message);
      expect(out.every((v) => v === 7)).toBe(true);
      await expect(p.softmaxCrossEntropy(d.labels, logits, { classes: K, reduction: 'mean' })).rejects.toThrow(
        expected.message,
      );
    }
  });

  it('bad class indices, non-numbers in plain arrays and bad elements: whole-input positions', async () => {
    const labels = Array.from(d.labels) as unknown[];
    labels[N - 5] = 9;
    const p = Array.from(d.p) as unknown[];
    p[E - 2] = 'x';
    const y = d.y.slice();
    y[E - 1] = -0.5;
    const cases: [string, () => unknown, (x: Xentropy) => unknown][] = [
      ['index', () => 0, (x) => x.crossEntropy(labels as number[], d.probs, { classes: K })],
      ['non-number', () => 0, (x) => x.informationContent(p as number[])],
      ['element', () => 0, (x) => x.binaryCrossEntropy(y, d.p, { reduction: 'sum' })],
    ];
    for (const [what, , run] of cases) {
      const expected = syncError(() => run(js));
      for (const pool of pools) {
        const e = (await (run(asApi(pool)) as Promise<unknown>).catch((x: Error) => x)) as Error;
        expect(e.constructor, what).toBe(expected.constructor);
        expect(e.message, what).toBe(expected.message);
      }
    }
    expect(syncError(() => js.crossEntropy(labels as number[], d.probs, { classes: K })).message).toContain(
      `target at row ${N - 5} is 9`,
    );
    expect(syncError(() => js.informationContent(p as number[])).message).toContain(`index ${E - 2} is the string "x"`);
  });

  it('per-class weights name their own index, whichever piece checks them', async () => {
    const expected = syncError(() => js.crossEntropy(d.labels, d.probs, { classes: K, weights: [1, 1, NaN, 1, 1] }));
    await expect(pools[1].crossEntropy(d.labels, d.probs, { classes: K, weights: [1, 1, NaN, 1, 1] })).rejects.toThrow(
      expected.message,
    );
    expect(expected.message).toContain('weights at index 2');
  });

  it('shape and option errors are the synchronous ones, before any piece runs', async () => {
    const p = pools[1];
    const cases: [(x: Xentropy) => unknown][] = [
      [(x) => x.entropy(d.probs, { classes: 7 })],
      [(x) => x.crossEntropy(new Float64Array(3), d.probs, { classes: K })],
      [(x) => x.softmax(d.logits, { classes: K, out: new Float64Array(3) })],
      [(x) => x.entropy(d.probs, { classes: K, reduction: 'avg' as never })],
      [(x) => x.informationContent([[0.5]] as never)],
      [(x) => x.binaryCrossEntropy(d.y, d.p.subarray(1))],
      [(x) => x.entropy('abc' as never)],
      [(x) => x.scoreRows(d.labels, d.probs, { classes: K } as never)],
    ];
    for (const [run] of cases) {
      const expected = syncError(() => run(js));
      const e = (await (run(asApi(p)) as Promise<unknown>).catch((x: Error) => x)) as Error;
      expect(e.constructor).toBe(expected.constructor);
      expect(e.message).toBe(expected.message);
    }
    await expect(p.entropy(d.probs, { classes: K, signal: 'no' as never })).rejects.toThrow(TypeError);
    await expect(p.entropy(d.probs, { classes: K, onProgress: 3 as never })).rejects.toThrow(
      /onProgress must be a function/,
    );
  });

  it('createPool checks its options', async () => {
    await expect(createPool({ threads: 0 })).rejects.toThrow(/threads must be a positive integer, got 0/);
    await expect(createPool({ threads: 1.5 })).rejects.toThrow(RangeError);
    await expect(createPool({ backend: 'gpu' as never })).rejects.toThrow(/backend must be 'wasm' or 'js'/);
  });
});

describe('createPool: memory, concurrency, abort, progress, close', () => {
  let pool: Pool;
  beforeAll(async () => {
    pool = await createPool({ threads: 3 });
  });
  afterAll(async () => {
    await pool.close();
  });

  it('pool.alloc arrays live in a SharedArrayBuffer and give the same results as ordinary arrays', async () => {
    expect(pool.shared).toBe(true);
    const logits = pool.alloc(Float32Array, N * K);
    const labels = pool.alloc(Int32Array, N);
    expect(logits.buffer).toBeInstanceOf(SharedArrayBuffer);
    logits.set(d.logits32);
    labels.set(d.labels);
    for (const reduction of ['none', 'mean'] as const) {
      expect(bits(await pool.softmaxCrossEntropy(labels, logits, { classes: K, reduction }))).toBe(
        bits(await pool.softmaxCrossEntropy(d.labels, d.logits32, { classes: K, reduction })),
      );
    }
    // Read in place: a change made after allocation is what the threads see.
    logits[0] = Infinity;
    await expect(pool.softmaxCrossEntropy(labels, logits, { classes: K })).rejects.toThrow(
      /row 0, column 0 is Infinity/,
    );
    expect(() => pool.alloc(Uint8Array as never, 3)).toThrow(TypeError);
    expect(() => pool.alloc(Float64Array, -1)).toThrow(RangeError);
  });

  it('concurrent calls each resolve to their own result', async () => {
    const runs = [
      () => pool.entropy(d.probs, { classes: K, reduction: 'mean' }),
      () => pool.softmax(d.logits32, { classes: K }),
      () => pool.binaryEntropy(d.p),
      () => pool.softmaxCrossEntropy(d.labels, d.logits, { classes: K, reduction: 'sum' }),
      () => pool.scoreRows(d.labels, d.logits, { classes: K, input: 'logits' }),
    ];
    const key = (v: unknown) => bits((v as { crossEntropy?: Float64Array }).crossEntropy ?? v);
    const alone: string[] = [];
    for (const r of runs) alone.push(key(await r()));
    const together = await Promise.all([...runs, ...runs].map((r) => r()));
    expect(together.map(key)).toEqual([...alone, ...alone]);
    const scored = await pool.scoreRows(d.labels, d.logits, { classes: K, input: 'logits' });
    const expected = wasm.scoreRows(d.labels, d.logits, { classes: K, input: 'logits' });
    expect(bits(scored.crossEntropy)).toBe(bits(expected.crossEntropy));
    expect(bits(scored.entropy)).toBe(bits(expected.entropy));
    expect(bits(scored.predicted)).toBe(bits(expected.predicted));
  });

  it('an aborted call rejects with the reason and writes nothing; the pool keeps working', async () => {
    const big = new Float64Array(24 * PIECE).fill(0.25);
    const out = new Float64Array(big.length).fill(3);
    const controller = new AbortController();
    const reason = new Error('stop');
    let progress = 0;
    const call = pool.informationContent(big, {
      out,
      signal: controller.signal,
      onProgress: (done) => {
        progress = done;
      },
    });
    setTimeout(() => controller.abort(reason), 5);
    await expect(call).rejects.toBe(reason);
    expect(progress).toBeLessThan(big.length);
    expect(out.every((v) => v === 3)).toBe(true);
    await expect(pool.informationContent(big, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(await pool.informationContent([0.5], { base: 2, signal: new AbortController().signal })).toEqual([1]);
  });

  it('onProgress reports rows, increasing, at most every 50 ms', async () => {
    const slow = await createPool({ threads: 1, backend: 'js' });
    try {
      // About 0.2 s on one js thread (more on a loaded machine): several reports.
      const big = new Float64Array(24 * PIECE).fill(0.25);
      const seen: [number, number, number][] = [];
      await slow.logSoftmax(big, {
        classes: 8,
        onProgress: (done, total) => seen.push([performance.now(), done, total]),
      });
      expect(seen.length).toBeGreaterThan(0);
      for (let i = 0; i < seen.length; i++) {
        expect(seen[i][2]).toBe(big.length / 8);
        if (i > 0) {
          expect(seen[i][1]).toBeGreaterThan(seen[i - 1][1]);
          // The pool spaces its calls by its own clock, read just before each call; this clock is
          // read inside the callback, which a loaded machine can deschedule for a few ms. Reports
          // without spacing would come every piece (~8 ms apart here).
          expect(seen[i][0] - seen[i - 1][0]).toBeGreaterThanOrEqual(40);
        }
      }
    } finally {
      await slow.close();
    }
  });

  it('calls after close() reject, and a call running at close() rejects', async () => {
    const p = await createPool({ threads: 2 });
    const running = p.informationContent(new Float64Array(20 * PIECE).fill(0.5)).then(
      () => 'resolved',
      (e: Error) => e.message,
    );
    await p.close();
    expect(await running).toBe('xentropy pool: the pool was closed while the call ran');
    await expect(p.entropy([0.5, 0.5])).rejects.toThrow('xentropy pool: the pool is closed');
    await p.close(); // a second close is harmless
  });

  it('run(): a module function on a thread, typed arrays moving back', async () => {
    const module = new URL('./child/pool-task.mjs', import.meta.url).href;
    const got = await pool.run<{ sum: number; rows: Float64Array }>(module, 'scoreSlice', [
      Float64Array.from([0.25, 0.5]),
    ]);
    expect(got.sum).toBe(3);
    expect(Array.from(got.rows)).toEqual([2, 1]);
    await expect(pool.run(module, 'missing', [])).rejects.toThrow(/exports no function missing/);
  });
});
