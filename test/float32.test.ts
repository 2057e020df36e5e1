/**
 * Float32 logits: the f32x4 kernel keeps API.md's 2e-6 where float32 arithmetic alone would not —
 * losses near 0 whose off-target logit differences are not representable in float32 (their
 * rounding would move e^d by up to |d|·2^-24), and rows whose off-target mass underflows float32.
 * References are closed forms in float64 on the exact float32 inputs (float64 is 10^9 times finer
 * than the bound).
 */
import { describe, it } from 'vitest';
import { backends, expectClose, rng } from './helpers.js';

/** -log softmax(z)_0 in float64 for exact float32 inputs, via log1p of the off-target mass. */
function lossOfFirst(z: Float32Array): number {
  const m = Math.max(...z);
  let rest = 0;
  for (let j = 1; j < z.length; j++) rest += Math.exp(z[j] - m); // z[j] - m is exact in float64
  return m - z[0] + Math.log1p(rest);
}

const rows: [string, number[]][] = [
  // ulp(66) = 7.6e-6: d = z - m rounds by up to 3.8e-6, i.e. e^d moves by up to 3.8e-6 relative.
  ['a difference float32 cannot hold, loss ~2e-29', [66.0001, -3.7e-6]],
  ['the same, rounding the other way', [66.0001, 3.7e-6]],
  ['the same over 7 classes', [65.99, -3.7e-6, 3.6e-6, 1e-7, -3.5e-6, 3.75e-6, -0.5]],
  ['off-target mass at 1e-35 (float64 fallback)', [80.0001, -3.7e-6]],
  ['off-target mass near float32 underflow (2 terms)', [87.4, 0, 0]],
  ['off-target mass below float32 normals', [100.25, 0.125, -3]],
  ['moderate', [2.5, 1.25, -0.75, 0.3333]],
  ['large magnitudes', [10000, 9999.5, 9990]],
];

describe.each(backends)('%s backend: float32 softmax cross-entropy accuracy', (_name, x) => {
  it.each(rows)('%s', (_label, values) => {
    const z = Float32Array.from(values);
    const got = x.softmaxCrossEntropy(Int32Array.of(0), z, { classes: z.length });
    expectClose(got, [lossOfFirst(z)], 'float32', 'loss', values);
  });
});

/**
 * The wasm kernel's fast path works on blocks of 2048 logits and hands a block to the shifted path
 * when a logit leaves [-80, 80], the block spans more than 80, or a target is invalid. References
 * are float64 closed forms on the exact float32 inputs.
 */
describe.each(backends)('%s backend: float32 blocks, fast and shifted', (_name, x) => {
  /** m - z_y + log1p(Σ e^(z_j - m) over every j but one maximal one), in float64. */
  const lossOf = (z: Float32Array, y: number): number => {
    const top = z.indexOf(Math.max(...z));
    let rest = 0;
    for (let j = 0; j < z.length; j++) if (j !== top) rest += Math.exp(z[j] - z[top]);
    return z[top] - z[y] + Math.log1p(rest);
  };
  it.each([1, 3, 10, 33, 1000, 2048, 2049])(
    'k = %i: rows across blocks, ignored rows, weights, out-of-range blocks',
    (k) => {
      const u = rng(k);
      const n = Math.max(9, Math.ceil((5 * 2048) / k) + 3);
      const z = new Float32Array(n * k);
      for (let i = 0; i < z.length; i++) z[i] = (u() - 0.5) * 30;
      // Row 1 leaves the range and row n/2 spans more than 80: their blocks go the shifted way.
      const mid = n >> 1;
      z[k] = 85;
      z[mid * k] = 70;
      if (k > 1) z[mid * k + 1] = -20;
      const y = Int32Array.from({ length: n }, () => Math.floor(u() * k));
      y[2] = -100;
      y[n - 3] = -100;
      const w = Float64Array.from({ length: k }, () => 0.5 + u());
      const expected = Array.from({ length: n }, (_, r) =>
        y[r] === -100 ? 0 : w[y[r]] * lossOf(z.subarray(r * k, (r + 1) * k), y[r]),
      );
      // A call on other logits first: a row the kernel failed to write would keep its stale value.
      x.softmaxCrossEntropy(
        y,
        z.map((v) => -v),
        { classes: k, weights: w, ignoreIndex: -100, reduction: 'none' },
      );
      const got = x.softmaxCrossEntropy(y, z, { classes: k, weights: w, ignoreIndex: -100, reduction: 'none' });
      expectClose(got, expected, 'float32', `k=${k} per row`);
      let total = 0,
        den = 0;
      for (let r = 0; r < n; r++) {
        if (y[r] === -100) continue;
        total += expected[r];
        den += w[y[r]];
      }
      expectClose(
        x.softmaxCrossEntropy(y, z, { classes: k, weights: w, ignoreIndex: -100, reduction: 'mean' }),
        [total / den],
        'float32',
        `k=${k} mean`,
      );
    },
  );
});

/**
 * Cross-entropy over float32 probabilities with class indices: the wasm kernel takes -ln q_y four
 * rows per f32x4 log, and a quad holding a q_y of 0, a subnormal or 1 in float64 instead; blocks of
 * 256 rows end in tails of 1–3. Reference: -w_y·ln q_y in float64 on the exact float32 q_y.
 */
describe.each(backends)('%s backend: float32 cross-entropy with class indices, quads and tails', (_name, x) => {
  it.each([1, 2, 3, 4, 5, 255, 256, 257, 1027])('n = %i', (n) => {
    const k = 3;
    const u = rng(n + 1000);
    const q = new Float32Array(n * k);
    for (let i = 0; i < n; i++) {
      const a = u() + 1e-3,
        b = u() + 1e-3,
        c = u() + 1e-3,
        s = a + b + c;
      [q[3 * i], q[3 * i + 1], q[3 * i + 2]] = [a / s, b / s, c / s];
    }
    const y = Int32Array.from({ length: n }, () => Math.floor(u() * k));
    // Special q_y every few rows: 0 (+Infinity), a float32 subnormal, 1 (a loss of 0); one ignored row.
    for (let r = 2; r < n; r += 7) q[r * k + y[r]] = [0, 1e-40, 1][r % 3];
    if (n > 5) y[5] = -1;
    const w = Float64Array.of(0.5, 2, 1.25);
    const want = Array.from({ length: n }, (_, r) => (y[r] === -1 ? 0 : -w[y[r]] * Math.log(q[r * k + y[r]])));
    x.crossEntropy(
      y,
      q.map((v) => (v === 0 ? 0 : 1 - v)),
      { classes: k, weights: w, ignoreIndex: -1 },
    ); // stale values elsewhere
    expectClose(x.crossEntropy(y, q, { classes: k, weights: w, ignoreIndex: -1 }), want, 'float32', `n=${n}`);
  });
});
