/**
 * Partial results on disk (Node only): `xentropy score --partial FILE.json` writes the exact
 * state of a pass over one shard; `xentropy merge` reads shards back and combines them.
 */
import { readFile } from 'node:fs/promises';
import { Accumulator } from '../accumulator.js';
import type { AccumulatorState } from '../accumulator.js';
import { js } from '../index.js';
import { InputError, UsageError } from '../io/errors.js';
import { Output } from './output.js';

/** The file: the accumulator's state, marked, with the inputs it covers. */
export interface PartialFile extends AccumulatorState {
  format: 'xentropy-partial';
  /** The inputs scored, in order (row numbers of a merge count through them in this order). */
  files: string[];
}

/**
 * Writes a partial state, whole or not at all, to a path or an {@link Output} opened before
 * scoring (a regular file gets a temporary file renamed into place; see output.ts).
 */
export async function writePartial(to: string | Output, acc: Accumulator, files: string[]): Promise<void> {
  const content: PartialFile = { format: 'xentropy-partial', ...acc.toJSON(), files };
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
 * Reads a partial state (its accumulator merges but never scores: it uses `js`).
 * @throws UsageError if the file cannot be read; InputError if it is not a partial state
 */
export async function readPartial(path: string): Promise<{ acc: Accumulator; files: string[] }> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read ${path}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
  });
  try {
    const state = JSON.parse(text) as PartialFile;
    if (state?.format !== 'xentropy-partial') throw new TypeError('no "format": "xentropy-partial"');
    const files = Array.isArray(state.files) ? state.files.map(String) : [path];
    return { acc: Accumulator.fromJSON(js, state), files };
  } catch (error) {
    throw new InputError(
      `${path}: not an xentropy partial result (${(error as Error).message}); write one with xentropy score --partial`,
    );
  }
}
