// The module's exports, nothing else. Addresses are byte offsets into this module's memory.
import { CAPACITY, SCRATCH, TOTALS } from './scratch';

export { resetTotals } from './accumulate';
export { informationContentF64, binaryEntropyF64, entropyRowsF64 } from './entropy_f64';
export { crossEntropyDenseF64, crossEntropyIndexF64, klDivergenceRowsF64 } from './cross_entropy_f64';
export { softmaxRowsF64, softmaxCrossEntropyDenseF64, softmaxCrossEntropyIndexF64 } from './softmax_f64';
export { binaryCrossEntropyF64, sigmoidCrossEntropyF64 } from './binary_f64';

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
