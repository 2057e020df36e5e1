import { Accumulator, load } from 'xentropy';
import type { InputKind } from 'xentropy';
import { locate } from '../../src/io/batch.js';
import { inferInput, splitRows } from '../../src/io/columns.js';
import type { Layout } from '../../src/io/columns.js';
import { findFault } from '../../src/io/check.js';
import { InputError } from '../../src/io/errors.js';
import { BASES, formatJson } from '../../src/io/report.js';
import { Breakdown } from './breakdown.js';
import { openFiles } from './formats.js';
import { histogram } from './histogram.js';
import type { NamedBlob, Report, ScoreOptions } from './protocol.js';
import { RowStore } from './rows.js';

/** A scored file: what the page shows, and the rows kept for the download and the benchmark. */
export interface Scored {
  report: Report;
  store: RowStore;
  input: InputKind;
  base: number;
}

export type OnProgress = (rows: number, bytes: number, totalBytes: number) => void;

/**
 * Scores a file as `xentropy score --json` does (the same reader, row checks, Accumulator and
 * JSON), gathering the page's extra figures on the way.
 *
 * @throws InputError `NAME:LINE: …` at the first bad row, or when the kind of the score columns
 *   cannot be told from their names
 */
export async function scoreFiles(files: NamedBlob[], options: ScoreOptions, onProgress: OnProgress): Promise<Scored> {
  const x = await load();
  const base = BASES[options.base];
  let bytes = 0;
  const source = await openFiles(files, options.labelColumn, (n) => (bytes += n));
  let acc: Accumulator | undefined;
  let store: RowStore | undefined;
  let breakdown: Breakdown | undefined;
  for await (const batch of source.batches) {
    // Binary and multilabel files, and weight columns, as the command line reads them (API.md
    // "Every classifier"); the page's own breakdown covers multiclass files.
    const layout: Layout = batch.layout ?? {
      task: 'multiclass',
      classes: batch.columns.length,
      targets: false,
      weight: false,
    };
    const scoreColumns = batch.columns.slice(0, layout.classes);
    if (acc === undefined) {
      const input =
        options.input === 'auto'
          ? inferInput(source.name, source.format, scoreColumns, 'choose logits or probabilities above')
          : options.input;
      // The rows are checked below with their lines, so the library need not check them again.
      acc = new Accumulator(x, {
        task: layout.task,
        classes: layout.classes,
        input,
        base: base.value,
        validate: false,
        weighted: layout.weight,
        names: layout.task === 'binary' ? ['', batch.names?.[1] ?? '1'] : batch.names ? [...batch.names] : undefined,
        // The page's JSON is the command line's without --per-class and --confusion.
        perClass: false,
        confusion: false,
      });
      store = new RowStore(layout.classes);
      breakdown = new Breakdown(scoreColumns, input);
    }
    const fault = findFault(batch, acc.input, layout);
    if (fault !== undefined) throw new InputError(`${locate(source.name, batch, fault.index)}: ${fault.message}`);
    const { scores, targets, weights } = splitRows(batch.scores, batch.rows, layout);
    const results = acc.add(batch.labels, scores, batch.firstRow, { targets, weights });
    if (layout.task === 'binary' && batch.names) acc.names = [batch.names[0], acc.names[1]];
    const view = { ...batch, scores, columns: scoreColumns };
    if (layout.task === 'multiclass') {
      store!.add(view, results);
      breakdown!.add(view, results);
    }
    onProgress(store!.rows, Math.min(bytes, source.size), source.size);
  }
  // Readers throw on an input without data rows, so there was at least one batch.
  const json = formatJson(acc!.result(), { file: source.name, input: acc!.input, base: options.base });
  const k = acc!.classes;
  const report: Report = {
    json,
    summary: JSON.parse(json) as Report['summary'],
    backend: x.backend,
    unit: base.unit,
    crossEntropy: histogram(store!.crossEntropy, store!.rows),
    // Entropy lies in [0, log k]: a fixed axis makes files comparable.
    entropy: histogram(store!.entropy, store!.rows, Math.log(k) / Math.log(base.value)),
    reliability: breakdown!.reliability(),
    classes: breakdown!.classes(),
    worst: breakdown!.worstRows(),
  };
  return { report, store: store!, input: acc!.input, base: base.value };
}
