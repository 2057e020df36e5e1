/**
 * The published package in a browser, as a user gets it: `npm pack` (the files a user installs),
 * unpacked into a fresh app's node_modules, then `import { load } from 'xentropy'` in Chromium
 * from a Vite build, the Vite dev server, and a plain `<script type="module">` page with an
 * import map served statically. Each must compile the embedded wasm: `backend` is 'wasm'.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { build, createLogger, createServer } from 'vite';
import type { Logger } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './chromium.mjs';
import { watchErrors } from './page-helpers.js';
import { serveStatic } from './static-server.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The app's script: the README's first lines, reporting on <body> what it got. */
const MAIN = `import { js, load } from 'xentropy';
load().then(
  (x) => {
    document.body.dataset.value = String(x.crossEntropy([0, 1, 0], [0.2, 0.7, 0.1]));
    document.body.dataset.js = js.backend;
    document.body.dataset.backend = x.backend;
  },
  (error) => { document.body.dataset.backend = 'failed: ' + error; },
);
`;

const INDEX =
  '<!doctype html><html><head><link rel="icon" href="data:,"></head><body><script type="module" src="/main.js"></script></body></html>\n';

/** No bundler: the browser resolves the bare name through an import map. */
const PLAIN = `<!doctype html><html><head><link rel="icon" href="data:,">
<script type="importmap">{ "imports": { "xentropy": "./node_modules/xentropy/dist/index.js" } }</script>
</head><body><script type="module">${MAIN}</script></body></html>
`;

let browser: Browser;
let app: string;
let work: string;

/** Packs the package as npm would publish it and installs it into a new app folder. */
function installPacked(): { app: string; packed: string[] } {
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const [info] = JSON.parse(out) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const dir = join(work, 'app');
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  execFileSync('tar', ['-xzf', join(work, info.filename), '-C', join(dir, 'node_modules')]);
  renameSync(join(dir, 'node_modules/package'), join(dir, 'node_modules/xentropy'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  writeFileSync(join(dir, 'index.html'), INDEX);
  writeFileSync(join(dir, 'main.js'), MAIN);
  writeFileSync(join(dir, 'plain.html'), PLAIN);
  return { app: dir, packed: info.files.map((f) => f.path) };
}

/** Opens a page and waits for the app to report; returns what it reported. */
async function visit(url: string): Promise<{ backend?: string; value?: string; js?: string; errors: string[] }> {
  const page = await browser.newPage();
  const errors = watchErrors(page);
  try {
    await page.goto(url);
    await page.waitForSelector('body[data-backend]', { state: 'attached' });
    const data = await page.evaluate(() => ({ ...document.body.dataset }));
    return { ...data, errors };
  } finally {
    await page.close();
  }
}

/** A Vite logger that keeps warnings and errors, so the test can require none. */
function recordingLogger(messages: string[]): Logger {
  const logger = createLogger('warn', { allowClearScreen: false });
  return {
    ...logger,
    warn: (m) => messages.push(m),
    warnOnce: (m) => messages.push(m),
    error: (m) => messages.push(m),
    info: () => undefined,
  };
}

const WASM = { backend: 'wasm', js: 'js', value: '0.35667494393873245', errors: [] };

let packed: string[];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'xentropy-app-'));
  ({ app, packed } = installPacked());
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the package in Chromium', () => {
  it('ships what its exports map names: types first, then the one browser-safe default entry', () => {
    const pkg = JSON.parse(readFileSync(join(app, 'node_modules/xentropy/package.json'), 'utf8')) as {
      exports: Record<string, Record<string, string>>;
    };
    const main = pkg.exports['.'];
    expect(Object.keys(main)[0]).toBe('types');
    expect(Object.keys(main).at(-1)).toBe('default');
    for (const target of Object.values(main)) expect(packed).toContain(target.replace(/^\.\//, ''));
  });

  it('works from a Vite build with no configuration and no warnings (no Node built-ins bundled)', async () => {
    const messages: string[] = [];
    await build({
      root: app,
      configFile: false,
      logLevel: 'warn',
      customLogger: recordingLogger(messages),
      build: { outDir: 'dist' },
    });
    expect(messages).toEqual([]);
    const site = await serveStatic(join(app, 'dist'));
    try {
      expect(await visit(site.url)).toEqual(WASM);
    } finally {
      await site.close();
    }
  });

  it('works from the Vite dev server', async () => {
    const messages: string[] = [];
    const server = await createServer({
      root: app,
      configFile: false,
      logLevel: 'warn',
      customLogger: recordingLogger(messages),
      server: { host: '127.0.0.1', port: 0, strictPort: true, hmr: false },
    });
    await server.listen();
    try {
      expect(await visit(server.resolvedUrls!.local[0])).toEqual(WASM);
      expect(messages).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('works in a plain <script type="module"> page served statically (an import map, no bundler)', async () => {
    const site = await serveStatic(app);
    try {
      expect(await visit(`${site.url}plain.html`)).toEqual(WASM);
    } finally {
      await site.close();
    }
  });
});
