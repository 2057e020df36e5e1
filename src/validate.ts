/**
 * The rules of API.md: option checks, and the messages for bad values.
 *
 * Kernels check values in the same pass that computes them and only raise a flag; when a chunk
 * comes back flagged, the functions here scan that chunk's source values with the same rules and
 * name the first offending position (0-based), so the fast path pays nothing for messages.
 */
import type { Source } from './shapes.js';
import { checkClasses, describeValue, refuseDetached } from './shapes.js';
import type { KernelParams } from './js/params.js';
import { fastPath } from './fast-path.js';

export type Reduction = 'none' | 'sum' | 'mean';

export interface Options {
  classes?: number;
  reduction?: Reduction;
  base?: number;
  normalize?: boolean;
  eps?: number;
  weights?: ArrayLike<number>;
  ignoreIndex?: number;
  labelSmoothing?: number;
  posWeight?: number;
  sampleWeights?: ArrayLike<number>;
  validate?: boolean;
  out?: Float64Array | Float32Array;
}

/**
 * Options after checking, with defaults filled in: what the wrapper acts on, and `params`, the
 * numbers every kernel reads from its parameter block (src/js/params.ts, assembly/params.ts).
 */
export interface Resolved {
  /** The public function's name, for messages. */
  fn: string;
  classes: number | undefined;
  reduction: Reduction;
  weights: ArrayLike<number> | undefined;
  /** One weight per row (per element for elementwise functions); undefined: none. */
  sampleWeights: ArrayLike<number> | undefined;
  validate: boolean;
  out: Float64Array | Float32Array | undefined;
  params: KernelParams;
}

function finite(fn: string, name: string, v: unknown): number {
  if (typeof v !== 'number') throw new TypeError(`${fn}: ${name} must be a number, got ${typeof v}`);
  return v;
}

/** A boolean option: absent is `fallback`; anything but true/false is a TypeError (never read as truthy). */
function flag(fn: string, name: string, v: unknown, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new TypeError(`${fn}: ${name} must be true or false, got ${describeValue(v)}`);
  return v;
}

/** ln(base): Math.E, 2 and 10 use the correctly rounded constants. */
function lnOf(fn: string, base: unknown): number {
  if (base === undefined || base === Math.E) return 1;
  const b = finite(fn, 'base', base);
  if (!(b > 0 && b !== 1 && b < Infinity))
    throw new RangeError(`${fn}: base must be a finite number > 0 and ≠ 1, got ${b}`);
  if (b === 2) return Math.LN2;
  if (b === 10) return Math.LN10;
  return Math.log(b);
}

/** The kernel parameters of a call that passes no options: one shared, frozen object. */
export const DEFAULT_KERNEL_PARAMS: KernelParams = Object.freeze({
  lnBase: 1,
  eps: 0,
  smoothing: 0,
  ignoreIndex: NaN,
  posWeight: 1,
  normalize: 0,
  log: 0,
  logits: 0,
});

/** The resolved options of a call that passes none, one frozen object per function (a per-sample call allocates nothing here). */
const defaultOptions = new Map<string, Resolved>();
function defaultsOf(fn: string): Resolved {
  let o = defaultOptions.get(fn);
  if (!o) {
    o = Object.freeze({
      fn,
      classes: undefined,
      reduction: 'none',
      weights: undefined,
      sampleWeights: undefined,
      validate: true,
      out: undefined,
      params: DEFAULT_KERNEL_PARAMS,
    } as const);
    defaultOptions.set(fn, o);
  }
  return o;
}

export function resolveOptions(fn: string, opts: Options | undefined): Resolved {
  if (opts === undefined && fastPath.oneChunk) return defaultsOf(fn);
  if (opts === undefined || opts === null) opts = {};
  if (typeof opts !== 'object') throw new TypeError(`${fn}: options must be an object, got ${typeof opts}`);
  const reduction = opts.reduction ?? 'none';
  if (reduction !== 'none' && reduction !== 'sum' && reduction !== 'mean') {
    throw new RangeError(`${fn}: reduction must be 'none', 'sum' or 'mean', got ${describeValue(reduction)}`);
  }
  const eps = opts.eps === undefined ? 0 : finite(fn, 'eps', opts.eps);
  if (!(eps >= 0 && eps <= 0.5)) throw new RangeError(`${fn}: eps must be in [0, 0.5], got ${eps}`);
  const labelSmoothing = opts.labelSmoothing === undefined ? 0 : finite(fn, 'labelSmoothing', opts.labelSmoothing);
  if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
    throw new RangeError(`${fn}: labelSmoothing must be in [0, 1], got ${labelSmoothing}`);
  }
  const ignoreIndex = opts.ignoreIndex === undefined ? NaN : finite(fn, 'ignoreIndex', opts.ignoreIndex);
  const posWeight = opts.posWeight === undefined ? 1 : finite(fn, 'posWeight', opts.posWeight);
  const out = opts.out;
  if (out !== undefined) {
    if (!(out instanceof Float64Array || out instanceof Float32Array)) {
      throw new TypeError(
        `${fn}: out must be a Float64Array or Float32Array, got ${out === null ? 'null' : typeof out}`,
      );
    }
    if (reduction !== 'none')
      throw new TypeError(`${fn}: out takes per-row results; it cannot be used with reduction '${reduction}'`);
    refuseDetached(fn, 'out', out);
  }
  if (opts.weights !== undefined && !(Array.isArray(opts.weights) || ArrayBuffer.isView(opts.weights))) {
    throw new TypeError(`${fn}: weights must be an array of per-class weights`);
  }
  const sampleWeights = opts.sampleWeights;
  if (sampleWeights !== undefined) {
    if (!(Array.isArray(sampleWeights) || ArrayBuffer.isView(sampleWeights))) {
      throw new TypeError(
        `${fn}: sampleWeights must be an array or typed array of per-row weights, got ${describeValue(sampleWeights)}`,
      );
    }
    refuseDetached(fn, 'sampleWeights', sampleWeights);
  }
  const classes = checkClasses(fn, opts.classes);
  const lnBase = lnOf(fn, opts.base);
  const normalize = +flag(fn, 'normalize', opts.normalize, false);
  return {
    fn,
    classes,
    reduction,
    weights: opts.weights,
    sampleWeights,
    validate: flag(fn, 'validate', opts.validate, true),
    out,
    params: { lnBase, eps, smoothing: labelSmoothing, ignoreIndex, posWeight, normalize, log: 0, logits: 0 },
  };
}

/** Position of flat element i: "index i" for one distribution or elementwise input, else "row r, column c". */
export function position(i: number, k: number, batch: boolean): string {
  return batch ? `row ${Math.floor(i / k)}, column ${i % k}` : `index ${i}`;
}

/** The TypeError for an element that is not a number (API.md: positions are named, values never coerced). */
function notANumber(fn: string, what: string, v: unknown): TypeError {
  return new TypeError(`${fn}: ${what} is ${describeValue(v)}; an entry must be a number`);
}

/** A value's rule, as a predicate and the words for it. */
export interface Rule {
  ok(v: number): boolean;
  what: string;
}

export const probabilityRule: Rule = { ok: (v) => v >= 0 && v <= 1, what: 'a probability must be in [0, 1]' };
export const massRule: Rule = {
  ok: (v) => v >= 0 && v <= Infinity,
  what: 'an entry must be non-negative (and not NaN) when normalize is on',
};
export const logitRule: Rule = { ok: (v) => v < Infinity, what: 'a logit must not be NaN or +Infinity' };

/** An argument of a call: its name, its values, and the rule they follow. */
export interface Checked {
  name: string;
  src: Source;
  rule: Rule;
}

/**
 * The first bad value among elements [from, to) of row-aligned arguments (scanned row by row,
 * argument by argument), as a RangeError naming the position; null when all are valid.
 */
export function findBadValue(
  fn: string,
  args: Checked[],
  k: number,
  batch: boolean,
  from: number,
  to: number,
): RangeError | null {
  const width = Math.max(k, 1);
  for (let row = from - (from % width); row < to; row += width) {
    for (const a of args) {
      for (let i = row; i < Math.min(row + width, to); i++) {
        const v = a.src.at(i);
        if (typeof v !== 'number') return notANumber(fn, `${a.name} at ${position(i, k, batch)}`, v);
        if (!a.rule.ok(v))
          return new RangeError(`${fn}: ${a.name} at ${position(i, k, batch)} is ${v}; ${a.rule.what}`);
      }
    }
  }
  return null;
}

/**
 * Weights are read once per call (k values): with validation on, an entry that is not a number is
 * a TypeError, and NaN or ±Infinity a RangeError, naming it. Any finite weight, 0 and negative
 * included, is computed as written (as in PyTorch).
 */
export function checkWeights(fn: string, weights: ArrayLike<unknown>): void {
  const typed = ArrayBuffer.isView(weights);
  for (let j = 0; j < weights.length; j++) {
    const w = weights[j];
    if (typed && typeof w === 'bigint') continue; // BigInt64Array/BigUint64Array: always finite
    if (typeof w !== 'number') throw notANumber(fn, `weights at index ${j}`, w);
    if (!Number.isFinite(w)) throw new RangeError(`${fn}: weights at index ${j} is ${w}; a weight must be finite`);
  }
}

/**
 * The first bad sample weight among rows [from, to): not a number (TypeError), or negative, NaN
 * or infinite (RangeError), named by its index; null when all are valid.
 */
export function findBadSampleWeight(fn: string, src: Source, from: number, to: number): Error | null {
  for (let i = from; i < to; i++) {
    const v = src.at(i);
    if (typeof v !== 'number') return notANumber(fn, `sampleWeights at index ${i}`, v);
    if (!(v >= 0 && v < Infinity))
      return new RangeError(`${fn}: sampleWeights at index ${i} is ${v}; a sample weight must be finite and ≥ 0`);
  }
  return null;
}

/** The first class index in rows [from, to) that is not an integer in [0, k) nor ignoreIndex. */
export function findBadIndex(
  fn: string,
  src: Source,
  k: number,
  ignoreIndex: number,
  from: number,
  to: number,
): RangeError | null {
  for (let r = from; r < to; r++) {
    const y = src.at(r);
    const at = src.length === 1 ? 'target' : `target at row ${r}`;
    if (typeof y !== 'number') return notANumber(fn, at, y);
    if (y === ignoreIndex) continue;
    if (!(Number.isInteger(y) && y >= 0 && y < k)) {
      return new RangeError(
        `${fn}: ${at} is ${y}; a class index must be an integer in [0, ${k})${Number.isNaN(ignoreIndex) ? '' : ` or ignoreIndex (${ignoreIndex})`}`,
      );
    }
  }
  return null;
}
