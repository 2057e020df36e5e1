import type { Report } from '../protocol.js';
import { fillTable, h, percent, valueCell } from '../render/dom.js';
import { chart, svg, title } from './svg.js';

/** Classes drawn as a heatmap at most; up to TABLE_CLASSES the counts are a table. */
export const HEATMAP_CLASSES = 30;
export const TABLE_CLASSES = 100;

/** A name in little room: its first characters (the full name is in the cell's title). */
function clip(name: string, most: number): string {
  return name.length > most ? `${name.slice(0, most - 1)}…` : name;
}

/** White to the page's blue by `t` in [0, 1]. */
function shade(t: number): string {
  const mix = (a: number, b: number) => Math.round(a + (b - a) * t);
  return `rgb(${mix(255, 42)},${mix(255, 92)},${mix(255, 168)})`;
}

/**
 * The confusion matrix (`--confusion`: rows the true class, columns the predicted one, both in
 * column order) as a heatmap of counts up to {@link HEATMAP_CLASSES} classes, each cell shaded
 * by its share of the true class's rows; always as a table too, up to {@link TABLE_CLASSES}.
 */
export function renderConfusion(target: HTMLElement, report: Report): void {
  const matrix = report.figures.confusion;
  const names = report.figures.per_class?.map((c) => c.class ?? '') ?? [];
  if (!matrix) {
    target.replaceChildren(
      h(
        'p',
        { class: 'note', 'data-empty': 'multilabel' },
        'Multilabel files have no confusion matrix: each label is a decision of its own (see the per-label table).',
      ),
    );
    return;
  }
  const k = matrix.length;
  const parts: HTMLElement[] = [];
  if (k <= HEATMAP_CLASSES) parts.push(heatmap(matrix, names));
  else {
    parts.push(
      h(
        'p',
        { class: 'note', 'data-too-many': k },
        `${k} classes are too many for a heatmap (at most ${HEATMAP_CLASSES}): `,
        k <= TABLE_CLASSES
          ? 'the counts are in the table below.'
          : `the ${k} × ${k} counts are what xentropy score --confusion prints.`,
      ),
    );
  }
  if (k <= TABLE_CLASSES) {
    const table = h('table', { class: 'numbers', id: 'confusion-table' });
    const rows = matrix.map((row, r) =>
      h('tr', { 'data-true': r }, h('th', { scope: 'row' }, names[r]), ...row.map((count) => valueCell(count))),
    );
    fillTable(table, ['true \\ predicted', ...names], rows);
    parts.push(k <= HEATMAP_CLASSES ? h('details', {}, h('summary', {}, 'The counts as a table'), table) : table);
  }
  target.replaceChildren(...parts);
}

function heatmap(matrix: number[][], names: string[]): HTMLElement {
  const k = matrix.length;
  const cell = Math.max(14, Math.min(48, Math.floor(540 / k)));
  const longest = Math.max(...names.map((n) => n.length));
  const labelChars = Math.min(14, longest);
  const left = 24 + labelChars * 7;
  // Column names stand upright when they fit their cell, else slant.
  const slant = longest * 7 > cell;
  const top = 24 + (slant ? labelChars * 5 : 14);
  const width = left + k * cell + 8;
  const height = top + k * cell + 8;
  const rowTotals = matrix.map((row) => row.reduce((a, b) => a + b, 0));
  const svgChart = chart(
    width,
    height,
    `Confusion matrix of ${k} classes`,
    'Rows: the true class; columns: the predicted class; a cell’s shade is its share of the true class’s rows.',
  );
  svgChart.append(
    svg(
      'text',
      { x: left + (k * cell) / 2, y: 12, 'text-anchor': 'middle', class: 'axis-label', 'aria-hidden': 'true' },
      'predicted',
    ),
    svg(
      'text',
      {
        x: 10,
        y: top + (k * cell) / 2,
        'text-anchor': 'middle',
        transform: `rotate(-90 10 ${top + (k * cell) / 2})`,
        class: 'axis-label',
        'aria-hidden': 'true',
      },
      'true',
    ),
  );
  const labels = svg('g', { class: 'axis', 'aria-hidden': 'true' });
  names.forEach((name, i) => {
    const mid = i * cell + cell / 2;
    labels.append(svg('text', { x: left - 5, y: top + mid + 4, 'text-anchor': 'end' }, clip(name, labelChars)));
    labels.append(
      slant
        ? svg(
            'text',
            { x: left + mid, y: top - 5, transform: `rotate(-50 ${left + mid} ${top - 5})` },
            clip(name, labelChars),
          )
        : svg('text', { x: left + mid, y: top - 5, 'text-anchor': 'middle' }, clip(name, labelChars)),
    );
  });
  svgChart.append(labels);
  const cells = svg('g', { class: 'cells' });
  const figures = svg('g', { class: 'counts', 'aria-hidden': 'true' });
  matrix.forEach((row, r) => {
    row.forEach((count, c) => {
      const share = rowTotals[r] > 0 ? count / rowTotals[r] : 0;
      const x = left + c * cell;
      const y = top + r * cell;
      cells.append(
        svg(
          'rect',
          {
            class: r === c ? 'cell diagonal-cell' : 'cell',
            x,
            y,
            width: cell - 1,
            height: cell - 1,
            fill: shade(share),
            'data-true': r,
            'data-predicted': c,
            'data-count': count,
          },
          title(
            `true ${names[r]}, predicted ${names[c]}: ${count.toLocaleString('en-US')} rows (${percent(share)} of ${names[r]}’s rows)`,
          ),
        ),
      );
      if (cell >= 20 && count > 0) {
        const text = count >= 1000 ? `${Math.round(count / 100) / 10}k` : String(count);
        figures.append(
          svg(
            'text',
            {
              x: x + cell / 2 - 0.5,
              y: y + cell / 2 + 4,
              'text-anchor': 'middle',
              class: share > 0.55 ? 'on-dark' : undefined,
            },
            text,
          ),
        );
      }
    });
  });
  svgChart.append(cells, figures);
  return h('div', { class: 'heatmap' }, svgChart);
}
