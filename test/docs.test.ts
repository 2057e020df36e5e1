/**
 * docs/API.md is the reference for everything the package exports: every name exported by
 * src/index.ts and every method of the API object appears in it.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { js } from '../src/index.js';

const api = readFileSync(new URL('../docs/API.md', import.meta.url), 'utf8');
const index = readFileSync(new URL('../src/index.ts', import.meta.url), 'utf8');

/** Whether `xentropy score` on the bundled example takes these options (the build in dist/, made by pretest). */
function cliAccepts(...args: string[]): boolean {
  const main = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
  return spawnSync(process.execPath, [main, 'score', ...args, '--json'], { encoding: 'utf8' }).status === 0;
}

/** The names src/index.ts exports: `export { a, b as c }`, `export type { … }`, `export const|function|class|… name`. */
function exportedNames(source: string): string[] {
  const names = new Set<string>();
  for (const [, list] of source.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}/g)) {
    for (const item of list.split(',')) {
      const name = item
        .trim()
        .split(/\s+as\s+/)
        .pop()
        ?.trim();
      if (name) names.add(name);
    }
  }
  for (const [, name] of source.matchAll(
    /export\s+(?:declare\s+)?(?:const|let|function|async function|class|interface|type|enum)\s+([A-Za-z_$][\w$]*)/g,
  )) {
    names.add(name);
  }
  return [...names];
}

const mentioned = (name: string): boolean =>
  new RegExp(`(^|[^\\w$])${name.replace(/\$/g, '\\$')}([^\\w$]|$)`).test(api);

describe('docs/API.md', () => {
  const names = exportedNames(index);

  it('finds the exports of src/index.ts', () => {
    expect(names).toEqual(expect.arrayContaining(['load', 'js', 'Xentropy', 'Options', 'Accumulator']));
  });

  it.each(names)('documents the export %s', (name) => {
    expect(mentioned(name), `${name} is exported by src/index.ts but does not appear in docs/API.md`).toBe(true);
  });

  it('documents every method and property of the API object', () => {
    const members = Object.keys(js);
    expect(members.length).toBeGreaterThan(10);
    const missing = members.filter((m) => !mentioned(m));
    expect(missing, 'members of js missing from docs/API.md').toEqual([]);
  });

  /** The contract entries the code may still lack: the doc line, and whether the code has it (tried, not assumed). */
  const pending: [string, string, () => boolean][] = [
    ['logSumExp', '`logSumExp(logits, opts?)`', () => 'logSumExp' in js],
    ['createPool', '## All cores: createPool', () => names.includes('createPool')],
    [
      'sampleWeights',
      '| `sampleWeights` |',
      () => {
        const rows = js.entropy([[0.5, 0.5]], { sampleWeights: [2] });
        return Math.abs(rows[0] - 2 * Math.LN2) < 1e-12;
      },
    ],
    ['the classifier tasks', '### Every classifier', () => cliAccepts('--task', 'multiclass')],
    ['the output targets', '### Where output goes', () => cliAccepts('--quiet')],
  ];

  it.each(pending)(
    'marks %s "(not yet implemented)" exactly while the code lacks it',
    (_name, heading, implemented) => {
      const at = api.indexOf(heading);
      expect(at, `${heading} is missing from docs/API.md`).toBeGreaterThanOrEqual(0);
      // The entry: its table row, or its section up to the next heading.
      const ends = heading.startsWith('#') ? ['\n## ', '\n### '] : ['\n'];
      const end = Math.min(...ends.map((e) => api.indexOf(e, at + 1)).filter((i) => i >= 0), api.length);
      const entry = api.slice(at, end);
      expect(entry.includes('(not yet implemented')).toBe(!implemented());
    },
  );
});
