/**
 * The vector math kernels on their own (assembly/vmath_f64.ts), measured in ulps against mpmath
 * (test/fixtures/vmath.json from gen_vmath.py), including -Infinity; results below 2^-1022 are
 * flushed to 0 by design (assembly/vmath_f64.ts), which is checked too.
 * The measured worst error is printed and must stay within the bound in the kernel's header.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { relaxedWasmBase64, wasmBase64 } from '../src/wasm.generated.js';
import { decode } from './helpers.js';

interface ExpCase {
  x: number | string;
  exp: number;
  residual_ulp: number;
}
interface LogCase {
  x: number;
  log: number;
  residual_ulp: number;
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/vmath.json', import.meta.url), 'utf8')) as {
  exp: ExpCase[];
  log: LogCase[];
  expf: { x: number; exp: number }[];
  logf: { x: number; log: number | null; log1p: number }[];
};

/** The build under test: the relaxed-SIMD one when test/relaxed.test.ts runs this file with XENTROPY_SIMD=relaxed. */
const moduleBase64 = process.env.XENTROPY_SIMD === 'relaxed' ? relaxedWasmBase64 : wasmBase64;

/** The module's exports with its own memory (the kernel hook is not part of the public API). */
async function instance() {
  const bytes = Uint8Array.from(atob(moduleBase64), (c) => c.charCodeAt(0));
  const { instance: i } = await WebAssembly.instantiate(bytes, { env: { abort: () => { throw new Error('abort'); } } });
  return i.exports as unknown as {
    memory: WebAssembly.Memory;
    alloc(b: number): number;
    expRowsF64(x: number, n: number, out: number): void;
    logRowsF64(x: number, n: number, out: number, normal: number): void;
    expRowsF32(x: number, n: number, out: number): void;
    logRowsF32(x: number, n: number, out: number, log: number): void;
  };
}

/** Runs a kernel hook over xs in a fresh instance; returns its results. */
async function run(kernel: 'expRowsF64' | 'logRowsF64', xs: number[], normal = 0): Promise<Float64Array> {
  const e = await instance();
  const n = xs.length;
  const xAt = e.alloc(n * 8);
  const outAt = e.alloc(n * 8);
  new Float64Array(e.memory.buffer, xAt, n).set(xs);
  if (kernel === 'logRowsF64') e.logRowsF64(xAt, n, outAt, normal);
  else e.expRowsF64(xAt, n, outAt);
  return new Float64Array(e.memory.buffer, outAt, n).slice();
}

const ulp = (y: number): number => {
  if (y === 0) return 2 ** -1074;
  const e = Math.floor(Math.log2(Math.abs(y)));
  return 2 ** Math.max(e - 52, -1074);
};

describe('vexp (f64x2 e^x, x ≤ 0)', () => {
  it('is within 1 ulp of mpmath over [-708.39, 0], 0 below (flushed), 0 at -Infinity', async () => {
    const n = fixture.exp.length;
    const xs = fixture.exp.map((c) => decode<number>(c.x));
    const got = await run('expRowsF64', xs);
    let worst = 0;
    let worstX = 0;
    let flushed = 0;
    for (let i = 0; i < n; i++) {
      const c = fixture.exp[i];
      if (c.exp < 2 ** -1022) {
        expect(got[i], `x = ${xs[i]} (exact ${c.exp}) flushes to 0`).toBe(0);
        flushed++;
        continue;
      }
      const err = Math.abs((got[i] - c.exp) / ulp(c.exp) - c.residual_ulp);
      if (err > worst) [worst, worstX] = [err, xs[i]];
    }
    console.log(`vexp: worst error ${worst.toFixed(3)} ulp at x = ${worstX} over ${n - flushed} points (${flushed} flushed to 0)`);
    expect(flushed).toBeGreaterThan(400); // the fixture's subnormal range really was exercised
    expect(worst, `worst at x = ${worstX}`).toBeLessThan(1);
    expect(got[xs.indexOf(-Infinity)]).toBe(0);
    expect(got[xs.indexOf(0)]).toBe(1);
  });
});

describe('vlog (f64x2 ln x)', () => {
  it('is within 1 ulp of mpmath from 5e-324 to 1.7e308, near 1 included', async () => {
    const xs = fixture.log.map((c) => c.x);
    const got = await run('logRowsF64', xs);
    let worst = 0;
    let worstX = 0;
    for (let i = 0; i < xs.length; i++) {
      const c = fixture.log[i];
      const err = c.log === 0 ? Math.abs(got[i]) / 2 ** -1074 : Math.abs((got[i] - c.log) / ulp(c.log) - c.residual_ulp);
      if (err > worst) [worst, worstX] = [err, xs[i]];
    }
    console.log(`vlog: worst error ${worst.toFixed(3)} ulp at x = ${worstX} over ${xs.length} points`);
    expect(worst, `worst at x = ${worstX}`).toBeLessThan(1);
  });

  it('vlogNormal (no special lanes) is within 1 ulp of mpmath over the normal range', async () => {
    const cases = fixture.log.filter((c) => c.x >= 2 ** -1022);
    const got = await run('logRowsF64', cases.map((c) => c.x), 1);
    let worst = 0;
    let worstX = 0;
    cases.forEach((c, i) => {
      const err = c.log === 0 ? Math.abs(got[i]) / 2 ** -1074 : Math.abs((got[i] - c.log) / ulp(c.log) - c.residual_ulp);
      if (err > worst) [worst, worstX] = [err, c.x];
    });
    console.log(`vlogNormal: worst error ${worst.toFixed(3)} ulp at x = ${worstX} over ${cases.length} points`);
    expect(cases.length).toBeGreaterThan(2500);
    expect(worst, `worst at x = ${worstX}`).toBeLessThan(1);
  });

  it('fixes up the special lanes', async () => {
    const got = await run('logRowsF64', [0, -0, -1, NaN, Infinity, -Infinity, 1]);
    expect(Array.from(got)).toEqual([-Infinity, -Infinity, NaN, NaN, Infinity, NaN, 0]);
  });
});

describe('vexpf (f32x4 e^x, float32 logits)', () => {
  it('is within 2e-7 relative of mpmath on float32 inputs over [-87.3, 80]', async () => {
    const e = await instance();
    const xs = fixture.expf.map((c) => c.x);
    const n = xs.length;
    const xAt = e.alloc(n * 4);
    const outAt = e.alloc(n * 4);
    new Float32Array(e.memory.buffer, xAt, n).set(xs);
    e.expRowsF32(xAt, n, outAt);
    const got = new Float32Array(e.memory.buffer, outAt, n);
    let worst = 0;
    let worstX = 0;
    for (let i = 0; i < n; i++) {
      const rel = Math.abs(got[i] - fixture.expf[i].exp) / fixture.expf[i].exp;
      if (rel > worst) [worst, worstX] = [rel, xs[i]];
    }
    console.log(`vexpf: worst relative error ${worst.toExponential(3)} at x = ${worstX} over ${n} points`);
    expect(worst, `worst at x = ${worstX}`).toBeLessThan(2e-7);
  });
});

describe('vlogf, vlog1pf (f32x4 ln x and ln(1 + x), the float32 fast path)', () => {
  /** Worst relative error of the hook over the fixture's float32 points (where the reference is defined). */
  async function worstOf(log: 0 | 1): Promise<{ worst: number; at: number; n: number }> {
    const e = await instance();
    const cases = fixture.logf.filter((c) => (log ? c.x >= 2 ** -126 : true)); // vlogf takes normal x only
    const n = cases.length;
    const xAt = e.alloc(n * 4);
    const outAt = e.alloc(n * 4);
    new Float32Array(e.memory.buffer, xAt, n).set(cases.map((c) => c.x));
    e.logRowsF32(xAt, n, outAt, log);
    const got = new Float32Array(e.memory.buffer, outAt, n);
    let worst = 0;
    let at = 0;
    for (let i = 0; i < n; i++) {
      const want = (log ? cases[i].log : cases[i].log1p) as number;
      const rel = want === 0 ? Math.abs(got[i]) : Math.abs(got[i] - want) / Math.abs(want);
      if (rel > worst) [worst, at] = [rel, cases[i].x];
    }
    return { worst, at, n };
  }

  it('ln x is within 1.5e-7 relative of mpmath over normal float32 x', async () => {
    const { worst, at, n } = await worstOf(1);
    console.log(`vlogf: worst relative error ${worst.toExponential(3)} at x = ${at} over ${n} points`);
    expect(worst, `worst at x = ${at}`).toBeLessThan(1.5e-7);
  });

  it('ln(1 + x) is within 2.5e-7 relative of mpmath for float32 x ≥ 0, down to 1e-45', async () => {
    const { worst, at, n } = await worstOf(0);
    console.log(`vlog1pf: worst relative error ${worst.toExponential(3)} at x = ${at} over ${n} points`);
    expect(worst, `worst at x = ${at}`).toBeLessThan(2.5e-7);
  });
});
