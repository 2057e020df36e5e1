// f32x4 exp(d + err) for d ≤ 0, where err is the exact rounding residual of d (so a logit
// difference rounded to float32 costs nothing): four lanes per instruction, for float32 logits.
//
// Algorithm (Cephes expf, S. Moshier 1984; rewritten for four lanes, no branches):
//   n = nearest(d/ln2) by the 1.5·2^23 shift; r = (d - n·C1) - n·C2 + err with C1 + C2 = ln2
//   (C1 = 0.693359375 has 9 significant bits, so n·C1 and d - n·C1 are exact for |n| < 2^15);
//   e^r = 1 + r + r²·P(r), P Cephes' degree-5 polynomial; scaled by 2^n in the exponent bits.
//   Lanes with d < ln(2^-126) are 0: the caller detects rows whose off-target mass is that small
//   and recomputes them in float64.
// Error: Cephes reports 1.5e-7 relative (about 1 float32 ulp) on |r| ≤ ln2/2; measured worst
// against mpmath: 7.5e-8 relative over 4 006 float32 points in [-87.3, 0] (test/vmath.test.ts).

const C1: f32 = 0.693359375; // ln2 high part (0x3F318000)
const C2: f32 = -2.12194440e-4; // ln2 - C1 (0xB95E8083)
const INV_LN2: f32 = 1.44269504088896341; // 0x3FB8AA3B
const SHIFT: f32 = 12582912.0; // 1.5·2^23: d/ln2 + SHIFT holds nearest(d/ln2) in its low bits
/** ln(2^-126): below, e^d is not a normal float32 and the lane is 0. */
const SMALLEST: f32 = -87.33654475;
const P0: f32 = 1.9875691500e-4;
const P1: f32 = 1.3981999507e-3;
const P2: f32 = 8.3334519073e-3;
const P3: f32 = 4.1665795894e-2;
const P4: f32 = 1.6666665459e-1;
const P5: f32 = 5.0000001201e-1;

/** e^(d + err) per lane for d ≤ 0, |err| ≤ ulp(d)/2; 0 where d < ln(2^-126) (and at -Infinity). */
// @ts-ignore: decorator
@inline export function vexpf(d: v128, err: v128): v128 {
  const live = f32x4.ge(d, f32x4.splat(SMALLEST));
  const dc = f32x4.pmax(d, f32x4.splat(SMALLEST)); // keeps n in range for dead lanes
  const kd = f32x4.add(f32x4.mul(dc, f32x4.splat(INV_LN2)), f32x4.splat(SHIFT));
  const n = f32x4.sub(kd, f32x4.splat(SHIFT));
  let r = f32x4.sub(dc, f32x4.mul(n, f32x4.splat(C1)));
  r = f32x4.add(f32x4.sub(r, f32x4.mul(n, f32x4.splat(C2))), v128.and(err, live));
  let p = f32x4.add(f32x4.mul(f32x4.splat(P0), r), f32x4.splat(P1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P4));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P5));
  const y = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), f32x4.splat(1.0));
  // 2^n: (n + 127) << 23, n read from kd's low bits (bits(kd) - bits(SHIFT) = n).
  const ni = i32x4.sub(kd, f32x4.splat(SHIFT));
  const scale = i32x4.shl(i32x4.add(ni, i32x4.splat(127)), 23);
  // NaN lanes stay NaN (`live` is false for them).
  return v128.bitselect(d, v128.and(f32x4.mul(y, scale), live), f32x4.ne(d, d));
}

/** out[i] = e^x[i] for n float32 values x ≤ 0 (err = 0): the kernel on its own, for tests. */
export function expRowsF32(x: usize, n: i32, out: usize): void {
  let i = 0;
  for (; i + 3 < n; i += 4) v128.store(out + (<usize>i << 2), vexpf(v128.load(x + (<usize>i << 2)), f32x4.splat(0)));
  for (; i < n; i++) {
    store<f32>(out + (<usize>i << 2), f32x4.extract_lane(vexpf(f32x4.splat(load<f32>(x + (<usize>i << 2))), f32x4.splat(0)), 0));
  }
}
