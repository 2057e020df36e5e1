/**
 * Fuzzing the column rules and the classifier tasks of `xentropy score` (a target of
 * scripts/fuzz-cli.mjs; its short run is in test/fuzz-cli-tasks.test.ts).
 *
 * Each case writes a CSV/TSV file of one of API.md's "Every classifier" shapes and runs the
 * command on it (a file or stdin, sometimes in small pieces through XENTROPY_PIECE_BYTES):
 *   - multiclass with integer-suffixed score columns in lexicographic order (logit_0, logit_1,
 *     logit_10, logit_2, …) or 1-based (p_1 … p_k, labels 1 … k), or shuffled;
 *   - multiclass with class names (p_cat, p_dog, … and text labels);
 *   - binary: one `p`/`logit`/`p_<pos>`/`logit_<pos>` column with labels 1/0, true/false (any
 *     case) or names, `--positive NAME`, `--threshold T`;
 *   - multilabel: `p_<name>`/`logit_<name>` with their `y_<name>` twins, in any order;
 * with, at random, a pandas index column (empty name, integer values), a text id column and a
 * weight column (`--weight-column`). Mutations: a non-number (NA, empty, `1,5`) in a score
 * column at any row, the first data row included; a label that names no class; a third binary
 * label; a y_* value other than 0/1; a negative, NaN, infinite or empty weight; a binary
 * probability outside [0, 1]; a whole TSV written with decimal commas.
 *
 * The oracle is written here from API.md, not from the library: which column is which class (by
 * its name), which label is which, and the figures by direct float64 formulas — mean
 * cross-entropy, mean entropy, accuracy, Brier score, ECE (15 bins), exact match, weight sum,
 * per-class rows and the confusion matrix (keyed by class name, so the matrix's order is
 * checked against `per_class`). A quarter of the valid files are scored as two shards (`--partial`
 * each, then `merge`), whose summary must be the same. A case fails when
 *   - a valid input does not exit 0 with the oracle's figures (1e-9 relative), or prints on stderr;
 *   - a bad input does not exit 1 with one line `xentropy: NAME:LINE: …` naming the first bad line;
 *   - anything prints a stack trace, crashes, or runs past the time bound.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rng } from '../support/rng.mjs';

export const name = 'tasks';
/** Cases in a long run (npm run fuzz:cli), about 0.3 s each. */
export const cases = 1500;

const TIME_BOUND_MS = 30_000;
const BINS = 15;

/* ------------------------------------------------------------------ generation */

function pick(r, list) {
  return list[Math.floor(r() * list.length)];
}
function int(r, lo, hi) {
  return lo + Math.floor(r() * (hi - lo + 1));
}
function shuffle(r, list) {
  const a = [...list];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

const NAMES = ['cat', 'dog', 'horse', 'bird', 'fish', 'ant', 'owl'];
/** Non-numbers a score column may meet (API.md: bad input wherever they are in a named score column). */
const NOT_NUMBERS = ['NA', '', 'n/a', 'abc', '0.25abc', '1,5', '--1', '0x1f'];

/** A probability vector of k entries (positive, summing to 1 within rounding), or a one-hot row. */
function probabilities(r, k, label) {
  if (r() < 0.05) return Array.from({ length: k }, (_, c) => (c === label ? 1 : 0));
  const w = Array.from({ length: k }, () => r() + 1e-3);
  const s = w.reduce((a, b) => a + b, 0);
  return w.map((v) => v / s);
}

/** A random float64 written at full precision (String round-trips). */
function logit(r) {
  return (r() - 0.5) * pick(r, [2, 10, 30]);
}

/**
 * One case: { columns: [{ name, values: string[] }], args: string[], task, ... } plus what the
 * oracle needs (class names per score column, labels, weights), before mutation.
 */
export function makeCase(seed) {
  const r = rng(seed);
  const shape = pick(r, ['lexicographic', 'lexicographic', 'names', 'binary', 'binary', 'multilabel']);
  const rows = r() < 0.1 ? int(r, 100, 1500) : int(r, 1, 25);
  const logits = r() < 0.5;
  const prefix = logits ? 'logit_' : 'p_';
  const args = [];
  /** Score columns: { name, cls } (cls: the class name the column scores). */
  let scoreColumns;
  let labelText; // per row, as written (multiclass, binary)
  let scores; // per row, k numbers (column order of scoreColumns)
  let targets; // multilabel: per row, k 0/1
  let task;
  let positive; // binary: the positive class name; negative found from the labels
  let threshold = 0.5;
  if (shape === 'lexicographic' || shape === 'names') {
    task = 'multiclass';
    const k = shape === 'names' ? int(r, 2, 5) : int(r, 2, 13);
    let classes;
    if (shape === 'names') classes = shuffle(r, NAMES).slice(0, k);
    else {
      const first = r() < 0.7 ? 0 : 1;
      classes = Array.from({ length: k }, (_, c) => String(c + first));
    }
    let order = classes.map((cls) => ({ name: `${prefix}${cls}`, cls }));
    if (shape === 'lexicographic' && r() < 0.7) order.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    else if (r() < 0.5) order = shuffle(r, order);
    scoreColumns = order;
    labelText = [];
    scores = [];
    for (let i = 0; i < rows; i++) {
      const y = int(r, 0, k - 1);
      labelText.push(scoreColumns[y].cls);
      scores.push(logits ? Array.from({ length: k }, () => logit(r)) : probabilities(r, k, y));
    }
    if (r() < 0.3) args.push('--top-k', String(int(r, 1, Math.max(1, k - 1))));
    if (k === 2 && args.length === 0) args.push('--task', 'multiclass');
  } else if (shape === 'binary') {
    task = 'binary';
    const style = pick(r, ['10', 'truefalse', 'names', 'positive']);
    const bare = r() < 0.5;
    let pos;
    let neg;
    if (style === '10') [pos, neg] = ['1', '0'];
    else if (style === 'truefalse')
      [pos, neg] = [pick(r, ['true', 'True', 'TRUE']), pick(r, ['false', 'False', 'FALSE'])];
    else [pos, neg] = shuffle(r, NAMES).slice(0, 2);
    let column;
    if (style === 'names') column = `${prefix}${pos}`;
    else if (style === 'positive') {
      column = bare ? prefix.slice(0, -1) : `${prefix}${pos}`;
      args.push('--positive', pos);
    } else column = bare ? prefix.slice(0, -1) : `${prefix}${style === '10' ? '1' : pos}`;
    positive = style === '10' ? '1' : style === 'truefalse' ? (column.includes('_') ? pos : '1') : pos;
    scoreColumns = [{ name: column, cls: positive }];
    labelText = [];
    scores = [];
    for (let i = 0; i < rows; i++) {
      const y = r() < 0.45 ? 1 : 0;
      labelText.push(y ? pos : neg);
      scores.push([logits ? logit(r) : r() < 0.05 ? pick(r, [0, 1]) : r()]);
    }
    if (r() < 0.3) {
      threshold = pick(r, [0.3, 0.7, 0.9, 0.95]);
      args.push('--threshold', String(threshold));
    }
  } else {
    task = 'multilabel';
    const k = int(r, 1, 5);
    const labels = shuffle(r, NAMES).slice(0, k);
    scoreColumns = labels.map((cls) => ({ name: `${prefix}${cls}`, cls }));
    scores = [];
    targets = [];
    for (let i = 0; i < rows; i++) {
      scores.push(Array.from({ length: k }, () => (logits ? logit(r) : r())));
      targets.push(Array.from({ length: k }, () => (r() < 0.4 ? 1 : 0)));
    }
    if (k === 1) args.push('--task', 'multilabel');
    if (r() < 0.2) {
      threshold = pick(r, [0.3, 0.7]);
      args.push('--threshold', String(threshold));
    }
  }
  // Columns as written.
  const columns = [];
  if (task !== 'multilabel') columns.push({ name: 'label', role: 'label', values: labelText.slice() });
  scoreColumns.forEach((s, j) => {
    columns.push({ name: s.name, role: 'score', j, values: scores.map((row) => String(row[j])) });
  });
  if (task === 'multilabel')
    scoreColumns.forEach((s, j) => {
      columns.push({ name: `y_${s.cls}`, role: 'target', j, values: targets.map((row) => String(row[j])) });
    });
  let weights;
  if (r() < 0.35) {
    weights = Array.from({ length: rows }, () => pick(r, [0, 0.5, 1, 1, 2, 3.75, 1e-3]));
    if (weights.every((w) => w === 0)) weights[0] = 1;
    const wName = pick(r, ['weight', 'w', 'sample_weight']);
    columns.push({ name: wName, role: 'weight', values: weights.map(String) });
    args.push('--weight-column', wName);
  }
  if (r() < 0.25) columns.push({ name: 'id', role: 'text', values: Array.from({ length: rows }, (_, i) => `row${i}`) });
  let order = columns;
  if (r() < 0.6) order = shuffle(r, columns);
  // A pandas index: an empty name and integer values, first as pandas writes it.
  if (r() < 0.3)
    order = [{ name: '', role: 'index', values: Array.from({ length: rows }, (_, i) => String(i)) }, ...order];
  const tsv = r() < 0.25;
  const c = {
    task,
    logits,
    scoreColumns,
    labelText,
    scores,
    targets,
    weights,
    positive,
    threshold,
    columns: order,
    args,
    rows,
    delimiter: tsv ? '\t' : ',',
    mutation: 'none',
    bad: undefined, // { line, what }: the first bad line the oracle expects
  };
  mutate(r, c);
  c.stdin = r() < 0.15;
  // Sometimes scored in two shards (--partial each, then merge): the summary must be one pass's.
  c.shardAt = c.rows >= 2 && r() < 0.25 ? int(r, 1, c.rows - 1) : undefined;
  c.pieceBytes = rows > 50 && r() < 0.5 ? int(r, 64, 4096) : undefined;
  c.workers = rows > 50 && r() < 0.3 ? 2 : 1;
  return c;
}

/** Perhaps breaks one rule; records the first bad line (header: line 1, row i: line i + 2). */
function mutate(r, c) {
  if (r() < 0.4) return;
  const col = (role) => c.columns.filter((x) => x.role === role);
  const row = int(r, 0, c.rows - 1);
  // Only the mutations that apply to this shape, each as likely.
  const applicable = [0, 1, 5];
  if (c.weights) applicable.push(2);
  if (c.task === 'binary' && !c.logits) applicable.push(3);
  if (c.delimiter === '\t') applicable.push(4);
  const m = pick(r, applicable);
  const set = (column, i, text, what) => {
    column.values[i] = text;
    c.mutation = what;
    c.bad = { line: i + 2, what };
  };
  if (m === 0) {
    set(pick(r, col('score')), row, pick(r, NOT_NUMBERS), 'a non-number in a score column');
  } else if (m === 1 && c.task === 'multiclass') {
    const names = c.scoreColumns.map((s) => s.cls);
    const numeric = names.every((n) => /^\d+$/.test(n));
    const bad = numeric
      ? pick(r, [String(names.length + 1 + int(r, 0, 3)), '-1', 'x', 'cat'])
      : pick(r, ['bird2', 'Cat', String(names.length), '']);
    if (names.includes(bad)) return;
    set(col('label')[0], row, bad, 'a label that names no class');
  } else if (m === 1 && c.task === 'binary') {
    // A third distinct label: the first row holding it is bad only once two others were seen.
    const label = col('label')[0];
    label.values[row] = pick(r, ['2', 'maybe', 'yes', '-1']);
    c.mutation = 'a third binary label';
    const seen = new Set();
    for (let i = 0; i < c.rows; i++) {
      seen.add(label.values[i]);
      if (seen.size > 2) {
        c.bad = { line: i + 2, what: c.mutation };
        break;
      }
    }
    if (!c.bad) c.recheck = true; // two distinct labels only: the oracle decides
  } else if (m === 1 && c.task === 'multilabel') {
    set(pick(r, col('target')), row, pick(r, ['2', '0.5', '-1', 'yes']), 'a y_* value other than 0/1');
  } else if (m === 2 && c.weights) {
    set(col('weight')[0], row, pick(r, ['-1', 'NaN', 'inf', '', '-0.5']), 'a bad weight');
  } else if (m === 3 && c.task === 'binary' && !c.logits) {
    set(col('score')[0], row, pick(r, ['1.5', '-0.25', '1.0000001']), 'a probability outside [0, 1]');
  } else if (m === 4 && c.delimiter === '\t') {
    // A decimal-comma TSV (as European spreadsheets write it): every score with a comma.
    let first;
    for (const s of col('score')) {
      s.values = s.values.map((v, i) => {
        if (!v.includes('.')) return v;
        first = Math.min(first ?? i, i);
        return v.replace('.', ',');
      });
    }
    if (first === undefined) return;
    c.mutation = 'decimal commas';
    c.bad = { line: first + 2, what: c.mutation };
  } else if (m === 5) {
    // NA in the first data row of a score column (issue 11, item 1).
    set(pick(r, col('score')), 0, pick(r, ['NA', 'nan?', '-']), 'a non-number in the first row of a score column');
  }
}

/** The file's text: rows [from, to) under the header. */
export function text(c, from = 0, to = c.rows) {
  const d = c.delimiter;
  const lines = [c.columns.map((x) => x.name).join(d)];
  for (let i = from; i < to; i++) lines.push(c.columns.map((x) => x.values[i]).join(d));
  return `${lines.join('\n')}\n`;
}

/**
 * Scores the two shards of a valid case with --partial and merges them: the merge's outcome,
 * or the failing shard's (a valid file's shards are valid too).
 */
function runSharded(c, i, dir, main, args, env) {
  const parts = [];
  for (const [s, from, to] of [
    [0, 0, c.shardAt],
    [1, c.shardAt, c.rows],
  ]) {
    const file = `case-${i}-shard-${s}.${c.delimiter === '\t' ? 'tsv' : 'csv'}`;
    writeFileSync(join(dir, file), text(c, from, to));
    const part = `case-${i}-part-${s}.json`;
    const shardArgs = [main, 'score', file, '--partial', part, '--no-progress', '--quiet', ...args];
    const result = spawnSync(process.execPath, shardArgs, { cwd: dir, encoding: 'utf8', timeout: TIME_BOUND_MS, env });
    if (result.status !== 0) return { ...result, stderr: `shard ${s}: ${result.stderr}` };
    parts.push(part);
  }
  return spawnSync(process.execPath, [main, 'merge', ...parts, '--json'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: TIME_BOUND_MS,
    env,
  });
}

/* ------------------------------------------------------------------ the oracle */

const DECIMAL = /^[ \t]*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[ \t]*$/;
const SPECIAL = /^[ \t]*([+-]?)(inf|infinity|nan)[ \t]*$/i;

/** API.md's numbers: decimal notation, or inf/infinity/nan in any case with a sign; else undefined. */
function number(t) {
  if (DECIMAL.test(t)) return Number(t);
  const m = SPECIAL.exec(t);
  if (!m) return undefined;
  if (m[2].toLowerCase() === 'nan') return NaN;
  return m[1] === '-' ? -Infinity : Infinity;
}

/**
 * What the command must do with `c`, read back from the columns as written (so a mutation is
 * judged by the rules, not by what the generator meant): { figures } or { error: { line } }.
 */
export function expected(c) {
  const byRole = (role) => c.columns.filter((x) => x.role === role);
  const score = c.scoreColumns.map((s) => c.columns.find((x) => x.name === s.name));
  const labelCol = byRole('label')[0];
  const weightCol = byRole('weight')[0];
  const targetCols =
    c.task === 'multilabel' ? c.scoreColumns.map((s) => c.columns.find((x) => x.name === `y_${s.cls}`)) : [];
  const k = score.length;
  const rows = [];
  let negative;
  const binaryPositive = (t) => {
    if (c.positive === '1') return t === '1' || t.toLowerCase() === 'true';
    return t === c.positive;
  };
  for (let i = 0; i < c.rows; i++) {
    const bad = (what) => ({ error: { line: i + 2, what } });
    const s = score.map((col) => number(col.values[i]));
    if (s.some((v) => v === undefined)) return bad('score not a number');
    let w = 1;
    if (weightCol) {
      w = number(weightCol.values[i]);
      if (!(w >= 0 && w < Infinity)) return bad('weight');
    }
    if (c.logits) {
      if (s.some((z) => Number.isNaN(z) || z === Infinity)) return bad('logit NaN or +inf');
    } else if (s.some((p) => !(p >= 0 && p <= 1))) return bad('probability outside [0, 1]');
    if (c.task === 'multiclass') {
      const t = labelCol.values[i];
      const y = c.scoreColumns.findIndex((x) => x.cls === t);
      if (y < 0) return bad('label');
      if (!c.logits && !(Math.abs(s.reduce((a, b) => a + b, 0) - 1) <= 1e-6)) return bad('sum');
      rows.push({ y, s, w });
    } else if (c.task === 'binary') {
      const t = labelCol.values[i];
      let y;
      if (binaryPositive(t)) y = 1;
      else if (negative === undefined || negative === t) {
        negative = t;
        y = 0;
      } else return bad('third label');
      rows.push({ y, s, w });
    } else {
      const t = targetCols.map((col) => number(col.values[i]));
      if (t.some((v) => v !== 0 && v !== 1)) return bad('target');
      rows.push({ t, s, w });
    }
  }
  if (rows.length === 0) return { skip: true };
  if (c.task === 'multiclass') return { figures: multiclassFigures(c, rows, k) };
  if (c.task === 'binary') return { figures: binaryFigures(c, rows, negative) };
  return { figures: multilabelFigures(c, rows, k) };
}

/** ECE over (confidence, accuracy, weight) triples: Σ_b |Σ w·acc − Σ w·conf| / Σ w. */
function ece(items) {
  const acc = new Float64Array(BINS);
  const conf = new Float64Array(BINS);
  let total = 0;
  for (const { confidence, right, w } of items) {
    if (!(w > 0)) continue;
    const b = Math.min(Math.floor(confidence * BINS), BINS - 1);
    acc[b] += w * right;
    conf[b] += w * confidence;
    total += w;
  }
  let sum = 0;
  for (let b = 0; b < BINS; b++) sum += Math.abs(acc[b] - conf[b]);
  return sum / total;
}

function weightFigure(c, total) {
  return c.weights ? { weight_sum: total } : {};
}

function multiclassFigures(c, rows, k) {
  let W = 0;
  let ce = 0;
  let h = 0;
  let right = 0;
  let brier = 0;
  let tie = false;
  const bins = [];
  const confusion = new Map(); // "true→pred" by class name
  const support = new Map();
  for (const { y, s, w } of rows) {
    let q;
    let loss;
    if (c.logits) {
      const m = Math.max(...s);
      const lse = m + Math.log(s.reduce((a, z) => a + Math.exp(z - m), 0));
      q = s.map((z) => Math.exp(z - lse));
      loss = lse - s[y];
    } else {
      q = s;
      loss = -Math.log(s[y]);
    }
    const top = Math.max(...s);
    const pred = s.indexOf(top);
    if (s.filter((v) => v === top).length > 1) tie = true;
    const trueName = c.scoreColumns[y].cls;
    const predName = c.scoreColumns[pred].cls;
    confusion.set(`${trueName}→${predName}`, (confusion.get(`${trueName}→${predName}`) ?? 0) + 1);
    support.set(trueName, (support.get(trueName) ?? 0) + 1);
    if (!(w > 0)) continue;
    W += w;
    ce += w * loss;
    h += w * -q.reduce((a, p) => a + (p > 0 ? p * Math.log(p) : 0), 0);
    if (pred === y) right += w;
    brier += w * q.reduce((a, p, j) => a + (p - (j === y ? 1 : 0)) ** 2, 0);
    bins.push({ confidence: Math.max(...q), right: pred === y ? 1 : 0, w });
  }
  return {
    rows: rows.length,
    classes: k,
    task: 'multiclass',
    mean_cross_entropy: ce / W,
    mean_entropy: h / W,
    accuracy: tie ? undefined : right / W,
    brier: brier / W,
    ece: tie ? undefined : ece(bins),
    ...weightFigure(c, W),
    confusionByName: tie ? undefined : confusion,
    supportByName: support,
  };
}

/** σ(z) on its accurate side. */
function sigmoid(z) {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

function binaryH(p) {
  const a = p > 0 ? -p * Math.log(p) : 0;
  const b = p < 1 ? -(1 - p) * Math.log1p(-p) : 0;
  return a + b;
}

function binaryFigures(c, rows, negative) {
  let W = 0;
  let ce = 0;
  let h = 0;
  let right = 0;
  let brier = 0;
  let edge = false;
  const bins = [];
  const confusion = new Map();
  const support = new Map();
  for (const { y, s, w } of rows) {
    const z = s[0];
    const p = c.logits ? sigmoid(z) : z;
    const loss = c.logits
      ? Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)))
      : y === 1
        ? -Math.log(p)
        : -Math.log1p(-p);
    const pred = (c.threshold === 0.5 && c.logits ? z >= 0 : p >= c.threshold) ? 1 : 0;
    // A probability within rounding of the threshold may fall either side.
    if (Math.abs(p - c.threshold) < 1e-12) edge = true;
    // true/false in any case are one class each: the command names it in lower case.
    const names = [/^false$/i.test(negative ?? '') ? 'false' : (negative ?? ''), c.positive];
    const key = `${names[y]}→${names[pred]}`;
    confusion.set(key, (confusion.get(key) ?? 0) + 1);
    support.set(names[y], (support.get(names[y]) ?? 0) + 1);
    if (!(w > 0)) continue;
    W += w;
    ce += w * loss;
    h += w * binaryH(p);
    if (pred === y) right += w;
    brier += w * (p - y) ** 2;
    bins.push({ confidence: p, right: y, w });
  }
  return {
    rows: rows.length,
    classes: 2,
    task: 'binary',
    positive: c.positive,
    mean_cross_entropy: ce / W,
    mean_entropy: h / W,
    accuracy: edge ? undefined : right / W,
    brier: brier / W,
    ece: ece(bins),
    ...weightFigure(c, W),
    confusionByName: edge || negative === undefined ? undefined : confusion,
    supportByName: negative === undefined ? undefined : support,
  };
}

function multilabelFigures(c, rows, k) {
  let W = 0;
  let ce = 0;
  let h = 0;
  let right = 0;
  let brier = 0;
  let exact = 0;
  let edge = false;
  const bins = [];
  for (const { t, s, w } of rows) {
    let ok = 0;
    let rowCe = 0;
    let rowH = 0;
    let rowBrier = 0;
    for (let j = 0; j < k; j++) {
      const z = s[j];
      const y = t[j];
      const p = c.logits ? sigmoid(z) : z;
      rowCe += c.logits
        ? Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)))
        : y === 1
          ? -Math.log(p)
          : -Math.log1p(-p);
      rowH += binaryH(p);
      const pred = (c.threshold === 0.5 && c.logits ? z >= 0 : p >= c.threshold) ? 1 : 0;
      if (Math.abs(p - c.threshold) < 1e-12) edge = true;
      if (pred === y) ok++;
      rowBrier += (p - y) ** 2;
      if (w > 0) bins.push({ confidence: p, right: y, w });
    }
    if (!(w > 0)) continue;
    W += w;
    ce += w * rowCe;
    h += w * rowH;
    right += w * ok;
    brier += w * rowBrier;
    if (ok === k) exact += w;
  }
  return {
    rows: rows.length,
    labels: k,
    task: 'multilabel',
    mean_cross_entropy: ce / (W * k),
    mean_entropy: h / (W * k),
    accuracy: edge ? undefined : right / (W * k),
    exact_match: edge ? undefined : exact / W,
    brier: brier / (W * k),
    ece: ece(bins),
    ...weightFigure(c, W),
  };
}

/* ------------------------------------------------------------------ checking */

function close(got, want, rel) {
  if (typeof got === 'string') got = Number(got);
  if (!Number.isFinite(want)) return Object.is(got, want) || (Number.isNaN(got) && Number.isNaN(want));
  return Math.abs(got - want) <= rel * Math.max(1, Math.abs(want));
}

/** The per_class/confusion of the summary against the oracle's counts by class name. */
function checkClasses(got, want) {
  if (want.confusionByName === undefined && want.supportByName === undefined) return undefined;
  if (!Array.isArray(got.per_class)) return 'no per_class in the summary';
  const names = got.per_class.map((x) => x.class);
  for (const x of got.per_class) {
    const n = want.supportByName?.get(x.class) ?? 0;
    if (want.supportByName && x.rows !== n) return `per_class ${x.class}: rows ${x.rows}, the oracle counts ${n}`;
  }
  if (want.confusionByName === undefined) return undefined;
  if (!Array.isArray(got.confusion)) return 'no confusion in the summary';
  for (let a = 0; a < names.length; a++) {
    for (let b = 0; b < names.length; b++) {
      const n = want.confusionByName.get(`${names[a]}→${names[b]}`) ?? 0;
      if (got.confusion[a]?.[b] !== n)
        return `confusion[${names[a]}][${names[b]}] = ${got.confusion[a]?.[b]}, the oracle counts ${n}`;
    }
  }
  return undefined;
}

/** Judges one run of case `c` (exported for the tests of the oracle itself). */
export function check(c, file, result) {
  const { status, stdout, stderr, error } = result;
  if (error?.code === 'ETIMEDOUT' || status === null)
    return `no exit within ${TIME_BOUND_MS / 1000} s (signal ${result.signal})`;
  if (/\n\s+at |^\s+at /m.test(stderr)) return `stack trace on stderr: ${stderr.slice(0, 300)}`;
  const want = expected(c);
  if (want.skip) return undefined;
  const name = c.stdin ? '-' : file;
  if (want.figures) {
    if (status !== 0) return `valid input (${c.mutation}) refused: exit ${status}: ${stderr.trim()}`;
    if (stderr !== '') return `stderr not empty on success: ${stderr.trim()}`;
    let got;
    try {
      got = JSON.parse(stdout);
    } catch {
      return `stdout is not one JSON object: ${stdout.slice(0, 200)}`;
    }
    for (const [key, value] of Object.entries(want.figures)) {
      if (value === undefined || key.endsWith('ByName')) continue;
      const ok =
        typeof value === 'string' || key === 'rows' || key === 'classes' || key === 'labels'
          ? got[key] === value
          : close(got[key], value, 1e-9);
      if (!ok) return `${key}: got ${JSON.stringify(got[key])}, the oracle gives ${value} (${c.mutation})`;
    }
    if (c.task !== 'multilabel') return checkClasses(got, want.figures);
    return undefined;
  }
  const { line, what } = want.error;
  if (status !== 1)
    return `bad input (${what}, line ${line}, ${c.mutation}) gave exit ${status}: ${stderr.trim() || stdout.slice(0, 100)}`;
  const lines = stderr.split('\n').filter((l) => l !== '');
  if (lines.length !== 1) return `${lines.length} lines on stderr: ${stderr.slice(0, 300)}`;
  const m = new RegExp(`^xentropy: ${name.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}:(\\d+): .+`).exec(lines[0]);
  if (!m) return `message does not name ${name}:LINE: ${lines[0]}`;
  if (Number(m[1]) !== line) return `named line ${m[1]}, the first bad line (${what}) is ${line}: ${lines[0]}`;
  return undefined;
}

/** Runs cases seed+from … seed+from+cases-1 (see scripts/fuzz-cli.mjs). */
export async function run({ seed, from = 0, cases: count, main, dir, keep = false, log = () => undefined }) {
  const failures = [];
  const stats = { valid: 0, refused: 0, binary: 0, multiclass: 0, multilabel: 0, weighted: 0, sharded: 0 };
  for (let i = from; i < from + count; i++) {
    const c = makeCase((seed + i) >>> 0);
    const file = `case-${i}.${c.delimiter === '\t' ? 'tsv' : 'csv'}`;
    const path = join(dir, file);
    const body = text(c);
    writeFileSync(path, body);
    const args = [
      main,
      'score',
      c.stdin ? '-' : file,
      '--json',
      '--no-progress',
      '--workers',
      String(c.workers),
      ...c.args,
    ];
    if (c.task !== 'multilabel') args.push('--per-class', '--confusion');
    if (c.stdin && c.delimiter === '\t') args.push('--format', 'tsv');
    const env = { ...process.env };
    if (c.pieceBytes) env.XENTROPY_PIECE_BYTES = String(c.pieceBytes);
    const want = expected(c);
    const sharded = c.shardAt !== undefined && want.figures !== undefined;
    const scoring = [...c.args];
    if (c.task !== 'multilabel') scoring.push('--per-class', '--confusion');
    const result = sharded
      ? runSharded({ ...c, stdin: false }, i, dir, main, scoring, env)
      : spawnSync(process.execPath, args, {
          cwd: dir,
          input: c.stdin ? body : undefined,
          encoding: 'utf8',
          timeout: TIME_BOUND_MS,
          env,
          maxBuffer: 1 << 26,
        });
    if (sharded) stats.sharded++;
    if (want.figures) stats.valid++;
    else if (want.error) stats.refused++;
    stats[c.task]++;
    if (c.weights) stats.weighted++;
    const problem = check(sharded ? { ...c, stdin: false } : c, file, result);
    if (problem) {
      failures.push({
        case: i,
        problem: `${c.task}: ${problem} [${args.slice(2).join(' ')}]`,
        input: keep ? path : undefined,
      });
      log(`case ${i}: ${problem}`);
    }
  }
  return { cases: count, failures, stats };
}
