/**
 * The driver of the fused binary scoring kernel (assembly/score_binary.ts ↔ src/js/score_binary.ts)
 * for the binary and multilabel tasks of the {@link Accumulator}: the chunks of whole values that
 * fit the backend's scratch, the parameter block, and the four result streams. Not a public
 * function: the accumulator reaches the backend of the library object it was given through the
 * registry below, which createApi fills.
 */
import { PREDICTIONS, SAMPLE_WEIGHTS, TARGETS, WEIGHTS } from './backend/backend.js';
import type { Backend } from './backend/backend.js';
import { jsBackend } from './backend/js.js';
import { DEFAULT_PARAMS } from './js/params.js';
import { enter, leave } from './run.js';
import { flatSource } from './shapes.js';

/** The backend behind each library object createApi built (weakly held: objects may be collected). */
const backends = new WeakMap<object, Backend>();

/** Records that the library object `api` runs on `be` (createApi, once per object). */
export function registerBackend(api: object, be: Backend): void {
  backends.set(api, be);
}

/** The backend of a library object; the js backend for any other scorer (the same numbers, within API.md's bounds). */
export function backendOf(api: object): Backend {
  return backends.get(api) ?? jsBackend;
}

/**
 * Per-value results of {@link scoreBinary}, n values each: `crossEntropy` and `entropy` fresh
 * arrays; `probability` and `predicted` views of a scratch array reused by the next call (the
 * accumulator reads them at once: fresh arrays would cost a page fault per 4 KiB on first touch).
 */
export interface BinaryScores {
  /** The loss in the base asked for. */
  crossEntropy: Float64Array;
  /** The binary entropy of the prediction, in the same base. */
  entropy: Float64Array;
  /** The probability of the positive class (σ(z) for logits); valid until the next call. */
  probability: Float64Array;
  /** 1 where z ≥ 0 (logits) or p ≥ 0.5 (probabilities), else 0; valid until the next call. */
  predicted: Float64Array;
  /** Whether the kernel saw a label other than 0/1 or a score breaking its rule (computed as written). */
  flagged: boolean;
}

/** ln of the base, as the library's options resolve it (validate.ts): exact for e, 2 and 10. */
function lnOf(base: number): number {
  if (base === Math.E) return 1;
  if (base === 2) return Math.LN2;
  if (base === 10) return Math.LN10;
  return Math.log(base);
}

/** The scratch behind `probability` and `predicted`, held weakly (the GC may take it back between calls). */
let scratch: WeakRef<Float64Array> | undefined;
function scratchArray(length: number): Float64Array {
  const held = scratch?.deref();
  if (held && held.length >= length) return held;
  const fresh = new Float64Array(length);
  scratch = new WeakRef(fresh);
  return fresh;
}

function run(
  be: Backend,
  labels: Float64Array,
  scores: Float64Array | Float32Array,
  logits: boolean,
  base: number,
): BinaryScores {
  const n = scores.length;
  // The kernel writes each decision over its label: a copy, never the caller's array.
  const work = scratchArray(2 * n);
  const predicted = work.subarray(0, n);
  predicted.set(labels.subarray(0, n));
  const probability = work.subarray(n, 2 * n);
  const crossEntropy = new Float64Array(n);
  const entropy = new Float64Array(n);
  const labelsSrc = flatSource(predicted);
  const scoresSrc = flatSource(scores);
  const f32 = scores instanceof Float32Array;
  be.setParams({ ...DEFAULT_PARAMS, lnBase: lnOf(base), logits: logits ? 1 : 0 });
  const K = be.kernels;
  let flagged = 0;
  for (let r0 = 0; r0 < n; r0 += be.capacity) {
    const count = Math.min(be.capacity, n - r0);
    const yv = be.stage(TARGETS, labelsSrc, r0, r0 + count);
    const out = be.output(crossEntropy, r0, count);
    const hv = be.outputAt(WEIGHTS, entropy, r0, count);
    const pv = be.outputAt(SAMPLE_WEIGHTS, probability, r0, count);
    flagged |= f32
      ? K.scoreBinaryF32(yv, be.stage32(PREDICTIONS, scoresSrc, r0, r0 + count), count, out, hv, pv)
      : K.scoreBinaryF64(yv, be.stage(PREDICTIONS, scoresSrc, r0, r0 + count), count, out, hv, pv);
    be.collect(crossEntropy, r0, count, out);
    be.collect(entropy, r0, count, hv);
    be.collect(probability, r0, count, pv);
    be.collect(predicted, r0, count, yv);
  }
  return { crossEntropy, entropy, probability, predicted, flagged: flagged !== 0 };
}

/**
 * Scores `scores.length` binary decisions (labels 0/1; logits or probabilities of the positive
 * class) on the backend of the library object `x`, in one fused pass per chunk. Nothing is
 * checked beyond the kernel's flag: the caller refuses flagged input, naming the position.
 */
export function scoreBinary(
  x: object,
  labels: Float64Array,
  scores: Float64Array | Float32Array,
  logits: boolean,
  base: number,
): BinaryScores {
  if (labels.length < scores.length) throw new TypeError(`${labels.length} labels for ${scores.length} scores`);
  enter('scoreBinary');
  try {
    return run(backendOf(x), labels, scores, logits, base);
  } finally {
    leave();
  }
}
