import type { Histogram } from './protocol.js';

/** About this many bins: enough to show a shape, few enough to read. */
const TARGET_BINS = 40;

/**
 * Counts values in equal bins from 0 to `top` (or to the largest finite value), with a round
 * step (1, 2 or 5 × 10^n) so the axis reads well. Values are ≥ 0 here (cross-entropy, entropy).
 *
 * @example
 * const h = histogram(Float64Array.of(0.1, 0.3, Infinity), 3);
 * h.bins.length; // 30 bins of width 0.01 (0.3 / 40 = 0.0075, rounded up to 0.01)
 * h.nonFinite;   // 1
 */
export function histogram(values: Float64Array, rows: number, top?: number): Histogram {
  let max = 0;
  let nonFinite = 0;
  for (let i = 0; i < rows; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) nonFinite++;
    else if (v > max) max = v;
  }
  const hi = top !== undefined && top > 0 ? top : max;
  const step = niceStep(hi > 0 ? hi / TARGET_BINS : 1);
  // The top value itself goes in the last bin.
  const n = Math.max(1, Math.ceil(hi / step));
  const counts = new Float64Array(n);
  for (let i = 0; i < rows; i++) {
    const v = values[i];
    if (Number.isFinite(v)) counts[Math.min(n - 1, Math.floor(v / step))]++;
  }
  return { bins: Array.from(counts, (count, b) => ({ x0: b * step, x1: (b + 1) * step, count })), nonFinite };
}

/** The smallest of 1, 2, 5 × 10^n that is ≥ x. */
export function niceStep(x: number): number {
  const power = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 5, 10]) if (m * power >= x * (1 - 1e-12)) return m * power;
  return 10 * power;
}
