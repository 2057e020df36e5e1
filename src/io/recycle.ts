/**
 * Buffers used again once their task is done (Node only). Fresh memory is expensive here: each
 * new page is a page fault (measured on a 2-core VM: 176 MB read into fresh 8 MB buffers cost
 * 0.45 s, into one reused buffer 0.02 s), so the readers take their buffers from a pool and
 * the scorer (or the worker thread, moving them back) returns them.
 */
export class BufferPool {
  private readonly free: ArrayBuffer[] = [];

  /** @param limit buffers kept at most (the rest are left to the garbage collector) */
  constructor(private readonly limit = 16) {}

  /** A buffer of at least `bytes` (not zeroed: callers overwrite what they use). */
  take(bytes: number): ArrayBuffer {
    for (let i = this.free.length - 1; i >= 0; i--) {
      const b = this.free[i];
      // Not much larger than asked, so a small last block does not pin a big buffer.
      if (b.byteLength >= bytes && b.byteLength <= 2 * bytes + 4096) {
        this.free.splice(i, 1);
        return b;
      }
    }
    return new ArrayBuffer(bytes);
  }

  /** Hands buffers back; detached ones (moved to another thread) are skipped. */
  give(buffers: readonly ArrayBuffer[] | undefined): void {
    if (buffers === undefined) return;
    for (const b of buffers) {
      if (b.byteLength > 0 && this.free.length < this.limit && !this.free.includes(b)) this.free.push(b);
    }
  }
}
