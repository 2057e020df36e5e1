#!/usr/bin/env node
/**
 * Refreshes docs/screenshot.png: the built page (web/dist, from `npm run build:web`) in Debian's
 * Chromium with the digits example scored and the benchmark run.
 *
 * Usage: node scripts/screenshot.mjs [OUT.png]   (npm run screenshot builds the page first)
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
// The browser tests' harness: the same browser flags and static server.
import { launchChromium } from '../test/browser/chromium.mjs';
import { serveStatic } from '../test/browser/static-server.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const site = join(root, 'web/dist');
const out = resolve(process.argv[2] ?? join(root, 'docs/screenshot.png'));

if (!existsSync(join(site, 'index.html'))) {
  console.error('screenshot: web/dist is missing; run `npm run build:web` first');
  process.exit(1);
}

const server = await serveStatic(site);
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(server.url);
  await page.click('#example');
  await page.waitForSelector('main[data-state="done"]', { timeout: 60_000 });
  await page.click('#bench-run');
  await page.waitForSelector('main[data-bench="done"]', { timeout: 60_000 });
  mkdirSync(dirname(out), { recursive: true });
  await page.screenshot({ path: out, fullPage: true });
  console.log(`screenshot: wrote ${out}`);
} finally {
  await browser.close();
  await server.close();
}
