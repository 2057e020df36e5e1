import type { CalibrationBin, Report } from '../protocol.js';
import { figure, fillTable, h, valueCell } from '../render/dom.js';
import { axisX, axisY, chart, linear, short, svg, ticks, title } from './svg.js';

/** Bars drawn at most: past it they would be thinner than a pixel. */
export const DRAWN_BINS_MOST = 400;
/** Bins listed in the table at most. */
export const TABLE_BINS_MOST = 1000;

/** What a bin's weight counts: rows, label decisions (multilabel), or weights. */
function counted(report: Report): string {
  if (report.weighted) return 'weight';
  return report.figures.task === 'multilabel' ? 'decisions' : 'rows';
}

/** What the confidence is, per task (API.md `ece`). */
function confidenceLabel(report: Report): string {
  return report.figures.task === 'multiclass'
    ? 'confidence (largest predicted probability)'
    : 'predicted probability of the positive class';
}

/** What the bars measure: accuracy (multiclass), or how often the label is positive. */
function outcomeLabel(report: Report): string {
  return report.figures.task === 'multiclass' ? 'accuracy' : 'fraction of positive labels';
}

/**
 * The reliability diagram on the `ece` bins: per non-empty bin, a bar of its accuracy over the
 * bin's range, a dot at (mean confidence, accuracy) and its weight at the foot; a calibrated
 * model's dots lie on the dashed diagonal. `ece` is the mean distance of the dots from the
 * diagonal, weighted by the bins' weights: the caption computes it from the bars drawn.
 */
export function renderReliability(target: HTMLElement, report: Report): void {
  const filled = report.calibration;
  const count = report.figures.bins;
  const what = counted(report);
  const outcome = outcomeLabel(report);
  const table = alternative(filled, what, outcome);
  if (filled.length > DRAWN_BINS_MOST) {
    target.replaceChildren(
      h(
        'p',
        { class: 'note', 'data-too-many': filled.length },
        `${filled.length.toLocaleString('en-US')} non-empty bins of ${count.toLocaleString('en-US')} are too many to draw (at most ${DRAWN_BINS_MOST}): choose fewer ECE bins.`,
      ),
      table,
    );
    return;
  }
  const width = 460;
  const height = 380;
  const m = { left: 50, right: 14, top: 12, bottom: 44 };
  const x = linear(0, 1, m.left, width - m.right);
  const y = linear(0, 1, height - m.bottom, m.top);
  const svgChart = chart(
    width,
    height,
    `Reliability diagram on ${count} bins`,
    `${outcome} against ${confidenceLabel(report)} in ${filled.length} non-empty bins of ${count}; expected calibration error ${figure(report.figures.ece)}.`,
  );
  const grid = ticks(1, 5);
  svgChart.append(
    axisY(y, grid, m.left, width - m.right, outcome),
    axisX(x, grid, height - m.bottom, confidenceLabel(report)),
  );
  svgChart.append(
    svg(
      'line',
      { x1: x(0), y1: y(0), x2: x(1), y2: y(1), class: 'diagonal' },
      title('perfect calibration: accuracy = confidence'),
    ),
  );
  const bars = svg('g', { class: 'bars' });
  const dots = svg('g', { class: 'dots' });
  const foot = svg('g', { class: 'counts', 'aria-hidden': 'true' });
  const roomy = (x(1) - x(0)) / count >= 26;
  for (const bin of filled) {
    const text =
      `bin ${bin.index + 1}, ${figure(bin.lo)}–${figure(bin.hi)}: ${what} ${figure(bin.weight)}, ` +
      `mean confidence ${figure(bin.confidence)}, ${outcome} ${figure(bin.accuracy)}`;
    const data = {
      'data-bin': bin.index,
      'data-weight': String(bin.weight),
      'data-confidence': String(bin.confidence),
      'data-accuracy': String(bin.accuracy),
    };
    bars.append(
      svg(
        'rect',
        {
          class: 'bar',
          x: x(bin.lo) + 0.5,
          width: Math.max(0.5, x(bin.hi) - x(bin.lo) - 1),
          y: y(bin.accuracy),
          height: y(0) - y(bin.accuracy),
          ...data,
        },
        title(text),
      ),
    );
    dots.append(svg('circle', { class: 'dot', cx: x(bin.confidence), cy: y(bin.accuracy), r: 3.5 }, title(text)));
    if (roomy)
      foot.append(
        svg('text', { x: (x(bin.lo) + x(bin.hi)) / 2, y: y(0) - 4, 'text-anchor': 'middle' }, short(bin.weight)),
      );
  }
  svgChart.append(bars, foot, dots);
  const legend = h(
    'p',
    { class: 'note' },
    h('span', { class: 'swatch bar-swatch' }),
    ` ${outcome} per bin (${what} at the foot) `,
    h('span', { class: 'dot dot-swatch' }),
    ' (mean confidence, accuracy) · dashed: perfect calibration',
  );
  target.replaceChildren(svgChart, legend, h('details', {}, h('summary', {}, 'The bins as a table'), table));
}

/** The diagram's numbers as a table, one row per non-empty bin (at most {@link TABLE_BINS_MOST}). */
function alternative(bins: CalibrationBin[], what: string, outcome: string): HTMLTableElement {
  const table = h('table', { class: 'numbers', id: 'reliability-table' });
  const rows = bins
    .slice(0, TABLE_BINS_MOST)
    .map((bin) =>
      h(
        'tr',
        { 'data-bin': bin.index },
        h('th', { scope: 'row' }, `${figure(bin.lo)} – ${figure(bin.hi)}`),
        valueCell(bin.weight),
        valueCell(bin.confidence),
        valueCell(bin.accuracy),
        valueCell(Math.abs(bin.accuracy - bin.confidence)),
      ),
    );
  fillTable(table, ['bin', what, 'mean confidence', outcome, `|${outcome} − confidence|`], rows);
  table.createCaption().textContent =
    bins.length > TABLE_BINS_MOST
      ? `the first ${TABLE_BINS_MOST} of ${bins.length.toLocaleString('en-US')} non-empty bins`
      : 'the non-empty bins (empty bins have no rows and no part in ece)';
  return table;
}
