import { Accumulator, load } from 'xentropy';
import type { InputKind } from 'xentropy';
import type { Summary } from 'xentropy';
import { locate } from '../../src/io/batch.js';
import type { Batch } from '../../src/io/batch.js';
import { classSuffix, inferInput, isScoreName, splitRows } from '../../src/io/columns.js';
import type { Layout, Task } from '../../src/io/columns.js';
import { findFault } from '../../src/io/check.js';
import { InputError, UsageError } from '../../src/io/errors.js';
import { BASES, formatJson } from '../../src/io/report.js';
import { Breakdown } from './breakdown.js';
import { calibrationBins, ScoreCounter } from './calibration.js';
import { openFiles } from './formats.js';
import { histogram } from './histogram.js';
import { addHere } from './pool-rows.js';
import type { AddRows } from './pool-rows.js';
import type { NamedBlob, Report, ScoreOptions } from './protocol.js';
import { RowStore } from './rows.js';

/** A scored file: what the page shows, and the rows kept for the download and the benchmark. */
export interface Scored {
  report: Report;
  store: RowStore;
  input: InputKind;
  base: number;
  task: Task;
}

export type OnProgress = (rows: number, bytes: number, totalBytes: number) => void;

/**
 * Scores a file as `xentropy score --json` does (the same reader, row checks, Accumulator and
 * JSON), gathering the page's extra figures on the way.
 *
 * @throws InputError `NAME:LINE: …` at the first bad row, or when the kind of the score columns
 *   cannot be told from their names
 */
export async function scoreFiles(
  files: NamedBlob[],
  options: ScoreOptions,
  onProgress: OnProgress,
  addRows: AddRows = addHere,
): Promise<Scored> {
  const x = await load();
  const base = BASES[options.base];
  let bytes = 0;
  const request = {
    labelColumn: options.labelColumn,
    task: options.task,
    weightColumn: options.weightColumn,
    positive: options.positive,
  };
  const source = await openFiles(files, request, (n) => (bytes += n));
  let acc: Accumulator | undefined;
  let store: RowStore | undefined;
  let breakdown: Breakdown | undefined;
  let counter: ScoreCounter | undefined;
  let layout: Layout | undefined;
  let firstColumns: readonly string[] = [];
  for await (const batch of source.batches) {
    // Binary and multilabel files, and weight columns, as the command line reads them (API.md
    // "Every classifier"); a .npy batch has no layout: its width says the task, as for the CLI.
    layout ??= batch.layout ?? npyLayout(source.name, batch.columns.length, options.task);
    const scoreColumns = batch.columns.slice(0, layout.classes);
    firstColumns = scoreColumns;
    if (acc === undefined) {
      const input =
        options.input === 'auto'
          ? inferInput(source.name, source.format, scoreColumns, 'choose logits or probabilities above')
          : options.input;
      if (options.topK !== undefined && !(layout.task === 'multiclass' && options.topK < layout.classes)) {
        // The command line's words (src/cli/score.ts).
        throw new UsageError(
          `${source.name}: --top-k ${options.topK} needs a multiclass task with more than ${options.topK} classes (this is ${layout.task}, ${layout.classes} ${layout.task === 'multilabel' ? 'labels' : 'score columns'})`,
        );
      }
      // The rows are checked below with their lines, so the library need not check them again.
      // Per-class figures and the confusion matrix are always kept: the page draws them.
      acc = new Accumulator(x, {
        task: layout.task,
        classes: layout.classes,
        input,
        base: base.value,
        validate: false,
        weighted: layout.weight,
        names: classNames(layout, batch, source.format),
        bins: options.bins,
        topK: options.topK,
        threshold: options.threshold,
        perClass: true,
        confusion: true,
      });
      store = new RowStore(layout.classes, layout.task === 'multiclass');
      if (layout.task !== 'multilabel') breakdown = new Breakdown(scoreColumns, input);
      if (layout.task === 'binary') counter = new ScoreCounter(acc.bins, input);
    }
    const fault = findFault(batch, acc.input, layout);
    if (fault !== undefined) throw new InputError(`${locate(source.name, batch, fault.index)}: ${fault.message}`);
    const { scores, targets, weights } = splitRows(batch.scores, batch.rows, layout);
    const results = await addRows(acc, batch.labels, scores, batch.firstRow, { targets, weights });
    if (layout.task === 'binary' && batch.names) acc.names = [batch.names[0], acc.names[1]];
    const view = { ...batch, scores, columns: scoreColumns };
    store!.add(view, results);
    breakdown?.add(view, results, weights);
    counter?.add(batch.labels, scores, batch.rows);
    onProgress(store!.rows, Math.min(bytes, source.size), source.size);
  }
  // Readers throw on an input without data rows, so there was at least one batch.
  store!.perRow = { task: layout!.task, names: perRowNames(layout!, source.format, firstColumns, acc!.names) };
  const figures = acc!.result();
  const json = formatJson(asAsked(figures, options), { file: source.name, input: acc!.input, base: options.base });
  // Entropy lies in [0, log k] (binary and multilabel decisions: [0, log 2]): a fixed axis makes files comparable.
  const outcomes = layout!.task === 'multiclass' ? acc!.classes : 2;
  const report: Report = {
    json,
    summary: JSON.parse(json) as Report['summary'],
    backend: x.backend,
    unit: base.unit,
    crossEntropy: histogram(store!.crossEntropy, store!.rows),
    entropy: histogram(store!.entropy, store!.rows, Math.log(outcomes) / Math.log(base.value)),
    figures,
    calibration: calibrationBins(acc!.toJSON()),
    weighted: layout!.weight,
    scores: counter?.histograms(acc!.names, acc!.threshold),
    worst: breakdown?.worstRows() ?? [],
  };
  return { report, store: store!, input: acc!.input, base: base.value, task: layout!.task };
}

/** The summary as `--json` prints it with the options asked: per-class figures and the confusion matrix only when asked for. */
function asAsked(figures: Summary, options: ScoreOptions): Summary {
  const shown = { ...figures };
  if (!options.perClass) {
    delete shown.per_class;
    delete shown.per_label;
  }
  if (!options.confusion) delete shown.confusion;
  return shown;
}

/**
 * Whether `--per-row` writes class names or positions, by the command line's rule
 * (src/cli/score.ts): names for binary files and for score columns named `p_*`/`logit_*`,
 * positions for `.npy` files and other column names.
 */
function perRowNames(
  layout: Layout,
  format: string,
  scoreColumns: readonly string[],
  names: readonly string[],
): readonly string[] | undefined {
  if (format === 'npy' || layout.task === 'multilabel') return undefined;
  if (layout.task === 'binary') return names;
  return scoreColumns.every((c) => isScoreName(c)) ? names : undefined;
}

/**
 * The classes' names as the command line gives them (src/cli/score.ts): the labels' names
 * (binary: negative as far as seen, then positive), else the score columns' suffixes, and
 * positions for .npy columns.
 */
function classNames(layout: Layout, batch: Batch, format: string): string[] | undefined {
  if (layout.task === 'binary') return batch.names ? ['', batch.names[1]] : ['0', '1'];
  if (batch.names) return [...batch.names];
  if (format === 'npy') return undefined;
  return batch.columns.slice(0, layout.classes).map((c) => classSuffix(c));
}

/** A .npy file's task: from `--task`, else one score column is binary (the command line's rule, src/cli/input.ts). */
function npyLayout(name: string, k: number, task: Task | undefined): Layout {
  const kind = task ?? (k === 1 ? 'binary' : 'multiclass');
  if (kind === 'multilabel')
    throw new UsageError(`${name}: a .npy file holds binary or multiclass scores, not multilabel`);
  if (kind === 'binary' && k !== 1) throw new UsageError(`${name}: a binary task has one score column, not ${k}`);
  if (kind === 'multiclass' && k < 2)
    throw new UsageError(`${name}: a multiclass task needs two or more score columns, not ${k}: use --task binary`);
  return { task: kind, classes: k, targets: false, weight: false };
}
