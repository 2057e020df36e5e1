import type { Report } from '../protocol.js';
import { byId, figure, h, percent } from './dom.js';

/** How the `--json` keys read on the page; keys not listed (added later) show under their own name. */
const LABELS: Record<string, { label: string; unit?: boolean; format?: (x: number) => string }> = {
  rows: { label: 'rows' },
  classes: { label: 'classes' },
  mean_cross_entropy: { label: 'mean cross-entropy', unit: true },
  sum_cross_entropy: { label: 'sum cross-entropy', unit: true },
  mean_entropy: { label: 'mean entropy', unit: true },
  accuracy: { label: 'accuracy', format: percent },
  perplexity: { label: 'perplexity' },
  max_cross_entropy_row: { label: 'worst row', format: String },
  max_cross_entropy: { label: 'largest cross-entropy', unit: true },
  labels: { label: 'labels' },
  weight_sum: { label: 'weight sum' },
  exact_match: { label: 'exact match', format: percent },
  top_k_accuracy: { label: 'top-k accuracy', format: percent },
  top_k: { label: 'k of top-k' },
  brier: { label: 'Brier score' },
  ece: { label: 'expected calibration error' },
  bins: { label: 'calibration bins' },
};

/** JSON strings that stand for numbers (API.md: non-finite figures). */
const NON_FINITE = new Set(['Infinity', '-Infinity', 'NaN']);

/** Text fields of the JSON, shown in the line above the cards rather than as cards. */
const META = new Set(['base', 'unit', 'input', 'file']);

/**
 * The summary cards: every figure of `xentropy score --json`, each `<dd>` carrying its key and
 * exact value (`data-key`, `data-value`: the JSON's number text, full precision).
 */
export function renderSummary(report: Report): void {
  const cards = Object.entries(report.summary)
    // per_class, per_label and confusion (objects) have views of their own.
    .filter(([key, value]) => !META.has(key) && (typeof value === 'number' || typeof value === 'string'))
    .map(([key, value]) => {
      const known = LABELS[key];
      if (typeof value === 'string' && !NON_FINITE.has(value)) {
        // Text: the task, the positive class's name.
        return h(
          'div',
          { class: 'card' },
          h('dt', {}, key.replaceAll('_', ' ')),
          h('dd', { 'data-key': key, 'data-value': value, 'data-text': '' }, value),
        );
      }
      const x = typeof value === 'number' ? value : Number(value);
      const text = known?.format ? known.format(x) : figure(x);
      return h(
        'div',
        { class: 'card' },
        h('dt', {}, known?.label ?? key.replaceAll('_', ' ')),
        h(
          'dd',
          { 'data-key': key, 'data-value': String(value) },
          text,
          known?.unit ? h('small', {}, ` ${report.unit}`) : null,
        ),
      );
    });
  byId('summary').replaceChildren(...cards);
  const s = report.summary;
  byId('meta').textContent = `${s.file} · ${s.input} · base ${s.base} (${s.unit})`;
  byId('json').textContent = report.json;
}
