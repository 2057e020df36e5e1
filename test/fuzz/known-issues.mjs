/**
 * Kernel issues this fuzzer found, and which cases each one covers.
 */
import { elementOf, isBig, num } from './values.mjs';

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
      ? Array.prototype.some.call(p, (r) =>
          !ArrayBuffer.isView(r) && !Array.isArray(r)
            ? true
            : Array.prototype.some.call(r, (v) => big(isBig(r) ? Number(v) : v)),
        )
      : Array.prototype.some.call(p, big);
  }
  const w = args[args.length - 1]?.weights;
  const wMax =
    w &&
    typeof w === 'object' &&
    typeof w.length === 'number' &&
    Array.from({ length: w.length }, (_, j) => elementOf(w, j)).some((v) => !(Math.abs(num(v)) <= 1e6));
  return pMax || wMax;
}

/** Whether wasmInfiniteWeightSums applies: validate off and a non-finite weight. */
function infiniteWeights(_fn, args) {
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
  const see = (v) => {
    if (typeof v === 'number' && v !== 0) pMin = Math.min(pMin, Math.abs(v));
  };
  const p = args[0];
  if (ArrayBuffer.isView(p)) Array.prototype.forEach.call(p, see);
  else if (Array.isArray(p))
    Array.prototype.forEach.call(p, (e) =>
      Array.isArray(e) || ArrayBuffer.isView(e) ? Array.prototype.forEach.call(e, see) : see(e),
    );
  return pMin * wMin < 1e-280;
}

/** True when an argument (flat, or rows) holds a NaN, +Infinity or a non-number element (what wasmExpDropsNaN covers). */
export function holdsNaNLike(x) {
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

/** A call covered by a KNOWN_ISSUES entry that breaks backend agreement. */
export function knownDisagreement(fn, args) {
  return expDropsNaN(fn, args) || weightedTargetOrder(fn, args) || infiniteWeights(fn, args) || flushedLnS(fn, args);
}
