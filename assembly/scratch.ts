// The fixed scratch area: the only memory the TypeScript wrapper writes. Four regions of
// CAPACITY float64 values (targets, predictions, per-class weights, results) and the chunk totals.
// A chunk is as many whole rows as fit one region; memory never grows with input size or calls.

/** Values per region: 2^18 (2 MiB), so rows up to 262 144 classes (LLM vocabularies) fit. */
export const CAPACITY: i32 = 1 << 18;

const REGION_BYTES: i32 = CAPACITY << 3;

/** Base of the four regions, followed by the totals (4 × f64). */
export const SCRATCH: usize = memory.data(4 * REGION_BYTES + 32, 64);
export const TOTALS: usize = SCRATCH + <usize>(4 * REGION_BYTES);
