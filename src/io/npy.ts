/**
 * NumPy `.npy` files (format versions 1–3, https://numpy.org/devdocs/reference/generated/numpy.lib.format.html):
 * a 2-D float32/float64 score array and a 1-D array of integer class labels, streamed side by
 * side in row blocks. Pure functions over byte streams, for the command line and a browser page.
 */
import { ByteReader } from './bytes.js';
import { InputError } from './errors.js';

/** A parsed `.npy` header. */
export interface NpyHeader {
  /** The dtype code without byte order: `f4`, `f8`, `i8`, `u1`, … */
  type: string;
  shape: number[];
}

/** Rows read from the pair of files, as the scorer takes them. */
export interface NpyBlock {
  firstRow: number;
  labels: Float64Array;
  /** Row-major, as stored: float32 stays float32. */
  scores: Float32Array | Float64Array;
}

export interface NpyOptions {
  /** Names in messages. */
  name: string;
  labelsName: string;
  /** Rows per block (default: about 4 MiB of scores). */
  blockRows?: number;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
/** Header bytes at most. */
const MAX_HEADER_BYTES = 1 << 20;
/** Bytes of scores in one row at most (8 Mi float64 classes). */
export const MAX_ROW_BYTES = 64 << 20;
const INT_TYPES: Record<string, number> = { i1: 1, u1: 1, i2: 2, u2: 2, i4: 4, u4: 4, i8: 8, u8: 8, f4: 4, f8: 8 };

/**
 * Reads the header at the start of a `.npy` stream.
 *
 * @throws InputError `NAME: …` if it is not a little-endian, C-ordered `.npy` array
 */
export async function readNpyHeader(reader: ByteReader, name: string): Promise<NpyHeader> {
  const fail = (message: string): never => {
    throw new InputError(`${name}: ${message}`);
  };
  const lead = await reader.read(8);
  if (lead.length < 8 || MAGIC.some((m, i) => lead[i] !== m)) fail('not a .npy file (no \\x93NUMPY magic)');
  const major = lead[6];
  const sizeBytes = major === 1 ? 2 : 4;
  if (major < 1 || major > 3) fail(`unsupported .npy format version ${major}`);
  const size = await reader.read(sizeBytes);
  const length = sizeBytes === 2 ? size[0] | (size[1] << 8) : new DataView(size.buffer).getUint32(0, true);
  // numpy writes headers of a few hundred bytes; a length in the megabytes is a corrupt file.
  if (length > MAX_HEADER_BYTES)
    fail(`the header claims ${length} bytes (at most ${MAX_HEADER_BYTES}): not a .npy file`);
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(await reader.read(length));
  const descr = /'descr':\s*'([<>|=])([a-z]\d+)'/.exec(text);
  const fortran = /'fortran_order':\s*(True|False)/.exec(text);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(text);
  if (!descr || !fortran || !shape) return fail(`unreadable .npy header ${JSON.stringify(text.trim())}`);
  if (descr[1] === '>') fail(`big-endian data (${descr[1]}${descr[2]}) is not supported; save it little-endian`);
  if (fortran[1] === 'True')
    fail('Fortran-ordered data cannot be streamed by rows; save it C-ordered (np.ascontiguousarray)');
  if (!(descr[2] in INT_TYPES)) fail(`dtype ${descr[2]} is not supported (float32/float64 scores, integer labels)`);
  const parts = shape[1].split(',').map((s) => s.trim());
  // `(5,)` ends with an empty part; anything else must be a plain decimal count.
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  if (parts.length === 1 && parts[0] === '') parts.pop();
  const bad = parts.find((p) => !/^\d+$/.test(p) || !Number.isSafeInteger(Number(p)));
  if (bad !== undefined) {
    fail(
      `the header's shape (${shape[1]}) has ${JSON.stringify(bad)} where a dimension must be a non-negative integer`,
    );
  }
  return { type: descr[2], shape: parts.map(Number) };
}

/**
 * Streams a scores `.npy` (2-D `n × k`, float32 or float64) and a labels `.npy` (`n` integer
 * class indices, shape `(n,)` or `(n, 1)`) in blocks of rows.
 *
 * @throws InputError `NAME: …` on bad headers, mismatched row counts or a truncated file
 */
export async function* readNpy(
  scores: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  labels: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: NpyOptions,
): AsyncGenerator<NpyBlock & { classes: number; rowsTotal: number }, void, undefined> {
  const s = new ByteReader(scores);
  const l = new ByteReader(labels);
  const sh = await readNpyHeader(s, options.name);
  const lh = await readNpyHeader(l, options.labelsName);
  const { n, k, width, labelWidth } = checkNpyShapes(sh, lh, options);
  const blockRows = options.blockRows ?? Math.max(1, Math.floor((4 << 20) / (k * width)));
  for (let first = 0; first < n; first += blockRows) {
    const rows = Math.min(blockRows, n - first);
    const sb = await s.read(rows * k * width);
    const lb = await l.read(rows * labelWidth);
    if (sb.length < rows * k * width)
      throw new InputError(`${options.name}: row ${first + Math.floor(sb.length / (k * width))}: the file ends early`);
    if (lb.length < rows * labelWidth)
      throw new InputError(
        `${options.labelsName}: row ${first + Math.floor(lb.length / labelWidth)}: the file ends early`,
      );
    yield {
      firstRow: first,
      labels: labelsToFloat64(lb, lh.type),
      scores: width === 4 ? new Float32Array(sb.buffer) : new Float64Array(sb.buffer),
      classes: k,
      rowsTotal: n,
    };
  }
}

/**
 * Checks that a scores header and a labels header go together.
 * @returns rows, classes, and bytes per score and per label
 * @throws InputError `NAME: …` on a wrong dtype or shape, or mismatched row counts
 */
export function checkNpyShapes(
  sh: NpyHeader,
  lh: NpyHeader,
  options: { name: string; labelsName: string },
): { n: number; k: number; width: number; labelWidth: number } {
  if (sh.shape.length !== 2 || sh.type[0] !== 'f' || sh.type === 'f2') {
    throw new InputError(
      `${options.name}: scores must be a 2-D float32 or float64 array, not ${sh.type} of shape (${sh.shape.join(', ')})`,
    );
  }
  const [n, k] = sh.shape;
  const width = INT_TYPES[sh.type];
  // A row is read whole into one buffer: past this it could not be allocated (and no real
  // classifier has millions of classes).
  if (k * width > MAX_ROW_BYTES) {
    throw new InputError(
      `${options.name}: rows of ${k} ${sh.type === 'f4' ? 'float32' : 'float64'} scores (${k * width} bytes each) are too wide to read (at most ${MAX_ROW_BYTES} bytes a row)`,
    );
  }
  if (k === 0) throw new InputError(`${options.name}: no score columns (shape (${n}, 0))`);
  if (!(lh.shape.length === 1 || (lh.shape.length === 2 && lh.shape[1] === 1))) {
    throw new InputError(
      `${options.labelsName}: labels must be 1-D (one class index per row), not of shape (${lh.shape.join(', ')})`,
    );
  }
  if (lh.shape[0] !== n)
    throw new InputError(`${options.labelsName}: ${lh.shape[0]} labels for the ${n} rows of ${options.name}`);
  if (n === 0) throw new InputError(`${options.name}: no data rows`);
  return { n, k, width, labelWidth: INT_TYPES[lh.type] };
}

/** Labels of any numeric dtype as float64 (class indices are far below 2^53). */
export function labelsToFloat64(
  b: Uint8Array,
  type: string,
  pool?: { take(bytes: number): ArrayBuffer },
): Float64Array {
  const { buffer, byteOffset } = b as Uint8Array<ArrayBuffer>;
  const n = b.length / (INT_TYPES[type] ?? 8);
  if (type === 'f8') return new Float64Array(buffer, byteOffset, n);
  const out = new Float64Array(pool?.take(8 * n) ?? new ArrayBuffer(8 * n), 0, n);
  switch (type) {
    case 'f4':
      out.set(new Float32Array(buffer, byteOffset, n));
      break;
    case 'i1':
      out.set(new Int8Array(buffer, byteOffset, n));
      break;
    case 'u1':
      out.set(b);
      break;
    case 'i2':
      out.set(new Int16Array(buffer, byteOffset, n));
      break;
    case 'u2':
      out.set(new Uint16Array(buffer, byteOffset, n));
      break;
    case 'i4':
      out.set(new Int32Array(buffer, byteOffset, n));
      break;
    case 'u4':
      out.set(new Uint32Array(buffer, byteOffset, n));
      break;
    default:
      int64ToFloat64(new Uint32Array(buffer, byteOffset, 2 * n), type === 'i8', out);
  }
  return out;
}

/**
 * 64-bit integers (little-endian) as float64, from their two 32-bit halves: a BigInt per label
 * would cost more than scoring the row. Exact below 2^53.
 */
function int64ToFloat64(words: Uint32Array, signed: boolean, out: Float64Array): void {
  for (let i = 0; i < out.length; i++) {
    const lo = words[2 * i];
    const hi = words[2 * i + 1];
    out[i] = (signed ? hi | 0 : hi) * 4294967296 + lo;
  }
}
