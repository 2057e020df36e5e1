/**
 * The contract, read independently from API.md (not from src/): `spec()` reads a call's arguments
 * the way the contract describes (options, shapes, targets, value rules) and either lists the
 * problems the call must throw for, or gives the expected value through the naive references.
 * Also API.md's accuracy bound, and scoreRows' contract (src/api.ts).
 */
import { refBatch, refElementwise } from './reference.mjs';
import { elementOf, FAMILY, INT_KINDS, isArrayish, isBig, isDetached, kindOf, PRED_ARG, tagOf } from './values.mjs';

/** An error the contract requires: its class and what its message names (after "fn: "). */
export class Problem {
  constructor(cls, mention) {
    this.cls = cls;
    this.mention = `: ${mention}`;
  }
}

/** API.md's bound for one value: float64 max(1e-13|e|, 1e-15); float32 max(2e-6|e|, 2^-126). */
export function bound(e, f32) {
  return f32 ? Math.max(2e-6 * Math.abs(e), 2 ** -126) : Math.max(1e-13 * Math.abs(e), 1e-15);
}

/**
 * API.md's bound is the float32 one for float32 inputs (whatever the output type: a reduction or an
 * `out: Float64Array` of float32 predictions is still bounded by 2e-6·|exact|).
 */
export function float32Input(fn, args) {
  const pred = FAMILY[fn] === 'elem2' || FAMILY[fn] === 'targets' ? args[1] : args[0];
  const f32 = (x) => tagOf(x) === 'Float32Array';
  return f32(pred) || (Array.isArray(pred) && Array.prototype.some.call(pred, f32));
}

/**
 * Stage 1: the options (API.md's table; eps in [0, 0.5] and boolean flags are this library's
 * documented choices). Returns { problems, o }, o the options resolved with their defaults.
 */
function readOptions(optsArg) {
  const problems = [];
  const opts = optsArg === undefined || optsArg === null ? {} : optsArg;
  if (typeof opts !== 'object') return { problems: [new Problem(TypeError, 'options ')] };
  const reduction = opts.reduction ?? 'none';
  if (!['none', 'sum', 'mean'].includes(reduction)) problems.push(new Problem(RangeError, 'reduction '));
  const numOpt = (name, ok) => {
    const v = opts[name];
    if (v === undefined) return;
    if (typeof v !== 'number') problems.push(new Problem(TypeError, `${name} `));
    else if (ok && !ok(v)) problems.push(new Problem(RangeError, `${name} `));
  };
  numOpt('eps', (v) => v >= 0 && v <= 0.5);
  numOpt('labelSmoothing', (v) => v >= 0 && v <= 1);
  numOpt('ignoreIndex');
  numOpt('posWeight');
  const out = opts.out;
  if (out !== undefined) {
    if (!(out instanceof Float64Array || out instanceof Float32Array)) problems.push(new Problem(TypeError, 'out '));
    else if (reduction !== 'none') problems.push(new Problem(TypeError, 'out '));
    else if (isDetached(out)) problems.push(new Problem(TypeError, 'out '));
  }
  if (opts.weights !== undefined && !(Array.isArray(opts.weights) || ArrayBuffer.isView(opts.weights)))
    problems.push(new Problem(TypeError, 'weights '));
  const sw = opts.sampleWeights;
  if (sw !== undefined && (!(Array.isArray(sw) || ArrayBuffer.isView(sw)) || isDetached(sw)))
    problems.push(new Problem(TypeError, 'sampleWeights '));
  const classes = opts.classes;
  if (classes !== undefined && !(typeof classes === 'number' && Number.isInteger(classes) && classes >= 1))
    problems.push(new Problem(TypeError, 'classes '));
  const base = opts.base;
  if (base !== undefined && base !== Math.E) {
    if (typeof base !== 'number') problems.push(new Problem(TypeError, 'base '));
    else if (!(base > 0 && base !== 1 && base < Infinity)) problems.push(new Problem(RangeError, 'base '));
  }
  for (const f of ['normalize', 'validate'])
    if (opts[f] !== undefined && typeof opts[f] !== 'boolean') problems.push(new Problem(TypeError, `${f} `));
  if (problems.length) return { problems };
  const lnBase =
    base === undefined || base === Math.E ? 1 : base === 2 ? Math.LN2 : base === 10 ? Math.LN10 : Math.log(base);
  const o = {
    reduction,
    validate: opts.validate !== false,
    normalize: opts.normalize === true,
    lnBase,
    eps: opts.eps ?? 0,
    labelSmoothing: opts.labelSmoothing ?? 0,
    ignoreIndex: opts.ignoreIndex ?? NaN,
    posWeight: opts.posWeight ?? 1,
    weights: opts.weights,
    sampleWeights: sw,
    out,
    classes,
  };
  return { problems, o };
}

/** Stage 2: reads arguments as shapes; every shape error is pushed to `problems` (and null or -1 returned). */
class ShapeReader {
  constructor(classes) {
    this.classes = classes;
    this.problems = [];
  }

  refuse(mention) {
    this.problems.push(new Problem(TypeError, mention));
    return null;
  }

  /** Elementwise: a number, or a flat array. */
  elements(name, x) {
    if (typeof x === 'number') return { scalar: true, n: 1, at: () => x, kind: 'number' };
    if (!isArrayish(x)) return this.refuse(`${name} `);
    if (isDetached(x)) return this.refuse(`${name} `);
    if (Array.isArray(x) && x.length > 0 && isArrayish(x[0])) return this.refuse(`${name} `);
    return { scalar: false, n: x.length, at: (i) => elementOf(x, i), kind: kindOf(x) };
  }

  /** Rows of one width: the width, or -1. */
  rows(name, x) {
    const k = x[0].length;
    for (let r = 0; r < x.length; r++) {
      if (!isArrayish(x[r]) || isDetached(x[r]) || x[r].length !== k) {
        this.refuse(`${name} `);
        return -1;
      }
    }
    return k;
  }

  /** A batch: rows, a flat array of `classes` columns, or one distribution (no `classes`). */
  batch(name, x) {
    const { classes } = this;
    if (!isArrayish(x) || isDetached(x)) return this.refuse(`${name} `);
    if (Array.isArray(x) && x.length > 0 && isArrayish(x[0])) {
      const k = this.rows(name, x);
      if (k < 0) return null;
      if (classes !== undefined && classes !== k) return this.refuse(`${name} `);
      return {
        n: x.length,
        k,
        single: false,
        nested: true,
        kind: 'array',
        at: (i) => elementOf(x[Math.floor(i / k)], i % k),
      };
    }
    const len = x.length;
    if (classes === undefined)
      return { n: 1, k: len, single: true, nested: false, kind: kindOf(x), at: (i) => elementOf(x, i) };
    if (len % classes !== 0) return this.refuse(`${name} `);
    return { n: len / classes, k: classes, single: false, nested: false, kind: kindOf(x), at: (i) => elementOf(x, i) };
  }

  /** Targets against predictions q: class indices (a number, an integer array, a list of n) or dense (n×k). */
  targets(p, q) {
    const { n, k } = q;
    if (typeof p === 'number' || typeof p === 'bigint') {
      if (n !== 1) return this.refuse('a single class index ');
      const v = Number(p);
      return { index: true, length: 1, at: () => v };
    }
    if (!isArrayish(p) || isDetached(p)) return this.refuse('targets ');
    if (Array.isArray(p) && p.length > 0 && isArrayish(p[0])) {
      const w = this.rows('targets', p);
      if (w < 0) return null;
      if (p.length !== n || w !== k) return this.refuse('targets ');
      return { index: false, at: (i) => elementOf(p[Math.floor(i / k)], i % k) };
    }
    const tag = tagOf(p);
    if (tag && INT_KINDS.includes(tag)) {
      if (p.length !== n) return this.refuse(`${p.length} class indices`);
      return { index: true, length: p.length, at: (i) => elementOf(p, i) };
    }
    if (p.length === n * k) return { index: false, at: (i) => elementOf(p, i) };
    if (p.length === n) return { index: true, length: p.length, at: (i) => elementOf(p, i) };
    return this.refuse('targets ');
  }
}

const prob = (v) => v >= 0 && v <= 1;
const mass = (v) => v >= 0;
const logit = (v) => v < Infinity;

/** Records a bad value of `arg` at flat position i (batch: row, column), as the contract names it. */
function checkValue(values, arg, v, i, k, batch, rule) {
  const where = batch ? `${arg} at row ${Math.floor(i / k)}, column ${i % k} ` : `${arg} at index ${i} `;
  if (typeof v !== 'number') values.push(new Problem(TypeError, where));
  else if (!rule(v)) values.push(new Problem(RangeError, where));
}

/**
 * Sample weights against the call's row (element) count: the wrong length is a TypeError;
 * with validation, a non-number entry a TypeError and a negative, NaN or infinite one a
 * RangeError, named by index. Pushes to `shape` and `values`.
 */
function sampleWeightProblems(o, rows) {
  const sw = o.sampleWeights;
  if (sw === undefined) return { shape: [], values: [] };
  if (sw.length !== rows) return { shape: [new Problem(TypeError, 'sampleWeights ')], values: [] };
  const values = [];
  if (o.validate) {
    for (let i = 0; i < rows; i++) {
      const v = elementOf(sw, i);
      if (typeof v !== 'number') values.push(new Problem(TypeError, `sampleWeights at index ${i} `));
      else if (!(v >= 0 && v < Infinity)) values.push(new Problem(RangeError, `sampleWeights at index ${i} `));
    }
  }
  return { shape: [], values };
}

/** Stages 2–3 of an elementwise call. */
function specElementwise(fn, args, o, stages) {
  const family = FAMILY[fn];
  const predArg = PRED_ARG[fn];
  const reader = new ShapeReader(o.classes);
  stages.push(reader.problems);
  const y = family === 'elem2' ? reader.elements('y', args[0]) : null;
  const x = reader.elements(predArg, args[family === 'elem2' ? 1 : 0]);
  if (family === 'elem2' && x && y && (x.scalar !== y.scalar || x.n !== y.n)) reader.refuse('y and ');
  if (reader.problems.length) return { stages };
  if (o.out !== undefined && o.out.length !== x.n) return { stages: [...stages, [new Problem(TypeError, 'out ')]] };
  const weighted = sampleWeightProblems(o, x.n);
  if (weighted.shape.length) return { stages: [...stages, weighted.shape] };
  const values = [];
  const xRule = fn === 'sigmoidCrossEntropy' ? logit : prob;
  if (o.validate) {
    for (let i = 0; i < x.n; i++) {
      if (y) checkValue(values, 'y', y.at(i), i, 1, false, prob);
      checkValue(values, predArg, x.at(i), i, 1, false, xRule);
    }
  }
  values.push(...weighted.values);
  stages.push(values);
  if (values.length) return { stages };
  return { stages, expect: () => refElementwise(fn, o, x, y) };
}

/** Weights: length k (every function that takes targets checks them), entries finite numbers when validating. */
function weightsProblem(o, k) {
  const w = o.weights;
  if (w.length !== k) return new Problem(TypeError, 'weights ');
  if (!o.validate) return null;
  for (let j = 0; j < k; j++) {
    const v = elementOf(w, j);
    if (typeof v !== 'number') return new Problem(TypeError, `weights at index ${j} `);
    if (!Number.isFinite(v)) return new Problem(RangeError, `weights at index ${j} `);
  }
  return null;
}

/** Stage 3 of a batch call: the targets' indices and every value against its rule. */
function batchValueProblems(fn, o, q, t) {
  const { n, k } = q;
  const values = [];
  const batch = !q.single;
  const honorsIgnore = fn !== 'klDivergence';
  if (t?.index) {
    for (let r = 0; r < n; r++) {
      const y = t.at(r);
      const where = t.length === 1 ? 'target ' : `target at row ${r} `;
      if (typeof y !== 'number') values.push(new Problem(TypeError, where));
      else if (!(honorsIgnore && y === o.ignoreIndex) && !(Number.isInteger(y) && y >= 0 && y < k))
        values.push(new Problem(RangeError, where));
    }
  }
  const qRule =
    FAMILY[fn] === 'softmax' || fn === 'softmaxCrossEntropy' || fn === 'logSumExp' ? logit : o.normalize ? mass : prob;
  const pRule = o.normalize && fn !== 'softmaxCrossEntropy' ? mass : prob;
  for (let i = 0; i < n * k; i++) {
    if (t && !t.index) checkValue(values, 'p', t.at(i), i, k, batch, pRule);
    checkValue(values, PRED_ARG[fn], q.at(i), i, k, batch, qRule);
  }
  return values;
}

/** Stages 2–3 of a batch call (entropy, softmax, logSoftmax, and the functions with targets). */
function specBatch(fn, args, o, stages) {
  const family = FAMILY[fn];
  // softmax and logSoftmax take no sample weights: refused before the arguments are read.
  if (family === 'softmax' && o.sampleWeights !== undefined)
    return { stages: [...stages, [new Problem(TypeError, 'sampleWeights ')]] };
  const reader = new ShapeReader(o.classes);
  stages.push(reader.problems);
  const q = reader.batch(PRED_ARG[fn], args[family === 'targets' ? 1 : 0]);
  const t = q && family === 'targets' ? reader.targets(args[0], q) : null;
  if (reader.problems.length) return { stages };
  const { n, k } = q;
  const outLen = family === 'softmax' ? n * k : n;
  if (o.out !== undefined && o.out.length !== outLen) return { stages: [...stages, [new Problem(TypeError, 'out ')]] };
  const weighted = family === 'softmax' ? { shape: [], values: [] } : sampleWeightProblems(o, n);
  if (weighted.shape.length) return { stages: [...stages, weighted.shape] };
  if (family === 'targets' && o.weights !== undefined) {
    const problem = weightsProblem(o, k);
    if (problem) return { stages: [...stages, [problem]] };
  }
  const values = o.validate ? batchValueProblems(fn, o, q, t) : [];
  values.push(...weighted.values);
  stages.push(values);
  if (values.length) return { stages };
  return { stages, expect: () => refBatch(fn, o, q, t) };
}

/**
 * What the contract says about a call: { stages: Problem[][] (first non-empty wins) }
 * or { stages (all empty), expect(): reference result | undefined (not well-conditioned) }.
 */
export function spec(fn, args) {
  const { problems, o } = readOptions(args[args.length - 1]);
  if (problems.length) return { stages: [problems] };
  const stages = [problems];
  const family = FAMILY[fn];
  return family === 'elem1' || family === 'elem2'
    ? specElementwise(fn, args, o, stages)
    : specBatch(fn, args, o, stages);
}

// ---------------------------------------------------------------------------------------------
// scoreRows (src/api.ts): input, classes, base, validate; one label per row; value rules

/** Element i of scores, flat or given as rows of k. */
export function scoreAt(scores, k, i) {
  return Array.isArray(scores) && scores.length > 0 && isArrayish(scores[0])
    ? elementOf(scores[Math.floor(i / k)], i % k)
    : elementOf(scores, i);
}

/** The label and value problems of a valid-shaped scoreRows call (validate on). */
function scoreValueProblems(c, scores, labels, input) {
  const problems = [];
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
    else if (input === 'logits' ? !(v < Infinity) : !(v >= 0 && v <= 1)) problems.push(new Problem(RangeError, where));
  }
  return problems;
}

/** The problems a scoreRows call must throw for (empty: it must return). */
export function scoreSpec(c, { scores, labels, opts }) {
  if (opts.input !== 'logits' && opts.input !== 'probs') return [new Problem(RangeError, 'input ')];
  if (
    Array.isArray(scores) &&
    scores.length > 0 &&
    isArrayish(scores[0]) &&
    !(
      Array.prototype.every.call(scores, (row) => isArrayish(row) && !isDetached(row) && row.length === c.k) &&
      scores.length === c.n
    )
  ) {
    // An array first makes scores rows (number[][]): unless every element is a row of k, a shape error.
    return [new Problem(TypeError, 'scores ')];
  }
  const lbl =
    isBig(labels) || (tagOf(labels) && INT_KINDS.includes(tagOf(labels)))
      ? 'index'
      : labels.length === c.n * c.k
        ? 'dense'
        : labels.length === c.n
          ? 'index'
          : 'none';
  if (lbl !== 'index') return [new Problem(TypeError, lbl === 'dense' ? 'labels ' : 'targets ')];
  return opts.validate !== false ? scoreValueProblems(c, scores, labels, opts.input) : [];
}
