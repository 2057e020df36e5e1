/**
 * The command-line fuzz targets of `npm run fuzz:cli` (scripts/fuzz-cli.mjs), a short run with a
 * fixed seed: CSV/TSV mutations against a reference RFC 4180 parse (test/fuzz/cli-csv.mjs).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: plain ESM shared with scripts/fuzz-cli.mjs, no declarations
import * as csv from './fuzz/cli-csv.mjs';

const MAIN = resolve(import.meta.dirname, '../dist/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'xentropy-fuzz-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fuzz:cli short run (fixed seed)', () => {
  it('csv: 15 mutated files, each scored as the reference parse says or refused at its first bad line', async () => {
    const result = await csv.run({ seed: 20_261_202, from: 0, cases: 15, main: MAIN, dir });
    console.log('fuzz:cli csv', JSON.stringify(result.stats));
    expect(result.failures).toEqual([]);
    expect(result.stats.valid).toBeGreaterThan(2);
    expect(result.stats.refused).toBeGreaterThan(2);
  }, 300_000);
});
