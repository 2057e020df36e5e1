// A module Web Worker: `load()` compiles the embedded wasm once in this worker's realm.
// In an app with a bundler this line is `import { load } from 'xentropy'`.
import { load } from '../node_modules/xentropy/dist/index.js';

// The handler is in place before the module is loaded, so no message waits on the compile.
const ready = load();
self.onmessage = async ({ data: { logits, labels, k } }) => {
  const x = await ready;
  const mean = x.softmaxCrossEntropy(labels, logits, { classes: k, reduction: 'mean' });
  const perRow = x.softmaxCrossEntropy(labels, logits, { classes: k });
  self.postMessage({
    backend: x.backend,
    mean: String(mean),
    rows: String(perRow.length),
    kind: perRow.constructor.name,
  });
};
