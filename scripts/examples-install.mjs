// Installs the interop examples' folder (examples/interop/, `npm run examples:install`): its own
// dev-only dependencies (onnxruntime-node, TensorFlow.js, Deno, onnx-proto), and xentropy itself
// from the tarball `npm pack` makes of this checkout — the files a user gets, not a link to the
// sources. Needs the build (dist/). Repeated runs reuse what is installed.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const EXAMPLES = join(ROOT, 'examples/interop');
const npm = (args, cwd) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

const work = mkdtempSync(join(tmpdir(), 'xentropy-examples-'));
try {
  const [{ filename }] = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], ROOT));
  // --no-save: the examples' package.json never names xentropy; this checkout's build is put in.
  npm(['install', '--no-save', '--prefer-offline', '--no-audit', '--no-fund', join(work, filename)], EXAMPLES);
  console.log(`examples-install: ${filename} and the examples' dependencies installed in examples/interop/`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
