import { readFileSync } from 'node:fs';
import { Float32, Float64, Int64, Table, Utf8, tableToIPC, vectorFromArray } from 'apache-arrow';
import type { Vector } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { readArrow } from '../src/io/arrow.js';
import { InputError } from '../src/io/errors.js';
import { readNpy } from '../src/io/npy.js';
import { readParquet } from '../src/io/parquet.js';
import { DOUBLE_3_GROUPS, FLOAT_1_GROUP, NULL_AT_ROW_37 } from './readers-parquet.fixtures.js';
import { npy } from './support/npy.mjs';

/** The bundled example: labels and row-major logits. */
const rows = readFileSync('examples/digits-logits.csv', 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
const K = 10;
const labels = Float64Array.from(rows, (r) => r[0]);
const logits = Float64Array.from(rows.flatMap((r) => r.slice(1)));

/** `bytes` in pieces of `size`. */
function* pieces(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

async function collect<T extends { labels: Float64Array; scores: Float32Array | Float64Array }>(blocks: AsyncIterable<T>) {
  const out = { labels: [] as number[], scores: [] as number[], kinds: new Set<string>(), blocks: 0 };
  for await (const b of blocks) {
    out.labels.push(...b.labels);
    for (const v of b.scores) out.scores.push(v);
    out.kinds.add(b.scores.constructor.name);
    out.blocks++;
  }
  return out;
}

async function failure(blocks: AsyncIterable<unknown>): Promise<InputError> {
  try {
    for await (const _ of blocks) { /* drain */ }
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('no error');
}

describe('readNpy', () => {
  const names = { name: 's.npy', labelsName: 'l.npy' };

  it.each([
    ['float64 scores, int64 labels', '<f8', logits, '<i8', BigInt64Array.from(labels, (y) => BigInt(y)), 'Float64Array'],
    ['float32 scores, uint8 labels', '<f4', Float32Array.from(logits), '|u1', Uint8Array.from(labels), 'Float32Array'],
    ['float64 scores, int32 labels', '<f8', logits, '<i4', Int32Array.from(labels), 'Float64Array'],
  ])('reads %s in row blocks, from chunks of any size', async (_name, sd, scores, ld, labelData, kind) => {
    const s = npy(sd, [labels.length, K], scores);
    const l = npy(ld, [labels.length], labelData);
    for (const size of [7, 4096, s.length]) {
      const got = await collect(readNpy(pieces(s, size), pieces(l, size), { ...names, blockRows: 500 }));
      expect(got.blocks).toBe(4);
      expect(got.labels).toEqual(Array.from(labels));
      expect(got.scores).toEqual(Array.from(scores as Float64Array));
      expect([...got.kinds]).toEqual([kind]);
    }
  });

  it('reads negative int64 labels as negative numbers (the checker rejects them later)', async () => {
    const got = await collect(readNpy([npy('<f8', [1, 2], Float64Array.of(0, 1))], [npy('<i8', [1], BigInt64Array.of(-3n))], names));
    expect(got.labels).toEqual([-3]);
  });

  it.each([
    ['a bad magic', new Uint8Array(20), npy('<i8', [1], BigInt64Array.of(0n)), /^s\.npy: not a \.npy file/],
    ['1-D scores', npy('<f8', [2], Float64Array.of(0, 1)), npy('<i8', [2], BigInt64Array.of(0n, 1n)), /^s\.npy: scores must be a 2-D float32 or float64 array/],
    ['integer scores', npy('<i4', [1, 2], Int32Array.of(0, 1)), npy('<i8', [1], BigInt64Array.of(0n)), /scores must be a 2-D float32 or float64/],
    ['big-endian data', npy('>f8', [1, 2], Float64Array.of(0, 1)), npy('<i8', [1], BigInt64Array.of(0n)), /^s\.npy: big-endian data/],
    ['too few labels', npy('<f8', [2, 1], Float64Array.of(0, 1)), npy('<i8', [1], BigInt64Array.of(0n)), /^l\.npy: 1 labels for the 2 rows of s\.npy$/],
    ['2-D labels', npy('<f8', [1, 2], Float64Array.of(0, 1)), npy('<i8', [1, 2], BigInt64Array.of(0n, 1n)), /^l\.npy: labels must be 1-D/],
    ['a truncated file', npy('<f8', [3, 2], Float64Array.of(0, 1, 2, 3, 4, 5)).subarray(0, 128 + 20), npy('<i8', [3], BigInt64Array.of(0n, 1n, 1n)), /^s\.npy: row 1: the file ends early$/],
    ['no rows', npy('<f8', [0, 2], new Float64Array(0)), npy('<i8', [0], new BigInt64Array(0)), /^s\.npy: no data rows$/],
  ])('rejects %s', async (_name, s, l, message) => {
    expect((await failure(readNpy([s], [l], names))).message).toMatch(message);
  });

  it('rejects Fortran order', async () => {
    const s = npy('<f8', [1, 2], Float64Array.of(0, 1));
    const text = new TextDecoder('latin1').decode(s).replace("'fortran_order': False", "'fortran_order': True ");
    const bytes = Uint8Array.from(text, (c) => c.charCodeAt(0));
    expect((await failure(readNpy([bytes], [npy('<i8', [1], BigInt64Array.of(0n))], names))).message).toMatch(/Fortran-ordered/);
  });
});

/** readArrow over bytes (its source type names only the file-handle overload of RecordBatchReader.from). */
function readArrowBytes(bytes: Uint8Array, options: Parameters<typeof readArrow>[1]): ReturnType<typeof readArrow> {
  return readArrow(bytes as never, options);
}

/** The example as an Arrow table: an id, the label, the logits (float64 or float32), optionally a null. */
function arrowTable(float32: boolean, nullAt?: number): Table {
  const columns: Record<string, Vector> = {
    id: vectorFromArray(rows.map((_, i) => `img-${i}`), new Utf8()),
    label: vectorFromArray(Array.from(labels, (y) => BigInt(y)), new Int64()),
  };
  for (let c = 0; c < K; c++) {
    const values = rows.map((r, i) => (i === nullAt && c === 3 ? null : r[c + 1]));
    columns[`logit_${c}`] = vectorFromArray(values, float32 ? new Float32() : new Float64());
  }
  return new Table(columns);
}

describe('readArrow', () => {
  const options = { name: 'x.arrow', labelColumn: 'label', blockRows: 700 };

  it.each([['file', 'file'], ['stream', 'stream']] as const)('reads the %s format in blocks, float64 kept', async (_name, format) => {
    const got = await collect(readArrowBytes(tableToIPC(arrowTable(false), format), options));
    expect(got.labels).toEqual(Array.from(labels));
    expect(got.scores).toEqual(Array.from(logits));
    expect([...got.kinds]).toEqual(['Float64Array']);
    expect(got.blocks).toBe(3);
  });

  it('keeps float32 columns float32', async () => {
    const got = await collect(readArrowBytes(tableToIPC(arrowTable(true)), options));
    expect([...got.kinds]).toEqual(['Float32Array']);
    expect(got.scores).toEqual(Array.from(Float32Array.from(logits)));
  });

  it('reads several record batches, counting rows through them', async () => {
    const t = arrowTable(false);
    const two = new Table([...t.slice(0, 1000).batches, ...t.slice(1000).batches]);
    const got = await collect(readArrowBytes(tableToIPC(two), options));
    expect(got.labels).toEqual(Array.from(labels));
  });

  it('names the row and column of a null', async () => {
    expect((await failure(readArrowBytes(tableToIPC(arrowTable(false, 1234)), options))).message).toBe('x.arrow: row 1234: column "logit_3" is null');
  });

  it.each([
    ['a missing label column', { labelColumn: 'y' }, /^x\.arrow: no column named "y"/],
    ['a text label column', { labelColumn: 'id' }, /^x\.arrow: the label column "id" is not numeric$/],
  ])('rejects %s', async (_name, extra, message) => {
    expect((await failure(readArrowBytes(tableToIPC(arrowTable(false)), { ...options, ...extra }))).message).toMatch(message);
  });

  it('rejects bytes that are not Arrow', async () => {
    expect((await failure(readArrowBytes(new TextEncoder().encode('label,p_0\n0,1\n'), options))).message).toMatch(/^x\.arrow: /);
  });
});

/** An AsyncBuffer over base64 fixture bytes. */
function asyncBuffer(base64: string) {
  const bytes = Buffer.from(base64, 'base64');
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return { byteLength: buffer.byteLength, slice: async (start: number, end?: number) => buffer.slice(start, end) };
}

describe('readParquet', () => {
  const options = { name: 'x.parquet', labelColumn: 'label', blockRows: 10 };
  const first60 = { labels: Array.from(labels.subarray(0, 60)), scores: Array.from(logits.subarray(0, 600)) };

  it('reads row groups in blocks, skipping the text id, float64 kept', async () => {
    const got = await collect(readParquet(asyncBuffer(DOUBLE_3_GROUPS), options));
    expect(got.labels).toEqual(first60.labels);
    expect(got.scores).toEqual(first60.scores);
    expect([...got.kinds]).toEqual(['Float64Array']);
    expect(got.blocks).toBe(7); // groups of 25, 25, 10 in blocks of at most 10: 3 + 3 + 1
  });

  it('keeps FLOAT columns float32', async () => {
    const got = await collect(readParquet(asyncBuffer(FLOAT_1_GROUP), options));
    expect([...got.kinds]).toEqual(['Float32Array']);
    expect(got.scores).toEqual(Array.from(Float32Array.from(first60.scores)));
  });

  it('names the row and column of a null', async () => {
    expect((await failure(readParquet(asyncBuffer(NULL_AT_ROW_37), options))).message).toBe('x.parquet: row 37: column "logit_3" is null');
  });

  it('rejects a missing label column and bytes that are not Parquet', async () => {
    expect((await failure(readParquet(asyncBuffer(DOUBLE_3_GROUPS), { ...options, labelColumn: 'y' }))).message).toMatch(/^x\.parquet: no column named "y"/);
    expect((await failure(readParquet(asyncBuffer(Buffer.from('label,p\n0,1\n').toString('base64')), options))).message).toMatch(/^x\.parquet: not a Parquet file/);
  });
});
