/**
 * The query a data engineer would run instead of `xentropy score`: DuckDB (`@duckdb/node-api`,
 * a bench-only dependency), all cores, streaming the file, one SQL statement for the mean
 * softmax cross-entropy of the label's logit (`avg(ln Σ exp(z - m) + m - z_y)`), in a process of
 * its own. Prints `{ rows, mean_cross_entropy }` as JSON, like `xentropy score --json`.
 *
 *   node bench/cli/baseline-duckdb.mjs FILE.csv|FILE.parquet [K]
 */
import { DuckDBInstance } from '@duckdb/node-api';

const [file, kArg = '10'] = process.argv.slice(2);
const k = Number(kArg);
const z = Array.from({ length: k }, (_, c) => `logit_${c}`);
const source = file.endsWith('.parquet') ? `read_parquet('${file}')` : `read_csv('${file}', header = true)`;
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
const sql = `
  WITH m AS (SELECT label, ${z.join(', ')}, greatest(${z.join(', ')}) AS m FROM ${source})
  SELECT count(*) AS rows,
         avg(ln(${z.map((c) => `exp(${c} - m)`).join(' + ')}) + m - list_extract([${z.join(', ')}], label + 1)) AS mean
  FROM m`;
const [[rows, mean]] = (await con.runAndReadAll(sql)).getRows();
console.log(JSON.stringify({ rows: Number(rows), mean_cross_entropy: mean }));
