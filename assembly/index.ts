// The module's exports, nothing else. Addresses are byte offsets into this module's memory.
import { CAPACITY, SCRATCH, TOTALS } from './scratch';

export { resetTotals } from './accumulate';
export { informationContentF64, binaryEntropyF64, entropyRowsF64 } from './entropy_f64';
export { crossEntropyDenseF64, crossEntropyIndexF64, crossEntropyIndexF32, klDivergenceRowsF64 } from './cross_entropy_f64';
export { softmaxRowsF64, softmaxCrossEntropyDenseF64, softmaxCrossEntropyIndexF64 } from './softmax_f64';
export { softmaxCrossEntropyIndexF32 } from './softmax_f32';
export { binaryCrossEntropyF64, sigmoidCrossEntropyF64 } from './binary_f64';
export { scoreRowsF64, scoreRowsF32 } from './score_f64';

/** Base address of the four scratch regions (targets, predictions, weights, results). */
export function scratchAddress(): usize {
  return SCRATCH;
}

/** Values per scratch region. */
export function scratchCapacity(): i32 {
  return CAPACITY;
}

/** Address of the chunk totals [sum, carry, den, denCarry]. */
export function totalsAddress(): usize {
  return TOTALS;
}

/**
 * Zero-copy arrays: a block of the TLSF heap (runtime "minimal"), 16-byte aligned; freed blocks
 * are reused, so alloc/free cycles do not grow memory. The wrapper frees only what it allocated.
 */
export function alloc(bytes: usize): usize {
  return heap.alloc(bytes);
}

export function free(address: usize): void {
  heap.free(address);
}

/** e^x (x ≤ 0) and ln x of n float64 values through the f64x2 kernels: hooks for test/vmath.test.ts. */
export { expRowsF64, logRowsF64 } from './vmath_f64';
export { expRowsF32, logRowsF32 } from './vmath_f32';
export { narrowF64ToF32 } from './narrow';
