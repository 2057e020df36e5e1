/**
 * What a backend supplies: the kernels (the innermost room) and the memory they read and write.
 * Everything in front of them — shapes, validation, chunk planning, reductions — is shared (run.ts).
 *
 * A View is (array, element offset): for wasm the array is the module's whole linear memory seen
 * as Float64Array and the offset a byte address / 8; for js it is any Float64Array.
 */
import type { Source } from '../shapes.js';
import type { KernelParams } from '../js/params.js';

export interface View {
  arr: Float64Array;
  off: number;
}

/** A float32 view (float32 kernels read float32 batches in place). */
export interface View32 {
  arr: Float32Array;
  off: number;
}

/** Typed arrays that `alloc` can place in the backend's memory. */
export type AllocatableArray = Float64Array | Float32Array | Int32Array;
export interface AllocatableType<T extends AllocatableArray> {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): T;
  new (length: number): T;
  readonly BYTES_PER_ELEMENT: number;
}

/**
 * The kernels, one calling convention on both backends (src/js/*.ts and assembly/*.ts, same file
 * names): data only — targets, predictions, n rows, k classes, out, per-class weights w, sample
 * weights s (NO_WEIGHTS: none) — and the call's options in the parameter block (setParams). Each returns 1 if it saw an invalid value.
 */
export interface Kernels {
  informationContentF64(p: View, n: number, out: View, s: View): number;
  binaryEntropyF64(p: View, n: number, out: View, s: View): number;
  entropyRowsF64(p: View, n: number, k: number, out: View, s: View): number;
  crossEntropyDenseF64(p: View, q: View, n: number, k: number, out: View, w: View, s: View): number;
  crossEntropyIndexF64(y: View, q: View, n: number, k: number, out: View, w: View, s: View): number;
  crossEntropyIndexF32(y: View, q: View32, n: number, k: number, out: View, w: View, s: View): number;
  klDivergenceRowsF64(p: View, q: View, n: number, k: number, out: View, s: View): number;
  softmaxRowsF64(z: View, n: number, k: number, out: View): number;
  logSumExpRowsF64(z: View, n: number, k: number, out: View, s: View): number;
  softmaxCrossEntropyDenseF64(p: View, z: View, n: number, k: number, out: View, w: View, s: View): number;
  softmaxCrossEntropyIndexF64(y: View, z: View, n: number, k: number, out: View, w: View, s: View): number;
  softmaxCrossEntropyIndexF32(y: View, z: View32, n: number, k: number, out: View, w: View, s: View): number;
  scoreRowsF64(y: View, p: View, n: number, k: number, outCe: View, outH: View): number;
  scoreRowsF32(y: View, p: View32, n: number, k: number, outCe: View, outH: View): number;
  scoreBinaryF64(y: View, z: View, n: number, outCe: View, outH: View, outP: View): number;
  scoreBinaryF32(y: View, z: View32, n: number, outCe: View, outH: View, outP: View): number;
  binaryCrossEntropyF64(y: View, p: View, n: number, out: View, s: View): number;
  sigmoidCrossEntropyF64(y: View, z: View, n: number, out: View, s: View): number;
}

/** Every kernel's name (the wasm backend binds these exports; test/kernels.test.ts checks both sides). */
export const KERNEL_NAMES = [
  'informationContentF64',
  'binaryEntropyF64',
  'entropyRowsF64',
  'crossEntropyDenseF64',
  'crossEntropyIndexF64',
  'crossEntropyIndexF32',
  'klDivergenceRowsF64',
  'softmaxRowsF64',
  'logSumExpRowsF64',
  'softmaxCrossEntropyDenseF64',
  'softmaxCrossEntropyIndexF64',
  'softmaxCrossEntropyIndexF32',
  'scoreRowsF64',
  'scoreRowsF32',
  'scoreBinaryF64',
  'scoreBinaryF32',
  'binaryCrossEntropyF64',
  'sigmoidCrossEntropyF64',
] as const satisfies readonly (keyof Kernels)[];
/** Compile-time check that KERNEL_NAMES lists every kernel. */
const everyKernelNamed: [Exclude<keyof Kernels, (typeof KERNEL_NAMES)[number]>] extends [never] ? true : never = true;
void everyKernelNamed;

export type { KernelParams };

/** The chunk's compensated totals, read after each kernel call: Σ row values and Σ w_{y_i}. */
export interface Totals {
  sum: number;
  carry: number;
  den: number;
  denCarry: number;
}

/** Input regions: targets, predictions, per-class weights, sample weights (region 3 holds results). */
export type Slot = 0 | 1 | 2 | 4;
export const TARGETS: Slot = 0;
export const PREDICTIONS: Slot = 1;
export const WEIGHTS: Slot = 2;
export const SAMPLE_WEIGHTS: Slot = 4;

/** A weights view meaning "no weights" (off < 0; address 0 on wasm), per class or per sample. */
export const NO_WEIGHTS: View = { arr: new Float64Array(0), off: -1 };

/**
 * A backend as the small-call paths (src/fast-path.ts) use it: staging memory written by index
 * loops, and the kernels called on it with their addresses fixed once — no View objects, chunk
 * plan or closures per call. Float64 targets are staged at `t`, predictions at `p`, results land
 * at `o` (element indices into `f64`), each slot holding `room` values.
 */
export interface Direct {
  /** The staging memory (wasm: the module's memory, this field replaced only when memory grows). */
  f64: Float64Array;
  readonly t: number;
  readonly p: number;
  readonly o: number;
  readonly room: number;
  /** The scratch area's bytes [scratchStart, scratchEnd) in `f64.buffer` (js: empty, the memory is private). */
  readonly scratchStart: number;
  readonly scratchEnd: number;
  /** Writes the parameter block, skipped when `p` is the block written last. */
  setParams(p: KernelParams): void;
  resetTotals(wanted: boolean): void;
  /** The last kernel's Σ rows and Σ w_y, each (sum + carry) as one chunk's compensated merge gives it. */
  sum(): number;
  den(): number;
  entropyRows(n: number, k: number): number;
  klDivergenceRows(n: number, k: number): number;
  crossEntropyDense(n: number, k: number): number;
  crossEntropyIndex(n: number, k: number): number;
  softmaxCrossEntropyIndex(n: number, k: number): number;
  /** Float32 predictions `q` (the caller's array, n·k values): wasm copies them in, js reads them in place. */
  crossEntropyIndex32(q: Float32Array, n: number, k: number): number;
  softmaxCrossEntropyIndex32(z: Float32Array, n: number, k: number): number;
  /** One row's -ln q_y / ln b with a class index, computed as the index kernels compute a row (no clamp, no weights). */
  negLogTarget(qy: number, lnBase: number): number;
}

/** A compensated sum's value after merging one chunk's (sum, carry) into a fresh CompensatedSum (src/sum.ts), without the object. */
export function mergedOnce(sum: number, carry: number): number {
  const t = 0 + sum;
  const c = 0 + (0 >= Math.abs(sum) ? 0 - t + sum : sum - t + 0) + carry;
  return Number.isFinite(t) ? t + c : t;
}

export interface Backend {
  readonly name: 'wasm' | 'js';
  readonly kernels: Kernels;
  readonly direct: Direct;
  /** Writes a call's options into the parameter block the kernels read (once per call, before the first chunk). */
  setParams(p: KernelParams): void;
  /** Values one region holds: a chunk is as many whole rows as fit. Rows longer than this run on js. */
  readonly capacity: number;
  /** Values [from, to) of a source, placed where the kernels can read them. */
  stage(slot: Slot, src: Source, from: number, to: number): View;
  /** The same for a float32 source (src.f32 set), kept float32. */
  stage32(slot: Slot, src: Source, from: number, to: number): View32;
  /** Where a kernel writes `count` results that belong at dest[from ..] (dest null: nobody keeps them). */
  output(dest: Float64Array | Float32Array | null, from: number, count: number): View;
  /** Where a kernel writes a second result stream (entropy next to cross-entropy): input region `slot`, free after staging. */
  outputAt(slot: Slot, dest: Float64Array, from: number, count: number): View;
  /** Moves results written at `view` into dest[from ..] unless they are already there. */
  collect(dest: Float64Array | Float32Array, from: number, count: number, view: View): void;
  /** Zeroes the chunk totals; `wanted` false: the call keeps per-row results and never reads them (a backend may skip them). */
  resetTotals(wanted?: boolean): void;
  totals(): Totals;
  /** Bytes of memory the backend holds for its kernels (wasm: linear memory; js: scratch arrays). */
  memoryBytes(): number;
  /** A typed array in the backend's own memory, read by kernels in place (zero-copy). */
  alloc<T extends AllocatableArray>(type: AllocatableType<T>, length: number): T;
  /** Releases an array from alloc() for reuse. */
  free(view: AllocatableArray): void;
  /** Makes room for `bytes` of later alloc() calls at once (one memory growth, not one per alloc). */
  reserve(bytes: number): void;
  /**
   * The fused per-row cross-entropy (wasm only): int32 labels and float32 predictions of rows
   * [r0, r0 + rows), read in place where they live in the backend's memory, float32 results
   * written to dest[r0 ..]. Returns the kernel's flag.
   */
  crossEntropyIndexI32F32?(
    y: Int32Array,
    q: Float32Array,
    r0: number,
    rows: number,
    k: number,
    dest: Float32Array,
  ): number;
}
