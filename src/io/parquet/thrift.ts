/**
 * Thrift's compact protocol (https://github.com/apache/thrift/blob/master/doc/specs/thrift-compact-protocol.md),
 * the encoding of Parquet's footer and page headers, read into plain structures: a struct is a
 * map from field id to value. Every length is checked against the bytes left, so a corrupt
 * header is an error, never a huge allocation or a read past the end.
 */

/** A malformed or truncated Thrift structure; `truncated` when more bytes might complete it. */
export class ThriftError extends Error {
  constructor(
    message: string,
    readonly truncated = false,
  ) {
    super(message);
  }
}

export type ThriftValue = number | boolean | Uint8Array | ThriftValue[] | ThriftStruct;
export type ThriftStruct = Map<number, ThriftValue>;

const MAX_DEPTH = 32;

/** Reads one struct starting at `offset`; returns it and where it ended. */
export function readStruct(bytes: Uint8Array, offset = 0): { value: ThriftStruct; end: number } {
  const reader = new CompactReader(bytes, offset);
  const value = reader.struct(0);
  return { value, end: reader.at };
}

class CompactReader {
  constructor(
    private readonly bytes: Uint8Array,
    public at: number,
  ) {}

  private byte(): number {
    if (this.at >= this.bytes.length) throw new ThriftError('the header ends early', true);
    return this.bytes[this.at++];
  }

  /** An unsigned varint (up to 64 bits, exact below 2^53). */
  varint(): number {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      if (shift > 63) throw new ThriftError('a varint longer than 10 bytes');
      const b = this.byte();
      value += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return value;
    }
  }

  zigzag(): number {
    const n = this.varint();
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  }

  struct(depth: number): ThriftStruct {
    if (depth > MAX_DEPTH) throw new ThriftError('structures nested too deep');
    const out: ThriftStruct = new Map();
    let id = 0;
    for (;;) {
      const head = this.byte();
      const type = head & 0x0f;
      if (type === 0) return out;
      const delta = head >>> 4;
      id = delta === 0 ? this.zigzag() : id + delta;
      out.set(id, this.value(type, depth));
    }
  }

  private value(type: number, depth: number): ThriftValue {
    switch (type) {
      case 1:
        return true;
      case 2:
        return false;
      case 3: {
        const b = this.byte();
        return b > 127 ? b - 256 : b;
      }
      case 4:
      case 5:
      case 6:
        return this.zigzag();
      case 7: {
        if (this.at + 8 > this.bytes.length) throw new ThriftError('the header ends early', true);
        const v = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.at, 8).getFloat64(0, true);
        this.at += 8;
        return v;
      }
      case 8: {
        const n = this.varint();
        if (this.at + n > this.bytes.length) throw new ThriftError('the header ends early', true);
        const v = this.bytes.subarray(this.at, this.at + n);
        this.at += n;
        return v;
      }
      case 9:
      case 10: {
        const head = this.byte();
        let n = head >>> 4;
        if (n === 15) n = this.varint();
        const elem = head & 0x0f;
        // Every element takes at least a byte: a longer list cannot fit.
        if (n > this.bytes.length - this.at)
          throw new ThriftError(`a list of ${n} elements in ${this.bytes.length - this.at} bytes`, true);
        const out: ThriftValue[] = [];
        for (let i = 0; i < n; i++)
          out.push(elem === 1 || elem === 2 ? this.byte() === 1 : this.value(elem, depth + 1));
        return out;
      }
      case 11: {
        const n = this.varint();
        if (n === 0) return [];
        const types = this.byte();
        if (2 * n > this.bytes.length - this.at)
          throw new ThriftError(`a map of ${n} entries in ${this.bytes.length - this.at} bytes`, true);
        const out: ThriftValue[] = [];
        for (let i = 0; i < n; i++) out.push([this.value(types >>> 4, depth + 1), this.value(types & 0x0f, depth + 1)]);
        return out;
      }
      case 12:
        return this.struct(depth + 1);
      default:
        throw new ThriftError(`an unknown field type ${type}`);
    }
  }
}

/** Typed access to a struct's fields (absent → undefined; the wrong type → an error). */
export function num(s: ThriftStruct, id: number): number | undefined {
  const v = s.get(id);
  if (v === undefined) return undefined;
  if (typeof v !== 'number') throw new ThriftError(`field ${id} is not a number`);
  return v;
}

export function str(s: ThriftStruct, id: number): string | undefined {
  const v = s.get(id);
  if (v === undefined) return undefined;
  if (!(v instanceof Uint8Array)) throw new ThriftError(`field ${id} is not a string`);
  return new TextDecoder().decode(v);
}

export function struct(s: ThriftStruct, id: number): ThriftStruct | undefined {
  const v = s.get(id);
  if (v === undefined) return undefined;
  if (!(v instanceof Map)) throw new ThriftError(`field ${id} is not a structure`);
  return v;
}

export function list(s: ThriftStruct, id: number): ThriftValue[] {
  const v = s.get(id);
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new ThriftError(`field ${id} is not a list`);
  return v;
}

export function structs(s: ThriftStruct, id: number): ThriftStruct[] {
  return list(s, id).map((v) => {
    if (!(v instanceof Map)) throw new ThriftError(`field ${id} is not a list of structures`);
    return v;
  });
}
