/**
 * RFC 4180 CSV/TSV over UTF-8 bytes: the hot loop that turns records straight into float64
 * labels and scores, with no string per field (numbers are read by {@link readNumberInto}; only
 * quoted, unusual or bad fields are decoded). Pure functions over `Uint8Array`, so the same code
 * runs in the command line, its worker threads and a browser page.
 *
 * Line breaks are LF, CRLF or a lone CR; each counts one physical line, inside quotes too.
 * Empty lines are skipped (and counted).
 */
import { readNumberInto, numberEnd } from './number-bytes.js';
import { parseNumber } from './parse-number.js';
import { LabelResolver } from './columns.js';
import type { LabelPlan, Layout } from './columns.js';

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** What each field of a data record is for. */
export const IGNORED = -2;
export const LABEL = -1;

/** How to read a data record, fixed by the header and the first data row. */
export interface CsvPlan {
  /** The delimiter byte: `,` or tab. */
  delimiter: number;
  /** The header's names, one per field. */
  header: string[];
  /** Per field: {@link IGNORED}, {@link LABEL} or the 0-based score column it fills. */
  role: Int32Array;
  /** Names of the score columns, in order. */
  columns: string[];
  /** Bytes of the first data record: a guess at the rows a piece holds. */
  rowBytes?: number;
  /** What the values of a row are (scores, targets, weight). */
  layout?: Layout;
  /** How labels name classes; absent: numeric labels as they stand. */
  labels?: LabelPlan;
}

/** Where parsed rows go: arrays with room for `capacity` rows; `rows` counts those written. */
export interface RowSink {
  labels: Float64Array;
  scores: Float64Array;
  /** 1-based physical line of each row (relative to the first line given to the parser). */
  lines: Float64Array;
  capacity: number;
  rows: number;
}

/** Why {@link parseRows} returned. */
export const enum Stop {
  /** The sink is full; call again from `pos`. */
  Full,
  /** The record at `pos` is incomplete: call again with more bytes from `pos` on. */
  More,
  /** Every byte was consumed (only with `final`). */
  Done,
  /** A bad record at `line`: `message` says what is wrong; rows before it are in the sink. */
  Error,
}

/** The parser's position, carried from call to call. */
export interface Cursor {
  /** Next byte to read. */
  pos: number;
  /** 1-based physical line of `pos`. */
  line: number;
  /** Set with {@link Stop.Error}. */
  message?: string;
  /** Turns label text into classes (made from the plan on first use; binary: remembers the negative class). */
  labels?: LabelResolver;
}

/** A record read as text (header, first data row, error reports). */
export interface TextRecord {
  fields: string[];
  /** Index just past the record's line break. */
  next: number;
  /** Line breaks consumed, the record's own included. */
  breaks: number;
}

const utf8 = new TextDecoder('utf-8');

/**
 * Parses data records from `b[cursor.pos]` on into `sink`, up to its capacity.
 *
 * @param final no more bytes follow `b` (a last record without a line break is complete)
 * @returns why it stopped; the cursor is left at the first unparsed record
 */
export function parseRows(b: Uint8Array, cursor: Cursor, final: boolean, plan: CsvPlan, sink: RowSink): Stop {
  const { role, delimiter } = plan;
  const fields = role.length;
  const k = plan.columns.length;
  const end = b.length;
  const { labels, scores, lines } = sink;
  const resolver = plan.labels === undefined ? undefined : (cursor.labels ??= new LabelResolver(plan.labels));
  // Numeric labels that need a class lookup (named classes, binary); text labels always do.
  const mapNumbers = resolver !== undefined && !resolver.plan.identity;
  let i = cursor.pos;
  let line = cursor.line;
  const fail = (at: number, message: string): Stop => {
    cursor.line = at;
    cursor.message = message;
    return Stop.Error;
  };
  for (;;) {
    cursor.pos = i;
    cursor.line = line;
    if (i >= end) return final ? Stop.Done : Stop.More;
    // An empty line is no record.
    let c = b[i];
    if (c === LF || c === CR) {
      if (c === CR && i + 1 >= end && !final) return Stop.More;
      i += c === CR && b[i + 1] === LF ? 2 : 1;
      line++;
      continue;
    }
    if (sink.rows >= sink.capacity) return Stop.Full;
    const row = sink.rows;
    const recordLine = line;
    for (let f = 0; f < fields; f++) {
      const r = role[f];
      const start = i;
      let value = 0;
      let written = false;
      let text: string | undefined;
      if (i < end && b[i] === QUOTE) {
        const q = readQuoted(b, i, final, delimiter, r !== IGNORED);
        if (q === MORE) return Stop.More;
        if (q === UNCLOSED) return fail(recordLine, 'a quoted field starting on this line is never closed');
        if (q === JUNK) return fail(line + quoted.breaks, 'a closing quote must end its field');
        line += quoted.breaks;
        i = quoted.end;
        if (r !== IGNORED) {
          const v = parseNumber(q as string);
          if (v === undefined && r === LABEL && resolver !== undefined) text = q as string;
          else if (v === undefined) return fail(recordLine, notANumber(plan.header[f], q as string));
          else value = v;
        }
      } else if (r === IGNORED) {
        while (i < end && (c = b[i]) !== delimiter && c !== LF && c !== CR) i++;
      } else {
        // The common case: the value goes straight into the sink.
        if (
          r === LABEL
            ? readNumberInto(b, i, end, delimiter, labels, row)
            : readNumberInto(b, i, end, delimiter, scores, row * k + r)
        ) {
          written = true;
          i = numberEnd;
        } else {
          let j = i;
          while (j < end && (c = b[j]) !== delimiter && c !== LF && c !== CR) j++;
          if (j >= end && !final) return Stop.More;
          const field = decode(b, i, j);
          const parsed = parseNumber(field);
          if (parsed === undefined && r === LABEL && resolver !== undefined) text = field;
          else if (parsed === undefined) return fail(recordLine, notANumber(plan.header[f], field));
          else value = parsed;
          i = j;
        }
      }
      if (i >= end && !final) return Stop.More; // the field may go on in the next bytes
      if (r === LABEL && (text !== undefined || mapNumbers)) {
        const c =
          text !== undefined ? resolver!.ofText(text, row) : resolver!.ofNumber(written ? labels[row] : value, row);
        if (c < 0) return fail(recordLine, resolver!.message(text ?? unquoted(b, start, i), c));
        labels[row] = c;
      } else if (written) {
        // Already in place.
      } else if (r === LABEL) labels[row] = value;
      else if (r >= 0) scores[row * k + r] = value;
      c = i < end ? b[i] : LF;
      if (f < fields - 1) {
        if (c !== delimiter) return fail(recordLine, `${f + 1} fields, but the header has ${fields}`);
        i++;
      } else if (c === delimiter) {
        let whole: TextRecord | undefined;
        try {
          whole = scanRecord(b, cursor.pos, final, delimiter);
        } catch (error) {
          const e = error as RecordSyntaxError;
          return fail(recordLine + e.breaks, e.message);
        }
        if (whole === undefined) return Stop.More;
        return fail(recordLine, `${whole.fields.length} fields, but the header has ${fields}`);
      } else if (i < end) {
        if (c === CR && i + 1 >= end && !final) return Stop.More;
        i += c === CR && b[i + 1] === LF ? 2 : 1;
        line++;
      }
    }
    lines[row] = recordLine;
    sink.rows = row + 1;
  }
}

/**
 * Reads one record from `b[i]` on as text fields (quotes removed, `""` unescaped).
 *
 * @returns the record, or `undefined` if it is incomplete and more bytes may follow
 * @throws SyntaxError with a message `LINE-OFFSET:what` (breaks before the bad line, then the message) on an
 *   unclosed quote or text after a closing quote; see {@link RecordSyntaxError}
 */
export function scanRecord(b: Uint8Array, i: number, final: boolean, delimiter: number): TextRecord | undefined {
  const end = b.length;
  const fields: string[] = [];
  let breaks = 0;
  for (;;) {
    if (i < end && b[i] === QUOTE) {
      const q = readQuoted(b, i, final, delimiter, true);
      if (q === MORE) return undefined;
      if (q === UNCLOSED) throw new RecordSyntaxError(0, 'a quoted field starting on this line is never closed');
      if (q === JUNK) throw new RecordSyntaxError(breaks + quoted.breaks, 'a closing quote must end its field');
      fields.push(q as string);
      breaks += quoted.breaks;
      i = quoted.end;
    } else {
      let j = i;
      let c: number;
      while (j < end && (c = b[j]) !== delimiter && c !== LF && c !== CR) j++;
      fields.push(decode(b, i, j));
      i = j;
    }
    if (i >= end) return final ? { fields, next: i, breaks } : undefined;
    const c = b[i];
    if (c === delimiter) {
      i++;
      continue;
    }
    if (c === CR && i + 1 >= end && !final) return undefined;
    i += c === CR && b[i + 1] === LF ? 2 : 1;
    return { fields, next: i, breaks: breaks + 1 };
  }
}

/**
 * Where the record starting at `b[i]` ends (the index after its line break, or `b.length` at
 * the end of a final input), or -1 if it is incomplete. Reads quotes as {@link scanRecord} does
 * but builds nothing, so that a long record arriving in many chunks is decoded once, when whole.
 * A syntax error inside counts as an end: {@link scanRecord} then reports it.
 */
export function recordEnd(b: Uint8Array, i: number, final: boolean, delimiter: number): number {
  const end = b.length;
  let fieldStart = true;
  while (i < end) {
    const c = b[i];
    if (fieldStart && c === QUOTE) {
      // A quoted field: to its closing quote (`""` stays inside).
      let j = i + 1;
      for (;;) {
        if (j >= end) return final ? end : -1;
        if (b[j] === QUOTE) {
          if (j + 1 >= end) return final ? end : -1;
          if (b[j + 1] !== QUOTE) break;
          j++;
        }
        j++;
      }
      i = j + 1;
      fieldStart = false;
      continue;
    }
    if (c === LF) return i + 1;
    if (c === CR) {
      if (i + 1 >= end) return final ? end : -1;
      return b[i + 1] === LF ? i + 2 : i + 1;
    }
    fieldStart = c === delimiter;
    i++;
  }
  return final ? end : -1;
}

/** A syntax error found by {@link scanRecord}, `breaks` line breaks after the record's first line. */
export class RecordSyntaxError extends SyntaxError {
  constructor(
    readonly breaks: number,
    message: string,
  ) {
    super(message);
  }
}

/** Skips empty lines from `i`: the index of the next record (or `b.length`) and the breaks skipped. */
export function skipEmptyLines(b: Uint8Array, i: number): { pos: number; breaks: number } {
  let breaks = 0;
  while (i < b.length && (b[i] === LF || b[i] === CR)) {
    i += b[i] === CR && b[i + 1] === LF ? 2 : 1;
    breaks++;
  }
  return { pos: i, breaks };
}

/** Finding a byte in a Uint8Array (first or last, `indexOf` from `from`), -1 if absent. */
export interface ByteSearch {
  indexOf(b: Uint8Array, byte: number, from?: number): number;
  lastIndexOf(b: Uint8Array, byte: number): number;
}

const TYPED_ARRAY_SEARCH: ByteSearch = {
  indexOf: (b, byte, from) => b.indexOf(byte, from),
  lastIndexOf: (b, byte) => b.lastIndexOf(byte),
};

/**
 * Finds record boundaries in a byte stream cut anywhere, so pieces can be parsed independently
 * (by worker threads). It reads quotes as the parser does (RFC 4180): a `"` opens a quoted field
 * only at a field's start (after a delimiter, a line break or the first byte); elsewhere it is
 * a literal character, so a stray `"` in an unquoted field never makes the rest of the input look
 * quoted. Pieces without a quote byte (the usual case) are cut with a native `lastIndexOf`, and
 * quotes are found with `indexOf`: never a byte-by-byte loop.
 */
export class RecordCutter {
  private inQuotes = false;
  /** The previous chunk ended on a `"` inside a quoted field: a closing quote or half of `""`. */
  private quoteAtEnd = false;
  /** The byte before the chunk (a line break at the start: a record starts there). */
  private previous = LF;

  /**
   * @param search byte search over a Uint8Array (default: its own `indexOf`/`lastIndexOf`; Node
   *   passes Buffer's, which are memchr-fast: ~20× quicker on a 2 MB piece)
   * @param delimiter the field delimiter byte (default `,`)
   */
  constructor(
    private readonly search: ByteSearch = TYPED_ARRAY_SEARCH,
    private readonly delimiter = 0x2c,
  ) {}

  /**
   * @returns an index in `b` where a record starts (everything before it is whole records),
   *   or -1 if there is none; the state then reflects all of `b`
   */
  cut(b: Uint8Array): number {
    const n = b.length;
    if (n === 0) return -1;
    const previous = this.previous;
    this.previous = b[n - 1];
    // A CR that ended the previous chunk, not followed by LF, ended a line: a record starts here.
    const atStart = previous === CR && b[0] !== LF && !this.inQuotes ? 0 : -1;
    if (!this.inQuotes && this.search.indexOf(b, QUOTE) < 0) return Math.max(atStart, lastBreak(b, 0, n, this.search));
    let last = atStart;
    /** Start of the stretch outside quotes being looked at. */
    let from = 0;
    let i = 0;
    if (this.quoteAtEnd) {
      this.quoteAtEnd = false;
      if (b[0] === QUOTE)
        i = 1; // `""`: an escaped quote, still inside
      else this.inQuotes = false; // it closed the field
    }
    while (i < n) {
      const q = this.search.indexOf(b, QUOTE, i);
      if (this.inQuotes) {
        if (q < 0) return last;
        if (q + 1 >= n) {
          this.quoteAtEnd = true;
          return last;
        }
        if (b[q + 1] === QUOTE) {
          i = q + 2;
        } else {
          this.inQuotes = false;
          from = i = q + 1;
        }
      } else {
        if (q < 0) break;
        const before = q > 0 ? b[q - 1] : previous;
        if (before === this.delimiter || before === LF || before === CR) {
          last = Math.max(last, lastBreak(b, from, q, this.search));
          this.inQuotes = true;
        }
        i = q + 1;
      }
    }
    return this.inQuotes || this.quoteAtEnd ? last : Math.max(last, lastBreak(b, from, n, this.search));
  }
}

/**
 * The last cut point in `b[from, to)`: after its last LF, else after its last CR, or before it
 * when it is the last byte (it may be the first half of a CRLF, which must not be split); -1 if
 * neither.
 */
function lastBreak(b: Uint8Array, from: number, to: number, search: ByteSearch): number {
  const sub = from === 0 && to === b.length ? b : b.subarray(from, to);
  const lf = search.lastIndexOf(sub, LF);
  if (lf >= 0) return from + lf + 1;
  const cr = search.lastIndexOf(sub, CR);
  if (cr < 0) return -1;
  // A CR before the chunk's last byte is a whole line break (the byte after it is no LF: in
  // `sub` an LF would have been found, and past `sub` comes a quote or nothing).
  if (from + cr + 1 < b.length) return from + cr + 1;
  return cr > 0 ? from + cr : -1;
}

const MORE = 0;
const UNCLOSED = 1;
const JUNK = 2;

/** Set by {@link readQuoted}: index after the field, line breaks inside it. */
const quoted = { end: 0, breaks: 0 };

/** A quoted field at `b[i]`: its text (or '' if not `wanted`), or MORE / UNCLOSED / JUNK. */
function readQuoted(b: Uint8Array, i: number, final: boolean, delimiter: number, wanted: boolean): string | number {
  const end = b.length;
  let breaks = 0;
  let j = i + 1;
  for (;;) {
    if (j >= end) return final ? UNCLOSED : MORE;
    const c = b[j];
    if (c === QUOTE) {
      if (j + 1 >= end && !final) return MORE;
      if (b[j + 1] === QUOTE) {
        j += 2;
        continue;
      }
      break;
    }
    if (c === LF || (c === CR && b[j + 1] !== LF)) breaks++;
    if (c === CR && j + 1 >= end && !final) return MORE;
    j++;
  }
  const after = j + 1 < end ? b[j + 1] : -1;
  quoted.breaks = breaks;
  if (after !== -1 && after !== delimiter && after !== LF && after !== CR) return JUNK;
  quoted.end = j + 1;
  return wanted ? decode(b, i + 1, j).replaceAll('""', '"') : '';
}

/** UTF-8 text of `b[from, to)`; ASCII (the usual case) without a decoder call. */
function decode(b: Uint8Array, from: number, to: number): string {
  if (to - from < 64) {
    let ascii = true;
    for (let i = from; i < to; i++) if (b[i] > 0x7f) ascii = false;
    if (ascii) return String.fromCharCode.apply(null, b.subarray(from, to) as unknown as number[]);
  }
  return utf8.decode(b.subarray(from, to));
}

/** A field's text as written, without its quotes. */
function unquoted(b: Uint8Array, from: number, to: number): string {
  return b[from] === QUOTE ? decode(b, from + 1, to - 1).replaceAll('""', '"') : decode(b, from, to);
}

function notANumber(column: string, text: string): string {
  return `column ${quote(column)}: ${quote(text)} is not a number`;
}

/** A field quoted for a message, cut short if long. */
export function quote(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}
