import type { Histogram, Report } from '../protocol.js';
import { byId, figure, h } from '../render/dom.js';
import { axisX, axisY, chart, short, svg, ticks, title } from './svg.js';

/**
 * A histogram of per-row values. The count axis is a square root: most rows sit near zero, and
 * a linear axis would hide the tail where the mistakes are. Rows whose value is infinite are
 * counted in a note under it.
 */
function rowHistogram(target: HTMLElement, histogram: Histogram, label: string, kind: string, what: string): void {
  const bins = histogram.bins;
  const width = 540;
  const height = 240;
  const m = { left: 50, right: 12, top: 10, bottom: 44 };
  const hi = bins.length > 0 ? bins[bins.length - 1].x1 : 1;
  const max = Math.max(1, ...bins.map((b) => b.count));
  const x = (v: number) => m.left + (v / hi) * (width - m.left - m.right);
  // y = √count, scaled to the plot's height.
  const y = (n: number) => height - m.bottom - Math.sqrt(n / max) * (height - m.bottom - m.top);
  const rows = bins.reduce((s, b) => s + b.count, 0);
  const svgChart = chart(
    width,
    height,
    `Histogram of ${what}`,
    `${rows.toLocaleString('en-US')} rows in ${bins.length} bins from 0 to ${figure(hi)}; square-root count axis.`,
  );
  svgChart.append(
    axisY(y, sqrtTicks(max), m.left, width - m.right, 'rows', short),
    axisX(x, ticks(hi, 5), height - m.bottom, label),
  );
  const bars = svg('g', { class: `bars bars-${kind}` });
  for (const b of bins) {
    if (b.count === 0) continue;
    bars.append(
      svg(
        'rect',
        {
          class: `bar bar-${kind}`,
          x: x(b.x0) + 0.5,
          width: Math.max(0.5, x(b.x1) - x(b.x0) - 1),
          y: y(b.count),
          height: y(0) - y(b.count),
          'data-count': b.count,
        },
        title(`${figure(b.x0)} – ${figure(b.x1)}: ${b.count.toLocaleString('en-US')} rows`),
      ),
    );
  }
  svgChart.append(bars);
  const note =
    histogram.nonFinite > 0
      ? h(
          'p',
          { class: 'note', 'data-non-finite': histogram.nonFinite },
          `${histogram.nonFinite.toLocaleString('en-US')} rows with infinite ${what} are not drawn`,
        )
      : null;
  target.replaceChildren(svgChart, ...(note ? [note] : []));
}

/** Ticks for a square-root axis up to `max`: a few round counts, denser near zero as the axis is. */
function sqrtTicks(max: number): number[] {
  const roots = ticks(Math.sqrt(max), 4);
  const out = new Set<number>();
  for (const r of roots) {
    const v = r * r;
    // A round count near r², so the labels read well (1, 4, 10, 40, 100, …).
    const power = v > 0 ? 10 ** Math.floor(Math.log10(v)) : 1;
    out.add(v > 0 ? Math.round(v / power) * power : 0);
  }
  return [...out].filter((v) => v <= max).sort((a, b) => a - b);
}

/** The histograms of per-row cross-entropy and of the predictions' entropy. */
export function renderRowHistograms(report: Report): void {
  rowHistogram(byId('hist-ce'), report.crossEntropy, `cross-entropy (${report.unit})`, 'ce', 'cross-entropy');
  rowHistogram(
    byId('hist-entropy'),
    report.entropy,
    `entropy of the prediction (${report.unit})`,
    'entropy',
    'entropy',
  );
}
