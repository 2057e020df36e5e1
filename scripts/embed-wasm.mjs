// Writes src/wasm.generated.ts: the bytes of both release builds as base64 with their SHA-256, so
// the library loads the same way in Node, browsers and bundlers (no fetch, no fs, no asset config);
// and src/wasm-exports.generated.ts: the type of the module's exports, taken from the typings asc
// emits with its bindings (build/xentropy.d.ts), so the wrapper's view of the exports is the
// module's own (both builds come from one source and have the same exports).
// Run by `npm run build:wasm`, after `asc --target release` (SIMD) and `asc --target relaxed`
// (SIMD + relaxed SIMD: fused multiply-add in the vector math); load() picks one (src/load.ts).
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

const builds = [
  { file: 'xentropy.wasm', prefix: 'wasm', what: 'SIMD build (asc --target release)' },
  { file: 'xentropy.relaxed.wasm', prefix: 'relaxedWasm', what: 'relaxed-SIMD build (asc --target relaxed)' },
];

const parts = builds.map(({ file, prefix, what }) => {
  const bytes = readFileSync(new URL(`../build/${file}`, import.meta.url));
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  console.log(
    `embedded build/${file} (${bytes.length} bytes, sha256 ${sha256.slice(0, 12)}…) into src/wasm.generated.ts`,
  );
  return `
/** SHA-256 of the ${what}. */
export const ${prefix}Sha256 = '${sha256}';
/** Size of the ${what} in bytes. */
export const ${prefix}ByteLength = ${bytes.length};
/** The ${what}'s bytes, base64. */
export const ${prefix}Base64 =
  '${bytes.toString('base64')}';
`;
});

writeFileSync(
  new URL('../src/wasm.generated.ts', import.meta.url),
  `// This is a generated file. Do not edit directly.
// Generator: scripts/embed-wasm.mjs (npm run build:wasm), from build/xentropy.wasm and build/xentropy.relaxed.wasm.
${parts.join('')}`,
);

// asc's typings declare the exports as `declare namespace __AdaptedExports { … }`: kept verbatim
// (parameter names and AssemblyScript types in its doc comments), re-exported as one type.
const dts = readFileSync(new URL('../build/xentropy.d.ts', import.meta.url), 'utf8');
const start = dts.indexOf('declare namespace __AdaptedExports {');
const end = dts.indexOf('\n}\n', start);
if (start < 0 || end < 0)
  throw new Error('embed-wasm: build/xentropy.d.ts has no __AdaptedExports namespace (asconfig "bindings": "raw")');
const exportsPath = new URL('../src/wasm-exports.generated.ts', import.meta.url);
writeFileSync(
  exportsPath,
  `// This is a generated file. Do not edit directly.
// Generator: scripts/embed-wasm.mjs (npm run build:wasm), from build/xentropy.d.ts (asc --bindings raw).
/* eslint-disable */

${dts.slice(start, end + 3)}
/** The module's exports, as asc declares them (kernels, memory map globals, allocator, test hooks). */
export type WasmExports = typeof __AdaptedExports;
`,
);
