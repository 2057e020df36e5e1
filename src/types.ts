/**
 * The public interface of xentropy (API.md): the argument and option types, and {@link Xentropy}
 * with one overload per result kind, so a call's type says what it returns: a single
 * distribution, a scalar or a `reduction: 'sum' | 'mean'` gives `number`; a batch gives one
 * value per row, as `number[]` for plain arrays, `Float32Array` for `Float32Array` predictions
 * and `Float64Array` for `Float64Array` ones; with `out`, the type of `out`.
 *
 * Every example below runs on both backends (test/package-docs.test.ts checks each `// →` line).
 */
import type { AllocatableArray, AllocatableType } from './backend/backend.js';

/** A probability distribution, or a flat row-major batch with {@link Options.classes}: `number[]`, `Float64Array` or `Float32Array`. */
export type Distribution = ArrayLike<number>;
/** A batch given as rows: `number[][]` (or an array of typed arrays), one distribution per row. */
export type Nested = readonly ArrayLike<number>[];
/** A batch: rows (`number[][]`), or a flat row-major array with {@link Options.classes}. */
export type BatchInput = Distribution | Nested;
/** Integer typed arrays: always read as class indices, one per row. */
export type IndexArray =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;
/**
 * Targets `p`: a batch shaped like the predictions (soft or one-hot rows), class indices (one
 * integer per row: an {@link IndexArray}, or a `number[]` with one entry per row), or one class
 * index for a single distribution.
 */
export type TargetInput = BatchInput | IndexArray | number | bigint;
/** A per-row or elementwise result. */
export type Rows = number[] | Float64Array | Float32Array;
/** Any result: the union the overloads narrow. */
export type Result = number | Rows;
/** An array that `out` may name. */
export type OutArray = Float64Array | Float32Array;
/** `'none'`: one value per row; `'sum'`, `'mean'`: one number. */
export type Reduction = 'none' | 'sum' | 'mean';

/**
 * Per-row results mirror the predictions: `Float32Array` in, `Float32Array` out; `Float64Array`
 * in, `Float64Array` out; anything else (`number[]`, rows) gives `number[]`.
 */
export type PerRow<Q> = Q extends Float32Array ? Float32Array : Q extends Float64Array ? Float64Array : number[];

/** softmax / logSoftmax: the input's own kind; rows give rows of `number[]`. */
export type SameKind<T> = T extends Float32Array
  ? Float32Array
  : T extends Float64Array
    ? Float64Array
    : T extends Nested
      ? number[][]
      : number[];

/** The options of API.md. Each function reads the ones that apply to it (see each option). */
export interface Options {
  /**
   * Row width `k` of a flat batch: a flat array of length `n·k` is read as `n` rows. Without it,
   * a flat array is one distribution; rows (`number[][]`) carry their own width.
   * Applies to: entropy, crossEntropy, klDivergence, softmax, logSoftmax, logSumExp, softmaxCrossEntropy.
   * @throws TypeError when the flat length is not divisible by `classes`.
   */
  classes?: number;
  /**
   * `'none'` (default): one value per row (per element for the elementwise functions);
   * `'sum'`: their sum; `'mean'`: their mean, as PyTorch defines it (index targets with
   * `weights`: `Σ none_i / Σ w_{y_i}` over rows not ignored; distribution targets: `Σ ℓ_i / n`).
   * Sums are compensated, so a mean over 10⁷ rows keeps ≥ 13 digits. A mean over zero counted
   * rows is `NaN`; a sum over zero rows is `0`.
   * @defaultValue `'none'`
   */
  reduction?: Reduction;
  /**
   * Logarithm base: `Math.E` (nats), `2` (bits), `10` (bans). Not for softmax, logSoftmax, logSumExp.
   * @defaultValue `Math.E`
   * @throws RangeError when not a finite number > 0 and ≠ 1.
   */
  base?: number;
  /**
   * Divide each row of `p` (and `q`) by its sum first (SciPy `stats.entropy`). For entropy,
   * crossEntropy, klDivergence.
   * @defaultValue `false`
   */
  normalize?: boolean;
  /**
   * Clamp predictions into `[eps, 1-eps]` before the log (scikit-learn's clip, without its
   * renormalisation). For crossEntropy and binaryCrossEntropy.
   * @defaultValue `0` (exact)
   * @throws RangeError when outside `[0, 0.5]`.
   */
  eps?: number;
  /**
   * Per-class weights `w_c` (PyTorch `weight`), one per class. For crossEntropy and
   * softmaxCrossEntropy: `'none'` gives the weighted per-row loss.
   * @throws TypeError when its length is not the number of classes.
   */
  weights?: ArrayLike<number>;
  /**
   * With index targets: rows whose target equals it contribute nothing and are not counted
   * (their `'none'` value is 0). For crossEntropy and softmaxCrossEntropy (PyTorch `ignore_index`).
   */
  ignoreIndex?: number;
  /**
   * Targets become `(1-ε)·p + ε/k` (PyTorch `label_smoothing`), for index and distribution
   * targets. For crossEntropy and softmaxCrossEntropy.
   * @defaultValue `0`
   * @throws RangeError when outside `[0, 1]`.
   */
  labelSmoothing?: number;
  /**
   * Weight of the positive term of sigmoidCrossEntropy (PyTorch `pos_weight`):
   * `-(posWeight·y·log σ(z) + (1-y)·log(1-σ(z)))`.
   * @defaultValue `1`
   */
  posWeight?: number;
  /**
   * One weight `s_i ≥ 0` per row (per element for the elementwise functions), scikit-learn's
   * `sample_weight`: `'none'` gives `s_i·ℓ_i`, `'sum'` gives `Σ s_i·ℓ_i`, `'mean'` gives
   * `Σ s_i·ℓ_i / Σ s_i` (index targets with `weights`: `Σ s_i·none_i / Σ s_i·w_{y_i}`). A row
   * with `s_i = 0` counts for nothing, even where its loss is `+Infinity`. Every batch and
   * elementwise function but softmax and logSoftmax.
   * @throws RangeError for a negative, `NaN` or infinite weight (its index named).
   * @throws TypeError when its length is not the number of rows (elements).
   */
  sampleWeights?: ArrayLike<number>;
  /**
   * Check inputs (probabilities in `[0, 1]`, no `NaN`/`+Infinity` logits, class indices in
   * `[0, k)`); `false` skips the checks for speed (bad input then gives unspecified numbers).
   * @defaultValue `true`
   */
  validate?: boolean;
  /**
   * Write the per-row results into this array instead of allocating one; the call returns it.
   * Its length must be the number of rows (elements; for softmax, `n·k`). Not with
   * `reduction: 'sum' | 'mean'`. Nothing is written when the call throws.
   */
  out?: OutArray;
}

/** The options other than `reduction` and `out`, whose combinations decide the result type. */
export type CommonOptions = Omit<Options, 'reduction' | 'out'>;
/** Options giving one number. */
export type ReducedOptions = CommonOptions & { reduction: 'sum' | 'mean'; out?: undefined };
/** Options writing per-row results into `out`. */
export type OutOptions<O extends OutArray> = CommonOptions & { reduction?: 'none'; out: O };
/** Options giving one value per row. */
export type RowOptions = CommonOptions & { reduction?: 'none'; out?: undefined };
/** Options for a flat array read as one distribution. */
export type SingleOptions = RowOptions & { classes?: undefined };
/** Options of softmax and logSoftmax (no reduction, no base). */
export type SoftmaxOptions = Pick<Options, 'classes' | 'validate' | 'out'>;

/** Options of {@link Xentropy.scoreRows}. */
export interface ScoreOptions {
  /** Row width `k` of the flat scores. */
  classes: number;
  /** What the scores hold. */
  input: 'logits' | 'probs';
  /** Logarithm base of the results. @defaultValue `Math.E` */
  base?: number;
  /** @defaultValue `true` */
  validate?: boolean;
}

/** What {@link Xentropy.scoreRows} gives, one entry per row. */
export interface ScoredRows {
  crossEntropy: Float64Array;
  entropy: Float64Array;
  predicted: Int32Array;
}

/**
 * The xentropy API, the same on the `wasm` backend (`await load()`) and the `js` backend
 * (`js`). Every method is synchronous. Order is always (target, prediction).
 *
 * Errors, with `validate` on (the default), name the offending 0-based position
 * (`row 3, column 7`): `RangeError` for a value outside its domain (a negative, `NaN` or above-1
 * probability, a `NaN` or `+Infinity` logit, a class index not in `[0, k)`, an option out of
 * range); `TypeError` for a shape that does not fit (a flat length not divisible by `classes`,
 * rows of unequal length, mismatched `p`/`q` shapes, a non-array argument).
 *
 * @example
 * ```ts
 * import { load } from 'xentropy';
 * const x = await load();
 * x.crossEntropy(1, [0.2, 0.7, 0.1]); // → 0.35667494393873245
 * ```
 */
/** The engine features a loaded backend uses (`x.features`). */
export interface Features {
  simd: 'relaxed' | 'plain' | 'none';
}

export interface Xentropy {
  /** Which backend runs the kernels. */
  readonly backend: 'wasm' | 'js';
  /** What the backend runs on: the wasm build load() chose ('relaxed': relaxed SIMD with fused multiply-add; 'plain': SIMD), 'none' for js. */
  readonly features: Features;
  /** Bytes of memory the backend holds for its kernels (wasm: linear memory). Constant across calls and input sizes. */
  readonly memoryBytes: number;

  /**
   * Information content (surprisal) `-log p`, elementwise: a number gives a number, a flat array
   * an array of the same kind.
   *
   * @param p - probabilities in `[0, 1]`; `p = 0` gives `Infinity`
   * @param opts - `base`, `reduction` (over all elements), `sampleWeights`, `out`, `validate`
   * @returns `-log p` per element, or their sum or mean
   * @throws RangeError for a negative, `NaN` or above-1 probability (its index named)
   * @throws TypeError for rows (`number[][]`) or a non-array argument
   * @example
   * ```ts
   * x.informationContent(0.5, { base: 2 }); // → 1
   * x.informationContent([0.5, 0.25, 1], { base: 2 }); // → [1, 2, 0]
   * ```
   */
  informationContent(p: number | Distribution, opts: ReducedOptions): number;
  informationContent<O extends OutArray>(p: number | Distribution, opts: OutOptions<O>): O;
  informationContent(p: number, opts?: RowOptions): number;
  informationContent<P extends Distribution>(p: P, opts?: RowOptions): PerRow<P>;
  informationContent(p: number | Distribution, opts?: Options): Result;

  /**
   * Binary entropy `-p log p - (1-p) log(1-p)`, elementwise (`0 log 0 = 0`).
   *
   * @param p - probabilities in `[0, 1]`
   * @param opts - `base`, `reduction` (over all elements), `sampleWeights`, `out`, `validate`
   * @returns the binary entropy per element, or their sum or mean
   * @throws RangeError for a negative, `NaN` or above-1 probability (its index named)
   * @throws TypeError for rows (`number[][]`) or a non-array argument
   * @example
   * ```ts
   * x.binaryEntropy(0.5, { base: 2 }); // → 1
   * x.binaryEntropy(Float32Array.of(0.5, 0.1, 0)); // → Float32Array [0.6931471824645996, 0.3250829875469208, 0]
   * ```
   */
  binaryEntropy(p: number | Distribution, opts: ReducedOptions): number;
  binaryEntropy<O extends OutArray>(p: number | Distribution, opts: OutOptions<O>): O;
  binaryEntropy(p: number, opts?: RowOptions): number;
  binaryEntropy<P extends Distribution>(p: P, opts?: RowOptions): PerRow<P>;
  binaryEntropy(p: number | Distribution, opts?: Options): Result;

  /**
   * Shannon entropy `-Σ p log p` per distribution (`0 log 0 = 0`; SciPy `stats.entropy`).
   *
   * @param p - one distribution, rows, or a flat batch with `classes`
   * @param opts - `base`, `normalize`, `classes`, `reduction`, `sampleWeights`, `out`, `validate`
   * @returns a number for one distribution; one value per row for a batch; a number with `reduction: 'sum' | 'mean'`
   * @throws RangeError for a negative, `NaN` or (without `normalize`) above-1 probability (`row r, column c`)
   * @throws TypeError for rows of unequal length or a flat length not divisible by `classes`
   * @example
   * ```ts
   * x.entropy([0.5, 0.5], { base: 2 }); // → 1
   * x.entropy([[0.5, 0.5], [1, 0]], { base: 2 }); // → [1, 0]
   * x.entropy([1, 1, 2], { normalize: true }); // → 1.0397207708399179
   * ```
   */
  entropy(p: BatchInput, opts: ReducedOptions): number;
  entropy<O extends OutArray>(p: BatchInput, opts: OutOptions<O>): O;
  entropy(p: Nested, opts?: RowOptions): number[];
  entropy<P extends Distribution>(p: P, opts: RowOptions & { classes: number }): PerRow<P>;
  entropy(p: Distribution, opts?: SingleOptions): number;
  entropy(p: BatchInput, opts?: Options): Result;

  /**
   * Cross-entropy `H(p, q) = -Σ p log q` per row. `p` may be class indices (`-log q_y`), with
   * PyTorch's `weights`, `ignoreIndex` and `labelSmoothing`.
   *
   * @param p - targets: distributions shaped like `q`, class indices (one per row), or one index
   * @param q - predicted probabilities: one distribution, rows, or a flat batch with `classes`
   * @param opts - `base`, `reduction`, `classes`, `normalize`, `eps`, `weights`, `ignoreIndex`, `labelSmoothing`, `sampleWeights`, `out`, `validate`
   * @returns a number for one distribution; one value per row for a batch (`Float32Array` for `Float32Array` predictions); a number with `reduction: 'sum' | 'mean'`
   * @throws RangeError for a probability outside `[0, 1]` or `NaN`, a class index not in `[0, k)` (`row r`)
   * @throws TypeError for mismatched shapes, or targets whose length is neither `n` nor `n·k`
   * @example
   * ```ts
   * x.crossEntropy([0, 1, 0], [0.2, 0.7, 0.1]); // → 0.35667494393873245
   * x.crossEntropy(1, [0.2, 0.7, 0.1]); // → 0.35667494393873245
   * x.crossEntropy([1, 0], [[0.2, 0.8], [0.6, 0.4]]); // → [0.2231435513142097, 0.5108256237659907]
   * x.crossEntropy([1, 0], [[0.2, 0.8], [0.6, 0.4]], { reduction: 'mean' }); // → 0.3669845875401002
   * x.crossEntropy(Int32Array.of(1, 0), Float32Array.of(0.2, 0.8, 0.6, 0.4), { classes: 2 }); // → Float32Array [0.2231435328722, 0.5108255743980408]
   * ```
   */
  crossEntropy(p: TargetInput, q: BatchInput, opts: ReducedOptions): number;
  crossEntropy<O extends OutArray>(p: TargetInput, q: BatchInput, opts: OutOptions<O>): O;
  crossEntropy(p: TargetInput, q: Nested, opts?: RowOptions): number[];
  crossEntropy<Q extends Distribution>(p: TargetInput, q: Q, opts: RowOptions & { classes: number }): PerRow<Q>;
  crossEntropy(p: number | bigint | Distribution, q: Distribution, opts?: SingleOptions): number;
  crossEntropy(p: TargetInput, q: BatchInput, opts?: Options): Result;

  /**
   * Kullback–Leibler divergence `KL(p ‖ q) = Σ p log(p/q)` per row; `'mean'` is PyTorch's `batchmean`.
   *
   * @param p - targets: distributions shaped like `q`, or class indices (one-hot rows)
   * @param q - predicted probabilities: one distribution, rows, or a flat batch with `classes`
   * @param opts - `base`, `reduction`, `classes`, `normalize`, `sampleWeights`, `out`, `validate`
   * @returns a number for one distribution; one value per row for a batch; a number with `reduction: 'sum' | 'mean'`
   * @throws RangeError for a probability outside `[0, 1]` or `NaN` (`row r, column c`)
   * @throws TypeError for mismatched shapes
   * @example
   * ```ts
   * x.klDivergence([0.5, 0.5], [0.9, 0.1]); // → 0.5108256237659907
   * ```
   */
  klDivergence(p: TargetInput, q: BatchInput, opts: ReducedOptions): number;
  klDivergence<O extends OutArray>(p: TargetInput, q: BatchInput, opts: OutOptions<O>): O;
  klDivergence(p: TargetInput, q: Nested, opts?: RowOptions): number[];
  klDivergence<Q extends Distribution>(p: TargetInput, q: Q, opts: RowOptions & { classes: number }): PerRow<Q>;
  klDivergence(p: number | bigint | Distribution, q: Distribution, opts?: SingleOptions): number;
  klDivergence(p: TargetInput, q: BatchInput, opts?: Options): Result;

  /**
   * Softmax `e^{z_j} / Σ e^z` per row, computed stably (the row's max subtracted first). A
   * `-Infinity` logit is a masked class (probability 0).
   *
   * @param logits - one row, rows, or a flat batch with `classes`
   * @param opts - `classes`, `out` (length `n·k`), `validate`
   * @returns the same shape and kind as `logits` (`number[][]` for rows)
   * @throws RangeError for a `NaN` or `+Infinity` logit (`row r, column c`)
   * @example
   * ```ts
   * x.softmax([0, 0]); // → [0.5, 0.5]
   * x.softmax(Float32Array.of(0, Math.log(3))); // → Float32Array [0.25, 0.75]
   * ```
   */
  softmax<O extends OutArray>(logits: BatchInput, opts: SoftmaxOptions & { out: O }): O;
  softmax<T extends BatchInput>(logits: T, opts?: SoftmaxOptions & { out?: undefined }): SameKind<T>;

  /**
   * Log-softmax `z_j - log Σ e^z` per row, computed stably.
   *
   * @param logits - one row, rows, or a flat batch with `classes`
   * @param opts - `classes`, `out` (length `n·k`), `validate`
   * @returns the same shape and kind as `logits` (`number[][]` for rows)
   * @throws RangeError for a `NaN` or `+Infinity` logit (`row r, column c`)
   * @example
   * ```ts
   * x.logSoftmax([0, 0]); // → [-0.6931471805599453, -0.6931471805599453]
   * ```
   */
  logSoftmax<O extends OutArray>(logits: BatchInput, opts: SoftmaxOptions & { out: O }): O;
  logSoftmax<T extends BatchInput>(logits: T, opts?: SoftmaxOptions & { out?: undefined }): SameKind<T>;

  /**
   * Log-sum-exp `log Σ e^z` per row, stable (SciPy `logsumexp`, `torch.logsumexp`). `-Infinity`
   * entries count for nothing; an all-`-Infinity` row gives `-Infinity`.
   *
   * @param logits - one row, rows, or a flat batch with `classes`
   * @param opts - `classes`, `reduction`, `sampleWeights`, `out`, `validate`
   * @returns a number for one row; one value per row for a batch; a number with `reduction: 'sum' | 'mean'`
   * @throws RangeError for a `NaN` or `+Infinity` logit (`row r, column c`)
   * @example
   * ```ts
   * x.logSumExp([0, 0]); // → 0.6931471805599453
   * x.logSumExp([[0, Math.log(3)], [-Infinity, -Infinity]]); // → [1.3862943611198906, -Infinity]
   * ```
   */
  logSumExp(logits: BatchInput, opts: ReducedOptions): number;
  logSumExp<O extends OutArray>(logits: BatchInput, opts: OutOptions<O>): O;
  logSumExp(logits: Nested, opts?: RowOptions): number[];
  logSumExp<T extends Distribution>(logits: T, opts: RowOptions & { classes: number }): PerRow<T>;
  logSumExp(logits: Distribution, opts?: SingleOptions): number;
  logSumExp(logits: BatchInput, opts?: Options): Result;

  /**
   * Softmax cross-entropy `crossEntropy(p, softmax(logits))`, computed stably from the logits
   * (`log Σ e^z - z_y` for an index target): PyTorch's `cross_entropy`.
   *
   * @param p - targets: class indices (one per row), one index, or distributions shaped like `logits`
   * @param logits - raw scores: one row, rows, or a flat batch with `classes`
   * @param opts - `base`, `reduction`, `classes`, `weights`, `ignoreIndex`, `labelSmoothing`, `sampleWeights`, `out`, `validate`
   * @returns a number for one row; one value per row for a batch (`Float32Array` for `Float32Array` logits); a number with `reduction: 'sum' | 'mean'`
   * @throws RangeError for a `NaN` or `+Infinity` logit, a class index not in `[0, k)` (`row r`)
   * @throws TypeError for mismatched shapes, or targets whose length is neither `n` nor `n·k`
   * @example
   * ```ts
   * x.softmaxCrossEntropy(0, [0, 0]); // → 0.6931471805599453
   * x.softmaxCrossEntropy(Int32Array.of(0, 1), Float32Array.of(2, 0, 0, 0, 1, 0), { classes: 3 }); // → Float32Array [0.23954477906227112, 0.5514447093009949]
   * x.softmaxCrossEntropy([0, 1], [[2, 0, 0], [0, 1, 0]], { reduction: 'mean' }); // → 0.39549474007696783
   * ```
   */
  softmaxCrossEntropy(p: TargetInput, logits: BatchInput, opts: ReducedOptions): number;
  softmaxCrossEntropy<O extends OutArray>(p: TargetInput, logits: BatchInput, opts: OutOptions<O>): O;
  softmaxCrossEntropy(p: TargetInput, logits: Nested, opts?: RowOptions): number[];
  softmaxCrossEntropy<Q extends Distribution>(
    p: TargetInput,
    logits: Q,
    opts: RowOptions & { classes: number },
  ): PerRow<Q>;
  softmaxCrossEntropy(p: number | bigint | Distribution, logits: Distribution, opts?: SingleOptions): number;
  softmaxCrossEntropy(p: TargetInput, logits: BatchInput, opts?: Options): Result;

  /**
   * Binary cross-entropy `-(y log p + (1-y) log(1-p))`, elementwise (PyTorch `binary_cross_entropy`,
   * without its clamp of the log at -100: `p = 0` with `y = 1` gives `Infinity`).
   *
   * @param y - targets in `[0, 1]`, a number or a flat array like `p`
   * @param p - predicted probabilities of the positive class
   * @param opts - `base`, `eps`, `reduction` (over all elements), `sampleWeights`, `out`, `validate`
   * @returns the loss per element (the kind of `p`), or their sum or mean
   * @throws RangeError for a probability outside `[0, 1]` or `NaN` (its index named)
   * @throws TypeError for rows (`number[][]`) or `y` and `p` of different lengths
   * @example
   * ```ts
   * x.binaryCrossEntropy(1, 0.5); // → 0.6931471805599453
   * x.binaryCrossEntropy([1, 0], [0.9, 0.2]); // → [0.10536051565782628, 0.22314355131420976]
   * x.binaryCrossEntropy([1, 0], [0.9, 0.2], { reduction: 'mean' }); // → 0.16425203348601802
   * ```
   */
  binaryCrossEntropy(y: number | Distribution, p: number | Distribution, opts: ReducedOptions): number;
  binaryCrossEntropy<O extends OutArray>(y: number | Distribution, p: number | Distribution, opts: OutOptions<O>): O;
  binaryCrossEntropy(y: number, p: number, opts?: RowOptions): number;
  binaryCrossEntropy<P extends Distribution>(y: Distribution, p: P, opts?: RowOptions): PerRow<P>;
  binaryCrossEntropy(y: number | Distribution, p: number | Distribution, opts?: Options): Result;

  /**
   * Binary cross-entropy from logits, in the stable form `max(z,0) - z·y + log(1+e^-|z|)`
   * (PyTorch `binary_cross_entropy_with_logits`, with `posWeight` as its `pos_weight`).
   *
   * @param y - targets in `[0, 1]`, a number or a flat array like `logits`
   * @param logits - raw scores `z` of the positive class
   * @param opts - `base`, `posWeight`, `reduction` (over all elements), `sampleWeights`, `out`, `validate`
   * @returns the loss per element (the kind of `logits`), or their sum or mean
   * @throws RangeError for a target outside `[0, 1]`, a `NaN` or `+Infinity` logit (its index named)
   * @throws TypeError for rows (`number[][]`) or `y` and `logits` of different lengths
   * @example
   * ```ts
   * x.sigmoidCrossEntropy(1, 0); // → 0.6931471805599453
   * x.sigmoidCrossEntropy(1, 0, { posWeight: 3 }); // → 2.0794415416798357
   * x.sigmoidCrossEntropy(Float32Array.of(1, 0), Float32Array.of(2, -1)); // → Float32Array [0.12692801654338837, 0.3132616877555847]
   * ```
   */
  sigmoidCrossEntropy(y: number | Distribution, logits: number | Distribution, opts: ReducedOptions): number;
  sigmoidCrossEntropy<O extends OutArray>(
    y: number | Distribution,
    logits: number | Distribution,
    opts: OutOptions<O>,
  ): O;
  sigmoidCrossEntropy(y: number, logits: number, opts?: RowOptions): number;
  sigmoidCrossEntropy<P extends Distribution>(y: Distribution, logits: P, opts?: RowOptions): PerRow<P>;
  sigmoidCrossEntropy(y: number | Distribution, logits: number | Distribution, opts?: Options): Result;

  /**
   * Scores a batch of predictions against class indices in one pass: per row the cross-entropy,
   * the entropy of the predicted distribution (for logits, of their softmax) and the arg-max
   * (first on ties) — what `xentropy score` and `Accumulator` need. Scores are logits or
   * probabilities (`input`), flat with `classes`; units follow `base`.
   *
   * @param labels - one class index per row
   * @param scores - flat row-major scores, `n·classes` of them
   * @param opts - `classes` and `input` (required), `base`, `validate`
   * @returns per-row cross-entropy, entropy and predicted class
   * @throws RangeError for a bad score or class index (its row named)
   * @throws TypeError when `labels` is not one class index per row
   * @example
   * ```ts
   * x.scoreRows([0], [2, 0], { classes: 2, input: 'logits' }).predicted; // → Int32Array [0]
   * ```
   */
  scoreRows(labels: TargetInput, scores: Float64Array | Float32Array | number[], opts: ScoreOptions): ScoredRows;

  /**
   * A typed array living in the backend's own memory, which every function reads without a copy
   * (zero-copy). On wasm it is a view of linear memory: a later `alloc` may grow that memory and
   * detach earlier views (their length becomes 0), so allocate what you need before filling it
   * (or {@link Xentropy.reserve} first), and `free` every array when done (freed space is
   * reused). On js it is an ordinary array.
   *
   * @param type - `Float64Array`, `Float32Array` or `Int32Array`
   * @param length - number of elements
   * @returns a zero-filled array of that type and length
   * @throws TypeError for another type; RangeError for a bad length or when memory cannot grow
   * @example
   * ```ts
   * const logits = x.alloc(Float64Array, 6); // fill it (a model writes its output here), then:
   * logits.set([2, 0, 0, 0, 1, 0]);
   * x.softmaxCrossEntropy([0, 1], logits, { classes: 3, reduction: 'sum' }); // → 0.7909894801539357
   * x.free(logits);
   * ```
   */
  alloc<T extends AllocatableArray>(type: AllocatableType<T>, length: number): T;

  /**
   * Releases an array from {@link Xentropy.alloc} (also one detached by memory growth).
   * @param array - the array `alloc` gave
   */
  free(array: AllocatableArray): void;

  /**
   * Grows the backend's memory once so that later `alloc` calls totalling `bytes` (plus 16 bytes
   * each) fit without growing it again — so arrays allocated one after another are not detached.
   *
   * @param bytes - total bytes of the arrays to come
   * @throws RangeError when `bytes` is not an integer in `[0, 4 GiB)` or memory cannot grow
   * @example
   * ```ts
   * x.reserve(2 * 6 * 4 + 64);
   * const a = x.alloc(Float32Array, 6), b = x.alloc(Float32Array, 6); // both stay attached
   * a.length + b.length; // → 12
   * ```
   */
  reserve(bytes: number): void;
}
