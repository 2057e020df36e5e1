/**
 * The page's options as the command line takes them: each control is the option of the same
 * name, read with the command line's rule (src/cli/main.ts) and refused in its words.
 */
import type { Task } from '../../src/io/columns.js';
import { TASKS } from '../../src/io/columns.js';
import type { BaseName, InputChoice, ScoreOptions } from './protocol.js';

/** An option the command line would refuse (exit 2): the page says why and does not score. */
export class OptionError extends Error {
  override name = 'OptionError';
}

/** The values of the page's controls, as typed (empty: the command line's default). */
export interface Controls {
  input: InputChoice;
  base: BaseName;
  labelColumn: string;
  task: string;
  positive: string;
  threshold: string;
  weightColumn: string;
  bins: string;
  topK: string;
  perClass: boolean;
  confusion: boolean;
}

/** Commander's refusal of an option argument, as `xentropy score` prints it. */
function invalid(flag: string, text: string, rule: string): OptionError {
  return new OptionError(`option '${flag}' argument '${text}' is invalid. ${rule}`);
}

/** `--bins <n>`, `--top-k <k>`: the command line's positiveInteger. */
function positiveInteger(flag: string, text: string): number | undefined {
  if (text.trim() === '') return undefined;
  const n = Number(text);
  if (!(Number.isInteger(n) && n > 0)) throw invalid(flag, text, 'expected a positive integer');
  return n;
}

/** `--threshold <t>`: the command line's fraction, in (0, 1]. */
function fraction(flag: string, text: string): number | undefined {
  if (text.trim() === '') return undefined;
  const n = Number(text);
  if (!(n > 0 && n <= 1)) throw invalid(flag, text, 'expected a number in (0, 1]');
  return n;
}

/**
 * The options to score with.
 * @throws OptionError naming the option and the rule it breaks, as the command line does
 */
export function parseControls(c: Controls): ScoreOptions {
  if (c.task !== '' && !TASKS.includes(c.task as Task)) {
    throw new OptionError(
      `option '--task <task>' argument '${c.task}' is invalid. Allowed choices are ${TASKS.join(', ')}.`,
    );
  }
  return {
    input: c.input,
    base: c.base,
    labelColumn: c.labelColumn.trim() || 'label',
    task: c.task === '' ? undefined : (c.task as Task),
    positive: c.positive === '' ? undefined : c.positive,
    threshold: fraction('--threshold <t>', c.threshold),
    weightColumn: c.weightColumn === '' ? undefined : c.weightColumn,
    bins: positiveInteger('--bins <n>', c.bins),
    topK: positiveInteger('--top-k <k>', c.topK),
    perClass: c.perClass,
    confusion: c.confusion,
  };
}

/** A word for a shell: as it is when it needs no quotes, else in single quotes. */
function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * The command that prints the JSON the page shows: `xentropy score FILE --json …`.
 * @param labels the labels `.npy` of a scores `.npy`
 */
export function commandLine(file: string, labels: string | undefined, o: ScoreOptions): string {
  const words = ['xentropy', 'score', shellWord(file)];
  const add = (flag: string, value: string | number | undefined) => {
    if (value !== undefined) words.push(flag, shellWord(String(value)));
  };
  add('--labels', labels);
  words.push('--json');
  if (o.input !== 'auto') add('--input', o.input);
  if (o.base !== 'e') add('--base', o.base);
  if (o.labelColumn !== 'label') add('--label-column', o.labelColumn);
  add('--task', o.task);
  add('--positive', o.positive);
  add('--threshold', o.threshold);
  add('--weight-column', o.weightColumn);
  add('--bins', o.bins);
  add('--top-k', o.topK);
  if (o.perClass) words.push('--per-class');
  if (o.confusion) words.push('--confusion');
  return words.join(' ');
}
