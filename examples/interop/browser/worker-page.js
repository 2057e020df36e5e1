// Starts a module worker and shows what it computed (on <body data-*> for the example's runner).
const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
const n = 10_000,
  k = 10;
const logits = new Float32Array(n * k).map((_, i) => Math.sin(i));
const labels = Int32Array.from({ length: n }, (_, i) => i % k);
// Transfer the buffers: the worker owns them from here on, nothing is copied.
worker.postMessage({ logits, labels, k }, [logits.buffer, labels.buffer]);
worker.onmessage = ({ data }) => Object.assign(document.body.dataset, data);
worker.onerror = (e) => (document.body.dataset.error = e.message);
