/**
 * `xentropy score` on hostile inputs and outputs (issue 11, items 5, 7, 8, 10, 12, 13, 14, 17 and
 * "Also"): each test makes its own minimal input in a temporary folder. Device-node tests make
 * their nodes with mknod in that folder (skipped when not root); FIFOs with mkfifo.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { SpawnSyncOptions } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readDelimited } from '../src/io/csv.js';

const MAIN = resolve(import.meta.dirname, '../dist/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'xentropy-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const isRoot = process.getuid?.() === 0;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], options: SpawnSyncOptions & { input?: string } = {}): Run {
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000, ...options });
  return { status: r.status, stdout: String(r.stdout), stderr: String(r.stderr) };
}

function file(name: string, text: string | Uint8Array): string {
  writeFileSync(join(dir, name), text);
  return name;
}

/** One line on stderr, no stack trace. */
function oneLine(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l !== '');
  expect(lines, stderr).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at |TypeError|Cannot read properties/);
  return lines[0];
}

const SMALL = 'label,logit_0,logit_1\n0,2,1\n1,0.5,1.5\n1,3,-1\n';

describe('item 5: a probability above 1 in a row that sums to 1', () => {
  it('is bad input naming its line (exit 1), as the library refuses it', () => {
    const r = run(['score', file('above1.csv', 'label,p_0,p_1,p_2\n1,0.2,0.3,0.5\n1,0,1.0000005,0\n'), '--no-progress']);
    expect(r.status).toBe(1);
    expect(oneLine(r.stderr)).toBe('xentropy: above1.csv:3: p_1 is 1.0000005; a probability must be a number in [0, 1]');
    expect(r.stdout).toBe('');
  });
});

describe('item 12: the header and first data row are read in linear time', () => {
  it('library reader: a 256 KB first row arriving one byte at a time', async () => {
    const row = `1,${'x'.repeat(1 << 18)},0.25,0.75\n`;
    const text = new TextEncoder().encode(`label,note,p_0,p_1\n${row}0,y,0.5,0.5\n`);
    // One chunk per byte: re-reading the row per chunk would scan 3·10^10 bytes (never ending here).
    const chunks = (function* () {
      for (let i = 0; i < text.length; i++) yield text.subarray(i, i + 1);
    })();
    const labels: number[] = [];
    for await (const batch of readDelimited(chunks, { name: 'x.csv', delimiter: ',' })) labels.push(...batch.labels);
    expect(labels).toEqual([1, 0]);
  });

  it('command: 1 000 000 columns through stdin (a pipe)', async () => {
    const k = 1_000_000;
    const header = `label,${Array.from({ length: k }, (_, c) => `logit_${c}`).join(',')}\n`;
    const row = `7,${'0,'.repeat(k - 1)}0\n`;
    const child = spawn(process.execPath, [MAIN, 'score', '-', '--json', '--no-progress'], { cwd: dir });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const closed = new Promise<number | null>((r) => child.on('close', r));
    child.stdin.end(header + row + row);
    expect(await closed, stderr).toBe(0);
    const summary = JSON.parse(stdout) as Record<string, number>;
    expect(summary.rows).toBe(2);
    expect(summary.classes).toBe(k);
    expect(summary.mean_cross_entropy).toBeCloseTo(Math.log(k), 9);
  });

  it('command: a 10 MB first row through stdin', () => {
    const r = run(['score', '-', '--json', '--no-progress'], { input: `label,note,logit_0,logit_1\n1,${'x'.repeat(10_000_000)},0.5,1.5\n0,a,1,2\n`, maxBuffer: 1 << 26 });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).rows).toBe(2);
  });
});

describe('item 13: a stray " inside an unquoted field', () => {
  it('is a literal character: a 5 MB file with one in its first row and no other quote scores every row', () => {
    const rows = 150_000;
    const text = `id,label,logit_0,logit_1\nab"c,0,1.5,0.5\n${'r,1,0.25,0.75\n'.repeat(rows - 1)}`;
    const name = file('stray.csv', text);
    expect(text.length).toBeGreaterThan(2 << 20); // more than one piece
    for (const workers of ['1', '2']) {
      const r = run(['score', name, '--json', '--no-progress', '--workers', workers]);
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).rows).toBe(rows);
    }
  });

  it('a quoted field never closed ends the run at its line once a record outgrows the bound (no piece holds the rest of the input)', () => {
    const good = 'r,1,0.25,0.75\n'.repeat(200);
    const name = file('unclosed.csv', `id,label,logit_0,logit_1\n${good}"open,1,0.25,0.75\n${good.repeat(20)}`);
    const r = run(['score', name, '--no-progress'], { env: { ...process.env, XENTROPY_PIECE_BYTES: '1024', XENTROPY_MAX_RECORD_BYTES: '8192' } });
    expect(r.status).toBe(1);
    expect(oneLine(r.stderr)).toBe('xentropy: unclosed.csv:202: a record longer than 8192 bytes starts on this line (a quoted field never closed?)');
  });
});
