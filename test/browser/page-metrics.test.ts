/**
 * The evaluation page scores every classifier as `xentropy score` does (API.md "Every
 * classifier"): for the committed examples and the scikit-learn fixtures, with the same options
 * set on the page as on the command line, the page shows the CLI's JSON, scikit-learn's figures
 * in its per-class table, the confusion matrix as a k × k heatmap with the right counts, one
 * reliability bar per non-empty `ece` bin (weights computed here from the file), and for binary
 * files score histograms whose counts are the classes' rows; bad options and bad files are
 * refused with the CLI's one-line message.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './chromium.mjs';
import { digitsArrow, digitsNpy, readDigits } from './digits-files.js';
import { expectRelative, summaryOf, waitForRun, watchErrors } from './page-helpers.js';
import { serveStatic } from './static-server.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SITE = join(ROOT, 'web/dist');
const FIXTURES = join(ROOT, 'test/fixtures/metrics');
const CLI = join(ROOT, 'dist/cli/main.js');

type Json = Record<string, unknown>;
interface Case {
  /** Path from the repository root. */
  file: string;
  args: string[];
  /** scikit-learn's figures (test/fixtures/gen_metrics.py, examples/gen_examples.py), if any. */
  expected?: Json;
}

const golden = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as {
  cases: Record<string, { file: string; args: string[]; expected: Json }>;
};
const CASES: Array<[string, Case]> = [
  [
    'iris species (names, probabilities)',
    { file: 'examples/iris-species.csv', args: [], expected: readJson('examples/iris-species-summary.json') },
  ],
  [
    'digits ≥ 5 (binary logits)',
    { file: 'examples/digits-binary.csv', args: [], expected: readJson('examples/digits-binary-summary.json') },
  ],
  ...Object.entries(golden.cases).map(([name, c]): [string, Case] => [
    name,
    { file: `test/fixtures/metrics/${c.file}`, args: c.args, expected: c.expected },
  ]),
];

function readJson(path: string): Json {
  return JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as Json;
}

/**
 * `xentropy score NAME …` run in the file's folder (so it names the file as the page does),
 * without blocking: the page scores meanwhile.
 */
function runCli(path: string, args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, 'score', basename(path), '--no-progress', ...args],
      { cwd: dirname(path), encoding: 'utf8' },
      (error, stdout, stderr) => resolve({ status: error ? Number(error.code ?? -1) : 0, stdout, stderr }),
    );
  });
}

/** `xentropy score NAME --json …`, parsed. */
async function cli(path: string, args: string[]): Promise<Json> {
  const run = await runCli(path, ['--json', ...args]);
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as Json;
}

/** `xentropy score NAME --json --per-row FILE …`: the JSON, and the per-row file's text. */
async function cliWithRows(path: string, args: string[]): Promise<{ json: Json; rows: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'xentropy-cli-rows-'));
  try {
    const json = await cli(path, ['--per-row', join(dir, 'rows.csv'), ...args]);
    return { json, rows: readFileSync(join(dir, 'rows.csv'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The CLI's message for a file or options it refuses: its first stderr line without `xentropy: `. */
async function cliRefusal(path: string, args: string[]): Promise<{ status: number; message: string }> {
  const run = await runCli(path, ['--json', ...args]);
  return { status: run.status, message: run.stderr.split('\n')[0].replace(/^xentropy: /, '') };
}

/** Numbers to `rel` relative (1e-15 absolute near 0), everything else equal, recursively. */
function expectClose(got: unknown, want: unknown, rel: number, where: string): void {
  if (typeof want === 'number' && !Number.isInteger(want)) {
    expect(typeof got, where).toBe('number');
    const delta = Math.abs((got as number) - want);
    expect(delta <= rel * Math.abs(want) + 1e-15, `${where}: got ${String(got)}, expected ${want}, Δ ${delta}`).toBe(
      true,
    );
  } else if (Array.isArray(want)) {
    expect(Array.isArray(got), `${where} is not an array`).toBe(true);
    expect((got as unknown[]).length, `${where} length`).toBe(want.length);
    want.forEach((w, i) => expectClose((got as unknown[])[i], w, rel, `${where}[${i}]`));
  } else if (typeof want === 'object' && want !== null) {
    for (const [key, w] of Object.entries(want)) expectClose((got as Json)[key], w, rel, `${where}.${key}`);
  } else expect(got, where).toEqual(want);
}

/** The option of `args` named `flag`, if given. */
function option(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i < 0 ? undefined : args[i + 1];
}

/**
 * What the reliability diagram and the score histograms must show, worked out here from the
 * file by API.md's definitions: per `ece` bin `min(⌊c·B⌋, B − 1)`, the weight of the rows with a
 * positive weight (multiclass: c = the top probability; binary and multilabel: c = p of the
 * positive class, one per label decision), and for binary files the rows of each class by bin.
 */
function expectedBins(
  path: string,
  args: string[],
): { weights: Map<number, number>; negative?: number[]; positive?: number[] } {
  const bins = Number(option(args, '--bins') ?? 15);
  const weightColumn = option(args, '--weight-column');
  const [head, ...lines] = readFileSync(path, 'utf8').trimEnd().split('\n');
  const names = head.split(',');
  const scoreAt = names.flatMap((n, i) => (/^(p|logit)(_|$)/.test(n) ? [i] : []));
  const targetAt = names.flatMap((n, i) => (n.startsWith('y_') ? [i] : []));
  const logits = names[scoreAt[0]].startsWith('logit');
  const weightAt = weightColumn === undefined ? -1 : names.indexOf(weightColumn);
  const labelAt = names.indexOf('label');
  const binOf = (c: number) => Math.min(Math.floor(c * bins), bins - 1);
  const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
  const weights = new Map<number, number>();
  const addBin = (c: number, w: number) => {
    if (w > 0) weights.set(binOf(c), (weights.get(binOf(c)) ?? 0) + w);
  };
  const binary = scoreAt.length === 1;
  const negative = new Array<number>(bins).fill(0);
  const positive = new Array<number>(bins).fill(0);
  const suffix = names[scoreAt[0]].replace(/^(p|logit)_?/, '');
  for (const line of lines) {
    const fields = line.split(',');
    const w = weightAt < 0 ? 1 : Number(fields[weightAt]);
    const s = scoreAt.map((i) => Number(fields[i]));
    if (targetAt.length > 0) {
      for (const z of s) addBin(logits ? sigmoid(z) : z, w);
    } else if (binary) {
      const p = logits ? sigmoid(s[0]) : s[0];
      addBin(p, w);
      const label = fields[labelAt];
      const named = option(args, '--positive');
      const isPositive =
        named !== undefined
          ? label === named
          : suffix === ''
            ? label === '1' || label.toLowerCase() === 'true'
            : label === suffix;
      (isPositive ? positive : negative)[binOf(p)]++;
    } else {
      const max = Math.max(...s);
      addBin(logits ? 1 / s.reduce((sum, z) => sum + Math.exp(z - max), 0) : max, w);
    }
  }
  return binary ? { weights, negative, positive } : { weights };
}

let browser: Browser;
let site: { url: string; close: () => Promise<void> };
let page: Page;
let errors: string[];
let runs = 0;

beforeAll(async () => {
  if (!existsSync(join(SITE, 'index.html')))
    throw new Error('web/dist is missing: run `npm run build:web` (npm test runs it first)');
  [browser, site] = await Promise.all([launchChromium(), serveStatic(SITE)]);
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  errors = watchErrors(page);
  await page.goto(site.url);
  await page.waitForSelector('#backend[data-backend]');
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

/** The page's controls for the CLI's options, set without rescoring: the file chosen next is scored with them. */
async function setOptions(args: string[], extra: { perClass: boolean; confusion: boolean }): Promise<void> {
  const values: Record<string, string> = {
    task: option(args, '--task') ?? '',
    positive: option(args, '--positive') ?? '',
    threshold: option(args, '--threshold') ?? '',
    'weight-column': option(args, '--weight-column') ?? '',
    bins: option(args, '--bins') ?? '',
    'top-k': option(args, '--top-k') ?? '',
  };
  await page.evaluate(
    ({ values, extra }) => {
      for (const [id, value] of Object.entries(values)) (document.getElementById(id) as HTMLInputElement).value = value;
      (document.getElementById('per-class') as HTMLInputElement).checked = extra.perClass;
      (document.getElementById('confusion') as HTMLInputElement).checked = extra.confusion;
    },
    { values, extra },
  );
}

/** Sets "Scores are" without rescoring the file shown. */
async function setInput(kind: 'auto' | 'logits' | 'probs'): Promise<void> {
  await page.evaluate((k) => {
    (document.querySelector(`input[name="input"][value="${k}"]`) as HTMLInputElement).checked = true;
  }, kind);
}

async function choose(path: string): Promise<void> {
  await page.setInputFiles('#file', [{ name: basename(path), mimeType: 'text/csv', buffer: readFileSync(path) }]);
}

/** Scores a file on the page with the CLI's options; returns the JSON the page shows. */
async function scoreOnPage(path: string, args: string[], extra = { perClass: true, confusion: true }): Promise<Json> {
  await setOptions(args, extra);
  await choose(path);
  await waitForRun(page, ++runs);
  return JSON.parse((await page.textContent('#json')) ?? '') as Json;
}

/** The page's per-row download, as text. */
async function downloadPerRow(): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  const dir = mkdtempSync(join(tmpdir(), 'xentropy-page-rows-'));
  try {
    const saved = join(dir, 'rows.csv');
    await download.saveAs(saved);
    return readFileSync(saved, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A table's body as numbers from `data-value`, row by row (header cells skipped). */
function tableValues(selector: string): Promise<number[][]> {
  return page.$$eval(`${selector} tbody tr`, (trs) =>
    trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => Number(td.dataset.value))),
  );
}

describe('the page shows the command line’s and scikit-learn’s figures', () => {
  it.each(CASES)('%s', (_name, c) => expectPageFigures(c));

  // Options in other combinations, against the CLI alone.
  it.each([
    ['examples/digits-binary.csv', ['--task', 'binary', '--bins', '30']],
    ['test/fixtures/metrics/binary-p.csv', ['--positive', '0', '--threshold', '0.7', '--bins', '5']],
    [
      'test/fixtures/metrics/binary-logit.csv',
      ['--weight-column', 'weight', '--positive', 'spam', '--threshold', '0.25', '--bins', '20'],
    ],
    ['examples/iris-species.csv', ['--top-k', '2', '--bins', '8']],
    ['test/fixtures/metrics/named-logits.csv', ['--weight-column', 'w', '--top-k', '3', '--task', 'multiclass']],
    ['test/fixtures/metrics/multilabel.csv', ['--weight-column', 'w', '--threshold', '0.7', '--bins', '4']],
  ])('%s %j: the CLI’s figures', (file, args) => expectPageFigures({ file, args }));
});

/**
 * Scores `c.file` on the page with `c.args` and checks what it shows against the CLI's JSON
 * and, given, scikit-learn's figures; the bins and histograms against counts made here.
 */
async function expectPageFigures(c: Case): Promise<void> {
  const path = join(ROOT, c.file);
  const fromCli = cliWithRows(path, [...c.args, '--per-class', '--confusion']);
  const shown = await scoreOnPage(path, c.args);
  // The command the page names is the CLI's with these options; it prints the JSON shown.
  const command = ((await page.textContent('#command')) ?? '').split(' ');
  expect(command.slice(0, 4)).toEqual(['xentropy', 'score', basename(path), '--json']);
  expect([...command.slice(4)].sort()).toEqual([...c.args, '--per-class', '--confusion'].sort());
  const { json: printed, rows: perRow } = await fromCli;
  const reference = c.expected ?? printed;

  // The JSON is the CLI's, key for key; its figures are scikit-learn's.
  expect(Object.keys(shown)).toEqual(Object.keys(printed));
  expectClose(shown, printed, 1e-12, 'page JSON against the CLI');
  const { reference: _, max_abs_logit: __, ...sklearn } = reference;
  expectClose(shown, sklearn, 1e-12, 'page JSON against scikit-learn');

  // The cards hold the same figures.
  const cards = await summaryOf(page);
  for (const key of ['mean_cross_entropy', 'accuracy', 'brier', 'ece'] as const) {
    expectRelative(cards[key], reference[key] as number, 1e-12, `card ${key}`);
  }

  // The per-class table: support, precision, recall, F1, predicted, mean cross-entropy, mean p.
  const multilabel = reference.per_label !== undefined;
  const perClass = (reference.per_class ?? reference.per_label) as Array<Record<string, number | string>>;
  const header = (await page.getAttribute('#classes', 'data-columns'))!.split('|');
  const table = await tableValues('#classes');
  const names = await page.$$eval('#classes tbody th', (ths) => ths.map((th) => th.textContent));
  expect(names).toEqual(perClass.map((p) => p.class ?? p.label));
  const column = (name: string) => header.indexOf(name) - 1; // the first column is a <th>
  perClass.forEach((want, i) => {
    const row = table[i];
    const where = `per-class row ${want.class ?? want.label}`;
    expect(row[column(multilabel ? 'rows with target 1' : 'rows (support)')], `${where} rows`).toBe(want.rows);
    expect(row[column('predicted')], `${where} predicted`).toBe(want.predicted);
    expectClose(row[column('precision')], want.precision, 1e-12, `${where} precision`);
    expectClose(row[column(multilabel ? 'accuracy' : 'recall')], want.accuracy, 1e-12, `${where} recall`);
    expectClose(
      row[column('mean cross-entropy (nats)')],
      want.mean_cross_entropy,
      1e-12,
      `${where} mean cross-entropy`,
    );
    expectClose(row[column('mean p')], want.mean_probability, 1e-12, `${where} mean p`);
    if (!multilabel) {
      const p = want.precision as number;
      const r = want.accuracy as number;
      expectClose(row[column('F1')], (2 * p * r) / (p + r), 1e-12, `${where} F1`);
    }
  });

  // The heatmap: k × k cells holding the confusion counts.
  const confusion = reference.confusion as number[][] | undefined;
  if (confusion) {
    const cells = await page.$$eval('#confusion-view rect.cell', (rects) =>
      rects.map((r) => [
        Number(r.getAttribute('data-true')),
        Number(r.getAttribute('data-predicted')),
        Number(r.getAttribute('data-count')),
      ]),
    );
    const k = confusion.length;
    expect(cells).toHaveLength(k * k);
    for (const [r, col, count] of cells) expect(count, `confusion[${r}][${col}]`).toBe(confusion[r][col]);
    expect(await tableValues('#confusion-table')).toEqual(confusion);
  } else {
    expect(await page.locator('#confusion-view [data-empty="multilabel"]').count()).toBe(1);
  }

  // The reliability diagram: one bar per non-empty bin, each bin's weight as counted here; ece from the bars.
  const want = expectedBins(path, c.args);
  const bars = await page.$$eval('#reliability rect.bar', (rects) =>
    rects.map((r) => ({
      bin: Number(r.getAttribute('data-bin')),
      weight: Number(r.getAttribute('data-weight')),
      confidence: Number(r.getAttribute('data-confidence')),
      accuracy: Number(r.getAttribute('data-accuracy')),
    })),
  );
  expect(bars.map((b) => b.bin)).toEqual([...want.weights.keys()].sort((a, b) => a - b));
  for (const bar of bars) expectClose(bar.weight, want.weights.get(bar.bin), 1e-12, `weight of bin ${bar.bin}`);
  const total = bars.reduce((s, b) => s + b.weight, 0);
  const ece = bars.reduce((s, b) => s + (b.weight / total) * Math.abs(b.accuracy - b.confidence), 0);
  expectRelative(ece, reference.ece as number, 1e-12, 'ece from the bars drawn');
  expect(Number(await page.textContent('#ece-bins'))).toBe(Number(option(c.args, '--bins') ?? 15));

  // Binary files: both classes' score histograms, their counts the classes' rows, bin by bin as counted here.
  if (want.positive) {
    expect(await page.isHidden('#scores-panel')).toBe(false);
    const counts = (side: string) =>
      page.$$eval(`#scores rect.bar-${side}`, (rects) =>
        rects.map((r) => [Number(r.getAttribute('data-bin')), Number(r.getAttribute('data-count'))]),
      );
    const dense = (pairs: number[][]) => {
      const out = new Array<number>(want.positive!.length).fill(0);
      for (const [b, n] of pairs) out[b] = n;
      return out;
    };
    const negative = dense(await counts('negative'));
    const positive = dense(await counts('positive'));
    expect(negative).toEqual(want.negative);
    expect(positive).toEqual(want.positive);
    expect(negative.reduce((a, b) => a + b, 0)).toBe(perClass[0].rows);
    expect(positive.reduce((a, b) => a + b, 0)).toBe(perClass[1].rows);
  } else {
    expect(await page.isHidden('#scores-panel')).toBe(true);
  }

  // The worst rows start at the summary's worst row (binary and multiclass).
  if (multilabel) expect(await page.isHidden('#worst-panel')).toBe(true);
  else {
    expect(Number(await page.getAttribute('#worst tbody tr:first-child', 'data-row'))).toBe(
      printed.max_cross_entropy_row,
    );
    const worstLoss = Number(await page.getAttribute('#worst tbody tr:first-child td:nth-child(6)', 'data-value'));
    expectRelative(worstLoss, printed.max_cross_entropy as number, 1e-12, 'largest cross-entropy');
    const labelShown = await page.textContent('#worst tbody tr:first-child td:nth-child(3)');
    expect(names).toContain(labelShown);
  }

  // The per-row download is the CLI's --per-row file: the same header, rows, labels and
  // predictions; losses and entropies the same to 1e-12 (the browser may run the wasm build
  // with fused multiply-adds, Node the other: a last-digit difference is within API.md's bounds).
  const downloaded = (await downloadPerRow()).trimEnd().split('\n');
  const written = perRow.trimEnd().split('\n');
  expect(downloaded[0]).toBe(written[0]);
  expect(downloaded).toHaveLength(written.length);
  const numeric = written[0].split(',').map((name) => name === 'cross_entropy' || name === 'entropy');
  const same = (got: string, want: string, j: number) =>
    got === want || (numeric[j] && Math.abs(Number(got) - Number(want)) <= 1e-12 * Math.abs(Number(want)));
  const differing = written.filter((line, i) => {
    const got = downloaded[i].split(',');
    return line.split(',').some((field, j) => !same(got[j], field, j));
  });
  expect(differing.slice(0, 3), 'per-row lines of the CLI the download differs from').toEqual([]);
  expect(errors).toEqual([]);
}

describe('the page’s JSON follows --per-class and --confusion', () => {
  it('shows the command line’s default JSON without --per-class and --confusion, and still draws both', async () => {
    const path = join(ROOT, 'examples/iris-species.csv');
    const fromCli = cli(path, []);
    const shown = await scoreOnPage(path, [], { perClass: false, confusion: false });
    const printed = await fromCli;
    expect(Object.keys(shown)).toEqual(Object.keys(printed));
    expect(shown.per_class).toBeUndefined();
    expect(await page.locator('#classes tbody tr').count()).toBe(3);
    expect(await page.locator('#confusion-view rect.cell').count()).toBe(9);
    expect(await page.textContent('#command')).toBe('xentropy score iris-species.csv --json');
    expect(errors).toEqual([]);
  });
});

describe('binary files in binary formats', () => {
  const digits = readDigits(join(ROOT, 'examples/digits-binary.csv'));
  const reference = readJson('examples/digits-binary-summary.json');

  /** The figures scikit-learn gives for the binary digits, and the histograms' counts the classes' rows. */
  async function expectBinaryDigits(): Promise<void> {
    const shown = JSON.parse((await page.textContent('#json')) ?? '') as Json;
    for (const key of [
      'rows',
      'classes',
      'mean_cross_entropy',
      'mean_entropy',
      'accuracy',
      'brier',
      'ece',
      'confusion',
    ]) {
      expectClose(shown[key], reference[key], 1e-12, key);
    }
    const perClass = reference.per_class as Array<{ rows: number }>;
    for (const [side, c] of [
      ['negative', 0],
      ['positive', 1],
    ] as const) {
      const counts = await page.$$eval(`#scores rect.bar-${side}`, (rects) =>
        rects.map((r) => Number(r.getAttribute('data-count'))),
      );
      expect(counts.reduce((a, b) => a + b, 0)).toBe(perClass[c].rows);
    }
    expect(errors).toEqual([]);
  }

  it('reads an n × 1 scores .npy with its labels .npy as a binary task (logits)', async () => {
    const files = digitsNpy(digits);
    await setOptions([], { perClass: true, confusion: true });
    await setInput('logits');
    await page.setInputFiles('#file', [
      { name: 'scores.npy', mimeType: 'application/octet-stream', buffer: files.scores },
      { name: 'labels.npy', mimeType: 'application/octet-stream', buffer: files.labels },
    ]);
    await waitForRun(page, ++runs);
    expect(await page.textContent('#command')).toBe(
      'xentropy score scores.npy --labels labels.npy --json --input logits --per-class --confusion',
    );
    await expectBinaryDigits();
    await setInput('auto');
  });

  it('reads an Arrow file with one logit column as a binary task', async () => {
    await setOptions([], { perClass: true, confusion: true });
    await page.setInputFiles('#file', [
      { name: 'digits-binary.arrow', mimeType: 'application/octet-stream', buffer: digitsArrow(digits) },
    ]);
    await waitForRun(page, ++runs);
    await expectBinaryDigits();
  });
});

describe('many calibration bins', () => {
  it('lists the non-empty bins of --bins 100000 instead of drawing them; ece is the CLI’s', async () => {
    const path = join(ROOT, 'examples/digits-binary.csv');
    const fromCli = cli(path, ['--bins', '100000']);
    const shown = await scoreOnPage(path, ['--bins', '100000'], { perClass: false, confusion: false });
    const printed = await fromCli;
    expectClose(shown.ece, printed.ece, 1e-12, 'ece');
    const filled = expectedBins(path, ['--bins', '100000']).weights.size;
    expect(filled).toBeGreaterThan(400);
    expect(await page.locator(`#reliability [data-too-many="${filled}"]`).count()).toBe(1);
    expect(await page.locator('#reliability rect.bar').count()).toBe(0);
    expect(await page.locator('#reliability-table tbody tr').count()).toBe(Math.min(filled, 1000));
    // The score histograms fall back to 100 bins of their own; their counts are still the classes' rows.
    expect(await page.textContent('#score-bins')).toBe('100');
    const total = await page.$$eval('#scores rect.bar', (rects) =>
      rects.reduce((sum, r) => sum + Number(r.getAttribute('data-count')), 0),
    );
    expect(total).toBe(1797);
    expect(errors).toEqual([]);
  });
});

describe('confusion matrices of many classes', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'xentropy-page-classes-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A CSV of `k`-class probabilities from a fixed linear congruential sequence. */
  function manyClasses(k: number, rows: number): string {
    let state = 777 + k;
    const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const lines = [['label', ...Array.from({ length: k }, (_, c) => `p_c${c}`)].join(',')];
    for (let i = 0; i < rows; i++) {
      const label = Math.floor(next() * k);
      const raw = Array.from({ length: k }, (_, c) => next() + (c === label ? 1 : 0));
      const sum = raw.reduce((a, b) => a + b, 0);
      lines.push([`c${label}`, ...raw.map((x) => String(x / sum))].join(','));
    }
    return `${lines.join('\n')}\n`;
  }

  it.each([
    [30, true],
    [31, false],
  ])('%i classes: heatmap %s, the counts as a table with the CLI’s matrix', async (k, drawn) => {
    const path = join(dir, `classes-${k}.csv`);
    writeFileSync(path, manyClasses(k, 600));
    const fromCli = cli(path, ['--confusion']);
    await scoreOnPage(path, []);
    const printed = await fromCli;
    expect(await page.locator('#confusion-view rect.cell').count()).toBe(drawn ? k * k : 0);
    expect(await page.locator(`#confusion-view [data-too-many="${k}"]`).count()).toBe(drawn ? 0 : 1);
    expect(await tableValues('#confusion-table')).toEqual(printed.confusion);
    expect(errors).toEqual([]);
  });
});

describe('options and files the command line refuses', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'xentropy-page-refusals-'));
    writeFileSync(join(dir, 'three.csv'), 'label,p\nyes,0.9\nno,0.2\nmaybe,0.5\n');
    writeFileSync(join(dir, 'weights.csv'), 'label,p_a,p_b,w\na,0.9,0.1,1\nb,0.3,0.7,-2\n');
    writeFileSync(join(dir, 'birds.csv'), 'label,p_cat,p_dog\ncat,0.6,0.4\ndog,0.2,0.8\nbird,0.5,0.5\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['--bins 0', 'test/fixtures/metrics/binary-p.csv', ['--bins', '0'], 2],
    ['--bins 1.5', 'test/fixtures/metrics/binary-p.csv', ['--bins', '1.5'], 2],
    ['--threshold 1.5', 'test/fixtures/metrics/binary-p.csv', ['--threshold', '1.5'], 2],
    ['--top-k 2', 'test/fixtures/metrics/binary-p.csv', ['--top-k', '2'], 2],
    ['--top-k 7 of 7 classes', 'test/fixtures/metrics/named-logits-plain.csv', ['--top-k', '7'], 2],
    ['a missing weight column', 'test/fixtures/metrics/binary-p.csv', ['--weight-column', 'nope'], 1],
    ['a negative weight', 'weights.csv', ['--weight-column', 'w'], 1],
    ['a third binary label', 'three.csv', ['--positive', 'yes'], 1],
    ['--task binary on 7 score columns', 'test/fixtures/metrics/named-logits-plain.csv', ['--task', 'binary'], 1],
    ['a label that names no class', 'birds.csv', [], 1],
  ])('%s: the CLI’s one-line message', async (_name, file, args, status) => {
    const path = file.includes('/') ? join(ROOT, file) : join(dir, file);
    const fromCli = cliRefusal(path, args);
    await setOptions(args, { perClass: false, confusion: false });
    await choose(path);
    await page.waitForSelector(`main[data-state="error"][data-file="${basename(path)}"]`);
    const refusal = await fromCli;
    expect(refusal.status, refusal.message).toBe(status);
    const shown = (await page.textContent('#error')) ?? '';
    expect(shown).toContain(refusal.message);
    expect(shown.split('\n')).toHaveLength(1);
    expect(await page.isHidden('#results')).toBe(true);
    // The next good file is scored normally.
    await setOptions([], { perClass: false, confusion: false });
    await choose(join(ROOT, 'test/fixtures/metrics/binary-p.csv'));
    await waitForRun(page, ++runs);
    expect(errors).toEqual([]);
  });
});
