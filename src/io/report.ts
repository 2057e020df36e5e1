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

/** The human summary: one aligned `name  value` line per figure, six significant digits; tables for `--per-class` and `--confusion`. */
export function formatHuman(summary: Summary, info: RunInfo): string {
  const unit = BASES[info.base].unit;
  const what =
    summary.task === 'multilabel'
      ? `${summary.labels} ${summary.labels === 1 ? 'label' : 'labels'} (multilabel)`
      : summary.task === 'binary'
        ? `binary, positive class ${JSON.stringify(summary.positive)}`
        : `${summary.classes} ${summary.classes === 1 ? 'class' : 'classes'}`;
  const lines: Array<[string, string]> = [
    ['file', info.file],
    ['input', `${info.input}, ${what}`],
    ['rows', String(summary.rows)],
  ];
  if (summary.weight_sum !== undefined) lines.push(['weight sum', figure(summary.weight_sum)]);
  lines.push(
    ['mean cross-entropy', `${figure(summary.mean_cross_entropy)} ${unit}`],
    ['sum cross-entropy', `${figure(summary.sum_cross_entropy)} ${unit}`],
    ['mean entropy', `${figure(summary.mean_entropy)} ${unit}`],
    ['accuracy', percent(summary.accuracy)],
  );
  if (summary.exact_match !== undefined) lines.push(['exact match', percent(summary.exact_match)]);
  if (summary.top_k_accuracy !== undefined)
    lines.push([`top-${summary.top_k} accuracy`, percent(summary.top_k_accuracy)]);
  lines.push(
    ['brier', figure(summary.brier)],
    ['ece', `${figure(summary.ece)} (${summary.bins} bins)`],
    ['perplexity', figure(summary.perplexity)],
    ['worst row', `${summary.max_cross_entropy_row} (cross-entropy ${figure(summary.max_cross_entropy)} ${unit})`],
  );
  const width = Math.max(...lines.map(([name]) => name.length)) + 2;
  let text = lines.map(([name, value]) => `${name.padEnd(width)}${value}\n`).join('');
  const perClass = summary.per_class ?? summary.per_label;
  if (perClass) {
    const head = [
      summary.per_label ? 'label' : 'class',
      'rows',
      ...(summary.weight_sum !== undefined ? ['weight'] : []),
      'cross-entropy',
      'accuracy',
      'precision',
      'predicted',
      'mean p',
    ];
    const rows = perClass.map((c) => [
      c.class ?? c.label ?? '',
      String(c.rows),
      ...(c.weight !== undefined ? [figure(c.weight)] : []),
      figure(c.mean_cross_entropy),
      percent(c.accuracy),
      percent(c.precision),
      String(c.predicted),
      figure(c.mean_probability),
    ]);
    text += `\n${table(head, rows)}`;
  }
  if (summary.confusion) {
    const names = summary.per_class?.map((c) => c.class!) ?? summary.confusion.map((_, i) => String(i));
    const head = ['true \\ predicted', ...names];
    text += `\n${table(
      head,
      summary.confusion.map((row, r) => [names[r], ...row.map(String)]),
    )}`;
  }
  return text;
}

/** Columns padded to their widest cell, the first left-aligned, the rest right-aligned. */
function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (cells: string[]) =>
    `${cells.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  ')}\n`;
  return line(head) + rows.map(line).join('');
}

function percent(x: number): string {
  return Number.isFinite(x) ? `${(100 * x).toFixed(2)} %` : String(x);
}

function figure(x: number): string {
  return Number.isFinite(x) ? x.toPrecision(6) : String(x);
}
