import { PER_ROW_HEADER, perRowLine } from '../../src/io/per-row-format.js';
import type { RowStore } from './rows.js';

/** Rows per string piece: large enough to be quick, small enough that no piece is huge. */
const PIECE_ROWS = 65536;

/**
 * The per-row results as `xentropy score --per-row` writes them: `row,label,cross_entropy,
 * entropy,predicted`, rows from 0, numbers in their shortest round-trip form.
 */
export function perRowCsv(store: RowStore): Blob {
  const parts: string[] = [PER_ROW_HEADER];
  const { labels, crossEntropy, entropy, predicted } = store;
  for (let start = 0; start < store.rows; start += PIECE_ROWS) {
    let text = '';
    const end = Math.min(store.rows, start + PIECE_ROWS);
    for (let i = start; i < end; i++) text += perRowLine(i, labels[i], crossEntropy[i], entropy[i], predicted[i]);
    parts.push(text);
  }
  return new Blob(parts, { type: 'text/csv' });
}
