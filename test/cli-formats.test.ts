import { expectClose, expectRelative } from './helpers.js';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { tableToIPC, tableFromArrays } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { load } from '../src/index.js';
import { DOUBLE_3_GROUPS } from './readers-parquet.fixtures.js';
import { npy } from './support/npy.mjs';

// The built command: `npm run build` (or `npm test`) first.
const ROOT = resolve(import.meta.dirname, '..');
const MAIN = join(ROOT, 'dist/cli/main.js');
const reference = JSON.parse(readFileSync(join(ROOT, 'examples/digits-summary.json'), 'utf8')) as Record<
  string,
  number
>;
const LOGITS = readFileSync(join(ROOT, 'examples/digits-logits.csv'), 'utf8');
const rows = LOGITS.trim()
  .split('\n')
  .slice(1)
  .map((l) => l.split(',').map(Number));
const K = 10;
const labels = Float64Array.from(rows, (r) => r[0]);
const logits = Float64Array.from(rows.flatMap((r) => r.slice(1)));
const FIGURES = ['mean_cross_entropy', 'sum_cross_entropy', 'mean_entropy', 'accuracy', 'perplexity'] as const;

const dir = mkdtempSync(join(tmpdir(), 'xentropy-formats-'));
beforeAll(() => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build first`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd: dir, input, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, content: string | Uint8Array): string {
  writeFileSync(join(dir, name), content);
  return name;
}

/** The `--json` summary of a run that must succeed. */
function summary(args: string[], input?: string): Record<string, number | string> {
  const r = run([...args, '--json'], input);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as Record<string, number | string>;
}

function expectFigures(got: Record<string, unknown>, expected: Record<string, unknown>, rel: number): void {
  expect(got.rows).toBe(expected.rows);
  expect(got.max_cross_entropy_row).toBe(expected.max_cross_entropy_row);
  for (const key of FIGURES) expectRelative(got[key] as number, expected[key] as number, { rel }, key);
}

const int64 = (a: Float64Array) => BigInt64Array.from(a, (y) => BigInt(y));

describe('xentropy score reads every format', () => {
  file('s64.npy', npy('<f8', [labels.length, K], logits));
  file('s32.npy', npy('<f4', [labels.length, K], Float32Array.from(logits)));
  file('y.npy', npy('<i8', [labels.length], int64(labels)));
  const columns: Record<string, string[] | Int32Array | Float64Array> = {
    id: rows.map((_, i) => `img-${i}`),
    label: Int32Array.from(labels),
  };
  for (let c = 0; c < K; c++) columns[`logit_${c}`] = Float64Array.from(rows, (r) => r[c + 1]);
  file('digits.arrow', tableToIPC(tableFromArrays(columns), 'file'));
  file('digits.feather', tableToIPC(tableFromArrays(columns), 'file'));
  file('first60.parquet', Buffer.from(DOUBLE_3_GROUPS, 'base64'));
  file('first60.csv', LOGITS.trim().split('\n').slice(0, 61).join('\n'));

  it.each([
    ['.npy float64 with --labels', ['s64.npy', '--labels', 'y.npy', '--input', 'logits']],
    ['Arrow IPC (.arrow)', ['digits.arrow']],
    ['Arrow IPC (.feather)', ['digits.feather']],
    ['Arrow given --format', ['digits.arrow', '--format', 'arrow']],
  ])('%s gives the reference figures', (_name, args) => {
    expectFigures(summary(['score', ...args]), reference, 1e-12);
  });

  it(".npy float32 is scored in float32: per-row values are the library's on the float32 data", async () => {
    const r = run(['score', 's32.npy', '--labels', 'y.npy', '--input', 'logits', '--per-row', 'rows32.csv']);
    expect(r.status).toBe(0);
    const x = await load();
    const q = Float32Array.from(logits);
    const ce = x.scoreRows(Int32Array.from(labels), q, { classes: K, input: 'logits' }).crossEntropy;
    // The fused pass is the library's per-row function; the separate one agrees within the float32 bound.
    expectClose(
      ce,
      x.softmaxCrossEntropy(Int32Array.from(labels), q, { classes: K }),
      'float32',
      'vs softmaxCrossEntropy',
    );
    const lines = readFileSync(join(dir, 'rows32.csv'), 'utf8').trim().split('\n').slice(1);
    expect(lines).toHaveLength(labels.length);
    lines.forEach((line, i) => {
      const [row, label, value] = line.split(',').map(Number);
      if (row !== i || label !== labels[i] || value !== ce[i]) expect.fail(`row ${i}: ${line}, expected ce ${ce[i]}`);
    });
    expectFigures(summary(['score', 's32.npy', '--labels', 'y.npy', '--input', 'logits']), reference, 1e-6);
  });

  it('Parquet (3 row groups) equals the same rows as CSV', () => {
    expectFigures(summary(['score', 'first60.parquet']), summary(['score', 'first60.csv']), 1e-15);
  });

  it.each([
    [
      '.npy without --labels',
      ['score', 's64.npy', '--input', 'logits'],
      /^xentropy: s64\.npy: a \.npy file of scores needs --labels FILE\.npy/,
    ],
    [
      '.npy without --input',
      ['score', 's64.npy', '--labels', 'y.npy'],
      /^xentropy: s64\.npy: a \.npy file does not say what its scores are: pass --input logits\|probs\n$/,
    ],
    [
      '--labels with a CSV',
      ['score', 'first60.csv', '--labels', 'y.npy'],
      /^xentropy: --labels goes with \.npy scores only\n$/,
    ],
    [
      'a missing --labels file',
      ['score', 's64.npy', '--labels', 'no.npy', '--input', 'logits'],
      /^xentropy: cannot read no\.npy: no such file\n$/,
    ],
    ['parquet on stdin', ['score', '-', '--format', 'parquet'], /^xentropy: parquet cannot be read from stdin/],
  ])('exits 2 on %s', (_name, args, message) => {
    const r = run(args);
    expect(r.stderr).toMatch(message);
    expect(r.status).toBe(2);
  });

  it.each([
    [
      'a label out of range in .npy',
      () => {
        const bad = Float64Array.from(labels);
        bad[1500] = 10;
        return [
          'score',
          's64.npy',
          '--labels',
          file('bad-y.npy', npy('<i8', [labels.length], int64(bad))),
          '--input',
          'logits',
        ];
      },
      's64.npy: row 1500: label 10 is not a class index in [0, 10)',
    ],
    [
      'a NaN logit in .npy',
      () => {
        const bad = Float64Array.from(logits);
        bad[42 * K + 7] = NaN;
        return [
          'score',
          file('nan.npy', npy('<f8', [labels.length, K], bad)),
          '--labels',
          'y.npy',
          '--input',
          'logits',
        ];
      },
      'nan.npy: row 42: column 7 is NaN; a logit must be finite, or -inf to mask a class',
    ],
    [
      'a truncated .npy',
      () => [
        'score',
        file('cut.npy', npy('<f8', [labels.length, K], logits).subarray(0, 5000)),
        '--labels',
        'y.npy',
        '--input',
        'logits',
      ],
      'cut.npy: row 60: the file ends early',
    ], // (5000 - 128 header bytes) / 80 bytes a row = 60.9
    ['a file that is not Arrow', () => ['score', file('text.arrow', 'label,p_0\n0,1\n')], undefined],
    [
      'a .npy whose rows are wider than 2 GiB (issue 11, item 9: no native abort)',
      () => [
        'score',
        file('wide.npy', npy('<f8', [5, 300000000], new Float64Array(4))),
        '--labels',
        file('y5.npy', npy('<i8', [5], new BigInt64Array(5))),
        '--input',
        'logits',
      ],
      'wide.npy: rows of 300000000 float64 scores (2400000000 bytes each) are too wide to read (at most 67108864 bytes a row)',
    ],
    [
      'a .npy shape of (-5, 3) (issue 11, item 17)',
      () => {
        const text = new TextDecoder('latin1')
          .decode(npy('<f8', [5, 3], new Float64Array(15)))
          .replace('(5, 3)', '(-5,3)');
        return [
          'score',
          file(
            'neg.npy',
            Uint8Array.from(text, (c) => c.charCodeAt(0)),
          ),
          '--labels',
          file('y5.npy', npy('<i8', [5], new BigInt64Array(5))),
          '--input',
          'logits',
        ];
      },
      'neg.npy: the header\'s shape (-5,3) has "-5" where a dimension must be a non-negative integer',
    ],
    [
      'Parquet nulls at rows 3 and 1 (issue 11, item 15: the first is named)',
      () => [
        'score',
        file('nulls.parquet', readFileSync(join(ROOT, 'test/fixtures/parquet/nulls-rows-3-and-1.parquet'))),
      ],
      'nulls.parquet: row 1: column "logit_0" is null',
    ],
    [
      'Parquet: a NaN at row 1 before a null at row 2 (issue 11, item 15: the NaN is named)',
      () => [
        'score',
        file('nan-null.parquet', readFileSync(join(ROOT, 'test/fixtures/parquet/nan-row-1-null-row-2.parquet'))),
      ],
      'nan-null.parquet: row 1: logit_0 is NaN; a logit must be finite, or -inf to mask a class',
    ],
    [
      'Arrow: a null at row 2 after a NaN at row 1',
      () => {
        const t = tableFromArrays({
          label: Int32Array.of(0, 1, 0),
          logit_0: Float64Array.of(1, NaN, 2),
          logit_1: [1, 2, null] as never,
        });
        return ['score', file('nan-null.arrow', tableToIPC(t, 'file'))];
      },
      'nan-null.arrow: row 1: logit_0 is NaN; a logit must be finite, or -inf to mask a class',
    ],
    [
      'Arrow: a null at row 2 only',
      () => {
        const t = tableFromArrays({
          label: Int32Array.of(0, 1, 0),
          logit_0: Float64Array.of(1, 0, 2),
          logit_1: [1, 2, null] as never,
        });
        return ['score', file('null.arrow', tableToIPC(t, 'file'))];
      },
      'null.arrow: row 2: column "logit_1" is null',
    ],
  ] as Array<[string, () => string[], string | undefined]>)(
    'exits 1 on %s, naming FILE: row R',
    (_name, args, message) => {
      const r = run(args());
      if (message) expect(r.stderr).toBe(`xentropy: ${message}\n`);
      else expect(r.stderr).toMatch(/^xentropy: text\.arrow: /);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
    },
  );
});

describe('worker threads', () => {
  // ~13 MB: over the size where the default starts one thread per core.
  const copies = 40;
  const body = LOGITS.slice(LOGITS.indexOf('\n') + 1);
  const big = file('big.csv', LOGITS + body.repeat(copies - 1));
  // A NaN logit in the 10th row of the last copy.
  const last = body.split('\n');
  last[9] = last[9].replace(/^(\d+),[^,]*/, '$1,nan');
  const late = file('late.csv', `${LOGITS}${body.repeat(copies - 2)}${last.join('\n')}`);

  it('give the same summary and per-row file as one thread, whatever their number', () => {
    const one = summary(['score', big, '--workers', '1', '--per-row', 'one.csv']);
    expect(one.rows).toBe(copies * labels.length);
    expectFigures(
      one,
      { ...reference, rows: one.rows, sum_cross_entropy: reference.sum_cross_entropy * copies },
      1e-12,
    );
    const perRow = readFileSync(join(dir, 'one.csv'), 'utf8');
    for (const workers of [['--workers', '2'], ['--workers', '3'], []]) {
      const s = summary(['score', big, ...workers, '--per-row', 'many.csv']);
      expectFigures(s, one, 1e-15);
      expect(readFileSync(join(dir, 'many.csv'), 'utf8') === perRow, `per-row file with ${workers.join(' ')}`).toBe(
        true,
      );
    }
  });

  it('report the first bad line of the whole file, counted across pieces', () => {
    const line = 1 + (copies - 1) * labels.length + 10;
    const r = run(['score', late, '--workers', '2', '--per-row', 'never.csv']);
    expect(r.stderr).toBe(
      `xentropy: late.csv:${line}: logit_0 is NaN; a logit must be finite, or -inf to mask a class\n`,
    );
    expect(r.status).toBe(1);
    expect(readdirSync(dir).filter((f) => f.includes('never'))).toEqual([]);
  });
});

describe('--partial and xentropy merge', () => {
  const lines = LOGITS.trim().split('\n');
  const shards = [
    [1, 600],
    [600, 1300],
    [1300, lines.length],
  ].map(([a, b], i) => file(`shard-${i}.csv`, [lines[0], ...lines.slice(a, b)].join('\n')));

  it('merging shard partials gives the single-pass summary (worst row numbered through the shards)', () => {
    shards.forEach((shard, i) => {
      const r = run(['score', shard, '--partial', `part-${i}.json`]);
      expect(r.status).toBe(0);
      expect(r.stdout).toBe('');
    });
    const state = JSON.parse(readFileSync(join(dir, 'part-0.json'), 'utf8'));
    expect(state).toMatchObject({
      format: 'xentropy-partial',
      version: 2,
      task: 'multiclass',
      classes: 10,
      input: 'logits',
      rows: 599,
      files: ['shard-0.csv'],
    });
    const merged = summary(['merge', 'part-0.json', 'part-1.json', 'part-2.json']);
    expectFigures(merged, reference, 1e-15);
    expect(merged.file).toBe('shard-0.csv, shard-1.csv, shard-2.csv');
    // Merging merges: a partial of two partials, then the third.
    expect(run(['merge', 'part-0.json', 'part-1.json', '--partial', 'part-01.json']).status).toBe(0);
    expectFigures(summary(['merge', 'part-01.json', 'part-2.json']), reference, 1e-15);
    const human = run(['merge', 'part-0.json', 'part-1.json', 'part-2.json']);
    expect(human.stdout).toContain('rows                1797\n');
    expect(human.stdout).toContain('worst row           1264');
  });

  it('refuses partials that do not match, are not partials, or are missing', () => {
    expect(run(['score', shards[0], '--base', '2', '--partial', 'bits.json']).status).toBe(0);
    file('not.json', '{"rows": 3}');
    const cases: Array<[string[], RegExp, number]> = [
      [
        ['merge', 'part-0.json', 'bits.json'],
        /^xentropy: bits\.json cannot be merged with part-0\.json: different base "2" against "e"\n$/,
        2,
      ],
      [['merge', 'not.json'], /^xentropy: not\.json: not an xentropy partial result/, 1],
      [['merge', 'part-0.json', 'gone.json'], /^xentropy: cannot read gone\.json: no such file\n$/, 2],
      [['merge'], /^xentropy: missing required argument 'files'/, 2],
    ];
    for (const [args, message, status] of cases) {
      const r = run(args);
      expect(r.stderr).toMatch(message);
      expect(r.status).toBe(status);
    }
  });

  it('writes no partial file when scoring fails', () => {
    const r = run(['score', file('bad.csv', 'label,logit_0\n0,1\n0,x\n'), '--partial', 'failed.json']);
    expect(r.status).toBe(1);
    expect(existsSync(join(dir, 'failed.json'))).toBe(false);
  });
});

describe('progress', () => {
  it('is quiet when stderr is not a terminal, and drawn on a terminal (under script(1))', () => {
    const piped = run(['score', 'first60.csv']);
    expect(piped.stderr).toBe('');
    const script = spawnSync('script', ['-qec', `${process.execPath} ${MAIN} score first60.csv --json`, '/dev/null'], {
      cwd: dir,
      encoding: 'utf8',
    });
    if (script.error) return; // no script(1) here: nothing to run the terminal case under
    expect(script.stdout).toContain('rows');
    expect(script.stdout).toMatch(/MB\/s/);
    const quiet = spawnSync(
      'script',
      ['-qec', `${process.execPath} ${MAIN} score first60.csv --json --no-progress`, '/dev/null'],
      { cwd: dir, encoding: 'utf8' },
    );
    expect(quiet.stdout).not.toMatch(/MB\/s/);
  });
});
