/**
 * Compensated (Kahan–Babuška–Neumaier) summation.
 *
 * Neumaier, "Rundungsfehleranalyse einiger Verfahren zur Summation endlicher Summen",
 * ZAMM 54 (1974). The error of the result is about 2ε·|Σx| + O(nε²)·Σ|x|, independent of n to
 * first order (Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., §4.3), so a mean
 * over 10⁷ rows keeps all but the last bit or two. The state (sum, carry) merges exactly enough
 * that chunk size and merge order change the result by at most an ulp or two.
 */
export class CompensatedSum {
  sum = 0;
  carry = 0;

  add(x: number): this {
    const s = this.sum;
    const t = s + x;
    // The rounding error of s + x, recovered exactly (Fast2Sum on the larger operand first).
    this.carry += Math.abs(s) >= Math.abs(x) ? s - t + x : x - t + s;
    this.sum = t;
    return this;
  }

  /** Adds another partial state (its sum and its carry). */
  merge(sum: number, carry: number): this {
    this.add(sum);
    this.carry += carry;
    return this;
  }

  /** The compensated total. Non-finite sums (Infinity, NaN) pass through unchanged. */
  get value(): number {
    const v = this.sum + this.carry;
    return Number.isFinite(this.sum) ? v : this.sum;
  }
}
