/**
 * Reading arguments into one internal description: where the values are (a Source), how many
 * rows n and classes k, whether targets are class indices, and which kind of array to return.
 * Shape errors (API.md's TypeError list) are raised here, before any value is computed.
 */
import { fastPath } from './fast-path.js';

/** A flat, row-major view of an argument that can copy any range of its values into a Float64Array. */
export interface Source {
  readonly length: number;
  /** The flat Float64Array itself when the argument is one (read in place, no copy). */
  readonly f64: Float64Array | null;
  /** The flat Float32Array itself when the argument is one (float32 kernels read it in place). */
  readonly f32: Float32Array | null;
  /** Copies values [from, to) as float64; an element that is not a number is copied as NaN. */
  copy(dst: Float64Array, dstOff: number, from: number, to: number): void;
  /** Element i as given (a plain array's element may be anything: validation names it). */
  at(i: number): unknown;
}

/** Output kind mirrors the prediction's kind: number[] for plain arrays, else the typed array kind. */
export type OutKind = 'array' | 'f32' | 'f64';

export interface Batch {
  src: Source;
  n: number;
  k: number;
  /** One distribution (a flat array without `classes`): the result is a number. */
  single: boolean;
  /** Given as number[][]: softmax returns number[][]. */
  nested: boolean;
  kind: OutKind;
}

export interface Elements {
  src: Source;
  n: number;
  /** A number in, a number out. */
  scalar: boolean;
  kind: OutKind;
}

export interface Targets {
  src: Source;
  index: boolean;
}

type Numeric = ArrayLike<number> | ArrayLike<bigint>;

/**
 * The typed array kind of x ('Float64Array', …), or undefined for anything else. Read from the
 * internal slot through %TypedArray%.prototype[@@toStringTag], so it holds for arrays from another
 * realm (an iframe, a vm context), where `instanceof` fails, and cannot be faked by the object.
 */
const typedArrayTag: (x: unknown) => string | undefined = (() => {
  const get = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Int8Array.prototype), Symbol.toStringTag)!.get!;
  return (x: unknown) => (ArrayBuffer.isView(x) ? (get.call(x) as string | undefined) : undefined);
})();

const INTEGER_TAGS = new Set([
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'BigInt64Array',
  'BigUint64Array',
]);

function isIntegerArray(x: unknown): boolean {
  return INTEGER_TAGS.has(typedArrayTag(x)!);
}

function isBigIntArray(x: unknown): x is BigInt64Array | BigUint64Array {
  const tag = typedArrayTag(x);
  return tag === 'BigInt64Array' || tag === 'BigUint64Array';
}

function isFlat(x: unknown): x is Numeric {
  return Array.isArray(x) || typedArrayTag(x) !== undefined;
}

function kindOf(x: unknown): OutKind {
  const tag = typedArrayTag(x);
  if (tag === 'Float32Array') return 'f32';
  if (tag === undefined) return 'array';
  return 'f64';
}

/**
 * A typed array whose buffer was detached (transferred to a worker, or an alloc() view after the
 * wasm memory grew) reads as length 0: it is refused, never read as an empty distribution.
 */
function isDetached(x: ArrayBufferView): boolean {
  if (x.byteLength !== 0) return false;
  try {
    new Uint8Array(x.buffer, 0, 0);
    return false;
  } catch {
    return true;
  }
}

/** Throws the TypeError for a detached typed array argument. */
export function refuseDetached(fn: string, arg: string, x: unknown): void {
  if (ArrayBuffer.isView(x) && isDetached(x)) {
    throw new TypeError(
      `${fn}: ${arg} is a ${typedArrayTag(x)} whose buffer is detached (transferred, or an alloc() view after memory grew)`,
    );
  }
}

/** A plain array's element as float64: numbers as they are, anything else NaN (named by validation). */
const numberOrNaN = (v: unknown): number => (typeof v === 'number' ? v : NaN);

/** src[from, to) into dst at off (numeric typed arrays; set() converts). */
function copyRange(src: Float64Array | Float32Array, dst: Float64Array, off: number, from: number, to: number): void {
  if (to - from <= fastPath.smallCopy) for (let i = from; i < to; i++) dst[off + i - from] = src[i];
  else dst.set(src.subarray(from, to), off);
}

/** A flat array or typed array (BigInt arrays are read through Number()). */
export function flatSource(x: Numeric): Source {
  const tag = typedArrayTag(x);
  if (tag === 'Float64Array') {
    const f = x as Float64Array;
    return {
      length: f.length,
      f64: f,
      f32: null,
      copy: (dst, off, from, to) => copyRange(f, dst, off, from, to),
      at: (i) => f[i],
    };
  }
  if (isBigIntArray(x)) {
    return {
      length: x.length,
      f64: null,
      f32: null,
      copy(dst, off, from, to) {
        for (let i = from; i < to; i++) dst[off + i - from] = Number(x[i]);
      },
      at: (i) => Number(x[i]),
    };
  }
  if (tag !== undefined) {
    const t = x as unknown as Float32Array; // any numeric typed array: set() converts
    return {
      length: t.length,
      f64: null,
      f32: tag === 'Float32Array' ? t : null,
      copy: (dst, off, from, to) => copyRange(t, dst, off, from, to),
      at: (i) => t[i],
    };
  }
  const a = x as ArrayLike<unknown>;
  return {
    length: a.length,
    f64: null,
    f32: null,
    copy(dst, off, from, to) {
      // Never coerced (null is not 0, '0.5' is not 0.5, 1n does not throw): a non-number is copied
      // as NaN, which every kernel flags, and validation then names it with a TypeError.
      for (let i = from; i < to; i++) dst[off + i - from] = numberOrNaN(a[i]);
    },
    at: (i) => a[i],
  };
}

/** number[][] read as a flat row-major source of n·k values. */
function rowsSource(rows: ArrayLike<number>[], k: number): Source {
  return {
    length: rows.length * k,
    f64: null,
    f32: null,
    copy(dst, off, from, to) {
      // Chunks are whole rows, so from and to are multiples of k.
      for (let r = from / k, o = off; r < to / k; r++, o += k) {
        const row = rows[r] as ArrayLike<unknown>;
        const tag = typedArrayTag(row);
        if (tag === undefined) for (let j = 0; j < k; j++) dst[o + j] = numberOrNaN(row[j]);
        else if (tag === 'BigInt64Array' || tag === 'BigUint64Array')
          for (let j = 0; j < k; j++) dst[o + j] = Number(row[j]);
        else dst.set(row as Float64Array, o);
      }
    },
    at(i) {
      const row = rows[Math.floor(i / k)] as ArrayLike<unknown>;
      const v = row[i % k];
      return typeof v === 'bigint' && isBigIntArray(row) ? Number(v) : v;
    },
  };
}

function scalarSource(v: number): Source {
  return flatSource([v]);
}

/** Bigints shown in full up to this magnitude (printing a huge one would cost more than the call). */
const BIG = 10n ** 20n;

/**
 * A value as a message shows it: numbers as JavaScript prints them, anything else by its type
 * (strings shortened: the input may be untrusted and large).
 */
export function describeValue(v: unknown): string {
  switch (typeof v) {
    case 'number':
    case 'boolean':
      return String(v);
    case 'undefined':
      return 'undefined (a hole or a missing entry)';
    case 'bigint':
      return `the bigint ${v >= -BIG && v <= BIG ? `${v}n` : 'of more than 20 digits'}`;
    case 'string':
      return `the string ${JSON.stringify(v.length > 24 ? `${v.slice(0, 20)}…` : v)}`;
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
    default:
      if (v === null) return 'null';
      if (Array.isArray(v)) return 'an array';
      return 'an object';
  }
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  if (ArrayBuffer.isView(x)) return `a ${typedArrayTag(x) ?? 'DataView'}`;
  return typeof x;
}

/** Rows given as number[][]: every row an array of the same length. */
function readRows(fn: string, arg: string, x: unknown[]): number {
  const k = (x[0] as ArrayLike<number>).length;
  for (let r = 0; r < x.length; r++) {
    const row = x[r];
    if (!isFlat(row)) throw new TypeError(`${fn}: ${arg} row ${r} is ${describe(row)}, not an array`);
    refuseDetached(fn, `${arg} row ${r}`, row);
    if (row.length !== k) {
      throw new TypeError(
        `${fn}: ${arg} rows have unequal lengths: row ${r} has ${row.length} entries, row 0 has ${k}`,
      );
    }
  }
  return k;
}

export function checkClasses(fn: string, classes: unknown): number | undefined {
  if (classes === undefined) return undefined;
  if (typeof classes !== 'number' || !Number.isInteger(classes) || classes < 1) {
    throw new TypeError(`${fn}: classes must be a positive integer, got ${describeValue(classes)}`);
  }
  return classes;
}

/**
 * A distribution or a batch: number[][] (rows), a flat array with `classes: k` (n = length / k),
 * or a flat array without `classes` (one distribution).
 */
export function readBatch(fn: string, arg: string, x: unknown, classes: number | undefined): Batch {
  if (!isFlat(x)) throw new TypeError(`${fn}: ${arg} must be an array or typed array, got ${describe(x)}`);
  refuseDetached(fn, arg, x);
  if (Array.isArray(x) && x.length > 0 && isFlat(x[0])) {
    const k = readRows(fn, arg, x);
    if (classes !== undefined && classes !== k) {
      throw new TypeError(`${fn}: ${arg} rows have ${k} entries but classes is ${classes}`);
    }
    return { src: rowsSource(x as ArrayLike<number>[], k), n: x.length, k, single: false, nested: true, kind: 'array' };
  }
  const src = flatSource(x);
  if (classes === undefined) return { src, n: 1, k: src.length, single: true, nested: false, kind: kindOf(x) };
  if (src.length % classes !== 0) {
    throw new TypeError(`${fn}: ${arg} has length ${src.length}, which is not divisible by classes = ${classes}`);
  }
  return { src, n: src.length / classes, k: classes, single: false, nested: false, kind: kindOf(x) };
}

/** An elementwise argument: a number, or a flat array (number[][] is a TypeError). */
export function readElements(fn: string, arg: string, x: unknown): Elements {
  if (typeof x === 'number') return { src: scalarSource(x), n: 1, scalar: true, kind: 'array' };
  if (!isFlat(x)) throw new TypeError(`${fn}: ${arg} must be a number or a flat array, got ${describe(x)}`);
  refuseDetached(fn, arg, x);
  // Rows are recognised by the first element, as in readBatch; an array anywhere later is a
  // non-number element, named by validation (no extra pass over the input).
  if (Array.isArray(x) && x.length > 0 && isFlat(x[0])) {
    throw new TypeError(`${fn}: ${arg} must be flat; ${fn} is elementwise and takes no number[][]`);
  }
  const src = flatSource(x);
  return { src, n: src.length, scalar: false, kind: kindOf(x) };
}

/**
 * Targets for a prediction batch: class indices (a number, an integer typed array, or one entry
 * per row) or a dense batch of the prediction's shape. With k = 1 a float/plain array is dense.
 */
export function readTargets(fn: string, p: unknown, q: Batch): Targets {
  const { n, k } = q;
  if (typeof p === 'number' || typeof p === 'bigint') {
    if (n !== 1)
      throw new TypeError(
        `${fn}: a single class index needs a single distribution, but the predictions have ${n} rows`,
      );
    return { src: scalarSource(Number(p)), index: true };
  }
  if (!isFlat(p))
    throw new TypeError(`${fn}: targets must be an array, a typed array or a class index, got ${describe(p)}`);
  refuseDetached(fn, 'targets', p);
  if (Array.isArray(p) && p.length > 0 && isFlat(p[0])) {
    const width = readRows(fn, 'targets', p);
    if (p.length !== n || width !== k) {
      throw new TypeError(`${fn}: targets are ${p.length}×${width} but predictions are ${n}×${k}`);
    }
    return { src: rowsSource(p as ArrayLike<number>[], k), index: false };
  }
  const src = flatSource(p);
  if (isIntegerArray(p)) {
    if (src.length !== n) throw new TypeError(`${fn}: ${src.length} class indices for ${n} rows of predictions`);
    return { src, index: true };
  }
  if (src.length === n * k) return { src, index: false };
  if (src.length === n) return { src, index: true };
  throw new TypeError(
    `${fn}: targets have length ${src.length}, which is neither n = ${n} (class indices) nor n·k = ${n * k} (distributions)`,
  );
}

/** The (target, prediction) pair of an elementwise binary function: two numbers or two flat arrays of one length. */
export function readElementPair(fn: string, y: unknown, x: unknown, xArg: string): [Elements, Elements] {
  const a = readElements(fn, 'y', y);
  const b = readElements(fn, xArg, x);
  if (a.scalar !== b.scalar || a.n !== b.n) {
    throw new TypeError(
      `${fn}: y and ${xArg} differ in shape (${a.scalar ? 'a number' : `length ${a.n}`} vs ${b.scalar ? 'a number' : `length ${b.n}`})`,
    );
  }
  return [a, b];
}
