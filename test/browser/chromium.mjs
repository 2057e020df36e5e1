/**
 * Debian's Chromium driven by playwright-core: never a browser download (it fails on this
 * network); scripts/install-chromium.sh puts the browser at /usr/bin/chromium.
 */
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/**
 * Root needs --no-sandbox; without the background-networking switches Chromium keeps calling
 * Google's hosts, which this machine's closed network refuses.
 */
const ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** @returns {Promise<import('playwright-core').Browser>} */
export async function launchChromium() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: run scripts/install-chromium.sh (apt-get install chromium)`);
  }
  // playwright-core launches with a fresh, temporary profile (--user-data-dir) each time.
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
}
