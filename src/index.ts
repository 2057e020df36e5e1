/**
 * xentropy: information content, entropy, cross-entropy, KL divergence and softmax losses.
 *
 * ```ts
 * import { load, js } from 'xentropy';
 * const x = await load();                              // wasm (js where WebAssembly is unavailable)
 * x.crossEntropy([0, 1, 0], [0.2, 0.7, 0.1]);          // 0.35667494393873245 (= -ln 0.7)
 * js.entropy([0.5, 0.5], { base: 2 });                 // 1
 * ```
 */
import { createApi } from './api.js';
import type { Xentropy } from './api.js';
import { jsBackend } from './backend/js.js';

export { load } from './load.js';
export type { LoadOptions } from './load.js';
export type { Xentropy, Options, Distribution, BatchInput, TargetInput, Rows, Result, ScoreOptions, ScoredRows } from './api.js';
export { CompensatedSum } from './sum.js';

/** The pure-TypeScript backend: synchronous, no loading, the same results as wasm. */
export const js: Xentropy = createApi(jsBackend);
export { Accumulator } from './accumulator.js';
export type { AccumulatorOptions, AccumulatorState, InputKind, RowResults, Summary } from './accumulator.js';
export { createPool } from './pool/pool.js';
export type { Pool, PoolOptions, CallOptions, ScoreCallOptions } from './pool/pool.js';
