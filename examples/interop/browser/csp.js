// The same script on both CSP pages: what load() gives, twice (it warns at most once), and
// whether load({ backend: 'wasm' }) works or throws.
import { load } from '../node_modules/xentropy/dist/index.js';

const x = await load();
await load();
let strict = 'wasm';
try {
  await load({ backend: 'wasm' });
} catch (e) {
  strict = `refused: ${e.constructor.name}`;
}
Object.assign(document.body.dataset, {
  backend: x.backend,
  value: String(x.crossEntropy([0, 1, 0], [0.2, 0.7, 0.1])),
  strict,
});
