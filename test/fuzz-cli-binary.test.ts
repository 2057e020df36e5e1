/**
 * The short run of the binary byte-flip fuzzer (test/fuzz/cli-binary.mjs; long runs: `npm run
 * fuzz:cli`): corrupted Arrow, Parquet and .npy files end with exit 0, 1 or 2 within the time
 * bound, one line on stderr, never a crash, a hang or a stack trace. The in-process flips of
 * every byte are in readers-binary.test.ts and readers-parquet.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error a plain .mjs module without types
import { judge, run } from './fuzz/cli-binary.mjs';

const MAIN = resolve(import.meta.dirname, '../dist/cli/main.js');

describe('binary byte-flip fuzzing (short run)', () => {
  it('ends 8 corrupted files with exit 0, 1 or 2 and one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xentropy-fuzz-binary-'));
    try {
      const result = await run({ seed: 20261202, cases: 8, main: MAIN, dir });
      expect(result.failures).toEqual([]);
      expect(result.cases).toBe(8);
      // The seed makes both kinds of outcome: refused and scored.
      expect(result.stats[1]).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('judges crashes, hangs, stack traces and bad messages as failures', () => {
    expect(judge({ status: 134, signal: null, stderr: 'abort', stdout: '' })).toMatch(/a crash/);
    expect(judge({ status: null, signal: 'SIGKILL', stderr: '', stdout: '' })).toMatch(/a hang/);
    expect(judge({ status: 1, signal: null, stderr: 'xentropy: x: bad\n    at f (x.js:1:1)\n', stdout: '' })).toMatch(
      /stack trace/,
    );
    expect(judge({ status: 1, signal: null, stderr: 'bad\n', stdout: '' })).toMatch(/not one line/);
    expect(judge({ status: 0, signal: null, stderr: '', stdout: 'nope' })).toMatch(/without a JSON summary/);
    expect(judge({ status: 1, signal: null, stderr: 'xentropy: x.arrow: byte 8: bad\n', stdout: '' })).toBeUndefined();
  });
});
