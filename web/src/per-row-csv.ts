import { perRowFormat } from '../../src/io/per-row-format.js';
import type { RowStore } from './rows.js';

/** Rows per string piece: large enough to be quick, small enough that no piece is huge. */
const PIECE_ROWS = 65536;

/**
 * The per-row results as `xentropy score --per-row` writes them (the same line writer): binary
 * and multiclass `row,label,cross_entropy,entropy,predicted` (labels as the input names them),
 * multilabel `row,cross_entropy,entropy,correct`; rows from 0, numbers in their shortest
 * round-trip form.
 */
export function perRowCsv(store: RowStore): Blob {
  const format = perRowFormat(store.perRow.task);
  const parts: string[] = [format.header];
  const { labels, crossEntropy, entropy, predicted } = store;
  for (let start = 0; start < store.rows; start += PIECE_ROWS) {
    const n = Math.min(store.rows, start + PIECE_ROWS) - start;
    // The writer's block: labels, cross-entropies, entropies, predictions (multilabel: labels right).
    const block = new Float64Array(4 * n);
    block.set(labels.subarray(start, start + n), 0);
    block.set(crossEntropy.subarray(start, start + n), n);
    block.set(entropy.subarray(start, start + n), 2 * n);
    block.set(predicted.subarray(start, start + n), 3 * n);
    let text = '';
    for (let i = 0; i < n; i++) text += format.line(start + i, block, n, i, store.perRow.names);
    parts.push(text);
  }
  return new Blob(parts, { type: 'text/csv' });
}
