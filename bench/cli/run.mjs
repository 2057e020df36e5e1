/**
 * `npm run bench:cli`: xentropy score against what users would otherwise run, on the same
 * generated data (2 000 000 rows × 10 logits, seeded; made here, never committed):
 *   - xentropy on CSV (all cores, and one thread), .npy and Arrow;
 *   - (a) Node: csv-parse streaming + a JavaScript loop (bench/cli/baseline-node.mjs);
 *   - (b) Python: pandas.read_csv + scipy.special.log_softmax (bench/cli/baseline_pandas.py), and
 *     numpy.load of the .npy for comparison;
 *   - xentropy on the same rows as Parquet (uncompressed, snappy, zstd; written by DuckDB), and
 *     (c) DuckDB's one-query answer on the CSV and on each Parquet file (bench/cli/baseline-duckdb.mjs).
 * Each path runs in its own process, timed wall-clock (best of --repeat, default 2) with peak
 * RSS from /usr/bin/time. Writes bench/results/cli.md.
 *
 *   npm run bench:cli [-- --rows 2000000 --repeat 2 --skip-python --quick]
 *
 * --quick runs only xentropy's CSV rows (multiclass, --workers 1, --per-class --confusion, binary):
 * the ones the binary and figures targets compare.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = resolve(import.meta.dirname, '../..');
const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '2000000' },
    repeat: { type: 'string', default: '2' },
    'skip-python': { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
  },
});
const ROWS = Number(args.rows);
const K = 10;
const REPEAT = Number(args.repeat);
const DATA = join(ROOT, 'bench/results/tmp/cli', `${ROWS}x${K}`);
const MAIN = join(ROOT, 'dist/cli/main.js');
const PYTHON = '/usr/bin/python3';
const DUCKDB = join(ROOT, 'bench/cli/baseline-duckdb.mjs');

function sh(command, argv, options = {}) {
  return execFileSync(command, argv, { stdio: 'inherit', cwd: ROOT, ...options });
}

// Peers and tools the comparison needs, installed only when missing.
if (
  !existsSync(join(ROOT, 'bench/node_modules/csv-parse')) ||
  !existsSync(join(ROOT, 'bench/node_modules/@duckdb/node-api'))
)
  sh('npm', ['ci', '--prefix', 'bench']);
if (!existsSync(MAIN)) sh('npm', ['run', 'build']);
const hasPandas = () =>
  !args['skip-python'] && spawnSync(PYTHON, ['-c', 'import pandas, scipy'], { stdio: 'ignore' }).status === 0;
if (!args['skip-python'] && !args.quick && !hasPandas()) {
  try {
    sh('sh', [
      '-c',
      'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y python3-pandas python3-scipy',
    ]);
  } catch {
    console.error('bench:cli: could not install python3-pandas python3-scipy; the Python rows are skipped');
  }
}
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

// The data, once per size.
const CODECS = ['uncompressed', 'snappy', 'zstd'];
const files = {
  csv: join(DATA, 'logits.csv'),
  npy: join(DATA, 'logits.npy'),
  labels: join(DATA, 'labels.npy'),
  arrow: join(DATA, 'logits.arrow'),
  binary: join(DATA, 'binary.csv'),
  ...Object.fromEntries(CODECS.map((c) => [`parquet-${c}`, join(DATA, `logits-${c}.parquet`)])),
};
if (!Object.values(files).every(existsSync)) {
  mkdirSync(DATA, { recursive: true });
  console.error(`bench:cli: generating ${ROWS} × ${K} logits in ${DATA} …`);
  const { writeCsv, writeNpy, writeArrow, writeParquet } = await import('./gen.mjs');
  if (!existsSync(files.csv)) await writeCsv(files.csv, ROWS, K);
  if (!existsSync(files.npy) || !existsSync(files.labels)) await writeNpy(files.npy, files.labels, ROWS, K);
  if (!existsSync(files.arrow)) await writeArrow(files.arrow, ROWS, K);
  for (const c of CODECS)
    if (!existsSync(files[`parquet-${c}`])) await writeParquet(files.csv, files[`parquet-${c}`], c);
}
if (!existsSync(files.binary)) {
  const { writeBinaryCsv } = await import('./gen.mjs');
  await writeBinaryCsv(files.binary, ROWS);
}
const hasSklearn = () => spawnSync(PYTHON, ['-c', 'import sklearn, pandas'], { stdio: 'ignore' }).status === 0;
const size = (f) => statSync(f).size;

/** One process: wall seconds, peak RSS (MB) and its stdout's JSON summary. */
function measure(command, argv) {
  const t0 = performance.now();
  const r = TIME
    ? spawnSync(TIME, ['-f', 'maxrss=%M cpu=%U+%S', command, ...argv], {
        cwd: ROOT,
        encoding: 'utf8',
        maxBuffer: 1 << 26,
      })
    : spawnSync(command, argv, { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${command} ${argv.join(' ')} failed:\n${r.stderr}`);
  const rss = /maxrss=(\d+)/.exec(r.stderr ?? '');
  // CPU seconds (user + system, all threads): on a shared machine the steadier figure.
  const cpu = /cpu=([\d.]+)\+([\d.]+)/.exec(r.stderr ?? '');
  return {
    seconds,
    cpu: cpu ? Number(cpu[1]) + Number(cpu[2]) : NaN,
    rssMb: rss ? Number(rss[1]) / 1024 : NaN,
    summary: JSON.parse(r.stdout),
  };
}

function best(command, argv) {
  let out;
  for (let i = 0; i < REPEAT; i++) {
    const m = measure(command, argv);
    if (!out || m.seconds < out.seconds)
      out = { ...m, rssMb: Math.max(m.rssMb, out?.rssMb ?? 0), cpu: Math.min(m.cpu, out?.cpu ?? Infinity) };
    else out = { ...out, rssMb: Math.max(m.rssMb, out.rssMb), cpu: Math.min(m.cpu, out.cpu) };
  }
  return out;
}

// Each file read once before timing, so every path starts from the page cache.
for (const f of Object.values(files)) sh('cat', [f], { stdio: ['ignore', 'ignore', 'inherit'] });

const allPaths = [
  {
    name: 'xentropy score, CSV (all cores)',
    input: 'csv',
    bytes: size(files.csv),
    run: () => best(process.execPath, [MAIN, 'score', files.csv, '--json', '--no-progress']),
  },
  {
    name: 'xentropy score, CSV (--workers 1)',
    input: 'csv',
    bytes: size(files.csv),
    run: () => best(process.execPath, [MAIN, 'score', files.csv, '--json', '--no-progress', '--workers', '1']),
  },
  {
    name: 'xentropy score, CSV --per-class --confusion (all cores)',
    input: 'csv',
    bytes: size(files.csv),
    figures: true,
    run: () =>
      best(process.execPath, [MAIN, 'score', files.csv, '--json', '--no-progress', '--per-class', '--confusion']),
  },
  {
    name: 'xentropy score, binary CSV, one logit column (all cores)',
    input: 'csv (binary)',
    bytes: size(files.binary),
    binary: true,
    run: () => best(process.execPath, [MAIN, 'score', files.binary, '--json', '--no-progress']),
  },
  {
    name: '(c) Python: pandas.read_csv + scikit-learn log_loss, brier, top-5',
    input: 'csv',
    bytes: size(files.csv),
    baseline: 'c',
    sklearn: true,
    run: () => best(PYTHON, [join(ROOT, 'bench/cli/baseline_sklearn.py'), files.csv]),
  },
  {
    name: '(a) Node: csv-parse + JS loop',
    input: 'csv',
    bytes: size(files.csv),
    baseline: 'a',
    run: () => best(process.execPath, [join(ROOT, 'bench/cli/baseline-node.mjs'), files.csv]),
  },
  {
    name: '(b) Python: pandas.read_csv + scipy log_softmax',
    input: 'csv',
    bytes: size(files.csv),
    baseline: 'b',
    python: true,
    run: () => best(PYTHON, [join(ROOT, 'bench/cli/baseline_pandas.py'), files.csv]),
  },
  {
    name: 'xentropy score, .npy float64 (all cores)',
    input: 'npy',
    bytes: size(files.npy) + size(files.labels),
    run: () =>
      best(process.execPath, [
        MAIN,
        'score',
        files.npy,
        '--labels',
        files.labels,
        '--input',
        'logits',
        '--json',
        '--no-progress',
      ]),
  },
  {
    name: 'xentropy score, .npy float64 (--workers 1)',
    input: 'npy',
    bytes: size(files.npy) + size(files.labels),
    run: () =>
      best(process.execPath, [
        MAIN,
        'score',
        files.npy,
        '--labels',
        files.labels,
        '--input',
        'logits',
        '--json',
        '--no-progress',
        '--workers',
        '1',
      ]),
  },
  {
    name: 'Python: numpy.load + scipy log_softmax, .npy',
    input: 'npy',
    bytes: size(files.npy) + size(files.labels),
    python: true,
    run: () => best(PYTHON, [join(ROOT, 'bench/cli/baseline_pandas.py'), files.npy, files.labels]),
  },
  {
    name: 'xentropy score, Arrow IPC float64 (all cores)',
    input: 'arrow',
    bytes: size(files.arrow),
    run: () => best(process.execPath, [MAIN, 'score', files.arrow, '--json', '--no-progress']),
  },
  {
    name: 'DuckDB: read_csv + SQL (all cores)',
    input: 'csv',
    bytes: size(files.csv),
    duckdb: 'csv',
    run: () => best(process.execPath, [DUCKDB, files.csv, String(K)]),
  },
  ...CODECS.flatMap((c) => [
    {
      name: `xentropy score, Parquet ${c} (all cores)`,
      input: `parquet-${c}`,
      bytes: size(files[`parquet-${c}`]),
      run: () => best(process.execPath, [MAIN, 'score', files[`parquet-${c}`], '--json', '--no-progress']),
    },
    {
      name: `DuckDB: read_parquet + SQL, ${c} (all cores)`,
      input: `parquet-${c}`,
      bytes: size(files[`parquet-${c}`]),
      duckdb: `parquet-${c}`,
      run: () => best(process.execPath, [DUCKDB, files[`parquet-${c}`], String(K)]),
    },
  ]),
];

const paths = args.quick ? allPaths.slice(0, 4) : allPaths;
const results = [];
// The machine may be shared: note its load while timing.
const loads = [];
for (const path of paths) {
  loads.push(loadavg()[0]);
  if (path.sklearn && !hasSklearn()) {
    results.push({ ...path, skipped: 'scikit-learn/pandas not installed' });
    continue;
  }
  if (path.python && !hasPandas()) {
    results.push({ ...path, skipped: 'pandas/scipy not installed' });
    continue;
  }
  console.error(`bench:cli: ${path.name} …`);
  results.push({ ...path, ...path.run() });
}

const csvX = results[0];
const means = (keep) => results.filter((r) => !r.skipped && keep(r)).map((r) => Number(r.summary.mean_cross_entropy));
const spread = (xs, ref) => Math.max(0, ...xs.map((x) => Math.abs(x - ref) / Math.abs(ref)));
const meansSpread = () =>
  spread(
    // The same 10-logit rows in every format (the binary CSV is other data).
    means((r) => !r.duckdb && !r.baseline && !r.python && !r.binary),
    Number(csvX.summary.mean_cross_entropy),
  );
const duckSpread = () =>
  spread(
    means((r) => r.duckdb),
    Number(csvX.summary.mean_cross_entropy),
  );
const baseline = (b) => results.find((r) => r.baseline === b && !r.skipped);
const ratio = (a, b) => (a && b ? `${(b.seconds / a.seconds).toFixed(1)}×` : 'n/a');
// CPU seconds (all threads) move less than wall time when other jobs share the cores.
const cpuRatio = (a, b) => (a && b ? `${(b.cpu / a.cpu).toFixed(1)}×` : 'n/a');
const cost = (key) => {
  const figures = results.find((r) => r.figures);
  return figures ? `${((figures[key] / csvX[key] - 1) * 100).toFixed(0)} %` : 'n/a';
};
const fmt = (x, d = 0) =>
  Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : 'n/a';
const lines = [
  '# `xentropy score` throughput',
  '',
  `Generated by \`npm run bench:cli\` (bench/cli/run.mjs) on ${new Date().toISOString().slice(0, 10)}: ${ROWS.toLocaleString('en-US')} rows × ${K} logits, ` +
    `seeded (bench/cli/gen.mjs), CSV at full float64 precision (${fmt(size(files.csv) / 1e6)} MB). ` +
    `${availableParallelism()} cores (${cpus()[0]?.model.trim()}), Node ${process.version}. ` +
    `Wall time of the whole process (start-up included), best of ${REPEAT}, files in the page cache; peak RSS from /usr/bin/time. ` +
    `1-minute load average during the runs: ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} ` +
    '(other jobs share the machine: a thread without a free core only adds its start-up).',
  '',
  '| path | input | time (s) | CPU (s) | rows/s | MB/s | peak RSS (MB) | mean cross-entropy |',
  '|---|---|---:|---:|---:|---:|---:|---|',
  ...results.map((r) =>
    r.skipped
      ? `| ${r.name} | ${r.input} | — | — | — | — | — | not run: ${r.skipped} |`
      : `| ${r.name} | ${r.input} | ${fmt(r.seconds, 2)} | ${fmt(r.cpu, 2)} | ${fmt(ROWS / r.seconds)} | ${fmt(r.bytes / 1e6 / r.seconds, 1)} | ${fmt(r.rssMb)} | ${r.summary.mean_cross_entropy} |`,
  ),
  '',
  'Targets:',
  `- CSV, xentropy vs (a) Node csv-parse: ${ratio(csvX, baseline('a'))} faster (target ≥ 5×)`,
  `- CSV, xentropy vs (b) pandas + SciPy: ${ratio(csvX, baseline('b'))} faster (target ≥ 2×)`,
  `- .npy vs the same data as CSV (xentropy): ${ratio(
    results.find((r) => r.input === 'npy'),
    csvX,
  )} faster (target ≥ 10×)`,
  `- Arrow vs the same data as CSV (xentropy): ${ratio(
    results.find((r) => r.input === 'arrow'),
    csvX,
  )} faster (target ≥ 10×)`,
  ...['csv', ...CODECS.map((c) => `parquet-${c}`)].map((input) => {
    const ours = results.find((r) => r.input === input && !r.duckdb && !r.baseline && !r.python && !r.skipped);
    const duck = results.find((r) => r.duckdb === input && !r.skipped);
    const target = input === 'csv' ? '≥ 1.5×' : '≥ 1.0×';
    return `- ${input}, xentropy vs DuckDB: ${ratio(ours, duck)} DuckDB's speed (target ${target}); peak RSS ${fmt(ours?.rssMb)} MB vs ${fmt(duck?.rssMb)} MB`;
  }),
  `- Means across xentropy's formats differ by at most ${meansSpread().toExponential(1)} relative (target ≤ 1e-13); DuckDB's differ from ours by ${duckSpread().toExponential(1)}`,
  `- binary (one logit) vs multiclass rows/s, CSV: ${ratio(
    results.find((r) => r.binary),
    csvX,
  )} wall, ${cpuRatio(
    results.find((r) => r.binary),
    csvX,
  )} CPU (target ≥ 1.5×)`,
  `- --per-class --confusion cost on the multiclass CSV: ${cost('seconds')} wall, ${cost('cpu')} CPU (target ≤ 10 %)`,
  `- CSV, xentropy (all figures) vs (c) pandas + scikit-learn: ${ratio(
    results.find((r) => r.figures),
    baseline('c'),
  )} faster`,
  '',
];
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
writeFileSync(join(ROOT, args.quick ? 'bench/results/cli-quick.md' : 'bench/results/cli.md'), lines.join('\n'));
console.log(lines.join('\n'));
