/**
 * API.md's fixed results, shapes and output kinds, on both backends. Expected values here are the
 * contract's own (edge cases) or closed forms (ln 2, -ln 0.7); numeric goldens live in fixtures.
 */
import { describe, expect, it } from 'vitest';
import { backends, expectClose } from './helpers.js';

const LN07 = 0.35667494393873238; // -ln 0.7 (mpmath: 0.356674943938732378912...)

describe.each(backends)('%s backend: the contract', (_name, x) => {
  it('reproduces the seed examples: KL([1,0,0] ‖ [0.7,0.2,0.1]) = H([0,1,0], [0.2,0.7,0.1]) = -ln 0.7', () => {
    expectClose(x.klDivergence([1, 0, 0], [0.7, 0.2, 0.1]), LN07, 'float64', 'KL');
    expectClose(x.crossEntropy([0, 1, 0], [0.2, 0.7, 0.1]), LN07, 'float64', 'H(p,q)');
    expectClose(x.crossEntropy(1, [0.2, 0.7, 0.1]), LN07, 'float64', 'H(index,q)');
    // The batch loss is the sum over m samples.
    const rows = [
      [0.2, 0.7, 0.1],
      [0.7, 0.2, 0.1],
      [0.1, 0.2, 0.7],
    ];
    expectClose(x.crossEntropy([1, 0, 2], rows, { reduction: 'sum' }), 3 * LN07, 'float64', 'batch sum');
    expectClose(x.crossEntropy([1, 0, 2], rows, { reduction: 'mean' }), LN07, 'float64', 'batch mean');
  });

  it('follows the fixed edge-case results', () => {
    expect(x.crossEntropy([0, 1], [0, 1])).toBe(0); // 0·log 0 = 0, even where q = 0
    expect(x.entropy([0, 1, 0])).toBe(0);
    expect(x.crossEntropy([0.5, 0.5], [0, 1])).toBe(Infinity); // p > 0 where q = 0
    expect(x.klDivergence([0.5, 0.5], [1, 0])).toBe(Infinity);
    expect(x.klDivergence([0, 1], [0, 1])).toBe(0);
    expect(x.binaryEntropy(0)).toBe(0);
    expect(x.binaryEntropy(1)).toBe(0);
    expect(x.binaryCrossEntropy(1, 0)).toBe(Infinity);
    expect(x.binaryCrossEntropy(0, 1)).toBe(Infinity);
    expect(x.binaryCrossEntropy(1, 1)).toBe(0);
    expect(x.binaryCrossEntropy(0, 0)).toBe(0);
    expect(x.sigmoidCrossEntropy(0, -Infinity)).toBe(0);
    expect(x.sigmoidCrossEntropy(1, -Infinity)).toBe(Infinity);
    expect(x.informationContent(0)).toBe(Infinity);
    expect(Object.is(x.informationContent(1), 0)).toBe(true);
  });

  it('treats -Infinity logits as masked classes', () => {
    expectClose(x.softmax([0, -Infinity, 0]), [0.5, 0, 0.5], 'float64', 'softmax masked');
    expect(x.logSoftmax([0, -Infinity])).toEqual([0, -Infinity]);
    expect(x.softmaxCrossEntropy(1, [0, -Infinity])).toBe(Infinity); // target only on a masked class
    expect(x.softmaxCrossEntropy([0, 1], [0, -Infinity])).toBe(Infinity);
    expect(x.softmaxCrossEntropy([1, 0], [0, -Infinity])).toBe(0); // 0 target on the masked class
    expect(x.softmaxCrossEntropy(0, [-Infinity, -Infinity])).toBe(Infinity); // every class masked
    expect(x.softmaxCrossEntropy([0, 0], [-Infinity, -Infinity])).toBe(0);
  });

  it('keeps the loss near 0 exact when one class dominates (log1p of the off-target mass)', () => {
    // -log softmax(z)_0 for z = [40, 0] is log1p(e^-40) = 4.248354255291589e-18 (mpmath).
    expectClose(x.softmaxCrossEntropy(0, [40, 0]), 4.248354255291589e-18, 'float64', 'tiny loss');
    // sigmoid form at y = 1 - 2^-52, z = 1e4: (1-y)·z = 2.220446049250313e-12 (+ e^-1e4, negligible).
    expectClose(x.sigmoidCrossEntropy(1 - 2 ** -52, 1e4), 2 ** -52 * 1e4, 'float64', 'sigmoid near 1');
  });

  it('returns a number for a single distribution and mirrors the input kind for batches', () => {
    expect(typeof x.entropy([0.5, 0.5])).toBe('number');
    expect(Array.isArray(x.entropy([[0.5, 0.5]]))).toBe(true);
    expect(x.entropy(new Float64Array([0.5, 0.5, 1, 0]), { classes: 2 })).toBeInstanceOf(Float64Array);
    expect(x.entropy(new Float32Array([0.5, 0.5, 1, 0]), { classes: 2 })).toBeInstanceOf(Float32Array);
    expect(x.informationContent([0.5])).toEqual([Math.LN2]);
    expect(x.informationContent(new Float32Array([0.5]))).toBeInstanceOf(Float32Array);
    expect(typeof x.informationContent(0.5)).toBe('number');
    expect(
      x.softmax([
        [0, 0],
        [0, 0],
      ]),
    ).toEqual([
      [0.5, 0.5],
      [0.5, 0.5],
    ]);
    expect(x.softmax(new Float32Array([0, 0, 0, 0]), { classes: 2 })).toBeInstanceOf(Float32Array);
    expect(x.softmax([0, 0])).toEqual([0.5, 0.5]);
    expect(x.crossEntropy(Int32Array.of(0), new Float32Array([0.5, 0.5]), { classes: 2 })).toBeInstanceOf(Float32Array);
  });

  it('reads targets: class indices by count or integer type, dense by shape, k = 1 as dense', () => {
    const q = [
      [0.25, 0.75],
      [0.5, 0.5],
    ];
    const byIndex = x.crossEntropy([1, 0], q) as number[];
    expectClose(byIndex, [-Math.log(0.75), Math.LN2], 'float64', 'number[] indices');
    expectClose(x.crossEntropy(Uint8Array.of(1, 0), q), byIndex, 'float64', 'Uint8Array indices');
    expectClose(x.crossEntropy(BigInt64Array.of(1n, 0n), q), byIndex, 'float64', 'BigInt64Array indices');
    expectClose(x.crossEntropy(new BigUint64Array([1n, 0n]), q), byIndex, 'float64', 'BigUint64Array indices');
    expectClose(
      x.crossEntropy(
        [
          [0, 1],
          [1, 0],
        ],
        q,
      ),
      byIndex,
      'float64',
      'one-hot rows',
    );
    expectClose(
      x.crossEntropy([0, 1, 1, 0], new Float64Array(q.flat()), { classes: 2 }),
      byIndex,
      'float64',
      'flat one-hot',
    );
    // k = 1: n and n·k coincide, so a float array is dense; an integer array is indices.
    expect(x.crossEntropy([1, 1], [[1], [1]])).toEqual([0, 0]);
    expect(x.crossEntropy([0.5], [[0.5]])).toEqual([0.5 * Math.LN2]);
    expect(x.crossEntropy(Int32Array.of(0), [[0.5]])).toEqual([Math.LN2]);
  });

  it('reduces: sum over zero rows is 0, mean over zero counted rows is NaN', () => {
    const empty = new Float64Array(0);
    expect(x.entropy(empty, { classes: 3, reduction: 'sum' })).toBe(0);
    expect(x.entropy(empty, { classes: 3, reduction: 'mean' })).toBeNaN();
    expect(x.entropy(empty, { classes: 3 })).toEqual(new Float64Array(0));
    expect(x.softmaxCrossEntropy(Int32Array.of(), empty, { classes: 3, reduction: 'mean' })).toBeNaN();
    expect(x.softmax(empty, { classes: 3 })).toEqual(new Float64Array(0));
    expect(x.informationContent([], { reduction: 'sum' })).toBe(0);
    expect(
      x.crossEntropy(
        [-100, -100],
        [
          [0.5, 0.5],
          [0.2, 0.8],
        ],
        { ignoreIndex: -100, reduction: 'mean' },
      ),
    ).toBeNaN();
    expect(
      x.crossEntropy(
        [-100, -100],
        [
          [0.5, 0.5],
          [0.2, 0.8],
        ],
        { ignoreIndex: -100, reduction: 'sum' },
      ),
    ).toBe(0);
  });

  it('follows PyTorch for weights, ignoreIndex and the weighted mean', () => {
    const z = [
      [1, 2, 3],
      [3, 2, 1],
      [0, 0, 0],
    ];
    const w = [0.5, 1, 2];
    const plain = x.softmaxCrossEntropy([2, 0, 1], z) as number[];
    const weighted = x.softmaxCrossEntropy([2, 0, -1], z, { weights: w, ignoreIndex: -1 }) as number[];
    expectClose(weighted, [2 * plain[0], 0.5 * plain[1], 0], 'float64', 'weighted none, ignored row 0');
    const mean = x.softmaxCrossEntropy([2, 0, -1], z, { weights: w, ignoreIndex: -1, reduction: 'mean' });
    expectClose(mean, (2 * plain[0] + 0.5 * plain[1]) / (2 + 0.5), 'float64', 'Σ none / Σ w_y');
  });

  it('converts units with base: bits, bans, any base > 0 and ≠ 1', () => {
    expect(x.entropy([0.5, 0.5], { base: 2 })).toBe(1);
    expectClose(x.entropy([0.1, 0.9], { base: 10 }), (x.entropy([0.1, 0.9]) as number) / Math.LN10, 'float64', 'bans');
    expectClose(x.informationContent(1 / 27, { base: 3 }), 3, 'float64', 'base 3');
    expect(x.entropy([0.5, 0.5], { base: Math.E })).toBe(Math.LN2);
  });

  it('normalizes rows like scipy.stats.entropy', () => {
    expectClose(
      x.entropy([1, 1, 2], { normalize: true }),
      x.entropy([0.25, 0.25, 0.5]) as number,
      'float64',
      'normalize',
    );
    expectClose(
      x.klDivergence([2, 2], [1, 3], { normalize: true }),
      x.klDivergence([0.5, 0.5], [0.25, 0.75]) as number,
      'float64',
      'kl normalize',
    );
  });

  it('writes into out and returns it', () => {
    const out = new Float64Array(2);
    const r = x.entropy(
      [
        [0.5, 0.5],
        [1, 0],
      ],
      { out },
    );
    expect(r).toBe(out);
    expect(Array.from(out)).toEqual([Math.LN2, 0]);
    const out32 = new Float32Array(4);
    expect(
      x.softmax(
        [
          [0, 0],
          [0, 0],
        ],
        { out: out32 },
      ),
    ).toBe(out32);
    expect(Array.from(out32)).toEqual([0.5, 0.5, 0.5, 0.5]);
    // With validate: false results go straight into out, chunk after chunk (several chunks here).
    const p = Float64Array.from({ length: 600_000 }, (_, i) => ((i % 997) + 1) / 1000);
    const big = new Float32Array(p.length);
    expect(x.informationContent(p, { out: big, validate: false })).toBe(big);
    expect(big).toEqual(new Float32Array(x.informationContent(p) as Float64Array));
  });

  it('clamps with eps like scikit-learn, without renormalising', () => {
    expectClose(x.crossEntropy([1, 0], [0, 1], { eps: 1e-15 }), -Math.log(1e-15), 'float64', 'eps clamp low');
    expectClose(x.binaryCrossEntropy(1, 0, { eps: 1e-7 }), -Math.log(1e-7), 'float64', 'bce eps');
  });
});
