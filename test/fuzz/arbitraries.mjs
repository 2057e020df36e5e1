/**
 * fast-check arbitraries: structured cases for every public function (shapes in every
 * representation, options, values from clean to garbage), whole-argument garbage, alloc/free
 * sequences and scoreRows cases. A case is plain data; build.mjs makes the real arguments.
 * Every arbitrary takes the fast-check module `fc` (scripts/fuzz.mjs and the test pass their own).
 */
import { FAMILY, FUNCTIONS, GARBAGE, INT_KINDS } from './values.mjs';

const PROB_EDGE = [0, -0, 5e-324, 1e-310, 2.2250738585072014e-308, 1e-300, 1e-16, 0.5, 1 - 2 ** -53, 1];
const PROB_BAD = [NaN, Infinity, -Infinity, -1e-300, -5e-324, -0.5, 1 + 2 ** -52, 2, 1e308, -1e308];
const MASS_EDGE = [0, -0, 5e-324, 1e-300, 1, 3, 1e10, 1e300, Infinity];
const MASS_BAD = [NaN, -1, -5e-324, -Infinity];
const LOGIT_EDGE = [-Infinity, 0, -0, 5e-324, 700, -745, 709.8, 1e4, -1e4, 1e308, -1e308, 36.04, -36.04];
const LOGIT_BAD = [NaN, Infinity];

const BATCH_REPS = [
  'rows',
  'rows',
  'rows64',
  'rows32',
  'flat',
  'flat',
  'f64',
  'f64',
  'f32',
  'sab64',
  'sub64',
  'alloc64',
  'alloc32',
  'i32',
];
const SINGLE_REPS = ['single', 'single64', 'single32'];

/** One value of `rule` ('prob', 'mass' or 'logit'): mostly in range, edges, and bad values when dirty. */
function valueArb(fc, rule, dirty) {
  const clean =
    rule === 'prob'
      ? [fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(...PROB_EDGE)]
      : rule === 'mass'
        ? [fc.double({ min: 0, max: 10, noNaN: true }), fc.constantFrom(...MASS_EDGE)]
        : [fc.double({ min: -50, max: 50, noNaN: true }), fc.constantFrom(...LOGIT_EDGE)];
  const bad = rule === 'prob' ? PROB_BAD : rule === 'mass' ? MASS_BAD : LOGIT_BAD;
  const parts = [
    { weight: 8, arbitrary: clean[0] },
    { weight: 3, arbitrary: clean[1] },
  ];
  if (dirty) parts.push({ weight: 1, arbitrary: fc.oneof(fc.constantFrom(...bad), fc.double()) });
  return fc.oneof(...parts);
}

/** A list of `len` values: mostly clean lists, a quarter with bad values mixed in. */
function valuesArb(fc, rule, len) {
  return fc
    .oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) })
    .chain((dirty) => fc.array(valueArb(fc, rule, dirty), { minLength: len, maxLength: len }));
}

const garbageArb = (fc) => fc.constantFrom(...Object.keys(GARBAGE));
/** Mostly `arb`, now and then one of `garbage`. */
const rare = (fc, arb, garbage) =>
  fc.oneof({ weight: 30, arbitrary: arb }, { weight: 1, arbitrary: fc.constantFrom(...garbage) });

function weightsArb(fc, k) {
  return fc.record({
    rep: fc.constantFrom('array', 'array', 'f64', 'f32', 'i32', 'big64'),
    values: fc.array(
      fc.oneof(
        { weight: 10, arbitrary: fc.double({ min: 0.1, max: 10, noNaN: true }) },
        { weight: 1, arbitrary: fc.constantFrom(0, -1, 1e-300, NaN, Infinity, 1e300) },
      ),
      { minLength: k, maxLength: k },
    ),
  });
}

/**
 * Sample weights (API.md `sampleWeights`): 40 values, of which the call takes as many as it has
 * rows (elements); mostly ≥ 0, zeros, and now and then a negative, NaN or infinite one; or a
 * wrong length, a non-array, a non-number entry.
 */
function sampleWeightsArb(fc) {
  return fc.oneof(
    { weight: 18, arbitrary: fc.constant(undefined) },
    {
      weight: 6,
      arbitrary: fc.record({
        rep: fc.constantFrom('array', 'array', 'f64', 'f32', 'big64'),
        // Clean mostly; a dirty array now and then holds a negative, NaN or infinite weight.
        values: fc
          .oneof({ weight: 6, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) })
          .chain((dirty) =>
            fc.array(
              fc.oneof(
                { weight: 12, arbitrary: fc.double({ min: 0, max: 5, noNaN: true }) },
                { weight: 3, arbitrary: fc.constantFrom(0, 1, 2, -0) },
                ...(dirty ? [{ weight: 2, arbitrary: fc.constantFrom(-1, NaN, Infinity, -Infinity, 1e-300) }] : []),
              ),
              { minLength: 40, maxLength: 40 },
            ),
          ),
      }),
    },
    { weight: 1, arbitrary: fc.constantFrom('wrongLength', 'string', 'garbageEntry') },
  );
}

/** Options for fn, with a garbage value in one of them now and then. */
function optsArb(fc, fn, k) {
  const targets = FAMILY[fn] === 'targets';
  const rec = {
    reduction: rare(fc, fc.constantFrom(undefined, undefined, 'none', 'sum', 'mean'), ['avg', null, 1, '', 'SUM']),
    base: rare(fc, fc.constantFrom(undefined, undefined, Math.E, 2, 10, 0.5, 3.7, 1e-300, 1 + 2 ** -40), [
      1,
      0,
      -2,
      NaN,
      Infinity,
      '2',
      2n,
      null,
    ]),
    validate: rare(fc, fc.constantFrom(undefined, undefined, true, false), [0, 1, 'no', null]),
    classesGarbage: fc.oneof(
      { weight: 30, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constantFrom(0, -1, 1.5, '2', NaN, Infinity, k + 1, 2 ** 53, null, 3n) },
    ),
    out: fc.oneof(
      { weight: 8, arbitrary: fc.constant(undefined) },
      { weight: 2, arbitrary: fc.constantFrom('f64', 'f32') },
      { weight: 1, arbitrary: fc.constantFrom('short', 'long', 'i32', 'null', 'detached', 'array', 'sab64') },
    ),
    extra: fc.constantFrom(undefined, undefined, undefined, 'unknownKey'),
    // softmax and logSoftmax refuse them (a TypeError): rarely offered there
    sampleWeights:
      FAMILY[fn] === 'softmax'
        ? fc.oneof({ weight: 30, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: sampleWeightsArb(fc) })
        : sampleWeightsArb(fc),
  };
  if (fn === 'entropy' || fn === 'crossEntropy' || fn === 'klDivergence' || fn === 'softmaxCrossEntropy') {
    rec.normalize = rare(fc, fc.constantFrom(undefined, undefined, true, false), [1, 'yes', null]);
  }
  if (fn === 'crossEntropy' || fn === 'binaryCrossEntropy') {
    rec.eps = rare(fc, fc.constantFrom(undefined, undefined, 0, 1e-12, 1e-7, 0.25, 0.5), [-1, 0.6, NaN, '0', null]);
  }
  if (targets) {
    rec.weights = fc.oneof(
      { weight: 4, arbitrary: fc.constant(undefined) },
      { weight: 2, arbitrary: weightsArb(fc, k) },
      { weight: 1, arbitrary: fc.constantFrom('wrongLength', 'string', 'object', 'garbageEntry', 'dataview') },
    );
    rec.ignoreIndex = rare(fc, fc.constantFrom(undefined, undefined, -100, 0, 1, -1), ['1', null, 1n]);
    rec.labelSmoothing = rare(fc, fc.constantFrom(undefined, undefined, 0, 0.1, 0.5, 1), [-0.1, 1.5, NaN, '0.1']);
  }
  if (fn === 'sigmoidCrossEntropy')
    rec.posWeight = rare(fc, fc.constantFrom(undefined, undefined, 1, 2, 0.5, 0, -1, 1e6), ['1', null, 2n]);
  return fc.oneof(
    { weight: 40, arbitrary: fc.record(rec) },
    { weight: 1, arbitrary: fc.constantFrom('undefined', 'null', 'number', 'string', 'array', 'function') },
  );
}

/** n×k values of `rule` in some representation (single reps: n = 1, no `classes`). */
function batchArb(fc, rule, n, k, allowSingle) {
  const reps = BATCH_REPS.filter((r) => (n > 0 || !r.startsWith('rows')) && (k > 0 || r.startsWith('rows')));
  const choices = allowSingle && n === 1 ? [...reps, ...SINGLE_REPS, ...SINGLE_REPS] : reps;
  return fc.record({
    rep: fc.constantFrom(...(choices.length ? choices : ['single'])),
    values: valuesArb(fc, rule, n * k),
  });
}

/** Elementwise values: a number, or a flat array of n. */
function elemArb(fc, rule, n, scalar) {
  return fc.record({
    rep: scalar
      ? fc.constant('scalar')
      : fc.constantFrom('array', 'array', 'f64', 'f32', 'sab64', 'sub64', 'alloc64', 'i32', 'big64'),
    values: valuesArb(fc, rule, scalar ? 1 : n),
  });
}

/** n class indices (a single one as a scalar too), some out of range or not integers when dirty. */
function indexArb(fc, n, k, single) {
  return fc.record({
    rep: single
      ? fc.constantFrom('scalar', 'scalar', 'bigscalar', 'list', 'Int32Array')
      : fc.constantFrom('list', 'list', 'f64list', ...INT_KINDS),
    values: fc
      .oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) })
      .chain((dirty) =>
        fc.array(
          fc.oneof(
            { weight: 10, arbitrary: k > 0 ? fc.nat(k - 1) : fc.constant(0) },
            { weight: 1, arbitrary: fc.constantFrom(-100, -0) },
            ...(dirty
              ? [
                  {
                    weight: 2,
                    arbitrary: fc.constantFrom(-1, k, 0.5, NaN, Infinity, -Infinity, 2 ** 53, 300, -129, 70000),
                  },
                ]
              : []),
          ),
          { minLength: n, maxLength: n },
        ),
      ),
  });
}

/** One garbage element placed in a plain-array argument (applied only where the rep is a plain array). */
function injectArb(fc) {
  return fc.oneof(
    { weight: 5, arbitrary: fc.constant(undefined) },
    {
      weight: 1,
      arbitrary: fc.record({
        where: fc.constantFrom('x', 'y', 't', 'weights'),
        at: fc.nat(10_000),
        value: garbageArb(fc),
      }),
    },
  );
}

function shapeArb(fc) {
  return fc.oneof(
    { weight: 6, arbitrary: fc.record({ n: fc.integer({ min: 0, max: 6 }), k: fc.integer({ min: 1, max: 9 }) }) },
    { weight: 2, arbitrary: fc.record({ n: fc.constant(1), k: fc.integer({ min: 0, max: 12 }) }) },
    { weight: 1, arbitrary: fc.record({ n: fc.integer({ min: 0, max: 3 }), k: fc.integer({ min: 10, max: 300 }) }) },
    { weight: 1, arbitrary: fc.record({ n: fc.integer({ min: 1, max: 3 }), k: fc.constant(0) }) },
  );
}

/** The arguments of one call of fn with shape n×k and options `opts`. */
function callArb(fc, fn, n, k, opts, inject) {
  const family = FAMILY[fn];
  const normalize = typeof opts === 'object' && opts.normalize === true;
  const base = { fn: fc.constant(fn), opts: fc.constant(opts), inject };
  if (family === 'elem1' || family === 'elem2') {
    const len = (n * Math.max(k, 1)) % 40;
    return fc.boolean().chain((scalar) =>
      fc.record({
        ...base,
        n: fc.constant(scalar ? 1 : len),
        x: elemArb(fc, fn === 'sigmoidCrossEntropy' ? 'logit' : 'prob', len, scalar),
        ...(family === 'elem2' ? { y: elemArb(fc, 'prob', len, scalar) } : {}),
      }),
    );
  }
  const rule =
    family === 'softmax' || fn === 'softmaxCrossEntropy' || fn === 'logSumExp' ? 'logit' : normalize ? 'mass' : 'prob';
  const rec = { ...base, n: fc.constant(n), k: fc.constant(k), x: batchArb(fc, rule, n, k, true) };
  if (family === 'targets') {
    const targetRule = normalize && fn !== 'softmaxCrossEntropy' ? 'mass' : 'prob';
    rec.t = fc.oneof(
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('dense'), desc: batchArb(fc, targetRule, n, k, true) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('index'), desc: indexArb(fc, n, k, n === 1) }) },
    );
  }
  return fc.record(rec);
}

/** A structured case: every function, shapes in every representation, options, values from clean to garbage. */
function caseArb(fc) {
  const inject = injectArb(fc);
  return fc
    .constantFrom(...FUNCTIONS)
    .chain((fn) =>
      shapeArb(fc).chain(({ n, k }) => optsArb(fc, fn, k).chain((opts) => callArb(fc, fn, n, k, opts, inject))),
    );
}

/** Whole arguments that are garbage: anything fast-check can make, plus the special objects (build.mjs makeSpecial). */
function anyArgArb(fc) {
  const special = fc.constantFrom(
    'detached',
    'dataview',
    'sab64',
    'sabInt32',
    'big64',
    'bigU64',
    'u8c',
    'proxyArray',
    'sparseHuge',
    'frozen',
    'arrayLike',
    'map',
    'set',
    'promise',
    'weird-rows',
    'rows-detached',
    'rows-bigint',
    'nullProtoArr',
  );
  return fc.oneof(
    {
      weight: 3,
      arbitrary: fc.anything({
        withBigInt: true,
        withBoxedValues: true,
        withMap: true,
        withSet: true,
        withTypedArray: true,
        withSparseArray: true,
        withNullPrototype: true,
        withDate: true,
        withObjectString: true,
        maxDepth: 2,
        maxKeys: 5,
      }),
    },
    { weight: 2, arbitrary: special.map((s) => ({ special: s })) },
    {
      weight: 2,
      arbitrary: fc.array(
        fc.oneof(
          fc.double(),
          garbageArb(fc).map((g) => ({ garbage: g })),
        ),
        { maxLength: 8 },
      ),
    },
    { weight: 1, arbitrary: fc.array(fc.array(fc.double(), { maxLength: 4 }), { maxLength: 4 }) },
  );
}

function argGarbageArb(fc) {
  const anyArg = anyArgArb(fc);
  return fc.record({
    fn: fc.constantFrom(...FUNCTIONS, 'scoreRows'),
    args: fc.array(anyArg, { minLength: 0, maxLength: 3 }),
    opts: fc.oneof(
      fc.constant(undefined),
      anyArg,
      fc.record({
        classes: fc.oneof(fc.integer({ min: -2, max: 5 }), anyArg),
        reduction: fc.constantFrom('none', 'sum', 'mean'),
        validate: fc.boolean(),
      }),
    ),
  });
}

/** alloc/free sequences, with garbage arguments mixed in. */
function allocSeqArb(fc) {
  const allocOpArb = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({
        op: fc.constant('alloc'),
        type: fc.constantFrom('Float64Array', 'Float32Array', 'Int32Array'),
        length: fc.oneof(fc.nat(5000), fc.constantFrom(0, 1, 2 ** 16, 100_000)),
      }),
    },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('free'), pick: fc.nat() }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('use'), pick: fc.nat() }) },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant('badAlloc'),
        type: fc.constantFrom('Uint8Array', 'Array', 'null', 'string', 'object', 'Float64Array'),
        length: fc.constantFrom(-1, 1.5, NaN, Infinity, '8', 2 ** 29 + 1, 2 ** 31, 2 ** 53, null, 8n),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant('badFree'),
        what: fc.constantFrom('plain', 'null', 'number', 'twice', 'subarray', 'object'),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant('reserve'),
        bytes: fc.oneof(fc.nat(400_000), fc.constantFrom(-1, 1.5, NaN, '8', null, 2 ** 32, 2 ** 53, 8n)),
      }),
    },
  );
  return fc.array(allocOpArb, { minLength: 1, maxLength: 30 });
}

/** The three case kinds of the public functions: { caseArb, argGarbageArb, allocSeqArb }. */
export function arbitraries(fc) {
  return { caseArb: caseArb(fc), argGarbageArb: argGarbageArb(fc), allocSeqArb: allocSeqArb(fc) };
}

// ---------------------------------------------------------------------------------------------
// scoreRows (the fused scoring pass behind `xentropy score`)

/** One scoreRows value: a logit or a probability, bad ones when dirty. */
function scoreValueArb(fc, rule, dirty) {
  const clean =
    rule === 'prob'
      ? [fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, 5e-324, 1e-300, 0.5, 1)]
      : [fc.double({ min: -50, max: 50, noNaN: true }), fc.constantFrom(-Infinity, 0, 700, -745, 1e4)];
  const parts = [
    { weight: 8, arbitrary: clean[0] },
    { weight: 2, arbitrary: clean[1] },
  ];
  if (dirty) parts.push({ weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, -0.5, 2, 1e308) });
  return fc.oneof(...parts);
}

/** scoreRows cases: labels against logits or probabilities, every representation, clean to garbage. */
export function scoreArbitraries(fc) {
  const shape = fc.oneof(
    { weight: 60, arbitrary: fc.record({ n: fc.integer({ min: 0, max: 8 }), k: fc.integer({ min: 1, max: 12 }) }) },
    { weight: 1, arbitrary: fc.record({ n: fc.constant(30_000), k: fc.constant(10) }) }, // 2 wasm chunks, 5 js chunks
  );
  return shape.chain(({ n, k }) =>
    fc
      .record({
        n: fc.constant(n),
        k: fc.constant(k),
        input: fc.oneof(
          { weight: 20, arbitrary: fc.constantFrom('logits', 'probs') },
          { weight: 1, arbitrary: fc.constantFrom('nullProto', 'other', 'missing') },
        ),
        rep: fc.constantFrom('f64', 'f32', 'array', 'sab64', 'sub64', 'alloc64', 'alloc32'),
        dirty: fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
        labelRep: fc.constantFrom('list', 'Int32Array', 'Uint8Array', 'BigInt64Array', 'Float64Array'),
        labelSeed: fc.nat(),
        base: fc.constantFrom(undefined, undefined, 2, 10, 0.5),
        validate: fc.constantFrom(undefined, true, true, false),
        inject: fc.oneof(
          { weight: 6, arbitrary: fc.constant(undefined) },
          { weight: 1, arbitrary: fc.record({ at: fc.nat(), value: fc.constantFrom(...Object.keys(GARBAGE)) }) },
        ),
      })
      .chain((c) =>
        fc.record({
          ...Object.fromEntries(Object.entries(c).map(([key, v]) => [key, fc.constant(v)])),
          // Small batches: values from fast-check. Large ones (several chunks): seeded values built at run
          // time (fast-check would spend seconds making and shrinking 300 000 of them), one bad entry maybe.
          values:
            n * k <= 400
              ? fc.array(scoreValueArb(fc, c.input === 'probs' ? 'prob' : 'logit', c.dirty), {
                  minLength: n * k,
                  maxLength: n * k,
                })
              : fc.record({
                  seed: fc.nat(),
                  badAt: fc.nat(n * k - 1),
                  bad: fc.constantFrom(undefined, undefined, NaN, Infinity, -0.5, 2),
                }),
        }),
      ),
  );
}
