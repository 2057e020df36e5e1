#!/usr/bin/env node
/**
 * `npm run soak`: one call over 2 GiB of input streams through bounded scratch.
 *
 *   node --expose-gc scripts/soak-2gb.mjs            # float64 (2^28 values) and float32 (2^29 values), both backends
 *   node --expose-gc scripts/soak-2gb.mjs f64 wasm   # one dtype, one backend
 *   XENTROPY_LIB=/path/to/index.js …                 # another build (default: dist/index.js)
 *
 * The logits are generated lazily, 2^20 values at a time, from a seeded generator straight into one
 * 2 GiB typed array (never a second copy), with class indices for 2^18 (float64) or 2^19 (float32)
 * rows of 1 024 classes. One softmaxCrossEntropy(..., { reduction: 'mean' }) call reads all of it.
 * Checked: the wasm linear memory does not change (8 MiB of scratch whatever the input), the peak
 * RSS during the call stays within 64 MiB of the RSS before it (the input itself is not copied),
 * and the mean equals the compensated mean of the same rows scored 4 096 at a time, and the other
 * backend's, within API.md's bounds. Exits 1 on a failed check. Figures go to stdout.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';

const lib = process.env.XENTROPY_LIB ?? fileURLToPath(new URL('../dist/index.js', import.meta.url));
const { js, load, CompensatedSum } = await import(pathToFileURL(lib).href);
const wasm = await load({ backend: 'wasm' });
const dtypes = process.argv[2] && process.argv[2] !== 'both' ? [process.argv[2]] : ['f64', 'f32'];
const backends = process.argv[3] && process.argv[3] !== 'both' ? [process.argv[3]] : ['wasm', 'js'];
const K = 1024;
const MiB = 2 ** 20;
const gc = () => globalThis.gc?.();
const rssMiB = () => process.memoryUsage().rss / MiB;
/** Peak RSS since process start (resourceUsage: KiB). */
const peakMiB = () => process.resourceUsage().maxRSS / 1024;

/** Fills a typed array with logits in [-10, 10) chunk by chunk (mulberry32, inlined: 2^29 draws; seeded, so reruns are identical). */
function fillLazily(arr, seed) {
  let a = seed >>> 0;
  const CHUNK = 1 << 20;
  for (let from = 0; from < arr.length; from += CHUNK) {
    const to = Math.min(arr.length, from + CHUNK);
    for (let i = from; i < to; i++) {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      arr[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 20 - 10;
    }
  }
}

let failed = false;
const check = (ok, what) => {
  console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failed = true;
};

for (const dtype of dtypes) {
  const T = dtype === 'f64' ? Float64Array : Float32Array;
  const values = 2 ** 31 / T.BYTES_PER_ELEMENT; // 2 GiB of input
  const n = values / K;
  console.log(
    `\n${dtype}: ${n} rows × ${K} classes = ${values} values, ${(values * T.BYTES_PER_ELEMENT) / 2 ** 30} GiB in one ${T.name}`,
  );
  gc();
  const rssStart = rssMiB();
  let t = Date.now();
  const logits = new T(values);
  fillLazily(logits, 20261125);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) labels[i] = (i * 7919) % K;
  console.log(
    `  generated in ${((Date.now() - t) / 1000).toFixed(1)} s; RSS ${rssStart.toFixed(0)} → ${rssMiB().toFixed(0)} MiB`,
  );

  // Reference: the same rows 4 096 at a time, summed with compensation.
  t = Date.now();
  const ref = new CompensatedSum();
  const STEP = 4096;
  for (let r0 = 0; r0 < n; r0 += STEP) {
    ref.add(
      js.softmaxCrossEntropy(labels.subarray(r0, r0 + STEP), logits.subarray(r0 * K, (r0 + STEP) * K), {
        classes: K,
        reduction: 'sum',
      }),
    );
  }
  const expected = ref.value / n;
  console.log(
    `  reference (js, ${n / STEP} calls of ${STEP} rows): ${expected} in ${((Date.now() - t) / 1000).toFixed(1)} s`,
  );

  const results = {};
  for (const name of backends) {
    const x = name === 'wasm' ? wasm : js;
    gc();
    const before = { linear: x.memoryBytes, rss: rssMiB(), peak: peakMiB() };
    t = Date.now();
    const mean = x.softmaxCrossEntropy(labels, logits, { classes: K, reduction: 'mean' });
    const secs = (Date.now() - t) / 1000;
    const after = { linear: x.memoryBytes, rss: rssMiB(), peak: peakMiB() };
    results[name] = mean;
    console.log(
      `  ${name}: one call, mean ${mean}, ${secs.toFixed(1)} s (${((values * T.BYTES_PER_ELEMENT) / MiB / secs).toFixed(0)} MiB/s)`,
    );
    console.log(
      `    ${name === 'wasm' ? 'linear memory' : 'js scratch'}: ${before.linear} → ${after.linear} bytes; RSS ${before.rss.toFixed(0)} → ${after.rss.toFixed(0)} MiB; peak RSS ${before.peak.toFixed(0)} → ${after.peak.toFixed(0)} MiB`,
    );
    check(after.linear === before.linear, `${name}: backend memory unchanged by a 2 GiB call (${after.linear} bytes)`);
    check(
      after.peak - Math.max(before.peak, before.rss) < 64,
      `${name}: peak RSS grew ${(after.peak - Math.max(before.peak, before.rss)).toFixed(1)} MiB (< 64 MiB: the input is streamed, not copied)`,
    );
    const tol = dtype === 'f64' ? 1e-13 * Math.abs(expected) : 2e-6 * Math.abs(expected);
    check(
      Math.abs(mean - expected) <= tol,
      `${name}: mean within ${tol.toExponential(1)} of the chunked reference (Δ = ${Math.abs(mean - expected).toExponential(2)})`,
    );
  }
  if (results.wasm !== undefined && results.js !== undefined) {
    const tol = dtype === 'f64' ? 2e-13 * Math.abs(results.js) : 4e-6 * Math.abs(results.js);
    check(
      Math.abs(results.wasm - results.js) <= tol,
      `wasm and js agree (Δ = ${Math.abs(results.wasm - results.js).toExponential(2)})`,
    );
  }
}
console.log(failed ? '\nsoak: FAILED' : '\nsoak: passed');
process.exit(failed ? 1 : 0);
