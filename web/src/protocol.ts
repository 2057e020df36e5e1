/**
 * The messages between the page and its scoring worker. Everything crosses by structured clone:
 * Blobs (a dropped File, the per-row CSV) and plain objects of numbers.
 */

import type { Summary } from '../../src/accumulator.js';
import type { Task } from '../../src/io/columns.js';
import type { BaseName } from '../../src/io/report.js';

/** Logarithm base as the command line spells it (`--base e|2|10`). */
export type { BaseName };

/** What the score columns hold; `auto` infers it from their names, as the CLI does. */
export type InputChoice = 'auto' | 'logits' | 'probs';

/** A dropped or chosen file: its name (as messages say it) and its bytes. */
export interface NamedBlob {
  name: string;
  blob: Blob;
}

/**
 * The page's options, each the command line's option of the same name (API.md "Every
 * classifier"); `undefined` where the command line's default applies.
 */
export interface ScoreOptions {
  input: InputChoice;
  base: BaseName;
  labelColumn: string;
  /** `--task`; `undefined`: from the columns. */
  task?: Task;
  /** `--positive`. */
  positive?: string;
  /** `--threshold`. */
  threshold?: number;
  /** `--weight-column`. */
  weightColumn?: string;
  /** `--bins`. */
  bins?: number;
  /** `--top-k`. */
  topK?: number;
  /** `--per-class` and `--confusion`: what the JSON shown holds (the page draws both always). */
  perClass: boolean;
  confusion: boolean;
}

/**
 * One equal-width calibration bin `[lo, hi)` of `ece` (the last one includes 1), as the
 * Accumulator keeps it: the weight of its rows (their count without weights; label decisions
 * for multilabel), their mean confidence and their accuracy (the fraction right, weighted).
 */
export interface CalibrationBin {
  /** The bin's index, 0 … bins − 1. */
  index: number;
  lo: number;
  hi: number;
  weight: number;
  confidence: number;
  accuracy: number;
}

/**
 * Binary files: rows of each class counted by the probability of the positive class, on the
 * calibration bins (on {@link SCORE_BINS_MOST} equal bins when there are more).
 */
export interface ScoreHistograms {
  /** Bin edges: `bins + 1` values from 0 to 1. */
  edges: number[];
  /** Row counts per bin of the rows whose label is the negative class, then the positive. */
  negative: number[];
  positive: number[];
  /** The class names (negative, positive) and the decision threshold. */
  names: [string, string];
  threshold: number;
}

/** Counts of one histogram bin `[x0, x1)`. */
export interface Bin {
  x0: number;
  x1: number;
  count: number;
}

export interface Histogram {
  bins: Bin[];
  /** Rows whose value is not finite (an infinite cross-entropy: zero probability on the label). */
  nonFinite: number;
}

export interface WorstRow {
  /** 0-based data row. */
  row: number;
  /** 1-based physical line in the file (text formats). */
  line?: number;
  label: number;
  predicted: number;
  trueProbability: number;
  crossEntropy: number;
  entropy: number;
}

/** Everything the page shows about one scored file. */
export interface Report {
  /** The `xentropy score --json` text, and its object. */
  json: string;
  summary: Record<string, unknown>;
  backend: 'wasm' | 'js';
  unit: string;
  crossEntropy: Histogram;
  entropy: Histogram;
  /**
   * The Accumulator's summary with per-class (per-label) figures and, for binary and multiclass
   * files, the confusion matrix: what `--per-class --confusion --json` prints.
   */
  figures: Summary;
  /** The non-empty calibration bins `ece` is computed on (`figures.bins` in all). */
  calibration: CalibrationBin[];
  /** Whether rows carry weights (the bins then hold weights, not counts). */
  weighted: boolean;
  /** Binary files only. */
  scores?: ScoreHistograms;
  /** Binary and multiclass files: the rows with the largest cross-entropy (none for multilabel). */
  worst: WorstRow[];
}

export interface BenchRow {
  name: 'wasm' | 'js' | 'naive';
  label: string;
  /** Median time of one pass over the data, in ms. */
  medianMs: number;
  /** Passes timed. */
  samples: number;
  rowsPerSecond: number;
  /** The mean cross-entropy that pass computed (to show the three agree). */
  mean: number;
  /** medianMs / wasm's medianMs. */
  ratio: number;
}

export interface BenchReport {
  rows: number;
  classes: number;
  rowsUsed: number;
  results: BenchRow[];
}

export type Request =
  | { type: 'backend'; id: number }
  | { type: 'score'; id: number; files: NamedBlob[]; options: ScoreOptions }
  | { type: 'bench'; id: number }
  | { type: 'per-row'; id: number };

export type Response =
  | { type: 'backend'; id: number; backend: 'wasm' | 'js' }
  | { type: 'progress'; id: number; rows: number; bytes: number; totalBytes: number }
  | { type: 'report'; id: number; report: Report }
  | { type: 'bench'; id: number; bench: BenchReport }
  | { type: 'per-row'; id: number; blob: Blob }
  | { type: 'error'; id: number; message: string; line?: number };
