/**
 * The Accumulator fuzzer's short run (test/fuzz/accumulator.mjs; long runs: `npm run fuzz --
 * --only accumulator`): random binary, multiclass and multilabel batches, weighted or not, in
 * random chunks and shards, against direct formulas, across backends, merged through JSON; bad
 * values refused naming their row, the state untouched.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Accumulator, js } from '../src/index.js';
// @ts-expect-error: plain ESM shared with scripts/fuzz.mjs, no declarations
import { accumulatorArbitrary, checkAccumulatorCase } from './fuzz/accumulator.mjs';
import { wasm } from './helpers.js';

describe('Accumulator fuzzing (fixed seed)', () => {
  it('400 random batches: the oracle, both backends, one pass = merged shards, bad values refused', () => {
    const stats: { valid?: number; refused?: number } = {};
    fc.assert(
      fc.property(accumulatorArbitrary(fc), (c) => {
        checkAccumulatorCase(
          Accumulator,
          [
            ['wasm', wasm],
            ['js', js],
          ],
          c,
          stats,
        );
      }),
      { seed: 20261202, numRuns: 400 },
    );
    console.log('accumulator fuzz', JSON.stringify(stats));
    expect(stats.valid).toBeGreaterThan(200);
    expect(stats.refused).toBeGreaterThan(20);
  });
});
