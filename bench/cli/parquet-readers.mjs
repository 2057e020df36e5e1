/**
 * The Parquet readers compared for `xentropy score` (decoding only, no scoring): each run reads
 * the label and every logit column of a file and sums them, in a process of its own; peak RSS
 * from /usr/bin/time. The readers:
 *   - ours: src/io/parquet.ts (dist/io/parquet.js), page by page into typed arrays;
 *   - hyparquet: `parquetRead` column-wise (a row group at a time) with hyparquet-compressors;
 *   - parquet-wasm: `ParquetFile.read` a row group at a time (Arrow tables through wasm), then
 *     our Arrow IPC reader.
 *
 *   node bench/cli/parquet-readers.mjs FILE.parquet [...]     # every reader on each file
 *   node bench/cli/parquet-readers.mjs --one READER FILE      # one run (used by the above)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, openAsBlob, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
/** The readers compiled on their own (the library build leaves src/io's readers to the CLI bundle). */
const BUILT = resolve(ROOT, 'bench/results/tmp/readers');

function buildReaders() {
  if (existsSync(`${BUILT}/parquet.js`)) return;
  const tsc = resolve(ROOT, 'node_modules/.bin/tsc');
  const r = spawnSync(
    tsc,
    [
      'src/io/parquet.ts',
      'src/io/arrow.ts',
      '--outDir',
      BUILT,
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--target',
      'es2022',
      '--skipLibCheck',
      '--rootDir',
      'src/io',
    ],
    { cwd: ROOT, stdio: 'inherit' },
  );
  if (r.status !== 0) throw new Error('could not compile the readers');
}
const READERS = ['ours', 'hyparquet', 'parquet-wasm'];

async function fileAccess(path) {
  const handle = await open(path, 'r');
  const size = (await handle.stat()).size;
  return {
    size,
    byteLength: size,
    async read(position, length, into) {
      const out = into && into.length >= length ? into.subarray(0, length) : new Uint8Array(length);
      const { bytesRead } = await handle.read(out, 0, length, position);
      return out.subarray(0, bytesRead);
    },
    async slice(start, end = size) {
      const out = new Uint8Array(end - start);
      await handle.read(out, 0, end - start, start);
      return out.buffer;
    },
  };
}

async function one(reader, path) {
  const t0 = performance.now();
  let sum = 0;
  let rows = 0;
  if (reader === 'ours') {
    const { readParquet } = await import(`${BUILT}/parquet.js`);
    for await (const b of readParquet(await fileAccess(path), { name: path, labelColumn: 'label' })) {
      for (let i = 0; i < b.labels.length; i++) sum += b.labels[i];
      for (let i = 0; i < b.scores.length; i++) sum += b.scores[i];
      rows += b.labels.length;
    }
  } else if (reader === 'hyparquet') {
    const { parquetMetadataAsync, parquetRead } = await import('hyparquet');
    const { compressors } = await import('hyparquet-compressors');
    const file = await fileAccess(path);
    const metadata = await parquetMetadataAsync(file);
    let start = 0;
    for (const group of metadata.row_groups) {
      const end = start + Number(group.num_rows);
      await parquetRead({
        file,
        metadata,
        compressors,
        rowStart: start,
        rowEnd: end,
        onChunk: ({ columnData }) => {
          for (let i = 0; i < columnData.length; i++) sum += Number(columnData[i]);
        },
      });
      rows += end - start;
      start = end;
    }
  } else {
    const { ParquetFile } = await import('parquet-wasm');
    const { readArrow } = await import(`${BUILT}/arrow.js`);
    const file = await ParquetFile.fromFile(await openAsBlob(path));
    const groups = file.metadata().numRowGroups();
    for (let g = 0; g < groups; g++) {
      const table = await file.read({ rowGroups: [g] });
      for await (const b of readArrow(table.intoIPCStream(), { name: path, labelColumn: 'label' })) {
        for (let i = 0; i < b.labels.length; i++) sum += b.labels[i];
        for (let i = 0; i < b.scores.length; i++) sum += b.scores[i];
        rows += b.labels.length;
      }
    }
  }
  console.log(JSON.stringify({ reader, rows, sum, seconds: (performance.now() - t0) / 1000 }));
}

if (process.argv[2] === '--one') {
  await one(process.argv[3], process.argv[4]);
} else {
  buildReaders();
  console.log('| file | MB | reader | time (s) | CPU (s) | peak RSS (MB) | rows | checksum |');
  console.log('|---|--:|---|--:|--:|--:|--:|---|');
  for (const path of process.argv.slice(2)) {
    for (const reader of READERS) {
      const r = spawnSync(
        '/usr/bin/time',
        ['-f', 'maxrss=%M cpu=%U+%S', process.execPath, import.meta.filename, '--one', reader, path],
        { cwd: `${ROOT}/bench`, encoding: 'utf8', maxBuffer: 1 << 24 },
      );
      const rss = Number(/maxrss=(\d+)/.exec(r.stderr)?.[1] ?? NaN) / 1024;
      const cpu = /cpu=([\d.]+)\+([\d.]+)/.exec(r.stderr);
      const cpuSeconds = cpu ? Number(cpu[1]) + Number(cpu[2]) : NaN;
      let out;
      try {
        out = JSON.parse(r.stdout.trim().split('\n').at(-1));
      } catch {
        out = { seconds: NaN, rows: NaN, sum: `failed: ${r.stderr.trim().split('\n').slice(-3).join(' ')}` };
      }
      console.log(
        `| ${path.split('/').pop()} | ${(statSync(path).size / 1e6).toFixed(0)} | ${reader} | ${out.seconds.toFixed(2)} | ${cpuSeconds.toFixed(2)} | ${rss.toFixed(0)} | ${out.rows} | ${out.sum} |`,
      );
    }
  }
}
