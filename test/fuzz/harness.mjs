/**
 * The fuzz harness shared by test/fuzz.test.ts (fixed seed, inside `npm test`) and scripts/fuzz.mjs
 * (random seed, ≥ 10^6 cases): fast-check arbitraries for every public function and both backends,
 * and the oracle every case goes through.
 *
 * The oracle is written from ../shared/API.md, not from src/: `spec()` reads the arguments the way
 * the contract describes (shapes, targets, options, value rules) and either lists the problems a
 * call must throw for, or computes the expected value with naive formulas. A case fails when
 *   - a call throws anything but a RangeError/TypeError whose message starts with the function's
 *     name (an engine error, a wasm trap, the "cannot locate (a bug)" Error),
 *   - it throws where the contract says it must not, or returns where it must throw,
 *   - a value error does not name the position of a bad value (row r, column c / index i),
 *   - the wasm and js backends disagree (class and message of an error, or a value beyond the
 *     bounds of API.md),
 *   - a result is not the kind API.md gives (number, number[], Float32Array, Float64Array, rows),
 *   - a well-conditioned valid case disagrees with the naive reference,
 *   - `out` is half-written by a call that throws, or is not the returned array,
 *   - the instance gives a wrong answer to a known call afterwards.
 *
 * Plain ESM (no TypeScript) so that scripts/fuzz.mjs runs it on the built package with plain Node.
 */

/**
 * Kernel issues found by this fuzzer and reported (assembly/ and src/js/ are outside this harness's
 * remit). While an entry is true, cases it covers skip only the check it breaks, and are counted
 * in stats.known; test/fuzz.test.ts pins each one with `it.fails`, which starts failing once the
 * kernel is fixed: then set the entry to false and turn `it.fails` into `it`.
 */
export const KNOWN_ISSUES = {
  /**
   * assembly/vmath_f64.ts `vexp` ANDs its result with `x ≥ SMALLEST`, which is false for NaN, so
   * exp(NaN) = 0: with validate: false a NaN logit is dropped from the log-sum-exp on wasm, while
   * js (Math.exp) gives NaN. softmax, logSoftmax, softmaxCrossEntropy.
   */
  wasmExpDropsNaN: false, // fixed
  /**
   * softmaxCrossEntropyDenseF64 (both backends): a row whose logits are all -Infinity with target
   * mass > 0 gives NaN (bw · ln S with S = NaN); API.md gives +Infinity.
   */
  denseAllMaskedIsNaN: false, // fixed
  /**
   * crossEntropyDenseF64 and softmaxCrossEntropyDenseF64 apply the weight in the wrong place.
   * crossEntropy: wasm (f64x2 path) multiplies target·weight before the "a zero target contributes
   * nothing" test; js computes (-w·p)·ln q. So where w·p underflows to 0 (p = 5e-324, w = 0.3) and
   * q = 0, API.md's +Infinity (p > 0, q = 0) comes out 0 on wasm and NaN on js; a zero target with a
   * NaN/∞ weight (validate off) gives NaN on wasm, 0 on js; a zero weight on p > 0 where q = 0 gives
   * 0 on wasm and NaN (0·∞, as PyTorch) on js. softmaxCrossEntropy (both backends): target *= w,
   * then target·gap, so p = 1e-100 on a masked class with w = 1e-300 is 0·∞ = NaN, not +Infinity.
   * Fix: w·(p·cost), the zero test on the unweighted target.
   */
  weightedTargetOrder: false, // fixed
  /**
   * With validate: false, an infinite weight (validation makes NaN/±Infinity weights a RangeError)
   * meets compensated sums that the two backends settle differently: e.g. assembly/softmax.ts
   * softmaxCrossEntropyIndex (labelSmoothing ≠ 0) adds `wsum + wCarry` where js uses
   * settle(wsum, wCarry), and TwoSum's carry of an infinity is NaN: wasm NaN, js ±Infinity.
   */
  wasmInfiniteWeightSums: false, // fixed
  /**
   * assembly/vmath_f64.ts `vexp` flushes results below 2^-1022 to 0 (documented as within the
   * absolute bound), so ln S is exactly 0 on wasm where js has a subnormal-sized ln S; an infinite
   * target mass (Σ w·p overflowing: validate off, or weights near 1e308) times ln S is then NaN on
   * wasm and ±Infinity on js. softmaxCrossEntropy with dense targets. Fixed: ln S = 0 makes the
   * term 0 on both backends, and wasm recounts a flushed ln S with scalar exps when the mass is > 1.
   */
  wasmFlushedLnSTimesInfinity: false,
};

/** Whether wasmFlushedLnSTimesInfinity applies: dense softmaxCrossEntropy whose |p|·|w| can overflow. */
function flushedLnS(fn, args) {
  if (!KNOWN_ISSUES.wasmFlushedLnSTimesInfinity || fn !== 'softmaxCrossEntropy') return false;
  const big = (v) => !(Math.abs(num(v)) <= 1e300);
  const p = args[0];
  const rows = Array.isArray(p) && p.length > 0 && (Array.isArray(p[0]) || ArrayBuffer.isView(p[0]));
  let pMax = false;
  if (ArrayBuffer.isView(p) && !isBig(p)) pMax = Array.prototype.some.call(p, big);
  else if (Array.isArray(p)) {
    pMax = rows
      ? Array.prototype.some.call(p, (r) => (!ArrayBuffer.isView(r) && !Array.isArray(r) ? true : Array.prototype.some.call(r, (v) => big(isBig(r) ? Number(v) : v))))
      : Array.prototype.some.call(p, big);
  }
  const w = args[args.length - 1]?.weights;
  const wMax = w && typeof w === 'object' && typeof w.length === 'number' && Array.from({ length: w.length }, (_, j) => elementOf(w, j)).some((v) => !(Math.abs(num(v)) <= 1e6));
  return pMax || wMax;
}

/** Whether wasmInfiniteWeightSums applies: validate off and a non-finite weight. */
function infiniteWeights(fn, args) {
  if (!KNOWN_ISSUES.wasmInfiniteWeightSums) return false;
  const o = args[args.length - 1];
  if (!o || typeof o !== 'object' || o.validate !== false) return false;
  const w = o.weights;
  if (!w || typeof w !== 'object' || typeof w.length !== 'number') return false;
  for (let j = 0; j < w.length; j++) if (!Number.isFinite(num(elementOf(w, j)))) return true;
  return false;
}

/**
 * Whether weightedTargetOrder applies: (softmax)crossEntropy with weights, and a zero or non-finite weight,
 * or a product w·p that can underflow (the smallest non-zero |p|·|w| below 1e-280; with normalize,
 * any: p is divided by its row's sum first).
 */
function weightedTargetOrder(fn, args) {
  if (!KNOWN_ISSUES.weightedTargetOrder || (fn !== 'crossEntropy' && fn !== 'softmaxCrossEntropy')) return false;
  const o = args[args.length - 1];
  const w = o?.weights;
  if (!w || typeof w !== 'object' || typeof w.length !== 'number') return false;
  let wMin = Infinity;
  for (let j = 0; j < w.length; j++) {
    const v = num(elementOf(w, j));
    if (!(Number.isFinite(v) && v !== 0)) return true;
    wMin = Math.min(wMin, Math.abs(v));
  }
  if (o.normalize === true) return true;
  let pMin = Infinity;
  const see = (v) => { if (typeof v === 'number' && v !== 0) pMin = Math.min(pMin, Math.abs(v)); };
  const p = args[0];
  if (ArrayBuffer.isView(p)) Array.prototype.forEach.call(p, see);
  else if (Array.isArray(p)) Array.prototype.forEach.call(p, (e) => (Array.isArray(e) || ArrayBuffer.isView(e) ? Array.prototype.forEach.call(e, see) : see(e)));
  return pMin * wMin < 1e-280;
}

/** True when an argument (flat, or rows) holds a NaN, +Infinity or a non-number element (what wasmExpDropsNaN covers). */
function holdsNaNLike(x) {
  // A bigint is a number only inside a BigInt64Array/BigUint64Array; in a plain array it reads as NaN.
  const bad = (v, typed) => (typed && typeof v === 'bigint' ? false : !(typeof v === 'number' && v < Infinity));
  const flat = (a) => {
    const typed = ArrayBuffer.isView(a);
    for (let i = 0; i < a.length; i++) if (bad(a[i], typed)) return true;
    return false;
  };
  if (typeof x === 'number') return bad(x, false);
  if (ArrayBuffer.isView(x) && !(x instanceof DataView)) return flat(x);
  if (!Array.isArray(x)) return true;
  const row = (e) => Array.isArray(e) || (ArrayBuffer.isView(e) && !(e instanceof DataView));
  // Rows when the first element is an array (the library's rule); then every row is read flat.
  if (!(x.length > 0 && row(x[0]))) return flat(x);
  for (let i = 0; i < x.length; i++) if (!row(x[i]) || flat(x[i])) return true;
  return false;
}

/** Whether wasmExpDropsNaN applies to a call (so backend agreement is not expected). */
function expDropsNaN(fn, args) {
  if (!KNOWN_ISSUES.wasmExpDropsNaN) return false;
  const opts = args[args.length - 1];
  if (!(opts && typeof opts === 'object' && opts.validate === false)) return false;
  if (fn === 'softmax' || fn === 'logSoftmax') return holdsNaNLike(args[0]);
  if (fn === 'softmaxCrossEntropy') return holdsNaNLike(args[1]);
  return false;
}

/**
 * API.md's bound is the float32 one for float32 inputs (whatever the output type: a reduction or an
 * `out: Float64Array` of float32 predictions is still bounded by 2e-6·|exact|).
 */
function float32Input(fn, args) {
  const pred = FAMILY[fn] === 'elem2' || FAMILY[fn] === 'targets' ? args[1] : args[0];
  const f32 = (x) => tagOf(x) === 'Float32Array';
  return f32(pred) || (Array.isArray(pred) && Array.prototype.some.call(pred, f32));
}

/** A call covered by a KNOWN_ISSUES entry that breaks backend agreement. */
function knownDisagreement(fn, args) {
  return expDropsNaN(fn, args) || weightedTargetOrder(fn, args) || infiniteWeights(fn, args) || flushedLnS(fn, args);
}

export const FUNCTIONS = [
  'informationContent', 'binaryEntropy', 'entropy', 'crossEntropy', 'klDivergence', 'softmax', 'logSoftmax',
  'softmaxCrossEntropy', 'binaryCrossEntropy', 'sigmoidCrossEntropy',
];

const FAMILY = {
  informationContent: 'elem1',
  binaryEntropy: 'elem1',
  binaryCrossEntropy: 'elem2',
  sigmoidCrossEntropy: 'elem2',
  entropy: 'batch1',
  softmax: 'softmax',
  logSoftmax: 'softmax',
  crossEntropy: 'targets',
  klDivergence: 'targets',
  softmaxCrossEntropy: 'targets',
};

/** The argument names the messages use (API.md: "p at row 3, column 7"). */
const PRED_ARG = { crossEntropy: 'q', klDivergence: 'q', softmaxCrossEntropy: 'logits', softmax: 'logits', logSoftmax: 'logits',
  entropy: 'p', informationContent: 'p', binaryEntropy: 'p', binaryCrossEntropy: 'p', sigmoidCrossEntropy: 'logits' };

// ---------------------------------------------------------------------------------------------
// Values

const INT_KINDS = ['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'BigInt64Array', 'BigUint64Array'];

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
const HOLE = Symbol('hole');

export function arbitraries(fc) {
  const PROB_EDGE = [0, -0, 5e-324, 1e-310, 2.2250738585072014e-308, 1e-300, 1e-16, 0.5, 1 - 2 ** -53, 1];
  const PROB_BAD = [NaN, Infinity, -Infinity, -1e-300, -5e-324, -0.5, 1 + 2 ** -52, 2, 1e308, -1e308];
  const MASS_EDGE = [0, -0, 5e-324, 1e-300, 1, 3, 1e10, 1e300, Infinity];
  const MASS_BAD = [NaN, -1, -5e-324, -Infinity];
  const LOGIT_EDGE = [-Infinity, 0, -0, 5e-324, 700, -745, 709.8, 1e4, -1e4, 1e308, -1e308, 36.04, -36.04];
  const LOGIT_BAD = [NaN, Infinity];

  const valueArb = (rule, dirty) => {
    const clean = rule === 'prob'
      ? [fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(...PROB_EDGE)]
      : rule === 'mass'
        ? [fc.double({ min: 0, max: 10, noNaN: true }), fc.constantFrom(...MASS_EDGE)]
        : [fc.double({ min: -50, max: 50, noNaN: true }), fc.constantFrom(...LOGIT_EDGE)];
    const bad = rule === 'prob' ? PROB_BAD : rule === 'mass' ? MASS_BAD : LOGIT_BAD;
    const parts = [{ weight: 8, arbitrary: clean[0] }, { weight: 3, arbitrary: clean[1] }];
    if (dirty) parts.push({ weight: 1, arbitrary: fc.oneof(fc.constantFrom(...bad), fc.double()) });
    return fc.oneof(...parts);
  };
  /** A list of `len` values: mostly clean lists, a quarter with bad values mixed in. */
  const valuesArb = (rule, len) =>
    fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) })
      .chain((dirty) => fc.array(valueArb(rule, dirty), { minLength: len, maxLength: len }));

  const garbageArb = fc.constantFrom(...Object.keys(GARBAGE));
  const rare = (arb, garbage) => fc.oneof({ weight: 30, arbitrary: arb }, { weight: 1, arbitrary: fc.constantFrom(...garbage) });

  /** Options for fn, with a garbage value in one of them now and then. */
  const optsArb = (fn, k) => {
    const targets = FAMILY[fn] === 'targets';
    const rec = {
      reduction: rare(fc.constantFrom(undefined, undefined, 'none', 'sum', 'mean'), ['avg', null, 1, '', 'SUM']),
      base: rare(fc.constantFrom(undefined, undefined, Math.E, 2, 10, 0.5, 3.7, 1e-300, 1 + 2 ** -40), [1, 0, -2, NaN, Infinity, '2', 2n, null]),
      validate: rare(fc.constantFrom(undefined, undefined, true, false), [0, 1, 'no', null]),
      classesGarbage: fc.oneof({ weight: 30, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(0, -1, 1.5, '2', NaN, Infinity, k + 1, 2 ** 53, null, 3n) }),
      out: fc.oneof({ weight: 8, arbitrary: fc.constant(undefined) }, { weight: 2, arbitrary: fc.constantFrom('f64', 'f32') },
        { weight: 1, arbitrary: fc.constantFrom('short', 'long', 'i32', 'null', 'detached', 'array', 'sab64') }),
      extra: fc.constantFrom(undefined, undefined, undefined, 'unknownKey'),
    };
    if (fn === 'entropy' || fn === 'crossEntropy' || fn === 'klDivergence' || fn === 'softmaxCrossEntropy') {
      rec.normalize = rare(fc.constantFrom(undefined, undefined, true, false), [1, 'yes', null]);
    }
    if (fn === 'crossEntropy' || fn === 'binaryCrossEntropy') {
      rec.eps = rare(fc.constantFrom(undefined, undefined, 0, 1e-12, 1e-7, 0.25, 0.5), [-1, 0.6, NaN, '0', null]);
    }
    if (targets) {
      rec.weights = fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 2, arbitrary: weightsArb(k) },
        { weight: 1, arbitrary: fc.constantFrom('wrongLength', 'string', 'object', 'garbageEntry', 'dataview') });
      rec.ignoreIndex = rare(fc.constantFrom(undefined, undefined, -100, 0, 1, -1), ['1', null, 1n]);
      rec.labelSmoothing = rare(fc.constantFrom(undefined, undefined, 0, 0.1, 0.5, 1), [-0.1, 1.5, NaN, '0.1']);
    }
    if (fn === 'sigmoidCrossEntropy') rec.posWeight = rare(fc.constantFrom(undefined, undefined, 1, 2, 0.5, 0, -1, 1e6), ['1', null, 2n]);
    return fc.oneof(
      { weight: 40, arbitrary: fc.record(rec) },
      { weight: 1, arbitrary: fc.constantFrom('undefined', 'null', 'number', 'string', 'array', 'function') },
    );
  };
  const weightsArb = (k) => fc.record({
    rep: fc.constantFrom('array', 'array', 'f64', 'f32', 'i32', 'big64'),
    values: fc.array(fc.oneof({ weight: 10, arbitrary: fc.double({ min: 0.1, max: 10, noNaN: true }) },
      { weight: 1, arbitrary: fc.constantFrom(0, -1, 1e-300, NaN, Infinity, 1e300) }), { minLength: k, maxLength: k }),
  });

  const BATCH_REPS = ['rows', 'rows', 'rows64', 'rows32', 'flat', 'flat', 'f64', 'f64', 'f32', 'sab64', 'sub64', 'alloc64', 'alloc32', 'i32'];
  const SINGLE_REPS = ['single', 'single64', 'single32'];

  /** n×k values of `rule` in some representation (single reps: n = 1, no `classes`). */
  const batchArb = (rule, n, k, allowSingle) => {
    const reps = BATCH_REPS.filter((r) => (n > 0 || !r.startsWith('rows')) && (k > 0 || r.startsWith('rows')));
    const choices = allowSingle && n === 1 ? [...reps, ...SINGLE_REPS, ...SINGLE_REPS] : reps;
    return fc.record({ rep: fc.constantFrom(...(choices.length ? choices : ['single'])), values: valuesArb(rule, n * k) });
  };
  /** Elementwise values: a number, or a flat array of n. */
  const elemArb = (rule, n, scalar) => fc.record({
    rep: scalar ? fc.constant('scalar') : fc.constantFrom('array', 'array', 'f64', 'f32', 'sab64', 'sub64', 'alloc64', 'i32', 'big64'),
    values: valuesArb(rule, scalar ? 1 : n),
  });
  const indexArb = (n, k, single) => fc.record({
    rep: single
      ? fc.constantFrom('scalar', 'scalar', 'bigscalar', 'list', 'Int32Array')
      : fc.constantFrom('list', 'list', 'f64list', ...INT_KINDS),
    values: fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }).chain((dirty) =>
      fc.array(fc.oneof(
        { weight: 10, arbitrary: k > 0 ? fc.nat(k - 1) : fc.constant(0) },
        { weight: 1, arbitrary: fc.constantFrom(-100, -0) },
        ...(dirty ? [{ weight: 2, arbitrary: fc.constantFrom(-1, k, 0.5, NaN, Infinity, -Infinity, 2 ** 53, 300, -129, 70000) }] : []),
      ), { minLength: n, maxLength: n })),
  });
  /** One garbage element placed in a plain-array argument (applied only where the rep is a plain array). */
  const injectArb = fc.oneof(
    { weight: 5, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.record({ where: fc.constantFrom('x', 'y', 't', 'weights'), at: fc.nat(10_000), value: garbageArb }) },
  );

  const shapeArb = fc.oneof(
    { weight: 6, arbitrary: fc.record({ n: fc.integer({ min: 0, max: 6 }), k: fc.integer({ min: 1, max: 9 }) }) },
    { weight: 2, arbitrary: fc.record({ n: fc.constant(1), k: fc.integer({ min: 0, max: 12 }) }) },
    { weight: 1, arbitrary: fc.record({ n: fc.integer({ min: 0, max: 3 }), k: fc.integer({ min: 10, max: 300 }) }) },
    { weight: 1, arbitrary: fc.record({ n: fc.integer({ min: 1, max: 3 }), k: fc.constant(0) }) },
  );

  /** A structured case: every function, shapes in every representation, options, values from clean to garbage. */
  const caseArb = fc.constantFrom(...FUNCTIONS).chain((fn) => shapeArb.chain(({ n, k }) => {
    const family = FAMILY[fn];
    return optsArb(fn, k).chain((opts) => {
      const normalize = typeof opts === 'object' && opts.normalize === true;
      const base = { fn: fc.constant(fn), opts: fc.constant(opts), inject: injectArb };
      if (family === 'elem1' || family === 'elem2') {
        const len = n * Math.max(k, 1) % 40;
        return fc.boolean().chain((scalar) => fc.record({
          ...base,
          n: fc.constant(scalar ? 1 : len),
          x: elemArb(fn === 'sigmoidCrossEntropy' ? 'logit' : 'prob', len, scalar),
          ...(family === 'elem2' ? { y: elemArb('prob', len, scalar) } : {}),
        }));
      }
      const rule = family === 'softmax' || fn === 'softmaxCrossEntropy' ? 'logit' : normalize ? 'mass' : 'prob';
      const rec = { ...base, n: fc.constant(n), k: fc.constant(k), x: batchArb(rule, n, k, true) };
      if (family === 'targets') {
        const targetRule = normalize && fn !== 'softmaxCrossEntropy' ? 'mass' : 'prob';
        rec.t = fc.oneof(
          { weight: 1, arbitrary: fc.record({ kind: fc.constant('dense'), desc: batchArb(targetRule, n, k, true) }) },
          { weight: 1, arbitrary: fc.record({ kind: fc.constant('index'), desc: indexArb(n, k, n === 1) }) },
        );
      }
      return fc.record(rec);
    });
  }));

  /** Whole arguments that are garbage: anything fast-check can make, plus the special objects. */
  const special = fc.constantFrom('detached', 'dataview', 'sab64', 'sabInt32', 'big64', 'bigU64', 'u8c', 'proxyArray',
    'sparseHuge', 'frozen', 'arrayLike', 'map', 'set', 'promise', 'weird-rows', 'rows-detached', 'rows-bigint', 'nullProtoArr');
  const anyArg = fc.oneof(
    { weight: 3, arbitrary: fc.anything({ withBigInt: true, withBoxedValues: true, withMap: true, withSet: true, withTypedArray: true,
      withSparseArray: true, withNullPrototype: true, withDate: true, withObjectString: true, maxDepth: 2, maxKeys: 5 }) },
    { weight: 2, arbitrary: special.map((s) => ({ special: s })) },
    { weight: 2, arbitrary: fc.array(fc.oneof(fc.double(), garbageArb.map((g) => ({ garbage: g }))), { maxLength: 8 }) },
    { weight: 1, arbitrary: fc.array(fc.array(fc.double(), { maxLength: 4 }), { maxLength: 4 }) },
  );
  const argGarbageArb = fc.record({
    fn: fc.constantFrom(...FUNCTIONS, 'scoreRows'),
    args: fc.array(anyArg, { minLength: 0, maxLength: 3 }),
    opts: fc.oneof(fc.constant(undefined), anyArg, fc.record({ classes: fc.oneof(fc.integer({ min: -2, max: 5 }), anyArg), reduction: fc.constantFrom('none', 'sum', 'mean'), validate: fc.boolean() })),
  });

  /** alloc/free sequences, with garbage arguments mixed in. */
  const allocOpArb = fc.oneof(
    { weight: 4, arbitrary: fc.record({ op: fc.constant('alloc'), type: fc.constantFrom('Float64Array', 'Float32Array', 'Int32Array'), length: fc.oneof(fc.nat(5000), fc.constantFrom(0, 1, 2 ** 16, 100_000)) }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('free'), pick: fc.nat() }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('use'), pick: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('badAlloc'), type: fc.constantFrom('Uint8Array', 'Array', 'null', 'string', 'object', 'Float64Array'), length: fc.constantFrom(-1, 1.5, NaN, Infinity, '8', 2 ** 29 + 1, 2 ** 31, 2 ** 53, null, 8n) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('badFree'), what: fc.constantFrom('plain', 'null', 'number', 'twice', 'subarray', 'object') }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('reserve'), bytes: fc.oneof(fc.nat(400_000), fc.constantFrom(-1, 1.5, NaN, '8', null, 2 ** 32, 2 ** 53, 8n)) }) },
  );
  const allocSeqArb = fc.array(allocOpArb, { minLength: 1, maxLength: 30 });

  return { caseArb, argGarbageArb, allocSeqArb };
}

// ---------------------------------------------------------------------------------------------
// Building real arguments from a case (fresh objects for every backend and call)

function detachedF64(len = 4) {
  const b = new ArrayBuffer(len * 8);
  const v = new Float64Array(b);
  structuredClone(b, { transfer: [b] });
  return v;
}

/** Makes the flat list `values` into the representation `rep` (api: for alloc reps). */
function makeFlat(rep, values, api, allocs) {
  switch (rep) {
    case 'array': case 'flat': case 'single': case 'list': return values.slice();
    case 'f64': case 'single64': case 'f64list': return Float64Array.from(values);
    case 'f32': case 'single32': return Float32Array.from(values);
    case 'i32': return Int32Array.from(values, (v) => (Number.isFinite(v) ? v : 0));
    case 'big64': return BigInt64Array.from(values, (v) => BigInt(Number.isFinite(v) ? Math.trunc(v) : 0));
    case 'sab64': { const a = new Float64Array(new SharedArrayBuffer(Math.max(8, values.length * 8))).subarray(0, values.length); a.set(values); return a; }
    case 'sub64': { const a = new Float64Array(values.length + 5).subarray(3, 3 + values.length); a.set(values); return a; }
    case 'alloc64': case 'alloc32': {
      const a = api.alloc(rep === 'alloc64' ? Float64Array : Float32Array, values.length);
      a.set(values);
      allocs.push(a);
      return a;
    }
    default:
      if (INT_KINDS.includes(rep)) {
        const T = globalThis[rep];
        return rep.startsWith('Big') ? T.from(values, (v) => BigInt(Number.isFinite(v) ? Math.trunc(v) : 0)) : T.from(values, (v) => (Number.isNaN(v) ? 0 : v));
      }
      throw new Error(`harness: unknown rep ${rep}`);
  }
}

/** A batch descriptor as an argument: rows (number[][] or typed rows), or flat (+ classes). */
function makeBatch(desc, n, k, api, allocs) {
  const { rep, values } = desc;
  if (rep === 'rows' || rep === 'rows64' || rep === 'rows32') {
    return { arg: Array.from({ length: n }, (_, r) => {
      const row = values.slice(r * k, (r + 1) * k);
      return rep === 'rows' ? row : rep === 'rows64' ? Float64Array.from(row) : Float32Array.from(row);
    }), classes: undefined };
  }
  const single = rep.startsWith('single');
  return { arg: makeFlat(rep, values, api, allocs), classes: single ? undefined : k };
}

function setGarbage(arr, at, token) {
  const v = GARBAGE[token]();
  if (v === HOLE) delete arr[at];
  else arr[at] = v;
}

/** Puts the case's garbage element into a plain array argument, if the chosen one is plain. */
function inject(c, built) {
  const g = c.inject;
  if (!g) return;
  const target = g.where === 'x' ? built.x : g.where === 'y' ? built.y : g.where === 't' ? built.t : built.opts?.weights;
  if (!Array.isArray(target) || target.length === 0) return;
  const i = g.at % target.length;
  if (Array.isArray(target[i])) {
    if (target[i].length === 0) return;
    setGarbage(target[i], g.at % target[i].length, g.value);
  } else {
    setGarbage(target, i, g.value);
  }
}

function makeOut(kind, length) {
  switch (kind) {
    case 'f64': return new Float64Array(length).fill(SENTINEL);
    case 'f32': return new Float32Array(length).fill(SENTINEL);
    case 'short': return new Float64Array(Math.max(0, length - 1)).fill(SENTINEL);
    case 'long': return new Float64Array(length + 1).fill(SENTINEL);
    case 'i32': return new Int32Array(length);
    case 'null': return null;
    case 'detached': return detachedF64(length);
    case 'array': return new Array(length).fill(SENTINEL);
    case 'sab64': return new Float64Array(new SharedArrayBuffer(Math.max(8, length * 8))).subarray(0, length).fill(SENTINEL);
    default: return undefined;
  }
}
const SENTINEL = 42.25;

function makeWeights(w, k) {
  if (w === undefined) return undefined;
  switch (w) {
    case 'wrongLength': return new Array(k + 1).fill(1);
    case 'string': return 'weights';
    case 'object': return { length: k };
    case 'garbageEntry': return Object.assign(new Array(k).fill(1), k > 0 ? { [k - 1]: 'w' } : {});
    case 'dataview': return new DataView(new ArrayBuffer(8 * Math.max(k, 1)));
    default: return makeFlat(w.rep, w.values, null, []);
  }
}

/** The real call for one backend: [args, opts, out, allocs to free]. */
/**
 * The case's arguments on one backend. alloc() may grow the wasm memory and detach the views made
 * before (API: reserve first); a case is about its values, so a round that detached any of its
 * own views is freed and built again (the growth is done: the second round fits).
 */
export function build(c, api) {
  for (let round = 0; round < 3; round++) {
    const b = buildOnce(c, api);
    if (!b.allocs.some(isDetached)) return b;
    for (const a of b.allocs) api.free(a);
  }
  throw new Error('harness: alloc() kept detaching the case\'s views');
}

function buildOnce(c, api) {
  const allocs = [];
  const family = FAMILY[c.fn];
  const o = c.opts;
  let opts;
  if (typeof o === 'string') {
    opts = { undefined: undefined, null: null, number: 3, string: 'sum', array: [], function: () => 0 }[o];
  } else {
    opts = {};
    for (const key of ['reduction', 'base', 'validate', 'normalize', 'eps', 'ignoreIndex', 'labelSmoothing', 'posWeight']) {
      if (o[key] !== undefined) opts[key] = o[key];
    }
    if (o.extra) opts[o.extra] = 1;
  }
  const built = { opts };
  let outLength = 0;
  if (family === 'elem1' || family === 'elem2') {
    built.x = c.x.rep === 'scalar' ? c.x.values[0] : makeFlat(c.x.rep, c.x.values, api, allocs);
    if (family === 'elem2') built.y = c.y.rep === 'scalar' ? c.y.values[0] : makeFlat(c.y.rep, c.y.values, api, allocs);
    outLength = c.x.rep === 'scalar' ? 1 : c.x.values.length;
  } else {
    const b = makeBatch(c.x, c.n, c.k, api, allocs);
    built.x = b.arg;
    if (typeof opts === 'object' && opts !== null && b.classes !== undefined) opts.classes = b.classes;
    const single = c.x.rep.startsWith('single');
    outLength = family === 'softmax' ? c.n * c.k : single ? 1 : c.n;
    if (family === 'targets') {
      if (c.t.kind === 'dense') built.t = makeBatch(c.t.desc, c.n, c.k, api, allocs).arg;
      else if (c.t.desc.rep === 'scalar') built.t = c.t.desc.values[0];
      else if (c.t.desc.rep === 'bigscalar') built.t = BigInt(Number.isFinite(c.t.desc.values[0]) ? Math.trunc(c.t.desc.values[0]) : 0);
      else built.t = makeFlat(c.t.desc.rep, c.t.desc.values, api, allocs);
      if (typeof opts === 'object' && opts !== null) {
        const w = makeWeights(o.weights, c.k);
        if (w !== undefined) opts.weights = w;
      }
    }
  }
  if (typeof opts === 'object' && opts !== null && !Array.isArray(opts)) {
    if (o.classesGarbage !== undefined) opts.classes = o.classesGarbage;
    if (o.out) opts.out = makeOut(o.out, outLength);
  }
  inject(c, built);
  const args = family === 'elem1' || family === 'batch1' || family === 'softmax' ? [built.x, opts]
    : family === 'elem2' ? [built.y, built.x, opts] : [built.t, built.x, opts];
  return { args, opts, allocs };
}

// ---------------------------------------------------------------------------------------------
// The contract, read independently (API.md)

const tagOf = (x) => (ArrayBuffer.isView(x) && !(x instanceof DataView) ? x[Symbol.toStringTag] : undefined);
const isArrayish = (x) => Array.isArray(x) || tagOf(x) !== undefined;
const isDetached = (x) => {
  if (!ArrayBuffer.isView(x) || x.byteLength !== 0) return false;
  try { new Uint8Array(x.buffer, 0, 0); return false; } catch { return true; }
};
const isBig = (x) => tagOf(x) === 'BigInt64Array' || tagOf(x) === 'BigUint64Array';

/** An element as the library must see it: typed arrays' numbers, bigints of BigInt arrays as Number(); anything else raw. */
const elementOf = (arr, i) => (isBig(arr) ? Number(arr[i]) : arr[i]);
/** The value a kernel computes with: numbers, and NaN for anything else (validate off). */
const num = (v) => (typeof v === 'number' ? v : NaN);
/** The same for the naive references: -0 read as +0 (the same real; a / -0 would flip an infinity's sign). */
const real = (v) => num(v) + 0;

/** An error the contract requires: its class and what its message names (after "fn: "). */
class Problem {
  constructor(cls, mention) { this.cls = cls; this.mention = `: ${mention}`; }
}

/**
 * What the contract says about a call: { problems: Problem[][] (stages, first non-empty wins) }
 * or { problems: [], expect(): reference result | undefined (not well-conditioned) }.
 */
export function spec(fn, args) {
  const family = FAMILY[fn];
  const optsArg = args[args.length - 1];
  const stages = [];
  // Stage 1: options (API.md's table; eps in [0, 0.5] and boolean flags are this library's documented choices).
  const o1 = [];
  let opts = optsArg;
  if (opts === undefined || opts === null) opts = {};
  if (typeof opts !== 'object') return { stages: [[new Problem(TypeError, 'options ')]] };
  const reduction = opts.reduction ?? 'none';
  if (!['none', 'sum', 'mean'].includes(reduction)) o1.push(new Problem(RangeError, 'reduction '));
  const numOpt = (name, ok) => {
    const v = opts[name];
    if (v === undefined) return;
    if (typeof v !== 'number') o1.push(new Problem(TypeError, `${name} `));
    else if (ok && !ok(v)) o1.push(new Problem(RangeError, `${name} `));
  };
  numOpt('eps', (v) => v >= 0 && v <= 0.5);
  numOpt('labelSmoothing', (v) => v >= 0 && v <= 1);
  numOpt('ignoreIndex');
  numOpt('posWeight');
  const out = opts.out;
  if (out !== undefined) {
    if (!(out instanceof Float64Array || out instanceof Float32Array)) o1.push(new Problem(TypeError, 'out '));
    else if (reduction !== 'none') o1.push(new Problem(TypeError, 'out '));
    else if (isDetached(out)) o1.push(new Problem(TypeError, 'out '));
  }
  if (opts.weights !== undefined && !(Array.isArray(opts.weights) || ArrayBuffer.isView(opts.weights))) o1.push(new Problem(TypeError, 'weights '));
  const classes = opts.classes;
  if (classes !== undefined && !(typeof classes === 'number' && Number.isInteger(classes) && classes >= 1)) o1.push(new Problem(TypeError, 'classes '));
  const base = opts.base;
  if (base !== undefined && base !== Math.E) {
    if (typeof base !== 'number') o1.push(new Problem(TypeError, 'base '));
    else if (!(base > 0 && base !== 1 && base < Infinity)) o1.push(new Problem(RangeError, 'base '));
  }
  for (const f of ['normalize', 'validate']) if (opts[f] !== undefined && typeof opts[f] !== 'boolean') o1.push(new Problem(TypeError, `${f} `));
  stages.push(o1);
  if (o1.length) return { stages };
  const validate = opts.validate !== false;
  const normalize = opts.normalize === true;
  const lnBase = base === undefined || base === Math.E ? 1 : base === 2 ? Math.LN2 : base === 10 ? Math.LN10 : Math.log(base);
  const o = { reduction, validate, normalize, lnBase, eps: opts.eps ?? 0, labelSmoothing: opts.labelSmoothing ?? 0,
    ignoreIndex: opts.ignoreIndex ?? NaN, posWeight: opts.posWeight ?? 1, weights: opts.weights, out, classes };

  // Stage 2: shapes.
  const shape = [];
  stages.push(shape);
  const readElements = (name, x) => {
    if (typeof x === 'number') return { scalar: true, n: 1, at: () => x, kind: 'number' };
    if (!isArrayish(x)) { shape.push(new Problem(TypeError, `${name} `)); return null; }
    if (isDetached(x)) { shape.push(new Problem(TypeError, `${name} `)); return null; }
    if (Array.isArray(x) && x.length > 0 && isArrayish(x[0])) { shape.push(new Problem(TypeError, `${name} `)); return null; }
    return { scalar: false, n: x.length, at: (i) => elementOf(x, i), kind: kindOf(x) };
  };
  const readRows = (name, x) => {
    const k = x[0].length;
    for (let r = 0; r < x.length; r++) {
      if (!isArrayish(x[r]) || isDetached(x[r]) || x[r].length !== k) { shape.push(new Problem(TypeError, `${name} `)); return -1; }
    }
    return k;
  };
  const readBatch = (name, x) => {
    if (!isArrayish(x) || isDetached(x)) { shape.push(new Problem(TypeError, `${name} `)); return null; }
    if (Array.isArray(x) && x.length > 0 && isArrayish(x[0])) {
      const k = readRows(name, x);
      if (k < 0) return null;
      if (classes !== undefined && classes !== k) { shape.push(new Problem(TypeError, `${name} `)); return null; }
      return { n: x.length, k, single: false, nested: true, kind: 'array', at: (i) => elementOf(x[Math.floor(i / k)], i % k) };
    }
    const len = x.length;
    if (classes === undefined) return { n: 1, k: len, single: true, nested: false, kind: kindOf(x), at: (i) => elementOf(x, i) };
    if (len % classes !== 0) { shape.push(new Problem(TypeError, `${name} `)); return null; }
    return { n: len / classes, k: classes, single: false, nested: false, kind: kindOf(x), at: (i) => elementOf(x, i) };
  };
  const readTargets = (p, q) => {
    const { n, k } = q;
    if (typeof p === 'number' || typeof p === 'bigint') {
      if (n !== 1) { shape.push(new Problem(TypeError, 'a single class index ')); return null; }
      const v = Number(p);
      return { index: true, length: 1, at: () => v };
    }
    if (!isArrayish(p) || isDetached(p)) { shape.push(new Problem(TypeError, 'targets ')); return null; }
    if (Array.isArray(p) && p.length > 0 && isArrayish(p[0])) {
      const w = readRows('targets', p);
      if (w < 0) return null;
      if (p.length !== n || w !== k) { shape.push(new Problem(TypeError, 'targets ')); return null; }
      return { index: false, at: (i) => elementOf(p[Math.floor(i / k)], i % k) };
    }
    const tag = tagOf(p);
    if (tag && INT_KINDS.includes(tag)) {
      if (p.length !== n) { shape.push(new Problem(TypeError, `${p.length} class indices`)); return null; }
      return { index: true, length: p.length, at: (i) => elementOf(p, i) };
    }
    if (p.length === n * k) return { index: false, at: (i) => elementOf(p, i) };
    if (p.length === n) return { index: true, length: p.length, at: (i) => elementOf(p, i) };
    shape.push(new Problem(TypeError, 'targets '));
    return null;
  };

  const predArg = PRED_ARG[fn];
  const values = [];
  /** Records a bad value of `arg` at flat position i (batch: row, column), as the contract names it. */
  const checkValue = (arg, v, i, k, batch, rule) => {
    const where = batch ? `${arg} at row ${Math.floor(i / k)}, column ${i % k} ` : `${arg} at index ${i} `;
    if (typeof v !== 'number') values.push(new Problem(TypeError, where));
    else if (!rule(v)) values.push(new Problem(RangeError, where));
  };
  const prob = (v) => v >= 0 && v <= 1;
  const mass = (v) => v >= 0;
  const logit = (v) => v < Infinity;

  if (family === 'elem1' || family === 'elem2') {
    const y = family === 'elem2' ? readElements('y', args[0]) : null;
    const x = readElements(predArg, args[family === 'elem2' ? 1 : 0]);
    if (family === 'elem2' && x && y && (x.scalar !== y.scalar || x.n !== y.n)) shape.push(new Problem(TypeError, 'y and '));
    if (shape.length) return { stages };
    const outLen = x.n;
    if (out !== undefined && out.length !== outLen) return { stages: [...stages, [new Problem(TypeError, 'out ')]] };
    const xRule = fn === 'sigmoidCrossEntropy' ? logit : prob;
    if (validate) {
      for (let i = 0; i < x.n; i++) {
        if (y) checkValue('y', y.at(i), i, 1, false, prob);
        checkValue(predArg, x.at(i), i, 1, false, xRule);
      }
    }
    stages.push(values);
    if (values.length) return { stages };
    return { stages, expect: () => refElementwise(fn, o, x, y) };
  }

  const q = readBatch(predArg, args[family === 'targets' ? 1 : 0]);
  const t = q && family === 'targets' ? readTargets(args[0], q) : null;
  if (shape.length) return { stages };
  const { n, k } = q;
  const outLen = family === 'softmax' ? n * k : n;
  if (out !== undefined && out.length !== outLen) return { stages: [...stages, [new Problem(TypeError, 'out ')]] };
  // Weights: length k (every function that takes targets checks them), entries numbers when validating.
  if (family === 'targets' && o.weights !== undefined) {
    const w = o.weights;
    if (w.length !== k) return { stages: [...stages, [new Problem(TypeError, 'weights ')]] };
    if (validate) {
      for (let j = 0; j < k; j++) {
        const v = elementOf(w, j);
        if (typeof v !== 'number') return { stages: [...stages, [new Problem(TypeError, `weights at index ${j} `)]] };
        if (!Number.isFinite(v)) return { stages: [...stages, [new Problem(RangeError, `weights at index ${j} `)]] };
      }
    }
  }
  if (validate) {
    const batch = !q.single;
    const honorsIgnore = fn !== 'klDivergence';
    if (t && t.index) {
      for (let r = 0; r < n; r++) {
        const y = t.at(r);
        const where = t.length === 1 ? 'target ' : `target at row ${r} `;
        if (typeof y !== 'number') values.push(new Problem(TypeError, where));
        else if (!(honorsIgnore && y === o.ignoreIndex) && !(Number.isInteger(y) && y >= 0 && y < k)) values.push(new Problem(RangeError, where));
      }
    }
    const qRule = family === 'softmax' || fn === 'softmaxCrossEntropy' ? logit : normalize ? mass : prob;
    const pRule = normalize && fn !== 'softmaxCrossEntropy' ? mass : prob;
    for (let i = 0; i < n * k; i++) {
      if (t && !t.index) checkValue('p', t.at(i), i, k, batch, pRule);
      checkValue(predArg, q.at(i), i, k, batch, qRule);
    }
  }
  stages.push(values);
  if (values.length) return { stages };
  return { stages, expect: () => refBatch(fn, o, q, t) };
}

function kindOf(x) {
  const tag = tagOf(x);
  return tag === 'Float32Array' ? 'f32' : tag === undefined ? 'array' : 'f64';
}

// ---------------------------------------------------------------------------------------------
// Naive references, used only where they are well-conditioned ("trusted")

/** A value is moderate when naive formulas stay accurate on it. */
const moderate = (v) => v === 0 || (Math.abs(v) >= 1e-100 && Math.abs(v) <= 1e100);
const clampP = (q, eps) => (eps > 0 ? (q < eps ? eps : q > 1 - eps ? 1 - eps : q) : q);

function refElementwise(fn, o, x, y) {
  const rows = [];
  for (let i = 0; i < x.n; i++) {
    const v = real(x.at(i));
    const t = y ? real(y.at(i)) : 0;
    if (!Number.isFinite(v) && !(fn === 'sigmoidCrossEntropy' && v === -Infinity)) return undefined;
    if (fn !== 'sigmoidCrossEntropy' ? !moderate(v) : Math.abs(v) > 1e100 && v !== -Infinity) return undefined;
    if (y && !(moderate(t) && Number.isFinite(t))) return undefined;
    let val; let mag;
    if (fn === 'informationContent') { val = -Math.log(v); mag = Math.abs(val) + 1e-6; }
    else if (fn === 'binaryEntropy') {
      const a = v !== 0 ? -v * Math.log(v) : 0;
      const b = 1 - v !== 0 ? -(1 - v) * Math.log1p(-v) : 0;
      val = a + b; mag = Math.abs(a) + Math.abs(b) + 1e-6 * v;
    } else if (fn === 'binaryCrossEntropy') {
      const q = clampP(v, o.eps);
      const a = t !== 0 ? -t * Math.log(q) : 0;
      const b = 1 - t !== 0 ? -(1 - t) * Math.log1p(-q) : 0;
      val = a + b; mag = Math.abs(a) + Math.abs(b) + 1e-6;
    } else {
      const pw = o.posWeight;
      if (!(Number.isFinite(pw) && Math.abs(pw) <= 1e6)) return undefined;
      const L = 1 + (pw - 1) * t;
      if (v === -Infinity) {
        // API.md: z = -Infinity gives 0 for y = 0 and +Infinity for y = 1; in general -pw·y·z.
        const c = pw * t;
        if (t === 0) val = 0;
        else if (c !== 0) val = c > 0 ? Infinity : -Infinity;
        else return undefined;
        mag = 0;
      } else {
        const softplus = Math.max(-v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
        val = (1 - t) * v + L * softplus;
        mag = Math.abs((1 - t) * v) + Math.abs(L * softplus) + 1e-6;
      }
    }
    rows.push({ v: val / o.lnBase, mag: mag / Math.abs(o.lnBase), den: 1 });
  }
  return finishRef(o, rows, x.scalar ? 'number' : x.kind, x.scalar, 1, false);
}

function refBatch(fn, o, q, t) {
  const { n, k } = q;
  const rows = [];
  const w = o.weights === undefined ? null : Array.from({ length: k }, (_, j) => num(elementOf(o.weights, j)));
  if (w && !w.every((v) => Number.isFinite(v) && Math.abs(v) <= 1e6)) return undefined;
  const wt = (j) => (w ? w[j] : 1);
  const qv = (r, j) => real(q.at(r * k + j));
  const pv = (r, j) => real(t.at(r * k + j));
  const family = FAMILY[fn];
  const logits = family === 'softmax' || fn === 'softmaxCrossEntropy';
  for (let i = 0; i < n * k; i++) {
    const v = num(q.at(i));
    if (logits ? !(v === -Infinity || (Math.abs(v) <= 700)) : !(moderate(v) && Number.isFinite(v))) return undefined;
    if (t && !t.index && !moderate(num(t.at(i)))) return undefined;
  }
  const eps = fn === 'crossEntropy' ? o.eps : 0;
  const smoothing = fn === 'klDivergence' ? 0 : o.labelSmoothing;
  const normalize = o.normalize && fn !== 'softmaxCrossEntropy';
  for (let r = 0; r < n; r++) {
    const rowQ = Array.from({ length: k }, (_, j) => qv(r, j));
    if (family === 'softmax') {
      const m = Math.max(...rowQ, -Infinity);
      const S = rowQ.reduce((s, z) => s + Math.exp(z - m), 0);
      for (const z of rowQ) {
        if (fn === 'softmax') rows.push({ v: Math.exp(z - m) / S, mag: Math.exp(z - m) / S + 1e-300 });
        else rows.push({ v: z - m - Math.log(S), mag: Math.abs(z - m) + Math.abs(Math.log(S)) + 1e-6 });
      }
      continue;
    }
    if (fn === 'entropy') {
      const total = normalize ? rowQ.reduce((a, b) => a + b, 0) : 1;
      let v = 0; let mag = 0;
      for (const x of rowQ) { const y = x / total; if (y !== 0) { const term = -y * Math.log(y); v += term; mag += Math.abs(term) + 1e-6 * Math.abs(y); } }
      rows.push({ v: v / o.lnBase, mag: mag / Math.abs(o.lnBase), den: 1 });
      continue;
    }
    const qTotal = normalize ? rowQ.reduce((a, b) => a + b, 0) : 1;
    const qn = rowQ.map((x) => (fn === 'softmaxCrossEntropy' ? x : clampP(x / qTotal, eps)));
    // Log-sum-exp pieces for softmaxCrossEntropy: gap_c = (m - z_c) + ln S = -log softmax_c.
    const m = fn === 'softmaxCrossEntropy' ? Math.max(...rowQ, -Infinity) : 0;
    const S = fn === 'softmaxCrossEntropy' ? rowQ.reduce((s, z) => s + Math.exp(z - m), 0) : 1;
    const cost = (j) => (fn === 'softmaxCrossEntropy' ? (m > -Infinity ? m - rowQ[j] + Math.log(S) : Infinity) : -Math.log(qn[j]));
    const costMag = (j) => (fn === 'softmaxCrossEntropy' ? Math.abs(m - rowQ[j]) + Math.abs(Math.log(S)) : Math.abs(Math.log(qn[j]))) + 1e-6;
    if (t.index) {
      const y = num(t.at(r));
      if (fn !== 'klDivergence' && y === o.ignoreIndex) { rows.push({ v: 0, mag: 0, den: 0 }); continue; }
      if (!(Number.isInteger(y) && y >= 0 && y < k)) return undefined; // validate off: computed as written (NaN), checked by agreement
      if (fn === 'softmaxCrossEntropy' && m === -Infinity) { rows.push({ v: Infinity / o.lnBase, mag: 0, den: wt(y) }); continue; }
      if (fn === 'klDivergence') { rows.push({ v: cost(y) / o.lnBase, mag: costMag(y) / Math.abs(o.lnBase), den: 1 }); continue; }
      let v = wt(y) * cost(y);
      let mag = Math.abs(wt(y)) * costMag(y);
      if (smoothing !== 0) {
        let s = 0; let sm = 0;
        for (let j = 0; j < k; j++) { s += wt(j) * cost(j); sm += Math.abs(wt(j)) * costMag(j); }
        v = (1 - smoothing) * v + (smoothing / k) * s;
        mag = (1 - smoothing) * mag + (smoothing / k) * sm;
      }
      rows.push({ v: v / o.lnBase, mag: mag / Math.abs(o.lnBase), den: wt(y) });
      continue;
    }
    const rowP = Array.from({ length: k }, (_, j) => pv(r, j));
    const pTotal = normalize ? rowP.reduce((a, b) => a + b, 0) : 1;
    let v = 0; let mag = 0;
    let knownIssue = false;
    for (let j = 0; j < k; j++) {
      let a = rowP[j] / pTotal;
      if (fn === 'klDivergence') {
        // p > 0 where q = ±0 (−0 comes from normalising by a negative total) is +Infinity (API.md).
        if (a !== 0) { const term = a > 0 && qn[j] === 0 ? Infinity : a * Math.log(a / qn[j]); v += term; mag += Math.abs(term) + 1e-6 * Math.abs(a); }
        continue;
      }
      if (smoothing !== 0) a = (1 - smoothing) * a + smoothing / k;
      if (a !== 0) {
        if (fn === 'softmaxCrossEntropy' && m === -Infinity) knownIssue = true;
        // w·(p·cost): p·cost first, so a tiny p where q = 0 still gives +Infinity (API.md).
        v += wt(j) * (a * cost(j)); mag += Math.abs(wt(j)) * (Math.abs(a) * costMag(j));
      }
    }
    // API.md: target mass on masked classes only costs +Infinity (KNOWN_ISSUES.denseAllMaskedIsNaN).
    if (knownIssue) {
      if (KNOWN_ISSUES.denseAllMaskedIsNaN) return { known: true };
      v = Infinity;
    }
    rows.push({ v: v / o.lnBase, mag: mag / Math.abs(o.lnBase), den: 1 });
  }
  const denMode = t && t.index && fn !== 'klDivergence' ? 'weights' : 'rows';
  if (family === 'softmax') return finishSoftmax(o, rows, q);
  return finishRef(o, rows, q.kind, q.single, 1, false, denMode);
}

/** softmax / logSoftmax: the input's shape and kind, whatever `reduction` says. */
function finishSoftmax(o, rows, q) {
  const values = rows.map((r) => r.v);
  const mags = rows.map((r) => r.mag);
  if (o.out) return { kind: o.out instanceof Float32Array ? 'out32' : 'out64', values, mags };
  return { kind: q.nested ? 'rows' : q.kind, values, mags };
}

/** The reference result in API.md's form: number, rows of the input kind, or the reduction. */
function finishRef(o, rows, kind, single, width, nested, denMode = 'rows') {
  const reduced = o.reduction !== 'none';
  if (reduced) {
    let s = 0; let mag = 0; let den = 0;
    for (const r of rows) { s += r.v; mag += r.mag; den += denMode === 'weights' ? r.den : 1; }
    if (o.reduction === 'sum') return { kind: 'number', values: [s], mags: [mag] };
    return { kind: 'number', values: [den === 0 ? NaN : s / den], mags: [den === 0 ? 0 : Math.abs(mag / den)] };
  }
  if (o.out) return { kind: o.out instanceof Float32Array ? 'out32' : 'out64', values: rows.map((r) => r.v), mags: rows.map((r) => r.mag) };
  if (single && width === 1) return { kind: 'number', values: [rows[0].v], mags: [rows[0].mag] };
  return { kind: nested ? 'rows' : kind, values: rows.map((r) => r.v), mags: rows.map((r) => r.mag) };
}

// ---------------------------------------------------------------------------------------------
// Running and checking one case

/** API.md's bound for one value: float64 max(1e-13|e|, 1e-15); float32 max(2e-6|e|, 2^-126). */
export function bound(e, f32) {
  return f32 ? Math.max(2e-6 * Math.abs(e), 2 ** -126) : Math.max(1e-13 * Math.abs(e), 1e-15);
}

/** The call's outcome: { ok: true, value } or { ok: false, error }. */
function attempt(api, fn, args) {
  try {
    return { ok: true, value: api[fn](...args) };
  } catch (error) {
    return { ok: false, error };
  }
}

function show(v) {
  try {
    return JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `${x}n` : typeof x === 'number' && !Number.isFinite(x) ? String(x) : ArrayBuffer.isView(x) ? `${x.constructor.name}[${Array.from(x).join(',')}]` : x))?.slice(0, 600);
  } catch {
    return String(v);
  }
}

/** Flattens a result into { kind, values }. */
function flatten(v) {
  if (typeof v === 'number') return { kind: 'number', values: [v] };
  if (v instanceof Float32Array) return { kind: 'f32', values: Array.from(v) };
  if (v instanceof Float64Array) return { kind: 'f64', values: Array.from(v) };
  if (Array.isArray(v) && v.length > 0 && v.every((r) => Array.isArray(r))) return { kind: 'rows', values: v.flat() };
  if (Array.isArray(v) && v.every((x) => typeof x === 'number')) return { kind: 'array', values: v };
  return { kind: `unexpected ${Object.prototype.toString.call(v)}`, values: [] };
}

const same = (a, b) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b)) || (a === 0 && b === 0);

/** An allowed error: RangeError/TypeError from this library (its message starts with the function's name). */
function allowedError(fn, e) {
  return (e instanceof RangeError || e instanceof TypeError) && typeof e.message === 'string' && e.message.startsWith(`${fn}: `);
}

/** The canary: a known answer after every case shows the instance is still consistent. */
const CANARY = 0.35667494393873245; // -ln 0.7
function canary(api, name) {
  const v = api.crossEntropy([0, 1, 0], [0.2, 0.7, 0.1]);
  const rows = api.softmaxCrossEntropy(Int32Array.of(1, 0), new Float64Array([0, 0, 0, 0]), { classes: 2 });
  if (v !== CANARY || Math.abs(rows[0] - Math.LN2) > 1e-16 || Math.abs(rows[1] - Math.LN2) > 1e-16) {
    throw new Error(`${name}: the instance is inconsistent after the case (canary gave ${v}, [${Array.from(rows)}])`);
  }
}

export class CaseFailure extends Error {}

/**
 * Runs a structured case on both backends and checks it against the contract. `stats` counts
 * outcomes (ok, referenced, rangeError, typeError).
 */
export function checkCase(apis, c, stats) {
  const outcomes = [];
  const builds = [];
  for (const [name, api] of apis) {
    const b = build(c, api);
    builds.push(b);
    const before = b.opts && typeof b.opts === 'object' && ArrayBuffer.isView(b.opts.out) && !isDetached(b.opts.out) ? Array.from(b.opts.out) : null;
    const r = attempt(api, c.fn, b.args);
    r.name = name;
    r.out = b.opts && typeof b.opts === 'object' ? b.opts.out : undefined;
    r.outBefore = before;
    outcomes.push(r);
  }
  try {
    const s = spec(c.fn, builds[0].args);
    const known = knownDisagreement(c.fn, builds[0].args);
    judge(c.fn, s, outcomes, stats, () => show(c), known, () => absRowsOf(apis[0][1], c), float32Input(c.fn, builds[0].args));
  } finally {
    for (let i = 0; i < apis.length; i++) for (const a of builds[i].allocs) apis[i][1].free(a);
    for (const [name, api] of apis) canary(api, name);
  }
}

/** Σ|row| of a reduced call's rows (js, reduction 'none'): the scale a cancelling reduction's error is measured by. */
function absRowsOf(api, c) {
  const b = build({ ...c, opts: { ...c.opts, reduction: 'none', out: undefined }, inject: c.inject }, api);
  try {
    const rows = api[c.fn](...b.args);
    if (typeof rows === 'number') return Math.abs(rows);
    let s = 0;
    for (const v of rows) s += Math.abs(v);
    // mean = Σ / den: scale by |mean / Σ| when the rows' sum is not 0.
    return s;
  } finally {
    for (const a of b.allocs) api.free(a);
  }
}

function fail(msg, what) {
  throw new CaseFailure(`${msg}\n  case: ${what()}`);
}

function judge(fn, s, outcomes, stats, what, knownDisagreement = false, absRows = undefined, f32Input = false) {
  const problems = s.stages.find((st) => st.length) ?? [];
  for (const r of outcomes) {
    if (!r.ok) {
      const e = r.error;
      if (!allowedError(fn, e)) fail(`${r.name}: ${fn} threw a ${e?.constructor?.name}: ${e?.message} (only RangeError/TypeError from ${fn} are allowed)\n${e?.stack}`, what);
      if (!problems.length) fail(`${r.name}: ${fn} threw ${e.constructor.name}: ${e.message} on input the contract accepts`, what);
      const match = problems.some((p) => e instanceof p.cls && e.message.includes(p.mention));
      if (!match) fail(`${r.name}: ${fn} threw ${e.constructor.name}: ${e.message}; expected one of ${problems.map((p) => `${p.cls.name}(${p.mention})`).join(', ')}`, what);
      if (r.outBefore && !Array.from(r.out).every((v, i) => same(v, r.outBefore[i]))) fail(`${r.name}: out was written by a call that threw`, what);
    } else if (problems.length) {
      fail(`${r.name}: ${fn} returned ${show(r.value)} but the contract requires ${problems.map((p) => `${p.cls.name}(${p.mention})`).join(', ')}`, what);
    }
  }
  const [a, b] = outcomes;
  if (!a.ok || !b.ok) {
    if (a.ok !== b.ok || a.error.constructor !== b.error.constructor || a.error.message !== b.error.message) {
      fail(`backends disagree: ${a.name} ${a.ok ? show(a.value) : a.error.message} vs ${b.name} ${b.ok ? show(b.value) : b.error.message}`, what);
    }
    stats[a.error instanceof RangeError ? 'rangeError' : 'typeError']++;
    return;
  }
  stats.ok++;
  for (const r of outcomes) if (r.out !== undefined && r.value !== r.out) fail(`${r.name}: with out, the call must return out`, what);
  const fa = flatten(a.value);
  const fb = flatten(b.value);
  if (fa.kind !== fb.kind || fa.values.length !== fb.values.length) fail(`backends disagree on the result's form: ${fa.kind}[${fa.values.length}] vs ${fb.kind}[${fb.values.length}]`, what);
  const f32 = fa.kind === 'f32' || f32Input;
  if (knownDisagreement) {
    stats.known++;
    return;
  }
  for (let i = 0; i < fa.values.length; i++) {
    const x = fa.values[i];
    const y = fb.values[i];
    if (Number.isFinite(x) && Number.isFinite(y)) {
      let tol = 2 * bound(Math.max(Math.abs(x), Math.abs(y)), f32);
      // A reduction may cancel (negative weights, posWeight): each row is within its bound, so the
      // sum is within 2·1e-13·Σ|row| (a mean: divided by its denominator, whose ratio is |x|/|Σ|).
      if (Math.abs(x - y) > tol && fa.kind === 'number' && absRows) tol += 4e-13 * absRows();
      if (Math.abs(x - y) > tol) fail(`backends disagree at [${i}]: ${a.name} ${x} vs ${b.name} ${y}, Δ=${Math.abs(x - y)}, bound=${tol}`, what);
    } else if (!same(x, y)) {
      fail(`backends disagree at [${i}]: ${a.name} ${x} vs ${b.name} ${y}`, what);
    }
  }
  const ref = s.expect?.();
  if (!ref) return;
  if (ref.known) {
    stats.known++;
    return;
  }
  stats.referenced++;
  const kindOk = ref.kind === fa.kind || (ref.kind === 'out64' && fa.kind === 'f64') || (ref.kind === 'out32' && fa.kind === 'f32');
  if (!kindOk) fail(`${fn} returned a ${fa.kind}, API.md gives a ${ref.kind}`, what);
  if (ref.values.length !== fa.values.length) fail(`${fn} returned ${fa.values.length} values, API.md gives ${ref.values.length}`, what);
  for (const r of outcomes) {
    const got = flatten(r.value).values;
    for (let i = 0; i < got.length; i++) {
      const e = ref.values[i];
      const g = got[i];
      const f32out = fa.kind === 'f32' || ref.kind === 'out32';
      if (f32out && Number.isFinite(e) && Math.abs(e) > 3.4e38) {
        // At float32's overflow boundary the output is ±max or ±Infinity, whichever side e rounds to.
        if (!(Math.sign(g) === Math.sign(e) && Math.abs(g) >= 3.4028234663852886e38)) fail(`${r.name}: ${fn}[${i}] = ${g}, expected ≈ ${e} (float32 overflow)`, what);
        continue;
      }
      if (Number.isFinite(e)) {
        const tol = 1e-9 * ref.mags[i] + (f32 ? bound(e, true) : 1e-13 * Math.abs(e)) + 1e-300;
        if (!(Math.abs(g - e) <= tol)) fail(`${r.name}: ${fn}[${i}] = ${g}, the naive reference gives ${e} (tolerance ${tol})`, what);
      } else if (!same(g, f32 ? Math.fround(e) : e)) {
        fail(`${r.name}: ${fn}[${i}] = ${g}, API.md gives ${e}`, what);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Whole-argument garbage and alloc/free sequences

function makeSpecial(s) {
  switch (s) {
    case 'detached': return detachedF64();
    case 'dataview': return new DataView(new ArrayBuffer(16));
    case 'sab64': return new Float64Array(new SharedArrayBuffer(16)).fill(0.5);
    case 'sabInt32': return new Int32Array(new SharedArrayBuffer(8));
    case 'big64': return BigInt64Array.of(0n, 1n, -1n, 2n ** 63n - 1n);
    case 'bigU64': return BigUint64Array.of(0n, 1n, 2n ** 64n - 1n);
    case 'u8c': return Uint8ClampedArray.of(0, 1, 255);
    case 'proxyArray': return new Proxy([0.5, 0.5], {});
    case 'sparseHuge': { const a = [0.5]; a.length = 1000; return a; }
    case 'frozen': return Object.freeze([0.25, 0.75]);
    case 'arrayLike': return { length: 2, 0: 0.5, 1: 0.5 };
    case 'map': return new Map([[0, 0.5]]);
    case 'set': return new Set([0.5]);
    case 'promise': return Promise.resolve([0.5]);
    case 'weird-rows': return [[0.5, 0.5], 0.5];
    case 'rows-detached': return [detachedF64(), detachedF64()];
    case 'rows-bigint': return [BigInt64Array.of(1n, 0n), BigInt64Array.of(0n, 1n)];
    case 'nullProtoArr': return Object.setPrototypeOf([0.5, 0.5], null);
    default: throw new Error(s);
  }
}

function realize(v) {
  if (v && typeof v === 'object' && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype && 'special' in v && Object.keys(v).length === 1) return makeSpecial(v.special);
  if (v && typeof v === 'object' && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype && 'garbage' in v && Object.keys(v).length === 1) {
    const g = GARBAGE[v.garbage]();
    return g === HOLE ? undefined : g;
  }
  if (Array.isArray(v)) return v.map(realize);
  return v;
}

/** Whole-argument garbage: only allowed errors, the same outcome on both backends, a consistent instance after. */
export function checkGarbageArgs(apis, c, stats) {
  const outcomes = apis.map(([name, api]) => {
    const args = realize(c.args);
    const opts = realize(c.opts);
    const r = attempt(api, c.fn, [...args, opts]);
    r.name = name;
    return r;
  });
  const what = () => show(c);
  for (const r of outcomes) {
    if (!r.ok && !allowedError(c.fn, r.error)) {
      fail(`${r.name}: ${c.fn} threw a ${r.error?.constructor?.name}: ${r.error?.message} on garbage arguments\n${r.error?.stack}`, what);
    }
  }
  const [a, b] = outcomes;
  if (a.ok !== b.ok) fail(`backends disagree: ${a.ok ? 'value' : a.error.message} vs ${b.ok ? 'value' : b.error.message}`, what);
  if (!a.ok) {
    if (a.error.message !== b.error.message) fail(`backends disagree: ${a.error.message} vs ${b.error.message}`, what);
    stats[a.error instanceof RangeError ? 'rangeError' : 'typeError']++;
  } else if (knownDisagreement(c.fn, [...realize(c.args), realize(c.opts)])) {
    stats.known++;
  } else {
    stats.ok++;
    const fa = flatten(a.value);
    const fb = flatten(b.value);
    if (fa.kind !== fb.kind || fa.values.length !== fb.values.length) fail('backends disagree on the result form', what);
    const f32 = fa.kind === 'f32' || float32Input(c.fn, realize(c.args));
    for (let i = 0; i < fa.values.length; i++) {
      const x = fa.values[i];
      const y = fb.values[i];
      if (Number.isFinite(x) && Number.isFinite(y) ? Math.abs(x - y) > 2 * bound(Math.max(Math.abs(x), Math.abs(y)), f32) : !same(x, y)) {
        fail(`backends disagree at [${i}]: ${x} vs ${y}`, what);
      }
    }
  }
  for (const [name, api] of apis) canary(api, name);
}

/**
 * An alloc/free sequence on one backend: arrays stay usable (the functions read them with the
 * results of ordinary arrays), misuse is a RangeError/TypeError naming alloc/free, and after
 * freeing everything another round of the same sequence does not grow memory.
 */
export function checkAllocSequence(name, api, ops, stats) {
  const run = () => {
    const live = [];
    const freed = [];
    for (const op of ops) {
      if (op.op === 'alloc') {
        const a = api.alloc(globalThis[op.type], op.length);
        if (!(a instanceof globalThis[op.type]) || a.length !== op.length) throw new CaseFailure(`${name}: alloc gave ${a?.constructor?.name}[${a?.length}]`);
        for (let i = 0; i < a.length; i++) a[i] = (i % 7) / 8;
        live.push(a);
      } else if (op.op === 'free' && live.length) {
        const a = live.splice(op.pick % live.length, 1)[0];
        api.free(a);
        freed.push(a);
      } else if (op.op === 'use' && live.length) {
        const a = live[op.pick % live.length];
        if (a.length === 0) continue; // detached by a later growth: reading it is refused (checked below)
        if (a instanceof Int32Array) {
          const r = api.softmaxCrossEntropy(a.map((v) => v % 2), new Float64Array(a.length * 2), { classes: 2, reduction: 'mean' });
          if (Math.abs(r - Math.LN2) > 1e-15) throw new CaseFailure(`${name}: index targets from alloc gave ${r}`);
        } else {
          const expect = Array.from(a, (v) => -Math.log(v));
          const got = api.informationContent(a);
          for (let i = 0; i < a.length; i++) {
            if (!same(got[i], expect[i]) && Math.abs(got[i] - expect[i]) > bound(expect[i], a instanceof Float32Array)) {
              throw new CaseFailure(`${name}: informationContent of an alloc() array [${i}] = ${got[i]}, expected ${expect[i]}`);
            }
          }
        }
        stats.ok++;
      } else if (op.op === 'badAlloc') {
        const type = { Uint8Array, Array, null: null, string: 'Float64Array', object: {}, Float64Array }[op.type];
        let threw = null;
        try { const a = api.alloc(type, op.length); live.push(a); } catch (e) { threw = e; }
        if (threw && !((threw instanceof RangeError || threw instanceof TypeError) && threw.message.startsWith('alloc: '))) {
          throw new CaseFailure(`${name}: alloc(${op.type}, ${String(op.length)}) threw ${threw.constructor.name}: ${threw.message}`);
        }
        if (!threw && !(op.type === 'Float64Array' && Number.isSafeInteger(op.length) && op.length >= 0 && op.length * 8 < 2 ** 32 - 2 ** 16)) {
          throw new CaseFailure(`${name}: alloc(${op.type}, ${String(op.length)}) did not throw`);
        }
        if (threw) stats[threw instanceof RangeError ? 'rangeError' : 'typeError']++;
      } else if (op.op === 'reserve') {
        const valid = typeof op.bytes === 'number' && Number.isSafeInteger(op.bytes) && op.bytes >= 0 && op.bytes < 2 ** 32 - 2 ** 16;
        try {
          api.reserve(op.bytes);
          if (!valid) throw new CaseFailure(`${name}: reserve(${String(op.bytes)}) did not throw`);
        } catch (e) {
          if (e instanceof CaseFailure) throw e;
          if (valid || !(e instanceof RangeError && e.message.startsWith('reserve: '))) throw new CaseFailure(`${name}: reserve(${String(op.bytes)}) threw ${e.constructor.name}: ${e.message}`);
          stats.rangeError++;
        }
      } else if (op.op === 'badFree') {
        let arg;
        if (op.what === 'twice' && freed.length) arg = freed[0];
        else if (op.what === 'subarray' && live.length) arg = live[0].subarray(0, 1);
        else arg = { plain: new Float64Array(2), null: null, number: 8, object: {}, twice: new Float64Array(1), subarray: new Float64Array(1) }[op.what];
        try {
          api.free(arg);
          throw new CaseFailure(`${name}: free(${op.what}) did not throw`);
        } catch (e) {
          if (e instanceof CaseFailure) throw e;
          if (!(e instanceof TypeError && e.message.startsWith('free: '))) throw new CaseFailure(`${name}: free(${op.what}) threw ${e.constructor.name}: ${e.message}`);
          stats.typeError++;
        }
      }
    }
    // A detached alloc() view (memory grew after it was made) is refused by the functions, never read as empty.
    for (const a of live) {
      if (a.length === 0 && a.byteLength === 0 && isDetached(a)) {
        try { api.entropy(a); throw new CaseFailure(`${name}: a detached alloc() view was read`); } catch (e) {
          if (e instanceof CaseFailure) throw e;
          if (!(e instanceof TypeError && /detached/.test(e.message))) throw new CaseFailure(`${name}: detached view: ${e.message}`);
        }
      }
    }
    for (const a of live) api.free(a);
  };
  run();
  const before = api.memoryBytes;
  run();
  if (api.memoryBytes !== before) throw new CaseFailure(`${name}: memory grew from ${before} to ${api.memoryBytes} bytes repeating an alloc/free sequence: ${show(ops)}`);
  canary(api, name);
}

// ---------------------------------------------------------------------------------------------
// scoreRows (the fused scoring pass behind `xentropy score`): its own arbitraries and oracle

/** scoreRows cases: labels against logits or probabilities, every representation, clean to garbage. */
export function scoreArbitraries(fc) {
  const { valueArb } = scoreValueArbs(fc);
  const shape = fc.oneof(
    { weight: 60, arbitrary: fc.record({ n: fc.integer({ min: 0, max: 8 }), k: fc.integer({ min: 1, max: 12 }) }) },
    { weight: 1, arbitrary: fc.record({ n: fc.constant(30_000), k: fc.constant(10) }) }, // 2 wasm chunks, 5 js chunks
  );
  return shape.chain(({ n, k }) => fc.record({
    n: fc.constant(n),
    k: fc.constant(k),
    input: fc.oneof({ weight: 20, arbitrary: fc.constantFrom('logits', 'probs') }, { weight: 1, arbitrary: fc.constantFrom('nullProto', 'other', 'missing') }),
    rep: fc.constantFrom('f64', 'f32', 'array', 'sab64', 'sub64', 'alloc64', 'alloc32'),
    dirty: fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    labelRep: fc.constantFrom('list', 'Int32Array', 'Uint8Array', 'BigInt64Array', 'Float64Array'),
    labelSeed: fc.nat(),
    base: fc.constantFrom(undefined, undefined, 2, 10, 0.5),
    validate: fc.constantFrom(undefined, true, true, false),
    inject: fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.record({ at: fc.nat(), value: fc.constantFrom(...Object.keys(GARBAGE)) }) }),
  }).chain((c) => fc.record({
    ...Object.fromEntries(Object.entries(c).map(([key, v]) => [key, fc.constant(v)])),
    // Small batches: values from fast-check. Large ones (several chunks): seeded values built at run
    // time (fast-check would spend seconds making and shrinking 300 000 of them), one bad entry maybe.
    values: n * k <= 400
      ? fc.array(valueArb(c.input === 'probs' ? 'prob' : 'logit', c.dirty), { minLength: n * k, maxLength: n * k })
      : fc.record({ seed: fc.nat(), badAt: fc.nat(n * k - 1), bad: fc.constantFrom(undefined, undefined, NaN, Infinity, -0.5, 2) }),
  })));
}

/** A large case's values: seeded logits in [-20, 20) or probabilities in [0, 1), with the one bad entry. */
function bigValues(c) {
  let a = c.values.seed >>> 0;
  const values = new Array(c.n * c.k);
  for (let i = 0; i < values.length; i++) {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    values[i] = c.input === 'probs' ? a / 4294967296 : (a / 4294967296) * 40 - 20;
  }
  if (c.values.bad !== undefined) values[c.values.badAt] = c.values.bad;
  return values;
}

function scoreValueArbs(fc) {
  const valueArb = (rule, dirty) => {
    const clean = rule === 'prob'
      ? [fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, 5e-324, 1e-300, 0.5, 1)]
      : [fc.double({ min: -50, max: 50, noNaN: true }), fc.constantFrom(-Infinity, 0, 700, -745, 1e4)];
    const parts = [{ weight: 8, arbitrary: clean[0] }, { weight: 2, arbitrary: clean[1] }];
    if (dirty) parts.push({ weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, -0.5, 2, 1e308) });
    return fc.oneof(...parts);
  };
  return { valueArb };
}

/** Element i of scores, flat or given as rows of k. */
function scoreAt(scores, k, i) {
  return Array.isArray(scores) && scores.length > 0 && isArrayish(scores[0]) ? elementOf(scores[Math.floor(i / k)], i % k) : elementOf(scores, i);
}

/** scoreRows on both backends against its documented meaning. */
export function checkScoreCase(apis, c, stats) {
  const labelsOf = () => {
    const vals = Array.from({ length: c.n }, (_, i) => {
      const u = (c.labelSeed + i * 7919) % 97;
      return u < 90 ? u % c.k : u < 93 ? -1 : u < 95 ? c.k : 0.5;
    });
    if (c.labelRep === 'list') return vals;
    if (c.labelRep === 'BigInt64Array') return BigInt64Array.from(vals, (v) => BigInt(Math.trunc(v)));
    return globalThis[c.labelRep].from(vals);
  };
  const outcomes = [];
  const built = [];
  for (const [name, api] of apis) {
    const allocs = [];
    const scores = makeFlat(c.rep, Array.isArray(c.values) ? c.values : bigValues(c), api, allocs);
    const labels = labelsOf();
    if (c.inject && Array.isArray(scores) && scores.length) setGarbage(scores, c.inject.at % scores.length, c.inject.value);
    const opts = { classes: c.k, base: c.base, validate: c.validate };
    if (c.input === 'nullProto') opts.input = Object.create(null);
    else if (c.input === 'other') opts.input = 'log';
    else if (c.input !== 'missing') opts.input = c.input;
    built.push({ scores, labels, opts, allocs });
    const r = attempt(api, 'scoreRows', [labels, scores, opts]);
    r.name = name;
    outcomes.push(r);
  }
  const what = () => show(c);
  try {
    const { scores, labels, opts } = built[0];
    // The contract of scoreRows (src/api.ts): input, classes, base, validate; one label per row; value rules.
    const problems = [];
    if (opts.input !== 'logits' && opts.input !== 'probs') problems.push(new Problem(RangeError, 'input '));
    else if (Array.isArray(scores) && scores.length > 0 && isArrayish(scores[0])
      && !(Array.prototype.every.call(scores, (row) => isArrayish(row) && !isDetached(row) && row.length === c.k) && scores.length === c.n)) {
      // An array first makes scores rows (number[][]): unless every element is a row of k, a shape error.
      problems.push(new Problem(TypeError, 'scores '));
    } else {
      const lbl = isBig(labels) || (tagOf(labels) && INT_KINDS.includes(tagOf(labels))) ? 'index' : labels.length === c.n * c.k ? 'dense' : labels.length === c.n ? 'index' : 'none';
      if (lbl !== 'index') problems.push(new Problem(TypeError, lbl === 'dense' ? 'labels ' : 'targets '));
      else if (opts.validate !== false) {
        for (let r = 0; r < c.n; r++) {
          const y = elementOf(labels, r);
          const where = labels.length === 1 ? 'target ' : `target at row ${r} `;
          if (typeof y !== 'number') problems.push(new Problem(TypeError, where));
          else if (!(Number.isInteger(y) && y >= 0 && y < c.k)) problems.push(new Problem(RangeError, where));
        }
        for (let i = 0; i < c.n * c.k; i++) {
          const v = scoreAt(scores, c.k, i);
          const where = `scores at row ${Math.floor(i / c.k)}, column ${i % c.k} `;
          if (typeof v !== 'number') problems.push(new Problem(TypeError, where));
          else if (opts.input === 'logits' ? !(v < Infinity) : !(v >= 0 && v <= 1)) problems.push(new Problem(RangeError, where));
        }
      }
    }
    const known = KNOWN_ISSUES.wasmExpDropsNaN && opts.validate === false && opts.input === 'logits' && holdsNaNLike(scores);
    for (const r of outcomes) {
      if (!r.ok) {
        if (!allowedError('scoreRows', r.error)) fail(`${r.name}: scoreRows threw a ${r.error?.constructor?.name}: ${r.error?.message}\n${r.error?.stack}`, what);
        if (!problems.length) fail(`${r.name}: scoreRows threw ${r.error.message} on input the contract accepts`, what);
        if (!problems.some((p) => r.error instanceof p.cls && r.error.message.includes(p.mention))) {
          fail(`${r.name}: scoreRows threw ${r.error.constructor.name}: ${r.error.message}; expected one of ${problems.map((p) => `${p.cls.name}(${p.mention})`).join(', ')}`, what);
        }
      } else if (problems.length) {
        fail(`${r.name}: scoreRows returned but the contract requires ${problems.map((p) => `${p.cls.name}(${p.mention})`).join(', ')}`, what);
      }
    }
    const [a, b] = outcomes;
    if (!a.ok || !b.ok) {
      if (a.ok !== b.ok || a.error.message !== b.error.message) fail(`backends disagree: ${a.ok ? 'value' : a.error.message} vs ${b.ok ? 'value' : b.error.message}`, what);
      stats[a.error instanceof RangeError ? 'rangeError' : 'typeError']++;
      return;
    }
    stats.ok++;
    const f32 = tagOf(scores) === 'Float32Array';
    for (const key of ['crossEntropy', 'entropy', 'predicted']) {
      const x = a.value[key];
      const y = b.value[key];
      const T = key === 'predicted' ? Int32Array : Float64Array;
      if (!(x instanceof T) || !(y instanceof T) || x.length !== c.n || y.length !== c.n) fail(`scoreRows ${key}: expected a ${T.name} of ${c.n}`, what);
      if (known) continue;
      for (let i = 0; i < c.n; i++) {
        const ok = Number.isFinite(x[i]) && Number.isFinite(y[i]) ? Math.abs(x[i] - y[i]) <= 2 * bound(Math.max(Math.abs(x[i]), Math.abs(y[i])), f32) : same(x[i], y[i]);
        if (!ok) fail(`backends disagree on ${key}[${i}]: ${x[i]} vs ${y[i]}`, what);
      }
    }
    if (known) {
      stats.known++;
      return;
    }
    if (opts.validate === false) return;
    // Naive references on rows whose values are moderate.
    const lnBase = opts.base === undefined ? 1 : Math.log(opts.base);
    let checked = false;
    const stride = c.n > 100 ? 97 : 1; // large batches: every 97th row (and the last)
    for (let r = 0; r < c.n; r = r + stride < c.n || r === c.n - 1 ? r + stride : c.n - 1) {
      const row = Array.from({ length: c.k }, (_, j) => real(scoreAt(scores, c.k, r * c.k + j)));
      const y = Number(elementOf(labels, r));
      let firstMax = -1;
      for (let j = 0; j < c.k; j++) if (firstMax < 0 ? row[j] > -Infinity : row[j] > row[firstMax]) firstMax = j;
      for (const api of outcomes) {
        if (api.value.predicted[r] !== firstMax) fail(`${api.name}: predicted[${r}] = ${api.value.predicted[r]}, the first arg-max is ${firstMax}`, what);
      }
      const trusted = opts.input === 'logits' ? row.every((z) => Math.abs(z) <= 700) : row.every((q) => moderate(q));
      if (!trusted) continue;
      let ce; let h; let mag;
      if (opts.input === 'logits') {
        const m = Math.max(...row);
        const S = row.reduce((s, z) => s + Math.exp(z - m), 0);
        ce = m - row[y] + Math.log(S);
        h = row.reduce((s, z) => { const p = Math.exp(z - m) / S; return p > 0 ? s - p * Math.log(p) : s; }, 0);
        mag = Math.abs(m - row[y]) + Math.abs(Math.log(S)) + 1e-6;
      } else {
        ce = -Math.log(row[y]);
        h = row.reduce((s, q) => (q !== 0 ? s - q * Math.log(q) : s), 0);
        mag = Math.abs(ce) + row.reduce((s, q) => s + Math.abs(q * Math.log(q || 1)), 0) + 1e-6;
      }
      for (const o of outcomes) {
        for (const [key, e] of [['crossEntropy', ce / lnBase], ['entropy', h / lnBase]]) {
          const g = o.value[key][r];
          const tol = 1e-9 * mag / Math.abs(lnBase) + (f32 ? bound(e, true) : 1e-13 * Math.abs(e)) + 1e-300;
          if (Number.isFinite(e) ? !(Math.abs(g - e) <= tol) : !same(g, e)) fail(`${o.name}: scoreRows ${key}[${r}] = ${g}, the naive reference gives ${e} (tolerance ${tol})`, what);
        }
      }
      checked = true;
    }
    if (checked) stats.referenced++;
  } finally {
    for (let i = 0; i < apis.length; i++) for (const arr of built[i].allocs) apis[i][1].free(arr);
    for (const [name, api] of apis) canary(api, name);
  }
}
