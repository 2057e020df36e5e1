// The parameter block: a call's options, resolved once by the wrapper (src/validate.ts,
// kernelParams) and written into the fixed slots at PARAMS before the first chunk (mirror of
// src/js/params.ts). Kernels take only their data (targets, predictions, n, k, out, weights) and
// read the options here at entry. Every PARAM_<name> is exported (assembly/index.ts) as the byte
// offset of the slot the wrapper writes the field <name> of KernelParams to; the names are the
// same on both sides (test/kernels.test.ts checks them). A new option: one slot and one reader here.
import { PARAMS } from './scratch';

/** ln of the logarithm base (1 for nats). */
export const PARAM_lnBase: i32 = 0;
/** Probability clamp [eps, 1 - eps] (0: exact). */
export const PARAM_eps: i32 = 8;
/** Label smoothing ε. */
export const PARAM_smoothing: i32 = 16;
/** Class index that marks a row as ignored (NaN: none). */
export const PARAM_ignoreIndex: i32 = 24;
/** sigmoidCrossEntropy's positive weight. */
export const PARAM_posWeight: i32 = 32;
/** 1: divide rows by their sums first. */
export const PARAM_normalize: i32 = 40;
/** softmaxRows: 1 for logSoftmax. */
export const PARAM_log: i32 = 48;
/** scoreRows: 1 when the scores are logits. */
export const PARAM_logits: i32 = 56;

// @ts-ignore: decorator
@inline export function lnBase(): f64 {
  return load<f64>(PARAMS + PARAM_lnBase);
}

// @ts-ignore: decorator
@inline export function eps(): f64 {
  return load<f64>(PARAMS + PARAM_eps);
}

// @ts-ignore: decorator
@inline export function smoothing(): f64 {
  return load<f64>(PARAMS + PARAM_smoothing);
}

// @ts-ignore: decorator
@inline export function ignoreIndex(): f64 {
  return load<f64>(PARAMS + PARAM_ignoreIndex);
}

// @ts-ignore: decorator
@inline export function posWeight(): f64 {
  return load<f64>(PARAMS + PARAM_posWeight);
}

// @ts-ignore: decorator
@inline export function normalize(): i32 {
  return <i32>(load<f64>(PARAMS + PARAM_normalize) != 0);
}

// @ts-ignore: decorator
@inline export function log(): i32 {
  return <i32>(load<f64>(PARAMS + PARAM_log) != 0);
}

// @ts-ignore: decorator
@inline export function logits(): i32 {
  return <i32>(load<f64>(PARAMS + PARAM_logits) != 0);
}
