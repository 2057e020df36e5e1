// Child process of bench/run.mjs for W6: wasm linear memory (`x.memoryBytes`) of a fresh instance
// before and after streaming W6's 10⁸ elements, with ordinary arrays and then with x.alloc'd chunks.
// A fresh process, because the main run's earlier zero-copy workloads have grown its instance.
// Usage: node bench/child/stream-memory.mjs <file URL of dist/index.js>
import { allocateAll, isDetached } from '../peers/xentropy.mjs';
import { workloads } from '../workloads.mjs';

const lib = await import(process.argv[2]);
const x = await lib.load({ backend: 'wasm' });
const w = workloads.find((v) => v.id === 'W6');
const d = w.build();
const stream = (chunks) => {
  let total = 0;
  for (let c = 0; c < d.count; c++) {
    const { labels, logits } = chunks[c % chunks.length];
    total += x.softmaxCrossEntropy(labels, logits, { classes: w.k, reduction: 'sum' });
  }
  return total / w.n;
};

const m = { afterLoad: x.memoryBytes };
const mean = stream(d.chunks);
m.afterOrdinary = x.memoryBytes;
if (typeof x.alloc === 'function') {
  // As the zero-copy variant does: allocate every chunk before filling any, again if a growing
  // alloc detached earlier views (bench/peers/xentropy.mjs allocateAll).
  const { arrays, rounds } = allocateAll(
    x,
    d.chunks.flatMap((c) => [
      { Kind: Float32Array, length: c.logits.length },
      { Kind: Int32Array, length: c.labels.length },
    ]),
  );
  m.allocRounds = rounds;
  m.afterAlloc = x.memoryBytes;
  const placed = d.chunks.map((c, i) => {
    arrays[2 * i].set(c.logits);
    arrays[2 * i + 1].set(c.labels);
    return { logits: arrays[2 * i], labels: arrays[2 * i + 1] };
  });
  const zeroCopyMean = stream(placed);
  m.detached = arrays.some(isDetached);
  m.agree = zeroCopyMean === mean;
  m.afterZeroCopy = x.memoryBytes;
  for (const v of arrays) x.free(v);
  m.afterFree = x.memoryBytes;
}
process.stdout.write(JSON.stringify(m));
