/**
 * From dropped files to batches of rows: the same streaming readers as `xentropy score`
 * (src/io/: CSV/TSV, NPY, Arrow IPC, Parquet), fed from Blobs instead of file handles.
 */
import type { Batch } from '../../src/io/batch.js';
import { ByteReader } from '../../src/io/bytes.js';
import { readDelimited } from '../../src/io/csv.js';
import type { ColumnRequest } from '../../src/io/columns.js';
import { InputError, UsageError } from '../../src/io/errors.js';
import { readNpy, readNpyHeader } from '../../src/io/npy.js';
import { formatOf } from '../../src/io/format.js';
import type { Format } from '../../src/io/format.js';
import type { NamedBlob } from './protocol.js';

export { formatOf };
export type { Format };

/** The formats the page reads, as the drop zone names them. */
export const READABLE: Readonly<Record<Format, string>> = {
  csv: 'CSV',
  tsv: 'TSV',
  npy: 'NPY',
  arrow: 'Arrow IPC',
  parquet: 'Parquet',
};

/** Counts bytes as they are read, for the progress bar. */
export type OnRead = (bytes: number) => void;

/** An input ready to stream: its name in messages, its size, its rows. */
export interface Opened {
  name: string;
  format: Format;
  /** Bytes to read in all (both files of an .npy pair). */
  size: number;
  batches: AsyncIterable<Batch>;
}

/**
 * Opens what was dropped: one CSV/TSV/Arrow/Parquet file, or a scores `.npy` with its labels
 * `.npy` (told apart by their headers, in either order).
 *
 * @throws InputError `NAME: …` when the files do not make one input; UsageError for a
 *   weight column asked of .npy files
 */
export async function openFiles(files: NamedBlob[], request: ColumnRequest, onRead: OnRead): Promise<Opened> {
  const npy = files.filter((f) => formatOf(f.name) === 'npy');
  if (npy.length > 0) {
    if (npy.length !== 2 || files.length !== 2) {
      throw new InputError(
        `${npy[0].name}: a .npy file of scores comes with a .npy of labels: drop or choose both files together`,
      );
    }
    const [scores, labels] = await pairNpy(npy[0], npy[1]);
    // The command line's words (src/cli/input.ts).
    if (request.weightColumn !== undefined) {
      throw new UsageError(
        `${scores.name}: a .npy file has no columns: --weight-column needs CSV, TSV, Arrow or Parquet`,
      );
    }
    const blocks = readNpy(byteChunks(scores.blob, onRead), byteChunks(labels.blob, onRead), {
      name: scores.name,
      labelsName: labels.name,
    });
    return { name: scores.name, format: 'npy', size: scores.blob.size + labels.blob.size, batches: npyBatches(blocks) };
  }
  if (files.length !== 1)
    throw new InputError(`${files.length} files: drop one file (or a scores .npy with its labels .npy)`);
  const [{ name, blob }] = files;
  const format = formatOf(name);
  const options = { name, ...request };
  const opened = { name, format, size: blob.size };
  switch (format) {
    case 'csv':
    case 'tsv':
      return {
        ...opened,
        batches: readDelimited(byteChunks(blob, onRead), { ...options, delimiter: format === 'tsv' ? '\t' : ',' }),
      };
    case 'arrow': {
      // Loaded only for these formats: the libraries weigh more than the rest of the page.
      const { readArrow } = await import('../../src/io/arrow.js');
      // By position: a file's schema may be only in its footer.
      return { ...opened, batches: tableBatches(readArrow(blobAccess(blob, onRead), options)) };
    }
    case 'parquet': {
      const { readParquet } = await import('../../src/io/parquet.js');
      return { ...opened, batches: tableBatches(readParquet(asyncBuffer(blob, onRead), options)) };
    }
    case 'npy':
      throw new Error('unreachable: .npy files are paired above');
  }
}

/** Which of two `.npy` files holds the labels: the 1-D one, or the one of integers. */
async function pairNpy(a: NamedBlob, b: NamedBlob): Promise<[scores: NamedBlob, labels: NamedBlob]> {
  const isLabels = async (f: NamedBlob) => {
    const header = await readNpyHeader(new ByteReader(byteChunks(f.blob.slice(0, 1 << 16), () => undefined)), f.name);
    return header.shape.length === 1 || header.type[0] !== 'f';
  };
  const [la, lb] = await Promise.all([isLabels(a), isLabels(b)]);
  if (la === lb) {
    throw new InputError(
      `${a.name}, ${b.name}: cannot tell scores from labels: the scores are 2-D floats, the labels 1-D integers`,
    );
  }
  return la ? [b, a] : [a, b];
}

interface Block {
  firstRow: number;
  labels: Float64Array;
  scores: Float64Array | Float32Array;
  columns: readonly string[];
}

/** Blocks of a columnar reader as the scorer's batches. */
async function* tableBatches(blocks: AsyncIterable<Block>): AsyncGenerator<Batch> {
  for await (const block of blocks) yield { ...block, rows: block.labels.length };
}

/** `.npy` columns have no names: numbered as the CLI numbers them. */
async function* npyBatches(blocks: ReturnType<typeof readNpy>): AsyncGenerator<Batch> {
  let columns: string[] | undefined;
  for await (const block of blocks) {
    columns ??= Array.from({ length: block.classes }, (_, c) => `column ${c}`);
    yield { firstRow: block.firstRow, rows: block.labels.length, labels: block.labels, scores: block.scores, columns };
  }
}

/** Random access to a Blob, as hyparquet reads a file: only the row groups' bytes are read. */
function asyncBuffer(
  blob: Blob,
  onRead: OnRead,
): { byteLength: number; slice(start: number, end?: number): Promise<ArrayBuffer> } {
  return {
    byteLength: blob.size,
    async slice(start, end) {
      const bytes = await blob.slice(start, end).arrayBuffer();
      onRead(bytes.byteLength);
      return bytes;
    },
  };
}

/** Reads by position from a Blob (the readers' RandomAccessFile). */
function blobAccess(
  blob: Blob,
  onRead: OnRead,
): { size: number; read(position: number, length: number): Promise<Uint8Array> } {
  return {
    size: blob.size,
    async read(position, length) {
      const bytes = new Uint8Array(await blob.slice(position, position + length).arrayBuffer());
      onRead(bytes.byteLength);
      return bytes;
    },
  };
}

/** A Blob's bytes, chunk by chunk as the browser reads them: a large file never sits in memory whole. */
async function* byteChunks(blob: Blob, onRead: OnRead): AsyncGenerator<Uint8Array> {
  const reader = blob.stream().getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      onRead(value.byteLength);
      yield value;
    }
  } finally {
    // Stops reading when the consumer gives up early (a bad row).
    await reader.cancel().catch(() => undefined);
  }
}
