/**
 * An input that changes while a call reads it (issue 11, item 16): a SharedArrayBuffer written by
 * another thread, or a getter that answers differently on a second read. The kernel flags what it
 * read; if validation then finds nothing at that place, the call says the input changed while it
 * was read (never "cannot locate (a bug)", never a number), and writes nothing into `out`.
 */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { backends } from './helpers.js';

/** A worker that flips slot `at` of a shared Float64Array between NaN and `valid` until stop[0] is set. */
const FLIPPER = `
const { workerData } = require('node:worker_threads');
const values = new Float64Array(workerData.values);
const stop = new Int32Array(workerData.stop);
const at = workerData.at;
const valid = workerData.valid;
Atomics.store(stop, 1, 1); // started
while (Atomics.load(stop, 0) === 0) {
  for (let i = 0; i < 200; i++) { values[at] = NaN; values[at] = valid; }
}
`;

describe.each(backends)('%s backend: inputs changing during a call', (_name, x) => {
  it('a getter that is invalid when copied and valid when checked: the input changed while it was read', () => {
    // Plain arrays are copied once (the kernel's view) and read again by validation.
    let reads = 0;
    const p: number[] = [0.5, 0.5, 0.25, 0.25];
    Object.defineProperty(p, 2, { get: () => (reads++ === 0 ? NaN : 0.25), enumerable: true });
    const out = new Float64Array(2).fill(42);
    expect(() => x.entropy(p, { classes: 2, out })).toThrow(/entropy: an input changed while it was read: rows 0–1/);
    expect(Array.from(out)).toEqual([42, 42]);
    expect(x.entropy([0.5, 0.5])).toBeCloseTo(Math.LN2, 15);
  });

  it('a SharedArrayBuffer written by another thread: a located error or "changed while it was read", never a bug', async () => {
    const k = 8;
    const n = 40_000;
    const sab = new SharedArrayBuffer(n * k * 8);
    const q = new Float64Array(sab).fill(1 / k);
    const at = (n - 3) * k + 5; // in the last rows, read last
    const stop = new Int32Array(new SharedArrayBuffer(8));
    const worker = new Worker(FLIPPER, {
      eval: true,
      workerData: { values: sab, stop: stop.buffer, at, valid: 1 / k },
    });
    try {
      while (Atomics.load(stop, 1) === 0) await new Promise((r) => setTimeout(r, 1));
      const seen = { ok: 0, located: 0, changed: 0 };
      const labels = new Int32Array(n);
      const out = new Float64Array(n).fill(-1);
      const deadline = Date.now() + 1500;
      for (let i = 0; i < 400 && Date.now() < deadline; i++) {
        try {
          const r =
            i % 2 ? x.entropy(q, { classes: k, reduction: 'mean' }) : x.crossEntropy(labels, q, { classes: k, out });
          // A call that passed read no NaN: its value is the uniform row's.
          if (typeof r === 'number') expect(r).toBeCloseTo(Math.log(k), 12);
          seen.ok++;
        } catch (e) {
          const message = (e as Error).message;
          expect(message).not.toMatch(/a bug/);
          if (e instanceof RangeError) {
            expect(message).toMatch(new RegExp(`row ${n - 3}, column 5 is NaN`));
            seen.located++;
          } else {
            expect(message).toMatch(/an input changed while it was read/);
            seen.changed++;
          }
          if (i % 2 === 0) expect(out.every((v) => v === -1 || v === Math.log(k))).toBe(true);
        }
      }
      // Every call ended in one of the three outcomes (which ones depends on the timing).
      console.log(
        `${x.backend}: calls passed ${seen.ok}, bad value located ${seen.located}, changed while read ${seen.changed}`,
      );
      expect(seen.ok + seen.located + seen.changed).toBeGreaterThan(0);
    } finally {
      Atomics.store(stop, 0, 1);
      await worker.terminate();
    }
  });
});
