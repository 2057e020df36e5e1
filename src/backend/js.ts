/**
 * The pure-TypeScript backend: the kernels of src/js/ over ordinary Float64Arrays.
 * A flat Float64Array argument is read in place; other inputs are copied a chunk at a time into
 * scratch arrays (reused across calls, grown only for a row longer than any seen before).
 */
import { mergedOnce, NO_WEIGHTS } from './backend.js';
import type { AllocatableArray, AllocatableType, Backend, Direct, Kernels, Slot, View, View32 } from './backend.js';
import type { KernelParams } from '../js/params.js';
import { HI_WORD, keepWords, ln64 } from '../js/vmath.js';
import type { Source } from '../shapes.js';
import { chunkTotals, resetTotals } from '../js/accumulate.js';
import { setParams as setKernelParams } from '../js/params.js';
import { binaryEntropyF64, entropyRowsF64, informationContentF64 } from '../js/entropy.js';
import { crossEntropyDenseF64, crossEntropyIndexF32, crossEntropyIndexF64 } from '../js/cross_entropy.js';
import { klDivergenceRowsF64 } from '../js/kl_divergence.js';
import { logSumExpRowsF64, softmaxRowsF64 } from '../js/softmax.js';
import {
  softmaxCrossEntropyDenseF64,
  softmaxCrossEntropyIndexF32,
  softmaxCrossEntropyIndexF64,
} from '../js/softmax_cross_entropy.js';
import { binaryCrossEntropyF64, sigmoidCrossEntropyF64 } from '../js/binary_cross_entropy.js';
import { scoreRowsF32, scoreRowsF64 } from '../js/score.js';
import { scoreBinaryF32, scoreBinaryF64 } from '../js/score_binary.js';

const kernels: Kernels = {
  informationContentF64,
  binaryEntropyF64,
  entropyRowsF64,
  crossEntropyDenseF64,
  crossEntropyIndexF64,
  crossEntropyIndexF32,
  klDivergenceRowsF64,
  softmaxRowsF64,
  logSumExpRowsF64,
  softmaxCrossEntropyDenseF64,
  softmaxCrossEntropyIndexF64,
  softmaxCrossEntropyIndexF32,
  binaryCrossEntropyF64,
  sigmoidCrossEntropyF64,
  scoreRowsF64,
  scoreRowsF32,
  scoreBinaryF64,
  scoreBinaryF32,
};

/** 2^16 values (512 KiB) per scratch array: chunks stay cache-sized. */
const CAPACITY = 1 << 16;

/** Values per slot of the small-call staging area (src/fast-path.ts takes calls up to this size). */
const DIRECT_ROOM = 1 << 12;

/**
 * The small-call access (backend.ts, Direct): one Float64Array holding the three slots, and View
 * objects over it made once; float32 predictions are read in place through one reused View32.
 */
function createDirect(): Direct {
  const f64 = new Float64Array(3 * DIRECT_ROOM);
  keepWords(f64);
  const [t, p, o] = [0, DIRECT_ROOM, 2 * DIRECT_ROOM];
  const tv: View = { arr: f64, off: t };
  const pv: View = { arr: f64, off: p };
  const ov: View = { arr: f64, off: o };
  const none32 = new Float32Array(0);
  const qv: View32 = { arr: none32, off: 0 };
  let written: KernelParams | null = null;
  /** One float64's high word, for ln64. */
  const bits = new Float64Array(1);
  const bitsWords = new Int32Array(bits.buffer);
  return {
    f64,
    t,
    p,
    o,
    room: DIRECT_ROOM,
    scratchStart: 0,
    scratchEnd: 0,
    setParams(params: KernelParams) {
      if (params === written) return;
      setKernelParams(params);
      written = params;
    },
    resetTotals,
    sum: () => mergedOnce(chunkTotals.sum, chunkTotals.carry),
    den: () => mergedOnce(chunkTotals.den, chunkTotals.denCarry),
    entropyRows: (n, k) => entropyRowsF64(pv, n, k, ov, NO_WEIGHTS),
    klDivergenceRows: (n, k) => klDivergenceRowsF64(tv, pv, n, k, ov, NO_WEIGHTS),
    crossEntropyDense: (n, k) => crossEntropyDenseF64(tv, pv, n, k, ov, NO_WEIGHTS, NO_WEIGHTS),
    crossEntropyIndex: (n, k) => crossEntropyIndexF64(tv, pv, n, k, ov, NO_WEIGHTS, NO_WEIGHTS),
    softmaxCrossEntropyIndex: (n, k) => softmaxCrossEntropyIndexF64(tv, pv, n, k, ov, NO_WEIGHTS, NO_WEIGHTS),
    crossEntropyIndex32(q, n, k) {
      qv.arr = q;
      try {
        return crossEntropyIndexF32(tv, qv, n, k, ov, NO_WEIGHTS, NO_WEIGHTS);
      } finally {
        qv.arr = none32; // the caller's array is not held after the call
      }
    },
    softmaxCrossEntropyIndex32(z, n, k) {
      qv.arr = z;
      try {
        return softmaxCrossEntropyIndexF32(tv, qv, n, k, ov, NO_WEIGHTS, NO_WEIGHTS);
      } finally {
        qv.arr = none32;
      }
    },
    negLogTarget(qy, lnBase) {
      // The index kernel's row (src/js/cross_entropy.ts): -w·ln q_y with w = 1, then / ln b.
      bits[0] = qy;
      let loss = -1 * ln64(qy, bitsWords[HI_WORD]);
      if (lnBase !== 1) loss /= lnBase;
      return loss;
    },
  };
}

function createJsBackend(): Backend {
  /** Arrays from alloc(): free() accepts only these, once, as on wasm. */
  const live = new WeakSet<AllocatableArray>();
  const scratch: Float64Array[] = Array.from({ length: 5 }, () => new Float64Array(0));
  const region = (slot: number, size: number): Float64Array => {
    if (scratch[slot].length < size) scratch[slot] = new Float64Array(Math.max(size, Math.min(CAPACITY, 2 * size)));
    return scratch[slot];
  };
  const direct = createDirect();
  return {
    name: 'js',
    kernels,
    direct,
    setParams: (p: KernelParams) => direct.setParams(p),
    capacity: CAPACITY,
    stage(slot: Slot, src: Source, from: number, to: number): View {
      if (src.f64) return { arr: src.f64, off: from };
      const arr = region(slot, to - from);
      src.copy(arr, 0, from, to);
      return { arr, off: 0 };
    },
    stage32(_slot: Slot, src: Source, from: number, to: number): View32 {
      // Only called for float32 sources, which JavaScript reads in place.
      return { arr: src.f32!, off: from };
    },
    output(dest, from, count) {
      // A Float64Array destination is written in place. A Float32Array one gets the float64
      // results copied by collect(): kernels that weigh their own results (sample weights) read
      // them back, and must not see them rounded to float32 first.
      return dest instanceof Float64Array ? { arr: dest, off: from } : { arr: region(3, count), off: 0 };
    },
    outputAt(_slot, dest, from) {
      return { arr: dest, off: from };
    },
    collect(dest, from, count, view) {
      // Float64Array destinations were written in place; others get the results now (rounded once).
      if (view.arr !== dest) dest.set(view.arr.subarray(view.off, view.off + count), from);
    },
    resetTotals,
    totals: () => chunkTotals,
    memoryBytes: () => scratch.reduce((bytes, a) => bytes + a.byteLength, 0),
    alloc<T extends AllocatableArray>(type: AllocatableType<T>, length: number): T {
      if (!Number.isInteger(length) || length < 0)
        throw new RangeError(`alloc: length must be a non-negative integer, got ${length}`);
      const array = new type(length);
      live.add(array);
      return array;
    },
    reserve() {
      // Ordinary arrays: nothing to grow, nothing to detach.
    },
    free(array: AllocatableArray) {
      if (!live.delete(array))
        throw new TypeError("free: not a live array from this backend's alloc() (or freed already)");
    },
  };
}

export const jsBackend: Backend = createJsBackend();
