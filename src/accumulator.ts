/**
 * The running summary of a scoring pass (`xentropy score`), kept so that pieces can be scored
 * anywhere (chunks of a stream, worker threads, a browser page) and merged in any order: every
 * sum is compensated, so chunking and merge order move a figure by an ulp or two at most.
 */
import type { Xentropy } from './api.js';
import { CompensatedSum } from './sum.js';

/** What the score columns hold: raw logits or probabilities. */
export type InputKind = 'logits' | 'probs';

/** The library functions an accumulator calls (`load()`'s result, or `js`). */
export type Scorer = Pick<Xentropy, 'scoreRows'>;

export interface AccumulatorOptions {
  /** Number of classes `k`: the width of a score row. */
  classes: number;
  /** Scores are logits (softmax applied here) or probabilities. */
  input: InputKind;
  /** Logarithm base of every figure: `Math.E` (nats, the default), `2` (bits), `10` (bans). */
  base?: number;
  /** Let the library check labels and scores (default `true`); `false` if the caller has. */
  validate?: boolean;
}

/** Per-row results of one chunk, in its row order (float32 for float32 scores, as the library gives). */
export interface RowResults {
  /** `-log q[label]`, q the predicted distribution, in the accumulator's base. */
  crossEntropy: Float64Array | Float32Array;
  /** Entropy of the predicted distribution (for logits: of their softmax). */
  entropy: Float64Array | Float32Array;
  /** Index of the first largest score. */
  predicted: Int32Array;
}

/** The summary figures, keyed and ordered as `xentropy score --json` prints them. */
export interface Summary {
  rows: number;
  classes: number;
  mean_cross_entropy: number;
  sum_cross_entropy: number;
  mean_entropy: number;
  /** Fraction of rows whose predicted class is the label. */
  accuracy: number;
  /** `exp` of the mean cross-entropy in nats: the same whatever the base. */
  perplexity: number;
  /** 0-based row with the largest cross-entropy (`NaN` counts as largest; ties: the first); -1 with no rows. */
  max_cross_entropy_row: number;
  max_cross_entropy: number;
}

/** A number in JSON: non-finite values as the strings `"Infinity"`, `"-Infinity"`, `"NaN"`. */
export type JsonNumber = number | 'Infinity' | '-Infinity' | 'NaN';

/** The serialisable state of an {@link Accumulator}, from `toJSON()`. */
export interface AccumulatorState {
  version: 1;
  classes: number;
  input: InputKind;
  base: number;
  rows: number;
  correct: number;
  crossEntropy: { sum: JsonNumber; carry: JsonNumber };
  entropy: { sum: JsonNumber; carry: JsonNumber };
  maxCrossEntropy: JsonNumber;
  maxCrossEntropyRow: number;
}

/**
 * Accumulates cross-entropy, predictive entropy and accuracy over chunks of rows.
 *
 * @example
 * const acc = new Accumulator(js, { classes: 2, input: 'logits' });
 * acc.add(Int32Array.of(0, 1), Float64Array.of(0, 0, 1, 3), 0);
 * acc.result().mean_cross_entropy; // (ln 2 + ln(1 + e^-2)) / 2 = 0.4100…
 */
export class Accumulator {
  readonly classes: number;
  readonly input: InputKind;
  readonly base: number;
  private readonly validate: boolean;
  private rows = 0;
  private correct = 0;
  private readonly crossEntropy = new CompensatedSum();
  private readonly entropy = new CompensatedSum();
  private maxCrossEntropy = NaN;
  private maxCrossEntropyRow = -1;

  constructor(
    private readonly x: Scorer,
    options: AccumulatorOptions,
  ) {
    const { classes, input, base = Math.E } = options;
    if (!(Number.isInteger(classes) && classes > 0))
      throw new RangeError(`classes must be a positive integer, got ${classes}`);
    if (input !== 'logits' && input !== 'probs') throw new TypeError(`input must be 'logits' or 'probs', got ${input}`);
    if (!(base > 0 && base !== 1 && base < Infinity))
      throw new RangeError(`base must be a finite number > 0 and ≠ 1, got ${base}`);
    this.classes = classes;
    this.input = input;
    this.base = base;
    this.validate = options.validate ?? true;
  }

  /**
   * Scores a chunk of rows and adds it to the summary.
   *
   * @param labels the true class of each row
   * @param scores `labels.length × classes` logits or probabilities, row-major; float32 scores
   *   are scored by the float32 kernels (sums are still kept in float64)
   * @param rowOffset 0-based index of the chunk's first row in the whole input (for the worst row)
   * @returns the chunk's per-row results (for `--per-row`)
   * @throws RangeError / TypeError from the library on bad values or shapes, naming the row
   *   within the chunk, if `validate` is on
   */
  add(labels: Float64Array | Int32Array, scores: Float64Array | Float32Array, rowOffset: number): RowResults {
    const k = this.classes;
    const n = labels.length;
    if (scores.length !== n * k) {
      throw new TypeError(`${scores.length} scores for ${n} rows of ${k} classes`);
    }
    const targets = classIndices(labels, k, this.validate);
    // One fused pass per row: cross-entropy, entropy of the prediction, arg-max (assembly/score.ts).
    const results: RowResults = this.x.scoreRows(targets, scores, {
      classes: k,
      input: this.input,
      base: this.base,
      validate: this.validate,
    });
    for (let i = 0; i < n; i++) {
      const ce = results.crossEntropy[i];
      this.crossEntropy.add(ce);
      this.entropy.add(results.entropy[i]);
      if (results.predicted[i] === targets[i]) this.correct++;
      this.noteMax(ce, rowOffset + i);
    }
    this.rows += n;
    return results;
  }

  /**
   * Adds another accumulator's rows (same classes, input and base), in any order.
   *
   * @param rowOffset added to the other's worst-row index: where its rows start in the whole
   *   input, when it numbered them from 0 (a worker's piece, a shard on another machine)
   */
  merge(other: Accumulator, rowOffset = 0): this {
    if (other.classes !== this.classes || other.input !== this.input || other.base !== this.base) {
      throw new TypeError('cannot merge accumulators with different classes, input or base');
    }
    this.rows += other.rows;
    this.correct += other.correct;
    this.crossEntropy.merge(other.crossEntropy.sum, other.crossEntropy.carry);
    this.entropy.merge(other.entropy.sum, other.entropy.carry);
    if (other.maxCrossEntropyRow >= 0) this.noteMax(other.maxCrossEntropy, other.maxCrossEntropyRow + rowOffset);
    return this;
  }

  /** The summary so far. Means are `NaN` with no rows. */
  result(): Summary {
    const mean = this.crossEntropy.value / this.rows;
    return {
      rows: this.rows,
      classes: this.classes,
      mean_cross_entropy: mean,
      sum_cross_entropy: this.crossEntropy.value,
      mean_entropy: this.entropy.value / this.rows,
      accuracy: this.correct / this.rows,
      perplexity: this.base === Math.E ? Math.exp(mean) : this.base ** mean,
      max_cross_entropy_row: this.maxCrossEntropyRow,
      max_cross_entropy: this.maxCrossEntropy,
    };
  }

  /** The exact state, JSON-safe (`JSON.stringify(acc)` uses it). */
  toJSON(): AccumulatorState {
    return {
      version: 1,
      classes: this.classes,
      input: this.input,
      base: this.base,
      rows: this.rows,
      correct: this.correct,
      crossEntropy: sumState(this.crossEntropy),
      entropy: sumState(this.entropy),
      maxCrossEntropy: jsonNumber(this.maxCrossEntropy),
      maxCrossEntropyRow: this.maxCrossEntropyRow,
    };
  }

  /** Rebuilds an accumulator from `toJSON()` output (parsed), scoring further chunks with `x`. */
  static fromJSON(x: Scorer, state: AccumulatorState): Accumulator {
    if (state?.version !== 1) throw new TypeError('not an xentropy accumulator state (version 1)');
    const count = (n: unknown, min: number) => Number.isSafeInteger(n) && (n as number) >= min;
    if (
      !count(state.rows, 0) ||
      !count(state.correct, 0) ||
      state.correct > state.rows ||
      !count(state.maxCrossEntropyRow, -1)
    ) {
      throw new TypeError('an xentropy accumulator state with bad counts (rows, correct, maxCrossEntropyRow)');
    }
    const acc = new Accumulator(x, { classes: state.classes, input: state.input, base: state.base });
    acc.rows = state.rows;
    acc.correct = state.correct;
    restoreSum(acc.crossEntropy, state.crossEntropy);
    restoreSum(acc.entropy, state.entropy);
    acc.maxCrossEntropy = fromJsonNumber(state.maxCrossEntropy);
    acc.maxCrossEntropyRow = state.maxCrossEntropyRow;
    return acc;
  }

  /** Keeps the row with the largest cross-entropy; `NaN` ranks above all, ties go to the lower row. */
  private noteMax(value: number, row: number): void {
    if (row < 0) return;
    const best = this.maxCrossEntropy;
    const above = value > best || (value !== value && best === best);
    const tie = value === best || (value !== value && best !== best);
    if (this.maxCrossEntropyRow < 0 || above || (tie && row < this.maxCrossEntropyRow)) {
      this.maxCrossEntropy = value;
      this.maxCrossEntropyRow = row;
    }
  }
}

/** `x` for JSON: non-finite numbers as strings, since JSON has no such numbers. */
export function jsonNumber(x: number): JsonNumber {
  return Number.isFinite(x) ? x : (String(x) as JsonNumber);
}

/** The inverse of {@link jsonNumber}. */
export function fromJsonNumber(x: JsonNumber): number {
  if (typeof x === 'number' || x === 'Infinity' || x === '-Infinity' || x === 'NaN') return Number(x);
  throw new TypeError(`not a JSON number: ${JSON.stringify(x)}`);
}

function sumState(s: CompensatedSum): { sum: JsonNumber; carry: JsonNumber } {
  return { sum: jsonNumber(s.sum), carry: jsonNumber(s.carry) };
}

function restoreSum(s: CompensatedSum, state: { sum: JsonNumber; carry: JsonNumber }): void {
  s.sum = fromJsonNumber(state.sum);
  s.carry = fromJsonNumber(state.carry);
}

/**
 * Labels as Int32Array, which the library always reads as class indices (a float array with
 * k = 1 would be a dense target). Checked first when asked: the conversion would truncate.
 */
function classIndices(labels: Float64Array | Int32Array, k: number, check: boolean): Int32Array {
  if (labels instanceof Int32Array) return labels;
  const out = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (check && !(Number.isInteger(y) && y >= 0 && y < k)) {
      throw new RangeError(`row ${i}: label ${y} is not a class index in [0, ${k})`);
    }
    out[i] = y;
  }
  return out;
}
