/**
 * The evaluation page (web/), built by `npm run build:web` and served statically, in Debian's
 * Chromium: the digits example shows the CLI's figures to 1e-12; a bad row's line reaches the
 * page; a 200 000-row file is scored in the worker while the page keeps painting; the per-row
 * download and the benchmark agree with the summary; no console errors anywhere.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './chromium.mjs';
import { DOUBLE_3_GROUPS, NULL_AT_ROW_37 } from '../readers-parquet.fixtures.js';
import { digitsArrow, digitsNpy, readDigits } from './digits-files.js';
import { dropGenerated, dropText, expectRelative, summaryOf, waitForRun, watchErrors } from './page-helpers.js';
import { serveStatic } from './static-server.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SITE = join(ROOT, 'web/dist');
const ARTIFACTS = join(ROOT, 'test/artifacts');
const reference = JSON.parse(readFileSync(join(ROOT, 'examples/digits-summary.json'), 'utf8')) as Record<
  string,
  number
>;

/** `xentropy score FILE --json` from the build in dist/, parsed. */
function cli(file: string, ...options: string[]): Record<string, number | string> {
  const out = execFileSync(
    process.execPath,
    [join(ROOT, 'dist/cli/main.js'), 'score', file, '--json', '--no-progress', ...options],
    { encoding: 'utf8' },
  );
  return JSON.parse(out) as Record<string, number | string>;
}

/** The same, without blocking: the page goes on meanwhile. */
function cliAsync(file: string): Promise<Record<string, number | string>> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [join(ROOT, 'dist/cli/main.js'), 'score', file, '--json', '--no-progress'],
      (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout) as Record<string, number | string>)),
    );
  });
}

/**
 * A CSV of `rows` rows of 4 logits from a fixed linear congruential sequence: the same text in
 * the page and in Node. Self-contained: it runs in the page from its source text.
 */
function generateCsv(rows: number): string {
  let state = 12345;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const lines = ['label,logit_0,logit_1,logit_2,logit_3'];
  for (let i = 0; i < rows; i++) {
    const label = Math.floor(next() * 4);
    const z = [0, 1, 2, 3].map((c) => (next() * 6 - 3 + (c === label ? 1.5 : 0)).toFixed(6));
    lines.push(`${label},${z.join(',')}`);
  }
  return `${lines.join('\n')}\n`;
}

let browser: Browser;
let site: { url: string; close: () => Promise<void> };

beforeAll(async () => {
  if (!existsSync(join(SITE, 'index.html')))
    throw new Error('web/dist is missing: run `npm run build:web` (npm test runs it first)');
  mkdirSync(ARTIFACTS, { recursive: true });
  [browser, site] = await Promise.all([launchChromium(), serveStatic(SITE)]);
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

async function openPage(): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const errors = watchErrors(page);
  await page.goto(site.url);
  await page.waitForSelector('#backend[data-backend]');
  return { page, errors };
}

describe('the evaluation page with the digits example', () => {
  // One page for these tests, in order: loading the page and the example once keeps them quick.
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    ({ page, errors } = await openPage());
    await page.click('#example');
    await waitForRun(page, 1);
  });

  afterAll(async () => {
    await page?.close();
  });

  it('scores in wasm with the figures of digits-summary.json and of the CLI', async () => {
    expect(await page.getAttribute('#backend', 'data-backend')).toBe('wasm');
    const summary = await summaryOf(page);
    expect(summary.rows).toBe(reference.rows);
    expect(summary.classes).toBe(reference.classes);
    expect(summary.max_cross_entropy_row).toBe(reference.max_cross_entropy_row);
    for (const key of ['mean_cross_entropy', 'sum_cross_entropy', 'mean_entropy', 'accuracy', 'perplexity']) {
      expectRelative(summary[key], reference[key], 1e-12, key);
    }

    // The JSON shown is the CLI's: the same keys in the same order, the same figures.
    const shown = JSON.parse((await page.textContent('#json')) ?? '') as Record<string, number | string>;
    const printed = cli(join(ROOT, 'examples/digits-logits.csv'));
    expect(Object.keys(shown)).toEqual(Object.keys(printed));
    for (const [key, value] of Object.entries(printed)) {
      if (key === 'file') expect(shown.file).toBe('digits-logits.csv');
      else if (typeof value === 'number') expectRelative(shown[key] as number, value, 1e-12, key);
      else expect(shown[key], key).toBe(value);
    }
    await page.screenshot({ path: join(ARTIFACTS, 'page-digits.png'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it('shows per-class figures, the worst rows, both histograms and the reliability diagram', async () => {
    const classRows = await page.$$eval('#classes tbody tr td:nth-child(2)', (cells) =>
      cells.map((c) => Number((c as HTMLElement).dataset.value)),
    );
    expect(classRows).toHaveLength(10);
    expect(classRows.reduce((a, b) => a + b, 0)).toBe(1797);
    // The worst row comes first, with its line in the file (the header is line 1).
    expect(await page.getAttribute('#worst tbody tr:first-child', 'data-row')).toBe(
      String(reference.max_cross_entropy_row),
    );
    expect(await page.getAttribute('#worst tbody tr:first-child td:nth-child(2)', 'data-value')).toBe(
      String(reference.max_cross_entropy_row + 2),
    );
    expect(await page.locator('#worst tbody tr').count()).toBe(10);
    const ece = Number(await page.getAttribute('#ece', 'data-value'));
    expect(ece).toBeGreaterThan(0);
    expect(ece).toBeLessThan(1);
    for (const id of ['hist-ce', 'hist-entropy', 'reliability'])
      expect(await page.locator(`#${id} svg`).count(), id).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  });

  it('downloads per-row results as `xentropy score --per-row` writes them', async () => {
    const summary = await summaryOf(page);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    expect(download.suggestedFilename()).toBe('digits-logits-per-row.csv');
    const dir = mkdtempSync(join(tmpdir(), 'xentropy-per-row-'));
    try {
      const path = join(dir, 'rows.csv');
      await download.saveAs(path);
      const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
      expect(lines[0]).toBe('row,label,cross_entropy,entropy,predicted');
      expect(lines).toHaveLength(1798);
      const worst = lines[1 + reference.max_cross_entropy_row].split(',');
      expect(worst[0]).toBe(String(reference.max_cross_entropy_row));
      expect(Number(worst[2])).toBe(summary.max_cross_entropy);
      const meanCe = lines.slice(1).reduce((s, line) => s + Number(line.split(',')[2]), 0) / 1797;
      expectRelative(meanCe, summary.mean_cross_entropy, 1e-12, 'mean of the downloaded cross_entropy column');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(errors).toEqual([]);
  });

  it('benchmarks wasm, js and a naive loop on the loaded rows; all three compute the same mean', async () => {
    const summary = await summaryOf(page);
    await page.click('#bench-run');
    await page.waitForSelector('main[data-bench="done"]', { timeout: 60_000 });
    const rows = await page.$$eval('#bench tbody tr', (trs) =>
      trs.map((tr) => ({
        name: (tr as HTMLElement).dataset.name,
        ratio: Number(tr.querySelector('[data-ratio]')!.getAttribute('data-ratio')),
        mean: Number(tr.querySelector('td:last-child')!.getAttribute('data-value')),
      })),
    );
    expect(rows.map((r) => r.name)).toEqual(['wasm', 'js', 'naive']);
    expect(rows[0].ratio).toBe(1);
    for (const r of rows) {
      expect(Number.isFinite(r.ratio) && r.ratio > 0, `${r.name} ratio ${r.ratio}`).toBe(true);
      expectRelative(r.mean, summary.mean_cross_entropy, 1e-12, `${r.name} mean`);
    }
    expect(errors).toEqual([]);
  });

  it('rescores in bits when the base changes: every figure divided by ln 2, perplexity unchanged', async () => {
    await page.selectOption('#base', '2');
    await waitForRun(page, 2);
    const bits = await summaryOf(page);
    expectRelative(
      bits.mean_cross_entropy,
      reference.mean_cross_entropy / Math.LN2,
      1e-12,
      'mean_cross_entropy in bits',
    );
    expectRelative(bits.mean_entropy, reference.mean_entropy / Math.LN2, 1e-12, 'mean_entropy in bits');
    expectRelative(bits.perplexity, reference.perplexity, 1e-12, 'perplexity');
    expect(await page.textContent('#meta')).toContain('bits');
    expect(errors).toEqual([]);
  });
});

describe('the evaluation page with files dropped or chosen', () => {
  // One page for these tests, in order (each result bumps the page's run count).
  const digits = readDigits(join(ROOT, 'examples/digits-logits.csv'));
  const npy = digitsNpy(digits);
  let page: Page;
  let errors: string[];
  let runs = 0;

  beforeAll(async () => {
    ({ page, errors } = await openPage());
  });

  afterAll(async () => {
    await page?.close();
  });

  it('shows the line number of a bad row in a dropped file', async () => {
    await dropText(page, 'bad.csv', 'label,p_0,p_1\n0,0.9,0.1\n1,0.2,0.8\n1,0.5,0.5\n0,abc,0.3\n1,0.1,0.9\n');
    await page.waitForSelector('main[data-state="error"][data-file="bad.csv"]');
    expect(await page.getAttribute('#error', 'data-line')).toBe('5');
    expect(await page.textContent('#error')).toContain('bad.csv:5: column "p_0": "abc" is not a number');
    expect(await page.isHidden('#results')).toBe(true);

    // A row that parses but cannot be scored (probabilities summing to 1.2) is found by line too.
    await dropText(page, 'sums.csv', 'label,p_0,p_1\r\n0,0.9,0.1\r\n1,0.4,0.8\r\n');
    await page.waitForSelector('main[data-state="error"][data-file="sums.csv"]');
    expect(await page.getAttribute('#error', 'data-line')).toBe('3');
    expect(await page.textContent('#error')).toContain('sums.csv:3: probabilities sum to');
    expect(errors).toEqual([]);
  });

  it('scores a 200 000-row file in the worker with progress while the page keeps painting', async () => {
    // Count animation frames, and note the frame of every progress update the page shows.
    await page.evaluate(() => {
      const w = window as unknown as { frames: number; progress: Array<{ value: number; frame: number }> };
      w.frames = 0;
      w.progress = [];
      const tick = () => {
        w.frames++;
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
      const bar = document.getElementById('progress-bar') as HTMLProgressElement;
      new MutationObserver(() => w.progress.push({ value: bar.value, frame: w.frames })).observe(bar, {
        attributes: true,
      });
    });
    const dir = mkdtempSync(join(tmpdir(), 'xentropy-big-'));
    try {
      writeFileSync(join(dir, 'big.csv'), generateCsv(200_000));
      // The CLI scores the same file meanwhile, for the figures to compare.
      const printed = cliAsync(join(dir, 'big.csv'));
      await dropGenerated(page, 'big.csv', generateCsv, 200_000);
      await waitForRun(page, ++runs);

      const progress = await page.evaluate(
        () => (window as unknown as { progress: Array<{ value: number; frame: number }> }).progress,
      );
      const partial = progress.filter((p) => p.value > 0 && p.value < 1);
      expect(partial.length, JSON.stringify(progress)).toBeGreaterThanOrEqual(3);
      for (let i = 1; i < partial.length; i++) expect(partial[i].value).toBeGreaterThanOrEqual(partial[i - 1].value);
      // Frames were painted between the first and the last progress update: the page was not blocked.
      expect(partial[partial.length - 1].frame, JSON.stringify(progress)).toBeGreaterThan(partial[0].frame);
      expect(Number(await page.getAttribute('#progress', 'data-events'))).toBeGreaterThanOrEqual(3);

      const shown = JSON.parse((await page.textContent('#json')) ?? '') as Record<string, number | string>;
      const cliSummary = await printed;
      expect(shown.rows).toBe(200_000);
      for (const key of [
        'mean_cross_entropy',
        'sum_cross_entropy',
        'mean_entropy',
        'accuracy',
        'perplexity',
        'max_cross_entropy',
      ]) {
        expectRelative(shown[key] as number, cliSummary[key] as number, 1e-12, key);
      }
      expect(shown.max_cross_entropy_row).toBe(cliSummary.max_cross_entropy_row);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    await page.screenshot({ path: join(ARTIFACTS, 'page-200k.png'), fullPage: true });
    expect(errors).toEqual([]);
  });

  /** Chooses files with the page's file picker and checks the summary against digits-summary.json. */
  async function expectDigits(files: Array<{ name: string; buffer: Buffer }>): Promise<void> {
    await page.setInputFiles(
      '#file',
      files.map((f) => ({ ...f, mimeType: 'application/octet-stream' })),
    );
    await waitForRun(page, ++runs);
    const summary = await summaryOf(page);
    expect(summary.rows).toBe(reference.rows);
    expect(summary.max_cross_entropy_row).toBe(reference.max_cross_entropy_row);
    for (const key of ['mean_cross_entropy', 'sum_cross_entropy', 'mean_entropy', 'accuracy', 'perplexity']) {
      expectRelative(summary[key], reference[key], 1e-12, key);
    }
    // Binary formats have rows, not lines: the worst-rows table says so.
    expect(await page.textContent('#worst tbody tr:first-child td:nth-child(2)')).toBe('–');
    expect(errors).toEqual([]);
  }

  it('reads the digits example as Arrow IPC (file format)', async () => {
    await expectDigits([{ name: 'digits.arrow', buffer: digitsArrow(digits) }]);
  });

  it('reads Parquet row group by row group, with the CLI’s figures (60 digits rows in 3 groups)', async () => {
    const buffer = Buffer.from(DOUBLE_3_GROUPS, 'base64');
    const dir = mkdtempSync(join(tmpdir(), 'xentropy-parquet-'));
    try {
      writeFileSync(join(dir, 'digits60.parquet'), buffer);
      const printed = cli(join(dir, 'digits60.parquet'));
      await page.setInputFiles('#file', [{ name: 'digits60.parquet', mimeType: 'application/octet-stream', buffer }]);
      await waitForRun(page, ++runs);
      const shown = JSON.parse((await page.textContent('#json')) ?? '') as Record<string, number | string>;
      expect(shown.rows).toBe(60);
      expect(Object.keys(shown)).toEqual(Object.keys(printed));
      for (const [key, value] of Object.entries(printed)) {
        if (typeof value === 'number') expectRelative(shown[key] as number, value, 1e-12, key);
        else if (key !== 'file') expect(shown[key], key).toBe(value);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(errors).toEqual([]);
  });

  it('names the row of a null in a Parquet file', async () => {
    await page.setInputFiles('#file', [
      { name: 'nulls.parquet', mimeType: 'application/octet-stream', buffer: Buffer.from(NULL_AT_ROW_37, 'base64') },
    ]);
    await page.waitForSelector('main[data-state="error"][data-file="nulls.parquet"]');
    expect(await page.textContent('#error')).toContain('nulls.parquet: row 37: column "logit_3" is null');
    expect(await page.getAttribute('#error', 'data-line')).toBeNull();
    expect(errors).toEqual([]);
  });

  it('reads a scores .npy with its labels .npy (chosen together, in either order), as logits', async () => {
    // A .npy does not say what its scores are: the page asks, as the CLI does (--input).
    await page.setInputFiles('#file', [
      { name: 'scores.npy', mimeType: 'application/octet-stream', buffer: npy.scores },
      { name: 'labels.npy', mimeType: 'application/octet-stream', buffer: npy.labels },
    ]);
    await page.waitForSelector('main[data-state="error"][data-file="scores.npy + labels.npy"]');
    expect(await page.textContent('#error')).toContain('scores.npy: a .npy file does not say what its scores are');
    await page.check('input[name="input"][value="logits"]');
    await waitForRun(page, ++runs);
    await expectDigits([
      { name: 'labels.npy', buffer: npy.labels },
      { name: 'scores.npy', buffer: npy.scores },
    ]);
    expect(await page.textContent('#meta')).toContain('scores.npy');
  });

  it('asks for the labels of a scores .npy chosen alone', async () => {
    await page.setInputFiles('#file', [
      { name: 'scores.npy', mimeType: 'application/octet-stream', buffer: npy.scores },
    ]);
    await page.waitForSelector('main[data-state="error"][data-file="scores.npy"]');
    expect(await page.textContent('#error')).toContain('scores.npy: a .npy file of scores comes with a .npy of labels');
    expect(errors).toEqual([]);
  });

  it('scores a large .npy on every core (the pool’s threads start) with the figures of the CLI', async () => {
    // 120 000 rows × 10 float32 logits: a first block of ~10⁶ values (4 MiB), cut into pieces for the threads.
    const n = 120_000;
    const k = 10;
    let state = 777;
    const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const scores = new Float32Array(n * k);
    const labels = new BigInt64Array(n);
    for (let i = 0; i < n; i++) {
      const label = Math.floor(next() * k);
      labels[i] = BigInt(label);
      for (let c = 0; c < k; c++) scores[i * k + c] = next() * 8 - 4 + (c === label ? 2 : 0);
    }
    const header = (descr: string, shape: number[]) => {
      let h = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
      while ((10 + h.length + 1) % 64 !== 0) h += ' ';
      const b = Buffer.alloc(10 + h.length + 1);
      b.write('\x93NUMPY', 0, 'latin1');
      b[6] = 1;
      b.writeUInt16LE(h.length + 1, 8);
      b.write(`${h}\n`, 10, 'latin1');
      return b;
    };
    const files = {
      scores: Buffer.concat([header('<f4', [n, k]), Buffer.from(scores.buffer)]),
      labels: Buffer.concat([header('<i8', [n]), Buffer.from(labels.buffer)]),
    };
    const dir = mkdtempSync(join(tmpdir(), 'xentropy-pool-'));
    try {
      writeFileSync(join(dir, 'big-scores.npy'), files.scores);
      writeFileSync(join(dir, 'big-labels.npy'), files.labels);
      const expected = cli(
        join(dir, 'big-scores.npy'),
        '--labels',
        join(dir, 'big-labels.npy'),
        '--input',
        'logits',
        '--workers',
        '1',
      );
      const threads = new Set<string>();
      page.on('worker', (w) => threads.add(w.url()));
      await page.check('input[name="input"][value="logits"]');
      await page.setInputFiles('#file', [
        { name: 'big-scores.npy', mimeType: 'application/octet-stream', buffer: files.scores },
        { name: 'big-labels.npy', mimeType: 'application/octet-stream', buffer: files.labels },
      ]);
      await waitForRun(page, ++runs);
      const shown = JSON.parse((await page.textContent('#json')) ?? '') as Record<string, number | string>;
      expect(shown.rows).toBe(n);
      for (const key of ['mean_cross_entropy', 'sum_cross_entropy', 'mean_entropy', 'accuracy', 'perplexity']) {
        expectRelative(shown[key] as number, expected[key] as number, 1e-12, key);
      }
      expect(shown.max_cross_entropy_row).toBe(expected.max_cross_entropy_row);
      // The pool's threads (pool-worker) were started by the page's worker.
      expect(
        [...threads].some((u) => /pool-worker/.test(u)),
        [...threads].join(', '),
      ).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(errors).toEqual([]);
  });
});
