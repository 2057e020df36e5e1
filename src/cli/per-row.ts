import { PER_ROW_HEADER, perRowLine } from '../io/per-row-format.js';
import { perRowJsonLine } from '../io/per-row-format.js';
import type { InputIdentity } from './output.js';
import { Output } from './output.js';
import { ParquetRowsWriter } from './per-row-parquet.js';

/** What `--per-row FILE` writes, from FILE's name: JSON Lines (`.jsonl`), Parquet (`.parquet`), else CSV. */
export type PerRowFormat = 'csv' | 'jsonl' | 'parquet';

export function perRowFormat(path: string): PerRowFormat {
  if (/\.jsonl$/i.test(path)) return 'jsonl';
  if (/\.parquet$/i.test(path)) return 'parquet';
  return 'csv';
}

/**
 * The `--per-row` output: `row,label,cross_entropy,entropy,predicted` for every row, in input
 * order, as CSV, JSON Lines or Parquet. It goes where {@link Output} puts it (stdout, a pipe or
 * device in place, a regular file through a temporary renamed at the end).
 */
export class PerRowFile {
  private constructor(
    private readonly output: Output,
    private readonly format: PerRowFormat,
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
    const format = perRowFormat(path);
    const output = await Output.open(path, inputs);
    const file = new PerRowFile(output, format, format === 'parquet' ? new ParquetRowsWriter() : undefined);
    if (format === 'csv') await output.write(PER_ROW_HEADER);
    if (format === 'parquet') await output.write(file.parquet!.start());
    return file;
  }

  /**
   * Appends a batch: rows numbered from `firstRow`, numbers in their shortest round-trip form.
   *
   * @param block `rows` labels, cross-entropies, entropies and predictions, one after another
   *   (a task's `perRow`)
   */
  async write(firstRow: number, block: Float64Array): Promise<void> {
    const n = block.length / 4;
    if (n === 0) return;
    if (this.parquet) {
      await this.output.write(this.parquet.rowGroup(firstRow, block));
      return;
    }
    const line = this.format === 'jsonl' ? perRowJsonLine : perRowLine;
    let text = '';
    for (let i = 0; i < n; i++) {
      text += line(firstRow + i, block[i], block[n + i], block[2 * n + i], block[3 * n + i]);
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
