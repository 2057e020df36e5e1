import { isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Accumulator } from '../accumulator.js';
import type { InputKind, Scorer } from '../accumulator.js';
import { load } from '../index.js';
import type { Batch } from './batch.js';
import { locate } from './batch.js';
import { findFault } from './check.js';
import { readDelimited } from './csv.js';
import { InputError, UsageError } from './errors.js';
import { openInput } from './input.js';
import type { TextFormat } from './input.js';
import { PerRowFile } from './per-row.js';
import { BASES, formatHuman, formatJson } from './report.js';
import type { BaseName } from './report.js';

/** Scored when no file is given; the same place relative to src/cli and dist/cli. */
const EXAMPLE = fileURLToPath(new URL('../../examples/digits-logits.csv', import.meta.url));

/** The options of `xentropy score`, as commander hands them over. */
export interface ScoreOptions {
  format?: TextFormat;
  labelColumn: string;
  input?: InputKind;
  base: BaseName;
  json?: boolean;
  perRow?: string;
  /** Accepted now; the progress bar and worker threads come with the large-file readers. */
  progress: boolean;
  workers?: number;
}

/**
 * `xentropy score [FILE]`: reads the file batch by batch, checks each batch, scores it into an
 * {@link Accumulator}, writes `--per-row` rows as it goes and prints the summary at the end.
 *
 * @throws InputError (bad data, status 1) or UsageError (status 2); the `--per-row` file is
 *   then not created
 */
export async function score(file: string | undefined, options: ScoreOptions, stdout: NodeJS.WritableStream): Promise<void> {
  const source = await openInput(file ?? EXAMPLE, file ?? displayPath(EXAMPLE), options.format);
  const batches = readDelimited(source.chunks, {
    name: source.name,
    delimiter: source.format === 'tsv' ? '\t' : ',',
    labelColumn: options.labelColumn,
  });
  const perRow = options.perRow === undefined ? undefined : await PerRowFile.create(options.perRow);
  let acc: Accumulator;
  try {
    acc = await accumulate(await load(), batches, source.name, options, perRow);
    await perRow?.commit();
  } catch (error) {
    await perRow?.discard();
    throw error;
  }
  const info = { file: source.name, input: acc.input, base: options.base };
  stdout.write(options.json ? formatJson(acc.result(), info) : formatHuman(acc.result(), info));
}

async function accumulate(
  x: Scorer, batches: AsyncIterable<Batch>, name: string, options: ScoreOptions, perRow: PerRowFile | undefined,
): Promise<Accumulator> {
  let acc: Accumulator | undefined;
  for await (const batch of batches) {
    // The rows are checked here, with their lines, so the library need not check them again.
    acc ??= new Accumulator(x, {
      classes: batch.columns.length,
      input: options.input ?? inferInput(batch.columns),
      base: BASES[options.base].value,
      validate: false,
    });
    const fault = findFault(batch, acc.input);
    if (fault !== undefined) throw new InputError(`${locate(name, batch, fault.index)}: ${fault.message}`);
    const rows = acc.add(batch.labels, batch.scores, batch.firstRow);
    await perRow?.write(batch.firstRow, batch.labels, rows);
  }
  // Readers throw on an input without data rows, so there was at least one batch.
  return acc!;
}

/** `p_*` columns hold probabilities, `logit_*` columns logits; anything else needs --input. */
function inferInput(columns: readonly string[]): InputKind {
  if (columns.every((c) => c.startsWith('p_'))) return 'probs';
  if (columns.every((c) => c.startsWith('logit_'))) return 'logits';
  const shown = columns.length > 4 ? `${columns.slice(0, 4).join(', ')}, …` : columns.join(', ');
  throw new UsageError(
    `cannot tell whether the score columns (${shown}) are logits or probabilities: ` +
      'name them logit_* or p_*, or pass --input logits|probs',
  );
}

/** A path as short as it can be said from here. */
function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}
