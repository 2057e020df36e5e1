/**
 * `npm run bench:big [-- --gb 10 --formats csv,npy,arrow]`: xentropy score on inputs of about
 * N GB (default 10), one format at a time, to show that memory stays bounded whatever the size.
 *
 * Each file is the 2 000 000 × 10 benchmark data of `npm run bench:cli` (bench/cli/gen.mjs, made
 * first if missing) repeated until it reaches the size: the CSV's and the .npy's bodies are
 * appended again and again under one header (the .npy header states the total shape); the Arrow
 * file repeats its record batches through apache-arrow's writer; the Parquet file (zstd) is the
 * rows repeated by DuckDB (`npm ci --prefix bench` installs it). The repeated data has the mean of
 * one copy, so every run is also checked against the 2 000 000-row file's summary (to 1e-12).
 * Peak RSS from /usr/bin/time, wall time of the whole process. Each file is deleted after its run
 * (they are not kept: 10 GB each). Writes bench/results/cli-big.md.
 */
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  openSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { once } from 'node:events';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { npyHeader } from '../../test/support/npy.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const { values: args } = parseArgs({
  options: { gb: { type: 'string', default: '10' }, formats: { type: 'string', default: 'csv,npy,arrow,parquet' } },
});
const TARGET_BYTES = Number(args.gb) * 1e9;
const FORMATS = args.formats.split(',');
const ROWS = 2_000_000;
const K = 10;
const BASE = join(ROOT, 'bench/results/tmp/cli', `${ROWS}x${K}`);
const BIG = join(ROOT, 'bench/results/tmp/cli/big');
const MAIN = join(ROOT, 'dist/cli/main.js');
const RSS_BOUND_MB = 300;

if (!existsSync(MAIN)) spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
const base = {
  csv: join(BASE, 'logits.csv'),
  npy: join(BASE, 'logits.npy'),
  labels: join(BASE, 'labels.npy'),
  arrow: join(BASE, 'logits.arrow'),
};
if (!Object.values(base).every(existsSync)) {
  mkdirSync(BASE, { recursive: true });
  console.error(`bench:big: generating the ${ROWS} × ${K} data in ${BASE} …`);
  const { writeCsv, writeNpy, writeArrow } = await import('./gen.mjs');
  await writeCsv(base.csv, ROWS, K);
  await writeNpy(base.npy, base.labels, ROWS, K);
  await writeArrow(base.arrow, ROWS, K);
}
mkdirSync(BIG, { recursive: true });

/** Bytes [from, end) of a file appended `times` times to an open stream. */
async function appendRepeated(out, file, from, times) {
  for (let i = 0; i < times; i++) {
    for await (const chunk of createReadStream(file, { start: from, highWaterMark: 1 << 22 })) {
      if (!out.write(chunk)) await once(out, 'drain');
    }
  }
}

/** Length of a .npy file's header (magic, version 1.0, 2-byte length, dict). */
function npyHeaderLength(file) {
  const fd = openSync(file, 'r');
  const head = Buffer.alloc(10);
  readSync(fd, head, 0, 10, 0);
  closeSync(fd);
  return 10 + head.readUInt16LE(8);
}

async function close(out) {
  out.end();
  await once(out, 'finish');
}

/** Builds the big file(s) of one format; returns the command-line arguments, bytes and rows. */
async function build(format) {
  if (format === 'csv') {
    const body = statSync(base.csv).size;
    const fd = openSync(base.csv, 'r');
    const head = Buffer.alloc(4096);
    readSync(fd, head, 0, 4096, 0);
    closeSync(fd);
    const headerBytes = head.indexOf(10) + 1;
    const times = Math.max(1, Math.round(TARGET_BYTES / (body - headerBytes)));
    const file = join(BIG, 'logits.csv');
    const out = createWriteStream(file);
    out.write(head.subarray(0, headerBytes));
    await appendRepeated(out, base.csv, headerBytes, times);
    await close(out);
    return { files: [file], argv: [file], rows: ROWS * times };
  }
  if (format === 'npy') {
    const bodyFrom = npyHeaderLength(base.npy);
    const labelsFrom = npyHeaderLength(base.labels);
    const times = Math.max(1, Math.round(TARGET_BYTES / (statSync(base.npy).size - bodyFrom)));
    const file = join(BIG, 'logits.npy');
    const labels = join(BIG, 'labels.npy');
    const out = createWriteStream(file);
    out.write(npyHeader('<f8', [ROWS * times, K]));
    await appendRepeated(out, base.npy, bodyFrom, times);
    await close(out);
    const lab = createWriteStream(labels);
    lab.write(npyHeader('<i8', [ROWS * times]));
    await appendRepeated(lab, base.labels, labelsFrom, times);
    await close(lab);
    return { files: [file, labels], argv: [file, '--labels', labels, '--input', 'logits'], rows: ROWS * times };
  }
  if (format === 'parquet') {
    // Parquet (zstd), written by DuckDB (a bench-only dependency): the base rows repeated.
    const baseParquet = join(BASE, 'logits-zstd.parquet');
    if (!existsSync(baseParquet)) await (await import('./gen.mjs')).writeParquet(base.csv, baseParquet, 'zstd');
    const times = Math.max(1, Math.round(TARGET_BYTES / statSync(baseParquet).size));
    const file = join(BIG, 'logits.parquet');
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const con = await (await DuckDBInstance.create(':memory:')).connect();
    // The file listed `times` times: copies one after another (a cross join would repeat each
    // row in place, and zstd would squeeze the repeats to nothing).
    const list = Array.from({ length: times }, () => `'${baseParquet}'`).join(', ');
    await con.run(`COPY (SELECT * FROM read_parquet([${list}])) TO '${file}' (FORMAT parquet, COMPRESSION zstd)`);
    return { files: [file], argv: [file], rows: ROWS * times };
  }
  // Arrow: the base file's record batches, written again and again into one file.
  const { RecordBatchFileWriter, tableFromIPC } = await import('apache-arrow');
  const { readFileSync } = await import('node:fs');
  const batches = tableFromIPC(readFileSync(base.arrow)).batches;
  const times = Math.max(1, Math.round(TARGET_BYTES / statSync(base.arrow).size));
  const file = join(BIG, 'logits.arrow');
  const out = createWriteStream(file);
  const w = new RecordBatchFileWriter();
  w.pipe(out);
  for (let i = 0; i < times; i++) {
    for (const b of batches) w.write(b);
    await new Promise((r) => setImmediate(r)); // let the stream drain
  }
  w.finish();
  await once(out, 'finish');
  return { files: [file], argv: [file], rows: ROWS * times };
}

function score(argv) {
  const t0 = performance.now();
  const r = spawnSync(
    '/usr/bin/time',
    ['-f', 'maxrss=%M', process.execPath, MAIN, 'score', ...argv, '--json', '--no-progress'],
    { cwd: ROOT, encoding: 'utf8' },
  );
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`xentropy score ${argv.join(' ')} failed:\n${r.stderr}`);
  return { seconds, rssMb: Number(/maxrss=(\d+)/.exec(r.stderr)[1]) / 1024, summary: JSON.parse(r.stdout) };
}

const reference = score([base.csv]).summary;
const results = [];
for (const format of FORMATS) {
  console.error(`bench:big: building ~${args.gb} GB of ${format} …`);
  const built = await build(format);
  const bytes = built.files.reduce((s, f) => s + statSync(f).size, 0);
  console.error(`bench:big: xentropy score on ${(bytes / 1e9).toFixed(2)} GB of ${format} …`);
  const load = loadavg()[0];
  const m = score(built.argv);
  const rel = Math.abs(m.summary.mean_cross_entropy - reference.mean_cross_entropy) / reference.mean_cross_entropy;
  results.push({ format, bytes, rows: built.rows, ...m, rel, load });
  for (const f of built.files) rmSync(f);
}

const fmt = (x, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const lines = [
  '# `xentropy score` on 10 GB inputs',
  '',
  `Generated by \`npm run bench:big\` (bench/cli/big.mjs) on ${new Date().toISOString().slice(0, 10)}: the ${fmt(ROWS)} × ${K} ` +
    `benchmark data repeated to about ${args.gb} GB per format, all cores (the default), ${availableParallelism()} cores ` +
    `(${cpus()[0]?.model.trim()}), Node ${process.version}. Peak RSS from /usr/bin/time; the bound is ${RSS_BOUND_MB} MB.`,
  '',
  '| input | size (GB) | rows | time (s) | MB/s | peak RSS (MB) | within bound | mean cross-entropy | vs one copy (relative) | load |',
  '|---|--:|--:|--:|--:|--:|---|---|--:|--:|',
  ...results.map(
    (r) =>
      `| ${r.format} | ${(r.bytes / 1e9).toFixed(2)} | ${fmt(r.rows)} | ${fmt(r.seconds, 1)} | ${fmt(r.bytes / 1e6 / r.seconds, 1)} | ` +
      `${fmt(r.rssMb)} | ${r.rssMb <= RSS_BOUND_MB ? 'yes' : '**no**'} | ${r.summary.mean_cross_entropy} | ${r.rel.toExponential(1)} | ${r.load.toFixed(1)} |`,
  ),
  '',
];
writeFileSync(join(ROOT, 'bench/results/cli-big.md'), lines.join('\n'));
console.log(lines.join('\n'));
const bad = results.filter((r) => r.rssMb > RSS_BOUND_MB || !(r.rel <= 1e-12));
if (bad.length) {
  console.error(`bench:big: ${bad.map((r) => r.format).join(', ')} broke the bound or the summary`);
  process.exitCode = 1;
}
