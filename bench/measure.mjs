// Checking one implementation's result against the reference, and timing it with tinybench.
import { Bench } from 'tinybench';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';

// A full collection before each task, so one task's garbage is not collected in the next's timing.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');

/** Results land here so that no call can be skipped as unused. */
export const sink = { value: null, count: 0 };

/** Largest deviation of `got` from `want`, relative to max(|want|, 1): relative for large values, absolute near 0. */
export function deviation(got, want) {
  const g = typeof got === 'number' ? [got] : got;
  const w = typeof want === 'number' ? [want] : want;
  if (!g || typeof g.length !== 'number') return { ok: false, detail: `result is ${typeof got}` };
  if (g.length !== w.length) return { ok: false, detail: `${g.length} values, expected ${w.length}` };
  let max = 0;
  let at = -1;
  for (let i = 0; i < w.length; i++) {
    const d = Math.abs(g[i] - w[i]) / Math.max(Math.abs(w[i]), 1);
    if (!(d <= max)) {
      if (Number.isNaN(d)) return { ok: false, detail: `value ${i} is ${g[i]}, expected ${w[i]}` };
      max = d;
      at = i;
    }
  }
  return { ok: true, max, at, got: g[at], want: w[at] };
}

/**
 * Allowed deviation from the float64 naive loop: float64 arithmetic 1e-12; float64 arithmetic on
 * float32 inputs, rounded to float32 on output, 1e-6; float32 arithmetic (TF.js, onnxruntime on
 * f32 workloads) 1e-4.
 */
export function tolerance(computes, dtype) {
  if (computes === 'f32') return 1e-4;
  return dtype === 'f32' ? 1e-6 : 1e-12;
}

/** Rounds per workload: the implementations are timed in turn, round after round, so that a burst of load on a shared machine falls on all of them. */
export const ROUNDS = 3;

/**
 * tinybench settings for one round, from the workload and the duration of the untimed calls:
 * ≥ 500 ms and 4 samples per round (≥ 12 over the rounds, usually many more); 2 per round for
 * calls over 250 ms (a slow peer) and 1 for the 10⁸-element stream (W6), warmed up in the first
 * round only. Quick mode (smoke test): 1 round of 2 samples.
 */
export function settings(w, untimedMs, round, quick) {
  if (quick) return { time: 100, iterations: 2, warmupTime: 0, warmupIterations: 1 };
  const warm = round === 0;
  if (w.slow) return { time: 0, iterations: 1, warmup: warm, warmupTime: 0, warmupIterations: 1 };
  if (untimedMs > 250) return { time: 0, iterations: 2, warmup: warm, warmupTime: 0, warmupIterations: 1 };
  return { time: 500, iterations: 4, warmupTime: 100, warmupIterations: 2 };
}

/**
 * Times `run` (sync or async) in its own tinybench Bench: warmup, then samples until both the time
 * budget and the minimum iteration count are reached. `before` runs once per phase, untimed.
 * Returns tinybench's latency samples (ms) and its median for this round.
 */
export async function time(name, run, isAsync, before, opts) {
  const bench = new Bench({ ...opts, retainSamples: true, throws: false });
  const fn = isAsync
    ? async () => {
        sink.value = await run();
        sink.count++;
      }
    : () => {
        sink.value = run();
        sink.count++;
      };
  bench.add(name, fn, {
    async beforeAll() {
      gc();
      if (before) await before();
    },
  });
  await bench.run();
  const r = bench.tasks[0].result;
  if (r.state === 'errored') return { error: String(r.error?.message ?? r.error) };
  return { samples: [...r.latency.samples], p50: r.latency.p50 };
}

/** Median (linear interpolation between order statistics, as tinybench's p50), min and max of pooled samples. */
export function summarize(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const h = (s.length - 1) / 2;
  const median = s[Math.floor(h)] + (s[Math.ceil(h)] - s[Math.floor(h)]) * (h - Math.floor(h));
  return { median, min: s[0], max: s[s.length - 1], samples: s.length };
}
