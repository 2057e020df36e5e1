/**
 * Parquet (https://parquet.apache.org/docs/file-format/), read here page by page: a label column
 * and numeric score columns, interleaved into row blocks. Memory follows a page per column, not
 * the row group or the file. Flat INT32/INT64/FLOAT/DOUBLE (and FLOAT16) columns, PLAIN,
 * dictionary, BYTE_STREAM_SPLIT and DELTA_BINARY_PACKED encodings, data pages v1 and v2, and the
 * codecs of src/io/codecs.ts. Reads from any random-access source: a file in Node, a `Blob` or a
 * URL in a browser.
 */
import { BLOCK_ROWS } from './arrow.js';
import type { RandomAccessFile, TableBlock, TableOptions } from './arrow.js';
import { CodecError, decompress, prepare } from './codecs.js';
import type { Codec } from './codecs.js';
import { blockNames } from './arrow.js';
import { LabelResolver, chooseColumns, failIn, interleave } from './columns.js';
import type { BufferSource, ColumnChoice, ColumnInfo, ColumnValues } from './columns.js';
import { InputError } from './errors.js';
import {
  BYTE_ARRAY,
  DOUBLE,
  FIXED_LEN_BYTE_ARRAY,
  FLOAT,
  INT32,
  INT64,
  PageError,
  FRESH,
  Scratch,
  byteStreamSplit,
  deltaBinaryPacked,
  deltaLengthTexts,
  deltaTexts,
  dictionaryIndices,
  dictionaryValues,
  hybrid,
  plain,
  plainTexts,
  textAt,
} from './parquet/pages.js';
import type { Leaf, Texts, Values } from './parquet/pages.js';
import { ThriftError, num, readStruct, str, struct, structs } from './parquet/thrift.js';
import type { ThriftStruct } from './parquet/thrift.js';

/** hyparquet's `AsyncBuffer`, which the page passes: `slice` resolves to the bytes `[start, end)`. */
export interface AsyncBuffer {
  byteLength: number;
  slice(start: number, end?: number): Promise<ArrayBuffer> | ArrayBuffer;
}

const CODECS: readonly Codec[] = ['UNCOMPRESSED', 'SNAPPY', 'GZIP', 'LZO', 'BROTLI', 'LZ4', 'ZSTD', 'LZ4_RAW'];
/** Footer bytes at most (schemas of many thousands of columns stay far below). */
const MAX_FOOTER_BYTES = 64 << 20;
/** One page, compressed or not, at most: pages are about 1 MiB as writers make them. */
const MAX_PAGE_BYTES = 256 << 20;
/** Column-chunk bytes read at a time: a few pages' worth. */
const WINDOW_BYTES = 1 << 20;

/** Integer logical types that are numbers (not dates, times or decimals): INT_8 … INT_64, UINT_8 … UINT_64. */
const INTEGER_CONVERSIONS = new Set([11, 12, 13, 14, 15, 16, 17, 18]);
const UNSIGNED_CONVERSIONS = new Set([11, 12, 13, 14]);

export interface Chunk {
  codec: Codec;
  start: number;
  length: number;
  values: number;
}

/** A bad row found while decoding: the file's row and what is wrong with it (an {@link InputError} all the same). */
export class RowError extends InputError {
  constructor(
    name: string,
    readonly row: number,
    readonly detail: string,
  ) {
    super(`${name}: row ${row}: ${detail}`);
  }
}

/** Options of {@link readParquet} beyond every table reader's. */
export interface ParquetOptions extends TableOptions {
  /**
   * Hand row groups on undecoded, as {@link RowGroupPiece}s (their column chunks read, not
   * decompressed), for {@link decodeRowGroup} on another thread. Row groups larger than
   * {@link MAX_PIECE_BYTES} are still decoded here, page by page.
   */
  pieces?: boolean;
}

/**
 * A row group's wanted column chunks as read from the file, with what decoding them needs:
 * plain data, so it moves to a worker thread (the chunks' buffers are moved, not copied).
 */
export interface RowGroupPiece {
  kind: 'row-group';
  name: string;
  firstRow: number;
  rows: number;
  /** The columns read (label first, if any), their chunks, and each chunk's bytes. */
  leaves: FooterLeaf[];
  chunks: Chunk[];
  bytes: Uint8Array[];
  choice: ColumnChoice;
  blockRows: number;
  /** As a {@link TableBlock} gives them. */
  columns: readonly string[];
  layout: ColumnChoice['layout'];
  names?: readonly string[];
}

/** A row group's column chunks held in memory at most, to be decoded elsewhere (larger ones stream). */
export const MAX_PIECE_BYTES = 24 << 20;

/**
 * Streams the rows of a Parquet file.
 * @throws InputError `NAME: …` on unreadable data, a missing label column, nulls, or no rows
 */
export function readParquet(
  source: AsyncBuffer | RandomAccessFile,
  options: TableOptions & { pieces?: false },
): AsyncGenerator<TableBlock, void, undefined>;
export function readParquet(
  source: AsyncBuffer | RandomAccessFile,
  options: ParquetOptions,
): AsyncGenerator<TableBlock | RowGroupPiece, void, undefined>;
export async function* readParquet(
  source: AsyncBuffer | RandomAccessFile,
  options: ParquetOptions,
): AsyncGenerator<TableBlock | RowGroupPiece, void, undefined> {
  const { name } = options;
  const file = randomAccess(source);
  const blockRows = options.blockRows ?? BLOCK_ROWS;
  const { leaves, groups } = await readFooter(file, name);
  const flat = leaves.filter((l) => l.top);
  const seen = new Set<string>();
  for (const l of flat) {
    if (seen.has(l.name))
      throw new InputError(`${name}: the column name ${JSON.stringify(l.name)} appears twice: rename one`);
    seen.add(l.name);
  }
  const choice = chooseColumns(flat.map(columnInfo), options, failIn(name));
  const read = choice.label === undefined ? choice.values : [choice.label, ...choice.values];
  const wanted = read.map((n) => flat.find((l) => l.name === n)!);
  const maxRows = Math.max(0, ...groups.map((g) => g.rows));
  let groupStart = 0;
  const decoder = new GroupDecoder(name, choice, wanted, Math.min(blockRows, maxRows), options.pool);
  let total = 0;
  const starts = groups.map((group) => {
    const start = total;
    total += group.rows;
    return start;
  });
  const chunksOf = (g: number) =>
    wanted.map((leaf) => chunkOf(groups[g].columns, leaf.index, file.size, name, starts[g]));
  const bytesOf = (chunks: Chunk[]) => chunks.reduce((sum, c) => sum + c.length, 0);
  const asPiece = (g: number, chunks: Chunk[]) =>
    options.pieces === true && bytesOf(chunks) <= MAX_PIECE_BYTES && groups[g].rows > 0;
  /** Row group `g` read as a piece, or undefined if it is to be decoded here; errors wait to be awaited. */
  const readPiece = async (g: number): Promise<RowGroupPiece | undefined> => {
    const chunks = chunksOf(g);
    if (!asPiece(g, chunks)) return undefined;
    for (const chunk of chunks) await prepare(chunk.codec);
    // The chunks one after another in one buffer: one to move to a thread and back, and to reuse.
    const size = bytesOf(chunks);
    const buffer = options.pool?.take(size) ?? new ArrayBuffer(size);
    const offsets = chunks.map((_, c) => bytesOf(chunks.slice(0, c)));
    // Read at once (the file system's threads take them side by side).
    const bytes = await Promise.all(
      chunks.map(async (c, i) => {
        const into = new Uint8Array(buffer, offsets[i], c.length);
        const got = await file.read(c.start, c.length, into);
        if (got.length !== c.length)
          throw new InputError(`${name}: row ${starts[g]}: the file ends inside a column chunk`);
        if (got.buffer !== buffer) into.set(got);
        return into;
      }),
    );
    return {
      kind: 'row-group',
      name,
      firstRow: starts[g],
      rows: groups[g].rows,
      leaves: wanted,
      chunks,
      bytes,
      choice,
      blockRows,
      columns: choice.values,
      layout: choice.layout,
      names: blockNames(choice, decoder.resolver),
    };
  };
  const ahead = (g: number) => {
    if (!options.pieces || g >= groups.length) return undefined;
    const read = readPiece(g);
    // Awaited when its turn comes; until then a failure must not count as unhandled.
    read.catch(() => undefined);
    return read;
  };
  let next = ahead(0);
  for (let g = 0; g < groups.length; g++) {
    const rows = groups[g].rows;
    const piece = await next;
    // The next row group is read while this one is scored.
    next = ahead(g + 1);
    if (piece) {
      yield piece;
    } else {
      const chunks = chunksOf(g);
      for (const chunk of chunks) await prepare(chunk.codec);
      const cursors = decoder.cursors(file, chunks, groupStart);
      for (let from = 0; from < rows; from += blockRows) {
        const n = Math.min(blockRows, rows - from);
        const nulls: number[] = [];
        for (let c = 0; c < wanted.length; c++) nulls.push(await cursors[c].fill(n, decoder.columnBlock(c, n), 0, 1));
        const block = decoder.block(cursors, nulls, n, groupStart + from);
        yield block;
        if (block.firstNull) {
          await next?.catch(() => undefined);
          return;
        }
      }
      for (const c of cursors) c.finish(rows);
    }
    groupStart += rows;
  }
  if (groupStart === 0) throw new InputError(`${name}: no data rows`);
}

/** Decoders' scratch memory on this thread, kept from one row group to the next (see {@link Scratch}). */
const pieceScratches: Scratch[] = [];

/**
 * The rows of a {@link RowGroupPiece}, block by block, decoded here (synchronously: the bytes
 * are in memory). The codecs must be loaded ({@link prepare}); zstd falls back to a pure
 * JavaScript decoder until its wasm module is.
 * @param seen given the piece's label rule (a binary task's negative class, as this piece finds it)
 * @throws RowError naming the file's row of a corrupt page, a bad label or a page that does not fit
 */
export function* decodeRowGroup(
  piece: RowGroupPiece,
  pool?: BufferSource,
  seen: { labels?: LabelResolver } = {},
): Generator<TableBlock, void, undefined> {
  const { name, choice, leaves, chunks, rows, firstRow, blockRows } = piece;
  while (pieceScratches.length < leaves.length) pieceScratches.push(new Scratch());
  const decoder = new GroupDecoder(name, choice, leaves, Math.min(blockRows, rows), pool, pieceScratches);
  seen.labels = decoder.resolver;
  const cursors = decoder.cursors(undefined, chunks, firstRow, piece.bytes);
  for (let from = 0; from < rows; from += blockRows) {
    const n = Math.min(blockRows, rows - from);
    const nulls = cursors.map((cursor, c) => cursor.fillSync(n, decoder.columnBlock(c, n), 0, 1));
    const block = decoder.block(cursors, nulls, n, firstRow + from);
    yield block;
    if (block.firstNull) return;
  }
  for (const c of cursors) c.finish(rows);
}

/** The shared part of decoding a row group: its column cursors and the blocks they fill. */
class GroupDecoder {
  readonly resolver: LabelResolver | undefined;
  /** Text labels are resolved to classes as their pages are decoded (once per dictionary entry). */
  private readonly textLabels: LabelResolver | undefined;
  private readonly labelled: number;
  private readonly scratches: Scratch[];

  constructor(
    private readonly name: string,
    private readonly choice: ColumnChoice,
    private readonly wanted: FooterLeaf[],
    blockLength: number,
    private readonly pool?: BufferSource,
    scratches?: Scratch[],
  ) {
    this.resolver = choice.labels && new LabelResolver(choice.labels);
    this.labelled = choice.label === undefined ? 0 : 1;
    this.textLabels = this.labelled === 1 && wanted[0].text ? this.resolver : undefined;
    // One set of buffers per column for the whole file.
    this.scratches = scratches ?? wanted.map(() => new Scratch());
    this.blockLength = blockLength;
  }

  private readonly blockLength: number;
  private columnBlocks: Array<Float64Array | Float32Array> = [];

  cursors(
    file: RandomAccessFile | undefined,
    chunks: Chunk[],
    groupStart: number,
    bytes?: Uint8Array[],
  ): ColumnCursor[] {
    return this.wanted.map(
      (leaf, c) =>
        new ColumnCursor(
          file,
          leaf,
          chunks[c],
          this.name,
          groupStart,
          this.scratches[c],
          c === 0 ? this.textLabels : undefined,
          bytes?.[c],
        ),
    );
  }

  /** Column `c`'s values for a block of `n` rows. */
  columnBlock(c: number, n: number): Float64Array | Float32Array {
    if (this.columnBlocks.length === 0) {
      // In the scratch memory too: a thread decodes row group after row group into the same arrays.
      const rows = this.blockLength;
      this.columnBlocks = this.wanted.map((_, i) =>
        i >= this.labelled && this.choice.float32
          ? new Float32Array(this.scratches[i].take('block', 4 * rows), 0, rows)
          : new Float64Array(this.scratches[i].take('block', 8 * rows), 0, rows),
      );
    }
    return this.columnBlocks[c].subarray(0, n);
  }

  /**
   * The block's rows, its columns filled (NaN at nulls; `nulls[c]` the first in column `c`, or
   * -1), interleaved as every columnar reader's are.
   */
  block(cursors: ColumnCursor[], nulls: number[], n: number, firstRow: number): TableBlock {
    const { choice, wanted, labelled, textLabels, name } = this;
    let firstNull: { row: number; column: string } | undefined;
    nulls.forEach((row, c) => {
      if (row >= 0 && (firstNull === undefined || row < firstNull.row)) firstNull = { row, column: wanted[c].name };
    });
    const bad = textLabels && cursors[0].bad;
    if (bad && (firstNull === undefined || bad.row <= firstNull.row))
      throw new RowError(name, firstRow + bad.row, textLabels.message(bad.text, bad.code));
    const values: ColumnValues[] = this.columnBlocks.map((b) => ({ values: b.subarray(0, n) }));
    // Rows after a null are never scored, so the block ends there.
    const end = firstNull ? firstNull.row + 1 : n;
    let block: ReturnType<typeof interleave>;
    try {
      block = interleave(
        labelled ? values[0] : undefined,
        values.slice(labelled),
        choice.values,
        choice.float32,
        0,
        end,
        firstRow,
        name,
        this.pool,
        textLabels ? undefined : this.resolver,
      );
    } catch (error) {
      // A numeric label that is no class, placed for the scorer (`NAME: row R: what`).
      const prefix = `${name}: row `;
      if (!(error instanceof InputError) || !error.message.startsWith(prefix)) throw error;
      const rest = error.message.slice(prefix.length);
      const colon = rest.indexOf(': ');
      throw new RowError(name, Number(rest.slice(0, colon)), rest.slice(colon + 2));
    }
    return {
      firstRow,
      ...block,
      columns: choice.values,
      layout: choice.layout,
      names: blockNames(choice, this.resolver),
      firstNull,
    };
  }
}

function randomAccess(source: AsyncBuffer | RandomAccessFile): RandomAccessFile {
  if ('read' in source && 'size' in source) return source;
  const buffer = source;
  return {
    size: buffer.byteLength,
    read: async (position, length) =>
      new Uint8Array(await buffer.slice(position, Math.min(buffer.byteLength, position + length))),
  };
}

function columnInfo(leaf: FooterLeaf): ColumnInfo {
  const numeric =
    leaf.physical === INT32 ||
    leaf.physical === INT64 ||
    leaf.physical === FLOAT ||
    leaf.physical === DOUBLE ||
    leaf.float16;
  return { name: leaf.name, numeric, float32: leaf.physical === FLOAT || leaf.float16, text: leaf.text };
}

export type FooterLeaf = Leaf & { index: number; top: boolean; numeric: boolean; text: boolean };

/** The footer: the schema's leaf columns (in column-chunk order) and the row groups. */
async function readFooter(
  file: RandomAccessFile,
  name: string,
): Promise<{ leaves: FooterLeaf[]; groups: Array<{ rows: number; columns: ThriftStruct[] }> }> {
  const size = file.size;
  const notParquet = (why: string): never => {
    throw new InputError(`${name}: not a Parquet file (${why})`);
  };
  if (size < 12) notParquet(`${size} bytes`);
  const head = await file.read(0, 4);
  const tail = await file.read(size - 8, 8);
  const magic = (b: Uint8Array, at: number) =>
    b[at] === 0x50 && b[at + 1] === 0x41 && b[at + 2] === 0x52 && b[at + 3] === 0x31; // PAR1
  if (!magic(head, 0)) notParquet('no PAR1 at its start');
  if (tail.length < 8 || !magic(tail, 4)) notParquet('no PAR1 at its end: truncated?');
  const length = new DataView(tail.buffer, tail.byteOffset, 4).getUint32(0, true);
  if (length > size - 12 || length > MAX_FOOTER_BYTES)
    throw new InputError(`${name}: byte ${size - 8}: a footer length (${length}) that does not fit the file`);
  const footerAt = size - 8 - length;
  try {
    const { value: meta } = readStruct(await file.read(footerAt, length));
    const schema = structs(meta, 2);
    if (schema.length === 0) throw new ThriftError('no schema');
    // Walk the schema tree (depth-first, as column chunks are ordered), noting top-level leaves.
    const leaves: FooterLeaf[] = [];
    let at = 1;
    const walk = (depth: number, repeatedAbove: boolean): void => {
      if (at >= schema.length) throw new ThriftError('the schema ends early');
      const element = schema[at++];
      const children = num(element, 5) ?? 0;
      const repetition = num(element, 3) ?? 0;
      if (children > 0) {
        if (children > schema.length - at) throw new ThriftError(`${children} children`);
        for (let c = 0; c < children; c++) walk(depth + 1, repeatedAbove || repetition === 2);
        return;
      }
      const physical = num(element, 1) ?? -1;
      const converted = num(element, 6);
      const logical = struct(element, 10);
      const integerLogical = logical ? struct(logical, 10) : undefined;
      const plainInteger =
        (physical === INT32 || physical === INT64) &&
        (converted === undefined || INTEGER_CONVERSIONS.has(converted)) &&
        (logical === undefined || integerLogical !== undefined);
      const float16 = physical === FIXED_LEN_BYTE_ARRAY && num(element, 2) === 2 && logical?.has(15) === true;
      const numeric = plainInteger || physical === FLOAT || physical === DOUBLE || float16;
      leaves.push({
        name: str(element, 4) ?? '',
        // Non-numeric leaves other than text are never decoded: -1 keeps them out of the choice.
        physical: numeric || physical === BYTE_ARRAY ? physical : -1,
        typeLength: num(element, 2) ?? 0,
        optional: repetition === 1,
        unsigned:
          (converted !== undefined && UNSIGNED_CONVERSIONS.has(converted)) ||
          (integerLogical !== undefined && integerLogical.get(2) === false),
        float16,
        index: leaves.length,
        top: depth === 0 && repetition !== 2 && !repeatedAbove,
        numeric,
        // BYTE_ARRAY: text, usable only as a label column.
        text: physical === BYTE_ARRAY,
      });
    };
    const rootChildren = num(schema[0], 5) ?? 0;
    for (let c = 0; c < rootChildren; c++) walk(0, false);
    const groups = structs(meta, 4).map((g) => {
      const rows = num(g, 3) ?? 0;
      const columns = structs(g, 1);
      if (rows < 0) throw new ThriftError(`a row group of ${rows} rows`);
      if (columns.length !== leaves.length)
        throw new ThriftError(`a row group of ${columns.length} columns for ${leaves.length} in the schema`);
      return { rows, columns };
    });
    return { leaves, groups };
  } catch (error) {
    if (error instanceof ThriftError)
      throw new InputError(`${name}: byte ${footerAt}: unreadable Parquet footer (${error.message})`);
    throw error;
  }
}

/** Where a column's chunk is in the file, and how it is compressed. */
function chunkOf(columns: ThriftStruct[], index: number, size: number, name: string, groupStart: number): Chunk {
  try {
    const column = columns[index];
    if (str(column, 1) !== undefined) throw new ThriftError('a column chunk in another file');
    const meta = struct(column, 3);
    if (!meta) throw new ThriftError('a column chunk without metadata');
    const codecId = num(meta, 4) ?? 0;
    const codec = CODECS[codecId];
    if (codec === undefined || codec === 'LZO')
      throw new InputError(
        `${name}: row ${groupStart}: compression codec ${codec ?? codecId} is not supported (write the file with zstd, snappy, gzip, brotli, lz4 or none)`,
      );
    const data = num(meta, 9) ?? -1;
    const dictionary = num(meta, 11);
    const start = dictionary !== undefined && dictionary > 0 && dictionary < data ? dictionary : data;
    const length = num(meta, 7) ?? -1;
    const values = num(meta, 5) ?? -1;
    if (start < 4 || length < 0 || start + length > size - 8)
      throw new ThriftError(`a column chunk (${start}, ${length} bytes) outside the file`);
    return { codec, start, length, values };
  } catch (error) {
    if (error instanceof ThriftError)
      throw new InputError(`${name}: row ${groupStart}: unreadable column chunk metadata (${error.message})`);
    throw error;
  }
}

/** One column of a row group, read page by page. */
class ColumnCursor {
  private position: number;
  private readonly end: number;
  private window: Uint8Array = new Uint8Array(0);
  private windowStart = 0;
  private dictionary?: Values;
  private page: Values = new Float64Array(0);
  private at = 0;
  /** Rows handed out so far (in the row group). */
  private rows = 0;
  /** A text label column: its dictionary, and each entry's class once resolved (NaN before). */
  private textDictionary?: Texts;
  private dictionaryClasses?: Float64Array;
  /** The page's first label that is not a class (its row in the page), or -1. */
  private badIndex = -1;
  private badText = '';
  /**
   * The first label handed out that is not a class: its row within the `fill` call that
   * handed it out, its text and its {@link LabelResolver} code.
   */
  bad?: { row: number; text: string; code: number };

  /**
   * @param memory the column chunk's bytes, all of them (then read with {@link fillSync})
   * @param labels for a text label column: the rule that turns its values into classes (the
   *   page then holds classes, NaN at nulls, negative codes at labels that are not classes)
   */
  constructor(
    /** The file, or undefined when `memory` holds the whole column chunk. */
    private readonly file: RandomAccessFile | undefined,
    private readonly leaf: Leaf,
    private readonly chunk: Chunk,
    private readonly name: string,
    private readonly groupStart: number,
    private readonly scratch: Scratch,
    private readonly labels?: LabelResolver,
    memory?: Uint8Array,
  ) {
    this.position = chunk.start;
    this.end = chunk.start + chunk.length;
    if (memory) {
      this.window = memory;
      this.windowStart = chunk.start;
    }
  }

  private fail(message: string): never {
    throw new RowError(this.name, this.groupStart + this.rows, `column ${JSON.stringify(this.leaf.name)}: ${message}`);
  }

  /**
   * The next `n` values into `out` from `offset`, every `stride`, reading the file as needed.
   * @returns the first null's index among them, or -1
   */
  async fill(n: number, out: Float64Array | Float32Array, offset: number, stride: number): Promise<number> {
    const steps = this.fillSteps(n, out, offset, stride);
    for (let r = steps.next(); ; ) {
      if (r.done) return r.value;
      const [from, length] = r.value;
      const into = new Uint8Array(this.scratch.take('window', length), 0, length);
      r = steps.next(await this.file!.read(from, length, into));
    }
  }

  /** {@link fill} from a column chunk held whole in memory (given to the constructor). */
  fillSync(n: number, out: Float64Array | Float32Array, offset: number, stride: number): number {
    const r = this.fillSteps(n, out, offset, stride).next();
    if (!r.done) this.fail('the file ends inside the column chunk');
    return r.value;
  }

  /** The work of {@link fill}; yields the file ranges it needs read (the window's next contents). */
  private *fillSteps(
    n: number,
    out: Float64Array | Float32Array,
    offset: number,
    stride: number,
  ): Generator<[number, number], number, Uint8Array> {
    let done = 0;
    let firstNull = -1;
    while (done < n) {
      if (this.at === this.page.length) yield* this.nextPage();
      const m = Math.min(n - done, this.page.length - this.at);
      copy(this.page, this.at, m, out, offset + done * stride, stride);
      if (this.badIndex >= this.at && this.badIndex < this.at + m && this.bad === undefined) {
        const code = this.page[this.badIndex];
        this.bad = { row: done + this.badIndex - this.at, text: this.badText, code };
      }
      if (firstNull < 0 && this.nulls) {
        for (let i = 0; i < m; i++) {
          if (this.nulls[this.at + i] === 0) {
            firstNull = done + i;
            break;
          }
        }
      }
      this.at += m;
      this.rows += m;
      done += m;
    }
    return firstNull;
  }

  /** The page's definition levels (1 present, 0 null), when it has a null. */
  private nulls?: Uint8Array;

  /** After the row group's rows: its column chunk must be used up. */
  finish(rows: number): void {
    if (this.at !== this.page.length || this.rows !== rows)
      this.fail(`the column chunk holds more values than the row group's ${rows} rows`);
  }

  /**
   * Bytes `[from, from + n)` of the file (the column chunk), through the window; yields the
   * range to read into it when they are not there. The window's buffer is used again: the page
   * read from the last one has been consumed.
   */
  private *bytes(from: number, n: number): Generator<[number, number], Uint8Array, Uint8Array> {
    if (from >= this.windowStart && from + n <= this.windowStart + this.window.length) {
      return this.window.subarray(from - this.windowStart, from - this.windowStart + n);
    }
    const length = Math.min(this.end - from, Math.max(n, WINDOW_BYTES));
    this.window = yield [from, length];
    this.windowStart = from;
    if (this.window.length < n) this.fail('the file ends inside the column chunk');
    return this.window.subarray(0, n);
  }

  private *nextPage(): Generator<[number, number], void, Uint8Array> {
    for (;;) {
      if (this.position >= this.end) this.fail("the column chunk ends before the row group's rows");
      let header: ThriftStruct | undefined;
      let headerEnd = 0;
      for (let want = Math.min(256, this.end - this.position); ; want = Math.min(this.end - this.position, want * 4)) {
        const bytes = yield* this.bytes(this.position, want);
        try {
          const parsed = readStruct(bytes);
          header = parsed.value;
          headerEnd = this.position + parsed.end;
          break;
        } catch (error) {
          if (!(error instanceof ThriftError)) throw error;
          if (!error.truncated || want >= this.end - this.position || want > MAX_PAGE_BYTES)
            this.fail(`unreadable page header (${error.message})`);
        }
      }
      let type: number;
      let compressed: number;
      let uncompressed: number;
      try {
        type = num(header, 1) ?? -1;
        uncompressed = num(header, 2) ?? -1;
        compressed = num(header, 3) ?? -1;
      } catch (error) {
        if (error instanceof ThriftError) this.fail(`unreadable page header (${error.message})`);
        throw error;
      }
      if (compressed < 0 || headerEnd + compressed > this.end || compressed > MAX_PAGE_BYTES)
        this.fail(`a page of ${compressed} bytes that does not fit its column chunk`);
      if (uncompressed < 0 || uncompressed > MAX_PAGE_BYTES) this.fail(`a page claiming ${uncompressed} bytes`);
      const body = yield* this.bytes(headerEnd, compressed);
      this.position = headerEnd + compressed;
      try {
        if (type === 2) {
          const dict = struct(header, 7);
          const count = dict ? (num(dict, 1) ?? -1) : -1;
          const encoding = dict ? (num(dict, 2) ?? 0) : 0;
          if (count < 0 || (encoding !== 0 && encoding !== 2)) this.fail('a bad dictionary page header');
          if (this.labels) {
            this.textDictionary = plainTexts(this.inflate(body, uncompressed).slice(), 0, count);
            this.dictionaryClasses = new Float64Array(count).fill(Number.NaN);
            continue;
          }
          // Its own memory: it outlives the scratch buffers of the pages that use it.
          this.dictionary = plain(this.inflate(body, uncompressed).slice(), 0, count, this.leaf, FRESH);
          continue;
        }
        if (type === 0) return this.pageV1(header, this.inflate(body, uncompressed));
        if (type === 3) return this.pageV2(header, body, uncompressed);
        // Index pages and unknown kinds carry no values.
      } catch (error) {
        if (error instanceof PageError || error instanceof CodecError || error instanceof ThriftError)
          this.fail(error.message);
        throw error;
      }
    }
  }

  private inflate(body: Uint8Array, length: number): Uint8Array {
    if (this.chunk.codec === 'UNCOMPRESSED' && body.length !== length)
      throw new PageError(`an uncompressed page of ${body.length} bytes claiming ${length}`);
    return decompress(this.chunk.codec, body, length, this.scratch.take('inflate', length));
  }

  private pageV1(header: ThriftStruct, page: Uint8Array): void {
    const h = struct(header, 5);
    if (!h) throw new PageError('a data page without its header');
    const count = num(h, 1) ?? -1;
    const encoding = num(h, 2) ?? 0;
    this.checkCount(count);
    let at = 0;
    let defined: Uint8Array | undefined;
    if (this.leaf.optional) {
      if (page.length < 4) throw new PageError('the definition levels are missing');
      const length = new DataView(page.buffer, page.byteOffset, 4).getUint32(0, true);
      if (4 + length > page.length) throw new PageError('the definition levels run past the page');
      defined = new Uint8Array(this.scratch.take('levels', count), 0, count);
      hybrid(page, 4, 4 + length, 1, count, defined);
      at = 4 + length;
    }
    this.setPage(page, at, count, encoding, defined);
  }

  private pageV2(header: ThriftStruct, body: Uint8Array, uncompressed: number): void {
    const h = struct(header, 8);
    if (!h) throw new PageError('a data page v2 without its header');
    const count = num(h, 1) ?? -1;
    const encoding = num(h, 4) ?? 0;
    const defLength = num(h, 5) ?? 0;
    const repLength = num(h, 6) ?? 0;
    const isCompressed = h.get(7) !== false;
    this.checkCount(count);
    if (defLength < 0 || repLength < 0 || defLength + repLength > body.length)
      throw new PageError('levels longer than the page');
    let defined: Uint8Array | undefined;
    if (this.leaf.optional) {
      defined = new Uint8Array(this.scratch.take('levels', count), 0, count);
      hybrid(body, repLength, repLength + defLength, 1, count, defined);
    }
    const levels = repLength + defLength;
    const rest = body.subarray(levels);
    const values = isCompressed ? this.inflate(rest, uncompressed - levels) : rest;
    this.setPage(values, 0, count, encoding, defined);
  }

  private checkCount(count: number): void {
    if (count < 0 || count > this.chunk.values)
      throw new PageError(`a page of ${count} values in a column chunk of ${this.chunk.values}`);
  }

  /** Decodes a page's values; with definition levels, NaN where a value is missing. */
  private setPage(
    bytes: Uint8Array,
    at: number,
    count: number,
    encoding: number,
    defined: Uint8Array | undefined,
  ): void {
    this.badIndex = -1;
    if (this.labels) {
      this.setLabelPage(bytes, at, count, encoding, defined);
      return;
    }
    let present = count;
    let firstNull = -1;
    if (defined) {
      present = 0;
      for (let i = 0; i < count; i++) {
        if (defined[i] === 1) present++;
        else if (firstNull < 0) firstNull = i;
      }
    }
    let values: Values;
    switch (encoding) {
      case 0:
        values = plain(bytes, at, present, this.leaf, this.scratch);
        break;
      case 2:
      case 8:
        if (!this.dictionary) throw new PageError('dictionary-encoded values without a dictionary page');
        values = dictionaryValues(bytes, at, present, this.dictionary, this.scratch);
        break;
      case 9:
        values = byteStreamSplit(bytes, at, present, this.leaf, this.scratch);
        break;
      case 5:
        if (this.leaf.physical !== INT32 && this.leaf.physical !== INT64)
          throw new PageError('DELTA_BINARY_PACKED on a non-integer column');
        values = deltaBinaryPacked(bytes, at, present, this.leaf);
        break;
      default:
        throw new PageError(`value encoding ${encoding} is not supported`);
    }
    if (firstNull >= 0) {
      // Spread the present values over the rows, NaN at the nulls.
      const full = new Float64Array(this.scratch.take('expand', 8 * count), 0, count);
      for (let i = 0, j = 0; i < count; i++) full[i] = defined![i] === 1 ? values[j++] : NaN;
      values = full;
    }
    this.page = values;
    this.at = 0;
    this.nulls = firstNull >= 0 ? defined : undefined;
  }

  /** Text labels seen in plain pages, with their classes. */
  private readonly textClasses = new Map<string, number>();

  /**
   * A page of text labels as classes, in row order (so a binary task's negative class is the
   * first other label in the file): NaN at nulls, a negative code (noted in `badIndex`) at a
   * label that is not a class.
   */
  private setLabelPage(
    bytes: Uint8Array,
    at: number,
    count: number,
    encoding: number,
    defined: Uint8Array | undefined,
  ): void {
    const resolver = this.labels!;
    let present = count;
    if (defined) {
      present = 0;
      for (let i = 0; i < count; i++) present += defined[i];
    }
    const classes = new Float64Array(this.scratch.take('classes', 8 * count), 0, count);
    const firstRow = this.groupStart + this.rows;
    let hasNull = false;
    const note = (i: number, code: number, text: () => string) => {
      if (code < 0 && this.badIndex < 0) {
        this.badIndex = i;
        this.badText = text();
      }
    };
    if (encoding === 2 || encoding === 8) {
      const dictionary = this.textDictionary;
      const known = this.dictionaryClasses!;
      if (!dictionary) throw new PageError('dictionary-encoded values without a dictionary page');
      const indices = dictionaryIndices(bytes, at, present, known.length, this.scratch);
      for (let i = 0, j = 0; i < count; i++) {
        if (defined && defined[i] === 0) {
          classes[i] = Number.NaN;
          hasNull = true;
          continue;
        }
        const index = indices[j++];
        let code = known[index];
        if (Number.isNaN(code)) {
          code = resolver.ofText(textAt(dictionary, index), firstRow + i);
          known[index] = code;
        }
        classes[i] = code;
        if (code < 0) note(i, code, () => textAt(dictionary, index));
      }
    } else {
      let texts: Texts;
      if (encoding === 0) texts = plainTexts(bytes, at, present);
      else if (encoding === 6) texts = deltaLengthTexts(bytes, at, present);
      else if (encoding === 7) texts = deltaTexts(bytes, at, present);
      else throw new PageError(`value encoding ${encoding} is not supported for text`);
      const cache = this.textClasses;
      for (let i = 0, j = 0; i < count; i++) {
        if (defined && defined[i] === 0) {
          classes[i] = Number.NaN;
          hasNull = true;
          continue;
        }
        const text = textAt(texts, j++);
        let code = cache.get(text);
        if (code === undefined) {
          code = resolver.ofText(text, firstRow + i);
          if (cache.size >= TEXT_CACHE_SIZE) cache.clear();
          cache.set(text, code);
        }
        classes[i] = code;
        if (code < 0) note(i, code, () => text);
      }
    }
    this.page = classes;
    this.at = 0;
    this.nulls = hasNull ? defined : undefined;
  }
}

/** Plain-encoded labels resolved so far (cleared when it grows: a class's code never changes once given). */
const TEXT_CACHE_SIZE = 4096;

/** `m` values of `page` from `at` into `out` from `offset`, every `stride`. */
function copy(
  page: Values,
  at: number,
  m: number,
  out: Float64Array | Float32Array,
  offset: number,
  stride: number,
): void {
  // One loop per array pair, so each stays monomorphic.
  if (page instanceof Float64Array && out instanceof Float64Array) copy64(page, at, m, out, offset, stride);
  else if (page instanceof Float32Array && out instanceof Float32Array) copy32(page, at, m, out, offset, stride);
  else for (let i = 0, o = offset; i < m; i++, o += stride) out[o] = page[at + i];
}

function copy64(page: Float64Array, at: number, m: number, out: Float64Array, offset: number, stride: number): void {
  for (let i = 0, o = offset; i < m; i++, o += stride) out[o] = page[at + i];
}

function copy32(page: Float32Array, at: number, m: number, out: Float32Array, offset: number, stride: number): void {
  for (let i = 0, o = offset; i < m; i++, o += stride) out[o] = page[at + i];
}
