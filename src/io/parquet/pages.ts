/**
 * Decoding Parquet data pages (https://parquet.apache.org/docs/file-format/data-pages/) of flat
 * columns straight into typed arrays: definition levels, then PLAIN, dictionary (PLAIN_DICTIONARY,
 * RLE_DICTIONARY), BYTE_STREAM_SPLIT or DELTA_BINARY_PACKED values, for pages of layout v1 and v2.
 */
import { half } from '../arrow.js';

/** A corrupt page; the reader turns it into an InputError naming the file, column and row. */
export class PageError extends Error {}

/** How a leaf column's values are stored and what they mean. */
export interface Leaf {
  name: string;
  /** Parquet's physical type (`Type` in parquet.thrift): 1 INT32, 2 INT64, 4 FLOAT, 5 DOUBLE, 7 FIXED_LEN_BYTE_ARRAY, … */
  physical: number;
  typeLength: number;
  /** OPTIONAL: pages carry definition levels. */
  optional: boolean;
  /** UINT_* integers. */
  unsigned: boolean;
  /** FIXED_LEN_BYTE_ARRAY(2) with the FLOAT16 logical type. */
  float16: boolean;
}

/** The values of a page or a dictionary, one number each. */
export type Values = Float64Array | Float32Array | Int32Array | Uint32Array;

/**
 * Buffers a column's pages are decoded into, kept from page to page: fresh memory costs a page
 * fault per 4 KiB (see src/io/recycle.ts), more than the decoding. A page's values live in them
 * until the next page is decoded.
 */
export class Scratch {
  private readonly buffers = new Map<string, ArrayBuffer>();

  /** A buffer of at least `bytes` for `slot` (one slot per stage, so stages never overlap). */
  take(slot: string, bytes: number): ArrayBuffer {
    let b = this.buffers.get(slot);
    if (b === undefined || b.byteLength < bytes) {
      b = new ArrayBuffer(Math.max(bytes, Math.floor((b?.byteLength ?? 0) * 1.5)));
      this.buffers.set(slot, b);
    }
    return b;
  }
}

/** Fresh arrays (for values that must outlive the page: a dictionary). */
const FRESH = { take: (_slot: string, bytes: number) => new ArrayBuffer(bytes) } as unknown as Scratch;
export { FRESH };

export const INT32 = 1;
export const INT64 = 2;
export const FLOAT = 4;
export const DOUBLE = 5;
export const BYTE_ARRAY = 6;
export const FIXED_LEN_BYTE_ARRAY = 7;

/** Bytes per value in PLAIN, for the types read. */
export function plainWidth(leaf: Leaf): number {
  switch (leaf.physical) {
    case INT32:
    case FLOAT:
      return 4;
    case INT64:
    case DOUBLE:
      return 8;
    case FIXED_LEN_BYTE_ARRAY:
      return leaf.typeLength;
    default:
      throw new PageError(`physical type ${leaf.physical} is not read`);
  }
}

/** `count` PLAIN values from `bytes` at `at` (a view of `bytes` when aligned, else in `scratch`). */
export function plain(bytes: Uint8Array, at: number, count: number, leaf: Leaf, scratch: Scratch): Values {
  const width = plainWidth(leaf);
  if (at + count * width > bytes.length)
    throw new PageError(`${count} values need ${count * width} bytes, the page has ${bytes.length - at}`);
  let src = bytes.subarray(at, at + count * width);
  const align = leaf.physical === FIXED_LEN_BYTE_ARRAY ? 2 : Math.min(width, 4);
  if (src.byteOffset % (leaf.physical === DOUBLE ? 8 : align) !== 0) {
    const copy = new Uint8Array(scratch.take('align', src.length), 0, src.length);
    copy.set(src);
    src = copy;
  }
  const { buffer, byteOffset } = src;
  switch (leaf.physical) {
    case DOUBLE:
      return new Float64Array(buffer, byteOffset, count);
    case FLOAT:
      return new Float32Array(buffer, byteOffset, count);
    case INT32:
      return leaf.unsigned ? new Uint32Array(buffer, byteOffset, count) : new Int32Array(buffer, byteOffset, count);
    case INT64:
      return int64(
        new Uint32Array(buffer, byteOffset, 2 * count),
        leaf.unsigned,
        new Float64Array(scratch.take('convert', 8 * count), 0, count),
      );
    default: {
      if (!leaf.float16) throw new PageError('fixed-length byte arrays are read only as FLOAT16');
      const bits = new Uint16Array(buffer, byteOffset, count);
      const out = new Float32Array(scratch.take('convert', 4 * count), 0, count);
      for (let i = 0; i < count; i++) out[i] = half(bits[i]);
      return out;
    }
  }
}

/** 64-bit integers from their 32-bit halves: a BigInt each would cost more than the row's scoring. Exact below 2^53. */
function int64(words: Uint32Array, unsigned: boolean, out: Float64Array): Float64Array {
  for (let i = 0; i < out.length; i++)
    out[i] = (unsigned ? words[2 * i + 1] : words[2 * i + 1] | 0) * 4294967296 + words[2 * i];
  return out;
}

/**
 * BYTE_STREAM_SPLIT: byte b of value i is at `b * count + i`; gathered back into PLAIN order.
 */
export function byteStreamSplit(bytes: Uint8Array, at: number, count: number, leaf: Leaf, scratch: Scratch): Values {
  const width = plainWidth(leaf);
  if (at + count * width > bytes.length)
    throw new PageError(`${count} values need ${count * width} bytes, the page has ${bytes.length - at}`);
  const joined = new Uint8Array(scratch.take('split', count * width), 0, count * width);
  for (let b = 0; b < width; b++) {
    const from = at + b * count;
    for (let i = 0; i < count; i++) joined[i * width + b] = bytes[from + i];
  }
  return plain(joined, 0, count, leaf, scratch);
}

/**
 * The RLE / bit-packing hybrid (https://parquet.apache.org/docs/file-format/data-pages/encodings/#RLE):
 * `count` values of `bitWidth` bits from `bytes[at, end)` into `out`.
 * @returns where the runs read ended
 */
export function hybrid(
  bytes: Uint8Array,
  at: number,
  end: number,
  bitWidth: number,
  count: number,
  out: Uint32Array | Uint8Array,
): number {
  if (bitWidth > 32) throw new PageError(`a bit width of ${bitWidth}`);
  let filled = 0;
  const byteWidth = (bitWidth + 7) >>> 3;
  while (filled < count) {
    let header = 0;
    for (let shift = 0; ; shift += 7) {
      if (at >= end || shift > 35) throw new PageError('the levels or indices end early');
      const b = bytes[at++];
      header += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) break;
    }
    if (header % 2 === 0) {
      // A run: one value repeated.
      const n = Math.min(header / 2, count - filled);
      if (at + byteWidth > end) throw new PageError('the levels or indices end early');
      let value = 0;
      for (let b = 0; b < byteWidth; b++) value += bytes[at + b] * 2 ** (8 * b);
      at += byteWidth;
      out.fill(value, filled, filled + n);
      filled += n;
      if (header === 0) throw new PageError('an empty run');
    } else {
      // Bit-packed groups of 8 values, least significant bit first.
      const groups = (header - 1) / 2;
      const bytesUsed = groups * bitWidth;
      const values = groups * 8;
      if (at + bytesUsed > end) {
        // The last group may be cut short by the end of the data: read what is there.
        if (at + Math.ceil(((count - filled) * bitWidth) / 8) > end)
          throw new PageError('the levels or indices end early');
      }
      const n = Math.min(values, count - filled);
      unpack(bytes, at, bitWidth, n, out, filled);
      at += bytesUsed;
      filled += n;
    }
  }
  return Math.min(at, end);
}

function unpack(
  bytes: Uint8Array,
  at: number,
  bitWidth: number,
  n: number,
  out: Uint32Array | Uint8Array,
  offset: number,
): void {
  if (bitWidth === 0) {
    out.fill(0, offset, offset + n);
    return;
  }
  if (bitWidth <= 24) {
    const mask = (1 << bitWidth) - 1;
    let buffer = 0;
    let bits = 0;
    for (let i = 0; i < n; i++) {
      while (bits < bitWidth) {
        buffer |= bytes[at++] << bits;
        bits += 8;
      }
      out[offset + i] = buffer & mask;
      buffer >>>= bitWidth;
      bits -= bitWidth;
    }
    return;
  }
  // Wider values: the bit buffer may hold up to 39 bits, past int32's 31.
  const scale = 2 ** bitWidth;
  let buffer = 0;
  let bits = 0;
  for (let i = 0; i < n; i++) {
    while (bits < bitWidth) {
      buffer += bytes[at++] * 2 ** bits;
      bits += 8;
    }
    out[offset + i] = buffer % scale;
    buffer = Math.floor(buffer / scale);
    bits -= bitWidth;
  }
}

/** `count` dictionary indices (a bit-width byte, then the hybrid), each checked against the dictionary's `size`. */
export function dictionaryIndices(
  bytes: Uint8Array,
  at: number,
  count: number,
  size: number,
  scratch: Scratch,
): Uint32Array {
  if (at >= bytes.length && count > 0) throw new PageError('the dictionary indices are missing');
  const bitWidth = bytes[at];
  const indices = new Uint32Array(scratch.take('indices', 4 * count), 0, count);
  hybrid(bytes, at + 1, bytes.length, bitWidth, count, indices);
  for (let i = 0; i < count; i++) {
    if (indices[i] >= size) throw new PageError(`dictionary index ${indices[i]}, outside its ${size} entries`);
  }
  return indices;
}

/** Dictionary indices gathered into the dictionary's values. */
export function dictionaryValues(
  bytes: Uint8Array,
  at: number,
  count: number,
  dictionary: Values,
  scratch: Scratch,
): Values {
  const indices = dictionaryIndices(bytes, at, count, dictionary.length, scratch);
  const Kind = dictionary.constructor as new (buffer: ArrayBuffer, offset: number, n: number) => Values;
  const out = new Kind(scratch.take('gather', dictionary.BYTES_PER_ELEMENT * count), 0, count);
  for (let i = 0; i < count; i++) out[i] = dictionary[indices[i]];
  return out;
}

/**
 * DELTA_BINARY_PACKED (https://parquet.apache.org/docs/file-format/data-pages/encodings/#DELTA)
 * for INT32/INT64: blocks of miniblocks of bit-packed deltas from a first value. Exact below 2^53.
 */
export function deltaBinaryPacked(bytes: Uint8Array, at: number, count: number, leaf: Leaf): Values {
  return deltaIntegers(bytes, at, count, leaf.physical === INT32, leaf.unsigned).values;
}

/** DELTA_BINARY_PACKED integers (32-bit ones wrapped as INT32 columns are), and where they end. */
function deltaIntegers(
  bytes: Uint8Array,
  at: number,
  count: number,
  int32: boolean,
  unsigned: boolean,
): { values: Float64Array; end: number } {
  let p = at;
  const uvarint = () => {
    let v = 0;
    for (let shift = 0; ; shift += 7) {
      if (p >= bytes.length || shift > 63) throw new PageError('the delta header ends early');
      const b = bytes[p++];
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return v;
    }
  };
  const zigzag = () => {
    const n = uvarint();
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  };
  const blockSize = uvarint();
  const miniblocks = uvarint();
  const total = uvarint();
  let value = zigzag();
  if (miniblocks === 0 || blockSize % miniblocks !== 0 || blockSize === 0 || (blockSize / miniblocks) % 8 !== 0)
    throw new PageError('a bad delta block size');
  if (total < count) throw new PageError(`${total} delta values for ${count} slots`);
  const perMini = blockSize / miniblocks;
  const out = new Float64Array(count);
  const deltas = new Uint32Array(perMini);
  if (count > 0) out[0] = value;
  let filled = 1;
  while (filled < count) {
    const minDelta = zigzag();
    if (p + miniblocks > bytes.length) throw new PageError('the delta block ends early');
    const widths = bytes.subarray(p, p + miniblocks);
    p += miniblocks;
    for (let m = 0; m < miniblocks && filled < count; m++) {
      const w = widths[m];
      if (w > 32) throw new PageError(`a delta bit width of ${w}`);
      const n = Math.min(perMini, count - filled);
      if (p + Math.ceil((n * w) / 8) > bytes.length) throw new PageError('the delta miniblock ends early');
      unpack(bytes, p, w, n, deltas, 0);
      p += (perMini * w) / 8;
      for (let i = 0; i < n; i++) {
        value += minDelta + deltas[i];
        out[filled++] = value;
      }
    }
  }
  if (int32) {
    // 32-bit arithmetic wraps: the deltas of INT32 columns are taken mod 2^32.
    for (let i = 0; i < count; i++) out[i] = unsigned ? out[i] >>> 0 : out[i] | 0;
  }
  return { values: out, end: p };
}

/**
 * Text (BYTE_ARRAY) values, each `(start, length)` in a byte buffer; read as strings only where
 * needed (a label is resolved to its class once per distinct dictionary entry).
 */
export interface Texts {
  bytes: Uint8Array;
  starts: Int32Array;
  lengths: Int32Array;
}

/** PLAIN BYTE_ARRAY: each value a 4-byte little-endian length, then its bytes. */
export function plainTexts(bytes: Uint8Array, at: number, count: number): Texts {
  const starts = new Int32Array(count);
  const lengths = new Int32Array(count);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let p = at;
  for (let i = 0; i < count; i++) {
    if (p + 4 > bytes.length) throw new PageError(`text value ${i} of ${count} runs past the page`);
    const n = view.getUint32(p, true);
    p += 4;
    if (n > bytes.length - p) throw new PageError(`text value ${i} of ${count} runs past the page`);
    starts[i] = p;
    lengths[i] = n;
    p += n;
  }
  return { bytes, starts, lengths };
}

/** DELTA_LENGTH_BYTE_ARRAY: the lengths, DELTA_BINARY_PACKED, then every value's bytes one after another. */
export function deltaLengthTexts(bytes: Uint8Array, at: number, count: number): Texts {
  const { values: lengths, end } = deltaIntegers(bytes, at, count, true, false);
  const starts = new Int32Array(count);
  let p = end;
  for (let i = 0; i < count; i++) {
    if (lengths[i] < 0 || lengths[i] > bytes.length - p)
      throw new PageError(`text value ${i} of ${count} runs past the page`);
    starts[i] = p;
    p += lengths[i];
  }
  return { bytes, starts, lengths: Int32Array.from(lengths) };
}

/**
 * DELTA_BYTE_ARRAY: prefix lengths (DELTA_BINARY_PACKED), then the suffixes as
 * DELTA_LENGTH_BYTE_ARRAY; value i is the first `prefix[i]` bytes of value i-1, then its suffix.
 */
export function deltaTexts(bytes: Uint8Array, at: number, count: number): Texts {
  const { values: prefixes, end } = deltaIntegers(bytes, at, count, true, false);
  const suffixes = deltaLengthTexts(bytes, end, count);
  const lengths = new Int32Array(count);
  let size = 0;
  for (let i = 0; i < count; i++) {
    const prefix = prefixes[i];
    if (prefix < 0 || prefix > (i === 0 ? 0 : lengths[i - 1]))
      throw new PageError(`text value ${i} of ${count} has a prefix longer than the value before it`);
    lengths[i] = prefix + suffixes.lengths[i];
    size += lengths[i];
  }
  if (size > MAX_TEXT_BYTES) throw new PageError(`text values of ${size} bytes in one page`);
  // Rebuilt one after another in a buffer of their own.
  const out = new Uint8Array(size);
  const starts = new Int32Array(count);
  for (let i = 0, p = 0; i < count; p += lengths[i], i++) {
    if (i > 0) out.copyWithin(p, starts[i - 1], starts[i - 1] + prefixes[i]);
    const from = suffixes.starts[i];
    out.set(suffixes.bytes.subarray(from, from + suffixes.lengths[i]), p + prefixes[i]);
    starts[i] = p;
  }
  return { bytes: out, starts, lengths };
}

/** A page's rebuilt DELTA_BYTE_ARRAY values at most (shared prefixes can claim far more than the page holds). */
const MAX_TEXT_BYTES = 64 << 20;

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Value `i` of `texts` as a string. @throws PageError if it is not UTF-8 */
export function textAt(texts: Texts, i: number): string {
  const { bytes } = texts;
  const start = texts.starts[i];
  const n = texts.lengths[i];
  // Short ASCII labels (the usual kind) without the decoder's call cost.
  if (n <= 32) {
    let s = '';
    for (let j = start; j < start + n; j++) {
      const b = bytes[j];
      if (b >= 0x80) return utf8(bytes.subarray(start, start + n));
      s += String.fromCharCode(b);
    }
    return s;
  }
  return utf8(bytes.subarray(start, start + n));
}

function utf8(bytes: Uint8Array): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw new PageError('a text value that is not UTF-8');
  }
}
