/**
 * The Parquet reader on files written by DuckDB (test/fixtures/parquet/gen.mjs: every codec,
 * data pages v1 and v2, PLAIN, dictionary and BYTE_STREAM_SPLIT values, optional columns with
 * nulls) and by hyparquet-writer (readers-parquet.fixtures.ts: several row groups); the values
 * must come back exactly as the generator wrote them (expected.json).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../src/io/errors.js';
import { readParquet } from '../src/io/parquet.js';
import type { TableBlock } from '../src/io/arrow.js';

const DIR = join(import.meta.dirname, 'fixtures/parquet');
const expected = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as {
  rows: number;
  k: number;
  labels: number[];
  scores: number[][];
  scores32: number[][];
};

/** Random access over bytes, counting the bytes read. */
function source(bytes: Uint8Array) {
  const file = {
    size: bytes.length,
    bytesRead: 0,
    read: async (at: number, n: number) => {
      const out = bytes.slice(at, at + n);
      file.bytesRead += out.length;
      return out;
    },
  };
  return file;
}

const fixture = (name: string) => new Uint8Array(readFileSync(join(DIR, name)));

async function blocks(bytes: Uint8Array, options: { blockRows?: number } = {}): Promise<TableBlock[]> {
  const out: TableBlock[] = [];
  for await (const b of readParquet(source(bytes), { name: 'x.parquet', labelColumn: 'label', ...options }))
    out.push(b);
  return out;
}

async function failure(bytes: Uint8Array, labelColumn = 'label'): Promise<string> {
  try {
    for await (const _ of readParquet(source(bytes), { name: 'x.parquet', labelColumn })) {
      /* drain */
    }
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error('no error');
}

describe('readParquet (DuckDB fixtures)', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.parquet') && !/null|nan/.test(f));

  it('has a fixture for every codec', () => {
    for (const codec of ['uncompressed', 'snappy', 'zstd', 'gzip', 'brotli', 'lz4'])
      expect(files).toContain(`${codec}.parquet`);
  });

  it.each(files)("%s gives back the generator's rows exactly", async (file) => {
    const float32 = file.startsWith('float32');
    for (const blockRows of [undefined, 7]) {
      const got = await blocks(fixture(file), { blockRows });
      const labels = got.flatMap((b) => Array.from(b.labels));
      const scores = got.flatMap((b) => Array.from(b.scores));
      expect(labels).toEqual(expected.labels);
      expect(scores).toEqual((float32 ? expected.scores32 : expected.scores).flat());
      expect(got.every((b) => b.scores instanceof (float32 ? Float32Array : Float64Array))).toBe(true);
      expect(got.every((b) => b.columns.join() === 'logit_0,logit_1,logit_2,logit_3')).toBe(true);
      expect(got.map((b) => b.firstRow)).toEqual(got.map((_, i) => i * (blockRows ?? 65536)));
      expect(got.some((b) => b.firstNull)).toBe(false);
    }
  });

  it('names the first null row when nulls are at rows 3 and 1 in other columns (issue 11, item 15)', async () => {
    const got = await blocks(fixture('nulls-rows-3-and-1.parquet'));
    expect(got.at(-1)!.firstNull).toEqual({ row: 1, column: 'logit_0' });
    expect(got.at(-1)!.scores[1 * 4 + 0]).toBeNaN();
  });

  it('marks the null of a NaN-then-null file at its row, leaving the NaN to the checker (issue 11, item 15)', async () => {
    const got = await blocks(fixture('nan-row-1-null-row-2.parquet'));
    expect(got.at(-1)!.firstNull).toEqual({ row: 2, column: 'logit_2' });
    expect(got.at(-1)!.scores[1 * 4 + 0]).toBeNaN();
  });

  it('places a null within its block and stops after that block', async () => {
    const got = await blocks(fixture('null-row-77.parquet'), { blockRows: 20 });
    expect(got.map((b) => b.firstRow)).toEqual([0, 20, 40, 60]);
    expect(got.at(-1)!.firstNull).toEqual({ row: 17, column: 'logit_2' });
  });

  it('refuses two columns of the same name, naming it (issue 11, item 2)', async () => {
    const bytes = fixture('uncompressed.parquet');
    // Rename logit_1 to logit_0 in the footer (the same length: nothing else moves).
    const text = Buffer.from(bytes);
    const footerAt = bytes.length - 8 - text.readUInt32LE(bytes.length - 8);
    const at = text.indexOf('logit_1', footerAt);
    expect(at).toBeGreaterThan(0);
    text.write('logit_0', at);
    expect(await failure(new Uint8Array(text))).toBe('x.parquet: the column name "logit_0" appears twice: rename one');
  });

  it('reads a page at a time: a file read once, in windows', async () => {
    const bytes = fixture('zstd.parquet');
    const file = source(bytes);
    for await (const _ of readParquet(file, { name: 'x', labelColumn: 'label' })) {
      /* drain */
    }
    // Footer, then each wanted column chunk once (the text id column is never read).
    expect(file.bytesRead).toBeLessThan(bytes.length + 64);
  });

  it.each([
    [
      'a truncated file',
      (b: Uint8Array) => b.subarray(0, b.length - 30),
      /^x\.parquet: not a Parquet file \(no PAR1 at its end: truncated\?\)$/,
    ],
    [
      'a footer length past the start',
      (b: Uint8Array) => {
        const c = b.slice();
        new DataView(c.buffer).setUint32(c.length - 8, c.length, true);
        return c;
      },
      /^x\.parquet: byte \d+: a footer length \(\d+\) that does not fit the file$/,
    ],
    ['no data', () => new Uint8Array(4), /^x\.parquet: not a Parquet file \(4 bytes\)$/],
  ])('refuses %s', async (_name, corrupt, message) => {
    expect(await failure(corrupt(fixture('snappy.parquet')))).toMatch(message);
  });

  it('refuses a missing label column, naming it', async () => {
    expect(await failure(fixture('snappy.parquet'), 'y')).toMatch(/^x\.parquet: no column named "y"/);
  });

  it('ends every 1-byte corruption with blocks or one InputError', async () => {
    for (const file of ['snappy.parquet', 'v2-uncompressed.parquet']) {
      const clean = fixture(file);
      // Every byte of the footer and page headers, every 7th byte of the data.
      for (let at = 0; at < clean.length; at += at < 64 || at > clean.length - 1200 ? 2 : 11) {
        const bytes = clean.slice();
        bytes[at] ^= 0x5a;
        try {
          for await (const _ of readParquet(source(bytes), { name: 'x.parquet', labelColumn: 'label' })) {
            /* drain */
          }
        } catch (error) {
          if (!(error instanceof InputError)) expect.fail(`${file} byte ${at}: ${(error as Error).stack}`);
          expect((error as Error).message).toMatch(/^x\.parquet: [^\n]+$/);
        }
      }
    }
  });
});
