import type { BenchReport, Report } from '../protocol.js';
import { byId, fillTable, h, valueCell } from './dom.js';

/** The rows with the largest cross-entropy: where the model was most confidently wrong. */
export function renderWorst(report: Report): void {
  // Labels and predictions by the classes' names (binary: negative, positive).
  const names = report.figures.per_class?.map((c) => c.class ?? '') ?? [];
  const name = (c: number) => names[c] ?? String(c);
  const rows = report.worst.map((w) =>
    h(
      'tr',
      { 'data-row': w.row },
      valueCell(w.row, String(w.row)),
      w.line === undefined ? h('td', {}, '–') : valueCell(w.line, String(w.line)),
      valueCell(w.label, name(w.label)),
      h('td', { 'data-value': w.predicted, class: w.predicted === w.label ? undefined : 'wrong' }, name(w.predicted)),
      valueCell(w.trueProbability),
      valueCell(w.crossEntropy),
      valueCell(w.entropy),
    ),
  );
  fillTable(
    byId<HTMLTableElement>('worst'),
    ['row', 'line', 'label', 'predicted', 'p(label)', `cross-entropy (${report.unit})`, `entropy (${report.unit})`],
    rows,
  );
}

/** Time per pass and throughput of each way, and how many times wasm's time it took. */
export function renderBench(bench: BenchReport): void {
  const table = byId<HTMLTableElement>('bench');
  const rows = bench.results.map((r) =>
    h(
      'tr',
      { 'data-name': r.name },
      h('th', { scope: 'row' }, r.label),
      valueCell(r.medianMs, `${r.medianMs.toPrecision(3)} ms`),
      valueCell(r.rowsPerSecond, `${(r.rowsPerSecond / 1e6).toFixed(1)} M`),
      h('td', { 'data-ratio': String(r.ratio) }, r.name === 'wasm' ? '1×' : `${r.ratio.toFixed(2)}×`),
      valueCell(r.samples),
      valueCell(r.mean),
    ),
  );
  fillTable(table, ['', 'median per pass', 'rows / s', 'time ÷ wasm time', 'passes', 'mean cross-entropy'], rows);
  table.createCaption().textContent =
    bench.rowsUsed < bench.rows
      ? `on the first ${bench.rowsUsed.toLocaleString('en-US')} of ${bench.rows.toLocaleString('en-US')} rows`
      : `on all ${bench.rows.toLocaleString('en-US')} rows × ${bench.classes} classes`;
  table.hidden = false;
}
