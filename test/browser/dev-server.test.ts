/**
 * `npm run web`: the Vite dev server serves a working page (the worker, the wasm, the example
 * file from outside web/), not only the built site that page.test.ts checks.
 */
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { createServer } from 'vite';
import type { ViteDevServer } from 'vite';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium } from './chromium.mjs';
import { summaryOf, waitForRun, watchErrors } from './page-helpers.js';

const CONFIG = fileURLToPath(new URL('../../web/vite.config.ts', import.meta.url));

let browser: Browser;
let server: ViteDevServer;

beforeAll(async () => {
  server = await createServer({
    configFile: CONFIG,
    logLevel: 'error',
    // A cache of its own: a `npm run web` running beside the tests keeps its own.
    cacheDir: fileURLToPath(new URL('../../node_modules/.vite/browser-test', import.meta.url)),
    server: { host: '127.0.0.1', port: 0, strictPort: true, hmr: false },
  });
  [browser] = await Promise.all([launchChromium(), server.listen()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

it('the dev server (npm run web) serves the page, which scores the example in wasm', async () => {
  const page = await browser.newPage();
  const errors = watchErrors(page);
  await page.goto(server.resolvedUrls!.local[0]);
  await page.click('#example');
  await waitForRun(page, 1);
  expect(await page.getAttribute('#backend', 'data-backend')).toBe('wasm');
  const summary = await summaryOf(page);
  expect(summary.rows).toBe(1797);
  expect(summary.max_cross_entropy_row).toBe(1264);
  expect(errors).toEqual([]);
  await page.close();
});
