/**
 * A pool thread: its own module instance of the library (`load()` here, in the worker), running
 * one piece at a time through the synchronous API, and generic tasks (a module's exported
 * function) for callers that score their own way (the command line).
 */
import type { Xentropy } from '../api.js';
import { load } from '../load.js';
import { reportReductionParts } from '../run.js';
import type { FromWorker, ToWorker } from './protocol.js';
import { moved } from './move.js';
import { shiftPositions } from './protocol.js';
import { importNode, inNode } from './threads.js';

type Reply = (message: FromWorker, transfer?: Transferable[]) => void;

let api: Xentropy | null = null;

/** The buffers of typed arrays in a result that can move to the caller instead of being copied. */
function movable(values: unknown[]): Transferable[] {
  const out: Transferable[] = [];
  for (const v of values) {
    if (ArrayBuffer.isView(v) && v.buffer instanceof ArrayBuffer && !out.includes(v.buffer)) out.push(v.buffer);
  }
  return out;
}

function failure(e: unknown): { name: string; message: string } {
  if (e instanceof Error) return { name: e.name, message: e.message };
  return { name: 'Error', message: String(e) };
}

/** The piece's own input buffers (copies made for it), which go back to the pool for reuse. */
function spentBuffers(msg: Extract<ToWorker, { type: 'piece' }>): ArrayBuffer[] {
  return movable([...msg.args, ...Object.values(msg.opts)]) as ArrayBuffer[];
}

function runPiece(msg: Extract<ToWorker, { type: 'piece' }>, send: Reply): void {
  const { id, fn, args, r0 } = msg;
  const spent = spentBuffers(msg);
  const reply: Reply = (m, t = []) => send({ ...m, spent } as FromWorker, [...t, ...spent]);
  const opts = { ...msg.opts };
  if (msg.outType)
    opts.out = msg.outType === 'Float32Array' ? new Float32Array(msg.outLength!) : new Float64Array(msg.outLength!);
  let parts: { sum: number; den: number } | null = null;
  reportReductionParts((sum, den) => {
    parts = { sum, den };
  });
  let value: unknown;
  try {
    const f = (api as unknown as Record<string, (...a: unknown[]) => unknown>)[fn];
    if (typeof f !== 'function') throw new TypeError(`xentropy pool: this build has no function ${fn}`);
    value = f(...args, opts);
  } catch (e) {
    const { name, message } = failure(e);
    reply({ type: 'error', id, name, message: shiftPositions(message, r0) });
    return;
  } finally {
    reportReductionParts(null);
  }
  if (msg.mode === 'parts') {
    const p = parts as { sum: number; den: number } | null;
    if (!p) {
      reply({
        type: 'error',
        id,
        name: 'Error',
        message: `xentropy pool: ${fn} reduced without reporting its parts (a bug)`,
      });
      return;
    }
    reply({ type: 'parts', id, sum: p.sum, den: p.den });
    return;
  }
  if (msg.mode === 'scored') {
    const s = value as { crossEntropy: Float64Array; entropy: Float64Array; predicted: Int32Array };
    reply({ type: 'scored', id, ...s }, movable([s.crossEntropy, s.entropy, s.predicted]));
    return;
  }
  // number[] results travel as a Float64Array (the same doubles); the caller rebuilds the kind.
  const rows =
    typeof value === 'number'
      ? value
      : Array.isArray(value)
        ? Float64Array.from(value as number[])
        : (value as Float64Array | Float32Array);
  reply({ type: 'rows', id, value: rows }, typeof rows === 'number' ? [] : movable([rows]));
}

/** Tasks of the library's own, named `xentropy:NAME`: called with the thread's library first. */
const BUILT_IN: Record<string, () => Promise<Record<string, unknown>>> = {
  'xentropy:accumulate': () => import('./accumulate.js'),
};

async function runTask(msg: Extract<ToWorker, { type: 'task' }>, reply: Reply): Promise<void> {
  try {
    const builtIn = Object.hasOwn(BUILT_IN, msg.module) ? BUILT_IN[msg.module] : undefined;
    const mod = builtIn ? await builtIn() : ((await import(/* @vite-ignore */ msg.module)) as Record<string, unknown>);
    const f = mod[msg.name];
    if (typeof f !== 'function') throw new TypeError(`xentropy pool: ${msg.module} exports no function ${msg.name}`);
    const args = builtIn ? [api, ...msg.args] : msg.args;
    const result = await (f as (...a: unknown[]) => unknown)(...args);
    const marked = moved(result);
    if (marked) {
      reply({ type: 'value', id: msg.id, value: marked.value }, marked.transfer);
      return;
    }
    const parts =
      result !== null && typeof result === 'object' ? (Array.isArray(result) ? result : Object.values(result)) : [];
    reply({ type: 'value', id: msg.id, value: result }, movable(ArrayBuffer.isView(result) ? [result] : parts));
  } catch (e) {
    reply({ type: 'error', id: msg.id, ...failure(e) });
  }
}

async function handle(msg: ToWorker, reply: Reply): Promise<void> {
  if (msg.type === 'init') {
    try {
      api = await load({ backend: msg.backend });
      reply({ type: 'ready', backend: api.backend });
    } catch (e) {
      reply({ type: 'failed', ...failure(e) });
    }
  } else if (msg.type === 'piece') {
    runPiece(msg, reply);
  } else if (msg.type === 'task') {
    await runTask(msg, reply);
  }
}

if (inNode()) {
  // No top-level await: bundlers emit workers in formats without it (Vite: iife). Node queues
  // messages on the port until the listener is attached.
  void importNode<typeof import('node:worker_threads')>('node:worker_threads').then(({ parentPort }) => {
    const port = parentPort!;
    port.on('message', (msg: ToWorker) => void handle(msg, (m, t) => port.postMessage(m, (t ?? []) as never)));
  });
} else {
  // Set before anything is awaited, so that no message is dispatched without a listener.
  const scope = globalThis as unknown as {
    onmessage: ((e: MessageEvent) => void) | null;
    postMessage(m: unknown, t: Transferable[]): void;
  };
  scope.onmessage = (e: MessageEvent) => void handle(e.data as ToWorker, (m, t) => scope.postMessage(m, t ?? []));
}
