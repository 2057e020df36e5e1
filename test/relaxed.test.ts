/**
 * The two wasm builds (src/load.ts): load() picks the relaxed-SIMD build exactly where the engine
 * validates relaxed SIMD, `simd` forces a build, and the relaxed build passes the vector-math and
 * golden-fixture suites with relaxed_madd fused (FMA3) and unfused (V8's --no-enable-fma3), in
 * child processes: Node 20 runs relaxed SIMD only behind --experimental-wasm-relaxed-simd.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { js, load } from '../src/index.js';
import { relaxedWasmByteLength, relaxedWasmSha256, wasmSha256 } from '../src/wasm.generated.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const RELAXED = '--experimental-wasm-relaxed-simd';
/** V8 then lowers relaxed_madd to a multiply and an add (two roundings), as on hardware without FMA. */
const NO_FMA = '--no-enable-fma3';

/** The engine's relaxed SIMD, asked the way load() does not: a module using f32x4.relaxed_madd. */
const hasRelaxed = WebAssembly.validate(
  new Uint8Array([
    0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 8, 1, 0x60, 3, 0x7b, 0x7b, 0x7b, 1, 0x7b, 3, 2, 1, 0, 0x0a, 0x0d, 1, 0x0b, 0,
    0x20, 0, 0x20, 1, 0x20, 2, 0xfd, 0x85, 2, 0x0b,
  ]),
);

/** Environment for a child process: no vitest state leaks into a nested run. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('VITEST') && k !== 'NODE_ENV') env[k] = v;
  return { ...env, ...extra };
}

/**
 * Prints load()'s choice and whether f32x4.relaxed_madd fuses: (1 + 2^-12)² - 1 is 2^-11 + 2^-24
 * with one rounding and 2^-11 with two.
 */
const PROBE_SCRIPT = `
  const { load } = await import('./dist/index.js');
  const x = await load();
  const c = (v) => [0xfd, 0x0c, ...new Uint8Array(new Float32Array([v, v, v, v]).buffer)];
  const body = [0, ...c(1 + 2 ** -12), ...c(1 + 2 ** -12), ...c(-1), 0xfd, 0x85, 2, 0xfd, 0x1f, 0, 0x0b];
  const bytes = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 5, 1, 0x60, 0, 1, 0x7d, 3, 2, 1, 0,
    7, 5, 1, 1, 0x66, 0, 0, 0x0a, body.length + 2, 1, body.length, ...body]);
  const { instance } = await WebAssembly.instantiate(bytes);
  const r = instance.exports.f();
  console.log(JSON.stringify({ simd: x.features.simd, fused: r === 2 ** -11 + 2 ** -24, unfused: r === 2 ** -11 }));
`;

describe('load(): which wasm build runs', () => {
  it('picks relaxed exactly where the engine validates relaxed SIMD (flagless Node 20: plain)', async () => {
    const x = await load();
    expect(x.features).toEqual({ simd: hasRelaxed ? 'relaxed' : 'plain' });
    if (process.versions.node.startsWith('20.') && !process.execArgv.includes(RELAXED))
      expect(x.features.simd).toBe('plain');
    expect(js.features).toEqual({ simd: 'none' });
  });

  it("simd: 'plain' forces the SIMD build; 'relaxed' is refused where the engine lacks it", async () => {
    const plain = await load({ simd: 'plain' });
    expect(plain.features.simd).toBe('plain');
    expect(plain.backend).toBe('wasm');
    expect(await load({ simd: 'plain' })).toBe(plain);
    if (hasRelaxed) expect((await load({ simd: 'relaxed' })).features.simd).toBe('relaxed');
    else await expect(load({ simd: 'relaxed' })).rejects.toThrow(/no relaxed SIMD.*--experimental-wasm-relaxed-simd/);
    await expect(load({ simd: 'fma' as never })).rejects.toThrow(RangeError);
  });

  it('embeds the relaxed build next to the plain one, also ≤ 64 KB', () => {
    expect(relaxedWasmByteLength).toBeLessThanOrEqual(64 * 1024);
    expect(relaxedWasmSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(relaxedWasmSha256).not.toBe(wasmSha256);
  });

  for (const flags of [[RELAXED], [RELAXED, NO_FMA]]) {
    const mode = flags.includes(NO_FMA) ? 'unfused' : 'fused';
    it(`with ${flags.join(' ')}: load() picks relaxed, and relaxed_madd runs ${mode}`, () => {
      const out = execFileSync(process.execPath, [...flags, '--input-type=module', '-e', PROBE_SCRIPT], {
        cwd: root,
        encoding: 'utf8',
      });
      const seen = JSON.parse(out.trim()) as { simd: string; fused: boolean; unfused: boolean };
      expect(seen.simd).toBe('relaxed');
      expect(seen[mode], `relaxed_madd should run ${mode} here: ${out}`).toBe(true);
    });

    it(`the vmath, fixture and small-call suites pass on the relaxed build, madd ${mode}`, () => {
      // Worker threads share the process's V8 flags (forked workers would not get them).
      const r = spawnSync(
        process.execPath,
        [
          ...flags,
          'node_modules/vitest/vitest.mjs',
          'run',
          '--pool=threads',
          '--reporter=dot',
          'test/vmath.test.ts',
          'test/fixtures.test.ts',
          'test/fast-calls.test.ts',
        ],
        { cwd: root, encoding: 'utf8', env: childEnv({ XENTROPY_SIMD: 'relaxed' }) },
      );
      const text = r.stdout + r.stderr;
      expect(r.status, text.slice(-3000)).toBe(0);
      const passed = Number(/Tests\D+(\d+) passed/.exec(stripVTControlCharacters(text))?.[1]);
      expect(passed, text.slice(-2000)).toBeGreaterThan(1000);
    }, 300_000);
  }
});
