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

/**
 * Loads a backend: the wasm API is compiled and instantiated once and shared by every call.
 *
 * @example
 * const x = await load();                 // x.backend === 'wasm'
 * const w = await load({ backend: 'wasm' }); // throws where WebAssembly is unavailable
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
    }
  }
  jsApi ??= createApi(jsBackend);
  return jsApi;
}
