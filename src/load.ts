/**
 * Loading the WebAssembly backend: the module's bytes are embedded (src/wasm.generated.ts), so
 * the same build works in Node, browsers and bundlers with no fetch, no fs and no configuration
 * (../shared/notes/wasm-in-browsers.md: the one way that passed every case measured). Two builds
 * are embedded: SIMD ('plain') and SIMD + relaxed SIMD ('relaxed': fused multiply-add in the
 * vector math); the relaxed one runs where the engine validates a tiny relaxed-SIMD probe.
 * Each compiled module is memoized; a failed compile is forgotten so a later call can retry.
 */
import { createApi } from './api.js';
import type { Xentropy } from './api.js';
import { createWasmBackend } from './backend/wasm.js';
import { describeValue } from './shapes.js';
import { jsBackend } from './backend/js.js';
import { relaxedWasmBase64, wasmBase64 } from './wasm.generated.js';

export interface LoadOptions {
  /** 'wasm': WebAssembly or throw (never a silent fallback). Default: wasm, falling back to js. */
  backend?: 'wasm' | 'js';
  /**
   * Which wasm build: 'relaxed' (relaxed SIMD, fused multiply-add) or 'plain' (SIMD only); either
   * is forced (an engine without relaxed SIMD then throws). Default: 'relaxed' where the engine
   * has it (Chromium, Node ≥ 22), else 'plain'. Both give results within API.md's bounds.
   */
  simd?: Simd;
}

type Simd = 'relaxed' | 'plain';

const compiled: Partial<Record<Simd, Promise<WebAssembly.Module>>> = {};
const wasmApi: Partial<Record<Simd, Promise<Xentropy>>> = {};
let jsApi: Xentropy | null = null;

/**
 * A module of one function, local.get 0..2 then f32x4.relaxed_madd (0xFD 0x105): it validates
 * exactly where the engine has relaxed SIMD.
 */
const RELAXED_PROBE = [
  0x00,
  0x61,
  0x73,
  0x6d,
  0x01,
  0x00,
  0x00,
  0x00, // magic, version
  0x01,
  0x08,
  0x01,
  0x60,
  0x03,
  0x7b,
  0x7b,
  0x7b,
  0x01,
  0x7b, // type: (v128, v128, v128) -> v128
  0x03,
  0x02,
  0x01,
  0x00, // one function of that type
  0x0a,
  0x0d,
  0x01,
  0x0b,
  0x00,
  0x20,
  0x00,
  0x20,
  0x01,
  0x20,
  0x02,
  0xfd,
  0x85,
  0x02,
  0x0b, // its body
];

let relaxedSupport: boolean | undefined;
function hasRelaxedSimd(): boolean {
  relaxedSupport ??= WebAssembly.validate(new Uint8Array(RELAXED_PROBE));
  return relaxedSupport;
}

function decodeBase64(s: string): Uint8Array {
  if (typeof atob === 'function') {
    const bin = atob(s);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return bytes;
  }
  throw new Error('xentropy: no base64 decoder (atob) in this environment');
}

function wasmAvailable(): void {
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.compile !== 'function') {
    throw new Error('xentropy: WebAssembly is not available in this environment; use the js backend');
  }
}

function compileOnce(simd: Simd): Promise<WebAssembly.Module> {
  let module = compiled[simd];
  if (!module) {
    module = (async () => {
      wasmAvailable();
      return WebAssembly.compile(decodeBase64(simd === 'relaxed' ? relaxedWasmBase64 : wasmBase64) as BufferSource);
    })();
    compiled[simd] = module;
    module.catch(() => {
      delete compiled[simd];
    });
  }
  return module;
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
function instantiateOnce(simd: Simd): Promise<Xentropy> {
  let api = wasmApi[simd];
  if (!api) {
    api = compileOnce(simd).then(async (module) =>
      createApi(createWasmBackend(await WebAssembly.instantiate(module, imports)), { simd }),
    );
    wasmApi[simd] = api;
    api.catch(() => {
      delete wasmApi[simd];
    });
  }
  return api;
}

/** The build to run: the one asked for (relaxed refused where the engine lacks it), else the best the engine has. */
function chooseSimd(wanted: Simd | undefined): Simd {
  wasmAvailable();
  if (wanted === 'plain') return 'plain';
  if (hasRelaxedSimd()) return 'relaxed';
  if (wanted === 'relaxed') {
    throw new Error(
      "xentropy: this WebAssembly engine has no relaxed SIMD (Node 20: --experimental-wasm-relaxed-simd); use load({ simd: 'plain' })",
    );
  }
  return 'plain';
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
 * ['relaxed', 'plain'].includes(x.features.simd); // → true (relaxed: Chromium, Node ≥ 22)
 * ```
 */
export async function load(options: LoadOptions = {}): Promise<Xentropy> {
  const wanted = options?.backend;
  if (wanted !== undefined && wanted !== 'wasm' && wanted !== 'js') {
    throw new RangeError(`load: backend must be 'wasm' or 'js', got ${describeValue(wanted)}`);
  }
  const simd = options?.simd;
  if (simd !== undefined && simd !== 'relaxed' && simd !== 'plain') {
    throw new RangeError(`load: simd must be 'relaxed' or 'plain', got ${describeValue(simd)}`);
  }
  if (wanted !== 'js') {
    try {
      return await instantiateOnce(chooseSimd(simd));
    } catch (e) {
      // A forced build is never swapped for another backend.
      if (wanted === 'wasm' || simd !== undefined) throw e;
      warnRefusedOnce(e);
    }
  }
  jsApi ??= createApi(jsBackend);
  return jsApi;
}
