/** What the page tests do to and read from the evaluation page. */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** Collects console errors and uncaught exceptions; a test ends by expecting none. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`page: ${error.message}`));
  page.on('requestfailed', (request) => errors.push(`request failed: ${request.url()}`));
  return errors;
}

/**
 * Drops a file on the page's drop zone as a person would (a `drop` event carrying a File). The
 * text is made in the page by `make(arg)`, a self-contained function, so a large file does not
 * cross the DevTools connection.
 */
export async function dropGenerated<A>(page: Page, name: string, make: (arg: A) => string, arg: A): Promise<void> {
  await page.evaluate(
    ({ name, source, arg }) => {
      const text = (0, eval)(`(${source})`)(arg) as string;
      const transfer = new DataTransfer();
      transfer.items.add(new File([text], name, { type: 'text/csv' }));
      const zone = document.getElementById('drop')!;
      for (const type of ['dragenter', 'dragover', 'drop']) {
        zone.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
      }
    },
    { name, source: make.toString(), arg },
  );
}

/** Drops a small file given as text. */
export function dropText(page: Page, name: string, text: string): Promise<void> {
  return dropGenerated(page, name, (t: string) => t, text);
}

/** Waits for the page's `runs`-th completed scoring. */
export async function waitForRun(page: Page, runs: number): Promise<void> {
  await page.waitForSelector(`main[data-state="done"][data-runs="${runs}"]`, { timeout: 60_000 });
}

/** The summary cards as `key → exact value` (numbers parsed from `data-value`). */
export async function summaryOf(page: Page): Promise<Record<string, number>> {
  const pairs = await page.$$eval('#summary dd[data-key]', (elements) =>
    elements.map((e) => [(e as HTMLElement).dataset.key!, (e as HTMLElement).dataset.value!] as const),
  );
  return Object.fromEntries(pairs.map(([key, value]) => [key, Number(value)]));
}

/** Asserts `|got - want| ≤ tol · |want|`; the message gives both values, Δ and the bound. */
export function expectRelative(got: number, want: number, tol: number, what: string): void {
  const error = got === want ? 0 : Math.abs(got - want) / Math.abs(want);
  expect(error, `${what}: got ${got}, expected ${want}, Δ ${got - want}, bound ${tol}·|expected|`).toBeLessThanOrEqual(
    tol,
  );
}
