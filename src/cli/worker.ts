/**
 * The command line's scoring task on a pool thread (`pool.run` imports this module there): the
 * thread's own instance of the library, loaded once; each task is parsed, checked and scored
 * here, and its per-row results and spent input buffers move back without a copy.
 */
import type { Xentropy } from '../api.js';
import { load } from '../load.js';
import { move } from '../pool/move.js';
import { runTask, taskBuffers } from './task.js';
import type { Outcome, Task } from './task.js';

let library: Promise<Xentropy> | undefined;

/**
 * Fault injection for test/cli-faults.test.ts: with XENTROPY_FAULT_WORKER_EXIT_AT=N a thread
 * exits abruptly on its N-th task, as a crashed thread would. Unset in normal use.
 */
const exitAt = Number(process.env.XENTROPY_FAULT_WORKER_EXIT_AT ?? 0);
let tasks = 0;

/** Scores one task (the export `pool.run` names). */
export async function score(task: Task): Promise<Outcome> {
  if (exitAt > 0 && ++tasks === exitAt) process.exit(70);
  const outcome = runTask(await (library ??= load()), task);
  // The task's buffers go back with the outcome, for the reader to fill again.
  const recycled = taskBuffers(task);
  outcome.recycled = recycled;
  return move(outcome, outcome.perRow ? [...recycled, outcome.perRow.buffer as ArrayBuffer] : recycled);
}
