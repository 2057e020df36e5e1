// Decimal notation only: Number() alone would also read '' and ' ' as 0 and '0x1f' as 31.
// Spaces or tabs around the number are allowed, as Number() and Python's float() allow them.
const DECIMAL = /^[ \t]*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[ \t]*$/;
const SPECIAL = /^[ \t]*([+-]?)(inf|infinity|nan)[ \t]*$/i;

/**
 * Parses one text field as a float64, or returns `undefined` if it is not a number.
 *
 * Decimal text is rounded once, correctly, to float64 (`Number()` semantics, never through
 * float32). `inf`, `infinity` and `nan` in any case, with an optional sign, are numbers too;
 * an empty field, `abc` and `0.25abc` are not.
 *
 * @example parseNumber('-INF')    // returns -Infinity
 * @example parseNumber('0.25abc') // returns undefined
 */
export function parseNumber(text: string): number | undefined {
  if (DECIMAL.test(text)) return Number(text);
  const special = SPECIAL.exec(text);
  if (special === null) return undefined;
  if (special[2].toLowerCase() === 'nan') return NaN;
  return special[1] === '-' ? -Infinity : Infinity;
}
