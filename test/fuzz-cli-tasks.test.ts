/**
 * The short run of the classifier-task fuzzer (test/fuzz/cli-tasks.mjs; long runs: `npm run
 * fuzz:cli -- --only tasks`): binary, multiclass (class names, lexicographic integer suffixes)
 * and multilabel files with index, id and weight columns, scored as the oracle computes or
 * refused at the first bad line. And the oracle's own judgement: it fails wrong figures, wrong
 * lines, wrong exit codes and stack traces. Some valid files are scored as two shards (--partial,
 * merge), whose summary must equal the oracle's as well.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: plain ESM shared with scripts/fuzz-cli.mjs, no declarations
import { check, expected, makeCase, run } from './fuzz/cli-tasks.mjs';

const MAIN = resolve(import.meta.dirname, '../dist/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'xentropy-fuzz-tasks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Case = { task: string; mutation: string; stdin: boolean; delimiter: string };
type Want = { figures?: Record<string, unknown>; error?: { line: number } };

/** The first case from `seed` on that `keep` accepts, with its seed. */
function findCase(seed: number, keep: (c: Case, want: Want) => boolean): { c: Case; want: Want } {
  for (let s = seed; s < seed + 5000; s++) {
    const c = makeCase(s) as Case;
    const want = expected(c) as Want;
    if (!c.stdin && keep(c, want)) return { c, want };
  }
  throw new Error('no such case');
}

describe('fuzz:cli tasks', () => {
  it('short run (fixed seed): 16 files scored as the oracle says or refused at their first bad line', async () => {
    const result = await run({ seed: 20_261_202, from: 0, cases: 16, main: MAIN, dir });
    console.log('fuzz:cli tasks', JSON.stringify(result.stats));
    expect(result.failures).toEqual([]);
    expect(result.stats.valid).toBeGreaterThan(3);
    expect(result.stats.refused).toBeGreaterThan(3);
    expect(result.stats.binary).toBeGreaterThan(0);
    expect(result.stats.multiclass).toBeGreaterThan(0);
    expect(result.stats.sharded).toBeGreaterThan(0);
  }, 300_000);

  it('the oracle fails a wrong figure, a wrong line, a wrong exit code and a stack trace', () => {
    const valid = findCase(1, (c, w) => c.task === 'multilabel' && w.figures !== undefined);
    const figures = { ...valid.want.figures } as Record<string, number>;
    const good = JSON.stringify(figures);
    const file = 'f.csv';
    expect(check(valid.c, file, { status: 0, stdout: good, stderr: '' })).toBeUndefined();
    const wrong = JSON.stringify({ ...figures, mean_cross_entropy: figures.mean_cross_entropy * (1 + 1e-6) });
    expect(check(valid.c, file, { status: 0, stdout: wrong, stderr: '' })).toMatch(/mean_cross_entropy/);
    expect(check(valid.c, file, { status: 1, stdout: '', stderr: 'xentropy: f.csv:2: no\n' })).toMatch(/refused/);
    const bad = findCase(1, (c, w) => w.error !== undefined && c.mutation.startsWith('a non-number'));
    const line = bad.want.error!.line;
    expect(check(bad.c, file, { status: 1, stdout: '', stderr: `xentropy: f.csv:${line}: bad\n` })).toBeUndefined();
    expect(check(bad.c, file, { status: 1, stdout: '', stderr: `xentropy: f.csv:${line + 1}: bad\n` })).toMatch(
      /named line/,
    );
    expect(check(bad.c, file, { status: 0, stdout: good, stderr: '' })).toMatch(/gave exit 0/);
    expect(
      check(bad.c, file, { status: 1, stdout: '', stderr: `xentropy: f.csv:${line}: x\n    at f (a.js:1:1)\n` }),
    ).toMatch(/stack trace/);
  });

  it('the oracle reads lexicographic columns by name: logit_10 is class 10, not the third column', () => {
    const { c } = findCase(1, (c, w) => {
      const cols = (c as unknown as { scoreColumns: { name: string }[] }).scoreColumns.map((s) => s.name);
      return w.figures !== undefined && cols[2] === 'logit_10';
    });
    const shape = c as unknown as { scoreColumns: { name: string; cls: string }[] };
    expect(shape.scoreColumns[2]).toEqual({ name: 'logit_10', cls: '10' });
  });
});
