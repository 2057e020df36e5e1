/**
 * pool.run, the pool's generic task (the command line's scoring threads use it): a module's
 * export run on a thread, buffers moved both ways, errors passed back; and the lazy pool of the
 * command line, which starts a thread only when the ones started have their fill of work.
 */
import { describe, expect, it } from 'vitest';
import { Accumulator, createPool, load } from '../dist/index.js';
import { openPool } from '../dist/pool/pool.js';

const TASK = new URL('./support/pool-task.mjs', import.meta.url).href;

describe('pool.run', () => {
  it('runs an export on a thread; buffers listed move (detached here), a move()d result comes back whole', async () => {
    const pool = await createPool({ threads: 2 });
    try {
      const values = Float64Array.from({ length: 1000 }, (_, i) => i / 7);
      const expected = values.map((v) => 2 * v);
      const r = await pool.run<{ out: Float64Array; spent: ArrayBuffer }>(TASK, 'doubled', [values], [values.buffer]);
      expect(values.byteLength).toBe(0);
      expect(r.out).toEqual(expected);
      expect(r.spent.byteLength).toBe(8000);
    } finally {
      await pool.close();
    }
  });

  it('an export that throws rejects with its error; a missing export is named', async () => {
    const pool = await createPool({ threads: 1 });
    try {
      await expect(pool.run(TASK, 'refuse', ['this'])).rejects.toThrow(new RangeError('refused this'));
      await expect(pool.run(TASK, 'absent', [])).rejects.toThrow(/exports no function absent/);
      await expect(pool.run(TASK, 'whoAmI', [0])).resolves.toBeGreaterThan(0);
    } finally {
      await pool.close();
    }
    await expect(pool.run(TASK, 'whoAmI', [0])).rejects.toThrow(/closed/);
  });
});

describe("the built-in task 'xentropy:accumulate' (the page's scoring on every core)", () => {
  it('adds rows to a fresh accumulator on a thread: the same state and per-row results as here', async () => {
    const x = await load({ backend: 'wasm' });
    const k = 4;
    const n = 5000;
    const labels = Int32Array.from({ length: n }, (_, i) => (i * 7) % k);
    const scores = Float64Array.from({ length: n * k }, (_, i) => Math.sin(i * 1.7) * 3);
    const here = new Accumulator(x, { classes: k, input: 'logits', base: 2, validate: false });
    const blank = here.toJSON();
    const rows = here.add(labels, scores, 0);
    const pool = await createPool({ threads: 1, backend: 'wasm' });
    try {
      const r = await pool.run<{ state: unknown; results: typeof rows }>('xentropy:accumulate', 'accumulate', [
        blank,
        labels,
        scores,
      ]);
      expect(r.state).toEqual(here.toJSON());
      expect(r.results.crossEntropy).toEqual(rows.crossEntropy);
      expect(r.results.entropy).toEqual(rows.entropy);
      expect(r.results.predicted).toEqual(rows.predicted);
    } finally {
      await pool.close();
    }
  });
});

describe('the lazy pool (openPool({ lazy: true }))', () => {
  it('one thread for work one thread can hold; more only while work waits, up to threads', async () => {
    const pool = await openPool({ threads: 8, lazy: true });
    try {
      // Sequential tasks: one thread holds them all.
      const ids = new Set<number>();
      for (let i = 0; i < 4; i++) ids.add(await pool.run<number>(TASK, 'whoAmI', [0]));
      expect(ids.size).toBe(1);
      // Four tasks at once that return only when two of them run at the same time: the pool
      // must grow past the one thread (which holds two of them), and never beyond 8.
      const shared = new SharedArrayBuffer(4);
      const met = await Promise.all(
        Array.from({ length: 4 }, () => pool.run<{ thread: number; met: boolean }>(TASK, 'meet', [shared, 2, 20_000])),
      );
      expect(met.every((m) => m.met)).toBe(true);
      const threads = new Set(met.map((m) => m.thread));
      expect(threads.size).toBeGreaterThan(1);
      expect(threads.size).toBeLessThanOrEqual(8);
    } finally {
      await pool.close();
    }
  });

  it('computes library calls as the eager pool does', async () => {
    const pool = await openPool({ threads: 2, lazy: true });
    try {
      expect(await pool.entropy([0.5, 0.25, 0.25], { base: 2 })).toBe(1.5);
    } finally {
      await pool.close();
    }
  });
});
