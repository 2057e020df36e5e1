// Class-index targets: one rule for every index kernel (mirror of src/js/targets.ts).

/** classOf: the row's target is ignoreIndex (contributes 0, not counted). */
export const IGNORED: i32 = -1;
/** classOf: the row's target is not an integer in [0, k) (the kernel flags it and writes NaN). */
export const INVALID: i32 = -2;

/** The class of a target read as f64: an integer in [0, k), else IGNORED or INVALID. */
// @ts-ignore: decorator
@inline export function classOf(label: f64, k: i32, ignoreIndex: f64): i32 {
  if (label == ignoreIndex) return IGNORED;
  if (!(label >= 0 && label < <f64>k && Math.floor(label) == label)) return INVALID;
  return <i32>label;
}

/** What a row with no class writes: 0 when ignored, NaN when invalid. */
// @ts-ignore: decorator
@inline export function classless(c: i32): f64 {
  return c == IGNORED ? 0.0 : NaN;
}
