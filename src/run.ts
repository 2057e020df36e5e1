/**
 * The chunk planner shared by both backends: split n rows of k values into chunks of whole rows
 * that fit the backend's scratch, run a kernel on each, stop at the first flagged chunk, and
 * merge the chunk totals into compensated sums for 'sum' and 'mean'.
 *
 * Per-row results are gathered in a Float64Array and handed to the caller's `out` only after the
 * last chunk, so nothing is half-written when a call throws.
 */
import { mergedOnce } from './backend/backend.js';
import type { Backend, View } from './backend/backend.js';
import { jsBackend } from './backend/js.js';
import type { OutKind } from './shapes.js';
import { fastPath } from './fast-path.js';
import { CompensatedSum } from './sum.js';
import type { Resolved } from './validate.js';
import type { KernelParams } from './js/params.js';

/** One chunk: rows [r0, r0 + rows). Returns the kernel's flag. */
export type Step = (be: Backend, r0: number, rows: number, out: View) => number;
/** Names the bad value of a flagged chunk (rows [r0, r0 + rows)). */
export type Locate = (r0: number, rows: number) => Error | null;

export interface Plan {
  /** The public function's name, for messages. */
  fn: string;
  n: number;
  /** Values per row (1 for elementwise functions). */
  k: number;
  /** Results per row: 1, or k for softmax. */
  width: number;
  /** Keep per-row results (reduction 'none'). */
  keep: boolean;
  validate: boolean;
  /** The array the call returns (a fresh typed array, or the caller's `out`), written in place when safe. */
  into?: Float64Array | Float32Array;
  /** `into` is the caller's `out`: it may only be written once no later chunk can fail. */
  intoIsCallers?: boolean;
  /** The caller's `out` may be written chunk by chunk anyway (validation off and directOut()). */
  outDirect?: boolean;
  /** The call's options as the kernels read them, set once before the first chunk. */
  params: KernelParams;
}

export interface Outcome {
  rows: Float64Array | Float32Array | null;
  sum: number;
  /** Σ w_{y_i} over counted rows (index-target kernels only). */
  den: number;
}

/** The backend that runs a plan: rows longer than the wasm scratch region run on js (same results). */
export function backendFor(be: Backend, k: number): Backend {
  return k > be.capacity ? jsBackend : be;
}

/**
 * True while a public call runs (api.ts wraps each one). Both backends keep shared
 * scratch (wasm: linear memory and its totals; js: scratch arrays and totals), and a plain array's
 * getter or a Proxy runs user code in the middle of a call: a call from there would overwrite the
 * outer call's staged chunk (a wrong number, silently), and an alloc() could grow memory under it.
 * Such nested calls are refused instead; one flag per realm (a worker has its own).
 */
let busy = false;

/** `f` run as the only xentropy call in progress: a call made while another runs is a TypeError. */
export function exclusive<R>(fn: string, f: (a?: unknown, b?: unknown, c?: unknown) => R): typeof f {
  // Three fixed parameters (no public function takes more): a rest parameter would build an
  // array per call, which a single-distribution call notices.
  return (a?: unknown, b?: unknown, c?: unknown): R => {
    enter(fn);
    try {
      return f(a, b, c);
    } finally {
      busy = false;
    }
  };
}

/**
 * exclusive() written out in a method of its own (api.ts, the small-call functions): marks the
 * call as running, or throws if another one is. The method then calls leave() in a finally. One
 * wrapper shared by every method is one call site for all of them, which the JIT cannot inline.
 */
export function enter(fn: string): void {
  if (busy) {
    throw new TypeError(
      `${fn}: called while another xentropy call is running (from a getter or Proxy on its arguments); calls cannot nest`,
    );
  }
  busy = true;
}

export function leave(): void {
  busy = false;
}

/**
 * The temporary for results bound for the caller's `out`, reused from call to call: a fresh
 * array of that size costs a page fault per 4 KiB on first touch (on these VMs ~3 µs each, more
 * than the kernels for elementwise work). Held weakly, so the GC may take it back between calls.
 */
let staged: WeakRef<Float64Array> | undefined;
function stagingArray(length: number): Float64Array {
  const held = staged?.deref();
  if (held && held.length >= length) return held.subarray(0, length);
  const fresh = new Float64Array(length);
  staged = new WeakRef(fresh);
  return fresh;
}

export function runChunks(be: Backend, plan: Plan, step: Step, locate: Locate): Outcome {
  const { n, k, width } = plan;
  const perChunk = Math.max(1, Math.floor(be.capacity / Math.max(k, width, 1)));
  // Kernels write straight into the array the call returns — unless it is the caller's `out` and
  // validation is on: a chunk is written before its flag is read (in place on js), so results wait
  // in a temporary and reach `out` only once every chunk passed (nothing half-written). With
  // validation off, `out` is written directly only where directOut() allows it.
  const into = plan.keep ? plan.into : undefined;
  const direct = into !== undefined && !(plan.intoIsCallers && (plan.validate || !plan.outDirect));
  const rows = !plan.keep ? null : direct ? into! : into ? stagingArray(n * width) : new Float64Array(n * width);
  be.setParams(plan.params);
  if (n > 0 && n <= perChunk && fastPath.oneChunk) return runOneChunk(be, plan, step, locate, into, rows);
  const sum = new CompensatedSum();
  const den = new CompensatedSum();
  for (let r0 = 0; r0 < n; r0 += perChunk) {
    const count = Math.min(perChunk, n - r0);
    be.resetTotals(!plan.keep);
    const out = be.output(rows, r0 * width, count * width);
    const bad = step(be, r0, count, out);
    if (bad && plan.validate) throw locate(r0, count) ?? changedWhileRead(plan.fn, r0, count);
    if (rows) be.collect(rows, r0 * width, count * width, out);
    const t = be.totals();
    sum.merge(t.sum, t.carry);
    den.merge(t.den, t.denCarry);
  }
  if (into && rows !== into) into.set(rows!);
  return { rows: into ?? rows, sum: sum.value, den: den.value };
}

/** runChunks for inputs that fit one chunk: no loop, no compensated-sum objects. */
function runOneChunk(
  be: Backend,
  plan: Plan,
  step: Step,
  locate: Locate,
  into: Float64Array | Float32Array | undefined,
  rows: Float64Array | Float32Array | null,
): Outcome {
  const { n, width } = plan;
  be.resetTotals(!plan.keep);
  const out = be.output(rows, 0, n * width);
  const bad = step(be, 0, n, out);
  if (bad && plan.validate) {
    throw locate(0, n) ?? changedWhileRead(plan.fn, 0, n);
  }
  if (rows) be.collect(rows, 0, n * width, out);
  const t = be.totals();
  const sum = mergedOnce(t.sum, t.carry);
  const den = mergedOnce(t.den, t.denCarry);
  if (into && rows !== into) into.set(rows!);
  return { rows: into ?? rows, sum, den };
}

/**
 * The error for a flagged chunk whose inputs hold no bad value when validation reads them again:
 * the kernel saw one, so an input changed between the two reads — an array on a
 * SharedArrayBuffer written by another thread during the call, or a getter or Proxy that answers
 * differently on the second read. The result would be a silently wrong number: refused instead.
 */
export function changedWhileRead(fn: string, r0: number, rows: number): Error {
  return new Error(
    `${fn}: an input changed while it was read: rows ${r0}–${r0 + rows - 1} held an invalid value when computed and none when checked (a SharedArrayBuffer written by another thread during the call, or a getter answering differently?); no result was written`,
  );
}

/** Whether two typed arrays share bytes. */
function overlap(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return (
    a.buffer === b.buffer && a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength
  );
}

/**
 * Whether the caller's `out` may take per-row results chunk by chunk while the call runs (with
 * validation off; with it on, never). Only when nothing can stop the call halfway or change what
 * is still to be read:
 * - every input is a typed array (a plain array's getter or Proxy runs user code, which may throw
 *   after some rows were written: API.md wants nothing half-written), and
 * - no input shares memory with `out` (results written there would overwrite rows not yet read),
 *   except `inPlace`: softmax's `out` exactly its input, which the kernels support row by row.
 */
export function directOut(out: Float64Array | Float32Array | undefined, inputs: unknown[], inPlace?: unknown): boolean {
  if (!out) return false;
  for (const x of inputs) {
    if (x === undefined || typeof x === 'number' || typeof x === 'bigint') continue;
    if (!ArrayBuffer.isView(x)) return false;
    if (
      x === inPlace &&
      x.byteOffset === out.byteOffset &&
      x.byteLength === out.byteLength &&
      x.constructor === out.constructor
    )
      continue;
    if (overlap(x, out)) return false;
  }
  return true;
}

/**
 * The typed array a call returns, for runChunks to write into: the caller's `out`, or a fresh
 * array of the prediction's kind; undefined for plain arrays (number[] is built at the end).
 */
export function resultArray(
  kind: OutKind,
  length: number,
  out: Float64Array | Float32Array | undefined,
): Float64Array | Float32Array | undefined {
  if (out) return out;
  if (kind === 'f64') return new Float64Array(length);
  if (kind === 'f32') return new Float32Array(length);
  return undefined;
}

/** Per-row results in the kind API.md asks for: number[] for plain arrays, else the typed array written. */
export function shapeRows(rows: Float64Array | Float32Array, kind: OutKind): ArrayLike<number> {
  return kind === 'array' ? Array.from(rows) : rows;
}

/** Checks a caller's `out` length before anything runs. */
export function checkOut(fn: string, o: Resolved, length: number): void {
  if (o.out && o.out.length !== length) {
    throw new TypeError(`${fn}: out has length ${o.out.length}, expected ${length}`);
  }
}

/**
 * Where a call's reduction parts go just before they combine: a pool worker (src/pool/) takes the
 * compensated Σ and the denominator of its piece, so that pieces merge in piece order whatever
 * the options made of them. One slot per realm (calls are synchronous).
 */
let partsSink: ((sum: number, denominator: number) => void) | null = null;

/** Sets (or, with null, clears) the receiver of the next reductions' parts. */
export function reportReductionParts(sink: ((sum: number, denominator: number) => void) | null): void {
  partsSink = sink;
}

/** The reduced value: 'sum' → Σ, 'mean' → Σ / denominator (NaN over zero counted rows). */
export function reduce(o: Resolved, r: Outcome, denominator: number): number {
  return reduced(o.reduction === 'sum', r.sum, denominator);
}

/** reduce() from the parts: Σ for 'sum', else Σ / denominator (NaN over zero counted rows). */
export function reduced(sum: boolean, total: number, denominator: number): number {
  partsSink?.(total, denominator);
  if (sum) return total;
  return denominator === 0 ? NaN : total / denominator;
}

/** The result of one distribution or one number: its only row (kept at float64 precision). */
export function single(r: Outcome): number {
  return r.rows ? r.rows[0] : r.sum;
}
