"""Means, standard deviations and norms that neither overflow nor underflow.

``numpy.std`` squares the deviations: in float32 they overflow beyond about
``1.8e19`` and in float64 beyond ``1.3e154``, giving ``inf`` for values that
are perfectly finite, and below the square root of the smallest normal number
they underflow, giving 0 for values that differ.  Every function here first
computes what numpy computes (so ordinary arrays give numpy's result to the
bit, which is what the book prints), and only when that result may have left
the floating range computes again, on float64 (for narrower types) or on the
array divided by its largest magnitude.

This module belongs to winit's library layer: numpy only.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["mean_std", "norm", "std"]


def _float(a):
    a = np.asarray(a)
    return a if a.dtype.kind == "f" else a.astype(np.float64)


def _small(a):
    """Below this, a root of a sum of squares may have lost bits to underflow."""
    info = np.finfo(a.dtype)
    return math.sqrt(float(info.smallest_normal)) / float(info.eps)


def _rescaled(a):
    """``(y, scale)`` with ``a == y * scale`` and ``y``'s squares in range: ``a`` in
    float64 if it is narrower (its squares then fit), else ``a / max|a|``."""
    if a.dtype.itemsize < 8:
        return a.astype(np.float64), 1.0
    scale = float(np.max(np.abs(a))) if a.size else 0.0
    if scale == 0.0 or not math.isfinite(scale):
        return a, 1.0
    return a / scale, scale


def mean_std(a):
    """``(mean, std)`` of the finite array ``a`` (population std, ``ddof=0``), as
    Python floats, without overflow or underflow of the squares.

    Examples
    --------
    >>> import numpy as np
    >>> from winit._numerics import mean_std
    >>> mean_std(np.array([60000.0, -60000.0], dtype=np.float16))
    (0.0, 60000.0)
    >>> mean_std(np.array([1e300, -1e300]))
    (0.0, 1e+300)
    """
    a = _float(a)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        m, s = a.mean(), a.std()
        redo_mean = not np.isfinite(m)
        redo_std = not np.isfinite(s) or (s < _small(a) and a.max() != a.min())
        if (redo_mean or redo_std) and a.size:
            y, scale = _rescaled(a)
            if redo_mean:
                m = float(y.mean()) * scale
            if redo_std:
                s = float(y.std()) * scale
    return float(m), float(s)


def std(a):
    """The population standard deviation of the finite array ``a``, as
    :func:`mean_std` computes it (without computing the mean twice)."""
    a = _float(a)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        s = a.std()
        if a.size and (not np.isfinite(s) or (s < _small(a) and a.max() != a.min())):
            y, scale = _rescaled(a)
            s = float(y.std()) * scale
    return float(s)


def norm(a):
    """The Euclidean norm of the finite array ``a`` (all entries), as a Python
    float, without overflow or underflow of the squares.

    Examples
    --------
    >>> import numpy as np
    >>> from winit._numerics import norm
    >>> norm(np.array([3.0, 4.0]) * 2.0**700) == 5.0 * 2.0**700  # squares beyond float64
    True
    """
    a = _float(a).ravel()
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        n = np.linalg.norm(a)
        if a.size and (not np.isfinite(n) or (n < _small(a) and np.any(a))):
            y, scale = _rescaled(a)
            n = float(np.linalg.norm(y)) * scale
    return float(n)
