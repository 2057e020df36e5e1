#!/usr/bin/env node
/**
 * `npm run fuzz`: the properties of test/fuzz.test.ts (oracle: test/fuzz/, entry harness.mjs) run ≥ 10^6
 * times on the built package (dist/), both backends, with a random seed printed first for replay.
 *
 *   node scripts/fuzz.mjs                         # 1 000 000 cases, random seed
 *   node scripts/fuzz.mjs --runs 5000000          # more
 *   node scripts/fuzz.mjs --seed 123456789        # replay a whole run
 *   node scripts/fuzz.mjs --seed S --only structured --block 17 --path 12:3:0   # replay one failure (printed on failure)
 *   XENTROPY_LIB=/path/to/index.js node scripts/fuzz.mjs   # another build
 *
 * Cases run in blocks of 10 000 with seeds seed+0, seed+1, …: progress is printed per block, and
 * a failure prints the block, its seed and fast-check's shrunk counterexample and path.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { accumulatorArbitrary, checkAccumulatorCase } from '../test/fuzz/accumulator.mjs';
import * as H from '../test/fuzz/harness.mjs';

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const lib = process.env.XENTROPY_LIB ?? fileURLToPath(new URL('../dist/index.js', import.meta.url));
const { js, load, Accumulator } = await import(pathToFileURL(lib).href);
const wasm = await load({ backend: 'wasm' });
const apis = [
  ['js', js],
  ['wasm', wasm],
];

const seed = Number(arg('seed', String(Math.floor(Math.random() * 2 ** 31))));
const total = Number(arg('runs', '1000000'));
const only = arg('only', undefined);
const onlyBlock = arg('block', undefined);
const path = arg('path', undefined);
const BLOCK = 10_000;

const A = H.arbitraries(fc);
/**
 * Shares of the cases: structured calls (sampleWeights and logSumExp among them), whole-argument
 * garbage, scoreRows, the Accumulator's tasks (test/fuzz/accumulator.mjs), alloc/free/reserve
 * sequences (slower, fewer).
 */
const kinds = [
  { name: 'structured', share: 0.71, arb: A.caseArb, check: (c, s) => H.checkCase(apis, c, s) },
  { name: 'garbage', share: 0.23, arb: A.argGarbageArb, check: (c, s) => H.checkGarbageArgs(apis, c, s) },
  { name: 'scoreRows', share: 0.045, arb: H.scoreArbitraries(fc), check: (c, s) => H.checkScoreCase(apis, c, s) },
  {
    name: 'accumulator',
    share: 0.01,
    arb: accumulatorArbitrary(fc),
    check: (c, s) => {
      const outcome = {};
      checkAccumulatorCase(Accumulator, apis, c, outcome);
      if (outcome.valid) {
        s.ok++;
        s.referenced++;
      } else s.rangeError++;
    },
  },
  {
    name: 'alloc',
    share: 0.005,
    arb: A.allocSeqArb,
    check: (ops, s) => {
      for (const [n, x] of apis) H.checkAllocSequence(n, x, ops, s);
    },
  },
].filter((k) => !only || k.name === only);

console.log(`xentropy fuzz: seed ${seed}, ${total} cases, ${lib}`);
console.log(`replay: node scripts/fuzz.mjs --seed ${seed} --runs ${total}${only ? ` --only ${only}` : ''}`);
const memoryBefore = wasm.memoryBytes;
const start = Date.now();
let done = 0;
const stats = {};
for (const kind of kinds) {
  const runs = only ? total : Math.max(1, Math.round(total * kind.share));
  const s = (stats[kind.name] = { runs: 0, ok: 0, referenced: 0, rangeError: 0, typeError: 0, known: 0 });
  const blocks = Math.ceil(runs / BLOCK);
  for (let b = 0; b < blocks; b++) {
    if (onlyBlock !== undefined && b !== Number(onlyBlock)) continue;
    const numRuns = Math.min(BLOCK, runs - b * BLOCK);
    const blockSeed = (seed + b) | 0;
    const result = fc.check(
      fc.property(kind.arb, (c) => kind.check(c, s)),
      { seed: blockSeed, numRuns, ...(path ? { path } : {}) },
    );
    if (result.failed) {
      console.error(
        `\nFAILED: ${kind.name}, block ${b} (seed ${blockSeed}), after ${result.numRuns} cases of the block`,
      );
      console.error(
        `counterexample: ${JSON.stringify(result.counterexample, (_, v) => (typeof v === 'bigint' ? `${v}n` : typeof v === 'number' && !Number.isFinite(v) ? String(v) : v))}`,
      );
      console.error(`error: ${result.errorInstance?.stack ?? result.error}`);
      console.error(
        `replay: node scripts/fuzz.mjs --seed ${seed} --only ${kind.name} --runs ${runs} --block ${b} --path ${result.counterexamplePath}`,
      );
      process.exit(1);
    }
    s.runs += numRuns;
    done += numRuns;
    const secs = (Date.now() - start) / 1000;
    process.stdout.write(
      `\r${kind.name}: ${s.runs}/${runs}  total ${done} cases, ${secs.toFixed(0)} s, ${(done / secs).toFixed(0)} cases/s   `,
    );
  }
  process.stdout.write('\n');
}
const secs = (Date.now() - start) / 1000;
console.log(`passed: ${done} cases in ${secs.toFixed(1)} s (seed ${seed})`);
for (const [name, s] of Object.entries(stats)) {
  console.log(
    `  ${name}: ${s.runs} cases: ${s.ok} valid (${s.referenced} checked against the naive reference), ${s.rangeError} RangeError, ${s.typeError} TypeError, ${s.known} under known kernel issues`,
  );
}
console.log(
  `  known kernel issues tolerated: ${
    Object.entries(H.KNOWN_ISSUES)
      .filter(([, v]) => v)
      .map(([k]) => k)
      .join(', ') || 'none'
  }`,
);
console.log(`  wasm linear memory: ${memoryBefore} → ${wasm.memoryBytes} bytes`);
