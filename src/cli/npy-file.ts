/**
 * `.npy` files on disk (Node only): the same checks and blocks as {@link readNpy}, but each
 * block is read by position straight into a buffer of its own (one copy, kernel to buffer),
 * which then moves to a worker thread as it is. {@link readNpy} goes through a ByteReader that
 * copies every byte a second time; over a stream that is unavoidable, over a file it is not.
 */
import type { FileHandle } from 'node:fs/promises';
import { ByteReader } from '../io/bytes.js';
import { InputError } from '../io/errors.js';
import type { BufferPool } from '../io/recycle.js';
import { checkNpyShapes, labelsToFloat64, readNpyHeader } from '../io/npy.js';
import type { NpyBlock, NpyHeader } from '../io/npy.js';

/** Scores read per block: large enough that per-task costs vanish, small enough to keep a few in flight. */
const BLOCK_BYTES = 8 << 20;

/** The header of an open file, and where its data starts. */
async function headerOf(file: FileHandle, name: string): Promise<NpyHeader & { dataStart: number }> {
  let position = 0;
  // Headers are short (a multiple of 64 bytes, rarely past the first read).
  const chunks = (async function* () {
    for (;;) {
      const { bytesRead, buffer } = await file.read(new Uint8Array(4096), 0, 4096, position);
      if (bytesRead === 0) return;
      position += bytesRead;
      yield buffer.subarray(0, bytesRead);
    }
  })();
  const reader = new ByteReader(chunks);
  const header = await readNpyHeader(reader, name);
  return { ...header, dataStart: reader.position };
}

/** Reads `length` bytes at `position` into a fresh buffer; fewer only at the end of the file. */
async function readAt(file: FileHandle, length: number, position: number, pool?: BufferPool): Promise<Uint8Array> {
  const out = new Uint8Array(pool?.take(length) ?? new ArrayBuffer(length), 0, length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await file.read(out, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled === length ? out : out.subarray(0, filled);
}

/**
 * Streams a scores `.npy` and a labels `.npy` (see {@link readNpy}) from open files, in blocks.
 * Closes neither file.
 *
 * @throws InputError `NAME: …` on bad headers, mismatched row counts or a truncated file
 */
export async function* readNpyFiles(
  scores: FileHandle,
  labels: FileHandle,
  options: { name: string; labelsName: string; blockRows?: number; pool?: BufferPool },
): AsyncGenerator<NpyBlock & { classes: number; rowsTotal: number }, void, undefined> {
  const sh = await headerOf(scores, options.name);
  const lh = await headerOf(labels, options.labelsName);
  const { n, k, width, labelWidth } = checkNpyShapes(sh, lh, options);
  const blockRows = options.blockRows ?? Math.max(1, Math.floor(BLOCK_BYTES / (k * width)));
  const read = async (first: number) => {
    const rows = Math.min(blockRows, n - first);
    const sb = await readAt(scores, rows * k * width, sh.dataStart + first * k * width, options.pool);
    const lb = await readAt(labels, rows * labelWidth, lh.dataStart + first * labelWidth, options.pool);
    return { rows, sb, lb };
  };
  let pending: ReturnType<typeof read> | undefined = read(0);
  try {
    for (let first = 0; first < n; first += blockRows) {
      const { rows, sb, lb } = await pending!;
      pending = undefined;
      if (sb.length < rows * k * width)
        throw new InputError(
          `${options.name}: row ${first + Math.floor(sb.length / (k * width))}: the file ends early`,
        );
      if (lb.length < rows * labelWidth)
        throw new InputError(
          `${options.labelsName}: row ${first + Math.floor(lb.length / labelWidth)}: the file ends early`,
        );
      if (first + blockRows < n) {
        // Read ahead: the next block comes in (on libuv's threads) while this one is scored.
        pending = read(first + blockRows);
        pending.catch(() => undefined);
      }
      const labelValues = labelsToFloat64(lb, lh.type, options.pool);
      // The raw labels were converted into another buffer: read the next ones into this.
      if (labelValues.buffer !== lb.buffer) options.pool?.give([lb.buffer as ArrayBuffer]);
      yield {
        firstRow: first,
        labels: labelValues,
        scores: width === 4 ? new Float32Array(sb.buffer, 0, rows * k) : new Float64Array(sb.buffer, 0, rows * k),
        classes: k,
        rowsTotal: n,
      };
    }
  } finally {
    // The files are closed by the caller: let a read still running end first.
    await pending?.catch(() => undefined);
  }
}
