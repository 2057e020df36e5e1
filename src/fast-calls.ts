/**
 * The small-call paths: entropy, crossEntropy, klDivergence and softmaxCrossEntropy on inputs that
 * fit one staging slot (backend.ts, Direct), with the options most calls pass (none, or classes,
 * reduction, base, validate). The arguments are read by index loops straight into the backend's
 * staging memory and the same kernels as the general path (api.ts) run on them: no Source, plan,
 * closure or compensated-sum object per call.
 *
 * Each path gives the general path's numbers and nothing else: whenever a call is not one it
 * takes — an option it does not handle, an argument of another kind, an array in the wasm memory,
 * or a value a kernel flags — it returns MISS before anything is returned or written, and the
 * general path runs the call from the start (and raises its error, named as API.md says).
 * test/fast-calls.test.ts checks both on every backend and build.
 */
import type { Direct } from './backend/backend.js';
import type { KernelParams } from './js/params.js';
import { fastPath } from './fast-path.js';
import { reduced } from './run.js';
import { DEFAULT_KERNEL_PARAMS } from './validate.js';
import type { Options } from './validate.js';

/** "Not taken here": the general path runs the call. */
export const MISS = undefined;

/** Calls answered here, and by api.ts's fused kernel (test/fast-calls.test.ts checks that its cases reach them). */
export const taken = { calls: 0, fused: 0 };

type Result = number | number[] | Float64Array | Float32Array;

const NONE = 0;
const SUM = 1;
const MEAN = 2;

/** The function a rows-with-targets call computes. */
export const CROSS_ENTROPY = 0;
export const KL_DIVERGENCE = 1;
export const SOFTMAX_CROSS_ENTROPY = 2;
type RowFunction = typeof CROSS_ENTROPY | typeof KL_DIVERGENCE | typeof SOFTMAX_CROSS_ENTROPY;

/** The parameter blocks of the bases a fast call takes: e (the defaults), 2 and 10, as resolveOptions computes ln b. */
const BASE_2: KernelParams = Object.freeze({ ...DEFAULT_KERNEL_PARAMS, lnBase: Math.LN2 });
const BASE_10: KernelParams = Object.freeze({ ...DEFAULT_KERNEL_PARAMS, lnBase: Math.LN10 });

/** The current call's options, set by readOptions (calls never nest: api.ts runs each alone). */
let reduction = NONE;
/** `classes`, or 0 when not given (one distribution). */
let classes = 0;
let params: KernelParams = DEFAULT_KERNEL_PARAMS;

/**
 * Reads the options if they are of the kinds a fast call takes: none, or an object whose only
 * options are classes, reduction, base (e, 2 or 10) and validate, each valid. False otherwise
 * (the general path then checks them and names what is wrong).
 */
function readOptions(opts: unknown): boolean {
  reduction = NONE;
  classes = 0;
  params = DEFAULT_KERNEL_PARAMS;
  if (!fastPath.smallCalls) return false;
  if (opts === undefined) return true;
  if (typeof opts !== 'object' || opts === null) return false;
  const o = opts as Options;
  if (
    o.weights !== undefined ||
    o.sampleWeights !== undefined ||
    o.out !== undefined ||
    o.eps !== undefined ||
    o.labelSmoothing !== undefined ||
    o.ignoreIndex !== undefined ||
    o.normalize !== undefined ||
    o.posWeight !== undefined
  )
    return false;
  const v = o.validate;
  if (v !== undefined && v !== true && v !== false) return false;
  const r = o.reduction;
  if (r === 'sum') reduction = SUM;
  else if (r === 'mean') reduction = MEAN;
  else if (r !== undefined && r !== 'none') return false;
  const c = o.classes;
  if (c !== undefined) {
    if (!(typeof c === 'number' && Number.isInteger(c) && c >= 1)) return false;
    classes = c;
  }
  const b = o.base;
  if (b === 2) params = BASE_2;
  else if (b === 10) params = BASE_10;
  else if (b !== undefined && b !== Math.E) return false;
  return true;
}

/** Kinds of a flat argument. */
const OTHER = 0;
const ARRAY = 1;
const F64 = 2;
const F32 = 3;
const I32 = 4;

/**
 * Whether a typed array may lie in the backend's scratch area (a view built by hand over the wasm
 * memory's bytes there). byteOffset and byteLength rule it out for most arrays; `buffer` (a getter
 * slower than a small call's arithmetic) is read only where they cannot.
 */
function mayOverlap(x: ArrayBufferView, d: Direct): boolean {
  if (d.scratchEnd === 0) return false; // js: nothing to overlap
  const start = x.byteOffset;
  return start < d.scratchEnd && start + x.byteLength > d.scratchStart && x.buffer === d.f64.buffer;
}

/**
 * The kind of a flat argument a fast call reads. A view over the wasm scratch area is OTHER: the
 * general path refuses it (staging would overwrite it); arrays from x.alloc are copied like any other.
 */
function kindOf(x: unknown, d: Direct): number {
  if (Array.isArray(x)) return ARRAY;
  if (x instanceof Float64Array) return mayOverlap(x, d) ? OTHER : F64;
  if (x instanceof Float32Array) return mayOverlap(x, d) ? OTHER : F32;
  if (x instanceof Int32Array) return mayOverlap(x, d) ? OTHER : I32;
  return OTHER;
}

/**
 * Copies `count` values of x (of kind `kind`) to d.f64[at ..]: false if a plain array holds
 * something other than a number there (a row, a string, a hole: the general path names it).
 */
function stage(d: Direct, at: number, x: unknown, kind: number, count: number): boolean {
  const f = d.f64;
  if (kind === ARRAY) {
    const a = x as unknown[];
    for (let i = 0; i < count; i++) {
      const v = a[i];
      if (typeof v !== 'number') return false;
      f[at + i] = v;
    }
  } else if (kind === F64) {
    const a = x as Float64Array;
    for (let i = 0; i < count; i++) f[at + i] = a[i];
  } else if (kind === F32) {
    const a = x as Float32Array;
    for (let i = 0; i < count; i++) f[at + i] = a[i];
  } else {
    const a = x as Int32Array;
    for (let i = 0; i < count; i++) f[at + i] = a[i];
  }
  return true;
}

/** The per-row results at d.o as the call returns them: number[] for plain arrays, else the predictions' typed array kind. */
function rowsOut(d: Direct, n: number, kind: number): number[] | Float64Array | Float32Array {
  const f = d.f64;
  const o = d.o;
  if (kind === ARRAY) {
    const out: number[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = f[o + i];
    return out;
  }
  const out = kind === F32 ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = f[o + i];
  return out;
}

/** entropy(p) of one distribution or of rows of `classes` (number[], Float64Array or Float32Array). */
export function fastEntropy(d: Direct, p: unknown, opts: unknown): Result | undefined {
  if (!readOptions(opts)) return MISS;
  const kind = kindOf(p, d);
  if (kind === OTHER || kind === I32) return MISS;
  const length = (p as ArrayLike<number>).length;
  const k = classes === 0 ? length : classes;
  const n = (length / k) | 0; // an integer division: `%` on these numbers costs more than a small call's copy
  if (!(length >= 1 && length <= d.room) || n * k !== length || !stage(d, d.p, p, kind, length)) return MISS;
  d.setParams(params);
  // Without a reduction nothing reads the totals: a kernel may add to stale ones unreset.
  if (reduction !== NONE && n > 1) d.resetTotals(true);
  if (d.entropyRows(n, k)) return MISS;
  taken.calls++;
  if (reduction !== NONE) return reduced(reduction === SUM, n === 1 ? 0 + d.f64[d.o] : d.sum(), n);
  return classes === 0 ? d.f64[d.o] : rowsOut(d, n, kind);
}

/** Whether q's k values (of kind `kind`) are all probabilities: numbers in [0, 1]. */
function allProbabilities(q: unknown, kind: number, k: number): boolean {
  if (kind === ARRAY) {
    const a = q as unknown[];
    for (let i = 0; i < k; i++) {
      const v = a[i];
      if (!(typeof v === 'number' && v >= 0 && v <= 1)) return false;
    }
    return true;
  }
  const a = q as Float64Array;
  for (let i = 0; i < k; i++) {
    const v = a[i];
    if (!(v >= 0 && v <= 1)) return false;
  }
  return true;
}

/**
 * crossEntropy(y, q) of one distribution q (number[] or Float64Array) with a class index y, no
 * reduction: one log of q_y, computed as the index kernels compute a row, after checking that
 * every q is a probability and y a class. Other calls with a number target go to fastRows.
 */
export function fastIndexOne(d: Direct, y: number, q: unknown, opts: unknown): Result | undefined {
  if (!readOptions(opts) || classes !== 0 || reduction !== NONE) return fastRows(d, CROSS_ENTROPY, y, q, opts);
  let k: number;
  if (Array.isArray(q)) {
    k = q.length;
    for (let i = 0; i < k; i++) {
      const v = q[i];
      if (!(typeof v === 'number' && v >= 0 && v <= 1)) return MISS;
    }
  } else if (q instanceof Float64Array && !mayOverlap(q, d)) {
    k = q.length;
    for (let i = 0; i < k; i++) {
      const v = q[i];
      if (!(v >= 0 && v <= 1)) return MISS;
    }
  } else return fastRows(d, CROSS_ENTROPY, y, q, opts);
  if (!(Number.isInteger(y) && y >= 0 && y < k)) return MISS;
  taken.calls++;
  return d.negLogTarget((q as ArrayLike<number>)[y], params.lnBase);
}

/**
 * crossEntropy, klDivergence, softmaxCrossEntropy: targets (class indices: a number, an
 * Int32Array, a number[] or Float64Array of one entry per row; or dense rows) against flat
 * predictions (one distribution, or n rows of `classes`).
 */
export function fastRows(d: Direct, fn: RowFunction, p: unknown, q: unknown, opts: unknown): Result | undefined {
  if (!readOptions(opts)) return MISS;
  const qKind = kindOf(q, d);
  if (qKind === OTHER || qKind === I32) return MISS;
  const length = (q as ArrayLike<number>).length;
  const one = classes === 0;
  const k = one ? length : classes;
  const n = (length / k) | 0;
  if (!(length >= 1 && length <= d.room) || n * k !== length) return MISS;
  // The targets' kind, as shapes.ts readTargets decides it.
  let index: boolean;
  let pKind = ARRAY;
  if (typeof p === 'number') {
    if (n !== 1) return MISS;
    index = true;
  } else {
    pKind = kindOf(p, d);
    if (pKind === OTHER || pKind === F32) return MISS;
    const m = (p as ArrayLike<number>).length;
    if (pKind === I32) {
      if (m !== n) return MISS;
      index = true;
    } else if (m === length) index = false;
    else if (m === n) index = true;
    else return MISS;
  }
  if (fn === SOFTMAX_CROSS_ENTROPY && !index) return MISS;
  // One distribution's cross-entropy with a class index: one log, no kernel (softmax: none).
  if (index && one && reduction === NONE && fn !== SOFTMAX_CROSS_ENTROPY && qKind !== F32) {
    const y = typeof p === 'number' ? p : (p as ArrayLike<unknown>)[0];
    if (!(typeof y === 'number' && Number.isInteger(y) && y >= 0 && y < k)) return MISS;
    if (!allProbabilities(q, qKind, k)) return MISS;
    taken.calls++;
    return d.negLogTarget((q as ArrayLike<number>)[y], params.lnBase);
  }
  if (typeof p === 'number') d.f64[d.t] = p;
  else if (!stage(d, d.t, p, pKind, index ? n : length)) return MISS;
  d.setParams(params);
  // One row: its compensated Σ is the row itself, 0 + v (a -0 row sums to +0), and Σ w_y is 1 (no
  // weights, nothing ignored): the totals are neither reset nor read (a call into the module fewer).
  if (reduction !== NONE && n > 1) d.resetTotals(true);
  let bad: number;
  // Float32 predictions with class indices stay float32 where the general path has the float32 kernel.
  if (index && qKind === F32 && fn !== KL_DIVERGENCE) {
    bad =
      fn === CROSS_ENTROPY
        ? d.crossEntropyIndex32(q as Float32Array, n, k)
        : d.softmaxCrossEntropyIndex32(q as Float32Array, n, k);
  } else {
    if (!stage(d, d.p, q, qKind, length)) return MISS;
    if (fn === SOFTMAX_CROSS_ENTROPY) bad = d.softmaxCrossEntropyIndex(n, k);
    else if (index) bad = d.crossEntropyIndex(n, k);
    else bad = fn === CROSS_ENTROPY ? d.crossEntropyDense(n, k) : d.klDivergenceRows(n, k);
  }
  if (bad) return MISS;
  taken.calls++;
  if (reduction !== NONE) {
    if (n === 1) return reduced(reduction === SUM, 0 + d.f64[d.o], 1);
    return reduced(reduction === SUM, d.sum(), index ? d.den() : n);
  }
  return one ? d.f64[d.o] : rowsOut(d, n, qKind);
}
