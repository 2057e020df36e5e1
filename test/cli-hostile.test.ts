/**
 * `xentropy score` on hostile inputs and outputs (issue 11, items 5, 7, 8, 10, 12, 13, 14, 17 and
 * "Also"): each test makes its own minimal input in a temporary folder. Device-node tests make
 * their nodes with mknod in that folder (skipped when not root); FIFOs with mkfifo.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { SpawnSyncOptions } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
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
    const r = run([
      'score',
      file('above1.csv', 'label,p_0,p_1,p_2\n1,0.2,0.3,0.5\n1,0,1.0000005,0\n'),
      '--no-progress',
    ]);
    expect(r.status).toBe(1);
    expect(oneLine(r.stderr)).toBe(
      'xentropy: above1.csv:3: p_1 is 1.0000005; a probability must be a number in [0, 1]',
    );
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
    const r = run(['score', '-', '--json', '--no-progress'], {
      input: `label,note,logit_0,logit_1\n1,${'x'.repeat(10_000_000)},0.5,1.5\n0,a,1,2\n`,
      maxBuffer: 1 << 26,
    });
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
    const r = run(['score', name, '--no-progress'], {
      env: { ...process.env, XENTROPY_PIECE_BYTES: '1024', XENTROPY_MAX_RECORD_BYTES: '8192' },
    });
    expect(r.status).toBe(1);
    expect(oneLine(r.stderr)).toBe(
      'xentropy: unclosed.csv:202: a record longer than 8192 bytes starts on this line (a quoted field never closed?)',
    );
  });
});

describe('item 7: where output goes', () => {
  it('-: the rows go to stdout and the human summary to stderr', () => {
    const r = run(['score', file('out-dash.csv', SMALL), '--per-row', '-', '--no-progress']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('row,label,cross_entropy,entropy,predicted');
    expect(r.stdout.trim().split('\n')).toHaveLength(4);
    expect(r.stderr).toMatch(/^file +out-dash\.csv\n/);
    expect(existsSync(join(dir, '-'))).toBe(false);
  });

  it.each([[['--per-row', '-', '--json']], [['--per-row', '-', '--partial', '-']]])(
    'two outputs asking for stdout (%j) are a usage error (exit 2)',
    (extra) => {
      const r = run(['score', file('two.csv', SMALL), '--no-progress', ...extra]);
      expect(r.status).toBe(2);
      expect(oneLine(r.stderr)).toMatch(/^xentropy: --per-row - writes the rows to stdout/);
    },
  );

  it('--partial - writes the partial state to stdout', () => {
    const r = run(['score', file('part.csv', SMALL), '--partial', '-', '--no-progress']);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).format).toBe('xentropy-partial');
  });

  it('an output that is the input (by name, through a symlink, or a hard link) is refused with exit 2, the input untouched', () => {
    const name = file('self.csv', SMALL);
    symlinkSync('self.csv', join(dir, 'self-link.csv'));
    spawnSync('ln', [join(dir, 'self.csv'), join(dir, 'self-hard.csv')]);
    for (const [out, option] of [
      ['self.csv', '--per-row'],
      ['./self-link.csv', '--per-row'],
      ['self-hard.csv', '--partial'],
    ]) {
      const r = run(['score', name, option, out, '--no-progress']);
      expect(r.status, `${option} ${out}`).toBe(2);
      expect(oneLine(r.stderr)).toBe(
        `xentropy: ${out} is the input self.csv: writing it would destroy the input (choose another output)`,
      );
      expect(readFileSync(join(dir, 'self.csv'), 'utf8')).toBe(SMALL);
    }
  });

  it('a symbolic link is followed: the file it points to gets the rows, the link stays a link', () => {
    file('real-rows.csv', 'old\n');
    symlinkSync('real-rows.csv', join(dir, 'link-rows.csv'));
    const r = run(['score', file('for-link.csv', SMALL), '--per-row', 'link-rows.csv', '--no-progress']);
    expect(r.status, r.stderr).toBe(0);
    expect(lstatSync(join(dir, 'link-rows.csv')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'real-rows.csv'), 'utf8')).toMatch(/^row,label,/);
  });

  it('a FIFO is written in place (its reader gets the rows; it stays a FIFO)', async () => {
    const fifo = join(dir, 'rows.fifo');
    spawnSync('mkfifo', [fifo]);
    const reader = spawn('cat', [fifo]);
    let got = '';
    reader.stdout.on('data', (d) => (got += d));
    const readerDone = new Promise((r) => reader.on('close', r));
    const r = run(['score', file('for-fifo.csv', SMALL), '--per-row', 'rows.fifo', '--no-progress']);
    await readerDone;
    expect(r.status, r.stderr).toBe(0);
    expect(got.split('\n')[0]).toBe('row,label,cross_entropy,entropy,predicted');
    expect(statSync(fifo).isFIFO()).toBe(true);
  });

  it('a process substitution >(…) is written in place', () => {
    const r = spawnSync(
      'bash',
      ['-c', `node ${MAIN} score for-fifo.csv --per-row >(cat > from-subst.csv) --no-progress --quiet; sleep 2`],
      { cwd: dir, encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'from-subst.csv'), 'utf8').split('\n')[0]).toBe(
      'row,label,cross_entropy,entropy,predicted',
    );
  });

  it.skipIf(!isRoot)(
    'device nodes (made with mknod here) are written in place, never replaced; a full device is one line, exit 1',
    () => {
      const devices = join(dir, 'dev');
      mkdirSync(devices);
      spawnSync('mknod', [join(devices, 'null'), 'c', '1', '3']);
      spawnSync('mknod', [join(devices, 'full'), 'c', '1', '7']);
      const name = file('for-dev.csv', SMALL);
      let r = run(['score', name, '--per-row', 'dev/null', '--no-progress']);
      expect(r.status, r.stderr).toBe(0);
      expect(statSync(join(devices, 'null')).isCharacterDevice()).toBe(true);
      r = run(['score', name, '--per-row', 'dev/full', '--no-progress']);
      expect(r.status).toBe(1);
      expect(oneLine(r.stderr)).toBe('xentropy: cannot write dev/full: no space left on the device');
      expect(statSync(join(devices, 'full')).isCharacterDevice()).toBe(true);
      expect(readdirSync(devices).sort()).toEqual(['full', 'null']);
    },
  );

  it('a directory as output is one line (exit 1), checked before scoring: nothing of a bad input is read', () => {
    mkdirSync(join(dir, 'adir'));
    const r = run(['score', file('dir-out.csv', SMALL), '--per-row', 'adir', '--no-progress']);
    expect(r.status).toBe(1);
    expect(oneLine(r.stderr)).toBe('xentropy: cannot write adir: it is a directory');
    // Before scoring: a bad row later in the input is not what is reported.
    const bad = file('dir-out-bad.csv', `${SMALL}1,x,2\n`);
    expect(oneLine(run(['score', bad, '--partial', 'adir', '--no-progress']).stderr)).toBe(
      'xentropy: cannot write adir: it is a directory',
    );
  });

  it.skipIf(isRoot)('a folder without write permission is one line (exit 1)', () => {
    mkdirSync(join(dir, 'ro'), { mode: 0o555 });
    const r = run(['score', file('ro.csv', SMALL), '--per-row', 'ro/rows.csv', '--no-progress']);
    expect(r.status).toBe(1);
    expect(oneLine(r.stderr)).toBe('xentropy: cannot write ro/rows.csv: permission denied');
  });

  it('a regular target is replaced only on success: a failure leaves the old file and no temporary', () => {
    file('keep-rows.csv', 'old\n');
    const r = run(['score', file('fails-late.csv', `${SMALL}1,x,2\n`), '--per-row', 'keep-rows.csv', '--no-progress']);
    expect(r.status).toBe(1);
    expect(readFileSync(join(dir, 'keep-rows.csv'), 'utf8')).toBe('old\n');
    expect(readdirSync(dir).filter((f) => f.startsWith('.keep-rows.csv.'))).toEqual([]);
  });

  it('a reader that closes early (EPIPE) ends the run quietly', () => {
    const rows = 'label,logit_0,logit_1\n' + '0,2,1\n'.repeat(200_000);
    const name = file('epipe.csv', rows);
    const r = spawnSync(
      'bash',
      ['-c', `set -o pipefail; node ${MAIN} score ${name} --per-row - --no-progress 2>err.txt | head -1`],
      { cwd: dir, encoding: 'utf8' },
    );
    expect(r.stdout).toBe('row,label,cross_entropy,entropy,predicted\n');
    expect(r.status).toBe(0);
    expect(readFileSync(join(dir, 'err.txt'), 'utf8')).toBe('');
  });
});

describe('--per-row formats', () => {
  it('.jsonl: one JSON object per row with the same columns', () => {
    const r = run(['score', file('jl.csv', SMALL), '--per-row', 'rows.jsonl', '--no-progress']);
    expect(r.status, r.stderr).toBe(0);
    const lines = readFileSync(join(dir, 'rows.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const csv = run(['score', 'jl.csv', '--per-row', '-', '--no-progress'])
      .stdout.trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
    expect(lines).toHaveLength(3);
    lines.forEach((o, i) => {
      expect(Object.keys(o)).toEqual(['row', 'label', 'cross_entropy', 'entropy', 'predicted']);
      expect([o.row, o.label, o.cross_entropy, o.entropy, o.predicted].map(String)).toEqual(csv[i]);
    });
  });

  it('.jsonl with class names: labels and predictions as JSON strings, the same rows as the CSV', () => {
    const named = 'label,p_cat,p_dog\ncat,0.7,0.3\ndog,0.2,0.8\ndog,0.6,0.4\n';
    const r = run(['score', file('named.csv', named), '--per-row', 'named.jsonl', '--no-progress']);
    expect(r.status, r.stderr).toBe(0);
    const lines = readFileSync(join(dir, 'named.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const csv = run(['score', 'named.csv', '--per-row', '-', '--no-progress'])
      .stdout.trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
    expect(lines.map((o) => [o.label, o.predicted])).toEqual([
      ['cat', 'cat'],
      ['dog', 'dog'],
      ['dog', 'cat'],
    ]);
    lines.forEach((o, i) => {
      expect([o.row, o.label, o.cross_entropy, o.entropy, o.predicted].map(String)).toEqual(csv[i]);
    });
  });

  it('.jsonl of a multilabel file: row, cross_entropy, entropy, correct', () => {
    const multi = 'p_a,p_b,y_a,y_b\n0.9,0.2,1,0\n0.3,0.6,1,1\n';
    const r = run(['score', file('multi.csv', multi), '--per-row', 'multi.jsonl', '--no-progress']);
    expect(r.status, r.stderr).toBe(0);
    const lines = readFileSync(join(dir, 'multi.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((o) => Object.keys(o))).toEqual([
      ['row', 'cross_entropy', 'entropy', 'correct'],
      ['row', 'cross_entropy', 'entropy', 'correct'],
    ]);
    // Mean binary cross-entropy over the labels of each row (natural log).
    expect(lines[0].cross_entropy).toBeCloseTo(-(Math.log(0.9) + Math.log(0.8)) / 2, 14);
    expect(lines[1].cross_entropy).toBeCloseTo(-(Math.log(0.3) + Math.log(0.6)) / 2, 14);
    // The labels right in each row, at the threshold 0.5.
    expect(lines.map((o) => o.correct)).toEqual([2, 1]);
  });

  it('.parquet of class names or a multilabel file is refused before scoring (exit 2), the target untouched', () => {
    const named = file('named-pq.csv', 'label,p_cat,p_dog\ncat,0.7,0.3\n');
    const multi = file('multi-pq.csv', 'p_a,p_b,y_a,y_b\n0.9,0.2,1,0\n');
    for (const [input, what] of [
      [named, 'class names'],
      [multi, 'a multilabel task'],
    ]) {
      const r = run(['score', input, '--per-row', 'refused.parquet', '--no-progress']);
      expect(r.status).toBe(2);
      expect(r.stderr).toBe(
        `xentropy: --per-row: Parquet output holds class indices; for ${what} write .csv or .jsonl\n`,
      );
      expect(readdirSync(dir).filter((f) => f.includes('refused.parquet'))).toEqual([]);
    }
  });

  it('.parquet: a Parquet file (read back by hyparquet) with the same columns and values, in several row groups', async () => {
    const rows =
      'label,logit_0,logit_1\n' +
      Array.from({ length: 500 }, (_, i) => `${i % 2},${(i % 7) - 3},${(i % 5) / 2}`).join('\n') +
      '\n';
    const r = run(['score', file('pq.csv', rows), '--per-row', 'rows.parquet', '--no-progress'], {
      env: { ...process.env, XENTROPY_PIECE_BYTES: '1000' },
    });
    expect(r.status, r.stderr).toBe(0);
    const { parquetReadObjects, parquetMetadata } = await import('hyparquet');
    const bytes = readFileSync(join(dir, 'rows.parquet'));
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
    expect(parquetMetadata(buffer).row_groups.length).toBeGreaterThan(1);
    const got = await parquetReadObjects({ file: buffer });
    const csv = run(['score', 'pq.csv', '--per-row', '-', '--no-progress'])
      .stdout.trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
    expect(got).toHaveLength(500);
    got.forEach((o, i) => {
      expect(Object.keys(o)).toEqual(['row', 'label', 'cross_entropy', 'entropy', 'predicted']);
      expect([o.row, o.label, o.cross_entropy, o.entropy, o.predicted].map(String)).toEqual(csv[i]);
    });
  });
});

describe('item 8: interrupts', () => {
  it('SIGHUP mid-run: exit 129, no --per-row file, no temporary left', async () => {
    const target = 'rows-hup.csv';
    const child = spawn(process.execPath, [MAIN, 'score', '-', '--per-row', target, '--no-progress'], { cwd: dir });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const closed = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    child.stdin.write(`label,logit_0,logit_1\n${'1,0.5,2\n'.repeat(100)}`);
    const temps = () => readdirSync(dir).filter((f) => f.startsWith(`.${target}.`));
    const end = Date.now() + 30_000;
    while (temps().length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    expect(temps()).toHaveLength(1);
    child.kill('SIGHUP');
    expect(await closed).toBe(129);
    expect(stderr).toMatch(/xentropy: interrupted \(SIGHUP\)/);
    expect(existsSync(join(dir, target))).toBe(false);
    expect(temps()).toEqual([]);
  });

  it('Ctrl-C with the progress bar on a terminal gives the cursor back and turns line wrap on', async () => {
    // The bar drawn on a pipe (XENTROPY_PROGRESS_ON_PIPE), held mid-run by reading stdin.
    const child = spawn(process.execPath, [MAIN, 'score', '-'], {
      cwd: dir,
      env: { ...process.env, XENTROPY_PROGRESS_ON_PIPE: '1' },
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const closed = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    child.stdin.write(`label,logit_0,logit_1\n${'1,0.5,2\n'.repeat(100)}`);
    const end = Date.now() + 30_000;
    while (!stderr.includes('\x1b[?25l') && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    expect(stderr).toContain('\x1b[?25l'); // the cursor hidden
    child.kill('SIGINT');
    expect(await closed).toBe(130);
    const restored = stderr.lastIndexOf('\x1b[?25h');
    expect(restored).toBeGreaterThan(stderr.lastIndexOf('\x1b[?25l'));
    expect(stderr.slice(restored)).toContain('\x1b[?7h');
  });
});

describe('item 10: --workers larger than the input', () => {
  it.each([8, 32, 64])('--workers %i on a tiny file, three times: exit 0 and the summary each time', (workers) => {
    const name = file(`tiny-${workers}.csv`, SMALL);
    const one = run(['score', name, '--json', '--no-progress', '--workers', '1']);
    for (let i = 0; i < 3; i++) {
      const r = run(['score', name, '--json', '--no-progress', '--workers', String(workers)]);
      expect(r.stderr).not.toMatch(/FATAL|IsGraphAsync/);
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual(JSON.parse(one.stdout));
    }
  });

  it('--workers 64 on a file of a few small pieces', () => {
    const name = file('few-pieces.csv', `label,logit_0,logit_1\n${'0,2,1\n1,0.5,1.5\n'.repeat(300)}`);
    const r = run(['score', name, '--json', '--no-progress', '--workers', '64'], {
      env: { ...process.env, XENTROPY_PIECE_BYTES: '1024' },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).rows).toBe(600);
  });
});

describe('item 14: a non-regular input is a stream read to its end', () => {
  it('<(cat x.csv), /dev/stdin as FILE and a FIFO score as the file does', async () => {
    const name = file('stream.csv', SMALL);
    const expected = JSON.parse(run(['score', name, '--json', '--no-progress']).stdout);
    const viaBash = (cmd: string) => spawnSync('bash', ['-c', cmd], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    for (const cmd of [
      `node ${MAIN} score <(cat stream.csv) --json --no-progress`,
      `cat stream.csv | node ${MAIN} score /dev/stdin --json --no-progress`,
    ]) {
      const r = viaBash(cmd);
      expect(r.status, `${cmd}: ${r.stderr}`).toBe(0);
      const { file: _f, ...got } = JSON.parse(r.stdout);
      const { file: _e, ...want } = expected;
      expect(got).toEqual(want);
    }
    spawnSync('mkfifo', [join(dir, 'in.fifo')]);
    const writer = spawn('bash', ['-c', 'cat stream.csv > in.fifo'], { cwd: dir });
    const r = run(['score', 'in.fifo', '--json', '--no-progress']);
    await new Promise((done) => writer.on('close', done));
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).mean_cross_entropy).toBe(expected.mean_cross_entropy);
  });

  it('.npy scores and labels from FIFOs', async () => {
    const { npy } = await import('./support/npy.mjs');
    const scores = npy('<f8', [3, 2], Float64Array.of(2, 1, 0.5, 1.5, 3, -1));
    const labels = npy('<i8', [3], BigInt64Array.of(0n, 1n, 1n));
    file('s.npy', scores);
    file('l.npy', labels);
    const expected = JSON.parse(
      run(['score', 's.npy', '--labels', 'l.npy', '--input', 'logits', '--json', '--no-progress']).stdout,
    );
    spawnSync('mkfifo', [join(dir, 's.fifo.npy'), join(dir, 'l.fifo.npy')]);
    const writers = ['s', 'l'].map((n) => spawn('bash', ['-c', `cat ${n}.npy > ${n}.fifo.npy`], { cwd: dir }));
    const r = run(['score', 's.fifo.npy', '--labels', 'l.fifo.npy', '--input', 'logits', '--json', '--no-progress']);
    await Promise.all(writers.map((w) => new Promise((done) => w.on('close', done))));
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).mean_cross_entropy).toBe(expected.mean_cross_entropy);
  });
});

describe('--quiet and the progress line', () => {
  it('--quiet prints nothing on success; with --json only the JSON; errors still show', () => {
    const name = file('quiet.csv', SMALL);
    expect(run(['score', name, '--quiet'])).toMatchObject({ status: 0, stdout: '', stderr: '' });
    const r = run(['score', name, '--quiet', '--json']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).rows).toBe(3);
    expect(r.stderr).toBe('');
    expect(run(['score', file('quiet-bad.csv', `${SMALL}1,x,2\n`), '--quiet']).stderr).toMatch(
      /^xentropy: quiet-bad\.csv:5: /,
    );
  });

  it('fits the terminal: rows, MB/s and time left at 40 and 80 columns, degrading to fewer figures', async () => {
    const { progressLine } = await import('../src/cli/progress.js');
    const state = { fraction: 0.42, rows: 1_234_567, megabytes: 420, seconds: 10 };
    for (const width of [40, 80, 120]) {
      const line = progressLine(width, state);
      expect(line.length).toBeLessThan(width);
      expect(line).toContain('1,234,567 rows');
      expect(line).toContain('42.0 MB/s');
      expect(line).toContain('0:14 left');
    }
    expect(progressLine(80, state)).toMatch(/^\[#+-+\] 42% /);
    expect(progressLine(30, state)).toBe('1,234,567 rows 42.0 MB/s');
    expect(progressLine(12, state).length).toBeLessThan(12);
    expect(progressLine(80, { rows: 10, megabytes: 1, seconds: 1 })).toBe('10 rows 1.0 MB/s 1.0 MB');
  });
});

describe('item 17: messages', () => {
  it('a label is quoted as written (9007199254740993 is not the float64 …992)', () => {
    const r = run([
      'score',
      file('biglabel.csv', 'label,logit_0,logit_1\n0,1,2\n9007199254740993,1,2\n'),
      '--no-progress',
    ]);
    expect(r.status).toBe(1);
    expect(oneLine(r.stderr)).toBe('xentropy: biglabel.csv:3: label "9007199254740993" is not a class index in [0, 2)');
  });

  it('a UTF-16 file is said to be not UTF-8 (not "no column named label")', () => {
    const text = 'label,p_0,p_1\n0,0.5,0.5\n';
    const utf16 = new Uint8Array(2 + 2 * text.length);
    utf16.set([0xff, 0xfe]);
    for (let i = 0; i < text.length; i++) utf16[2 + 2 * i] = text.charCodeAt(i);
    for (const [name, bytes] of [
      ['utf16-bom.csv', utf16],
      ['utf16-nobom.csv', utf16.subarray(2)],
    ] as const) {
      const r = run(['score', file(name, bytes), '--no-progress']);
      expect(r.status).toBe(1);
      expect(oneLine(r.stderr)).toBe(
        `xentropy: ${name}:1: the file is not UTF-8 (it looks like UTF-16): save it as UTF-8 text`,
      );
    }
  });

  it('write errors are words naming the path, not raw errno text', () => {
    mkdirSync(join(dir, 'isdir'));
    const r = run(['score', file('errno.csv', SMALL), '--partial', 'isdir', '--no-progress']);
    expect(r.status).toBe(1);
    const line = oneLine(r.stderr);
    expect(line).toBe('xentropy: cannot write isdir: it is a directory');
    expect(line).not.toMatch(/EISDIR|illegal operation/);
  });
});
