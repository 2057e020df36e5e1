import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../io/errors.js';
import { PER_ROW_HEADER, perRowLine } from '../io/per-row-format.js';
import { removeOnInterrupt } from './interrupt.js';

/**
 * The `--per-row` CSV. Rows go to a temporary file beside the target, renamed over it only once
 * the whole input has been scored, so a failure never leaves a partial (or clobbered) file.
 */
export class PerRowFile {
  /** Unregisters the temporary file from removal on interrupt (once it is renamed or removed). */
  private forget: () => void = () => undefined;
  private constructor(
    private readonly path: string,
    private readonly temp: string,
    private readonly handle: FileHandle,
  ) {}

  /**
   * Starts the file (its header written to the temporary file).
   * @throws UsageError if the target's directory cannot be written
   */
  static async create(path: string): Promise<PerRowFile> {
    const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
    // Registered before the file exists: an interrupt that lands while it is being created removes it too.
    const forget = removeOnInterrupt(temp);
    const handle = await open(temp, 'wx').catch((error: NodeJS.ErrnoException) => {
      forget();
      throw new UsageError(`cannot write ${path}: ${error.code === 'ENOENT' ? 'no such directory' : error.message}`);
    });
    const file = new PerRowFile(path, temp, handle);
    file.forget = forget;
    await file.append(PER_ROW_HEADER);
    return file;
  }

  /**
   * Appends a batch: `row,label,cross_entropy,entropy,predicted`, rows numbered from
   * `firstRow`, numbers in their shortest round-trip form (`String(x)`: `Infinity`, `NaN`).
   *
   * @param block `rows` labels, cross-entropies, entropies and predictions, one after another
   *   (a task's `perRow`)
   */
  async write(firstRow: number, block: Float64Array): Promise<void> {
    const n = block.length / 4;
    let text = '';
    for (let i = 0; i < n; i++) {
      text += perRowLine(firstRow + i, block[i], block[n + i], block[2 * n + i], block[3 * n + i]);
      // Flushed now and then, so a large piece does not build one huge string.
      if (text.length > 1 << 20) {
        await this.append(text);
        text = '';
      }
    }
    await this.append(text);
  }

  /** Finishes the file and moves it into place. */
  async commit(): Promise<void> {
    await this.handle.close();
    await rename(this.temp, this.path);
    this.forget();
  }

  /** Closes and removes the temporary file; the target is left as it was. */
  async discard(): Promise<void> {
    await this.handle.close().catch(() => undefined);
    await unlink(this.temp).catch(() => undefined);
    this.forget();
  }

  private async append(text: string): Promise<void> {
    // writeFile on a handle writes all of it at the current position (write() may stop short).
    await this.handle.writeFile(text);
  }
}
