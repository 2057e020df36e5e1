/**
 * Properties (fast-check, fixed seed): the wasm and js backends agree within API.md's bounds on
 * generated inputs — zeros, subnormals, 1e-300, ±1e4 and -Infinity logits, k = 1 … 10 000, empty
 * batches — and the identities of information theory hold on both.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { js } from '../src/index.js';
import { backends, bound, expectClose, wasm } from './helpers.js';

fc.configureGlobal({ seed: 20261125, numRuns: 200 });

/** Probability-like entries, weighted toward the hard cases. */
const entry = fc.oneof(
  { weight: 6, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(0, 5e-324, 1e-310, 1e-300, 1e-16, 1 - 2 ** -52, 1) },
);

const logit = fc.oneof(
  { weight: 6, arbitrary: fc.double({ min: -50, max: 50, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(-1e4, 1e4, -Infinity, 0, 700, -745) },
);

/** n rows of k entries, flat, with n in [0, 12] and k in [1, 40]. */
const batchOf = <T>(arb: fc.Arbitrary<T>) =>
  fc.record({ n: fc.integer({ min: 0, max: 12 }), k: fc.integer({ min: 1, max: 40 }) }).chain(({ n, k }) =>
    fc.record({
      n: fc.constant(n),
      k: fc.constant(k),
      values: fc.array(arb, { minLength: n * k, maxLength: n * k }),
    }),
  );

/** Rows rescaled to sum to 1 (entries stay ≤ 1); all-zero rows become uniform. */
function normalizeRows(values: number[], k: number): Float64Array {
  const out = new Float64Array(values.length);
  for (let r = 0; r < values.length / k; r++) {
    let s = 0;
    for (let j = 0; j < k; j++) s += values[r * k + j];
    for (let j = 0; j < k; j++) out[r * k + j] = s > 0 ? Math.min(1, values[r * k + j] / s) : 1 / k;
  }
  return out;
}

const labelsFor = (n: number, k: number, seed: number) => Int32Array.from({ length: n }, (_, i) => (i * 7 + seed) % k);

describe('wasm and js agree within API.md bounds', () => {
  it('on every function over generated batches', () => {
    fc.assert(
      fc.property(batchOf(entry), batchOf(logit), fc.integer({ min: 0, max: 1000 }), (pb, zb, seed) => {
        const { n, k } = pb;
        const p = new Float64Array(pb.values);
        const q = normalizeRows(pb.values.slice().reverse(), k);
        const z = new Float64Array(zb.values);
        const opts = { classes: k };
        const zopts = { classes: zb.k };
        const pairs: [string, (x: typeof js) => unknown][] = [
          ['informationContent', (x) => x.informationContent(p)],
          ['binaryEntropy', (x) => x.binaryEntropy(p)],
          ['entropy', (x) => x.entropy(p, opts)],
          ['entropy normalize', (x) => x.entropy(p, { ...opts, normalize: true })],
          ['crossEntropy dense', (x) => x.crossEntropy(p, q, opts)],
          [
            'crossEntropy index',
            (x) => x.crossEntropy(labelsFor(n, k, seed), q, { ...opts, labelSmoothing: 0.1, eps: 1e-12 }),
          ],
          ['klDivergence', (x) => x.klDivergence(p, q, opts)],
          ['softmax', (x) => x.softmax(z, zopts)],
          ['logSoftmax', (x) => x.logSoftmax(z, zopts)],
          ['softmaxCrossEntropy index', (x) => x.softmaxCrossEntropy(labelsFor(zb.n, zb.k, seed), z, zopts)],
          [
            'softmaxCrossEntropy dense',
            (x) =>
              x.softmaxCrossEntropy(
                normalizeRows(
                  zb.values.map(Math.abs).map((v) => (Number.isFinite(v) ? v : 0)),
                  zb.k,
                ),
                z,
                zopts,
              ),
          ],
          ['binaryCrossEntropy', (x) => x.binaryCrossEntropy(p, q)],
          [
            'sigmoidCrossEntropy',
            (x) =>
              x.sigmoidCrossEntropy(
                normalizeRows(
                  zb.values.map(() => seed / 1000),
                  1,
                ),
                z,
                { posWeight: 2 },
              ),
          ],
        ];
        for (const [what, call] of pairs) expectClose(call(wasm), call(js), 'float64', what, { n, k, seed });
      }),
    );
  });

  it('on float32 inputs, within the float32 bound', () => {
    fc.assert(
      fc.property(batchOf(logit), (zb) => {
        const z = new Float32Array(zb.values);
        const labels = labelsFor(zb.n, zb.k, 3);
        const a = wasm.softmaxCrossEntropy(labels, z, { classes: zb.k }) as Float32Array;
        const b = js.softmaxCrossEntropy(labels, z, { classes: zb.k }) as Float32Array;
        expect(a).toBeInstanceOf(Float32Array);
        expectClose(a, b, 'float32', 'softmaxCrossEntropy f32');
      }),
    );
  });

  it('at k = 10 000', () => {
    fc.assert(
      fc.property(fc.array(logit, { minLength: 20_000, maxLength: 20_000 }), (values) => {
        const z = new Float64Array(values);
        const labels = Int32Array.of(17, 9_999);
        expectClose(
          wasm.softmaxCrossEntropy(labels, z, { classes: 10_000 }),
          js.softmaxCrossEntropy(labels, z, { classes: 10_000 }),
          'float64',
          'k=10000',
        );
        const p = wasm.softmax(z, { classes: 10_000 });
        expectClose(
          wasm.entropy(p, { classes: 10_000 }),
          js.entropy(p, { classes: 10_000 }),
          'float64',
          'entropy k=10000',
        );
      }),
      { numRuns: 10 },
    );
  });
});

describe.each(backends)('%s backend: identities', (_name, x) => {
  const dist = (min: number, max: number) =>
    fc
      .integer({ min, max })
      .chain((k) =>
        fc
          .tuple(fc.array(entry, { minLength: k, maxLength: k }), fc.array(entry, { minLength: k, maxLength: k }))
          .map(([a, b]) => [normalizeRows(a, k), normalizeRows(b, k).map((v) => Math.max(v, 1e-300))] as const),
      );

  /** |a - b| within a bound relative to the magnitudes that were combined. */
  const near = (a: number, b: number, scale: number) => Math.abs(a - b) <= 1e-12 * scale + 1e-15;

  it('KL(p‖q) = H(p,q) − H(p), KL ≥ 0, H(p,q) ≥ H(p), 0 ≤ H(p) ≤ ln k', () => {
    fc.assert(
      fc.property(dist(1, 60), ([p, q]) => {
        const kl = x.klDivergence(p, q, { normalize: true }) as number;
        const h = x.entropy(p, { normalize: true }) as number;
        const ce = x.crossEntropy(p, q, { normalize: true }) as number;
        expect(near(kl, ce - h, ce + h), `KL ${kl} vs H(p,q) - H(p) = ${ce - h}`).toBe(true);
        expect(kl).toBeGreaterThanOrEqual(-1e-15);
        expect(ce - h).toBeGreaterThanOrEqual(-1e-12 * ce - 1e-15);
        expect(h).toBeGreaterThanOrEqual(0);
        expect(h).toBeLessThanOrEqual(Math.log(p.length) * (1 + 1e-13) + 1e-15);
      }),
    );
  });

  it('softmaxCrossEntropy(p, z) = crossEntropy(p, softmax(z))', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -30, max: 30, noNaN: true }), { minLength: 1, maxLength: 50 }),
        fc.nat(),
        (z, seed) => {
          const y = seed % z.length;
          const viaSoftmax = x.crossEntropy(y, x.softmax(z) as number[]) as number;
          const direct = x.softmaxCrossEntropy(y, z) as number;
          expect(near(direct, viaSoftmax, direct), `${direct} vs ${viaSoftmax}`).toBe(true);
        },
      ),
    );
  });

  it('a base-b result is the result in nats / ln b', () => {
    fc.assert(
      fc.property(dist(1, 30), fc.double({ min: 1.01, max: 100, noNaN: true }), ([p, q], b) => {
        for (const f of [
          (o: object) => x.entropy(p, o),
          (o: object) => x.crossEntropy(p, q, o),
          (o: object) => x.klDivergence(p, q, o),
        ]) {
          const nats = f({}) as number;
          const inBase = f({ base: b }) as number;
          expect(Math.abs(inBase - nats / Math.log(b))).toBeLessThanOrEqual(2 * bound(nats / Math.log(b), 'float64'));
        }
      }),
    );
  });

  it('a reduction is the sum (or mean) of its rows', () => {
    fc.assert(
      fc.property(batchOf(logit), (zb) => {
        const labels = labelsFor(zb.n, zb.k, 1);
        const z = new Float64Array(zb.values);
        const rows = Array.from(x.softmaxCrossEntropy(labels, z, { classes: zb.k }) as Float64Array);
        const sum = x.softmaxCrossEntropy(labels, z, { classes: zb.k, reduction: 'sum' }) as number;
        const mean = x.softmaxCrossEntropy(labels, z, { classes: zb.k, reduction: 'mean' }) as number;
        const exact = rows.reduce((a, b) => a + b, 0); // few rows: naive is within the bound
        if (Number.isFinite(exact)) {
          expect(Math.abs(sum - exact)).toBeLessThanOrEqual(bound(exact, 'float64') * Math.max(1, rows.length));
          if (rows.length > 0)
            expect(Math.abs(mean - exact / rows.length)).toBeLessThanOrEqual(
              bound(exact / rows.length, 'float64') * rows.length,
            );
        } else {
          expect(Object.is(sum, exact)).toBe(true);
        }
        if (rows.length === 0) expect(mean).toBeNaN();
      }),
    );
  });
});
