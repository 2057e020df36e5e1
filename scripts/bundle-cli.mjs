// Bundles the command line (src/cli/main.ts and its scoring task, worker.ts) with its dependencies into dist/cli/,
// so the published package has no runtime dependencies (`npm run build:cli`, part of `npm run build`).
// Writes THIRD_PARTY_NOTICES.md: the license of every package the bundle contains, from
// node_modules, in the package's name order, so a rebuild gives the same bytes.
//
// Entry points are the two files the CLI is started from; everything they import, the library
// and the readers wherever they live under src/, is followed by esbuild (tree-shaken, ESM).
// Chunks shared by the entries land next to them in dist/cli/, so `import.meta.url` (the worker
// path, the bundled example, package.json) resolves as it does from the sources.
import { build } from 'esbuild';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'dist/cli');

// The bundled CommonJS packages (commander) use require, __dirname and
// __filename; in an ES module they come from the file's own URL.
const BANNER = [
  "import { createRequire as __xentropyCreateRequire } from 'node:module';",
  "import { fileURLToPath as __xentropyFileURLToPath } from 'node:url';",
  'const require = __xentropyCreateRequire(import.meta.url);',
  'const __filename = __xentropyFileURLToPath(import.meta.url);',
  "const __dirname = __xentropyFileURLToPath(new URL('.', import.meta.url));",
].join('\n');

const ENTRIES = {
  main: 'src/cli/main.ts',
  worker: 'src/cli/worker.ts',
};

function bundle(entryPoints) {
  rmSync(OUT, { recursive: true, force: true });
  return build({
    absWorkingDir: ROOT,
    entryPoints,
    outdir: OUT,
    bundle: true,
    splitting: true,
    chunkNames: 'chunk-[hash]',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    minifySyntax: true,
    minifyWhitespace: true,
    legalComments: 'none', // the licenses are in THIRD_PARTY_NOTICES.md
    banner: { js: BANNER },
    metafile: true,
    logLevel: 'warning',
  });
}

/** Every .ts file under src/, relative to ROOT. */
function sources(dir = 'src') {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/**
 * Worker files that bundled code starts by URL (`new URL('./pool-worker.js', import.meta.url)`)
 * are no import esbuild follows: each missing one becomes an entry of its own, beside the chunks,
 * from the source of the same name under src/. A URL naming no source fails the build.
 */
function missingWorkers(metafile) {
  const wanted = new Set();
  for (const file of Object.keys(metafile.outputs)) {
    const code = readFileSync(join(ROOT, file), 'utf8');
    for (const m of code.matchAll(/new URL\(\s*["']\.\/([\w.-]+)\.js["']\s*,\s*(?:import\.meta\.url|\w+)\s*\)/g)) {
      if (!existsSync(join(OUT, `${m[1]}.js`))) wanted.add(m[1]);
    }
  }
  const found = {};
  for (const name of wanted) {
    const source = sources().filter((f) => f.endsWith(`/${name}.ts`) && !f.startsWith(`src${sep}cli${sep}`));
    if (source.length !== 1)
      throw new Error(`bundle-cli: the bundle loads ./${name}.js, and src/ has ${source.length} files ${name}.ts`);
    found[name] = source[0];
  }
  return found;
}

let result = await bundle(ENTRIES);
const workers = missingWorkers(result.metafile);
if (Object.keys(workers).length > 0) result = await bundle({ ...ENTRIES, ...workers });

/** The package a bundled input file belongs to: its folder under the last node_modules. */
function packageOf(input) {
  const parts = input.split(/[\\/]/);
  const i = parts.lastIndexOf('node_modules');
  if (i < 0) return null;
  const name = parts[i + 1].startsWith('@') ? `${parts[i + 1]}/${parts[i + 2]}` : parts[i + 1];
  return join(...parts.slice(0, i + 1), name);
}

const packages = new Map();
for (const output of Object.values(result.metafile.outputs)) {
  for (const [input, use] of Object.entries(output.inputs)) {
    const dir = packageOf(input);
    if (dir && use.bytesInOutput > 0) packages.set(dir, true);
  }
}

const LICENSE_FILE = /^(licen[cs]e|notice|copying)([-.][\w.-]*)?$/i;
const sections = [...packages.keys()]
  .map((dir) => {
    const pkg = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8'));
    const files = readdirSync(join(ROOT, dir))
      .filter((f) => LICENSE_FILE.test(f))
      .sort();
    if (files.length === 0) throw new Error(`bundle-cli: ${pkg.name} has no license file in ${dir}`);
    const repo = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
    const texts = files.map((f) => `### ${f}\n\n\`\`\`\n${readFileSync(join(ROOT, dir, f), 'utf8').trim()}\n\`\`\`\n`);
    return {
      name: pkg.name,
      text: `## ${pkg.name} ${pkg.version} (${pkg.license})\n\n${repo ? `Source: ${repo}\n\n` : ''}${texts.join('\n')}`,
    };
  })
  .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

writeFileSync(
  join(ROOT, 'THIRD_PARTY_NOTICES.md'),
  [
    '# Third-party notices',
    '',
    'The `xentropy` command line (`dist/cli/`) bundles the packages below; their licenses follow.',
    "The library (`import ... from 'xentropy'`) contains none of them.",
    'Generated by `scripts/bundle-cli.mjs` (`npm run build:cli`) from `node_modules`: do not edit.',
    '',
    ...sections.map((s) => s.text),
  ].join('\n'),
);

const bytes = Object.keys(result.metafile.outputs).reduce((sum, f) => sum + statSync(join(ROOT, f)).size, 0);
console.log(
  `bundle-cli: dist/cli/ ${(bytes / 1024).toFixed(0)} KiB in ${Object.keys(result.metafile.outputs).length} files; bundled ${sections.map((s) => s.name).join(', ')}`,
);
if (!existsSync(join(OUT, 'main.js'))) throw new Error('bundle-cli: no dist/cli/main.js');
