// Writes src/wasm.generated.ts: the release build's bytes as base64 with their SHA-256, so the
// library loads the same way in Node, browsers and bundlers (no fetch, no fs, no asset config);
// and src/wasm-exports.generated.ts: the type of the module's exports, taken from the typings asc
// emits with its bindings (build/xentropy.d.ts), so the wrapper's view of the exports is the
// module's own. Run by `npm run build:wasm` (after `asc assembly/index.ts --target release`).
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

const wasmPath = new URL('../build/xentropy.wasm', import.meta.url);
const outPath = new URL('../src/wasm.generated.ts', import.meta.url);
const bytes = readFileSync(wasmPath);
const sha256 = createHash('sha256').update(bytes).digest('hex');
const text = `// This is a generated file. Do not edit directly.
// Generator: scripts/embed-wasm.mjs (npm run build:wasm), from build/xentropy.wasm (asc --target release).

/** SHA-256 of the embedded module. */
export const wasmSha256 = '${sha256}';
/** Size of the module in bytes. */
export const wasmByteLength = ${bytes.length};
/** The module's bytes, base64. */
export const wasmBase64 =
  '${bytes.toString('base64')}';
`;
writeFileSync(outPath, text);
console.log(`embedded build/xentropy.wasm (${bytes.length} bytes, sha256 ${sha256.slice(0, 12)}…) into src/wasm.generated.ts`);

// asc's typings declare the exports as `declare namespace __AdaptedExports { … }`: kept verbatim
// (parameter names and AssemblyScript types in its doc comments), re-exported as one type.
const dts = readFileSync(new URL('../build/xentropy.d.ts', import.meta.url), 'utf8');
const start = dts.indexOf('declare namespace __AdaptedExports {');
const end = dts.indexOf('\n}\n', start);
if (start < 0 || end < 0) throw new Error('embed-wasm: build/xentropy.d.ts has no __AdaptedExports namespace (asconfig "bindings": "raw")');
const exportsPath = new URL('../src/wasm-exports.generated.ts', import.meta.url);
writeFileSync(exportsPath, `// This is a generated file. Do not edit directly.
// Generator: scripts/embed-wasm.mjs (npm run build:wasm), from build/xentropy.d.ts (asc --bindings raw).
/* eslint-disable */

${dts.slice(start, end + 3)}
/** The module's exports, as asc declares them (kernels, memory map globals, allocator, test hooks). */
export type WasmExports = typeof __AdaptedExports;
`);
