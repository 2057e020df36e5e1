#!/usr/bin/env python3
"""The polynomial of assembly/vmath_f32.ts's expCore: e^r ≈ 1 + r + r²·Q(r), Q of degree 3, on
|r| ≤ ln2/2, fitted for least maximum relative error (Lawson's iteratively reweighted least
squares, 60 rounds, on 4 000 Chebyshev points; references by mpmath at 30 digits), coefficients
rounded to float32. Prints them and the worst relative error of the float32 Horner evaluation the
kernel does, over 20 001 float32 points. Deterministic; run: python3 scripts/fit_expf.py
"""
import mpmath
import numpy as np

mpmath.mp.dps = 30
A = float(np.log(2) / 2)
DEGREE = 3


def fit() -> np.ndarray:
    r = np.cos(np.linspace(0, np.pi, 4001)) * A
    r = r[np.abs(r) > 1e-9]
    g = np.array([float((mpmath.exp(mpmath.mpf(x)) - 1 - x) / (x * x)) for x in r])  # what Q approximates
    w = r * r / np.exp(r)  # error in Q times r²/e^r is the relative error of e^r
    v = np.vander(r, DEGREE + 1, increasing=True)
    lawson = np.ones_like(r)
    for _ in range(60):
        ww = w * np.sqrt(lawson)
        c, *_ = np.linalg.lstsq(v * ww[:, None], g * ww, rcond=None)
        err = np.abs(v @ c - g) * w
        lawson = lawson * err / err.sum() * len(err)
    return np.float32(c)


def worst_float32(c: np.ndarray) -> float:
    worst = 0.0
    for x in np.float32(np.linspace(-A, A, 20001)):
        p = c[DEGREE]
        for k in range(DEGREE - 1, -1, -1):
            p = np.float32(p * x + c[k])
        y = np.float32(np.float32(np.float32(p * x) * x + x) + np.float32(1))
        exact = mpmath.exp(mpmath.mpf(float(x)))
        worst = max(worst, float(abs(mpmath.mpf(float(y)) - exact) / exact))
    return worst


if __name__ == "__main__":
    c = fit()
    for k, v in enumerate(c):
        print(f"Q{k}: {float(v):.9e}  (float32 bits 0x{np.float32(v).view(np.uint32):08X})")
    print(f"worst relative error, float32 Horner: {worst_float32(c):.3e}")
