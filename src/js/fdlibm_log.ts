/**
 * ln x exactly as the wasm SIMD build computes it (assembly/vmath_f64.ts, vlogNormal: FDLIBM
 * e_log.c, Sun Microsystems 1993, branch-free), one value at a time in JavaScript. Every a·b + c
 * there is a multiply then an add in that build, as here, and IEEE arithmetic gives the same
 * number in both: the wasm backend's one-row crossEntropy (src/backend/wasm.ts) takes this
 * instead of a call into the module. Not for the FMA build, whose multiply-adds may fuse.
 *
 * x = 2^k·(1 + f), √2/2 ≤ 1 + f < √2, from the bits (offset 0x3FE6A09E in the high word);
 * s = f/(2 + f); ln(1 + f) = f - s·(f - R(s²)) with FDLIBM's Lg1..Lg7;
 * ln x = k·ln2_hi - ((f²/2 - (s·(f²/2 + R) + k·ln2_lo)) - f). Error < 1 ulp (FDLIBM).
 * For positive, normal, finite x only (the caller checks).
 */
/** A float64 from its high and low 32-bit words (the constants below are FDLIBM's, by their bits). */
function fromWords(hi: number, lo: number): number {
  const v = new DataView(new ArrayBuffer(8));
  v.setUint32(0, hi);
  v.setUint32(4, lo);
  return v.getFloat64(0);
}
const LG1 = fromWords(0x3fe55555, 0x55555593);
const LG2 = fromWords(0x3fd99999, 0x9997fa04);
const LG3 = fromWords(0x3fd24924, 0x94229359);
const LG4 = fromWords(0x3fcc71c5, 0x1d8e78af);
const LG5 = fromWords(0x3fc74664, 0x96cb03de);
const LG6 = fromWords(0x3fc39a09, 0xd078c69f);
const LG7 = fromWords(0x3fc2f112, 0xdf3e5244);
const LN2_HI = fromWords(0x3fe62e42, 0xfee00000);
const LN2_LO = fromWords(0x3dea39ef, 0x35793c76);

const bits = new Float64Array(1);
const words = new Int32Array(bits.buffer);
/** Little-endian platform: the high word is word 1. */
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/** 2^-k for k in [-1100, 1100] (exact powers of two), at POW2_NEG[k + 1100]. */
const POW2_NEG = new Float64Array(2201);
for (let k = -1100; k <= 1100; k++) POW2_NEG[k + 1100] = 2 ** -k;

/** ln x for positive, normal, finite x, bit for bit the wasm SIMD build's vlogNormal. */
export function lnFdlibm(x: number): number {
  bits[0] = x;
  // The 64-bit add of 0x00095F62_00000000 touches the high word only (its low word is 0); k is
  // the exponent that puts m = x·2^-k in [√2/2, √2), the number the bit operations build there
  // (scaling a normal float64 by a power of two is exact; no write back into the bits).
  const k = (((words[HI] + 0x00095f62) | 0) >>> 20) - 1023;
  const f = x * POW2_NEG[k + 1100] - 1;
  const s = f / (2 + f);
  const z = s * s;
  const w = z * z;
  const t1 = w * (w * (w * LG6 + LG4) + LG2);
  const t2 = z * (w * (w * (w * LG7 + LG5) + LG3) + LG1);
  const r = t2 + t1;
  const hfsq = 0.5 * (f * f);
  const lo = s * (hfsq + r) + k * LN2_LO;
  return k * LN2_HI - (hfsq - lo - f);
}
