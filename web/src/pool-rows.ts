/**
 * The page's scoring on every core: a batch large enough is cut into pieces of whole rows, each
 * added to a fresh Accumulator on a thread of a library pool (createPool's built-in
 * `xentropy:accumulate` task), and the pieces' exact states are merged here in row order. Piece
 * boundaries depend on the row width only, never on the thread count, so the figures do not
 * depend on the number of cores. Smaller batches are scored here, as before.
 */
import { Accumulator, createPool } from 'xentropy';
import type { AccumulatorState, Pool, RowResults, Xentropy } from 'xentropy';

/** Values per piece (512 KiB of float32 scores): a few ms of work, so every core gets a share of a batch. */
const PIECE_VALUES = 1 << 17;

/** Adds a batch's rows to `acc` and returns their per-row results (Accumulator.add's arguments). */
export type AddRows = (
  acc: Accumulator,
  labels: Float64Array | Int32Array,
  scores: Float64Array | Float32Array,
  firstRow: number,
  ...extra: unknown[]
) => Promise<RowResults>;

/** Scores on this thread. */
export const addHere: AddRows = async (acc, labels, scores, firstRow, ...extra) =>
  (acc.add as (...a: unknown[]) => RowResults)(labels, scores, firstRow, ...extra);

type Cuttable = Float64Array | Float32Array | Int32Array;

/** Rows [r0, r1) of an array of `rows` rows (of any width), as a copy that can move to a thread. */
function rowsOf<T>(a: T, rows: number, r0: number, r1: number): T {
  if (!ArrayBuffer.isView(a)) return a;
  const v = a as unknown as Cuttable;
  const per = v.length / rows;
  return v.slice(r0 * per, r1 * per) as unknown as T;
}

/** Per-row extras (`{ weights, targets }`) cut to rows [r0, r1); arrays of any other length go whole. */
function extrasOf(extra: unknown[], rows: number, r0: number, r1: number): unknown[] {
  return extra.map((e) => {
    if (e === null || typeof e !== 'object' || ArrayBuffer.isView(e)) return e;
    const cut: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(e)) {
      const length = ArrayBuffer.isView(v) || Array.isArray(v) ? (v as ArrayLike<unknown>).length : -1;
      if (length > 0 && length % rows === 0) {
        const per = length / rows;
        cut[key] = ArrayBuffer.isView(v) ? rowsOf(v, rows, r0, r1) : (v as unknown[]).slice(r0 * per, r1 * per);
      } else cut[key] = v;
    }
    return cut;
  });
}

/** Piece results concatenated in row order, each kind of array kept. */
function joined(parts: RowResults[]): RowResults {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(parts[0])) {
    const first = (parts[0] as unknown as Record<string, Cuttable>)[key];
    if (!ArrayBuffer.isView(first)) {
      out[key] = first;
      continue;
    }
    const length = parts.reduce((n, p) => n + (p as unknown as Record<string, Cuttable>)[key].length, 0);
    const all = new (first.constructor as Float64ArrayConstructor)(length);
    let at = 0;
    for (const p of parts) {
      const v = (p as unknown as Record<string, Cuttable>)[key];
      all.set(v, at);
      at += v.length;
    }
    out[key] = all;
  }
  return out as unknown as RowResults;
}

/**
 * An {@link AddRows} on a pool of one thread per core, started at the first batch large enough.
 * `x` is this thread's library (for the merged states). `close()` ends the threads.
 */
export function poolRows(x: Xentropy): { add: AddRows; close(): Promise<void> } {
  /** The pool, or null where threads cannot start (then every batch is scored here). */
  let pool: Promise<Pool | null> | undefined;
  /** Each accumulator's options, as the state of one with no rows (taken before its first rows). */
  const blanks = new WeakMap<Accumulator, AccumulatorState>();
  const add: AddRows = async (acc, labels, scores, firstRow, ...extra) => {
    if (!blanks.has(acc)) blanks.set(acc, acc.toJSON());
    const rows = labels.length;
    const width = Math.max(1, scores.length / Math.max(rows, 1));
    const perPiece = Math.max(1, Math.floor(PIECE_VALUES / width));
    if (rows < 2 * perPiece) return addHere(acc, labels, scores, firstRow, ...extra);
    const p = await (pool ??= createPool().catch(() => null));
    if (p === null) return addHere(acc, labels, scores, firstRow, ...extra);
    const blank = blanks.get(acc)!;
    const pieces: Promise<{ state: AccumulatorState; results: RowResults }>[] = [];
    for (let r0 = 0; r0 < rows; r0 += perPiece) {
      const r1 = Math.min(rows, r0 + perPiece);
      const l = rowsOf(labels, rows, r0, r1);
      const s = rowsOf(scores, rows, r0, r1);
      const args = [blank, l, s, ...extrasOf(extra, rows, r0, r1)];
      pieces.push(p.run('xentropy:accumulate', 'accumulate', args, [l.buffer, s.buffer]));
    }
    const done = await Promise.all(pieces);
    for (let i = 0; i < done.length; i++) acc.merge(Accumulator.fromJSON(x, done[i].state), firstRow + i * perPiece);
    return joined(done.map((d) => d.results));
  };
  return {
    add,
    async close() {
      await (await pool)?.close();
    },
  };
}
