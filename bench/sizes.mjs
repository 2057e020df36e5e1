// Sizes and cold start: the .wasm size, the gzipped library (JS with the embedded wasm), and the
// first `await load()` in fresh processes.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** dist/**\/*.js of the library: the CLI (dist/cli/) is not part of what an importer loads. */
function libraryFiles(dist) {
  const files = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (p !== path.join(dist, 'cli')) walk(p);
      } else if (e.name.endsWith('.js')) files.push(p);
    }
  };
  walk(dist);
  return files.sort();
}

export async function sizes(root, runs = 11) {
  const dist = path.join(root, 'dist');
  const generated = await import(pathToFileURL(path.join(dist, 'wasm.generated.js')).href);
  const files = libraryFiles(dist);
  const buffers = files.map((f) => readFileSync(f));
  const gz = (b) => gzipSync(b, { level: 9 }).length;

  const child = path.join(root, 'bench', 'child', 'cold-load.mjs');
  const index = pathToFileURL(path.join(dist, 'index.js')).href;
  const cold = [];
  for (let i = 0; i < runs; i++) {
    cold.push(JSON.parse(execFileSync(process.execPath, [child, index], { encoding: 'utf8' })));
  }
  return {
    wasmBytes: generated.wasmByteLength,
    wasmSha256: generated.wasmSha256,
    jsFiles: files.length,
    jsBytes: buffers.reduce((s, b) => s + b.length, 0),
    /** Each file gzipped on its own, summed (what a CDN serves file by file). */
    gzipPerFileBytes: buffers.reduce((s, b) => s + gz(b), 0),
    /** All files in one gzip stream (close to a bundle's gzipped size). */
    gzipBundleBytes: gz(Buffer.concat(buffers)),
    coldRuns: runs,
    coldLoadMs: median(cold.map((c) => c.loadMs)),
    coldLoadMinMs: Math.min(...cold.map((c) => c.loadMs)),
    coldLoadMaxMs: Math.max(...cold.map((c) => c.loadMs)),
    coldImportMs: median(cold.map((c) => c.importMs)),
    memoryAfterLoad: cold[0].memoryBytes,
  };
}
