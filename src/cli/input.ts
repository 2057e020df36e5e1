/**
 * Opening what `xentropy score` reads (Node only): a file or stdin, in one of five formats, as a
 * {@link Source}: either CSV pieces to be parsed where they are scored (worker threads), or row
 * blocks already read from a binary format.
 */
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import type { RandomAccessFile, TableBlock } from '../io/arrow.js';
import { RecordCutter } from '../io/csv-bytes.js';
import type { ByteSearch, CsvPlan } from '../io/csv-bytes.js';
import { delimiterByte, readHead } from '../io/csv.js';
import { InputError, UsageError } from '../io/errors.js';
import { readNpyFiles } from './npy-file.js';
import { BufferPool } from '../io/recycle.js';
import { formatOf } from '../io/format.js';
import type { Format } from '../io/format.js';
import type { Layout, Task } from '../io/columns.js';
import type { RowGroupPiece } from '../io/parquet.js';
import { LOAD_ZSTD } from './task.js';

/** What the command line gives to open an input. */
export interface OpenOptions {
  format?: Format;
  labelColumn: string;
  task?: Task;
  weightColumn?: string;
  positive?: string;
  /** `--labels FILE.npy`: the class indices beside a scores `.npy`. */
  labels?: string;
}

interface SourceBase {
  /** The input's name in messages (`-` for stdin). */
  name: string;
  format: Format;
  /** Bytes in the input, if known (files). */
  size?: number;
  /** Bytes read so far. */
  position(): number;
  /** Takes back the buffers of a finished task (see {@link BufferPool}). */
  recycle(buffers: readonly ArrayBuffer[] | undefined): void;
  /** Closes the input when it will not be read (a usage error found after opening it). */
  close(): Promise<void>;
}

/** Delimited text: the plan from its header, then pieces of whole records. */
export interface CsvSource extends SourceBase {
  kind: 'csv';
  plan: CsvPlan;
  /** Line breaks before the first piece (header, empty lines). */
  breaks: number;
  /** Bytes before the first piece (a byte-order mark, the header). */
  headerBytes: number;
  pieces: AsyncIterable<Uint8Array>;
}

/** A binary format: row blocks, their score columns named. */
export interface BlockSource extends SourceBase {
  kind: 'blocks';
  /** The value columns of a row (scores, then targets, then the weight). */
  columns: readonly string[];
  layout: Layout;
  /** Class names as the first block gives them (binary: negative as far as known, positive). */
  names?: readonly string[];
  /** Row blocks, or (Parquet) row groups to be decoded where they are scored. */
  blocks: AsyncIterable<TableBlock | RowGroupPiece>;
}

export type Source = CsvSource | BlockSource;

/**
 * XENTROPY_PARQUET_PIECES=1 hands Parquet row groups to the scoring threads to be decoded there
 * (`readParquet`'s `pieces`). Off by default: on the 2-core bench machine, with its cores shared
 * by other jobs, it cost more CPU (+0.3–0.5 s) and memory (+60–80 MB) than decoding here while
 * the threads score, and was slower in every paired run (docs/performance.md); to be measured
 * again on an idle machine.
 */
const PARQUET_PIECES = process.env.XENTROPY_PARQUET_PIECES === '1';

/** Read size: large enough that per-chunk costs vanish, small enough to stream any file. */
const READ_BYTES = 1 << 20;
/**
 * A CSV piece (one task for a worker) is about this long. XENTROPY_PIECE_BYTES sets it smaller
 * for the fuzzer (test/fuzz/cli-csv.mjs), so that small files are cut into many pieces.
 */
const PIECE_BYTES = Number(process.env.XENTROPY_PIECE_BYTES) > 0 ? Number(process.env.XENTROPY_PIECE_BYTES) : 2 << 20;
/** Room before each chunk read for the end of the record the previous chunk began. */
const HEADROOM = 1 << 16;

/**
 * Opens an input and reads as much as needed to know its columns.
 *
 * @param path a file, or `-` for stdin
 * @param name how messages name it (default: `path`)
 * @throws UsageError if a file cannot be opened or `--labels` is missing or misplaced;
 *   InputError on a bad header
 */
export async function openSource(path: string, name: string, options: OpenOptions): Promise<Source> {
  // A Parquet piece is a whole row group (~10 MB as DuckDB writes them, up to 24 MB): kept
  // buffers would only hold memory, the few in use at once come back as fast as they are taken.
  const parquet = (options.format ?? (path === '-' ? 'csv' : formatOf(path))) === 'parquet';
  const pool = new BufferPool(parquet && PARQUET_PIECES ? 2 : undefined);
  const source = await openWith(path, name, options, pool);
  source.recycle = (buffers) => pool.give(buffers);
  return source;
}

async function openWith(path: string, name: string, options: OpenOptions, pool: BufferPool): Promise<Source> {
  const format = options.format ?? (path === '-' ? 'csv' : formatOf(path));
  if (format === 'npy' && options.labels === undefined) {
    throw new UsageError(`${name}: a .npy file of scores needs --labels FILE.npy with the class indices`);
  }
  if (format !== 'npy' && options.labels !== undefined) throw new UsageError('--labels goes with .npy scores only');
  if (format === 'npy' && options.task === 'multilabel')
    throw new UsageError(`${name}: a .npy file holds binary or multiclass scores, not multilabel`);
  if (format === 'npy' && options.weightColumn !== undefined)
    throw new UsageError(`${name}: a .npy file has no columns: --weight-column needs CSV, TSV, Arrow or Parquet`);
  if (path === '-') {
    if (format === 'parquet' || format === 'npy')
      throw new UsageError(`${format} cannot be read from stdin (it needs a file)`);
    const counted = counting(process.stdin as AsyncIterable<Uint8Array>);
    return fromStream(format, '-', counted.chunks, counted.position, undefined, options);
  }
  const file = await openFile(path, name);
  const stats = await file.stat();
  if (!stats.isFile()) return openStreamFile(file, format, name, options);
  const size = stats.size;
  if (format === 'arrow') {
    // Each message read by position straight into a buffer of its own.
    const handle = file;
    let read = 0;
    const { readArrow } = await import('../io/arrow.js');
    const blocks = readArrow(randomAccess(handle, size), { ...columnRequest(options), name, pool });
    return peekBlocks(
      { name, format, size, position: () => read },
      blocks,
      (b) => (read = Math.min(size, read + byteSize(b))),
      () => handle.close(),
    );
  }
  if (format === 'parquet') {
    const handle = file;
    let read = 0;
    const { readParquet } = await import('../io/parquet.js');
    // With PARQUET_PIECES, row groups go undecoded to the scoring threads, which decompress and
    // decode them (worker threads copy the environment when they start: this tells them to load
    // the zstd decoder); else they are decoded here, page by page, and the threads score blocks.
    if (PARQUET_PIECES) process.env[LOAD_ZSTD] = '1';
    const blocks = readParquet(randomAccess(handle, size), {
      ...columnRequest(options),
      name,
      pool,
      pieces: PARQUET_PIECES,
    });
    return peekBlocks(
      { name, format, size, position: () => read },
      blocks,
      (b) => (read = Math.min(size, read + byteSize(b))),
      () => handle.close(),
    );
  }
  if (format === 'csv' || format === 'tsv') {
    let read = 0;
    const chunks = readInto(file, (n) => (read += n), name, size, pool);
    return fromStream(format, name, chunks, () => read, size, options);
  }
  if (format === 'npy') {
    const labelsFile = await openFile(options.labels!, options.labels!).catch(async (error: unknown) => {
      await file.close();
      throw error;
    });
    let read = 0;
    const close = async () => {
      await Promise.all([file.close(), labelsFile.close()]);
    };
    const blocks = npyBlocks(
      readNpyFiles(file, labelsFile, { name, labelsName: options.labels!, pool }),
      options.task,
      name,
    );
    return peekBlocks(
      { name, format, size, position: () => read },
      blocks,
      (b) => (read = Math.min(size, read + b.scores.byteLength)),
      close,
    );
  }
  const counted = counting(file.createReadStream({ highWaterMark: READ_BYTES }) as AsyncIterable<Uint8Array>);
  return fromStream(format, name, counted.chunks, counted.position, size, options);
}

/**
 * A path that is not a regular file (a FIFO, a pipe such as `<(cat x.csv)` or `/dev/stdin`, a
 * device): a stream read once to its end, with no size to hold it to.
 */
async function openStreamFile(file: FileHandle, format: Format, name: string, options: OpenOptions): Promise<Source> {
  if (format === 'parquet') {
    await file.close();
    throw new UsageError(
      `${name}: a Parquet file cannot be read from a pipe or FIFO (its index is at its end): give a regular file`,
    );
  }
  const chunksOf = (handle: FileHandle) =>
    handle.createReadStream({ highWaterMark: READ_BYTES, start: undefined }) as AsyncIterable<Uint8Array>;
  if (format === 'npy') {
    const labelsFile = await openFile(options.labels!, options.labels!).catch(async (error: unknown) => {
      await file.close();
      throw error;
    });
    let read = 0;
    const { readNpy } = await import('../io/npy.js');
    const blocks = npyBlocks(
      readNpy(chunksOf(file), chunksOf(labelsFile), { name, labelsName: options.labels! }),
      options.task,
      name,
    );
    const close = async () => {
      await Promise.all([file.close().catch(() => undefined), labelsFile.close().catch(() => undefined)]);
    };
    return peekBlocks(
      { name, format, size: undefined, position: () => read },
      blocks,
      (b) => (read += b.scores.byteLength),
      close,
    );
  }
  const counted = counting(chunksOf(file));
  return fromStream(format, name, counted.chunks, counted.position, undefined, options);
}

/**
 * A file in chunks of {@link PIECE_BYTES}, each read into a buffer of its own after
 * {@link HEADROOM} free bytes, so that a piece (the previous chunk's last partial record, then
 * this chunk's whole records) is put together in place and moves to a worker without a copy.
 * @throws InputError if the file's length at the end differs from `size`, its length when opened
 */
async function* readInto(
  file: FileHandle,
  onRead: (n: number) => void,
  name: string,
  size: number,
  pool: BufferPool,
): AsyncGenerator<Uint8Array> {
  const fill = async (): Promise<{ buffer: Uint8Array; filled: number }> => {
    const buffer = new Uint8Array(pool.take(HEADROOM + PIECE_BYTES), 0, HEADROOM + PIECE_BYTES);
    let filled = 0;
    while (filled < PIECE_BYTES) {
      const { bytesRead } = await file.read(buffer, HEADROOM + filled, PIECE_BYTES - filled, null);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return { buffer, filled };
  };
  let total = 0;
  let pending: Promise<{ buffer: Uint8Array; filled: number }> | undefined = fill();
  try {
    for (;;) {
      const { buffer, filled } = await pending!;
      pending = undefined;
      onRead(filled);
      total += filled;
      // Read to the end: a file that grew or shrank since it was opened would score rows that
      // never were one file's content.
      if (filled < PIECE_BYTES && total !== size) {
        throw new InputError(`${name}: the file changed while being read (${total} bytes read, ${size} when opened)`);
      }
      if (filled === PIECE_BYTES) {
        // Read ahead: the next chunk comes in (on libuv's threads) while this one is scored.
        pending = fill();
        pending.catch(() => undefined);
      }
      if (filled > 0) yield owned(buffer.subarray(HEADROOM, HEADROOM + filled));
      if (filled < PIECE_BYTES) return;
    }
  } finally {
    await pending?.catch(() => undefined);
    await file.close();
  }
}

/** Chunks whose buffer is ours alone: the bytes before them may be written. */
const ours = new WeakSet<ArrayBufferLike>();
function owned(view: Uint8Array): Uint8Array {
  ours.add(view.buffer);
  return view;
}

/** Reads by position from an open file (the binary readers' random access). */
function randomAccess(file: FileHandle, size: number): RandomAccessFile {
  return {
    size,
    async read(position, length, into) {
      const out = into !== undefined && into.length >= length ? into.subarray(0, length) : new Uint8Array(length);
      let filled = 0;
      while (filled < length) {
        const { bytesRead } = await file.read(out, filled, length - filled, position + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return filled === length ? out : out.subarray(0, filled);
    },
  };
}

async function openFile(path: string, name: string): Promise<FileHandle> {
  const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read ${name}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
  });
  if ((await handle.stat()).isDirectory()) {
    await handle.close();
    throw new UsageError(`cannot read ${name}: it is a directory`);
  }
  return handle;
}

async function fromStream(
  format: Format,
  name: string,
  chunks: AsyncIterable<Uint8Array>,
  position: () => number,
  size: number | undefined,
  options: OpenOptions,
): Promise<Source> {
  if (format === 'arrow') {
    let read = 0;
    const { readArrow } = await import('../io/arrow.js');
    const blocks = readArrow(chunks as never, { ...columnRequest(options), name });
    return peekBlocks({ name, format, size, position: () => read }, blocks, (b) => (read += byteSize(b)));
  }
  const delimiter = delimiterByte(format === 'tsv' ? '\t' : ',');
  const iterator = chunks[Symbol.asyncIterator]();
  const head = new GrowingBytes();
  // The header and first row are read again only once the bytes held have doubled (or the input
  // ended): a first row of any length costs a linear number of bytes scanned, not one scan per chunk.
  let tried = 0;
  let first = true;
  let bom = 0;
  for (;;) {
    const next = await iterator.next();
    if (!next.done) {
      let bytes = next.value;
      if (first && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
        bytes = bytes.subarray(3);
        bom = 3;
      }
      if (first) notUtf16(bytes, name);
      first = false;
      head.append(bytes);
      if (head.length > MAX_RECORD_BYTES * 2) {
        throw new InputError(
          `${name}:1: the header and first data row are longer than ${sizeText(2 * MAX_RECORD_BYTES)} (a quoted field never closed?)`,
        );
      }
      if (head.length < 2 * tried) continue;
    }
    tried = head.length;
    const buffer = head.bytes();
    const found = readHead(buffer, next.done === true, { ...columnRequest(options), name, delimiter });
    if (found !== undefined) {
      const rest = buffer.subarray(found.dataStart);
      return {
        kind: 'csv',
        name,
        format,
        size,
        position,
        plan: found.plan,
        breaks: found.dataLine - 1,
        headerBytes: bom + found.dataStart,
        recycle: () => undefined,
        pieces: cutPieces(rest, next.done ? undefined : iterator, delimiter),
        close: async () => {
          await iterator.return?.(undefined);
        },
      };
    }
    if (next.done) throw new InputError(`${name}: no header row`); // readHead decides at the end: not reached
  }
}

/**
 * A UTF-16 file (a byte-order mark, or a NUL in every other byte of its start) read as UTF-8
 * would give names like "\u0000l\u0000a…" and a "no column named label" that hides the cause.
 */
function notUtf16(bytes: Uint8Array, name: string): void {
  const bom = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  let nuls = 0;
  const n = Math.min(bytes.length, 64);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) nuls++;
  if (bom || (n >= 8 && nuls >= n / 4)) {
    throw new InputError(`${name}:1: the file is not UTF-8 (it looks like UTF-16): save it as UTF-8 text`);
  }
}

function sizeText(bytes: number): string {
  return bytes >= 1 << 20 ? `${bytes / (1 << 20)} MiB` : `${bytes} bytes`;
}

/** Bytes appended in chunks into one buffer that doubles when full (a linear cost in all). */
class GrowingBytes {
  private buffer = new Uint8Array(0);
  /** The first chunk, held as it is until a second one comes (no copy when one chunk suffices). */
  private single: Uint8Array | undefined;
  length = 0;

  append(chunk: Uint8Array): void {
    if (this.length === 0) {
      this.single = chunk;
      this.length = chunk.length;
      return;
    }
    if (this.single) {
      const first = this.single;
      this.single = undefined;
      this.buffer = new Uint8Array(Math.max(2 * (first.length + chunk.length), 1 << 16));
      this.buffer.set(first);
      this.length = first.length;
    }
    if (this.length + chunk.length > this.buffer.length) {
      const bigger = new Uint8Array(Math.max(2 * this.buffer.length, this.length + chunk.length, 1 << 16));
      bigger.set(this.buffer.subarray(0, this.length));
      this.buffer = bigger;
    }
    this.buffer.set(chunk, this.length);
    this.length += chunk.length;
  }

  bytes(): Uint8Array {
    return this.single ?? this.buffer.subarray(0, this.length);
  }
}

/** Node's Buffer search works on any Uint8Array and is memchr-fast (a typed array's is a byte loop). */
const BUFFER_SEARCH: ByteSearch = {
  indexOf: (b, byte, from) => Buffer.prototype.indexOf.call(b, byte, from),
  lastIndexOf: (b, byte) => Buffer.prototype.lastIndexOf.call(b, byte),
};

/**
 * A record this long is refused: it would be one piece that long in memory, and in practice it
 * is a quoted field never closed. Pieces stay under PIECE_BYTES + this. XENTROPY_MAX_RECORD_BYTES
 * lowers it for tests.
 */
export const MAX_RECORD_BYTES =
  Number(process.env.XENTROPY_MAX_RECORD_BYTES) > 0 ? Number(process.env.XENTROPY_MAX_RECORD_BYTES) : 64 << 20;

/**
 * Thrown by the piece cutter when a record outgrows {@link MAX_RECORD_BYTES}; the scorer names
 * its line once the pieces before it are counted.
 */
export class RecordTooLong extends Error {
  constructor() {
    super(`a record longer than ${sizeText(MAX_RECORD_BYTES)} starts on this line (a quoted field never closed?)`);
  }
}

/** Whole-record pieces of at least {@link PIECE_BYTES}, each in a fresh buffer (to be moved to a worker). */
async function* cutPieces(
  start: Uint8Array,
  rest: AsyncIterator<Uint8Array> | undefined,
  delimiter: number,
): AsyncGenerator<Uint8Array> {
  const cutter = new RecordCutter(BUFFER_SEARCH, delimiter);
  let parts: Uint8Array[] = [];
  let size = 0;
  const add = function* (chunk: Uint8Array): Generator<Uint8Array> {
    const cut = cutter.cut(chunk);
    if (cut >= 0 && size + cut >= PIECE_BYTES / 2) {
      // The rest is copied first (it is short): the piece's buffer may move to a worker.
      const tail = chunk.slice(cut);
      let piece: Uint8Array;
      if (ours.has(chunk.buffer) && chunk.byteOffset >= size) {
        // The carried bytes go into the free room before the chunk: no copy of the chunk.
        const start = chunk.byteOffset - size;
        let at = start;
        for (const part of parts) {
          new Uint8Array(chunk.buffer, at, part.length).set(part);
          at += part.length;
        }
        piece = new Uint8Array(chunk.buffer, start, size + cut);
      } else {
        parts.push(chunk.subarray(0, cut));
        piece = concat(parts, true);
      }
      parts = [tail];
      size = tail.length;
      yield piece;
    } else {
      parts.push(chunk);
      size += chunk.length;
      if (size > MAX_RECORD_BYTES + PIECE_BYTES) throw new RecordTooLong();
    }
  };
  yield* add(start);
  if (rest) {
    for (let next = await rest.next(); !next.done; next = await rest.next()) yield* add(next.value);
  }
  if (size > 0) yield concat(parts, true);
}

/** Starts a block stream so its columns are known (and header errors surface) before scoring. */
async function peekBlocks<B extends TableBlock | RowGroupPiece>(
  base: Omit<SourceBase, 'format' | 'recycle' | 'close'> & { format: Format },
  blocks: AsyncGenerator<B>,
  onBlock: (b: B) => void,
  close?: () => Promise<void>,
): Promise<BlockSource> {
  const first = await blocks.next().catch(async (error: unknown) => {
    await close?.();
    throw error;
  });
  // Readers throw on an input without rows, so there is a first block.
  const head = first.value as B;
  onBlock(head);
  const all = async function* (): AsyncGenerator<B> {
    try {
      yield head;
      for await (const block of blocks) {
        onBlock(block);
        yield block;
      }
    } finally {
      await close?.();
    }
  };
  return {
    ...base,
    kind: 'blocks',
    columns: head.columns,
    layout: head.layout,
    names: head.names,
    blocks: all(),
    recycle: () => undefined,
    close: async () => {
      await blocks.return(undefined);
      await close?.();
    },
  };
}

/** The column choices the command line passes to every reader. */
function columnRequest(options: OpenOptions) {
  return {
    labelColumn: options.labelColumn,
    task: options.task,
    weightColumn: options.weightColumn,
    positive: options.positive,
  };
}

/** `.npy` scores: k = 1 is binary (labels 0 and 1), more columns multiclass; labels stay integer positions. */
async function* npyBlocks(
  blocks: ReturnType<typeof readNpyFiles>,
  task: Task | undefined,
  name: string,
): AsyncGenerator<TableBlock> {
  let columns: string[] | undefined;
  let layout: Layout | undefined;
  for await (const block of blocks) {
    if (layout === undefined) {
      const k = block.classes;
      const kind = task ?? (k === 1 ? 'binary' : 'multiclass');
      if (kind === 'binary' && k !== 1) throw new UsageError(`${name}: a binary task has one score column, not ${k}`);
      if (kind === 'multiclass' && k < 2)
        throw new UsageError(`${name}: a multiclass task needs two or more score columns, not ${k}: use --task binary`);
      layout = { task: kind, classes: k, targets: false, weight: false };
      columns = Array.from({ length: k }, (_, c) => `column ${c}`);
    }
    yield { firstRow: block.firstRow, labels: block.labels, scores: block.scores, columns: columns!, layout };
  }
}

function counting(stream: AsyncIterable<Uint8Array>): { chunks: AsyncIterable<Uint8Array>; position: () => number } {
  let read = 0;
  return {
    position: () => read,
    chunks: (async function* () {
      for await (const chunk of stream) {
        read += chunk.length;
        yield chunk;
      }
    })(),
  };
}

function byteSize(block: TableBlock | RowGroupPiece): number {
  if ('kind' in block) return block.bytes.reduce((n, b) => n + b.length, 0);
  return block.labels.byteLength + block.scores.byteLength;
}

/**
 * The parts joined; `own` asks for a view at the start of a buffer it alone uses (one part
 * that already is passes through uncopied).
 */
function concat(parts: Uint8Array[], own = false): Uint8Array {
  const nonEmpty = parts.filter((p) => p.length > 0);
  if (nonEmpty.length === 1 && (!own || ours.has(nonEmpty[0].buffer))) return nonEmpty[0];
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
