/**
 * sampleWeights and logSumExp (API.md "Functions" and "Options"): properties with fast-check
 * (fixed seed) on both backends, and every new error path (class, position, `out` untouched, the
 * next call works). Golden values for both are in test/fixtures/*.json (range "sample_weights",
 * and logSumExp.json), run by test/fixtures.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Xentropy } from '../src/index.js';
import { backends, bound, expectClose } from './helpers.js';

fc.configureGlobal({ seed: 20261202, numRuns: 60 });

type Opts = Record<string, unknown>;

/**
 * Every function that takes sampleWeights, as (x, rows, opts) over a batch of n rows given by
 * row indices (so a row can be repeated or dropped): probabilities q (k = 4), targets, logits z.
 */
interface Data {
  q: number[][];
  p: number[][];
  z: number[][];
  y: number[];
  e: number[];
}
type Fn = (x: Xentropy, rows: number[], d: Data, opts: Opts) => unknown;

const pick = <T>(a: T[], rows: number[]): T[] => rows.map((i) => a[i]);
const FUNCTIONS: [string, Fn][] = [
  ['informationContent', (x, r, d, o) => x.informationContent(pick(d.e, r), o)],
  ['binaryEntropy', (x, r, d, o) => x.binaryEntropy(pick(d.e, r), o)],
  ['entropy', (x, r, d, o) => x.entropy(pick(d.q, r), o)],
  ['crossEntropy dense', (x, r, d, o) => x.crossEntropy(pick(d.p, r), pick(d.q, r), o)],
  ['crossEntropy index', (x, r, d, o) => x.crossEntropy(pick(d.y, r), pick(d.q, r), o)],
  [
    'crossEntropy index, weights, ignoreIndex',
    (x, r, d, o) =>
      x.crossEntropy(
        pick(
          d.y.map((c, i) => (i % 5 === 4 ? -1 : c)),
          r,
        ),
        pick(d.q, r),
        { ...o, weights: [0.5, 2, 1, 3], ignoreIndex: -1 },
      ),
  ],
  ['klDivergence', (x, r, d, o) => x.klDivergence(pick(d.p, r), pick(d.q, r), o)],
  ['softmaxCrossEntropy index', (x, r, d, o) => x.softmaxCrossEntropy(pick(d.y, r), pick(d.z, r), o)],
  [
    'softmaxCrossEntropy dense, smoothing',
    (x, r, d, o) => x.softmaxCrossEntropy(pick(d.p, r), pick(d.z, r), { ...o, labelSmoothing: 0.1 }),
  ],
  [
    'softmaxCrossEntropy float32',
    (x, r, d, o) =>
      x.softmaxCrossEntropy(Int32Array.from(pick(d.y, r)), Float32Array.from(pick(d.z, r).flat()), {
        ...o,
        classes: 4,
      }),
  ],
  [
    'binaryCrossEntropy',
    (x, r, d, o) =>
      x.binaryCrossEntropy(
        pick(d.e, r).map((v) => +(v > 0.5)),
        pick(d.e, r).map((v) => 1 - v / 2),
        o,
      ),
  ],
  [
    'sigmoidCrossEntropy',
    (x, r, d, o) =>
      x.sigmoidCrossEntropy(
        pick(d.e, r),
        pick(d.z, r).map((row) => row[0]),
        { ...o, posWeight: 2 },
      ),
  ],
  ['logSumExp', (x, r, d, o) => x.logSumExp(pick(d.z, r), o)],
];

const K = 4;
const prob = fc.double({ min: 0.001, max: 1, noNaN: true });
const row = fc.array(prob, { minLength: K, maxLength: K }).map((v) => {
  const s = v.reduce((a, b) => a + b, 0);
  return v.map((x) => Math.min(1, x / s));
});
const data = fc.integer({ min: 1, max: 9 }).chain((n) =>
  fc.record({
    q: fc.array(row, { minLength: n, maxLength: n }),
    p: fc.array(row, { minLength: n, maxLength: n }),
    z: fc.array(fc.array(fc.double({ min: -30, max: 30, noNaN: true }), { minLength: K, maxLength: K }), {
      minLength: n,
      maxLength: n,
    }),
    y: fc.array(fc.integer({ min: 0, max: K - 1 }), { minLength: n, maxLength: n }),
    e: fc.array(prob, { minLength: n, maxLength: n }),
  }),
);
const rowsOf = (d: Data) => d.q.map((_, i) => i);

describe.each(backends)('%s backend: sampleWeights properties', (_name, x) => {
  it.each(FUNCTIONS)('%s: weights all 1 give the unweighted result', (_fn, f) => {
    fc.assert(
      fc.property(data, (d) => {
        const rows = rowsOf(d);
        const ones = rows.map(() => 1);
        expect(f(x, rows, d, { sampleWeights: ones })).toEqual(f(x, rows, d, {}));
        for (const reduction of ['sum', 'mean']) {
          expectClose(
            f(x, rows, d, { sampleWeights: ones, reduction }),
            f(x, rows, d, { reduction }),
            'float32',
            reduction,
          );
        }
      }),
    );
  });

  it.each(FUNCTIONS)('%s: a weight of 2 is the row given twice', (_fn, f) => {
    fc.assert(
      fc.property(data, fc.nat(), (d, at) => {
        const rows = rowsOf(d);
        const twice = at % rows.length;
        const weights = rows.map((i) => (i === twice ? 2 : 1));
        const repeated = [...rows, twice];
        for (const reduction of ['sum', 'mean']) {
          expectClose(
            f(x, rows, d, { sampleWeights: weights, reduction }),
            f(x, repeated, d, { reduction }),
            'float32',
            reduction,
          );
        }
      }),
    );
  });

  it.each(FUNCTIONS)('%s: a weight of 0 is the row removed', (_fn, f) => {
    fc.assert(
      fc.property(data, fc.nat(), (d, at) => {
        const rows = rowsOf(d);
        if (rows.length < 2) return;
        const gone = at % rows.length;
        const weights = rows.map((i) => (i === gone ? 0 : 1));
        const kept = rows.filter((i) => i !== gone);
        for (const reduction of ['sum', 'mean']) {
          expectClose(
            f(x, rows, d, { sampleWeights: weights, reduction }),
            f(x, kept, d, { reduction }),
            'float32',
            reduction,
          );
        }
        const none = f(x, rows, d, { sampleWeights: weights }) as number[];
        expect(Object.is(none[gone], 0)).toBe(true);
      }),
    );
  });

  it('a weight of 0 counts for nothing even where the loss is +Infinity', () => {
    const q = [
      [0, 0.5, 0.5],
      [0.2, 0.3, 0.5],
      [0.1, 0.8, 0.1],
    ];
    expectClose(x.crossEntropy([0, 1, 1], q), [Infinity, -Math.log(0.3), -Math.log(0.8)], 'float64', 'unweighted');
    const s = [0, 2, 1];
    const none = x.crossEntropy([0, 1, 1], q, { sampleWeights: s }) as number[];
    expect(Object.is(none[0], 0)).toBe(true);
    expectClose(none, [0, -2 * Math.log(0.3), -Math.log(0.8)], 'float64', 'none');
    expectClose(
      x.crossEntropy([0, 1, 1], q, { sampleWeights: s, reduction: 'mean' }),
      (-2 * Math.log(0.3) - Math.log(0.8)) / 3,
      'float64',
      'mean',
    );
    expect(x.binaryCrossEntropy([1, 0], [0, 0.5], { sampleWeights: [0, 1], reduction: 'sum' })).toBe(Math.LN2);
    expect(
      x.softmaxCrossEntropy(
        [0, 1],
        [
          [-Infinity, 0],
          [0, 0],
        ],
        { sampleWeights: [0, 1], reduction: 'sum' },
      ),
    ).toBe(Math.LN2);
    expect(
      x.logSumExp(
        [
          [-Infinity, -Infinity],
          [0, 0],
        ],
        { sampleWeights: [0, 3], reduction: 'sum' },
      ),
    ).toBe(3 * Math.LN2);
  });

  it('index targets with weights: mean is Σ s_i·none_i / Σ s_i·w_{y_i}', () => {
    const q = [
      [0.2, 0.8],
      [0.5, 0.5],
      [0.9, 0.1],
    ];
    const none = x.crossEntropy([1, 0, -1], q, {
      weights: [3, 1],
      ignoreIndex: -1,
      sampleWeights: [2, 0.5, 7],
    }) as number[];
    expectClose(none, [2 * -Math.log(0.8), 0.5 * 3 * -Math.log(0.5), 0], 'float64', 'none');
    const mean = x.crossEntropy([1, 0, -1], q, {
      weights: [3, 1],
      ignoreIndex: -1,
      sampleWeights: [2, 0.5, 7],
      reduction: 'mean',
    });
    expectClose(mean, (none[0] + none[1]) / (2 * 1 + 0.5 * 3), 'float64', 'mean');
  });
});

describe.each(backends)('%s backend: logSumExp properties', (_name, x) => {
  const logits = fc.array(fc.double({ min: -300, max: 300, noNaN: true }), { minLength: 1, maxLength: 40 });

  it('is log Σ e^z where that does not overflow', () => {
    fc.assert(
      fc.property(logits, (z) => {
        const naive = Math.log(z.reduce((s, v) => s + Math.exp(v), 0));
        const got = x.logSumExp(z) as number;
        // The naive sum rounds once per term and log adds one: a few ulp of max(1, |naive|).
        expect(Math.abs(got - naive)).toBeLessThanOrEqual(1e-14 * z.length * Math.max(1, Math.abs(naive)));
      }),
    );
  });

  it('softmax is exp(z − logSumExp(z)), row by row, Float32Array in → Float32Array out', () => {
    fc.assert(
      fc.property(
        fc.array(
          logits.filter((z) => z.length === 6),
          { minLength: 1, maxLength: 5 },
        ),
        (rows) => {
          const lse = x.logSumExp(rows) as number[];
          const sm = x.softmax(rows) as number[][];
          rows.forEach((z, i) =>
            expectClose(
              sm[i],
              z.map((v) => Math.exp(v - lse[i])),
              'float32',
              `row ${i}`,
            ),
          );
          const f32 = x.logSumExp(Float32Array.from(rows.flat()), { classes: 6 });
          expect(f32).toBeInstanceOf(Float32Array);
        },
      ),
    );
  });

  it('gives -Infinity for an all -Infinity row, and ignores -Infinity entries', () => {
    expect(x.logSumExp([-Infinity, -Infinity])).toBe(-Infinity);
    expect(
      x.logSumExp([
        [-Infinity, 2],
        [-Infinity, -Infinity],
      ]),
    ).toEqual([2, -Infinity]);
    expect(x.logSumExp([1000, 1000])).toBe(1000 + Math.LN2);
    expect(
      x.logSumExp(
        [
          [0, 0],
          [1, 1],
        ],
        { reduction: 'mean' },
      ),
    ).toBe(Math.LN2 + 0.5);
  });

  it('matches one row at a time across chunk boundaries', () => {
    const n = 70_000;
    const z = Float64Array.from({ length: n * 3 }, (_, i) => Math.sin(i) * 20);
    const all = x.logSumExp(z, { classes: 3 }) as Float64Array;
    for (const i of [0, 21_844, 21_845, 65_535, 65_536, n - 1]) {
      expect(Math.abs(all[i] - (x.logSumExp(z.subarray(3 * i, 3 * i + 3)) as number))).toBeLessThanOrEqual(
        bound(all[i], 'float64'),
      );
    }
  });
});

describe.each(backends)('%s backend: sampleWeights and logSumExp errors', (_name, x) => {
  const q = [
    [0.2, 0.8],
    [0.5, 0.5],
    [0.9, 0.1],
  ];
  const cases: [string, (out: Float64Array) => unknown, ErrorConstructor, RegExp][] = [
    [
      'negative weight',
      (out) => x.crossEntropy([1, 0, 1], q, { sampleWeights: [1, -2, 1], out }),
      RangeError,
      /crossEntropy: sampleWeights at index 1 is -2; a sample weight must be finite and ≥ 0/,
    ],
    [
      'NaN weight',
      (out) => x.entropy(q, { sampleWeights: [1, 1, NaN], out }),
      RangeError,
      /entropy: sampleWeights at index 2 is NaN/,
    ],
    [
      'infinite weight',
      (out) => x.informationContent([0.5, 0.5, 0.5], { sampleWeights: [Infinity, 1, 1], out }),
      RangeError,
      /informationContent: sampleWeights at index 0 is Infinity/,
    ],
    [
      '-Infinity weight',
      (out) => x.logSumExp(q, { sampleWeights: [1, -Infinity, 1], out }),
      RangeError,
      /logSumExp: sampleWeights at index 1 is -Infinity/,
    ],
    [
      'non-number weight',
      (out) =>
        x.binaryCrossEntropy([1, 0, 1], [0.5, 0.5, 0.5], { sampleWeights: [1, '2', 1] as unknown as number[], out }),
      TypeError,
      /binaryCrossEntropy: sampleWeights at index 1 is the string "2"/,
    ],
    [
      'float32 weights, negative',
      (out) =>
        x.softmaxCrossEntropy(Int32Array.of(1, 0, 1), Float32Array.from(q.flat()), {
          classes: 2,
          sampleWeights: Float32Array.of(1, 1, -0.5),
          out,
        }),
      RangeError,
      /softmaxCrossEntropy: sampleWeights at index 2 is -0.5/,
    ],
    [
      'too few weights',
      (out) => x.klDivergence(q, q, { sampleWeights: [1, 1], out }),
      TypeError,
      /klDivergence: sampleWeights has 2 entries for 3 rows/,
    ],
    [
      'too many weights',
      (out) => x.sigmoidCrossEntropy([1, 0, 1], [0, 0, 0], { sampleWeights: [1, 1, 1, 1], out }),
      TypeError,
      /sigmoidCrossEntropy: sampleWeights has 4 entries for 3 elements/,
    ],
    [
      'weights not an array',
      (out) => x.binaryEntropy([0.5, 0.5, 0.5], { sampleWeights: 2 as unknown as number[], out }),
      TypeError,
      /binaryEntropy: sampleWeights must be an array or typed array/,
    ],
    [
      'softmax takes none',
      (out) => x.softmax([[0, 0, 0]], { sampleWeights: [1], out } as never),
      TypeError,
      /softmax: sampleWeights does not apply to softmax/,
    ],
    [
      'logSumExp NaN logit',
      (out) =>
        x.logSumExp(
          [
            [0, 1],
            [NaN, 1],
            [0, 0],
          ],
          { out },
        ),
      RangeError,
      /logSumExp: logits at row 1, column 0 is NaN/,
    ],
    [
      'logSumExp +Infinity logit',
      (out) =>
        x.logSumExp(
          [
            [0, 1],
            [2, 1],
            [0, Infinity],
          ],
          { out },
        ),
      RangeError,
      /logSumExp: logits at row 2, column 1 is Infinity; a logit must not be NaN or \+Infinity/,
    ],
    [
      'logSumExp out length',
      (out) => x.logSumExp([[0, 1]], { out }),
      TypeError,
      /logSumExp: out has length 3, expected 1/,
    ],
  ];

  it.each(cases)('%s', (_label, call, error, message) => {
    const out = new Float64Array(3).fill(42);
    expect(() => call(out)).toThrow(error);
    expect(() => call(out)).toThrow(message);
    expect(Array.from(out), 'nothing half-written into out').toEqual([42, 42, 42]);
    // The same instance answers the next call correctly.
    expect(x.crossEntropy([1, 0, 1], q, { sampleWeights: [1, 2, 0], out })).toBe(out);
    expectClose(out, [-Math.log(0.8), -2 * Math.log(0.5), 0], 'float64', 'next call');
  });

  it('names a bad weight chunks after the first, leaving out untouched', () => {
    const n = 300_000; // several chunks on both backends
    const p = new Float64Array(n).fill(0.25);
    const s = new Float64Array(n).fill(1);
    s[280_001] = -1;
    const out = new Float64Array(n).fill(-7);
    expect(() => x.informationContent(p, { sampleWeights: s, out })).toThrow(/sampleWeights at index 280001 is -1/);
    expect(out.every((v) => v === -7)).toBe(true);
    s[280_001] = 2;
    x.informationContent(p, { sampleWeights: s, out });
    expect(out[280_001]).toBe(2 * Math.log(4));
    expect(out[0]).toBe(Math.log(4));
  });

  it('computes weights as written with validate: false', () => {
    expect(x.informationContent([0.5, 0.5], { sampleWeights: [-1, 1], validate: false })).toEqual([
      -Math.LN2,
      Math.LN2,
    ]);
  });
});
