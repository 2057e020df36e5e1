/**
 * The interop examples of examples/interop/ run as a user would run them, against this checkout
 * packed and installed there (`npm run examples:install`, done here first): onnxruntime-node
 * (a session's output `.data`, and zero-copy output tensors over `x.alloc` memory), TensorFlow.js
 * (a custom training loop evaluated from `dataSync()`), a module Web Worker and two strict
 * Content-Security-Policy pages in Chromium, and Deno (`npm:xentropy`, run and type-checked).
 * Each example asserts its own results against an independent computation and exits non-zero
 * otherwise; the checks here read what it printed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const EXAMPLES = join(ROOT, 'examples/interop');

/** Runs a command in examples/interop/; returns the JSON line it printed last. */
function run(command: string, args: string[]): Record<string, unknown> {
  const r = spawnSync(command, args, { cwd: EXAMPLES, encoding: 'utf8', timeout: 300_000 });
  expect(r.error).toBeUndefined();
  expect(r.status, `${command} ${args.join(' ')}\n${r.stderr}`).toBe(0);
  const json = r.stdout
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .at(-1);
  expect(json, r.stdout).toBeDefined();
  return JSON.parse(json!) as Record<string, unknown>;
}

beforeAll(() => {
  execFileSync(process.execPath, [join(ROOT, 'scripts/examples-install.mjs')], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}, 600_000);

describe('interop examples', () => {
  it('onnxruntime-node: output .data straight in, and zero-copy into x.alloc memory', () => {
    const out = run(process.execPath, ['onnxruntime.mjs']);
    expect(out).toMatchObject({ backend: 'wasm', rows: 256, zeroCopy: true });
    expect(out.meanInPlace).toBe(out.mean);
    expect(Math.abs((out.mean as number) - (out.reference as number))).toBeLessThan(1e-5);
  }, 300_000);

  it('TensorFlow.js: a training loop evaluated from dataSync(), agreeing with tf.losses', () => {
    const out = run(process.execPath, ['tfjs.mjs']);
    const history = out.history as Array<{ mean: number; tf: number }>;
    expect(out).toMatchObject({ backend: 'wasm', tfBackend: 'cpu' });
    expect(history.length).toBe(8);
    for (const h of history) expect(Math.abs(h.mean - h.tf)).toBeLessThanOrEqual(1e-5 * h.tf);
    expect(history.at(-1)!.mean).toBeLessThan(history[0].mean);
  }, 300_000);

  it('browser: a module Web Worker, and CSP pages with and without wasm-unsafe-eval', () => {
    const out = run(process.execPath, ['browser.mjs']) as Record<string, Record<string, string>>;
    expect(out.worker).toMatchObject({ backend: 'wasm', rows: '10000', kind: 'Float32Array' });
    expect(out.cspWithWasmUnsafeEval).toEqual({ backend: 'wasm', value: '0.35667494393873245', strict: 'wasm' });
    expect(out.cspWithout).toMatchObject({ backend: 'js', value: '0.35667494393873245' });
    expect(out.cspWithout.strict).toMatch(/^refused: /);
    expect(out.cspWithout.warning).toMatch(/^xentropy: WebAssembly compilation was refused .*'wasm-unsafe-eval'/);
  }, 300_000);

  it('Deno: npm:xentropy runs on both backends and type-checks', () => {
    const deno = join(EXAMPLES, 'node_modules/.bin/deno');
    const out = run(deno, ['run', '--allow-read', '--allow-env', 'deno.ts']);
    expect(out).toMatchObject({ backend: 'wasm', wasm: 0.35667494393873245, js: 0.35667494393873245 });
    expect(out.runtime).toMatch(/^deno 2\./);
    const check = spawnSync(deno, ['check', 'deno.ts'], { cwd: EXAMPLES, encoding: 'utf8', timeout: 120_000 });
    expect(check.stderr).not.toMatch(/error/i);
    expect(check.status).toBe(0);
  }, 400_000);
});
