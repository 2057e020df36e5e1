import { CompensatedSum } from 'xentropy';
import type { InputKind, RowResults } from 'xentropy';
import type { Batch } from '../../src/io/batch.js';
import type { ClassRow, ReliabilityBin, WorstRow } from './protocol.js';

/** Equal-width confidence bins of the reliability diagram and its expected calibration error. */
export const RELIABILITY_BINS = 10;
/** Rows listed as the worst. */
export const WORST_ROWS = 10;

/**
 * The figures beyond the `--json` summary, gathered batch by batch: per class (rows, mean
 * cross-entropy, accuracy, mean probability of the true class), confidence bins for the
 * reliability diagram, and the rows with the largest cross-entropy.
 */
export class Breakdown {
  private readonly count: Float64Array;
  private readonly correct: Float64Array;
  private readonly crossEntropy: CompensatedSum[];
  private readonly trueProbability: CompensatedSum[];
  private readonly binCount = new Float64Array(RELIABILITY_BINS);
  private readonly binCorrect = new Float64Array(RELIABILITY_BINS);
  private readonly binConfidence = Array.from({ length: RELIABILITY_BINS }, () => new CompensatedSum());
  /** Largest cross-entropy first; ties keep the earlier row. */
  private readonly worst: WorstRow[] = [];

  constructor(
    private readonly columns: readonly string[],
    private readonly input: InputKind,
  ) {
    const k = columns.length;
    this.count = new Float64Array(k);
    this.correct = new Float64Array(k);
    this.crossEntropy = Array.from({ length: k }, () => new CompensatedSum());
    this.trueProbability = Array.from({ length: k }, () => new CompensatedSum());
  }

  add(batch: Batch, results: RowResults): void {
    const k = this.columns.length;
    const probability = { confidence: 0, truth: 0 };
    for (let i = 0; i < batch.rows; i++) {
      const y = batch.labels[i];
      const ce = results.crossEntropy[i];
      const right = results.predicted[i] === y ? 1 : 0;
      rowProbabilities(batch.scores, i * k, k, y, this.input, probability);
      this.count[y]++;
      this.correct[y] += right;
      this.crossEntropy[y].add(ce);
      this.trueProbability[y].add(probability.truth);
      const confidence = probability.confidence;
      if (confidence === confidence) {
        const b = Math.min(RELIABILITY_BINS - 1, Math.floor(confidence * RELIABILITY_BINS));
        this.binCount[b]++;
        this.binCorrect[b] += right;
        this.binConfidence[b].add(confidence);
      }
      if (this.worst.length < WORST_ROWS || ce > this.worst[this.worst.length - 1].crossEntropy) {
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

  classes(): ClassRow[] {
    return this.columns.map((column, c) => ({
      index: c,
      column,
      rows: this.count[c],
      meanCrossEntropy: this.crossEntropy[c].value / this.count[c],
      accuracy: this.correct[c] / this.count[c],
      meanTrueProbability: this.trueProbability[c].value / this.count[c],
    }));
  }

  /** The bins, and ECE = Σ_b (n_b / n) · |accuracy_b − confidence_b| over non-empty bins. */
  reliability(): { bins: ReliabilityBin[]; ece: number } {
    let n = 0;
    for (const c of this.binCount) n += c;
    const ece = new CompensatedSum();
    const bins = Array.from(this.binCount, (count, b): ReliabilityBin => {
      const bin = {
        lo: b / RELIABILITY_BINS,
        hi: (b + 1) / RELIABILITY_BINS,
        count,
        confidence: this.binConfidence[b].value / count,
        accuracy: this.binCorrect[b] / count,
      };
      if (count > 0) ece.add((count / n) * Math.abs(bin.accuracy - bin.confidence));
      return bin;
    });
    return { bins, ece: ece.value };
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
