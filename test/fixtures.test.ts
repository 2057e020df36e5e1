/**
 * Golden values from test/fixtures/*.json (written by test/fixtures/gen.py: mpmath at 50 digits
 * on the exact inputs, semantics cross-checked against SciPy and PyTorch's formulas). Every case
 * runs on both backends and in each input representation API.md allows: rows (number[][]), flat
 * Float64Array + classes, and Float32Array for float32 cases.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, it } from 'vitest';
import type { Xentropy } from '../src/index.js';
import { backends, decode, expectClose } from './helpers.js';
import type { Dtype } from './helpers.js';

interface Case {
  name: string;
  dtype: Dtype;
  args: unknown[];
  targets?: 'dense' | 'index';
  opts: Record<string, unknown>;
  expected: unknown;
}

const dir = new URL('./fixtures/', import.meta.url);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();

const BATCH_FUNCTIONS = new Set([
  'entropy',
  'crossEntropy',
  'klDivergence',
  'softmax',
  'logSoftmax',
  'softmaxCrossEntropy',
  'logSumExp',
]);

const isRows = (v: unknown): v is number[][] => Array.isArray(v) && v.length > 0 && Array.isArray(v[0]);

/** One way of passing a case's arguments: its label, the positional arguments and extra options. */
interface Representation {
  label: string;
  args: unknown[];
  opts: Record<string, unknown>;
}

/**
 * The representations of a case. In a batch function an empty list means zero rows, passed as an
 * empty typed array with `classes` (API.md reads a bare [] as one empty distribution). Class
 * indices go as Int32Array where k = 1 would make a number[] dense.
 */
function representations(fn: string, c: Case): Representation[] {
  const args = decode<unknown[]>(c.args);
  const pred = args[args.length - 1];
  const batch = BATCH_FUNCTIONS.has(fn);
  const emptyBatch = batch && Array.isArray(pred) && pred.length === 0;
  const k = isRows(pred) ? pred[0].length : emptyBatch ? 3 : undefined;
  const Float = c.dtype === 'float32' ? Float32Array : Float64Array;
  const flat = (v: unknown, i: number): unknown => {
    if (typeof v === 'number') return v;
    if (c.targets === 'index' && i === 0) return Int32Array.from(v as number[]);
    return Float.from((isRows(v) ? v.flat() : v) as number[]);
  };
  const typed: Representation = {
    label: c.dtype === 'float32' ? 'Float32Array' : 'Float64Array',
    args: args.map(flat),
    opts: k !== undefined ? { classes: k } : {},
  };
  if (c.dtype === 'float32' || emptyBatch) return [typed];
  const asWritten = args.map((v, i) => (c.targets === 'index' && i === 0 && k === 1 ? flat(v, 0) : v));
  return [{ label: 'as written', args: asWritten, opts: {} }, typed];
}

function call(x: Xentropy, fn: string, args: unknown[], opts: Record<string, unknown>): unknown {
  return (x as unknown as Record<string, (...a: unknown[]) => unknown>)[fn](...args, opts);
}

for (const file of files) {
  const fixture = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as { fn?: string; cases?: Case[] };
  // vmath.json holds kernel-level references (test/vmath.test.ts), not API cases.
  if (!fixture.fn || !fixture.cases) continue;
  const fn = fixture.fn;
  describe.each(backends)(`${fn} golden values (%s)`, (_name, x) => {
    it.each(fixture.cases!.map((c) => [c.name, c] as const))('%s', (_label, c) => {
      const expected = decode(c.expected);
      for (const rep of representations(fn, c)) {
        const got = call(x, fn, rep.args, { ...decode<object>(c.opts), ...rep.opts });
        expectClose(got, expected, c.dtype, `${c.name} (${rep.label})`, c.args);
      }
    });
  });
}
