/**
 * The per-row results as `xentropy score --per-row` and the page's download write them:
 * `row,label,cross_entropy,entropy,predicted`, rows numbered from 0, numbers in their shortest
 * round-trip form (`String(x)`: `Infinity`, `NaN`).
 */

export const PER_ROW_HEADER = 'row,label,cross_entropy,entropy,predicted\n';

/** One line of the per-row CSV. */
export function perRowLine(
  row: number,
  label: number,
  crossEntropy: number,
  entropy: number,
  predicted: number,
): string {
  return `${row},${label},${crossEntropy},${entropy},${predicted}\n`;
}

/** One line of the per-row JSON Lines: the same fields; a non-finite number as the string "Infinity", "-Infinity" or "NaN" (JSON has none). */
export function perRowJsonLine(
  row: number,
  label: number,
  crossEntropy: number,
  entropy: number,
  predicted: number,
): string {
  return `{"row":${row},"label":${label},"cross_entropy":${jsonValue(crossEntropy)},"entropy":${jsonValue(entropy)},"predicted":${predicted}}\n`;
}

function jsonValue(x: number): string {
  return Number.isFinite(x) ? String(x) : `"${x}"`;
}
