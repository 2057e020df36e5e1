/**
 * Where tasks run (Node only): on the main thread and on the threads of a library pool
 * (createPool's machinery, src/pool/, running worker.ts's `score` as a task), each with its own
 * wasm instance. `--workers N` is the number of threads that score: this one and N - 1 pool
 * threads. Small inputs stay on the main thread (starting threads costs more than it
 * saves); the pool starts once an input proves large.
 *
 * Why this thread scores too: its own share of the work (reading, cutting CSV into pieces) is a
 * few percent of the whole, so a pool of one worker per core would leave it idle while the
 * workers compete with it for the cores, slower than --workers 1 on two cores. N threads score
 * on N cores, the main thread taking a task whenever the workers already have enough queued,
 * and while they start up. A second thread only helps if a core is free: when other jobs keep
 * both cores busy, 1 thread can win by its start-up and JIT warm-up (~0.3 s of CPU).
 */
import { availableParallelism } from 'node:os';
import type { Scorer } from '../accumulator.js';
import type { Pool } from '../pool/pool.js';
import { runTask, taskBuffers } from './task.js';
import type { Outcome, Task } from './task.js';

/** Bytes of input scored on the main thread before the pool starts, when --workers is not given. */
export const SMALL_INPUT = 8 << 20;

/**
 * Seconds of scoring on one thread that a pool must be able to take over before it is started
 * (when --workers is not given): starting a worker costs ~0.3 s of wall time here (its own Node
 * start-up, module loading, wasm compile, JIT warm-up), and two threads save at most half of
 * what is left. The 176 MB .npy of the bench (~0.6 s of scoring) ran 1.32 s with 2 threads
 * against 0.92 s with 1; the 390 MB CSV (~1.8 s) 1.63 s against 2.05 s.
 */
const WORTH_STARTING = 1;

/** Tasks queued per worker: one running, one waiting, so a worker never waits for this thread. */
const QUEUED = 2;

/** The task module the pool threads run (worker.ts, built next to this file). */
const TASKS = new URL('./worker.js', import.meta.url).href;

export interface Executor {
  /** Runs a task; `bytes` is its share of the input (to decide when to start threads). */
  run(task: Task, bytes: number): Promise<Outcome>;
  /**
   * Tasks worth having in flight at once. Those on this thread are done when `run` returns and
   * hold only their results, so this bounds how far this thread may run ahead of the workers.
   */
  readonly depth: number;
  close(): Promise<void>;
}

/**
 * @param x the library on this thread
 * @param size the input's bytes, if known: with it, the pool starts only if the rest of the
 *   input, at the rate measured here so far, is worth {@link WORTH_STARTING} seconds
 * @param workers `--workers`: 1 keeps everything here; N > 1 starts N - 1 worker threads at
 *   once; undefined means one thread per core (API.md), the workers started after
 *   {@link SMALL_INPUT} bytes
 */
export function executor(x: Scorer, workers: number | undefined, size?: number): Executor {
  const threads = workers ?? availableParallelism();
  const helpers = threads - 1;
  let pool: Promise<Pool> | undefined;
  let seen = 0;
  /**
   * Milliseconds per byte of the last task scored here: the rate that decides the pool (the
   * last one, since the first tasks run cold, before V8 has optimised the parser and the kernel).
   */
  let rate = 0;
  let tasksHere = 0;
  const worthStarting = () => {
    if (seen <= SMALL_INPUT) return false;
    if (size === undefined) return true;
    // Decide on a warm rate: a few tasks in, or once the threshold is well passed.
    if (tasksHere < 3 && seen <= 2 * SMALL_INPUT) return false;
    return (size - seen) * rate > WORTH_STARTING * 1000;
  };
  /** Tasks given to the pool and not settled yet. */
  let queued = 0;
  // Imported only when threads are used: it costs more to load than a small input to score.
  // The pool is lazy: a thread starts only when the ones started have their fill of tasks, so
  // never more threads than pieces; its close() lets a thread still loading its modules finish
  // (tearing one down then aborts Node: v8::Module::IsGraphAsync).
  const start = () =>
    (pool ??= import('../pool/pool.js').then(({ openPool }) => openPool({ threads: helpers, lazy: true })));
  if (helpers > 0 && workers !== undefined) start();
  const here = (task: Task, bytes: number): Promise<Outcome> => {
    try {
      const t0 = performance.now();
      const outcome = runTask(x, task);
      if (bytes > 0) rate = (performance.now() - t0) / bytes;
      tasksHere++;
      // Done with the task's buffers (runTask is synchronous): the reader may reuse them.
      return Promise.resolve({ ...outcome, recycled: taskBuffers(task) });
    } catch (error) {
      return Promise.reject(error);
    }
  };
  return {
    // Deep enough that this thread rarely waits for a slow worker (a task done here holds only
    // its results: its state, and with --per-row 32 bytes a row).
    depth: helpers > 0 ? 16 * threads : 1,
    run(task, bytes) {
      seen += bytes;
      if (
        helpers < 1 ||
        queued >= QUEUED * helpers ||
        (pool === undefined && workers === undefined && !worthStarting())
      ) {
        return here(task, bytes);
      }
      queued++;
      const outcome = start().then((p) => p.run<Outcome>(TASKS, 'score', [task], taskBuffers(task)));
      const settled = () => {
        queued--;
      };
      outcome.then(settled, settled);
      return outcome;
    },
    async close() {
      if (!pool) return;
      await (await pool).close();
    },
  };
}
