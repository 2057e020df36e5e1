/**
 * A scoring thread (piscina worker): its own wasm instance, loaded once; each task is parsed,
 * checked and scored here, and per-row results move back without a copy.
 */
import { Piscina } from 'piscina';
import { load } from '../index.js';
import { runTask } from './task.js';
import type { Outcome, Task } from './task.js';

const x = await load();

export default function score(task: Task): Outcome {
  const outcome = runTask(x, task);
  const block = outcome.perRow;
  if (block === undefined) return outcome;
  return Piscina.move(<never>{
    get [Piscina.transferableSymbol]() {
      return [block.buffer];
    },
    get [Piscina.valueSymbol]() {
      return outcome;
    },
  }) as never;
}
