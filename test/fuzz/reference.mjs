/**
 * Naive references written from API.md's formulas, used only where they are well-conditioned
 * ("trusted"): every value moderate, logits within ±700. Each result value carries `mag`, the sum
 * of the magnitudes of its terms, so that the judge can bound the reference's own rounding.
 * A reference returns undefined where it is not trusted, or { known: true } under a KNOWN_ISSUES entry.
 */
import { KNOWN_ISSUES } from './known-issues.mjs';
import { elementOf, FAMILY, num, real } from './values.mjs';

/** A value is moderate when naive formulas stay accurate on it. */
export const moderate = (v) => v === 0 || (Math.abs(v) >= 1e-100 && Math.abs(v) <= 1e100);
const clampP = (q, eps) => (eps > 0 ? (q < eps ? eps : q > 1 - eps ? 1 - eps : q) : q);

/** sigmoidCrossEntropy of logit v, label t: (1 - t)·v + (1 + (pw - 1)·t)·softplus(-v). */
function sigmoidCE(o, v, t) {
  const pw = o.posWeight;
  if (!(Number.isFinite(pw) && Math.abs(pw) <= 1e6)) return undefined;
  const L = 1 + (pw - 1) * t;
  if (v === -Infinity) {
    // API.md: z = -Infinity gives 0 for y = 0 and +Infinity for y = 1; in general -pw·y·z.
    const c = pw * t;
    if (t === 0) return { val: 0, mag: 0 };
    if (c !== 0) return { val: c > 0 ? Infinity : -Infinity, mag: 0 };
    return undefined;
  }
  const softplus = Math.max(-v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
  return { val: (1 - t) * v + L * softplus, mag: Math.abs((1 - t) * v) + Math.abs(L * softplus) + 1e-6 };
}

/** One elementwise value (natural log): { val, mag }, or undefined where not trusted. */
function elementValue(fn, o, v, t) {
  if (fn === 'informationContent') {
    const val = -Math.log(v);
    return { val, mag: Math.abs(val) + 1e-6 };
  }
  if (fn === 'binaryEntropy') {
    const a = v !== 0 ? -v * Math.log(v) : 0;
    const b = 1 - v !== 0 ? -(1 - v) * Math.log1p(-v) : 0;
    return { val: a + b, mag: Math.abs(a) + Math.abs(b) + 1e-6 * v };
  }
  if (fn === 'binaryCrossEntropy') {
    const q = clampP(v, o.eps);
    const a = t !== 0 ? -t * Math.log(q) : 0;
    const b = 1 - t !== 0 ? -(1 - t) * Math.log1p(-q) : 0;
    return { val: a + b, mag: Math.abs(a) + Math.abs(b) + 1e-6 };
  }
  return sigmoidCE(o, v, t);
}

export function refElementwise(fn, o, x, y) {
  const rows = [];
  for (let i = 0; i < x.n; i++) {
    const v = real(x.at(i));
    const t = y ? real(y.at(i)) : 0;
    if (!Number.isFinite(v) && !(fn === 'sigmoidCrossEntropy' && v === -Infinity)) return undefined;
    if (fn !== 'sigmoidCrossEntropy' ? !moderate(v) : Math.abs(v) > 1e100 && v !== -Infinity) return undefined;
    if (y && !(moderate(t) && Number.isFinite(t))) return undefined;
    const e = elementValue(fn, o, v, t);
    if (e === undefined) return undefined;
    rows.push({ v: e.val / o.lnBase, mag: e.mag / Math.abs(o.lnBase), den: 1 });
  }
  return finishRef(o, rows, x.scalar ? 'number' : x.kind, x.scalar, 1, false);
}

/** softmax / logSoftmax of one row: one entry per class. */
function softmaxRow(fn, rowQ) {
  const m = Math.max(...rowQ, -Infinity);
  const S = rowQ.reduce((s, z) => s + Math.exp(z - m), 0);
  return rowQ.map((z) =>
    fn === 'softmax'
      ? { v: Math.exp(z - m) / S, mag: Math.exp(z - m) / S + 1e-300 }
      : { v: z - m - Math.log(S), mag: Math.abs(z - m) + Math.abs(Math.log(S)) + 1e-6 },
  );
}

/** log Σ e^z of one row: m + ln Σ e^(z - m); an all -Infinity (or empty) row gives -Infinity. */
function logSumExpRow(rowQ) {
  const m = Math.max(...rowQ, -Infinity);
  if (m === -Infinity) return { v: -Infinity, mag: 0, den: 1 };
  const lnS = Math.log(rowQ.reduce((s, z) => s + Math.exp(z - m), 0));
  return { v: m + lnS, mag: Math.abs(m) + lnS + 1e-6, den: 1 };
}

function entropyRow(ctx, rowQ) {
  const total = ctx.normalize ? rowQ.reduce((a, b) => a + b, 0) : 1;
  let v = 0;
  let mag = 0;
  for (const x of rowQ) {
    const y = x / total;
    if (y !== 0) {
      const term = -y * Math.log(y);
      v += term;
      mag += Math.abs(term) + 1e-6 * Math.abs(y);
    }
  }
  return { v: v / ctx.o.lnBase, mag: mag / Math.abs(ctx.o.lnBase), den: 1 };
}

/**
 * The cost of each class of a row: -ln q_c (after normalize and the eps clamp), or for
 * softmaxCrossEntropy the log-sum-exp gap_c = (m - z_c) + ln S = -log softmax_c.
 */
function rowCosts(ctx, rowQ) {
  const { fn } = ctx;
  const qTotal = ctx.normalize ? rowQ.reduce((a, b) => a + b, 0) : 1;
  const qn = rowQ.map((x) => (fn === 'softmaxCrossEntropy' ? x : clampP(x / qTotal, ctx.eps)));
  const m = fn === 'softmaxCrossEntropy' ? Math.max(...rowQ, -Infinity) : 0;
  const S = fn === 'softmaxCrossEntropy' ? rowQ.reduce((s, z) => s + Math.exp(z - m), 0) : 1;
  const cost = (j) =>
    fn === 'softmaxCrossEntropy' ? (m > -Infinity ? m - rowQ[j] + Math.log(S) : Infinity) : -Math.log(qn[j]);
  const costMag = (j) =>
    (fn === 'softmaxCrossEntropy' ? Math.abs(m - rowQ[j]) + Math.abs(Math.log(S)) : Math.abs(Math.log(qn[j]))) + 1e-6;
  return { qn, m, cost, costMag };
}

/** A row with a class index y; undefined for an invalid index (validate off: checked by agreement only). */
function indexRow(ctx, { m, cost, costMag }, y) {
  const { fn, o, k, wt, smoothing } = ctx;
  if (fn !== 'klDivergence' && y === o.ignoreIndex) return { v: 0, mag: 0, den: 0 };
  if (!(Number.isInteger(y) && y >= 0 && y < k)) return undefined;
  if (fn === 'softmaxCrossEntropy' && m === -Infinity) return { v: Infinity / o.lnBase, mag: 0, den: wt(y) };
  if (fn === 'klDivergence') return { v: cost(y) / o.lnBase, mag: costMag(y) / Math.abs(o.lnBase), den: 1 };
  let v = wt(y) * cost(y);
  let mag = Math.abs(wt(y)) * costMag(y);
  if (smoothing !== 0) {
    let s = 0;
    let sm = 0;
    for (let j = 0; j < k; j++) {
      s += wt(j) * cost(j);
      sm += Math.abs(wt(j)) * costMag(j);
    }
    v = (1 - smoothing) * v + (smoothing / k) * s;
    mag = (1 - smoothing) * mag + (smoothing / k) * sm;
  }
  return { v: v / o.lnBase, mag: mag / Math.abs(o.lnBase), den: wt(y) };
}

/** A row with dense targets rowP. */
function denseRow(ctx, { qn, m, cost, costMag }, rowP) {
  const { fn, o, k, wt, smoothing } = ctx;
  const pTotal = ctx.normalize ? rowP.reduce((a, b) => a + b, 0) : 1;
  let v = 0;
  let mag = 0;
  let knownIssue = false;
  for (let j = 0; j < k; j++) {
    let a = rowP[j] / pTotal;
    if (fn === 'klDivergence') {
      // p > 0 where q = ±0 (−0 comes from normalising by a negative total) is +Infinity (API.md).
      if (a !== 0) {
        const term = a > 0 && qn[j] === 0 ? Infinity : a * Math.log(a / qn[j]);
        v += term;
        mag += Math.abs(term) + 1e-6 * Math.abs(a);
      }
      continue;
    }
    if (smoothing !== 0) a = (1 - smoothing) * a + smoothing / k;
    if (a !== 0) {
      if (fn === 'softmaxCrossEntropy' && m === -Infinity) knownIssue = true;
      // w·(p·cost): p·cost first, so a tiny p where q = 0 still gives +Infinity (API.md).
      v += wt(j) * (a * cost(j));
      mag += Math.abs(wt(j)) * (Math.abs(a) * costMag(j));
    }
  }
  // API.md: target mass on masked classes only costs +Infinity (KNOWN_ISSUES.denseAllMaskedIsNaN).
  if (knownIssue) {
    if (KNOWN_ISSUES.denseAllMaskedIsNaN) return { known: true };
    v = Infinity;
  }
  return { v: v / o.lnBase, mag: mag / Math.abs(o.lnBase), den: 1 };
}

/** Whether every value of the batch is one the naive formulas handle accurately. */
function trustedBatch(fn, q, t) {
  const logits = FAMILY[fn] === 'softmax' || fn === 'softmaxCrossEntropy' || fn === 'logSumExp';
  for (let i = 0; i < q.n * q.k; i++) {
    const v = num(q.at(i));
    if (logits ? !(v === -Infinity || Math.abs(v) <= 700) : !(moderate(v) && Number.isFinite(v))) return false;
    if (t && !t.index && !moderate(num(t.at(i)))) return false;
  }
  return true;
}

export function refBatch(fn, o, q, t) {
  const { n, k } = q;
  const w = o.weights === undefined ? null : Array.from({ length: k }, (_, j) => num(elementOf(o.weights, j)));
  if (w && !w.every((v) => Number.isFinite(v) && Math.abs(v) <= 1e6)) return undefined;
  if (!trustedBatch(fn, q, t)) return undefined;
  const family = FAMILY[fn];
  const ctx = {
    fn,
    o,
    k,
    wt: (j) => (w ? w[j] : 1),
    eps: fn === 'crossEntropy' ? o.eps : 0,
    smoothing: fn === 'klDivergence' ? 0 : o.labelSmoothing,
    normalize: o.normalize && fn !== 'softmaxCrossEntropy',
  };
  const rows = [];
  for (let r = 0; r < n; r++) {
    const rowQ = Array.from({ length: k }, (_, j) => real(q.at(r * k + j)));
    if (family === 'softmax') {
      rows.push(...softmaxRow(fn, rowQ));
      continue;
    }
    if (fn === 'entropy') {
      rows.push(entropyRow(ctx, rowQ));
      continue;
    }
    if (fn === 'logSumExp') {
      rows.push(logSumExpRow(rowQ));
      continue;
    }
    const costs = rowCosts(ctx, rowQ);
    const row = t.index
      ? indexRow(ctx, costs, num(t.at(r)))
      : denseRow(
          ctx,
          costs,
          Array.from({ length: k }, (_, j) => real(t.at(r * k + j))),
        );
    if (row === undefined || row.known) return row;
    rows.push(row);
  }
  const denMode = t?.index && fn !== 'klDivergence' ? 'weights' : 'rows';
  if (family === 'softmax') return finishSoftmax(o, rows, q);
  return finishRef(o, rows, q.kind, q.single, 1, false, denMode);
}

/** softmax / logSoftmax: the input's shape and kind, whatever `reduction` says. */
function finishSoftmax(o, rows, q) {
  const values = rows.map((r) => r.v);
  const mags = rows.map((r) => r.mag);
  if (o.out) return { kind: o.out instanceof Float32Array ? 'out32' : 'out64', values, mags };
  return { kind: q.nested ? 'rows' : q.kind, values, mags };
}

/**
 * API.md's sample weights applied to the rows: s·v (exactly 0 where s = 0, whatever v is), and
 * the row's share of the 'mean' denominator s·w_y (class indices) or s. undefined (no reference)
 * for weights the naive sums cannot carry accurately.
 */
function weighRows(o, rows, denMode) {
  if (o.sampleWeights === undefined) return rows;
  const s = rows.map((_, i) => num(elementOf(o.sampleWeights, i)));
  if (!s.every((v) => v >= 0 && v <= 1e6)) return undefined;
  return rows.map((r, i) => ({
    v: s[i] === 0 ? 0 : s[i] * r.v,
    mag: s[i] === 0 ? 0 : s[i] * r.mag,
    den: s[i] * (denMode === 'weights' ? r.den : 1),
  }));
}

/** The reference result in API.md's form: number, rows of the input kind, or the reduction. */
function finishRef(o, unweighted, kind, single, width, nested, denMode = 'rows') {
  const rows = weighRows(o, unweighted, denMode);
  if (rows === undefined) return undefined;
  if (o.sampleWeights !== undefined) denMode = 'weights';
  const reduced = o.reduction !== 'none';
  if (reduced) {
    let s = 0;
    let mag = 0;
    let den = 0;
    for (const r of rows) {
      s += r.v;
      mag += r.mag;
      den += denMode === 'weights' ? r.den : 1;
    }
    if (o.reduction === 'sum') return { kind: 'number', values: [s], mags: [mag] };
    return { kind: 'number', values: [den === 0 ? NaN : s / den], mags: [den === 0 ? 0 : Math.abs(mag / den)] };
  }
  if (o.out)
    return {
      kind: o.out instanceof Float32Array ? 'out32' : 'out64',
      values: rows.map((r) => r.v),
      mags: rows.map((r) => r.mag),
    };
  if (single && width === 1) return { kind: 'number', values: [rows[0].v], mags: [rows[0].mag] };
  return { kind: nested ? 'rows' : kind, values: rows.map((r) => r.v), mags: rows.map((r) => r.mag) };
}

/**
 * scoreRows on one row (natural log): cross-entropy against label y, the entropy of the predicted
 * distribution, and the magnitude scale; undefined when the row is not trusted.
 */
export function scoreRowReference(input, row, y) {
  const trusted = input === 'logits' ? row.every((z) => Math.abs(z) <= 700) : row.every((q) => moderate(q));
  if (!trusted) return undefined;
  if (input === 'logits') {
    const m = Math.max(...row);
    const S = row.reduce((s, z) => s + Math.exp(z - m), 0);
    return {
      ce: m - row[y] + Math.log(S),
      h: row.reduce((s, z) => {
        const p = Math.exp(z - m) / S;
        return p > 0 ? s - p * Math.log(p) : s;
      }, 0),
      mag: Math.abs(m - row[y]) + Math.abs(Math.log(S)) + 1e-6,
    };
  }
  const ce = -Math.log(row[y]);
  return {
    ce,
    h: row.reduce((s, q) => (q !== 0 ? s - q * Math.log(q) : s), 0),
    mag: Math.abs(ce) + row.reduce((s, q) => s + Math.abs(q * Math.log(q || 1)), 0) + 1e-6,
  };
}
