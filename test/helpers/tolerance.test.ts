/**
 * The tolerance helpers themselves: each accepts what it should and fails, with the message the
 * tests rely on, where it should (a helper that cannot fail would make every test using it empty).
 */
import { describe, expect, it } from 'vitest';
import { boundOf, expectRelative, expectUlps, relativeError, ulp, ulpError } from './tolerance.js';

describe('ulp', () => {
  it('is the float64 spacing: 2^-52 at 1, 2^-1074 at 0 and among subnormals, 2^971 at the largest', () => {
    expect(ulp(1)).toBe(2 ** -52);
    expect(ulp(1.5)).toBe(2 ** -52);
    expect(ulp(-2)).toBe(2 ** -51);
    expect(ulp(0)).toBe(2 ** -1074);
    expect(ulp(5e-324)).toBe(2 ** -1074);
    expect(ulp(2 ** -1030)).toBe(2 ** -1074);
    expect(ulp(Number.MAX_VALUE)).toBe(2 ** 971);
  });

  it('measures errors against the exact value (expected plus its residual)', () => {
    expect(ulpError(1 + 2 ** -52, 1)).toBe(1);
    expect(ulpError(1 + 2 ** -52, 1, 0.25)).toBe(0.75);
    expect(ulpError(NaN, NaN)).toBe(0);
    expect(ulpError(Infinity, Infinity)).toBe(0);
    expect(ulpError(-Infinity, Infinity)).toBe(Infinity);
    expect(ulpError(1, NaN)).toBe(Infinity);
    expect(relativeError(1.5, 1)).toBe(0.5);
    expect(relativeError(1e-300, 0)).toBe(1e-300);
  });
});

describe('expectUlps', () => {
  it('passes within the bound and returns the worst error and its index', () => {
    const w = expectUlps([1, 1 + 2 ** -52, 2], [1, 1, 2], 1, 'ok');
    expect(w).toEqual({ worst: 1, index: 1, count: 3 });
  });

  it('fails beyond the bound, printing context, index, input, got, expected, Δ and the bound', () => {
    expect(() => expectUlps([1, 1 + 2 ** -51], [1, 1], 1, 'case', { inputs: [0.5, 0.75] })).toThrow(
      /case \[1\]: input=0\.75 got 1\.0000000000000004, expected 1, Δ=4\.44\d*e-16, error=2 ulp, bound=1 ulp/,
    );
  });

  it('compares non-finite values exactly, and arrays of rows element by element', () => {
    expectUlps(
      [
        [NaN, Infinity],
        [-Infinity, 0],
      ],
      [NaN, Infinity, -Infinity, 0],
      0,
      'rows',
    );
    expect(() => expectUlps(NaN, 0, 1, 'nan')).toThrow(/nan \[0\]: got NaN, expected 0/);
    expect(() => expectUlps(Infinity, -Infinity, 1, 'inf')).toThrow(/inf \[0\]/);
    expect(() => expectUlps(1e308, Infinity, 1, 'finite for inf')).toThrow(/finite for inf \[0\]/);
  });

  it('fails on a length mismatch and on a value that is not numbers', () => {
    expect(() => expectUlps([1, 2], [1], 1, 'len')).toThrow(/len: result length/);
    expect(() => expectUlps(undefined as unknown as number, 1, 1, 'missing')).toThrow(
      /missing: got: undefined is not a number/,
    );
  });

  it('uses the residual of each element', () => {
    expectUlps([1 + 2 ** -52], [1], 0.01, 'residual', { residual: [1] });
    expect(() => expectUlps([1], [1], 0.5, 'residual off', { residual: [1] })).toThrow(/error=1 ulp/);
  });
});

describe('expectRelative', () => {
  it('takes max(rel·|expected|, abs) as the bound', () => {
    expect(boundOf(2, { rel: 1e-3 })).toBe(2e-3);
    expect(boundOf(0, { rel: 1e-3, abs: 1e-9 })).toBe(1e-9);
    expectRelative(1.0005, 1, { rel: 1e-3 }, 'rel');
    expectRelative(1e-10, 0, { rel: 1e-3, abs: 1e-9 }, 'abs');
    expect(() => expectRelative(1e-10, 0, { rel: 1e-3 }, 'zero')).toThrow(
      /zero \[0\]: got 1e-10, expected 0, Δ=1e-10, bound=0/,
    );
  });

  it('fails beyond the bound with the whole input printed', () => {
    expect(() => expectRelative([1, 1.01], [1, 1], { rel: 1e-3 }, 'call', { input: { p: [0.5] } })).toThrow(
      /call \[1\]: input=\{"p":\[0\.5\]\} got 1\.01, expected 1, Δ=0\.01\d*, bound=0\.001/,
    );
  });

  it('returns the worst relative error', () => {
    const w = expectRelative(Float64Array.of(1, 2.002, 4), [1, 2, 4], { rel: 1e-2 }, 'worst');
    expect(w.index).toBe(1);
    expect(w.worst).toBeCloseTo(1e-3, 12);
  });

  it('compares non-finite values exactly', () => {
    expectRelative([NaN, -Infinity], [NaN, -Infinity], { rel: 0 }, 'same');
    expect(() => expectRelative(Infinity, 1e308, { rel: 1 }, 'overflow')).toThrow(/overflow \[0\]/);
    expect(() => expectRelative(0, NaN, { rel: 1 }, 'nan')).toThrow(/nan \[0\]/);
  });
});
