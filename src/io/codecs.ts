/**
 * Decompressors for the binary formats, pure JavaScript or wasm (they run in the browser page
 * too): Snappy and LZ4 frames here, zstd through `zstddec` (wasm), gzip, brotli and LZ4 blocks
 * through `hyparquet-compressors`. Every one checks its output length: a corrupt input is an error,
 * never a short or over-long buffer.
 */
import { decompressBrotli, decompressLz4, decompressLz4Raw, decompressZstd, gunzip } from 'hyparquet-compressors';
import { ZSTDDecoder } from 'zstddec';

/** zstd's own decoder compiled to wasm (`zstddec`): 6× the speed of the pure-JS `fzstd` here. */
let zstdDecoder: ZSTDDecoder | undefined;
let zstdLoading: Promise<void> | undefined;

/** Loads what `codec` needs (the zstd wasm module); call before {@link decompress}. */
export async function prepare(codec: Codec): Promise<void> {
  if (codec !== 'ZSTD' || zstdDecoder) return;
  zstdLoading ??= (async () => {
    const decoder = new ZSTDDecoder();
    await decoder.init();
    zstdDecoder = decoder;
  })();
  await zstdLoading;
}

function zstd(input: Uint8Array, length: number): Uint8Array {
  if (zstdDecoder) return zstdDecoder.decode(input, length);
  // A thread that must decode before the wasm module has loaded (a worker's first row group):
  // hyparquet-compressors' pure JavaScript decoder (fzstd) meanwhile, the same bytes out.
  prepare('ZSTD').catch(() => undefined);
  return decompressZstd(input);
}

/** A corrupt compressed buffer; readers turn it into an InputError naming the file. */
export class CodecError extends Error {}

/** The codecs Parquet names (`CompressionCodec` in parquet.thrift) and Arrow's two. */
export type Codec = 'UNCOMPRESSED' | 'SNAPPY' | 'GZIP' | 'LZO' | 'BROTLI' | 'LZ4' | 'ZSTD' | 'LZ4_RAW' | 'LZ4_FRAME';

/**
 * `input` decompressed into exactly `length` bytes.
 * @throws CodecError on a corrupt input or a length that does not match
 */
export function decompress(codec: Codec, input: Uint8Array, length: number, into?: ArrayBuffer): Uint8Array {
  let out: Uint8Array;
  const target = () => (into && into.byteLength >= length ? new Uint8Array(into, 0, length) : new Uint8Array(length));
  try {
    switch (codec) {
      case 'UNCOMPRESSED':
        out = input;
        break;
      case 'SNAPPY':
        out = snappy(input, target());
        break;
      case 'ZSTD':
        out = zstd(input, length);
        break;
      case 'GZIP':
        // The gzip trailer's ISIZE is the length mod 2^32 (RFC 1952): a stream that stops short is caught.
        if (
          input.length < 18 ||
          new DataView(input.buffer, input.byteOffset + input.length - 4, 4).getUint32(0, true) !== length % 4294967296
        ) {
          throw new CodecError(`corrupt GZIP data (its trailer does not give ${length} bytes)`);
        }
        out = gunzip(input, target());
        break;
      case 'BROTLI':
        out = decompressBrotli(input, length);
        break;
      case 'LZ4':
        out = decompressLz4(input, length);
        break;
      case 'LZ4_RAW':
        out = decompressLz4Raw(input, length);
        break;
      case 'LZ4_FRAME':
        out = lz4Frame(input, target());
        break;
      default:
        throw new CodecError(`the ${codec} codec is not supported`);
    }
  } catch (error) {
    if (error instanceof CodecError) throw error;
    throw new CodecError(`corrupt ${codec} data (${(error as Error).message})`);
  }
  if (out.length !== length) throw new CodecError(`${codec} data holds ${out.length} bytes, ${length} expected`);
  return out;
}

/**
 * Snappy's raw format (https://github.com/google/snappy/blob/main/format_description.txt): a
 * varint length, then literals and back-references.
 */
function snappy(input: Uint8Array, out: Uint8Array): Uint8Array {
  const length = out.length;
  let i = 0;
  let declared = 0;
  for (let shift = 0; ; shift += 7) {
    if (i >= input.length || shift > 28) throw new CodecError('corrupt SNAPPY data (bad length)');
    const b = input[i++];
    declared += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) break;
  }
  if (declared !== length) throw new CodecError(`SNAPPY data holds ${declared} bytes, ${length} expected`);
  let o = 0;
  while (i < input.length) {
    const tag = input[i++];
    const kind = tag & 3;
    if (kind === 0) {
      let n = tag >>> 2;
      if (n >= 60) {
        const bytes = n - 59;
        if (i + bytes > input.length) throw new CodecError('corrupt SNAPPY data (literal past the end)');
        n = 0;
        for (let b = 0; b < bytes; b++) n += input[i + b] * 2 ** (8 * b);
        i += bytes;
      }
      n += 1;
      if (i + n > input.length || o + n > length) throw new CodecError('corrupt SNAPPY data (literal past the end)');
      out.set(input.subarray(i, i + n), o);
      i += n;
      o += n;
      continue;
    }
    let n: number;
    let offset: number;
    if (kind === 1) {
      if (i >= input.length) throw new CodecError('corrupt SNAPPY data (truncated copy)');
      n = ((tag >>> 2) & 7) + 4;
      offset = ((tag >>> 5) << 8) | input[i++];
    } else {
      const bytes = kind === 2 ? 2 : 4;
      if (i + bytes > input.length) throw new CodecError('corrupt SNAPPY data (truncated copy)');
      n = (tag >>> 2) + 1;
      offset = input[i] | (input[i + 1] << 8);
      if (bytes === 4) offset = (offset | (input[i + 2] << 16)) + input[i + 3] * 16777216;
      i += bytes;
    }
    if (offset === 0 || offset > o || o + n > length) throw new CodecError('corrupt SNAPPY data (bad copy)');
    if (offset >= n) {
      out.copyWithin(o, o - offset, o - offset + n);
      o += n;
    } else {
      // Overlapping copy: a run repeating the last `offset` bytes.
      for (let end = o + n; o < end; o++) out[o] = out[o - offset];
    }
  }
  if (o !== length) throw new CodecError(`SNAPPY data holds ${o} bytes, ${length} expected`);
  return out;
}

/**
 * The LZ4 frame format (https://github.com/lz4/lz4/blob/dev/doc/lz4_Frame_format.md), which Arrow
 * IPC uses for LZ4 buffer compression: a header, then blocks (each raw or an LZ4 block), then an
 * end mark. Checksums are skipped (the output length is checked instead).
 */
function lz4Frame(input: Uint8Array, out: Uint8Array): Uint8Array {
  const length = out.length;
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  let o = 0;
  let i = 0;
  while (i < input.length) {
    if (i + 7 > input.length || view.getUint32(i, true) !== 0x184d2204)
      throw new CodecError('corrupt LZ4_FRAME data (no frame magic)');
    const flags = input[i + 4];
    const blockChecksum = (flags & 0x10) !== 0;
    const contentSize = (flags & 0x08) !== 0;
    const contentChecksum = (flags & 0x04) !== 0;
    const dictionary = (flags & 0x01) !== 0;
    i += 6 + (contentSize ? 8 : 0) + (dictionary ? 4 : 0) + 1;
    for (;;) {
      if (i + 4 > input.length) throw new CodecError('corrupt LZ4_FRAME data (truncated)');
      const word = view.getUint32(i, true);
      i += 4;
      if (word === 0) break;
      const size = word & 0x7fffffff;
      if (i + size > input.length) throw new CodecError('corrupt LZ4_FRAME data (block past the end)');
      const block = input.subarray(i, i + size);
      if (word & 0x80000000) {
        if (o + size > length) throw new CodecError('corrupt LZ4_FRAME data (too long)');
        out.set(block, o);
        o += size;
      } else {
        o += lz4Block(block, out, o);
      }
      i += size + (blockChecksum ? 4 : 0);
    }
    i += contentChecksum ? 4 : 0;
  }
  if (o !== length) throw new CodecError(`LZ4_FRAME data holds ${o} bytes, ${length} expected`);
  return out;
}

/** One LZ4 block (https://github.com/lz4/lz4/blob/dev/doc/lz4_Block_format.md) into `out` at `at`; returns the bytes written. */
function lz4Block(input: Uint8Array, out: Uint8Array, at: number): number {
  let o = at;
  let i = 0;
  const fail = () => new CodecError('corrupt LZ4 block');
  while (i < input.length) {
    const token = input[i++];
    let literals = token >>> 4;
    if (literals === 15) {
      for (let b = 255; b === 255; ) {
        if (i >= input.length) throw fail();
        b = input[i++];
        literals += b;
      }
    }
    if (i + literals > input.length || o + literals > out.length) throw fail();
    out.set(input.subarray(i, i + literals), o);
    i += literals;
    o += literals;
    if (i === input.length) break;
    if (i + 2 > input.length) throw fail();
    const offset = input[i] | (input[i + 1] << 8);
    i += 2;
    let n = token & 15;
    if (n === 15) {
      for (let b = 255; b === 255; ) {
        if (i >= input.length) throw fail();
        b = input[i++];
        n += b;
      }
    }
    n += 4;
    if (offset === 0 || offset > o || o + n > out.length) throw fail();
    for (let end = o + n; o < end; o++) out[o] = out[o - offset];
  }
  return o - at;
}
