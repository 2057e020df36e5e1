import * as Plot from '@observablehq/plot';
import type { Histogram, Report } from '../protocol.js';
import { byId, figure, h } from './dom.js';

/** Counts in little room (axis ticks, bar feet): 32.8K fits where 32,844 would run into its neighbour. */
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

const BLUE = '#3b6db3';
const ORANGE = '#d9822b';

/** Plot width: the figure's box, so the page reflows with the window. */
function widthOf(element: HTMLElement): number {
  return Math.max(280, Math.floor(element.clientWidth));
}

/**
 * A histogram of binned rows. The count axis is a square root: most rows sit near zero, and a
 * linear axis would hide the tail where the mistakes are.
 */
function histogramPlot(target: HTMLElement, histogram: Histogram, label: string, fill: string, what: string): void {
  const bins = histogram.bins;
  const plot = Plot.plot({
    width: widthOf(target),
    height: 230,
    marginLeft: 48,
    style: { fontSize: '12px', background: 'transparent' },
    x: { label, labelAnchor: 'center', labelArrow: 'none' },
    y: { label: 'rows', type: 'sqrt', grid: true, labelArrow: 'none', tickFormat: (n: number) => compact.format(n) },
    marks: [
      Plot.rectY(bins, {
        x1: 'x0', x2: 'x1', y: 'count', fill, insetLeft: 0.5, insetRight: 0.5,
        tip: true, title: (b: Histogram['bins'][number]) => `${figure(b.x0)} – ${figure(b.x1)}\n${b.count.toLocaleString('en-US')} rows`,
      }),
      Plot.ruleY([0]),
    ],
  });
  const note = histogram.nonFinite > 0
    ? h('p', { class: 'note', 'data-non-finite': histogram.nonFinite }, `${histogram.nonFinite.toLocaleString('en-US')} rows with infinite ${what} are not drawn`)
    : null;
  target.replaceChildren(plot, ...(note ? [note] : []));
}

export function renderPlots(report: Report): void {
  histogramPlot(byId('hist-ce'), report.crossEntropy, `cross-entropy (${report.unit})`, BLUE, 'cross-entropy');
  histogramPlot(byId('hist-entropy'), report.entropy, `entropy of the prediction (${report.unit})`, ORANGE, 'entropy');
}
