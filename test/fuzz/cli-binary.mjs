/**
 * Byte-flip fuzzing of `xentropy score` on binary inputs (a target of scripts/fuzz-cli.mjs; its
 * short run is in test/fuzz-cli-binary.test.ts).
 *
 * Each case takes a valid file — an Arrow IPC file or stream written by apache-arrow (float64,
 * float32, float16 or dictionary-encoded scores, integer labels, sometimes nulls), one of the
 * DuckDB-written Parquet fixtures (every codec, pages v1 and v2, text labels), or a `.npy` pair — and corrupts
 * it: flipped bits, bytes set to extreme values, 32-bit fields set to 0, -1 or 2^31 - 1 (lengths
 * and offsets), cuts and repeated pieces, mostly in the framing (headers, footers). It runs the
 * command on it and holds the outcome to API.md's contract for bad input. A case fails when
 *   - the process is killed by a signal or exits other than 0, 1 or 2 (a native crash: 134, 139);
 *   - it runs past the time bound (a hang);
 *   - it prints a stack trace, or an error that is not one line `xentropy: NAME…`;
 *   - it exits 0 without a JSON summary on stdout.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Dictionary,
  Float16,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Table,
  Uint8,
  tableToIPC,
  vectorFromArray,
} from 'apache-arrow';
import { npy } from '../support/npy.mjs';
import { rng } from '../support/rng.mjs';

export const name = 'binary';
/** Cases in a long run (npm run fuzz:cli), about 0.3 s each. */
export const cases = 2000;

const TIME_BOUND_MS = 20_000;
const PARQUET_DIR = new URL('../fixtures/parquet/', import.meta.url);
// With the text-label fixtures (labels/: dictionary, PLAIN and DELTA_LENGTH_BYTE_ARRAY strings).
const PARQUET = [
  ...readdirSync(PARQUET_DIR).filter((f) => f.endsWith('.parquet')),
  ...readdirSync(new URL('labels/', PARQUET_DIR))
    .filter((f) => f.endsWith('.parquet'))
    .map((f) => `labels/${f}`),
].sort();

const int = (r, lo, hi) => lo + Math.floor(r() * (hi - lo + 1));
const pick = (r, list) => list[Math.floor(r() * list.length)];

/** A small valid Arrow table: n rows, k logit columns of a random type, an integer label. */
function arrowBytes(r) {
  const n = int(r, 1, 300);
  const k = int(r, 1, 6);
  const labelType = pick(r, [new Int32(), new Int64(), new Int16(), new Uint8()]);
  const labels = Array.from({ length: n }, () => int(r, 0, k - 1));
  const columns = {
    label: vectorFromArray(labelType instanceof Int64 ? BigInt64Array.from(labels, BigInt) : labels, labelType),
  };
  const nulls = r() < 0.2;
  for (let c = 0; c < k; c++) {
    const kind = pick(r, ['f64', 'f64', 'f32', 'f16', 'dict']);
    const values = Array.from({ length: n }, () => (nulls && r() < 0.02 ? null : Math.round((r() - 0.5) * 64) / 8));
    const type =
      kind === 'f64'
        ? new Float64()
        : kind === 'f32'
          ? new Float32()
          : kind === 'f16'
            ? new Float16()
            : new Dictionary(new Float64(), new Int32());
    columns[`logit_${c}`] = vectorFromArray(values, type);
  }
  let table = new Table(columns);
  if (r() < 0.3 && n > 2) {
    // Several record batches.
    const cut = int(r, 1, n - 1);
    table = new Table([...table.slice(0, cut).batches, ...table.slice(cut).batches]);
  }
  return tableToIPC(table, r() < 0.7 ? 'file' : 'stream');
}

/** A valid `.npy` pair: float32/float64 scores, integer labels. */
function npyPair(r) {
  const n = int(r, 1, 200);
  const k = int(r, 1, 6);
  const scores = Float64Array.from({ length: n * k }, () => (r() - 0.5) * 10);
  const labels = Array.from({ length: n }, () => int(r, 0, k - 1));
  const s = r() < 0.5 ? npy('<f8', [n, k], scores) : npy('<f4', [n, k], Float32Array.from(scores));
  const l = pick(r, [
    () => npy('<i8', [n], BigInt64Array.from(labels, BigInt)),
    () => npy('<i4', [n], Int32Array.from(labels)),
    () => npy('|u1', [n], Uint8Array.from(labels)),
  ])();
  return [s, l];
}

/** A position biased towards the framing: the first and last few hundred bytes. */
function position(r, length) {
  const u = r();
  if (u < 0.4) return Math.min(length - 1, int(r, 0, 255));
  if (u < 0.7) return Math.max(0, length - 1 - int(r, 0, 511));
  return int(r, 0, length - 1);
}

/** 1–4 corruptions of `bytes` (a copy). */
function corrupt(r, bytes) {
  let out = bytes.slice();
  const edits = [];
  for (let e = int(r, 1, 4); e > 0 && out.length > 0; e--) {
    const at = position(r, out.length);
    const kind = r();
    if (kind < 0.45) {
      const bit = 1 << int(r, 0, 7);
      out[at] ^= bit;
      edits.push(`flip ${at}^${bit}`);
    } else if (kind < 0.6) {
      out[at] = pick(r, [0, 0xff, 0x80, 0x7f]);
      edits.push(`set ${at}=${out[at]}`);
    } else if (kind < 0.85) {
      const word = pick(r, [0, 0xffffffff, 0x7fffffff, 0x80000000, int(r, 1, 1 << 20)]);
      const p = Math.min(at & ~3, Math.max(0, out.length - 4));
      if (out.length >= 4) new DataView(out.buffer, out.byteOffset).setUint32(p, word >>> 0, true);
      edits.push(`word ${p}=${word}`);
    } else if (kind < 0.95) {
      out = out.slice(0, at);
      edits.push(`cut ${at}`);
    } else {
      const n = int(r, 1, 64);
      const joined = new Uint8Array(out.length + n);
      joined.set(out.subarray(0, at));
      joined.set(out.subarray(at, at + n), at);
      joined.set(out.subarray(at), at + Math.min(n, out.length - at));
      out = joined.subarray(0, out.length + Math.min(n, out.length - at));
      edits.push(`repeat ${at}+${n}`);
    }
  }
  return { bytes: out, edits };
}

/** The files and arguments of case `seed`. */
function makeCase(seed, dir) {
  const r = rng(seed);
  const format = pick(r, ['arrow', 'arrow', 'parquet', 'parquet', 'npy']);
  const clean = r() < 0.05;
  const mutate = (b) => (clean ? { bytes: b, edits: ['none'] } : corrupt(r, b));
  if (format === 'arrow') {
    const { bytes, edits } = mutate(arrowBytes(r));
    const file = join(dir, `case-${seed}.arrow`);
    writeFileSync(file, bytes);
    return { files: [file], args: ['score', file, '--input', 'logits'], edits: [`arrow ${edits.join(', ')}`] };
  }
  if (format === 'parquet') {
    const fixture = pick(r, PARQUET);
    const { bytes, edits } = mutate(new Uint8Array(readFileSync(new URL(fixture, PARQUET_DIR))));
    const file = join(dir, `case-${seed}.parquet`);
    writeFileSync(file, bytes);
    return { files: [file], args: ['score', file, '--input', 'logits'], edits: [`${fixture} ${edits.join(', ')}`] };
  }
  const [s, l] = npyPair(r);
  const which = r();
  const scores = which < 0.7 ? mutate(s) : { bytes: s, edits: [] };
  const labels = which >= 0.5 ? mutate(l) : { bytes: l, edits: [] };
  const sFile = join(dir, `case-${seed}-scores.npy`);
  const lFile = join(dir, `case-${seed}-labels.npy`);
  writeFileSync(sFile, scores.bytes);
  writeFileSync(lFile, labels.bytes);
  return {
    files: [sFile, lFile],
    args: ['score', sFile, '--labels', lFile, '--input', 'logits'],
    edits: [`npy scores: ${scores.edits.join(', ')}; labels: ${labels.edits.join(', ')}`],
  };
}

/** What is wrong with a run's outcome, or undefined. */
export function judge(result) {
  if (result.error?.code === 'ETIMEDOUT' || (result.signal === 'SIGKILL' && result.status === null))
    return `no exit within ${TIME_BOUND_MS / 1000} s (a hang)`;
  if (result.signal) return `killed by ${result.signal} (a crash)`;
  if (![0, 1, 2].includes(result.status)) return `exit ${result.status} (a crash): ${result.stderr.slice(0, 300)}`;
  if (/\n\s+at /.test(result.stderr) || /node:internal|FATAL|Assertion/.test(result.stderr))
    return `a stack trace or native error: ${result.stderr.slice(0, 300)}`;
  if (result.status === 0) {
    try {
      JSON.parse(result.stdout);
    } catch {
      return `exit 0 without a JSON summary: ${result.stdout.slice(0, 200)}`;
    }
    return undefined;
  }
  if (!/^xentropy: [^\n]+\n$/.test(result.stderr))
    return `not one line "xentropy: …": ${JSON.stringify(result.stderr.slice(0, 300))}`;
  return undefined;
}

export async function run({ seed, from = 0, cases: count, main, dir, log }) {
  const failures = [];
  const stats = { 0: 0, 1: 0, 2: 0 };
  for (let i = from; i < from + count; i++) {
    const c = makeCase(seed + i, dir);
    const result = spawnSync(process.execPath, [main, ...c.args, '--json', '--no-progress'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: TIME_BOUND_MS,
      killSignal: 'SIGKILL',
      maxBuffer: 1 << 24,
    });
    if (result.status in stats) stats[result.status]++;
    const problem = judge(result);
    if (problem) {
      failures.push({ case: i, problem: `${problem} [${c.edits.join('; ')}]`, input: c.files.join(' ') });
      log?.(`case ${i}: ${problem}`);
    }
  }
  return { cases: count, failures, stats };
}
