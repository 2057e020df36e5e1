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

/** The multilabel per-row header: the row's mean loss, mean binary entropy, labels right. */
export const PER_ROW_MULTILABEL_HEADER = 'row,cross_entropy,entropy,correct\n';

/** Text syntaxes of the per-row output (Parquet is written by the command line's own writer). */
export type PerRowSyntax = 'csv' | 'jsonl';

/**
 * How a task's per-row lines are written (API.md "Where output goes"): binary and multiclass
 * `row,label,cross_entropy,entropy,predicted` with `label` and `predicted` as the input names
 * them (`names` given: class names; none: 0-based positions); multilabel
 * `row,cross_entropy,entropy,correct`. JSON Lines carry the same fields, names as JSON strings.
 */
export interface PerRowFormat {
  header: string;
  /** One line from a task's per-row block: `n` labels, cross-entropies, entropies, predictions. */
  line(row: number, block: Float64Array, n: number, i: number, names?: readonly string[]): string;
}

export function perRowFormat(task: 'binary' | 'multiclass' | 'multilabel', syntax: PerRowSyntax = 'csv'): PerRowFormat {
  if (task === 'multilabel') {
    return syntax === 'csv'
      ? {
          header: PER_ROW_MULTILABEL_HEADER,
          line: (row, block, n, i) => `${row},${block[n + i]},${block[2 * n + i]},${block[3 * n + i]}\n`,
        }
      : {
          header: '',
          line: (row, block, n, i) =>
            `{"row":${row},"cross_entropy":${jsonValue(block[n + i])},"entropy":${jsonValue(block[2 * n + i])},"correct":${block[3 * n + i]}}\n`,
        };
  }
  if (syntax === 'jsonl') {
    return {
      header: '',
      line: (row, block, n, i, names) =>
        names === undefined
          ? perRowJsonLine(row, block[i], block[n + i], block[2 * n + i], block[3 * n + i])
          : `{"row":${row},"label":${JSON.stringify(names[block[i]])},"cross_entropy":${jsonValue(block[n + i])},"entropy":${jsonValue(block[2 * n + i])},"predicted":${JSON.stringify(names[block[3 * n + i]])}}\n`,
    };
  }
  return {
    header: PER_ROW_HEADER,
    line: (row, block, n, i, names) =>
      names === undefined
        ? perRowLine(row, block[i], block[n + i], block[2 * n + i], block[3 * n + i])
        : `${row},${csvField(names[block[i]])},${block[n + i]},${block[2 * n + i]},${csvField(names[block[3 * n + i]])}\n`,
  };
}

/** A name as a CSV field: quoted when it holds a comma, a quote or a line break. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
