/**
 * The running summary of a scoring pass (`xentropy score`), kept so that pieces can be scored
 * anywhere (chunks of a stream, worker threads, a browser page, shards on other machines) and
 * merged in any order: counts are exact and every sum is compensated, so chunking and merge
 * order move a figure by an ulp or two at most. Everything a summary reports lives in the
 * state — calibration bins, per-class sums, the confusion matrix, the class names.
 */
import type { Xentropy } from './api.js';
import { scoreBinary } from './score-binary.js';
import type { BinaryScores } from './score-binary.js';
import { CompensatedSum } from './sum.js';

/** What the score columns hold: raw logits or probabilities. */
export type InputKind = 'logits' | 'probs';

/** torchmetrics' taxonomy (API.md "Every classifier"). */
export type TaskKind = 'binary' | 'multiclass' | 'multilabel';

/** The library functions an accumulator calls (`load()`'s result, or `js`). */
export type Scorer = Pick<Xentropy, 'scoreRows'>;

/** Calibration bins when not asked otherwise: torchmetrics' `n_bins=15`. */
export const DEFAULT_BINS = 15;
/** Top-k accuracy is reported by default for more than this many classes, with k = this. */
export const DEFAULT_TOP_K = 5;

export interface AccumulatorOptions {
  /** `multiclass` (the default), `binary` (one score per row) or `multilabel`. */
  task?: TaskKind;
  /** Number of classes `k`: the width of a score row (binary: 1; multilabel: the labels). */
  classes: number;
  /** Scores are logits (softmax/sigmoid applied here) or probabilities. */
  input: InputKind;
  /** Logarithm base of every figure: `Math.E` (nats, the default), `2` (bits), `10` (bans). */
  base?: number;
  /** Class names in column order (binary: negative, then positive; `''` for a negative not yet seen). */
  names?: readonly string[];
  /** Equal-width calibration bins over [0, 1] for `ece` (default 15). */
  bins?: number;
  /** Top-k accuracy's k (multiclass; `1 ≤ K < k`); default 5 when k > 5, else none. */
  topK?: number;
  /** A probability at or above it predicts the positive class (binary, multilabel; default 0.5). */
  threshold?: number;
  /** Report per-class (per-label) figures. */
  perClass?: boolean;
  /** Keep and report the confusion matrix (binary, multiclass). */
  confusion?: boolean;
  /** Rows carry sample weights (reports `weight_sum`). */
  weighted?: boolean;
  /** Let the library check labels and scores (default `true`); `false` if the caller has. */
  validate?: boolean;
}

/** Per-row results of one chunk, in its row order (float32 for float32 scores, as the library gives). */
export interface RowResults {
  /** The row's loss in the accumulator's base (multilabel: the mean over its labels). */
  crossEntropy: Float64Array | Float32Array;
  /** Entropy of the prediction (multilabel: the mean binary entropy of its labels). */
  entropy: Float64Array | Float32Array;
  /** The predicted class (multilabel: how many of the row's labels are right). */
  predicted: Int32Array;
}

/** One class's figures (`--per-class`). */
export interface ClassFigures {
  class?: string;
  label?: string;
  rows: number;
  weight?: number;
  mean_cross_entropy: number;
  accuracy: number;
  precision: number;
  predicted: number;
  mean_probability: number;
}

/** The summary figures, keyed and ordered as `xentropy score --json` prints them. */
export interface Summary {
  rows: number;
  /** Classes (binary: 2); multilabel reports `labels` instead. */
  classes?: number;
  labels?: number;
  mean_cross_entropy: number;
  sum_cross_entropy: number;
  mean_entropy: number;
  /** Fraction of rows whose predicted class is the label (multilabel: of label decisions). */
  accuracy: number;
  /** `exp` of the mean cross-entropy in nats: the same whatever the base. */
  perplexity: number;
  /** 0-based row with the largest cross-entropy (`NaN` counts as largest; ties: the first); -1 with no rows. */
  max_cross_entropy_row: number;
  max_cross_entropy: number;
  task: TaskKind;
  brier: number;
  ece: number;
  bins: number;
  top_k_accuracy?: number;
  top_k?: number;
  exact_match?: number;
  positive?: string;
  weight_sum?: number;
  per_class?: ClassFigures[];
  per_label?: ClassFigures[];
  confusion?: number[][];
}

/** A number in JSON: non-finite values as the strings `"Infinity"`, `"-Infinity"`, `"NaN"`. */
export type JsonNumber = number | 'Infinity' | '-Infinity' | 'NaN';

/** A compensated sum in JSON. */
export interface SumState {
  sum: JsonNumber;
  carry: JsonNumber;
}
/** A vector of compensated sums in JSON. */
export interface SumsState {
  sum: JsonNumber[];
  carry: JsonNumber[];
}

/** The serialisable state of an {@link Accumulator}, from `toJSON()`. */
export interface AccumulatorState {
  version: 2;
  task: TaskKind;
  classes: number;
  input: InputKind;
  base: number;
  names: string[];
  bins: number;
  topK: number;
  threshold: number;
  perClass: boolean;
  weighted: boolean;
  rows: number;
  weight: SumState;
  correct: SumState;
  crossEntropy: SumState;
  entropy: SumState;
  brier: SumState;
  topKHits: SumState;
  exactMatch: SumState;
  maxCrossEntropy: JsonNumber;
  maxCrossEntropyRow: number;
  binWeight: SumsState;
  binConfidence: SumsState;
  binAccuracy: SumsState;
  classRows: number[];
  classPredicted: number[];
  classWeight: SumsState;
  classCrossEntropy: SumsState;
  classCorrect: SumsState;
  classTruePositive: SumsState;
  classPredictedWeight: SumsState;
  classProbability: SumsState;
  /** Row-major `k × k` counts, or `null` when not kept. */
  confusion: number[] | null;
}

/** A vector of compensated (Neumaier) sums, as {@link CompensatedSum} one by one. */
class Sums {
  readonly sum: Float64Array;
  readonly carry: Float64Array;

  constructor(n: number) {
    this.sum = new Float64Array(n);
    this.carry = new Float64Array(n);
  }

  add(i: number, x: number): void {
    const s = this.sum[i];
    const t = s + x;
    this.carry[i] += Math.abs(s) >= Math.abs(x) ? s - t + x : x - t + s;
    this.sum[i] = t;
  }

  merge(other: Sums): void {
    for (let i = 0; i < this.sum.length; i++) {
      this.add(i, other.sum[i]);
      this.carry[i] += other.carry[i];
    }
  }

  value(i: number): number {
    const s = this.sum[i];
    return Number.isFinite(s) ? s + this.carry[i] : s;
  }

  toJSON(): SumsState {
    return { sum: Array.from(this.sum, jsonNumber), carry: Array.from(this.carry, jsonNumber) };
  }
}

/**
 * Accumulates cross-entropy, predictive entropy, accuracy, Brier score, calibration bins,
 * top-k accuracy and per-class figures over chunks of rows, optionally weighted.
 *
 * @example
 * const acc = new Accumulator(js, { classes: 2, input: 'logits' });
 * acc.add(Int32Array.of(0, 1), Float64Array.of(0, 0, 1, 3), 0);
 * acc.result().mean_cross_entropy; // (ln 2 + ln(1 + e^-2)) / 2 = 0.4100…
 */
export class Accumulator {
  readonly task: TaskKind;
  readonly classes: number;
  readonly input: InputKind;
  readonly base: number;
  readonly bins: number;
  /** 0 when top-k accuracy is not reported. */
  readonly topK: number;
  readonly threshold: number;
  readonly confusion: boolean;
  perClass: boolean;
  weighted: boolean;
  names: string[];
  private readonly validate: boolean;
  private rows = 0;
  private readonly weight = new CompensatedSum();
  private readonly correct = new CompensatedSum();
  private readonly crossEntropy = new CompensatedSum();
  private readonly entropy = new CompensatedSum();
  private readonly brier = new CompensatedSum();
  private readonly topKHits = new CompensatedSum();
  private readonly exactMatch = new CompensatedSum();
  private maxCrossEntropy = NaN;
  private maxCrossEntropyRow = -1;
  private readonly binWeight: Sums;
  private readonly binConfidence: Sums;
  private readonly binAccuracy: Sums;
  /** Per class (multilabel: per label; binary: negative, positive). */
  private readonly classRows: Float64Array;
  private readonly classPredicted: Float64Array;
  private readonly classWeight: Sums;
  private readonly classCrossEntropy: Sums;
  private readonly classCorrect: Sums;
  private readonly classTruePositive: Sums;
  private readonly classPredictedWeight: Sums;
  private readonly classProbability: Sums;
  private readonly confusionCounts: Float64Array | undefined;

  constructor(
    private readonly x: Scorer,
    options: AccumulatorOptions,
  ) {
    const { classes, input, base = Math.E, task = 'multiclass', bins = DEFAULT_BINS, threshold = 0.5 } = options;
    if (!(Number.isInteger(classes) && classes > 0))
      throw new RangeError(`classes must be a positive integer, got ${classes}`);
    if (input !== 'logits' && input !== 'probs') throw new TypeError(`input must be 'logits' or 'probs', got ${input}`);
    if (!(base > 0 && base !== 1 && base < Infinity))
      throw new RangeError(`base must be a finite number > 0 and ≠ 1, got ${base}`);
    if (task !== 'binary' && task !== 'multiclass' && task !== 'multilabel')
      throw new TypeError(`task must be binary, multiclass or multilabel, got ${task}`);
    if (task === 'binary' && classes !== 1) throw new RangeError(`a binary task has one score per row, not ${classes}`);
    if (!(Number.isInteger(bins) && bins >= 1 && bins <= 1e6))
      throw new RangeError(`bins must be an integer in [1, 10^6], got ${bins}`);
    if (!(threshold > 0 && threshold <= 1)) throw new RangeError(`threshold must be in (0, 1], got ${threshold}`);
    const topK = options.topK ?? (task === 'multiclass' && classes > DEFAULT_TOP_K ? DEFAULT_TOP_K : 0);
    if (topK !== 0 && !(task === 'multiclass' && Number.isInteger(topK) && topK >= 1 && topK < classes)) {
      throw new RangeError(`top-k needs a multiclass task and an integer 1 ≤ K < ${classes}, got ${topK}`);
    }
    this.task = task;
    this.classes = classes;
    this.input = input;
    this.base = base;
    this.bins = bins;
    this.topK = topK;
    this.threshold = threshold;
    this.perClass = options.perClass ?? false;
    this.weighted = options.weighted ?? false;
    this.confusion = (options.confusion ?? false) && task !== 'multilabel';
    this.validate = options.validate ?? true;
    const width = task === 'binary' ? 2 : classes;
    this.names = options.names ? [...options.names] : Array.from({ length: width }, (_, c) => String(c));
    if (this.names.length !== width) throw new RangeError(`${this.names.length} class names for ${width} classes`);
    this.binWeight = new Sums(bins);
    this.binConfidence = new Sums(bins);
    this.binAccuracy = new Sums(bins);
    this.classRows = new Float64Array(width);
    this.classPredicted = new Float64Array(width);
    this.classWeight = new Sums(width);
    this.classCrossEntropy = new Sums(width);
    this.classCorrect = new Sums(width);
    this.classTruePositive = new Sums(width);
    this.classPredictedWeight = new Sums(width);
    this.classProbability = new Sums(width);
    this.confusionCounts = this.confusion ? new Float64Array(width * width) : undefined;
  }

  /**
   * Scores a chunk of rows and adds it to the summary.
   *
   * @param labels the true class of each row (binary: 1 positive, 0 negative; multilabel: unused)
   * @param scores `labels.length × classes` logits or probabilities, row-major; float32 scores
   *   are scored by the float32 kernels (sums are still kept in float64)
   * @param rowOffset 0-based index of the chunk's first row in the whole input (for the worst row)
   * @param extra `weights`: one sample weight per row; `targets`: multilabel 0/1 targets,
   *   `rows × classes`
   * @returns the chunk's per-row results (for `--per-row`)
   * @throws RangeError / TypeError from the library on bad values or shapes, naming the row
   *   within the chunk, if `validate` is on
   */
  add(
    labels: Float64Array | Int32Array,
    scores: Float64Array | Float32Array,
    rowOffset: number,
    extra: { weights?: ArrayLike<number>; targets?: ArrayLike<number> } = {},
  ): RowResults {
    const k = this.classes;
    const n = this.task === 'multilabel' ? scores.length / k : labels.length;
    if (scores.length !== n * k || !Number.isInteger(n))
      throw new TypeError(`${scores.length} scores for ${n} rows of ${k} classes`);
    const { weights, targets } = extra;
    if (weights !== undefined) {
      this.weighted = true;
      if (weights.length !== n) throw new TypeError(`${weights.length} weights for ${n} rows`);
      if (this.validate) {
        for (let i = 0; i < n; i++) {
          const w = weights[i];
          if (!(w >= 0 && w < Infinity)) throw new RangeError(`row ${i}: weight ${w} is not a finite number ≥ 0`);
        }
      }
    }
    const results =
      this.task === 'multiclass'
        ? this.addMulticlass(labels, scores, rowOffset, weights)
        : this.task === 'binary'
          ? this.addBinary(labels, scores, rowOffset, weights)
          : this.addMultilabel(targets, scores, n, rowOffset, weights);
    this.rows += n;
    return results;
  }

  private addMulticlass(
    labels: Float64Array | Int32Array,
    scores: Float64Array | Float32Array,
    rowOffset: number,
    weights?: ArrayLike<number>,
  ): RowResults {
    const k = this.classes;
    const n = labels.length;
    const targets = classIndices(labels, k, this.validate);
    // One fused pass per row: cross-entropy, entropy of the prediction, arg-max (assembly/score.ts).
    const results: RowResults = this.x.scoreRows(targets, scores, {
      classes: k,
      input: this.input,
      base: this.base,
      validate: this.validate,
    });
    const logits = this.input === 'logits';
    const topK = this.topK;
    const confusion = this.confusionCounts;
    const bins = this.bins;
    const { crossEntropy, entropy, predicted } = results;
    // Without weights every weight sum is a count: kept in plain integer counters here (exact,
    // as the compensated sums of ones would be) and added once at the end of the chunk.
    const counting = weights === undefined;
    const binCount = counting ? new Float64Array(bins) : undefined;
    const binRight = counting ? new Float64Array(bins) : undefined;
    const classCount = counting ? new Float64Array(k) : undefined;
    const classRight = counting ? new Float64Array(k) : undefined;
    const predictedCount = counting ? new Float64Array(k) : undefined;
    let rightCount = 0;
    let topKCount = 0;
    for (let i = 0; i < n; i++) {
      const w = counting ? 1 : weights[i];
      const y = targets[i];
      const pred = predicted[i];
      const o = i * k;
      const sy = scores[o + y];
      // The predicted distribution's top probability, p_y and Brier term Σ_j (p_j - [j = y])²,
      // and how many classes score strictly higher than the label (top-k), in one sweep.
      let top: number;
      let py: number;
      let brier: number;
      let higher = 0;
      if (logits) {
        // Softmax shifted by the top logit: S = Σ e^(z_j - m); 1 - p_y = Σ_{j≠y} e_j / S exactly,
        // with no cancellation when p_y is near 1.
        const m = scores[o + pred];
        let s = 0;
        let other = 0;
        let squares = 0;
        for (let j = 0; j < k; j++) {
          const v = scores[o + j];
          const e = Math.exp(v - m);
          s += e;
          if (v > sy) higher++;
          if (j !== y) {
            other += e;
            squares += e * e;
          }
        }
        top = 1 / s;
        py = Math.exp(sy - m) / s;
        brier = (squares + other * other) / (s * s);
      } else {
        top = scores[o + pred];
        py = sy;
        let squares = 0;
        for (let j = 0; j < k; j++) {
          const v = scores[o + j];
          if (v > sy) higher++;
          if (j !== y) squares += v * v;
        }
        brier = squares + (1 - py) * (1 - py);
      }
      const right = pred === y;
      this.classRows[y]++;
      this.classPredicted[pred]++;
      if (confusion) confusion[y * k + pred]++;
      if (!(w > 0)) continue;
      const ce = crossEntropy[i];
      this.crossEntropy.add(w * ce);
      this.entropy.add(w * entropy[i]);
      this.brier.add(w * brier);
      // torchmetrics' equal-width bins: min(⌊c·B⌋, B − 1).
      const b = Math.min(Math.floor(top * bins), bins - 1);
      const bin = b >= 0 ? b : 0;
      this.binConfidence.add(bin, w * top);
      this.classCrossEntropy.add(y, w * ce);
      this.classProbability.add(y, w * py);
      this.noteMax(ce, rowOffset + i);
      // Counted when fewer than K classes score strictly higher than the label (API.md).
      const hit = topK > 0 && higher < topK;
      if (counting) {
        binCount![bin]++;
        classCount![y]++;
        predictedCount![pred]++;
        if (hit) topKCount++;
        if (right) {
          rightCount++;
          binRight![bin]++;
          classRight![y]++;
        }
        continue;
      }
      this.weight.add(w);
      if (hit) this.topKHits.add(w);
      this.binWeight.add(bin, w);
      this.classWeight.add(y, w);
      this.classPredictedWeight.add(pred, w);
      if (right) {
        this.correct.add(w);
        this.binAccuracy.add(bin, w);
        this.classCorrect.add(y, w);
        this.classTruePositive.add(y, w);
      }
    }
    if (counting) {
      let counted = 0;
      for (let c = 0; c < k; c++) counted += classCount![c];
      this.weight.add(counted);
      this.correct.add(rightCount);
      if (topK > 0) this.topKHits.add(topKCount);
      for (let b = 0; b < bins; b++) {
        if (binCount![b] > 0) this.binWeight.add(b, binCount![b]);
        if (binRight![b] > 0) this.binAccuracy.add(b, binRight![b]);
      }
      for (let c = 0; c < k; c++) {
        this.classWeight.add(c, classCount![c]);
        this.classPredictedWeight.add(c, predictedCount![c]);
        this.classCorrect.add(c, classRight![c]);
        this.classTruePositive.add(c, classRight![c]);
      }
    }
    return results;
  }

  private addBinary(
    labels: Float64Array | Int32Array,
    scores: Float64Array | Float32Array,
    rowOffset: number,
    weights?: ArrayLike<number>,
  ): RowResults {
    const n = labels.length;
    const y = labels instanceof Float64Array ? labels : Float64Array.from(labels);
    // One fused pass: loss, entropy, p and the decision (assembly/score_binary.ts).
    const scored = scoreBinary(this.x, y, scores, this.input === 'logits', this.base);
    if (scored.flagged && this.validate) this.refuse(y, scores, 1);
    const { crossEntropy, entropy, probability: p } = scored;
    const predicted = this.decide(scored, scores);
    const confusion = this.confusionCounts;
    const bins = this.bins;
    // Without weights every weight sum is a count: plain counters, added once (exact).
    const counting = weights === undefined;
    const binCount = counting ? new Float64Array(bins) : undefined;
    const binPositive = counting ? new Float64Array(bins) : undefined;
    const classCount = [0, 0];
    const classRight = [0, 0];
    const predictedCount = [0, 0];
    for (let i = 0; i < n; i++) {
      const w = counting ? 1 : weights[i];
      const c = y[i];
      const pred = predicted[i];
      this.classRows[c]++;
      this.classPredicted[pred]++;
      if (confusion) confusion[c * 2 + pred]++;
      if (!(w > 0)) continue;
      const ce = crossEntropy[i];
      const pi = p[i];
      this.crossEntropy.add(w * ce);
      this.entropy.add(w * entropy[i]);
      this.brier.add(w * (pi - c) * (pi - c));
      // torchmetrics' equal-width bins: min(⌊c·B⌋, B − 1).
      const b = Math.min(Math.floor(pi * bins), bins - 1);
      const bin = b >= 0 ? b : 0;
      this.binConfidence.add(bin, w * pi);
      this.classCrossEntropy.add(c, w * ce);
      this.classProbability.add(c, w * (c === 1 ? pi : 1 - pi));
      this.noteMax(ce, rowOffset + i);
      if (counting) {
        binCount![bin]++;
        if (c) binPositive![bin]++;
        classCount[c]++;
        predictedCount[pred]++;
        if (pred === c) classRight[c]++;
        continue;
      }
      this.weight.add(w);
      this.binWeight.add(bin, w);
      if (c) this.binAccuracy.add(bin, w);
      this.classWeight.add(c, w);
      this.classPredictedWeight.add(pred, w);
      if (pred === c) {
        this.correct.add(w);
        this.classCorrect.add(c, w);
        this.classTruePositive.add(c, w);
      }
    }
    if (counting) {
      this.weight.add(classCount[0] + classCount[1]);
      this.correct.add(classRight[0] + classRight[1]);
      for (let b = 0; b < bins; b++) {
        if (binCount![b] > 0) this.binWeight.add(b, binCount![b]);
        if (binPositive![b] > 0) this.binAccuracy.add(b, binPositive![b]);
      }
      for (let c = 0; c < 2; c++) {
        this.classWeight.add(c, classCount[c]);
        this.classPredictedWeight.add(c, predictedCount[c]);
        this.classCorrect.add(c, classRight[c]);
        this.classTruePositive.add(c, classRight[c]);
      }
    }
    return { crossEntropy, entropy, predicted };
  }

  private addMultilabel(
    targets: ArrayLike<number> | undefined,
    scores: Float64Array | Float32Array,
    n: number,
    rowOffset: number,
    weights?: ArrayLike<number>,
  ): RowResults {
    const k = this.classes;
    if (targets === undefined || targets.length !== n * k)
      throw new TypeError(`a multilabel task needs ${n * k} targets (rows × labels)`);
    const t = targets instanceof Float64Array ? targets : Float64Array.from(targets);
    // The same fused pass over all rows × k decisions.
    const scored = scoreBinary(this.x, t, scores, this.input === 'logits', this.base);
    if (scored.flagged && this.validate) this.refuse(t, scores, k);
    const { crossEntropy: ce, entropy: h, probability: p } = scored;
    const decisions = this.decide(scored, scores);
    const rowCe = new Float64Array(n);
    const rowH = new Float64Array(n);
    const rowRight = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const w = weights === undefined ? 1 : weights[i];
      let sumCe = 0;
      let sumH = 0;
      let right = 0;
      let brier = 0;
      for (let j = 0, o = i * k; j < k; j++, o++) {
        const target = t[o];
        const pred = decisions[o];
        const ok = pred === target ? 1 : 0;
        sumCe += ce[o];
        sumH += h[o];
        right += ok;
        brier += (p[o] - target) * (p[o] - target);
        this.classRows[j] += target;
        this.classPredicted[j] += pred;
        if (w > 0) {
          this.addBin(p[o], target, w);
          this.classCrossEntropy.add(j, w * ce[o]);
          if (ok) this.classCorrect.add(j, w);
          if (pred) this.classPredictedWeight.add(j, w);
          if (target) {
            this.classWeight.add(j, w);
            this.classProbability.add(j, w * p[o]);
            if (pred) this.classTruePositive.add(j, w);
          }
        }
      }
      rowCe[i] = sumCe / k;
      rowH[i] = sumH / k;
      rowRight[i] = right;
      if (w > 0) {
        this.weight.add(w);
        this.crossEntropy.add(w * sumCe);
        this.entropy.add(w * sumH);
        this.correct.add(w * right);
        this.brier.add(w * brier);
        if (right === k) this.exactMatch.add(w);
        this.noteMax(rowCe[i], rowOffset + i);
      }
    }
    return { crossEntropy: rowCe, entropy: rowH, predicted: rowRight };
  }

  /**
   * The 0/1 decisions: the kernel's (z ≥ 0, p ≥ 0.5) at the default threshold, else p ≥ T
   * (for probabilities the score itself, as given).
   */
  private decide(scored: BinaryScores, scores: Float64Array | Float32Array): Int32Array {
    const n = scored.predicted.length;
    const out = new Int32Array(n);
    const t = this.threshold;
    if (t === 0.5) {
      const d = scored.predicted;
      for (let i = 0; i < n; i++) out[i] = d[i];
    } else {
      const p = this.input === 'logits' ? scored.probability : scores;
      for (let i = 0; i < n; i++) out[i] = p[i] >= t ? 1 : 0;
    }
    return out;
  }

  /**
   * Throws for the first bad value of flagged binary input (`k` values per row): a label (target)
   * other than 0 or 1, then a logit that is NaN or +Infinity or a probability outside [0, 1].
   */
  private refuse(y: Float64Array, scores: Float64Array | Float32Array, k: number): never {
    zeroOrOne(y, k === 1 ? 'label' : 'target', k);
    const logits = this.input === 'logits';
    for (let i = 0; i < scores.length; i++) {
      const v = scores[i];
      if (logits ? !(v < Infinity) : !(v >= 0 && v <= 1)) {
        const at = k === 1 ? `row ${i}` : `row ${Math.floor(i / k)}, label ${i % k}`;
        throw new RangeError(
          logits ? `${at}: logit ${v} is not a number below +Infinity` : `${at}: probability ${v} is not in [0, 1]`,
        );
      }
    }
    throw new Error('a binary score was flagged and none is bad: an input changed while it was read');
  }

  /** Puts a confidence in its bin: `min(⌊c·B⌋, B − 1)` (torchmetrics' equal-width bins). */
  private addBin(confidence: number, accuracy: number, w: number): void {
    const b = Math.min(Math.floor(confidence * this.bins), this.bins - 1);
    const bin = b >= 0 ? b : 0;
    this.binWeight.add(bin, w);
    this.binConfidence.add(bin, w * confidence);
    if (accuracy) this.binAccuracy.add(bin, w * accuracy);
  }

  /**
   * What keeps this and `other` from being merged (task, classes, names, bins, base, …), or
   * `undefined` if they can be.
   */
  mismatch(other: Accumulator): string | undefined {
    const differ = (what: string, a: unknown, b: unknown) =>
      `${what} ${JSON.stringify(a)} against ${JSON.stringify(b)}`;
    if (other.task !== this.task) return differ('task', other.task, this.task);
    if (other.classes !== this.classes)
      return differ(this.task === 'multilabel' ? 'labels' : 'classes', other.classes, this.classes);
    if (other.input !== this.input) return differ('input', other.input, this.input);
    if (other.base !== this.base) return differ('base', baseText(other.base), baseText(this.base));
    if (other.bins !== this.bins) return differ('bins', other.bins, this.bins);
    if (other.topK !== this.topK) return differ('top-k', other.topK, this.topK);
    if (other.threshold !== this.threshold) return differ('threshold', other.threshold, this.threshold);
    if (other.confusion !== this.confusion) return differ('confusion kept', other.confusion, this.confusion);
    const names = mergedNames(this.names, other.names);
    if (names === undefined) return differ('class names', other.names, this.names);
    return undefined;
  }

  /**
   * Adds another accumulator's rows (same task, classes, input, base, bins and names), in any order.
   *
   * @param rowOffset added to the other's worst-row index: where its rows start in the whole
   *   input, when it numbered them from 0 (a worker's piece, a shard on another machine)
   * @throws TypeError naming what differs
   */
  merge(other: Accumulator, rowOffset = 0): this {
    const wrong = this.mismatch(other);
    if (wrong !== undefined) throw new TypeError(`cannot merge accumulators with different ${wrong}`);
    this.names = mergedNames(this.names, other.names)!;
    this.perClass ||= other.perClass;
    this.weighted ||= other.weighted;
    this.rows += other.rows;
    for (const key of ['weight', 'correct', 'crossEntropy', 'entropy', 'brier', 'topKHits', 'exactMatch'] as const) {
      this[key].merge(other[key].sum, other[key].carry);
    }
    for (const key of SUMS) this[key].merge(other[key]);
    for (let c = 0; c < this.classRows.length; c++) {
      this.classRows[c] += other.classRows[c];
      this.classPredicted[c] += other.classPredicted[c];
    }
    if (this.confusionCounts)
      for (let i = 0; i < this.confusionCounts.length; i++) this.confusionCounts[i] += other.confusionCounts![i];
    if (other.maxCrossEntropyRow >= 0) this.noteMax(other.maxCrossEntropy, other.maxCrossEntropyRow + rowOffset);
    return this;
  }

  /** The summary so far. Means are `NaN` with no rows (or no weight). */
  result(): Summary {
    const multilabel = this.task === 'multilabel';
    const weight = this.weight.value;
    // Multilabel figures are over all rows × k decisions (PyTorch's element mean).
    const decisions = multilabel ? weight * this.classes : weight;
    const mean = this.crossEntropy.value / decisions;
    let calibration = 0;
    let binned = 0;
    for (let b = 0; b < this.bins; b++) {
      calibration += Math.abs(this.binAccuracy.value(b) - this.binConfidence.value(b));
      binned += this.binWeight.value(b);
    }
    const summary: Summary = {
      rows: this.rows,
      ...(multilabel ? { labels: this.classes } : { classes: this.task === 'binary' ? 2 : this.classes }),
      mean_cross_entropy: mean,
      sum_cross_entropy: this.crossEntropy.value,
      mean_entropy: this.entropy.value / decisions,
      accuracy: this.correct.value / decisions,
      perplexity: this.base === Math.E ? Math.exp(mean) : this.base ** mean,
      max_cross_entropy_row: this.maxCrossEntropyRow,
      max_cross_entropy: this.maxCrossEntropy,
      task: this.task,
      brier: this.brier.value / decisions,
      // Σ_b (n_b / n)·|acc_b − conf_b| with acc_b, conf_b the bin's means: Σ_b |A_b − C_b| / n.
      ece: calibration / binned,
      bins: this.bins,
    };
    if (this.topK > 0) {
      summary.top_k_accuracy = this.topKHits.value / weight;
      summary.top_k = this.topK;
    }
    if (multilabel) summary.exact_match = this.exactMatch.value / weight;
    if (this.task === 'binary') summary.positive = this.names[1];
    if (this.weighted) summary.weight_sum = weight;
    if (this.perClass) {
      const figures = this.classFigures();
      if (multilabel) summary.per_label = figures;
      else summary.per_class = figures;
    }
    if (this.confusionCounts) {
      const w = this.classRows.length;
      summary.confusion = Array.from({ length: w }, (_, r) =>
        Array.from(this.confusionCounts!.subarray(r * w, (r + 1) * w)),
      );
    }
    return summary;
  }

  private classFigures(): ClassFigures[] {
    const multilabel = this.task === 'multilabel';
    const total = this.weight.value;
    return this.names.map((name, c): ClassFigures => {
      const weight = this.classWeight.value(c);
      return {
        ...(multilabel ? { label: name } : { class: name }),
        rows: this.classRows[c],
        ...(this.weighted ? { weight } : {}),
        mean_cross_entropy: this.classCrossEntropy.value(c) / (multilabel ? total : weight),
        accuracy: this.classCorrect.value(c) / (multilabel ? total : weight),
        precision: this.classTruePositive.value(c) / this.classPredictedWeight.value(c),
        predicted: this.classPredicted[c],
        mean_probability: this.classProbability.value(c) / weight,
      };
    });
  }

  /** The exact state, JSON-safe (`JSON.stringify(acc)` uses it). */
  toJSON(): AccumulatorState {
    return {
      version: 2,
      task: this.task,
      classes: this.classes,
      input: this.input,
      base: this.base,
      names: [...this.names],
      bins: this.bins,
      topK: this.topK,
      threshold: this.threshold,
      perClass: this.perClass,
      weighted: this.weighted,
      rows: this.rows,
      weight: sumState(this.weight),
      correct: sumState(this.correct),
      crossEntropy: sumState(this.crossEntropy),
      entropy: sumState(this.entropy),
      brier: sumState(this.brier),
      topKHits: sumState(this.topKHits),
      exactMatch: sumState(this.exactMatch),
      maxCrossEntropy: jsonNumber(this.maxCrossEntropy),
      maxCrossEntropyRow: this.maxCrossEntropyRow,
      binWeight: this.binWeight.toJSON(),
      binConfidence: this.binConfidence.toJSON(),
      binAccuracy: this.binAccuracy.toJSON(),
      classRows: Array.from(this.classRows),
      classPredicted: Array.from(this.classPredicted),
      classWeight: this.classWeight.toJSON(),
      classCrossEntropy: this.classCrossEntropy.toJSON(),
      classCorrect: this.classCorrect.toJSON(),
      classTruePositive: this.classTruePositive.toJSON(),
      classPredictedWeight: this.classPredictedWeight.toJSON(),
      classProbability: this.classProbability.toJSON(),
      confusion: this.confusionCounts ? Array.from(this.confusionCounts) : null,
    };
  }

  /**
   * Rebuilds an accumulator from `toJSON()` output (parsed), scoring further chunks with `x`.
   * Every field is checked, and so is their agreement (counts against counts, no sums without
   * rows, bins against the weight): an edited or damaged state is refused, saying what is wrong.
   * @throws TypeError naming the first field that is wrong
   */
  static fromJSON(x: Scorer, state: AccumulatorState): Accumulator {
    if (state === null || typeof state !== 'object') throw new TypeError('not an xentropy accumulator state');
    if (state.version !== 2)
      throw new TypeError(
        `version ${JSON.stringify(state.version)} is not an xentropy accumulator state this version reads (2)`,
      );
    const bad = (what: string): never => {
      throw new TypeError(what);
    };
    const count = (n: unknown, min = 0) => Number.isSafeInteger(n) && (n as number) >= min;
    if (!BASE_VALUES.includes(state.base)) bad(`base ${JSON.stringify(state.base)} is not e (${Math.E}), 2 or 10`);
    if (!count(state.classes, 1)) bad(`classes ${JSON.stringify(state.classes)} is not a positive integer`);
    if (typeof state.perClass !== 'boolean' || typeof state.weighted !== 'boolean')
      bad('perClass and weighted must be true or false');
    if (!Array.isArray(state.names) || !state.names.every((n) => typeof n === 'string'))
      bad('names must be a list of strings');
    let acc: Accumulator;
    try {
      acc = new Accumulator(x, {
        task: state.task,
        classes: state.classes,
        input: state.input,
        base: state.base,
        names: state.names,
        bins: state.bins,
        topK: state.topK,
        threshold: state.threshold,
        perClass: state.perClass,
        weighted: state.weighted,
        confusion: state.confusion !== null,
      });
    } catch (error) {
      return bad((error as Error).message);
    }
    if (acc.topK !== state.topK) bad(`topK ${JSON.stringify(state.topK)} is not this task's`);
    const width = acc.classRows.length;
    if (!count(state.rows)) bad(`rows ${JSON.stringify(state.rows)} is not a count`);
    if (!count(state.maxCrossEntropyRow, -1))
      bad(`maxCrossEntropyRow ${JSON.stringify(state.maxCrossEntropyRow)} is not a row`);
    acc.rows = state.rows;
    for (const key of ['weight', 'correct', 'crossEntropy', 'entropy', 'brier', 'topKHits', 'exactMatch'] as const)
      restoreSum(acc[key], state[key], key);
    for (const key of SUMS) restoreSums(acc[key], state[key], key);
    restoreCounts(acc.classRows, state.classRows, 'classRows');
    restoreCounts(acc.classPredicted, state.classPredicted, 'classPredicted');
    if (acc.confusionCounts) restoreCounts(acc.confusionCounts, state.confusion!, 'confusion');
    acc.maxCrossEntropy = fromJsonNumber(state.maxCrossEntropy);
    acc.maxCrossEntropyRow = state.maxCrossEntropyRow;
    const problem = acc.contradiction(width);
    if (problem !== undefined) bad(problem);
    return acc;
  }

  /** A disagreement between fields of a restored state, or `undefined`. */
  private contradiction(width: number): string | undefined {
    const rows = this.rows;
    const weight = this.weight.value;
    const sums = {
      weight,
      correct: this.correct.value,
      crossEntropy: this.crossEntropy.value,
      brier: this.brier.value,
      entropy: this.entropy.value,
    };
    if (rows === 0) {
      for (const [key, value] of Object.entries(sums)) if (value !== 0) return `rows is 0 but ${key} is ${value}`;
      if (this.maxCrossEntropyRow !== -1) return 'rows is 0 but there is a worst row';
    } else if (this.maxCrossEntropyRow < 0 && weight > 0) return `${rows} rows but no worst row`;
    if (!(weight >= 0)) return `weight ${weight} is not ≥ 0`;
    if (!this.weighted && weight !== rows) return `an unweighted state of ${rows} rows has weight ${weight}`;
    const decisions = this.task === 'multilabel' ? this.classes : 1;
    const slack = 1 + 1e-12;
    if (!(sums.correct >= 0 && sums.correct <= decisions * weight * slack))
      return `correct ${sums.correct} is not within [0, ${decisions * weight}]`;
    if (!(sums.brier >= 0)) return `brier ${sums.brier} is negative`;
    let binned = 0;
    for (let b = 0; b < this.bins; b++) binned += this.binWeight.value(b);
    if (Math.abs(binned - decisions * weight) > 1e-9 * decisions * weight)
      return `the calibration bins hold weight ${binned}, not ${decisions * weight}`;
    const sumOf = (a: Float64Array) => a.reduce((s, v) => s + v, 0);
    if (this.task !== 'multilabel') {
      if (sumOf(this.classRows) !== rows) return `classRows add up to ${sumOf(this.classRows)}, not rows ${rows}`;
      if (sumOf(this.classPredicted) !== rows)
        return `classPredicted add up to ${sumOf(this.classPredicted)}, not rows ${rows}`;
    } else {
      for (let c = 0; c < width; c++) {
        if (this.classRows[c] > rows || this.classPredicted[c] > rows) return `label ${c}'s counts exceed rows ${rows}`;
      }
    }
    if (!this.weighted) {
      // Without weights every weight sum is a count: they must agree with the counts.
      for (let c = 0; c < width; c++) {
        const rowsOf = this.task === 'multilabel' ? this.classRows[c] : this.classRows[c];
        if (this.classWeight.value(c) !== rowsOf)
          return `class ${c}: weight ${this.classWeight.value(c)} but ${rowsOf} rows, without weights`;
        if (this.classPredictedWeight.value(c) !== this.classPredicted[c])
          return `class ${c}: predicted weight ${this.classPredictedWeight.value(c)} but ${this.classPredicted[c]} predicted, without weights`;
      }
    }
    if (this.confusionCounts) {
      for (let r = 0; r < width; r++) {
        let across = 0;
        let down = 0;
        for (let c = 0; c < width; c++) {
          across += this.confusionCounts[r * width + c];
          down += this.confusionCounts[c * width + r];
        }
        if (across !== this.classRows[r] || down !== this.classPredicted[r])
          return `the confusion matrix disagrees with classRows/classPredicted at class ${r}`;
      }
    }
    return undefined;
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

const SUMS = [
  'binWeight',
  'binConfidence',
  'binAccuracy',
  'classWeight',
  'classCrossEntropy',
  'classCorrect',
  'classTruePositive',
  'classPredictedWeight',
  'classProbability',
] as const;

/** The bases a state may hold: those `--base` names. */
const BASE_VALUES = [Math.E, 2, 10];

function baseText(base: number): string {
  return base === Math.E ? 'e' : String(base);
}

/**
 * The class names two summaries share, or `undefined` if they differ; a binary summary whose
 * negative class was never seen (`''`) takes the other's.
 */
function mergedNames(a: readonly string[], b: readonly string[]): string[] | undefined {
  if (a.length !== b.length) return undefined;
  const out: string[] = [];
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i] || b[i] === '') out.push(a[i]);
    else if (a[i] === '') out.push(b[i]);
    else return undefined;
  }
  return out;
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

function sumState(s: CompensatedSum): SumState {
  return { sum: jsonNumber(s.sum), carry: jsonNumber(s.carry) };
}

function restoreSum(s: CompensatedSum, state: SumState | undefined, what: string): void {
  if (state === null || typeof state !== 'object') throw new TypeError(`${what} is missing`);
  s.sum = fromJsonNumber(state.sum);
  s.carry = fromJsonNumber(state.carry);
}

function restoreSums(s: Sums, state: SumsState | undefined, what: string): void {
  const n = s.sum.length;
  if (
    !state ||
    !Array.isArray(state.sum) ||
    !Array.isArray(state.carry) ||
    state.sum.length !== n ||
    state.carry.length !== n
  ) {
    throw new TypeError(`${what} must hold ${n} sums`);
  }
  for (let i = 0; i < n; i++) {
    s.sum[i] = fromJsonNumber(state.sum[i]);
    s.carry[i] = fromJsonNumber(state.carry[i]);
  }
}

function restoreCounts(out: Float64Array, counts: unknown, what: string): void {
  if (
    !Array.isArray(counts) ||
    counts.length !== out.length ||
    !counts.every((c) => Number.isSafeInteger(c) && c >= 0)
  ) {
    throw new TypeError(`${what} must hold ${out.length} counts`);
  }
  out.set(counts as number[]);
}

/** Binary labels and multilabel targets are 0 or 1. */
function zeroOrOne(values: Float64Array, what: string, k = 1): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== 0 && v !== 1) throw new RangeError(`row ${Math.floor(i / k)}: ${what} ${v} is not 0 or 1`);
  }
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
