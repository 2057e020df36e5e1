#!/usr/bin/env node
/**
 * `npm run fuzz:cli`: the command line (`dist/cli/main.js`, as users run it) against hostile
 * inputs, one child process per case, with a random seed printed first for replay.
 *
 *   node scripts/fuzz-cli.mjs                        # every target, its default case count
 *   node scripts/fuzz-cli.mjs --cases 5000           # more cases per target
 *   node scripts/fuzz-cli.mjs --only csv             # one target
 *   node scripts/fuzz-cli.mjs --seed 123 --only csv --from 41 --cases 1 --keep   # replay case 41
 *
 * A target is a module under test/fuzz/ named `cli-<name>.mjs` exporting
 *   name: string, cases: number (default count for a long run),
 *   run({ seed, from, cases, main, dir, keep, log }) → Promise<{ cases, failures, stats? }>
 * where case i draws its input from seed + i (so one case replays alone), `dir` is a temporary
 * folder of the target's own, and each failure is { case, problem, input? } (`input`: a path
 * kept under `dir` with --keep). The short runs of npm test call the same `run` with a fixed
 * seed. Add a target by adding its module to TARGETS.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The fuzz targets: add a module here (see the header comment for its interface). */
export const TARGETS = ['../test/fuzz/cli-csv.mjs', '../test/fuzz/cli-binary.mjs', '../test/fuzz/cli-tasks.mjs'];

const MAIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const seed = Number(arg('seed', String(Math.floor(Math.random() * 2 ** 31))));
const only = arg('only', undefined);
const from = Number(arg('from', '0'));
const keep = process.argv.includes('--keep');
const casesArg = arg('cases', undefined);

console.log(`fuzz:cli seed ${seed} (replay: node scripts/fuzz-cli.mjs --seed ${seed}${only ? ` --only ${only}` : ''})`);
let failed = 0;
for (const path of TARGETS) {
  const target = await import(new URL(path, import.meta.url).href);
  if (only !== undefined && target.name !== only) continue;
  const dir = mkdtempSync(join(tmpdir(), `xentropy-fuzz-${target.name}-`));
  const cases = Number(casesArg ?? target.cases);
  const started = Date.now();
  const result = await target.run({
    seed,
    from,
    cases,
    main: MAIN,
    dir,
    keep,
    log: (line) => console.log(`  ${target.name}: ${line}`),
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `${target.name}: ${result.cases} cases in ${seconds} s, ${result.failures.length} failures${result.stats ? ` ${JSON.stringify(result.stats)}` : ''}`,
  );
  for (const f of result.failures) {
    console.log(
      `  FAIL case ${f.case} (replay: --seed ${seed} --only ${target.name} --from ${f.case} --cases 1 --keep): ${f.problem}${f.input ? ` [${f.input}]` : ''}`,
    );
  }
  failed += result.failures.length;
  if (!keep) rmSync(dir, { recursive: true, force: true });
  else console.log(`  inputs kept in ${dir}`);
}
process.exitCode = failed > 0 ? 1 : 0;
