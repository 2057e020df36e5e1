import { readFileSync } from 'node:fs';
import type { Vector } from 'apache-arrow';
import {
  Dictionary,
  Field,
  Float16,
  Float32,
  Float64,
  Int8,
  Int16,
  Int32,
  Int64,
  RecordBatch,
  Schema,
  Struct,
  Table,
  Uint32,
  Utf8,
  makeData,
  tableToIPC,
  vectorFromArray,
} from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { readArrow } from '../src/io/arrow.js';
import { InputError } from '../src/io/errors.js';
import { readNpy } from '../src/io/npy.js';
import { readParquet } from '../src/io/parquet.js';
import { DOUBLE_3_GROUPS, FLOAT_1_GROUP, NULL_AT_ROW_37 } from './readers-parquet.fixtures.js';
import { npy } from './support/npy.mjs';

/** The bundled example: labels and row-major logits. */
const rows = readFileSync('examples/digits-logits.csv', 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => l.split(',').map(Number));
const K = 10;
const labels = Float64Array.from(rows, (r) => r[0]);
const logits = Float64Array.from(rows.flatMap((r) => r.slice(1)));

/** `bytes` in pieces of `size`. */
function* pieces(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

async function collect<T extends { labels: Float64Array; scores: Float32Array | Float64Array }>(
  blocks: AsyncIterable<T>,
) {
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
    for await (const _ of blocks) {
      /* drain */
    }
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('no error');
}

describe('readNpy', () => {
  const names = { name: 's.npy', labelsName: 'l.npy' };

  it.each([
    [
      'float64 scores, int64 labels',
      '<f8',
      logits,
      '<i8',
      BigInt64Array.from(labels, (y) => BigInt(y)),
      'Float64Array',
    ],
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
    const got = await collect(
      readNpy([npy('<f8', [1, 2], Float64Array.of(0, 1))], [npy('<i8', [1], BigInt64Array.of(-3n))], names),
    );
    expect(got.labels).toEqual([-3]);
  });

  it.each([
    ['a bad magic', new Uint8Array(20), npy('<i8', [1], BigInt64Array.of(0n)), /^s\.npy: not a \.npy file/],
    [
      '1-D scores',
      npy('<f8', [2], Float64Array.of(0, 1)),
      npy('<i8', [2], BigInt64Array.of(0n, 1n)),
      /^s\.npy: scores must be a 2-D float32 or float64 array/,
    ],
    [
      'integer scores',
      npy('<i4', [1, 2], Int32Array.of(0, 1)),
      npy('<i8', [1], BigInt64Array.of(0n)),
      /scores must be a 2-D float32 or float64/,
    ],
    [
      'big-endian data',
      npy('>f8', [1, 2], Float64Array.of(0, 1)),
      npy('<i8', [1], BigInt64Array.of(0n)),
      /^s\.npy: big-endian data/,
    ],
    [
      'too few labels',
      npy('<f8', [2, 1], Float64Array.of(0, 1)),
      npy('<i8', [1], BigInt64Array.of(0n)),
      /^l\.npy: 1 labels for the 2 rows of s\.npy$/,
    ],
    [
      '2-D labels',
      npy('<f8', [1, 2], Float64Array.of(0, 1)),
      npy('<i8', [1, 2], BigInt64Array.of(0n, 1n)),
      /^l\.npy: labels must be 1-D/,
    ],
    [
      'a truncated file',
      npy('<f8', [3, 2], Float64Array.of(0, 1, 2, 3, 4, 5)).subarray(0, 128 + 20),
      npy('<i8', [3], BigInt64Array.of(0n, 1n, 1n)),
      /^s\.npy: row 1: the file ends early$/,
    ],
    [
      'no rows',
      npy('<f8', [0, 2], new Float64Array(0)),
      npy('<i8', [0], new BigInt64Array(0)),
      /^s\.npy: no data rows$/,
    ],
  ])('rejects %s', async (_name, s, l, message) => {
    expect((await failure(readNpy([s], [l], names))).message).toMatch(message);
  });

  /** A header whose shape text is replaced (same length, padded with spaces). */
  const withShape = (shape: string) => {
    const text = new TextDecoder('latin1').decode(npy('<f8', [1, 2], Float64Array.of(0, 1)));
    const edited = text.replace(/'shape': \([^)]*\)/, (m) =>
      `'shape': ${shape}`.padEnd(m.length, ' ').slice(0, Math.max(m.length, `'shape': ${shape}`.length)),
    );
    return Uint8Array.from(edited, (c) => c.charCodeAt(0));
  };

  it.each([
    ['(-5, 3)', /^s\.npy: the header's shape \(-5, 3\) has "-5" where a dimension must be a non-negative integer$/],
    ['(5L, 3L)', /^s\.npy: the header's shape \(5L, 3L\) has "5L" where a dimension must be a non-negative integer$/],
    ['(1e3, 2)', /has "1e3" where/],
  ])('says what is wrong with the shape %s (issue 11, item 17)', async (shape, message) => {
    expect(
      (await failure(readNpy([withShape(shape)], [npy('<i8', [1], BigInt64Array.of(0n))], names))).message,
    ).toMatch(message);
  });

  it('refuses rows wider than it can read, before reading them (issue 11, item 9)', async () => {
    const s = npy('<f8', [5, 300000000], new Float64Array(0));
    const l = npy('<i8', [5], new BigInt64Array(5));
    expect((await failure(readNpy([s], [l], names))).message).toBe(
      's.npy: rows of 300000000 float64 scores (2400000000 bytes each) are too wide to read (at most 67108864 bytes a row)',
    );
  });

  it('refuses a header length in the megabytes', async () => {
    const s = npy('<f8', [1, 2], Float64Array.of(0, 1)).slice();
    s[6] = 2; // version 2: a 4-byte header length
    new DataView(s.buffer).setUint32(8, 0xfffffff0, true);
    expect((await failure(readNpy([s], [npy('<i8', [1], BigInt64Array.of(0n))], names))).message).toMatch(
      /^s\.npy: the header claims 4294967280 bytes/,
    );
  });

  it('rejects Fortran order', async () => {
    const s = npy('<f8', [1, 2], Float64Array.of(0, 1));
    const text = new TextDecoder('latin1').decode(s).replace("'fortran_order': False", "'fortran_order': True ");
    const bytes = Uint8Array.from(text, (c) => c.charCodeAt(0));
    expect((await failure(readNpy([bytes], [npy('<i8', [1], BigInt64Array.of(0n))], names))).message).toMatch(
      /Fortran-ordered/,
    );
  });
});

/** readArrow over bytes (its source type names only the file-handle overload of RecordBatchReader.from). */
function readArrowBytes(bytes: Uint8Array, options: Parameters<typeof readArrow>[1]): ReturnType<typeof readArrow> {
  return readArrow(bytes as never, options);
}

/** The example as an Arrow table: an id, the label, the logits (float64 or float32), optionally a null. */
function arrowTable(float32: boolean, nullAt?: number): Table {
  const columns: Record<string, Vector> = {
    id: vectorFromArray(
      rows.map((_, i) => `img-${i}`),
      new Utf8(),
    ),
    label: vectorFromArray(
      Array.from(labels, (y) => BigInt(y)),
      new Int64(),
    ),
  };
  for (let c = 0; c < K; c++) {
    const values = rows.map((r, i) => (i === nullAt && c === 3 ? null : r[c + 1]));
    columns[`logit_${c}`] = vectorFromArray(values, float32 ? new Float32() : new Float64());
  }
  return new Table(columns);
}

describe('readArrow', () => {
  const options = { name: 'x.arrow', labelColumn: 'label', blockRows: 700 };

  it.each([
    ['file', 'file'],
    ['stream', 'stream'],
  ] as const)('reads the %s format in blocks, float64 kept', async (_name, format) => {
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

  it('marks the first null of a block (row, column; NaN there) and stops after that block', async () => {
    const blocks = [];
    for await (const b of readArrow(tableToIPC(arrowTable(false, 1234)), options)) blocks.push(b);
    expect(blocks).toHaveLength(2);
    const last = blocks[1];
    expect(last.firstRow).toBe(700);
    expect(last.firstNull).toEqual({ row: 534, column: 'logit_3' });
    expect(last.scores[534 * K + 3]).toBeNaN();
    expect(last.scores[534 * K + 2]).toBe(logits[1234 * K + 2]);
    expect(blocks[0].firstNull).toBeUndefined();
  });

  it('names the first null row, whatever the column (issue 11, item 15: nulls at rows 3 and 1)', async () => {
    const table = new Table({
      label: vectorFromArray([0, 1, 0, 1, 0], new Int32()),
      logit_0: vectorFromArray([0.5, 0.1, 0.2, null, 0.3], new Float64()),
      logit_1: vectorFromArray([0.5, null, 0.2, 0.1, 0.3], new Float64()),
    });
    const blocks = [];
    for await (const b of readArrow(tableToIPC(table), options)) blocks.push(b);
    expect(blocks[0].firstNull).toEqual({ row: 1, column: 'logit_1' });
  });

  it('refuses two columns of the same name, naming it (issue 11, item 2)', async () => {
    const fields = [
      new Field('label', new Int32()),
      new Field('logit_0', new Float64()),
      new Field('logit_0', new Float64()),
    ];
    const children = [
      makeData({ type: new Int32(), data: Int32Array.of(0, 1) }),
      makeData({ type: new Float64(), data: Float64Array.of(1, 2) }),
      makeData({ type: new Float64(), data: Float64Array.of(3, 4) }),
    ];
    const batch = new RecordBatch(
      new Schema(fields),
      makeData({ type: new Struct(fields), length: 2, nullCount: 0, children }),
    );
    for (const format of ['file', 'stream'] as const) {
      expect((await failure(readArrow(tableToIPC(new Table([batch]), format), options))).message).toBe(
        'x.arrow: the column name "logit_0" appears twice: rename one',
      );
    }
  });

  it('reads dictionary-encoded and float16 score columns (issue 11, item 2: k stays 3)', async () => {
    const table = new Table({
      label: vectorFromArray([0, 2, 1], new Int8()),
      tag: vectorFromArray(['a', 'b', 'a'], new Dictionary(new Utf8(), new Int32())),
      logit_0: vectorFromArray([1.5, -2.25, 1.5], new Dictionary(new Float64(), new Int16())),
      logit_1: vectorFromArray([0.5, 3, -1], new Float64()),
      logit_2: vectorFromArray([0.125, -65504, 2048], new Float16()),
    });
    for (const format of ['file', 'stream'] as const) {
      const got = await collect(readArrow(tableToIPC(table, format), options));
      expect(got.labels).toEqual([0, 2, 1]);
      expect(got.scores).toEqual([1.5, 0.5, 0.125, -2.25, 3, -65504, 1.5, -1, 2048]);
    }
  });

  it('reads int64, uint32 and float32 labels', async () => {
    for (const type of [new Int64(), new Uint32(), new Float32()]) {
      const labelValues = type instanceof Int64 ? BigInt64Array.of(2n, 0n) : [2, 0];
      const table = new Table({
        label: vectorFromArray(labelValues as never, type as never),
        logit_0: vectorFromArray([1, 2], new Float64()),
        logit_1: vectorFromArray([1, 2], new Float64()),
        logit_2: vectorFromArray([1, 2], new Float64()),
      });
      expect((await collect(readArrow(tableToIPC(table), options))).labels).toEqual([2, 0]);
    }
  });

  it('reads a file given as chunks or by random access the same', async () => {
    const bytes = tableToIPC(arrowTable(false), 'stream');
    const file = tableToIPC(arrowTable(false), 'file');
    const random = { size: file.length, read: async (p: number, n: number) => file.slice(p, p + n) };
    for (const source of [pieces(bytes, 1000), pieces(bytes, 7), random]) {
      const got = await collect(readArrow(source, options));
      expect(got.scores).toEqual(Array.from(logits));
    }
  });

  it.each([
    ['a truncated file', (b: Uint8Array) => b.subarray(0, b.length - 100), /^x\.arrow: not a whole Arrow IPC file/],
    [
      'a message length past the end',
      (b: Uint8Array) => {
        const c = b.slice();
        new DataView(c.buffer).setInt32(12, 0x7fffff00, true);
        return c;
      },
      /^x\.arrow: byte 8: a message length \(2147483392\) that does not fit the file$/,
    ],
    ['a body length past the end', (b: Uint8Array) => b.subarray(0, 700), /^x\.arrow: /],
  ])('refuses %s with one message', async (_name, corrupt, message) => {
    const bytes = corrupt(tableToIPC(arrowTable(false), 'file'));
    expect((await failure(readArrow(bytes, options))).message).toMatch(message);
  });

  it('ends every 1-byte corruption of a file with blocks or one InputError (issue 11, item 11)', async () => {
    const table = new Table({
      label: vectorFromArray([0, 1, 1], new Int32()),
      logit_0: vectorFromArray([1, 2, null], new Float64()),
      logit_1: vectorFromArray([0.5, 3, -1], new Float32()),
    });
    const clean = tableToIPC(table, 'file');
    for (let at = 0; at < clean.length; at++) {
      for (const flip of [0xff, 0x80, 0x01]) {
        const bytes = clean.slice();
        bytes[at] ^= flip;
        try {
          for await (const _ of readArrow(bytes, options)) {
            /* drain */
          }
        } catch (error) {
          if (!(error instanceof InputError)) expect.fail(`byte ${at} ^ ${flip}: ${(error as Error).stack}`);
          expect((error as Error).message).toMatch(/^x\.arrow: [^\n]+$/);
        }
      }
    }
  });

  it.each([
    ['a missing label column', { labelColumn: 'y' }, /^x\.arrow: no column named "y"/],
    [
      'a text label that names no class',
      { labelColumn: 'id' },
      /^x\.arrow: row 0: label "img-0" is not a class \(label, logit_0, logit_1, logit_2, logit_3, logit_4, logit_5, logit_6, …\)$/,
    ],
  ])('rejects %s', async (_name, extra, message) => {
    expect((await failure(readArrowBytes(tableToIPC(arrowTable(false)), { ...options, ...extra }))).message).toMatch(
      message,
    );
  });

  it('rejects bytes that are not Arrow', async () => {
    expect((await failure(readArrowBytes(new TextEncoder().encode('label,p_0\n0,1\n'), options))).message).toMatch(
      /^x\.arrow: /,
    );
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

  it('marks the row and column of a null (in the second row group) and stops there', async () => {
    const got = [];
    for await (const b of readParquet(asyncBuffer(NULL_AT_ROW_37), options)) got.push(b);
    expect(got.at(-1)!.firstRow).toBe(35); // groups of 25: the second group's blocks start at 25, 35
    expect(got.at(-1)!.firstNull).toEqual({ row: 2, column: 'logit_3' });
  });

  it('rejects a missing label column and bytes that are not Parquet', async () => {
    expect(
      (await failure(readParquet(asyncBuffer(DOUBLE_3_GROUPS), { ...options, labelColumn: 'y' }))).message,
    ).toMatch(/^x\.parquet: no column named "y"/);
    expect(
      (await failure(readParquet(asyncBuffer(Buffer.from('label,p\n0,1\n').toString('base64')), options))).message,
    ).toMatch(/^x\.parquet: not a Parquet file/);
  });
});
