/**
 * The fused binary scoring kernel (assembly/score_binary.ts ↔ src/js/score_binary.ts) behind the
 * binary and multilabel tasks: element for element the numbers of the library functions it fuses
 * (sigmoidCrossEntropy / binaryCrossEntropy, binaryEntropy of min(p, 1 − p)), σ(z) and the
 * decision; the two backends agree (fast-check); chunk boundaries change nothing; the flag names
 * bad labels and scores, and the caller's labels are never modified.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Accumulator, js } from '../src/index.js';
import { scoreBinary } from '../src/score-binary.js';
import { backends, rng, wasm } from './helpers.js';

fc.configureGlobal({ seed: 20261202, numRuns: 150 });

const BASES = [Math.E, 2, 10];

/** Bits equal (NaN equals NaN), else the two numbers. */
function sameBits(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  expect(a.length, what).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i])) expect([i, a[i]], `${what} at ${i}`).toEqual([i, b[i]]);
  }
}

/** |a − b| ≤ 1e-15·|b| (a few ulps: musl's and V8's log/log1p/exp may differ in the last bit). */
function close(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  expect(a.length, what).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    if (Object.is(a[i], b[i])) continue;
    const ok = Math.abs(a[i] - b[i]) <= 1e-15 * Math.abs(b[i]);
    if (!ok) expect([i, a[i]], `${what} at ${i}`).toEqual([i, b[i]]);
  }
}

const logit = fc.oneof(
  { weight: 6, arbitrary: fc.double({ min: -40, max: 40, noNaN: true }) },
  { weight: 2, arbitrary: fc.double({ min: -3e38, max: 3e38, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -0, -Infinity, 1e-300, -1e-300, 36.7, -36.7, 745, -745, 710) },
);
const probability = fc.oneof(
  { weight: 6, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(0, 1, 0.5, 1e-300, 1 - 2 ** -53, 2 ** -1074, 0.5 - 2 ** -54) },
);
const cases = fc.oneof(
  fc.record({ logits: fc.constant(true), scores: fc.array(logit, { minLength: 1, maxLength: 60 }) }),
  fc.record({ logits: fc.constant(false), scores: fc.array(probability, { minLength: 1, maxLength: 60 }) }),
);

describe('scoreBinary, the fused binary kernel', () => {
  it('equals the library functions it fuses, to the bit, on each backend; the backends agree within 1e-15', () => {
    fc.assert(
      fc.property(
        cases,
        fc.array(fc.boolean(), { minLength: 60, maxLength: 60 }),
        fc.constantFrom(...BASES),
        fc.boolean(),
        ({ logits, scores }, bits, base, f32) => {
          const n = scores.length;
          const labels = Float64Array.from({ length: n }, (_, i) => (bits[i] ? 1 : 0));
          const z = f32 ? Float32Array.from(scores) : Float64Array.from(scores);
          const z64 = Float64Array.from(z);
          const results = backends.map(([name, x]) => {
            const copy = labels.slice();
            const scored = scoreBinary(x, labels, z, logits, base);
            // probability and predicted live in scratch the next call reuses: kept as copies.
            const got = { ...scored, probability: scored.probability.slice(), predicted: scored.predicted.slice() };
            expect(labels, 'labels untouched').toEqual(copy);
            expect(got.flagged, name).toBe(false);
            const loss = logits
              ? x.sigmoidCrossEntropy(labels, z64, { base })
              : x.binaryCrossEntropy(labels, z64, { base });
            sameBits(got.crossEntropy, loss as Float64Array, `${name} cross-entropy`);
            const small = got.probability.map((p, i) => (logits ? (z64[i] >= 0 ? 1 - p : p) : p));
            // For logits the kernel's smaller side is e/(1+e) itself, not 1 − σ(z): compare the
            // entropy with binaryEntropy of that value.
            const side = logits
              ? z64.map((v) => {
                  const e = Math.exp(-Math.abs(v));
                  return e / (1 + e);
                })
              : small;
            close(got.entropy, x.binaryEntropy(side, { base }) as Float64Array, `${name} entropy`);
            for (let i = 0; i < n; i++) {
              const v = z64[i];
              const p = logits ? 1 / (1 + Math.exp(-v)) : v;
              expect(Math.abs(got.probability[i] - p), `${name} p at ${i}`).toBeLessThanOrEqual(6e-16 * p + 1e-300);
              expect(got.predicted[i], `${name} decision at ${i}`).toBe((logits ? v >= 0 : v >= 0.5) ? 1 : 0);
            }
            return got;
          });
          const [a, b] = results;
          close(a.crossEntropy, b.crossEntropy, 'cross-entropy, wasm against js');
          close(a.entropy, b.entropy, 'entropy, wasm against js');
          close(a.probability, b.probability, 'p, wasm against js');
          sameBits(a.predicted, b.predicted, 'decisions, wasm against js');
        },
      ),
    );
  });

  it.each(backends)('%s: chunk boundaries (2^18 values per wasm chunk, 2^16 on js) change nothing', (_name, x) => {
    const r = rng(7);
    const n = (1 << 18) + 1234;
    const z = Float64Array.from({ length: n }, () => (r() - 0.5) * 30);
    const labels = Float64Array.from({ length: n }, () => (r() < 0.4 ? 1 : 0));
    const copied = (r: ReturnType<typeof scoreBinary>) => ({
      ...r,
      probability: r.probability.slice(),
      predicted: r.predicted.slice(),
    });
    const whole = copied(scoreBinary(x, labels, z, true, 2));
    const cut = 100_003;
    const head = copied(scoreBinary(x, labels.subarray(0, cut), z.subarray(0, cut), true, 2));
    const tail = copied(scoreBinary(x, labels.subarray(cut), z.subarray(cut), true, 2));
    for (const key of ['crossEntropy', 'entropy', 'probability', 'predicted'] as const) {
      sameBits(whole[key].subarray(0, cut), head[key], key);
      sameBits(whole[key].subarray(cut), tail[key], key);
    }
  });

  it.each(backends)(
    '%s: flags a label other than 0/1, a NaN or +Infinity logit, a probability outside [0, 1]',
    (_name, x) => {
      const ok = Float64Array.of(0, 1, 1);
      expect(scoreBinary(x, ok, Float64Array.of(-3, 0, 2), true, Math.E).flagged).toBe(false);
      expect(scoreBinary(x, Float64Array.of(0, 2, 1), Float64Array.of(-3, 0, 2), true, Math.E).flagged).toBe(true);
      expect(scoreBinary(x, Float64Array.of(0, 0.5, 1), Float64Array.of(0.1, 0.2, 0.3), false, Math.E).flagged).toBe(
        true,
      );
      expect(scoreBinary(x, ok, Float64Array.of(-3, Number.NaN, 2), true, Math.E).flagged).toBe(true);
      expect(scoreBinary(x, ok, Float64Array.of(-3, Infinity, 2), true, Math.E).flagged).toBe(true);
      expect(scoreBinary(x, ok, Float64Array.of(-Infinity, 0, 2), true, Math.E).flagged).toBe(false);
      expect(scoreBinary(x, ok, Float64Array.of(0.2, 1.0000001, 0.3), false, Math.E).flagged).toBe(true);
      expect(scoreBinary(x, ok, Float32Array.of(0.2, -0.5, 0.3), false, Math.E).flagged).toBe(true);
    },
  );
});

describe('the accumulator on the fused kernel', () => {
  it('binary and multilabel summaries agree across backends, and bad input is refused naming the row, nothing added', () => {
    const r = rng(11);
    const n = 5000;
    const z = Float64Array.from({ length: n * 3 }, () => (r() - 0.5) * 12);
    const y = Float64Array.from({ length: n * 3 }, () => (r() < 0.3 ? 1 : 0));
    const w = Float64Array.from({ length: n }, () => Math.floor(r() * 4));
    for (const options of [
      { task: 'binary' as const, classes: 1, input: 'logits' as const, perClass: true, confusion: true },
      { task: 'binary' as const, classes: 1, input: 'logits' as const, threshold: 0.8 },
      { task: 'multilabel' as const, classes: 3, input: 'logits' as const, perClass: true, base: 2 },
    ]) {
      const k = options.classes;
      const summaries = [wasm, js].map((x) => {
        const acc = new Accumulator(x, options);
        if (k === 1) acc.add(y.subarray(0, n), z.subarray(0, n), 0, { weights: w });
        else acc.add(new Float64Array(0), z, 0, { targets: y, weights: w });
        return acc.result();
      });
      const [a, b] = summaries;
      expect(a.rows).toBe(n);
      expect(a.confusion).toEqual(b.confusion);
      for (const key of ['mean_cross_entropy', 'mean_entropy', 'accuracy', 'brier', 'ece'] as const) {
        expect(Math.abs(a[key] - b[key]), key).toBeLessThanOrEqual(1e-14 * Math.abs(b[key]));
      }
      // The threshold moves decisions: accuracy is the fraction of p ≥ T matching the label.
      if ('threshold' in options) {
        let right = 0;
        let total = 0;
        for (let i = 0; i < n; i++) {
          const p = 1 / (1 + Math.exp(-z[i]));
          if (w[i] > 0) {
            total += w[i];
            if ((p >= 0.8 ? 1 : 0) === y[i]) right += w[i];
          }
        }
        expect(a.accuracy).toBeCloseTo(right / total, 14);
      }
    }
    for (const x of [wasm, js]) {
      const acc = new Accumulator(x, { task: 'binary', classes: 1, input: 'probs' });
      const before = JSON.stringify(acc);
      expect(() => acc.add(Float64Array.of(0, 1, 1), Float64Array.of(0.2, 1.5, 0.3), 0)).toThrow(
        /row 1: probability 1.5 is not in \[0, 1\]/,
      );
      expect(() => acc.add(Float64Array.of(0, 1, 3), Float64Array.of(0.2, 0.5, 0.3), 0)).toThrow(/row 2: label 3/);
      expect(JSON.stringify(acc)).toBe(before);
      const multi = new Accumulator(x, { task: 'multilabel', classes: 2, input: 'logits' });
      expect(() =>
        multi.add(new Float64Array(0), Float64Array.of(0, 1, Number.NaN, 2), 0, { targets: [0, 1, 1, 0] }),
      ).toThrow(/row 1, label 0: logit NaN/);
    }
  });
});
