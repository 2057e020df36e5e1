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
// digits, 3 975 points over [-745, 0]): see test/vmath.test.ts, which prints and bounds it.

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

/** e^x per lane for x ≤ 0 (and -Infinity); results below 2^-1022 are 0. No overflow handling. */
// @ts-ignore: decorator
@inline export function vexp(x: v128): v128 {
  const live = f64x2.ge(x, f64x2.splat(SMALLEST));
  const xc = f64x2.pmax(x, f64x2.splat(SMALLEST)); // keeps n in range for -Infinity lanes (one maxpd)
  const kd = f64x2.add(f64x2.mul(xc, f64x2.splat(INV_LN2)), f64x2.splat(SHIFT));
  const n = f64x2.sub(kd, f64x2.splat(SHIFT));
  const hi = f64x2.sub(xc, f64x2.mul(n, f64x2.splat(LN2_HI)));
  const lo = f64x2.mul(n, f64x2.splat(LN2_LO));
  const r = f64x2.sub(hi, lo);
  const t = f64x2.mul(r, r);
  let p = f64x2.add(f64x2.splat(P4), f64x2.mul(t, f64x2.splat(P5)));
  p = f64x2.add(f64x2.splat(P3), f64x2.mul(t, p));
  p = f64x2.add(f64x2.splat(P2), f64x2.mul(t, p));
  p = f64x2.add(f64x2.splat(P1), f64x2.mul(t, p));
  const c = f64x2.sub(r, f64x2.mul(t, p));
  // y = 1 - ((lo - r·c/(2 - c)) - hi)
  const q = f64x2.div(f64x2.mul(r, c), f64x2.sub(f64x2.splat(2.0), c));
  const y = f64x2.sub(f64x2.splat(1.0), f64x2.sub(f64x2.sub(lo, q), hi));
  // 2^n: (n + 1023) << 52, with n read from kd's low bits (bits(kd) - bits(SHIFT) = n).
  const ni = i64x2.sub(kd, f64x2.splat(SHIFT));
  const scale = i64x2.shl(i64x2.add(ni, i64x2.splat(1023)), 52);
  return v128.and(f64x2.mul(y, scale), live);
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
