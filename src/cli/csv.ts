import type { Batch } from './batch.js';
import { InputError } from './errors.js';
import { parseNumber } from './parse-number.js';
import { RecordSplitter } from './records.js';

/** Rows per batch at most; wide rows get fewer, so a batch stays near 8 MiB of scores. */
const BATCH_ROWS = 8192;
const BATCH_CELLS = 1 << 20;

export interface DelimitedOptions {
  /** The input's name in error messages: the path as given, `-` for stdin. */
  name: string;
  /** `,` for CSV, a tab for TSV. */
  delimiter: string;
  /** Header of the label column (default `label`). */
  labelColumn?: string;
  /** Rows per batch at most (default 8192, fewer for wide rows). */
  batchRows?: number;
}

/**
 * Reads CSV or TSV text with a header row into batches of numbers, chunk by chunk.
 *
 * The label column is found by name. Of the other columns, those whose first data value is a
 * number (see {@link parseNumber}) hold class scores, in order; the rest (an `id`, say) are
 * ignored. Every row must have as many fields as the header and a number in each label and
 * score field, else an {@link InputError} `NAME:LINE: …` is thrown, after the rows before it
 * have been yielded. An input with no data rows is an error too.
 *
 * @param chunks the text, in pieces of any size (a stream with `setEncoding('utf8')`)
 * @example
 * for await (const batch of readDelimited(['label,p_0,p_1\n1,0.25,0.75\n'], { name: 'x.csv', delimiter: ',' })) {
 *   batch.labels; // Float64Array [1]
 *   batch.scores; // Float64Array [0.25, 0.75]
 * }
 */
export async function* readDelimited(
  chunks: AsyncIterable<string> | Iterable<string>,
  options: DelimitedOptions,
): AsyncGenerator<Batch, void, undefined> {
  const table = new Table(options);
  const split = new RecordSplitter(
    options.delimiter,
    (fields, line) => table.add(fields, line),
    (line, message) => table.fail(line, message),
  );
  let first = true;
  try {
    for await (const chunk of chunks) {
      // A byte-order mark (as spreadsheets write) is not part of the first header name.
      split.push(first && chunk.charCodeAt(0) === 0xfeff ? chunk.slice(1) : chunk);
      first = false;
      yield* table.take(false);
    }
    split.end();
  } catch (error) {
    // The good rows before a bad one go out first, so a check of those rows that the caller
    // runs (labels, probabilities) can still report an earlier line.
    yield* table.take(true);
    throw error;
  }
  yield* table.take(true);
  table.finish();
}

/** Turns records into batches: header, column choice, number parsing. */
class Table {
  private readonly name: string;
  private readonly labelColumn: string;
  private readonly batchRows: number;
  private header?: string[];
  private headerLine = 1;
  private labelIndex = -1;
  /** Field index of each score column, chosen at the first data row. */
  private scoreIndex?: number[];
  private columns: readonly string[] = [];
  private capacity = 0;
  private current?: Batch;
  private ready: Batch[] = [];
  private rows = 0;

  constructor(options: DelimitedOptions) {
    this.name = options.name;
    this.labelColumn = options.labelColumn ?? 'label';
    this.batchRows = options.batchRows ?? BATCH_ROWS;
  }

  add(fields: string[], line: number): void {
    if (this.header === undefined) {
      this.readHeader(fields, line);
      return;
    }
    if (fields.length !== this.header.length) {
      this.fail(line, `${fields.length} fields, but the header has ${this.header.length}`);
    }
    const scoreIndex = (this.scoreIndex ??= this.chooseColumns(fields, line));
    const batch = (this.current ??= this.newBatch());
    const k = scoreIndex.length;
    const r = batch.rows;
    // A parse error leaves this row half-written, but uncounted: `rows` moves only at the end.
    batch.labels[r] = this.number(fields, this.labelIndex, line);
    for (let c = 0; c < k; c++) batch.scores[r * k + c] = this.number(fields, scoreIndex[c], line);
    batch.lines![r] = line;
    batch.rows++;
    this.rows++;
    if (batch.rows === this.capacity) this.seal();
  }

  /** The completed batches, and with `all` the partial one too. */
  take(all: boolean): Batch[] {
    if (all) this.seal();
    const ready = this.ready;
    this.ready = [];
    return ready;
  }

  /** Checks the end of input: a header and at least one data row. */
  finish(): void {
    if (this.header === undefined) this.fail(1, 'no header row (the input is empty)');
    if (this.rows === 0) this.fail(this.headerLine, 'a header but no data rows');
  }

  fail(line: number, message: string): never {
    throw new InputError(`${this.name}:${line}: ${message}`);
  }

  private readHeader(fields: string[], line: number): void {
    this.header = [...fields];
    this.headerLine = line;
    this.labelIndex = this.header.indexOf(this.labelColumn);
    if (this.labelIndex < 0) {
      this.fail(line, `no column named ${quote(this.labelColumn)} (name the label column with --label-column)`);
    }
  }

  private chooseColumns(fields: string[], line: number): number[] {
    const index: number[] = [];
    fields.forEach((text, j) => {
      if (j !== this.labelIndex && parseNumber(text) !== undefined) index.push(j);
    });
    if (index.length === 0) this.fail(line, 'no numeric score column besides the label');
    this.columns = index.map((j) => this.header![j]);
    this.capacity = Math.max(1, Math.min(this.batchRows, Math.floor(BATCH_CELLS / index.length)));
    return index;
  }

  /** Moves the current batch, cut to its rows, to the ready list. */
  private seal(): void {
    const batch = this.current;
    if (batch === undefined || batch.rows === 0) return;
    const n = batch.rows;
    batch.labels = batch.labels.subarray(0, n);
    batch.scores = batch.scores.subarray(0, n * this.columns.length);
    batch.lines = batch.lines!.subarray(0, n);
    this.ready.push(batch);
    this.current = undefined;
  }

  private newBatch(): Batch {
    const n = this.capacity;
    return {
      firstRow: this.rows,
      rows: 0,
      labels: new Float64Array(n),
      scores: new Float64Array(n * this.columns.length),
      columns: this.columns,
      lines: new Float64Array(n),
    };
  }

  private number(fields: string[], j: number, line: number): number {
    const value = parseNumber(fields[j]);
    if (value === undefined) {
      this.fail(line, `column ${quote(this.header![j])}: ${quote(fields[j])} is not a number`);
    }
    return value;
  }
}

/** A field quoted for a message, cut short if long. */
function quote(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}
