/**
 * Partial results on disk (Node only): `xentropy score --partial FILE.json` writes the exact
 * state of a pass over one shard; `xentropy merge` reads shards back and combines them.
 */
import { readFile } from 'node:fs/promises';
import { Accumulator } from '../accumulator.js';
import type { AccumulatorState, JsonNumber } from '../accumulator.js';
import { js } from '../index.js';
import { InputError, UsageError } from '../io/errors.js';
import { Output } from './output.js';

/**
 * One scoring run a partial covers: a random id given when it was scored (so the same shard
 * given twice is recognised, also inside merged partials), the input's name and size, its rows.
 */
export interface Shard {
  id: string;
  file: string;
  size?: number;
  rows: number;
  /** The shard's sum of cross-entropies as scored: with name, size and rows, it tells the same input scored twice. */
  sum?: JsonNumber;
}

/** The file: the accumulator's state, marked, with the shards it covers. */
export interface PartialFile extends AccumulatorState {
  format: 'xentropy-partial';
  /** The inputs scored, in order (row numbers of a merge count through them in this order). */
  files: string[];
  shards: Shard[];
}

/**
 * Writes a partial state, whole or not at all, to a path or an {@link Output} opened before
 * scoring (a regular file gets a temporary file renamed into place; see output.ts).
 */
export async function writePartial(to: string | Output, acc: Accumulator, shards: Shard[]): Promise<void> {
  const content: PartialFile = {
    format: 'xentropy-partial',
    ...acc.toJSON(),
    files: shards.map((s) => s.file),
    shards,
  };
  const output = typeof to === 'string' ? await Output.open(to, []) : to;
  try {
    await output.write(`${JSON.stringify(content, null, 2)}\n`);
  } catch (error) {
    await output.discard();
    throw error;
  }
  await output.commit();
}

/**
 * Reads a partial state (its accumulator merges but never scores: it uses `js`), checking every
 * field and their agreement.
 * @throws UsageError if the file cannot be read, or is a partial whose fields are wrong or
 *   contradict each other; InputError if it is not a partial state at all
 */
export async function readPartial(path: string): Promise<{ acc: Accumulator; shards: Shard[] }> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read ${path}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
  });
  let state: PartialFile;
  try {
    state = JSON.parse(text) as PartialFile;
    if (state?.format !== 'xentropy-partial') throw new TypeError('no "format": "xentropy-partial"');
  } catch (error) {
    throw new InputError(
      `${path}: not an xentropy partial result (${(error as Error).message}); write one with xentropy score --partial`,
    );
  }
  try {
    const acc = Accumulator.fromJSON(js, state);
    const shards = state.shards;
    if (!Array.isArray(shards) || shards.length === 0 || !shards.every(isShard))
      throw new TypeError('no valid list of shards (id, file, rows)');
    const covered = shards.reduce((n, s) => n + s.rows, 0);
    if (covered !== acc.result().rows)
      throw new TypeError(`its shards cover ${covered} rows, but it holds ${acc.result().rows}`);
    if (new Set(shards.map((s) => s.id)).size !== shards.length) throw new TypeError('it lists a shard twice');
    const worst = acc.result().max_cross_entropy_row;
    if (worst >= covered) throw new TypeError(`its worst row ${worst} is not one of its ${covered} rows`);
    return { acc, shards };
  } catch (error) {
    throw new UsageError(`${path}: a damaged or edited partial result: ${(error as Error).message}`);
  }
}

function isShard(s: unknown): s is Shard {
  const shard = s as Shard;
  return (
    typeof shard === 'object' &&
    shard !== null &&
    typeof shard.id === 'string' &&
    /^[0-9a-f]{16}$/.test(shard.id) &&
    typeof shard.file === 'string' &&
    Number.isSafeInteger(shard.rows) &&
    shard.rows >= 0 &&
    (shard.size === undefined || (Number.isSafeInteger(shard.size) && shard.size >= 0))
  );
}
