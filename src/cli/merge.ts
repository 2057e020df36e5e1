import type { Accumulator } from '../accumulator.js';
import { InputError } from '../io/errors.js';
import { readPartial, writePartial } from './partial.js';
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
 * @throws UsageError for an unreadable file; InputError for a file that is not a partial result
 *   or does not match the others (classes, input kind, base)
 */
export async function merge(paths: string[], options: MergeOptions, stdout: NodeJS.WritableStream): Promise<void> {
  let total: Accumulator | undefined;
  const files: string[] = [];
  for (const path of paths) {
    const { acc, files: covered } = await readPartial(path);
    if (total === undefined) total = acc;
    else {
      if (acc.classes !== total.classes || acc.input !== total.input || acc.base !== total.base) {
        throw new InputError(
          `${path}: ${describe(acc)}, but ${paths[0]} has ${describe(total)}: they cannot be merged`,
        );
      }
      total.merge(acc, total.result().rows);
    }
    files.push(...covered);
  }
  if (options.partial !== undefined) {
    await writePartial(options.partial, total!, files);
    return;
  }
  const info = { file: files.join(', '), input: total!.input, base: baseName(total!.base) };
  stdout.write(options.json ? formatJson(total!.result(), info) : formatHuman(total!.result(), info));
}

function describe(acc: Accumulator): string {
  return `${acc.classes} classes of ${acc.input}, base ${baseName(acc.base)}`;
}
