/**
 * One unit of scoring work, the same whether it runs on the main thread or a worker thread:
 * a piece of CSV bytes (parsed here) or a batch already read from a binary format; checked,
 * scored into a fresh {@link Accumulator} and returned as its exact state. Pieces number their
 * rows (and lines) from their own start; the caller, taking outcomes in input order, places them.
 */
import { Accumulator } from '../accumulator.js';
import type { AccumulatorOptions, AccumulatorState, InputKind, Scorer } from '../accumulator.js';
import { findFault } from '../io/check.js';
import { splitRows } from '../io/columns.js';
import type { BufferSource, LabelResolver, Layout } from '../io/columns.js';
import { isMainThread } from 'node:worker_threads';
import { prepare } from '../io/codecs.js';
import { RowError, decodeRowGroup } from '../io/parquet.js';
import type { RowGroupPiece } from '../io/parquet.js';
import type { CsvPlan, RowSink } from '../io/csv-bytes.js';
import { parsePiece, recordText } from '../io/csv.js';
import { LABEL, quote } from '../io/csv-bytes.js';

/** What every task of a run shares. */
export interface Settings {
  input: InputKind;
  base: number;
  /** What the values of a row are. */
  layout: Layout;
  /** The accumulator's options (task, classes, names, bins, top-k, threshold, per-class, confusion). */
  accumulator: AccumulatorOptions;
  /** Return per-row results (for `--per-row`). */
  perRow: boolean;
}

export type Task =
  | { kind: 'csv'; bytes: Uint8Array; plan: CsvPlan; settings: Settings }
  | {
      kind: 'batch';
      labels: Float64Array;
      scores: Float64Array | Float32Array;
      columns: readonly string[];
      /** Class names (binary: the negative as far as the reader knows it). */
      names?: readonly string[];
      /** The batch's first null (its values are NaN there): reported unless an earlier row is bad. */
      firstNull?: { row: number; column: string };
      settings: Settings;
    }
  /** A Parquet row group's column chunks, decompressed and decoded where the task runs. */
  | { kind: 'parquet'; piece: RowGroupPiece; settings: Settings };

/** A bad row of a piece: its 0-based row in the piece, its line in the piece (text formats). */
export interface Fault {
  row: number;
  line?: number;
  message: string;
}

export interface Outcome {
  /** Rows scored. */
  rows: number;
  /** Line breaks in a CSV piece (0 for batches). */
  breaks: number;
  /** The piece's summary, rows numbered from 0. */
  state: AccumulatorState;
  /**
   * With `perRow`: `rows` labels, then cross-entropies, entropies and predictions, as one
   * float64 block (one buffer to move between threads). Float32 results widen exactly.
   */
  perRow?: Float64Array;
  /** The first bad row; nothing of the piece is scored then. */
  fault?: Fault;
  /** Binary CSV: the piece's negative class, where it first appears (to check it against the other pieces'). */
  negative?: { name: string; row: number; line?: number };
  /** The task's input buffers, handed back to the reader to be filled again. */
  recycled?: ArrayBuffer[];
}

/**
 * The buffers a task's arrays live in, which it may give away (the readers make each piece's
 * buffers for it alone; a Node Buffer may share its memory with others and is left out).
 */
export function taskBuffers(task: Task): ArrayBuffer[] {
  const arrays =
    task.kind === 'csv' ? [task.bytes] : task.kind === 'parquet' ? task.piece.bytes : [task.labels, task.scores];
  return [
    ...new Set(
      arrays
        .filter((a) => !(a instanceof Buffer) && a.buffer instanceof ArrayBuffer)
        .map((a) => a.buffer as ArrayBuffer),
    ),
  ];
}

/** Set (by src/cli/input.ts) before the threads start when they will decode Parquet row groups. */
export const LOAD_ZSTD = 'XENTROPY_LOAD_ZSTD';

// Such a worker thread starts loading the zstd decoder (wasm, ~75 ms of CPU) at once, while the
// library loads: its tasks then come back to back with no turn of the event loop between them
// for a load to end (until it has, zstd pages go through a pure JavaScript decoder, ~6× slower).
if (!isMainThread && process.env[LOAD_ZSTD] === '1') prepare('ZSTD').catch(() => undefined);

/** The last piece's parsed rows, filled again by the next piece on this thread. */
let spareSink: RowSink | undefined;

/**
 * Parses (for CSV), checks and scores one task.
 *
 * @param x the library (`load()`'s result in this thread)
 */
export function runTask(x: Scorer, task: Task): Outcome {
  if (task.kind === 'parquet') return runRowGroup(x, task.piece, task.settings);
  const { settings } = task;
  let labels: Float64Array;
  let values: Float64Array | Float32Array;
  let breaks = 0;
  let parseFault: Fault | undefined;
  let lines: Float64Array | undefined;
  let names = settings.accumulator.names;
  let negative: Outcome['negative'];
  if (task.kind === 'csv') {
    const piece = parsePiece(task.bytes, task.plan, spareSink);
    spareSink = piece.sink;
    ({ labels, scores: values, lines, breaks } = piece);
    if (piece.error) parseFault = { row: piece.rows, ...piece.error };
    const resolver = piece.resolver;
    if (settings.layout.task === 'binary' && resolver?.negative !== undefined) {
      negative = {
        name: resolver.negative,
        row: resolver.negativeRow,
        line: lines[resolver.negativeRow] ?? piece.error?.line,
      };
      names = [resolver.negative, names![1]];
    }
  } else {
    ({ labels, scores: values } = task);
    if (task.names) names = task.names;
  }
  const acc = new Accumulator(x, { ...settings.accumulator, names, validate: false });
  const rows = labels.length;
  const columns = task.kind === 'csv' ? task.plan.columns : task.columns;
  // A bad value in an earlier row comes before a syntax error further on.
  const firstNull = task.kind === 'batch' ? task.firstNull : undefined;
  const found = findFault(
    { firstRow: 0, rows, labels, scores: values, columns, firstNull },
    settings.input,
    settings.layout,
  );
  const fault = found ? { row: found.index, line: lines?.[found.index], message: found.message } : parseFault;
  if (
    found &&
    task.kind === 'csv' &&
    (task.plan.labels === undefined || task.plan.labels.identity) &&
    found.message.startsWith('label ')
  ) {
    // The label as written: its float64 value may differ (9007199254740993 reads as …992).
    const text = recordText(task.bytes, found.index, task.plan.delimiter)?.[task.plan.role.indexOf(LABEL)];
    if (text !== undefined && text.trim() !== String(labels[found.index])) {
      fault!.message = found.message.replace(/^label \S+/, `label ${quote(text)}`);
    }
  }
  if (fault) return { rows: 0, breaks, state: acc.toJSON(), fault, negative };
  const { scores, targets, weights } = splitRows(values, rows, settings.layout);
  const results = acc.add(labels, scores, 0, { targets, weights });
  const outcome: Outcome = { rows, breaks, state: acc.toJSON(), negative };
  if (settings.perRow) {
    const block = new Float64Array(4 * rows);
    block.set(labels, 0);
    block.set(results.crossEntropy, rows);
    block.set(results.entropy, 2 * rows);
    block.set(results.predicted, 3 * rows);
    outcome.perRow = block;
  }
  return outcome;
}

/** A row group's blocks' arrays, used again block after block (each is scored before the next is decoded). */
class BlockBuffers implements BufferSource {
  private readonly buffers: ArrayBuffer[] = [];
  private next = 0;

  take(bytes: number): ArrayBuffer {
    let b = this.buffers[this.next];
    if (b === undefined || b.byteLength < bytes) {
      b = new ArrayBuffer(bytes);
      this.buffers[this.next] = b;
    }
    this.next++;
    return b;
  }

  /** The block is done with: its buffers may be taken again. */
  reset(): void {
    this.next = 0;
  }
}

const blockBuffers = new BlockBuffers();

/**
 * Decodes a Parquet row group block by block, checking and scoring each as a batch task would
 * (one accumulator per block, merged in order); stops at the first bad row.
 */
function runRowGroup(x: Scorer, piece: RowGroupPiece, settings: Settings): Outcome {
  const acc = new Accumulator(x, { ...settings.accumulator, validate: false });
  const seen: { labels?: LabelResolver } = {};
  const results: Array<{
    labels: Float64Array;
    crossEntropy: ArrayLike<number>;
    entropy: ArrayLike<number>;
    predicted: ArrayLike<number>;
  }> = [];
  let rows = 0;
  const negative = (): Outcome['negative'] => {
    const resolver = seen.labels;
    if (settings.layout.task !== 'binary' || resolver?.negative === undefined) return undefined;
    return { name: resolver.negative, row: resolver.negativeRow - piece.firstRow };
  };
  const failed = (fault: Fault): Outcome => ({ rows: 0, breaks: 0, state: acc.toJSON(), fault, negative: negative() });
  try {
    for (const block of decodeRowGroup(piece, blockBuffers, seen)) {
      const offset = block.firstRow - piece.firstRow;
      const { labels, scores: values, firstNull } = block;
      const n = labels.length;
      const found = findFault(
        { firstRow: 0, rows: n, labels, scores: values, columns: block.columns, firstNull },
        settings.input,
        settings.layout,
      );
      if (found) return failed({ row: offset + found.index, message: found.message });
      const one = new Accumulator(x, {
        ...settings.accumulator,
        names: block.names ?? settings.accumulator.names,
        validate: false,
      });
      const { scores, targets, weights } = splitRows(values, n, settings.layout);
      const r = one.add(labels, scores, 0, { targets, weights });
      acc.merge(one, offset);
      if (settings.perRow) {
        results.push({
          labels: labels.slice(),
          crossEntropy: r.crossEntropy.slice(),
          entropy: r.entropy.slice(),
          predicted: r.predicted.slice(),
        });
      }
      rows += n;
      blockBuffers.reset();
    }
  } catch (error) {
    blockBuffers.reset();
    if (error instanceof RowError) return failed({ row: error.row - piece.firstRow, message: error.detail });
    throw error;
  }
  const outcome: Outcome = { rows, breaks: 0, state: acc.toJSON(), negative: negative() };
  if (settings.perRow) {
    const block = new Float64Array(4 * rows);
    let at = 0;
    for (const r of results) {
      const m = r.labels.length;
      block.set(r.labels, at);
      block.set(r.crossEntropy, rows + at);
      block.set(r.entropy, 2 * rows + at);
      block.set(r.predicted, 3 * rows + at);
      at += m;
    }
    outcome.perRow = block;
  }
  return outcome;
}
