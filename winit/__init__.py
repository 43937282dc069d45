"""winit: neural-network weight initialisation in numpy, for the book.

Every scheme is one line over :func:`variance_scaling`: draw weights of
variance ``scale / n`` from a uniform, normal or truncated normal
distribution.  The tutorial's schemes are :func:`xavier`,
:func:`normalized_xavier` and :func:`he` (with :func:`xavier_bounds`,
:func:`normalized_xavier_bounds` and :func:`he_std`, which print exactly as
its listings do); Keras's are ``glorot_*``, ``he_*`` and ``lecun_*``.
Weights are stored ``(in, out)``, as ``x @ W`` (see :func:`compute_fans`).
Randomness comes only from the ``rng`` argument (SPEC 7).
"""

from .fans import calculate_gain, compute_fans
from .schemes import (
    Summary,
    glorot_normal,
    glorot_uniform,
    he,
    he_normal,
    he_std,
    he_uniform,
    lecun_normal,
    lecun_uniform,
    normalized_xavier,
    normalized_xavier_bounds,
    summarize,
    variance_scaling,
    xavier,
    xavier_bounds,
)

__version__ = "0.1.0"

__all__ = [
    "xavier",
    "normalized_xavier",
    "he",
    "xavier_bounds",
    "normalized_xavier_bounds",
    "he_std",
    "compute_fans",
    "variance_scaling",
    "glorot_uniform",
    "glorot_normal",
    "he_uniform",
    "he_normal",
    "lecun_uniform",
    "lecun_normal",
    "calculate_gain",
    "summarize",
    "Summary",
]
