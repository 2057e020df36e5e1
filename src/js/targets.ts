/** Class-index targets: one rule for every index kernel (mirror of assembly/targets.ts). */

/** classOf: the row's target is ignoreIndex (contributes 0, not counted). */
export const IGNORED = -1;
/** classOf: the row's target is not an integer in [0, k) (the kernel flags it and writes NaN). */
export const INVALID = -2;

/** The class of a target: an integer in [0, k), else IGNORED or INVALID. */
export function classOf(label: number, k: number, ignoreIndex: number): number {
  if (label === ignoreIndex) return IGNORED;
  if (!(label >= 0 && label < k && Math.floor(label) === label)) return INVALID;
  return label;
}

/** What a row with no class writes: 0 when ignored, NaN when invalid. */
export function classless(c: number): number {
  return c === IGNORED ? 0 : NaN;
}
