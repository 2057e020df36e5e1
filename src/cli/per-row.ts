import { UsageError } from '../io/errors.js';
import { perRowFormat } from '../io/per-row-format.js';
import type { PerRowFormat } from '../io/per-row-format.js';
import type { InputIdentity } from './output.js';
import { Output } from './output.js';
import { ParquetRowsWriter } from './per-row-parquet.js';

/** What `--per-row FILE` writes, from FILE's name: JSON Lines (`.jsonl`), Parquet (`.parquet`), else CSV. */
export type PerRowSyntax = 'csv' | 'jsonl' | 'parquet';

export function perRowSyntax(path: string): PerRowSyntax {
  if (/\.jsonl$/i.test(path)) return 'jsonl';
  if (/\.parquet$/i.test(path)) return 'parquet';
  return 'csv';
}

/**
 * The `--per-row` output: one line per row, in input order, as CSV, JSON Lines or Parquet, in
 * the task's format (binary and multiclass `row,label,cross_entropy,entropy,predicted`,
 * multilabel `row,cross_entropy,entropy,correct`). It goes where {@link Output} puts it
 * (stdout, a pipe or device in place, a regular file through a temporary renamed at the end).
 */
export class PerRowFile {
  private format: PerRowFormat | undefined;

  private constructor(
    private readonly output: Output,
    private readonly syntax: PerRowSyntax,
    private readonly parquet: ParquetRowsWriter | undefined,
  ) {}

  /** Stdout holds the rows: the human summary goes to stderr. */
  get toStdout(): boolean {
    return this.output.toStdout;
  }

  /**
   * Opens the output (before scoring: an unwritable target fails at once).
   * @throws UsageError (it is an input, no such folder) or OutputError (cannot be written)
   */
  static async create(path: string, inputs: readonly InputIdentity[] = []): Promise<PerRowFile> {
    const syntax = perRowSyntax(path);
    const output = await Output.open(path, inputs);
    return new PerRowFile(output, syntax, syntax === 'parquet' ? new ParquetRowsWriter() : undefined);
  }

  /**
   * Writes the header once the task is known (from the input's columns).
   * @param named the lines name classes by names other than their positions
   * @throws UsageError Parquet output of a multilabel or named-class task (its columns are class indices)
   */
  async begin(task: 'binary' | 'multiclass' | 'multilabel', named: boolean): Promise<void> {
    if (this.parquet) {
      if (task === 'multilabel' || named) {
        throw new UsageError(
          `--per-row: Parquet output holds class indices; for ${task === 'multilabel' ? 'a multilabel task' : 'class names'} write .csv or .jsonl`,
        );
      }
      await this.output.write(this.parquet.start());
      return;
    }
    this.format = perRowFormat(task, this.syntax === 'jsonl' ? 'jsonl' : 'csv');
    if (this.format.header !== '') await this.output.write(this.format.header);
  }

  /**
   * Appends a batch: rows numbered from `firstRow`, numbers in their shortest round-trip form.
   *
   * @param block `rows` labels, cross-entropies, entropies and predictions, one after another
   *   (a task's `perRow`)
   * @param names class names, when the input names its classes
   */
  async write(firstRow: number, block: Float64Array, names?: readonly string[]): Promise<void> {
    const n = block.length / 4;
    if (n === 0) return;
    if (this.parquet) {
      await this.output.write(this.parquet.rowGroup(firstRow, block));
      return;
    }
    const format = this.format!;
    let text = '';
    for (let i = 0; i < n; i++) {
      text += format.line(firstRow + i, block, n, i, names);
      // Flushed now and then, so a large piece does not build one huge string.
      if (text.length > 1 << 20) {
        await this.output.write(text);
        text = '';
      }
    }
    await this.output.write(text);
  }

  /** Finishes the output and moves it into place. */
  async commit(): Promise<void> {
    if (this.parquet) await this.output.write(this.parquet.finish());
    await this.output.commit();
  }

  /** Gives up: a regular target is left as it was. */
  async discard(): Promise<void> {
    await this.output.discard();
  }
}
