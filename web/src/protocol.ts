/**
 * The messages between the page and its scoring worker. Everything crosses by structured clone:
 * Blobs (a dropped File, the per-row CSV) and plain objects of numbers.
 */

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

export interface ScoreOptions {
  input: InputChoice;
  base: BaseName;
  labelColumn: string;
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

/** One bin of the reliability diagram: rows whose confidence is in `[lo, hi)` (the last bin includes 1). */
export interface ReliabilityBin {
  lo: number;
  hi: number;
  count: number;
  /** Mean confidence (largest predicted probability) of the bin's rows. */
  confidence: number;
  /** Fraction of the bin's rows predicted right. */
  accuracy: number;
}

export interface ClassRow {
  /** Class index (0-based) and the name of its score column. */
  index: number;
  column: string;
  rows: number;
  meanCrossEntropy: number;
  /** Fraction of this class's rows predicted as it (recall). */
  accuracy: number;
  /** Mean predicted probability of the true class. */
  meanTrueProbability: number;
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
  summary: Record<string, number | string>;
  backend: 'wasm' | 'js';
  unit: string;
  crossEntropy: Histogram;
  entropy: Histogram;
  reliability: { bins: ReliabilityBin[]; ece: number };
  classes: ClassRow[];
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
