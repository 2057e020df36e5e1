/** A task module for test/pool.test.ts's pool.run(): runs on a pool thread. */
import { js } from '../../dist/index.js';

/** -log2 of each probability, and their sum. */
export function scoreSlice(p) {
  const rows = js.informationContent(p, { base: 2 });
  return { sum: rows[0] + rows[1], rows };
}

/** Keeps a thread busy for `ms` milliseconds (a stand-in for CPU-bound work that needs no messages). */
export function spin(ms) {
  const end = performance.now() + ms;
  let x = 0;
  while (performance.now() < end) x += Math.sqrt(x + 1);
  return x > 0;
}
