/**
 * The public functions of API.md, built once over any backend: read shapes and options, plan the
 * chunks, call the backend's kernel per chunk, shape the result.
 */
import { NO_WEIGHTS, PREDICTIONS, SAMPLE_WEIGHTS, TARGETS, WEIGHTS } from './backend/backend.js';
import type {
  AllocatableArray,
  AllocatableType,
  Backend,
  KernelParams,
  Kernels,
  View,
  View32,
} from './backend/backend.js';
import {
  backendFor,
  changedWhileRead,
  checkOut,
  directOut,
  enter,
  exclusive,
  leave,
  reduce,
  resultArray,
  runChunks,
  shapeRows,
  single,
} from './run.js';
import type { Outcome, Plan } from './run.js';
import {
  CROSS_ENTROPY,
  fastEntropy,
  fastIndexOne,
  fastRows,
  KL_DIVERGENCE,
  SOFTMAX_CROSS_ENTROPY,
  taken,
} from './fast-calls.js';
import { fastPath } from './fast-path.js';
import { registerBackend } from './score-binary.js';
import { describeValue, flatSource, readBatch, readElementPair, readElements, readTargets } from './shapes.js';
import type { Batch, OutKind, Source, Targets } from './shapes.js';
import {
  checkWeights,
  DEFAULT_KERNEL_PARAMS,
  findBadIndex,
  findBadSampleWeight,
  findBadValue,
  logitRule,
  massRule,
  probabilityRule,
  resolveOptions,
} from './validate.js';
import type { Checked, Options, Resolved, Rule } from './validate.js';

import type { Features, Result, Rows, ScoredRows, ScoreOptions, Xentropy } from './types.js';
export type {
  BatchInput,
  Distribution,
  Result,
  Rows,
  ScoredRows,
  ScoreOptions,
  TargetInput,
  Xentropy,
} from './types.js';
export type { Options };

type Kernel1 = (K: Kernels, x: View, n: number, out: View, s: View) => number;
type Kernel2 = (K: Kernels, y: View, x: View, n: number, out: View, s: View) => number;
type RowKernel = (K: Kernels, t: View, q: View, n: number, k: number, out: View, w: View, s: View) => number;
type RowKernel32 = (K: Kernels, t: View, q: View32, n: number, k: number, out: View, w: View, s: View) => number;

/**
 * The call's sample weights as a source of one weight per row (`what`: rows, or elements for the
 * elementwise functions), or null for none; a length other than n is a TypeError.
 */
function readSampleWeights(fn: string, o: Resolved, n: number, what: string): Source | null {
  const s = o.sampleWeights;
  if (s === undefined) return null;
  if (s.length !== n) throw new TypeError(`${fn}: sampleWeights has ${s.length} entries for ${n} ${what}`);
  return flatSource(s);
}

/** Sample weights of rows [r0, r0 + rows), placed where the kernels read them (NO_WEIGHTS: none). */
function stageSampleWeights(b: Backend, s: Source | null, r0: number, rows: number): View {
  return s ? b.stage(SAMPLE_WEIGHTS, s, r0, r0 + rows) : NO_WEIGHTS;
}

/** The bad sample weight of a flagged chunk, if the flag was one. */
function badSampleWeight(fn: string, s: Source | null, r0: number, rows: number): Error | null {
  return s ? findBadSampleWeight(fn, s, r0, r0 + rows) : null;
}

/**
 * The call's result. `denominator` is 'mean''s divisor without sample weights (n, or Σ w_{y_i}
 * for index targets); with them the kernels have summed Σ s_i (or Σ s_i·w_{y_i}) into r.den.
 */
function finish(o: Resolved, r: Outcome, denominator: number, kind: OutKind, one: boolean): Result {
  // (A single distribution or number with `out` fills out[0]; checkOut has made sure out.length is 1.)
  if (o.reduction !== 'none') return reduce(o, r, o.sampleWeights ? r.den : denominator);
  if (one && !o.out) return single(r);
  return o.out ?? (shapeRows(r.rows!, kind) as Rows);
}

/**
 * A plan whose per-row results land in the array the call returns (for one value: a plain number).
 * `inputs`: the call's array arguments, which decide whether `out` may be written chunk by chunk.
 */
function plan(
  n: number,
  k: number,
  width: number,
  o: Resolved,
  kind: OutKind,
  one: boolean,
  inputs: unknown[] = [],
  params = o.params,
): Plan {
  const keep = o.reduction === 'none';
  const into = keep && !(one && !o.out) ? resultArray(kind, n * width, o.out) : undefined;
  return {
    fn: o.fn,
    n,
    k,
    width,
    keep,
    validate: o.validate,
    into,
    intoIsCallers: o.out !== undefined,
    outDirect: directOut(o.out, inputs),
    params,
  };
}

/** informationContent, binaryEntropy: one probability argument, elementwise. */
function elementwise(be: Backend, fn: string, p: unknown, opts: Options | undefined, kernel: Kernel1): Result {
  const o = resolveOptions(fn, opts);
  const e = readElements(fn, 'p', p);
  checkOut(fn, o, e.n);
  const sw = readSampleWeights(fn, o, e.n, 'elements');
  const checked: Checked[] = [{ name: 'p', src: e.src, rule: probabilityRule }];
  const r = runChunks(
    be,
    plan(e.n, 1, 1, o, e.kind, e.scalar, [p, o.sampleWeights]),
    (b, r0, n, out) =>
      kernel(b.kernels, b.stage(PREDICTIONS, e.src, r0, r0 + n), n, out, stageSampleWeights(b, sw, r0, n)),
    (r0, n) => findBadValue(fn, checked, 1, false, r0, r0 + n) ?? badSampleWeight(fn, sw, r0, n),
  );
  return finish(o, r, e.n, e.kind, e.scalar);
}

/** binaryCrossEntropy, sigmoidCrossEntropy: (y, prediction) pairs, elementwise. */
function elementwisePair(
  be: Backend,
  fn: string,
  y: unknown,
  x: unknown,
  xArg: string,
  xRule: Rule,
  opts: Options | undefined,
  kernel: Kernel2,
): Result {
  const o = resolveOptions(fn, opts);
  const [ey, ex] = readElementPair(fn, y, x, xArg);
  checkOut(fn, o, ex.n);
  const sw = readSampleWeights(fn, o, ex.n, 'elements');
  const checked: Checked[] = [
    { name: 'y', src: ey.src, rule: probabilityRule },
    { name: xArg, src: ex.src, rule: xRule },
  ];
  const r = runChunks(
    be,
    plan(ex.n, 1, 1, o, ex.kind, ex.scalar, [y, x, o.sampleWeights]),
    (b, r0, n, out) =>
      kernel(
        b.kernels,
        b.stage(TARGETS, ey.src, r0, r0 + n),
        b.stage(PREDICTIONS, ex.src, r0, r0 + n),
        n,
        out,
        stageSampleWeights(b, sw, r0, n),
      ),
    (r0, n) => findBadValue(fn, checked, 1, false, r0, r0 + n) ?? badSampleWeight(fn, sw, r0, n),
  );
  return finish(o, r, ex.n, ex.kind, ex.scalar);
}

/** Per-class weights, checked against k and placed once for the whole call. */
function stageWeights(fn: string, be: Backend, o: Resolved, k: number): View {
  if (o.weights === undefined) return NO_WEIGHTS;
  if (o.weights.length !== k) throw new TypeError(`${fn}: weights has ${o.weights.length} entries for ${k} classes`);
  if (o.validate) checkWeights(fn, o.weights);
  return be.stage(WEIGHTS, flatSource(o.weights), 0, k);
}

/**
 * crossEntropy, klDivergence, softmaxCrossEntropy: targets (dense or indices) against a batch of
 * predictions. `dense` and `index` are the kernels for each target kind.
 */
/** The fixed options of a function over a call's parameters; over the defaults, built once per `fixed`. */
const fixedOverDefaults = new WeakMap<Partial<KernelParams>, KernelParams>();
function withFixed(params: KernelParams, fixed: Partial<KernelParams>): KernelParams {
  if (params !== DEFAULT_KERNEL_PARAMS) return { ...params, ...fixed };
  let merged = fixedOverDefaults.get(fixed);
  if (!merged) fixedOverDefaults.set(fixed, (merged = Object.freeze({ ...params, ...fixed })));
  return merged;
}

function rowsWithTargets(
  be0: Backend,
  fn: string,
  p: unknown,
  q: unknown,
  qArg: string,
  opts: Options | undefined,
  dense: RowKernel,
  index: RowKernel,
  index32?: RowKernel32,
  fixed?: Partial<KernelParams>,
): Result {
  const o = resolveOptions(fn, opts);
  // Options a function does not take are fixed (klDivergence: no clamp, smoothing or ignoreIndex);
  // the index kernel and the locator then agree on which target is ignored.
  const params = fixed ? withFixed(o.params, fixed) : o.params;
  const ignoreIndex = params.ignoreIndex;
  const qb = readBatch(fn, qArg, q, o.classes);
  const t: Targets = readTargets(fn, p, qb);
  const { n, k } = qb;
  checkOut(fn, o, n);
  const sw = readSampleWeights(fn, o, n, 'rows');
  const be = backendFor(be0, k);
  const w = stageWeights(fn, be, o, k);
  const valueRule = qArg === 'logits' ? logitRule : params.normalize ? massRule : probabilityRule;
  const checked: Checked[] = [{ name: qArg, src: qb.src, rule: valueRule }];
  // The locator applies the kernel's rule: normalize rescales crossEntropy/klDivergence targets,
  // but does not apply to softmaxCrossEntropy, whose targets are always probabilities.
  const targetRule = params.normalize && qArg !== 'logits' ? massRule : probabilityRule;
  if (!t.index) checked.unshift({ name: 'p', src: t.src, rule: targetRule });
  const kernel = t.index ? index : dense;
  // Float32 predictions with class indices stay float32 (read in place, no conversion) where a kernel exists.
  const kernel32 = t.index && qb.src.f32 ? index32 : undefined;
  const locate = (r0: number, rows: number): Error | null =>
    (t.index ? findBadIndex(fn, t.src, k, ignoreIndex, r0, r0 + rows) : null) ??
    findBadValue(fn, checked, k, !qb.single, r0 * k, (r0 + rows) * k) ??
    badSampleWeight(fn, sw, r0, rows);
  // Per-row cross-entropy of int32 labels and float32 probabilities, nothing else asked: the fused kernel.
  if (
    be.crossEntropyIndexI32F32 &&
    fastPath.fusedIndex32 &&
    fn === 'crossEntropy' &&
    p instanceof Int32Array &&
    qb.src.f32 &&
    !qb.single &&
    o.reduction === 'none' &&
    !o.out &&
    !sw &&
    o.weights === undefined &&
    params.eps === 0 &&
    params.smoothing === 0 &&
    !params.normalize &&
    Number.isNaN(ignoreIndex)
  ) {
    return fusedCrossEntropyRows(be, fn, p, qb.src.f32, n, k, params, o.validate, locate);
  }
  const r = runChunks(
    be,
    plan(n, k, 1, o, qb.kind, qb.single, [p, q, o.weights, o.sampleWeights], params),
    (b, r0, rows, out) => {
      const tv = t.index ? b.stage(TARGETS, t.src, r0, r0 + rows) : b.stage(TARGETS, t.src, r0 * k, (r0 + rows) * k);
      const s = stageSampleWeights(b, sw, r0, rows);
      if (kernel32)
        return kernel32(b.kernels, tv, b.stage32(PREDICTIONS, qb.src, r0 * k, (r0 + rows) * k), rows, k, out, w, s);
      return kernel(b.kernels, tv, b.stage(PREDICTIONS, qb.src, r0 * k, (r0 + rows) * k), rows, k, out, w, s);
    },
    locate,
  );
  return finish(o, r, t.index ? r.den : n, qb.kind, qb.single);
}

/**
 * crossEntropy per row of int32 labels and float32 probabilities (reduction 'none'): the fused
 * kernel (assembly/cross_entropy.ts, crossEntropyIndexI32F32) chunk by chunk, in the chunks
 * runChunks would cut, writing float32 results straight into the array returned (a fresh one:
 * nothing the caller holds is written before a flagged chunk throws).
 */
function fusedCrossEntropyRows(
  be: Backend,
  fn: string,
  y: Int32Array,
  q: Float32Array,
  n: number,
  k: number,
  params: KernelParams,
  validate: boolean,
  locate: (r0: number, rows: number) => Error | null,
): Float32Array {
  const into = new Float32Array(n);
  taken.fused++;
  be.setParams(params);
  const perChunk = Math.max(1, Math.floor(be.capacity / k));
  for (let r0 = 0; r0 < n; r0 += perChunk) {
    const rows = Math.min(perChunk, n - r0);
    const bad = be.crossEntropyIndexI32F32!(y, q, r0, rows, k, into);
    if (bad && validate) throw locate(r0, rows) ?? changedWhileRead(fn, r0, rows);
  }
  return into;
}

/**
 * A per-row function of one batch (entropy, logSumExp): read the rows, check them by `rule`, run
 * `kernel` chunk by chunk with the rows' sample weights, and shape the result.
 */
function rowsOfOneBatch(
  be: Backend,
  fn: string,
  name: string,
  x: unknown,
  opts: Options | undefined,
  rule: (o: Resolved) => Rule,
  kernel: 'entropyRowsF64' | 'logSumExpRowsF64',
): Result {
  const o = resolveOptions(fn, opts);
  const b = readBatch(fn, name, x, o.classes);
  const { n, k } = b;
  checkOut(fn, o, n);
  const sw = readSampleWeights(fn, o, n, 'rows');
  const checked: Checked[] = [{ name, src: b.src, rule: rule(o) }];
  const r = runChunks(
    backendFor(be, k),
    plan(n, k, 1, o, b.kind, b.single, [x, o.sampleWeights]),
    (b2, r0, rows, out) =>
      b2.kernels[kernel](
        b2.stage(PREDICTIONS, b.src, r0 * k, (r0 + rows) * k),
        rows,
        k,
        out,
        stageSampleWeights(b2, sw, r0, rows),
      ),
    (r0, rows) => findBadValue(fn, checked, k, !b.single, r0 * k, (r0 + rows) * k) ?? badSampleWeight(fn, sw, r0, rows),
  );
  return finish(o, r, n, b.kind, b.single);
}

/** softmax / logSoftmax: the same shape and kind as the input. */
function softmaxOf(be0: Backend, fn: string, z: unknown, opts: Options | undefined, log: number): Result | number[][] {
  const o = resolveOptions(fn, opts);
  // Softmax rows are distributions, not losses: there is nothing to weigh (API.md).
  if (o.sampleWeights !== undefined) throw new TypeError(`${fn}: sampleWeights does not apply to ${fn}`);
  const b: Batch = readBatch(fn, 'logits', z, o.classes);
  const { n, k } = b;
  checkOut(fn, o, n * k);
  const checked: Checked[] = [{ name: 'logits', src: b.src, rule: logitRule }];
  const r = runChunks(
    backendFor(be0, k),
    {
      fn,
      n,
      k,
      width: k,
      keep: true,
      validate: o.validate,
      into: b.nested && !o.out ? undefined : resultArray(b.kind, n * k, o.out),
      intoIsCallers: o.out !== undefined,
      outDirect: directOut(o.out, [z], z),
      params: { ...o.params, log },
    },
    (be, r0, rows, out) =>
      be.kernels.softmaxRowsF64(be.stage(PREDICTIONS, b.src, r0 * k, (r0 + rows) * k), rows, k, out),
    (r0, rows) => findBadValue(fn, checked, k, !b.single, r0 * k, (r0 + rows) * k),
  );
  const flat = r.rows!;
  if (b.nested && !o.out) {
    return Array.from({ length: n }, (_, i) => Array.from(flat.subarray(i * k, (i + 1) * k)));
  }
  return o.out ?? (shapeRows(flat, b.kind) as Rows);
}

/** scoreRows: the fused per-row scoring pass (assembly/score.ts). */
function scoreRows(be0: Backend, labels: unknown, scores: unknown, opts: ScoreOptions): ScoredRows {
  const fn = 'scoreRows';
  if (opts?.input !== 'logits' && opts?.input !== 'probs') {
    throw new RangeError(`${fn}: input must be 'logits' or 'probs', got ${describeValue(opts?.input)}`);
  }
  const o = resolveOptions(fn, { classes: opts.classes, base: opts.base, validate: opts.validate });
  if (o.classes === undefined) throw new TypeError(`${fn}: classes is required`);
  const qb = readBatch(fn, 'scores', scores, o.classes);
  const { n, k } = qb;
  const t = readTargets(fn, labels, qb);
  if (!t.index || t.src.length !== n) throw new TypeError(`${fn}: labels must be one class index per row`);
  const logits = opts.input === 'logits';
  // The kernel writes each row's arg-max over its label: work on a copy, never the caller's array.
  const work = new Float64Array(n);
  t.src.copy(work, 0, 0, n);
  const labelsSrc = flatSource(work);
  const entropy = new Float64Array(n);
  const checked: Checked[] = [{ name: 'scores', src: qb.src, rule: logits ? logitRule : probabilityRule }];
  const r = runChunks(
    backendFor(be0, k),
    plan(n, k, 1, { ...o, reduction: 'none', out: undefined }, 'array', false, [], { ...o.params, logits: +logits }),
    (b, r0, rows, out) => {
      const yv = b.stage(TARGETS, labelsSrc, r0, r0 + rows);
      const hv = b.outputAt(WEIGHTS, entropy, r0, rows);
      const K = b.kernels;
      const bad = qb.src.f32
        ? K.scoreRowsF32(yv, b.stage32(PREDICTIONS, qb.src, r0 * k, (r0 + rows) * k), rows, k, out, hv)
        : K.scoreRowsF64(yv, b.stage(PREDICTIONS, qb.src, r0 * k, (r0 + rows) * k), rows, k, out, hv);
      b.collect(entropy, r0, rows, hv);
      b.collect(work, r0, rows, yv);
      return bad;
    },
    (r0, rows) =>
      findBadIndex(fn, t.src, k, NaN, r0, r0 + rows) ?? findBadValue(fn, checked, k, true, r0 * k, (r0 + rows) * k),
  );
  return { crossEntropy: r.rows as Float64Array, entropy, predicted: Int32Array.from(work) }; // no `into`: a fresh Float64Array
}

/** klDivergence takes no clamp, smoothing or ignoreIndex. */
const KL_FIXED: Partial<KernelParams> = Object.freeze({ eps: 0, smoothing: 0, ignoreIndex: NaN });

export function createApi(be: Backend, features: Features = { simd: 'none' }): Xentropy {
  // Small calls of the common kinds take the fast paths (fast-calls.ts); a MISS runs the general path.
  const d = be.direct;
  const api = {
    backend: be.name,
    features: Object.freeze({ ...features }),
    get memoryBytes() {
      return be.memoryBytes();
    },
    informationContent: (p: unknown, opts?: Options) =>
      elementwise(be, 'informationContent', p, opts, (K, x, n, out, s) => K.informationContentF64(x, n, out, s)),
    binaryEntropy: (p: unknown, opts?: Options) =>
      elementwise(be, 'binaryEntropy', p, opts, (K, x, n, out, s) => K.binaryEntropyF64(x, n, out, s)),
    entropy: (p: unknown, opts?: Options) =>
      rowsOfOneBatch(
        be,
        'entropy',
        'p',
        p,
        opts,
        (o) => (o.params.normalize ? massRule : probabilityRule),
        'entropyRowsF64',
      ),
    logSumExp: (z: unknown, opts?: Options) =>
      rowsOfOneBatch(be, 'logSumExp', 'logits', z, opts, () => logitRule, 'logSumExpRowsF64'),
    crossEntropy: (p: unknown, q: unknown, opts?: Options) =>
      rowsWithTargets(
        be,
        'crossEntropy',
        p,
        q,
        'q',
        opts,
        (K, t, q2, n, k, out, w, s) => K.crossEntropyDenseF64(t, q2, n, k, out, w, s),
        (K, t, q2, n, k, out, w, s) => K.crossEntropyIndexF64(t, q2, n, k, out, w, s),
        (K, t, q2, n, k, out, w, s) => K.crossEntropyIndexF32(t, q2, n, k, out, w, s),
      ),
    klDivergence: (p: unknown, q: unknown, opts?: Options) =>
      rowsWithTargets(
        be,
        'klDivergence',
        p,
        q,
        'q',
        opts,
        (K, t, q2, n, k, out, _w, s) => K.klDivergenceRowsF64(t, q2, n, k, out, s),
        // Index targets are one-hot rows, whose entropy is 0: KL(e_y ‖ q) = -ln q_y. No weights, no
        // clamp, no smoothing, no ignoreIndex (API.md: crossEntropy and softmaxCrossEntropy only).
        (K, t, q2, n, k, out, _w, s) => K.crossEntropyIndexF64(t, q2, n, k, out, NO_WEIGHTS, s),
        undefined,
        KL_FIXED,
      ),
    softmax: (z: unknown, opts?: Options) => softmaxOf(be, 'softmax', z, opts, 0),
    logSoftmax: (z: unknown, opts?: Options) => softmaxOf(be, 'logSoftmax', z, opts, 1),
    softmaxCrossEntropy: (p: unknown, z: unknown, opts?: Options) =>
      rowsWithTargets(
        be,
        'softmaxCrossEntropy',
        p,
        z,
        'logits',
        opts,
        (K, t, zv, n, k, out, w, s) => K.softmaxCrossEntropyDenseF64(t, zv, n, k, out, w, s),
        (K, t, zv, n, k, out, w, s) => K.softmaxCrossEntropyIndexF64(t, zv, n, k, out, w, s),
        (K, t, zv, n, k, out, w, s) => K.softmaxCrossEntropyIndexF32(t, zv, n, k, out, w, s),
      ),
    binaryCrossEntropy: (y: unknown, p: unknown, opts?: Options) =>
      elementwisePair(be, 'binaryCrossEntropy', y, p, 'p', probabilityRule, opts, (K, yv, pv, n, out, s) =>
        K.binaryCrossEntropyF64(yv, pv, n, out, s),
      ),
    sigmoidCrossEntropy: (y: unknown, z: unknown, opts?: Options) =>
      elementwisePair(be, 'sigmoidCrossEntropy', y, z, 'logits', logitRule, opts, (K, yv, zv, n, out, s) =>
        K.sigmoidCrossEntropyF64(yv, zv, n, out, s),
      ),
    scoreRows: (labels: unknown, scores: unknown, opts: ScoreOptions) => scoreRows(be, labels, scores, opts),
    alloc: <T extends AllocatableArray>(type: AllocatableType<T>, length: number): T => alloc(be, type, length),
    free: (array: AllocatableArray) => be.free(array),
    reserve(bytes: number) {
      if (typeof bytes !== 'number' || !Number.isSafeInteger(bytes) || bytes < 0 || bytes > MAX_ALLOC_BYTES - 2 ** 16) {
        throw new RangeError(`reserve: bytes must be an integer in [0, 4 GiB), got ${describeValue(bytes)}`);
      }
      try {
        be.reserve(bytes);
      } catch (e) {
        if (typeof WebAssembly === 'object' && e instanceof WebAssembly.RuntimeError) {
          throw new RangeError(
            `reserve: no room for ${bytes} bytes: the WebAssembly memory (${be.memoryBytes()} bytes) cannot grow further`,
          );
        }
        throw e;
      }
    },
  };
  const general = {
    entropy: api.entropy,
    crossEntropy: api.crossEntropy,
    klDivergence: api.klDivergence,
    softmaxCrossEntropy: api.softmaxCrossEntropy,
  };
  // Every method runs alone (run.ts, exclusive): a getter or Proxy inside an argument cannot call
  // back into the library while a call has staged data in the shared scratch.
  for (const [name, desc] of Object.entries(Object.getOwnPropertyDescriptors(api))) {
    if (typeof desc.value === 'function')
      Object.defineProperty(api, name, { ...desc, value: exclusive(name, desc.value) });
  }
  // The functions with small-call paths (fast-calls.ts) enter and leave by hand: each its own
  // code, so the JIT can inline the fast path into the caller; a MISS runs the general path.
  const withFastPath = {
    entropy(p: unknown, opts?: Options): Result {
      enter('entropy');
      try {
        return fastEntropy(d, p, opts) ?? general.entropy(p, opts);
      } finally {
        leave();
      }
    },
    crossEntropy(p: unknown, q: unknown, opts?: Options): Result {
      enter('crossEntropy');
      try {
        return (
          (typeof p === 'number' ? fastIndexOne(d, p, q, opts) : fastRows(d, CROSS_ENTROPY, p, q, opts)) ??
          general.crossEntropy(p, q, opts)
        );
      } finally {
        leave();
      }
    },
    klDivergence(p: unknown, q: unknown, opts?: Options): Result {
      enter('klDivergence');
      try {
        return fastRows(d, KL_DIVERGENCE, p, q, opts) ?? general.klDivergence(p, q, opts);
      } finally {
        leave();
      }
    },
    softmaxCrossEntropy(p: unknown, z: unknown, opts?: Options): Result {
      enter('softmaxCrossEntropy');
      try {
        return fastRows(d, SOFTMAX_CROSS_ENTROPY, p, z, opts) ?? general.softmaxCrossEntropy(p, z, opts);
      } finally {
        leave();
      }
    },
  };
  for (const [name, desc] of Object.entries(Object.getOwnPropertyDescriptors(withFastPath)))
    Object.defineProperty(api, name, desc);
  // The accumulator's binary scoring reaches this backend's fused kernel (score-binary.ts).
  registerBackend(api, be);
  return Object.freeze(api) as unknown as Xentropy;
}

/** The array kinds alloc() places, by constructor (the same realm's, which `free` and the kernels expect). */
const ALLOCATABLE: readonly unknown[] = [Float64Array, Float32Array, Int32Array];

/** The most one alloc() can place: a 32-bit WebAssembly memory holds 4 GiB, so both backends stop there. */
const MAX_ALLOC_BYTES = 2 ** 32;

/**
 * alloc() with its arguments checked before the backend sees them (a wrong constructor would come
 * back as some other object; a byte count ≥ 2^32 would wrap in the wasm call), and an exhausted
 * wasm heap reported as the RangeError it is rather than the allocator's trap.
 */
function alloc<T extends AllocatableArray>(be: Backend, type: AllocatableType<T>, length: number): T {
  if (!ALLOCATABLE.includes(type)) {
    const name =
      typeof type === 'function' && typeof type.name === 'string' && type.name ? type.name : describeValue(type);
    throw new TypeError(`alloc: type must be Float64Array, Float32Array or Int32Array, got ${name}`);
  }
  if (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 0) {
    throw new RangeError(`alloc: length must be a non-negative integer, got ${describeValue(length)}`);
  }
  const bytes = length * type.BYTES_PER_ELEMENT;
  if (bytes > MAX_ALLOC_BYTES - 2 ** 16) {
    throw new RangeError(`alloc: ${length} values (${bytes} bytes) exceed the 4 GiB a WebAssembly memory can hold`);
  }
  try {
    return be.alloc(type, length);
  } catch (e) {
    // The allocator traps (unreachable) when memory.grow fails; nothing was changed by then.
    if (typeof WebAssembly === 'object' && e instanceof WebAssembly.RuntimeError) {
      throw new RangeError(
        `alloc: no room for ${bytes} bytes: the WebAssembly memory (${be.memoryBytes()} bytes) cannot grow further`,
      );
    }
    throw e;
  }
}

export type { Source };
