#!/usr/bin/env node
/**
 * The `xentropy` command. Every failure ends here as one line `xentropy: …` on stderr (never a
 * stack trace) and an exit status: 1 for bad input, 2 for a usage error.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { exitStatus } from './errors.js';
import { score } from './score.js';
import type { ScoreOptions } from './score.js';

const EXAMPLES = `
Input: a CSV/TSV file with a header row, a label column (the true class, 0 to k-1) and one
column per class: logit_* (raw scores) or p_* (probabilities), or any names with --input.
Columns whose first value is not a number (an id, say) are ignored.

Examples:
  $ xentropy score                                  # the bundled digits example
  $ xentropy score preds.csv --json                 # summary as one JSON object
  $ xentropy score preds.tsv --base 2 --per-row rows.csv
  $ cat preds.csv | xentropy score - --input probs --label-column y
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
    .argument('[file]', 'CSV or TSV file; - reads stdin (default: the bundled digits example)')
    .addOption(new Option('--format <format>', 'input format (default: from the extension; stdin: csv)').choices(['csv', 'tsv']))
    .option('--label-column <name>', 'the column holding the true class', 'label')
    .addOption(new Option('--input <kind>', 'what the score columns hold (default: from their names)').choices(['logits', 'probs']))
    .addOption(new Option('--base <base>', 'logarithm base: nats, bits or bans').choices(['e', '2', '10']).default('e'))
    .option('--json', 'print the summary as JSON')
    .option('--per-row <file>', 'also write row,label,cross_entropy,entropy,predicted for every row')
    .option('--workers <n>', 'worker threads (accepted; scoring is single-threaded for now)', positiveInteger)
    .option('--no-progress', 'no progress bar on stderr')
    .addHelpText('after', EXAMPLES)
    .action((file: string | undefined, options: ScoreOptions) => score(file, options, process.stdout));
  return cli;
}

async function main(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv);
    return 0;
  } catch (error) {
    // Commander has printed its own message (or the help); only the status is left to choose.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    process.stderr.write(`xentropy: ${error instanceof Error ? error.message : String(error)}\n`);
    return exitStatus(error);
  }
}

// A reader that went away (`| head`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') process.stderr.write(`xentropy: cannot write the output: ${error.message}\n`);
  process.exit(error.code === 'EPIPE' ? 0 : 1);
});
process.exitCode = await main(process.argv);
