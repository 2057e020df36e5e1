/**
 * Loading: one compiled module shared by every load(); `backend: 'wasm'` never falls back;
 * without WebAssembly, load() gives js and load({ backend: 'wasm' }) throws a clear error; the
 * package imports by its name through its `exports` map (the build in dist/).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { js, load } from '../src/index.js';
import { wasmByteLength, wasmSha256 } from '../src/wasm.generated.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Runs an ES module snippet in a fresh Node with the given flags; returns its stdout. */
function node(flags: string[], code: string): string {
  return execFileSync(process.execPath, [...flags, '--input-type=module', '-e', code], { cwd: root, encoding: 'utf8' });
}

describe('load()', () => {
  it('returns the wasm backend, compiled and instantiated once', async () => {
    const [a, b, c] = await Promise.all([load(), load(), load({ backend: 'wasm' })]);
    expect(a.backend).toBe('wasm');
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect(js.backend).toBe('js');
    expect(await load({ backend: 'js' })).toMatchObject({ backend: 'js' });
  });

  it('rejects an unknown backend name', async () => {
    await expect(load({ backend: 'gpu' as never })).rejects.toThrow(RangeError);
  });

  it('embeds a release build small enough to ship (≤ 64 KB) with its hash', () => {
    expect(wasmByteLength).toBeLessThanOrEqual(64 * 1024);
    expect(wasmSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('falls back to js without WebAssembly, and backend "wasm" then throws', () => {
    const out = node(
      ['--no-expose-wasm'],
      `
      const { load } = await import('./dist/index.js');
      const x = await load();
      console.log(typeof WebAssembly, x.backend, x.entropy([0.5, 0.5], { base: 2 }));
      try { await load({ backend: 'wasm' }); console.log('no error'); }
      catch (e) { console.log(e.constructor.name + ': ' + e.message); }
    `,
    );
    expect(out).toContain('undefined js 1');
    expect(out).toMatch(/Error: xentropy: WebAssembly is not available in this environment/);
  });

  it('imports as "xentropy" through the exports map, with types', () => {
    const out = node(
      [],
      `
      const m = await import('xentropy');
      const x = await m.load();
      console.log(x.backend, m.js.backend, x.crossEntropy([0, 1, 0], [0.2, 0.7, 0.1]));
    `,
    );
    expect(out.trim()).toBe('wasm js 0.35667494393873245');
  });
});
