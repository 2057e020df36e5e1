import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rng } from './support/rng.mjs';

// Streaming in constant memory: a generated CSV over 200 MB, scored on all cores, must stay under
// the 300 MB peak RSS bound (threads included: they share the process). About 10 s on 2 cores.
const MAIN = join(resolve(import.meta.dirname, '..'), 'dist/cli/main.js');
const BOUND_KB = 300 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'xentropy-scale-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Prints the process's peak RSS (KiB) to stderr as it exits. */
const REPORT_RSS = `data:text/javascript,process.on('exit', () => process.stderr.write('maxrss=' + process.resourceUsage().maxRSS + '\\n'))`;

/** 10 000 distinct rows of 10 full-precision logits (seeded), written `copies` times. */
function generate(path: string, copies: number): number {
  const random = rng(12345);
  let block = '';
  for (let i = 0; i < 10000; i++) {
    const y = Math.floor(random() * 10);
    block += y;
    for (let c = 0; c < 10; c++) block += `,${(random() - 0.5) * 6 + (c === y ? 2 : 0)}`;
    block += '\n';
  }
  const fd = openSync(path, 'w');
  writeSync(fd, `label,${Array.from({ length: 10 }, (_, c) => `logit_${c}`).join(',')}\n`);
  for (let i = 0; i < copies; i++) writeSync(fd, block);
  closeSync(fd);
  return 10000 * copies;
}

describe('a CSV larger than 200 MB', () => {
  it('streams through under 300 MB peak RSS, every row counted', () => {
    const path = join(dir, 'big.csv');
    const rows = generate(path, 105);
    expect(statSync(path).size).toBeGreaterThan(200e6);
    const r = spawnSync(process.execPath, ['--import', REPORT_RSS, MAIN, 'score', path, '--json', '--no-progress'], {
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    const maxRss = Number(/maxrss=(\d+)/.exec(r.stderr)![1]);
    expect(maxRss, `peak RSS ${(maxRss / 1024).toFixed(0)} MB`).toBeLessThanOrEqual(BOUND_KB);
    const s = JSON.parse(r.stdout) as { rows: number; max_cross_entropy_row: number };
    expect(s.rows).toBe(rows);
    // The same 10 000 rows over and over: the worst row is in the first copy.
    expect(s.max_cross_entropy_row).toBeLessThan(10000);
  });
});
