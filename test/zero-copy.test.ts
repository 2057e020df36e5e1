/**
 * Zero-copy arrays (alloc/free): kernels read them in place with the same results as ordinary
 * arrays; freed blocks are reused (no growth over many cycles); misuse is a TypeError.
 */
import { describe, expect, it } from 'vitest';
import { js, load } from '../src/index.js';
import { backends, expectClose, rng } from './helpers.js';

describe.each(backends)('%s backend: alloc / free', (_name, x) => {
  it('gives arrays the functions read with the results of ordinary arrays', () => {
    const n = 3_000;
    const k = 10;
    const r = rng(7);
    const z = x.alloc(Float32Array, n * k);
    const z64 = x.alloc(Float64Array, n * k);
    expect(z).toBeInstanceOf(Float32Array);
    expect(z.length).toBe(n * k);
    for (let i = 0; i < z.length; i++) z64[i] = z[i] = (r() - 0.5) * 30;
    const labels = Int32Array.from({ length: n }, (_, i) => (i * 3) % k);
    const plain = Float32Array.from(z);
    expectClose(
      x.softmaxCrossEntropy(labels, z, { classes: k }),
      js.softmaxCrossEntropy(labels, plain, { classes: k }),
      'float32',
      'f32 in place',
    );
    expectClose(
      x.softmaxCrossEntropy(labels, z64, { classes: k }),
      js.softmaxCrossEntropy(labels, Float64Array.from(z64), { classes: k }),
      'float64',
      'f64 in place',
    );
    const probs = x.alloc(Float32Array, n * k);
    probs.set(x.softmax(z, { classes: k }) as Float32Array);
    expectClose(
      x.crossEntropy(labels, probs, { classes: k }),
      js.crossEntropy(labels, Float32Array.from(probs), { classes: k }),
      'float32',
      'f32 probabilities in place',
    );
    x.free(probs);
    const p = x.softmax(z64, { classes: k }) as Float64Array;
    z64.set(p);
    expectClose(x.entropy(z64, { classes: k }), js.entropy(p, { classes: k }), 'float64', 'entropy in place');
    x.free(z);
    x.free(z64);
  });

  it("writes per-row results into an alloc'd float32 `out`, validated (staged) or not (in place), across chunks", () => {
    const n = 300_000; // several chunks on both backends
    const k = 3;
    const r = rng(11);
    const q = x.alloc(Float32Array, n * k);
    const labels = x.alloc(Int32Array, n);
    const out = x.alloc(Float32Array, n);
    for (let i = 0; i < n; i++) {
      const a = r() + 0.01,
        b = r() + 0.01,
        c = r() + 0.01,
        s = a + b + c;
      [q[3 * i], q[3 * i + 1], q[3 * i + 2]] = [a / s, b / s, c / s];
      labels[i] = i % k;
    }
    const want = js.crossEntropy(Int32Array.from(labels), Float32Array.from(q), { classes: k }) as Float32Array;
    for (const validate of [true, false]) {
      out.fill(-1);
      expect(x.crossEntropy(labels, q, { classes: k, out, validate })).toBe(out);
      expectClose(out, want, 'float32', `validate: ${validate}`);
    }
    x.free(q);
    x.free(labels);
    x.free(out);
  });

  it('reuses freed blocks: 10 000 alloc/free cycles of mixed sizes keep memory flat', () => {
    const warm = x.alloc(Float64Array, 100_000);
    x.free(warm);
    const before = x.memoryBytes;
    for (let i = 0; i < 10_000; i++) {
      const a = x.alloc(Float32Array, 1 + ((i * 7919) % 50_000));
      const b = x.alloc(Float64Array, 1 + ((i * 104_729) % 10_000));
      x.free(a);
      x.free(b);
    }
    expect(x.memoryBytes).toBe(before);
  });

  it('rejects arrays it did not allocate and double frees', () => {
    expect(() => x.free(new Float64Array(4))).toThrow(TypeError);
    const a = x.alloc(Float64Array, 4);
    x.free(a);
    expect(() => x.free(a)).toThrow(/not a live array/);
    expect(() => x.alloc(Float64Array, -1)).toThrow(RangeError);
  });
});

describe('wasm alloc and memory growth', () => {
  it('reserve() lets several arrays be allocated one after another without detaching', async () => {
    const x = await load({ backend: 'wasm' });
    const n = 3_000_000;
    x.reserve(2 * n * 4 + 64);
    const before = x.memoryBytes;
    const a = x.alloc(Float32Array, n);
    const b = x.alloc(Float32Array, n);
    expect(x.memoryBytes).toBe(before);
    expect(a.length).toBe(n); // still attached
    a.fill(0.5);
    b.fill(0.25);
    expect(x.informationContent(a, { reduction: 'mean' })).toBeCloseTo(Math.LN2, 6);
    expect(x.informationContent(b, { reduction: 'mean' })).toBeCloseTo(2 * Math.LN2, 6);
    x.free(a);
    x.free(b);
    expect(() => x.reserve(-1)).toThrow(RangeError);
  });

  it('frees an array detached by a later alloc that grew memory, and keeps computing right', async () => {
    const x = await load({ backend: 'wasm' });
    const small = x.alloc(Float64Array, 8);
    const before = x.memoryBytes;
    const big = x.alloc(Float64Array, x.memoryBytes / 8 + 1_000_000); // larger than memory: it must grow
    expect(x.memoryBytes).toBeGreaterThan(before);
    expect(small.length).toBe(0); // detached by the growth, as documented
    x.free(small);
    big.fill(0.25);
    expect(x.informationContent(big, { reduction: 'mean' })).toBeCloseTo(Math.log(4), 12);
    x.free(big);
  });
});

describe('wasm backend: a view over the scratch area itself', () => {
  it('is refused with a TypeError before anything is written, and the instance works on', async () => {
    const x = await load({ backend: 'wasm' });
    const probe = x.alloc(Float64Array, 1); // any zero-copy array gives the memory's buffer
    const buffer = probe.buffer;
    x.free(probe);
    // The scratch starts below 64 KiB and holds four 2 MiB regions: 2 MiB + 64 KiB lies inside.
    const at = (2 << 20) + (64 << 10);
    const all = new Float64Array(buffer);
    const saved = all.slice(at / 8, at / 8 + 4);
    const p = new Float64Array(buffer, at, 4);
    p.set([0.25, 0.75, 0.5, 0.5]);
    const q = Float64Array.of(0.5, 0.5, 0.1, 0.9);
    const out = new Float64Array(2).fill(7);
    expect(() => x.crossEntropy(p, q, { classes: 2, out })).toThrow(/overlaps xentropy's scratch area/);
    expect(() => x.crossEntropy(Int32Array.of(0, 1), new Float32Array(buffer, at, 4), { classes: 2 })).toThrow(
      TypeError,
    );
    expect(Array.from(out)).toEqual([7, 7]);
    all.set(saved, at / 8);
    const fine = Float64Array.of(0.25, 0.75, 0.5, 0.5);
    expectClose(
      x.crossEntropy(fine, q, { classes: 2 }),
      js.crossEntropy(fine, q, { classes: 2 }),
      'float64',
      'next call',
    );
  });
});
