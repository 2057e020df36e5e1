/**
 * Decimal numbers read straight from UTF-8 bytes into float64, correctly rounded, with no string
 * made on the common path. Anything unusual (spaces, `inf`/`nan`, more than 19 significant
 * digits, an exponent beyond ±22 after scaling, junk) is left to the caller's string path
 * ({@link parseNumber}), which decides whether it is a number at all.
 *
 * Two exact paths:
 * - up to 15 significant digits: the digits as an exact integer times or over an exact power
 *   of ten, one correctly rounded operation (Clinger, "How to read floating point numbers
 *   accurately", PLDI 1990: the "fast path");
 * - 16 to 19 digits (what `repr` of a float64 writes): the integer held exactly as a
 *   double-double, divided or multiplied by the exact power of ten in double-double arithmetic
 *   (Dekker's TwoProduct, Knuth's TwoSum), error below 2^-100 relative; it is rounded to float64
 *   only when the result is provably not near a rounding boundary, else the string path decides.
 */

const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`)); // exact: 10^22 < 2^53 · 2^22
/** Dekker's splitter 2^27 + 1: a double split into two 26-bit halves. */
const SPLIT = 134217729;
/** Half the spacing margin: results closer than this (relative) to a rounding boundary go the slow way. */
const MARGIN = 2 ** -90;

/** Byte index just past the number read by {@link readNumber} (valid when it returns a number). */
export let numberEnd = 0;

/** A sentinel for "not read here": NaN cannot be, since NaN is a valid value elsewhere. */
export const NOT_FAST = undefined;

/**
 * Reads a decimal number starting at `b[i]` (an optional sign, digits with an optional point, an
 * optional exponent), stopping at the first byte that cannot continue it, which must be `stop`,
 * LF, CR, or `end`. Sets {@link numberEnd} to that byte's index.
 *
 * @returns the float64 value, or `undefined` if this path cannot decide (the caller then reads
 *   the field as text)
 * @example readNumber(bytes('-1.25,'), 0, 6, 0x2c) // -1.25, numberEnd = 5
 */
export function readNumber(b: Uint8Array, i: number, end: number, stop: number): number | undefined {
  let negative = false;
  let c = i < end ? b[i] : -1;
  if (c === 0x2d || c === 0x2b) {
    negative = c === 0x2d;
    c = ++i < end ? b[i] : -1;
  }
  let hi = 0; // the first 15 significant digits
  let lo = 0; // the next 4 at most
  let nlo = 0;
  let significant = 0;
  let digits = 0;
  let scale = 0; // decimal exponent of the last digit kept
  let point = false;
  for (;;) {
    if (c >= 0x30 && c <= 0x39) {
      digits++;
      const d = c - 0x30;
      if (significant > 0 || d !== 0) {
        if (significant < 15) hi = hi * 10 + d;
        else if (significant < 19) {
          lo = lo * 10 + d;
          nlo++;
        } else return NOT_FAST;
        significant++;
        if (point) scale--;
      } else if (point) scale--;
    } else if (c === 0x2e && !point) {
      point = true;
    } else break;
    c = ++i < end ? b[i] : -1;
  }
  if (digits === 0) return NOT_FAST;
  if (c === 0x65 || c === 0x45) {
    c = ++i < end ? b[i] : -1;
    let expNegative = false;
    if (c === 0x2d || c === 0x2b) {
      expNegative = c === 0x2d;
      c = ++i < end ? b[i] : -1;
    }
    let e = 0;
    let expDigits = 0;
    while (c >= 0x30 && c <= 0x39) {
      if (e < 100000) e = e * 10 + (c - 0x30);
      expDigits++;
      c = ++i < end ? b[i] : -1;
    }
    if (expDigits === 0) return NOT_FAST;
    scale += expNegative ? -e : e;
  }
  if (c !== -1 && c !== stop && c !== 0x0a && c !== 0x0d) return NOT_FAST;
  numberEnd = i;
  let value: number | undefined;
  if (significant === 0) value = 0;
  else if (nlo === 0) {
    if (scale < -22 || scale > 22) return NOT_FAST;
    value = scale < 0 ? hi / POW10[-scale] : hi * POW10[scale];
  } else {
    value = longDecimal(hi, lo, nlo, scale);
    if (value === undefined) return NOT_FAST;
  }
  return negative ? -value : value;
}

/** `(hi·10^nlo + lo)·10^scale` correctly rounded, or undefined if too close to call or out of range. */
function longDecimal(hi: number, lo: number, nlo: number, scale: number): number | undefined {
  if (scale < -22 || scale > 22) return undefined;
  // w = hi·10^nlo + lo exactly, as s + t (w < 10^19 < 2^64 fits 106 bits).
  twoProduct(hi, POW10[nlo]);
  const p = productHi;
  const s = p + lo;
  const se = Math.abs(p) >= lo ? p - s + lo : lo - s + p;
  const t = productLo + se; // exact: an integer below 2^12
  let q1: number;
  let q2: number;
  const d = POW10[scale < 0 ? -scale : scale];
  if (scale < 0) {
    q1 = s / d;
    twoProduct(q1, d);
    q2 = (s - productHi - productLo + t) / d;
  } else {
    twoProduct(s, d);
    q1 = productHi;
    q2 = productLo + t * d;
  }
  const y = q1 + q2;
  const margin = Math.abs(y) * MARGIN;
  // Rounding is monotonic: if both ends of the error interval round to y, so does the exact value.
  if (q1 + (q2 + margin) !== y || q1 + (q2 - margin) !== y || !Number.isFinite(y)) return undefined;
  return y;
}

/** The result of {@link twoProduct} (module state: no allocation on the hot path). */
let productHi = 0;
let productLo = 0;

/** a·b as an unevaluated sum productHi + productLo, productHi = fl(a·b), exactly (Dekker; no FMA in JavaScript). */
function twoProduct(a: number, b: number): void {
  const p = a * b;
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  productHi = p;
  productLo = ah * bh - p + ah * bl + al * bh + al * bl;
}
