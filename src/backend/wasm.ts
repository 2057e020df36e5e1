/**
 * The WebAssembly backend: copies each chunk into the module's fixed scratch regions, calls the
 * AssemblyScript kernel (assembly/*_f64.ts) with byte addresses, and copies results out.
 *
 * Raw `WebAssembly` is used rather than @assemblyscript/loader (deprecated since AssemblyScript
 * 0.20) or asc's generated bindings: the kernels take only numbers and addresses, never managed
 * objects, so neither would buy anything here, and asc's ESM glue uses top-level await, which
 * breaks some bundlers (../shared/notes/wasm-in-browsers.md).
 */
import type { Backend, Kernels, Slot, Totals, View } from './backend.js';
import type { Source } from '../shapes.js';

type F = Float64Array;

/** The module's exports (assembly/index.ts). Addresses are byte offsets. */
interface Exports {
  memory: WebAssembly.Memory;
  scratchAddress(): number;
  scratchCapacity(): number;
  totalsAddress(): number;
  resetTotals(): void;
  informationContentF64(p: number, n: number, out: number, lnBase: number): number;
  binaryEntropyF64(p: number, n: number, out: number, lnBase: number): number;
  entropyRowsF64(p: number, n: number, k: number, out: number, lnBase: number, normalize: number): number;
  crossEntropyDenseF64(p: number, q: number, n: number, k: number, out: number, lnBase: number,
    normalize: number, eps: number, w: number, smoothing: number): number;
  crossEntropyIndexF64(y: number, q: number, n: number, k: number, out: number, lnBase: number,
    normalize: number, eps: number, w: number, smoothing: number, ignoreIndex: number): number;
  klDivergenceRowsF64(p: number, q: number, n: number, k: number, out: number, lnBase: number, normalize: number): number;
  softmaxRowsF64(z: number, n: number, k: number, out: number, log: number): number;
  softmaxCrossEntropyDenseF64(p: number, z: number, n: number, k: number, out: number, lnBase: number,
    w: number, smoothing: number): number;
  softmaxCrossEntropyIndexF64(y: number, z: number, n: number, k: number, out: number, lnBase: number,
    w: number, smoothing: number, ignoreIndex: number): number;
  binaryCrossEntropyF64(y: number, p: number, n: number, out: number, lnBase: number, eps: number): number;
  sigmoidCrossEntropyF64(y: number, z: number, n: number, out: number, lnBase: number, posWeight: number): number;
}

/** Byte address of a View into linear memory; weights' "none" (offset < 0) becomes address 0. */
const at = (off: number): number => (off < 0 ? 0 : off * 8);

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
    klDivergenceRowsF64: (_p: F, p, _q: F, q, n, k, _o: F, o, lnBase, normalize) =>
      e.klDivergenceRowsF64(at(p), at(q), n, k, at(o), lnBase, normalize),
    softmaxRowsF64: (_z: F, z, n, k, _o: F, o, log) => e.softmaxRowsF64(at(z), n, k, at(o), log),
    softmaxCrossEntropyDenseF64: (_p: F, p, _z: F, z, n, k, _o: F, o, lnBase, _w: F, w, smoothing) =>
      e.softmaxCrossEntropyDenseF64(at(p), at(z), n, k, at(o), lnBase, at(w), smoothing),
    softmaxCrossEntropyIndexF64: (_y: F, y, _z: F, z, n, k, _o: F, o, lnBase, _w: F, w, smoothing, ignoreIndex) =>
      e.softmaxCrossEntropyIndexF64(at(y), at(z), n, k, at(o), lnBase, at(w), smoothing, ignoreIndex),
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
  // A memory.grow detaches the old buffer: take a fresh view whenever the buffer changed.
  const memory = (): Float64Array => (view.buffer === e.memory.buffer ? view : (view = new Float64Array(e.memory.buffer)));
  const totals: Totals = { sum: 0, carry: 0, den: 0, denCarry: 0 };

  return {
    name: 'wasm',
    kernels: bindKernels(e),
    capacity,
    stage(slot: Slot, src: Source, from: number, to: number): View {
      const arr = memory();
      const off = region(slot);
      src.copy(arr, off, from, to);
      return { arr, off };
    },
    output(_dest, _from, _count) {
      return { arr: memory(), off: region(3) };
    },
    collect(dest, from, count, out) {
      dest.set(out.arr.subarray(out.off, out.off + count), from);
    },
    resetTotals: () => e.resetTotals(),
    memoryBytes: () => e.memory.buffer.byteLength,
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
