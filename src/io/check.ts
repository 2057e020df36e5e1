import type { InputKind } from '../accumulator.js';
import type { Batch } from './batch.js';
import { rowWidth } from './columns.js';
import type { Layout } from './columns.js';

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
 * probabilities an entry that is negative, above 1 or `NaN`, or a sum further than 1e-6 from 1.
 *
 * The library would reject most of these too, but naming the column and the physical line
 * needs the reader's view of the row, so the command line checks first.
 *
 * @example
 * findFault({ firstRow: 0, rows: 1, labels: Float64Array.of(2), scores: Float64Array.of(0.5, 0.5),
 *   columns: ['p_0', 'p_1'] }, 'probs'); // { index: 0, message: 'label 2 is not a class index in [0, 2)' }
 */
export function findFault(batch: Batch, input: InputKind, layout?: Layout): RowFault | undefined {
  const fault =
    layout !== undefined && (layout.task !== 'multiclass' || rowWidth(layout) !== layout.classes)
      ? layoutFault(batch, input, layout)
      : findValueFault(batch, input);
  // A null (NaN in the block) is named as such, unless an earlier row is bad.
  const nullAt = batch.firstNull;
  if (nullAt && !(fault && fault.index < nullAt.row))
    return { index: nullAt.row, message: `column ${JSON.stringify(nullAt.column)} is null` };
  return fault;
}

function findValueFault(batch: Batch, input: InputKind): RowFault | undefined {
  // Most batches are clean: a flat pass proves it (one tight loop per array kind, which V8 keeps
  // monomorphic), and only a batch with a suspect value is walked row by row for the message.
  if (
    labelsClean(batch.labels, batch.rows, batch.columns.length) &&
    (input === 'logits'
      ? batch.scores instanceof Float64Array
        ? logitsClean64(batch.scores, batch.rows * batch.columns.length)
        : logitsClean32(batch.scores, batch.rows * batch.columns.length)
      : probsClean(batch.scores, batch.rows, batch.columns.length))
  )
    return undefined;
  return firstFault(batch, input);
}

function labelsClean(labels: Float64Array, rows: number, k: number): boolean {
  for (let i = 0; i < rows; i++) {
    const y = labels[i];
    // In range and integral: (y | 0) === y holds for integers below 2^31 (k is far below).
    if (!(y >= 0 && y < k && (y | 0) === y)) return false;
  }
  return true;
}

function logitsClean64(scores: Float64Array, n: number): boolean {
  for (let j = 0; j < n; j++) if (!(scores[j] < Infinity)) return false; // NaN or +inf
  return true;
}

function logitsClean32(scores: Float32Array, n: number): boolean {
  for (let j = 0; j < n; j++) if (!(scores[j] < Infinity)) return false;
  return true;
}

/** The same test as probabilityFault, summing in the same order, without building messages. */
function probsClean(scores: Float64Array | Float32Array, rows: number, k: number): boolean {
  return scores instanceof Float64Array ? probsClean64(scores, rows, k) : probsClean32(scores, rows, k);
}

function probsClean64(scores: Float64Array, rows: number, k: number): boolean {
  for (let i = 0, o = 0; i < rows; i++) {
    let sum = 0;
    for (let c = 0; c < k; c++, o++) {
      const p = scores[o];
      if (!(p >= 0 && p <= 1)) return false;
      sum += p;
    }
    if (!(Math.abs(sum - 1) <= SUM_TOLERANCE)) return false;
  }
  return true;
}

function probsClean32(scores: Float32Array, rows: number, k: number): boolean {
  for (let i = 0, o = 0; i < rows; i++) {
    let sum = 0;
    for (let c = 0; c < k; c++, o++) {
      const p = scores[o];
      if (!(p >= 0 && p <= 1)) return false;
      sum += p;
    }
    if (!(Math.abs(sum - 1) <= SUM_TOLERANCE)) return false;
  }
  return true;
}

/** The first bad row, checked row by row. */
function firstFault(batch: Batch, input: InputKind): RowFault | undefined {
  const { columns, labels, scores } = batch;
  const k = columns.length;
  const checkScores = input === 'logits' ? logitFault : probabilityFault;
  for (let i = 0; i < batch.rows; i++) {
    const y = labels[i];
    const message =
      Number.isInteger(y) && y >= 0 && y < k
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
    // Above 1 is refused even in a row summing to 1 within 1e-6 (its loss could be negative), as the library refuses it.
    if (!(p >= 0 && p <= 1)) return `${columns[c]} is ${p}; a probability must be a number in [0, 1]`;
    sum += p;
  }
  return Math.abs(sum - 1) <= SUM_TOLERANCE ? undefined : `probabilities sum to ${sum}, not 1 (within 1e-6)`;
};

/**
 * The first bad row of a batch laid out as `layout` says (binary, multilabel, weighted): labels
 * (already classes) in range, scores as for {@link findFault} (binary and multilabel
 * probabilities each in [0, 1]), `y_*` targets 0 or 1, weights finite and ≥ 0.
 */
function layoutFault(batch: Batch, input: InputKind, layout: Layout): RowFault | undefined {
  const { columns, labels, scores } = batch;
  const k = layout.classes;
  const width = rowWidth(layout);
  const scoreColumns = columns.slice(0, k);
  const classes = layout.task === 'multiclass' ? k : 2;
  for (let i = 0; i < batch.rows; i++) {
    const o = i * width;
    const message = rowFault(labels[i], scores, o, classes, layout, input, scoreColumns, columns);
    if (message !== undefined) return { index: i, message };
  }
  return undefined;
}

function rowFault(
  y: number,
  scores: ArrayLike<number>,
  o: number,
  classes: number,
  layout: Layout,
  input: InputKind,
  scoreColumns: readonly string[],
  columns: readonly string[],
): string | undefined {
  const k = layout.classes;
  if (layout.task !== 'multilabel' && !(Number.isInteger(y) && y >= 0 && y < classes)) {
    return layout.task === 'binary' ? `label ${y} is not 0 or 1` : `label ${y} is not a class index in [0, ${classes})`;
  }
  if (input === 'logits') {
    const m = logitFault(scores, o, scoreColumns);
    if (m !== undefined) return m;
  } else if (layout.task === 'multiclass') {
    const m = probabilityFault(scores, o, scoreColumns);
    if (m !== undefined) return m;
  } else {
    for (let c = 0; c < k; c++) {
      const p = scores[o + c];
      if (!(p >= 0 && p <= 1)) return `${scoreColumns[c]} is ${p}; a probability must be in [0, 1]`;
    }
  }
  if (layout.targets) {
    for (let c = 0; c < k; c++) {
      const t = scores[o + k + c];
      if (t !== 0 && t !== 1) return `${columns[k + c]} is ${t}; a target must be 0 or 1`;
    }
  }
  if (layout.weight) {
    const at = rowWidth(layout) - 1;
    const w = scores[o + at];
    if (!(w >= 0 && w < Infinity)) return `weight ${columns[at]} is ${w}; a weight must be a finite number ≥ 0`;
  }
  return undefined;
}
