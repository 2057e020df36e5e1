import type { InputKind } from '../accumulator.js';
import type { Batch } from './batch.js';

/** How far a probability row's sum may be from 1 (API.md). */
export const SUM_TOLERANCE = 1e-6;

/** A row that cannot be scored: its index in the batch and what is wrong with it. */
export interface RowFault {
  index: number;
  message: string;
}

type ScoreCheck = (scores: ArrayLike<number>, offset: number, columns: readonly string[]) => string | undefined;

/**
 * Finds the first row of a batch that cannot be scored: a label that is not an integer in
 * `[0, k)`; for logits a `NaN` or `+Infinity` entry (`-Infinity` masks a class); for
 * probabilities a negative or `NaN` entry or a sum further than 1e-6 from 1.
 *
 * The library would reject most of these too, but naming the column and the physical line
 * needs the reader's view of the row, so the command line checks first.
 *
 * @example
 * findFault({ firstRow: 0, rows: 1, labels: Float64Array.of(2), scores: Float64Array.of(0.5, 0.5),
 *   columns: ['p_0', 'p_1'] }, 'probs'); // { index: 0, message: 'label 2 is not a class index in [0, 2)' }
 */
export function findFault(batch: Batch, input: InputKind): RowFault | undefined {
  const { columns, labels, scores } = batch;
  const k = columns.length;
  const checkScores = input === 'logits' ? logitFault : probabilityFault;
  for (let i = 0; i < batch.rows; i++) {
    const y = labels[i];
    const message = Number.isInteger(y) && y >= 0 && y < k
      ? checkScores(scores, i * k, columns)
      : `label ${y} is not a class index in [0, ${k})`;
    if (message !== undefined) return { index: i, message };
  }
  return undefined;
}

const logitFault: ScoreCheck = (scores, offset, columns) => {
  for (let c = 0; c < columns.length; c++) {
    const z = scores[offset + c];
    if (z !== z || z === Infinity) return `${columns[c]} is ${z}; a logit must be finite, or -inf to mask a class`;
  }
  return undefined;
};

const probabilityFault: ScoreCheck = (scores, offset, columns) => {
  let sum = 0;
  for (let c = 0; c < columns.length; c++) {
    const p = scores[offset + c];
    if (!(p >= 0)) return `${columns[c]} is ${p}; a probability must be a number ≥ 0`;
    sum += p;
  }
  return Math.abs(sum - 1) <= SUM_TOLERANCE ? undefined : `probabilities sum to ${sum}, not 1 (within 1e-6)`;
};
