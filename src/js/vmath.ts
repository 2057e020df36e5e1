/**
 * Scalar ln and e^x for the js kernels, inlined by the JIT instead of a call per element (the
 * js twin of assembly/vmath_f64.ts and vmath_f32.ts).
 *
 * Math.log / Math.exp are out-of-line calls into V8's FDLIBM port (a division each, and every
 * call spills the loop's registers); these table forms have no division and no call, and run
 * the js backend's log-bound loops about 1.6× faster (measured in bench/run.mjs W5).
 *
 * ln x (Tang, "Table-driven implementation of the logarithm function", ACM TOMS 16, 1990):
 *   x = 2^e·m, m ∈ [1, 2) read from the bits (the caller passes the high word / float32 bits,
 *   read through an Int32Array view of the input's own buffer); j = top 7 bits of m's fraction;
 *   m = c_j·(1 + r), r = (m - c_j)/c_j exact up to one rounding (m - c_j is exact: c_j has 9
 *   bits and |m - c_j| ≤ 2^-7); ln x = (e + a_j)·ln2 + ln(c_j/2^a_j) + log1p(r), a_j = 1 for
 *   m ≥ 1.414 (so e + a_j = 0 around 1: no cancellation against ln2). The intervals touching 1
 *   use c = 1 (below: c = 2, a = 1), where r = x - 1 is exact: ln x keeps its relative accuracy
 *   as x → 1. log1p(r) = Taylor to r^7, |r| ≤ 2^-7: truncation ≤ r^7/8 ≤ 2^-52 relative.
 *   Error: ≤ 2 ulp (ln c_j from Math.log < 1 ulp, the sum two roundings); API.md allows 1e-13
 *   relative (~450 ulp). Measured against mpmath: 1.07 ulp worst (test/vmath-js.test.ts).
 *   Zero, subnormal, negative, NaN and infinite x go to Math.log (one predictable branch).
 *
 * e^x for x ≤ 0 (Tang, ACM TOMS 15, 1989): x = (64n' + j)·ln2/64 + r, |r| ≤ ln2/128, n rounded
 *   with the 1.5·2^52 shift; e^x = 2^n'·2^(j/64)·P(r), P the Taylor polynomial to r^5
 *   (truncation r^6/720 ≤ 4e-17); 2^n' and 2^(j/64) from tables (2^n' exact). Error ≤ 3 ulp
 *   (measured against mpmath: 2.11 ulp worst, test/vmath-js.test.ts).
 *   Results below 2^-1022 are flushed to 0, as assembly/vmath_f64.ts does (they cannot move a
 *   sum S ≥ 1, and are within API.md's absolute bound); -Infinity gives 0, NaN stays NaN.
 */

/** log table size: 7 bits of the fraction. */
const LOG_N = 128;
/** c_j: the center of [1 + j/128, 1 + (j+1)/128), except the two intervals touching 1. */
const LOG_C = new Float64Array(LOG_N);
/** 1/c_j. */
const LOG_INV_C = new Float64Array(LOG_N);
/** ln(c_j / 2^a_j). */
const LOG_LOGC = new Float64Array(LOG_N);
/** a_j: 1 where m ≥ 1 + 53/128 > √2 (ln x then uses m/2 and e + 1). */
const LOG_ADJ = new Float64Array(LOG_N);
for (let j = 0; j < LOG_N; j++) {
  const c = j === 0 ? 1 : j === LOG_N - 1 ? 2 : 1 + (j + 0.5) / LOG_N;
  const a = j >= 53 ? 1 : 0;
  LOG_C[j] = c;
  LOG_INV_C[j] = 1 / c;
  LOG_ADJ[j] = a;
  LOG_LOGC[j] = j === 0 || j === LOG_N - 1 ? 0 : Math.log(a ? c / 2 : c);
}

/** POW2[e + 1100] = 2^e for e in [-1100, 1100]: exact powers of two (0 below 2^-1074, Infinity above 2^1023). */
const POW2_BIAS = 1100;
const POW2 = new Float64Array(2 * POW2_BIAS + 1);
for (let e = -POW2_BIAS; e <= POW2_BIAS; e++) POW2[e + POW2_BIAS] = 2 ** e;

/** ln2 in two parts (FDLIBM): LN2_HI has 32 significant bits, so e·LN2_HI is exact for |e| < 2^21. */
const LN2_HI = 6.9314718036912381649e-1;
const LN2_LO = 1.90821492927058770002e-10;

/** Little-endian platform: the high word of float64 element i is Int32 element 2i + 1. */
export const HI_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/**
 * Arrays whose word views are kept (the backends' own scratch, registered once with keepWords):
 * a small call reads its values there, and a fresh Int32Array per call would cost more than the
 * call's arithmetic. Any other array gets a fresh view, so no caller's array is held.
 */
const keptArrays: (Float64Array | Float32Array)[] = [];
const keptWords: Int32Array[] = [];

/** Registers a backend-owned scratch array: wordsOf(a) then returns one view made now. */
export function keepWords(a: Float64Array | Float32Array): void {
  keptArrays.push(a);
  keptWords.push(new Int32Array(a.buffer, a.byteOffset, a.length * (a.BYTES_PER_ELEMENT >> 2)));
}

/** Forgets a registered array (a scratch array replaced by a larger one). */
export function forgetWords(a: Float64Array | Float32Array): void {
  const i = keptArrays.indexOf(a);
  if (i >= 0) {
    keptArrays.splice(i, 1);
    keptWords.splice(i, 1);
  }
}

/** An Int32Array over the bytes of a Float64Array (2 words per element) or a Float32Array (1 per element). */
export function wordsOf(a: Float64Array | Float32Array): Int32Array {
  for (let i = 0; i < keptArrays.length; i++) if (keptArrays[i] === a) return keptWords[i];
  return new Int32Array(a.buffer, a.byteOffset, a.length * (a.BYTES_PER_ELEMENT >> 2));
}

/** ln x from x's exponent e and table index j (the top 7 bits of its fraction); x positive and normal. */
function lnReduced(x: number, e: number, j: number): number {
  const m = x * POW2[POW2_BIAS - e]; // exact: scales x into [1, 2)
  const r = (m - LOG_C[j]) * LOG_INV_C[j];
  const k = e + LOG_ADJ[j];
  const r2 = r * r;
  // log1p(r) - r = -r²/2 + r³/3 - … - r^6/6 + r^7/7
  const tail = r2 * (-0.5 + r * (1 / 3 + r * (-0.25 + r * (0.2 + r * (-1 / 6 + r * (1 / 7))))));
  return k * LN2_HI + LOG_LOGC[j] + (r + (tail + k * LN2_LO));
}

/** ln x for a float64 x whose high 32 bits are `hi`. */
export function ln64(x: number, hi: number): number {
  // Positive normal finite x: high word in [0x00100000, 0x7ff00000); anything else goes to Math.log.
  if (!(hi >= 0x00100000 && hi < 0x7ff00000)) return Math.log(x);
  return lnReduced(x, (hi >> 20) - 1023, (hi >>> 13) & 127);
}

/** ln x for a float32 x (as a float64 number) whose bits are `bits`. */
export function ln32(x: number, bits: number): number {
  if (!(bits >= 0x00800000 && bits < 0x7f800000)) return Math.log(x);
  return lnReduced(x, (bits >> 23) - 127, (bits >>> 16) & 127);
}

/** 2^(j/64), j = 0..63 (Math.pow, < 1 ulp). */
const EXP_T = new Float64Array(64);
for (let j = 0; j < 64; j++) EXP_T[j] = 2 ** (j / 64);
const EXP_INV = 64 / Math.LN2;
const EXP_HI = LN2_HI / 64;
const EXP_LO = LN2_LO / 64;
/** 1.5·2^52: t + SHIFT - SHIFT rounds t to the nearest integer. */
const SHIFT = 6755399441055744.0;
/** ln(2^-1022): below it the result is flushed to 0. */
const EXP_MIN = -708.3964185322641;

/** e^x for x ≤ 0 (also -Infinity → 0, NaN → NaN); results below 2^-1022 are 0. */
export function expNeg(x: number): number {
  if (!(x >= EXP_MIN)) return x !== x ? x : 0;
  const n = x * EXP_INV + SHIFT - SHIFT;
  const r = x - n * EXP_HI - n * EXP_LO;
  const i = n | 0;
  const p = 1 + (r + r * r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120)))));
  return EXP_T[i & 63] * POW2[POW2_BIAS + (i >> 6)] * p;
}
