/**
 * `--per-row rows.parquet`: the per-row columns as a flat Parquet file written as it goes, one
 * row group per scored block: `row`, `label`, `predicted` INT64 and `cross_entropy`, `entropy`
 * DOUBLE, all REQUIRED, one PLAIN-encoded uncompressed data page (v1) per column chunk. The
 * footer (FileMetaData) is written at the end. Layout and Thrift compact encoding follow the
 * Apache Parquet format specification (parquet-format: parquet.thrift, "File format") and the
 * Thrift compact protocol specification (thrift/doc/specs/thrift-compact-protocol.md).
 */

const MAGIC = new TextEncoder().encode('PAR1');

/** Parquet physical types and enums used here (parquet.thrift). */
const INT64 = 2;
const DOUBLE = 5;
const REQUIRED = 0;
const PLAIN = 0;
const RLE = 3;
const DATA_PAGE = 0;
const UNCOMPRESSED = 0;

const COLUMNS: ReadonlyArray<{ name: string; type: number }> = [
  { name: 'row', type: INT64 },
  { name: 'label', type: INT64 },
  { name: 'cross_entropy', type: DOUBLE },
  { name: 'entropy', type: DOUBLE },
  { name: 'predicted', type: INT64 },
];

/** Thrift compact protocol types. */
const T_I32 = 5;
const T_I64 = 6;
const T_BINARY = 8;
const T_LIST = 9;
const T_STRUCT = 12;

/** A Thrift compact protocol writer (only what the Parquet footer and page headers need). */
class Compact {
  private bytes: number[] = [];
  private last: number[] = [0];

  private varint(n: bigint): void {
    let v = n;
    while (v >= 0x80n) {
      this.bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.bytes.push(Number(v));
  }

  private zigzag(n: number | bigint): void {
    const v = BigInt(n);
    this.varint(v >= 0n ? v << 1n : (-v << 1n) - 1n);
  }

  private header(id: number, type: number): void {
    const delta = id - this.last[this.last.length - 1];
    if (delta > 0 && delta <= 15) this.bytes.push((delta << 4) | type);
    else {
      this.bytes.push(type);
      this.zigzag(id);
    }
    this.last[this.last.length - 1] = id;
  }

  i32(id: number, v: number): this {
    this.header(id, T_I32);
    this.zigzag(v);
    return this;
  }

  i64(id: number, v: number): this {
    this.header(id, T_I64);
    this.zigzag(v);
    return this;
  }

  string(id: number, s: string): this {
    this.header(id, T_BINARY);
    this.rawString(s);
    return this;
  }

  private rawString(s: string): void {
    const b = new TextEncoder().encode(s);
    this.varint(BigInt(b.length));
    for (const x of b) this.bytes.push(x);
  }

  private listHeader(size: number, type: number): void {
    if (size < 15) this.bytes.push((size << 4) | type);
    else {
      this.bytes.push(0xf0 | type);
      this.varint(BigInt(size));
    }
  }

  i32List(id: number, values: number[]): this {
    this.header(id, T_LIST);
    this.listHeader(values.length, T_I32);
    for (const v of values) this.zigzag(v);
    return this;
  }

  stringList(id: number, values: string[]): this {
    this.header(id, T_LIST);
    this.listHeader(values.length, T_BINARY);
    for (const v of values) this.rawString(v);
    return this;
  }

  structList<T>(id: number, items: T[], each: (w: Compact, item: T) => void): this {
    this.header(id, T_LIST);
    this.listHeader(items.length, T_STRUCT);
    for (const item of items) this.inStruct(() => each(this, item));
    return this;
  }

  struct(id: number, body: (w: Compact) => void): this {
    this.header(id, T_STRUCT);
    this.inStruct(() => body(this));
    return this;
  }

  private inStruct(body: () => void): void {
    this.last.push(0);
    body();
    this.bytes.push(0); // STOP
    this.last.pop();
  }

  /** Ends the top-level struct. */
  end(): Uint8Array {
    this.bytes.push(0);
    return Uint8Array.from(this.bytes);
  }
}

interface ChunkInfo {
  type: number;
  name: string;
  offset: number;
  size: number;
}

export class ParquetRowsWriter {
  private written = 0;
  private rows = 0;
  private groups: Array<{ rows: number; bytes: number; chunks: ChunkInfo[] }> = [];

  /** The file's first bytes. */
  start(): Uint8Array {
    this.written = MAGIC.length;
    return MAGIC;
  }

  /**
   * One row group: rows numbered from `firstRow`.
   * @param block `n` labels, cross-entropies, entropies and predictions, one after another
   */
  rowGroup(firstRow: number, block: Float64Array): Uint8Array {
    const n = block.length / 4;
    const parts: Uint8Array[] = [];
    const chunks: ChunkInfo[] = [];
    const values: Record<string, (i: number) => number> = {
      row: (i) => firstRow + i,
      label: (i) => block[i],
      cross_entropy: (i) => block[n + i],
      entropy: (i) => block[2 * n + i],
      predicted: (i) => block[3 * n + i],
    };
    let groupBytes = 0;
    for (const { name, type } of COLUMNS) {
      const data = new Uint8Array(8 * n);
      const view = new DataView(data.buffer);
      const value = values[name];
      for (let i = 0; i < n; i++) {
        if (type === DOUBLE) view.setFloat64(8 * i, value(i), true);
        else view.setBigInt64(8 * i, BigInt(value(i)), true);
      }
      const header = new Compact()
        .i32(1, DATA_PAGE)
        .i32(2, data.length)
        .i32(3, data.length)
        .struct(5, (w) => w.i32(1, n).i32(2, PLAIN).i32(3, RLE).i32(4, RLE))
        .end();
      chunks.push({ type, name, offset: this.written, size: header.length + data.length });
      parts.push(header, data);
      this.written += header.length + data.length;
      groupBytes += header.length + data.length;
    }
    this.groups.push({ rows: n, bytes: groupBytes, chunks });
    this.rows += n;
    const out = new Uint8Array(groupBytes);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  /** The footer: FileMetaData, its length, the magic. */
  finish(): Uint8Array {
    const meta = new Compact()
      .i32(1, 1)
      .structList(2, [{ name: 'schema', type: -1 }, ...COLUMNS], (w, c) => {
        if (c.type < 0) {
          w.string(4, c.name).i32(5, COLUMNS.length);
        } else {
          w.i32(1, c.type).i32(3, REQUIRED).string(4, c.name);
        }
      })
      .i64(3, this.rows)
      .structList(4, this.groups, (w, g) => {
        w.structList(1, g.chunks, (cw, c) => {
          cw.i64(2, c.offset).struct(3, (m) =>
            m
              .i32(1, c.type)
              .i32List(2, [PLAIN, RLE])
              .stringList(3, [c.name])
              .i32(4, UNCOMPRESSED)
              .i64(5, g.rows)
              .i64(6, c.size)
              .i64(7, c.size)
              .i64(9, c.offset),
          );
        });
        w.i64(2, g.bytes).i64(3, g.rows);
      })
      .string(6, 'xentropy')
      .end();
    const out = new Uint8Array(meta.length + 8);
    out.set(meta);
    new DataView(out.buffer).setUint32(meta.length, meta.length, true);
    out.set(MAGIC, meta.length + 4);
    return out;
  }
}
