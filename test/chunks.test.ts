/**
 * The chunk planner: batches of chunk − 1, chunk and chunk + 1 rows (and rows longer than the
 * wasm scratch region) give, row for row, what one distribution at a time gives; memory does not
 * grow with calls or input size; a mean over 10⁷ rows keeps ≥ 13 digits.
 */
import { describe, expect, it } from 'vitest';
import { js } from '../src/index.js';
import { backends, expectClose, expectRelative, rng, wasm } from './helpers.js';
import { jsBackend } from '../src/backend/js.js';
import { wasmBase64 } from '../src/wasm.generated.js';

/** Values per scratch region, as each backend declares it (wasm: the module's exported memory map). */
const wasmModule = new WebAssembly.Module(Buffer.from(wasmBase64, 'base64'));
const wasmExports = new WebAssembly.Instance(wasmModule, { env: { abort: () => {} } }).exports;
const CAPACITY = { js: jsBackend.capacity, wasm: (wasmExports.CAPACITY as WebAssembly.Global).value as number };

function logitsOf(n: number, k: number, seed: number): Float64Array {
  const r = rng(seed);
  return Float64Array.from({ length: n * k }, () => (r() - 0.5) * 20);
}

describe.each(backends)('%s backend: chunk edges', (name, x) => {
  const k = 7;
  const chunk = Math.floor(CAPACITY[name as 'js' | 'wasm'] / k);

  it.each([chunk - 1, chunk, chunk + 1, 3 * chunk + 2])('%i rows of 7 match row-at-a-time results', (n) => {
    const z = logitsOf(n, k, n);
    const labels = Int32Array.from({ length: n }, (_, i) => (i * 5) % k);
    const rows = x.softmaxCrossEntropy(labels, z, { classes: k }) as Float64Array;
    const probs = x.softmax(z, { classes: k }) as Float64Array;
    const ent = x.entropy(probs, { classes: k }) as Float64Array;
    // Rows at both sides of every chunk boundary, and a sample elsewhere.
    const check = new Set([0, n - 1]);
    for (let b = chunk; b < n; b += chunk) [b - 1, b, b + 1].forEach((i) => i < n && check.add(i));
    for (const i of check) {
      const row = z.subarray(i * k, (i + 1) * k);
      expectClose(rows[i], x.softmaxCrossEntropy(labels[i], row), 'float64', `softmaxCE row ${i}`);
      expectClose(probs.subarray(i * k, (i + 1) * k), x.softmax(row), 'float64', `softmax row ${i}`);
      expectClose(ent[i], x.entropy(probs.subarray(i * k, (i + 1) * k)), 'float64', `entropy row ${i}`);
    }
    const mean = x.softmaxCrossEntropy(labels, z, { classes: k, reduction: 'mean' }) as number;
    expectClose(mean, js.softmaxCrossEntropy(labels, z, { classes: k, reduction: 'mean' }), 'float64', 'mean vs js');
  });

  it('elementwise inputs spanning chunks match one element at a time', () => {
    const n = CAPACITY[name as 'js' | 'wasm'] + 3;
    const r = rng(9);
    const p = Float64Array.from({ length: n }, () => r());
    const ic = x.informationContent(p) as Float64Array;
    for (const i of [0, n - 4, n - 3, n - 1]) expect(ic[i]).toBe(x.informationContent(p[i]));
  });

  it('handles a row longer than the wasm scratch region (2^18 + 5 classes)', () => {
    const k = CAPACITY.wasm + 5;
    const z = logitsOf(2, k, 4);
    const labels = Int32Array.of(3, k - 1);
    const got = x.softmaxCrossEntropy(labels, z, { classes: k });
    expectClose(got, js.softmaxCrossEntropy(labels, z, { classes: k }), 'float64', 'long rows');
  });

  it('holds memory flat across calls and input sizes', () => {
    const z = logitsOf(50_000, 10, 5);
    const labels = Int32Array.from({ length: 50_000 }, (_, i) => i % 10);
    x.softmaxCrossEntropy(labels, z, { classes: 10 });
    const before = x.memoryBytes;
    for (let i = 0; i < 200; i++)
      x.softmaxCrossEntropy(labels.subarray(0, 100 + i), z.subarray(0, (100 + i) * 10), {
        classes: 10,
        reduction: 'mean',
      });
    x.softmaxCrossEntropy(labels, z, { classes: 10 });
    x.entropy(x.softmax(z, { classes: 10 }), { classes: 10, reduction: 'sum' });
    expect(x.memoryBytes).toBe(before);
  });
});

describe('accuracy of a mean over 10⁷ rows', () => {
  // informationContent(2^-j) = j·ln 2 exactly, so the exact mean is (Σj / n)·ln 2, evaluated
  // here in integer arithmetic with ln 2 to 40 digits (mpmath: 0.6931471805599453094172321214581765680755).
  const LN2_E40 = 6931471805599453094172321214581765680755n;
  const n = 10_000_000;
  const p = new Float64Array(n);
  let sumJ = 0n;
  for (let i = 0; i < n; i++) {
    const j = ((i * 7919) % 1000) + 1 + (i % 3 === 0 ? 0 : 60); // values spread over [2^-1060, 2^-1]
    p[i] = 2 ** -j;
    sumJ += BigInt(j);
  }
  // mean = sumJ·ln2/n, to 25 significant digits, as a float64.
  const scaled = (sumJ * LN2_E40) / BigInt(n); // ln2 × 10^40 units
  const exact = Number(scaled) / 1e40;

  it.each(backends)('%s keeps ≥ 13 correct digits', (_name, x) => {
    const mean = x.informationContent(p, { reduction: 'mean' }) as number;
    expectRelative(mean, exact, { rel: 1e-13 }, 'mean');
    const sum = x.informationContent(p, { reduction: 'sum' }) as number;
    expectRelative(sum / n, exact, { rel: 1e-13 }, 'sum / n');
  });

  it('wasm keeps the same memory after streaming 80 MB through its scratch', () => {
    const before = wasm.memoryBytes;
    wasm.informationContent(p, { reduction: 'sum' });
    expect(wasm.memoryBytes).toBe(before);
  });
});
