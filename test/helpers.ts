/**
 * Shared test helpers: both backends, API.md's accuracy bounds, and one comparison that prints
 * input, got, expected, Δ and the bound on failure.
 */
import { expect } from 'vitest';
import { js, load } from '../src/index.js';
import type { Xentropy } from '../src/index.js';

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

/** API.md: float64 within max(1e-13·|exact|, 1e-15); float32 within max(2e-6·|exact|, 2^-126). */
export function bound(expected: number, dtype: Dtype): number {
  return dtype === 'float32' ? Math.max(2e-6 * Math.abs(expected), 2 ** -126) : Math.max(1e-13 * Math.abs(expected), 1e-15);
}

/** Decodes the fixtures' "Infinity" / "-Infinity" / "NaN" strings, recursively. */
export function decode<T>(v: unknown): T {
  if (v === 'Infinity') return Infinity as T;
  if (v === '-Infinity') return -Infinity as T;
  if (v === 'NaN') return NaN as T;
  if (Array.isArray(v)) return v.map((x) => decode(x)) as T;
  return v as T;
}

function flatten(v: unknown): number[] {
  if (typeof v === 'number') return [v];
  return Array.from(v as ArrayLike<unknown>).flatMap((x) => flatten(x));
}

/**
 * Asserts got ≈ expected element by element within API.md's bound (non-finite values must match
 * exactly). `what` names the case; the message carries input, got, expected, Δ and bound.
 */
export function expectClose(got: unknown, expected: unknown, dtype: Dtype, what: string, input?: unknown): void {
  const g = flatten(got);
  const e = flatten(expected);
  expect(g.length, `${what}: result length`).toBe(e.length);
  for (let i = 0; i < e.length; i++) {
    const ok = Number.isFinite(e[i]) ? Math.abs(g[i] - e[i]) <= bound(e[i], dtype) : Object.is(g[i], e[i]);
    if (!ok) {
      const shown = input === undefined ? '' : ` input=${JSON.stringify(input)?.slice(0, 300)}`;
      expect.fail(
        `${what} [${i}]: got ${g[i]}, expected ${e[i]}, Δ=${Math.abs(g[i] - e[i])}, bound=${bound(e[i], dtype)}${shown}`,
      );
    }
  }
}

/** The seeded generator for tests that build large inputs (test/support/rng.mjs). */
export { rng } from './support/rng.mjs';
