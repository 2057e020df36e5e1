/**
 * The package as a user installs it: `npm pack` (the files npm would publish), installed from the
 * tarball into an empty project with `npm install --offline` (it has no dependencies, so nothing
 * is fetched). Then, from that project: node_modules holds xentropy alone, under 3 MB; ESM import
 * and require give the README's first call on both backends; a TypeScript consumer with the exact
 * types of API.md compiles under moduleResolution node16 and bundler; and `npx xentropy score`
 * reads CSV, TSV, stdin, .npy, Arrow and Parquet with its worker threads, giving the figures of
 * examples/digits-summary.json (PyTorch and scikit-learn on the same rows).
 *
 * Needs the build (`npm test`'s pretest runs it).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { npy } from './support/npy.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
const MAX_INSTALLED = 3 * 1024 * 1024;

/** The README's first call and its result. */
const FIRST_CALL = 'x.crossEntropy([0, 1, 0], [0.2, 0.7, 0.1])';
const FIRST_RESULT = '0.35667494393873245';

const reference = JSON.parse(readFileSync(join(ROOT, 'examples/digits-summary.json'), 'utf8')) as Record<
  string,
  number
>;
const CSV = readFileSync(join(ROOT, 'examples/digits-logits.csv'), 'utf8');
const K = 10;
const table = CSV.trim()
  .split('\n')
  .slice(1)
  .map((line) => line.split(',').map(Number));
const labels = Int32Array.from(table, (r) => r[0]);
const logits = Float64Array.from(table.flatMap((r) => r.slice(1)));

let work: string;
let app: string;
let packed: string[];

/** Bytes of every file under `dir` (symbolic links counted as links). */
function bytesUnder(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? bytesUnder(path) : lstatSync(path).size;
  }
  return total;
}

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist/cli/main.js'))) throw new Error('dist/ is missing: run npm run build first');
  work = mkdtempSync(join(tmpdir(), 'xentropy-package-'));
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [info] = JSON.parse(out) as Array<{ filename: string; files: Array<{ path: string }> }>;
  packed = info.files.map((f) => f.path);
  app = join(work, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', join(work, info.filename)], {
    cwd: app,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}, 180_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the installed package', () => {
  it('is xentropy alone in node_modules, under 3 MB, with no dependencies', () => {
    const modules = readdirSync(join(app, 'node_modules')).filter((n) => !n.startsWith('.'));
    expect(modules).toEqual(['xentropy']);
    const pkg = JSON.parse(readFileSync(join(app, 'node_modules/xentropy/package.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(pkg.dependencies ?? {}).toEqual({});
    expect(pkg.optionalDependencies ?? {}).toEqual({});
    expect(pkg.peerDependencies ?? {}).toEqual({});
    const size = bytesUnder(join(app, 'node_modules'));
    expect(size, `node_modules holds ${size} bytes`).toBeLessThan(MAX_INSTALLED);
  });

  it('ships what the README shows: LICENSE, third-party notices, the example data, no sources or tests', () => {
    for (const f of [
      'README.md',
      'LICENSE',
      'THIRD_PARTY_NOTICES.md',
      'examples/digits-logits.csv',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/cli/main.js',
    ]) {
      expect(packed, f).toContain(f);
    }
    expect(packed.filter((f) => /^(src|test|assembly|bench|web|scripts)\//.test(f) || f.endsWith('.map'))).toEqual([]);
    // Every local file the README links to or shows is in the package (absolute links need nothing).
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const local = [...readme.matchAll(/\]\(([^)#\s]+)[^)]*\)/g)]
      .map((m) => m[1])
      .filter((href) => !/^[a-z]+:/i.test(href));
    for (const href of local) expect(packed, `README links ${href}`).toContain(href.replace(/^\.\//, ''));
  });

  it('the library imports no command-line dependency; the notices cover every bundled package', () => {
    const libraryFiles = packed.filter((f) => f.startsWith('dist/') && f.endsWith('.js') && !f.startsWith('dist/cli/'));
    expect(libraryFiles).toContain('dist/index.js');
    for (const f of libraryFiles) {
      // Code only: the TSDoc examples in comments import 'xentropy' by name.
      const text = readFileSync(join(app, 'node_modules/xentropy', f), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/^\s*\/\/.*$/gm, '');
      const bare = [...text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)]
        .map((m) => m[1])
        .filter((s) => !s.startsWith('.') && !s.startsWith('node:'));
      expect(bare, f).toEqual([]);
    }
    const notices = readFileSync(join(app, 'node_modules/xentropy/THIRD_PARTY_NOTICES.md'), 'utf8');
    // The binary readers are our own; their decompressors are bundled (zstddec carries zstd's BSD licence).
    for (const name of ['hyparquet-compressors', 'zstddec', 'hysnappy', 'commander']) {
      expect(notices).toMatch(new RegExp(`^## ${name} \\d+\\.\\d+\\.\\d+ \\(`, 'm'));
    }
    expect(notices).toMatch(/BSD License/);
  });

  it.each([
    ['ESM import', 'esm.mjs', `import { load, js } from 'xentropy';\n`],
    ['require', 'cjs.cjs', `const { load, js } = require('xentropy');\n`],
  ])('%s gives the README example on both backends', (_name, file, head) => {
    writeFileSync(
      join(app, file),
      `${head}(async () => {
  const x = await load();
  const y = await load({ backend: 'js' });
  console.log([x.backend, String(${FIRST_CALL}), js.backend, String(${FIRST_CALL.replace('x.', 'js.')}), y.backend].join(' '));
})();\n`,
    );
    const r = spawnSync(process.execPath, [file], { cwd: app, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(`wasm ${FIRST_RESULT} js ${FIRST_RESULT} js`);
  });

  it.each(['node16', 'bundler'])(
    'a TypeScript consumer with exact result types compiles (moduleResolution %s)',
    (resolution) => {
      cpSync(join(ROOT, 'test/types/consumer.ts'), join(app, 'consumer.mts'));
      const config = JSON.parse(readFileSync(join(ROOT, `test/types/tsconfig.${resolution}.json`), 'utf8')) as {
        files: string[];
      };
      config.files = ['consumer.mts'];
      writeFileSync(join(app, `tsconfig.${resolution}.json`), JSON.stringify(config));
      const r = spawnSync(process.execPath, [TSC, '-p', `tsconfig.${resolution}.json`], { cwd: app, encoding: 'utf8' });
      expect(r.stdout + r.stderr).toBe('');
      expect(r.status).toBe(0);
      // The same file with one wrong assignment un-marked must fail: the check can fail.
      const source = readFileSync(join(app, 'consumer.mts'), 'utf8');
      const broken = source.replace('// @ts-expect-error a batch gives one value per row, not a number\n', '');
      expect(broken).not.toBe(source);
      writeFileSync(join(app, 'consumer.mts'), broken);
      const bad = spawnSync(process.execPath, [TSC, '-p', `tsconfig.${resolution}.json`], {
        cwd: app,
        encoding: 'utf8',
      });
      expect(bad.stdout).toMatch(
        /consumer\.mts\(\d+,\d+\): error TS2322: Type 'number\[\]' is not assignable to type 'number'/,
      );
      expect(bad.status).not.toBe(0);
    },
    120_000,
  );
});

describe('npx xentropy score from the installed package', () => {
  const FIGURES = ['mean_cross_entropy', 'sum_cross_entropy', 'mean_entropy', 'accuracy', 'perplexity'] as const;

  function npx(args: string[], input?: string, env: NodeJS.ProcessEnv = {}) {
    return spawnSync('npx', ['--no', 'xentropy', ...args], {
      cwd: app,
      input,
      encoding: 'utf8',
      env: { ...process.env, ...env },
      timeout: 60_000,
    });
  }

  beforeAll(() => {
    writeFileSync(join(app, 'digits.csv'), CSV);
    writeFileSync(join(app, 'digits.tsv'), CSV.replaceAll(',', '\t'));
    writeFileSync(join(app, 'scores.npy'), npy('<f8', [labels.length, K], logits));
    writeFileSync(join(app, 'labels.npy'), npy('<i4', [labels.length], labels));
    const columns: Record<string, Int32Array | Float64Array> = { label: labels };
    for (let c = 0; c < K; c++) columns[`logit_${c}`] = Float64Array.from(table, (r) => r[c + 1]);
    writeFileSync(join(app, 'digits.arrow'), tableToIPC(tableFromArrays(columns), 'file'));
    const parquet = parquetWriteBuffer({
      columnData: Object.entries(columns).map(([name, data]) => ({
        name,
        data: Array.from(data),
        type: name === 'label' ? 'INT32' : 'DOUBLE',
      })),
    });
    writeFileSync(join(app, 'digits.parquet'), new Uint8Array(parquet));
  });

  it.each([
    ['CSV', ['digits.csv'], undefined],
    ['TSV', ['digits.tsv'], undefined],
    ['stdin', ['-'], CSV],
    ['.npy', ['scores.npy', '--labels', 'labels.npy', '--input', 'logits'], undefined],
    ['Arrow', ['digits.arrow'], undefined],
    ['Parquet', ['digits.parquet'], undefined],
  ])(
    'reads %s on two threads, with the reference figures',
    (_name, args, input) => {
      const r = npx(['score', ...args, '--workers', '2', '--json', '--no-progress'], input);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const got = JSON.parse(r.stdout) as Record<string, number>;
      expect(got.rows).toBe(reference.rows);
      expect(got.max_cross_entropy_row).toBe(reference.max_cross_entropy_row);
      for (const key of FIGURES) {
        const [g, e] = [got[key], reference[key]];
        expect(Math.abs(g - e) <= 1e-12 * Math.abs(e), `${key}: got ${g}, expected ${e}`).toBe(true);
      }
    },
    60_000,
  );

  it.each([
    ['CSV', 'digits.csv'],
    ['Parquet', 'digits.parquet'],
  ])(
    '%s pieces are scored in the bundled worker thread',
    (_name, file) => {
      // A worker that exits on its first task (the fault hook of src/cli/worker.ts) fails the run:
      // proof that --workers 2 hands pieces to dist/cli/worker.js of the installed package.
      const r = npx(['score', file, '--workers', '2', '--no-progress'], undefined, {
        XENTROPY_FAULT_WORKER_EXIT_AT: '1',
      });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/failed in a worker thread/);
    },
    60_000,
  );

  it('scores the bundled example without a file, as `npm start` does', () => {
    const r = npx(['score', '--json']);
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as Record<string, number>).mean_cross_entropy).toBeCloseTo(
      reference.mean_cross_entropy,
      12,
    );
  });
});
