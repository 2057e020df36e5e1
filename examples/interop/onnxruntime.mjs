// onnxruntime-node → xentropy. Run: node onnxruntime.mjs
//
// 1. A session's output tensor: `.data` is a Float32Array, which goes straight in.
// 2. Zero-copy: the output tensor is preallocated over `x.alloc` memory (WebAssembly memory on
//    the wasm backend), so ONNX Runtime writes the logits where xentropy reads them, no copy.
import assert from 'node:assert/strict';
import ort from 'onnxruntime-node';
import { load } from 'xentropy';
import { B, W, linearClassifier } from './onnx-model.mjs';

const n = 256,
  k = 3;
const features = Float32Array.from({ length: n * 4 }, (_, i) => Math.sin(i * 0.37) * 2);
const labels = Int32Array.from({ length: n }, (_, i) => (i * 7) % k);

const x = await load();
const session = await ort.InferenceSession.create(linearClassifier());
const feeds = { features: new ort.Tensor('float32', features, [n, 4]) };

// 1. The output's data as it comes.
const { logits } = await session.run(feeds);
const mean = x.softmaxCrossEntropy(labels, logits.data, { classes: k, reduction: 'mean' });
const perRow = x.softmaxCrossEntropy(labels, logits.data, { classes: k });
assert.ok(perRow instanceof Float32Array && perRow.length === n);

// 2. Zero-copy: reserve once (so the two arrays stay attached), allocate, let ORT write into it.
x.reserve(n * k * 4 + n * 4 + 64);
const inPlace = x.alloc(Float32Array, n * k);
const out = x.alloc(Float32Array, n);
await session.run(feeds, { logits: new ort.Tensor('float32', inPlace, [n, k]) });
assert.deepEqual(inPlace, logits.data, 'ORT wrote the logits into xentropy memory');
const meanInPlace = x.softmaxCrossEntropy(labels, inPlace, { classes: k, reduction: 'mean' });
x.softmaxCrossEntropy(labels, inPlace, { classes: k, out });
assert.equal(meanInPlace, mean);
assert.deepEqual(out, perRow);
x.free(inPlace);
x.free(out);

// An independent check: the model and the loss in float64, written out here.
let sum = 0;
for (let i = 0; i < n; i++) {
  const z = [0, 1, 2].map((c) => B[c] + [0, 1, 2, 3].reduce((s, j) => s + features[i * 4 + j] * W[j][c], 0));
  const m = Math.max(...z);
  sum += m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0)) - z[labels[i]];
}
assert.ok(Math.abs(mean - sum / n) < 1e-5 * (sum / n), `mean ${mean} vs float64 ${sum / n}`);
await session.release();
console.log(JSON.stringify({ backend: x.backend, rows: n, mean, meanInPlace, reference: sum / n, zeroCopy: true }));
