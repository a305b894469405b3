"""Comparing floats computed on two machines: equal to a few units in the last place, never by bytes.

numpy's ``exp``, ``tanh`` and BLAS differ in the last bit across CPUs (SIMD paths, summation
order), so data regenerated on another machine matches the committed data only to a few ulps.
An entry's error is measured in ulps of the largest magnitude in its array: values computed by
sums over an array carry rounding of that size, whatever their own magnitude.
"""

import numpy as np

ULPS = 64
"""How many units in the last place (of an array's largest entry) two machines may differ by.

Sums over a few entries, rounded in another order by another CPU's SIMD paths or fused multiply-adds,
differ by about 10 such units (seen on an AVX-512 machine); a changed formula differs by millions.
"""


def within_ulps(actual, desired, *, ulps: int = ULPS) -> bool:
    """Whether two arrays have the same shape and dtype and float entries a few ulps apart (others equal)."""
    actual, desired = np.asarray(actual), np.asarray(desired)
    if actual.shape != desired.shape or actual.dtype != desired.dtype:
        return False
    if desired.dtype.kind != "f":
        return bool(np.array_equal(actual, desired))
    scale = np.spacing(np.max(np.abs(desired), initial=np.finfo(desired.dtype).tiny))
    return bool(np.all(np.abs(actual - desired) <= ulps * scale))
