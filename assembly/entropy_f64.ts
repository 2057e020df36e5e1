// Information content, binary entropy and Shannon entropy over float64 rows
// (mirror of src/js/entropy_f64.ts, function for function).
//
// Every kernel returns 1 when it saw a value outside its domain (the wrapper then locates it and
// throws), 0 otherwise; results go to `out` and into the chunk totals. Logs are NativeMath
// (musl log.c, < 0.52 ulp; log1p < 1 ulp). Error bound: all terms non-negative, each within
// ~2 ulp, summed with compensation: ≤ 4 ulp per row (checked against mpmath by the fixtures).
import { addRow, rowSum, settle, sumError } from './accumulate';

/** -ln p / ln b elementwise. p = 0 gives +Infinity. */
export function informationContentF64(p: usize, n: i32, out: usize, lnBase: f64): i32 {
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const x = load<f64>(p + (<usize>i << 3));
    if (!(x >= 0 && x <= 1)) bad = 1;
    const v = (0 - Math.log(x)) / lnBase; // 0 - ln 1 = +0, not -0
    store<f64>(out + (<usize>i << 3), v);
    addRow(v);
  }
  return bad;
}

/** -(p ln p + (1-p) ln(1-p)) / ln b elementwise; ln(1-p) as log1p(-p) so p near 0 keeps its digits. */
export function binaryEntropyF64(p: usize, n: i32, out: usize, lnBase: f64): i32 {
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const x = load<f64>(p + (<usize>i << 3));
    if (!(x >= 0 && x <= 1)) bad = 1;
    const y = 1 - x; // exact for x in [0.5, 1] (Sterbenz)
    const a = x != 0 ? -x * Math.log(x) : 0.0;
    const b = y != 0 ? -y * Math.log1p(-x) : 0.0;
    const v = (a + b) / lnBase;
    store<f64>(out + (<usize>i << 3), v);
    addRow(v);
  }
  return bad;
}

/**
 * -Σ p ln p per row of k, 0·ln 0 = 0. With `normalize` each entry is first divided by the row's
 * compensated sum (SciPy stats.entropy); dividing before the log keeps near-0 entropies accurate.
 */
export function entropyRowsF64(p: usize, n: i32, k: i32, out: usize, lnBase: f64, normalize: i32): i32 {
  let bad = 0;
  const pMax = normalize ? Infinity : 1.0;
  for (let r = 0; r < n; r++) {
    const row = p + ((<usize>r * <usize>k) << 3);
    const total = normalize ? rowSum(row, k) : 1.0;
    let s = 0.0;
    let c = 0.0;
    for (let j = 0; j < k; j++) {
      const x = load<f64>(row + (<usize>j << 3));
      if (!(x >= 0 && x <= pMax)) bad = 1;
      const y = normalize ? x / total : x;
      if (y != 0) {
        const v = -y * Math.log(y);
        const t = s + v;
        c += sumError(s, v, t);
        s = t;
      }
    }
    const h = settle(s, c) / lnBase;
    store<f64>(out + (<usize>r << 3), h);
    addRow(h);
  }
  return bad;
}
