/**
 * How a call is cut into pieces: its shape is read once on the calling thread with the same
 * readers as the synchronous API (so shape and option errors are the same, and come before any
 * thread works), then rows [r0, r1) of every row-aligned argument are handed over piece by piece.
 *
 * Piece boundaries depend only on the input's shape (rows and row width), never on the thread
 * count: every `threads` value computes the same pieces and merges them in the same order.
 */
import { describeValue, readBatch, readElementPair, readElements, readTargets } from '../shapes.js';
import type { OutKind } from '../shapes.js';
import { resolveOptions } from '../validate.js';
import type { Resolved } from '../validate.js';

/** Values per piece (about 1 MiB of float32 logits): a few ms of kernel time, so progress, abort and load balance stay fine-grained. */
export const PIECE_VALUES = 1 << 18;

/**
 * How one positional argument travels: whole (a number), or cut into rows of `per` flat values
 * (number[][]: `per` = 1 entry per row, each of `rowWidth` values).
 */
type Cut = { whole: true } | { whole: false; per: number; rowWidth?: number };

/** What a piece sends back: per-row values, a reduction's parts, or scoreRows' three arrays. */
export type Mode = 'rows' | 'parts' | 'scored';

export interface Layout {
  fn: string;
  mode: Mode;
  /** Rows (elements, for elementwise functions). */
  n: number;
  /** Results per row: 1, or k for softmax / logSoftmax. */
  width: number;
  /** Rows per piece. */
  rowsPerPiece: number;
  pieces: number;
  kind: OutKind;
  /** softmax of number[][] without `out`: number[][] back. */
  nested: boolean;
  cuts: Cut[];
  args: unknown[];
  /** Options for the workers (the pool's own `signal` and `onProgress` removed; `out` stays here). */
  opts: Record<string, unknown>;
  /** Per-row option arrays (sample weights and the like), cut with the rows. */
  rowOptions: string[];
  resolved: Resolved;
}

/** Options that are arrays but never per row: per-class weights, and the caller's `out`. */
const NOT_PER_ROW = new Set(['weights', 'out']);

function isRowsArray(x: unknown): boolean {
  return Array.isArray(x) && x.length > 0 && (Array.isArray(x[0]) || ArrayBuffer.isView(x[0]));
}

/** The argument cut: number[][] by rows (one entry per row), flat arrays by `per` values per row. */
function cutOf(x: unknown, per: number): Cut {
  if (typeof x === 'number' || typeof x === 'bigint') return { whole: true };
  return isRowsArray(x) ? { whole: false, per: 1, rowWidth: per } : { whole: false, per };
}

/** The function families of API.md, by how their arguments line up with rows. */
const ELEMENTWISE1 = new Set(['informationContent', 'binaryEntropy']);
const ELEMENTWISE2: Record<string, string> = { binaryCrossEntropy: 'p', sigmoidCrossEntropy: 'logits' };
const WITH_TARGETS: Record<string, string> = { crossEntropy: 'q', klDivergence: 'q', softmaxCrossEntropy: 'logits' };
const SOFTMAX = new Set(['softmax', 'logSoftmax']);
export const FUNCTIONS = [
  ...ELEMENTWISE1,
  ...Object.keys(ELEMENTWISE2),
  'entropy',
  'logSumExp',
  ...Object.keys(WITH_TARGETS),
  ...SOFTMAX,
  'scoreRows',
];

function checkOut(fn: string, o: Resolved, length: number): void {
  if (o.out && o.out.length !== length)
    throw new TypeError(`${fn}: out has length ${o.out.length}, expected ${length}`);
}

/**
 * Reads a call's shape and options as the synchronous API does (throwing its errors) and plans the
 * pieces. `opts` is the caller's options without the pool's own.
 */
export function layout(fn: string, args: unknown[], opts: Record<string, unknown> | undefined): Layout {
  let o: Resolved;
  let n: number;
  let width = 1;
  let per = 1;
  let kind: OutKind;
  let one = false;
  let nested = false;
  let cuts: Cut[];
  if (fn === 'scoreRows') {
    const so = opts as { input?: unknown; classes?: number; base?: number; validate?: boolean } | undefined;
    if (so?.input !== 'logits' && so?.input !== 'probs') {
      throw new RangeError(`${fn}: input must be 'logits' or 'probs', got ${describeValue(so?.input)}`);
    }
    o = resolveOptions(fn, { classes: so.classes, base: so.base, validate: so.validate });
    if (o.classes === undefined) throw new TypeError(`${fn}: classes is required`);
    const qb = readBatch(fn, 'scores', args[1], o.classes);
    const t = readTargets(fn, args[0], qb);
    if (!t.index || t.src.length !== qb.n) throw new TypeError(`${fn}: labels must be one class index per row`);
    o = { ...o, reduction: 'none', out: undefined };
    ({ n } = qb);
    per = qb.k;
    kind = 'f64';
    cuts = [cutOf(args[0], 1), cutOf(args[1], per)];
  } else {
    o = resolveOptions(fn, opts as never);
    if (ELEMENTWISE1.has(fn)) {
      const e = readElements(fn, 'p', args[0]);
      checkOut(fn, o, e.n);
      ({ n, kind } = e);
      one = e.scalar;
      cuts = [cutOf(args[0], 1)];
    } else if (fn in ELEMENTWISE2) {
      const [, ex] = readElementPair(fn, args[0], args[1], ELEMENTWISE2[fn]);
      checkOut(fn, o, ex.n);
      ({ n, kind } = ex);
      one = ex.scalar;
      cuts = [cutOf(args[0], 1), cutOf(args[1], 1)];
    } else if (fn === 'entropy' || fn === 'logSumExp') {
      const b = readBatch(fn, fn === 'entropy' ? 'p' : 'logits', args[0], o.classes);
      checkOut(fn, o, b.n);
      ({ n, kind } = b);
      per = b.k;
      one = b.single;
      cuts = [cutOf(args[0], per)];
    } else if (fn in WITH_TARGETS) {
      const qb = readBatch(fn, WITH_TARGETS[fn], args[1], o.classes);
      const t = readTargets(fn, args[0], qb);
      checkOut(fn, o, qb.n);
      ({ n, kind } = qb);
      per = qb.k;
      one = qb.single;
      cuts = [cutOf(args[0], t.index ? 1 : per), cutOf(args[1], per)];
    } else if (SOFTMAX.has(fn)) {
      const b = readBatch(fn, 'logits', args[0], o.classes);
      checkOut(fn, o, b.n * b.k);
      ({ n, kind } = b);
      per = b.k;
      width = b.k;
      one = b.single;
      nested = b.nested && !o.out;
      cuts = [cutOf(args[0], per)];
    } else {
      throw new TypeError(`xentropy pool: no function ${describeValue(fn)}`);
    }
  }
  const workerOpts: Record<string, unknown> = { ...(opts ?? {}) };
  delete workerOpts.signal;
  delete workerOpts.onProgress;
  delete workerOpts.out;
  // Any other array-valued option is per row (per element): it is cut with the rows when its
  // length fits; when it does not, the call runs as one piece so that the synchronous API's own
  // check names the mismatch.
  const rowOptions: string[] = [];
  for (const [key, v] of Object.entries(workerOpts)) {
    if (NOT_PER_ROW.has(key) || !(Array.isArray(v) || ArrayBuffer.isView(v))) continue;
    if ((v as ArrayLike<unknown>).length === n) rowOptions.push(key);
    else one = true;
  }
  const rowsPerPiece = Math.max(1, Math.floor(PIECE_VALUES / Math.max(per, width, 1)));
  const pieces = one ? 1 : Math.max(1, Math.ceil(n / rowsPerPiece));
  const mode: Mode = fn === 'scoreRows' ? 'scored' : o.reduction !== 'none' && !SOFTMAX.has(fn) ? 'parts' : 'rows';
  return {
    fn,
    mode,
    n,
    width,
    rowsPerPiece: one ? Math.max(n, 1) : rowsPerPiece,
    pieces,
    kind,
    nested,
    cuts,
    args,
    opts: workerOpts,
    rowOptions,
    resolved: o,
  };
}

/**
 * Room of `bytes` bytes for a piece's copy: a region of a per-piece scratch in shared memory
 * (written here, read in place by the thread, reused once its reply is back), or a buffer of
 * its own that moves to the thread. Either way memory already touched: a fresh buffer costs a
 * page fault per 4 KiB on first touch, more than the copy itself.
 */
export type Take = (bytes: number) => { buffer: ArrayBufferLike; offset: number };

/** The buffer of a copy, to move with the message unless it is shared memory (read in place). */
function moveUnlessShared(x: ArrayBufferView, transfer: Transferable[]): void {
  if (!isShared(x)) transfer.push(x.buffer as ArrayBuffer);
}

function isShared(x: ArrayBufferView): boolean {
  return typeof SharedArrayBuffer === 'function' && x.buffer instanceof SharedArrayBuffer;
}

/**
 * A plain array's values [from, to) (rows of `rowWidth` values for number[][]) as a Float64Array
 * when every value is a number — moved to the thread, not cloned value by value — or null when
 * some value is not a number (its piece then goes as a plain slice, so that the synchronous API
 * names the value exactly as it would).
 */
function packNumbers(
  a: unknown[],
  from: number,
  to: number,
  rowWidth: number | undefined,
  take: Take,
): Float64Array | null {
  const count = (to - from) * (rowWidth ?? 1);
  const room = take(count * 8);
  const dst = new Float64Array(room.buffer, room.offset, count);
  if (rowWidth === undefined) {
    for (let i = from; i < to; i++) {
      const v = a[i];
      if (typeof v !== 'number') return null;
      dst[i - from] = v;
    }
    return dst;
  }
  for (let r = from, o = 0; r < to; r++, o += rowWidth) {
    const row = a[r] as ArrayLike<unknown>;
    if (ArrayBuffer.isView(row)) {
      if (typeof row[0] === 'bigint') return null;
      dst.set(row as unknown as Float64Array, o);
      continue;
    }
    for (let j = 0; j < rowWidth; j++) {
      const v = row[j];
      if (typeof v !== 'number') return null;
      dst[o + j] = v;
    }
  }
  return dst;
}

/**
 * Values [from, to) of an argument as the thread receives them: a view of shared memory (no copy),
 * a copy of that range of a typed array or of a plain array of numbers (its buffer moves to the
 * thread), or else a slice of the plain array (number[][] rows that are typed arrays are copied
 * row by row, never their whole buffer). `packed` is set when number[][] rows became flat.
 */
function slice(
  x: unknown,
  from: number,
  to: number,
  transfer: Transferable[],
  take: Take,
  rowWidth?: number,
): { v: unknown; packed: boolean } {
  if (ArrayBuffer.isView(x)) {
    const t = x as unknown as Float64Array;
    if (isShared(t)) return { v: t.subarray(from, to), packed: false };
    const Ctor = t.constructor as Float64ArrayConstructor;
    const room = take((to - from) * t.BYTES_PER_ELEMENT);
    const copy = new Ctor(room.buffer, room.offset, to - from);
    copy.set(t.subarray(from, to));
    moveUnlessShared(copy, transfer);
    return { v: copy, packed: false };
  }
  const packed = packNumbers(x as unknown[], from, to, rowWidth, take);
  if (packed) {
    moveUnlessShared(packed, transfer);
    return { v: packed, packed: rowWidth !== undefined };
  }
  const a = (x as unknown[]).slice(from, to);
  for (let i = 0; i < a.length; i++) {
    const row = a[i];
    if (ArrayBuffer.isView(row) && !isShared(row)) a[i] = (row as unknown as Float64Array).slice();
  }
  return { v: a, packed: false };
}

/** The arguments and options of piece `i`, and the buffers that move with them. */
export function pieceOf(
  l: Layout,
  i: number,
  take: Take,
): { args: unknown[]; opts: Record<string, unknown>; r0: number; rows: number; transfer: Transferable[] } {
  const transfer: Transferable[] = [];
  const r0 = i * l.rowsPerPiece;
  const r1 = Math.min(l.n, r0 + l.rowsPerPiece);
  let rowWidth: number | undefined;
  const args = l.args.map((x, j) => {
    const c = l.cuts[j];
    if (c === undefined || c.whole) return x;
    const s = slice(x, r0 * c.per, r1 * c.per, transfer, take, c.rowWidth);
    if (s.packed) rowWidth = c.rowWidth;
    return s.v;
  });
  const opts = { ...l.opts };
  // number[][] sent flat: the row width goes along (the same as the rows', checked on this thread).
  if (rowWidth !== undefined) opts.classes = rowWidth;
  for (const key of l.rowOptions) opts[key] = slice(l.opts[key], r0, r1, transfer, take).v;
  return { args, opts, r0, rows: r1 - r0, transfer };
}
