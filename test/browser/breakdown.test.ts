/**
 * The page's own figures, computed in its worker beyond the `--json` summary: per-class rows,
 * the reliability bins and their expected calibration error, the worst rows, the histograms.
 * Pure functions, checked here in Node against values worked out by hand.
 */
import { describe, expect, it } from 'vitest';
import type { RowResults } from '../../src/accumulator.js';
import type { Batch } from '../../src/io/batch.js';
import { Breakdown, rowProbabilities } from '../../web/src/breakdown.js';
import { histogram, niceStep } from '../../web/src/histogram.js';

function batch(labels: number[], scores: number[], columns: string[], firstRow = 0): Batch {
  return {
    firstRow,
    rows: labels.length,
    labels: Float64Array.from(labels),
    scores: Float64Array.from(scores),
    columns,
    lines: Float64Array.from(labels, (_, i) => firstRow + i + 2),
  };
}

/** Per-row results as the Accumulator gives them for probabilities: -ln q[label], entropy, argmax. */
function results(b: Batch): RowResults {
  const k = b.columns.length;
  const ce = new Float64Array(b.rows);
  const h = new Float64Array(b.rows);
  const predicted = new Int32Array(b.rows);
  for (let i = 0; i < b.rows; i++) {
    const row = Array.from(b.scores.subarray(i * k, (i + 1) * k));
    ce[i] = -Math.log(row[b.labels[i]]);
    h[i] = -row.reduce((s, p) => s + (p > 0 ? p * Math.log(p) : 0), 0);
    predicted[i] = row.indexOf(Math.max(...row));
  }
  return { crossEntropy: ce, entropy: h, predicted };
}

describe('rowProbabilities', () => {
  it('reads confidence and the true class probability from probabilities as they are', () => {
    const out = { confidence: 0, truth: 0 };
    rowProbabilities(Float64Array.of(0.2, 0.7, 0.1), 0, 3, 2, 'probs', out);
    expect(out).toEqual({ confidence: 0.7, truth: 0.1 });
  });

  it('takes the softmax of logits without overflow: [1000, 1000 + ln 3] gives 3/4 and 1/4', () => {
    const out = { confidence: 0, truth: 0 };
    rowProbabilities(Float64Array.of(1000, 1000 + Math.log(3)), 0, 2, 0, 'logits', out);
    // 1000 + ln 3 is ln 3 to within an ulp of 1000 (1e-13): the results are that close.
    expect(out.confidence).toBeCloseTo(0.75, 12);
    expect(out.truth).toBeCloseTo(0.25, 12);
  });
});

describe('Breakdown', () => {
  // Four rows over two classes; confidences 0.9, 0.6, 0.6, 0.8 (bins 9, 6, 6, 8).
  const b = batch([0, 0, 1, 1], [0.9, 0.1, 0.4, 0.6, 0.4, 0.6, 0.8, 0.2], ['p_0', 'p_1']);
  const d = new Breakdown(b.columns, 'probs');
  d.add(b, results(b));

  it('counts rows, accuracy and the mean true-class probability per class', () => {
    expect(d.classes()).toEqual([
      {
        index: 0,
        column: 'p_0',
        rows: 2,
        meanCrossEntropy: (-Math.log(0.9) - Math.log(0.4)) / 2,
        accuracy: 0.5,
        meanTrueProbability: 0.65,
      },
      {
        index: 1,
        column: 'p_1',
        rows: 2,
        meanCrossEntropy: (-Math.log(0.6) - Math.log(0.2)) / 2,
        accuracy: 0.5,
        meanTrueProbability: 0.4,
      },
    ]);
  });

  it('bins confidence in tenths and weighs each bin’s |accuracy − confidence| by its rows', () => {
    const { bins, ece } = d.reliability();
    expect(bins).toHaveLength(10);
    expect(bins.map((x) => x.count)).toEqual([0, 0, 0, 0, 0, 0, 2, 0, 1, 1]);
    expect(bins[6]).toMatchObject({ lo: 0.6, hi: 0.7, confidence: 0.6, accuracy: 0.5 });
    expect(bins[8]).toMatchObject({ confidence: 0.8, accuracy: 0 });
    expect(bins[9]).toMatchObject({ confidence: 0.9, accuracy: 1 });
    // (2/4)·|0.5 − 0.6| + (1/4)·|0 − 0.8| + (1/4)·|1 − 0.9|
    expect(ece).toBeCloseTo(0.5 * 0.1 + 0.25 * 0.8 + 0.25 * 0.1, 15);
  });

  it('lists the worst rows by cross-entropy, with their lines, ties in row order', () => {
    const worst = d.worstRows();
    expect(worst.map((w) => w.row)).toEqual([3, 1, 2, 0]);
    expect(worst[0]).toMatchObject({
      row: 3,
      line: 5,
      label: 1,
      predicted: 0,
      trueProbability: 0.2,
      crossEntropy: -Math.log(0.2),
    });

    const tied = batch([0, 0, 0], [0.5, 0.5, 0.5, 0.5, 0.5, 0.5], ['p_0', 'p_1'], 100);
    const t = new Breakdown(tied.columns, 'probs');
    t.add(tied, results(tied));
    expect(t.worstRows().map((w) => w.row)).toEqual([100, 101, 102]);
  });

  it('keeps only the ten worst rows over many batches', () => {
    const t = new Breakdown(['p_0', 'p_1'], 'probs');
    for (let start = 0; start < 40; start += 8) {
      const labels = Array.from({ length: 8 }, () => 0);
      const scores = labels.flatMap((_, i) => {
        const q = 0.5 + 0.01 * (start + i); // later rows are more confident and right: lower loss
        return [q, 1 - q];
      });
      const x = batch(labels, scores, ['p_0', 'p_1'], start);
      t.add(x, results(x));
    }
    expect(t.worstRows().map((w) => w.row)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe('histogram', () => {
  it('uses a round step near top/40 and counts non-finite values apart', () => {
    const h = histogram(Float64Array.of(0.1, 0.3, Infinity), 3);
    expect(h.nonFinite).toBe(1);
    expect(h.bins).toHaveLength(30);
    expect(h.bins[10]).toEqual({ x0: 0.1, x1: 0.11, count: 1 });
    expect(h.bins[29].count).toBe(1); // the top value goes in the last bin
    expect(h.bins.reduce((s, x) => s + x.count, 0)).toBe(2);
  });

  it('spans a fixed range when given one (entropy: 0 to log k)', () => {
    const h = histogram(Float64Array.of(0, 0.5, Math.LN2), 3, Math.LN2);
    expect(h.bins[0].x0).toBe(0);
    expect(h.bins.at(-1)!.x1).toBeGreaterThanOrEqual(Math.LN2);
    expect(h.bins.reduce((s, x) => s + x.count, 0)).toBe(3);
  });

  it('reads only the first `rows` values of a larger buffer', () => {
    expect(histogram(Float64Array.of(1, 2, 99), 2).bins.at(-1)!.x1).toBeLessThan(3);
  });

  it('rounds steps up to 1, 2 or 5 × 10^n', () => {
    expect([0.0075, 0.013, 0.3, 4, 7].map(niceStep)).toEqual([0.01, 0.02, 0.5, 5, 10]);
  });
});
