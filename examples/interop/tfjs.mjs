// TensorFlow.js (cpu backend) → xentropy. Run: node tfjs.mjs
//
// A custom training loop: a small dense model trained with tf's optimizer, evaluated each epoch
// on held-out rows with xentropy from the logits' `dataSync()` (a Float32Array, read as it is).
// xentropy's mean agrees with tf.losses.softmaxCrossEntropy on the same logits.
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { load } from 'xentropy';

await tf.setBackend('cpu');
const x = await load();
const k = 3,
  d = 2;

/** Three Gaussian blobs, from a seeded generator (Park–Miller), so every run is the same. */
function blobs(n, seed) {
  let s = seed;
  const uniform = () => ((s = (s * 16807) % 2147483647) - 1) / 2147483646;
  const normal = () => Math.sqrt(-2 * Math.log(uniform() + 1e-12)) * Math.cos(2 * Math.PI * uniform());
  const centers = [
    [2, 0],
    [-1, 1.7],
    [-1, -1.7],
  ];
  const features = new Float32Array(n * d),
    labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const y = i % k;
    labels[i] = y;
    for (let j = 0; j < d; j++) features[i * d + j] = centers[y][j] + normal();
  }
  return { features: tf.tensor2d(features, [n, d]), labels, oneHot: tf.oneHot(tf.tensor1d(labels, 'int32'), k) };
}

const train = blobs(600, 7),
  held = blobs(300, 11);
const model = tfl.sequential({
  layers: [
    tfl.layers.dense({
      inputShape: [d],
      units: 8,
      activation: 'relu',
      kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }),
    }),
    tfl.layers.dense({ units: k, kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }), // logits
  ],
});
const optimizer = tf.train.adam(0.05);

const history = [];
for (let epoch = 0; epoch < 8; epoch++) {
  optimizer.minimize(() => tf.losses.softmaxCrossEntropy(train.oneHot, model.predict(train.features)));
  // Evaluate: the held-out logits as a Float32Array, straight into xentropy.
  const logits = tf.tidy(() => model.predict(held.features).dataSync());
  const mean = x.softmaxCrossEntropy(held.labels, logits, { classes: k, reduction: 'mean' });
  const tfMean = tf.tidy(
    () => tf.losses.softmaxCrossEntropy(held.oneHot, tf.tensor2d(logits, [held.labels.length, k])).dataSync()[0],
  );
  assert.ok(Math.abs(mean - tfMean) <= 1e-5 * tfMean, `epoch ${epoch}: xentropy ${mean}, tf ${tfMean}`);
  const perRow = x.softmaxCrossEntropy(held.labels, logits, { classes: k });
  assert.ok(perRow instanceof Float32Array && perRow.length === held.labels.length);
  history.push({ epoch, mean, tf: tfMean });
}
assert.ok(history.at(-1).mean < history[0].mean, 'the held-out loss went down');
console.log(JSON.stringify({ backend: x.backend, tfBackend: tf.getBackend(), history }));
