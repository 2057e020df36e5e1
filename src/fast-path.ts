/**
 * The small-input fast paths' thresholds, in one place. Each fast path computes what the general
 * path computes, by the same kernels on the same values; test/fast-path.test.ts switches them off
 * (oneChunk false, smallCopy 0) and checks that every result stays the same.
 */
export const fastPath = {
  /** Inputs that fit one chunk skip the chunk loop and its compensated-sum objects (run.ts). */
  oneChunk: true,
  /**
   * Up to this many values move by an index loop (staging, collecting results): below it,
   * subarray + set (a new view object per copy) costs more than the copy itself.
   */
  smallCopy: 32,
};
