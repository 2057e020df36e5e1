/**
 * The benchmark's data, made at bench time (never committed): N rows of K logits with a label,
 * from a seeded generator, written as CSV (full float64 precision, as pandas' to_csv or Python's
 * repr write it), as .npy (float64 logits, int64 labels) and as an Arrow IPC file.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { RecordBatch, RecordBatchFileWriter, makeData, Float64, Int32, Field, Schema, Struct } from 'apache-arrow';
import { npyHeader } from '../../test/support/npy.mjs';

/** mulberry32, two draws per 53-bit float (test/support/rng.mjs gives 32-bit ones): the same numbers on every run. */
function rng(seed) {
  let x = seed >>> 0;
  const next = () => {
    x = (x + 0x6d2b79f5) >>> 0;
    let t = Math.imul(x ^ (x >>> 15), x | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  return () => (next() * 2 ** 21 + (next() >>> 11)) / 2 ** 53;
}

/** Rows in blocks: labels Int32Array, logits Float64Array (row-major). */
export function* blocks(n, k, blockRows = 65536) {
  const random = rng(12345);
  for (let first = 0; first < n; first += blockRows) {
    const rows = Math.min(blockRows, n - first);
    const labels = new Int32Array(rows);
    const logits = new Float64Array(rows * k);
    for (let i = 0; i < rows; i++) {
      const y = Math.floor(random() * k);
      labels[i] = y;
      for (let c = 0; c < k; c++) logits[i * k + c] = (random() - 0.5) * 6 + (c === y ? 2.5 : 0);
    }
    yield { first, labels, logits };
  }
}

async function write(stream, text) {
  if (!stream.write(text)) await once(stream, 'drain');
}

export async function writeCsv(path, n, k) {
  const out = createWriteStream(path);
  await write(out, `label,${Array.from({ length: k }, (_, c) => `logit_${c}`).join(',')}\n`);
  for (const { labels, logits } of blocks(n, k)) {
    let text = '';
    for (let i = 0; i < labels.length; i++) {
      text += labels[i];
      for (let c = 0; c < k; c++) text += `,${logits[i * k + c]}`;
      text += '\n';
    }
    await write(out, text);
  }
  out.end();
  await once(out, 'finish');
}

export async function writeNpy(logitsPath, labelsPath, n, k) {
  const out = createWriteStream(logitsPath);
  const lab = createWriteStream(labelsPath);
  await write(out, npyHeader('<f8', [n, k]));
  await write(lab, npyHeader('<i8', [n]));
  for (const { labels, logits } of blocks(n, k)) {
    await write(out, Buffer.from(logits.buffer));
    await write(lab, Buffer.from(BigInt64Array.from(labels, BigInt).buffer));
  }
  for (const s of [out, lab]) {
    s.end();
    await once(s, 'finish');
  }
}

export async function writeArrow(path, n, k) {
  const fields = [
    new Field('label', new Int32(), false),
    ...Array.from({ length: k }, (_, c) => new Field(`logit_${c}`, new Float64(), false)),
  ];
  const schema = new Schema(fields);
  const out = createWriteStream(path);
  const w = new RecordBatchFileWriter();
  w.pipe(out);
  for (const { labels, logits } of blocks(n, k)) {
    const rows = labels.length;
    const children = [makeData({ type: new Int32(), length: rows, data: labels })];
    for (let c = 0; c < k; c++) {
      const col = new Float64Array(rows);
      for (let i = 0; i < rows; i++) col[i] = logits[i * k + c];
      children.push(makeData({ type: new Float64(), length: rows, data: col }));
    }
    const data = makeData({ type: new Struct(fields), length: rows, nullCount: 0, children });
    w.write(new RecordBatch(schema, data));
  }
  w.finish();
  await once(out, 'finish');
}

/**
 * The CSV's rows as Parquet with `codec` (uncompressed, snappy, zstd, …), written by DuckDB (a
 * bench-only dependency) as a data engineer's tools would: row groups of 122 880 rows, label
 * BIGINT, logits DOUBLE (DuckDB parses the CSV's shortest round-trip decimals exactly).
 */
export async function writeParquet(csvPath, path, codec) {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  await con.run(
    `COPY (SELECT * FROM read_csv('${csvPath}', header = true)) TO '${path}' (FORMAT parquet, COMPRESSION ${codec})`,
  );
}

// node bench/cli/gen.mjs DIR N K: all four files.
if (import.meta.url === `file://${process.argv[1]}`) {
  const [dir, n = '2000000', k = '10'] = process.argv.slice(2);
  await writeCsv(`${dir}/logits.csv`, +n, +k);
  await writeNpy(`${dir}/logits.npy`, `${dir}/labels.npy`, +n, +k);
  await writeArrow(`${dir}/logits.arrow`, +n, +k);
}

/** A binary file: `label,logit`, one logit per row (the difference of two of the same seeded logits), labels 0/1. */
export async function writeBinaryCsv(path, n) {
  const out = createWriteStream(path);
  await write(out, 'label,logit\n');
  for (const { labels, logits } of blocks(n, 2)) {
    let text = '';
    for (let i = 0; i < labels.length; i++) text += `${labels[i]},${logits[2 * i + 1] - logits[2 * i]}\n`;
    await write(out, text);
  }
  out.end();
  await once(out, 'finish');
}
