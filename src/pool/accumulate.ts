/**
 * A built-in pool task (`pool.run('xentropy:accumulate', 'accumulate', …)`): rows of a batch added
 * to a fresh {@link Accumulator} on a pool thread, returned as its exact state and the rows'
 * per-row results, for the caller to merge in row order (the evaluation page scores large files
 * this way on every core). Built in, rather than a module named by URL, so that it loads from
 * the library's own files under any bundler.
 */
import { Accumulator } from '../accumulator.js';
import type { AccumulatorState, RowResults, Scorer } from '../accumulator.js';
import { move } from './move.js';

export interface Accumulated {
  state: AccumulatorState;
  results: RowResults;
}

/**
 * @param x the thread's library
 * @param blank the state of an accumulator with no rows and the caller's options
 * @param rest `add`'s arguments after the scores: the row offset (0: the caller offsets on merge)
 *   and any per-row extras (weights, targets), already cut to these rows
 */
export function accumulate(
  x: Scorer,
  blank: AccumulatorState,
  labels: Float64Array | Int32Array,
  scores: Float64Array | Float32Array,
  ...rest: unknown[]
): Accumulated {
  const acc = Accumulator.fromJSON(x, blank);
  const results = (acc.add as (...a: unknown[]) => RowResults)(labels, scores, 0, ...rest);
  const transfer: Transferable[] = [];
  for (const v of Object.values(results)) {
    if (ArrayBuffer.isView(v) && v.buffer instanceof ArrayBuffer && !transfer.includes(v.buffer))
      transfer.push(v.buffer);
  }
  return move({ state: acc.toJSON(), results }, transfer);
}
