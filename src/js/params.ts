/**
 * The parameter block (mirror of assembly/params.ts): a call's options, resolved once
 * (src/validate.ts, resolveOptions) and set before the first chunk (Backend.setParams). Kernels
 * take only their data and read the options here at entry. A new option: one field here (in the
 * interface, PARAM_FIELDS, DEFAULT_PARAMS and writeParams) and its slot in assembly/params.ts;
 * the wasm backend checks the module's slots against PARAM_FIELDS when it loads, and
 * test/kernels.test.ts checks both sides.
 */
export interface KernelParams {
  /** ln of the logarithm base (1 for nats). */
  lnBase: number;
  /** Probability clamp [eps, 1 - eps] (0: exact). */
  eps: number;
  /** Label smoothing ε. */
  smoothing: number;
  /** Class index that marks a row as ignored (NaN: none). */
  ignoreIndex: number;
  /** sigmoidCrossEntropy's positive weight. */
  posWeight: number;
  /** 1: divide rows by their sums first. */
  normalize: number;
  /** softmaxRows: 1 for logSoftmax. */
  log: number;
  /** scoreRows: 1 when the scores are logits. */
  logits: number;
}

/** The fields in slot order: field i lives at byte offset 8·i of the wasm parameter block. */
export const PARAM_FIELDS = [
  'lnBase',
  'eps',
  'smoothing',
  'ignoreIndex',
  'posWeight',
  'normalize',
  'log',
  'logits',
] as const satisfies readonly (keyof KernelParams)[];

export const DEFAULT_PARAMS: Readonly<KernelParams> = Object.freeze({
  lnBase: 1,
  eps: 0,
  smoothing: 0,
  ignoreIndex: NaN,
  posWeight: 1,
  normalize: 0,
  log: 0,
  logits: 0,
});

/** The block the kernels read: set field by field, so it keeps one shape (the JIT's inline caches stay monomorphic). */
export const params: KernelParams = { ...DEFAULT_PARAMS };

export function setParams(p: KernelParams): void {
  Object.assign(params, p);
}

/** Writes p into dst[at ..] in PARAM_FIELDS order (the wasm parameter block), field by field: no keyed loads. */
export function writeParams(p: KernelParams, dst: Float64Array, at: number): void {
  dst[at] = p.lnBase;
  dst[at + 1] = p.eps;
  dst[at + 2] = p.smoothing;
  dst[at + 3] = p.ignoreIndex;
  dst[at + 4] = p.posWeight;
  dst[at + 5] = p.normalize;
  dst[at + 6] = p.log;
  dst[at + 7] = p.logits;
}
