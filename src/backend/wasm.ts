/**
 * The WebAssembly backend: copies each chunk into the module's fixed scratch regions, calls the
 * AssemblyScript kernel (assembly/*_f64.ts) with byte addresses, and copies results out.
 *
 * Raw `WebAssembly` is used rather than @assemblyscript/loader (deprecated since AssemblyScript
 * 0.20) or asc's generated bindings: the kernels take only numbers and addresses, never managed
 * objects, so neither would buy anything here, and asc's ESM glue uses top-level await, which
 * breaks some bundlers (../shared/notes/wasm-in-browsers.md).
 */
import type { AllocatableArray, AllocatableType, Backend, Kernels, Slot, Totals, View, View32 } from './backend.js';
import type { Source } from '../shapes.js';
import { fastPath } from '../fast-path.js';

type F = Float64Array;

/** The module's exports (assembly/index.ts). Addresses are byte offsets. */
interface Exports {
  memory: WebAssembly.Memory;
  scratchAddress(): number;
  scratchCapacity(): number;
  totalsAddress(): number;
  resetTotals(wanted: number): void;
  informationContentF64(p: number, n: number, out: number, lnBase: number): number;
  binaryEntropyF64(p: number, n: number, out: number, lnBase: number): number;
  entropyRowsF64(p: number, n: number, k: number, out: number, lnBase: number, normalize: number): number;
  crossEntropyDenseF64(p: number, q: number, n: number, k: number, out: number, lnBase: number,
    normalize: number, eps: number, w: number, smoothing: number): number;
  crossEntropyIndexF64(y: number, q: number, n: number, k: number, out: number, lnBase: number,
    normalize: number, eps: number, w: number, smoothing: number, ignoreIndex: number): number;
  crossEntropyIndexF32(y: number, q: number, n: number, k: number, out: number, lnBase: number,
    normalize: number, eps: number, w: number, smoothing: number, ignoreIndex: number): number;
  klDivergenceRowsF64(p: number, q: number, n: number, k: number, out: number, lnBase: number, normalize: number): number;
  softmaxRowsF64(z: number, n: number, k: number, out: number, log: number): number;
  softmaxCrossEntropyDenseF64(p: number, z: number, n: number, k: number, out: number, lnBase: number,
    w: number, smoothing: number): number;
  softmaxCrossEntropyIndexF64(y: number, z: number, n: number, k: number, out: number, lnBase: number,
    w: number, smoothing: number, ignoreIndex: number): number;
  softmaxCrossEntropyIndexF32(y: number, z: number, n: number, k: number, out: number, lnBase: number,
    w: number, smoothing: number, ignoreIndex: number): number;
  scoreRowsF64(y: number, p: number, n: number, k: number, outCe: number, outH: number, lnBase: number, logits: number): number;
  scoreRowsF32(y: number, p: number, n: number, k: number, outCe: number, outH: number, lnBase: number, logits: number): number;
  narrowF64ToF32(src: number, dst: number, n: number): void;
  alloc(bytes: number): number;
  free(address: number): void;
  binaryCrossEntropyF64(y: number, p: number, n: number, out: number, lnBase: number, eps: number): number;
  sigmoidCrossEntropyF64(y: number, z: number, n: number, out: number, lnBase: number, posWeight: number): number;
}

/** Byte address of a View into linear memory; weights' "none" (offset < 0) becomes address 0. */
const at = (off: number): number => (off < 0 ? 0 : off * 8);
/** Byte address of a float32 View. */
const at32 = (off: number): number => off * 4;

/** The Kernels interface over the exports: element offsets become byte addresses. */
function bindKernels(e: Exports): Kernels {
  return {
    informationContentF64: (_p: F, p, n, _o: F, o, lnBase) => e.informationContentF64(at(p), n, at(o), lnBase),
    binaryEntropyF64: (_p: F, p, n, _o: F, o, lnBase) => e.binaryEntropyF64(at(p), n, at(o), lnBase),
    entropyRowsF64: (_p: F, p, n, k, _o: F, o, lnBase, normalize) => e.entropyRowsF64(at(p), n, k, at(o), lnBase, normalize),
    crossEntropyDenseF64: (_p: F, p, _q: F, q, n, k, _o: F, o, lnBase, normalize, eps, _w: F, w, smoothing) =>
      e.crossEntropyDenseF64(at(p), at(q), n, k, at(o), lnBase, normalize, eps, at(w), smoothing),
    crossEntropyIndexF64: (_y: F, y, _q: F, q, n, k, _o: F, o, lnBase, normalize, eps, _w: F, w, smoothing, ignoreIndex) =>
      e.crossEntropyIndexF64(at(y), at(q), n, k, at(o), lnBase, normalize, eps, at(w), smoothing, ignoreIndex),
    crossEntropyIndexF32: (_y: F, y, _q: Float32Array, q, n, k, _o: F, o, lnBase, normalize, eps, _w: F, w, smoothing, ignoreIndex) =>
      e.crossEntropyIndexF32(at(y), at32(q), n, k, at(o), lnBase, normalize, eps, at(w), smoothing, ignoreIndex),
    klDivergenceRowsF64: (_p: F, p, _q: F, q, n, k, _o: F, o, lnBase, normalize) =>
      e.klDivergenceRowsF64(at(p), at(q), n, k, at(o), lnBase, normalize),
    softmaxRowsF64: (_z: F, z, n, k, _o: F, o, log) => e.softmaxRowsF64(at(z), n, k, at(o), log),
    softmaxCrossEntropyDenseF64: (_p: F, p, _z: F, z, n, k, _o: F, o, lnBase, _w: F, w, smoothing) =>
      e.softmaxCrossEntropyDenseF64(at(p), at(z), n, k, at(o), lnBase, at(w), smoothing),
    softmaxCrossEntropyIndexF64: (_y: F, y, _z: F, z, n, k, _o: F, o, lnBase, _w: F, w, smoothing, ignoreIndex) =>
      e.softmaxCrossEntropyIndexF64(at(y), at(z), n, k, at(o), lnBase, at(w), smoothing, ignoreIndex),
    softmaxCrossEntropyIndexF32: (_y: F, y, _z: Float32Array, z, n, k, _o: F, o, lnBase, _w: F, w, smoothing, ignoreIndex) =>
      e.softmaxCrossEntropyIndexF32(at(y), at32(z), n, k, at(o), lnBase, at(w), smoothing, ignoreIndex),
    scoreRowsF64: (_y: F, y, _p: F, p, n, k, _c: F, c, _h: F, h, lnBase, logits) =>
      e.scoreRowsF64(at(y), at(p), n, k, at(c), at(h), lnBase, logits),
    scoreRowsF32: (_y: F, y, _p: Float32Array, p, n, k, _c: F, c, _h: F, h, lnBase, logits) =>
      e.scoreRowsF32(at(y), at32(p), n, k, at(c), at(h), lnBase, logits),
    binaryCrossEntropyF64: (_y: F, y, _p: F, p, n, _o: F, o, lnBase, eps) =>
      e.binaryCrossEntropyF64(at(y), at(p), n, at(o), lnBase, eps),
    sigmoidCrossEntropyF64: (_y: F, y, _z: F, z, n, _o: F, o, lnBase, posWeight) =>
      e.sigmoidCrossEntropyF64(at(y), at(z), n, at(o), lnBase, posWeight),
  };
}

export function createWasmBackend(instance: WebAssembly.Instance): Backend {
  const e = instance.exports as unknown as Exports;
  const capacity = e.scratchCapacity();
  const base = e.scratchAddress() / 8;
  const totalsAt = e.totalsAddress() / 8;
  /** Region i (targets, predictions, weights, results) starts at base + i·capacity, in float64 units. */
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
    }
  };
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
  const scratchStart = base * 8;
  const scratchEnd = (base + 4 * capacity) * 8 + 32;
  const notScratch = <T extends Float64Array | Float32Array>(v: T): T => {
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
      else dest.set(src.subarray(out.off, out.off + count), from);
    },
    resetTotals: (wanted = true) => e.resetTotals(wanted ? 1 : 0),
    memoryBytes: () => e.memory.buffer.byteLength,
    alloc<T extends AllocatableArray>(type: AllocatableType<T>, length: number): T {
      if (!Number.isInteger(length) || length < 0) throw new RangeError(`alloc: length must be a non-negative integer, got ${length}`);
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
      if (address === undefined) throw new TypeError('free: not a live array from this instance\'s alloc() (or freed already)');
      live.delete(array);
      e.free(address);
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
