/**
 * Columnar formats (Arrow, Parquet) hand over one array per column; the scorer wants row-major
 * rows. This is the shared step between them: pick the label and score columns by name and
 * type, then interleave a block of rows into flat typed arrays.
 */
import { InputError, UsageError } from './errors.js';
import { parseNumber } from './parse-number.js';

/** One column of a block: its values and, if it may hold nulls, a test for them. */
export interface ColumnValues {
  values: ArrayLike<number | bigint | string | null | undefined>;
  isNull?: (i: number) => boolean;
}

/** A column as the file's schema describes it. */
export interface ColumnInfo {
  name: string;
  /** A number type the scorer can read; others (text, dates, …) are ignored as score columns. */
  numeric: boolean;
  /** Stored as 32-bit floats. */
  float32: boolean;
  /** Text (plain or dictionary-encoded): usable as a label column only. */
  text?: boolean;
}

/** torchmetrics' taxonomy of classifiers (API.md "Every classifier"). */
export type Task = 'binary' | 'multiclass' | 'multilabel';
export const TASKS: readonly Task[] = ['binary', 'multiclass', 'multilabel'];

/** What the user asked for: the label and weight columns by name, the task, the positive class. */
export interface ColumnRequest {
  labelColumn: string;
  task?: Task;
  weightColumn?: string;
  positive?: string;
}

/**
 * The values of one row, in order: `classes` scores, then (multilabel) their `classes` `y_*`
 * targets, then (with a weight column) the weight.
 */
export interface Layout {
  task: Task;
  classes: number;
  targets: boolean;
  weight: boolean;
}

/** Values per row of a layout. */
export function rowWidth(layout: Layout): number {
  return layout.classes * (layout.targets ? 2 : 1) + (layout.weight ? 1 : 0);
}

/**
 * How labels name classes (API.md "Class names"): plain data, so it moves to worker threads.
 * See {@link LabelResolver} for the rule itself.
 */
export interface LabelPlan {
  task: 'binary' | 'multiclass';
  /** Class names in column order (binary: the positive class's name only). */
  names: string[];
  /** The score columns, for messages. */
  columns: string[];
  /** A numeric label `v` is class `v` as it stands (checked later against `[0, k)`). */
  identity: boolean;
}

/** Which columns hold what. */
export interface ColumnChoice {
  /** The label column; none for multilabel. */
  label?: string;
  /** Every column read, in row order (see {@link Layout}). */
  values: string[];
  /** The score columns. */
  scores: string[];
  layout: Layout;
  /** How labels name classes; none for multilabel. */
  labels?: LabelPlan;
  /** Every value column is float32: scores stay float32. */
  float32: boolean;
}

const PROB_PREFIX = 'p_';
const LOGIT_PREFIX = 'logit_';

/** A column named as a score (`p`, `p_*`, `logit`, `logit_*`): always read as one. */
export function isScoreName(name: string): boolean {
  return name === 'p' || name === 'logit' || name.startsWith(PROB_PREFIX) || name.startsWith(LOGIT_PREFIX);
}

/** A multilabel target column (`y_*`): always read, never a score. */
export function isTargetName(name: string): boolean {
  return name.startsWith('y_');
}

/** The class a score column names: its name without `p_`/`logit_` (the whole name for others). */
export function classSuffix(name: string): string {
  if (name.startsWith(PROB_PREFIX)) return name.slice(PROB_PREFIX.length);
  if (name.startsWith(LOGIT_PREFIX)) return name.slice(LOGIT_PREFIX.length);
  return name;
}

const INTEGER = /^[+-]?\d+$/;

/**
 * The label column by name, the score columns (those named as scores, and every other numeric
 * column with a non-empty name that is not the label, the weight or a `y_*` target, in order),
 * the task (from `request.task`, else from the header) and how labels name classes.
 *
 * @param fail throws the message as bad input, placed at the header or at the first data row
 * @throws (through `fail`) on a missing label or weight column, no score column, a task the
 *   columns do not fit, or two columns of the same name
 */
export function chooseColumns(
  columns: ColumnInfo[],
  request: ColumnRequest,
  fail: (message: string, at: 'header' | 'data') => never,
): ColumnChoice {
  const { labelColumn, weightColumn } = request;
  const used = new Set<string>([labelColumn, ...(weightColumn === undefined ? [] : [weightColumn])]);
  const seen = new Set<string>();
  for (const c of columns) {
    if (
      seen.has(c.name) &&
      (used.has(c.name) || isScoreName(c.name) || isTargetName(c.name) || c.numeric) &&
      c.name !== ''
    ) {
      fail(`two columns are named ${JSON.stringify(c.name)}`, 'header');
    }
    seen.add(c.name);
  }
  const label = columns.find((c) => c.name === labelColumn);
  const weight = weightColumn === undefined ? undefined : columns.find((c) => c.name === weightColumn);
  if (weightColumn !== undefined && !weight)
    fail(`no column named ${JSON.stringify(weightColumn)} (the --weight-column)`, 'header');
  if (weight && !weight.numeric) fail(`the weight column ${JSON.stringify(weightColumn)} is not numeric`, 'data');
  const scores = columns.filter(
    (c) => c !== label && c !== weight && c.name !== '' && !isTargetName(c.name) && (isScoreName(c.name) || c.numeric),
  );
  for (const c of scores) if (!c.numeric) fail(`the score column ${JSON.stringify(c.name)} is not numeric`, 'data');
  const targets = new Map(columns.filter((c) => isTargetName(c.name)).map((c) => [c.name.slice(2), c]));
  const twinned = scores.length > 0 && scores.every((c) => targets.has(classSuffix(c.name)));
  const task: Task = request.task ?? (!label && twinned ? 'multilabel' : scores.length === 1 ? 'binary' : 'multiclass');
  if (task !== 'multilabel' && !label)
    fail(`no column named ${JSON.stringify(labelColumn)} (name the label column with --label-column)`, 'header');
  if (label && !label.numeric && !label.text)
    fail(`the label column ${JSON.stringify(labelColumn)} holds neither numbers nor text`, 'data');
  if (scores.length === 0)
    fail(task === 'multilabel' ? 'no numeric score column' : 'no numeric score column besides the label', 'data');
  if (task === 'binary' && scores.length !== 1) {
    fail(
      `a binary task has one score column, not ${scores.length} (${shownColumns(scores.map((c) => c.name))})`,
      'header',
    );
  }
  if (task === 'multiclass' && scores.length < 2) {
    fail(
      `a multiclass task needs two or more score columns, not ${scores.length} (${scores[0].name}): use --task binary`,
      'header',
    );
  }
  const targetColumns: ColumnInfo[] = [];
  if (task === 'multilabel') {
    for (const c of scores) {
      const twin = targets.get(classSuffix(c.name));
      if (!twin)
        fail(
          `the score column ${JSON.stringify(c.name)} has no target column ${JSON.stringify(`y_${classSuffix(c.name)}`)}`,
          'header',
        );
      if (!twin.numeric) fail(`the target column ${JSON.stringify(twin.name)} is not numeric`, 'data');
      targetColumns.push(twin);
    }
  }
  const read = [...scores, ...targetColumns, ...(weight ? [weight] : [])];
  const layout: Layout = { task, classes: scores.length, targets: task === 'multilabel', weight: weight !== undefined };
  const names = scores.map((c) => c.name);
  const choice: ColumnChoice = {
    values: read.map((c) => c.name),
    scores: names,
    layout,
    float32: read.every((c) => c.float32),
  };
  if (task !== 'multilabel') {
    choice.label = label!.name;
    choice.labels = labelPlan(task, names, request.positive, (m) => fail(m, 'header'));
  }
  return choice;
}

/** The label rule for score columns `names` (see {@link LabelResolver}). */
export function labelPlan(
  task: 'binary' | 'multiclass',
  names: string[],
  positive: string | undefined,
  fail: (message: string) => never,
): LabelPlan {
  if (task === 'binary') {
    const column = names[0];
    // A bare p/logit, or a column not named as a score, holds the probability of class "1".
    const own = column.startsWith(PROB_PREFIX) || column.startsWith(LOGIT_PREFIX) ? classSuffix(column) : '1';
    return { task, names: [positive ?? own], columns: names, identity: false };
  }
  const suffixes = names.map(classSuffix);
  const unique = new Set(suffixes);
  if (unique.size !== suffixes.length) {
    const twice = suffixes.find((s, i) => suffixes.indexOf(s) !== i)!;
    fail(`two score columns name the class ${JSON.stringify(twice)}`);
  }
  const integers = suffixes.filter((s) => INTEGER.test(s));
  // Numeric labels need no mapping when every suffix is its own position, or none is an integer.
  const identity = integers.length === 0 || suffixes.every((s, c) => INTEGER.test(s) && Number(s) === c);
  return { task, names: suffixes, columns: names, identity };
}

/** Not a class (see {@link LabelResolver.ofText}). */
export const NOT_A_CLASS = -1;
/** A third distinct label of a binary task. */
export const THIRD_LABEL = -2;

/**
 * Turns labels into 0-based classes, by API.md's rule: a label names its class by the score
 * column's suffix (`cat` → `p_cat`, `3` → `logit_3`); when no suffix is an integer, an integer
 * label in `[0, k)` is the column's position. Binary: the positive class's name (`1` also
 * matching `true`, any case) is class 1, the first other value seen is class 0 (its name kept
 * in {@link negative}), and any third value is refused.
 */
export class LabelResolver {
  /** Binary: the negative class's name, once seen, and the row where it was first seen. */
  negative?: string;
  negativeRow = -1;
  private readonly byName: Map<string, number>;
  private readonly byInteger: Map<number, number>;
  private readonly positiveNumber: number | undefined;

  constructor(readonly plan: LabelPlan) {
    this.byName = new Map(plan.names.map((n, c) => [n, c]));
    this.byInteger = new Map();
    plan.names.forEach((n, c) => {
      if (INTEGER.test(n)) this.byInteger.set(Number(n), c);
    });
    const p = plan.names[0];
    this.positiveNumber = plan.task === 'binary' ? parseNumber(p) : undefined;
  }

  /** The class of a label given as text, or {@link NOT_A_CLASS} / {@link THIRD_LABEL}. */
  ofText(text: string, row: number): number {
    const { plan } = this;
    if (plan.task === 'binary') {
      const v = parseNumber(text);
      if (v !== undefined) return this.ofNumber(v, row);
      const positive = plan.names[0];
      const lower = text.toLowerCase();
      if (text === positive || (lower === 'true' && (positive === '1' || positive.toLowerCase() === 'true'))) return 1;
      return this.negativeClass(lower === 'true' || lower === 'false' ? lower : text, row);
    }
    const c = this.byName.get(text);
    if (c !== undefined) return c;
    const v = parseNumber(text);
    return v === undefined ? NOT_A_CLASS : this.ofNumber(v, row);
  }

  /** The class of a numeric label, or {@link NOT_A_CLASS} / {@link THIRD_LABEL}. */
  ofNumber(v: number, row: number): number {
    const { plan } = this;
    if (plan.task === 'binary') {
      if (v === this.positiveNumber) return 1;
      return this.negativeClass(String(v), row);
    }
    if (plan.identity) return Number.isInteger(v) && v >= 0 && v < plan.names.length ? v : NOT_A_CLASS;
    return this.byInteger.get(v) ?? NOT_A_CLASS;
  }

  /** What is wrong with a label that got `code`. */
  message(text: string, code: number): string {
    const { plan } = this;
    if (code === THIRD_LABEL) {
      return `label ${JSON.stringify(text)} is a third distinct label of a binary task (the classes are ${JSON.stringify(plan.names[0])} and ${JSON.stringify(this.negative)}; name the positive class with --positive)`;
    }
    return `label ${JSON.stringify(text)} is not a class (${shownColumns(plan.columns, 8)})`;
  }

  private negativeClass(key: string, row: number): number {
    if (this.negative === undefined) {
      this.negative = key;
      this.negativeRow = row;
      return 0;
    }
    return key === this.negative ? 0 : THIRD_LABEL;
  }
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
  label: ColumnValues | undefined,
  scores: ColumnValues[],
  names: readonly string[],
  float32: boolean,
  from: number,
  to: number,
  firstRow: number,
  name: string,
  pool?: BufferSource,
  resolver?: LabelResolver,
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
  if (label) nullAt(label, 'label');
  scores.forEach((column, c) => nullAt(column, names[c]));
  if (label) {
    const values = label.values;
    if (resolver === undefined || (resolver.plan.identity && typeof values[from] !== 'string')) {
      copyInto(labels, values as ArrayLike<number | bigint>, from, to, 0, 1);
    } else {
      // Named classes (API.md "Class names"): each label resolved, the first bad one named.
      for (let i = from; i < to; i++) {
        const v = values[i];
        if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) {
          // A null: the reader names it (firstNull) unless an earlier row is bad.
          labels[i - from] = Number.NaN;
          continue;
        }
        const c = typeof v === 'string' ? resolver.ofText(v, firstRow + i) : resolver.ofNumber(Number(v), firstRow + i);
        if (c < 0) throw new InputError(`${name}: row ${firstRow + i}: ${resolver.message(String(v), c)}`);
        labels[i - from] = c;
      }
    }
  } else labels.fill(0);
  // Rows in tiles whose output stays in cache: a strided pass per column over the whole block
  // would fetch every output cache line k times from memory.
  for (let t = from; t < to; t += TILE_ROWS) {
    const end = Math.min(to, t + TILE_ROWS);
    scores.forEach((column, c) =>
      copyInto(out, column.values as ArrayLike<number | bigint>, t, end, (t - from) * k + c, k),
    );
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
  if (columns.length > 0 && columns.every((c) => c === 'p' || c.startsWith(PROB_PREFIX))) return 'probs';
  if (columns.length > 0 && columns.every((c) => c === 'logit' || c.startsWith(LOGIT_PREFIX))) return 'logits';
  return undefined;
}

/** Column names for a message: the first four, then an ellipsis. */
export function shownColumns(columns: readonly string[], most = 4): string {
  return columns.length > most ? `${columns.slice(0, most).join(', ')}, …` : columns.join(', ');
}

/** Throws a column-choice failure of a binary format as bad input, `NAME: message`. */
export function failIn(name: string): (message: string) => never {
  return (message) => {
    throw new InputError(`${name}: ${message}`);
  };
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

/**
 * A block of rows laid out as `layout` says, split into `classes`-wide scores (the same array
 * when the row holds nothing else), `y_*` targets and weights.
 */
export function splitRows(
  values: Float64Array | Float32Array,
  rows: number,
  layout: Layout,
): { scores: Float64Array | Float32Array; targets?: Float64Array; weights?: Float64Array } {
  const k = layout.classes;
  const width = rowWidth(layout);
  if (width === k) return { scores: values.subarray(0, rows * k) };
  const scores = values instanceof Float32Array ? new Float32Array(rows * k) : new Float64Array(rows * k);
  const targets = layout.targets ? new Float64Array(rows * k) : undefined;
  const weights = layout.weight ? new Float64Array(rows) : undefined;
  for (let i = 0, o = 0; i < rows; i++, o += width) {
    for (let c = 0; c < k; c++) scores[i * k + c] = values[o + c];
    if (targets) for (let c = 0; c < k; c++) targets[i * k + c] = values[o + k + c];
    if (weights) weights[i] = values[o + width - 1];
  }
  return { scores, targets, weights };
}
