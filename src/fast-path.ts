/**
 * The small-input fast paths' thresholds, in one place. Each fast path computes what the general
 * path computes, by the same kernels on the same values; test/fast-path.test.ts and
 * test/fast-calls.test.ts switch them off (smallCalls and oneChunk false, smallCopy 0) and check
 * that every result and error stays the same.
 */
export const fastPath = {
  /**
   * Calls of the common kinds on inputs that fit one staging slot take src/fast-calls.ts: the
   * kernels on data staged by index loops, no Source, plan or closure.
   */
  smallCalls: true,
  /**
   * Per-row crossEntropy of an Int32Array of labels against float32 probabilities, with no other
   * option, runs the fused kernel (api.ts, fusedCrossEntropyRows) on the wasm backend.
   */
  fusedIndex32: true,
  /** Inputs that fit one chunk skip the chunk loop and its compensated-sum objects (run.ts). */
  oneChunk: true,
  /**
   * Up to this many values move by an index loop (staging, collecting results): below it,
   * subarray + set (a new view object per copy) costs more than the copy itself.
   */
  smallCopy: 32,
};
