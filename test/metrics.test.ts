/**
 * Every classifier (API.md "Every classifier"): the figures of `xentropy score` against
 * scikit-learn's own (test/fixtures/gen_metrics.py → test/fixtures/metrics/expected.json), on
 * both backends and on CSV, TSV and Arrow (plain and dictionary-encoded text labels); sharding
 * with --partial + merge; the column and label rules; bad input.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Float64, Utf8, tableFromArrays, tableToIPC, vectorFromArray } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Accumulator } from '../src/accumulator.js';
import type { AccumulatorOptions, Scorer, Summary } from '../src/accumulator.js';
import { js, load } from '../src/index.js';
import { splitRows } from '../src/io/columns.js';
import type { Task } from '../src/io/columns.js';
import { readDelimited } from '../src/io/csv.js';
import { findFault } from '../src/io/check.js';
import { rng } from './support/rng.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const MAIN = join(ROOT, 'dist/cli/main.js');
const FIXTURES = join(ROOT, 'test/fixtures/metrics');
interface Case {
  file: string;
  args: string[];
  input: 'logits' | 'probs';
  expected: Record<string, unknown>;
}
const golden = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as { cases: Record<string, Case> };

const dir = mkdtempSync(join(tmpdir(), 'xentropy-metrics-'));
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

function summary(args: string[]): Record<string, unknown> {
  const r = run([...args, '--json']);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

/** Counts and names exactly; figures within `rel` (scikit-learn's float64 sums against ours). */
function expectFigures(
  got: Record<string, unknown>,
  expected: Record<string, unknown>,
  rel: number,
  where: string,
): void {
  for (const [key, e] of Object.entries(expected)) {
    const g = got[key];
    if (Array.isArray(e)) {
      expect(Array.isArray(g), `${where} ${key} missing`).toBe(true);
      (e as unknown[]).forEach((item, i) => {
        if (typeof item === 'object' && item !== null && !Array.isArray(item)) {
          expectFigures(
            (g as Array<Record<string, unknown>>)[i],
            item as Record<string, unknown>,
            rel,
            `${where} ${key}[${i}]`,
          );
        } else expect((g as unknown[])[i], `${where} ${key}[${i}]`).toEqual(item);
      });
    } else if (e === 'NaN') {
      expect(Number.isNaN(g) || g === 'NaN', `${where} ${key}: got ${String(g)}, expected NaN`).toBe(true);
    } else if (typeof e === 'number' && !Number.isInteger(e)) {
      const v = g as number;
      const delta = Math.abs(v - e);
      expect(delta <= rel * Math.abs(e) + 1e-15, `${where} ${key}: got ${v}, expected ${e}, Δ ${delta}`).toBe(true);
    } else expect(g, `${where} ${key}`).toEqual(e);
  }
}

/** The args of `xentropy score` for a case. */
const argsOf = (c: Case, name = c.file) => ['score', name, ...c.args];

describe('figures against scikit-learn (CLI, wasm)', () => {
  it.each(Object.entries(golden.cases))('%s from CSV', (name, c) => {
    const got = summary([
      ...argsOf(c, join(FIXTURES, c.file)),
      '--per-class',
      ...(c.expected.confusion ? ['--confusion'] : []),
    ]);
    expectFigures(got, c.expected, 1e-12, name);
  });

  it.each(Object.entries(golden.cases).slice(0, 3))('%s from TSV and stdin', (name, c) => {
    const text = readFileSync(join(FIXTURES, c.file), 'utf8');
    file('case.tsv', text.replaceAll(',', '\t'));
    expectFigures(
      summary([...argsOf(c, 'case.tsv')]),
      { ...c.expected, per_class: undefined, confusion: undefined },
      1e-12,
      `${name} tsv`,
    );
    const r = run([...argsOf(c, '-'), '--json'], text);
    expect(r.status).toBe(0);
    expectFigures(
      JSON.parse(r.stdout),
      { ...c.expected, per_class: undefined, confusion: undefined },
      1e-12,
      `${name} stdin`,
    );
  });

  it.each(Object.entries(golden.cases))('%s from Arrow (text labels plain and dictionary-encoded)', (name, c) => {
    const [header, ...lines] = readFileSync(join(FIXTURES, c.file), 'utf8').trimEnd().split('\n');
    const columns = header.split(',');
    const cells = lines.map((l) => l.split(','));
    for (const dictionary of [false, true]) {
      const data: Record<string, unknown> = {};
      columns.forEach((col, j) => {
        const values = cells.map((r) => r[j]);
        if (col === 'label' || col === 'id') {
          data[col] = dictionary ? vectorFromArray(values) : vectorFromArray(values, new Utf8());
        } else data[col] = vectorFromArray(values.map(Number), new Float64());
      });
      const arrow = file(`case-${dictionary}.arrow`, tableToIPC(tableFromArrays(data as never) as never, 'file'));
      const got = summary([...argsOf(c, arrow), '--per-class', ...(c.expected.confusion ? ['--confusion'] : [])]);
      expectFigures(got, c.expected, 1e-12, `${name} arrow dictionary=${dictionary}`);
    }
  });
});

const wasm = await load({ backend: 'wasm' });

/** A case's file read by the page's reader (readDelimited) and scored by an Accumulator on `x`. */
async function scoreInProcess(x: Scorer, c: Case, extra: Partial<AccumulatorOptions> = {}): Promise<Summary> {
  const options = parseArgs(c.args);
  const text = readFileSync(join(FIXTURES, c.file), 'utf8');
  let acc: Accumulator | undefined;
  for await (const batch of readDelimited([text], {
    name: c.file,
    delimiter: ',',
    weightColumn: options.weightColumn,
  })) {
    const layout = batch.layout!;
    if (!acc) {
      const names =
        layout.task === 'binary'
          ? [batch.names?.[0] ?? '', batch.names![1]]
          : batch.names
            ? [...batch.names]
            : undefined;
      acc = new Accumulator(x, {
        task: layout.task,
        classes: layout.classes,
        input: c.input,
        names,
        perClass: true,
        confusion: layout.task !== 'multilabel',
        threshold: options.threshold,
        topK: options.topK,
        bins: options.bins,
        ...extra,
      });
    }
    expect(findFault(batch, c.input, layout)).toBeUndefined();
    const { scores, targets, weights } = splitRows(batch.scores, batch.rows, layout);
    acc.add(batch.labels, scores, batch.firstRow, { targets, weights });
    if (layout.task === 'binary') acc.names = [batch.names![0], batch.names![1]];
  }
  return acc!.result();
}

function parseArgs(args: string[]): { weightColumn?: string; threshold?: number; topK?: number; bins?: number } {
  const value = (flag: string) => {
    const i = args.indexOf(flag);
    return i < 0 ? undefined : args[i + 1];
  };
  const number = (flag: string) => (value(flag) === undefined ? undefined : Number(value(flag)));
  return {
    weightColumn: value('--weight-column'),
    threshold: number('--threshold'),
    topK: number('--top-k'),
    bins: number('--bins'),
  };
}

describe.each([
  ['js', js],
  ['wasm', wasm],
] as Array<[string, Scorer]>)('figures against scikit-learn (Accumulator on %s)', (backend, x) => {
  it.each(Object.entries(golden.cases))('%s', async (name, c) => {
    const s = await scoreInProcess(x, c);
    expectFigures(s as unknown as Record<string, unknown>, c.expected, 1e-12, `${backend} ${name}`);
  });
});

describe('sharding: random splits merged equal one pass', () => {
  it('in process, for every case, 20 random splits each, merged in random order through JSON', async () => {
    const random = rng(1302);
    for (const [name, c] of Object.entries(golden.cases)) {
      const options = parseArgs(c.args);
      const text = readFileSync(join(FIXTURES, c.file), 'utf8');
      const [header, ...lines] = text.trimEnd().split('\n');
      const whole = await scoreCsv(js, header, lines, c, options);
      for (let trial = 0; trial < 20; trial++) {
        const cuts = [
          0,
          ...Array.from({ length: 1 + Math.floor(random() * 5) }, () => Math.floor(random() * lines.length)).sort(
            (a, b) => a - b,
          ),
          lines.length,
        ];
        const parts: Array<{ acc: Accumulator; first: number }> = [];
        for (let i = 0; i + 1 < cuts.length; i++) {
          if (cuts[i + 1] === cuts[i]) continue;
          parts.push({
            acc: await scoreCsv(js, header, lines.slice(cuts[i], cuts[i + 1]), c, options),
            first: cuts[i],
          });
        }
        // Any merge order: the worst row is placed by each part's offset.
        const order = parts.map((_, i) => i).sort(() => random() - 0.5);
        const first = parts[order[0]];
        const merged = Accumulator.fromJSON(js, JSON.parse(JSON.stringify(first.acc)));
        const shifted = (p: { acc: Accumulator; first: number }) =>
          Accumulator.fromJSON(js, JSON.parse(JSON.stringify(p.acc)));
        const total = new Accumulator(js, { ...optionsOf(merged), names: merged.names });
        total.merge(merged, first.first);
        for (const i of order.slice(1)) total.merge(shifted(parts[i]), parts[i].first);
        expectSame(total.result(), whole.result(), `${name} trial ${trial}`);
      }
    }
  });

  it('on the command line: shards scored with --partial, merged, equal one pass; the same shard twice is refused', () => {
    const c = golden.cases['named-logits weighted'];
    const [header, ...lines] = readFileSync(join(FIXTURES, c.file), 'utf8').trimEnd().split('\n');
    const cuts = [0, 37, 38, 151, lines.length];
    const parts = cuts.slice(0, -1).map((from, i) => {
      file(`shard-${i}.csv`, [header, ...lines.slice(from, cuts[i + 1])].join('\n'));
      const r = run([
        'score',
        `shard-${i}.csv`,
        ...c.args,
        '--per-class',
        '--confusion',
        '--partial',
        `part-${i}.json`,
      ]);
      expect(r.stderr).toBe('');
      return `part-${i}.json`;
    });
    const merged = summary(['merge', ...parts]);
    const whole = summary([...argsOf(c, join(FIXTURES, c.file)), '--per-class', '--confusion']);
    for (const key of ['file', 'max_cross_entropy_row']) delete whole[key];
    expectFigures(merged, whole, 1e-15, 'merge');
    const twice = run(['merge', parts[0], parts[1], parts[0]]);
    expect(twice.status).toBe(2);
    expect(twice.stderr).toMatch(
      /^xentropy: part-0\.json: the shard shard-0\.csv \(37 rows, id [0-9a-f]{16}\) is already in part-0\.json/,
    );
    // The same shard scored again (a new run, a new id) is recognised by its content too.
    expect(
      run(['score', 'shard-1.csv', ...c.args, '--per-class', '--confusion', '--partial', 'again.json']).status,
    ).toBe(0);
    expect(run(['merge', parts[1], 'again.json']).status).toBe(2);
    // A merged partial holding a shard, and that shard again.
    expect(run(['merge', parts[0], parts[1], '--partial', 'p01.json']).status).toBe(0);
    const inside = run(['merge', 'p01.json', parts[1]]);
    expect(inside.status).toBe(2);
    expect(inside.stderr).toContain('is already in p01.json');
  });
});

async function scoreCsv(
  x: Scorer,
  header: string,
  lines: string[],
  c: Case,
  options: ReturnType<typeof parseArgs>,
): Promise<Accumulator> {
  return await scoreInProcessText(x, `${header}\n${lines.join('\n')}\n`, c, options);
}

async function scoreInProcessText(
  x: Scorer,
  text: string,
  c: Case,
  options: ReturnType<typeof parseArgs>,
): Promise<Accumulator> {
  let acc: Accumulator | undefined;
  for await (const batch of readDelimited([text], {
    name: c.file,
    delimiter: ',',
    weightColumn: options.weightColumn,
  })) {
    const layout = batch.layout!;
    acc ??= new Accumulator(x, {
      task: layout.task,
      classes: layout.classes,
      input: c.input,
      perClass: true,
      confusion: layout.task !== 'multilabel',
      threshold: options.threshold,
      topK: options.topK,
      bins: options.bins,
      weighted: layout.weight,
      names: layout.task === 'binary' ? ['', batch.names![1]] : batch.names ? [...batch.names] : undefined,
    });
    const { scores, targets, weights } = splitRows(batch.scores, batch.rows, layout);
    acc.add(batch.labels, scores, batch.firstRow, { targets, weights });
    if (layout.task === 'binary') acc.names = [batch.names![0], batch.names![1]];
  }
  return acc!;
}

function optionsOf(a: Accumulator): AccumulatorOptions {
  return {
    task: a.task,
    classes: a.classes,
    input: a.input,
    base: a.base,
    bins: a.bins,
    topK: a.topK || undefined,
    threshold: a.threshold,
    perClass: a.perClass,
    confusion: a.confusion,
    weighted: a.weighted,
  };
}

/** Counts exact, sums within 1e-15 relative (API.md). */
function expectSame(got: Summary, expected: Summary, where: string): void {
  expectFigures(
    got as unknown as Record<string, unknown>,
    expected as unknown as Record<string, unknown>,
    1e-15,
    where,
  );
}

describe('column rules (issue 11 items 1, 3, 4)', () => {
  it('a p_* column whose first value is NA is a score column: bad input at its line', () => {
    const r = run(['score', file('na.csv', 'label,p_0,p_1,p_2\n0,NA,0.5,0.5\n1,0.2,0.5,0.3\n2,0.1,0.1,0.8\n')]);
    expect(r.stderr).toBe('xentropy: na.csv:2: column "p_0": "NA" is not a number\n');
    expect(r.status).toBe(1);
    const later = run(['score', file('na2.csv', 'label,logit_a,logit_b\na,1,2\nb,nan?,1\n')]);
    expect(later.stderr).toBe('xentropy: na2.csv:3: column "logit_a": "nan?" is not a number\n');
  });

  it('a y_* column is always read: a non-number in it is bad input', () => {
    const r = run(['score', file('yna.csv', 'p_a,p_b,y_a,y_b\n0.5,0.5,NA,1\n')]);
    expect(r.stderr).toBe('xentropy: yna.csv:2: column "y_a": "NA" is not a number\n');
    expect(r.status).toBe(1);
  });

  it('a TSV with decimal commas is bad input', () => {
    const r = run(['score', file('comma.tsv', 'label\ts0\ts1\n0\t1,5\t2\n'), '--input', 'logits']);
    expect(r.stderr).toBe(
      'xentropy: comma.tsv:2: column "s0": "1,5" has a decimal comma; write numbers with a decimal point\n',
    );
    expect(r.status).toBe(1);
  });

  it('a column with an empty name (a pandas index) is never a score column', () => {
    const s = summary([
      'score',
      file('index.csv', ',label,logit_0,logit_1\n0,0,2,0\n1,1,0,2\n2,1,3,0\n'),
      '--input',
      'logits',
    ]);
    expect(s.classes).toBe(2);
    expect(s.accuracy).toBeCloseTo(2 / 3, 15);
  });

  it('score columns in lexicographic order map to classes by their suffix', () => {
    // logit_0, logit_1, logit_10, logit_2, …: label 10 is the third column, label 2 the fourth.
    const k = 11;
    const order = Array.from({ length: k }, (_, c) => c).sort((a, b) => String(a).localeCompare(String(b)));
    const header = ['label', ...order.map((c) => `logit_${c}`)].join(',');
    const rows = [10, 2, 7].map((y) => [y, ...order.map((c) => (c === y ? 5 : 0))].join(','));
    const s = summary(['score', file('lex.csv', [header, ...rows].join('\n'))]);
    expect(s.accuracy).toBe(1);
    expect(s.mean_cross_entropy as number).toBeCloseTo(Math.log(Math.exp(5) + 10) - 5, 14);
  });

  it('integer labels are positions when no suffix is an integer; names work too', () => {
    const positions = summary(['score', file('pos.csv', 'label,p_cat,p_dog\n0,0.9,0.1\n1,0.2,0.8\n')]);
    const names = summary(['score', file('names.csv', 'label,p_cat,p_dog\ncat,0.9,0.1\ndog,0.2,0.8\n')]);
    expect(names.mean_cross_entropy).toBe(positions.mean_cross_entropy);
    expect(names.accuracy).toBe(1);
  });

  it('--per-row writes class names as the input names them', () => {
    const r = run(['score', 'names.csv', '--per-row', 'names-rows.csv']);
    expect(r.status).toBe(0);
    expect(readFileSync(join(dir, 'names-rows.csv'), 'utf8').split('\n').slice(0, 3)).toEqual([
      'row,label,cross_entropy,entropy,predicted',
      `0,cat,${-Math.log(0.9)},${-(0.9 * Math.log(0.9) + 0.1 * Math.log(0.1))},cat`,
      `1,dog,${-Math.log(0.8)},${-(0.2 * Math.log(0.2) + 0.8 * Math.log(0.8))},dog`,
    ]);
  });
});

describe('tasks and options', () => {
  it('binary: labels true/false with a bare logit column; --positive names the positive class', () => {
    const s = summary(['score', file('tf.csv', 'label,logit\ntrue,2\nFALSE,-1\ntrue,-0.5\n')]);
    expect(s).toMatchObject({ task: 'binary', classes: 2, positive: '1', rows: 3 });
    const bce = (y: number, z: number) => Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
    expect(s.mean_cross_entropy as number).toBeCloseTo((bce(1, 2) + bce(0, -1) + bce(1, -0.5)) / 3, 14);
    expect(s.accuracy).toBeCloseTo(2 / 3, 15);
    const named = summary(['score', file('yn.csv', 'label,p\nyes,0.9\nno,0.2\n'), '--positive', 'yes', '--per-class']);
    expect(named.positive).toBe('yes');
    expect((named.per_class as Array<{ class: string }>).map((c) => c.class)).toEqual(['no', 'yes']);
  });

  it('binary --per-row writes the label names; multilabel --per-row writes row,cross_entropy,entropy,correct', () => {
    expect(run(['score', 'yn.csv', '--positive', 'yes', '--per-row', 'yn-rows.csv']).status).toBe(0);
    expect(readFileSync(join(dir, 'yn-rows.csv'), 'utf8').split('\n')[1]).toBe(
      `0,yes,${-Math.log(0.9)},${-(0.9 * Math.log(0.9) + 0.1 * Math.log(0.1))},yes`,
    );
    expect(run(['score', file('ml.csv', 'p_a,p_b,y_a,y_b\n0.5,0.25,1,0\n'), '--per-row', 'ml-rows.csv']).status).toBe(
      0,
    );
    const [header, line] = readFileSync(join(dir, 'ml-rows.csv'), 'utf8').split('\n');
    expect(header).toBe('row,cross_entropy,entropy,correct');
    const h = (p: number) => -(p * Math.log(p) + (1 - p) * Math.log(1 - p));
    expect(line).toBe(`0,${(Math.log(2) - Math.log(0.75)) / 2},${(h(0.5) + h(0.25)) / 2},2`);
  });

  it('multilabel is inferred from y_ twins and no label column; --task overrides inference', () => {
    const s = summary(['score', 'ml.csv']);
    expect(s).toMatchObject({ task: 'multilabel', labels: 2, rows: 1, exact_match: 1 });
    expect(s.classes).toBeUndefined();
    const forced = run(['score', file('one.csv', 'label,p_0,p_1\n0,0.4,0.6\n'), '--task', 'binary']);
    expect(forced.stderr).toMatch(/one\.csv:1: a binary task has one score column, not 2/);
    expect(forced.status).toBe(1);
  });

  it('--threshold 1 predicts positive only at p = 1; 0 and above 1 are usage errors', () => {
    const edge = file('edge.csv', 'label,p\n1,1\n1,0.999\n0,0.2\n');
    const s = JSON.parse(run(['score', edge, '--threshold', '1', '--json']).stdout);
    // Right: row 0 (p = 1 ≥ 1, label 1) and row 2 (0.2 < 1, label 0); row 1 is predicted 0.
    expect(s.accuracy).toBe(2 / 3);
    for (const t of ['0', '1.5']) {
      const r = run(['score', edge, '--threshold', t]);
      expect(r.stderr).toContain(
        `xentropy: option '--threshold <t>' argument '${t}' is invalid. expected a number in (0, 1]\n`,
      );
      expect(r.status).toBe(2);
    }
  });

  it('--top-k outside 1 ≤ K < k or on a binary task is a usage error', () => {
    for (const args of [
      ['pos.csv', '--top-k', '2'],
      ['yn.csv', '--top-k', '1'],
    ]) {
      const r = run(['score', ...args]);
      expect(r.stderr).toMatch(/--top-k/);
      expect(r.status).toBe(2);
    }
    expect(run(['score', 'pos.csv', '--threshold', '1.5']).status).toBe(2);
    expect(run(['score', 'pos.csv', '--bins', '0']).status).toBe(2);
    expect(run(['score', 'pos.csv', '--task', 'ternary']).status).toBe(2);
  });

  it('a weight of 0 counts for nothing, even where the loss is infinite; weights all 1 equal no weights', () => {
    const weighted = summary([
      'score',
      file('w0.csv', 'label,p_0,p_1,w\n0,1,0,1\n1,1,0,0\n1,0.25,0.75,1\n'),
      '--weight-column',
      'w',
    ]);
    expect(weighted.mean_cross_entropy).toBeCloseTo(-Math.log(0.75) / 2, 15);
    expect(weighted.rows).toBe(3);
    expect(weighted.weight_sum).toBe(2);
    const ones = summary([
      'score',
      file('w1.csv', 'label,p_0,p_1,w\n0,0.5,0.5,1\n1,0.25,0.75,1\n'),
      '--weight-column',
      'w',
    ]);
    const none = summary(['score', file('w1-none.csv', 'label,p_0,p_1\n0,0.5,0.5\n1,0.25,0.75\n')]);
    for (const key of ['mean_cross_entropy', 'brier', 'ece', 'accuracy', 'mean_entropy'])
      expect(ones[key]).toBe(none[key]);
  });
});

describe('bad input: exit 1 with FILE:LINE', () => {
  it.each([
    [
      'a label that names no class',
      'label,p_cat,p_dog,p_horse\ncat,0.5,0.25,0.25\nbird,0.5,0.25,0.25\n',
      [],
      'x.csv:3: label "bird" is not a class (p_cat, p_dog, p_horse)',
    ],
    [
      'a label beyond the integer suffixes',
      'label,logit_1,logit_2,logit_3\n3,0,0,0\n0,0,0,0\n',
      [],
      'x.csv:3: label "0" is not a class (logit_1, logit_2, logit_3)',
    ],
    [
      'a third distinct binary label',
      'label,p_spam\nspam,0.9\nham,0.2\neggs,0.5\n',
      [],
      'x.csv:4: label "eggs" is a third distinct label of a binary task (the classes are "spam" and "ham"; name the positive class with --positive)',
    ],
    [
      'a negative weight',
      'label,p_0,p_1,w\n0,0.5,0.5,1\n1,0.5,0.5,-1\n',
      ['--weight-column', 'w'],
      'x.csv:3: weight w is -1; a weight must be a finite number ≥ 0',
    ],
    [
      'a NaN weight',
      'label,p_0,p_1,w\n0,0.5,0.5,nan\n',
      ['--weight-column', 'w'],
      'x.csv:2: weight w is NaN; a weight must be a finite number ≥ 0',
    ],
    [
      'an infinite weight',
      'label,p_0,p_1,w\n0,0.5,0.5,inf\n',
      ['--weight-column', 'w'],
      'x.csv:2: weight w is Infinity; a weight must be a finite number ≥ 0',
    ],
    [
      'a y_* value other than 0/1',
      'p_a,p_b,y_a,y_b\n0.5,0.5,1,0\n0.5,0.5,2,0\n',
      [],
      'x.csv:3: y_a is 2; a target must be 0 or 1',
    ],
    [
      'a binary probability above 1',
      'label,p\n1,0.5\n0,1.5\n',
      [],
      'x.csv:3: p is 1.5; a probability must be in [0, 1]',
    ],
    ['a binary probability below 0', 'label,p\n1,-0.5\n', [], 'x.csv:2: p is -0.5; a probability must be in [0, 1]'],
    [
      'a missing weight column',
      'label,p\n1,0.5\n',
      ['--weight-column', 'w'],
      'x.csv:1: no column named "w" (the --weight-column)',
    ],
  ])('%s', (_what, content, args, message) => {
    const r = run(['score', file('x.csv', content), ...(args as string[])]);
    expect(r.stderr).toBe(`xentropy: ${message}\n`);
    expect(r.status).toBe(1);
  });

  it('a third binary label in a later piece (workers) names its line', () => {
    const rows = Array.from({ length: 400_000 }, (_, i) => `${i % 2 ? 'spam' : 'ham'},0.5`);
    rows[300_000] = 'eggs,0.5';
    const r = run(['score', file('big.csv', `label,p_spam\n${rows.join('\n')}\n`), '--workers', '2']);
    expect(r.stderr).toBe(
      'xentropy: big.csv:300002: label "eggs" is a third distinct label of a binary task (the classes are "spam" and "ham"; name the positive class with --positive)\n',
    );
    expect(r.status).toBe(1);
  });
});

describe('merge refuses what does not fit (exit 2)', () => {
  beforeAll(() => {
    file('m.csv', 'label,p_a,p_b,p_c\na,0.5,0.25,0.25\nb,0.2,0.5,0.3\n');
    file('m2.csv', 'label,p_a,p_b,p_c\nc,0.5,0.25,0.25\n');
    file('other.csv', 'label,p_a,p_b,p_x\na,0.5,0.25,0.25\n');
    file('ml.csv', 'p_a,p_b,y_a,y_b\n0.5,0.25,1,0\n');
    for (const [f, out, extra] of [
      ['m.csv', 'm.json', []],
      ['m2.csv', 'm2.json', []],
      ['m2.csv', 'bins.json', ['--bins', '10']],
      ['other.csv', 'names.json', []],
      ['ml.csv', 'task.json', []],
      ['m2.csv', 'bits.json', ['--base', '2']],
    ] as Array<[string, string, string[]]>) {
      expect(run(['score', f, ...extra, '--partial', out]).status).toBe(0);
    }
  });

  it.each([
    ['bins', 'bins.json', /^xentropy: bins\.json cannot be merged with m\.json: different bins 10 against 15\n$/],
    [
      'class names',
      'names.json',
      /^xentropy: names\.json cannot be merged with m\.json: different class names \["a","b","x"\] against \["a","b","c"\]\n$/,
    ],
    [
      'tasks',
      'task.json',
      /^xentropy: task\.json cannot be merged with m\.json: different task "multilabel" against "multiclass"\n$/,
    ],
    ['bases', 'bits.json', /^xentropy: bits\.json cannot be merged with m\.json: different base "2" against "e"\n$/],
  ])('different %s', (_what, other, message) => {
    const r = run(['merge', 'm.json', other]);
    expect(r.stderr).toMatch(message);
    expect(r.status).toBe(2);
  });

  it('edited partials: rows 0 with sums, an edited base, counts that disagree', () => {
    const state = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8'));
    const edits: Array<[string, (s: Record<string, unknown>) => void, RegExp]> = [
      [
        'zero.json',
        (s) => {
          s.rows = 0;
        },
        /rows is 0 but weight is 2|shards cover 2 rows, but it holds 0/,
      ],
      [
        'base.json',
        (s) => {
          s.base = 2.5;
        },
        /base 2\.5 is not e \(2\.718281828459045\), 2 or 10/,
      ],
      [
        'rows.json',
        (s) => {
          s.rows = 3;
        },
        /classRows add up to 2, not rows 3|shards cover 2 rows, but it holds 3|weight 2/,
      ],
      [
        'conf.json',
        (s) => {
          s.classRows = [2, 0, 0];
        },
        /class 0: weight 1 but 2 rows, without weights/,
      ],
    ];
    for (const [name, edit, message] of edits) {
      const copy = structuredClone(state);
      edit(copy);
      file(name, JSON.stringify(copy));
      const r = run(['merge', name]);
      expect(r.stderr, name).toMatch(message);
      expect(r.stderr, name).toMatch(
        new RegExp(`^xentropy: ${name.replace('.', '\\.')}: a damaged or edited partial result: `),
      );
      expect(r.status, name).toBe(2);
    }
  });
});

describe('readDelimited layouts (browser-safe reader)', () => {
  it('binary labels resolve to 1 (positive) and 0 (negative), the negative named', async () => {
    const batches = [];
    for await (const b of readDelimited(['label,p_yes\nyes,0.9\nno,0.1\n'], { name: 'x.csv', delimiter: ',' }))
      batches.push(b);
    expect(Array.from(batches[0].labels)).toEqual([1, 0]);
    expect(batches[0].names).toEqual(['no', 'yes']);
    expect(batches[0].layout!.task satisfies Task).toBe('binary');
  });
});

describe('examples: real predictions against scikit-learn (examples/gen_examples.py)', () => {
  it.each([
    ['digits-binary.csv', 'digits-binary-summary.json'],
    ['iris-species.csv', 'iris-species-summary.json'],
  ])('%s', (csv, reference) => {
    const expected = JSON.parse(readFileSync(join(ROOT, 'examples', reference), 'utf8')) as Record<string, unknown>;
    delete expected.reference;
    delete expected.max_abs_logit;
    const got = summary(['score', join(ROOT, 'examples', csv), '--per-class', '--confusion']);
    expectFigures(got, expected, 1e-12, csv);
  });
});
