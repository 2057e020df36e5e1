// Seeded inputs for the workloads: the same bytes on every run, built before any timing.

/** mulberry32, shared with the tests: a small seeded PRNG, uniform in [0, 1). */
import { rng } from '../test/support/rng.mjs';

export { rng };

/** Normal(0, sd) values (Box–Muller) into a new array of the given kind. */
export function normals(Kind, count, sd, seed) {
  const u = rng(seed);
  const out = new Kind(count);
  for (let i = 0; i < count; i += 2) {
    const r = sd * Math.sqrt(-2 * Math.log(1 - u()));
    const t = 2 * Math.PI * u();
    out[i] = r * Math.cos(t);
    if (i + 1 < count) out[i + 1] = r * Math.sin(t);
  }
  return out;
}

/** n class indices uniform in [0, k). */
export function labels(n, k, seed) {
  const u = rng(seed);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(u() * k);
  return out;
}

/** n rows of k probabilities (softmax of Normal(0, sd) logits, computed in float64), all > 0. */
export function distributions(Kind, n, k, sd, seed) {
  const z = normals(Float64Array, n * k, sd, seed);
  const out = new Kind(n * k);
  for (let i = 0; i < n; i++) {
    const o = i * k;
    let max = -Infinity;
    for (let j = 0; j < k; j++) max = Math.max(max, z[o + j]);
    let sum = 0;
    for (let j = 0; j < k; j++) sum += z[o + j] = Math.exp(z[o + j] - max);
    for (let j = 0; j < k; j++) out[o + j] = z[o + j] / sum;
  }
  return out;
}

/** count values in (0, 1]: 1 - u, u uniform in [0, 1). */
export function unitInterval(count, seed) {
  const u = rng(seed);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = 1 - u();
  return out;
}
