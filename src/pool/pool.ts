/**
 * createPool: every function of the synchronous API on worker threads, returning Promises.
 *
 * A call is cut into pieces of whole rows (pieces.ts) whose boundaries depend on the input's shape
 * only; idle threads take the next piece of the oldest call (two in flight per thread, so a thread
 * never waits for its next message). Per-row results land in a staging array as pieces come back,
 * and reach the caller's `out` only once every piece passed; reductions keep each piece's
 * compensated Σ and denominator and merge them in piece order at the end, so the result does not
 * depend on the thread count or on which thread finished first.
 */
import type { AllocatableArray, AllocatableType } from '../backend/backend.js';
import type {
  BatchInput,
  Distribution,
  Nested,
  Options,
  OutArray,
  OutOptions,
  PerRow,
  ReducedOptions,
  Result,
  RowOptions,
  SameKind,
  ScoredRows,
  ScoreOptions,
  SingleOptions,
  SoftmaxOptions,
  TargetInput,
} from '../types.js';
import { describeValue } from '../shapes.js';
import { CompensatedSum } from '../sum.js';
import { layout, pieceOf } from './pieces.js';
import type { Layout, Take } from './pieces.js';
import type { FromWorker, ToWorker } from './protocol.js';
import { defaultThreads, sharedMemoryUsable, startThread } from './threads.js';
import type { Thread } from './threads.js';

export interface PoolOptions {
  /** Worker threads. Default: one per core (`os.availableParallelism()`, `navigator.hardwareConcurrency`). */
  threads?: number;
  /** The backend every thread loads: as `load()` (wasm, falling back to js), or 'wasm' / 'js'. */
  backend?: 'wasm' | 'js';
}

/** The pool's own options of a call, next to those of the synchronous call. */
export interface PoolCall {
  /** Aborts the call: it rejects with the signal's reason and writes nothing. */
  signal?: AbortSignal;
  /** Rows (elements) done so far and in all; called at most every 50 ms while the call runs. */
  onProgress?: (done: number, total: number) => void;
}

/** A pool call's options: those of the synchronous call, plus `signal` and `onProgress`. */
export type CallOptions = Options & PoolCall;
export type ScoreCallOptions = ScoreOptions & PoolCall;

/**
 * The pool: every function of {@link Xentropy} with the same arguments, options, results and
 * errors, returning a Promise; plus its threads, `alloc`, `run` and `close`.
 */
export interface Pool {
  /** Number of worker threads. */
  readonly threads: number;
  /** The backend the threads run: 'wasm' or 'js'. */
  readonly backend: 'wasm' | 'js';
  /** Whether `alloc` returns shared memory (false in a page that is not cross-origin isolated). */
  readonly shared: boolean;
  informationContent(p: number | Distribution, opts: ReducedOptions & PoolCall): Promise<number>;
  informationContent<O extends OutArray>(p: number | Distribution, opts: OutOptions<O> & PoolCall): Promise<O>;
  informationContent(p: number, opts?: RowOptions & PoolCall): Promise<number>;
  informationContent<P extends Distribution>(p: P, opts?: RowOptions & PoolCall): Promise<PerRow<P>>;
  informationContent(p: number | Distribution, opts?: Options & PoolCall): Promise<Result>;
  binaryEntropy(p: number | Distribution, opts: ReducedOptions & PoolCall): Promise<number>;
  binaryEntropy<O extends OutArray>(p: number | Distribution, opts: OutOptions<O> & PoolCall): Promise<O>;
  binaryEntropy(p: number, opts?: RowOptions & PoolCall): Promise<number>;
  binaryEntropy<P extends Distribution>(p: P, opts?: RowOptions & PoolCall): Promise<PerRow<P>>;
  binaryEntropy(p: number | Distribution, opts?: Options & PoolCall): Promise<Result>;
  entropy(p: BatchInput, opts: ReducedOptions & PoolCall): Promise<number>;
  entropy<O extends OutArray>(p: BatchInput, opts: OutOptions<O> & PoolCall): Promise<O>;
  entropy(p: Nested, opts?: RowOptions & PoolCall): Promise<number[]>;
  entropy<P extends Distribution>(p: P, opts: RowOptions & { classes: number } & PoolCall): Promise<PerRow<P>>;
  entropy(p: Distribution, opts?: SingleOptions & PoolCall): Promise<number>;
  entropy(p: BatchInput, opts?: Options & PoolCall): Promise<Result>;
  crossEntropy(p: TargetInput, q: BatchInput, opts: ReducedOptions & PoolCall): Promise<number>;
  crossEntropy<O extends OutArray>(p: TargetInput, q: BatchInput, opts: OutOptions<O> & PoolCall): Promise<O>;
  crossEntropy(p: TargetInput, q: Nested, opts?: RowOptions & PoolCall): Promise<number[]>;
  crossEntropy<Q extends Distribution>(
    p: TargetInput,
    q: Q,
    opts: RowOptions & { classes: number } & PoolCall,
  ): Promise<PerRow<Q>>;
  crossEntropy(p: number | bigint | Distribution, q: Distribution, opts?: SingleOptions & PoolCall): Promise<number>;
  crossEntropy(p: TargetInput, q: BatchInput, opts?: Options & PoolCall): Promise<Result>;
  klDivergence(p: TargetInput, q: BatchInput, opts: ReducedOptions & PoolCall): Promise<number>;
  klDivergence<O extends OutArray>(p: TargetInput, q: BatchInput, opts: OutOptions<O> & PoolCall): Promise<O>;
  klDivergence(p: TargetInput, q: Nested, opts?: RowOptions & PoolCall): Promise<number[]>;
  klDivergence<Q extends Distribution>(
    p: TargetInput,
    q: Q,
    opts: RowOptions & { classes: number } & PoolCall,
  ): Promise<PerRow<Q>>;
  klDivergence(p: number | bigint | Distribution, q: Distribution, opts?: SingleOptions & PoolCall): Promise<number>;
  klDivergence(p: TargetInput, q: BatchInput, opts?: Options & PoolCall): Promise<Result>;
  softmax<O extends OutArray>(logits: BatchInput, opts: SoftmaxOptions & { out: O } & PoolCall): Promise<O>;
  softmax<T extends BatchInput>(
    logits: T,
    opts?: SoftmaxOptions & { out?: undefined } & PoolCall,
  ): Promise<SameKind<T>>;
  logSoftmax<O extends OutArray>(logits: BatchInput, opts: SoftmaxOptions & { out: O } & PoolCall): Promise<O>;
  logSoftmax<T extends BatchInput>(
    logits: T,
    opts?: SoftmaxOptions & { out?: undefined } & PoolCall,
  ): Promise<SameKind<T>>;
  logSumExp(logits: BatchInput, opts: ReducedOptions & PoolCall): Promise<number>;
  logSumExp<O extends OutArray>(logits: BatchInput, opts: OutOptions<O> & PoolCall): Promise<O>;
  logSumExp(logits: Nested, opts?: RowOptions & PoolCall): Promise<number[]>;
  logSumExp<T extends Distribution>(logits: T, opts: RowOptions & { classes: number } & PoolCall): Promise<PerRow<T>>;
  logSumExp(logits: Distribution, opts?: SingleOptions & PoolCall): Promise<number>;
  logSumExp(logits: BatchInput, opts?: Options & PoolCall): Promise<Result>;
  softmaxCrossEntropy(p: TargetInput, logits: BatchInput, opts: ReducedOptions & PoolCall): Promise<number>;
  softmaxCrossEntropy<O extends OutArray>(
    p: TargetInput,
    logits: BatchInput,
    opts: OutOptions<O> & PoolCall,
  ): Promise<O>;
  softmaxCrossEntropy(p: TargetInput, logits: Nested, opts?: RowOptions & PoolCall): Promise<number[]>;
  softmaxCrossEntropy<Q extends Distribution>(
    p: TargetInput,
    logits: Q,
    opts: RowOptions & { classes: number } & PoolCall,
  ): Promise<PerRow<Q>>;
  softmaxCrossEntropy(
    p: number | bigint | Distribution,
    logits: Distribution,
    opts?: SingleOptions & PoolCall,
  ): Promise<number>;
  softmaxCrossEntropy(p: TargetInput, logits: BatchInput, opts?: Options & PoolCall): Promise<Result>;
  binaryCrossEntropy(
    y: number | Distribution,
    p: number | Distribution,
    opts: ReducedOptions & PoolCall,
  ): Promise<number>;
  binaryCrossEntropy<O extends OutArray>(
    y: number | Distribution,
    p: number | Distribution,
    opts: OutOptions<O> & PoolCall,
  ): Promise<O>;
  binaryCrossEntropy(y: number, p: number, opts?: RowOptions & PoolCall): Promise<number>;
  binaryCrossEntropy<P extends Distribution>(y: Distribution, p: P, opts?: RowOptions & PoolCall): Promise<PerRow<P>>;
  binaryCrossEntropy(y: number | Distribution, p: number | Distribution, opts?: Options & PoolCall): Promise<Result>;
  sigmoidCrossEntropy(
    y: number | Distribution,
    logits: number | Distribution,
    opts: ReducedOptions & PoolCall,
  ): Promise<number>;
  sigmoidCrossEntropy<O extends OutArray>(
    y: number | Distribution,
    logits: number | Distribution,
    opts: OutOptions<O> & PoolCall,
  ): Promise<O>;
  sigmoidCrossEntropy(y: number, logits: number, opts?: RowOptions & PoolCall): Promise<number>;
  sigmoidCrossEntropy<P extends Distribution>(
    y: Distribution,
    logits: P,
    opts?: RowOptions & PoolCall,
  ): Promise<PerRow<P>>;
  sigmoidCrossEntropy(
    y: number | Distribution,
    logits: number | Distribution,
    opts?: Options & PoolCall,
  ): Promise<Result>;
  scoreRows(
    labels: TargetInput,
    scores: Float64Array | Float32Array | number[],
    opts: ScoreCallOptions,
  ): Promise<ScoredRows>;
  /**
   * A typed array in shared memory (a SharedArrayBuffer) that every thread reads in place: no
   * copy on the calling thread. Where shared memory is unavailable (a page that is not
   * cross-origin isolated) it is an ordinary array, which calls copy piece by piece.
   */
  alloc<T extends AllocatableArray>(type: AllocatableType<T>, length: number): T;
  /**
   * Runs `module`'s exported function `name(...args)` on a thread (for work that is not one of
   * the library's functions, e.g. the command line's scoring of a block of rows). `module` is a
   * URL string the thread can import, or a built-in task `xentropy:NAME` (src/pool/pool-worker.ts).
   * `transfer` moves those buffers to the thread. Typed arrays at the result's top level move
   * back without a copy, and so do the buffers a result wrapped in `move()` (move.ts) lists.
   */
  run<T = unknown>(module: string, name: string, args: unknown[], transfer?: Transferable[]): Promise<T>;
  /** Ends the threads. Calls still running reject; later calls reject. */
  close(): Promise<void>;
}

/** One thread and what it is doing. */
interface Slot {
  thread: Thread;
  inflight: number;
  /** Task modules this thread has imported (a reply to a task of that module came back). */
  modules: Set<string>;
  /** Called on the thread's next reply or failure (close() waits for a thread importing a module). */
  onReply: (() => void) | null;
}

/** Options of the pool for the library's own users (the command line), not part of API.md. */
export interface InternalPoolOptions extends PoolOptions {
  /**
   * Start threads only as work arrives that the threads already started cannot take (up to
   * `threads`): never more threads than pieces. createPool resolves at once.
   */
  lazy?: boolean;
}

/** Shared scratch for one piece in flight (see `lanes` in createPool). */
interface Lane {
  buffer: SharedArrayBuffer | null;
  busy: boolean;
  /** Bytes given out for the current piece. */
  used: number;
  /** Bytes the current piece asked for in all. */
  wanted: number;
}

/** A call in progress: its pieces, what came back, and how it ends. */
interface Job {
  layout: Layout | null;
  /** For `run`: the one message. */
  task?: { module: string; name: string; args: unknown[]; transfer: Transferable[] };
  pieces: number;
  next: number;
  /** Pieces back without error, flagged; `prefix` = how many leading pieces are back. */
  back: Uint8Array;
  prefix: number;
  /** The first piece (in piece order) that failed, and its error. */
  failedAt: number;
  errors: Map<number, Error>;
  sums: Float64Array;
  dens: Float64Array;
  rows: unknown;
  pieceRows: (Float64Array | Float32Array)[];
  value: unknown;
  doneRows: number;
  lastReport: number;
  onProgress?: (done: number, total: number) => void;
  settled: boolean;
  resolve(v: unknown): void;
  reject(e: unknown): void;
  cleanup(): void;
}

const ALLOCATABLE: readonly unknown[] = [Float64Array, Float32Array, Int32Array];

const ARITY: Record<string, number> = {
  informationContent: 1,
  binaryEntropy: 1,
  entropy: 1,
  softmax: 1,
  logSoftmax: 1,
  logSumExp: 1,
  crossEntropy: 2,
  klDivergence: 2,
  softmaxCrossEntropy: 2,
  binaryCrossEntropy: 2,
  sigmoidCrossEntropy: 2,
  scoreRows: 2,
};

/** Per-row values placed per turn of the event loop (256 KiB of float32: a millisecond or so). */
const SLICE = 1 << 16;

/** Copies values [from, to) of a piece's results to `dst` at `off + from` (a typed array or number[]). */
function place(
  dst: Float64Array | number[],
  off: number,
  v: Float64Array | Float32Array,
  from: number,
  to: number,
): void {
  if (ArrayBuffer.isView(dst)) {
    dst.set(v.subarray(from, to), off + from);
    return;
  }
  for (let j = from; j < to; j++) dst[off + j] = v[j];
}

/** Pieces in flight per thread: the next one is already there when a thread finishes one. */
const DEPTH = 2;
/** Longest close() waits for threads still loading modules before it ends them. */
const CLOSE_WAIT_MS = 30_000;
/** onProgress spacing, ms (API.md: at most every 50 ms). */
const PROGRESS_MS = 50;

const now = (): number => (typeof performance === 'object' ? performance.now() : Date.now());

/** Runs `f` in a later turn of the event loop, after timers and I/O due now (setImmediate; a MessageChannel in browsers). */
const nextTurn: (f: () => void) => void = (() => {
  const g = globalThis as { setImmediate?: (f: () => void) => void };
  if (typeof g.setImmediate === 'function') return (f) => g.setImmediate!(f);
  if (typeof MessageChannel === 'function') {
    let channel: MessageChannel | null = null;
    const queue: (() => void)[] = [];
    return (f) => {
      if (!channel) {
        channel = new MessageChannel();
        channel.port1.onmessage = () => queue.shift()?.();
      }
      queue.push(f);
      channel.port2.postMessage(null);
    };
  }
  return (f) => setTimeout(f, 0);
})();

function rebuild(name: string, message: string): Error {
  if (name === 'RangeError') return new RangeError(message);
  if (name === 'TypeError') return new TypeError(message);
  const e = new Error(message);
  if (name !== 'Error') e.name = name;
  return e;
}

/** The pool's own options, checked; the rest belongs to the synchronous call. */
function callControls(
  fn: string,
  opts: unknown,
): { signal?: AbortSignal; onProgress?: (d: number, t: number) => void } {
  if (opts === null || typeof opts !== 'object') return {};
  const { signal, onProgress } = opts as PoolCall;
  if (
    signal !== undefined &&
    !(
      typeof signal === 'object' &&
      signal !== null &&
      typeof signal.aborted === 'boolean' &&
      typeof signal.addEventListener === 'function'
    )
  ) {
    throw new TypeError(`${fn}: signal must be an AbortSignal, got ${describeValue(signal)}`);
  }
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    throw new TypeError(`${fn}: onProgress must be a function, got ${describeValue(onProgress)}`);
  }
  return { signal, onProgress };
}

/** The array a 'rows' call fills as pieces come back (for `out`, pieces wait until all passed). */
function stagingFor(l: Layout): unknown {
  if (l.resolved.out) return null;
  const length = l.n * l.width;
  if (l.nested) return new Array(l.n);
  if (l.kind === 'f32') return new Float32Array(length);
  if (l.kind === 'f64') return new Float64Array(length);
  return new Array(length);
}

/**
 * Starts `threads` worker threads, each loading its own instance of the library.
 *
 * @example
 * const pool = await createPool({ threads: 4 });
 * await pool.softmaxCrossEntropy(labels, logits, { classes: 10, reduction: 'mean' }); // as x.softmaxCrossEntropy
 * await pool.close();
 */
export function createPool(options: PoolOptions = {}): Promise<Pool> {
  if (options !== null && typeof options === 'object' && 'lazy' in options) {
    const { lazy: _, ...rest } = options as InternalPoolOptions;
    return openPool(rest);
  }
  return openPool(options);
}

/**
 * {@link createPool}, with the library's own options: `lazy` starts threads as work arrives (the
 * command line, which must not start 63 threads for `--workers 64` on a file of three pieces).
 */
export async function openPool(options: InternalPoolOptions = {}): Promise<Pool> {
  if (options === null || typeof options !== 'object')
    throw new TypeError(`createPool: options must be an object, got ${describeValue(options)}`);
  const { backend } = options;
  if (backend !== undefined && backend !== 'wasm' && backend !== 'js') {
    throw new RangeError(`createPool: backend must be 'wasm' or 'js', got ${describeValue(backend)}`);
  }
  const lazy = options.lazy === true;
  const threads = options.threads ?? (await defaultThreads());
  if (typeof threads !== 'number' || !Number.isSafeInteger(threads) || threads < 1) {
    throw new RangeError(`createPool: threads must be a positive integer, got ${describeValue(threads)}`);
  }

  const slots: Slot[] = [];
  const jobs: Job[] = [];
  /** Message id → the job and piece it belongs to, and the slot running it. */
  const inflight = new Map<number, { job: Job; piece: number; slot: Slot; lane?: Lane | null }>();
  let nextId = 1;
  let closed = false;
  let broken: Error | null = null;
  let backendName: 'wasm' | 'js' = 'js';

  function settle(job: Job, ok: boolean, v: unknown): void {
    if (job.settled) return;
    job.settled = true;
    job.cleanup();
    const i = jobs.indexOf(job);
    if (i >= 0) jobs.splice(i, 1);
    if (ok) job.resolve(v);
    else job.reject(v);
  }

  /** Ends everything after a thread died or the pool was closed. */
  function failAll(error: Error): void {
    for (const job of [...jobs]) settle(job, false, error);
  }

  /** Pieces not yet sent to a thread. */
  const unsent = (): number => {
    let n = 0;
    for (const j of jobs) if (!j.settled) n += Math.max(0, Math.min(j.pieces, j.failedAt) - j.next);
    return n;
  };
  const waiting = (): Job | undefined => jobs.find((j) => !j.settled && j.next < Math.min(j.pieces, j.failedAt));

  function pump(): void {
    for (const slot of slots) {
      while (slot.inflight < DEPTH) {
        const job = waiting();
        if (!job) return;
        const piece = job.next++;
        const id = nextId++;
        let message: ToWorker;
        let transfer: Transferable[];
        let lane: Lane | null = null;
        if (job.task) {
          message = { type: 'task', id, module: job.task.module, name: job.task.name, args: job.task.args };
          transfer = job.task.transfer;
        } else {
          const l = job.layout!;
          lane = laneFor();
          const p = pieceOf(l, piece, takeFrom(lane));
          const out = l.resolved.out;
          message = {
            type: 'piece',
            id,
            fn: l.fn,
            mode: l.mode,
            args: p.args,
            opts: p.opts,
            r0: p.r0,
            ...(out
              ? { outType: out instanceof Float32Array ? 'Float32Array' : 'Float64Array', outLength: p.rows * l.width }
              : {}),
          } as ToWorker;
          transfer = p.transfer;
        }
        inflight.set(id, { job, piece, slot, lane });
        if (slot.inflight++ === 0) slot.thread.hold(true);
        try {
          slot.thread.post(message, transfer);
        } catch (e) {
          // A value that cannot be cloned (a function inside a plain array): the call fails with it.
          inflight.delete(id);
          release(lane);
          if (--slot.inflight === 0) slot.thread.hold(false);
          settle(job, false, e);
        }
      }
    }
    // Every thread has its fill and more work waits than the threads starting will take: one
    // more thread, if the pool may grow.
    if (lazy && !closed && !broken && slots.length + starting < threads && unsent() > starting * DEPTH) void grow();
  }

  function finish(job: Job): void {
    if (job.layout && job.onProgress && now() - job.lastReport >= PROGRESS_MS) report(job);
    settle(job, true, resultOf(job));
  }

  /** A finished job's result: merged reduction parts, the staged rows (copied into `out`), or the one value. */
  function resultOf(job: Job): unknown {
    const l = job.layout;
    if (!l) return job.value;
    if (l.mode === 'parts') {
      const sum = new CompensatedSum();
      const den = new CompensatedSum();
      for (let i = 0; i < job.pieces; i++) {
        sum.add(job.sums[i]);
        den.add(job.dens[i]);
      }
      if (l.resolved.reduction === 'sum') return sum.value;
      const d = den.value;
      return d === 0 ? NaN : sum.value / d;
    }
    if (job.value !== undefined) return job.value;
    const out = l.resolved.out;
    if (!out) return job.rows;
    let off = 0;
    for (const part of job.pieceRows) {
      out.set(part, off);
      off += part.length;
    }
    return out;
  }

  function report(job: Job): void {
    job.lastReport = now();
    try {
      job.onProgress!(job.doneRows, job.layout!.n);
    } catch (e) {
      settle(job, false, e);
    }
  }

  /** Puts a piece's reply where it belongs. */
  function accept(job: Job, piece: number, m: FromWorker, placed = 0): void {
    const l = job.layout;
    if (!l) {
      job.value = (m as { value: unknown }).value;
      return;
    }
    const r0 = piece * l.rowsPerPiece;
    if (m.type === 'parts') {
      job.sums[piece] = m.sum;
      job.dens[piece] = m.den;
    } else if (m.type === 'scored') {
      const s = job.rows as ScoredRows;
      s.crossEntropy.set(m.crossEntropy, r0);
      s.entropy.set(m.entropy, r0);
      s.predicted.set(m.predicted, r0);
    } else if (m.type === 'rows') {
      const v = m.value;
      if (typeof v === 'number') job.value = v;
      else if (l.resolved.out) job.pieceRows[piece] = v;
      else if (l.nested) {
        const rows = job.rows as number[][];
        for (let r = 0; r * l.width < v.length; r++)
          rows[r0 + r] = Array.from(v.subarray(r * l.width, (r + 1) * l.width));
      } else place(job.rows as Float64Array | number[], r0 * l.width, v, placed, v.length);
    }
    const rowsBack = Math.min(l.n, r0 + l.rowsPerPiece) - r0;
    job.doneRows += rowsBack;
    if (job.onProgress && now() - job.lastReport >= PROGRESS_MS) report(job);
  }

  /** Buffers the threads handed back, by size: piece copies go into them where shared memory is unavailable. */
  const spares: ArrayBuffer[] = [];
  const spare = (bytes: number): ArrayBuffer => {
    const i = spares.findIndex((b) => b.byteLength >= bytes && b.byteLength <= 2 * bytes + 4096);
    return i >= 0 ? spares.splice(i, 1)[0] : new ArrayBuffer(bytes);
  };

  /**
   * Shared scratch for the copies of pieces in flight (one lane per piece, at most DEPTH per
   * thread): the calling thread copies a piece into a free lane while the threads compute the
   * pieces before it, and the thread reads it in place. Lanes are kept and reused, so steady
   * work allocates nothing (no garbage, no first-touch page faults); a lane grows to the largest
   * piece it was asked to hold, that piece going in a buffer of its own meanwhile.
   */
  const lanes: Lane[] = [];
  function laneFor(): Lane | null {
    if (!shared) return null;
    let lane = lanes.find((x) => !x.busy);
    if (!lane) {
      lane = { buffer: null, busy: false, used: 0, wanted: 0 };
      lanes.push(lane);
    }
    lane.busy = true;
    lane.used = 0;
    lane.wanted = 0;
    return lane;
  }
  function takeFrom(lane: Lane | null): Take {
    return (bytes) => {
      if (!lane) return { buffer: spare(bytes), offset: 0 };
      // 8-byte aligned regions: every typed array kind can start there.
      const size = (bytes + 7) & ~7;
      lane.wanted += size;
      if (lane.buffer && lane.used + size <= lane.buffer.byteLength) {
        const offset = lane.used;
        lane.used += size;
        return { buffer: lane.buffer, offset };
      }
      return { buffer: new ArrayBuffer(bytes), offset: 0 };
    };
  }
  function release(lane: Lane | null | undefined): void {
    if (!lane) return;
    if (!lane.buffer || lane.wanted > lane.buffer.byteLength) lane.buffer = new SharedArrayBuffer(lane.wanted);
    lane.busy = false;
  }

  /**
   * Replies are handled in slices, one per turn of the event loop: a runtime may deliver many at
   * once, and placing results is a copy into fresh pages (a page fault per 4 KiB, slow on some
   * VMs), so per-row results are placed {@link SLICE} values per turn.
   */
  type Entry = { job: Job; piece: number; slot: Slot; lane?: Lane | null };
  const replies: { entry: Entry; m: FromWorker; placed: number }[] = [];
  let draining = false;

  /** A reply arrives: its thread is free for the next piece at once; its results are placed in later turns. */
  function receive(slot: Slot, m: FromWorker): void {
    if (m.type === 'ready' || m.type === 'failed') return;
    // Kept for reuse only where pieces are not copied into lanes (shared memory unavailable).
    if (!shared && 'spent' in m && m.spent) {
      spares.push(...m.spent);
      // Enough for every piece in flight, each with a few arguments.
      if (spares.length > 8 * DEPTH * slots.length) spares.splice(0, spares.length - 8 * DEPTH * slots.length);
    }
    const entry = inflight.get(m.id);
    if (!entry) return;
    inflight.delete(m.id);
    release(entry.lane);
    if (entry.job.task && m.type === 'value') slot.modules.add(entry.job.task.module);
    slot.onReply?.();
    if (--slot.inflight === 0) slot.thread.hold(false);
    if (!entry.job.settled) {
      replies.push({ entry, m, placed: 0 });
      if (!draining) {
        draining = true;
        nextTurn(drain);
      }
    }
    pump();
  }

  function drain(): void {
    const head = replies[0];
    if (head && !placeSlice(head)) {
      replies.shift();
      settleReply(head.entry, head.m, head.placed);
    }
    if (replies.length > 0) nextTurn(drain);
    else draining = false;
  }

  /** Places one slice of a reply's per-row values into its call's staging; true while more remain. */
  function placeSlice(r: { entry: Entry; m: FromWorker; placed: number }): boolean {
    const { job, piece } = r.entry;
    const l = job.layout;
    if (r.m.type !== 'rows' || typeof r.m.value === 'number' || job.settled || !l || l.resolved.out || l.nested)
      return false;
    const v = r.m.value;
    if (v.length - r.placed <= SLICE) return false;
    place(job.rows as Float64Array | number[], piece * l.rowsPerPiece * l.width, v, r.placed, r.placed + SLICE);
    r.placed += SLICE;
    return true;
  }

  /** A piece's outcome: its results accepted or its error kept; the call ends when its prefix allows. */
  function settleReply(entry: Entry, m: FromWorker, placed: number): void {
    const { job, piece } = entry;
    if (job.settled) return;
    if (m.type === 'error') {
      job.failedAt = Math.min(job.failedAt, piece);
      job.errors.set(piece, rebuild(m.name, m.message));
    } else {
      accept(job, piece, m, placed);
      job.back[piece] = 1;
    }
    while (job.prefix < job.pieces && job.back[job.prefix]) job.prefix++;
    // The first failing piece's error wins once every piece before it came back clean.
    if (job.settled) return;
    if (job.prefix >= job.failedAt) settle(job, false, job.errors.get(job.failedAt));
    else if (job.prefix === job.pieces) finish(job);
  }

  /** Starts one thread, loading its backend; resolves when it is ready. */
  function spawn(): Promise<Slot> {
    return new Promise<Slot>((resolve, reject) => {
      let slot: Slot | null = null;
      let ready = false;
      startThread({
        message(data) {
          const m = data as FromWorker;
          if (!ready) {
            if (m.type === 'ready') {
              ready = true;
              backendName = m.backend;
              // Held while it started; an idle thread does not keep the process alive.
              slot!.thread.hold(false);
              resolve(slot!);
            } else if (m.type === 'failed') {
              reject(rebuild(m.name, m.message));
            }
            return;
          }
          receive(slot!, m);
        },
        failure(error) {
          if (!ready) return reject(error);
          // A dead thread answers nothing more: close() must not wait for it.
          for (const [id, e] of inflight) {
            if (e.slot !== slot) continue;
            inflight.delete(id);
            release(e.lane);
          }
          slot!.onReply?.();
          if (closed) return;
          broken ??= error;
          failAll(error);
        },
      }).then((thread) => {
        slot = { thread, inflight: 0, modules: new Set(), onReply: null };
        thread.post({ type: 'init', backend } satisfies ToWorker, []);
      }, reject);
    });
  }

  /** Threads starting (lazy pools start them as work waits). */
  let starting = 0;
  /** Settles once no thread is starting: close() never ends a thread still loading its modules. */
  let started: Promise<unknown> = Promise.resolve();

  async function grow(): Promise<void> {
    starting++;
    const next = spawn();
    started = Promise.allSettled([started, next]);
    try {
      const slot = await next;
      if (closed) {
        await slot.thread.terminate();
        return;
      }
      slots.push(slot);
    } catch (e) {
      if (closed) return;
      broken ??= e instanceof Error ? e : new Error(String(e));
      failAll(broken);
      return;
    } finally {
      starting--;
    }
    pump();
  }

  if (!lazy) {
    // Every thread at once; the pool is ready when all are.
    const all = await Promise.allSettled(Array.from({ length: threads }, spawn));
    for (const s of all) if (s.status === 'fulfilled') slots.push(s.value);
    const failed = all.find((s) => s.status === 'rejected') as PromiseRejectedResult | undefined;
    if (failed) {
      await Promise.all(slots.map((s) => s.thread.terminate()));
      throw failed.reason;
    }
  }
  const shared = sharedMemoryUsable();

  function enqueue(
    job: Omit<Job, 'settled' | 'resolve' | 'reject' | 'cleanup'>,
    signal: AbortSignal | undefined,
  ): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const full = job as Job;
      full.settled = false;
      full.resolve = resolve;
      full.reject = reject;
      const abort = () => settle(full, false, signal!.reason);
      full.cleanup = () => signal?.removeEventListener('abort', abort);
      signal?.addEventListener('abort', abort);
      jobs.push(full);
      pump();
    });
  }

  function checkOpen(): void {
    if (broken) throw new Error(`xentropy pool: a thread failed (${broken.message}); create a new pool`);
    if (closed) throw new Error('xentropy pool: the pool is closed');
  }

  async function call(fn: string, argv: unknown[]): Promise<unknown> {
    checkOpen();
    const arity = ARITY[fn];
    const opts = argv[arity];
    const { signal, onProgress } = callControls(fn, opts);
    if (signal?.aborted) throw signal.reason;
    const l = layout(fn, argv.slice(0, arity), opts as Record<string, unknown> | undefined);
    const rows =
      l.mode === 'scored'
        ? { crossEntropy: new Float64Array(l.n), entropy: new Float64Array(l.n), predicted: new Int32Array(l.n) }
        : l.mode === 'rows'
          ? stagingFor(l)
          : null;
    return enqueue(
      {
        layout: l,
        pieces: l.pieces,
        next: 0,
        back: new Uint8Array(l.pieces),
        prefix: 0,
        failedAt: Infinity,
        errors: new Map(),
        sums: new Float64Array(l.mode === 'parts' ? l.pieces : 0),
        dens: new Float64Array(l.mode === 'parts' ? l.pieces : 0),
        rows,
        pieceRows: [],
        value: undefined,
        doneRows: 0,
        lastReport: now(),
        onProgress,
      },
      signal,
    );
  }

  const pool: Record<string, unknown> = {
    get threads() {
      return threads;
    },
    get backend() {
      return backendName;
    },
    get shared() {
      return shared;
    },
    alloc<T extends AllocatableArray>(type: AllocatableType<T>, length: number): T {
      if (!ALLOCATABLE.includes(type)) {
        const name =
          typeof type === 'function' && typeof type.name === 'string' && type.name ? type.name : describeValue(type);
        throw new TypeError(`alloc: type must be Float64Array, Float32Array or Int32Array, got ${name}`);
      }
      if (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 0) {
        throw new RangeError(`alloc: length must be a non-negative integer, got ${describeValue(length)}`);
      }
      return shared ? new type(new SharedArrayBuffer(length * type.BYTES_PER_ELEMENT), 0, length) : new type(length);
    },
    async run(module: string, name: string, args: unknown[], transfer: Transferable[] = []) {
      checkOpen();
      if (typeof module !== 'string' || typeof name !== 'string' || !Array.isArray(args)) {
        throw new TypeError('run: expected (module URL, export name, arguments array)');
      }
      return enqueue(
        {
          layout: null,
          task: { module, name, args, transfer },
          pieces: 1,
          next: 0,
          back: new Uint8Array(1),
          prefix: 0,
          failedAt: Infinity,
          errors: new Map(),
          sums: new Float64Array(0),
          dens: new Float64Array(0),
          rows: null,
          pieceRows: [],
          value: undefined,
          doneRows: 0,
          lastReport: now(),
        },
        undefined,
      );
    },
    async close() {
      if (closed) return;
      closed = true;
      // Threads busy importing a task module are let finish first: ending a thread while it
      // loads modules aborts Node 20 (v8::Module::IsGraphAsync). Capped: a task that never
      // answers does not hold close() for ever.
      const importing = [...inflight.values()]
        .filter((e) => e.job.task && !e.slot.modules.has(e.job.task.module))
        .map((e) => e.slot);
      failAll(new Error('xentropy pool: the pool was closed while the call ran'));
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        Promise.all([
          started,
          ...[...new Set(importing)].map(
            (slot) =>
              new Promise<void>((resolve) => {
                slot.onReply = resolve;
              }),
          ),
        ]),
        new Promise((resolve) => {
          timer = setTimeout(resolve, CLOSE_WAIT_MS);
        }),
      ]);
      clearTimeout(timer);
      await Promise.all(slots.map((s) => s.thread.terminate()));
    },
  };
  for (const fn of Object.keys(ARITY)) pool[fn] = (...argv: unknown[]) => call(fn, argv);
  return Object.freeze(pool) as unknown as Pool;
}
