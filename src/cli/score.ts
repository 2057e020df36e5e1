import { randomBytes } from 'node:crypto';
import { isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Accumulator, jsonNumber } from '../accumulator.js';
import type { InputKind } from '../accumulator.js';
import { js, load } from '../index.js';
import { inferInput, isScoreName, TASKS } from '../io/columns.js';
import type { Layout, Task as TaskKind } from '../io/columns.js';
import { InputError, UsageError } from '../io/errors.js';
import { RecordTooLong, openSource } from './input.js';
import type { Source } from './input.js';
import type { Format } from '../io/format.js';
import { writePartial } from './partial.js';
import { PerRowFile } from './per-row.js';
import { Output, OutputError, identities } from './output.js';
import { executor } from './pool.js';
import type { Executor } from './pool.js';
import { progress } from './progress.js';
import type { Progress } from './progress.js';
import { BASES, formatHuman, formatJson } from '../io/report.js';
import type { BaseName } from '../io/report.js';
import type { Outcome, Settings, Task } from './task.js';

/** Scored when no file is given; the same place relative to src/cli and dist/cli. */
const EXAMPLE = fileURLToPath(new URL('../../examples/digits-logits.csv', import.meta.url));

/** The options of `xentropy score`, as commander hands them over. */
export interface ScoreOptions {
  format?: Format;
  labelColumn: string;
  labels?: string;
  input?: InputKind;
  base: BaseName;
  json?: boolean;
  perRow?: string;
  partial?: string;
  progress: boolean;
  /** Nothing but errors (and the JSON, with --json). */
  quiet?: boolean;
  workers?: number;
  task?: TaskKind;
  positive?: string;
  threshold?: number;
  weightColumn?: string;
  bins?: number;
  topK?: number;
  perClass?: boolean;
  confusion?: boolean;
}

/**
 * `xentropy score [FILE]`: streams the input in pieces, checks and scores each piece (on worker
 * threads for large inputs), merges the pieces' exact partial sums in input order, writes
 * `--per-row` rows as they come, and prints the summary (or writes the `--partial` state).
 *
 * @throws InputError (bad data, status 1), UsageError (status 2) or OutputError; the
 *   `--per-row` and `--partial` targets are then left as they were
 */
export async function score(
  file: string | undefined,
  options: ScoreOptions,
  stdout: NodeJS.WritableStream,
): Promise<void> {
  const name = file ?? displayPath(EXAMPLE);
  try {
    await scoreFile(file, name, options, stdout);
  } catch (error) {
    throw named(error, name);
  }
}

/**
 * An error as the one line the user sees: ours pass through; an engine error (out of memory, a
 * TypeError from a bug) names the file and says what happened, without the engine's own text.
 */
function named(error: unknown, name: string): unknown {
  if (error instanceof InputError || error instanceof UsageError || error instanceof OutputError) return error;
  if (
    error instanceof RangeError &&
    /allocation failed|Invalid array length|Invalid typed array length/i.test(error.message)
  ) {
    return new InputError(`${name}: not enough memory to read it (a row or block larger than memory allows?)`);
  }
  if (error instanceof Error && error.constructor === Error) {
    // A library's own message (a reader's): kept, naming the file.
    return error.message.startsWith(`${name}:`) ? error : new Error(`${name}: ${error.message}`);
  }
  const what = error instanceof Error ? error.name : typeof error;
  return new Error(
    `${name}: could not be read: an internal error (${what}); please report it with the input that caused it`,
  );
}

async function scoreFile(
  file: string | undefined,
  name: string,
  options: ScoreOptions,
  stdout: NodeJS.WritableStream,
): Promise<void> {
  if (options.task !== undefined && !TASKS.includes(options.task)) {
    throw new UsageError(`--task must be binary, multiclass or multilabel, not ${options.task}`);
  }
  if (options.perRow === '-' && (options.json || options.partial === '-')) {
    throw new UsageError(
      `--per-row - writes the rows to stdout: ${options.json ? '--json' : '--partial -'} cannot go there too (send one of them to a file)`,
    );
  }
  const inputs = await identities([file ?? EXAMPLE, options.labels]);
  const source = await openSource(file ?? EXAMPLE, name, options);
  // The outputs are opened before any row is scored: an unwritable target, or one that is an
  // input, fails at once.
  let perRow: PerRowFile | undefined;
  let partial: Output | undefined;
  let settings: Settings;
  let names: { classes: string[]; perRow: boolean };
  try {
    perRow = options.perRow === undefined ? undefined : await PerRowFile.create(options.perRow, inputs);
    partial = options.partial === undefined ? undefined : await Output.open(options.partial, inputs);
    ({ settings, names } = runSettings(source, options));
    // Parquet's label and predicted columns hold positions: names other than the positions are refused.
    const positional = names.classes.every((c, i) => c === String(i));
    await perRow?.begin(settings.layout.task, settings.layout.task === 'multiclass' && names.perRow && !positional);
  } catch (error) {
    await perRow?.discard();
    await partial?.discard();
    await source.close();
    throw error;
  }
  let acc: Accumulator;
  try {
    const bar = await progress(options.progress && !options.quiet, source.size);
    const run = executor(await load(), options.workers, source.size);
    try {
      acc = await scoreAll(source, settings, run, perRow, bar, names.perRow);
    } finally {
      bar.stop();
      await run.close();
    }
    await perRow?.commit();
  } catch (error) {
    await perRow?.discard();
    await partial?.discard();
    throw error;
  }
  if (partial !== undefined) {
    const { rows, sum_cross_entropy: sum } = acc.result();
    await writePartial(partial, acc, [
      { id: randomBytes(8).toString('hex'), file: name, size: source.size, rows, sum: jsonNumber(sum) },
    ]);
    return;
  }
  const info = { file: name, input: settings.input, base: options.base };
  if (options.json) stdout.write(formatJson(acc.result(), info));
  else if (!options.quiet) (perRow?.toStdout ? process.stderr : stdout).write(formatHuman(acc.result(), info));
}

/**
 * What every piece of the run shares, from the input's columns and the options: the layout
 * (task, classes, weight), input kind, base and the accumulator's figures.
 * @throws UsageError for options that do not fit the input (--top-k on a binary file)
 */
function runSettings(
  source: Source,
  options: ScoreOptions,
): { settings: Settings; names: { classes: string[]; perRow: boolean } } {
  const layout: Layout = source.kind === 'csv' ? source.plan.layout! : source.layout;
  const columns = source.kind === 'csv' ? source.plan.columns : source.columns;
  const scoreColumns = columns.slice(0, layout.classes);
  const input = options.input ?? inferInput(source.name, source.format, scoreColumns, 'pass --input logits|probs');
  if (options.topK !== undefined && !(layout.task === 'multiclass' && options.topK < layout.classes)) {
    throw new UsageError(
      `${source.name}: --top-k ${options.topK} needs a multiclass task with more than ${options.topK} classes (this is ${layout.task}, ${layout.classes} ${layout.task === 'multilabel' ? 'labels' : 'score columns'})`,
    );
  }
  const names = classNames(source, layout, scoreColumns);
  const base = BASES[options.base].value;
  const settings: Settings = {
    input,
    base,
    layout,
    perRow: options.perRow !== undefined,
    accumulator: {
      task: layout.task,
      classes: layout.classes,
      input,
      base,
      names: names.classes,
      bins: options.bins,
      topK: options.topK,
      threshold: options.threshold,
      perClass: options.perClass,
      confusion: options.confusion,
      weighted: layout.weight,
    },
  };
  return { settings, names };
}

/**
 * The classes' names (binary: negative, found in the data, then positive), and whether
 * `--per-row` writes them (score columns named `p_<name>`/`logit_<name>`, and binary tasks)
 * or 0-based positions (other names, `.npy`).
 */
function classNames(
  source: Source,
  layout: Layout,
  scoreColumns: readonly string[],
): { classes: string[]; perRow: boolean } {
  if (source.kind === 'csv' && source.plan.labels) {
    const plan = source.plan.labels;
    if (layout.task === 'binary') return { classes: ['', plan.names[0]], perRow: true };
    return { classes: plan.names, perRow: scoreColumns.every((c) => isScoreName(c)) };
  }
  if (layout.task === 'binary') {
    if (source.format === 'npy' || source.kind !== 'blocks' || !source.names)
      return { classes: ['0', '1'], perRow: false };
    return { classes: ['', source.names[1]], perRow: true };
  }
  const named = source.format !== 'npy' && scoreColumns.every((c) => isScoreName(c));
  return {
    classes: scoreColumns.map((c, i) => (source.format === 'npy' ? String(i) : c.replace(/^(p|logit)_/, ''))),
    perRow: named,
  };
}

/** Runs every piece of the input, keeping a few in flight, and takes their outcomes in order. */
async function scoreAll(
  source: Source,
  settings: Settings,
  run: Executor,
  perRow: PerRowFile | undefined,
  bar: Progress,
  namedRows: boolean,
): Promise<Accumulator> {
  const total = new Accumulator(js, settings.accumulator);
  let rows = 0;
  let breaks = source.kind === 'csv' ? source.breaks : 0;
  const inFlight: Array<{ outcome: Promise<Outcome>; firstRow?: number; bytes: number }> = [];
  // The bar counts bytes scored, not read (reading runs ahead), so rows and percentage agree.
  let done = source.kind === 'csv' ? source.headerBytes : 0;

  const take = async () => {
    const next = inFlight.shift()!;
    const firstRow = next.firstRow ?? rows;
    const outcome = await next.outcome.catch((error: Error) => {
      // A worker that died (or threw) fails the run, naming the piece it had.
      const piece = source.kind === 'csv' ? `the piece from line ${breaks + 2}` : `the rows from row ${firstRow}`;
      throw new Error(`${source.name}: ${piece} failed in a worker thread: ${error.message}`);
    });
    const where = (line: number | undefined, row: number) =>
      line !== undefined ? `${source.name}:${breaks + line}` : `${source.name}: row ${firstRow + row}`;
    // Binary: a piece whose negative class is not the earlier pieces' holds a third label.
    const { negative } = outcome;
    const known = total.names[0];
    if (negative && known !== '' && negative.name !== known && !(outcome.fault && outcome.fault.row < negative.row)) {
      throw new InputError(
        `${where(negative.line, negative.row)}: label ${JSON.stringify(negative.name)} is a third distinct label of a binary task (the classes are ${JSON.stringify(total.names[1])} and ${JSON.stringify(known)}; name the positive class with --positive)`,
      );
    }
    if (outcome.fault) {
      const { fault } = outcome;
      throw new InputError(`${where(fault.line, fault.row)}: ${fault.message}`);
    }
    total.merge(Accumulator.fromJSON(js, outcome.state), firstRow);
    if (perRow && outcome.perRow) await perRow.write(firstRow, outcome.perRow, namedRows ? total.names : undefined);
    rows = firstRow + outcome.rows;
    breaks += outcome.breaks;
    done += next.bytes;
    bar.update(source.kind === 'csv' ? done : source.position(), rows);
  };

  const submit = async (task: Task, bytes: number, firstRow?: number) => {
    const outcome = run.run(task, bytes);
    // Its input buffers are free as soon as it is done (not only when taken in order):
    // the reader fills them again. Awaited in order by take(); until then a rejection must
    // not count as unhandled.
    outcome.then(
      (o) => {
        source.recycle(o.recycled);
        // Not held until the outcome is taken: the pool may have had no room for them.
        o.recycled = undefined;
      },
      () => undefined,
    );
    inFlight.push({ outcome, firstRow, bytes });
    while (inFlight.length >= run.depth) await take();
  };

  try {
    if (source.kind === 'csv') {
      try {
        for await (const bytes of source.pieces)
          await submit({ kind: 'csv', bytes, plan: source.plan, settings }, bytes.length);
      } catch (error) {
        if (!(error instanceof RecordTooLong)) throw error;
        // A bad row in an earlier piece comes first; else the long record starts after them.
        while (inFlight.length > 0) await take();
        throw new InputError(`${source.name}:${breaks + 1}: ${error.message}`);
      }
    } else {
      for await (const block of source.blocks) {
        if ('kind' in block) {
          const bytes = block.bytes.reduce((n, b) => n + b.length, 0);
          await submit({ kind: 'parquet', piece: block, settings }, bytes, block.firstRow);
          continue;
        }
        const { labels, scores, columns, names, firstNull } = block;
        await submit(
          { kind: 'batch', labels, scores, columns, names, firstNull, settings },
          scores.byteLength,
          block.firstRow,
        );
      }
    }
    while (inFlight.length > 0) await take();
  } finally {
    // On an error, let the other pieces finish before the pool closes under them.
    await Promise.allSettled(inFlight.map((f) => f.outcome));
  }
  return total;
}

/** A path as short as it can be said from here. */
function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}
