/** Floating-point constants shared by the kernel families (mirror of assembly/constants.ts). */

/** Smallest positive normal float64, 2^-1022. */
export const MIN_NORMAL = 2.2250738585072014e-308;
