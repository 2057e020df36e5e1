import type { InputKind, RowResults } from 'xentropy';
import type { Batch } from '../../src/io/batch.js';
import { sigmoid } from './calibration.js';
import type { WorstRow } from './protocol.js';

/** Rows listed as the worst. */
export const WORST_ROWS = 10;

/**
 * The rows with the largest cross-entropy of a binary or multiclass file, gathered batch by
 * batch (the other figures, per class and per calibration bin, are the Accumulator's).
 */
export class Breakdown {
  /** Largest cross-entropy first; ties keep the earlier row. */
  private readonly worst: WorstRow[] = [];

  constructor(
    private readonly columns: readonly string[],
    private readonly input: InputKind,
  ) {}

  /** @param weights sample weights: a row of weight 0 is left out, as the summary's worst row leaves it out */
  add(batch: Batch, results: RowResults, weights?: ArrayLike<number>): void {
    const k = this.columns.length;
    const probability = { confidence: 0, truth: 0 };
    for (let i = 0; i < batch.rows; i++) {
      const ce = results.crossEntropy[i];
      if (weights !== undefined && !(weights[i] > 0)) continue;
      if (this.worst.length < WORST_ROWS || ce > this.worst[this.worst.length - 1].crossEntropy) {
        const y = batch.labels[i];
        if (k === 1) {
          // Binary: one probability (or logit) of the positive class, label 1 or 0.
          const p = this.input === 'logits' ? sigmoid(batch.scores[i]) : batch.scores[i];
          probability.truth = y === 1 ? p : 1 - p;
        } else rowProbabilities(batch.scores, i * k, k, y, this.input, probability);
        this.noteWorst({
          row: batch.firstRow + i,
          line: batch.lines?.[i],
          label: y,
          predicted: results.predicted[i],
          trueProbability: probability.truth,
          crossEntropy: ce,
          entropy: results.entropy[i],
        });
      }
    }
  }

  worstRows(): WorstRow[] {
    return this.worst.slice();
  }

  private noteWorst(row: WorstRow): void {
    let at = this.worst.length;
    while (at > 0 && row.crossEntropy > this.worst[at - 1].crossEntropy) at--;
    this.worst.splice(at, 0, row);
    if (this.worst.length > WORST_ROWS) this.worst.pop();
  }
}

/**
 * A row's confidence (its largest predicted probability) and the probability of its label; for
 * logits through a softmax shifted by the row's maximum, so large logits cannot overflow.
 */
export function rowProbabilities(
  scores: Float64Array | Float32Array,
  offset: number,
  k: number,
  label: number,
  input: InputKind,
  out: { confidence: number; truth: number },
): void {
  let max = -Infinity;
  for (let c = 0; c < k; c++) if (scores[offset + c] > max) max = scores[offset + c];
  if (input === 'probs') {
    out.confidence = max;
    out.truth = scores[offset + label];
    return;
  }
  let sum = 0;
  for (let c = 0; c < k; c++) sum += Math.exp(scores[offset + c] - max);
  out.confidence = 1 / sum;
  out.truth = Math.exp(scores[offset + label] - max) / sum;
}
