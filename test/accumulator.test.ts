import { readFileSync } from 'node:fs';
import { expectClose as expectWithinBound, expectRelative } from './helpers.js';
import { describe, expect, it } from 'vitest';
import { Accumulator, fromJsonNumber, jsonNumber } from '../src/accumulator.js';
import type { AccumulatorOptions, Scorer, Summary } from '../src/accumulator.js';
import { js, load } from '../src/index.js';
import type { Xentropy } from '../src/index.js';
import { rng } from './support/rng.mjs';

const reference = JSON.parse(readFileSync('examples/digits-summary.json', 'utf8')) as Record<string, number>;

/** The bundled example (plain CSV, no quotes) as labels and flat scores. */
function example(file: string): { labels: Float64Array; scores: Float64Array } {
  const rows = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(',').map(Number));
  return { labels: Float64Array.from(rows, (r) => r[0]), scores: Float64Array.from(rows.flatMap((r) => r.slice(1))) };
}
const logits = example('examples/digits-logits.csv');
const probs = example('examples/digits-probs.csv');
const K = 10;
const N = logits.labels.length;

/** |got - expected| ≤ rel·|expected| (test/helpers/tolerance.ts). */
function expectClose(got: number, expected: number, rel: number, what: string): void {
  expectRelative(got, expected, { rel }, what);
}

const FIGURES = ['mean_cross_entropy', 'sum_cross_entropy', 'mean_entropy', 'accuracy', 'perplexity'] as const;

function expectSameSummary(got: Summary, expected: Summary, rel: number): void {
  expect(got.rows).toBe(expected.rows);
  expect(got.classes).toBe(expected.classes);
  expect(got.max_cross_entropy_row).toBe(expected.max_cross_entropy_row);
  for (const key of FIGURES) expectClose(got[key], expected[key], rel, key);
}

/** Rows [from, to) of a flat batch. */
function rows(data: { labels: Float64Array; scores: Float64Array }, from: number, to: number) {
  return { labels: data.labels.subarray(from, to), scores: data.scores.subarray(from * K, to * K) };
}

/** Accumulates `data` in chunks of the given sizes (cycled), one accumulator per chunk. */
function chunked(x: Scorer, options: AccumulatorOptions, data: typeof logits, sizes: number[]): Accumulator[] {
  const parts: Accumulator[] = [];
  for (let from = 0, i = 0; from < data.labels.length; i++) {
    const to = Math.min(data.labels.length, from + sizes[i % sizes.length]);
    const part = new Accumulator(x, options);
    const chunk = rows(data, from, to);
    part.add(chunk.labels, chunk.scores, from);
    parts.push(part);
    from = to;
  }
  return parts;
}

/** Merges neighbours pairwise, level by level, down to one. */
function mergeTree(list: Accumulator[]): Accumulator {
  while (list.length > 1) {
    list = Array.from({ length: Math.ceil(list.length / 2) }, (_, i) =>
      list[2 * i + 1] ? list[2 * i].merge(list[2 * i + 1]) : list[2 * i],
    );
  }
  return list[0];
}

/** A seeded shuffle (mulberry32), so a failure reproduces. */
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  const random = rng(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const wasm = await load({ backend: 'wasm' });

describe.each([
  ['js', js],
  ['wasm', wasm],
] as Array<[string, Xentropy]>)('Accumulator on %s', (_name, x) => {
  const onePass = (options: AccumulatorOptions, data = logits) => {
    const acc = new Accumulator(x, options);
    acc.add(data.labels, data.scores, 0);
    return acc;
  };

  it('matches the PyTorch / scikit-learn figures for the digits example, from logits and from probabilities', () => {
    for (const [input, data] of [
      ['logits', logits],
      ['probs', probs],
    ] as const) {
      const s = onePass({ classes: K, input }, data).result();
      expect(s.rows).toBe(reference.rows);
      expect(s.classes).toBe(reference.classes);
      expect(s.max_cross_entropy_row).toBe(reference.max_cross_entropy_row);
      for (const key of FIGURES) expectClose(s[key], reference[key], 1e-12, `${input} ${key}`);
    }
  });

  it('gives bits with base 2 and bans with base 10; perplexity does not depend on the base', () => {
    const nats = onePass({ classes: K, input: 'logits' }).result();
    for (const base of [2, 10]) {
      const s = onePass({ classes: K, input: 'logits', base }).result();
      for (const key of ['mean_cross_entropy', 'sum_cross_entropy', 'mean_entropy'] as const) {
        expectClose(s[key], nats[key] / Math.log(base), 1e-14, `base ${base} ${key}`);
      }
      expectClose(s.perplexity, nats.perplexity, 1e-14, `base ${base} perplexity`);
      expect(s.accuracy).toBe(nats.accuracy);
      expect(s.max_cross_entropy_row).toBe(nats.max_cross_entropy_row);
    }
  });

  it.each([
    [[1], 1],
    [[7, 100, 3], 2],
    [[N - 1, 1], 3],
    [[256], 4],
    [[1000, 1, 13], 5],
  ])('merging chunks of sizes %j in shuffled order equals one pass within 1e-15', (sizes, seed) => {
    for (const input of ['logits', 'probs'] as const) {
      const options = { classes: K, input };
      const data = input === 'logits' ? logits : probs;
      const whole = onePass(options, data).result();
      const parts = shuffled(chunked(x, options, data, sizes), seed);
      const merged = parts.reduce((acc, part) => acc.merge(part), new Accumulator(x, options));
      expectSameSummary(merged.result(), whole, 1e-15);
      // A tree of merges (as workers would do) too.
      expectSameSummary(mergeTree(shuffled(chunked(x, options, data, sizes), seed + 10)).result(), whole, 1e-15);
    }
  });

  it('returns per-row results equal to the library and the first argmax', () => {
    const acc = new Accumulator(x, { classes: 3, input: 'logits' });
    const labels = Int32Array.of(0, 2, 1);
    const scores = Float64Array.of(1, 1, 0, -Infinity, 2, 2, 0.5, -1, 0.5);
    const r = acc.add(labels, scores, 0);
    // Exactly the library's fused per-row pass, and within API.md's bound of the separate functions.
    const fused = x.scoreRows(labels, scores, { classes: 3, input: 'logits' });
    expect(r.crossEntropy).toEqual(fused.crossEntropy);
    expect(r.entropy).toEqual(fused.entropy);
    expectWithinBound(
      r.crossEntropy,
      x.softmaxCrossEntropy(labels, scores, { classes: 3 }),
      'float64',
      'cross-entropy',
    );
    expectWithinBound(r.entropy, x.entropy(x.softmax(scores, { classes: 3 }), { classes: 3 }), 'float64', 'entropy');
    expect(Array.from(r.predicted)).toEqual([0, 1, 0]);
    expect(acc.result().accuracy).toBe(1 / 3);
  });

  it('picks the first of tied worst rows, whatever the merge order', () => {
    const options = { classes: 2, input: 'probs' } as const;
    const row = Float64Array.of(0.9, 0.1);
    const parts = [0, 1, 2].map((r) => {
      const a = new Accumulator(x, options);
      a.add(Float64Array.of(1), row, r * 5);
      return a;
    });
    const forward = new Accumulator(x, options).merge(parts[0]).merge(parts[1]).merge(parts[2]);
    expect(forward.result().max_cross_entropy_row).toBe(0);
    const restored = parts.map((p) => Accumulator.fromJSON(x, JSON.parse(JSON.stringify(p))));
    const backward = restored[2].merge(restored[1]).merge(restored[0]);
    expect(backward.result().max_cross_entropy_row).toBe(0);
    expectClose(backward.result().max_cross_entropy, -Math.log(0.1), 1e-15, 'worst row value');
  });

  it('round-trips through JSON and keeps accumulating identically', () => {
    const options = { classes: K, input: 'logits', base: 2 } as const;
    const half = Math.floor(N / 2);
    const first = rows(logits, 0, half);
    const second = rows(logits, half, N);
    const original = new Accumulator(x, options);
    original.add(first.labels, first.scores, 0);
    const copy = Accumulator.fromJSON(x, JSON.parse(JSON.stringify(original)));
    expect(copy.toJSON()).toEqual(original.toJSON());
    original.add(second.labels, second.scores, half);
    copy.add(second.labels, second.scores, half);
    expect(copy.result()).toEqual(original.result());
  });

  it('keeps infinite figures through JSON as strings', () => {
    const acc = new Accumulator(x, { classes: 2, input: 'logits' });
    acc.add(Float64Array.of(0, 1), Float64Array.of(-Infinity, 0, 0, 0), 0);
    const text = JSON.stringify(acc);
    expect(JSON.parse(text).crossEntropy.sum).toBe('Infinity');
    const s = Accumulator.fromJSON(x, JSON.parse(text)).result();
    expect(s.sum_cross_entropy).toBe(Infinity);
    expect(s.max_cross_entropy_row).toBe(0);
    expect(s.perplexity).toBe(Infinity);
  });

  it('rejects labels that are not class indices, naming the row, when validating', () => {
    const acc = new Accumulator(x, { classes: 2, input: 'probs' });
    expect(() => acc.add(Float64Array.of(0, 1.5), Float64Array.of(1, 0, 0, 1), 0)).toThrow(RangeError);
    expect(() => acc.add(Float64Array.of(0, 1.5), Float64Array.of(1, 0, 0, 1), 0)).toThrow(/row 1: label 1.5/);
    expect(acc.result().rows).toBe(0);
    acc.add(Float64Array.of(0, 1), Float64Array.of(1, 0, 0, 1), 0);
    expect(acc.result().mean_cross_entropy).toBe(0);
  });

  it('refuses to merge different kinds of summaries and bad shapes', () => {
    const a = new Accumulator(x, { classes: 2, input: 'probs' });
    expect(() => a.merge(new Accumulator(x, { classes: 3, input: 'probs' }))).toThrow(TypeError);
    expect(() => a.merge(new Accumulator(x, { classes: 2, input: 'logits' }))).toThrow(TypeError);
    expect(() => a.merge(new Accumulator(x, { classes: 2, input: 'probs', base: 2 }))).toThrow(TypeError);
    expect(() => a.add(Float64Array.of(0), Float64Array.of(1, 0, 0), 0)).toThrow(TypeError);
    expect(() => new Accumulator(x, { classes: 0, input: 'probs' })).toThrow(RangeError);
    expect(() => new Accumulator(x, { classes: 2, input: 'probs', base: 1 })).toThrow(RangeError);
  });

  it('reports NaN means and no worst row before any rows', () => {
    const s = new Accumulator(x, { classes: 2, input: 'probs' }).result();
    expect(s.rows).toBe(0);
    expect(s.mean_cross_entropy).toBeNaN();
    expect(s.sum_cross_entropy).toBe(0);
    expect(s.max_cross_entropy_row).toBe(-1);
  });
});

describe('jsonNumber', () => {
  it.each([
    [1.5, 1.5],
    [Infinity, 'Infinity'],
    [-Infinity, '-Infinity'],
    [NaN, 'NaN'],
  ])('%d ↔ %j', (value, json) => {
    expect(jsonNumber(value)).toBe(json);
    expect(fromJsonNumber(jsonNumber(value))).toBe(value);
  });

  it('rejects other strings', () => {
    expect(() => fromJsonNumber('inf' as never)).toThrow(TypeError);
  });
});
