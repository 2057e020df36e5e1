/**
 * Loading the WebAssembly backend: the module's bytes are embedded (src/wasm.generated.ts), so
 * the same build works in Node, browsers and bundlers with no fetch, no fs and no configuration
 * (../shared/notes/wasm-in-browsers.md: the one way that passed every case measured). The
 * compiled module is memoized; a failed compile is forgotten so a later call can retry.
 */
import { createApi } from './api.js';
import type { Xentropy } from './api.js';
import { createWasmBackend } from './backend/wasm.js';
import { describeValue } from './shapes.js';
import { jsBackend } from './backend/js.js';
import { wasmBase64 } from './wasm.generated.js';

export interface LoadOptions {
  /** 'wasm': WebAssembly or throw (never a silent fallback). Default: wasm, falling back to js. */
  backend?: 'wasm' | 'js';
}

let compiled: Promise<WebAssembly.Module> | null = null;
let wasmApi: Promise<Xentropy> | null = null;
let jsApi: Xentropy | null = null;

function decodeBase64(s: string): Uint8Array {
  if (typeof atob === 'function') {
    const bin = atob(s);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return bytes;
  }
  throw new Error('xentropy: no base64 decoder (atob) in this environment');
}

function compileOnce(): Promise<WebAssembly.Module> {
  if (!compiled) {
    compiled = (async () => {
      if (typeof WebAssembly !== 'object' || typeof WebAssembly.compile !== 'function') {
        throw new Error('xentropy: WebAssembly is not available in this environment; use the js backend');
      }
      return WebAssembly.compile(decodeBase64(wasmBase64) as BufferSource);
    })();
    compiled.catch(() => {
      compiled = null;
    });
  }
  return compiled;
}

/** The module's one import: the heap's abort, reached only when alloc() cannot grow memory. */
const imports = {
  env: {
    abort(): never {
      throw new RangeError('xentropy: alloc() failed: WebAssembly memory cannot grow further');
    },
  },
};

/** One instance per realm (a worker has its own): calls are synchronous, so sharing it is safe. */
function instantiateOnce(): Promise<Xentropy> {
  if (!wasmApi) {
    wasmApi = compileOnce().then(async (module) => createApi(createWasmBackend(await WebAssembly.instantiate(module, imports))));
    wasmApi.catch(() => {
      wasmApi = null;
    });
  }
  return wasmApi;
}

let warnedRefused = false;

/**
 * WebAssembly exists but would not compile: a Content-Security-Policy without
 * 'wasm-unsafe-eval' refuses it (Chromium, Firefox and Safari throw a CompileError or EvalError).
 * The js backend gives the same numbers more slowly; say so once, rather than fall back silently.
 */
function warnRefusedOnce(error: unknown): void {
  if (warnedRefused || typeof WebAssembly !== 'object') return;
  warnedRefused = true;
  const why = error instanceof Error ? error.message : String(error);
  console.warn(
    `xentropy: WebAssembly compilation was refused (${why}); using the js backend. ` +
    "A Content-Security-Policy needs script-src 'wasm-unsafe-eval' for the wasm backend.",
  );
}

/**
 * Loads a backend: the wasm API is compiled and instantiated once and shared by every call.
 *
 * Without options it gives the wasm backend, or the js backend where WebAssembly is missing or
 * refused (a Content-Security-Policy without `'wasm-unsafe-eval'`: then it warns once on the
 * console). `{ backend: 'wasm' }` never falls back; `{ backend: 'js' }` skips WebAssembly.
 *
 * @param options - `backend`: `'wasm'` (or throw) or `'js'`
 * @returns the API, with the same methods and results on both backends
 * @throws Error with `{ backend: 'wasm' }` where WebAssembly is unavailable or refused
 * @throws RangeError for a backend name other than `'wasm'` or `'js'`
 * @example
 * ```ts
 * const x = await load();
 * x.backend; // → 'wasm'
 * (await load({ backend: 'js' })).backend; // → 'js'
 * ```
 */
export async function load(options: LoadOptions = {}): Promise<Xentropy> {
  const wanted = options?.backend;
  if (wanted !== undefined && wanted !== 'wasm' && wanted !== 'js') {
    throw new RangeError(`load: backend must be 'wasm' or 'js', got ${describeValue(wanted)}`);
  }
  if (wanted !== 'js') {
    try {
      return await instantiateOnce();
    } catch (e) {
      if (wanted === 'wasm') throw e;
      warnRefusedOnce(e);
    }
  }
  jsApi ??= createApi(jsBackend);
  return jsApi;
}
