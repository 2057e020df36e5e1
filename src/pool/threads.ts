/**
 * The pool's threads, one interface over Node's `worker_threads` and the browser's module Web
 * Workers, chosen at run time. The worker entry is a plain file next to this one
 * (pool-worker.js), named with `new URL('./pool-worker.js', import.meta.url)` so that bundlers
 * (Vite, esbuild with its worker plugins, webpack 5) find and emit it with no configuration.
 */

/** A message port to one worker thread. */
export interface Thread {
  post(message: unknown, transfer: Transferable[]): void;
  /** Keeps the process alive while the thread has work (Node); a no-op in browsers. */
  hold(busy: boolean): void;
  terminate(): Promise<void>;
}

export interface ThreadEvents {
  message(data: unknown): void;
  /** The thread failed to start or died (an uncaught error, a failed load of its script). */
  failure(error: Error): void;
}

/** Running in Node (worker_threads), rather than a browser or another runtime with Web Workers. */
export function inNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

/**
 * A module name hidden from bundlers: a browser build must not try to resolve Node's built-ins,
 * and `@vite-ignore` keeps Vite quiet about the non-literal import.
 */
export function importNode<T>(name: string): Promise<T> {
  return import(/* @vite-ignore */ name) as Promise<T>;
}

/** One thread per core: os.availableParallelism() in Node, navigator.hardwareConcurrency in browsers. */
export async function defaultThreads(): Promise<number> {
  if (inNode()) {
    const os = await importNode<typeof import('node:os')>('node:os');
    return Math.max(1, typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length);
  }
  const n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return typeof n === 'number' && n >= 1 ? Math.floor(n) : 1;
}

/** Whether typed arrays on a SharedArrayBuffer can be posted to the threads (Node; cross-origin-isolated pages). */
export function sharedMemoryUsable(): boolean {
  if (typeof SharedArrayBuffer !== 'function') return false;
  if (inNode()) return true;
  return (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
}

/** Starts a worker thread running pool-worker.js. */
export async function startThread(events: ThreadEvents): Promise<Thread> {
  if (inNode()) {
    const { Worker } = await importNode<typeof import('node:worker_threads')>('node:worker_threads');
    // The URL goes through a variable: a browser bundler would otherwise emit the worker a second
    // time as a raw asset for this Node-only branch.
    const here = import.meta.url;
    // The threads take the process's Node options, except --input-type, which only makes sense
    // for its entry point (`node --input-type=module -e …` would refuse to start a worker file).
    // A list given explicitly must hold only per-thread options: failing that, none.
    const argv = process.execArgv;
    let execArgv: string[] | undefined;
    if (argv.some((a) => a.startsWith('--input-type'))) {
      execArgv = argv.filter((a, i) => !a.startsWith('--input-type') && argv[i - 1] !== '--input-type');
    }
    const url = new URL('./pool-worker.js', here);
    let worker: InstanceType<typeof Worker>;
    try {
      worker = new Worker(url, { execArgv });
    } catch (e) {
      if ((e as { code?: string }).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw e;
      worker = new Worker(url, { execArgv: [] });
    }
    worker.on('message', (data) => events.message(data));
    worker.on('error', (e) => events.failure(e instanceof Error ? e : new Error(String(e))));
    worker.on('exit', (code) => events.failure(new Error(`xentropy pool: a worker thread exited (code ${code})`)));
    return {
      post: (message, transfer) => worker.postMessage(message, transfer as never),
      hold: (busy) => (busy ? worker.ref() : worker.unref()),
      terminate: async () => {
        worker.removeAllListeners('exit');
        worker.removeAllListeners('error');
        await worker.terminate();
      },
    };
  }
  if (typeof Worker !== 'function') throw new Error('xentropy pool: this environment has no Web Workers');
  const worker = new Worker(new URL('./pool-worker.js', import.meta.url), { type: 'module' });
  worker.onmessage = (e) => events.message(e.data);
  worker.onerror = (e) => {
    e.preventDefault();
    events.failure(new Error(`xentropy pool: a worker failed: ${e.message || 'its script did not load'}`));
  };
  worker.onmessageerror = () => events.failure(new Error('xentropy pool: a message from a worker could not be read'));
  return {
    post: (message, transfer) => worker.postMessage(message, transfer),
    hold: () => undefined,
    terminate: async () => worker.terminate(),
  };
}
