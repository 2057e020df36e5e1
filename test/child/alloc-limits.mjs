/**
 * Child process of test/memory.test.ts: the wasm allocator at its limits. Allocates 880 MB
 * Float64Arrays until alloc() refuses (linear memory passes 2 GiB on the way to its 4 GiB limit),
 * then checks that a small alloc, free and a computation still work. Prints one JSON object.
 * Reserves address space, touches little memory (RSS stays small).
 */
import { fileURLToPath, pathToFileURL } from 'node:url';

const lib = process.env.XENTROPY_LIB ?? fileURLToPath(new URL('../../dist/index.js', import.meta.url));
const { load } = await import(pathToFileURL(lib).href);
const x = await load({ backend: 'wasm' });

const N = 110_000_000; // 880 MB each
const arrays = [];
const report = { allocations: [], error: null, afterwards: {} };
for (let i = 0; i < 8; i++) {
  try {
    const a = x.alloc(Float64Array, N);
    a[0] = 0.25;
    a.fill(0.5, N - 4);
    arrays.push(a);
    report.allocations.push({ byteOffset: a.byteOffset, length: a.length, memoryBytes: x.memoryBytes });
  } catch (e) {
    report.error = { name: e?.constructor?.name, message: String(e?.message) };
    break;
  }
}
const step = (name, f) => {
  try {
    report.afterwards[name] = f();
  } catch (e) {
    report.afterwards[name] = { error: `${e?.constructor?.name}: ${e?.message}` };
  }
};
// The last array sits above 2 GiB when memory got there: the kernels must read it in place.
step('readLast', () => {
  const a = arrays.at(-1);
  return a ? x.informationContent(a.subarray(N - 4), { reduction: 'sum' }) : null;
});
step('smallAlloc', () => {
  const s = x.alloc(Float64Array, 16);
  const ok = s.length === 16 && s.byteOffset >= 0;
  x.free(s);
  return ok;
});
step('freeAll', () => {
  for (const a of arrays) x.free(a);
  return true;
});
step('reuse', () => {
  const a = x.alloc(Float64Array, N);
  a.fill(0.5);
  const v = x.informationContent(a, { reduction: 'mean' });
  x.free(a);
  return v;
});
step('compute', () => x.crossEntropy([0, 1, 0], [0.2, 0.7, 0.1]));
report.memoryBytes = x.memoryBytes;
console.log(JSON.stringify(report));
