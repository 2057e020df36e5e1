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
import { expectRelative, expectUlps } from './helpers/tolerance.js';

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
  const { instance: i } = await WebAssembly.instantiate(bytes, {
    env: {
      abort: () => {
        throw new Error('abort');
      },
    },
  });
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

describe('vexp (f64x2 e^x, x ≤ 0)', () => {
  it('is within 1 ulp of mpmath over [-708.39, 0], 0 below (flushed), 0 at -Infinity', async () => {
    const n = fixture.exp.length;
    const xs = fixture.exp.map((c) => decode<number>(c.x));
    const got = await run('expRowsF64', xs);
    const kept: number[] = [];
    for (let i = 0; i < n; i++) {
      const c = fixture.exp[i];
      if (c.exp < 2 ** -1022) expect(got[i], `x = ${xs[i]} (exact ${c.exp}) flushes to 0`).toBe(0);
      else kept.push(i);
    }
    const pick = <T>(a: ArrayLike<T>): T[] => kept.map((i) => a[i]);
    const w = expectUlps(pick(got), pick(fixture.exp.map((c) => c.exp)), 1, 'vexp', {
      residual: pick(fixture.exp.map((c) => c.residual_ulp)),
      inputs: pick(xs),
    });
    const flushed = n - kept.length;
    console.log(
      `vexp: worst error ${w.worst.toFixed(3)} ulp at x = ${xs[kept[w.index]]} over ${kept.length} points (${flushed} flushed to 0)`,
    );
    expect(flushed).toBeGreaterThan(400); // the fixture's subnormal range really was exercised
    expect(got[xs.indexOf(-Infinity)]).toBe(0);
    expect(got[xs.indexOf(0)]).toBe(1);
  });
});

describe('vlog (f64x2 ln x)', () => {
  it('is within 1 ulp of mpmath from 5e-324 to 1.7e308, near 1 included', async () => {
    const xs = fixture.log.map((c) => c.x);
    const got = await run('logRowsF64', xs);
    const w = expectUlps(
      got,
      fixture.log.map((c) => c.log),
      1,
      'vlog',
      { residual: fixture.log.map((c) => c.residual_ulp), inputs: xs },
    );
    console.log(`vlog: worst error ${w.worst.toFixed(3)} ulp at x = ${xs[w.index]} over ${xs.length} points`);
  });

  it('vlogNormal (no special lanes) is within 1 ulp of mpmath over the normal range', async () => {
    const cases = fixture.log.filter((c) => c.x >= 2 ** -1022);
    const got = await run(
      'logRowsF64',
      cases.map((c) => c.x),
      1,
    );
    const w = expectUlps(
      got,
      cases.map((c) => c.log),
      1,
      'vlogNormal',
      {
        residual: cases.map((c) => c.residual_ulp),
        inputs: cases.map((c) => c.x),
      },
    );
    console.log(
      `vlogNormal: worst error ${w.worst.toFixed(3)} ulp at x = ${cases[w.index].x} over ${cases.length} points`,
    );
    expect(cases.length).toBeGreaterThan(2500);
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
    const w = expectRelative(
      got,
      fixture.expf.map((c) => c.exp),
      { rel: 2e-7 },
      'vexpf',
      { inputs: xs },
    );
    console.log(`vexpf: worst relative error ${w.worst.toExponential(3)} at x = ${xs[w.index]} over ${n} points`);
  });
});

describe('vlogf, vlog1pf (f32x4 ln x and ln(1 + x), the float32 fast path)', () => {
  /** Runs the hook over the fixture's float32 points (where the reference is defined): inputs, results, references. */
  async function runLogf(log: 0 | 1): Promise<{ xs: number[]; got: Float32Array; want: number[] }> {
    const e = await instance();
    const cases = fixture.logf.filter((c) => (log ? c.x >= 2 ** -126 : true)); // vlogf takes normal x only
    const n = cases.length;
    const xAt = e.alloc(n * 4);
    const outAt = e.alloc(n * 4);
    new Float32Array(e.memory.buffer, xAt, n).set(cases.map((c) => c.x));
    e.logRowsF32(xAt, n, outAt, log);
    const got = new Float32Array(e.memory.buffer, outAt, n).slice();
    return { xs: cases.map((c) => c.x), got, want: cases.map((c) => (log ? c.log : c.log1p) as number) };
  }

  it('ln x is within 1.5e-7 relative of mpmath over normal float32 x', async () => {
    const { xs, got, want } = await runLogf(1);
    const w = expectRelative(got, want, { rel: 1.5e-7 }, 'vlogf', { inputs: xs });
    console.log(
      `vlogf: worst relative error ${w.worst.toExponential(3)} at x = ${xs[w.index]} over ${xs.length} points`,
    );
  });

  it('ln(1 + x) is within 2.5e-7 relative of mpmath for float32 x ≥ 0, down to 1e-45', async () => {
    const { xs, got, want } = await runLogf(0);
    const w = expectRelative(got, want, { rel: 2.5e-7 }, 'vlog1pf', { inputs: xs });
    console.log(
      `vlog1pf: worst relative error ${w.worst.toExponential(3)} at x = ${xs[w.index]} over ${xs.length} points`,
    );
  });
});
