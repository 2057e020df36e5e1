/**
 * Arrow IPC with LZ4_FRAME and ZSTD buffer compression (the columnar format's "Compression"),
 * files and streams written by apache-arrow's writer with other libraries' compressors
 * (test/fixtures/arrow/gen.mjs): our reader must give the very values it gives on the
 * uncompressed file, and those must be apache-arrow's own; corrupt lengths are bad input.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import { readArrow } from '../src/io/arrow.js';
import type { RandomAccessFile, TableBlock } from '../src/io/arrow.js';
import { InputError } from '../src/io/errors.js';

const ROOT = resolve(import.meta.dirname, '..');
const DIR = join(ROOT, 'test/fixtures/arrow');
const MAIN = join(ROOT, 'dist/cli/main.js');
const fixture = (name: string) => new Uint8Array(readFileSync(join(DIR, name)));
const COMPRESSED = ['lz4.arrow', 'lz4-stream.arrows', 'zstd.arrow', 'zstd-stream.arrows'];

beforeAll(() => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build first`);
});

function randomAccess(bytes: Uint8Array): RandomAccessFile {
  return { size: bytes.length, read: async (at, n) => bytes.slice(at, at + n) };
}

/** `bytes` in pieces of `size`, as a pipe gives them. */
async function* pieces(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.slice(at, at + size);
}

async function read(source: Parameters<typeof readArrow>[0], labelColumn = 'label') {
  const labels: number[] = [];
  const scores: number[] = [];
  let blocks = 0;
  for await (const b of readArrow(source, { name: 'x.arrow', labelColumn }) as AsyncIterable<TableBlock>) {
    labels.push(...b.labels);
    for (const v of b.scores) scores.push(v);
    blocks++;
  }
  return { labels, scores, blocks };
}

describe('Arrow IPC buffer compression (LZ4_FRAME, ZSTD)', () => {
  const plain = fixture('uncompressed.arrow');

  it('reads the uncompressed file as apache-arrow does (the reference for the compressed ones)', async () => {
    const got = await read(randomAccess(plain));
    const table = tableFromIPC(plain);
    expect(got.labels).toEqual(Array.from(table.getChild('label')!.toArray() as Int32Array));
    const columns = ['logit_cat', 'logit_dog', 'logit_owl'].map((c) => table.getChild(c)!.toArray() as Float64Array);
    expect(got.scores).toEqual(Array.from({ length: 3 * table.numRows }, (_, i) => columns[i % 3][Math.floor(i / 3)]));
    expect(got.blocks).toBe(3);
  });

  it.each(COMPRESSED)('%s: the same rows as uncompressed (by position and as a stream)', async (name) => {
    const bytes = fixture(name);
    expect(bytes.length).toBeLessThan(plain.length);
    const want = await read(randomAccess(plain));
    expect(await read(randomAccess(bytes))).toEqual(want);
    // A stream also as a pipe gives it (a file's schema is read from its footer, by position).
    if (name.endsWith('.arrows')) expect(await read(pieces(bytes, 4093))).toEqual(want);
    // Text labels (a Utf8 column) through the same compressed buffers; `label` is then the first
    // score column, so cat, dog, owl are classes 1, 2, 3.
    expect((await read(randomAccess(bytes), 'name')).labels).toEqual(want.labels.map((y) => y + 1));
  });

  it.each(COMPRESSED)('%s: xentropy score gives the uncompressed summary', (name) => {
    const summary = (file: string) => {
      const r = spawnSync(process.execPath, [MAIN, 'score', join(DIR, file), '--format', 'arrow', '--json'], {
        encoding: 'utf8',
      });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      return { ...JSON.parse(r.stdout), file: undefined };
    };
    expect(summary(name)).toEqual(summary('uncompressed.arrow'));
  });

  it.each(['lz4.arrow', 'zstd.arrow'])('%s: a buffer whose length prefix is wrong is bad input', async (name) => {
    const bytes = fixture(name);
    // The first compressed buffer of 1000 float64s: its prefix says 8000 bytes.
    const prefix = new Uint8Array(new BigInt64Array([8000n]).buffer);
    const at = Buffer.from(bytes).indexOf(prefix);
    expect(at).toBeGreaterThan(0);
    for (const claim of [8008n, 4000n]) {
      const bad = bytes.slice();
      new DataView(bad.buffer).setBigInt64(at, claim, true);
      let error: unknown;
      try {
        await read(randomAccess(bad));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toMatch(/^x\.arrow: .*(LZ4|ZSTD|zstd|bytes)/i);
    }
  });
});
