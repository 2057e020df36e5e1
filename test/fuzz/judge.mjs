/**
 * Running a case on both backends and judging the outcomes. A case fails when
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
 */
import { build, buildScoreCall, realize } from './build.mjs';
import { holdsNaNLike, KNOWN_ISSUES, knownDisagreement } from './known-issues.mjs';
import { scoreRowReference } from './reference.mjs';
import { bound, float32Input, scoreAt, scoreSpec, spec } from './spec.mjs';
import { elementOf, isDetached, real, same, tagOf } from './values.mjs';

export class CaseFailure extends Error {}

/** The call's outcome: { ok: true, value } or { ok: false, error }. */
function attempt(api, fn, args) {
  try {
    return { ok: true, value: api[fn](...args) };
  } catch (error) {
    return { ok: false, error };
  }
}

/** A case or value as one line: bigints, non-finite numbers and typed arrays spelled out. */
function show(v) {
  try {
    return JSON.stringify(v, (_, x) =>
      typeof x === 'bigint'
        ? `${x}n`
        : typeof x === 'number' && !Number.isFinite(x)
          ? String(x)
          : ArrayBuffer.isView(x)
            ? `${x.constructor.name}[${Array.from(x).join(',')}]`
            : x,
    )?.slice(0, 600);
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

/** An allowed error: RangeError/TypeError from this library (its message starts with the function's name). */
function allowedError(fn, e) {
  return (
    (e instanceof RangeError || e instanceof TypeError) &&
    typeof e.message === 'string' &&
    e.message.startsWith(`${fn}: `)
  );
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

function fail(msg, what) {
  throw new CaseFailure(`${msg}\n  case: ${what()}`);
}

const listProblems = (problems) => problems.map((p) => `${p.cls.name}(${p.mention})`).join(', ');

/** Each outcome against the problems the contract lists: the right error, or a value where none is listed. */
function judgeErrors(fn, problems, outcomes, what) {
  for (const r of outcomes) {
    if (!r.ok) {
      const e = r.error;
      if (!allowedError(fn, e))
        fail(
          `${r.name}: ${fn} threw a ${e?.constructor?.name}: ${e?.message} (only RangeError/TypeError from ${fn} are allowed)\n${e?.stack}`,
          what,
        );
      if (!problems.length)
        fail(`${r.name}: ${fn} threw ${e.constructor.name}: ${e.message} on input the contract accepts`, what);
      const match = problems.some((p) => e instanceof p.cls && e.message.includes(p.mention));
      if (!match)
        fail(
          `${r.name}: ${fn} threw ${e.constructor.name}: ${e.message}; expected one of ${listProblems(problems)}`,
          what,
        );
      if (r.outBefore && !Array.from(r.out).every((v, i) => same(v, r.outBefore[i])))
        fail(`${r.name}: out was written by a call that threw`, what);
    } else if (problems.length) {
      fail(`${r.name}: ${fn} returned ${show(r.value)} but the contract requires ${listProblems(problems)}`, what);
    }
  }
}

/** The two backends' values agree within twice API.md's bound (a reduction: also 4e-13·Σ|row|). */
function judgeAgreement(a, b, fa, fb, f32, absRows, what) {
  for (let i = 0; i < fa.values.length; i++) {
    const x = fa.values[i];
    const y = fb.values[i];
    if (Number.isFinite(x) && Number.isFinite(y)) {
      let tol = 2 * bound(Math.max(Math.abs(x), Math.abs(y)), f32);
      // A reduction may cancel (negative weights, posWeight): each row is within its bound, so the
      // sum is within 2·1e-13·Σ|row| (a mean: divided by its denominator, whose ratio is |x|/|Σ|).
      if (Math.abs(x - y) > tol && fa.kind === 'number' && absRows) tol += 4e-13 * absRows();
      if (Math.abs(x - y) > tol)
        fail(`backends disagree at [${i}]: ${a.name} ${x} vs ${b.name} ${y}, Δ=${Math.abs(x - y)}, bound=${tol}`, what);
    } else if (!same(x, y)) {
      fail(`backends disagree at [${i}]: ${a.name} ${x} vs ${b.name} ${y}`, what);
    }
  }
}

/** Every backend's values against the naive reference, within 1e-9 of its terms' magnitude plus API.md's bound. */
function judgeReference(fn, ref, outcomes, fa, f32, what) {
  const kindOk =
    ref.kind === fa.kind || (ref.kind === 'out64' && fa.kind === 'f64') || (ref.kind === 'out32' && fa.kind === 'f32');
  if (!kindOk) fail(`${fn} returned a ${fa.kind}, API.md gives a ${ref.kind}`, what);
  if (ref.values.length !== fa.values.length)
    fail(`${fn} returned ${fa.values.length} values, API.md gives ${ref.values.length}`, what);
  const f32out = fa.kind === 'f32' || ref.kind === 'out32';
  for (const r of outcomes) {
    const got = flatten(r.value).values;
    for (let i = 0; i < got.length; i++) {
      const e = ref.values[i];
      const g = got[i];
      if (f32out && Number.isFinite(e) && Math.abs(e) > 3.4e38) {
        // At float32's overflow boundary the output is ±max or ±Infinity, whichever side e rounds to.
        if (!(Math.sign(g) === Math.sign(e) && Math.abs(g) >= 3.4028234663852886e38))
          fail(`${r.name}: ${fn}[${i}] = ${g}, expected ≈ ${e} (float32 overflow)`, what);
        continue;
      }
      if (Number.isFinite(e)) {
        const tol = 1e-9 * ref.mags[i] + (f32 ? bound(e, true) : 1e-13 * Math.abs(e)) + 1e-300;
        if (!(Math.abs(g - e) <= tol))
          fail(`${r.name}: ${fn}[${i}] = ${g}, the naive reference gives ${e} (tolerance ${tol})`, what);
      } else if (!same(g, f32 ? Math.fround(e) : e)) {
        fail(`${r.name}: ${fn}[${i}] = ${g}, API.md gives ${e}`, what);
      }
    }
  }
}

/** A structured case's outcomes against its spec: errors, agreement between backends, the reference. */
function judge(fn, s, outcomes, stats, what, knownDisagreement = false, absRows = undefined, f32Input = false) {
  const problems = s.stages.find((st) => st.length) ?? [];
  judgeErrors(fn, problems, outcomes, what);
  const [a, b] = outcomes;
  if (!a.ok || !b.ok) {
    if (a.ok !== b.ok || a.error.constructor !== b.error.constructor || a.error.message !== b.error.message) {
      fail(
        `backends disagree: ${a.name} ${a.ok ? show(a.value) : a.error.message} vs ${b.name} ${b.ok ? show(b.value) : b.error.message}`,
        what,
      );
    }
    stats[a.error instanceof RangeError ? 'rangeError' : 'typeError']++;
    return;
  }
  stats.ok++;
  for (const r of outcomes)
    if (r.out !== undefined && r.value !== r.out) fail(`${r.name}: with out, the call must return out`, what);
  const fa = flatten(a.value);
  const fb = flatten(b.value);
  if (fa.kind !== fb.kind || fa.values.length !== fb.values.length)
    fail(
      `backends disagree on the result's form: ${fa.kind}[${fa.values.length}] vs ${fb.kind}[${fb.values.length}]`,
      what,
    );
  const f32 = fa.kind === 'f32' || f32Input;
  if (knownDisagreement) {
    stats.known++;
    return;
  }
  judgeAgreement(a, b, fa, fb, f32, absRows, what);
  const ref = s.expect?.();
  if (!ref) return;
  if (ref.known) {
    stats.known++;
    return;
  }
  stats.referenced++;
  judgeReference(fn, ref, outcomes, fa, f32, what);
}

/** Σ|row| of a reduced call's rows (js, reduction 'none'): the scale a cancelling reduction's error is measured by. */
function absRowsOf(api, c) {
  const b = build({ ...c, opts: { ...c.opts, reduction: 'none', out: undefined }, inject: c.inject }, api);
  try {
    const rows = api[c.fn](...b.args);
    if (typeof rows === 'number') return Math.abs(rows);
    let s = 0;
    for (const v of rows) s += Math.abs(v);
    return s;
  } finally {
    for (const a of b.allocs) api.free(a);
  }
}

/**
 * Runs a structured case on both backends and checks it against the contract. `stats` counts
 * outcomes (ok, referenced, rangeError, typeError, known).
 */
export function checkCase(apis, c, stats) {
  const outcomes = [];
  const builds = [];
  for (const [name, api] of apis) {
    const b = build(c, api);
    builds.push(b);
    const before =
      b.opts && typeof b.opts === 'object' && ArrayBuffer.isView(b.opts.out) && !isDetached(b.opts.out)
        ? Array.from(b.opts.out)
        : null;
    const r = attempt(api, c.fn, b.args);
    r.name = name;
    r.out = b.opts && typeof b.opts === 'object' ? b.opts.out : undefined;
    r.outBefore = before;
    outcomes.push(r);
  }
  try {
    const s = spec(c.fn, builds[0].args);
    const known = knownDisagreement(c.fn, builds[0].args);
    judge(
      c.fn,
      s,
      outcomes,
      stats,
      () => show(c),
      known,
      () => absRowsOf(apis[0][1], c),
      float32Input(c.fn, builds[0].args),
    );
  } finally {
    for (let i = 0; i < apis.length; i++) for (const a of builds[i].allocs) apis[i][1].free(a);
    for (const [name, api] of apis) canary(api, name);
  }
}

// ---------------------------------------------------------------------------------------------
// Whole-argument garbage

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
      fail(
        `${r.name}: ${c.fn} threw a ${r.error?.constructor?.name}: ${r.error?.message} on garbage arguments\n${r.error?.stack}`,
        what,
      );
    }
  }
  const [a, b] = outcomes;
  if (a.ok !== b.ok)
    fail(`backends disagree: ${a.ok ? 'value' : a.error.message} vs ${b.ok ? 'value' : b.error.message}`, what);
  if (!a.ok) {
    if (a.error.message !== b.error.message) fail(`backends disagree: ${a.error.message} vs ${b.error.message}`, what);
    stats[a.error instanceof RangeError ? 'rangeError' : 'typeError']++;
  } else if (knownDisagreement(c.fn, [...realize(c.args), realize(c.opts)])) {
    stats.known++;
  } else {
    stats.ok++;
    const fa = flatten(a.value);
    const fb = flatten(b.value);
    if (fa.kind !== fb.kind || fa.values.length !== fb.values.length)
      fail('backends disagree on the result form', what);
    const f32 = fa.kind === 'f32' || float32Input(c.fn, realize(c.args));
    for (let i = 0; i < fa.values.length; i++) {
      const x = fa.values[i];
      const y = fb.values[i];
      if (
        Number.isFinite(x) && Number.isFinite(y)
          ? Math.abs(x - y) > 2 * bound(Math.max(Math.abs(x), Math.abs(y)), f32)
          : !same(x, y)
      ) {
        fail(`backends disagree at [${i}]: ${x} vs ${y}`, what);
      }
    }
  }
  for (const [name, api] of apis) canary(api, name);
}

// ---------------------------------------------------------------------------------------------
// alloc/free/reserve sequences

/** 'use': a live alloc() array read by a function gives what an ordinary array gives. */
function useAllocated(name, api, a, stats) {
  if (a.length === 0) return; // detached by a later growth: reading it is refused (checked at the end)
  if (a instanceof Int32Array) {
    const r = api.softmaxCrossEntropy(
      a.map((v) => v % 2),
      new Float64Array(a.length * 2),
      { classes: 2, reduction: 'mean' },
    );
    if (Math.abs(r - Math.LN2) > 1e-15) throw new CaseFailure(`${name}: index targets from alloc gave ${r}`);
  } else {
    const expect = Array.from(a, (v) => -Math.log(v));
    const got = api.informationContent(a);
    for (let i = 0; i < a.length; i++) {
      if (!same(got[i], expect[i]) && Math.abs(got[i] - expect[i]) > bound(expect[i], a instanceof Float32Array)) {
        throw new CaseFailure(
          `${name}: informationContent of an alloc() array [${i}] = ${got[i]}, expected ${expect[i]}`,
        );
      }
    }
  }
  stats.ok++;
}

/** 'badAlloc': alloc with a wrong type or length throws a RangeError/TypeError naming alloc, or works when valid. */
function badAlloc(name, api, op, live, stats) {
  const type = { Uint8Array, Array, null: null, string: 'Float64Array', object: {}, Float64Array }[op.type];
  let threw = null;
  try {
    const a = api.alloc(type, op.length);
    live.push(a);
  } catch (e) {
    threw = e;
  }
  if (threw && !((threw instanceof RangeError || threw instanceof TypeError) && threw.message.startsWith('alloc: '))) {
    throw new CaseFailure(
      `${name}: alloc(${op.type}, ${String(op.length)}) threw ${threw.constructor.name}: ${threw.message}`,
    );
  }
  if (
    !threw &&
    !(
      op.type === 'Float64Array' &&
      Number.isSafeInteger(op.length) &&
      op.length >= 0 &&
      op.length * 8 < 2 ** 32 - 2 ** 16
    )
  ) {
    throw new CaseFailure(`${name}: alloc(${op.type}, ${String(op.length)}) did not throw`);
  }
  if (threw) stats[threw instanceof RangeError ? 'rangeError' : 'typeError']++;
}

/** 'reserve': a valid byte count works, anything else is a RangeError naming reserve. */
function reserve(name, api, op, stats) {
  const valid =
    typeof op.bytes === 'number' && Number.isSafeInteger(op.bytes) && op.bytes >= 0 && op.bytes < 2 ** 32 - 2 ** 16;
  try {
    api.reserve(op.bytes);
    if (!valid) throw new CaseFailure(`${name}: reserve(${String(op.bytes)}) did not throw`);
  } catch (e) {
    if (e instanceof CaseFailure) throw e;
    if (valid || !(e instanceof RangeError && e.message.startsWith('reserve: ')))
      throw new CaseFailure(`${name}: reserve(${String(op.bytes)}) threw ${e.constructor.name}: ${e.message}`);
    stats.rangeError++;
  }
}

/** 'badFree': freeing what alloc did not give (or twice) is a TypeError naming free. */
function badFree(name, api, op, live, freed, stats) {
  let arg;
  if (op.what === 'twice' && freed.length) arg = freed[0];
  else if (op.what === 'subarray' && live.length) arg = live[0].subarray(0, 1);
  else
    arg = {
      plain: new Float64Array(2),
      null: null,
      number: 8,
      object: {},
      twice: new Float64Array(1),
      subarray: new Float64Array(1),
    }[op.what];
  try {
    api.free(arg);
    throw new CaseFailure(`${name}: free(${op.what}) did not throw`);
  } catch (e) {
    if (e instanceof CaseFailure) throw e;
    if (!(e instanceof TypeError && e.message.startsWith('free: ')))
      throw new CaseFailure(`${name}: free(${op.what}) threw ${e.constructor.name}: ${e.message}`);
    stats.typeError++;
  }
}

/** A detached alloc() view (memory grew after it was made) is refused by the functions, never read as empty. */
function refusesDetached(name, api, live) {
  for (const a of live) {
    if (a.length === 0 && a.byteLength === 0 && isDetached(a)) {
      try {
        api.entropy(a);
        throw new CaseFailure(`${name}: a detached alloc() view was read`);
      } catch (e) {
        if (e instanceof CaseFailure) throw e;
        if (!(e instanceof TypeError && /detached/.test(e.message)))
          throw new CaseFailure(`${name}: detached view: ${e.message}`);
      }
    }
  }
}

/** One round of the sequence; frees what is still live at the end. */
function runAllocSequence(name, api, ops, stats) {
  const live = [];
  const freed = [];
  for (const op of ops) {
    if (op.op === 'alloc') {
      const a = api.alloc(globalThis[op.type], op.length);
      if (!(a instanceof globalThis[op.type]) || a.length !== op.length)
        throw new CaseFailure(`${name}: alloc gave ${a?.constructor?.name}[${a?.length}]`);
      for (let i = 0; i < a.length; i++) a[i] = (i % 7) / 8;
      live.push(a);
    } else if (op.op === 'free' && live.length) {
      const a = live.splice(op.pick % live.length, 1)[0];
      api.free(a);
      freed.push(a);
    } else if (op.op === 'use' && live.length) {
      useAllocated(name, api, live[op.pick % live.length], stats);
    } else if (op.op === 'badAlloc') {
      badAlloc(name, api, op, live, stats);
    } else if (op.op === 'reserve') {
      reserve(name, api, op, stats);
    } else if (op.op === 'badFree') {
      badFree(name, api, op, live, freed, stats);
    }
  }
  refusesDetached(name, api, live);
  for (const a of live) api.free(a);
}

/**
 * An alloc/free sequence on one backend: arrays stay usable (the functions read them with the
 * results of ordinary arrays), misuse is a RangeError/TypeError naming alloc/free, and after
 * freeing everything another round of the same sequence does not grow memory.
 */
export function checkAllocSequence(name, api, ops, stats) {
  runAllocSequence(name, api, ops, stats);
  const before = api.memoryBytes;
  runAllocSequence(name, api, ops, stats);
  if (api.memoryBytes !== before)
    throw new CaseFailure(
      `${name}: memory grew from ${before} to ${api.memoryBytes} bytes repeating an alloc/free sequence: ${show(ops)}`,
    );
  canary(api, name);
}

// ---------------------------------------------------------------------------------------------
// scoreRows (the fused scoring pass behind `xentropy score`)

/** The three result arrays of both backends: the right types and lengths, and agreement (unless a known issue). */
function judgeScoreAgreement(c, a, b, f32, known, what) {
  for (const key of ['crossEntropy', 'entropy', 'predicted']) {
    const x = a.value[key];
    const y = b.value[key];
    const T = key === 'predicted' ? Int32Array : Float64Array;
    if (!(x instanceof T) || !(y instanceof T) || x.length !== c.n || y.length !== c.n)
      fail(`scoreRows ${key}: expected a ${T.name} of ${c.n}`, what);
    if (known) continue;
    for (let i = 0; i < c.n; i++) {
      const ok =
        Number.isFinite(x[i]) && Number.isFinite(y[i])
          ? Math.abs(x[i] - y[i]) <= 2 * bound(Math.max(Math.abs(x[i]), Math.abs(y[i])), f32)
          : same(x[i], y[i]);
      if (!ok) fail(`backends disagree on ${key}[${i}]: ${x[i]} vs ${y[i]}`, what);
    }
  }
}

/** predicted is the first arg-max on every row checked; cross-entropy and entropy match the naive reference where trusted. */
function judgeScoreReference(c, built, outcomes, f32, stats, what) {
  const { scores, labels, opts } = built;
  const lnBase = opts.base === undefined ? 1 : Math.log(opts.base);
  let checked = false;
  const stride = c.n > 100 ? 97 : 1; // large batches: every 97th row (and the last)
  for (let r = 0; r < c.n; r = r + stride < c.n || r === c.n - 1 ? r + stride : c.n - 1) {
    const row = Array.from({ length: c.k }, (_, j) => real(scoreAt(scores, c.k, r * c.k + j)));
    const y = Number(elementOf(labels, r));
    let firstMax = -1;
    for (let j = 0; j < c.k; j++) if (firstMax < 0 ? row[j] > -Infinity : row[j] > row[firstMax]) firstMax = j;
    for (const api of outcomes) {
      if (api.value.predicted[r] !== firstMax)
        fail(`${api.name}: predicted[${r}] = ${api.value.predicted[r]}, the first arg-max is ${firstMax}`, what);
    }
    const ref = scoreRowReference(opts.input, row, y);
    if (!ref) continue;
    for (const o of outcomes) {
      for (const [key, e] of [
        ['crossEntropy', ref.ce / lnBase],
        ['entropy', ref.h / lnBase],
      ]) {
        const g = o.value[key][r];
        const tol = (1e-9 * ref.mag) / Math.abs(lnBase) + (f32 ? bound(e, true) : 1e-13 * Math.abs(e)) + 1e-300;
        if (Number.isFinite(e) ? !(Math.abs(g - e) <= tol) : !same(g, e))
          fail(`${o.name}: scoreRows ${key}[${r}] = ${g}, the naive reference gives ${e} (tolerance ${tol})`, what);
      }
    }
    checked = true;
  }
  if (checked) stats.referenced++;
}

/** scoreRows on both backends against its documented meaning. */
export function checkScoreCase(apis, c, stats) {
  const outcomes = [];
  const built = [];
  for (const [name, api] of apis) {
    const b = buildScoreCall(c, api);
    built.push(b);
    const r = attempt(api, 'scoreRows', [b.labels, b.scores, b.opts]);
    r.name = name;
    outcomes.push(r);
  }
  const what = () => show(c);
  try {
    const { scores, opts } = built[0];
    const problems = scoreSpec(c, built[0]);
    const known =
      KNOWN_ISSUES.wasmExpDropsNaN && opts.validate === false && opts.input === 'logits' && holdsNaNLike(scores);
    judgeErrors('scoreRows', problems, outcomes, what);
    const [a, b] = outcomes;
    if (!a.ok || !b.ok) {
      if (a.ok !== b.ok || a.error.message !== b.error.message)
        fail(`backends disagree: ${a.ok ? 'value' : a.error.message} vs ${b.ok ? 'value' : b.error.message}`, what);
      stats[a.error instanceof RangeError ? 'rangeError' : 'typeError']++;
      return;
    }
    stats.ok++;
    const f32 = tagOf(scores) === 'Float32Array';
    judgeScoreAgreement(c, a, b, f32, known, what);
    if (known) {
      stats.known++;
      return;
    }
    if (opts.validate === false) return;
    judgeScoreReference(c, built[0], outcomes, f32, stats, what);
  } finally {
    for (let i = 0; i < apis.length; i++) for (const arr of built[i].allocs) apis[i][1].free(arr);
    for (const [name, api] of apis) canary(api, name);
  }
}
