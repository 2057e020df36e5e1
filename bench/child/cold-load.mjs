// Child process of bench/sizes.mjs: one cold start. Prints JSON: the time to import the library,
// the time of the first `await load()` (compile + instantiate the embedded wasm) and its memory.
// Usage: node bench/child/cold-load.mjs <file URL of dist/index.js>
const t0 = performance.now();
const lib = await import(process.argv[2]);
const t1 = performance.now();
const x = await lib.load({ backend: 'wasm' });
const t2 = performance.now();
process.stdout.write(
  JSON.stringify({ importMs: t1 - t0, loadMs: t2 - t1, backend: x.backend, memoryBytes: x.memoryBytes }),
);
