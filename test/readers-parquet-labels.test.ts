/**
 * Text (BYTE_ARRAY) label columns in Parquet (API.md "Class names": strings, plain or
 * dictionary-encoded): the classifier cases of test/fixtures/metrics written by DuckDB with the
 * label as VARCHAR (test/fixtures/parquet/gen.mjs → fixtures/parquet/labels/: dictionary pages
 * v1 and v2, PLAIN, DELTA_LENGTH_BYTE_ARRAY; optional columns) and by hyparquet-writer here
 * (DELTA_BYTE_ARRAY). `xentropy score` must give scikit-learn's figures
 * (test/fixtures/gen_metrics.py) and the very summary it gives on the same rows as CSV.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../src/io/errors.js';
import { decodeRowGroup, readParquet } from '../src/io/parquet.js';

const ROOT = resolve(import.meta.dirname, '..');
const MAIN = join(ROOT, 'dist/cli/main.js');
const METRICS = join(ROOT, 'test/fixtures/metrics');
const LABELS = join(ROOT, 'test/fixtures/parquet/labels');

interface Case {
  file: string;
  args: string[];
  expected: Record<string, unknown>;
}
const golden = JSON.parse(readFileSync(join(METRICS, 'expected.json'), 'utf8')) as { cases: Record<string, Case> };

const dir = mkdtempSync(join(tmpdir(), 'xentropy-parquet-labels-'));
beforeAll(() => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build first`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** XENTROPY_PARQUET_PIECES for the runs: row groups decoded on the scoring threads or here. */
let pieces = '0';

function run(args: string[]) {
  const env = { ...process.env, XENTROPY_PARQUET_PIECES: pieces };
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd: dir, encoding: 'utf8', env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function summary(args: string[]): Record<string, unknown> {
  const r = run([...args, '--json']);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

/** Counts and names exactly; figures within `rel` of scikit-learn's. */
function expectFigures(got: unknown, expected: unknown, rel: number, where: string): void {
  if (Array.isArray(expected)) {
    expect(Array.isArray(got), `${where} missing`).toBe(true);
    expected.forEach((e, i) => expectFigures((got as unknown[])[i], e, rel, `${where}[${i}]`));
  } else if (typeof expected === 'object' && expected !== null) {
    for (const [key, e] of Object.entries(expected)) {
      expectFigures((got as Record<string, unknown>)[key], e, rel, `${where} ${key}`);
    }
  } else if (expected === 'NaN') {
    expect(Number.isNaN(got) || got === 'NaN', `${where}: got ${String(got)}`).toBe(true);
  } else if (typeof expected === 'number' && !Number.isInteger(expected)) {
    const delta = Math.abs((got as number) - expected);
    expect(delta <= rel * Math.abs(expected) + 1e-15, `${where}: got ${got}, expected ${expected}`).toBe(true);
  } else expect(got, where).toEqual(expected);
}

/** The figures asked of every case (the golden holds per-class figures and, for some, the confusion matrix). */
const extras = (c: Case) => ['--per-class', ...(c.expected.confusion ? ['--confusion'] : [])];

/** Every fixture `<case>.<kind>.parquet` with the golden cases of `<case>.csv`. */
const fixtures = readdirSync(LABELS)
  .filter((f) => /^[\w-]+\.[\w-]+\.parquet$/.test(f))
  .flatMap((f) => {
    const base = f.split('.')[0];
    return Object.entries(golden.cases)
      .filter(([, c]) => c.file === `${base}.csv`)
      .map(([name, c]) => [`${name} (${f})`, f, c] as const);
  });

describe('Parquet text labels against scikit-learn and CSV', () => {
  it('covers every case with a label column, and each text encoding DuckDB writes', () => {
    const files = new Set(fixtures.map(([, f]) => f));
    for (const kind of ['dict', 'dict-v2', 'plain', 'plain-v2']) {
      expect(
        [...files].some((f) => f.endsWith(`.${kind}.parquet`)),
        kind,
      ).toBe(true);
    }
    const labelled = Object.values(golden.cases).filter((c) => !c.file.startsWith('multilabel'));
    for (const c of labelled)
      expect(
        fixtures.some(([, , d]) => d === c),
        c.file,
      ).toBe(true);
  });

  it.each(fixtures)('%s', (_, fileName, c) => {
    const got = summary(['score', join(LABELS, fileName), ...c.args, ...extras(c)]);
    expectFigures(got, c.expected, 1e-12, fileName);
    // The same rows as CSV give the same summary, figure for figure.
    const csv = summary(['score', join(METRICS, c.file), ...c.args, ...extras(c)]);
    expect({ ...got, file: undefined }).toEqual({ ...csv, file: undefined });
  });

  it('gives the same per-row output (class names) as CSV', () => {
    const args = ['--weight-column', 'w', '--per-row', '-'];
    const parquet = run(['score', join(LABELS, 'named-logits.plain-v2.parquet'), ...args]);
    const csv = run(['score', join(METRICS, 'named-logits.csv'), ...args]);
    expect(parquet.status).toBe(0);
    expect(parquet.stdout.split('\n')[1]).toMatch(/^0,cat,/);
    expect(parquet.stdout).toBe(csv.stdout);
  });

  it('reads DELTA_BYTE_ARRAY labels (hyparquet-writer, data pages v2)', () => {
    const c = golden.cases['named-logits weighted'];
    const [header, ...lines] = readFileSync(join(METRICS, c.file), 'utf8').trimEnd().split('\n');
    const names = header.split(',');
    const cells = lines.map((l) => l.split(','));
    const bytes = parquetWriteBuffer({
      columnData: names.map((name, j) =>
        name === 'label' || name === 'id'
          ? { name, data: cells.map((r) => r[j]), type: 'STRING' as const, encoding: 'DELTA_BYTE_ARRAY' as const }
          : { name, data: cells.map((r) => Number(r[j])), type: 'DOUBLE' as const },
      ),
      rowGroupSize: 100,
    });
    writeFileSync(join(dir, 'delta.parquet'), new Uint8Array(bytes));
    expectFigures(summary(['score', 'delta.parquet', ...c.args, ...extras(c)]), c.expected, 1e-12, 'delta');
  });
});

describe('Parquet text labels: bad input', () => {
  const bad = (file: string, args: string[]) => {
    const r = run(['score', join(LABELS, file), ...args, '--json']);
    expect(r.stdout).toBe('');
    return { status: r.status, message: r.stderr.trim() };
  };

  it('names a null label', () => {
    expect(bad('null-label-row-37.parquet', ['--weight-column', 'w'])).toEqual({
      status: 1,
      message: `xentropy: ${join(LABELS, 'null-label-row-37.parquet')}: row 37: column "label" is null`,
    });
  });

  it('names a label that is no class, before a later null score', () => {
    expect(bad('bird-row-50.parquet', ['--weight-column', 'w'])).toEqual({
      status: 1,
      message: `xentropy: ${join(LABELS, 'bird-row-50.parquet')}: row 50: label "bird" is not a class (logit_cat, logit_dog, logit_horse, logit_eel, logit_ant, logit_bee, logit_owl)`,
    });
  });

  it('names a null label before a later label that is no class', () => {
    expect(bad('null-label-row-5-bird-row-9.parquet', ['--weight-column', 'w'])).toEqual({
      status: 1,
      message: `xentropy: ${join(LABELS, 'null-label-row-5-bird-row-9.parquet')}: row 5: column "label" is null`,
    });
  });

  it('names a third label of a binary task', () => {
    expect(bad('third-label-row-20.parquet', ['--weight-column', 'weight'])).toEqual({
      status: 1,
      message: `xentropy: ${join(LABELS, 'third-label-row-20.parquet')}: row 20: label "eggs" is a third distinct label of a binary task (the classes are "spam" and "ham"; name the positive class with --positive)`,
    });
  });

  it('takes --positive over the column name for text labels', () => {
    const got = summary(['score', join(LABELS, 'binary-logit.dict.parquet'), '--weight-column', 'weight']);
    expect(got.positive).toBe('spam');
    const r = bad('binary-logit.dict.parquet', ['--weight-column', 'weight', '--positive', 'eggs']);
    expect(r.status).toBe(1);
    expect(r.message).toMatch(/: row \d+: label "\w+" is a third distinct label of a binary task/);
  });
});

/** A metrics case's CSV as Parquet rows written by hyparquet-writer, in row groups of `groupRows`. */
function parquetOf(csvName: string, groupRows: number, edit: (cells: string[][], names: string[]) => void = () => {}) {
  const [header, ...lines] = readFileSync(join(METRICS, csvName), 'utf8').trimEnd().split('\n');
  const names = header.split(',');
  const cells = lines.map((l) => l.split(','));
  edit(cells, names);
  const bytes = parquetWriteBuffer({
    columnData: names.map((name, j) =>
      name === 'label' || name === 'id'
        ? { name, data: cells.map((r) => r[j]), type: 'STRING' as const }
        : { name, data: cells.map((r) => (r[j] === '' ? null : Number(r[j]))), type: 'DOUBLE' as const },
    ),
    rowGroupSize: groupRows,
  });
  return new Uint8Array(bytes);
}

describe.each(['0', '1'])('Parquet row groups in several threads (XENTROPY_PARQUET_PIECES=%s)', (mode) => {
  beforeAll(() => {
    pieces = mode;
  });
  afterAll(() => {
    pieces = '0';
  });

  it('gives the same summary and per-row output with any --workers', () => {
    writeFileSync(join(dir, 'groups.parquet'), parquetOf('named-logits.csv', 37));
    const args = ['score', 'groups.parquet', '--weight-column', 'w', '--per-class', '--confusion'];
    const one = summary([...args, '--workers', '1']);
    expect(summary([...args, '--workers', '3'])).toEqual(one);
    expectFigures(one, golden.cases['named-logits weighted'].expected, 1e-12, 'groups');
    const rows1 = run([...args, '--workers', '1', '--per-row', '-']);
    const rows3 = run([...args, '--workers', '3', '--per-row', '-']);
    expect(rows3.status).toBe(0);
    expect(rows3.stdout).toBe(rows1.stdout);
    expect(rows3.stdout.split('\n').length).toBe(242);
  });

  it.each(['1', '3'])('names a third binary label first seen in a later row group (--workers %s)', (workers) => {
    // Row groups of 50 rows: the third starts (row 100) with "eggs", so that group alone sees eggs as its negative.
    writeFileSync(
      join(dir, 'eggs.parquet'),
      parquetOf('binary-logit.csv', 50, (cells) => {
        cells[100][0] = 'eggs';
      }),
    );
    const r = run(['score', 'eggs.parquet', '--weight-column', 'weight', '--workers', workers]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(
      'xentropy: eggs.parquet: row 100: label "eggs" is a third distinct label of a binary task (the classes are "spam" and "ham"; name the positive class with --positive)',
    );
  });

  it.each(['1', '3'])('names the first bad row across row groups (--workers %s)', (workers) => {
    // A null score at row 130 (third group of 50), a label that is no class at row 160.
    writeFileSync(
      join(dir, 'bad.parquet'),
      parquetOf('named-logits.csv', 50, (cells, names) => {
        cells[130][names.indexOf('logit_dog')] = '';
        cells[160][0] = 'bird';
      }),
    );
    const r = run(['score', 'bad.parquet', '--weight-column', 'w', '--workers', workers]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe('xentropy: bad.parquet: row 130: column "logit_dog" is null');
  });
});

describe('Parquet text labels: every 1-byte corruption', () => {
  /** Reads `bytes` both ways: page by page here, and as row-group pieces decoded as a scoring thread does. */
  async function drain(bytes: Uint8Array, asPieces: boolean): Promise<void> {
    const file = { size: bytes.length, read: async (at: number, n: number) => bytes.slice(at, at + n) };
    const options = { name: 'x.parquet', labelColumn: 'label', pieces: asPieces };
    for await (const item of readParquet(file, options)) {
      if ('kind' in item) {
        for (const _ of decodeRowGroup(item)) {
          /* drain */
        }
      }
    }
  }

  it.each(['binary-p.dict.parquet', 'binary-p.plain-v2.parquet'])(
    '%s ends with blocks or one InputError, both ways',
    async (name) => {
      const clean = new Uint8Array(readFileSync(join(LABELS, name)));
      let refused = 0;
      for (let at = 0; at < clean.length; at++) {
        for (const flip of [0xff, 0x01]) {
          const bytes = clean.slice();
          bytes[at] ^= flip;
          for (const pieces of [false, true]) {
            try {
              await drain(bytes, pieces);
            } catch (error) {
              if (!(error instanceof InputError)) expect.fail(`byte ${at} ^ ${flip}: ${(error as Error).stack}`);
              expect((error as Error).message).toMatch(/^x\.parquet: [^\n]+$/);
              refused++;
            }
          }
        }
      }
      expect(refused).toBeGreaterThan(0);
    },
    60_000,
  );
});
