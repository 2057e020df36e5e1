// The module's exports, nothing else: the kernels, the memory map, the allocator and the test
// hooks. Addresses are byte offsets into this module's memory. The TypeScript side's view of
// these exports is build/xentropy.d.ts (asc's bindings, `npm run build:wasm`), and
// test/kernels.test.ts checks it against the module's own export list.

export { CAPACITY, REGIONS, SCRATCH, SCRATCH_END, TOTALS, PARAMS, PARAMS_SLOTS } from './scratch';
export {
  PARAM_lnBase, PARAM_eps, PARAM_smoothing, PARAM_ignoreIndex, PARAM_posWeight, PARAM_normalize, PARAM_log, PARAM_logits,
} from './params';

export { resetTotals } from './accumulate';
export { informationContentF64, binaryEntropyF64, entropyRowsF64 } from './entropy';
export { crossEntropyDenseF64, crossEntropyIndexF64, crossEntropyIndexF32, crossEntropyIndexOneF64, crossEntropyIndexI32F32 } from './cross_entropy';
export { klDivergenceRowsF64 } from './kl_divergence';
export { softmaxRowsF64, logSumExpRowsF64 } from './softmax';
export { softmaxCrossEntropyDenseF64, softmaxCrossEntropyIndexF64, softmaxCrossEntropyIndexF32 } from './softmax_cross_entropy';
export { binaryCrossEntropyF64, sigmoidCrossEntropyF64 } from './binary_cross_entropy';
export { scoreRowsF64, scoreRowsF32 } from './score';
export { scoreBinaryF64, scoreBinaryF32 } from './score_binary';

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
