/**
 * Memory, in child processes (a fresh heap and wasm instance each, with --expose-gc): 10^6 calls of
 * mixed sizes keep linear memory and RSS flat; 10^6 alloc/free cycles do not grow memory; the wasm
 * allocator at its 4 GiB limit. The figures are printed. The children load the built package
 * (dist/, built by `npm test`'s pretest; XENTROPY_LIB overrides). One call over 2 GiB of input:
 * `npm run soak` (scripts/soak-2gb.mjs, about 45 s, 2 GiB of RAM).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const MiB = 2 ** 20;

function child(script: string, args: string[] = [], flags: string[] = []): string {
  return execFileSync(process.execPath, [...flags, script, ...args], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 16 * MiB,
    env: process.env,
  });
}

interface Snapshot {
  phase: string;
  calls: number;
  wasmBytes: number;
  jsScratchBytes: number;
  rss: number;
  heapUsed: number;
  arrayBuffers: number;
}

describe('memory stays flat (child process, --expose-gc)', () => {
  let calls: Snapshot[] = [];
  let allocs: Snapshot[] = [];
  let done: { callSeconds: number; allocSeconds: number; unexpected: number };
  beforeAll(() => {
    const lines = child('test/child/memory-soak.mjs', ['1000000', '1000000'], ['--expose-gc'])
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    calls = lines.filter((l) => l.phase === 'calls');
    allocs = lines.filter((l) => l.phase === 'alloc');
    done = lines.find((l) => l.phase === 'done');
    const mb = (b: number) => (b / MiB).toFixed(1);
    console.log(
      `10^6 calls of mixed sizes (${done.callSeconds} s), then 10^6 alloc/free cycles (${done.allocSeconds} s):`,
    );
    console.log('phase   count      wasm linear   js scratch   RSS MiB   V8 heap MiB   ArrayBuffers MiB');
    for (const s of [...calls, ...allocs]) {
      console.log(
        `${s.phase.padEnd(7)} ${String(s.calls).padStart(8)}   ${String(s.wasmBytes).padStart(11)}   ${String(s.jsScratchBytes).padStart(10)}   ${mb(s.rss).padStart(7)}   ${mb(s.heapUsed).padStart(11)}   ${mb(s.arrayBuffers).padStart(16)}`,
      );
    }
  }, 300_000);

  /**
   * Flat: over the second half (500 000 calls or cycles) the V8 heap and the ArrayBuffer memory each
   * move < 1 MiB (a leak of 2 bytes per call would show). RSS, which malloc's arenas make noisy
   * (the js backend's alloc() makes a fresh typed array each time), ends within 64 MiB of the 10%
   * checkpoint (the JIT's code and the arenas settle early). No band on RSS within the second half:
   * on a loaded machine the arenas alone moved it 34 MB, which says nothing about leaks.
   */
  function expectFlat(s: Snapshot[], what: string): void {
    const half = s.slice(5);
    const range = (k: 'heapUsed' | 'arrayBuffers') =>
      Math.max(...half.map((x) => x[k])) - Math.min(...half.map((x) => x[k]));
    expect(range('heapUsed'), `${what}: V8 heap range over the second half`).toBeLessThan(1 * MiB);
    expect(range('arrayBuffers'), `${what}: ArrayBuffer memory range over the second half`).toBeLessThan(1 * MiB);
    expect(s.at(-1)!.heapUsed - s[1].heapUsed, `${what}: V8 heap growth after the first 10%`).toBeLessThan(16 * MiB);
    expect(s.at(-1)!.rss - s[1].rss, `${what}: RSS growth after the first 10%`).toBeLessThan(64 * MiB);
  }

  it('10^6 calls: wasm linear memory and js scratch never change; RSS and the V8 heap are flat', () => {
    expect(calls).toHaveLength(11);
    expect(done.unexpected, 'calls meant to throw all threw a RangeError/TypeError').toBe(0);
    for (const s of calls) {
      expect(s.wasmBytes).toBe(calls[0].wasmBytes);
      expect(s.jsScratchBytes).toBe(calls[0].jsScratchBytes);
    }
    expectFlat(calls, 'calls');
  });

  it('10^6 alloc/free cycles: wasm linear memory never changes after the first (largest) allocation; RSS flat', () => {
    expect(allocs).toHaveLength(11);
    for (const s of allocs) expect(s.wasmBytes).toBe(allocs[0].wasmBytes);
    expectFlat(allocs, 'alloc/free');
  });
});

describe('the wasm allocator at its limits (child process)', () => {
  let report: {
    allocations: { byteOffset: number; length: number; memoryBytes: number }[];
    error: { name: string; message: string };
    afterwards: { readLast: number; smallAlloc: boolean; freeAll: boolean; reuse: number; compute: number };
  };
  beforeAll(() => {
    report = JSON.parse(child('test/child/alloc-limits.mjs'));
    console.log('alloc until refused (880 MB each):', JSON.stringify(report));
  }, 120_000);

  it('refuses with its own RangeError (never a trap or an engine error) and the instance keeps working', () => {
    expect(report.allocations.length).toBeGreaterThanOrEqual(2);
    expect(report.afterwards.freeAll).toBe(true);
    expect(report.afterwards.reuse).toBeCloseTo(Math.LN2, 14);
    expect(report.afterwards.compute).toBe(0.35667494393873245);
  });

  // src/backend/wasm.ts alloc(): `e.alloc(...)` returns an i32, so an address ≥ 2^31 arrives negative:
  // `new type(buffer, negative, …)` throws an engine RangeError ("Start offset … is outside the
  // bounds of the buffer") and the heap block leaks; every alloc after memory passes 2 GiB fails.
  // Fixed in src/backend/wasm.ts: the address is read as unsigned (`e.alloc(…) >>> 0`).
  it("arrays above 2 GiB of linear memory are usable, and exhaustion is alloc's RangeError", () => {
    expect(report.allocations.at(-1)!.byteOffset).toBeGreaterThanOrEqual(2 ** 31);
    expect(report.error.name).toBe('RangeError');
    expect(report.error.message).toMatch(/^alloc: /);
    expect(report.afterwards.readLast).toBeCloseTo(4 * Math.LN2, 14);
    expect(report.afterwards.smallAlloc).toBe(true);
  });
});
