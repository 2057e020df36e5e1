/**
 * Columnar formats (Arrow, Parquet) hand over one array per column; the scorer wants row-major
 * rows. This is the shared step between them: pick the label and score columns by name and
 * type, then interleave a block of rows into flat typed arrays.
 */
import { InputError, UsageError } from './errors.js';

/** One column of a block: its values and, if it may hold nulls, a test for them. */
export interface ColumnValues {
  values: ArrayLike<number | bigint | null | undefined>;
  isNull?: (i: number) => boolean;
}

/** A column as the file's schema describes it. */
export interface ColumnInfo {
  name: string;
  /** A number type the scorer can read; others (text, dates, …) are ignored as score columns. */
  numeric: boolean;
  /** Stored as 32-bit floats. */
  float32: boolean;
}

/** Which columns hold what. */
export interface ColumnChoice {
  label: string;
  scores: string[];
  /** Every score column is float32: scores stay float32. */
  float32: boolean;
}

/**
 * The label column by name, and every other numeric column as a class score, in order.
 * @throws InputError `NAME: …` if there is no such label column or no score column
 */
export function chooseColumns(columns: ColumnInfo[], labelColumn: string, name: string): ColumnChoice {
  const label = columns.find((c) => c.name === labelColumn);
  if (!label)
    throw new InputError(
      `${name}: no column named ${JSON.stringify(labelColumn)} (name the label column with --label-column)`,
    );
  if (!label.numeric) throw new InputError(`${name}: the label column ${JSON.stringify(labelColumn)} is not numeric`);
  const scores = columns.filter((c) => c !== label && c.numeric);
  if (scores.length === 0) throw new InputError(`${name}: no numeric score column besides the label`);
  return { label: label.name, scores: scores.map((c) => c.name), float32: scores.every((c) => c.float32) };
}

/** Where blocks get their memory (buffers used again, in the command line); fresh by default. */
export interface BufferSource {
  take(bytes: number): ArrayBuffer;
}

/** Rows interleaved at a time: 256 rows × k values stay in L1/L2 for any usual k. */
const TILE_ROWS = 256;

/**
 * Rows `[from, to)` of a block of columns as labels and row-major scores.
 *
 * @param firstRow the block's first row in the whole input (for messages)
 * @throws InputError `NAME: row R: column C is null` at the first null
 */
export function interleave(
  label: ColumnValues,
  scores: ColumnValues[],
  names: readonly string[],
  float32: boolean,
  from: number,
  to: number,
  firstRow: number,
  name: string,
  pool?: BufferSource,
): { labels: Float64Array; scores: Float32Array | Float64Array } {
  const n = to - from;
  const k = scores.length;
  const take = (bytes: number) => pool?.take(bytes) ?? new ArrayBuffer(bytes);
  const labels = new Float64Array(take(8 * n), 0, n);
  const out = float32 ? new Float32Array(take(4 * n * k), 0, n * k) : new Float64Array(take(8 * n * k), 0, n * k);
  const nullAt = (column: ColumnValues, colName: string) => {
    if (!column.isNull) return;
    for (let i = from; i < to; i++) {
      if (column.isNull(i))
        throw new InputError(`${name}: row ${firstRow + i}: column ${JSON.stringify(colName)} is null`);
    }
  };
  nullAt(label, 'label');
  scores.forEach((column, c) => nullAt(column, names[c]));
  copyInto(labels, label.values, from, to, 0, 1);
  // Rows in tiles whose output stays in cache: a strided pass per column over the whole block
  // would fetch every output cache line k times from memory.
  for (let t = from; t < to; t += TILE_ROWS) {
    const end = Math.min(to, t + TILE_ROWS);
    scores.forEach((column, c) => copyInto(out, column.values, t, end, (t - from) * k + c, k));
  }
  return { labels, scores: out };
}

function copyInto(
  out: Float64Array | Float32Array,
  values: ArrayLike<number | bigint | null | undefined>,
  from: number,
  to: number,
  offset: number,
  stride: number,
): void {
  // One loop per array pair, so each stays monomorphic (a shared loop over mixed kinds ran ~20× slower).
  if (out instanceof Float64Array && values instanceof Float64Array) strided64(out, values, from, to, offset, stride);
  else if (out instanceof Float32Array && values instanceof Float32Array)
    strided32(out, values, from, to, offset, stride);
  else if (values instanceof Float64Array || values instanceof Float32Array || values instanceof Int32Array) {
    for (let i = from, o = offset; i < to; i++, o += stride) out[o] = values[i];
  } else {
    for (let i = from, o = offset; i < to; i++, o += stride) out[o] = Number(values[i]);
  }
}

function strided64(
  out: Float64Array,
  values: Float64Array,
  from: number,
  to: number,
  offset: number,
  stride: number,
): void {
  for (let i = from, o = offset; i < to; i++, o += stride) out[o] = values[i];
}

function strided32(
  out: Float32Array,
  values: Float32Array,
  from: number,
  to: number,
  offset: number,
  stride: number,
): void {
  for (let i = from, o = offset; i < to; i++, o += stride) out[o] = values[i];
}

/** What score columns hold, from their names: all `p_*` → probabilities, all `logit_*` → logits, else undefined. */
export function inputKindFromNames(columns: readonly string[]): 'probs' | 'logits' | undefined {
  if (columns.length > 0 && columns.every((c) => c.startsWith('p_'))) return 'probs';
  if (columns.length > 0 && columns.every((c) => c.startsWith('logit_'))) return 'logits';
  return undefined;
}

/** Column names for a message: the first four, then an ellipsis. */
export function shownColumns(columns: readonly string[]): string {
  return columns.length > 4 ? `${columns.slice(0, 4).join(', ')}, …` : columns.join(', ');
}

/**
 * What the score columns hold when the user did not say: `p_*` → probabilities, `logit_*` →
 * logits. `how` tells the user how to say it (`--input logits|probs` on the command line).
 * @throws UsageError `NAME: …` for a .npy file (its columns have no names) or unnamed kinds
 */
export function inferInput(name: string, format: string, columns: readonly string[], how: string): 'probs' | 'logits' {
  if (format === 'npy') throw new UsageError(`${name}: a .npy file does not say what its scores are: ${how}`);
  const kind = inputKindFromNames(columns);
  if (kind) return kind;
  throw new UsageError(
    `${name}: cannot tell whether the score columns (${shownColumns(columns)}) are logits or probabilities: ` +
      `name them logit_* or p_*, or ${how}`,
  );
}
