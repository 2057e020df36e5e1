/**
 * The kernel calling convention, checked against the module itself: the wasm module's real
 * export list (WebAssembly.Module.exports) against the kernels the wrapper binds
 * (KERNEL_NAMES), the js kernels' arities against the wasm exports' (a View on js is one address
 * on wasm), the parameter block's fields against the module's PARAM_<field> slots, and the
 * memory map the module exports against the layout the wrapper relies on.
 */
import { describe, expect, it } from 'vitest';
import { wasmBase64 } from '../src/wasm.generated.js';
import { KERNEL_NAMES } from '../src/backend/backend.js';
import { jsBackend } from '../src/backend/js.js';
import { DEFAULT_PARAMS, PARAM_FIELDS } from '../src/js/params.js';

const module = new WebAssembly.Module(Buffer.from(wasmBase64, 'base64'));
const exported = WebAssembly.Module.exports(module);
const instance = new WebAssembly.Instance(module, { env: { abort: () => {} } });
const e = instance.exports as Record<string, WebAssembly.Global | ((...a: number[]) => unknown)>;
const global = (name: string): number => (e[name] as WebAssembly.Global).value as number;

/** Exports that are not kernels: the allocator, the totals reset and the test hooks. */
const HELPERS = [
  'alloc',
  'free',
  'resetTotals',
  'expRowsF64',
  'logRowsF64',
  'expRowsF32',
  'logRowsF32',
  'narrowF64ToF32',
  'crossEntropyIndexOneF64',
  'crossEntropyIndexI32F32',
];

describe('kernel exports', () => {
  it('the module exports every bound kernel, and every exported function is a kernel or a known helper', () => {
    const functions = exported
      .filter((x) => x.kind === 'function')
      .map((x) => x.name)
      .sort();
    expect(functions).toEqual([...KERNEL_NAMES, ...HELPERS].sort());
  });

  it('each kernel takes the same arguments on both backends, at most 8', () => {
    for (const name of KERNEL_NAMES) {
      const arity = (e[name] as (...a: number[]) => unknown).length;
      expect(arity, name).toBeLessThanOrEqual(8);
      expect(jsBackend.kernels[name].length, name).toBe(arity);
    }
  });

  it('the parameter block has the same fields on both backends', () => {
    const slots = exported
      .filter((x) => x.kind === 'global' && x.name.startsWith('PARAM_'))
      .map((x) => x.name.slice(6));
    expect([...slots].sort()).toEqual(Object.keys(DEFAULT_PARAMS).sort());
    expect([...PARAM_FIELDS].sort()).toEqual(Object.keys(DEFAULT_PARAMS).sort());
    // Field i at byte 8·i, as writeParams puts it, inside the block.
    PARAM_FIELDS.forEach((field, i) => expect(global(`PARAM_${field}`), field).toBe(8 * i));
    expect(PARAM_FIELDS.length).toBeLessThanOrEqual(global('PARAMS_SLOTS'));
  });

  it('the memory map: regions, then totals, then the parameter block, inside the scratch area', () => {
    const scratch = global('SCRATCH');
    const regionBytes = 8 * global('CAPACITY');
    expect(scratch % 16).toBe(0);
    expect(global('TOTALS')).toBe(scratch + global('REGIONS') * regionBytes);
    expect(global('PARAMS')).toBe(global('TOTALS') + 32);
    expect(global('SCRATCH_END')).toBe(global('PARAMS') + 8 * global('PARAMS_SLOTS'));
    expect(global('SCRATCH_END')).toBeLessThanOrEqual(
      (instance.exports.memory as WebAssembly.Memory).buffer.byteLength,
    );
  });
});
