/**
 * Messages between the pool (calling thread) and its workers. A piece is one synchronous call
 * on a range of whole rows; its reply carries per-row values, or a reduction's parts, or the
 * error with positions already counted from the start of the whole input.
 */

/** Calling thread → worker. */
export type ToWorker =
  | { type: 'init'; backend: 'wasm' | 'js' | undefined }
  | {
      type: 'piece';
      id: number;
      fn: string;
      /** 'parts': reply with the reduction's Σ and denominator rather than its quotient. */
      mode: 'rows' | 'parts' | 'scored';
      args: unknown[];
      opts: Record<string, unknown>;
      /** First row (element, for elementwise functions) of the piece in the whole input. */
      r0: number;
      /** The constructor name of the caller's `out`, which the piece's own `out` copies. */
      outType?: 'Float64Array' | 'Float32Array';
      /** Length of that `out`. */
      outLength?: number;
    }
  | { type: 'task'; id: number; module: string; name: string; args: unknown[] };

/** A reply to a piece or a task. Piece replies hand back the input buffers the piece came in (`spent`), for reuse. */
export type FromWorker =
  | { type: 'ready'; backend: 'wasm' | 'js' }
  | { type: 'failed'; name: string; message: string }
  | { type: 'rows'; id: number; spent?: ArrayBuffer[]; value: number | Float64Array | Float32Array }
  | { type: 'parts'; id: number; spent?: ArrayBuffer[]; sum: number; den: number }
  | {
      type: 'scored';
      id: number;
      spent?: ArrayBuffer[];
      crossEntropy: Float64Array;
      entropy: Float64Array;
      predicted: Int32Array;
    }
  | { type: 'value'; id: number; value: unknown }
  | { type: 'error'; id: number; spent?: ArrayBuffer[]; name: string; message: string };

/**
 * A piece's error message with its positions moved from the piece to the whole input: `row R` and
 * `index I` before the value (messages read "fn: what at POSITION is VALUE; rule") gain the
 * piece's first row, except the per-class `weights at index j`, which does not depend on rows.
 */
export function shiftPositions(message: string, r0: number): string {
  if (r0 === 0) return message;
  const cut = message.indexOf(' is ');
  const head = cut < 0 ? message : message.slice(0, cut);
  const shifted = head.replace(
    /(?<![A-Za-z])(weights at )?\b(row|index) (\d+)/g,
    (all: string, perClass: string | undefined, word: string, at: string) =>
      perClass ? all : `${word} ${Number(at) + r0}`,
  );
  return cut < 0 ? shifted : shifted + message.slice(cut);
}
