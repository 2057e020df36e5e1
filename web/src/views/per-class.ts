import type { ClassFigures } from '../../../src/accumulator.js';
import type { Report } from '../protocol.js';
import { fillTable, h, percent, valueCell } from '../render/dom.js';

/**
 * F1, the harmonic mean of precision and recall; 0 when both are 0 (scikit-learn's
 * `f1_score`), NaN when either is undefined (no rows of the class, or none predicted as it).
 */
export function f1(precision: number, recall: number): number {
  if (Number.isNaN(precision) || Number.isNaN(recall)) return NaN;
  return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
}

/** A rate as a percentage, its exact value in `data-value`; "–" (and why) when undefined. */
function rateCell(x: number, why: string): HTMLTableCellElement {
  return Number.isNaN(x) ? h('td', { 'data-value': 'NaN', title: why }, '–') : valueCell(x, percent(x));
}

/**
 * The Accumulator's per-class figures (`--per-class`), one row per class in column order
 * (binary: negative, then positive): support, precision, recall, F1, rows predicted as it, mean
 * cross-entropy and mean probability of the class over its rows. Multilabel: per label, with
 * the label's accuracy over all rows in place of recall.
 */
export function renderPerClass(table: HTMLTableElement, report: Report): void {
  const s = report.figures;
  const multilabel = s.task === 'multilabel';
  const figures: ClassFigures[] = (multilabel ? s.per_label : s.per_class) ?? [];
  const weighted = report.weighted;
  const head = [
    multilabel ? 'label' : 'class',
    multilabel ? 'rows with target 1' : 'rows (support)',
    ...(weighted ? ['weight'] : []),
    'precision',
    multilabel ? 'accuracy' : 'recall',
    ...(multilabel ? [] : ['F1']),
    'predicted',
    `mean cross-entropy (${report.unit})`,
    'mean p',
  ];
  const rows = figures.map((c) => {
    const name = (multilabel ? c.label : c.class) ?? '';
    return h(
      'tr',
      { 'data-class': name },
      h('th', { scope: 'row' }, name),
      valueCell(c.rows),
      weighted ? valueCell(c.weight ?? NaN) : null,
      rateCell(c.precision, 'no rows predicted as it'),
      rateCell(c.accuracy, 'no rows of it'),
      multilabel ? null : rateCell(f1(c.precision, c.accuracy), 'precision or recall undefined'),
      valueCell(c.predicted),
      valueCell(c.mean_cross_entropy),
      valueCell(c.mean_probability),
    );
  });
  fillTable(table, head, rows);
  table.dataset.columns = head.join('|');
  const caption = table.createCaption();
  caption.textContent = multilabel
    ? 'precision: of the rows predicted 1, the fraction whose target is 1; accuracy: the fraction of the label’s decisions that are right; mean p over the rows whose target is 1'
    : `recall: the fraction of the class’s rows predicted as it; mean p: the probability given to the class over its rows${weighted ? '; every rate and mean weighted, counts are rows' : ''}`;
}
