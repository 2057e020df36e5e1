/**
 * createPool in Chromium, from the package as a user installs it (its `files`: dist/), with no
 * bundler configuration: a Vite build and a plain `<script type="module">` page with an import
 * map, each served with and without cross-origin isolation (COOP/COEP headers). Isolated, pool.alloc
 * gives shared memory; not isolated, ordinary arrays, and the pool works by copying pieces. Either
 * way the results equal the page's own synchronous ones, and an error in a late piece names
 * its whole-input row.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { build, createLogger } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './chromium.mjs';
import { watchErrors } from './page-helpers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The page: a pool of 2 threads, multi-piece calls on pool.alloc and ordinary arrays, then the same calls synchronously. */
const MAIN = `import { createPool, load } from 'xentropy';
const report = (v) => { document.body.dataset.result = JSON.stringify(v); };
(async () => {
  const x = await load();
  const pool = await createPool({ threads: 2 });
  const n = 150000, k = 8;
  const logits = pool.alloc(Float32Array, n * k);
  const labels = pool.alloc(Int32Array, n);
  let s = 7;
  const r = () => (s = (s * 16807) % 2147483647) / 2147483647;
  for (let i = 0; i < n * k; i++) logits[i] = r() * 10 - 5;
  for (let i = 0; i < n; i++) labels[i] = Math.floor(r() * k);
  const plain = Float32Array.from(logits);
  const o = { classes: k };
  const rows = await pool.softmaxCrossEntropy(labels, logits, o);
  const rowsPlain = await pool.softmaxCrossEntropy(labels, plain, o);
  const expected = x.softmaxCrossEntropy(labels, logits, o);
  const same = (a, b) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
  const mean = await pool.softmaxCrossEntropy(labels, logits, { ...o, reduction: 'mean' });
  const meanPlain = await pool.softmaxCrossEntropy(labels, plain, { ...o, reduction: 'mean' });
  plain[(n - 2) * k + 1] = NaN;
  const error = await pool.softmaxCrossEntropy(labels, plain, o).then(() => 'none', (e) => e.name + ': ' + e.message);
  report({
    backend: pool.backend, threads: pool.threads, shared: pool.shared, isolated: globalThis.crossOriginIsolated === true,
    sab: typeof SharedArrayBuffer === 'function' && logits.buffer instanceof SharedArrayBuffer,
    rowsSame: same(rows, expected), rowsPlainSame: same(rowsPlain, expected), kind: rows.constructor.name,
    meanSame: mean === meanPlain, meanClose: Math.abs(mean - x.softmaxCrossEntropy(labels, logits, { ...o, reduction: 'mean' })) < 1e-12,
    error,
  });
  await pool.close();
})().catch((e) => report({ failed: String(e && e.stack || e) }));
`;

const INDEX =
  '<!doctype html><html><head><link rel="icon" href="data:,"></head><body><script type="module" src="/main.js"></script></body></html>\n';
const PLAIN = `<!doctype html><html><head><link rel="icon" href="data:,">
<script type="importmap">{ "imports": { "xentropy": "./node_modules/xentropy/dist/index.js" } }</script>
</head><body><script type="module">${MAIN}</script></body></html>
`;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
};

/** A static server on 127.0.0.1; `isolated` adds the headers that make a page cross-origin isolated. */
async function serve(root: string, isolated: boolean): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer(async (req, res) => {
    let file = normalize(join(root, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
    if (!file.startsWith(root.endsWith(sep) ? root : root + sep) && file !== root) return void res.writeHead(403).end();
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
        ...(isolated
          ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' }
          : {}),
      });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let browser: Browser;
let work: string;
let app: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'xentropy-pool-app-'));
  app = join(work, 'app');
  // The package as installed: package.json and dist/ (its `files`), copied, not linked.
  const pkg = join(app, 'node_modules/xentropy');
  mkdirSync(pkg, { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(pkg, 'package.json'));
  cpSync(join(ROOT, 'dist'), join(pkg, 'dist'), { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  writeFileSync(join(app, 'index.html'), INDEX);
  writeFileSync(join(app, 'main.js'), MAIN);
  writeFileSync(join(app, 'plain.html'), PLAIN);
  const messages: string[] = [];
  const logger = createLogger('warn', { allowClearScreen: false });
  await build({
    root: app,
    configFile: false,
    logLevel: 'warn',
    customLogger: {
      ...logger,
      warn: (m) => messages.push(m),
      warnOnce: (m) => messages.push(m),
      error: (m) => messages.push(m),
      info: () => undefined,
    },
    build: { outDir: 'dist' },
  });
  // Rolldown's note on slow plugins (a loaded machine) is not a warning about the build.
  expect(messages.filter((m) => !m.includes('[PLUGIN_TIMINGS]'))).toEqual([]);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function visit(root: string, path: string, isolated: boolean): Promise<Record<string, unknown>> {
  const site = await serve(root, isolated);
  const page = await browser.newPage();
  const errors = watchErrors(page);
  try {
    await page.goto(site.url + path);
    await page.waitForSelector('body[data-result]', { state: 'attached', timeout: 60_000 });
    const result = JSON.parse((await page.evaluate(() => document.body.dataset.result)) ?? '{}') as Record<
      string,
      unknown
    >;
    return { ...result, errors };
  } finally {
    await page.close();
    await site.close();
  }
}

const n = 150000;
const expectedError = `RangeError: softmaxCrossEntropy: logits at row ${n - 2}, column 1 is NaN; a logit must not be NaN or +Infinity`;

describe.each([
  ['a Vite build', () => join(app, 'dist'), ''],
  ['a plain page with an import map', () => app, 'plain.html'],
])('createPool in Chromium from %s', (_, root, path) => {
  it.each([true, false])('cross-origin isolated: %s', async (isolated) => {
    const got = await visit(root(), path, isolated);
    expect(got).toEqual({
      backend: 'wasm',
      threads: 2,
      shared: isolated,
      isolated,
      sab: isolated,
      rowsSame: true,
      rowsPlainSame: true,
      kind: 'Float32Array',
      meanSame: true,
      meanClose: true,
      error: expectedError,
      errors: [],
    });
  });
});
