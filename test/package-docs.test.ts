/**
 * The TSDoc examples are true: every ```ts block under an `@example` of the public sources is run
 * on both backends, and each line `expression; // → result` must give that result (kind and
 * value: `Float32Array [..]` must be a Float32Array, `[..]` a plain array, a number a number).
 * Numbers compare within 1e-13 relative (2e-6 for Float32Array results), the accuracy bounds of
 * API.md, since the examples' figures are written once for both backends.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { js, load } from '../src/index.js';

const SOURCES = ['src/types.ts', 'src/load.ts', 'src/index.ts'];

interface Example {
  where: string;
  name: string;
  lines: string[];
}

/** The @example blocks of a source file, each with the name of the declaration it documents. */
function examples(file: string): Example[] {
  const text = readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');
  const found: Example[] = [];
  for (const comment of text.matchAll(/\/\*\*([\s\S]*?)\*\/\s*\n\s*([^\n]*)/g)) {
    const declaration = comment[2];
    const name =
      /(?:function|const|interface|class)\s+(\w+)/.exec(declaration)?.[1] ??
      /^(\w+)\s*[<(]/.exec(declaration)?.[1] ??
      declaration.trim();
    const body = comment[1].split('\n').map((l) => l.replace(/^\s*\* ?/, ''));
    for (let i = 0; i < body.length; i++) {
      if (!body[i].startsWith('@example')) continue;
      const open = body.indexOf('```ts', i);
      const close = body.indexOf('```', open + 1);
      if (open < 0 || close < 0) throw new Error(`${file}: ${name}: an @example without a \`\`\`ts block`);
      found.push({ where: `${file}:${name}`, name, lines: body.slice(open + 1, close) });
      i = close;
    }
  }
  return found;
}

/** `Float32Array [1, 2]` → { kind: 'Float32Array', value: [1, 2] }; anything else is a JS literal. */
function parseExpected(text: string): { kind: string; value: unknown } {
  const typed = /^(Float32Array|Float64Array|Int32Array) (\[.*\])$/.exec(text);
  if (typed) return { kind: typed[1], value: Function(`return ${typed[2]}`)() };
  const value: unknown = Function(`return ${text}`)();
  return { kind: Array.isArray(value) ? 'Array' : typeof value, value };
}

function kindOf(v: unknown): string {
  if (ArrayBuffer.isView(v)) return v.constructor.name;
  return Array.isArray(v) ? 'Array' : typeof v;
}

function close(got: unknown, want: unknown, rel: number, at: string): void {
  if (typeof want === 'number') {
    const g = got as number;
    const ok = Object.is(g, want) || (Number.isFinite(want) && Math.abs(g - want) <= rel * Math.abs(want));
    expect(ok, `${at}: got ${g}, documented ${want}`).toBe(true);
    return;
  }
  if (Array.isArray(want)) {
    const g = Array.from(got as ArrayLike<unknown>);
    expect(g.length, `${at}: length`).toBe(want.length);
    want.forEach((w, i) => close(g[i], w, rel, `${at}[${i}]`));
    return;
  }
  expect(got, at).toEqual(want);
}

const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (
  ...args: string[]
) => (...a: unknown[]) => Promise<void>;

/** Runs a block with `x` bound; `// →` lines become checks. Returns how many lines it checked. */
async function run(example: Example, x: unknown): Promise<number> {
  let checks = 0;
  const code = example.lines
    .filter((l) => !/^\s*import\s/.test(l))
    .map((line) => {
      const m = /^(.*?);?\s*\/\/ → (.*)$/.exec(line);
      if (!m) return line;
      checks++;
      const expected = m[2].replace(/\s+\(.*\)$/, ''); // a trailing "(= -ln 0.7)" explains, it is not part of the value
      return `__check(${m[1]}, ${JSON.stringify(expected)}, ${JSON.stringify(line.trim())});`;
    })
    .join('\n');
  const check = (got: unknown, expectedText: string, line: string) => {
    const { kind, value } = parseExpected(expectedText);
    expect(kindOf(got), `${example.where}: ${line}`).toBe(kind);
    close(got, value, kind === 'Float32Array' ? 2e-6 : 1e-13, `${example.where}: ${line}`);
  };
  await new AsyncFunction('x', 'js', 'load', '__check', `{\n${code}\n}`)(x, js, load, check);
  return checks;
}

const all = SOURCES.flatMap(examples);
const wasm = await load({ backend: 'wasm' });

describe('TSDoc examples', () => {
  it('every public function of Xentropy has an example with a documented result', () => {
    const documented = new Set(all.filter((e) => e.lines.some((l) => l.includes('// →'))).map((e) => e.name));
    const methods = [
      'informationContent',
      'binaryEntropy',
      'entropy',
      'crossEntropy',
      'klDivergence',
      'softmax',
      'logSoftmax',
      'logSumExp',
      'softmaxCrossEntropy',
      'binaryCrossEntropy',
      'sigmoidCrossEntropy',
      'scoreRows',
      'alloc',
      'reserve',
      'load',
      'js',
    ];
    expect(methods.filter((m) => !documented.has(m))).toEqual([]);
  });

  it('every public function documents its parameters, result, errors and an example', () => {
    const text = readFileSync(new URL('../src/types.ts', import.meta.url), 'utf8');
    const blocks = new Map<string, string>();
    for (const m of text.matchAll(/\/\*\*([\s\S]*?)\*\/\s*\n\s*(\w+)[<(]/g)) blocks.set(m[2], m[1]);
    const methods = [
      'informationContent',
      'binaryEntropy',
      'entropy',
      'crossEntropy',
      'klDivergence',
      'softmax',
      'logSoftmax',
      'logSumExp',
      'softmaxCrossEntropy',
      'binaryCrossEntropy',
      'sigmoidCrossEntropy',
      'scoreRows',
      'alloc',
    ];
    const lacking = methods.flatMap((m) => {
      const doc = blocks.get(m) ?? '';
      return ['@param', '@returns', '@throws', '@example']
        .filter((tag) => !doc.includes(tag))
        .map((tag) => `${m}: ${tag}`);
    });
    expect(lacking).toEqual([]);
    // Every option of Options has its own TSDoc.
    const options = /export interface Options \{([\s\S]*?)\n\}/.exec(text)![1];
    const undocumented = [...options.matchAll(/(\*\/|;|\{)?\s*\n\s*(\w+)\?:/g)]
      .filter((m) => m[1] !== '*/')
      .map((m) => m[2]);
    expect(undocumented).toEqual([]);
    expect([...options.matchAll(/\n\s*(\w+)\?:/g)].map((m) => m[1])).toEqual(
      expect.arrayContaining(['sampleWeights', 'out', 'validate']),
    );
  });

  for (const [name, x] of [
    ['wasm', wasm],
    ['js', js],
  ] as const) {
    describe(`on ${name}`, () => {
      for (const example of all) {
        // A function declared in src/types.ts ahead of its implementation (merged from another
        // branch) shows as skipped until it exists.
        const called =
          example.lines
            .join('\n')
            .match(/x\.(\w+)\(/g)
            ?.map((c) => c.slice(2, -1)) ?? [];
        const missing = called.some((f) => typeof (x as unknown as Record<string, unknown>)[f] !== 'function');
        (missing ? it.skip : it)(example.where, async () => {
          expect(await run(example, x)).toBeGreaterThan(0);
        });
      }
    });
  }
});
