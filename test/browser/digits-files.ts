/**
 * The digits example (examples/digits-logits.csv) in binary formats the page reads, made here
 * so the tests need no committed binaries: NumPy `.npy` (scores and labels) and Arrow IPC (file
 * format). Parquet has no writer among the dependencies: its tests use the committed fixtures
 * of test/readers-parquet.fixtures.ts.
 */
import { readFileSync } from 'node:fs';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { npy as npyFile } from '../support/npy.mjs';

export interface Digits {
  columns: string[];
  labels: Int32Array;
  /** One array per class column. */
  logits: Float64Array[];
}

/** The example CSV's columns; `Number` reads its 17-digit decimals as the page and CLI do. */
export function readDigits(path: string): Digits {
  const [header, ...rows] = readFileSync(path, 'utf8').trimEnd().split('\n');
  const columns = header.split(',').slice(1);
  const labels = new Int32Array(rows.length);
  const logits = columns.map(() => new Float64Array(rows.length));
  rows.forEach((row, i) => {
    const fields = row.split(',');
    labels[i] = Number(fields[0]);
    columns.forEach((_, c) => (logits[c][i] = Number(fields[c + 1])));
  });
  return { columns, labels, logits };
}

/** A C-ordered, little-endian `.npy` (format 1.0) of a typed array with the given shape. */
export function npy(data: Float64Array | BigInt64Array, shape: number[]): Buffer {
  return Buffer.from(npyFile(data instanceof Float64Array ? '<f8' : '<i8', shape, data));
}

/** Scores `n × k` float64 and labels int64, as `np.save` writes them. */
export function digitsNpy(d: Digits): { scores: Buffer; labels: Buffer } {
  const n = d.labels.length;
  const k = d.columns.length;
  const scores = new Float64Array(n * k);
  for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) scores[i * k + c] = d.logits[c][i];
  return { scores: npy(scores, [n, k]), labels: npy(BigInt64Array.from(d.labels, BigInt), [n]) };
}

/** An Arrow IPC file: an int32 `label` column and one float64 column per class. */
export function digitsArrow(d: Digits): Buffer {
  const table = tableFromArrays({ label: d.labels, ...Object.fromEntries(d.columns.map((c, j) => [c, d.logits[j]])) });
  return Buffer.from(tableToIPC(table, 'file'));
}
