/**
 * The js backend's scalar ln and e^x (src/js/vmath.ts) on their own, in ulps against mpmath
 * (the points of test/fixtures/vmath.json, as test/vmath.test.ts uses for the wasm kernels).
 * The measured worst error is printed and must stay within the bound in vmath.ts's header.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expNeg, HI_WORD, ln32, ln64 } from '../src/js/vmath.js';
import { decode } from './helpers.js';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/vmath.json', import.meta.url), 'utf8')) as {
  exp: { x: number | string; exp: number; residual_ulp: number }[];
  log: { x: number; log: number; residual_ulp: number }[];
};

const ulp = (y: number): number => (y === 0 ? 2 ** -1074 : 2 ** Math.max(Math.floor(Math.log2(Math.abs(y))) - 52, -1074));

const bits = new Float64Array(1);
const words = new Int32Array(bits.buffer);
const ln = (x: number): number => {
  bits[0] = x;
  return ln64(x, words[HI_WORD]);
};

describe('js vmath ln64', () => {
  it('is within 2 ulp of mpmath from 5e-324 to 1.7e308, near 1 included', () => {
    let worst = 0;
    let worstX = 0;
    for (const c of fixture.log) {
      const got = ln(c.x);
      const err = c.log === 0 ? Math.abs(got) / 2 ** -1074 : Math.abs((got - c.log) / ulp(c.log) - c.residual_ulp);
      if (err > worst) [worst, worstX] = [err, c.x];
    }
    console.log(`js ln64: worst error ${worst.toFixed(3)} ulp at x = ${worstX} over ${fixture.log.length} points`);
    expect(worst, `worst at x = ${worstX}`).toBeLessThan(2);
  });

  it('passes special values to Math.log', () => {
    expect([0, -0, -1, NaN, Infinity, -Infinity, 1, 5e-324].map(ln)).toEqual([-Infinity, -Infinity, NaN, NaN, Infinity, NaN, 0, Math.log(5e-324)]);
  });

  it('ln32 reads float32 bits: within 2 ulp (as float64) on float32 inputs', () => {
    const f = new Float32Array(1);
    const w = new Int32Array(f.buffer);
    let worst = 0;
    for (const c of fixture.log) {
      f[0] = c.x;
      const x = f[0];
      if (!(x >= 2 ** -126 && x < Infinity)) continue;
      const err = Math.abs(ln32(x, w[0]) - ln(x)) / ulp(ln(x) || 1);
      worst = Math.max(worst, err);
    }
    expect(worst).toBeLessThan(2);
  });
});

describe('js vmath expNeg', () => {
  it('is within 3 ulp of mpmath over [-708.39, 0], 0 below (flushed) and at -Infinity', () => {
    let worst = 0;
    let worstX = 0;
    for (const c of fixture.exp) {
      const x = decode<number>(c.x);
      const got = expNeg(x);
      if (c.exp < 2 ** -1022) {
        expect(got, `x = ${x} flushes to 0`).toBe(0);
        continue;
      }
      const err = Math.abs((got - c.exp) / ulp(c.exp) - c.residual_ulp);
      if (err > worst) [worst, worstX] = [err, x];
    }
    console.log(`js expNeg: worst error ${worst.toFixed(3)} ulp at x = ${worstX}`);
    expect(worst, `worst at x = ${worstX}`).toBeLessThan(3);
    expect(expNeg(0)).toBe(1);
    expect(expNeg(NaN)).toBeNaN();
  });
});
