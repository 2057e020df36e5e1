/**
 * The js backend's scalar ln and e^x (src/js/vmath.ts) on their own, in ulps against mpmath
 * (the points of test/fixtures/vmath.json, as test/vmath.test.ts uses for the wasm kernels).
 * The measured worst error is printed and must stay within the bound in vmath.ts's header.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expNeg, HI_WORD, ln32, ln64 } from '../src/js/vmath.js';
import { decode } from './helpers.js';
import { expectUlps } from './helpers/tolerance.js';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/vmath.json', import.meta.url), 'utf8')) as {
  exp: { x: number | string; exp: number; residual_ulp: number }[];
  log: { x: number; log: number; residual_ulp: number }[];
};

const bits = new Float64Array(1);
const words = new Int32Array(bits.buffer);
const ln = (x: number): number => {
  bits[0] = x;
  return ln64(x, words[HI_WORD]);
};

describe('js vmath ln64', () => {
  it('is within 2 ulp of mpmath from 5e-324 to 1.7e308, near 1 included', () => {
    const xs = fixture.log.map((c) => c.x);
    const w = expectUlps(
      xs.map(ln),
      fixture.log.map((c) => c.log),
      2,
      'js ln64',
      { residual: fixture.log.map((c) => c.residual_ulp), inputs: xs },
    );
    console.log(`js ln64: worst error ${w.worst.toFixed(3)} ulp at x = ${xs[w.index]} over ${xs.length} points`);
  });

  it('passes special values to Math.log', () => {
    expect([0, -0, -1, NaN, Infinity, -Infinity, 1, 5e-324].map(ln)).toEqual([
      -Infinity,
      -Infinity,
      NaN,
      NaN,
      Infinity,
      NaN,
      0,
      Math.log(5e-324),
    ]);
  });

  it('ln32 reads float32 bits: within 2 ulp (as float64) on float32 inputs', () => {
    const f = new Float32Array(1);
    const w = new Int32Array(f.buffer);
    const xs: number[] = [];
    for (const c of fixture.log) {
      f[0] = c.x;
      if (f[0] >= 2 ** -126 && f[0] < Infinity) xs.push(f[0]);
    }
    const got = xs.map((x) => {
      f[0] = x;
      return ln32(x, w[0]);
    });
    expectUlps(got, xs.map(ln), 2, 'js ln32 against ln64', { inputs: xs });
  });
});

describe('js vmath expNeg', () => {
  it('is within 3 ulp of mpmath over [-708.39, 0], 0 below (flushed) and at -Infinity', () => {
    const kept = fixture.exp.filter((c) => {
      const x = decode<number>(c.x);
      if (c.exp >= 2 ** -1022) return true;
      expect(expNeg(x), `x = ${x} flushes to 0`).toBe(0);
      return false;
    });
    const xs = kept.map((c) => decode<number>(c.x));
    const w = expectUlps(
      xs.map(expNeg),
      kept.map((c) => c.exp),
      3,
      'js expNeg',
      { residual: kept.map((c) => c.residual_ulp), inputs: xs },
    );
    console.log(`js expNeg: worst error ${w.worst.toFixed(3)} ulp at x = ${xs[w.index]}`);
    expect(expNeg(0)).toBe(1);
    expect(expNeg(NaN)).toBeNaN();
  });
});
