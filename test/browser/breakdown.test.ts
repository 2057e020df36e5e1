/**
 * The page's own figures, computed in its worker beyond the `--json` summary: the worst rows,
 * the histograms, the calibration bins read from the Accumulator's state, the binary score
 * histograms; and its options read with the command line's rules. Pure functions, checked here
 * in Node against values worked out by hand and against the Accumulator's own figures.
 */
import { describe, expect, it } from 'vitest';
import { Accumulator, js } from '../../src/index.js';
import type { RowResults } from '../../src/accumulator.js';
import type { Batch } from '../../src/io/batch.js';
import { Breakdown, rowProbabilities } from '../../web/src/breakdown.js';
import { calibrationBins, ScoreCounter, sigmoid } from '../../web/src/calibration.js';
import { histogram, niceStep } from '../../web/src/histogram.js';
import { commandLine, OptionError, parseControls } from '../../web/src/options.js';
import type { Controls } from '../../web/src/options.js';
import { f1 } from '../../web/src/views/per-class.js';

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
  // Four rows over two classes; losses -ln 0.9, -ln 0.4, -ln 0.6, -ln 0.2.
  const b = batch([0, 0, 1, 1], [0.9, 0.1, 0.4, 0.6, 0.4, 0.6, 0.8, 0.2], ['p_0', 'p_1']);
  const d = new Breakdown(b.columns, 'probs');
  d.add(b, results(b));

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

  it('lists binary rows with the probability of their label, leaving out rows of weight 0', () => {
    // Logits 2, -1, 0 of the positive class; labels 0, 1, 1; the first row weighs nothing.
    const b = { ...batch([0, 1, 1], [2, -1, 0], ['logit']), rows: 3 };
    const ce = Float64Array.of(Math.log1p(Math.exp(2)), Math.log1p(Math.exp(1)), Math.LN2);
    const r = { crossEntropy: ce, entropy: new Float64Array(3), predicted: Int32Array.of(1, 0, 1) };
    const t = new Breakdown(['logit'], 'logits');
    t.add(b, r, Float64Array.of(0, 1, 1));
    const worst = t.worstRows();
    expect(worst.map((w) => w.row)).toEqual([1, 2]);
    expect(worst[0].trueProbability).toBeCloseTo(1 / (1 + Math.E), 15);
    expect(worst[1].trueProbability).toBe(0.5);
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

describe('calibrationBins', () => {
  it('gives back the bins ece is computed from: Σ (W_b / W)·|accuracy_b − confidence_b| = ece', () => {
    // Binary probabilities 0.05, 0.3, 0.35, 0.7, 0.95, 1 over 4 bins: bins 0, 1, 1, 2, 3, 3.
    const acc = new Accumulator(js, { task: 'binary', classes: 1, input: 'probs', bins: 4, weighted: true });
    const p = Float64Array.of(0.05, 0.3, 0.35, 0.7, 0.95, 1);
    const y = Float64Array.of(0, 1, 0, 1, 1, 1);
    const w = Float64Array.of(1, 2, 1, 0.5, 1, 3);
    acc.add(y, p, 0, { weights: w });
    const bins = calibrationBins(acc.toJSON());
    expect(bins.map((b) => b.weight)).toEqual([1, 3, 0.5, 4]);
    expect(bins.map((b) => [b.lo, b.hi])).toEqual([
      [0, 0.25],
      [0.25, 0.5],
      [0.5, 0.75],
      [0.75, 1],
    ]);
    expect(bins[1].confidence).toBeCloseTo((2 * 0.3 + 0.35) / 3, 15);
    expect(bins[1].accuracy).toBeCloseTo(2 / 3, 15);
    expect(bins[3].confidence).toBeCloseTo((0.95 + 3) / 4, 15);
    const total = bins.reduce((s, b) => s + b.weight, 0);
    const ece = bins.reduce(
      (s, b) => s + (b.weight > 0 ? (b.weight / total) * Math.abs(b.accuracy - b.confidence) : 0),
      0,
    );
    expect(ece).toBeCloseTo(acc.result().ece, 15);
  });

  it('leaves out the empty bins, each bin kept knowing its index', () => {
    const acc = new Accumulator(js, { classes: 2, input: 'probs', bins: 3 });
    acc.add(Float64Array.of(0, 1), Float64Array.of(0.9, 0.1, 0.1, 0.9), 0);
    const bins = calibrationBins(acc.toJSON());
    expect(bins).toEqual([{ index: 2, lo: 2 / 3, hi: 1, weight: 2, confidence: 0.9, accuracy: 1 }]);
  });
});

describe('ScoreCounter', () => {
  it('counts each class’s rows in the bin of p, min(⌊p·B⌋, B − 1), p = 1 in the last bin', () => {
    const c = new ScoreCounter(4, 'probs');
    c.add(Float64Array.of(0, 0, 1, 1, 1, 0), Float64Array.of(0, 0.25, 0.5, 0.99, 1, 0.74), 6);
    const h = c.histograms(['ham', 'spam'], 0.5);
    expect(h.negative).toEqual([1, 1, 1, 0]);
    expect(h.positive).toEqual([0, 0, 1, 2]);
    expect(h.edges).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(h.names).toEqual(['ham', 'spam']);
  });

  it('counts on at most 100 bins when there are more calibration bins', () => {
    const c = new ScoreCounter(100_000, 'probs');
    c.add(Float64Array.of(1, 0), Float64Array.of(0.995, 0.004), 2);
    const h = c.histograms(['0', '1'], 0.5);
    expect(h.edges).toHaveLength(101);
    expect(h.positive[99]).toBe(1);
    expect(h.negative[0]).toBe(1);
  });

  it('bins logits by their sigmoid, exact at 0 and without overflow far out', () => {
    const c = new ScoreCounter(2, 'logits');
    c.add(Float64Array.of(1, 0, 1), Float64Array.of(0, -800, 800), 3);
    const h = c.histograms(['0', '1'], 0.5);
    expect(h.positive).toEqual([0, 2]); // σ(0) = 0.5 is in the upper bin
    expect(h.negative).toEqual([1, 0]);
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(-800)).toBe(0);
    expect(sigmoid(2)).toBeCloseTo(1 / (1 + Math.exp(-2)), 15);
  });
});

describe('the page’s options', () => {
  const base: Controls = {
    input: 'auto',
    base: 'e',
    labelColumn: 'label',
    task: '',
    positive: '',
    threshold: '',
    weightColumn: '',
    bins: '',
    topK: '',
    perClass: false,
    confusion: false,
  };

  it('takes empty fields as the command line’s defaults', () => {
    const o = parseControls(base);
    expect(o).toMatchObject({
      labelColumn: 'label',
      task: undefined,
      positive: undefined,
      threshold: undefined,
      bins: undefined,
      topK: undefined,
    });
  });

  it('reads every option as the command line does', () => {
    const o = parseControls({
      ...base,
      task: 'binary',
      positive: 'spam',
      threshold: '0.3',
      weightColumn: 'w',
      bins: '10',
      topK: '3',
      perClass: true,
    });
    expect(o).toMatchObject({
      task: 'binary',
      positive: 'spam',
      threshold: 0.3,
      weightColumn: 'w',
      bins: 10,
      topK: 3,
      perClass: true,
      confusion: false,
    });
  });

  it.each([
    [{ bins: 'abc' }, "option '--bins <n>' argument 'abc' is invalid. expected a positive integer"],
    [{ bins: '0' }, "option '--bins <n>' argument '0' is invalid. expected a positive integer"],
    [{ bins: '2.5' }, "option '--bins <n>' argument '2.5' is invalid. expected a positive integer"],
    [{ topK: '-1' }, "option '--top-k <k>' argument '-1' is invalid. expected a positive integer"],
    [{ threshold: '1.5' }, "option '--threshold <t>' argument '1.5' is invalid. expected a number in (0, 1]"],
    [{ threshold: '0' }, "option '--threshold <t>' argument '0' is invalid. expected a number in (0, 1]"],
    [{ threshold: 'half' }, "option '--threshold <t>' argument 'half' is invalid. expected a number in (0, 1]"],
    [
      { task: 'regression' },
      "option '--task <task>' argument 'regression' is invalid. Allowed choices are binary, multiclass, multilabel.",
    ],
  ])('refuses %j in the command line’s words', (change, message) => {
    expect(() => parseControls({ ...base, ...change })).toThrow(new OptionError(message));
  });

  it('writes the command that prints the JSON shown, quoting what a shell would split', () => {
    const o = parseControls({ ...base, weightColumn: 'sample weight', bins: '10', perClass: true, confusion: true });
    expect(commandLine('my file.csv', undefined, o)).toBe(
      "xentropy score 'my file.csv' --json --weight-column 'sample weight' --bins 10 --per-class --confusion",
    );
    expect(commandLine('s.npy', 'l.npy', parseControls({ ...base, input: 'logits' }))).toBe(
      'xentropy score s.npy --labels l.npy --json --input logits',
    );
  });
});

describe('f1', () => {
  it('is the harmonic mean of precision and recall, 0 when both are 0, NaN when either is undefined', () => {
    expect(f1(0.5, 1)).toBeCloseTo(2 / 3, 15);
    expect(f1(0, 0)).toBe(0);
    expect(f1(NaN, 0.5)).toBeNaN();
  });
});
