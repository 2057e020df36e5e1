/**
 * Apache Arrow IPC (https://arrow.apache.org/docs/format/Columnar.html#serialization-and-interprocess-communication-ipc),
 * file or stream format, read here one record batch at a time: a label column and numeric score
 * columns, interleaved into row blocks. The framing is checked as it is read (message lengths and
 * buffer ranges against what the message and the file hold), so a corrupt file is one error
 * message, never an endless read. Integer, float (half, single, double) and dictionary-encoded
 * numeric columns are read; buffers may be LZ4- or zstd-compressed.
 */
import { FlatTable, FlatbufferError } from './arrow-flatbuffer.js';
import { ByteReader } from './bytes.js';
import { CodecError, decompress, prepare } from './codecs.js';
import { LabelResolver, chooseColumns, failIn, interleave } from './columns.js';
import type {
  BufferSource,
  ColumnChoice,
  ColumnInfo,
  ColumnRequest,
  ColumnValues,
  Layout as RowLayout,
} from './columns.js';
import { InputError } from './errors.js';

export interface TableOptions extends ColumnRequest {
  /** Name in messages. */
  name: string;
  /** Rows per block at most (default 65536): a huge record batch is handed on in slices. */
  blockRows?: number;
  /** Memory for the blocks (default: fresh arrays). */
  pool?: BufferSource;
}

/** Rows of a columnar file, with the columns chosen. */
export interface TableBlock {
  firstRow: number;
  /** 0-based classes (binary: 1 positive, 0 negative); zeros for multilabel. */
  labels: Float64Array;
  /** Rows of values laid out as `layout` says. */
  scores: Float32Array | Float64Array;
  /** The value columns of a row. */
  columns: readonly string[];
  /** What the values of a row are (scores, `y_*` targets, weight). */
  layout: RowLayout;
  /** Class names in column order (binary: negative, then positive, the negative once seen). */
  names?: readonly string[];
  /**
   * The block's first null (row within the block, column name), if it has one; its values are
   * NaN there. The reader stops after such a block: the scorer reports an earlier bad row of the
   * block, or else the null.
   */
  firstNull?: { row: number; column: string };
}

export const BLOCK_ROWS = 65536;

/** Random access to a file (a Node file handle, a browser `Blob`). */
export interface RandomAccessFile {
  size: number;
  /**
   * `length` bytes at `position`, in `into` if given (then the reader is done with its last
   * contents) or in a buffer of their own; fewer only at the end of the file.
   */
  read(position: number, length: number, into?: Uint8Array): Promise<Uint8Array>;
}

export type ArrowSource = Uint8Array | RandomAccessFile | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/** Metadata of one message at most: schemas of thousands of columns stay far below. */
const MAX_METADATA_BYTES = 64 << 20;
/** One record batch body at most: it is read whole (write smaller batches to stream). */
const MAX_BODY_BYTES = 1 << 30;
const MAGIC = [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31]; // ARROW1

/** What a column's buffers hold, as far as this reader goes. */
type Kind =
  | { kind: 'int'; bits: number; signed: boolean }
  | { kind: 'float'; bits: 16 | 32 | 64 }
  | { kind: 'text'; large: boolean }
  | { kind: 'other' };

interface Column {
  name: string;
  kind: Kind;
  /** Dictionary-encoded: the dictionary's id and the index type. */
  dictionary?: { id: number; index: Kind & { kind: 'int' } };
  /** Index of its node and first buffer in a record batch. */
  node: number;
  buffer: number;
  /** Index among the view-typed fields (their buffer counts are per batch). */
  views: number[];
}

interface Layout {
  columns: Column[];
  nodes: number;
  /** Buffers of fields without view types; view fields add their batch's variadic counts. */
  fixedBuffers: number;
  /** Dictionaries by id: their value type. */
  dictionaries: Map<number, Kind>;
}

/** Decoded values of a numeric column for one batch. */
type Values =
  | Float64Array
  | Float32Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

interface ColumnData {
  values: Values;
  kind: Kind;
  /** Validity bits, if the column has nulls here. */
  valid?: Uint8Array;
  /** For a dictionary column: the dictionary's values (the `values` above are indices). */
  dictionary?: Dictionary;
  /** A text column's values (null where missing). */
  strings?: Array<string | null>;
}

/** A dictionary's values: numbers, or strings for text. */
interface Dictionary {
  values: Values;
  kind: Kind;
  strings?: string[];
}

/** Sequential reads of exact lengths, wherever the bytes come from. */
interface Input {
  position: number;
  size?: number;
  /** `reuse`: into the buffer of the last such read (its contents are no longer needed). */
  read(n: number, reuse?: boolean): Promise<Uint8Array>;
}

/**
 * Streams the rows of an Arrow IPC source.
 * @throws InputError `NAME: …` on unreadable data, a missing label column, nulls, or no rows
 */
export async function* readArrow(
  source: ArrowSource,
  options: TableOptions,
): AsyncGenerator<TableBlock, void, undefined> {
  try {
    yield* readBlocks(source, options);
  } catch (error) {
    // A corrupt value the checks along the way did not place (an offset inside a table).
    if (error instanceof FlatbufferError)
      throw new InputError(`${options.name}: unreadable Arrow metadata (${error.message})`);
    throw error;
  }
}

async function* readBlocks(source: ArrowSource, options: TableOptions): AsyncGenerator<TableBlock, void, undefined> {
  const { name } = options;
  const blockRows = options.blockRows ?? BLOCK_ROWS;
  const input = inputOf(source);
  const bad = (message: string, at = input.position): never => {
    throw new InputError(`${name}: byte ${at}: ${message}`);
  };
  let end = input.size;
  const lead = await input.read(8);
  let pending: Uint8Array | undefined;
  let layout: Layout | undefined;
  let choice: ColumnChoice | undefined;
  let resolver: LabelResolver | undefined;
  const useSchema = (schema: FlatTable, at: number) => {
    layout = schemaLayout(schema, name, at);
    const infos = layout.columns.map(columnInfo);
    const seen = new Set<string>();
    for (const c of infos) {
      if (seen.has(c.name))
        throw new InputError(`${name}: the column name ${JSON.stringify(c.name)} appears twice: rename one`);
      seen.add(c.name);
    }
    choice = chooseColumns(infos, options, failIn(name));
    resolver = choice.labels && new LabelResolver(choice.labels);
  };
  let fromFooter = false;
  const fileMagic = lead.length >= 6 && MAGIC.every((m, i) => lead[i] === m);
  if (fileMagic) {
    if (input.size !== undefined) {
      // The file format's schema is in its footer (writers need not repeat it as a message).
      const footer = await readFooter(source as RandomAccessFile | Uint8Array, input.size, name);
      end = footer.end;
      useSchema(footer.schema, footer.end);
      fromFooter = true;
    }
  } else {
    pending = lead;
  }
  const dictionaries = new Map<number, Dictionary>();
  let firstRow = 0;
  for (;;) {
    const start = input.position - (pending?.length ?? 0);
    if (end !== undefined && start >= end) break;
    const message = await readMessage(input, pending, end, bad);
    pending = undefined;
    if (message === undefined) break;
    const { header, type, body, bodyStart } = message;
    if (type === 1) {
      if (fromFooter) {
        fromFooter = false;
        continue;
      }
      if (layout) bad('a second schema message', start);
      useSchema(header, start);
      continue;
    }
    fromFooter = false;
    if (!layout || !choice)
      return bad(
        fileMagic
          ? 'an Arrow file whose schema is only in its footer: give it as a file, not a stream'
          : 'a record batch before the schema',
        start,
      );
    if (type === 2) {
      const id = header.int64(0);
      const kind = layout.dictionaries.get(id);
      const data = header.table(1);
      if (kind === undefined || !data) {
        bad(`a dictionary batch for an unknown dictionary ${id}`, start);
        continue;
      }
      const compression = data.table(3);
      if (compression) await prepare(compression.int8(0) === 0 ? 'LZ4_FRAME' : 'ZSTD');
      const dictionary = dictionaryValues(data, kind, body, bodyStart, bad);
      const old = dictionaries.get(id);
      if (header.bool(2) && old) {
        const { values } = dictionary;
        const joined = new (values.constructor as new (n: number) => Values)(old.values.length + values.length);
        joined.set(old.values as never);
        joined.set(values as never, old.values.length);
        const strings = old.strings && dictionary.strings ? [...old.strings, ...dictionary.strings] : undefined;
        dictionaries.set(id, { values: joined, kind, strings });
      } else {
        dictionaries.set(id, dictionary);
      }
      continue;
    }
    if (type !== 3) bad(`an unexpected message (header type ${type})`, start);
    const rows = header.int64(0);
    const compression = header.table(3);
    if (compression) await prepare(compression.int8(0) === 0 ? 'LZ4_FRAME' : 'ZSTD');
    const read = choice.label === undefined ? choice.values : [choice.label, ...choice.values];
    const wanted = read.map((n) => layout!.columns.find((c) => c.name === n)!);
    const data = wanted.map((column) => columnData(column, layout!, header, body, bodyStart, rows, dictionaries, bad));
    const all = data.map((d, c) => columnValues(d, rows, wanted[c].name, firstRow, name));
    const label = choice.label === undefined ? undefined : all[0];
    const values = choice.label === undefined ? all : all.slice(1);
    for (let from = 0; from < rows; from += blockRows) {
      const to = Math.min(rows, from + blockRows);
      const firstNull = firstNullIn(data, wanted, from, to);
      // Nulls are NaN here and named through firstNull (after any earlier bad row), never thrown;
      // rows after a null are never scored, so the block ends there.
      const end = firstNull ? from + firstNull.row + 1 : to;
      const block = interleave(
        label,
        values,
        choice.values,
        choice.float32,
        from,
        end,
        firstRow,
        name,
        options.pool,
        resolver,
      );
      yield {
        firstRow: firstRow + from,
        ...block,
        columns: choice.values,
        layout: choice.layout,
        names: blockNames(choice, resolver),
        firstNull,
      };
      if (firstNull) return;
    }
    firstRow += rows;
  }
  if (!layout) throw new InputError(`${name}: not an Arrow IPC file or stream (no schema message)`);
  if (firstRow === 0) throw new InputError(`${name}: no data rows`);
}

function inputOf(source: ArrowSource): Input {
  if (source instanceof Uint8Array) {
    const input: Input = {
      position: 0,
      size: source.length,
      read: async (n) => {
        const out = source.subarray(input.position, input.position + n);
        input.position += out.length;
        return out;
      },
    };
    return input;
  }
  if ('read' in source && 'size' in source) {
    const file = source;
    // Record batch bodies are read into one buffer again and again: fresh memory costs a page
    // fault per 4 KiB (src/io/recycle.ts), and a body is done with once its blocks are made.
    let body = new ArrayBuffer(0);
    const input: Input = {
      position: 0,
      size: file.size,
      read: async (n, reuse) => {
        const length = Math.min(n, Math.max(0, file.size - input.position));
        if (reuse && body.byteLength < length) body = new ArrayBuffer(length);
        const out = await file.read(input.position, length, reuse ? new Uint8Array(body, 0, length) : undefined);
        input.position += out.length;
        return out;
      },
    };
    return input;
  }
  const reader = new ByteReader(source);
  return {
    get position() {
      return reader.position;
    },
    set position(_: number) {
      /* read-only */
    },
    read: (n) => reader.read(n),
  };
}

/** The class names a block's labels refer to (binary: negative, then positive). */
export function blockNames(choice: ColumnChoice, resolver: LabelResolver | undefined): string[] | undefined {
  if (!choice.labels) return undefined;
  if (choice.layout.task === 'binary') return [resolver?.negative ?? '', choice.labels.names[0]];
  return choice.labels.names;
}

/**
 * The file format's footer, which the last 10 bytes locate: its schema, and where the messages
 * before it end.
 */
async function readFooter(
  source: RandomAccessFile | Uint8Array,
  size: number,
  name: string,
): Promise<{ end: number; schema: FlatTable }> {
  const at = (position: number, length: number) =>
    source instanceof Uint8Array ? source.slice(position, position + length) : source.read(position, length);
  const tail = size >= 18 ? await at(size - 10, 10) : new Uint8Array(0);
  if (tail.length < 10 || !MAGIC.every((m, i) => tail[4 + i] === m)) {
    throw new InputError(`${name}: not a whole Arrow IPC file (no ARROW1 at its end: truncated?)`);
  }
  const length = new DataView(tail.buffer, tail.byteOffset, 4).getInt32(0, true);
  const end = size - 10 - length;
  if (length <= 0 || end < 8 || length > MAX_METADATA_BYTES) {
    throw new InputError(`${name}: byte ${size - 10}: a footer length (${length}) that does not fit the file`);
  }
  try {
    const schema = FlatTable.root(await at(end, length)).table(1);
    if (!schema) throw new FlatbufferError('no schema');
    return { end, schema };
  } catch (error) {
    if (error instanceof FlatbufferError)
      throw new InputError(`${name}: byte ${end}: unreadable Arrow footer (${error.message})`);
    throw error;
  }
}

/** One encapsulated message (continuation marker, metadata length, metadata, body), or undefined at the end. */
async function readMessage(
  input: Input,
  pending: Uint8Array | undefined,
  end: number | undefined,
  bad: (m: string, at?: number) => never,
): Promise<{ type: number; header: FlatTable; body: Uint8Array; bodyStart: number } | undefined> {
  const start = input.position - (pending?.length ?? 0);
  const prefix = pending ?? (await input.read(8));
  if (prefix.length < 8 && prefix.length > 0 && prefix.length < 4)
    bad('the stream ends inside a message length', start);
  if (prefix.length === 0) return undefined;
  const view = new DataView(prefix.buffer, prefix.byteOffset, prefix.length);
  let length: number;
  let metaStart: number;
  if (view.getUint32(0, true) === 0xffffffff) {
    if (prefix.length < 8) bad('the stream ends inside a message length', start);
    length = view.getInt32(4, true);
    metaStart = 8;
  } else {
    // Before Arrow 0.15 the length came without the continuation marker.
    length = view.getInt32(0, true);
    metaStart = 4;
  }
  if (length === 0) return undefined;
  const limit = end === undefined ? MAX_METADATA_BYTES : Math.min(MAX_METADATA_BYTES, end - start - metaStart);
  if (length < 0 || length > limit)
    bad(`a message length (${length}) that does not fit ${end === undefined ? 'a message' : 'the file'}`, start);
  const have = prefix.subarray(metaStart);
  let metadata: Uint8Array;
  if (have.length >= length) {
    metadata = have.subarray(0, length);
  } else {
    const more = await input.read(length - have.length);
    if (more.length < length - have.length) bad('the stream ends inside a message', start);
    metadata = new Uint8Array(length);
    metadata.set(have);
    metadata.set(more, have.length);
  }
  // Bytes already read past the metadata (only with an 8-byte prefix and a tiny length) start the body.
  const extra = have.length > length ? have.subarray(length) : new Uint8Array(0);
  let type: number;
  let header: FlatTable;
  let bodyLength: number;
  try {
    const message = FlatTable.root(metadata);
    type = message.uint8(1);
    header = message.table(2) ?? bad('a message without a header', start);
    bodyLength = message.int64(3);
  } catch (error) {
    if (error instanceof FlatbufferError) return bad(`unreadable Arrow message (${error.message})`, start);
    throw error;
  }
  const bodyStart = start + metaStart + length;
  const bodyLimit = end === undefined ? MAX_BODY_BYTES : Math.min(MAX_BODY_BYTES, end - bodyStart);
  if (bodyLength < 0 || bodyLength > bodyLimit) {
    bad(
      `a message body of ${bodyLength} bytes that does not fit ${end === undefined || bodyLength > MAX_BODY_BYTES ? `in ${MAX_BODY_BYTES} bytes (write smaller record batches)` : 'the file'}`,
      start,
    );
  }
  let body: Uint8Array;
  if (extra.length >= bodyLength) {
    body = extra.subarray(0, bodyLength);
  } else {
    const rest = await input.read(bodyLength - extra.length, extra.length === 0);
    if (rest.length < bodyLength - extra.length) bad('the data ends inside a record batch', bodyStart);
    if (extra.length === 0) {
      body = rest;
    } else {
      body = new Uint8Array(bodyLength);
      body.set(extra);
      body.set(rest, extra.length);
    }
  }
  return { type, header, body, bodyStart };
}

/** The columns of a schema message, where their nodes and buffers are in a record batch. */
function schemaLayout(schema: FlatTable, name: string, at: number): Layout {
  const layout: Layout = { columns: [], nodes: 0, fixedBuffers: 0, dictionaries: new Map() };
  let views = 0;
  const walk = (field: FlatTable, depth: number): Kind => {
    if (depth > 64) throw new FlatbufferError('fields nested more than 64 deep');
    const typeType = field.uint8(2);
    const type = field.table(3);
    const dictionary = field.table(4);
    layout.nodes++;
    let buffers: number;
    if (dictionary) {
      buffers = 2;
    } else {
      switch (typeType) {
        case 1:
          buffers = 0;
          break; // Null
        case 4:
        case 5:
        case 19:
        case 20:
          buffers = 3;
          break; // (Large)Binary, (Large)Utf8
        case 12:
        case 17:
        case 21:
          buffers = 2;
          break; // List, Map, LargeList
        case 13:
        case 16:
          buffers = 1;
          break; // Struct, FixedSizeList
        case 14:
          buffers = (type?.int16(0) ?? 0) === 1 ? 2 : 1;
          break; // Union: type ids (+ offsets when dense)
        case 22:
          buffers = 0;
          break; // RunEndEncoded
        case 23:
        case 24:
          buffers = 2;
          views++;
          break; // BinaryView, Utf8View: + variadic buffers
        case 25:
        case 26:
          buffers = 3;
          break; // ListView, LargeListView
        case 2:
        case 3:
        case 6:
        case 7:
        case 8:
        case 9:
        case 10:
        case 11:
        case 15:
        case 18:
          buffers = 2;
          break;
        default:
          throw new FlatbufferError(`a field of unknown type ${typeType}`);
      }
    }
    layout.fixedBuffers += buffers;
    for (const child of field.tables(5)) walk(child, depth + 1);
    return kindOf(typeType, type);
  };
  try {
    for (const field of schema.tables(1)) {
      const node = layout.nodes;
      const buffer = layout.fixedBuffers;
      const viewsBefore = views;
      const kind = walk(field, 0);
      // The variadic buffers of earlier view fields come before this one's.
      const column: Column = {
        name: field.string(0) ?? '',
        kind,
        node,
        buffer,
        views: Array.from({ length: viewsBefore }, (_, i) => i),
      };
      const dictionary = field.table(4);
      if (dictionary) {
        const index = dictionary.table(1);
        const indexKind: Kind = index
          ? { kind: 'int', bits: index.int32(0), signed: index.bool(1) }
          : { kind: 'int', bits: 32, signed: true };
        if (indexKind.kind !== 'int' || ![8, 16, 32, 64].includes(indexKind.bits))
          throw new FlatbufferError('a dictionary index that is not an integer type');
        const id = dictionary.int64(0);
        column.dictionary = { id, index: indexKind as Kind & { kind: 'int' } };
        layout.dictionaries.set(id, kind);
      }
      layout.columns.push(column);
    }
  } catch (error) {
    if (error instanceof FlatbufferError)
      throw new InputError(`${name}: byte ${at}: unreadable Arrow schema (${error.message})`);
    throw error;
  }
  return layout;
}

function kindOf(typeType: number, type: FlatTable | undefined): Kind {
  if (typeType === 5 || typeType === 20) return { kind: 'text', large: typeType === 20 };
  if (typeType === 2 && type) {
    const bits = type.int32(0);
    if ([8, 16, 32, 64].includes(bits)) return { kind: 'int', bits, signed: type.bool(1) };
  }
  if (typeType === 3 && type) {
    const precision = type.int16(0);
    return { kind: 'float', bits: precision === 0 ? 16 : precision === 1 ? 32 : 64 };
  }
  return { kind: 'other' };
}

/**
 * How the column choice sees a column. `text` marks a text column (plain or dictionary-encoded),
 * which can only be a label column (class names): its blocks' values are strings.
 */
function columnInfo(column: Column): ColumnInfo {
  const { kind } = column;
  const info = {
    name: column.name,
    numeric: kind.kind === 'int' || kind.kind === 'float',
    float32: kind.kind === 'float' && kind.bits !== 64,
    text: kind.kind === 'text',
  };
  return info;
}

/** A buffer of a record batch: decompressed if the batch is, checked against the body. */
function bufferAt(
  batch: FlatTable,
  index: number,
  body: Uint8Array,
  bodyStart: number,
  bad: (m: string, at?: number) => never,
): Uint8Array {
  const buffers = batch.vector(2, 16);
  if (index >= buffers.length)
    bad(`a record batch with ${buffers.length} buffers, ${index + 1} or more expected`, bodyStart);
  const offset = batch.int64At(buffers.start + 16 * index);
  const length = batch.int64At(buffers.start + 16 * index + 8);
  if (offset < 0 || length < 0 || offset + length > body.length) {
    bad(`a buffer (${offset}, ${length} bytes) outside its ${body.length}-byte record batch`, bodyStart);
  }
  const raw = body.subarray(offset, offset + length);
  const compression = batch.table(3);
  if (!compression || length === 0) return raw;
  const codec = compression.int8(0) === 0 ? 'LZ4_FRAME' : 'ZSTD';
  if (length < 8) bad('a compressed buffer shorter than its length prefix', bodyStart + offset);
  const view = new DataView(raw.buffer, raw.byteOffset, 8);
  const lo = view.getUint32(0, true);
  const hi = view.getInt32(4, true);
  // -1: stored uncompressed.
  if (hi === -1 && lo === 0xffffffff) return raw.subarray(8);
  const size = hi * 4294967296 + lo;
  if (size < 0 || size > MAX_BODY_BYTES) bad(`a compressed buffer claiming ${size} bytes`, bodyStart + offset);
  try {
    return decompress(codec, raw.subarray(8), size);
  } catch (error) {
    if (error instanceof CodecError) bad(error.message, bodyStart + offset);
    throw error;
  }
}

/** Strings from Arrow's (Large)Utf8 layout: `rows + 1` offsets (32- or 64-bit) into UTF-8 bytes. */
function textValues(
  offsets: Uint8Array,
  bytes: Uint8Array,
  large: boolean,
  rows: number,
  valid: Uint8Array | undefined,
  fail: (m: string) => never,
): Array<string | null> {
  const width = large ? 8 : 4;
  if (offsets.length < (rows + 1) * width)
    fail(`${rows} strings need ${(rows + 1) * width} bytes of offsets, the buffer has ${offsets.length}`);
  const view = new DataView(offsets.buffer, offsets.byteOffset, offsets.length);
  const at = (i: number) => (large ? Number(view.getBigInt64(i * 8, true)) : view.getInt32(i * 4, true));
  const decoder = new TextDecoder();
  const out: Array<string | null> = [];
  for (let i = 0; i < rows; i++) {
    if (valid && (valid[i >>> 3] & (1 << (i & 7))) === 0) {
      out.push(null);
      continue;
    }
    const start = at(i);
    const end = at(i + 1);
    if (!(start >= 0 && start <= end && end <= bytes.length))
      fail(`string ${i} at bytes [${start}, ${end}) outside its ${bytes.length}-byte buffer`);
    out.push(decoder.decode(bytes.subarray(start, end)));
  }
  return out;
}

/** A view of `bytes` as `kind`'s typed array (copied when misaligned). */
function typed(bytes: Uint8Array, kind: Kind, length: number, bad: (m: string) => never): Values {
  const bits = kind.kind === 'int' || kind.kind === 'float' ? kind.bits : 8;
  const width = bits / 8;
  if (bytes.length < length * width)
    bad(`a data buffer of ${bytes.length} bytes for ${length} values of ${width} bytes`);
  if (bytes.byteOffset % width !== 0) bytes = bytes.slice(0, length * width);
  const { buffer, byteOffset } = bytes;
  if (kind.kind === 'float') {
    if (kind.bits === 64) return new Float64Array(buffer, byteOffset, length);
    if (kind.bits === 32) return new Float32Array(buffer, byteOffset, length);
    return new Uint16Array(buffer, byteOffset, length);
  }
  if (kind.kind !== 'int') return bad('a column of an unsupported type');
  switch (kind.bits) {
    case 8:
      return kind.signed ? new Int8Array(buffer, byteOffset, length) : new Uint8Array(buffer, byteOffset, length);
    case 16:
      return kind.signed ? new Int16Array(buffer, byteOffset, length) : new Uint16Array(buffer, byteOffset, length);
    case 32:
      return kind.signed ? new Int32Array(buffer, byteOffset, length) : new Uint32Array(buffer, byteOffset, length);
    default:
      return kind.signed
        ? new BigInt64Array(buffer, byteOffset, length)
        : new BigUint64Array(buffer, byteOffset, length);
  }
}

/** Where a column's buffers start in a batch, counting the variadic buffers of view fields before it. */
function firstBuffer(column: Column, batch: FlatTable): number {
  if (column.views.length === 0) return column.buffer;
  const counts = batch.vector(4, 8);
  let extra = 0;
  for (const v of column.views) extra += v < counts.length ? batch.int64At(counts.start + 8 * v) : 0;
  return column.buffer + extra;
}

function columnData(
  column: Column,
  layout: Layout,
  batch: FlatTable,
  body: Uint8Array,
  bodyStart: number,
  rows: number,
  dictionaries: Map<number, Dictionary>,
  bad: (m: string, at?: number) => never,
): ColumnData {
  try {
    const nodes = batch.vector(1, 16);
    if (nodes.length !== layout.nodes)
      bad(`a record batch with ${nodes.length} field nodes, ${layout.nodes} expected`, bodyStart);
    const length = batch.int64At(nodes.start + 16 * column.node);
    const nulls = batch.int64At(nodes.start + 16 * column.node + 8);
    if (length !== rows)
      bad(`column ${JSON.stringify(column.name)} has ${length} values in a batch of ${rows} rows`, bodyStart);
    const b = firstBuffer(column, batch);
    const validity = bufferAt(batch, b, body, bodyStart, bad);
    const data = bufferAt(batch, b + 1, body, bodyStart, bad);
    if (nulls > 0 && validity.length < Math.ceil(rows / 8))
      bad(`column ${JSON.stringify(column.name)}: a validity bitmap shorter than its ${rows} rows`, bodyStart);
    const fail = (m: string): never => bad(`column ${JSON.stringify(column.name)}: ${m}`, bodyStart);
    const valid = nulls > 0 ? validity : undefined;
    if (column.kind.kind === 'text' && !column.dictionary) {
      const strings = textValues(
        data,
        bufferAt(batch, b + 2, body, bodyStart, bad),
        column.kind.large,
        rows,
        valid,
        fail,
      );
      return { values: new Float64Array(0), kind: column.kind, valid, strings };
    }
    if (column.dictionary) {
      const dictionary = dictionaries.get(column.dictionary.id);
      if (!dictionary) return fail(`dictionary ${column.dictionary.id} was never sent`);
      return {
        values: typed(data, column.dictionary.index, rows, fail),
        kind: column.dictionary.index,
        valid,
        dictionary,
      };
    }
    return { values: typed(data, column.kind, rows, fail), kind: column.kind, valid };
  } catch (error) {
    if (error instanceof FlatbufferError) return bad(`unreadable record batch (${error.message})`, bodyStart);
    throw error;
  }
}

/** A dictionary batch's values (one column; a null entry reads as whatever its slot holds). */
function dictionaryValues(
  data: FlatTable,
  kind: Kind,
  body: Uint8Array,
  bodyStart: number,
  bad: (m: string, at?: number) => never,
): Dictionary {
  try {
    if (kind.kind === 'other') return { values: new Float64Array(0), kind };
    const rows = data.int64(0);
    const fail = (m: string): never => bad(`dictionary: ${m}`, bodyStart);
    if (kind.kind === 'text') {
      const strings = textValues(
        bufferAt(data, 1, body, bodyStart, bad),
        bufferAt(data, 2, body, bodyStart, bad),
        kind.large,
        rows,
        undefined,
        fail,
      );
      return { values: new Float64Array(0), kind, strings: strings.map((t) => t ?? '') };
    }
    // A copy: the body's buffer is read into again.
    return { values: typed(bufferAt(data, 1, body, bodyStart, bad), kind, rows, fail).slice(), kind };
  } catch (error) {
    if (error instanceof FlatbufferError) return bad(`unreadable dictionary batch (${error.message})`, bodyStart);
    throw error;
  }
}

/**
 * A column of a batch as numbers (or, for a text column, strings) with NaN (null) where a value
 * is missing: what {@link interleave} takes. Plain float columns without nulls are the body's
 * bytes as they are.
 */
function columnValues(d: ColumnData, rows: number, column: string, batchFirstRow: number, name: string): ColumnValues {
  const isNull = (i: number) => d.valid !== undefined && (d.valid[i >>> 3] & (1 << (i & 7))) === 0;
  if (d.strings) return { values: d.strings } as unknown as ColumnValues;
  const { values, kind } = d;
  let out: Float64Array | Float32Array;
  if (d.dictionary) {
    const dict = d.dictionary.values;
    if (d.dictionary.strings) {
      // Text labels, dictionary-encoded.
      const strings = d.dictionary.strings;
      const text = Array.from({ length: rows }, (_, i) => (isNull(i) ? null : (strings[Number(values[i])] ?? null)));
      return { values: text } as unknown as ColumnValues;
    }
    out =
      dict instanceof Float32Array || (d.dictionary.kind.kind === 'float' && d.dictionary.kind.bits === 16)
        ? new Float32Array(rows)
        : new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      if (isNull(i)) {
        out[i] = NaN;
        continue;
      }
      const index = Number(values[i]);
      if (!(index >= 0 && index < dict.length)) {
        throw new InputError(
          `${name}: row ${batchFirstRow + i}: column ${JSON.stringify(column)} has dictionary index ${index}, outside its ${dict.length} entries`,
        );
      }
      out[i] =
        d.dictionary.kind.kind === 'float' && d.dictionary.kind.bits === 16
          ? half(dict[index] as number)
          : Number(dict[index]);
    }
    return { values: out };
  }
  if (kind.kind === 'float' && kind.bits === 16) {
    out = new Float32Array(rows);
    for (let i = 0; i < rows; i++) out[i] = half(values[i] as number);
  } else if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
    // Two 32-bit halves: a BigInt per value would cost more than scoring the row. Exact below 2^53.
    const words = new Uint32Array(values.buffer, values.byteOffset, 2 * values.length);
    const signed = values instanceof BigInt64Array;
    out = new Float64Array(rows);
    for (let i = 0; i < rows; i++)
      out[i] = (signed ? words[2 * i + 1] | 0 : words[2 * i + 1]) * 4294967296 + words[2 * i];
  } else if (d.valid && (values instanceof Float64Array || values instanceof Float32Array)) {
    // A copy to write NaN into: the body may be the caller's bytes.
    out = values.slice(0, rows);
  } else if (d.valid) {
    out = Float64Array.from(values as ArrayLike<number>);
  } else {
    return { values: values as ArrayLike<number> };
  }
  if (d.valid) for (let i = 0; i < rows; i++) if (isNull(i)) out[i] = NaN;
  return { values: out };
}

/** The first null among rows `[from, to)` of the columns: its row within the range and column. */
function firstNullIn(
  data: ColumnData[],
  columns: Column[],
  from: number,
  to: number,
): { row: number; column: string } | undefined {
  let first: { row: number; column: string } | undefined;
  data.forEach((d, c) => {
    if (!d.valid) return;
    const limit = first === undefined ? to : from + first.row;
    for (let r = from; r < limit; r++) {
      if ((d.valid[r >>> 3] & (1 << (r & 7))) === 0) {
        first = { row: r - from, column: columns[c].name };
        break;
      }
    }
  });
  return first;
}

/** An IEEE 754 half-precision value from its bits (exact in float32 and float64). */
export function half(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * (1024 + mantissa) * 2 ** (exponent - 25);
}
