/**
 * xentropy: information content, entropy, cross-entropy, KL divergence and softmax losses,
 * with the numbers SciPy and PyTorch give; WebAssembly kernels with a pure-TypeScript fallback.
 *
 * @example
 * ```ts
 * import { load, js } from 'xentropy';
 * const x = await load();                              // wasm (js where WebAssembly is unavailable)
 * x.crossEntropy([0, 1, 0], [0.2, 0.7, 0.1]);          // → 0.35667494393873245 (= -ln 0.7)
 * js.entropy([0.5, 0.5], { base: 2 });                 // → 1
 * ```
 * @packageDocumentation
 */
import { createApi } from './api.js';
import type { Xentropy } from './types.js';
import { jsBackend } from './backend/js.js';

export { load } from './load.js';
export type { LoadOptions } from './load.js';
export type {
  BatchInput,
  CommonOptions,
  Distribution,
  Features,
  IndexArray,
  Nested,
  Options,
  OutArray,
  OutOptions,
  PerRow,
  ReducedOptions,
  Reduction,
  Result,
  RowOptions,
  Rows,
  SameKind,
  ScoredRows,
  ScoreOptions,
  SingleOptions,
  SoftmaxOptions,
  TargetInput,
  Xentropy,
} from './types.js';
export type { AllocatableArray, AllocatableType } from './backend/backend.js';
export { CompensatedSum } from './sum.js';

/**
 * The pure-TypeScript backend: synchronous, no loading, the same results as wasm (within the
 * accuracy bounds of API.md). Use it where WebAssembly is refused or not worth compiling.
 *
 * @example
 * ```ts
 * js.backend; // → 'js'
 * js.entropy([0.5, 0.5], { base: 2 }); // → 1
 * ```
 */
export const js: Xentropy = createApi(jsBackend);
export { Accumulator } from './accumulator.js';
export type {
  AccumulatorOptions,
  AccumulatorState,
  InputKind,
  JsonNumber,
  RowResults,
  Scorer,
  Summary,
} from './accumulator.js';
export { createPool } from './pool/pool.js';
export type { CallOptions, Pool, PoolCall, PoolOptions, ScoreCallOptions } from './pool/pool.js';
