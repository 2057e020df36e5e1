/**
 * The small-input fast paths (src/fast-path.ts: one chunk without the chunk loop, index-loop
 * copies below `smallCopy` values) give exactly the numbers of the general path: every call is
 * made twice, fast paths on and off, on both backends, over sizes around each threshold
 * (smallCopy values; the one-chunk limit of capacity / k rows on each backend).
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { Xentropy } from '../src/index.js';
import { fastPath } from '../src/fast-path.js';
import { backends, rng } from './helpers.js';

const defaults = { ...fastPath };
afterEach(() => Object.assign(fastPath, defaults));

/** f() with the fast paths on, then off; both results (numbers or arrays, copied). */
function both<T>(f: () => T): [T, T] {
  const copy = (v: T): T => (ArrayBuffer.isView(v) ? (Array.from(v as unknown as ArrayLike<number>) as T) : v);
  Object.assign(fastPath, defaults);
  const fast = copy(f());
  Object.assign(fastPath, { smallCalls: false, oneChunk: false, smallCopy: 0 });
  const general = copy(f());
  Object.assign(fastPath, defaults);
  return [fast, general];
}

/** Same numbers, bit for bit (NaN equals NaN, +0 is not -0). */
function expectSame(fast: unknown, general: unknown, what: string): void {
  const flat = (v: unknown): unknown[] => (typeof v === 'number' ? [v] : Array.from(v as ArrayLike<unknown>));
  const a = flat(fast);
  const b = flat(general);
  expect(a.length, what).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i])) expect.fail(`${what} [${i}]: fast path ${String(a[i])}, general path ${String(b[i])}`);
  }
}

/** n·k values: probabilities (some exactly 0), rows normalised, as float64 or float32. */
function probabilities(n: number, k: number, seed: number, f32: boolean): Float64Array | Float32Array {
  const u = rng(seed);
  const out = f32 ? new Float32Array(n * k) : new Float64Array(n * k);
  for (let r = 0; r < n; r++) {
    let s = 0;
    const row: number[] = [];
    for (let j = 0; j < k; j++) {
      const v = u() < 0.1 ? 0 : u();
      row.push(v);
      s += v;
    }
    for (let j = 0; j < k; j++) out[r * k + j] = s > 0 ? row[j] / s : 1 / k;
  }
  return out;
}

function logits(n: number, k: number, seed: number, f32: boolean): Float64Array | Float32Array {
  const u = rng(seed);
  const out = f32 ? new Float32Array(n * k) : new Float64Array(n * k);
  for (let i = 0; i < out.length; i++) out[i] = 8 * (u() - 0.5);
  return out;
}

function labels(n: number, k: number, seed: number): Int32Array {
  const u = rng(seed);
  return Int32Array.from({ length: n }, () => Math.floor(u() * k));
}

const reductions = ['none', 'sum', 'mean'] as const;

/** Every batch call of the fast paths' families on rows n × k. */
function batchCalls(
  x: Xentropy,
  n: number,
  k: number,
  seed: number,
  f32: boolean,
  reduction: (typeof reductions)[number],
) {
  const q = probabilities(n, k, seed, f32);
  const p = probabilities(n, k, seed + 1, false);
  const z = logits(n, k, seed + 2, f32);
  const y = labels(n, k, seed + 3);
  const o = { classes: k, reduction };
  return {
    entropy: () => x.entropy(q, o),
    'crossEntropy (indices)': () => x.crossEntropy(y, q, o),
    'crossEntropy (dense)': () => x.crossEntropy(p, q, o),
    klDivergence: () => x.klDivergence(p, q, o),
    'softmaxCrossEntropy (indices)': () => x.softmaxCrossEntropy(y, z, o),
    'softmaxCrossEntropy (dense, weights, smoothing)': () =>
      x.softmaxCrossEntropy(p, z, {
        ...o,
        weights: Array.from({ length: k }, (_, j) => 1 + (j % 3)),
        labelSmoothing: 0.1,
      }),
    informationContent: () => x.informationContent(q, { reduction }),
    binaryCrossEntropy: () => x.binaryCrossEntropy(p, q, { reduction }),
    softmax: () => x.softmax(z, { classes: k }),
  };
}

describe.each(backends)("fast paths on %s give the general path's numbers", (_name, x) => {
  it('over small batches around the index-copy threshold (float64 and float32, every reduction)', () => {
    const around = fastPath.smallCopy;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: around + 8 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer(),
        fc.boolean(),
        fc.constantFrom(...reductions),
        (values, k, seed, f32, reduction) => {
          const n = Math.max(1, Math.round(values / k));
          for (const [what, call] of Object.entries(batchCalls(x, n, k, seed, f32, reduction))) {
            const [fast, general] = both(call);
            expectSame(fast, general, `${what} ${n}×${k} ${f32 ? 'f32' : 'f64'} ${reduction}`);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('on single distributions and numbers as users pass them (number[], a class index)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer(), (k, seed) => {
        const q = Array.from(probabilities(1, k, seed, false));
        const p = Array.from(probabilities(1, k, seed + 1, false));
        const z = Array.from(logits(1, k, seed + 2, false));
        const y = Math.abs(seed) % k;
        const calls: Record<string, () => unknown> = {
          entropy: () => x.entropy(q),
          'crossEntropy (index)': () => x.crossEntropy(y, q),
          'crossEntropy (base 2)': () => x.crossEntropy(p, q, { base: 2 }),
          klDivergence: () => x.klDivergence(p, q),
          softmaxCrossEntropy: () => x.softmaxCrossEntropy(y, z),
          logSoftmax: () => x.logSoftmax(z),
          informationContent: () => x.informationContent(q[0]),
          sigmoidCrossEntropy: () => x.sigmoidCrossEntropy(p[0], z[0]),
        };
        for (const [what, call] of Object.entries(calls)) {
          const [fast, general] = both(call);
          expectSame(fast, general, `${what} k=${k}`);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('around the one-chunk limit (capacity / k rows)', () => {
    const k = 4096;
    // The limit is this backend's capacity / k rows; probe the capacities of both backends.
    for (const limit of [(1 << 16) / k, (1 << 18) / k]) {
      for (const n of [limit - 1, limit, limit + 1]) {
        for (const reduction of reductions) {
          const calls = batchCalls(x, n, k, 7 * n, n % 2 === 0, reduction);
          for (const what of ['entropy', 'crossEntropy (indices)', 'softmaxCrossEntropy (indices)'] as const) {
            const [fast, general] = both(calls[what]);
            expectSame(fast, general, `${what} ${n}×${k} ${reduction}`);
          }
        }
      }
    }
  });

  it('float32 per-row results are the float64 results rounded to nearest (narrowed in wasm above smallCopy rows)', () => {
    for (const n of [fastPath.smallCopy + 1, 1000, Math.floor((1 << 18) / 10) + 3]) {
      const q = probabilities(n, 10, n, true);
      const y = labels(n, 10, n + 1);
      const f32 = x.crossEntropy(y, q, { classes: 10 }) as Float32Array;
      const f64 = x.crossEntropy(y, q, { classes: 10, out: new Float64Array(n) }) as Float64Array;
      expect(f32).toBeInstanceOf(Float32Array);
      expectSame(f32, Float32Array.from(f64), `crossEntropy ${n}×10 float32`);
      const h = x.informationContent(q) as Float32Array;
      expectSame(
        h,
        Float32Array.from(x.informationContent(q, { out: new Float64Array(q.length) }) as Float64Array),
        `informationContent ${q.length}`,
      );
    }
  });

  it('refuses bad values with the same error on both paths', () => {
    for (const q of [
      [0.2, NaN, 0.8],
      [0.5, -0.5, 1],
      [0.5, '0.5' as unknown as number, 0],
    ]) {
      const messages = both(() => {
        try {
          x.crossEntropy(0, q);
          return 'no error';
        } catch (e) {
          return `${(e as Error).constructor.name}: ${(e as Error).message}`;
        }
      });
      expect(messages[0]).toMatch(/crossEntropy: q at index 1/);
      expect(messages[0]).toBe(messages[1]);
    }
  });
});
