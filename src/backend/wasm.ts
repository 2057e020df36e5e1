/**
 * The WebAssembly backend: copies each chunk into the module's fixed scratch regions, calls the
 * AssemblyScript kernel (assembly/*.ts) with byte addresses, and copies results out. The memory
 * map and the parameter block's slots are read from the module's exports, never re-derived here.
 *
 * Raw `WebAssembly` is used rather than @assemblyscript/loader (deprecated since AssemblyScript
 * 0.20) or asc's generated bindings: the kernels take only numbers and addresses, never managed
 * objects, so neither would buy anything here, and asc's ESM glue uses top-level await, which
 * breaks some bundlers (../shared/notes/wasm-in-browsers.md).
 */
import { KERNEL_NAMES, mergedOnce } from './backend.js';
import type {
  AllocatableArray,
  AllocatableType,
  Backend,
  Direct,
  KernelParams,
  Kernels,
  Slot,
  Totals,
  View,
  View32,
} from './backend.js';
import type { Source } from '../shapes.js';
import { fastPath } from '../fast-path.js';
import type { WasmExports } from '../wasm-exports.generated.js';
import { PARAM_FIELDS, writeParams } from '../js/params.js';

type Export = (...args: number[]) => number;

/** A kernel argument as the module takes it: a View becomes its byte address (weights' "none", offset < 0, becomes 0). */
const address = (a: View | View32 | number): number =>
  typeof a === 'number' ? a : a.off < 0 ? 0 : a.off * a.arr.BYTES_PER_ELEMENT;

/**
 * The Kernels interface over the exports, one rule for every kernel: each View argument becomes
 * a byte address, numbers pass as they are. No kernel takes more than 8 arguments.
 */
function bindKernels(e: WasmExports): Kernels {
  type Arg = View | View32 | number;
  const kernels: Record<string, unknown> = {};
  for (const name of KERNEL_NAMES) {
    const f = e[name] as unknown as Export;
    // One wrapper per arity (3 to 8 arguments), so no call passes more arguments than the export takes.
    const bound = [
      (a: Arg, b: Arg, c: Arg) => f(address(a), address(b), address(c)),
      (a: Arg, b: Arg, c: Arg, d: Arg) => f(address(a), address(b), address(c), address(d)),
      (a: Arg, b: Arg, c: Arg, d: Arg, g: Arg) => f(address(a), address(b), address(c), address(d), address(g)),
      (a: Arg, b: Arg, c: Arg, d: Arg, g: Arg, h: Arg) =>
        f(address(a), address(b), address(c), address(d), address(g), address(h)),
      (a: Arg, b: Arg, c: Arg, d: Arg, g: Arg, h: Arg, i: Arg) =>
        f(address(a), address(b), address(c), address(d), address(g), address(h), address(i)),
      (a: Arg, b: Arg, c: Arg, d: Arg, g: Arg, h: Arg, i: Arg, j: Arg) =>
        f(address(a), address(b), address(c), address(d), address(g), address(h), address(i), address(j)),
    ][f.length - 3];
    if (!bound) throw new Error(`xentropy: kernel ${name} takes ${f.length} arguments; the convention allows 3 to 8`);
    kernels[name] = bound;
  }
  return kernels as unknown as Kernels;
}

/**
 * The parameter block's float64 index in memory, after checking that the module's PARAM_<field>
 * slots are where writeParams puts them (PARAM_FIELDS order): a stale or mismatched build fails
 * here, at load, never as a silently wrong option.
 */
function paramsAt(e: WasmExports): number {
  const exported = e as unknown as Record<string, WebAssembly.Global | undefined>;
  PARAM_FIELDS.forEach((field, i) => {
    const slot = exported[`PARAM_${field}`];
    if (slot?.value !== 8 * i)
      throw new Error(`xentropy: the wasm module's slot for ${field} is not at ${8 * i} (a stale build?)`);
  });
  return e.PARAMS.value / 8;
}

export function createWasmBackend(instance: WebAssembly.Instance): Backend {
  const e = instance.exports as unknown as WasmExports;
  // The module's memory map (assembly/scratch.ts).
  const capacity = e.CAPACITY.value;
  const base = e.SCRATCH.value / 8;
  const totalsAt = e.TOTALS.value / 8;
  const paramsBase = paramsAt(e);
  /** Region i (targets, predictions, weights, results, sample weights) starts at base + i·capacity, in float64 units. */
  const region = (i: number): number => base + i * capacity;
  let view = new Float64Array(e.memory.buffer);
  let view32 = new Float32Array(e.memory.buffer);
  /**
   * Memory grows only in the module's alloc (x.alloc, x.reserve): the kernels never grow it. A
   * grow detaches the old buffer, so the views are taken again there, and only there (reading
   * `e.memory.buffer` on every staging costs more than a small call's kernel).
   */
  const refreshViews = (): void => {
    if (view.buffer !== e.memory.buffer) {
      view = new Float64Array(e.memory.buffer);
      view32 = new Float32Array(e.memory.buffer);
      direct.f64 = view;
    }
  };
  const direct = createDirect(e, view, region, totalsAt, paramsBase, () => view32);
  const memory = (): Float64Array => view;
  const memory32 = (): Float32Array => view32;
  /** Arrays from alloc() and their addresses: free() releases only these, even once detached. */
  const live = new WeakMap<AllocatableArray, number>();
  const totals: Totals = { sum: 0, carry: 0, den: 0, denCarry: 0 };
  /**
   * A view of the wasm memory must not touch the scratch regions or the totals: the call copies
   * other arguments and writes results there, under it. Only a view built by hand over the
   * memory's buffer can (x.alloc's heap lies above); checked on every staging of the whole view,
   * so the first chunk refuses it before anything is written.
   */
  const scratchStart = e.SCRATCH.value;
  const scratchEnd = e.SCRATCH_END.value;
  const notScratch = <T extends Float64Array | Float32Array | Int32Array>(v: T): T => {
    if (v.byteOffset < scratchEnd && v.byteOffset + v.byteLength > scratchStart) {
      throw new TypeError(
        `a ${v.constructor.name} over bytes ${v.byteOffset}–${v.byteOffset + v.byteLength} of the wasm memory overlaps xentropy's scratch area (bytes ${scratchStart}–${scratchEnd}); allocate arrays with x.alloc`,
      );
    }
    return v;
  };

  return {
    name: 'wasm',
    kernels: bindKernels(e),
    direct,
    setParams: (p: KernelParams) => direct.setParams(p),
    capacity,
    stage(slot: Slot, src: Source, from: number, to: number): View {
      const arr = memory();
      // An array from alloc() already lives here: the kernel reads it in place.
      if (src.f64 && src.f64.buffer === arr.buffer) return { arr, off: notScratch(src.f64).byteOffset / 8 + from };
      const off = region(slot);
      src.copy(arr, off, from, to);
      return { arr, off };
    },
    stage32(slot: Slot, src: Source, from: number, to: number): View32 {
      const arr = memory32();
      const f32 = src.f32!;
      if (f32.buffer === arr.buffer) return { arr, off: notScratch(f32).byteOffset / 4 + from };
      const off = region(slot) * 2;
      if (to - from <= fastPath.smallCopy) for (let i = from, o = off; i < to; i++, o++) arr[o] = f32[i];
      else arr.set(f32.subarray(from, to), off);
      return { arr, off };
    },
    output(_dest, _from, _count) {
      return { arr: memory(), off: region(3) };
    },
    outputAt(slot: Slot) {
      return { arr: memory(), off: region(slot) };
    },
    collect(dest, from, count, out) {
      if (dest instanceof Float32Array && dest.buffer === out.arr.buffer) {
        // An x.alloc'd float32 `out`: narrowed in wasm (TypedArray.set would copy the shared buffer first).
        e.narrowF64ToF32(out.off * 8, dest.byteOffset + from * 4, count);
        return;
      }
      const src = out.arr;
      if (count <= fastPath.smallCopy) for (let i = 0; i < count; i++) dest[from + i] = src[out.off + i];
      else if (dest instanceof Float32Array) {
        // Float32 results: narrowed in wasm, in place (each block of four is read before its
        // narrower write, which never reaches values not yet read), then one plain float32 copy;
        // set() from a Float64Array converts element by element. Both round to nearest.
        e.narrowF64ToF32(out.off * 8, out.off * 8, count);
        dest.set(memory32().subarray(out.off * 2, out.off * 2 + count), from);
      } else dest.set(src.subarray(out.off, out.off + count), from);
    },
    resetTotals: (wanted = true) => e.resetTotals(wanted ? 1 : 0),
    memoryBytes: () => e.memory.buffer.byteLength,
    alloc<T extends AllocatableArray>(type: AllocatableType<T>, length: number): T {
      if (!Number.isInteger(length) || length < 0)
        throw new RangeError(`alloc: length must be a non-negative integer, got ${length}`);
      // An i32 comes back: addresses at or above 2 GiB read negative unless taken as unsigned.
      let address: number;
      try {
        address = e.alloc(Math.max(1, length) * type.BYTES_PER_ELEMENT) >>> 0;
      } finally {
        refreshViews();
      }
      const array = new type(e.memory.buffer, address, length);
      live.set(array, address);
      return array;
    },
    reserve(bytes: number) {
      // One block of that size, freed at once: TLSF keeps the grown memory and carves later allocs from it.
      try {
        e.free(e.alloc(Math.max(1, bytes)));
      } finally {
        refreshViews();
      }
    },
    free(array: AllocatableArray) {
      const address = live.get(array);
      if (address === undefined)
        throw new TypeError("free: not a live array from this instance's alloc() (or freed already)");
      live.delete(array);
      e.free(address);
    },
    crossEntropyIndexI32F32(y, q, r0, rows, k, dest) {
      const m32 = memory32();
      const inMemory = m32.buffer;
      let yAt: number;
      if (y.buffer === inMemory) yAt = notScratch(y).byteOffset + r0 * 4;
      else {
        yAt = region(0) * 8;
        new Int32Array(inMemory, yAt, rows).set(y.subarray(r0, r0 + rows));
      }
      let qAt: number;
      if (q.buffer === inMemory) qAt = notScratch(q).byteOffset + r0 * k * 4;
      else {
        qAt = region(1) * 8;
        m32.set(q.subarray(r0 * k, (r0 + rows) * k), qAt / 4);
      }
      const outAt = region(3) * 8;
      const bad = e.crossEntropyIndexI32F32(yAt, qAt, rows, k, outAt);
      dest.set(m32.subarray(outAt / 4, outAt / 4 + rows), r0);
      return bad;
    },
    totals() {
      const m = memory();
      totals.sum = m[totalsAt];
      totals.carry = m[totalsAt + 1];
      totals.den = m[totalsAt + 2];
      totals.denCarry = m[totalsAt + 3];
      return totals;
    },
  };
}

/**
 * The small-call access (backend.ts, Direct): the kernels called with the scratch regions' byte
 * addresses, fixed here once. The parameter block remembers the options object written last, so
 * a run of calls with the same options writes it once (only setParams writes the block).
 */
function createDirect(
  e: WasmExports,
  view: Float64Array,
  region: (i: number) => number,
  totalsAt: number,
  paramsBase: number,
  memory32: () => Float32Array,
): Direct {
  const t = region(0);
  const p = region(1);
  const o = region(3);
  const [T, P, O] = [t * 8, p * 8, o * 8];
  let written: KernelParams | null = null;
  // The exports taken once: a property load on the exports object per call costs more than a small kernel.
  const {
    resetTotals,
    entropyRowsF64,
    klDivergenceRowsF64,
    crossEntropyDenseF64,
    crossEntropyIndexF64,
    crossEntropyIndexF32,
    crossEntropyIndexOneF64,
    softmaxCrossEntropyIndexF64,
    softmaxCrossEntropyIndexF32,
  } = e as unknown as Record<string, (...args: number[]) => number>;
  const scratchStart = e.SCRATCH.value;
  const scratchEnd = e.SCRATCH_END.value;
  /** Float32 values of q copied to the predictions region (an index loop below smallCopy values). */
  const stage32 = (q: Float32Array, count: number): void => {
    const m = memory32();
    if (count <= fastPath.smallCopy) for (let i = 0, j = 2 * p; i < count; i++, j++) m[j] = q[i];
    else m.set(count === q.length ? q : q.subarray(0, count), 2 * p);
  };
  const direct: Direct = {
    f64: view,
    t,
    p,
    o,
    room: e.CAPACITY.value,
    scratchStart,
    scratchEnd,
    setParams(params: KernelParams) {
      if (params === written) return;
      writeParams(params, direct.f64, paramsBase);
      written = params;
    },
    resetTotals: (wanted) => resetTotals(wanted ? 1 : 0),
    sum: () => mergedOnce(direct.f64[totalsAt], direct.f64[totalsAt + 1]),
    den: () => mergedOnce(direct.f64[totalsAt + 2], direct.f64[totalsAt + 3]),
    entropyRows: (n, kk) => entropyRowsF64(P, n, kk, O, 0),
    klDivergenceRows: (n, kk) => klDivergenceRowsF64(T, P, n, kk, O, 0),
    crossEntropyDense: (n, kk) => crossEntropyDenseF64(T, P, n, kk, O, 0, 0),
    crossEntropyIndex: (n, kk) => crossEntropyIndexF64(T, P, n, kk, O, 0, 0),
    softmaxCrossEntropyIndex: (n, kk) => softmaxCrossEntropyIndexF64(T, P, n, kk, O, 0, 0),
    crossEntropyIndex32(q, n, kk) {
      stage32(q, n * kk);
      return crossEntropyIndexF32(T, P, n, kk, O, 0, 0);
    },
    softmaxCrossEntropyIndex32(z, n, kk) {
      stage32(z, n * kk);
      return softmaxCrossEntropyIndexF32(T, P, n, kk, O, 0, 0);
    },
    negLogTarget: (qy, lnBase) => crossEntropyIndexOneF64(qy, lnBase),
  };
  return direct;
}
