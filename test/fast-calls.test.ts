/**
 * The small-call paths (src/fast-calls.ts) give the general path's numbers and errors: every call
 * is made with them on and off (fastPath.smallCalls), on both backends, and compared bit for bit,
 * with the result's kind. test/relaxed.test.ts runs this file again on the relaxed-SIMD build.
 * Sizes reach past each threshold: the js staging slot (4096 values), the wasm region (2^18), and
 * smallCopy (float32 predictions copied by an index loop below it).
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { Xentropy } from '../src/index.js';
import { fastPath } from '../src/fast-path.js';
import { taken } from '../src/fast-calls.js';
import { backends, rng } from './helpers.js';

const defaults = { ...fastPath };
afterEach(() => Object.assign(fastPath, defaults));

/** A result or the error it threw, in a comparable form: kind, then values (NaN equals NaN, +0 is not -0). */
function outcome(f: () => unknown): { kind: string; values: unknown[] } {
  try {
    const v = f();
    if (typeof v === 'number') return { kind: 'number', values: [v] };
    const kind = Array.isArray(v) ? 'Array' : (v as object).constructor.name;
    return { kind, values: Array.from(v as ArrayLike<unknown>) };
  } catch (e) {
    return { kind: `${(e as Error).constructor.name}: ${(e as Error).message}`, values: [] };
  }
}

/** Calls the fast paths answered (a case that never reaches them would compare nothing). */
let reached = 0;

/** f() with the small-call paths on, then off; fails on any difference. Returns the outcome. */
function expectSame(f: () => unknown, what: string): { kind: string; values: unknown[] } {
  Object.assign(fastPath, defaults);
  const before = taken.calls;
  const fast = outcome(f);
  reached += taken.calls - before;
  fastPath.smallCalls = false;
  const general = outcome(f);
  Object.assign(fastPath, defaults);
  expect(fast.kind, what).toBe(general.kind);
  expect(fast.values.length, what).toBe(general.values.length);
  for (let i = 0; i < fast.values.length; i++) {
    if (!Object.is(fast.values[i], general.values[i]))
      expect.fail(`${what} [${i}]: fast ${String(fast.values[i])}, general ${String(general.values[i])}`);
  }
  return fast;
}

/** n rows of k probabilities (about one in ten exactly 0), each row summing to 1 up to rounding. */
function probabilities(n: number, k: number, u: () => number): number[] {
  const out: number[] = [];
  for (let r = 0; r < n; r++) {
    const row = Array.from({ length: k }, () => (u() < 0.1 ? 0 : u()));
    const s = row.reduce((a, b) => a + b, 0);
    for (const v of row) out.push(s > 0 ? v / s : 1 / k);
  }
  return out;
}

type Kind = 'array' | 'f64' | 'f32';
const as = (values: number[], kind: Kind): number[] | Float64Array | Float32Array =>
  kind === 'array' ? values : kind === 'f64' ? Float64Array.from(values) : Float32Array.from(values);

const OPTIONS = [
  undefined,
  {},
  { base: 2 },
  { base: 10 },
  { base: Math.E },
  { reduction: 'none' },
  { reduction: 'sum' },
  { reduction: 'mean' },
  { validate: false },
  { reduction: 'mean', base: 2, validate: true },
] as const;

/** Every call the small-call paths take, on one case: single distributions (no classes) and batches. */
function calls(x: Xentropy, n: number, k: number, seed: number, kind: Kind, opts: object | undefined) {
  const u = rng(seed);
  const p = probabilities(n, k, u);
  const q = probabilities(n, k, u);
  const z = Array.from({ length: n * k }, () => 12 * (u() - 0.5));
  const y = Array.from({ length: n }, () => Math.floor(u() * k));
  const o = n === 1 && u() < 0.5 ? opts : { ...opts, classes: k };
  const single = !(o && 'classes' in o);
  const list: [string, () => unknown][] = [
    ['entropy', () => x.entropy(as(q, kind), o)],
    ['crossEntropy, dense', () => x.crossEntropy(as(p, kind === 'f32' ? 'f64' : kind), as(q, kind), o)],
    ['crossEntropy, Int32Array indices', () => x.crossEntropy(Int32Array.from(y), as(q, kind), o)],
    ['crossEntropy, number[] indices', () => x.crossEntropy(y, as(q, kind), o)],
    ['klDivergence, dense', () => x.klDivergence(as(p, kind === 'f32' ? 'f64' : kind), as(q, kind), o)],
    ['klDivergence, indices', () => x.klDivergence(Int32Array.from(y), as(q, kind), o)],
    ['softmaxCrossEntropy, Int32Array indices', () => x.softmaxCrossEntropy(Int32Array.from(y), as(z, kind), o)],
    ['softmaxCrossEntropy, Float64Array indices', () => x.softmaxCrossEntropy(Float64Array.from(y), as(z, kind), o)],
  ];
  if (single && n === 1) {
    list.push(
      ['crossEntropy, a class index', () => x.crossEntropy(y[0], as(q, kind), o)],
      ['klDivergence, a class index', () => x.klDivergence(y[0], as(q, kind), o)],
      ['softmaxCrossEntropy, a class index', () => x.softmaxCrossEntropy(y[0], as(z, kind), o)],
    );
  }
  return list;
}

describe.each(backends)("small calls on %s give the general path's numbers", (_name, x) => {
  it('single distributions and small batches, every option the fast paths take (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer(),
        fc.constantFrom<Kind>('array', 'f64', 'f32'),
        fc.constantFrom(...OPTIONS),
        fc.boolean(),
        (k, rows, seed, kind, opts, one) => {
          const n = one ? 1 : rows;
          reached = 0;
          const list = calls(x, n, k, seed, kind, opts);
          for (const [what, call] of list) expectSame(call, `${what} ${n}×${k} ${kind} ${JSON.stringify(opts)}`);
          // Each case's calls take the fast paths, except softmaxCrossEntropy with dense targets:
          // with k = 1 a Float64Array of n targets is dense (API.md), and dense softmax targets are not taken.
          expect(reached).toBe(list.length - (k === 1 ? 1 : 0));
        },
      ),
      { numRuns: 80 },
    );
  });

  it('around the staging limits (js 4096 values, wasm 2^18) and smallCopy', () => {
    const sizes: [number, number][] = [];
    for (const values of [4095, 4096, 4097, (1 << 18) - 10, 1 << 18, (1 << 18) + 10])
      sizes.push([values / 10, 10], [1, values]);
    for (const c of [fastPath.smallCopy - 1, fastPath.smallCopy, fastPath.smallCopy + 1]) sizes.push([1, c]);
    for (const [rows, k] of sizes) {
      const n = Math.floor(rows);
      for (const kind of ['array', 'f32'] as const) {
        for (const [what, call] of calls(x, n, k, n * 31 + k, kind, { reduction: 'mean' }))
          expectSame(call, `${what} ${n}×${k} ${kind}`);
      }
    }
  });

  it('one distribution with a class index, as a per-sample caller passes it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, 1, 2 ** -1074, 2 ** -1022)), {
          minLength: 1,
          maxLength: 12,
        }),
        fc.nat(),
        fc.constantFrom(...OPTIONS),
        (q, i, opts) => {
          const y = i % q.length;
          reached = 0;
          expectSame(() => x.crossEntropy(y, q, opts), `crossEntropy(${y}, [${q}])`);
          expectSame(() => x.crossEntropy(y, Float64Array.from(q), opts), `crossEntropy(${y}, Float64Array)`);
          expectSame(() => x.klDivergence(y, q, opts), `klDivergence(${y}, [${q}])`);
          expectSame(() => x.entropy(q, opts), `entropy([${q}])`);
          expect(reached).toBe(4);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("one row's -ln q_y over the whole float64 range, near 1 and near 0 (the one-row export's log)", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.double({ min: 0, max: 1, noNaN: true }),
          fc.double({ min: 1 - 2 ** -20, max: 1, noNaN: true }),
          fc.double({ min: 0, max: 2 ** -1000, noNaN: true }),
        ),
        fc.constantFrom(undefined, { base: 2 }, { base: 10 }),
        (v, opts) => {
          reached = 0;
          expectSame(() => x.crossEntropy(0, [v, 1 - v], opts), `crossEntropy(0, [${v}, 1 - ${v}])`);
          expect(reached).toBe(1);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('refuses bad inputs with the same error on both paths', () => {
    const bad: [string, () => unknown][] = [
      ['q NaN', () => x.crossEntropy(0, [0.2, NaN, 0.8])],
      ['q negative', () => x.crossEntropy(1, [0.5, -0.5, 1])],
      ['q above 1', () => x.entropy([0.5, 1.5])],
      ['q a string', () => x.crossEntropy(0, [0.5, '0.5' as unknown as number, 0])],
      ['q a hole', () => x.entropy(Object.assign(new Array(3), { 0: 0.5, 2: 0.5 }) as number[])],
      ['index out of range', () => x.crossEntropy(3, [0.2, 0.7, 0.1])],
      ['index negative', () => x.crossEntropy(-1, [0.2, 0.7, 0.1])],
      ['index not an integer', () => x.crossEntropy(0.5, [0.2, 0.7, 0.1])],
      ['index NaN', () => x.klDivergence(NaN, [0.2, 0.7, 0.1])],
      [
        'batch index out of range',
        () => x.softmaxCrossEntropy(Int32Array.of(0, 10), new Float32Array(20), { classes: 10 }),
      ],
      ['logit NaN', () => x.softmaxCrossEntropy(Int32Array.of(0), Float32Array.of(1, NaN, 2), { classes: 3 })],
      ['logit +Infinity', () => x.softmaxCrossEntropy(1, [1, Infinity, 2])],
      ['p NaN in KL', () => x.klDivergence([NaN, 1], [0.5, 0.5])],
      ['lengths differ', () => x.klDivergence([0.5, 0.5, 0], [0.5, 0.5])],
      ['classes does not divide', () => x.entropy([0.5, 0.5, 0.5], { classes: 2 })],
      ['classes not an integer', () => x.entropy([0.5, 0.5], { classes: 1.5 })],
      ['a number target for rows', () => x.crossEntropy(0, [0.5, 0.5, 0.5, 0.5], { classes: 2 })],
      ['bad reduction', () => x.crossEntropy(0, [1], { reduction: 'avg' as never })],
      ['bad base', () => x.entropy([1], { base: 1 })],
      ['validate not a boolean', () => x.entropy([1], { validate: 1 as never })],
      ['options not an object', () => x.entropy([1], 3 as never)],
      ['no array', () => x.entropy('0.5' as never)],
      ['validate false computes a NaN', () => x.crossEntropy(0, [NaN, 1], { validate: false })],
      ['validate false, bad index', () => x.softmaxCrossEntropy(5, [1, 2], { validate: false })],
    ];
    // Not errors, but outside the fast paths: the same numbers either way.
    expectSame(() => x.entropy([]), 'empty distribution');
    for (const [what, call] of bad) {
      const r = expectSame(call, what);
      if (!what.startsWith('validate false')) expect(r.kind, what).toMatch(/Error: /);
    }
  });
});

describe.each(backends)(
  'per-row crossEntropy of Int32Array labels and Float32Array q on %s (the fused kernel)',
  (_name, x) => {
    /** q rows with some exact 0s, float32 subnormals and 1s; labels in [0, k). */
    function batch(n: number, k: number, seed: number): [Int32Array, Float32Array] {
      const u = rng(seed);
      const q = new Float32Array(n * k);
      for (let i = 0; i < q.length; i++) {
        const t = u();
        q[i] = t < 0.05 ? 0 : t < 0.08 ? 1e-40 : t < 0.1 ? 1 : u();
      }
      return [Int32Array.from({ length: n }, () => Math.floor(u() * k)), q];
    }
    /** f() with the fused kernel on and off: the same numbers, or the same error. */
    function fusedSame(f: () => unknown, what: string): void {
      fastPath.smallCalls = false; // small batches would take fast-calls.ts instead
      const before = taken.fused;
      const fused = outcome(f);
      // The wasm backend runs the fused kernel; js has none and runs the general path both times.
      expect(taken.fused - before, what).toBe(x.backend === 'wasm' ? 1 : 0);
      fastPath.fusedIndex32 = false;
      const general = outcome(f);
      Object.assign(fastPath, defaults);
      expect(fused.kind, what).toBe(general.kind);
      for (let i = 0; i < fused.values.length; i++) {
        if (!Object.is(fused.values[i], general.values[i]))
          expect.fail(`${what} [${i}]: fused ${String(fused.values[i])}, general ${String(general.values[i])}`);
      }
    }

    it('gives the float32 results of the general path (fast-check over n, k and bases)', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 300 }),
          fc.integer({ min: 1, max: 30 }),
          fc.integer(),
          fc.constantFrom(undefined, 2, 10),
          (n, k, seed, base) => {
            const [y, q] = batch(n, k, seed);
            fusedSame(() => x.crossEntropy(y, q, { classes: k, base }), `${n}×${k} base ${base}`);
          },
        ),
        { numRuns: 60 },
      );
    });

    it('across chunk boundaries (2^18 / k rows per chunk), with every tail length', () => {
      const k = 10;
      const perChunk = Math.floor((1 << 18) / k);
      for (const n of [perChunk - 1, perChunk, perChunk + 1, perChunk + 2, 2 * perChunk + 3]) {
        const [y, q] = batch(n, k, n);
        fusedSame(() => x.crossEntropy(y, q, { classes: k }), `${n}×${k}`);
      }
    });

    it('bad labels and values: the same error, or with validate: false the same NaNs', () => {
      const [y, q] = batch(41, 7, 5);
      y[9] = 7;
      y[38] = -1;
      fusedSame(() => x.crossEntropy(y, q, { classes: 7 }), 'label 7 of 7');
      fusedSame(() => x.crossEntropy(y, q, { classes: 7, validate: false }), 'labels, validate: false');
      const [y2, q2] = batch(41, 7, 6);
      q2[100] = Number.NaN;
      q2[3] = 1.5;
      fusedSame(() => x.crossEntropy(y2, q2, { classes: 7 }), 'q NaN');
      fusedSame(() => x.crossEntropy(y2, q2, { classes: 7, validate: false }), 'q NaN, validate: false');
      const r = outcome(() => x.crossEntropy(y, q, { classes: 7 }));
      expect(r.kind).toMatch(/^RangeError: crossEntropy: target at row 9 is 7/);
    });
  },
);
