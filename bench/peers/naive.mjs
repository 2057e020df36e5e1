import { repeat } from '../workloads.mjs';

// The loops a user would write by hand: plain JavaScript over typed arrays, Math.exp/Math.log per
// element, a plain running sum. The baseline of every "× naive" ratio.

/** Mean softmax cross-entropy of n rows: per row max, Σ exp(z - max), log, subtract the target logit. */
export function softmaxCrossEntropyMean(labels, logits, n, k) {
  return softmaxCrossEntropySum(labels, logits, n, k) / n;
}

export function softmaxCrossEntropySum(labels, logits, n, k) {
  let total = 0;
  for (let i = 0; i < n; i++) {
    const o = i * k;
    let max = -Infinity;
    for (let j = 0; j < k; j++) if (logits[o + j] > max) max = logits[o + j];
    let sum = 0;
    for (let j = 0; j < k; j++) sum += Math.exp(logits[o + j] - max);
    total += Math.log(sum) + max - logits[o + labels[i]];
  }
  return total;
}

/** -Σ p log p per row. */
export function entropyRows(p, n, k) {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let h = 0;
    for (let j = i * k; j < (i + 1) * k; j++) if (p[j] > 0) h -= p[j] * Math.log(p[j]);
    out[i] = h;
  }
  return out;
}

/** -log q[label] per row. */
export function crossEntropyIndexRows(labels, q, n, k) {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = -Math.log(q[i * k + labels[i]]);
  return out;
}

/** Σ p log(p / q) per row. */
export function klDivergenceRows(p, q, n, k) {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let d = 0;
    for (let j = i * k; j < (i + 1) * k; j++) if (p[j] > 0) d += p[j] * Math.log(p[j] / q[j]);
    out[i] = d;
  }
  return out;
}

/** -log p elementwise. */
export function informationContent(p) {
  const out = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) out[i] = -Math.log(p[i]);
  return out;
}

/** One distribution's cross-entropy with a class index, entropy and KL divergence, as a user writes them. */
const crossEntropyOne = (c) => -Math.log(c.q[c.y]);
function entropyOne(c) {
  let h = 0;
  for (let j = 0; j < c.p.length; j++) if (c.p[j] > 0) h -= c.p[j] * Math.log(c.p[j]);
  return h;
}
function klDivergenceOne(c) {
  let d = 0;
  for (let j = 0; j < c.p.length; j++) if (c.p[j] > 0) d += c.p[j] * Math.log(c.p[j] / c.q[j]);
  return d;
}

export default {
  name: 'naive JS',
  group: 'naive',
  computes: 'f64',
  prepare(w, d) {
    const { n, k } = w;
    switch (w.kind) {
      case 'crossEntropySingle':
        return { run: repeat(w, d, crossEntropyOne) };
      case 'klDivergenceSingle':
        return { run: repeat(w, d, klDivergenceOne) };
      case 'entropySingle':
        return { run: repeat(w, d, entropyOne) };
      case 'softmaxCrossEntropy':
        if (w.reps) return { run: repeat(w, d, (c) => softmaxCrossEntropyMean(c.labels, c.logits, n, k)) };
        return { run: () => softmaxCrossEntropyMean(d.labels, d.logits, n, k) };
      case 'entropy':
        return { run: () => entropyRows(d.p, n, k) };
      case 'crossEntropyIndex':
        return { run: () => crossEntropyIndexRows(d.labels, d.q, n, k) };
      case 'klDivergence':
        return { run: () => klDivergenceRows(d.p, d.q, n, k) };
      case 'informationContent':
        return { run: () => informationContent(d.p) };
      case 'streamSoftmaxCrossEntropy':
        return {
          run() {
            let total = 0;
            for (let c = 0; c < d.count; c++) {
              const { labels, logits } = d.chunks[c % d.chunks.length];
              total += softmaxCrossEntropySum(labels, logits, w.chunkRows, k);
            }
            return total / n;
          },
        };
      default:
        return { na: `no naive loop for ${w.kind}` };
    }
  },
};
