/**
 * The evaluation page: `vite web` serves it, `vite build web` writes the static site to web/dist.
 * `xentropy` resolves to the library's sources, so the page, its worker and the CLI readers it
 * shares (src/io/) use one copy of the code; how a user's bundler sees the published package
 * is tested apart (test/browser/package.test.ts).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // Relative asset paths: the built site works from any folder or host path.
  base: './',
  resolve: {
    alias: { xentropy: fileURLToPath(new URL('../src/index.ts', import.meta.url)) },
  },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  worker: { format: 'es' },
});
