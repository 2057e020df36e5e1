/**
 * The fuzz harness shared by test/fuzz.test.ts (fixed seed, inside `npm test`) and scripts/fuzz.mjs
 * (random seed, ≥ 10^6 cases): fast-check arbitraries for every public function and both backends,
 * and the oracle every case goes through. The oracle is written from the contract (docs/API.md),
 * not from src/.
 *
 *   values.mjs        the functions, their families, garbage elements, how an element is read
 *   arbitraries.mjs   the cases (plain data): structured calls, whole-argument garbage, alloc/free
 *                     sequences, scoreRows
 *   build.mjs         real arguments from a case, fresh for every backend and call
 *   spec.mjs          the contract: the errors a call must throw, API.md's bound
 *   reference.mjs     naive references where they are well-conditioned
 *   known-issues.mjs  kernel issues found by the fuzzer, and the cases each one covers
 *   judge.mjs         running a case on both backends and judging the outcomes
 *
 * Plain ESM (no TypeScript) so that scripts/fuzz.mjs runs it on the built package with plain Node.
 */
export { arbitraries, scoreArbitraries } from './arbitraries.mjs';
export { build } from './build.mjs';
export { CaseFailure, checkAllocSequence, checkCase, checkGarbageArgs, checkScoreCase } from './judge.mjs';
export { KNOWN_ISSUES } from './known-issues.mjs';
export { bound, spec } from './spec.mjs';
export { FUNCTIONS, GARBAGE } from './values.mjs';
