/**
 * The pure-TypeScript backend: the kernels of src/js/ over ordinary Float64Arrays.
 * A flat Float64Array argument is read in place; other inputs are copied a chunk at a time into
 * scratch arrays (reused across calls, grown only for a row longer than any seen before).
 */
import type { AllocatableArray, AllocatableType, Backend, Kernels, Slot, View, View32 } from './backend.js';
import type { Source } from '../shapes.js';
import { chunkTotals, resetTotals } from '../js/accumulate.js';
import { setParams } from '../js/params.js';
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

function createJsBackend(): Backend {
  /** Arrays from alloc(): free() accepts only these, once, as on wasm. */
  const live = new WeakSet<AllocatableArray>();
  const scratch: Float64Array[] = Array.from({ length: 5 }, () => new Float64Array(0));
  const region = (slot: number, size: number): Float64Array => {
    if (scratch[slot].length < size) scratch[slot] = new Float64Array(Math.max(size, Math.min(CAPACITY, 2 * size)));
    return scratch[slot];
  };
  return {
    name: 'js',
    kernels,
    setParams,
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
