// Writes src/wasm.generated.ts: the bytes of both release builds as base64 with their SHA-256, so
// the library loads the same way in Node, browsers and bundlers (no fetch, no fs, no asset config).
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
  console.log(`embedded build/${file} (${bytes.length} bytes, sha256 ${sha256.slice(0, 12)}…) into src/wasm.generated.ts`);
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

writeFileSync(new URL('../src/wasm.generated.ts', import.meta.url), `// This is a generated file. Do not edit directly.
// Generator: scripts/embed-wasm.mjs (npm run build:wasm), from build/xentropy.wasm and build/xentropy.relaxed.wasm.
${parts.join('')}`);
