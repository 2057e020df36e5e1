/**
 * Baseline (a): the script a Node user would write — csv-parse streaming records, then a plain
 * JavaScript loop: log-sum-exp cross-entropy, entropy and argmax per row.
 *   node bench/cli/baseline-node.mjs FILE.csv
 */
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';

const parser = createReadStream(process.argv[2]).pipe(parse({ from_line: 2 }));
let rows = 0;
let sumCe = 0;
let sumEntropy = 0;
let correct = 0;
for await (const record of parser) {
  const label = Number(record[0]);
  const z = record.slice(1).map(Number);
  let max = -Infinity;
  let arg = 0;
  for (let c = 0; c < z.length; c++)
    if (z[c] > max) {
      max = z[c];
      arg = c;
    }
  let sum = 0;
  for (let c = 0; c < z.length; c++) sum += Math.exp(z[c] - max);
  const lse = max + Math.log(sum);
  let entropy = 0;
  for (let c = 0; c < z.length; c++) entropy -= Math.exp(z[c] - lse) * (z[c] - lse);
  sumCe += lse - z[label];
  sumEntropy += entropy;
  if (arg === label) correct++;
  rows++;
}
console.log(
  JSON.stringify({ rows, mean_cross_entropy: sumCe / rows, mean_entropy: sumEntropy / rows, accuracy: correct / rows }),
);
