/**
 * Concurrency: many load() calls share one compiled module (and a failed compile is retried);
 * instances in worker_threads give results bit-identical to each other and to the main thread; an
 * exception in the middle of a batch — a bad value chunks in, a user error thrown from a getter, a
 * call re-entering from a getter, alloc/free from a getter — leaves the instance answering the next
 * call bit for bit as before.
 */
import { Worker } from 'node:worker_threads';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { js } from '../src/index.js';
import type { Xentropy } from '../src/index.js';
import { wasm } from './helpers.js';
// @ts-expect-error: plain ESM shared with the workers
import { suite } from './child/suite.mjs';

/** The build the workers load (dist/, built by `npm test`'s pretest; XENTROPY_LIB overrides). */
const lib = process.env.XENTROPY_LIB ?? fileURLToPath(new URL('../dist/index.js', import.meta.url));
const apis: [string, Xentropy][] = [
  ['js', js],
  ['wasm', wasm],
];

const bytes = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
function expectBitIdentical(a: Float64Array[], b: Float64Array[], what: string): void {
  expect(a.length, `${what}: number of results`).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    if (!bytes(a[i]).equals(bytes(b[i]))) {
      const j = a[i].findIndex((v, m) => !Object.is(v, b[i][m]));
      expect.fail(`${what}: result ${i} differs at [${j}]: ${a[i][j]} vs ${b[i][j]}`);
    }
  }
}

describe('load(): one compiled module', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('100 concurrent load() calls compile and instantiate once and return one instance', async () => {
    const compile = vi.spyOn(WebAssembly, 'compile');
    const instantiate = vi.spyOn(WebAssembly, 'instantiate');
    vi.resetModules();
    const { load } = await import('../src/load.js');
    const all = await Promise.all(
      Array.from({ length: 100 }, (_, i) => load(i % 3 === 0 ? { backend: 'wasm' } : undefined)),
    );
    expect(new Set(all).size).toBe(1);
    expect(all[0].backend).toBe('wasm');
    expect(await load()).toBe(all[0]);
    expect(compile).toHaveBeenCalledTimes(1);
    expect(instantiate).toHaveBeenCalledTimes(1);
  });

  it('a failed compile fails every waiting load({ backend: "wasm" }), load() falls back to js, and the next load() retries', async () => {
    const compile = vi.spyOn(WebAssembly, 'compile').mockRejectedValueOnce(new Error('compile failed (test)'));
    vi.resetModules();
    const { load } = await import('../src/load.js');
    const waiting = await Promise.allSettled(Array.from({ length: 10 }, () => load({ backend: 'wasm' })));
    expect(waiting.every((s) => s.status === 'rejected' && /compile failed/.test(String(s.reason)))).toBe(true);
    expect(compile).toHaveBeenCalledTimes(1);
    const retried = await Promise.all([load(), load({ backend: 'wasm' })]);
    expect(retried.map((x) => x.backend)).toEqual(['wasm', 'wasm']);
    expect(retried[0]).toBe(retried[1]);
    expect(compile).toHaveBeenCalledTimes(2);
  });
});

describe('worker_threads: bit-identical results', () => {
  /** Runs the suite in `count` workers at once, `rounds` times each. */
  function workers(
    count: number,
    backend: string,
    rounds: number,
  ): Promise<{ backend: string; rounds: Float64Array[][] }[]> {
    return Promise.all(
      Array.from(
        { length: count },
        () =>
          new Promise<{ backend: string; rounds: Float64Array[][] }>((resolve, reject) => {
            const w = new Worker(new URL('./child/worker.mjs', import.meta.url), {
              workerData: { lib, backend, seed: 42, rounds },
            });
            w.once('message', (m) => {
              resolve(m);
              void w.terminate();
            });
            w.once('error', reject);
          }),
      ),
    );
  }

  it.each(['wasm', 'js'])(
    '%s: 4 workers × 2 rounds, concurrently, equal the main thread bit for bit',
    async (backend) => {
      const { js: mainJs, load } = await import(pathToFileURL(lib).href);
      const main: Xentropy = backend === 'js' ? mainJs : await load({ backend: 'wasm' });
      const pending = workers(4, backend, 2);
      const expected: Float64Array[] = suite(main, 42); // the main thread computes while the workers do
      const results = await pending;
      for (const [i, r] of results.entries()) {
        expect(r.backend).toBe(backend);
        for (const [j, round] of r.rounds.entries()) expectBitIdentical(round, expected, `worker ${i} round ${j}`);
      }
    },
  );
});

describe.each(apis)('%s backend: an exception mid-batch leaves the instance consistent', (_name, x) => {
  const k = 10;
  const n = 70_000; // several chunks on both backends
  const logits = Float64Array.from({ length: n * k }, (_, i) => Math.sin(i) * 5);
  const labels = Int32Array.from({ length: n }, (_, i) => (i * 3) % k);
  const rows = Array.from({ length: 2_000 }, (_, i) => Array.from(logits.subarray(i * k, (i + 1) * k)));
  const rowLabels = Array.from(labels.subarray(0, rows.length));
  /** Results of a fixed set of calls, taken before the failures and compared after each. */
  const snapshot = () => [
    x.softmaxCrossEntropy(labels, logits, { classes: k }) as Float64Array,
    Float64Array.of(x.softmaxCrossEntropy(labels, logits, { classes: k, reduction: 'mean' }) as number),
    Float64Array.from(x.softmaxCrossEntropy(rowLabels, rows) as number[]),
    Float64Array.of(
      x.entropy(x.softmax(logits, { classes: k }) as Float64Array, { classes: k, reduction: 'sum' }) as number,
    ),
  ];
  const before = snapshot();

  /** Rows whose row `at` is a Proxy running `onRead` when column 3 is read. */
  function trapped(at: number, onRead: () => void): number[][] {
    const copy = rows.slice();
    copy[at] = new Proxy(rows[at], {
      get: (t, p) => {
        if (p === '3') onRead();
        return Reflect.get(t, p);
      },
    });
    return copy;
  }

  it('a NaN chunks into the batch: RangeError naming it, out untouched, the next calls bit-identical', () => {
    const bad = logits.slice();
    bad[61_234 * k + 5] = NaN;
    const out = new Float64Array(n).fill(-1);
    expect(() => x.softmaxCrossEntropy(labels, bad, { classes: k, out })).toThrow(/row 61234, column 5 is NaN/);
    expect(out.every((v) => v === -1)).toBe(true);
    expectBitIdentical(snapshot(), before, 'after a RangeError');
  });

  it('a user error thrown from a getter mid-copy propagates as itself, and the next calls are bit-identical', () => {
    const boom = new Error('getter failed (test)');
    const out = new Float64Array(rows.length).fill(-1);
    let thrown: unknown;
    try {
      x.softmaxCrossEntropy(
        rowLabels,
        trapped(1_500, () => {
          throw boom;
        }),
        { out },
      );
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBe(boom);
    expect(out.every((v) => v === -1)).toBe(true);
    expectBitIdentical(snapshot(), before, 'after a user error');
  });

  it('a call re-entering from a getter is refused (TypeError), so it cannot overwrite the staged batch', () => {
    expect(() =>
      x.softmaxCrossEntropy(
        rowLabels,
        trapped(1_500, () => x.entropy([0.5, 0.5])),
        { reduction: 'sum' },
      ),
    ).toThrow(/entropy: called while another xentropy call is running/);
    // The same refusal when the getter swallows it: the outer call then completes, with the right value.
    const swallowed = x.softmaxCrossEntropy(
      rowLabels,
      trapped(1_500, () => {
        try {
          x.entropy([0.5, 0.5]);
        } catch {
          /* refused */
        }
      }),
      { reduction: 'sum' },
    );
    expect(swallowed).toBe(x.softmaxCrossEntropy(rowLabels, rows, { reduction: 'sum' }));
    expectBitIdentical(snapshot(), before, 'after a re-entrant call');
  });

  it('alloc and free from a getter are refused during a call; the array stays live', () => {
    const a = x.alloc(Float64Array, 1_000);
    const memory = x.memoryBytes;
    expect(() =>
      x.softmaxCrossEntropy(
        rowLabels,
        trapped(10, () => x.alloc(Float64Array, 5_000_000)),
      ),
    ).toThrow(/alloc: called while/);
    expect(() =>
      x.softmaxCrossEntropy(
        rowLabels,
        trapped(10, () => x.free(a)),
      ),
    ).toThrow(/free: called while/);
    expect(x.memoryBytes).toBe(memory);
    x.free(a); // still live: freed once, here
    expect(() => x.free(a)).toThrow(/not a live array/);
    expectBitIdentical(snapshot(), before, 'after refused alloc/free');
  });

  it('200 async tasks interleaving calls on one instance get the sequential results', async () => {
    const task = async (i: number) => {
      await new Promise((r) => setTimeout(r, i % 7));
      const v = x.softmaxCrossEntropy(labels.subarray(0, 1000 + i), logits.subarray(0, (1000 + i) * k), {
        classes: k,
        reduction: 'mean',
      });
      await Promise.resolve();
      return v;
    };
    const concurrent = await Promise.all(Array.from({ length: 200 }, (_, i) => task(i)));
    const sequential = Array.from({ length: 200 }, (_, i) =>
      x.softmaxCrossEntropy(labels.subarray(0, 1000 + i), logits.subarray(0, (1000 + i) * k), {
        classes: k,
        reduction: 'mean',
      }),
    );
    expect(concurrent).toEqual(sequential);
  });
});
