/**
 * The tolerance helpers every test uses: a comparison in float64 ulps against a reference with its
 * rounding residual (mpmath fixtures), and a relative/absolute comparison (API.md's bounds). Both
 * take a number, a (typed) array or nested rows, compare element by element, accept a non-finite
 * expected value only when got is the same value (NaN matches NaN), and on failure print the
 * context, the element's index and input, got, expected, Δ and the bound.
 */
import { expect } from 'vitest';

/** A number, a typed or plain array of numbers, or rows of them. */
export type Numbers = number | ArrayLike<number> | ArrayLike<ArrayLike<number>>;

/** The worst error measured over a comparison, and where: index into the flattened values. */
export interface Worst {
  worst: number;
  index: number;
  count: number;
}

/** The spacing of float64 numbers at y (its unit in the last place); 2^-1074 at 0 and for subnormals. */
export function ulp(y: number): number {
  const a = Math.abs(y);
  if (a < 2 ** -1022) return 2 ** -1074;
  // Math.log2 may round up just below a power of two (log2(MAX_VALUE) is 1024): correct the exponent.
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  return 2 ** (e - 52);
}

/**
 * The error of got in ulps of expected. `residual` is (exact - expected) in ulps, as the mpmath
 * fixtures give it, so the error is measured against the exact value, not its rounding.
 */
export function ulpError(got: number, expected: number, residual = 0): number {
  if (!Number.isFinite(expected) || !Number.isFinite(got)) return sameValue(got, expected) ? 0 : Infinity;
  return Math.abs((got - expected) / ulp(expected) - residual);
}

/** The relative error |got - expected| / |expected| (|got| when expected is 0). */
export function relativeError(got: number, expected: number): number {
  if (!Number.isFinite(expected) || !Number.isFinite(got)) return sameValue(got, expected) ? 0 : Infinity;
  return expected === 0 ? Math.abs(got) : Math.abs(got - expected) / Math.abs(expected);
}

const sameValue = (a: number, b: number): boolean =>
  Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b)) || (a === 0 && b === 0);

/** The values of a number, an array or rows, flattened; anything else fails the test, named by `context`. */
export function flatten(v: unknown, context = 'value'): number[] {
  if (typeof v === 'number') return [v];
  if (typeof v !== 'object' || v === null || typeof (v as ArrayLike<unknown>).length !== 'number') {
    return expect.fail(`${context}: ${String(v)} is not a number, an array of numbers or rows of them`);
  }
  return Array.from(v as ArrayLike<unknown>).flatMap((x) => flatten(x, context));
}

/** What to print as the input of a failing element. */
export interface InputOptions {
  /** The whole input of the call (printed, cut to 300 characters). */
  input?: unknown;
  /** One input per element (the failing element's is printed). */
  inputs?: ArrayLike<unknown>;
}

function shown(options: InputOptions, i: number): string {
  const text = (v: unknown): string =>
    typeof v === 'number'
      ? String(v)
      : (JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `${x}n` : x)) ?? String(v)).slice(0, 300);
  if (options.inputs !== undefined) return ` input=${text(options.inputs[i])}`;
  if (options.input !== undefined) return ` input=${text(options.input)}`;
  return '';
}

function sameLength(got: number[], expected: number[], context: string): void {
  expect(got.length, `${context}: result length`).toBe(expected.length);
}

export interface UlpOptions extends InputOptions {
  /** (exact - expected) in ulps per element (mpmath fixtures' residual_ulp); 0 when absent. */
  residual?: ArrayLike<number>;
}

/**
 * Asserts every element of got is within maxUlps float64 ulps of the exact value (expected plus
 * its residual). Returns the worst error measured, to be printed next to the bound it meets.
 */
export function expectUlps(
  got: Numbers,
  expected: Numbers,
  maxUlps: number,
  context: string,
  options: UlpOptions = {},
): Worst {
  const g = flatten(got, `${context}: got`);
  const e = flatten(expected, `${context}: expected`);
  sameLength(g, e, context);
  const w: Worst = { worst: 0, index: -1, count: e.length };
  for (let i = 0; i < e.length; i++) {
    const err = ulpError(g[i], e[i], options.residual?.[i] ?? 0);
    if (!(err <= maxUlps)) {
      expect.fail(
        `${context} [${i}]:${shown(options, i)} got ${g[i]}, expected ${e[i]}, Δ=${Math.abs(g[i] - e[i])}, error=${err} ulp, bound=${maxUlps} ulp`,
      );
    }
    if (err > w.worst || w.index < 0) [w.worst, w.index] = [err, i];
  }
  return w;
}

export interface Tolerance {
  /** Relative bound: |got - expected| ≤ rel·|expected| … */
  rel: number;
  /** … or ≤ abs, whichever is larger (0 when absent). */
  abs?: number;
}

/** max(rel·|expected|, abs): the bound API.md states for each dtype. */
export function boundOf(expected: number, tol: Tolerance): number {
  return Math.max(tol.rel * Math.abs(expected), tol.abs ?? 0);
}

/**
 * Asserts every element of got is within max(rel·|expected|, abs) of expected (non-finite values
 * must match exactly). Returns the worst relative error measured (|got| where expected is 0).
 */
export function expectRelative(
  got: Numbers,
  expected: Numbers,
  tol: Tolerance,
  context: string,
  options: InputOptions = {},
): Worst {
  const g = flatten(got, `${context}: got`);
  const e = flatten(expected, `${context}: expected`);
  sameLength(g, e, context);
  const w: Worst = { worst: 0, index: -1, count: e.length };
  for (let i = 0; i < e.length; i++) {
    const b = boundOf(e[i], tol);
    const ok = Number.isFinite(e[i]) ? Math.abs(g[i] - e[i]) <= b : sameValue(g[i], e[i]);
    if (!ok) {
      expect.fail(
        `${context} [${i}]:${shown(options, i)} got ${g[i]}, expected ${e[i]}, Δ=${Math.abs(g[i] - e[i])}, bound=${b}`,
      );
    }
    const err = relativeError(g[i], e[i]);
    if (err > w.worst || w.index < 0) [w.worst, w.index] = [err, i];
  }
  return w;
}
