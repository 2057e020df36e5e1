import type { ScoreHistograms } from '../protocol.js';
import { figure, fillTable, h, valueCell } from '../render/dom.js';
import { axisX, axisY, chart, linear, short, svg, ticks, title } from './svg.js';

/**
 * A binary file's score histograms: the rows of each class counted by the predicted
 * probability of the positive class, on the calibration bins, one panel per class (each on its
 * own count axis, so a rare class still shows its shape), with the decision threshold. A good
 * model piles the positive rows up at the right and the negative rows at the left.
 */
export function renderScoreHistograms(target: HTMLElement, s: ScoreHistograms): void {
  const width = 900;
  const panel = 120;
  const m = { left: 54, right: 14, top: 22, gap: 34, bottom: 44 };
  const height = m.top + 2 * panel + m.gap + m.bottom;
  const x = linear(0, 1, m.left, width - m.right);
  const [negative, positive] = s.names;
  const total = (counts: number[]) => counts.reduce((a, b) => a + b, 0);
  const svgChart = chart(
    width,
    height,
    'Score histograms of both classes',
    `Rows of class ${positive} (${total(s.positive)}) and of class ${negative} (${total(s.negative)}) by the predicted probability of ${positive}, in ${s.edges.length - 1} bins; threshold ${figure(s.threshold)}.`,
  );
  const panels: Array<['positive' | 'negative', string, number[]]> = [
    ['positive', positive, s.positive],
    ['negative', negative, s.negative],
  ];
  panels.forEach(([side, name, counts], i) => {
    const top = m.top + i * (panel + m.gap);
    const max = Math.max(1, ...counts);
    const y = linear(0, max, top + panel, top);
    const g = svg('g', { class: `panel-${side}`, 'data-class': side });
    g.append(axisY(y, ticks(max, 3), m.left, width - m.right, 'rows', short));
    g.append(
      svg(
        'text',
        { x: m.left + 6, y: top - 6, class: 'panel-title' },
        `label ${name} (${side}): ${total(counts).toLocaleString('en-US')} rows`,
      ),
    );
    counts.forEach((count, b) => {
      if (count === 0) return;
      const x0 = x(s.edges[b]);
      const x1 = x(s.edges[b + 1]);
      g.append(
        svg(
          'rect',
          {
            class: `bar bar-${side}`,
            x: x0 + 0.5,
            width: Math.max(0.5, x1 - x0 - 1),
            y: y(count),
            height: top + panel - y(count),
            'data-bin': b,
            'data-count': count,
          },
          title(
            `label ${name}, p(${positive}) in ${figure(s.edges[b])}–${figure(s.edges[b + 1])}: ${count.toLocaleString('en-US')} rows`,
          ),
        ),
      );
    });
    svgChart.append(g);
  });
  const bottom = m.top + 2 * panel + m.gap;
  svgChart.append(axisX(x, ticks(1, 5), bottom, `predicted probability of ${positive}`));
  svgChart.append(
    svg(
      'line',
      { class: 'threshold', x1: x(s.threshold), x2: x(s.threshold), y1: m.top - 4, y2: bottom },
      title(`threshold ${figure(s.threshold)}: rows at or above it are predicted ${positive}`),
    ),
  );
  target.replaceChildren(svgChart, alternative(s));
}

/** The counts as a table, one row per bin. */
function alternative(s: ScoreHistograms): HTMLElement {
  const table = h('table', { class: 'numbers', id: 'scores-table' });
  const rows = s.negative.map((_, b) =>
    h(
      'tr',
      { 'data-bin': b },
      h('th', { scope: 'row' }, `${figure(s.edges[b])} – ${figure(s.edges[b + 1])}`),
      valueCell(s.negative[b]),
      valueCell(s.positive[b]),
    ),
  );
  fillTable(table, [`p(${s.names[1]})`, `rows labelled ${s.names[0]}`, `rows labelled ${s.names[1]}`], rows);
  return h('details', {}, h('summary', {}, 'The counts as a table'), table);
}
