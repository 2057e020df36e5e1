import type { AccumulatorState, InputKind } from 'xentropy';
import { fromJsonNumber } from '../../src/accumulator.js';
import type { CalibrationBin, ScoreHistograms } from './protocol.js';

/** Bins of the binary score histograms at most: past it they are equal bins of their own. */
export const SCORE_BINS_MOST = 100;

/**
 * The non-empty calibration bins of an Accumulator's state, the very sums `ece` is computed
 * from: `ece = Σ_b (W_b / W)·|accuracy_b − confidence_b|` over them.
 */
export function calibrationBins(state: AccumulatorState): CalibrationBin[] {
  const total = (sums: AccumulatorState['binWeight'], b: number) => {
    const sum = fromJsonNumber(sums.sum[b]);
    return Number.isFinite(sum) ? sum + fromJsonNumber(sums.carry[b]) : sum;
  };
  const bins: CalibrationBin[] = [];
  for (let b = 0; b < state.bins; b++) {
    const weight = total(state.binWeight, b);
    if (!(weight > 0)) continue;
    bins.push({
      index: b,
      lo: b / state.bins,
      hi: (b + 1) / state.bins,
      weight,
      confidence: total(state.binConfidence, b) / weight,
      accuracy: total(state.binAccuracy, b) / weight,
    });
  }
  return bins;
}

/**
 * The score histograms of a binary file: rows of each class counted by the probability of the
 * positive class, on the calibration bins (`min(⌊p·B⌋, B − 1)`, as `ece` bins it; B at most
 * {@link SCORE_BINS_MOST}). Counts are rows, weighted or not, as the per-class `rows` are.
 */
export class ScoreCounter {
  private readonly negative: Float64Array;
  private readonly positive: Float64Array;

  private readonly bins: number;

  constructor(
    calibrationBins: number,
    private readonly input: InputKind,
  ) {
    const bins = Math.min(calibrationBins, SCORE_BINS_MOST);
    this.bins = bins;
    this.negative = new Float64Array(bins);
    this.positive = new Float64Array(bins);
  }

  /** Adds rows: `labels` 1 (positive) or 0, `scores` one probability or logit each. */
  add(labels: Float64Array, scores: Float64Array | Float32Array, rows: number): void {
    const b = this.bins;
    for (let i = 0; i < rows; i++) {
      const p = this.input === 'logits' ? sigmoid(scores[i]) : scores[i];
      const bin = Math.max(0, Math.min(Math.floor(p * b), b - 1));
      if (labels[i] === 1) this.positive[bin]++;
      else this.negative[bin]++;
    }
  }

  histograms(names: readonly string[], threshold: number): ScoreHistograms {
    return {
      edges: Array.from({ length: this.bins + 1 }, (_, b) => b / this.bins),
      negative: Array.from(this.negative),
      positive: Array.from(this.positive),
      names: [names[0], names[1]],
      threshold,
    };
  }
}

/**
 * σ(z) by the Accumulator's own steps (e^-|z| / (1 + e^-|z|) on the small side, 1 / (1 + e^-|z|)
 * on the large), so a probability near a bin edge falls in the bin `ece` put it in.
 */
export function sigmoid(z: number): number {
  const e = Math.exp(-Math.abs(z));
  return z >= 0 ? 1 / (1 + e) : e / (1 + e);
}
