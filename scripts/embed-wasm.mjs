// Writes src/wasm.generated.ts: the release build's bytes as base64 with their SHA-256, so the
// library loads the same way in Node, browsers and bundlers (no fetch, no fs, no asset config).
// Run by `npm run build:wasm` (after `asc assembly/index.ts --target release`).
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
