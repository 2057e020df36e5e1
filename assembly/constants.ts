// Floating-point constants shared by the kernel families (mirror of src/js/constants.ts).

/** Smallest positive normal float64, 2^-1022. */
export const MIN_NORMAL: f64 = 2.2250738585072014e-308;
/** Smallest positive normal float32, 2^-126. */
export const F32_MIN_NORMAL: f32 = 1.1754943508222875e-38;
/** √2/2 - 1 and √2 - 1: the range of d = a/b - 1 where ln(a/b) is taken as log1p(d). */
export const SQRT_HALF_M1: f64 = -0.2928932188134524;
export const SQRT2_M1: f64 = 0.41421356237309515;
