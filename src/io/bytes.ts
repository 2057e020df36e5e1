/**
 * Exact-length reads from a stream of byte chunks (a file stream, `Blob.stream()`): what the
 * binary readers need to cut fixed-size records out of pieces of any size.
 */
export class ByteReader {
  private readonly iterator: AsyncIterator<Uint8Array>;
  private head: Uint8Array = new Uint8Array(0);
  private done = false;
  /** Bytes handed out so far. */
  position = 0;

  constructor(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>) {
    this.iterator =
      Symbol.asyncIterator in chunks
        ? chunks[Symbol.asyncIterator]()
        : (async function* () {
            yield* chunks;
          })();
  }

  /**
   * The next `n` bytes, in a new buffer of their own (aligned, transferable), fewer only at
   * the end of the input (an empty array there).
   */
  async read(n: number): Promise<Uint8Array> {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      if (this.head.length === 0) {
        if (this.done) break;
        const next = await this.iterator.next();
        if (next.done) {
          this.done = true;
          break;
        }
        this.head = next.value;
        continue;
      }
      const take = Math.min(n - filled, this.head.length);
      out.set(this.head.subarray(0, take), filled);
      this.head = this.head.subarray(take);
      filled += take;
    }
    this.position += filled;
    return filled === n ? out : out.slice(0, filled);
  }
}
