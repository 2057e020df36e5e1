/**
 * Where tasks run (Node only): on the main thread, or on worker threads through piscina, each
 * with its own wasm instance. Small inputs stay on the main thread (starting threads costs more
 * than it saves); the pool starts once an input proves large.
 */
import { availableParallelism } from 'node:os';
import type { Piscina } from 'piscina';
import type { Scorer } from '../accumulator.js';
import { runTask } from './task.js';
import type { Outcome, Task } from './task.js';

/** Bytes of input scored on the main thread before the pool starts, when --workers is not given. */
export const SMALL_INPUT = 8 << 20;

export interface Executor {
  /** Runs a task; `bytes` is its share of the input (to decide when to start threads). */
  run(task: Task, bytes: number): Promise<Outcome>;
  /** Tasks worth having in flight at once (bounds memory while keeping threads busy). */
  readonly depth: number;
  close(): Promise<void>;
}

/**
 * @param x the library on this thread
 * @param workers `--workers`: 1 keeps everything here; more starts that many threads at once;
 *   undefined starts one per core after {@link SMALL_INPUT} bytes
 */
export function executor(x: Scorer, workers: number | undefined): Executor {
  const threads = workers ?? availableParallelism();
  let pool: Promise<Piscina> | undefined;
  let seen = 0;
  // Imported only when threads are used: it costs more to load than a small input to score.
  const start = () => (pool ??= import('piscina').then(({ Piscina }) => new Piscina({
    filename: new URL('./worker.js', import.meta.url).href,
    minThreads: threads,
    maxThreads: threads,
  })));
  if (workers !== undefined && workers > 1) start();
  return {
    depth: threads > 1 ? 2 * threads + 1 : 1,
    run(task, bytes) {
      seen += bytes;
      if (pool === undefined && (threads <= 1 || (workers === undefined && seen <= SMALL_INPUT))) {
        try {
          return Promise.resolve(runTask(x, task));
        } catch (error) {
          return Promise.reject(error);
        }
      }
      return start().then((p) => p.run(task, { transferList: transfers(task) }) as Promise<Outcome>);
    },
    async close() {
      if (pool) await (await pool).destroy();
    },
  };
}

/**
 * The buffers a task gives away (the readers make each piece's buffers for it alone; a Node
 * Buffer may share its memory with others and is copied instead).
 */
function transfers(task: Task): ArrayBuffer[] {
  const arrays = task.kind === 'csv' ? [task.bytes] : [task.labels, task.scores];
  return [...new Set(arrays.filter((a) => !(a instanceof Buffer) && a.buffer instanceof ArrayBuffer).map((a) => a.buffer as ArrayBuffer))];
}
