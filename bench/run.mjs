// `npm run bench`: the speed issue's workloads on xentropy (wasm, wasm zero-copy, js), a naive JS
// loop, TF.js (cpu, wasm) and onnxruntime-node; writes bench/results/latest.{md,svg,json}.
//
//   node bench/run.mjs                 the full run (≈ 4–5 minutes on 2 cores)
//   node bench/run.mjs --only W1a,W3   some workloads; results go to bench/results/tmp/
//   node bench/run.mjs --only W1a --impl naive,wasm,onnx   some implementations (name contains any)
//   node bench/run.mjs --quick         few samples, a smoke test; results go to bench/results/tmp/
//
// Per workload: inputs are built (seeded) before any timing; every implementation runs once and is
// checked against the naive float64 loop; then each is timed on its own with tinybench, in 3
// interleaved rounds whose samples are pooled (bench/measure.mjs).
// Getting data into and out of each library is inside the timed call.
import { execFileSync, execSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(benchDir);

const args = process.argv.slice(2);

// Node 20 runs relaxed SIMD (the 'xentropy wasm relaxed' rows) only behind a flag: rerun with it.
const RELAXED_FLAG = '--experimental-wasm-relaxed-simd';
if (Number(process.versions.node.split('.')[0]) < 22 && !process.execArgv.includes(RELAXED_FLAG)) {
  const { spawnSync } = await import('node:child_process');
  const r = spawnSync(process.execPath, [RELAXED_FLAG, ...process.execArgv, fileURLToPath(import.meta.url), ...args], {
    stdio: 'inherit',
  });
  process.exit(r.status ?? 1);
}
const quick = args.includes('--quick');
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? new Set(args[onlyAt + 1].split(',')) : null;
const implAt = args.indexOf('--impl');
const implWords = implAt >= 0 ? args[implAt + 1].toLowerCase().split(',') : null;

// First use: the peers live in their own package (bench/package.json), and the library must be built.
if (!existsSync(path.join(benchDir, 'node_modules'))) {
  console.log('bench: installing the benchmark peers (npm ci --prefix bench) …');
  execSync('npm ci --prefix bench', { cwd: root, stdio: 'inherit' });
}
if (!existsSync(path.join(root, 'dist', 'index.js'))) {
  console.log('bench: building the library (npm run build) …');
  execSync('npm run build', { cwd: root, stdio: 'inherit' });
} else {
  // The run measures dist/ as it is: say so when the sources are newer.
  const newest = (dir) =>
    readdirSync(dir, { recursive: true })
      .map((f) => statSync(path.join(dir, f)))
      .reduce((t, st) => (st.isFile() ? Math.max(t, st.mtimeMs) : t), 0);
  const built = statSync(path.join(root, 'dist', 'wasm.generated.js')).mtimeMs;
  const stale = ['src', 'assembly'].filter((d) => existsSync(path.join(root, d)) && newest(path.join(root, d)) > built);
  if (stale.length)
    console.log(
      `bench: note: ${stale.join('/')} changed after dist/ was built; run \`npm run build\` to measure the changes.`,
    );
}

const { workloads } = await import('./workloads.mjs');
const { deviation, ROUNDS, settings, summarize, time, tolerance } = await import('./measure.mjs');
const { sizes } = await import('./sizes.mjs');
const { report } = await import('./report.mjs');
const { chart } = await import('./chart.mjs');
const naive = (await import('./peers/naive.mjs')).default;
const { xentropyWasm, xentropyRelaxed, xentropyZeroCopy, xentropyJs, xentropyUnchecked } = await import(
  './peers/xentropy.mjs'
);
const { tfjsCpu, tfjsWasm } = await import('./peers/tfjs.mjs');
const { default: onnx, onnxThreads } = await import('./peers/onnx.mjs');
const { xentropyPool, xentropyPoolShared } = await import('./peers/xentropy-pool.mjs');

/** The reference (naive) first: every other result is checked against it. */
const implementations = [
  naive,
  xentropyWasm,
  xentropyRelaxed,
  xentropyUnchecked,
  xentropyZeroCopy,
  xentropyJs,
  xentropyPool,
  xentropyPoolShared,
  tfjsCpu,
  tfjsWasm,
  onnx,
  onnxThreads,
].filter((impl) => impl === naive || !implWords || implWords.some((word) => impl.name.toLowerCase().includes(word)));

const indexUrl = pathToFileURL(path.join(root, 'dist', 'index.js')).href;
const lib = await import(indexUrl);
const ctx = { lib, benchDir, root };
const initErrors = new Map();
for (const impl of implementations) {
  try {
    await impl.init?.(ctx);
  } catch (e) {
    initErrors.set(impl, `failed to load: ${e.message}`);
  }
}

const log = (s) => process.stdout.write(s);
const ms = (x) => (x < 10 ? x.toFixed(2) : x.toFixed(1));
const startedAt = new Date();
const results = [];

/** Prepares one implementation and checks its first result; returns the row and, if it is to be timed, the prepared call. */
async function prepareAndCheck(impl, w, data, reference) {
  const row = { name: impl.name, group: impl.group };
  const na =
    initErrors.get(impl) ??
    w.skip?.[impl.name] ??
    (w.runsOnly && !w.runsOnly.runs.includes(impl.name) ? w.runsOnly.reason : undefined);
  if (na) return { row: { ...row, na } };
  let p;
  try {
    p = await impl.prepare(w, data);
    if (p.na) return { row: { ...row, na: p.na } };
    if (p.note) row.note = p.note;
    await p.before?.();
    const t0 = performance.now();
    const first = p.run();
    row.async = first instanceof Promise;
    const result = await first;
    row.untimedMs = performance.now() - t0;
    // Up to 3 more untimed calls while they are slow: first calls pay one-off costs (JIT, ORT's
    // memory planning, fresh pages); the fastest picks the sample counts (bench/measure.mjs settings).
    for (let i = 0; i < 3 && !w.slow && row.untimedMs > 250; i++) {
      const t1 = performance.now();
      await p.run();
      row.untimedMs = Math.min(row.untimedMs, performance.now() - t1);
    }
    p.check?.();
    if (reference === undefined) {
      row.check = { ok: true, max: 0, reference: true };
      return { row, p, result };
    }
    const tol = tolerance(typeof impl.computes === 'function' ? impl.computes(w) : impl.computes, w.dtype);
    row.check = { ...deviation(result, reference), tol };
    if (row.check.ok && row.check.max > tol) {
      row.check.ok = false;
      row.check.detail = `value ${row.check.at}: ${row.check.got} vs ${row.check.want}`;
    }
    if (!row.check.ok) throw new Error(`result check failed (${row.check.detail}); not timed`);
    return { row, p, result };
  } catch (e) {
    p?.dispose?.();
    return { row: { ...row, error: e.message } };
  }
}

for (const w of workloads) {
  if (only && !only.has(w.id)) continue;
  log(`\n${w.id}  ${w.title}\n`);
  const t0 = performance.now();
  const data = w.build();
  log(`  inputs built in ${ms(performance.now() - t0)} ms (not timed)\n`);

  const rows = [];
  const ready = [];
  let reference;
  for (const impl of implementations) {
    const { row, p, result } = await prepareAndCheck(impl, w, data, reference);
    if (row.check?.reference) reference = result;
    rows.push(row);
    if (p) ready.push({ row, p });
    else log(`  ${row.name.padEnd(26)} ${row.na ? `n/a: ${row.na}` : `error: ${row.error}`}\n`);
  }

  // Time each checked implementation on its own, in interleaved rounds; pool each one's samples.
  const rounds = quick ? 1 : ROUNDS;
  for (let round = 0; round < rounds; round++) {
    for (const { row, p } of ready) {
      if (row.error) continue;
      const r = await time(`${w.id} ${row.name}`, p.run, row.async, p.before, settings(w, row.untimedMs, round, quick));
      if (r.error) {
        row.error = r.error;
        continue;
      }
      (row.pooled ??= []).push(...r.samples);
      (row.roundMedians ??= []).push(r.p50);
    }
  }
  for (const { row, p } of ready) {
    p.dispose?.();
    if (row.pooled && !row.error) Object.assign(row, summarize(row.pooled));
    delete row.pooled;
    log(
      `  ${row.name.padEnd(26)} ${row.error ? `error: ${row.error}` : `median ${ms(row.median).padStart(8)} ms  (${row.samples} samples; per round ${row.roundMedians.map(ms).join(', ')})`}\n`,
    );
  }
  const wl = {
    id: w.id,
    title: w.title,
    elements: w.elements,
    dtype: w.dtype,
    targets: w.targets,
    rows,
    ...(w.reps && { reps: w.reps }),
  };
  if (w.id === 'W6') {
    log('  wasm memory while streaming (fresh process) …\n');
    wl.memory = JSON.parse(
      execFileSync(process.execPath, [path.join(benchDir, 'child', 'stream-memory.mjs'), indexUrl], {
        encoding: 'utf8',
      }),
    );
  }
  results.push(wl);
}

let size = null;
if (!only) {
  log('\nsizes and cold load …\n');
  size = await sizes(root);
}

const git = (cmd) => {
  try {
    return execFileSync('git', cmd, { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
};
const cpus = os.cpus();
const machine = {
  cpu: cpus[0]?.model ?? 'unknown',
  cores: cpus.length,
  memoryGiB: os.totalmem() / 2 ** 30,
  os: `${os.type()} ${os.release()} ${os.arch()}`,
  node: process.version,
  v8: process.versions.v8,
  loadAverage: os.loadavg(),
  date: startedAt.toISOString(),
  durationS: (Date.now() - startedAt.getTime()) / 1000,
  commit: git(['rev-parse', '--short', 'HEAD']),
  dirty: git(['status', '--porcelain', '--', 'src', 'assembly', 'asconfig.json']) !== '',
  quick,
};
const run = { machine, size, workloads: results };

const outDir = only || implWords || quick ? path.join(benchDir, 'results', 'tmp') : path.join(benchDir, 'results');
mkdirSync(outDir, { recursive: true });
writeFileSync(path.join(outDir, 'latest.json'), JSON.stringify(run, null, 2) + '\n');
writeFileSync(path.join(outDir, 'latest.md'), report(run));
writeFileSync(path.join(outDir, 'latest.svg'), chart(run));
log(`\nwrote ${path.relative(root, outDir)}/latest.{md,svg,json} (${machine.durationS.toFixed(0)} s)\n`);
