// f32x4 exp(d + err) for d ≤ 0, where err is the exact rounding residual of d (so a logit
// difference rounded to float32 costs nothing): four lanes per instruction, for float32 logits.
//
// Algorithm (Cephes expf's range reduction, S. Moshier 1984; rewritten for four lanes, no branches):
//   n = nearest(d/ln2) by the 1.5·2^23 shift; r = (d - n·C1) - n·C2 + err with C1 + C2 = ln2
//   (C1 = 0.693359375 has 9 significant bits, so n·C1 and d - n·C1 are exact for |n| < 2^15);
//   e^r = 1 + r + r²·Q(r), Q of degree 3 (fitted here, see Q0); scaled by 2^n in the exponent bits.
//   Lanes with d < ln(2^-126) are 0: the caller detects rows whose off-target mass is that small
//   and recomputes them in float64.
// Error: measured worst against mpmath: 1.7e-7 relative over 5 008 float32 points in [-87.3, 80]
// (test/vmath.test.ts, bound 2e-7).

const C1: f32 = 0.693359375; // ln2 high part (0x3F318000)
const C2: f32 = -2.12194440e-4; // ln2 - C1 (0xB95E8083)
const INV_LN2: f32 = 1.44269504088896341; // 0x3FB8AA3B
const SHIFT: f32 = 12582912.0; // 1.5·2^23: d/ln2 + SHIFT holds nearest(d/ln2) in its low bits
/** ln(2^-126): below, e^d is not a normal float32 and the lane is 0. */
const SMALLEST: f32 = -87.33654475;
// Q: e^r ≈ 1 + r + r²·Q(r), Q of degree 3 (Cephes' expf uses 5): fitted by scripts/fit_expf.py
// (Lawson minimax against mpmath) to 1.6e-7 relative with float32 rounding, about one float32 ulp,
// inside the error budgets of the kernels that use it (softmax_cross_entropy.ts). Degree 4 would give 6.5e-8
// for two more operations per four lanes (10 % of the float32 softmax kernels' time).
const Q0: f32 = 4.999923110e-1; // 0x3EFFFEFE
const Q1: f32 = 1.666711420e-1; // 0x3E2AABD7
const Q2: f32 = 4.189011827e-2; // 0x3D2B94F9
const Q3: f32 = 8.312527090e-3; // 0x3C083144

// The FMA build: asc --enable relaxed-simd (asconfig.json target "relaxed") makes
// ASC_FEATURE_RELAXED_SIMD true and every a·b + c below one relaxed_madd, which the engine runs
// fused (one rounding) on FMA hardware or as a multiply and an add (two roundings) elsewhere. The
// error bounds above hold either way (test/relaxed.test.ts runs the vmath and fixture tests on
// this build with FMA on and off).

/** a·b + c per lane (float32). */
// @ts-ignore: decorator
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** c - a·b per lane (float32). */
// @ts-ignore: decorator
@inline export function nmadd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_nmadd(a, b, c);
  return f32x4.sub(c, f32x4.mul(a, b));
}

/**
 * The shared core: e^(d + err) per lane for ln(2^-126) ≤ d ≤ 88 (no special lanes). In that range
 * n = nearest(d/ln2) is in [-126, 127], so (n + 127) << 23 is a normal float32 2^n.
 */
// @ts-ignore: decorator
@inline function expCore(d: v128, err: v128, withErr: bool): v128 {
  const kd = madd(d, f32x4.splat(INV_LN2), f32x4.splat(SHIFT));
  const n = f32x4.sub(kd, f32x4.splat(SHIFT));
  // n·C1 is exact, so d - n·C1 is the same fused or not; fusing n·C2 only removes a rounding.
  let r = nmadd(n, f32x4.splat(C1), d);
  r = nmadd(n, f32x4.splat(C2), r);
  if (withErr) r = f32x4.add(r, err); // inlined with a constant (x + 0 cannot be folded: -0)
  let p = madd(f32x4.splat(Q3), r, f32x4.splat(Q2));
  p = madd(p, r, f32x4.splat(Q1));
  p = madd(p, r, f32x4.splat(Q0));
  const y = f32x4.add(madd(f32x4.mul(p, r), r, r), f32x4.splat(1.0));
  // 2^n: (n + 127) << 23, n read from kd's low bits (bits(kd) - bits(SHIFT) = n).
  const ni = i32x4.sub(kd, f32x4.splat(SHIFT));
  return f32x4.mul(y, i32x4.shl(i32x4.add(ni, i32x4.splat(127)), 23));
}

/** e^(d + err) per lane for d ≤ 0, |err| ≤ ulp(d)/2; 0 where d < ln(2^-126) (and at -Infinity). */
// @ts-ignore: decorator
@inline export function vexpf(d: v128, err: v128): v128 {
  const live = f32x4.ge(d, f32x4.splat(SMALLEST));
  const dc = f32x4.pmax(d, f32x4.splat(SMALLEST)); // keeps n in range for dead lanes
  const e = expCore(dc, v128.and(err, live), true);
  // NaN lanes stay NaN (`live` is false for them).
  return v128.bitselect(d, v128.and(e, live), f32x4.ne(d, d));
}

/**
 * e^x per lane for float32 x already known to be in [-80, 80] (the caller checked): no special
 * lanes, no clamping. Results are normal float32 (e^-80 ≈ 1.8e-35 > 2^-126), same error as vexpf.
 */
// @ts-ignore: decorator
@inline export function vexpfInRange(x: v128): v128 {
  return expCore(x, f32x4.splat(0), false);
}

// f32x4 natural log and log1p, for the float32 fast path's final ln(1 + R/T).
//
// Algorithm (Cephes logf, S. Moshier 1984; rewritten for four lanes, no branches):
//   x = 2^e·m with √½ ≤ m < √2 (from the bits: m in [0.5, 1), and m < √½ becomes 2m, e - 1);
//   f = m - 1, ln(1 + f) = f - f²/2 + f³·P(f) with Cephes' degree-8 P; + e·ln2 as e·C2 + e·C1.
//   log1p(x) = ln(u)·x/(u - 1) with u = 1 + x rounded (Goldberg 1991, Theorem 4), = x when u = 1.
// Error: Cephes reports 7.6e-8 relative peak for logf; measured worst against mpmath (float32
// points, test/fixtures/vmath.json, test/vmath.test.ts): logf 6.8e-8 relative over 3 618 normal points;
// log1pf 1.5e-7 relative over 3 736 points in {0} ∪ [1e-45, 3.3e38] (the rounding of u = 1 + x).

const SQRT_HALF: f32 = 0.707106781186547524;
const L0: f32 = 7.0376836292e-2;
const L1: f32 = -1.1514610310e-1;
const L2: f32 = 1.1676998740e-1;
const L3: f32 = -1.2420140846e-1;
const L4: f32 = 1.4249322787e-1;
const L5: f32 = -1.6668057665e-1;
const L6: f32 = 2.0000714765e-1;
const L7: f32 = -2.4999993993e-1;
const L8: f32 = 3.3333331174e-1;

/** ln x per lane for positive, normal, finite float32 x (no special lanes: the callers' u ≥ 1). */
// @ts-ignore: decorator
@inline export function vlogf(x: v128): v128 {
  let e = i32x4.sub(i32x4.shr_u(x, 23), i32x4.splat(126));
  const m = v128.or(v128.and(x, i32x4.splat(0x007FFFFF)), i32x4.splat(0x3F000000)); // in [0.5, 1)
  const low = f32x4.lt(m, f32x4.splat(SQRT_HALF));
  e = i32x4.add(e, low); // -1 where m < √½
  const f = f32x4.sub(f32x4.add(m, v128.and(m, low)), f32x4.splat(1.0));
  const fe = f32x4.convert_i32x4_s(e);
  const z = f32x4.mul(f, f);
  let p = madd(f32x4.splat(L0), f, f32x4.splat(L1));
  p = madd(p, f, f32x4.splat(L2));
  p = madd(p, f, f32x4.splat(L3));
  p = madd(p, f, f32x4.splat(L4));
  p = madd(p, f, f32x4.splat(L5));
  p = madd(p, f, f32x4.splat(L6));
  p = madd(p, f, f32x4.splat(L7));
  p = madd(p, f, f32x4.splat(L8));
  let y = f32x4.mul(f32x4.mul(p, f), z);
  y = madd(fe, f32x4.splat(C2), y);
  y = nmadd(f32x4.splat(0.5), z, y);
  return madd(fe, f32x4.splat(C1), f32x4.add(f, y));
}

/** ln(1 + x) per lane for finite float32 x ≥ 0. */
// @ts-ignore: decorator
@inline export function vlog1pf(x: v128): v128 {
  const one = f32x4.splat(1.0);
  const u = f32x4.add(one, x);
  const l = f32x4.mul(vlogf(u), f32x4.div(x, f32x4.sub(u, one))); // x/(u - 1) ≈ 1 first: ln(u)·x would overflow near 2^128
  return v128.bitselect(x, l, f32x4.eq(u, one));
}

/** out[i] = e^x[i] for n float32 values x ≤ 0 (err = 0): the kernel on its own, for tests. */
export function expRowsF32(x: usize, n: i32, out: usize): void {
  let i = 0;
  for (; i + 3 < n; i += 4) v128.store(out + (<usize>i << 2), vexpf(v128.load(x + (<usize>i << 2)), f32x4.splat(0)));
  for (; i < n; i++) {
    store<f32>(out + (<usize>i << 2), f32x4.extract_lane(vexpf(f32x4.splat(load<f32>(x + (<usize>i << 2))), f32x4.splat(0)), 0));
  }
}

/** Four lanes of staging for logRowsF32's tail-safe loads. */
const LANES: usize = memory.data(16, 16);

/** out[i] = ln x[i] (log = 1) or ln(1 + x[i]) (log = 0) for n float32 values: the kernels on their own, for tests. */
export function logRowsF32(x: usize, n: i32, out: usize, log: i32): void {
  for (let i = 0; i < n; i += 4) {
    const t = min(n - i, 4);
    for (let j = 0; j < 4; j++) store<f32>(LANES + (<usize>j << 2), j < t ? load<f32>(x + (<usize>(i + j) << 2)) : 1.0);
    const v = v128.load(LANES);
    v128.store(LANES, log ? vlogf(v) : vlog1pf(v));
    for (let j = 0; j < t; j++) store<f32>(out + (<usize>(i + j) << 2), load<f32>(LANES + (<usize>j << 2)));
  }
}
