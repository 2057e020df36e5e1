import type { RowResults } from 'xentropy';
import type { Batch } from '../../src/io/batch.js';
import type { Task } from '../../src/io/columns.js';

/** Scores kept for the benchmark at most (8 bytes each: 256 MiB); past it the benchmark uses the first rows. */
const MAX_SCORE_CELLS = 1 << 25;

/**
 * Every row's results, kept in growing typed arrays so the page can bin them once the file is
 * read, write the per-row CSV and rerun the kernels in the benchmark.
 */
export class RowStore {
  rows = 0;
  labels = new Int32Array(1024);
  crossEntropy = new Float64Array(1024);
  entropy = new Float64Array(1024);
  predicted = new Int32Array(1024);
  /** Row-major scores of the first `scoreRows` rows, float32 if the file holds float32. */
  scores: Float64Array | Float32Array = new Float64Array(0);
  scoreRows = 0;
  /**
   * How `--per-row` writes these rows: the task's columns, and the class names that stand for
   * `label` and `predicted` (none: 0-based positions), as the command line chooses them.
   */
  perRow: { task: Task; names?: readonly string[] } = { task: 'multiclass' };

  /** @param scored keep the scores too (for the benchmark, which times multiclass scoring) */
  constructor(
    readonly classes: number,
    private readonly scored = true,
  ) {}

  add(batch: Batch, results: RowResults): void {
    const n = batch.rows;
    const at = this.rows;
    this.reserve(at + n);
    // Labels were checked to be class indices in [0, k) before scoring.
    for (let i = 0; i < n; i++) this.labels[at + i] = batch.labels[i];
    this.crossEntropy.set(results.crossEntropy, at);
    this.entropy.set(results.entropy, at);
    this.predicted.set(results.predicted, at);
    this.rows += n;
    if (this.scored) this.keepScores(batch);
  }

  private keepScores(batch: Batch): void {
    const k = this.classes;
    if (this.scoreRows !== this.rows - batch.rows) return; // already full
    const room = Math.floor(MAX_SCORE_CELLS / k) - this.scoreRows;
    const n = Math.min(batch.rows, room);
    if (n <= 0) return;
    const need = (this.scoreRows + n) * k;
    if (need > this.scores.length) {
      const size = Math.min(Math.max(need, 2 * this.scores.length), Math.floor(MAX_SCORE_CELLS / k) * k);
      const grown = batch.scores instanceof Float32Array ? new Float32Array(size) : new Float64Array(size);
      grown.set(this.scores.subarray(0, this.scoreRows * k));
      this.scores = grown;
    }
    this.scores.set(batch.scores.subarray(0, n * k), this.scoreRows * k);
    this.scoreRows += n;
  }

  private reserve(rows: number): void {
    if (rows <= this.labels.length) return;
    const size = Math.max(rows, 2 * this.labels.length);
    this.labels = grow(this.labels, new Int32Array(size));
    this.crossEntropy = grow(this.crossEntropy, new Float64Array(size));
    this.entropy = grow(this.entropy, new Float64Array(size));
    this.predicted = grow(this.predicted, new Int32Array(size));
  }
}

function grow<T extends Int32Array | Float64Array>(from: T, to: T): T {
  to.set(from as never);
  return to;
}
