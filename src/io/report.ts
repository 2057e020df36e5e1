import type { InputKind, Summary } from '../accumulator.js';
import { jsonNumber } from '../accumulator.js';

/** `--base` as written on the command line. */
export type BaseName = 'e' | '2' | '10';

export const BASES: Record<BaseName, { value: number; unit: string }> = {
  e: { value: Math.E, unit: 'nats' },
  2: { value: 2, unit: 'bits' },
  10: { value: 10, unit: 'bans' },
};

/** The `--base` name of a logarithm base. */
export function baseName(base: number): BaseName {
  return base === 2 ? '2' : base === 10 ? '10' : 'e';
}

/** What was scored, reported beside the figures. */
export interface RunInfo {
  file: string;
  input: InputKind;
  base: BaseName;
}

/**
 * The `--json` summary: one object, the summary keys first in API.md's order, then `base`,
 * `unit`, `input`, `file`. Non-finite figures become `"Infinity"`, `"-Infinity"`, `"NaN"`.
 */
export function formatJson(summary: Summary, info: RunInfo): string {
  const object = { ...summary, base: info.base, unit: BASES[info.base].unit, input: info.input, file: info.file };
  return `${JSON.stringify(object, (_key, value: unknown) => (typeof value === 'number' ? jsonNumber(value) : value), 2)}\n`;
}

/** The human summary: one aligned `name  value` line per figure, six significant digits. */
export function formatHuman(summary: Summary, info: RunInfo): string {
  const unit = BASES[info.base].unit;
  const lines: Array<[string, string]> = [
    ['file', info.file],
    ['input', `${info.input}, ${summary.classes} ${summary.classes === 1 ? 'class' : 'classes'}`],
    ['rows', String(summary.rows)],
    ['mean cross-entropy', `${figure(summary.mean_cross_entropy)} ${unit}`],
    ['sum cross-entropy', `${figure(summary.sum_cross_entropy)} ${unit}`],
    ['mean entropy', `${figure(summary.mean_entropy)} ${unit}`],
    ['accuracy', `${(100 * summary.accuracy).toFixed(2)} %`],
    ['perplexity', figure(summary.perplexity)],
    ['worst row', `${summary.max_cross_entropy_row} (cross-entropy ${figure(summary.max_cross_entropy)} ${unit})`],
  ];
  const width = Math.max(...lines.map(([name]) => name.length)) + 2;
  return lines.map(([name, value]) => `${name.padEnd(width)}${value}\n`).join('');
}

function figure(x: number): string {
  return Number.isFinite(x) ? x.toPrecision(6) : String(x);
}
