/**
 * CSV/TSV mutation fuzzing of `xentropy score` (a target of scripts/fuzz-cli.mjs; its short run is
 * in test/fuzz-cli.test.ts).
 *
 * Each case writes a random delimited file — label and score columns in any order, ignored text
 * columns with quoted fields, embedded delimiters, line breaks and `""`, stray `"` inside
 * unquoted fields, LF/CRLF/CR line ends, empty lines, a BOM, numbers in many spellings — then
 * perhaps mutates it (a bad number, a label out of range, a probability above 1, a field too
 * many or too few, an unclosed or badly closed quote, random bytes). It runs the command on it
 * (a file or stdin; small pieces through the XENTROPY_PIECE_BYTES knob so the piece cutter
 * splits it everywhere; sometimes worker threads) and holds the outcome against an oracle:
 * a plain reference parse of the text by RFC 4180 and API.md's rules, written here from the
 * contract, and naive float64 formulas for the figures. A case fails when
 *   - a valid input does not exit 0 with the reference's figures (1e-9 relative), or prints on stderr;
 *   - a bad input does not exit 1 with one line `NAME:LINE: …`, LINE within the first bad record;
 *   - anything prints a stack trace, exits otherwise (a crash), or runs past the time bound (a hang).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rng } from '../support/rng.mjs';

export const name = 'csv';
/** Cases in a long run (npm run fuzz:cli), about 0.2 s each. */
export const cases = 2000;

const TIME_BOUND_MS = 30_000;

/* ------------------------------------------------------------------ generation */

function pick(r, list) {
  return list[Math.floor(r() * list.length)];
}
function int(r, lo, hi) {
  return lo + Math.floor(r() * (hi - lo + 1));
}

/** Text for an ignored column: letters, spaces, delimiters, quotes, line breaks. */
function randomText(r, delimiter, first) {
  const alphabet = ['a', 'b', 'x', ' ', '-', '.', '1', '"', delimiter, '\n', '\r\n', 'é'];
  const n = int(r, 0, 8);
  // The first data row's value must not read as a number (else the column is a score column).
  let t = first ? 'x' : '';
  for (let i = 0; i < n; i++) t += pick(r, alphabet);
  return t;
}

/** A field as a CSV writer would put it: quoted when it must be, or sometimes anyway. */
function writeText(r, text, delimiter) {
  const mustQuote = text.includes(delimiter) || text.includes('\n') || text.includes('\r') || text.startsWith('"');
  if (mustQuote || r() < 0.2) return `"${text.replaceAll('"', '""')}"`;
  // A `"` inside an unquoted field is a literal character (RFC 4180 as Python's csv reads it).
  return text;
}

/**
 * A number in one of the spellings readers meet, with at least `digits` digits (probabilities
 * need 9, so that a row still sums to 1 within 1e-6).
 */
function writeNumber(r, x, digits) {
  if (x === -Infinity) return pick(r, ['-inf', '-Infinity', '-INF']);
  const style = r();
  let s;
  if (style < 0.5) s = String(x);
  else if (style < 0.65) s = x.toExponential(int(r, Math.max(3, digits), 17));
  else if (style < 0.8) s = x.toFixed(int(r, digits, 12));
  else if (style < 0.87) s = x.toPrecision(int(r, Math.max(1, digits), 21));
  else if (style < 0.93) s = ` ${String(x)} `;
  else s = `"${String(x)}"`;
  return s;
}

function makeCase(seed) {
  const r = rng(seed);
  const delimiter = r() < 0.75 ? ',' : '\t';
  const k = int(r, 2, 5);
  const input = r() < 0.5 ? 'logits' : 'probs';
  const prefix = input === 'logits' ? 'logit_' : 'p_';
  const names = ['label', ...Array.from({ length: k }, (_, c) => `${prefix}${c}`)];
  const ignored = int(r, 0, 2);
  for (let j = 0; j < ignored; j++) names.push(pick(r, ['id', 'note', 'text', 'comment']) + j);
  // Shuffled, the score columns keeping their order among themselves (their suffixes name them).
  const order = names.map((n, j) => ({ n, key: n.startsWith(prefix) ? 0.5 + j * 1e-3 : r() }));
  order.sort((a, b) => a.key - b.key);
  const header = order.map((o) => o.n);
  const big = r() < 0.15;
  const rows = big ? int(r, 200, 3000) : int(r, 1, 30);
  const records = [];
  for (let i = 0; i < rows; i++) {
    const label = int(r, 0, k - 1);
    let scores;
    if (input === 'logits') {
      scores = Array.from({ length: k }, () => (r() - 0.5) * 20);
      if (r() < 0.1) scores[(label + 1) % k] = -Infinity;
    } else if (r() < 0.1) {
      scores = Array.from({ length: k }, (_, c) => (c === label ? 1 : 0));
    } else {
      const w = Array.from({ length: k }, () => r() + 1e-3);
      const s = w.reduce((a, b) => a + b, 0);
      scores = w.map((v) => v / s);
    }
    const fields = header.map((h) => {
      if (h === 'label') return r() < 0.05 ? `${label}.0` : String(label);
      if (h.startsWith(prefix))
        return writeNumber(r, scores[Number(h.slice(prefix.length))], input === 'probs' ? 9 : 0);
      return writeText(r, randomText(r, delimiter, i === 0), delimiter);
    });
    records.push(fields);
  }
  const eol = pick(r, ['\n', '\n', '\r\n', '\r']);
  let mutation = 'none';
  // Mutations touch data rows after the first: the first fixes which columns are scores.
  if (rows > 1 && r() < 0.5) {
    const i = int(r, 1, rows - 1);
    const fields = records[i];
    const scoreAt = header.findIndex((h) => h.startsWith(prefix));
    const labelAt = header.indexOf('label');
    const textAt = header.findIndex((h) => h !== 'label' && !h.startsWith(prefix));
    const m = int(r, 0, 10);
    if (m === 0) {
      fields[scoreAt + int(r, 0, k - 1)] = pick(r, [
        'abc',
        'NA',
        '1,5',
        '',
        '0.25abc',
        'nan',
        'inf',
        '-0.1',
        '0x1f',
        '1e999',
        '--1',
      ]);
      mutation = 'bad score';
    } else if (m === 1) {
      fields[labelAt] = pick(r, [String(k), '-1', '1.5', 'x', '', '9007199254740993', '1e300']);
      mutation = 'bad label';
    } else if (m === 2 && input === 'probs') {
      // A row summing to 1 within 1e-6 with a probability above 1 (issue 11, item 5).
      const y = Number(fields[labelAt]);
      const other = (y + 1) % k;
      for (let c = 0; c < k; c++) fields[scoreAt + c] = c === y ? '1.0000005' : c === other ? '-0.0000005' : '0';
      if (r() < 0.5) for (let c = 0; c < k; c++) fields[scoreAt + c] = c === y ? '1.0000005' : '0';
      mutation = 'probability above 1';
    } else if (m === 3) {
      fields.splice(int(r, 0, fields.length - 1), 1);
      mutation = 'field missing';
    } else if (m === 4) {
      fields.splice(int(r, 0, fields.length), 0, '0');
      mutation = 'field added';
    } else if (m === 5 && textAt >= 0) {
      fields[textAt] = `ab"c${pick(r, ['', '"', 'd"e'])}`;
      mutation = 'stray quote (valid)';
    } else if (m === 6) {
      fields[int(r, 0, fields.length - 1)] = `"abc${pick(r, ['', '\n1,2'])}`;
      mutation = 'unclosed quote';
    } else if (m === 7) {
      fields[int(r, 0, fields.length - 1)] = '"ab"c';
      mutation = 'text after a closing quote';
    } else if (m === 8 && input === 'logits') {
      fields[scoreAt + int(r, 0, k - 1)] = pick(r, ['+inf', 'NaN', 'Infinity']);
      mutation = 'non-finite logit';
    } else {
      mutation = 'random bytes';
      records.bytes = int(r, 1, 3);
    }
  }
  let text = `${header.join(delimiter)}${eol}`;
  const firstDataEnd = () => text.length;
  let mutateFrom = 0;
  records.forEach((fields, i) => {
    if (r() < 0.03) text += eol; // an empty line
    text += fields.join(delimiter);
    if (i < rows - 1 || r() < 0.8) text += eol;
    if (i === 0) mutateFrom = firstDataEnd();
  });
  if (records.bytes) {
    for (let b = 0; b < records.bytes; b++) {
      const at = int(r, mutateFrom, text.length);
      text = text.slice(0, at) + pick(r, ['"', delimiter, '\n', '\r', 'x', '-', '.', 'e', '9', ' ']) + text.slice(at);
    }
  }
  const bom = r() < 0.05 ? '\ufeff' : '';
  return {
    text: bom + text,
    delimiter,
    input,
    k,
    mutation,
    stdin: r() < 0.2,
    workers: big && r() < 0.3 ? 2 : 1,
    pieceBytes: big || r() < 0.3 ? int(r, 64, 8192) : undefined,
  };
}

/* ------------------------------------------------------------------ the reference */

const DECIMAL = /^[ \t]*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[ \t]*$/;
const SPECIAL = /^[ \t]*([+-]?)(inf|infinity|nan)[ \t]*$/i;

/** API.md's numbers: decimal notation, or inf/infinity/nan in any case with a sign. */
function number(text) {
  if (DECIMAL.test(text)) return Number(text);
  const m = SPECIAL.exec(text);
  if (!m) return undefined;
  if (m[2].toLowerCase() === 'nan') return NaN;
  return m[1] === '-' ? -Infinity : Infinity;
}

/**
 * RFC 4180 records with their first and last physical lines (LF, CRLF or a lone CR end a line);
 * empty lines are no records. Stops at the first syntax error.
 */
function referenceParse(text, delimiter) {
  const records = [];
  let i = 0;
  let line = 1;
  const n = text.length;
  const lineBreakAt = (j) => (text[j] === '\r' ? (text[j + 1] === '\n' ? 2 : 1) : text[j] === '\n' ? 1 : 0);
  while (i < n) {
    const empty = lineBreakAt(i);
    if (empty) {
      i += empty;
      line++;
      continue;
    }
    const start = line;
    const fields = [];
    for (;;) {
      let field = '';
      if (text[i] === '"') {
        i++;
        for (;;) {
          if (i >= n) return { records, error: { from: start, to: start, what: 'unclosed quote' } };
          if (text[i] === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          const br = lineBreakAt(i);
          if (br) line++;
          field += text.slice(i, i + (br || 1));
          i += br || 1;
        }
        if (i < n && text[i] !== delimiter && !lineBreakAt(i))
          return { records, error: { from: start, to: line, what: 'text after a closing quote' } };
      } else {
        while (i < n && text[i] !== delimiter && !lineBreakAt(i)) field += text[i++];
      }
      fields.push(field);
      if (i < n && text[i] === delimiter) {
        i++;
        continue;
      }
      records.push({ fields, from: start, to: line });
      if (i < n) {
        i += lineBreakAt(i);
        line++;
      }
      break;
    }
  }
  return { records };
}

/** What the command must do with `c`: { figures } or { error: { from, to } }. */
function expected(c) {
  const text = c.text.startsWith('\ufeff') ? c.text.slice(1) : c.text;
  const { records, error } = referenceParse(text, c.delimiter);
  const fail = (from, to, what) => ({ error: { from, to, what } });
  if (records.length === 0) return error ? { error } : fail(1, 1, 'empty');
  const header = records[0].fields;
  const labelAt = header.indexOf('label');
  if (records.length === 1) return error ? { error } : fail(records[0].from, records[0].to, 'no data rows');
  const first = records[1].fields;
  if (first.length !== header.length) return fail(records[1].from, records[1].to, 'field count');
  const scoreAt = [];
  header.forEach((_h, j) => {
    if (j !== labelAt && number(first[j]) !== undefined) scoreAt.push(j);
  });
  const k = scoreAt.length;
  if (k !== c.k) return { skip: 'columns' }; // a mutation made the first row ambiguous
  const rows = [];
  for (const rec of records.slice(1)) {
    const bad = (what) => fail(rec.from, rec.to, what);
    if (rec.fields.length !== header.length) return bad('field count');
    const y = number(rec.fields[labelAt]);
    if (y === undefined) return bad('label not a number');
    const s = scoreAt.map((j) => number(rec.fields[j]));
    if (s.some((v) => v === undefined)) return bad('score not a number');
    if (!(Number.isInteger(y) && y >= 0 && y < k)) return bad('label not a class');
    if (c.input === 'logits') {
      if (s.some((z) => Number.isNaN(z) || z === Infinity)) return bad('logit NaN or +inf');
    } else {
      if (s.some((p) => !(p >= 0 && p <= 1))) return bad('probability outside [0, 1]');
      const sum = s.reduce((a, b) => a + b, 0);
      if (!(Math.abs(sum - 1) <= 1e-6)) return bad('sum not 1');
    }
    rows.push({ y, s });
  }
  if (error) return { error };
  return { figures: figures(rows, c.input) };
}

/** Naive float64 formulas: softmax by log-sum-exp, -ln q_y, -Σ q ln q, arg-max. */
function figures(rows, input) {
  let sumCe = 0;
  let sumH = 0;
  let correct = 0;
  let worst = -1;
  let worstCe = -Infinity;
  let tie = false;
  let maxTie = false;
  rows.forEach(({ y, s }, i) => {
    let q;
    let ce;
    if (input === 'logits') {
      const m = Math.max(...s);
      const lse = m + Math.log(s.reduce((a, z) => a + Math.exp(z - m), 0));
      q = s.map((z) => Math.exp(z - lse));
      ce = lse - s[y];
    } else {
      q = s;
      ce = -Math.log(s[y]);
    }
    const h = -q.reduce((a, p) => a + (p > 0 ? p * Math.log(p) : 0), 0);
    const top = Math.max(...s);
    if (s.filter((v) => v === top).length > 1) tie = true;
    if (s.indexOf(top) === y) correct++;
    sumCe += ce;
    sumH += h;
    if (ce > worstCe) {
      worstCe = ce;
      worst = i;
    } else if (ce === worstCe) maxTie = true;
  });
  const n = rows.length;
  return {
    rows: n,
    mean_cross_entropy: sumCe / n,
    mean_entropy: sumH / n,
    accuracy: tie ? undefined : correct / n,
    max_cross_entropy_row: maxTie ? undefined : worst,
  };
}

/* ------------------------------------------------------------------ checking */

function close(got, want, rel) {
  if (typeof got === 'string') got = Number(got);
  if (want === Infinity || want === -Infinity || Number.isNaN(want))
    return Object.is(got, want) || (Number.isNaN(got) && Number.isNaN(want));
  return Math.abs(got - want) <= rel * Math.max(1, Math.abs(want));
}

function check(c, file, result) {
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
      if (value === undefined) continue;
      const ok = key === 'rows' || key === 'max_cross_entropy_row' ? got[key] === value : close(got[key], value, 1e-9);
      if (!ok) return `${key}: got ${got[key]}, the reference gives ${value} (${c.mutation})`;
    }
    return undefined;
  }
  const { from, to, what } = want.error;
  if (status !== 1)
    return `bad input (${what}, lines ${from}-${to}, ${c.mutation}) gave exit ${status}: ${stderr.trim() || stdout.slice(0, 100)}`;
  const lines = stderr.split('\n').filter((l) => l !== '');
  if (lines.length !== 1) return `${lines.length} lines on stderr: ${stderr.slice(0, 300)}`;
  const m = new RegExp(`^xentropy: ${name.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}:(\\d+): .+`).exec(lines[0]);
  if (!m) return `message does not name ${name}:LINE: ${lines[0]}`;
  const line = Number(m[1]);
  if (line < from || line > to)
    return `named line ${line}, the first bad record (${what}) is on lines ${from}-${to}: ${lines[0]}`;
  return undefined;
}

/** Runs cases seed+from … seed+from+cases-1 (see scripts/fuzz-cli.mjs). */
export async function run({ seed, from = 0, cases: count, main, dir, keep = false, log = () => undefined }) {
  const failures = [];
  const stats = { valid: 0, refused: 0, skipped: 0 };
  for (let i = from; i < from + count; i++) {
    const c = makeCase((seed + i) >>> 0);
    const file = `case-${i}.${c.delimiter === '\t' ? 'tsv' : 'csv'}`;
    const path = join(dir, file);
    writeFileSync(path, c.text);
    const args = [main, 'score', c.stdin ? '-' : file, '--json', '--no-progress', '--workers', String(c.workers)];
    if (c.stdin && c.delimiter === '\t') args.push('--format', 'tsv');
    const env = { ...process.env };
    if (c.pieceBytes) env.XENTROPY_PIECE_BYTES = String(c.pieceBytes);
    const result = spawnSync(process.execPath, args, {
      cwd: dir,
      input: c.stdin ? c.text : undefined,
      encoding: 'utf8',
      timeout: TIME_BOUND_MS,
      env,
      maxBuffer: 1 << 26,
    });
    const want = expected(c);
    if (want.skip) stats.skipped++;
    else if (want.figures) stats.valid++;
    else stats.refused++;
    const problem = check(c, file, result);
    if (problem) {
      failures.push({ case: i, problem, input: keep ? path : undefined });
      log(`case ${i}: ${problem}`);
    }
  }
  return { cases: count, failures, stats };
}
