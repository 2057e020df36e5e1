// The module's memory map: the fixed scratch area, the only memory the TypeScript wrapper writes.
// REGIONS regions of CAPACITY float64 values (targets, predictions, per-class weights, results,
// sample weights), then the chunk totals (4 × f64) and the parameter block (PARAMS_SLOTS × f64).
// A chunk is as many whole rows as fit one region; memory never grows with input size or calls.
// Exported as globals (assembly/index.ts): src/backend/wasm.ts and the tests read them there.

/** Values per region: 2^18 (2 MiB), so rows up to 262 144 classes (LLM vocabularies) fit. */
export const CAPACITY: i32 = 1 << 18;

/** Regions: targets, predictions, per-class weights, results, sample weights. */
export const REGIONS: i32 = 5;

/** Float64 slots of the parameter block (assembly/params.ts assigns them). */
export const PARAMS_SLOTS: i32 = 16;

const REGION_BYTES: i32 = CAPACITY << 3;

/** Base of the regions; region i starts at SCRATCH + i · CAPACITY · 8. */
export const SCRATCH: usize = memory.data(REGIONS * REGION_BYTES + 32 + (PARAMS_SLOTS << 3), 64);
/** The chunk totals [sum, carry, den, denCarry] (assembly/accumulate.ts). */
export const TOTALS: usize = SCRATCH + <usize>(REGIONS * REGION_BYTES);
/** The parameter block: a call's options, written once per call (assembly/params.ts). */
export const PARAMS: usize = TOTALS + 32;
/** First byte after the scratch area. */
export const SCRATCH_END: usize = PARAMS + <usize>(PARAMS_SLOTS << 3);
