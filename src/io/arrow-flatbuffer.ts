/**
 * Reading FlatBuffers tables (https://flatbuffers.dev/internals/) with every offset checked
 * against the buffer: Arrow IPC metadata comes from files, and a corrupt offset must be an error,
 * never a read outside the message or an endless walk.
 */

/** A malformed flatbuffer; the reader turns it into an InputError naming the file. */
export class FlatbufferError extends Error {}

export class FlatTable {
  private readonly view: DataView;
  private readonly vtable: number;
  private readonly vtableSize: number;

  /** The table whose offset is stored at `at` (the root: `at` = 0). */
  static root(bytes: Uint8Array): FlatTable {
    return new FlatTable(bytes, indirect(bytes, 0));
  }

  constructor(
    readonly bytes: Uint8Array,
    readonly position: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    check(bytes, position, 4);
    this.vtable = position - this.view.getInt32(position, true);
    check(bytes, this.vtable, 4);
    this.vtableSize = this.view.getUint16(this.vtable, true);
    check(bytes, this.vtable, this.vtableSize);
  }

  /** Where field `index` is stored, or 0 if absent. */
  private field(index: number): number {
    const slot = 4 + 2 * index;
    if (slot + 2 > this.vtableSize) return 0;
    const offset = this.view.getUint16(this.vtable + slot, true);
    return offset === 0 ? 0 : this.position + offset;
  }

  private scalar(index: number, size: number): number {
    const at = this.field(index);
    if (at !== 0) check(this.bytes, at, size);
    return at;
  }

  int8(index: number, fallback = 0): number {
    const at = this.scalar(index, 1);
    return at === 0 ? fallback : this.view.getInt8(at);
  }

  uint8(index: number, fallback = 0): number {
    const at = this.scalar(index, 1);
    return at === 0 ? fallback : this.view.getUint8(at);
  }

  int16(index: number, fallback = 0): number {
    const at = this.scalar(index, 2);
    return at === 0 ? fallback : this.view.getInt16(at, true);
  }

  int32(index: number, fallback = 0): number {
    const at = this.scalar(index, 4);
    return at === 0 ? fallback : this.view.getInt32(at, true);
  }

  /** A 64-bit integer as a number; beyond 2^53 it is refused (no Arrow length is that long). */
  int64(index: number, fallback = 0): number {
    const at = this.scalar(index, 8);
    return at === 0 ? fallback : int64At(this.view, at);
  }

  bool(index: number): boolean {
    return this.uint8(index) !== 0;
  }

  table(index: number): FlatTable | undefined {
    const at = this.scalar(index, 4);
    return at === 0 ? undefined : new FlatTable(this.bytes, indirect(this.bytes, at));
  }

  string(index: number): string | undefined {
    const at = this.scalar(index, 4);
    if (at === 0) return undefined;
    const start = indirect(this.bytes, at);
    const length = this.view.getUint32(start, true);
    check(this.bytes, start + 4, length);
    return new TextDecoder().decode(this.bytes.subarray(start + 4, start + 4 + length));
  }

  /** A vector of tables. */
  tables(index: number): FlatTable[] {
    const v = this.vector(index, 4);
    const out: FlatTable[] = [];
    for (let i = 0; i < v.length; i++) out.push(new FlatTable(this.bytes, indirect(this.bytes, v.start + 4 * i)));
    return out;
  }

  /** A vector of structs of `size` bytes: where it starts and how many there are. */
  vector(index: number, size: number): { start: number; length: number } {
    const at = this.scalar(index, 4);
    if (at === 0) return { start: 0, length: 0 };
    const start = indirect(this.bytes, at);
    const length = this.view.getUint32(start, true);
    check(this.bytes, start + 4, length * size);
    return { start: start + 4, length };
  }

  /** A 64-bit integer at an absolute position (inside a struct vector). */
  int64At(at: number): number {
    check(this.bytes, at, 8);
    return int64At(this.view, at);
  }

  int32At(at: number): number {
    check(this.bytes, at, 4);
    return this.view.getInt32(at, true);
  }
}

function check(bytes: Uint8Array, at: number, size: number): void {
  if (!(at >= 0 && size >= 0 && at + size <= bytes.length)) {
    throw new FlatbufferError(`an offset (${at}) points outside the ${bytes.length}-byte metadata`);
  }
}

/** The position an unsigned 32-bit offset at `at` points to. */
function indirect(bytes: Uint8Array, at: number): number {
  check(bytes, at, 4);
  const target = at + new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(at, true);
  check(bytes, target, 4);
  return target;
}

function int64At(view: DataView, at: number): number {
  const lo = view.getUint32(at, true);
  const hi = view.getInt32(at + 4, true);
  const value = hi * 4294967296 + lo;
  if (!Number.isSafeInteger(value))
    throw new FlatbufferError(`a 64-bit value (${view.getBigInt64(at, true)}) is out of range`);
  return value;
}
