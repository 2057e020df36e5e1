// A consumer of the published types: `tsc -p` over this file (test/package-types.test.ts, under
// moduleResolution node16 and bundler) must pass. `Exact` checks each result type exactly;
// every `@ts-expect-error` line is a wrong use that must not compile (tsc fails on an unused one).
import { js, load } from 'xentropy';
import type { Options, Result, Xentropy } from 'xentropy';

type Exact<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function exact<A, B>(_check: Exact<A, B>): void {}

const x: Xentropy = await load();
const q = [0.2, 0.7, 0.1];
const rows = [
  [0.2, 0.8],
  [0.6, 0.4],
];
const logits32 = new Float32Array(6);
const logits64 = new Float64Array(6);

// The four calls of API.md "Types".
const a: number = x.crossEntropy(1, q);
const c: number[] = x.crossEntropy([1, 0], rows);
const e: Float32Array = x.softmaxCrossEntropy(Int32Array.of(0, 1), logits32, { classes: 3 });
const d: number = x.crossEntropy([1, 0], rows, { reduction: 'mean' });
exact<typeof a, number>(true);
exact<typeof c, number[]>(true);
// @ts-expect-error a batch gives one value per row, not a number
const w1: number = x.crossEntropy([1, 0], rows);
// @ts-expect-error Float32Array logits give a Float32Array, not number[]
const w2: number[] = x.softmaxCrossEntropy(Int32Array.of(0, 1), logits32, { classes: 3 });
// @ts-expect-error a reduction gives a number
const w3: number[] = x.crossEntropy([1, 0], rows, { reduction: 'sum' });
// @ts-expect-error one distribution gives a number
const w4: number[] = x.crossEntropy(1, q);
// @ts-expect-error Float64Array logits give a Float64Array
const w5: Float32Array = x.softmaxCrossEntropy(Int32Array.of(0, 1), logits64, { classes: 3 });

// Every function: single → number; batch → per-row kind; reduction → number; out → out's type.
const viaJs: number = js.crossEntropy(1, q); // the js backend has the same types
const out64 = new Float64Array(2);
const out32 = new Float32Array(2);
const checks = {
  ic1: x.informationContent(0.5),
  ic2: x.informationContent([0.5, 0.25]),
  ic3: x.informationContent(Float32Array.of(0.5)),
  ic4: x.informationContent(new Float64Array(2), { reduction: 'sum' }),
  ic5: x.informationContent([0.5, 0.25], { out: out32 }),
  be1: x.binaryEntropy(0.5, { base: 2 }),
  be2: x.binaryEntropy(new Float64Array(2)),
  en1: x.entropy([0.5, 0.5]),
  en2: x.entropy(rows),
  en3: x.entropy(new Float32Array(4), { classes: 2 }),
  en4: x.entropy(new Float32Array(4), { classes: 2, reduction: 'mean' }),
  en5: x.entropy(rows, { out: out64 }),
  ce1: x.crossEntropy(Int32Array.of(1, 0), new Float64Array(4), { classes: 2 }),
  ce2: x.crossEntropy([1, 0], [0.2, 0.8, 0.6, 0.4], { classes: 2 }),
  ce3: x.crossEntropy(Uint8Array.of(1, 0), logits32, {
    classes: 3,
    weights: [1, 2, 3],
    ignoreIndex: 2,
    labelSmoothing: 0.1,
    sampleWeights: [1, 2],
  }),
  ce4: x.crossEntropy(BigInt64Array.of(1n, 0n), logits32, { classes: 3, out: out64 }),
  kl1: x.klDivergence([0.5, 0.5], [0.9, 0.1]),
  kl2: x.klDivergence(rows, rows),
  kl3: x.klDivergence(rows, rows, { reduction: 'mean' }),
  sm1: x.softmax([0, 0]),
  sm2: x.softmax(rows),
  sm3: x.softmax(logits32, { classes: 3 }),
  sm4: x.softmax(logits64),
  sm5: x.softmax(rows, { out: new Float32Array(4) }),
  ls1: x.logSoftmax([[0, 0]]),
  ls2: x.logSoftmax(logits64, { classes: 3 }),
  lse1: x.logSumExp([0, 0]),
  lse2: x.logSumExp(rows),
  lse3: x.logSumExp(logits32, { classes: 3 }),
  lse4: x.logSumExp(logits32, { classes: 3, reduction: 'sum', sampleWeights: [1, 0] }),
  sce1: x.softmaxCrossEntropy(0, [0, 0]),
  sce2: x.softmaxCrossEntropy(
    [0, 1],
    [
      [2, 0, 0],
      [0, 1, 0],
    ],
  ),
  sce3: x.softmaxCrossEntropy(Int32Array.of(0, 1), logits64, { classes: 3 }),
  bce1: x.binaryCrossEntropy(1, 0.5),
  bce2: x.binaryCrossEntropy([1, 0], [0.9, 0.2]),
  bce3: x.binaryCrossEntropy(Float32Array.of(1, 0), Float32Array.of(0.9, 0.2), { eps: 1e-7 }),
  bce4: x.binaryCrossEntropy([1, 0], [0.9, 0.2], { reduction: 'mean', sampleWeights: [1, 3] }),
  sig1: x.sigmoidCrossEntropy(1, 0, { posWeight: 2 }),
  sig2: x.sigmoidCrossEntropy([1, 0], new Float64Array(2)),
  sig3: x.sigmoidCrossEntropy([1, 0], [2, -1], { out: out32 }),
};
exact<
  typeof checks,
  {
    ic1: number;
    ic2: number[];
    ic3: Float32Array;
    ic4: number;
    ic5: Float32Array<ArrayBuffer>; // out's own type
    be1: number;
    be2: Float64Array;
    en1: number;
    en2: number[];
    en3: Float32Array;
    en4: number;
    en5: Float64Array<ArrayBuffer>;
    ce1: Float64Array;
    ce2: number[];
    ce3: Float32Array;
    ce4: Float64Array<ArrayBuffer>;
    kl1: number;
    kl2: number[];
    kl3: number;
    sm1: number[];
    sm2: number[][];
    sm3: Float32Array;
    sm4: Float64Array;
    sm5: Float32Array<ArrayBuffer>;
    ls1: number[][];
    ls2: Float64Array;
    lse1: number;
    lse2: number[];
    lse3: Float32Array;
    lse4: number;
    sce1: number;
    sce2: number[];
    sce3: Float64Array;
    bce1: number;
    bce2: number[];
    bce3: Float32Array;
    bce4: number;
    sig1: number;
    sig2: Float64Array;
    sig3: Float32Array<ArrayBuffer>;
  }
>(true);

// Options not known at compile time give the union, which the caller narrows.
const opts: Options = {};
exact<ReturnType<() => ReturnType<typeof x.crossEntropy>>, Result>(true);
const r: Result = x.crossEntropy([1, 0], rows, opts);
// @ts-expect-error the union is not a number
const w6: number = x.crossEntropy([1, 0], rows, opts);

// Wrong uses that must not compile.
// @ts-expect-error softmax has no base
x.softmax([0, 0], { base: 2 });
// @ts-expect-error softmax has no reduction
x.softmax([0, 0], { reduction: 'sum' });
// @ts-expect-error reduction is 'none' | 'sum' | 'mean'
x.entropy(rows, { reduction: 'max' });
// @ts-expect-error an unknown option
x.entropy(rows, { axis: 1 });
// @ts-expect-error out is a Float64Array or Float32Array
x.entropy(rows, { out: new Int32Array(2) });
// @ts-expect-error the elementwise functions take no rows
x.informationContent([[0.5]]);
// @ts-expect-error softmaxCrossEntropy's logits are numbers, not class indices in a BigInt64Array
x.softmaxCrossEntropy([0], BigInt64Array.of(1n));
// @ts-expect-error targets come first, predictions are numbers
x.crossEntropy([1, 0], ['a', 'b']);

// alloc gives the type asked for.
const buf = x.alloc(Float32Array, 6);
exact<typeof buf, Float32Array<ArrayBuffer>>(true);
const sum: number = x.softmaxCrossEntropy([0, 1], buf, { classes: 3, reduction: 'sum' });
x.free(buf);

export { a, c, d, e, r, sum, viaJs, w1, w2, w3, w4, w5, w6 };
