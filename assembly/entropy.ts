// Information content, binary entropy and Shannon entropy (mirror of src/js/entropy.ts).
//
// Formulas: informationContent -ln p; binaryEntropy -(p ln p + (1-p) ln(1-p)), ln(1-p) as
// log1p(-p); entropy -Σ p ln p per row (0·ln 0 = 0), with `normalize` p/Σp first (SciPy
// stats.entropy). Each divided by ln(base).
// Algorithm: one log per term (vmath_f64.ts / vmath_f32.ts, FDLIBM-based, < 1 ulp), terms all
// non-negative, summed in lanes/blocks with compensation across them (Neumaier 1974).
// Error bound: each value within max(1e-13·|exact|, 1e-15) of the value computed with mpmath at 50
// digits (API.md's float64 bound); test/fixtures.test.ts checks it against
// test/fixtures/{informationContent,binaryEntropy,entropy}.json (test/fixtures/gen.py).
import { addRow, rowSum, settle, settleLanes, settleLanesWith, sumError, totalsWanted, vSumError } from './accumulate';
import { vlog, vlogNormal } from './vmath_f64';
import { inUnit, load1, load2 } from './lanes';
import { MIN_NORMAL } from './constants';
import * as params from './params';
import { weighRows } from './sample_weights';

/**
 * -ln p / ln b elementwise. First a lean pass for the common chunk, every p a normal float64 in
 * (0, 1] (vlogNormal, no special lanes; no division when b = e); a chunk with a 0, a subnormal or
 * a value outside [0, 1] is redone by the full pass, which also flags the bad value.
 */
function informationContent(p: usize, n: i32, out: usize, lnBase: f64): i32 {
  const done = totalsWanted()
    ? (lnBase == 1 ? informationContentNormal(p, n, out, 1, false, true) : informationContentNormal(p, n, out, lnBase, true, true))
    : (lnBase == 1 ? informationContentNormal(p, n, out, 1, false, false) : informationContentNormal(p, n, out, lnBase, true, false));
  if (done) return 0;
  return informationContentAny(p, n, out, lnBase);
}

/** The lean pass: true, with results and totals written, when every p is normal in (0, 1]; else false and no totals. */
// @ts-ignore: decorator
@inline function informationContentNormal(p: usize, n: i32, out: usize, lnBase: f64, scaled: bool, summed: bool): bool {
  const lb = f64x2.splat(lnBase);
  let ok = i64x2.splat(-1);
  let sum = f64x2.splat(0.0);
  let carry = f64x2.splat(0.0);
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const x = v128.load(p + (<usize>i << 3));
    ok = v128.and(ok, v128.and(f64x2.ge(x, f64x2.splat(MIN_NORMAL)), f64x2.le(x, f64x2.splat(1.0))));
    let v = f64x2.sub(f64x2.splat(0.0), vlogNormal(x)); // 0 - ln 1 = +0, not -0
    if (scaled) v = f64x2.div(v, lb); // inlined with a constant: no branch in the loop
    v128.store(out + (<usize>i << 3), v);
    if (summed) { // inlined with a constant, as `scaled`
      const t = f64x2.add(sum, v);
      carry = f64x2.add(carry, vSumError(sum, v, t));
      sum = t;
    }
  }
  if (!v128.all_true<i64>(ok)) return false;
  let tail = 0.0;
  if (i < n) {
    const x = load<f64>(p + (<usize>i << 3));
    if (!(x >= MIN_NORMAL && x <= 1)) return false;
    tail = (0 - Math.log(x)) / lnBase;
    store<f64>(out + (<usize>i << 3), tail);
  }
  addRow(settleLanes(sum, carry));
  if (i < n) addRow(tail);
  return true;
}

/** -ln p / ln b elementwise, any p. p = 0 gives +Infinity. Two lanes at a time (vlog), compensated lane sums. */
function informationContentAny(p: usize, n: i32, out: usize, lnBase: f64): i32 {
  const lb = f64x2.splat(lnBase);
  let ok = i64x2.splat(-1);
  let sum = f64x2.splat(0.0);
  let carry = f64x2.splat(0.0);
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const x = v128.load(p + (<usize>i << 3));
    ok = v128.and(ok, inUnit(x));
    const v = f64x2.div(f64x2.sub(f64x2.splat(0.0), vlog(x)), lb); // 0 - ln 1 = +0, not -0
    v128.store(out + (<usize>i << 3), v);
    const t = f64x2.add(sum, v);
    carry = f64x2.add(carry, vSumError(sum, v, t));
    sum = t;
  }
  let bad = v128.all_true<i64>(ok) ? 0 : 1;
  addRow(settleLanes(sum, carry));
  if (i < n) {
    const x = load<f64>(p + (<usize>i << 3));
    if (!(x >= 0 && x <= 1)) bad = 1;
    const v = (0 - Math.log(x)) / lnBase;
    store<f64>(out + (<usize>i << 3), v);
    addRow(v);
  }
  return bad;
}

/** -(p ln p + (1-p) ln(1-p)) / ln b elementwise; ln(1-p) as log1p(-p) so p near 0 keeps its digits. */
function binaryEntropy(p: usize, n: i32, out: usize, lnBase: f64): i32 {
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const x = load<f64>(p + (<usize>i << 3));
    if (!(x >= 0 && x <= 1)) bad = 1;
    const y = 1 - x; // exact for x in [0.5, 1] (Sterbenz)
    const a = x != 0 ? -x * Math.log(x) : 0.0;
    const b = y != 0 ? -y * Math.log1p(-x) : 0.0;
    const v = (a + b) / lnBase;
    store<f64>(out + (<usize>i << 3), v);
    addRow(v);
  }
  return bad;
}

/** -x ln x, with 0·ln 0 = 0. */
// @ts-ignore: decorator
@inline function negXLnX(x: f64): f64 {
  return x != 0 ? -x * Math.log(x) : 0.0;
}

/**
 * -Σ x ln x over a row of k values of T (f64, or f32 promoted), whatever they are: vlog's special
 * lanes (ln of a negative is NaN), 0·ln 0 = 0, compensated lane sums and the odd tail. The entropy
 * of a row that failed the lean pass below, and of a row of probabilities in score.ts.
 */
export function entropyOfRow<T>(row: usize, k: i32): f64 {
  let sum = f64x2.splat(0.0);
  let carry = f64x2.splat(0.0);
  let j = 0;
  for (; j + 1 < k; j += 2) {
    const x = load2<T>(row, j);
    const v = v128.andnot(f64x2.mul(f64x2.neg(x), vlog(x)), f64x2.eq(x, f64x2.splat(0.0)));
    const t = f64x2.add(sum, v);
    carry = f64x2.add(carry, vSumError(sum, v, t));
    sum = t;
  }
  return settleLanesWith(sum, carry, j < k ? negXLnX(load1<T>(row, j)) : 0.0);
}

/**
 * -Σ p ln p per row of k, 0·ln 0 = 0, two lanes at a time with compensated lane sums. With
 * `normalize` each entry is first divided by the row's compensated sum (SciPy stats.entropy);
 * dividing before the log keeps near-0 entropies accurate (scalar path).
 */
function entropyRows(p: usize, n: i32, k: i32, out: usize, lnBase: f64, normalize: i32): i32 {
  if (normalize) return entropyRowsNormalized(p, n, k, out, lnBase);
  // Terms are non-negative: plain lane sums of ≤ 128 terms each are within 128 ulp (1.4e-14)
  // relative, inside API.md's 1e-13; longer rows are summed with compensation.
  const plain = k <= 256;
  let bad = 0;
  for (let r = 0; r < n; r++) {
    const row = p + ((<usize>r * <usize>k) << 3);
    let ok = i64x2.splat(-1);
    let sum = f64x2.splat(0.0);
    let carry = f64x2.splat(0.0);
    let j = 0;
    for (; j + 1 < k; j += 2) {
      const x = v128.load(row + (<usize>j << 3));
      ok = v128.and(ok, inUnit(x));
      // -x·ln x. vlogNormal reads 0 and subnormals as about -709 (finite): times x, that is 0 or
      // below 1.6e-305, far under API.md's 1e-15 absolute floor.
      const v = f64x2.mul(f64x2.neg(x), vlogNormal(x));
      if (plain) {
        sum = f64x2.add(sum, v);
      } else {
        const t = f64x2.add(sum, v);
        carry = f64x2.add(carry, vSumError(sum, v, t));
        sum = t;
      }
    }
    let h: f64;
    if (v128.all_true<i64>(ok)) {
      h = settleLanesWith(sum, carry, j < k ? negXLnX(load<f64>(row + (<usize>j << 3))) : 0.0);
    } else {
      // A value outside [0, 1]: flagged; the row is redone with vlog, so that with validate: false
      // it reads as written (ln of a negative is NaN, 0·ln 0 = 0).
      bad = 1;
      h = entropyOfRow<f64>(row, k);
    }
    if (j < k) {
      const x = load<f64>(row + (<usize>j << 3));
      if (!(x >= 0 && x <= 1)) bad = 1;
    }
    h /= lnBase;
    store<f64>(out + (<usize>r << 3), h);
    addRow(h);
  }
  return bad;
}

function entropyRowsNormalized(p: usize, n: i32, k: i32, out: usize, lnBase: f64): i32 {
  let bad = 0;
  for (let r = 0; r < n; r++) {
    const row = p + ((<usize>r * <usize>k) << 3);
    const total = rowSum<f64>(row, k);
    let s = 0.0;
    let c = 0.0;
    for (let j = 0; j < k; j++) {
      const x = load<f64>(row + (<usize>j << 3));
      if (!(x >= 0)) bad = 1;
      const y = x / total;
      if (y != 0) {
        const v = -y * Math.log(y);
        const t = s + v;
        c += sumError(s, v, t);
        s = t;
      }
    }
    const h = settle(s, c) / lnBase;
    store<f64>(out + (<usize>r << 3), h);
    addRow(h);
  }
  return bad;
}

/** -ln p elementwise over float64 p (option: lnBase). */
export function informationContentF64(p: usize, n: i32, out: usize, s: usize): i32 {
  const bad = informationContent(p, n, out, params.lnBase());
  return s ? bad | weighRows(out, s, n) : bad;
}

/** -(p ln p + (1-p) ln(1-p)) elementwise over float64 p (option: lnBase). */
export function binaryEntropyF64(p: usize, n: i32, out: usize, s: usize): i32 {
  const bad = binaryEntropy(p, n, out, params.lnBase());
  return s ? bad | weighRows(out, s, n) : bad;
}

/** -Σ p ln p per row of float64 p (options: lnBase, normalize). */
export function entropyRowsF64(p: usize, n: i32, k: i32, out: usize, s: usize): i32 {
  const bad = entropyRows(p, n, k, out, params.lnBase(), params.normalize());
  return s ? bad | weighRows(out, s, n) : bad;
}
