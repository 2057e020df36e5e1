/**
 * Fuzzing the Accumulator, the summary behind `xentropy score` and the page (shared by
 * test/fuzz-accumulator.test.ts, fixed seed, and scripts/fuzz.mjs, `--only accumulator`).
 *
 * A case is a random batch of one task (binary, multiclass, multilabel), logits or probabilities,
 * float64 or float32, with or without sample weights (zeros included), in any base, bins and
 * threshold, cut into random chunks; sometimes one value is made bad. The oracle:
 *   - direct float64 formulas written here from API.md ("Every classifier"), not from src/:
 *     mean cross-entropy, mean entropy, accuracy, Brier score, ECE, exact match, top-k, weight
 *     sum, per-class rows and predictions, the confusion matrix (1e-9 relative; counts exact);
 *   - the two backends agree (1e-12 relative; counts exact);
 *   - the chunks added one by one, and the chunks scored in separate accumulators whose JSON
 *     states are merged in a random order, equal one pass (counts exact, sums within 1e-13);
 *   - a bad value (label, target, NaN or +Infinity logit, probability outside [0, 1], negative
 *     weight) throws a RangeError naming its row, and leaves the state as it was.
 * Plain ESM, so scripts/fuzz.mjs runs it on the built package.
 */

const TASKS = ['binary', 'multiclass', 'multilabel'];

/** fast-check arbitrary of one case (plain data). */
export function accumulatorArbitrary(fc) {
  return fc
    .record({
      task: fc.constantFrom(...TASKS),
      logits: fc.boolean(),
      f32: fc.boolean(),
      k: fc.integer({ min: 2, max: 7 }),
      rows: fc.integer({ min: 1, max: 40 }),
      weighted: fc.boolean(),
      base: fc.constantFrom(Math.E, 2, 10),
      bins: fc.integer({ min: 1, max: 20 }),
      threshold: fc.constantFrom(0.5, 0.5, 0.3, 0.8),
      seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      cuts: fc.array(fc.integer({ min: 1, max: 39 }), { maxLength: 4 }),
      bad: fc.constantFrom(null, null, null, null, null, null, 'label', 'score', 'weight'),
    })
    .map((c) => ({ ...c, k: c.task === 'binary' ? 1 : c.k }));
}

function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The batch of a case: labels (or multilabel targets), scores, weights. */
function batch(c) {
  const r = rng(c.seed);
  const { rows: n, k } = c;
  const labels = new Float64Array(c.task === 'multilabel' ? 0 : n);
  const targets = c.task === 'multilabel' ? new Float64Array(n * k) : undefined;
  const scores = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    if (c.task === 'multiclass') {
      const y = Math.floor(r() * k);
      labels[i] = y;
      if (c.logits) for (let j = 0; j < k; j++) scores[i * k + j] = (r() - 0.5) * 12;
      else {
        const w = Array.from({ length: k }, () => (r() < 0.1 ? 0 : r()));
        w[y] += 1e-3;
        const s = w.reduce((a, b) => a + b, 0);
        for (let j = 0; j < k; j++) scores[i * k + j] = w[j] / s;
      }
    } else {
      for (let j = 0; j < k; j++) {
        const y = r() < 0.4 ? 1 : 0;
        if (targets) targets[i * k + j] = y;
        else labels[i] = y;
        scores[i * k + j] = c.logits ? (r() - 0.5) * 12 : r() < 0.05 ? 0.5 : r();
      }
    }
  }
  const weights = c.weighted
    ? Float64Array.from({ length: n }, () => [0, 0.5, 1, 2, 3.25][Math.floor(r() * 5)])
    : undefined;
  const z = c.f32 ? Float32Array.from(scores) : scores;
  return { labels, targets, scores: z, weights };
}

/** Makes one value bad; returns the row it is in, or undefined when the case has no such value. */
function spoil(c, b) {
  const r = rng(c.seed ^ 0x5bd1e995);
  const row = Math.floor(r() * c.rows);
  if (c.bad === 'label') {
    if (c.task === 'multilabel') b.targets[row * c.k] = 2;
    else b.labels[row] = c.task === 'binary' ? 0.5 : c.k;
  } else if (c.bad === 'score') b.scores[row * c.k] = c.logits ? Number.NaN : 1.5;
  else if (c.bad === 'weight' && b.weights) b.weights[row] = -1;
  else return undefined;
  return row;
}

function sigmoid(z) {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}
function binaryH(p) {
  return (p > 0 ? -p * Math.log(p) : 0) + (p < 1 ? -(1 - p) * Math.log1p(-p) : 0);
}

/** API.md's figures by direct formulas (nats, then divided by ln base). */
export function oracle(c, b) {
  const { rows: n, k, bins } = c;
  const ln = Math.log(c.base);
  const width = c.task === 'binary' ? 2 : k;
  const classRows = new Array(width).fill(0);
  const classPredicted = new Array(width).fill(0);
  const confusion = Array.from({ length: width }, () => new Array(width).fill(0));
  const binW = new Array(bins).fill(0);
  const binAcc = new Array(bins).fill(0);
  const binConf = new Array(bins).fill(0);
  let W = 0;
  let ce = 0;
  let h = 0;
  let right = 0;
  let brier = 0;
  let exact = 0;
  let topHits = 0;
  let edge = false;
  const topK = c.task === 'multiclass' && k > 5 ? 5 : 0;
  const bin = (conf, acc, w) => {
    const i = Math.min(Math.floor(conf * bins), bins - 1);
    binW[i] += w;
    binAcc[i] += w * acc;
    binConf[i] += w * conf;
  };
  const decide = (z, p) => {
    if (Math.abs(p - c.threshold) < 1e-12) edge = true;
    return (c.threshold === 0.5 && c.logits ? z >= 0 : p >= c.threshold) ? 1 : 0;
  };
  const s = Array.from(b.scores);
  for (let i = 0; i < n; i++) {
    const w = b.weights ? b.weights[i] : 1;
    if (c.task === 'multiclass') {
      const row = s.slice(i * k, (i + 1) * k);
      const y = b.labels[i];
      let q;
      let loss;
      if (c.logits) {
        const m = Math.max(...row);
        const lse = m + Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0));
        q = row.map((v) => Math.exp(v - lse));
        loss = lse - row[y];
      } else {
        q = row;
        loss = -Math.log(row[y]);
      }
      const pred = row.indexOf(Math.max(...row));
      classRows[y]++;
      classPredicted[pred]++;
      confusion[y][pred]++;
      if (!(w > 0)) continue;
      W += w;
      ce += w * loss;
      h += w * -q.reduce((a, p) => a + (p > 0 ? p * Math.log(p) : 0), 0);
      if (pred === y) right += w;
      brier += w * q.reduce((a, p, j) => a + (p - (j === y ? 1 : 0)) ** 2, 0);
      if (topK && row.filter((v) => v > row[y]).length < topK) topHits += w;
      bin(Math.max(...q), pred === y ? 1 : 0, w);
    } else {
      let ok = 0;
      for (let j = 0; j < k; j++) {
        const z = s[i * k + j];
        const y = c.task === 'binary' ? b.labels[i] : b.targets[i * k + j];
        const p = c.logits ? sigmoid(z) : z;
        const pred = decide(z, p);
        if (c.task === 'binary') {
          classRows[y]++;
          classPredicted[pred]++;
          confusion[y][pred]++;
        } else {
          classRows[j] += y;
          classPredicted[j] += pred;
        }
        if (pred === y) ok++;
        if (!(w > 0)) continue;
        ce +=
          w *
          (c.logits ? Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z))) : y ? -Math.log(p) : -Math.log1p(-p));
        h += w * binaryH(p);
        brier += w * (p - y) ** 2;
        bin(p, y, w);
      }
      if (!(w > 0)) continue;
      W += w;
      right += w * ok;
      if (ok === k) exact += w;
    }
  }
  const decisions = c.task === 'multilabel' ? W * k : W;
  let calibration = 0;
  for (let i = 0; i < bins; i++) calibration += Math.abs(binAcc[i] - binConf[i]);
  return {
    figures: {
      rows: n,
      mean_cross_entropy: ce / ln / decisions,
      mean_entropy: h / ln / decisions,
      accuracy: edge ? undefined : right / decisions,
      brier: brier / decisions,
      ece: edge ? undefined : calibration / decisions,
      ...(topK ? { top_k_accuracy: topHits / W } : {}),
      ...(c.task === 'multilabel' && !edge ? { exact_match: exact / W } : {}),
      ...(c.weighted ? { weight_sum: W } : {}),
    },
    classRows,
    classPredicted: edge ? undefined : classPredicted,
    confusion: edge || c.task === 'multilabel' ? undefined : confusion,
  };
}

function close(got, want, rel) {
  if (!Number.isFinite(want)) return Object.is(got, want) || (Number.isNaN(got) && Number.isNaN(want));
  return Math.abs(got - want) <= rel * Math.max(Math.abs(want), 1e-300);
}

function options(c) {
  return {
    task: c.task,
    classes: c.k,
    input: c.logits ? 'logits' : 'probs',
    base: c.base,
    bins: c.bins,
    threshold: c.threshold,
    perClass: true,
    confusion: c.task !== 'multilabel',
    weighted: c.weighted,
  };
}

/** The chunks [from, to) of a case's rows. */
function chunks(c) {
  const cuts = [...new Set(c.cuts.filter((x) => x < c.rows))].sort((a, b) => a - b);
  const edges = [0, ...cuts, c.rows];
  return edges.slice(1).map((to, i) => [edges[i], to]);
}

function addChunk(acc, c, b, from, to) {
  const k = c.k;
  const extra = {};
  if (b.weights) extra.weights = b.weights.subarray(from, to);
  if (b.targets) extra.targets = b.targets.subarray(from * k, to * k);
  const labels = c.task === 'multilabel' ? new Float64Array(0) : b.labels.subarray(from, to);
  if (c.task === 'multilabel') {
    // The multilabel row count comes from the scores.
    return acc.add(labels, b.scores.subarray(from * k, to * k), from, extra);
  }
  return acc.add(labels, b.scores.subarray(from * k, to * k), from, extra);
}

class Failure extends Error {}

/**
 * Runs case `c` on every backend of `apis` ([name, x][]) with `Accumulator`; throws a Failure
 * describing the first disagreement. `stats` counts valid and refused cases.
 */
export function checkAccumulatorCase(Accumulator, apis, c, stats = {}) {
  const fail = (what) => {
    throw new Failure(`${what} (case ${JSON.stringify(c)})`);
  };
  const b = batch(c);
  const badRow = c.bad ? spoil(c, b) : undefined;
  const summaries = [];
  for (const [name, x] of apis) {
    const acc = new Accumulator(x, options(c));
    if (badRow !== undefined) {
      const before = JSON.stringify(acc);
      let error;
      try {
        addChunk(acc, c, b, 0, c.rows);
      } catch (e) {
        error = e;
      }
      if (!(error instanceof RangeError)) fail(`${name}: bad ${c.bad} at row ${badRow} gave ${error ?? 'no error'}`);
      if (!new RegExp(`row ${badRow}\\b`).test(error.message))
        fail(`${name}: "${error.message}" does not name row ${badRow}`);
      if (JSON.stringify(acc) !== before) fail(`${name}: a refused chunk changed the state`);
      continue;
    }
    // One pass in chunks.
    for (const [from, to] of chunks(c)) addChunk(acc, c, b, from, to);
    const one = acc.result();
    // The same chunks in separate accumulators, merged through JSON in reverse order.
    const parts = chunks(c).map(([from, to]) => {
      const part = new Accumulator(x, options(c));
      addChunk(part, c, b, from, to);
      return { state: JSON.parse(JSON.stringify(part)), from };
    });
    const merged = new Accumulator(x, options(c));
    for (const { state } of parts.reverse()) merged.merge(Accumulator.fromJSON(x, state));
    const sharded = merged.result();
    for (const key of Object.keys(one)) {
      const a = one[key];
      const m = sharded[key];
      if (typeof a === 'number' && key !== 'max_cross_entropy_row') {
        if (!close(m, a, 1e-13)) fail(`${name}: ${key} merged ${m} against one pass ${a}`);
      }
    }
    if (JSON.stringify(one.confusion) !== JSON.stringify(sharded.confusion)) fail(`${name}: merged confusion differs`);
    summaries.push([name, one]);
  }
  if (badRow !== undefined) {
    stats.refused = (stats.refused ?? 0) + 1;
    return;
  }
  const want = oracle(c, b);
  for (const [name, got] of summaries) {
    for (const [key, value] of Object.entries(want.figures)) {
      if (value === undefined) continue;
      if (key === 'rows' ? got[key] !== value : !close(got[key], value, 1e-9))
        fail(`${name}: ${key} ${got[key]}, the oracle gives ${value}`);
    }
    const per = got.per_class ?? got.per_label;
    per.forEach((x, i) => {
      if (x.rows !== want.classRows[i])
        fail(`${name}: class ${i} rows ${x.rows}, the oracle counts ${want.classRows[i]}`);
      if (want.classPredicted && x.predicted !== want.classPredicted[i])
        fail(`${name}: class ${i} predicted ${x.predicted}, the oracle counts ${want.classPredicted[i]}`);
    });
    if (want.confusion && JSON.stringify(got.confusion) !== JSON.stringify(want.confusion))
      fail(`${name}: confusion ${JSON.stringify(got.confusion)}, the oracle counts ${JSON.stringify(want.confusion)}`);
  }
  const [[, a], [, b2]] = summaries;
  for (const key of Object.keys(a)) {
    if (typeof a[key] === 'number' && !close(b2[key], a[key], 1e-12))
      fail(`backends differ on ${key}: ${a[key]} against ${b2[key]}`);
  }
  stats.valid = (stats.valid ?? 0) + 1;
}
