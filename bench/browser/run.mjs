// `npm run bench:browser`: W0, W1a, W1b and W6 in Chromium (playwright-core, /usr/bin/chromium) on
// a cross-origin-isolated page (COOP/COEP from a local server on 127.0.0.1, so that the pool's
// shared memory and onnxruntime-web's threads are available), against onnxruntime-web's wasm
// backend (1 thread, and 2 threads on a second page: its thread count is fixed per page) and
// TF.js's wasm backend (1 thread), with both xentropy builds and createPool on 2 threads (W1a, W1b,
// W6; ordinary and pool.alloc arrays); writes bench/results/browser.md (and browser.json).
//
//   node bench/browser/run.mjs            the full run (≈ 3 minutes on 2 cores)
//   node bench/browser/run.mjs --only W1a  some workloads; results go to bench/results/tmp/
//
// Per workload: inputs built (seeded) in each page, every implementation run once and its result
// checked against the naive loop's, then timed in 3 interleaved rounds (samples pooled).
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const root = path.dirname(benchDir);
const args = process.argv.slice(2);
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? new Set(args[onlyAt + 1].split(',')) : null;

if (!existsSync(path.join(benchDir, 'node_modules', 'onnxruntime-web'))) {
  console.log('bench:browser: installing the benchmark peers (npm ci --prefix bench) …');
  execSync('npm ci --prefix bench', { cwd: root, stdio: 'inherit' });
}
if (!existsSync(path.join(root, 'dist', 'index.js'))) execSync('npm run build', { cwd: root, stdio: 'inherit' });

const { workloads } = await import('../workloads.mjs');
const { deviation, summarize, tolerance } = await import('../measure.mjs');
const models = await import('../peers/onnx-models.mjs');
const { launchChromium } = await import('../../test/browser/chromium.mjs');

/** W0 calls per sample in the browser: performance.now() ticks in 5 µs steps there, so each naive sample must take ≥ ~100 µs. */
const BROWSER_REPS = {
  'W0-ce': 10_000,
  'W0-kl': 5_000,
  'W0-h': 4_000,
  'W0-sce1': 2_000,
  'W0-sce8': 400,
  'W0-sce32': 200,
  'W0-sce256': 40,
};
const ROUNDS = 3;
const ORT1 = 'onnxruntime-web 1 thread';
const ORT2 = 'onnxruntime-web 2 threads';
/** Implementations in timing order, and which page (onnxruntime-web's thread count) runs each. */
const IMPLS = [
  ['naive', 1],
  ['xentropy wasm relaxed', 1],
  ['xentropy wasm plain', 1],
  ['xentropy js', 1],
  ['xentropy pool', 1],
  ['xentropy pool, pool.alloc', 1],
  ['TF.js wasm', 1],
  [ORT1, 1],
  [ORT2, 2],
];
const NAMES = { naive: 'naive JS' };
const COMPUTES = { 'TF.js wasm': 'f32', [ORT1]: 'f32', [ORT2]: 'f32' };

const t = (variant, min, against, note) => ({ variant, min, against, note });
/** The targets of the browser run: the Node bench's W0 targets on the default (relaxed) build, and the issue's FMA targets. */
/** The pool's targets (issue 17): against one thread of the default build, 2 threads on 2 cores. */
const POOL = [
  t('xentropy pool, pool.alloc', 1.5, 'xentropy wasm relaxed', '2 threads'),
  t('xentropy pool', 1.2, 'xentropy wasm relaxed', '2 threads'),
];
const TARGETS = {
  W1a: [t('xentropy wasm relaxed', 4, ORT1), t('xentropy wasm relaxed', 6, 'naive'), ...POOL],
  W1b: [t('xentropy wasm relaxed', 3, ORT1), t('xentropy wasm relaxed', 10, 'naive'), ...POOL],
  W6: POOL,
};
/** W6 (10⁸ logits, seconds a pass): the pool against one thread and onnxruntime-web; the other builds add nothing there. */
const SKIP = { W6: new Set(['xentropy wasm plain', 'xentropy js']) };
for (const w of workloads) {
  if (w.reps)
    TARGETS[w.id] = w.targets.map((x) => ({
      ...x,
      variant: x.variant === 'xentropy wasm' ? 'xentropy wasm relaxed' : x.variant,
    }));
}

// A static server over the repository (read-only, GET only) plus the ONNX graph, cross-origin isolated.
const TYPES = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.map': 'application/json',
};
const generated = {
  '/models/softmaxCrossEntropy-mean.onnx': Buffer.from(models.softmaxCrossEntropy('mean')),
  '/models/softmaxCrossEntropy-sum.onnx': Buffer.from(models.softmaxCrossEntropy('sum')),
};
const server = http.createServer((req, res) => {
  const headers = {
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  };
  const url = new URL(req.url, 'http://127.0.0.1');
  let body = generated[url.pathname];
  let type = 'application/octet-stream';
  if (!body) {
    const file = path.join(root, path.normalize(decodeURIComponent(url.pathname)));
    if (req.method !== 'GET' || !file.startsWith(root + path.sep) || !existsSync(file)) {
      res.writeHead(404, headers).end();
      return;
    }
    try {
      body = readFileSync(file);
    } catch {
      res.writeHead(404, headers).end();
      return;
    }
    type = TYPES[path.extname(file)] ?? type;
  }
  res.writeHead(200, { ...headers, 'Content-Type': type }).end(body);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;

const log = (s) => process.stdout.write(s);
const startedAt = new Date();
const browser = await launchChromium();
const pages = {};
const pageErrors = [];
for (const threads of [1, 2]) {
  const page = await browser.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await page.goto(`${origin}/bench/browser/page.html?threads=${threads}`);
  await page
    .waitForFunction(() => document.title === 'ready' || false, null, { timeout: 60_000 })
    .catch(() => {
      throw new Error(`page (threads=${threads}) did not load: ${pageErrors.join('; ')}`);
    });
  pages[threads] = page;
}
const info = await pages[1].evaluate(() => globalThis.bench.info());
const info2 = await pages[2].evaluate(() => globalThis.bench.info());
log(`Chromium ${browser.version()}, crossOriginIsolated ${info.crossOriginIsolated}\n`);

const results = [];
for (const w of workloads) {
  if (!(w.reps || w.id === 'W1a' || w.id === 'W1b' || w.id === 'W6') || (only && !only.has(w.id))) continue;
  const reps = BROWSER_REPS[w.id];
  log(`\n${w.id}  ${w.title}\n`);
  const rows = [];
  let reference;
  for (const [impl, threads] of IMPLS) {
    if (SKIP[w.id]?.has(impl)) continue;
    const row = { name: NAMES[impl] ?? impl, impl, threads };
    rows.push(row);
    const r = await pages[threads].evaluate(
      ([id, name, n]) => globalThis.bench.prepare(id, name, n),
      [w.id, impl, reps],
    );
    if (r.na || r.error) {
      Object.assign(row, r);
      log(`  ${row.name.padEnd(28)} ${r.na ? `n/a: ${r.na}` : `error: ${r.error}`}\n`);
      continue;
    }
    if (impl === 'naive') {
      reference = r.result;
      row.check = { reference: true };
      continue;
    }
    const tol = tolerance(COMPUTES[impl] ?? 'f64', w.dtype);
    const dev = deviation(r.result, reference);
    row.check = { ...dev, tol };
    if (!dev.ok || dev.max > tol) {
      row.error = `result check failed: ${r.result} vs ${reference}`;
      log(`  ${row.name.padEnd(28)} ${row.error}\n`);
    }
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const row of rows) {
      if (row.na || row.error) continue;
      // W6: a pass takes seconds; the checked run warmed it up, two samples a round.
      const timing = w.slow ? { minMs: 0, minSamples: 2, warmMs: 0, warmRuns: 0 } : {};
      const r = await pages[row.threads].evaluate(([name, o]) => globalThis.bench.time(name, o), [row.impl, timing]);
      (row.pooled ??= []).push(...r.samples);
      (row.roundMedians ??= []).push(summarize(r.samples).median);
    }
  }
  for (const row of rows) {
    if (!row.pooled) continue;
    Object.assign(row, summarize(row.pooled));
    delete row.pooled;
    log(
      `  ${row.name.padEnd(28)} median ${row.median.toPrecision(4).padStart(9)} ms  (${row.samples} samples; per round ${row.roundMedians.map((x) => x.toPrecision(3)).join(', ')})\n`,
    );
  }
  results.push({
    id: w.id,
    title: w.title,
    elements: w.n * w.k,
    dtype: w.dtype,
    reps,
    rows,
    targets: TARGETS[w.id] ?? [],
  });
}
await browser.close();
server.close();

// The report.
const sig = (x, d = 3) => (x >= 10 ** d ? Math.round(x).toLocaleString('en-US') : Number(x.toPrecision(d)).toString());
const ratio = (x) => (x === undefined || !Number.isFinite(x) ? '—' : `${x >= 10 ? x.toFixed(1) : x.toFixed(2)}×`);
const find = (wl, name) =>
  wl.rows.find((r) => r.name === (name === 'naive' ? 'naive JS' : name) && r.median !== undefined);
function evaluate(wl) {
  return wl.targets.map((x) => {
    const row = find(wl, x.variant);
    const base = find(wl, x.against);
    const text = `${x.variant} ≥ ${sig(x.min, 2)}× ${x.against === 'naive' ? 'naive' : x.against}${x.note ? ` (${x.note})` : ''}`;
    if (!row || !base) return { ...x, text };
    const r = base.median / row.median;
    return { ...x, text, ratio: r, met: r >= x.min };
  });
}
const machine = {
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
  chromium: browser.version(),
  node: process.version,
  loadAverage: os.loadavg(),
  date: startedAt.toISOString(),
  durationS: (Date.now() - startedAt.getTime()) / 1000,
  crossOriginIsolated: info.crossOriginIsolated && info2.crossOriginIsolated,
  ort: info.ort,
  tf: info.tf,
};
const out = ['# xentropy in the browser', ''];
out.push(
  `Generated by \`npm run bench:browser\` (bench/browser/run.mjs) on ${machine.date.slice(0, 16).replace('T', ' ')} UTC, in ${Math.round(machine.durationS)} s.`,
  '',
);
out.push(
  `- Machine: ${machine.cpu}, ${machine.cores} cores; load average at end ${machine.loadAverage.map((x) => x.toFixed(2)).join(' / ')}. Chromium ${machine.chromium} (headless, playwright-core), page cross-origin isolated: ${machine.crossOriginIsolated}.`,
);
out.push(
  `- Peers: onnxruntime-web ${machine.ort} (wasm backend; 1 thread, and 2 threads on a second page), TF.js ${machine.tf} wasm backend (1 thread). xentropy: the relaxed-SIMD build (Chromium's default: \`load()\` picks it) and the SIMD build (\`load({ simd: 'plain' })\`), and the js backend; \`createPool({ threads: 2 })\` (module Web Workers, wasm) on W1a, W1b and W6, with the page's ordinary typed arrays (copied to the threads piece by piece) and with \`pool.alloc\` arrays (shared memory, read in place).`,
);
out.push(
  '- Median of samples pooled over 3 interleaved rounds (per-round medians shown); every call includes getting data into and out of the library. Each result checked against the naive float64 loop first. W0: each sample is many calls on distinct inputs; per call = median / calls.',
);
out.push('', '## Targets', '', '| workload | target | measured | status |', '|---|---|--:|---|');
for (const wl of results)
  for (const e of evaluate(wl))
    out.push(
      `| ${wl.id} | ${e.text} | ${ratio(e.ratio)} | ${e.met === undefined ? 'not measured' : e.met ? '**met**' : '**missed**'} |`,
    );
for (const wl of results) {
  const naiveRow = find(wl, 'naive');
  const ort1 = find(wl, ORT1);
  out.push('', `## ${wl.id} — ${wl.title}`, '');
  if (wl.reps) out.push(`${wl.reps.toLocaleString('en-US')} calls per sample.`, '');
  out.push(
    `| implementation |${wl.reps ? ' per call ns |' : ''} median ms | min–max ms | samples | per-round medians ms | × naive | × ${ORT1} | check |`,
  );
  out.push(`|---|${wl.reps ? '--:|' : ''}--:|--:|--:|--:|--:|--:|---|`);
  const notes = [];
  for (const r of wl.rows) {
    if (r.median === undefined) {
      if (!(wl.reps && r.na)) notes.push(`${r.name}: ${r.na ?? r.error}`);
      continue;
    }
    const check = r.check.reference
      ? 'reference'
      : `≤ ${r.check.max.toExponential(1)} (tol ${r.check.tol.toExponential(0)})`;
    out.push(
      `| ${r.name} |${wl.reps ? ` ${sig((r.median / wl.reps) * 1e6)} |` : ''} ${sig(r.median)} | ${sig(r.min)}–${sig(r.max)} | ${r.samples} | ${r.roundMedians.map((x) => sig(x)).join(', ')} | ${ratio(naiveRow && naiveRow.median / r.median)} | ${ratio(ort1 && ort1.median / r.median)} | ${check} |`,
    );
  }
  if (wl.reps) notes.push('onnxruntime-web and TF.js: not run on W0 (per-call cost against the hand-written loop).');
  if (notes.length) out.push('', ...notes.map((n) => `- ${n}`));
}
if (pageErrors.length) out.push('', '## Page errors', '', ...pageErrors.map((e) => `- ${e}`));
const outDir = only ? path.join(benchDir, 'results', 'tmp') : path.join(benchDir, 'results');
mkdirSync(outDir, { recursive: true });
writeFileSync(path.join(outDir, 'browser.md'), out.join('\n') + '\n');
writeFileSync(path.join(outDir, 'browser.json'), JSON.stringify({ machine, workloads: results }, null, 2) + '\n');
log(`\nwrote ${path.relative(root, outDir)}/browser.{md,json} (${machine.durationS.toFixed(0)} s)\n`);
