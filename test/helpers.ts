/**
 * Shared test helpers: both backends, API.md's accuracy bounds, the fixtures' decoding, and the
 * tolerance helpers of test/helpers/tolerance.ts (expectUlps, expectRelative), re-exported. Tests
 * that must not load the wasm module import test/helpers/tolerance.ts directly.
 */
import { js, load } from '../src/index.js';
import type { Xentropy } from '../src/index.js';
import { boundOf, expectRelative } from './helpers/tolerance.js';
import type { Numbers, Tolerance } from './helpers/tolerance.js';

export * from './helpers/tolerance.js';

/** The default build, or the one XENTROPY_SIMD names (test/relaxed.test.ts runs suites on the relaxed-SIMD build). */
const simd = process.env.XENTROPY_SIMD as 'relaxed' | 'plain' | undefined;
export const wasm: Xentropy = await load({ backend: 'wasm', ...(simd && { simd }) });
if (simd && wasm.features.simd !== simd) throw new Error(`XENTROPY_SIMD=${simd} but load() gave ${wasm.features.simd}`);

/** [name, api] pairs for describe.each: every table runs on both backends. */
export const backends: [string, Xentropy][] = [
  ['js', js],
  ['wasm', wasm],
];

export type Dtype = 'float64' | 'float32';

/** API.md's accuracy bound per dtype: float64 max(1e-13·|exact|, 1e-15); float32 max(2e-6·|exact|, 2^-126). */
export const API_BOUND: Record<Dtype, Tolerance> = {
  float64: { rel: 1e-13, abs: 1e-15 },
  float32: { rel: 2e-6, abs: 2 ** -126 },
};

/** API.md's bound for one exact value. */
export function bound(expected: number, dtype: Dtype): number {
  return boundOf(expected, API_BOUND[dtype]);
}

/** Decodes the fixtures' "Infinity" / "-Infinity" / "NaN" strings, recursively. */
export function decode<T>(v: unknown): T {
  if (v === 'Infinity') return Infinity as T;
  if (v === '-Infinity') return -Infinity as T;
  if (v === 'NaN') return NaN as T;
  if (Array.isArray(v)) return v.map((x) => decode(x)) as T;
  return v as T;
}

/**
 * Asserts got ≈ expected element by element within API.md's bound (non-finite values must match
 * exactly). `what` names the case; the message carries input, got, expected, Δ and bound.
 */
export function expectClose(got: unknown, expected: unknown, dtype: Dtype, what: string, input?: unknown): void {
  expectRelative(got as Numbers, expected as Numbers, API_BOUND[dtype], what, { input });
}

/** The seeded generator for tests that build large inputs (test/support/rng.mjs). */
export { rng } from './support/rng.mjs';
