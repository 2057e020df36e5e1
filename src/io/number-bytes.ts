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
  return readNumberInto(b, i, end, stop, one, 0) ? one[0] : NOT_FAST;
}

const one = new Float64Array(1);

/**
 * {@link readNumber} writing the value to `out[at]` (a typed array: a double returned from a
 * call that is not inlined would be boxed, one heap object per field).
 *
 * @returns whether a number was read (else `out` is untouched and the caller reads the text)
 */
export function readNumberInto(
  b: Uint8Array,
  i: number,
  end: number,
  stop: number,
  out: Float64Array,
  at: number,
): boolean {
  let negative = false;
  let c = i < end ? b[i] : -1;
  if (c === 0x2d || c === 0x2b) {
    negative = c === 0x2d;
    c = ++i < end ? b[i] : -1;
  }
  // The hot loop of the CSV reader: digits are told by one unsigned compare, the integer and
  // fraction parts have loops of their own (no per-digit "after the point?" test), and the
  // first 15 significant digits go into `hi` with no per-digit test of how many there are.
  let hi = 0; // the first 15 significant digits
  let lo = 0; // the next 4 at most
  let nlo = 0;
  let significant = 0;
  let digits = 0;
  let scale = 0; // decimal exponent of the last digit kept
  let d = c - 0x30;
  // Leading zeros of the integer part.
  while (d === 0) {
    digits++;
    c = ++i < end ? b[i] : -1;
    d = c - 0x30;
  }
  let from = i;
  while (d >>> 0 <= 9 && significant < 15) {
    hi = hi * 10 + d;
    significant++;
    c = ++i < end ? b[i] : -1;
    d = c - 0x30;
  }
  while (d >>> 0 <= 9) {
    if (significant >= 19) return false;
    lo = lo * 10 + d;
    nlo++;
    significant++;
    c = ++i < end ? b[i] : -1;
    d = c - 0x30;
  }
  digits += i - from;
  if (c === 0x2e) {
    c = ++i < end ? b[i] : -1;
    d = c - 0x30;
    from = i;
    if (significant === 0) {
      // Zeros after the point and before the first significant digit only move the scale.
      while (d === 0) {
        c = ++i < end ? b[i] : -1;
        d = c - 0x30;
      }
      scale -= i - from;
    }
    const kept = i;
    if (significant > 0 || d !== 0) {
      // Four digits at a time while they fit in `hi` (SWAR: one 32-bit load, a few integer ops).
      const v = viewOf === b ? view : viewFor(b);
      while (significant <= 11 && i + 4 <= end) {
        const x = v.getUint32(i, true);
        if (((x & 0xf0f0f0f0) | (((x + 0x06060606) & 0xf0f0f0f0) >>> 4)) !== 0x33333333) break;
        hi = hi * 10000 + fourDigits(x);
        significant += 4;
        i += 4;
      }
      c = i < end ? b[i] : -1;
      d = c - 0x30;
    }
    while (d >>> 0 <= 9 && significant < 15) {
      hi = hi * 10 + d;
      significant++;
      c = ++i < end ? b[i] : -1;
      d = c - 0x30;
    }
    while (d >>> 0 <= 9) {
      if (significant >= 19) return false;
      lo = lo * 10 + d;
      nlo++;
      significant++;
      c = ++i < end ? b[i] : -1;
      d = c - 0x30;
    }
    scale -= i - kept;
    digits += i - from;
  }
  if (digits === 0) return false;
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
    if (expDigits === 0) return false;
    scale += expNegative ? -e : e;
  }
  if (c !== -1 && c !== stop && c !== 0x0a && c !== 0x0d) return false;
  numberEnd = i;
  if (nlo > 0) return longDecimal(hi, lo, nlo, scale, negative, out, at);
  let value: number;
  if (significant === 0) value = 0;
  else {
    if (scale < -22 || scale > 22) return false;
    value = scale < 0 ? hi / POW10[-scale] : hi * POW10[scale];
  }
  out[at] = negative ? -value : value;
  return true;
}

/** A DataView on the bytes being read (made once per buffer, not per number). */
let view: DataView = new DataView(new ArrayBuffer(0));
let viewOf: Uint8Array | undefined;
function viewFor(b: Uint8Array): DataView {
  viewOf = b;
  view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return view;
}

/** Four ASCII digits, little-endian in a 32-bit word (first digit in the low byte), as a number. */
function fourDigits(x: number): number {
  let v = (x - 0x30303030) >>> 0; // each byte 0..9
  v = (v * 10 + (v >>> 8)) & 0x00ff00ff; // two 2-digit numbers
  return ((v & 0xffff) * 100 + (v >>> 16)) >>> 0;
}

/**
 * `(hi·10^nlo + lo)·10^scale` correctly rounded (negated if `negative`) into `out[at]`; false
 * if too close to call or out of range.
 */
function longDecimal(
  hi: number,
  lo: number,
  nlo: number,
  scale: number,
  negative: boolean,
  out: Float64Array,
  at: number,
): boolean {
  if (scale < -22 || scale > 22) return false;
  // Dekker's TwoProduct is written out with locals: results left in module variables would be
  // boxed on every store (a heap number each), several per field.
  // w = hi·10^nlo + lo exactly, as s + t (w < 10^19 < 2^64 fits 106 bits).
  const m = POW10[nlo];
  let u = SPLIT * hi;
  const hh = u - (u - hi);
  const hl = hi - hh;
  u = SPLIT * m;
  const mh = u - (u - m);
  const ml = m - mh;
  const p = hi * m;
  const pLo = hh * mh - p + hh * ml + hl * mh + hl * ml;
  const s = p + lo;
  const se = Math.abs(p) >= lo ? p - s + lo : lo - s + p;
  const t = pLo + se; // exact: an integer below 2^12
  // s split once for the product below.
  u = SPLIT * s;
  const sh = u - (u - s);
  const sl = s - sh;
  let q1: number;
  let q2: number;
  if (scale < 0) {
    // w / 10^-scale as w times the double-double 1/10^-scale: no division (the slowest step).
    // Error: 1/10^n to 2^-106, the products' roundings to ~2^-104 relative, far inside MARGIN.
    const rh = INV_HI[-scale];
    const rl = INV_LO[-scale];
    q1 = s * rh;
    q2 =
      sh * INV_HI_HI[-scale] -
      q1 +
      sh * INV_HI_LO[-scale] +
      sl * INV_HI_HI[-scale] +
      sl * INV_HI_LO[-scale] +
      s * rl +
      t * rh;
  } else {
    const d = POW10[scale];
    u = SPLIT * d;
    const dh = u - (u - d);
    const dl = d - dh;
    q1 = s * d;
    q2 = sh * dh - q1 + sh * dl + sl * dh + sl * dl + t * d;
  }
  const y = q1 + q2;
  const margin = Math.abs(y) * MARGIN;
  // Rounding is monotonic: if both ends of the error interval round to y, so does the exact value.
  if (q1 + (q2 + margin) !== y || q1 + (q2 - margin) !== y || !Number.isFinite(y)) return false;
  // Written here, not returned: a double returned from a call V8 does not inline is boxed.
  out[at] = negative ? -y : y;
  return true;
}

/** The result of {@link twoProduct} (module state: no allocation on the hot path). */
let productHi = 0;
let productLo = 0;

/** 1/10^n as a double-double INV_HI[n] + INV_LO[n] (n ≤ 22), the error of INV_HI recovered exactly. */
const INV_HI = POW10.map((d) => 1 / d);
const INV_LO = POW10.map((d, n) => {
  twoProduct(INV_HI[n], d);
  // 1 - INV_HI·d exactly (the product is within an ulp of 1), over d.
  return (1 - productHi - productLo) / d;
});
/** INV_HI split in halves for Dekker's product (precomputed: the same for every field). */
const INV_HI_HI = INV_HI.map((r) => {
  const u = SPLIT * r;
  return u - (u - r);
});
const INV_HI_LO = INV_HI.map((r, n) => r - INV_HI_HI[n]);

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
