/**
 * Fuzzing every public function on both backends (fast-check, fixed seed; `npm run fuzz` runs the
 * same properties ≥ 10^6 times with a random seed). The oracle (test/fuzz/harness.mjs) reads
 * API.md independently: the only failures allowed are its RangeError/TypeError naming the
 * position; never a wasm trap, an engine error, a value where the contract requires an error, a
 * disagreement between backends, a half-written `out`, or an inconsistent instance afterwards.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { js } from '../src/index.js';
import type { Xentropy } from '../src/index.js';
// @ts-expect-error: plain ESM shared with scripts/fuzz.mjs, no declarations
import * as H from './fuzz/harness.mjs';
import { wasm } from './helpers.js';

const SEED = 20261125;
const apis: [string, Xentropy][] = [
  ['js', js],
  ['wasm', wasm],
];
const A = H.arbitraries(fc);

interface Stats {
  ok: number;
  referenced: number;
  rangeError: number;
  typeError: number;
  known: number;
}
const newStats = (): Stats => ({ ok: 0, referenced: 0, rangeError: 0, typeError: 0, known: 0 });
const totals: Record<string, Stats & { runs: number }> = {};

function run(name: string, arb: fc.Arbitrary<unknown>, numRuns: number, check: (c: unknown, s: Stats) => void): Stats {
  const stats = newStats();
  fc.assert(
    fc.property(arb, (c) => check(c, stats)),
    { seed: SEED, numRuns },
  );
  totals[name] = { ...stats, runs: numRuns };
  return stats;
}

describe('fuzz (fixed seed; ≥ 20 000 cases)', () => {
  it('structured cases: every function, representation and option, values from clean to garbage (20 000 cases)', () => {
    const before = wasm.memoryBytes;
    const s = run('structured', A.caseArb, 20_000, (c, st) => H.checkCase(apis, c, st));
    // The generator reaches every outcome: valid calls (most checked against the naive reference) and both errors.
    expect(s.ok).toBeGreaterThan(10_000);
    expect(s.referenced).toBeGreaterThan(5_000);
    expect(s.rangeError).toBeGreaterThan(1_000);
    expect(s.typeError).toBeGreaterThan(1_000);
    expect(wasm.memoryBytes, 'no growth from calls (alloc reps free what they take)').toBeLessThanOrEqual(
      Math.max(before, 16 * 2 ** 20),
    );
  });

  it('whole arguments that are garbage: anything, detached, DataView, SharedArrayBuffer, BigInt arrays, Proxy, sparse (6 000 cases)', () => {
    const s = run('garbage arguments', A.argGarbageArb, 6_000, (c, st) => H.checkGarbageArgs(apis, c, st));
    expect(s.typeError).toBeGreaterThan(1_000);
  });

  it('scoreRows: logits and probabilities in every representation, labels of every kind, clean to garbage (3 000 cases)', () => {
    const s = run('scoreRows', H.scoreArbitraries(fc), 3_000, (c, st) => H.checkScoreCase(apis, c, st));
    expect(s.ok).toBeGreaterThan(1_000);
    expect(s.referenced).toBeGreaterThan(500);
    expect(s.rangeError + s.typeError).toBeGreaterThan(300);
  });

  it('alloc/free/reserve sequences with misuse: no trap, no growth when repeated (300 sequences per backend)', () => {
    for (const [name, x] of apis)
      run(`alloc ${name}`, A.allocSeqArb, 300, (ops, st) => H.checkAllocSequence(name, x, ops, st));
  });

  it('ran at least 20 000 cases', () => {
    const cases = Object.values(totals).reduce((a, t) => a + t.runs, 0);
    console.log(`fuzz seed ${SEED}: ${cases} cases`, JSON.stringify(totals));
    expect(cases).toBeGreaterThanOrEqual(20_000);
  });
});

describe('out sharing memory with an input (validate on and off)', () => {
  const FNS = [
    'softmax',
    'logSoftmax',
    'crossEntropy',
    'crossEntropyDense',
    'softmaxCrossEntropy',
    'entropy',
    'informationContent',
    'binaryCrossEntropy',
  ] as const;
  it('gives, bit for bit, the results of a separate out; batches of several chunks included (1 500 cases)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...FNS),
        fc.oneof(
          { weight: 9, arbitrary: fc.integer({ min: 1, max: 60 }) },
          { weight: 1, arbitrary: fc.constant(30_000) },
        ),
        fc.integer({ min: 1, max: 12 }),
        fc.nat(),
        fc.nat(),
        fc.boolean(),
        fc.constantFrom(...apis),
        (fn, n, k0, inAt, outAt, validate, [, x]) => {
          const elementwise = fn === 'informationContent' || fn === 'binaryCrossEntropy';
          const k = elementwise ? 1 : k0;
          const width = fn === 'softmax' || fn === 'logSoftmax' ? k : 1;
          const size = n * k;
          // One buffer holds the input at inAt and out at outAt: they overlap in every way, or not at all.
          const buf = new Float64Array(2 * size + n * width);
          const a = inAt % (buf.length - size + 1);
          const b = outAt % (buf.length - n * width + 1);
          const probs = Float64Array.from({ length: size }, (_, i) => (((i * 7919) % 97) + 1) / 97 / k);
          const labels = Int32Array.from({ length: n }, (_, i) => i % k);
          const input = buf.subarray(a, a + size);
          input.set(
            fn === 'softmax' || fn === 'logSoftmax' || fn === 'softmaxCrossEntropy'
              ? probs.map((v) => v * 40 - 5)
              : probs,
          );
          const clean = Float64Array.from(input);
          const call = (q: Float64Array, out: Float64Array) => {
            const o = { classes: k, out, validate };
            switch (fn) {
              case 'softmax':
                return x.softmax(q, o);
              case 'logSoftmax':
                return x.logSoftmax(q, o);
              case 'crossEntropy':
                return x.crossEntropy(labels, q, o);
              case 'crossEntropyDense':
                return x.crossEntropy(q, q, o);
              case 'softmaxCrossEntropy':
                return x.softmaxCrossEntropy(labels, q, o);
              case 'entropy':
                return x.entropy(q, o);
              case 'informationContent':
                return x.informationContent(q, { out, validate });
              default:
                return x.binaryCrossEntropy(q, q, { out, validate });
            }
          };
          const expected = call(clean, new Float64Array(n * width)) as Float64Array;
          const out = buf.subarray(b, b + n * width);
          expect(call(input, out)).toBe(out);
          for (let i = 0; i < out.length; i++) {
            if (!Object.is(out[i], expected[i]))
              expect.fail(
                `${fn} n=${n} k=${k} in@${a} out@${b} validate=${validate}: [${i}] ${out[i]} vs ${expected[i]}`,
              );
          }
        },
      ),
      { seed: SEED, numRuns: 1_500 },
    );
  });

  it.each(apis)('%s: with validate: false, a getter throwing halfway leaves out untouched', (_n, x) => {
    const k = 10;
    const rows = Array.from({ length: 70_000 }, (_, i) => Array.from({ length: k }, (_, j) => Math.sin(i * k + j)));
    rows[65_000] = new Proxy(rows[65_000], {
      get: (t, p) => {
        if (p === '3') throw new Error('getter failed (test)');
        return Reflect.get(t, p);
      },
    });
    const out = new Float64Array(rows.length).fill(-1);
    expect(() =>
      x.softmaxCrossEntropy(Int32Array.from({ length: rows.length }), rows, { out, validate: false }),
    ).toThrow('getter failed (test)');
    expect(out.every((v) => v === -1)).toBe(true);
  });
});

/**
 * Kernel issues the fuzzer found. Fixed ones are regular tests here with their KNOWN_ISSUES entry
 * false (the fuzzer checks those cases again); an open one is an `it.fails`, which passes while the
 * issue is there: once it is fixed, turn it into `it` and set its entry to false.
 */
describe('kernel issues the fuzzer found (see KNOWN_ISSUES in test/fuzz/harness.mjs)', () => {
  it('lists exactly the issues pinned here', () => {
    expect(Object.keys(H.KNOWN_ISSUES).sort()).toEqual([
      'denseAllMaskedIsNaN',
      'wasmExpDropsNaN',
      'wasmFlushedLnSTimesInfinity',
      'wasmInfiniteWeightSums',
      'weightedTargetOrder',
    ]);
  });
  it('wasmExpDropsNaN: with validate: false a NaN logit makes the row NaN on wasm as on js', () => {
    expect(wasm.logSoftmax([NaN, 0], { validate: false })).toEqual(js.logSoftmax([NaN, 0], { validate: false }));
  });
  it.each(apis)('denseAllMaskedIsNaN (%s): a dense target on an all-masked row is +Infinity (API.md)', (_n, x) => {
    expect(x.softmaxCrossEntropy([1, 0], [-Infinity, -Infinity])).toBe(Infinity);
  });
  it.each(apis)(
    'weightedTargetOrder (%s): p > 0 where q = 0 is +Infinity with weights too (w·p underflows)',
    (_n, x) => {
      expect(x.crossEntropy([5e-324, 0.5], [0, 1], { weights: [0.3, 1] })).toBe(Infinity);
    },
  );
  it.each(apis)(
    'weightedTargetOrder (%s): target mass on a masked class is +Infinity with weights too (w·p underflows)',
    (_n, x) => {
      expect(x.softmaxCrossEntropy([1e-100, 1], [-Infinity, 0], { weights: [1e-300, 1] })).toBe(Infinity);
    },
  );
  it('wasmInfiniteWeightSums: an infinite weight with label smoothing gives the same on both backends', () => {
    const call = (x: Xentropy) =>
      x.softmaxCrossEntropy([0], [[0, 1]], { weights: [Infinity, 1], labelSmoothing: 0.5, validate: false });
    expect(call(wasm)).toEqual(call(js));
  });
  it.each(apis)(
    'wasmFlushedLnSTimesInfinity (%s): valid weights near 1.7e308 overflow the target mass to +Infinity',
    (_n, x) => {
      expect(x.softmaxCrossEntropy([1, 1], [709.8, 0], { weights: [1.7e308, 1.7e308] })).toBe(Infinity);
      expect(x.softmaxCrossEntropy([1, 1], [745.5, 0], { weights: [1.7e308, 1.7e308] })).toBe(Infinity); // e^-745.5 is 0 in float64 too
    },
  );
});

describe('garbage elements inside plain arrays (API.md: a TypeError naming the position)', () => {
  const GARBAGE: [string, unknown][] = [
    ['null', null],
    ['undefined', undefined],
    ['a numeric string', '0.5'],
    ['a string', 'abc'],
    ['true', true],
    ['an object', {}],
    ['an object with valueOf', { valueOf: () => 0.5 }],
    ['an array', [0.5]],
    ['a bigint', 1n],
    ['a symbol', Symbol('s')],
    ['a function', () => 0.5],
    ['a null-prototype object', Object.create(null)],
  ];
  describe.each(apis)('%s backend', (_name, x) => {
    it.each(GARBAGE)('%s is never read as a number', (_what, g) => {
      const flat: unknown[] = [0.25, 0.25, 0.25, 0.25, 0.5, 0.5];
      flat[5] = g;
      expect(() => x.entropy(flat as number[], { classes: 2 })).toThrow(TypeError);
      expect(() => x.entropy(flat as number[], { classes: 2 })).toThrow(
        /entropy: p at row 2, column 1 is .*; an entry must be a number/,
      );
      const rows = [
        [0.5, 0.5],
        [0.25, g],
      ];
      expect(() => x.crossEntropy([0, 1], rows as number[][])).toThrow(/crossEntropy: q at row 1, column 1 is /);
      expect(() =>
        x.softmaxCrossEntropy([0, g] as number[], [
          [0, 1],
          [1, 0],
        ]),
      ).toThrow(/softmaxCrossEntropy: target at row 1 is .*; an entry must be a number/);
      expect(() => x.binaryCrossEntropy([0, 1, g] as number[], [0.5, 0.5, 0.5])).toThrow(
        /binaryCrossEntropy: y at index 2 is /,
      );
      expect(() =>
        x.crossEntropy(
          [0, 1],
          [
            [0.5, 0.5],
            [0.5, 0.5],
          ],
          { weights: [1, g] as number[] },
        ),
      ).toThrow(/crossEntropy: weights at index 1 is /);
      // validate: false computes as written: a non-number is NaN, never coerced and never an engine error.
      const h = -2 * 0.25 * Math.log(0.25);
      expect(x.entropy(flat as number[], { classes: 2, validate: false })).toEqual([h, h, NaN]);
    });

    it('a hole is named as one', () => {
      // biome-ignore lint/suspicious/noSparseArray: the hole is the input under test
      expect(() => x.informationContent([0.5, , 0.5] as number[])).toThrow(
        /informationContent: p at index 1 is undefined \(a hole or a missing entry\)/,
      );
    });

    it('a huge string or bigint is not printed whole', () => {
      const e = (() => {
        try {
          x.entropy([0.5, 'x'.repeat(1e6)] as number[]);
        } catch (err) {
          return err as Error;
        }
      })();
      expect(e).toBeInstanceOf(TypeError);
      expect(e!.message.length).toBeLessThan(200);
      expect(() => x.entropy([0.5, 2n ** 100_000n] as unknown as number[])).toThrow(
        /the bigint of more than 20 digits/,
      );
    });
  });
});
