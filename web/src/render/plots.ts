import * as Plot from '@observablehq/plot';
import type { Histogram, Report } from '../protocol.js';
import { byId, figure, h } from './dom.js';

/** Counts in little room (axis ticks, bar feet): 32.8K fits where 32,844 would run into its neighbour. */
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

const BLUE = '#3b6db3';
const ORANGE = '#d9822b';
const RED = '#c8453b';

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
        x1: 'x0',
        x2: 'x1',
        y: 'count',
        fill,
        insetLeft: 0.5,
        insetRight: 0.5,
        tip: true,
        title: (b: Histogram['bins'][number]) =>
          `${figure(b.x0)} – ${figure(b.x1)}\n${b.count.toLocaleString('en-US')} rows`,
      }),
      Plot.ruleY([0]),
    ],
  });
  const note =
    histogram.nonFinite > 0
      ? h(
          'p',
          { class: 'note', 'data-non-finite': histogram.nonFinite },
          `${histogram.nonFinite.toLocaleString('en-US')} rows with infinite ${what} are not drawn`,
        )
      : null;
  target.replaceChildren(plot, ...(note ? [note] : []));
}

/**
 * The reliability diagram: per confidence bin, the accuracy (bars) and the mean confidence of its
 * rows (dots, joined); a calibrated model's dots lie on the diagonal. The expected calibration
 * error averages the distance of each dot from the diagonal, weighted by the bin's rows.
 */
function reliabilityPlot(target: HTMLElement, report: Report): void {
  type Bin = Report['reliability']['bins'][number];
  const bins = report.reliability.bins.filter((b) => b.count > 0);
  const width = Math.min(widthOf(target), 520);
  const plot = Plot.plot({
    width,
    height: Math.round(width * 0.8),
    marginLeft: 48,
    style: { fontSize: '12px', background: 'transparent' },
    x: {
      domain: [0, 1],
      label: 'confidence (largest predicted probability)',
      labelAnchor: 'center',
      labelArrow: 'none',
    },
    y: { domain: [0, 1], label: 'accuracy', grid: true, labelArrow: 'none' },
    marks: [
      Plot.rectY(bins, { x1: 'lo', x2: 'hi', y: 'accuracy', fill: BLUE, fillOpacity: 0.35, inset: 1 }),
      // Row counts along the foot of the bars, clear of the dots.
      Plot.text(bins, {
        x: (b: Bin) => (b.lo + b.hi) / 2,
        y: 0,
        text: (b: Bin) => compact.format(b.count),
        dy: -7,
        fontSize: 10,
        fill: '#333',
      }),
      Plot.line(
        [
          [0, 0],
          [1, 1],
        ],
        { stroke: '#777', strokeDasharray: '4 4' },
      ),
      Plot.line(bins, { x: 'confidence', y: 'accuracy', stroke: RED, strokeWidth: 1.5 }),
      Plot.dot(bins, {
        x: 'confidence',
        y: 'accuracy',
        r: 3.5,
        fill: RED,
        tip: true,
        title: (b: Bin) =>
          `confidence ${figure(b.lo)}–${figure(b.hi)}: ${b.count.toLocaleString('en-US')} rows\n` +
          `mean confidence ${figure(b.confidence)}, accuracy ${figure(b.accuracy)}`,
      }),
      Plot.ruleY([0]),
    ],
  });
  const legend = h(
    'p',
    { class: 'note' },
    h('span', { class: 'swatch', style: `background:${BLUE};opacity:.45` }),
    ' accuracy per bin (its rows at the foot) ',
    h('span', { class: 'dot', style: `background:${RED}` }),
    ' (mean confidence, accuracy) · dashed: perfect calibration',
  );
  target.replaceChildren(plot, legend);
}

export function renderPlots(report: Report): void {
  histogramPlot(byId('hist-ce'), report.crossEntropy, `cross-entropy (${report.unit})`, BLUE, 'cross-entropy');
  histogramPlot(byId('hist-entropy'), report.entropy, `entropy of the prediction (${report.unit})`, ORANGE, 'entropy');
  reliabilityPlot(byId('reliability'), report);
  const ece = byId('ece');
  ece.textContent = figure(report.reliability.ece);
  ece.dataset.value = String(report.reliability.ece);
}
