/**
 * What the fuzzer calls and feeds: the public functions and their families, the argument names the
 * messages use, the garbage elements, and how the library reads an element (API.md).
 */

export const FUNCTIONS = [
  'informationContent',
  'binaryEntropy',
  'entropy',
  'crossEntropy',
  'klDivergence',
  'softmax',
  'logSoftmax',
  'softmaxCrossEntropy',
  'binaryCrossEntropy',
  'sigmoidCrossEntropy',
  'logSumExp',
];

/** elem1/elem2: elementwise with one or two arguments; batch1: rows; softmax: rows in, rows out; targets: (targets, rows). */
export const FAMILY = {
  informationContent: 'elem1',
  binaryEntropy: 'elem1',
  binaryCrossEntropy: 'elem2',
  sigmoidCrossEntropy: 'elem2',
  entropy: 'batch1',
  logSumExp: 'batch1',
  softmax: 'softmax',
  logSoftmax: 'softmax',
  crossEntropy: 'targets',
  klDivergence: 'targets',
  softmaxCrossEntropy: 'targets',
};

/** The argument names the messages use (API.md: "p at row 3, column 7"). */
export const PRED_ARG = {
  crossEntropy: 'q',
  klDivergence: 'q',
  softmaxCrossEntropy: 'logits',
  softmax: 'logits',
  logSoftmax: 'logits',
  entropy: 'p',
  logSumExp: 'logits',
  informationContent: 'p',
  binaryEntropy: 'p',
  binaryCrossEntropy: 'p',
  sigmoidCrossEntropy: 'logits',
};

export const INT_KINDS = [
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'BigInt64Array',
  'BigUint64Array',
];

/** Stands for a hole in a plain array (the element is deleted). */
export const HOLE = Symbol('hole');

/** Garbage elements, built fresh for every call (some are objects). */
export const GARBAGE = {
  null: () => null,
  undefined: () => undefined,
  hole: () => HOLE,
  emptyString: () => '',
  numericString: () => '0.5',
  string: () => 'abc',
  longString: () => 'x'.repeat(10_000),
  true: () => true,
  false: () => false,
  object: () => ({}),
  valueOf: () => ({ valueOf: () => 0.5 }),
  nullProto: () => Object.create(null),
  array: () => [0.5],
  emptyArray: () => [],
  typed: () => new Float64Array([0.5]),
  bigint: () => 1n,
  hugeBigint: () => 2n ** 2000n,
  symbol: () => Symbol('x'),
  function: () => () => 0.5,
  date: () => new Date(0),
  boxed: () => Object(0.5),
};

export const tagOf = (x) => (ArrayBuffer.isView(x) && !(x instanceof DataView) ? x[Symbol.toStringTag] : undefined);
export const isArrayish = (x) => Array.isArray(x) || tagOf(x) !== undefined;
export const isDetached = (x) => {
  if (!ArrayBuffer.isView(x) || x.byteLength !== 0) return false;
  try {
    new Uint8Array(x.buffer, 0, 0);
    return false;
  } catch {
    return true;
  }
};
export const isBig = (x) => tagOf(x) === 'BigInt64Array' || tagOf(x) === 'BigUint64Array';

/** An element as the library must see it: typed arrays' numbers, bigints of BigInt arrays as Number(); anything else raw. */
export const elementOf = (arr, i) => (isBig(arr) ? Number(arr[i]) : arr[i]);
/** The value a kernel computes with: numbers, and NaN for anything else (validate off). */
export const num = (v) => (typeof v === 'number' ? v : NaN);
/** The same for the naive references: -0 read as +0 (the same real; a / -0 would flip an infinity's sign). */
export const real = (v) => num(v) + 0;

/** The result kind of an input array: 'f32', 'f64' (any other typed array) or 'array'. */
export function kindOf(x) {
  const tag = tagOf(x);
  return tag === 'Float32Array' ? 'f32' : tag === undefined ? 'array' : 'f64';
}

/** Equal as results: the same number, both NaN, or both zeros. */
export const same = (a, b) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b)) || (a === 0 && b === 0);
