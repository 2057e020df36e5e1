/**
 * `xentropy score` under faults: an interrupt mid-run (SIGINT → 130, SIGTERM → 143) leaves no
 * output and no temporary file; a reader that closes stdout early ends the run quietly; a file
 * cut off mid-row is bad input with its line; a file that grows while read is refused; a worker
 * thread that dies fails the run naming its piece, with no hang and no output. The run is held mid-way by reading stdin, so the
 * signal always arrives while the temporary --per-row file exists (no timing race).
 */
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const MAIN = resolve(import.meta.dirname, '../dist/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'xentropy-faults-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HEADER = 'label,logit_0,logit_1,logit_2\n';
const ROW = '1,0.5,2.25,-1\n';

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting for the run to start');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('xentropy score under faults', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s mid-run: exit %i, no --per-row file, no temporary left', async (signal, status) => {
    const target = `rows-${signal}.csv`;
    const child = spawn(process.execPath, [MAIN, 'score', '-', '--per-row', target, '--no-progress'], { cwd: dir });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const closed = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    child.stdin.write(HEADER + ROW.repeat(100));
    const temps = () => readdirSync(dir).filter((f) => f.startsWith(`.${target}.`));
    await until(() => temps().length === 1);
    child.kill(signal);
    expect(await closed).toBe(status);
    expect(stderr).toMatch(new RegExp(`xentropy: interrupted \\(${signal}\\)`));
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(join(dir, target))).toBe(false);
    expect(temps()).toEqual([]);
  });

  it('a reader that closes stdout early ends the run quietly (exit 0, nothing on stderr)', async () => {
    const child = spawn(process.execPath, [MAIN, 'score', '--no-progress'], { cwd: dir });
    child.stdout.destroy(); // as `| head -0` would
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
    expect(code).toBe(0);
    expect(stderr).toBe('');
  });

  it('a file cut off mid-row is bad input naming the line (exit 1), with no --per-row file', () => {
    writeFileSync(join(dir, 'cut.csv'), HEADER + ROW.repeat(5) + '2,0.25,1.');
    const r = spawnSync(process.execPath, [MAIN, 'score', 'cut.csv', '--per-row', 'cut-rows.csv'], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^xentropy: cut\.csv:7: /);
    expect(existsSync(join(dir, 'cut-rows.csv'))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith('.cut-rows.csv.'))).toEqual([]);
  });

  it('a file that grows while it is read is refused (exit 1), not scored as a mix', async () => {
    // ~100 MB: long enough to still be reading when more is appended, on any machine here.
    const block = ROW.repeat(200_000);
    writeFileSync(join(dir, 'grows.csv'), HEADER);
    for (let i = 0; i < 35; i++) appendFileSync(join(dir, 'grows.csv'), block);
    const child = spawn(
      process.execPath,
      [MAIN, 'score', 'grows.csv', '--per-row', 'grows-rows.csv', '--no-progress', '--workers', '1'],
      { cwd: dir },
    );
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const closed = new Promise<number | null>((r) => child.on('close', (c) => r(c)));
    await until(() => readdirSync(dir).some((f) => f.startsWith('.grows-rows.csv.')));
    appendFileSync(join(dir, 'grows.csv'), ROW.repeat(10));
    expect(await closed).toBe(1);
    expect(stderr).toMatch(
      /^xentropy: grows\.csv: the file changed while being read \(\d+ bytes read, \d+ when opened\)/,
    );
    expect(existsSync(join(dir, 'grows-rows.csv'))).toBe(false);
  }, 120_000);

  it('a worker thread that dies fails the run naming its piece: exit 1, no hang, no output', () => {
    writeFileSync(join(dir, 'crash.csv'), HEADER);
    for (let i = 0; i < 10; i++) appendFileSync(join(dir, 'crash.csv'), ROW.repeat(200_000)); // ~28 MB
    const r = spawnSync(
      process.execPath,
      [MAIN, 'score', 'crash.csv', '--workers', '2', '--per-row', 'crash-rows.csv', '--no-progress'],
      {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, XENTROPY_FAULT_WORKER_EXIT_AT: '2' },
        timeout: 60_000,
      },
    );
    expect(r.error, 'the run ended by itself (no hang)').toBeUndefined();
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^xentropy: crash\.csv: the piece from line \d+ failed in a worker thread: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, 'crash-rows.csv'))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith('.crash-rows.csv.'))).toEqual([]);
  }, 90_000);
});
