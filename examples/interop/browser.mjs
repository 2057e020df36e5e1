// The browser examples in Chromium (playwright-core, Debian's /usr/bin/chromium or $CHROMIUM).
// Run: node browser.mjs
//   browser/worker.html      xentropy in a module Web Worker
//   browser/csp-wasm.html    a strict Content-Security-Policy with 'wasm-unsafe-eval': wasm
//   browser/csp-strict.html  the same without it: load() falls back to js and warns once
import assert from 'node:assert/strict';
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = fileURLToPath(new URL('.', import.meta.url));
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript' };

/** A static server over this folder (node_modules/xentropy included). */
const server = createServer((req, res) => {
  const path = normalize(join(ROOT, decodeURIComponent(new URL(req.url, 'http://x').pathname)));
  if (!path.startsWith(ROOT) || !statSync(path, { throwIfNoEntry: false })?.isFile()) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
  createReadStream(path).pipe(res);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
});

/** Opens a page, waits for its script to report on <body data-*>, returns that and the console. */
async function visit(path, key) {
  const page = await browser.newPage();
  const messages = [];
  page.on('console', (m) => messages.push({ type: m.type(), text: m.text() }));
  page.on('pageerror', (e) => messages.push({ type: 'pageerror', text: e.message }));
  await page.goto(`${base}/${path}`);
  await page.waitForSelector(`body[data-${key}], body[data-error]`, { state: 'attached', timeout: 90_000 });
  const data = await page.evaluate(() => ({ ...document.body.dataset }));
  await page.close();
  return { data, messages };
}

try {
  const worker = await visit('browser/worker.html', 'backend');
  assert.equal(worker.data.error, undefined);
  assert.deepEqual([worker.data.backend, worker.data.rows, worker.data.kind], ['wasm', '10000', 'Float32Array']);
  assert.ok(Number(worker.data.mean) > 0);

  const allowed = await visit('browser/csp-wasm.html', 'backend');
  assert.deepEqual(allowed.data, { backend: 'wasm', value: '0.35667494393873245', strict: 'wasm' });
  assert.deepEqual(
    allowed.messages.filter((m) => m.type === 'warning' || m.type === 'error'),
    [],
  );

  const refused = await visit('browser/csp-strict.html', 'backend');
  assert.equal(refused.data.backend, 'js');
  assert.equal(refused.data.value, '0.35667494393873245');
  assert.match(refused.data.strict, /^refused: /);
  const warnings = refused.messages.filter((m) => m.type === 'warning' && m.text.startsWith('xentropy:'));
  assert.equal(warnings.length, 1, JSON.stringify(refused.messages));
  assert.match(warnings[0].text, /'wasm-unsafe-eval'/);

  console.log(
    JSON.stringify({
      worker: worker.data,
      cspWithWasmUnsafeEval: allowed.data,
      cspWithout: { ...refused.data, warning: warnings[0].text },
    }),
  );
} finally {
  await browser.close();
  server.close();
}
