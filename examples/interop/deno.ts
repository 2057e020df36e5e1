// Deno: the package by its npm name. With this folder's package.json and node_modules (installed
// by `npm run examples:install`), Deno resolves `npm:xentropy` to the local build offline.
// Run: npx deno run --allow-read deno.ts
import { js, load } from 'npm:xentropy';

const x = await load();
const wasm = x.crossEntropy([0, 1, 0], [0.2, 0.7, 0.1]);
const ts = js.crossEntropy([0, 1, 0], [0.2, 0.7, 0.1]);
const logits = Float32Array.of(2, 0, 0, 0, 1, 0);
const rows: Float32Array = x.softmaxCrossEntropy(Int32Array.of(0, 1), logits, { classes: 3 });
console.log(
  JSON.stringify({ runtime: `deno ${Deno.version.deno}`, backend: x.backend, wasm, js: ts, rows: Array.from(rows) }),
);
