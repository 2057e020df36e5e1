// A task module for test/pool-run.test.ts: pool.run imports it on a pool thread.
import { threadId } from 'node:worker_threads';
import { move } from '../../dist/pool/move.js';

/** The thread's id, after `ms` of busy work (so that concurrent tasks overlap). */
export function whoAmI(ms) {
  const end = Date.now() + ms;
  while (Date.now() < end);
  return threadId;
}

/** Doubles `values` into a new array; hands back the new array and the spent input, moved. */
export function doubled(values) {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = 2 * values[i];
  return move({ out, spent: values.buffer }, [out.buffer, values.buffer]);
}

/** Rejects, as a task that finds bad input does. */
export async function refuse(what) {
  throw new RangeError(`refused ${what}`);
}

/**
 * Counts this task in `shared` (an Int32Array's buffer) and waits until `n` tasks have counted,
 * at most `ms`: `n` tasks meet only if `n` threads run them at once.
 */
export function meet(shared, n, ms) {
  const count = new Int32Array(shared);
  Atomics.add(count, 0, 1);
  Atomics.notify(count, 0);
  const end = Date.now() + ms;
  for (let seen = Atomics.load(count, 0); seen < n && Date.now() < end; seen = Atomics.load(count, 0)) {
    Atomics.wait(count, 0, seen, 50);
  }
  return { thread: threadId, met: Atomics.load(count, 0) >= n };
}
