import type { Accumulator } from '../accumulator.js';
import { UsageError } from '../io/errors.js';
import { readPartial, writePartial } from './partial.js';
import type { Shard } from './partial.js';
import { baseName, formatJson, formatHuman } from '../io/report.js';

export interface MergeOptions {
  json?: boolean;
  partial?: string;
}

/**
 * `xentropy merge A.json B.json …`: combines partial results of shards, in the order given
 * (the worst row is numbered through the shards in that order), and prints the summary as
 * `score` would have for the whole input — or, with `--partial`, writes the combined state.
 *
 * @throws UsageError for an unreadable or damaged file, partials that do not match (task,
 *   classes, names, input kind, base, bins, …) or the same shard twice; InputError for a file
 *   that is not a partial result
 */
export async function merge(paths: string[], options: MergeOptions, stdout: NodeJS.WritableStream): Promise<void> {
  let total: Accumulator | undefined;
  const shards: Shard[] = [];
  const where = new Map<string, string>();
  for (const path of paths) {
    const { acc, shards: covered } = await readPartial(path);
    for (const shard of covered) {
      const earlier = where.get(shard.id) ?? where.get(fingerprint(shard));
      if (earlier !== undefined) {
        throw new UsageError(
          `${path}: the shard ${shard.file} (${shard.rows} rows, id ${shard.id}) is already in ${earlier}: the same shard twice would count its rows twice`,
        );
      }
    }
    if (total === undefined) total = acc;
    else {
      const wrong = total.mismatch(acc);
      if (wrong !== undefined) throw new UsageError(`${path} cannot be merged with ${paths[0]}: different ${wrong}`);
      total.merge(acc, total.result().rows);
    }
    for (const shard of covered) {
      where.set(shard.id, path);
      where.set(fingerprint(shard), path);
    }
    shards.push(...covered);
  }
  if (options.partial !== undefined) {
    await writePartial(options.partial, total!, shards);
    return;
  }
  const info = { file: shards.map((s) => s.file).join(', '), input: total!.input, base: baseName(total!.base) };
  stdout.write(options.json ? formatJson(total!.result(), info) : formatHuman(total!.result(), info));
}

/**
 * The same input scored twice (two runs, two ids): the same file name, byte size, rows and
 * sum of cross-entropies (to the last bit).
 */
function fingerprint(shard: Shard): string {
  return shard.size === undefined || shard.sum === undefined || shard.rows === 0
    ? `id:${shard.id}`
    : `file:${shard.file}\0${shard.size}\0${shard.rows}\0${shard.sum}`;
}
