/**
 * Scoring rows of predictions against class indices in one pass (mirror of assembly/score.ts).
 *
 * Formulas: per row the cross-entropy, the entropy of the predicted distribution and the arg-max
 * (first on ties). Logits: m = max z, d_c = z_c - m ≤ 0, S = Σ e^d, T = Σ e^d·(-d); cross-entropy
 * = (m - z_y) + ln S, entropy = ln S + T/S (non-negative terms only). Probabilities: cross-entropy
 * = -ln q_y, entropy = -Σ q ln q (0·ln 0 = 0). The arg-max overwrites the labels at `y` (each
 * label is read before its slot is overwritten).
 * Algorithm: as softmax (exp from vmath.ts, table-driven, ≤ 3 ulp), compensated sums.
 * Error bound: each value within max(1e-13·|exact|, 1e-15) of the value computed with mpmath at 50
 * digits (API.md's float64 bound) of softmaxCrossEntropy / entropy(softmax) (float32 scores:
 * max(2e-6·|exact|, 2^-126) of the exact value of the same float32 inputs (API.md's float32
 * bound)); test/score-rows.test.ts checks it against those functions.
 */
import { addRow, settle, sumError } from './accumulate.js';
import { classOf, INVALID } from './targets.js';
import type { View, View32 } from '../backend/backend.js';
import { params } from './params.js';

type Scores = Float64Array | Float32Array;

/** First index of the row's largest value (-1 when none is > -Infinity); flags per `logits`. */
function argMax(z: Scores, row: number, k: number, logits: boolean, flag: { bad: number }): number {
  let m = -Infinity;
  let at = -1;
  for (let j = 0; j < k; j++) {
    const v = z[row + j];
    if (logits ? !(v < Infinity) : !(v >= 0 && v <= 1)) flag.bad = 1;
    if (v > m) {
      m = v;
      at = j;
    }
  }
  return at;
}

function finishRow(
  r: number,
  at: number,
  ce: number,
  h: number,
  y: Float64Array,
  yOff: number,
  ce0: Float64Array,
  ceOff: number,
  h0: Float64Array,
  hOff: number,
  lnBase: number,
): void {
  const loss = ce / lnBase;
  ce0[ceOff + r] = loss;
  h0[hOff + r] = h / lnBase;
  y[yOff + r] = at;
  addRow(loss);
}

function scoreRows(
  y: Float64Array,
  yOff: number,
  p: Scores,
  pOff: number,
  n: number,
  k: number,
  outCe: Float64Array,
  ceOff: number,
  outH: Float64Array,
  hOff: number,
  lnBase: number,
  logits: number,
): number {
  const flag = { bad: 0 };
  for (let r = 0; r < n; r++) {
    const row = pOff + r * k;
    const c = classOf(y[yOff + r], k, NaN);
    if (c === INVALID) flag.bad = 1;
    const at = argMax(p, row, k, logits !== 0, flag);
    if (!logits) {
      let s = 0,
        sc = 0;
      for (let j = 0; j < k; j++) {
        const x = p[row + j];
        if (x === 0) continue;
        const v = -x * Math.log(x);
        const t = s + v;
        sc += sumError(s, v, t);
        s = t;
      }
      finishRow(
        r,
        at,
        c < 0 ? NaN : 0 - Math.log(p[row + c]),
        settle(s, sc),
        y,
        yOff,
        outCe,
        ceOff,
        outH,
        hOff,
        lnBase,
      );
      continue;
    }
    if (at < 0 || c < 0) {
      finishRow(r, at, c < 0 ? NaN : Infinity, NaN, y, yOff, outCe, ceOff, outH, hOff, lnBase);
      continue;
    }
    const m = p[row + at];
    let s = 0,
      sc = 0,
      t = 0,
      tc = 0;
    for (let j = 0; j < k; j++) {
      const negD = m - p[row + j];
      const e = Math.exp(-negD);
      const s2 = s + e;
      sc += sumError(s, e, s2);
      s = s2;
      if (e === 0) continue; // 0·∞ = 0 for masked classes
      const w = e * negD;
      const t2 = t + w;
      tc += sumError(t, w, t2);
      t = t2;
    }
    const lnS = s < 2 ? Math.log1p(s - 1 + sc) : Math.log(s + sc);
    finishRow(r, at, m - p[row + c] + lnS, lnS + settle(t, tc) / (s + sc), y, yOff, outCe, ceOff, outH, hOff, lnBase);
  }
  return flag.bad;
}

/** Scores rows of float64 logits or probabilities (params: lnBase, logits); see the file header. */
export function scoreRowsF64(y: View, p: View, n: number, k: number, outCe: View, outH: View): number {
  return scoreRows(
    y.arr,
    y.off,
    p.arr,
    p.off,
    n,
    k,
    outCe.arr,
    outCe.off,
    outH.arr,
    outH.off,
    params.lnBase,
    params.logits,
  );
}

/** Float32 scores: JavaScript reads either array kind with the same code. */
export function scoreRowsF32(y: View, p: View32, n: number, k: number, outCe: View, outH: View): number {
  return scoreRows(
    y.arr,
    y.off,
    p.arr,
    p.off,
    n,
    k,
    outCe.arr,
    outCe.off,
    outH.arr,
    outH.off,
    params.lnBase,
    params.logits,
  );
}
