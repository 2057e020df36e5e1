/**
 * A scoring thread (piscina worker): its own wasm instance, loaded once; each task is parsed,
 * checked and scored here, and per-row results move back without a copy.
 */
import { Piscina } from 'piscina';
import { load } from '../index.js';
import { runTask, taskBuffers } from './task.js';
import type { Outcome, Task } from './task.js';

import { parentPort, threadId } from 'node:worker_threads';

const x = await load();

/**
 * Fault injection for test/cli-faults.test.ts: with XENTROPY_FAULT_WORKER_EXIT_AT=N a worker
 * thread exits abruptly on its N-th task, as a crashed worker would. Unset in normal use.
 */
const exitAt = Number(process.env.XENTROPY_FAULT_WORKER_EXIT_AT ?? 0);
let tasks = 0;

export default function score(task: Task): Outcome {
  if (exitAt > 0 && ++tasks === exitAt) process.exit(70);
  const outcome = runTask(x, task);
  // The task's buffers go back with the outcome (moved, not copied), for the reader to refill.
  const recycled = taskBuffers(task);
  outcome.recycled = recycled;
  const moved = outcome.perRow ? [...recycled, outcome.perRow.buffer as ArrayBuffer] : recycled;
  return Piscina.move(<never>{
    get [Piscina.transferableSymbol]() {
      return moved;
    },
    get [Piscina.valueSymbol]() {
      return outcome;
    },
  }) as never;
}

// Loaded: the pool may now end this thread safely (see pool.ts close()).
parentPort?.postMessage({ xentropyWorkerLoaded: threadId });
