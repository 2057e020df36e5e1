/**
 * A block of consecutive data rows, as every reader (CSV, TSV, .npy, Arrow, Parquet) hands them on: plain typed arrays, so a batch can move to a worker thread as it is.
 */
import type { Layout } from './columns.js';

export interface Batch {
  /** 0-based data row of the batch's first row, counted over the whole input. */
  firstRow: number;
  /** Number of rows. */
  rows: number;
  /** The label column as read (checked later: it must hold class indices). */
  labels: Float64Array;
  /** `rows × classes` scores, row-major (float32 as stored by a binary format, never widened before scoring). */
  scores: Float64Array | Float32Array;
  /** Names of the score columns, one per class. */
  columns: readonly string[];
  /** 1-based physical line of each row, for text formats; binary formats leave it out. */
  lines?: Float64Array;
  /** What the values of a row are (scores, `y_*` targets, weight); absent: `classes` scores. */
  layout?: Layout;
  /** Class names in column order (binary: the negative as far as seen, then the positive). */
  names?: readonly string[];
  /** The first null of a columnar batch (row within the batch; NaN in its values): see findFault. */
  firstNull?: { row: number; column: string };
}

/** Where row `i` of a batch is, for an error message: `FILE:LINE` or `FILE: row R`. */
export function locate(name: string, batch: Batch, i: number): string {
  return batch.lines ? `${name}:${batch.lines[i]}` : `${name}: row ${batch.firstRow + i}`;
}
