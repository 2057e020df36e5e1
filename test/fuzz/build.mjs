/**
 * Real arguments from a case (fresh objects for every backend and call): every representation of
 * a batch, the options, `out`, weights, the injected garbage element, the whole-argument specials,
 * and scoreRows' labels and scores.
 */
import { GARBAGE, HOLE, FAMILY, INT_KINDS, isDetached } from './values.mjs';

function detachedF64(len = 4) {
  const b = new ArrayBuffer(len * 8);
  const v = new Float64Array(b);
  structuredClone(b, { transfer: [b] });
  return v;
}

/** Makes the flat list `values` into the representation `rep` (api: for alloc reps). */
export function makeFlat(rep, values, api, allocs) {
  switch (rep) {
    case 'array':
    case 'flat':
    case 'single':
    case 'list':
      return values.slice();
    case 'f64':
    case 'single64':
    case 'f64list':
      return Float64Array.from(values);
    case 'f32':
    case 'single32':
      return Float32Array.from(values);
    case 'i32':
      return Int32Array.from(values, (v) => (Number.isFinite(v) ? v : 0));
    case 'big64':
      return BigInt64Array.from(values, (v) => BigInt(Number.isFinite(v) ? Math.trunc(v) : 0));
    case 'sab64': {
      const a = new Float64Array(new SharedArrayBuffer(Math.max(8, values.length * 8))).subarray(0, values.length);
      a.set(values);
      return a;
    }
    case 'sub64': {
      const a = new Float64Array(values.length + 5).subarray(3, 3 + values.length);
      a.set(values);
      return a;
    }
    case 'alloc64':
    case 'alloc32': {
      const a = api.alloc(rep === 'alloc64' ? Float64Array : Float32Array, values.length);
      a.set(values);
      allocs.push(a);
      return a;
    }
    default:
      if (INT_KINDS.includes(rep)) {
        const T = globalThis[rep];
        return rep.startsWith('Big')
          ? T.from(values, (v) => BigInt(Number.isFinite(v) ? Math.trunc(v) : 0))
          : T.from(values, (v) => (Number.isNaN(v) ? 0 : v));
      }
      throw new Error(`harness: unknown rep ${rep}`);
  }
}

/** A batch descriptor as an argument: rows (number[][] or typed rows), or flat (+ classes). */
function makeBatch(desc, n, k, api, allocs) {
  const { rep, values } = desc;
  if (rep === 'rows' || rep === 'rows64' || rep === 'rows32') {
    return {
      arg: Array.from({ length: n }, (_, r) => {
        const row = values.slice(r * k, (r + 1) * k);
        return rep === 'rows' ? row : rep === 'rows64' ? Float64Array.from(row) : Float32Array.from(row);
      }),
      classes: undefined,
    };
  }
  const single = rep.startsWith('single');
  return { arg: makeFlat(rep, values, api, allocs), classes: single ? undefined : k };
}

export function setGarbage(arr, at, token) {
  const v = GARBAGE[token]();
  if (v === HOLE) delete arr[at];
  else arr[at] = v;
}

/** Puts the case's garbage element into a plain array argument, if the chosen one is plain. */
function inject(c, built) {
  const g = c.inject;
  if (!g) return;
  const target =
    g.where === 'x' ? built.x : g.where === 'y' ? built.y : g.where === 't' ? built.t : built.opts?.weights;
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
    case 'f64':
      return new Float64Array(length).fill(SENTINEL);
    case 'f32':
      return new Float32Array(length).fill(SENTINEL);
    case 'short':
      return new Float64Array(Math.max(0, length - 1)).fill(SENTINEL);
    case 'long':
      return new Float64Array(length + 1).fill(SENTINEL);
    case 'i32':
      return new Int32Array(length);
    case 'null':
      return null;
    case 'detached':
      return detachedF64(length);
    case 'array':
      return new Array(length).fill(SENTINEL);
    case 'sab64':
      return new Float64Array(new SharedArrayBuffer(Math.max(8, length * 8))).subarray(0, length).fill(SENTINEL);
    default:
      return undefined;
  }
}
const SENTINEL = 42.25;

function makeWeights(w, k) {
  if (w === undefined) return undefined;
  switch (w) {
    case 'wrongLength':
      return new Array(k + 1).fill(1);
    case 'string':
      return 'weights';
    case 'object':
      return { length: k };
    case 'garbageEntry':
      return Object.assign(new Array(k).fill(1), k > 0 ? { [k - 1]: 'w' } : {});
    case 'dataview':
      return new DataView(new ArrayBuffer(8 * Math.max(k, 1)));
    default:
      return makeFlat(w.rep, w.values, null, []);
  }
}

/** Sample weights for a call of `rows` rows (elements), from their descriptor. */
function makeSampleWeights(s, rows) {
  if (s === undefined) return undefined;
  switch (s) {
    case 'wrongLength':
      return new Array(rows + 1).fill(1);
    case 'string':
      return 'sampleWeights';
    case 'garbageEntry':
      return Object.assign(new Array(rows).fill(1), rows > 0 ? { [rows - 1]: 's' } : {});
    default:
      return makeFlat(s.rep, s.values.slice(0, rows), null, []);
  }
}

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
  throw new Error("harness: alloc() kept detaching the case's views");
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
    for (const key of [
      'reduction',
      'base',
      'validate',
      'normalize',
      'eps',
      'ignoreIndex',
      'labelSmoothing',
      'posWeight',
    ]) {
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
      else if (c.t.desc.rep === 'bigscalar')
        built.t = BigInt(Number.isFinite(c.t.desc.values[0]) ? Math.trunc(c.t.desc.values[0]) : 0);
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
    const rows = family === 'softmax' ? c.n : outLength;
    if (o.sampleWeights !== undefined) opts.sampleWeights = makeSampleWeights(o.sampleWeights, rows);
  }
  inject(c, built);
  const args =
    family === 'elem1' || family === 'batch1' || family === 'softmax'
      ? [built.x, opts]
      : family === 'elem2'
        ? [built.y, built.x, opts]
        : [built.t, built.x, opts];
  return { args, opts, allocs };
}

// Whole-argument garbage

function makeSpecial(s) {
  switch (s) {
    case 'detached':
      return detachedF64();
    case 'dataview':
      return new DataView(new ArrayBuffer(16));
    case 'sab64':
      return new Float64Array(new SharedArrayBuffer(16)).fill(0.5);
    case 'sabInt32':
      return new Int32Array(new SharedArrayBuffer(8));
    case 'big64':
      return BigInt64Array.of(0n, 1n, -1n, 2n ** 63n - 1n);
    case 'bigU64':
      return BigUint64Array.of(0n, 1n, 2n ** 64n - 1n);
    case 'u8c':
      return Uint8ClampedArray.of(0, 1, 255);
    case 'proxyArray':
      return new Proxy([0.5, 0.5], {});
    case 'sparseHuge': {
      const a = [0.5];
      a.length = 1000;
      return a;
    }
    case 'frozen':
      return Object.freeze([0.25, 0.75]);
    case 'arrayLike':
      return { length: 2, 0: 0.5, 1: 0.5 };
    case 'map':
      return new Map([[0, 0.5]]);
    case 'set':
      return new Set([0.5]);
    case 'promise':
      return Promise.resolve([0.5]);
    case 'weird-rows':
      return [[0.5, 0.5], 0.5];
    case 'rows-detached':
      return [detachedF64(), detachedF64()];
    case 'rows-bigint':
      return [BigInt64Array.of(1n, 0n), BigInt64Array.of(0n, 1n)];
    case 'nullProtoArr':
      return Object.setPrototypeOf([0.5, 0.5], null);
    default:
      throw new Error(s);
  }
}

export function realize(v) {
  if (
    v &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    Object.getPrototypeOf(v) === Object.prototype &&
    'special' in v &&
    Object.keys(v).length === 1
  )
    return makeSpecial(v.special);
  if (
    v &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    Object.getPrototypeOf(v) === Object.prototype &&
    'garbage' in v &&
    Object.keys(v).length === 1
  ) {
    const g = GARBAGE[v.garbage]();
    return g === HOLE ? undefined : g;
  }
  if (Array.isArray(v)) return v.map(realize);
  return v;
}

// ---------------------------------------------------------------------------------------------
// scoreRows

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
/** The case's labels: mostly classes in range, some -1, k or 0.5, in the case's representation. */
function scoreLabels(c) {
  const vals = Array.from({ length: c.n }, (_, i) => {
    const u = (c.labelSeed + i * 7919) % 97;
    return u < 90 ? u % c.k : u < 93 ? -1 : u < 95 ? c.k : 0.5;
  });
  if (c.labelRep === 'list') return vals;
  if (c.labelRep === 'BigInt64Array') return BigInt64Array.from(vals, (v) => BigInt(Math.trunc(v)));
  return globalThis[c.labelRep].from(vals);
}

/** A scoreRows case's arguments on one backend: { scores, labels, opts, allocs to free }. */
export function buildScoreCall(c, api) {
  const allocs = [];
  const scores = makeFlat(c.rep, Array.isArray(c.values) ? c.values : bigValues(c), api, allocs);
  const labels = scoreLabels(c);
  if (c.inject && Array.isArray(scores) && scores.length)
    setGarbage(scores, c.inject.at % scores.length, c.inject.value);
  const opts = { classes: c.k, base: c.base, validate: c.validate };
  if (c.input === 'nullProto') opts.input = Object.create(null);
  else if (c.input === 'other') opts.input = 'log';
  else if (c.input !== 'missing') opts.input = c.input;
  return { scores, labels, opts, allocs };
}
