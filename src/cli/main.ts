#!/usr/bin/env node
/**
 * The `xentropy` command. Every failure ends here as one line `xentropy: …` on stderr (never a
 * stack trace) and an exit status: 1 for bad input, 2 for a usage error.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { exitStatus } from '../io/errors.js';
import { FORMATS } from '../io/format.js';
import { merge } from './merge.js';
import type { MergeOptions } from './merge.js';
import { score } from './score.js';
import type { ScoreOptions } from './score.js';
import { handleInterrupts } from './interrupt.js';

const EXAMPLES = `
Input: CSV/TSV with a header row, a label column (the true class: a name, as in p_cat, or an
index) and one column per class: logit_* (raw scores) or p_* (probabilities), or any names
with --input. One score column (p, logit, p_<positive>) is a binary task; columns p_<name>
with targets y_<name> and no label column are multilabel. Columns whose first value is not a
number (an id, say) are ignored, unless they are named as scores. Arrow IPC (.arrow) and Parquet files
hold the same columns; a .npy file holds an n x k score matrix, with --labels for the classes.

Examples:
  $ xentropy score                                  # the bundled digits example
  $ xentropy score preds.csv --json                 # summary as one JSON object
  $ xentropy score preds.tsv --base 2 --per-row rows.csv
  $ cat preds.csv | xentropy score - --input probs --label-column y
  $ xentropy score logits.npy --labels labels.npy --input logits
  $ xentropy score preds.parquet --workers 4
  $ xentropy score shard-0.csv --partial part-0.json    # then: xentropy merge part-*.json
  $ xentropy score clicks.csv --weight-column w --per-class --confusion
`;

const MERGE_EXAMPLES = `
Each FILE is the output of xentropy score --partial. The worst row is numbered through the
files in the order given, as if they were one input.

Examples:
  $ xentropy score shard-0.csv --partial part-0.json
  $ xentropy score shard-1.csv --partial part-1.json
  $ xentropy merge part-0.json part-1.json --json
`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function positiveInteger(text: string): number {
  const n = Number(text);
  if (!(Number.isInteger(n) && n > 0)) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

function fraction(text: string): number {
  const n = Number(text);
  if (!(text.trim() !== '' && n > 0 && n <= 1)) throw new InvalidArgumentError('expected a number in (0, 1]');
  return n;
}

function program(): Command {
  const cli = new Command('xentropy')
    .description('Entropy and cross-entropy of model predictions.')
    .version(version())
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, 'xentropy: ')) })
    .showHelpAfterError('(add --help for usage)');
  cli
    .command('score')
    .description('Score predictions against true labels: cross-entropy, entropy, accuracy, perplexity.')
    .argument('[file]', 'CSV, TSV, .npy, Arrow or Parquet file; - reads stdin (default: the bundled digits example)')
    .addOption(
      new Option('--format <format>', 'input format (default: from the extension; stdin: csv)').choices(FORMATS),
    )
    .option('--label-column <name>', 'the column holding the true class', 'label')
    .option('--labels <file>', 'for .npy scores: a .npy file of integer class indices, one per row')
    .addOption(
      new Option('--input <kind>', 'what the score columns hold (default: from their names)').choices([
        'logits',
        'probs',
      ]),
    )
    .addOption(new Option('--base <base>', 'logarithm base: nats, bits or bans').choices(['e', '2', '10']).default('e'))
    .option('--json', 'print the summary as JSON')
    .option(
      '--per-row <file>',
      'also write row,label,cross_entropy,entropy,predicted for every row (CSV; .jsonl: JSON Lines; .parquet: Parquet; -: stdout, the summary then on stderr)',
    )
    .option(
      '--partial <file>',
      'write the exact partial state (JSON) instead of the summary, for xentropy merge (-: stdout)',
    )
    .option(
      '--workers <n>',
      'threads that score, this one included (default: one per core for inputs over 8 MB)',
      positiveInteger,
    )
    .option('--no-progress', 'no progress bar on stderr (it shows only on a terminal)')
    .addOption(
      new Option('--task <task>', 'binary, multiclass or multilabel (default: from the columns)').choices([
        'binary',
        'multiclass',
        'multilabel',
      ]),
    )
    .option(
      '--positive <name>',
      'binary: the label of the positive class (default: from the score column, p_<name>; 1 or true for a bare p/logit)',
    )
    .option('--threshold <t>', 'binary and multilabel: predict positive when p >= t (default 0.5)', fraction)
    .option('--weight-column <name>', 'a column of sample weights: every mean, rate and figure is weighted')
    .option('--bins <n>', 'equal-width calibration bins for ece (default 15)', positiveInteger)
    .option(
      '--top-k <k>',
      'multiclass: report top-k accuracy (default: k = 5 with more than 5 classes)',
      positiveInteger,
    )
    .option('--per-class', 'add figures per class (per label for multilabel)')
    .option('--confusion', 'add the confusion matrix (rows: true class, columns: predicted)')
    .option('--quiet', 'print nothing but errors (and the JSON, with --json)')
    .addHelpText('after', EXAMPLES)
    .action((file: string | undefined, options: ScoreOptions) => score(file, options, process.stdout));
  cli
    .command('merge')
    .description('Combine partial results (xentropy score --partial) of shards into one summary.')
    .argument('<files...>', 'partial result files, in input order')
    .option('--json', 'print the summary as JSON')
    .option('--partial <file>', 'write the combined partial state instead of the summary')
    .addHelpText('after', MERGE_EXAMPLES)
    .action((files: string[], options: MergeOptions) => merge(files, options, process.stdout));
  return cli;
}

async function main(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv);
    return 0;
  } catch (error) {
    // Commander has printed its own message (or the help); only the status is left to choose.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    // One line, always: a message with a line break in it would look like two errors.
    const message = (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ');
    process.stderr.write(`xentropy: ${message}\n`);
    return exitStatus(error);
  }
}

// A reader that went away (`| head`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') process.stderr.write(`xentropy: cannot write the output: ${error.message}\n`);
  process.exit(error.code === 'EPIPE' ? 0 : 1);
});
handleInterrupts();
process.exitCode = await main(process.argv);
