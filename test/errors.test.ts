/**
 * Every error of API.md's list, on both backends: the class, the 0-based position in the message,
 * `out` left untouched, and the same instance answering the next call correctly.
 */
import { describe, expect, it } from 'vitest';
import type { Xentropy } from '../src/index.js';
import { backends } from './helpers.js';

interface Case {
  name: string;
  /** The failing call; `out` (length 2 unless `outLength`) is passed where the function takes it. */
  call: (x: Xentropy, out: Float64Array) => unknown;
  error: typeof RangeError | typeof TypeError;
  message: RegExp;
  outLength?: number;
}

const Q2 = [
  [0.5, 0.5],
  [0.25, 0.75],
];

const cases: Case[] = [
  // RangeError: values
  {
    name: 'negative probability',
    call: (x, out) =>
      x.entropy(
        [
          [0.5, 0.5],
          [1.5, -0.5],
        ],
        { out },
      ),
    error: RangeError,
    message: /p at row 1, column 0 is 1\.5/,
  },
  {
    name: 'negative probability (normalize)',
    call: (x, out) =>
      x.entropy(
        [
          [1, 2],
          [3, -1],
        ],
        { normalize: true, out },
      ),
    error: RangeError,
    message: /p at row 1, column 1 is -1; .*non-negative/,
  },
  {
    name: 'NaN probability',
    call: (x, out) =>
      x.crossEntropy(
        [
          [1, 0],
          [0, 1],
        ],
        [
          [0.5, 0.5],
          [NaN, 1],
        ],
        { out },
      ),
    error: RangeError,
    message: /q at row 1, column 0 is NaN/,
  },
  {
    name: 'above-1 probability',
    call: (x, out) =>
      x.klDivergence(
        [
          [0.5, 0.5],
          [0.5, 1.25],
        ],
        Q2,
        { out },
      ),
    error: RangeError,
    message: /p at row 1, column 1 is 1\.25.*\[0, 1\]/,
  },
  {
    name: 'above-1 target of a single distribution',
    call: (x) => x.crossEntropy([0, 2], [0.5, 0.5]),
    error: RangeError,
    message: /p at index 1 is 2/,
  },
  {
    name: 'negative in informationContent',
    call: (x, out) => x.informationContent([0.5, -0.1], { out }),
    error: RangeError,
    message: /p at index 1 is -0\.1/,
  },
  {
    name: 'NaN in binaryEntropy',
    call: (x, out) => x.binaryEntropy(new Float64Array([NaN, 0.5]), { out }),
    error: RangeError,
    message: /p at index 0 is NaN/,
  },
  {
    name: 'label outside [0, 1] in binaryCrossEntropy',
    call: (x, out) => x.binaryCrossEntropy([0, 2], [0.5, 0.5], { out }),
    error: RangeError,
    message: /y at index 1 is 2/,
  },
  {
    name: 'probability above 1 in binaryCrossEntropy',
    call: (x, out) => x.binaryCrossEntropy([0, 1], [1.5, 0.5], { out }),
    error: RangeError,
    message: /p at index 0 is 1\.5/,
  },
  {
    name: 'NaN logit',
    call: (x, out) =>
      x.softmaxCrossEntropy(
        [0, 1],
        [
          [0, 1],
          [NaN, 2],
        ],
        { out },
      ),
    error: RangeError,
    message: /logits at row 1, column 0 is NaN/,
  },
  {
    name: '+Infinity logit',
    call: (x) =>
      x.softmax([
        [0, 1],
        [2, Infinity],
      ]),
    error: RangeError,
    message: /logits at row 1, column 1 is Infinity/,
  },
  {
    name: '+Infinity logit (logSoftmax)',
    call: (x) => x.logSoftmax([Infinity, 0]),
    error: RangeError,
    message: /logits at index 0 is Infinity/,
  },
  {
    name: '+Infinity logit (sigmoidCrossEntropy)',
    call: (x, out) => x.sigmoidCrossEntropy([0, 1], [0, Infinity], { out }),
    error: RangeError,
    message: /logits at index 1 is Infinity/,
  },
  {
    name: 'class index out of range',
    call: (x, out) =>
      x.softmaxCrossEntropy(
        [0, 2],
        [
          [0, 1],
          [1, 2],
        ],
        { out },
      ),
    error: RangeError,
    message: /target at row 1 is 2; a class index must be an integer in \[0, 2\)/,
  },
  {
    name: 'negative class index',
    call: (x, out) => x.crossEntropy(Int32Array.of(-1, 0), Q2, { out }),
    error: RangeError,
    message: /target at row 0 is -1/,
  },
  {
    name: 'non-integer class index',
    call: (x, out) => x.crossEntropy([1.5, 0], Q2, { out }),
    error: RangeError,
    message: /target at row 0 is 1\.5/,
  },
  {
    name: 'class index equal to neither k nor ignoreIndex',
    call: (x, out) => x.crossEntropy([-99, 0], Q2, { ignoreIndex: -100, out }),
    error: RangeError,
    message: /target at row 0 is -99.*ignoreIndex \(-100\)/,
  },
  {
    name: 'single class index out of range',
    call: (x) => x.crossEntropy(3, [0.5, 0.5]),
    error: RangeError,
    message: /target is 3/,
  },
  // RangeError: options
  {
    name: 'labelSmoothing above 1',
    call: (x) => x.softmaxCrossEntropy([0, 1], Q2, { labelSmoothing: 1.5 }),
    error: RangeError,
    message: /labelSmoothing must be in \[0, 1\], got 1\.5/,
  },
  {
    name: 'labelSmoothing below 0',
    call: (x) => x.crossEntropy([0, 1], Q2, { labelSmoothing: -0.1 }),
    error: RangeError,
    message: /labelSmoothing/,
  },
  {
    name: 'base 1',
    call: (x) => x.entropy([0.5, 0.5], { base: 1 }),
    error: RangeError,
    message: /base must be .*> 0 and ≠ 1, got 1/,
  },
  { name: 'base 0', call: (x) => x.informationContent(0.5, { base: 0 }), error: RangeError, message: /base .* got 0/ },
  {
    name: 'base negative',
    call: (x) => x.binaryEntropy(0.5, { base: -2 }),
    error: RangeError,
    message: /base .* got -2/,
  },
  {
    name: 'base NaN',
    call: (x) => x.klDivergence([1, 0], [0.5, 0.5], { base: NaN }),
    error: RangeError,
    message: /base .* got NaN/,
  },
  // TypeError: shapes
  {
    name: 'flat length not divisible by classes',
    call: (x) => x.entropy([0.5, 0.5, 1], { classes: 2 }),
    error: TypeError,
    message: /length 3, which is not divisible by classes = 2/,
  },
  {
    name: 'rows of unequal length',
    call: (x) =>
      x.softmax([
        [0, 1],
        [0, 1, 2],
      ]),
    error: TypeError,
    message: /row 1 has 3 entries, row 0 has 2/,
  },
  {
    name: 'targets neither n nor n·k',
    call: (x) => x.crossEntropy([0, 1, 0], Q2),
    error: TypeError,
    message: /length 3, which is neither n = 2 .* nor n·k = 4/,
  },
  {
    name: 'integer targets of the wrong count',
    call: (x) => x.softmaxCrossEntropy(Int32Array.of(0, 1, 1), Q2),
    error: TypeError,
    message: /3 class indices for 2 rows/,
  },
  {
    name: 'mismatched p/q shapes',
    call: (x) =>
      x.klDivergence(
        [
          [1, 0, 0],
          [0, 1, 0],
        ],
        Q2,
      ),
    error: TypeError,
    message: /targets are 2×3 but predictions are 2×2/,
  },
  {
    name: 'mismatched elementwise lengths',
    call: (x) => x.binaryCrossEntropy([0, 1, 1], [0.5, 0.5]),
    error: TypeError,
    message: /y and p differ in shape/,
  },
  {
    name: 'non-array argument',
    call: (x) => x.entropy('0.5, 0.5' as never),
    error: TypeError,
    message: /p must be an array or typed array, got string/,
  },
  {
    name: 'null argument',
    call: (x) => x.crossEntropy([1, 0], null as never),
    error: TypeError,
    message: /q must be an array or typed array, got null/,
  },
  {
    name: 'object argument to an elementwise function',
    call: (x) => x.informationContent({ 0: 0.5 } as never),
    error: TypeError,
    message: /p must be a number or a flat array, got object/,
  },
  {
    name: 'number[][] to an elementwise function',
    call: (x) => x.binaryEntropy([[0.5]] as never),
    error: TypeError,
    message: /takes no number\[\]\[\]/,
  },
  {
    name: 'weights of the wrong length',
    call: (x) => x.crossEntropy([0, 1], Q2, { weights: [1, 2, 3] }),
    error: TypeError,
    message: /weights has 3 entries for 2 classes/,
  },
  {
    name: 'out of the wrong length',
    call: (x) => x.entropy(Q2, { out: new Float64Array(3) }),
    error: TypeError,
    message: /out has length 3, expected 2/,
  },
];

describe.each(backends)('%s backend: errors', (_name, x) => {
  it.each(cases)('$name', ({ call, error, message, outLength }) => {
    const out = new Float64Array(outLength ?? 2).fill(42);
    expect(() => call(x, out)).toThrow(error);
    expect(() => call(x, out)).toThrow(message);
    expect(Array.from(out), 'nothing half-written into out').toEqual(new Array(out.length).fill(42));
    // The same instance answers the next call correctly.
    expect(x.crossEntropy([0, 1, 0], [0.2, 0.7, 0.1])).toBeCloseTo(0.35667494393873238, 15);
    expect(
      x.softmaxCrossEntropy(
        [1, 0],
        Q2.map((r) => r.map(Math.log)),
        { out },
      ),
    ).toBe(out);
    expect(out[0]).toBeCloseTo(Math.LN2, 15);
  });

  it('leaves out untouched when the bad row is chunks after the first', () => {
    const k = 10;
    const n = 70_000; // several chunks on both backends (js: 6 553 rows, wasm: 26 214 rows of 10)
    const logits = new Float64Array(n * k).map((_, i) => Math.sin(i));
    logits[65_432 * k + 7] = NaN;
    const labels = new Int32Array(n).map((_, i) => i % k);
    const out = new Float64Array(n).fill(-1);
    expect(() => x.softmaxCrossEntropy(labels, logits, { classes: k, out })).toThrow(/row 65432, column 7 is NaN/);
    expect(out.every((v) => v === -1)).toBe(true);
    logits[65_432 * k + 7] = 0;
    expect(x.softmaxCrossEntropy(labels, logits, { classes: k, out })).toBe(out);
    expect(out.every((v) => v > 0 && Number.isFinite(v))).toBe(true);
  });

  it('skips value checks with validate: false (computed as written)', () => {
    expect(x.crossEntropy([2, 0], [0.5, 0.5], { validate: false })).toBeCloseTo(2 * Math.LN2, 15);
    expect(x.entropy([NaN, 0.5], { validate: false })).toBeNaN();
  });
});
