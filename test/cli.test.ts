import { expectClose, expectRelative } from './helpers.js';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { load } from '../src/index.js';

// The built command, as users run it: `npm run build` (or `npm test`, whose pretest builds) first.
const ROOT = resolve(import.meta.dirname, '..');
const MAIN = join(ROOT, 'dist/cli/main.js');
const LOGITS = readFileSync(join(ROOT, 'examples/digits-logits.csv'), 'utf8');
const PROBS = readFileSync(join(ROOT, 'examples/digits-probs.csv'), 'utf8');
const reference = JSON.parse(readFileSync(join(ROOT, 'examples/digits-summary.json'), 'utf8')) as Record<
  string,
  number
>;
const KEYS = [
  'rows',
  'classes',
  'mean_cross_entropy',
  'sum_cross_entropy',
  'mean_entropy',
  'accuracy',
  'perplexity',
  'max_cross_entropy_row',
] as const;

// Made now, not in beforeAll: the it.each tables below write their input files while collected.
const dir = mkdtempSync(join(tmpdir(), 'xentropy-cli-'));
beforeAll(() => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build first`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `xentropy ARGS` in the temporary directory (so files are named as written). */
function run(args: string[], input?: string, cwd = dir): Run {
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd, input, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return name;
}

/** Every figure within `rel` of `expected` (relative), printing both and the difference when not. */
function expectFigures(got: Record<string, unknown>, expected: Record<string, number>, rel: number): void {
  for (const key of KEYS) expectRelative(got[key] as number, expected[key], { rel }, key);
}

/** The summary of a successful `--json` run (stdout must be one JSON object and nothing else). */
function summary(r: Run): Record<string, unknown> {
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

describe('xentropy score on the bundled example', () => {
  it('prints PyTorch / scikit-learn figures as one JSON object, keys in order', () => {
    const s = summary(run(['score', '--json'], undefined, ROOT));
    expect(Object.keys(s).slice(0, KEYS.length)).toEqual(KEYS);
    expectFigures(s, reference, 1e-12);
    expect(s).toMatchObject({ base: 'e', unit: 'nats', input: 'logits', file: 'examples/digits-logits.csv' });
  });

  it('finds the example from any working directory', () => {
    const s = summary(run(['score', '--json']));
    expectFigures(s, reference, 1e-12);
    expect(s.file).toBe(join(ROOT, 'examples/digits-logits.csv'));
  });

  it('gives the same figures from the probabilities file (kind inferred from p_*)', () => {
    const s = summary(run(['score', join(ROOT, 'examples/digits-probs.csv'), '--json']));
    expectFigures(s, reference, 1e-12);
    expect(s.input).toBe('probs');
  });

  it.each([
    ['2', 'bits'],
    ['10', 'bans'],
  ])('--base %s divides mean, sum and entropy by ln %s; perplexity is unchanged', (base, unit) => {
    const s = summary(run(['score', '--json', '--base', base]));
    const ln = Math.log(Number(base));
    const scaled = { ...reference };
    for (const key of ['mean_cross_entropy', 'sum_cross_entropy', 'mean_entropy'] as const)
      scaled[key] = reference[key] / ln;
    expectFigures(s, scaled, 1e-12);
    expect(s).toMatchObject({ base, unit });
  });

  it('prints a readable aligned summary by default', () => {
    const r = run(['score'], undefined, ROOT);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      [
        'file                examples/digits-logits.csv',
        'input               logits, 10 classes',
        'rows                1797',
        'mean cross-entropy  0.194385 nats',
        'sum cross-entropy   349.311 nats',
        'mean entropy        0.454960 nats',
        'accuracy            96.33 %',
        'top-5 accuracy      99.89 %',
        'brier               0.0762601',
        'ece                 0.0917845 (15 bins)',
        'perplexity          1.21456',
        'worst row           1264 (cross-entropy 4.63508 nats)',
        '',
      ].join('\n'),
    );
  });

  it('writes per-row values equal to the library, in input order, at full precision', async () => {
    const r = run(['score', join(ROOT, 'examples/digits-logits.csv'), '--per-row', 'rows.csv', '--no-progress']);
    expect(r.status).toBe(0);
    const [header, ...lines] = readFileSync(join(dir, 'rows.csv'), 'utf8').trimEnd().split('\n');
    expect(header).toBe('row,label,cross_entropy,entropy,predicted');
    const data = LOGITS.trimEnd()
      .split('\n')
      .slice(1)
      .map((line) => line.split(',').map(Number));
    const labels = Int32Array.from(data, (row) => row[0]);
    const logits = Float64Array.from(data.flatMap((row) => row.slice(1)));
    const x = await load();
    // The library's per-row pass (scoreRows), to the bit; the separate functions agree within API.md's bound.
    const { crossEntropy: ce, entropy } = x.scoreRows(labels, logits, { classes: 10, input: 'logits' });
    expectClose(ce, x.softmaxCrossEntropy(labels, logits, { classes: 10 }), 'float64', 'vs softmaxCrossEntropy');
    expectClose(
      entropy,
      x.entropy(x.softmax(logits, { classes: 10 }), { classes: 10 }),
      'float64',
      'vs entropy(softmax)',
    );
    expect(lines).toHaveLength(labels.length);
    const expected = data.map((row, i) => {
      const scores = row.slice(1);
      return `${i},${labels[i]},${String(ce[i])},${String(entropy[i])},${scores.indexOf(Math.max(...scores))}`;
    });
    expect(lines).toEqual(expected);
  });
});

describe('xentropy score input forms', () => {
  const tsv = LOGITS.replaceAll(',', '\t');
  // Every field quoted, CRLF line ends, no final line break.
  const quotedCrlf = LOGITS.trimEnd()
    .split('\n')
    .map((line) =>
      line
        .split(',')
        .map((f) => `"${f}"`)
        .join(','),
    )
    .join('\r\n');
  // An id column (text, with a quoted comma) in front and a note column in the middle.
  const withIds = LOGITS.trimEnd()
    .split('\n')
    .map((line, i) => {
      const [label, ...scores] = line.split(',');
      return i === 0 ? `id,${label},note,${scores.join(',')}` : `"digit, #${i}",${label},n${i},${scores.join(',')}`;
    })
    .join('\n');

  it.each([
    ['stdin (-)', ['-'], LOGITS],
    ['a .tsv file', [file('digits.tsv', tsv)], undefined],
    ['TSV on stdin with --format tsv', ['-', '--format', 'tsv'], tsv],
    ['quoted fields and CRLF', [file('quoted.csv', quotedCrlf)], undefined],
    ['ignored id and note columns', [file('ids.csv', withIds)], undefined],
    ['probabilities on stdin', ['-'], PROBS],
  ])('reads %s', (_name, args, input) => {
    expectFigures(summary(run(['score', ...args, '--json'], input)), reference, 1e-12);
  });

  it('takes --label-column and --input for other column names', () => {
    const text = 'a,y,b\n0.25,1,0.75\n0.5,0,0.5\n';
    const s = summary(run(['score', file('named.csv', text), '--label-column', 'y', '--input', 'probs', '--json']));
    expect(s).toMatchObject({ rows: 2, classes: 2, accuracy: 1, input: 'probs', max_cross_entropy_row: 1 });
    expect(s.mean_cross_entropy).toBe((-Math.log(0.75) - Math.log(0.5)) / 2);
  });

  it('accepts probability rows that sum to 1 within 1e-6', () => {
    const s = summary(run(['score', file('near.csv', 'label,p_0,p_1\n1,0.5,0.5000009\n'), '--json']));
    expect(s.mean_cross_entropy).toBe(-Math.log(0.5000009));
  });

  it('scores a -inf logit as a masked class; non-finite figures are JSON strings', () => {
    const s = summary(run(['score', file('masked.csv', 'label,logit_0,logit_1\n1,0,0\n0,-inf,0\n'), '--json']));
    expect(s).toMatchObject({
      mean_cross_entropy: 'Infinity',
      sum_cross_entropy: 'Infinity',
      perplexity: 'Infinity',
      max_cross_entropy_row: 1,
    });
    expect(s.mean_entropy).toBe(Math.log(2) / 2);
  });
});

describe('xentropy score errors', () => {
  // A bad row after the first 8192-row batch: lines keep counting across batches.
  const late = `label,logit_0,logit_1\n${'0,1,2\n'.repeat(9000)}1,2,nan\n`;

  it.each([
    ['a non-number', 'label,logit_0,logit_1\n0,1,2\n1,abc,2\n', 'bad.csv:3: column "logit_0": "abc" is not a number'],
    [
      'a number with junk',
      'label,logit_0,logit_1\n0,1,2\n1,0.25abc,2\n',
      'bad.csv:3: column "logit_0": "0.25abc" is not a number',
    ],
    ['an empty field', 'label,logit_0,logit_1\n0,1,2\n1,2,\n', 'bad.csv:3: column "logit_1": "" is not a number'],
    ['a wrong column count', 'label,logit_0,logit_1\n0,1,2\n1,2\n', 'bad.csv:3: 2 fields, but the header has 3'],
    ['a label ≥ k', 'label,logit_0,logit_1\n0,1,2\n2,1,2\n', 'bad.csv:3: label 2 is not a class index in [0, 2)'],
    ['a negative label', 'label,logit_0,logit_1\n-1,1,2\n', 'bad.csv:2: label -1 is not a class index in [0, 2)'],
    ['a fractional label', 'label,logit_0,logit_1\n0.5,1,2\n', 'bad.csv:2: label 0.5 is not a class index in [0, 2)'],
    [
      'a negative probability',
      'label,p_0,p_1\n0,0.5,0.5\n1,-0.25,1.25\n',
      'bad.csv:3: p_0 is -0.25; a probability must be a number in [0, 1]',
    ],
    [
      'a NaN probability',
      'label,p_0,p_1\n0,nan,1\n',
      'bad.csv:2: p_0 is NaN; a probability must be a number in [0, 1]',
    ],
    [
      'probabilities off 1',
      'label,p_0,p_1\n0,0.5,0.5\n1,0.5,0.5000011\n',
      'bad.csv:3: probabilities sum to 1.0000011, not 1 (within 1e-6)',
    ],
    [
      'a NaN logit',
      'label,logit_0,logit_1\n0,NaN,2\n',
      'bad.csv:2: logit_0 is NaN; a logit must be finite, or -inf to mask a class',
    ],
    [
      'a +inf logit',
      'label,logit_0,logit_1\n0,1,+Inf\n',
      'bad.csv:2: logit_1 is Infinity; a logit must be finite, or -inf to mask a class',
    ],
    ['no data rows', 'label,logit_0,logit_1\n', 'bad.csv:1: a header but no data rows'],
    ['an empty file', '', 'bad.csv:1: no header row (the input is empty)'],
    [
      'no label column',
      'target,logit_0\n0,1\n',
      'bad.csv:1: no column named "label" (name the label column with --label-column)',
    ],
    [
      'a multi-line quoted field before',
      'id,label,logit_0\n"a\nb",0,1\nc,0,x\n',
      'bad.csv:4: column "logit_0": "x" is not a number',
    ],
    [
      'CRLF line ends',
      'label,logit_0,logit_1\r\n0,1,2\r\n0,1,nan\r\n',
      'bad.csv:3: logit_1 is NaN; a logit must be finite, or -inf to mask a class',
    ],
    [
      'a bad row in the second batch',
      late,
      'bad.csv:9002: logit_1 is NaN; a logit must be finite, or -inf to mask a class',
    ],
  ])('exits 1 on %s with FILE:LINE', (_name, text, message) => {
    const r = run(['score', file('bad.csv', text), '--json']);
    expect(r.stderr).toBe(`xentropy: ${message}\n`);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
  });

  it('names stdin -', () => {
    const r = run(['score', '-'], 'label,p_0,p_1\n0,1,0\n3,0,1\n');
    expect(r.stderr).toBe('xentropy: -:3: label 3 is not a class index in [0, 2)\n');
    expect(r.status).toBe(1);
  });

  it.each([
    ['an unknown option', ['score', '--bogus'], /^xentropy: unknown option '--bogus'/],
    ['a bad --base', ['score', '--base', '3'], /^xentropy: option '--base <base>' argument '3' is invalid/],
    [
      'a bad --input',
      ['score', '--input', 'scores'],
      /^xentropy: option '--input <kind>' argument 'scores' is invalid/,
    ],
    [
      'an unknown format',
      ['score', '--format', 'xlsx'],
      /^xentropy: option '--format <format>' argument 'xlsx' is invalid/,
    ],
    ['a bad --workers', ['score', '--workers', '0'], /^xentropy: option '--workers <n>' argument '0' is invalid/],
    ['a missing file', ['score', 'missing.csv'], /^xentropy: cannot read missing\.csv: no such file\n$/],
    ['a directory', ['score', '.'], /^xentropy: cannot read \.: it is a directory\n$/],
    ['a missing .parquet file', ['score', 'x.parquet'], /^xentropy: cannot read x\.parquet: no such file\n$/],
    ['two files', ['score', 'a.csv', 'b.csv'], /^xentropy: too many arguments for 'score'/],
    [
      'an unwritable --per-row',
      ['score', '--per-row', 'no/such/dir/rows.csv'],
      /^xentropy: cannot write no\/such\/dir\/rows\.csv: no such directory\n$/,
    ],
    ['no command', [], /^Usage: xentropy/],
  ])('exits 2 on %s', (_name, args, message) => {
    const r = run(args);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.status).toBe(2);
  });

  it('exits 2 when the kind of score columns cannot be inferred', () => {
    const plain = file('plain.csv', 'label,a,b\n0,1,2\n');
    const r = run(['score', plain]);
    expect(r.stderr).toBe(
      `xentropy: ${plain}: cannot tell whether` +
        ' the score columns (a, b) are logits or probabilities: ' +
        'name them logit_* or p_*, or pass --input logits|probs\n',
    );
    expect(r.status).toBe(2);
  });

  it('leaves no per-row file, and no temporary file, after a failure', () => {
    mkdirSync(join(dir, 'out'));
    writeFileSync(join(dir, 'out/old.csv'), 'old\n');
    const bad = file('late.csv', late);
    for (const target of ['out/new.csv', 'out/old.csv']) {
      const r = run(['score', bad, '--per-row', target]);
      expect(r.status).toBe(1);
    }
    expect(readdirSync(join(dir, 'out'))).toEqual(['old.csv']);
    expect(readFileSync(join(dir, 'out/old.csv'), 'utf8')).toBe('old\n');
  });
});

describe('xentropy command line', () => {
  it('shows help with examples and status 0', () => {
    const r = run(['score', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: xentropy score [options] [file]');
    expect(r.stdout).toContain('--per-row <file>');
    expect(r.stdout).toContain('--no-progress');
    expect(r.stdout).toContain('$ xentropy score preds.csv --json');
  });

  it('ends quietly with status 0 when stdout closes early (| head)', async () => {
    const child = spawn(process.execPath, [MAIN, 'score', '--json'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    const status = await new Promise((done) => child.on('close', done));
    expect(stderr).toBe('');
    expect(status).toBe(0);
  });
});
