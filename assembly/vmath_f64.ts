// f64x2 exp for non-positive arguments (every exp the log-sum-exp kernels take is exp(z - max)).
//
// Algorithm (FDLIBM e_exp.c, Sun Microsystems 1993; rewritten for two lanes, no branches):
//   x = n·ln2 + r, n = nearest(x/ln2), |r| ≤ ln2/2, with ln2 split in two (Cody–Waite) so
//   n·LN2_HI is exact; exp(r) = 1 + r + r·c/(2 - c), c = r - r²·P(r²), P a degree-5 minimax
//   polynomial (FDLIBM's P1..P5); then scaled by 2^n built in the exponent bits. n is rounded
//   with the 1.5·2^52 shift (its low bits then hold n as an integer), which avoids the float→int
//   conversions that V8 lowers to long sequences on x64.
// Results below 2^-1022 (x < -708.40, -Infinity included) are flushed to 0: within API.md's
// absolute bound (1e-15), and they cannot move a sum S ≥ 1.
// Error: < 1 ulp in FDLIBM's analysis; measured worst over test/fixtures/vmath.json (mpmath, 50
// digits, 3 441 points over [-708.4, 0]): 0.78 ulp (test/vmath.test.ts prints and bounds it).

import { MIN_NORMAL } from './constants';

/** ln2 high part: 0x3FE62E42FEE00000, trailing zeros make n·LN2_HI exact for |n| < 2^11. */
const LN2_HI: f64 = reinterpret<f64>(0x3FE62E42FEE00000); // 6.93147180369123816490e-01
/** ln2 low part: 0x3DEA39EF35793C76. */
const LN2_LO: f64 = reinterpret<f64>(0x3DEA39EF35793C76); // 1.90821492927058770002e-10
const INV_LN2: f64 = reinterpret<f64>(0x3FF71547652B82FE); // 1.44269504088896338700e+00
const P1: f64 = reinterpret<f64>(0x3FC555555555553E); // 1.66666666666666019037e-01
const P2: f64 = reinterpret<f64>(0xBF66C16C16BEBD93); // -2.77777777770155933842e-03
const P3: f64 = reinterpret<f64>(0x3F11566AAF25DE2C); // 6.61375632143793436117e-05
const P4: f64 = reinterpret<f64>(0xBEBBBD41C5D26BF1); // -1.65339022054652515390e-06
const P5: f64 = reinterpret<f64>(0x3E66376972BEA4D0); // 4.13813679705723846039e-08
/** ln(2^-1022): below this the result would be subnormal, and is flushed to 0. */
const SMALLEST: f64 = -708.3964185322641;
/** 1.5·2^52: x + SHIFT rounds x to an integer held in the low mantissa bits. */
const SHIFT: f64 = 6755399441055744.0;

// The FMA build (asconfig.json target "relaxed", see vmath_f32.ts): each a·b + c below is one
// relaxed_madd there, fused or not by the engine; FDLIBM's error analysis holds for both.

/** a·b + c per lane (float64). */
// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f64x2.relaxed_madd(a, b, c);
  return f64x2.add(f64x2.mul(a, b), c);
}

/** c - a·b per lane (float64). */
// @ts-ignore: decorator
@inline function nmadd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f64x2.relaxed_nmadd(a, b, c);
  return f64x2.sub(c, f64x2.mul(a, b));
}

/** e^x per lane for x ≤ 0 (and -Infinity; NaN stays NaN); results below 2^-1022 are 0. No overflow handling. */
// @ts-ignore: decorator
@inline export function vexp(x: v128): v128 {
  const live = f64x2.ge(x, f64x2.splat(SMALLEST));
  const xc = f64x2.pmax(x, f64x2.splat(SMALLEST)); // keeps n in range for -Infinity lanes (one maxpd)
  const kd = madd(xc, f64x2.splat(INV_LN2), f64x2.splat(SHIFT));
  const n = f64x2.sub(kd, f64x2.splat(SHIFT));
  const hi = nmadd(n, f64x2.splat(LN2_HI), xc); // n·LN2_HI is exact: fused or not, the same
  const lo = f64x2.mul(n, f64x2.splat(LN2_LO));
  const r = f64x2.sub(hi, lo);
  const t = f64x2.mul(r, r);
  let p = madd(t, f64x2.splat(P5), f64x2.splat(P4));
  p = madd(t, p, f64x2.splat(P3));
  p = madd(t, p, f64x2.splat(P2));
  p = madd(t, p, f64x2.splat(P1));
  const c = nmadd(t, p, r);
  // y = 1 - ((lo - r·c/(2 - c)) - hi)
  const q = f64x2.div(f64x2.mul(r, c), f64x2.sub(f64x2.splat(2.0), c));
  const y = f64x2.sub(f64x2.splat(1.0), f64x2.sub(f64x2.sub(lo, q), hi));
  // 2^n: (n + 1023) << 52, with n read from kd's low bits (bits(kd) - bits(SHIFT) = n).
  const ni = i64x2.sub(kd, f64x2.splat(SHIFT));
  const scale = i64x2.shl(i64x2.add(ni, i64x2.splat(1023)), 52);
  // NaN lanes stay NaN (as Math.exp): `live` is false for them, which would give 0.
  return v128.bitselect(x, v128.and(f64x2.mul(y, scale), live), f64x2.ne(x, x));
}

/** Scalar e^x (x ≤ 0) through the same lanes, for row tails. */
// @ts-ignore: decorator
@inline export function sexp(x: f64): f64 {
  return f64x2.extract_lane(vexp(f64x2.splat(x)), 0);
}

/** out[i] = e^x[i] for n values (x ≤ 0): the kernel on its own, for tests. */
export function expRowsF64(x: usize, n: i32, out: usize): void {
  let i = 0;
  for (; i + 1 < n; i += 2) v128.store(out + (<usize>i << 3), vexp(v128.load(x + (<usize>i << 3))));
  if (i < n) store<f64>(out + (<usize>i << 3), sexp(load<f64>(x + (<usize>i << 3))));
}

// f64x2 natural log, every lane (special lanes fixed up: 0 → -Infinity, < 0 and NaN → NaN,
// +Infinity → +Infinity; subnormals are scaled by 2^54 first).
//
// Algorithm (FDLIBM e_log.c, Sun Microsystems 1993; rewritten for two lanes, no branches):
//   x = 2^k·(1 + f), √2/2 ≤ 1 + f < √2, found with integer ops on the bits (musl's offset
//   0x3FE6A09E); s = f/(2 + f), ln(1 + f) = f - s·(f - R(s²)) via FDLIBM's Lg1..Lg7 minimax
//   polynomial; ln x = k·ln2_hi - ((f²/2 - (s·(f²/2 + R) + k·ln2_lo)) - f).
//   k is converted to float with the 2^52 bias trick (no float↔int instruction).
// Error: < 1 ulp in FDLIBM's analysis; measured worst against mpmath: 0.66 ulp over 3 214 points from
// 5e-324 to 1.7e308, dense near 1 (test/vmath.test.ts).

const LG1: f64 = reinterpret<f64>(0x3FE5555555555593); // 6.666666666666735130e-01
const LG2: f64 = reinterpret<f64>(0x3FD999999997FA04); // 3.999999999940941908e-01
const LG3: f64 = reinterpret<f64>(0x3FD2492494229359); // 2.857142874366239149e-01
const LG4: f64 = reinterpret<f64>(0x3FCC71C51D8E78AF); // 2.222219843214978396e-01
const LG5: f64 = reinterpret<f64>(0x3FC7466496CB03DE); // 1.818357216161805012e-01
const LG6: f64 = reinterpret<f64>(0x3FC39A09D078C69F); // 1.531383769920937332e-01
const LG7: f64 = reinterpret<f64>(0x3FC2F112DF3E5244); // 1.479819860511658591e-01
/** 2^54: scales a subnormal into the normal range. */
const TWO54: f64 = reinterpret<f64>(0x4350000000000000);
/** 2^52 as bits and as a float: (bits | k) - 2^52 = k for 0 ≤ k < 2^52. */
const BIAS_BITS: i64 = 0x4330000000000000;
const BIAS: f64 = 4503599627370496.0;

/**
 * ln x per lane for positive, normal, finite x: the polynomial alone, no special lanes. Other
 * lanes give finite garbage (0 and subnormals read as 2^-1023·m: about -709), never NaN; callers
 * that can meet them either fix those lanes up (vlog) or multiply them by x = 0 or a subnormal.
 */
// @ts-ignore: decorator
@inline export function vlogNormal(x: v128): v128 {
  // Shift the bits so the exponent field rounds at √2/2 (FDLIBM: hx += 0x3ff00000 - 0x3fe6a09e).
  const u = i64x2.add(x, i64x2.splat(0x00095F6200000000));
  // k = exponent - 1023 as a float: (bits | 2^52 bias) - (2^52 + 1023), exact.
  const kf = f64x2.sub(v128.or(i64x2.shr_u(u, 52), i64x2.splat(BIAS_BITS)), f64x2.splat(BIAS + 1023.0));
  const m = i64x2.add(v128.and(u, i64x2.splat(0x000FFFFFFFFFFFFF)), i64x2.splat(0x3FE6A09E00000000));
  return logReduced(f64x2.sub(m, f64x2.splat(1.0)), kf);
}

/**
 * ln r per lane for positive, normal, finite r, except ln(1 + d) on the lanes of `useD` (there
 * √2/2 - 1 ≤ d < √2 - 1 and d = r - 1 exactly, known to more digits than r): the same reduction
 * and polynomial, so log1p near 1 costs nothing extra (FDLIBM s_log1p's small-argument path).
 */
// @ts-ignore: decorator
@inline export function vlogOr1p(r: v128, d: v128, useD: v128): v128 {
  const u = i64x2.add(r, i64x2.splat(0x00095F6200000000));
  const kf = f64x2.sub(v128.or(i64x2.shr_u(u, 52), i64x2.splat(BIAS_BITS)), f64x2.splat(BIAS + 1023.0));
  const m = i64x2.add(v128.and(u, i64x2.splat(0x000FFFFFFFFFFFFF)), i64x2.splat(0x3FE6A09E00000000));
  return logReduced(v128.bitselect(d, f64x2.sub(m, f64x2.splat(1.0)), useD), v128.andnot(kf, useD));
}

/** k·ln2 + ln(1 + f) for √2/2 ≤ 1 + f < √2 (FDLIBM's s = f/(2 + f) and Lg1..Lg7). */
// @ts-ignore: decorator
@inline function logReduced(f: v128, kf: v128): v128 {
  const s = f64x2.div(f, f64x2.add(f64x2.splat(2.0), f));
  const z = f64x2.mul(s, s);
  const w = f64x2.mul(z, z);
  const t1 = f64x2.mul(w, madd(w, madd(w, f64x2.splat(LG6), f64x2.splat(LG4)), f64x2.splat(LG2)));
  const t2 = f64x2.mul(z, madd(w, madd(w, madd(w, f64x2.splat(LG7), f64x2.splat(LG5)), f64x2.splat(LG3)), f64x2.splat(LG1)));
  const r = f64x2.add(t2, t1);
  const hfsq = f64x2.mul(f64x2.splat(0.5), f64x2.mul(f, f));
  const lo = madd(s, f64x2.add(hfsq, r), f64x2.mul(kf, f64x2.splat(LN2_LO)));
  return f64x2.sub(f64x2.mul(kf, f64x2.splat(LN2_HI)), f64x2.sub(f64x2.sub(hfsq, lo), f));
}

/** ln x per lane, every lane. */
// @ts-ignore: decorator
@inline export function vlog(x: v128): v128 {
  const tiny = f64x2.lt(x, f64x2.splat(MIN_NORMAL));
  const xs = v128.bitselect(f64x2.mul(x, f64x2.splat(TWO54)), x, tiny);
  const u = i64x2.add(xs, i64x2.splat(0x00095F6200000000));
  const kf = f64x2.sub(
    f64x2.sub(v128.or(i64x2.shr_u(u, 52), i64x2.splat(BIAS_BITS)), f64x2.splat(BIAS + 1023.0)),
    v128.and(f64x2.splat(54.0), tiny),
  );
  const m = i64x2.add(v128.and(u, i64x2.splat(0x000FFFFFFFFFFFFF)), i64x2.splat(0x3FE6A09E00000000));
  let y = logReduced(f64x2.sub(m, f64x2.splat(1.0)), kf);
  // Special lanes: 0 → -Infinity, +Infinity → +Infinity, negative or NaN → NaN.
  y = v128.bitselect(f64x2.splat(-Infinity), y, f64x2.eq(x, f64x2.splat(0.0)));
  y = v128.bitselect(x, y, f64x2.eq(x, f64x2.splat(Infinity)));
  return v128.bitselect(f64x2.splat(NaN), y, v128.not(f64x2.ge(x, f64x2.splat(0.0))));
}

/** Scalar ln x through the same lanes, for row tails. */
// @ts-ignore: decorator
@inline export function slog(x: f64): f64 {
  return f64x2.extract_lane(vlog(f64x2.splat(x)), 0);
}

/** out[i] = ln x[i] for n values (vlog; vlogNormal when normal = 1): the kernels on their own, for tests. */
export function logRowsF64(x: usize, n: i32, out: usize, normal: i32): void {
  let i = 0;
  if (normal) for (; i + 1 < n; i += 2) v128.store(out + (<usize>i << 3), vlogNormal(v128.load(x + (<usize>i << 3))));
  for (; i + 1 < n; i += 2) v128.store(out + (<usize>i << 3), vlog(v128.load(x + (<usize>i << 3))));
  if (i < n) store<f64>(out + (<usize>i << 3), slog(load<f64>(x + (<usize>i << 3))));
}
