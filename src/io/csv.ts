import type { Batch } from './batch.js';
import {
  IGNORED,
  LABEL,
  RecordSyntaxError,
  Stop,
  parseRows,
  quote,
  recordEnd,
  scanRecord,
  skipEmptyLines,
} from './csv-bytes.js';
import type { CsvPlan, Cursor, RowSink } from './csv-bytes.js';
import { chooseColumns, classSuffix, isScoreName, isTargetName } from './columns.js';
import type { ColumnInfo, ColumnRequest, LabelResolver } from './columns.js';
import { InputError } from './errors.js';
import { parseNumber } from './parse-number.js';

/** Rows per batch at most; wide rows get fewer, so a batch stays near 8 MiB of scores. */
const BATCH_ROWS = 8192;
const BATCH_CELLS = 1 << 20;

export interface DelimitedOptions extends Partial<ColumnRequest> {
  /** The input's name in error messages: the path as given, `-` for stdin. */
  name: string;
  /** `,` for CSV, a tab for TSV. */
  delimiter: string;
  /** Rows per batch at most (default 8192, fewer for wide rows). */
  batchRows?: number;
}

/** The header and first data row, read: how to parse the rest, and where it starts. */
export interface CsvHead {
  plan: CsvPlan;
  /** Byte index of the first data record. */
  dataStart: number;
  /** Its 1-based physical line. */
  dataLine: number;
}

/**
 * Reads CSV or TSV with a header row into batches of numbers, chunk by chunk.
 *
 * The label column is found by name. Of the other columns, those whose first data value is a
 * number (see {@link parseNumber}) hold class scores, in order; the rest (an `id`, say) are
 * ignored. Every row must have as many fields as the header and a number in each label and
 * score field, else an {@link InputError} `NAME:LINE: …` is thrown, after the rows before it
 * have been yielded. An input with no data rows is an error too.
 *
 * @param chunks the input in pieces of any size: UTF-8 bytes (a file stream, `Blob.stream()`)
 *   or text
 * @example
 * for await (const batch of readDelimited(['label,p_0,p_1\n1,0.25,0.75\n'], { name: 'x.csv', delimiter: ',' })) {
 *   batch.labels; // Float64Array [1]
 *   batch.scores; // Float64Array [0.25, 0.75]
 * }
 */
export async function* readDelimited(
  chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
  options: DelimitedOptions,
): AsyncGenerator<Batch, void, undefined> {
  const encoder = new TextEncoder();
  const delimiter = delimiterByte(options.delimiter);
  let buffer: Uint8Array = new Uint8Array(0);
  let head: CsvHead | undefined;
  const cursor: Cursor = { pos: 0, line: 1 };
  let sink: RowSink | undefined;
  let firstRow = 0;
  let capacity = 0;

  /** Parses what `buffer` holds; yields full batches (and with `final`, the last one). */
  function* drain(final: boolean): Generator<Batch> {
    if (head === undefined) {
      head = readHead(buffer, final, { ...options, delimiter });
      if (head === undefined) return;
      cursor.pos = head.dataStart;
      cursor.line = head.dataLine;
      const k = head.plan.columns.length;
      capacity = Math.max(1, Math.min(options.batchRows ?? BATCH_ROWS, Math.floor(BATCH_CELLS / k)));
    }
    const plan = head.plan;
    for (;;) {
      sink ??= newSink(capacity, plan.columns.length);
      const stop = parseRows(buffer, cursor, final, plan, sink);
      if (stop === Stop.Full || stop === Stop.Done || stop === Stop.Error) {
        const batch = seal(sink, firstRow, plan.columns);
        if (batch) {
          batch.layout = plan.layout;
          batch.names = classNamesOf(plan, cursor);
        }
        sink = undefined;
        if (batch) {
          firstRow += batch.rows;
          yield batch;
        }
      }
      if (stop === Stop.Error) throw new InputError(`${options.name}:${cursor.line}: ${cursor.message}`);
      if (stop !== Stop.Full) return;
    }
  }

  // Chunks wait here until the bytes not yet parsed have doubled since the last try: a record
  // longer than many chunks (a 10 MB first row) is scanned a linear number of times, not once per chunk.
  let waiting: Uint8Array[] = [];
  let held = 0;
  let needed = 0;
  let first = true;
  for await (const chunk of chunks) {
    let bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
    // A byte-order mark (as spreadsheets write) is not part of the first header name.
    if (first && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    first = false;
    waiting.push(bytes);
    held += bytes.length;
    if (buffer.length - cursor.pos + held < needed) continue;
    buffer = join(buffer.subarray(cursor.pos), waiting);
    waiting = [];
    held = 0;
    cursor.pos = 0;
    yield* drain(false);
    needed = 2 * (buffer.length - cursor.pos);
  }
  buffer = join(buffer.subarray(cursor.pos), waiting);
  cursor.pos = 0;
  yield* drain(true);
}

/**
 * Reads the header and the first data row from the start of the input, if they are there.
 *
 * @param final `b` is the whole input
 * @returns the plan, or `undefined` if more bytes are needed
 * @throws InputError `NAME:LINE: …` on an empty input, a missing label column, no data rows,
 *   a first row with the wrong number of fields or no numeric score column
 */
export function readHead(
  b: Uint8Array,
  final: boolean,
  options: { name: string; delimiter: number } & Partial<ColumnRequest>,
): CsvHead | undefined {
  const fail = (line: number, message: string): never => {
    throw new InputError(`${options.name}:${line}: ${message}`);
  };
  const labelColumn = options.labelColumn ?? 'label';
  const lead = skipEmptyLines(b, 0);
  if (lead.pos >= b.length) return final ? fail(1, 'no header row (the input is empty)') : undefined;
  const headerLine = 1 + lead.breaks;
  // Decoded only once the header and the first data row are whole (see recordEnd).
  if (!final) {
    const headerEnd = recordEnd(b, lead.pos, false, options.delimiter);
    if (headerEnd < 0) return undefined;
    const rowAt = skipEmptyLines(b, headerEnd).pos;
    if (rowAt >= b.length || recordEnd(b, rowAt, false, options.delimiter) < 0) return undefined;
  }
  const header = scanOrFail(b, lead.pos, final, options.delimiter, headerLine, fail);
  if (header === undefined) return undefined;
  const gap = skipEmptyLines(b, header.next);
  const dataLine = headerLine + header.breaks + gap.breaks;
  if (gap.pos >= b.length) {
    if (!final) return undefined;
    if (!header.fields.includes(labelColumn) && options.task !== 'multilabel' && !header.fields.some(isTargetName)) {
      fail(headerLine, `no column named ${quote(labelColumn)} (name the label column with --label-column)`);
    }
    return fail(headerLine, 'a header but no data rows');
  }
  const row = scanOrFail(b, gap.pos, final, options.delimiter, dataLine, fail);
  if (row === undefined) return undefined;
  const n = header.fields.length;
  if (row.fields.length !== n) fail(dataLine, `${row.fields.length} fields, but the header has ${n}`);
  if (options.delimiter === 0x09) {
    // A TSV written with decimal commas would otherwise lose those columns without a word.
    const j = row.fields.findIndex((text) => DECIMAL_COMMA.test(text));
    if (j >= 0)
      fail(
        dataLine,
        `column ${quote(header.fields[j])}: ${quote(row.fields[j])} has a decimal comma; write numbers with a decimal point`,
      );
  }
  const request: ColumnRequest = { ...options, labelColumn };
  const infos: ColumnInfo[] = header.fields.map((name, j) => ({
    name,
    // A column named as a score, a target or the weight is always read: a non-number in it is bad input.
    numeric:
      isScoreName(name) ||
      isTargetName(name) ||
      name === options.weightColumn ||
      parseNumber(row.fields[j]) !== undefined,
    float32: false,
    text: true,
  }));
  const choice = chooseColumns(infos, request, (message, at) => fail(at === 'header' ? headerLine : dataLine, message));
  const role = new Int32Array(n).fill(IGNORED);
  const position = new Map(choice.values.map((name, at) => [name, at]));
  header.fields.forEach((name, j) => {
    if (name === choice.label) role[j] = LABEL;
    else if (name !== '') role[j] = position.get(name) ?? IGNORED;
  });
  const plan: CsvPlan = {
    delimiter: options.delimiter,
    header: header.fields,
    role,
    columns: choice.values,
    rowBytes: row.next - gap.pos,
    layout: choice.layout,
    labels: choice.labels,
  };
  return { plan, dataStart: gap.pos, dataLine };
}

/** A number written with a decimal comma (`1,5`), as some locales write them in TSV. */
const DECIMAL_COMMA = /^[ \t]*[+-]?\d+,\d+[ \t]*$/;

/** The result of parsing one independent piece of CSV (see {@link parsePiece}). */
export interface Piece {
  rows: number;
  labels: Float64Array;
  scores: Float64Array;
  /** Line of each row, counted from 1 at the piece's first byte. */
  lines: Float64Array;
  /** Line breaks in the piece (so the next piece's lines can be placed). */
  breaks: number;
  /** The first bad record, its line counted as `lines`; the rows before it are in the arrays. */
  error?: { line: number; message: string };
  /** The arrays behind `labels`, `scores`, `lines`: pass it to the next call to fill them again. */
  sink: RowSink;
  /** How labels were turned into classes (binary: the negative class found in the piece). */
  resolver?: LabelResolver;
}

/**
 * Parses a piece of CSV that holds whole records (as {@link RecordCutter} cuts them) with a
 * plan read from the input's start: what a worker thread does with its share of a file.
 */
export function parsePiece(b: Uint8Array, plan: CsvPlan, reuse?: RowSink): Piece {
  const k = plan.columns.length;
  // A guess from the piece's size and the first row's; grown when short.
  const rowBytes = plan.rowBytes ?? 4 * (k + 1);
  const guess = Math.max(16, Math.ceil((1.1 * b.length) / rowBytes));
  // The previous piece's arrays, if they are the right shape: fresh memory costs page faults.
  let sink =
    reuse !== undefined && reuse.capacity >= guess && reuse.scores.length === reuse.capacity * k
      ? reuse
      : newSink(guess, k);
  sink.rows = 0;
  const cursor: Cursor = { pos: 0, line: 1 };
  for (;;) {
    const stop = parseRows(b, cursor, true, plan, sink);
    if (stop === Stop.Full) {
      sink = grow(sink, k);
      continue;
    }
    const { rows } = sink;
    const piece: Piece = {
      rows,
      labels: sink.labels.subarray(0, rows),
      scores: sink.scores.subarray(0, rows * k),
      lines: sink.lines.subarray(0, rows),
      breaks: cursor.line - 1,
      sink,
      resolver: cursor.labels,
    };
    if (stop === Stop.Error) piece.error = { line: cursor.line, message: cursor.message! };
    return piece;
  }
}

/** The class names a batch's labels refer to (binary: negative as far as seen, then positive). */
function classNamesOf(plan: CsvPlan, cursor: Cursor): string[] | undefined {
  if (plan.labels === undefined)
    return plan.layout?.task === 'multilabel' ? plan.columns.slice(0, plan.layout.classes).map(classSuffix) : undefined;
  if (plan.labels.task === 'binary') return [cursor.labels?.negative ?? '', plan.labels.names[0]];
  return plan.labels.names;
}

/** The delimiter as a byte. */
export function delimiterByte(delimiter: string): number {
  if (delimiter.length !== 1 || '"\r\n'.includes(delimiter) || delimiter.charCodeAt(0) > 0x7f) {
    throw new TypeError(`unusable delimiter ${JSON.stringify(delimiter)}`);
  }
  return delimiter.charCodeAt(0);
}

function scanOrFail(
  b: Uint8Array,
  i: number,
  final: boolean,
  delimiter: number,
  line: number,
  fail: (line: number, message: string) => never,
) {
  try {
    return scanRecord(b, i, final, delimiter);
  } catch (error) {
    if (error instanceof RecordSyntaxError) return fail(line + error.breaks, error.message);
    throw error;
  }
}

function newSink(capacity: number, k: number): RowSink {
  return {
    labels: new Float64Array(capacity),
    scores: new Float64Array(capacity * k),
    lines: new Float64Array(capacity),
    capacity,
    rows: 0,
  };
}

function grow(sink: RowSink, k: number): RowSink {
  const bigger = newSink(sink.capacity * 2, k);
  bigger.labels.set(sink.labels);
  bigger.scores.set(sink.scores);
  bigger.lines.set(sink.lines);
  bigger.rows = sink.rows;
  return bigger;
}

/** The sink's rows as a batch (arrays cut to length), or undefined if it has none. */
function seal(sink: RowSink, firstRow: number, columns: readonly string[]): Batch | undefined {
  const n = sink.rows;
  if (n === 0) return undefined;
  return {
    firstRow,
    rows: n,
    labels: sink.labels.subarray(0, n),
    scores: sink.scores.subarray(0, n * columns.length),
    columns,
    lines: sink.lines.subarray(0, n),
  };
}

function join(a: Uint8Array, rest: Uint8Array[]): Uint8Array {
  if (a.length === 0 && rest.length === 1) return rest[0];
  let n = a.length;
  for (const b of rest) n += b.length;
  const out = new Uint8Array(n);
  out.set(a);
  let at = a.length;
  for (const b of rest) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

/**
 * The text fields of the `row`-th record (0-based, empty lines skipped) of a piece, as written:
 * for messages that must quote a value as the file holds it (a label `9007199254740993` is not
 * the float64 `9007199254740992`). Undefined if the piece has no such record.
 */
export function recordText(b: Uint8Array, row: number, delimiter: number): string[] | undefined {
  let at = 0;
  for (let r = 0; ; r++) {
    at = skipEmptyLines(b, at).pos;
    if (at >= b.length) return undefined;
    let record: ReturnType<typeof scanRecord>;
    try {
      record = scanRecord(b, at, true, delimiter);
    } catch {
      return undefined;
    }
    if (record === undefined) return undefined;
    if (r === row) return record.fields;
    at = record.next;
  }
}
