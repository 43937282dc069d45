r"""Weight-initialisation schemes: one variance-scaling core, thin named schemes.

Every sampler here is one line over :func:`variance_scaling`, which draws
weights of variance :math:`\text{scale}/n` from a uniform, normal or truncated
normal distribution, as Keras's ``VarianceScaling`` does.  The tutorial's
three schemes (:func:`xavier`, :func:`normalized_xavier`, :func:`he`) and
Keras's six (``glorot_*``, ``he_*``, ``lecun_*``) only fix its scale, mode and
distribution (the tutorial's call its second half, ``_variance_scaling``, so
that a bad ``size`` is reported as ``size``).  Randomness follows SPEC 7: a keyword-only ``rng`` (None, an
int seed or a ``numpy.random.Generator``); numpy's global state is never used.
"""

from __future__ import annotations

import inspect
import math
import textwrap
from fractions import Fraction
from functools import partial
from math import sqrt
from typing import NamedTuple

import numpy as np

from ._numerics import mean_std
from ._validation import (check_choice, check_count, check_count_pair, check_draw, check_real,
                          check_spread, check_weights)
from .fans import _fans

__all__ = [
    "xavier",
    "normalized_xavier",
    "he",
    "xavier_bounds",
    "normalized_xavier_bounds",
    "he_std",
    "variance_scaling",
    "glorot_uniform",
    "glorot_normal",
    "he_uniform",
    "he_normal",
    "lecun_uniform",
    "lecun_normal",
    "Summary",
    "summarize",
    "SCALINGS",
    "scheme_std",
    "scheme_bound",
    "scheme_rule",
]

MODES = ("fan_in", "fan_out", "fan_avg")
DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "normal", "uniform")

#: Standard deviation of a standard normal truncated to [-2, 2] (Keras's
#: constant): dividing by it makes the truncated draw have the asked variance.
TRUNCATED_NORMAL_STD = 0.87962566103423978

#: Every named scheme as the :func:`variance_scaling` arguments it fixes,
#: ``name: (scale, mode, distribution)``, with the scale an exact fraction: the
#: one definition the samplers below, :func:`scheme_std`, :func:`scheme_bound`
#: and :func:`scheme_rule` (and through them the experiments and the book's
#: explorers) all read.
#:
#: * ``"xavier"``: the tutorial's :math:`U[-1/\sqrt{n}, 1/\sqrt{n}]`, Glorot and
#:   Bengio (2010)'s eq. 1 (the "standard" heuristic), variance :math:`1/(3n)`;
#: * ``"normalized_xavier"``: :math:`U[\pm\sqrt{6}/\sqrt{n+m}]`, their eq. 16,
#:   the same as ``"glorot_uniform"``;
#: * ``"he"``: :math:`N(0, 2/n)`, He et al. (2015) eq. 10, untruncated;
#: * ``"lecun"``: :math:`N(0, 1/n)`, untruncated: LeCun et al. (1998)'s rule,
#:   which He et al. (2015) call "Xavier" (Keras's ``lecun_normal`` is its
#:   truncated form);
#: * Keras's six: ``glorot_*``, ``he_*``, ``lecun_*`` (``*_normal`` truncated at
#:   two standard deviations).
SCALINGS = {
    "xavier": (Fraction(1, 3), "fan_in", "uniform"),
    "normalized_xavier": (Fraction(1), "fan_avg", "uniform"),
    "he": (Fraction(2), "fan_in", "normal"),
    "lecun": (Fraction(1), "fan_in", "normal"),
    "glorot_uniform": (Fraction(1), "fan_avg", "uniform"),
    "glorot_normal": (Fraction(1), "fan_avg", "truncated_normal"),
    "he_uniform": (Fraction(2), "fan_in", "uniform"),
    "he_normal": (Fraction(2), "fan_in", "truncated_normal"),
    "lecun_uniform": (Fraction(1), "fan_in", "uniform"),
    "lecun_normal": (Fraction(1), "fan_in", "truncated_normal"),
}

# The same with the scale as a float, as the samplers pass it to variance_scaling
# (float(Fraction(1, 3)) is 1.0 / 3.0 to the bit).
_VS = {name: (float(scale), mode, dist) for name, (scale, mode, dist) in SCALINGS.items()}

_N = "the number of inputs to the node"
_M = "the number of outputs of the node"
_FANS = ("fan_in, the number of inputs", "fan_out, the number of outputs")
_FLOAT64 = np.dtype(np.float64)
_FLOAT32 = np.dtype(np.float32)
_FLOAT64_TINY = float(np.finfo(np.float64).smallest_normal)

#: Largest limit or standard deviation drawn: 2**-7 of the type's maximum, so
#: that neither 2 * limit nor a normal draw (|Z| < 40 in practice) overflows.
_MAX_SPREAD = {
    _FLOAT64: float(np.finfo(np.float64).max) / 128,
    _FLOAT32: float(np.finfo(np.float32).max) / 128,
}

#: Smallest limit or standard deviation drawn: the type's smallest normal
#: number.  Below it the weights would be subnormal numbers with few
#: significant bits (or zeros), not draws of the variance asked for.  In
#: float64 no valid ``scale`` and ``n`` reach it (the smallest spread,
#: ``sqrt(2**-1074 / 2**53)``, is about 1e-170); in float32 a scale below
#: about ``n * 1e-76`` does, and is refused.
_MIN_SPREAD = {
    _FLOAT64: float(np.finfo(np.float64).smallest_normal),
    _FLOAT32: float(np.finfo(np.float32).smallest_normal),
}


#: The arguments the named schemes share, documented once (see :func:`_documented`).
_ARG_DOCS = {
    "n": "n : int\n        Number of inputs to the node (fan-in), at least 1.",
    "m": "m : int\n        Number of outputs of the node (fan-out), at least 1.",
    "size": ("size : int or tuple of int, default 1000\n        Shape of the result (as "
             "numpy's ``size=``); ``()`` gives one weight."),
    "shape": ("shape : int or tuple of int\n        Shape of the weight array in :mod:`winit`'s "
              "``(in, out)`` layout:\n        ``(n_in, n_out)`` or ``(*receptive_field, "
              "in_channels, out_channels)``\n        (see :func:`~winit.compute_fans`)."),
    "rng": ("rng : None, int or numpy.random.Generator, optional\n        Source of randomness "
            "(SPEC 7); the same seed gives the same array."),
    "dtype": ("dtype : numpy.float64 or numpy.float32, default numpy.float64\n        Floating "
              "type of the result (float32 is drawn natively)."),
}


def _documented(func):
    """Fill the ``{parameters}`` and ``{raises}`` of a named scheme's docstring
    from its arguments, each documented once in :data:`_ARG_DOCS`."""
    args = list(inspect.signature(func).parameters)
    fans = " or ".join(f"``{a}``" for a in args if a in ("n", "m"))
    if "size" in args or "shape" in args:
        what = "``size``" if "size" in args else "``shape``"
        type_error = (f"{fans + ' is not an integer, ' if fans else ''}{what} "
                      f"{'not' if fans else 'is not'} an int or a tuple of ints, ``rng`` not "
                      "None/int/Generator, or ``dtype`` not a dtype.")
        value_error = (f"{fans + ' is less than 1, ' if fans else ''}{what} has a negative "
                       "entry or asks for more than 8 GiB, ``rng`` is a negative seed, or "
                       "``dtype`` is not float32/float64.")
    else:
        type_error = f"{fans} is not an integer (``bool`` included)."
        value_error = f"{fans} is less than 1 or above 2**53."
    wrap = partial(textwrap.fill, width=78, initial_indent=" " * 8, subsequent_indent=" " * 8)
    func.__doc__ = func.__doc__.replace(
        "{parameters}", "\n    ".join(_ARG_DOCS[a] for a in args)).replace(
        "{raises}", f"TypeError\n{wrap('If ' + type_error)}\n    ValueError\n"
                    f"{wrap('If ' + value_error)}")
    return func


# --------------------------------------------------------------------------
# The tutorial's bounds, computed exactly as its listings do.
# --------------------------------------------------------------------------


@_documented
def xavier_bounds(n):
    r"""Return the range of the tutorial's "xavier" weights, :math:`\pm 1/\sqrt{n}`.

    Computed as the tutorial's listing does, ``-(1.0 / sqrt(n)), (1.0 / sqrt(n))``
    with :func:`math.sqrt`, so it prints identically.

    Parameters
    ----------
    {parameters}

    Returns
    -------
    lower, upper : float
        :math:`-1/\sqrt{n}` and :math:`1/\sqrt{n}`.

    Raises
    ------
    {raises}

    See Also
    --------
    xavier : draws weights from this range.

    Notes
    -----
    .. math::

        W \sim U\left[-\frac{1}{\sqrt{n}}, \frac{1}{\sqrt{n}}\right]

    This is Glorot & Bengio (2010), eq. (1): the "commonly used heuristic"
    the paper argues against, not the initialisation it proposes (that is
    :func:`normalized_xavier_bounds`).

    Also known as: "xavier" in the tutorial [2]_.

    References
    ----------
    .. [1] X. Glorot, Y. Bengio, "Understanding the difficulty of training
       deep feedforward neural networks", AISTATS 2010, eq. (1).
    .. [2] J. Brownlee, "Weight Initialization for Deep Learning Neural
       Networks", Machine Learning Mastery, 2021.

    Examples
    --------
    >>> from winit import xavier_bounds
    >>> print(*xavier_bounds(10))
    -0.31622776601683794 0.31622776601683794
    """
    n = check_count(n, "n", _N)
    lower, upper = -(1.0 / sqrt(n)), (1.0 / sqrt(n))
    return lower, upper


@_documented
def normalized_xavier_bounds(n, m):
    r"""Return the range of "normalized xavier" weights, :math:`\pm\sqrt{6}/\sqrt{n+m}`.

    Computed as the tutorial's listing does,
    ``-(sqrt(6.0) / sqrt(n + m)), (sqrt(6.0) / sqrt(n + m))``, so it prints
    identically.

    Parameters
    ----------
    {parameters}

    Returns
    -------
    lower, upper : float
        :math:`-\sqrt{6}/\sqrt{n+m}` and :math:`\sqrt{6}/\sqrt{n+m}`.

    Raises
    ------
    {raises}

    See Also
    --------
    normalized_xavier : draws weights from this range.

    Notes
    -----
    .. math::

        W \sim U\left[-\frac{\sqrt{6}}{\sqrt{n + m}}, \frac{\sqrt{6}}{\sqrt{n + m}}\right]

    Glorot & Bengio (2010), eq. (16), "normalized initialization", with
    :math:`n = n_j` and :math:`m = n_{j+1}`.  (The tutorial's prose writes
    :math:`\sqrt{n + n}`; its code, like the paper, uses :math:`n + m`.)

    Also known as: Glorot uniform, ``torch.nn.init.xavier_uniform_``,
    ``keras.initializers.GlorotUniform``.

    References
    ----------
    .. [1] X. Glorot, Y. Bengio, "Understanding the difficulty of training
       deep feedforward neural networks", AISTATS 2010, eq. (16).

    Examples
    --------
    >>> from winit import normalized_xavier_bounds
    >>> print(*normalized_xavier_bounds(10, 20))
    -0.44721359549995787 0.44721359549995787
    """
    n = check_count(n, "n", _N)
    m = check_count(m, "m", _M)
    lower, upper = -(sqrt(6.0) / sqrt(n + m)), (sqrt(6.0) / sqrt(n + m))
    return lower, upper


@_documented
def he_std(n):
    r"""Return the standard deviation of "he" weights, :math:`\sqrt{2/n}`.

    Computed as the tutorial's listing does, ``sqrt(2.0 / n)``, so it prints
    identically.

    Parameters
    ----------
    {parameters}

    Returns
    -------
    float
        :math:`\sqrt{2/n}`.

    Raises
    ------
    {raises}

    See Also
    --------
    he : draws weights from :math:`N(0, 2/n)`.

    Notes
    -----
    .. math::

        \tfrac12\, n \operatorname{Var}[W] = 1
        \quad\Longrightarrow\quad \sigma = \sqrt{\frac{2}{n}}

    He et al. (2015), eq. (10).  Also known as: Kaiming/He normal with
    ``mode="fan_in"``.

    References
    ----------
    .. [1] K. He, X. Zhang, S. Ren, J. Sun, "Delving Deep into Rectifiers:
       Surpassing Human-Level Performance on ImageNet Classification",
       ICCV 2015, eq. (10).

    Examples
    --------
    >>> from winit import he_std
    >>> print(he_std(10))
    0.4472135954999579
    """
    n = check_count(n, "n", _N)
    return sqrt(2.0 / n)


# --------------------------------------------------------------------------
# The core.
# --------------------------------------------------------------------------


def _uniform(rng, limit, shape, dtype):
    """U[-limit, +limit]; every value lies in the closed interval."""
    if dtype == _FLOAT64:
        # numpy computes -limit + (2 limit) u with u in [0, 1): both roundings
        # are monotonic, so the result never leaves [-limit, limit].
        return rng.uniform(-limit, limit, shape)
    # float32, drawn natively.  The limit is rounded towards zero to a float32
    # value, so the float32 bound is never above the float64 one; 2 * lim is
    # exact, and fl(2 lim u) - lim stays in [-lim, lim] for u in [0, 1).
    lim = _to_float32_towards_zero(limit)
    out = rng.random(shape, dtype=np.float32)
    out *= 2.0 * lim  # a float32 value: numpy converts it exactly
    out -= lim
    return out


def _to_float32_towards_zero(x):
    """The largest float32 value <= ``x`` (for 0 <= x <= float32's maximum), as a float.

    Plain float arithmetic (cheaper than numpy scalars): float32 values in
    [2**(e-1), 2**e) are the multiples of 2**(e-24), and its subnormals the
    multiples of 2**-149.
    """
    ulp = math.ldexp(1.0, max(math.frexp(x)[1], -125) - 24)
    return math.floor(x / ulp) * ulp


def _normal(rng, std, shape, dtype):
    """N(0, std^2)."""
    if dtype == _FLOAT64:
        return rng.normal(0.0, std, shape)
    out = rng.standard_normal(shape, dtype=np.float32)
    out *= std  # numpy rounds the float to float32 once
    return out


def _truncated_normal(rng, std, shape, dtype):
    """std * Z, with Z standard normal redrawn until |Z| <= 2 (vectorised)."""
    out = rng.standard_normal(shape, dtype=dtype)
    flat = out.reshape(-1)  # a view: out is freshly allocated and contiguous
    redo = np.flatnonzero(np.abs(flat) > 2.0)
    while redo.size:  # each round keeps ~95.4% of the draws: ~6 rounds at 10^7
        fresh = rng.standard_normal(redo.size, dtype=dtype)
        flat[redo] = fresh
        redo = redo[np.abs(fresh) > 2.0]
    out *= std
    return out


def variance_scaling(
    shape,
    scale=1.0,
    mode="fan_in",
    distribution="truncated_normal",
    *,
    fans=None,
    rng=None,
    dtype=np.float64,
):
    r"""Draw weights of variance ``scale / n``: the core of every scheme here.

    Parameters
    ----------
    shape : int or tuple of int
        Shape of the weight array, in :mod:`winit`'s ``(in, out)`` layout
        (see :func:`~winit.compute_fans`); ``()`` gives one weight.
    scale : float, default 1.0
        Positive factor; the variance is ``scale / n``.  1 for Glorot and
        LeCun, 2 for He, and in general ``calculate_gain(...)**2``.
    mode : {"fan_in", "fan_out", "fan_avg"}, default "fan_in"
        Which ``n``: the fan-in, the fan-out, or their mean
        ``(fan_in + fan_out) / 2``.
    distribution : {"truncated_normal", "untruncated_normal", "normal", "uniform"}, default "truncated_normal"
        ``"normal"`` and ``"untruncated_normal"`` are the same.
    fans : tuple of (int, int), optional
        ``(fan_in, fan_out)`` to use instead of ``compute_fans(shape)``: the
        tutorial's ``xavier(n, size=1000)`` has an ``n`` unrelated to the
        array's shape.
    rng : None, int or numpy.random.Generator, optional
        Source of randomness, normalised once with
        :func:`numpy.random.default_rng` (SPEC 7).  The same seed gives the
        same array.
    dtype : numpy.float64 or numpy.float32, default numpy.float64
        Floating type of the result; float32 is drawn natively, not cast.

    Returns
    -------
    numpy.ndarray
        Array of shape ``shape`` and type ``dtype``.

    Raises
    ------
    TypeError
        If an argument has the wrong type (``shape`` not an int or tuple of
        ints, ``scale`` not a real number, ``mode`` or ``distribution`` not a
        string, ``fans`` not a pair of ints, ``rng`` not None/int/Generator,
        ``dtype`` not a dtype).
    ValueError
        If ``shape`` has a negative entry or asks for more than 8 GiB,
        ``scale`` is not positive and finite or is too large for ``dtype``,
        ``mode`` or ``distribution`` is unknown, an entry of ``fans`` is less
        than 1, ``rng`` is a negative seed, or ``dtype`` is another type.

    Notes
    -----
    .. math::

        \operatorname{Var}[W] = \frac{\text{scale}}{n}, \qquad
        n \in \left\{\mathrm{fan\_in},\; \mathrm{fan\_out},\;
        \tfrac12(\mathrm{fan\_in} + \mathrm{fan\_out})\right\}

    ``"uniform"``: :math:`W \sim U[-\sqrt{3\,\text{scale}/n}, \sqrt{3\,\text{scale}/n}]`.
    ``"normal"``: :math:`W \sim N(0, \text{scale}/n)`.
    ``"truncated_normal"``: :math:`W = \sigma Z`, with :math:`Z \sim N(0, 1)`
    redrawn until :math:`|Z| \le 2` (two standard deviations of the
    underlying normal) and :math:`\sigma = \sqrt{\text{scale}/n}\,/\,0.87962566103423978`;
    0.8796... is the standard deviation of a standard normal truncated to
    :math:`[-2, 2]`, so that :math:`W` has variance :math:`\text{scale}/n`
    exactly, as in Keras.

    The uniform limit is computed as ``sqrt(3 * scale * c) / sqrt(d)``
    (:math:`n = d / c`), not ``sqrt(3 * scale / n)``: this makes it equal,
    to the last bit, the tutorial's ``1.0 / sqrt(n)`` and
    ``sqrt(6.0) / sqrt(n + m)``, which ``sqrt(3 * scale / n)`` exceeds by
    one ulp for some ``n`` (e.g. ``n = 2``).  Samples lie in the closed
    interval :math:`[-\text{limit}, \text{limit}]`.

    Also known as: ``keras.initializers.VarianceScaling``,
    ``jax.nn.initializers.variance_scaling`` (which also takes ``"fan_geo_avg"``).

    References
    ----------
    .. [1] Keras, ``keras.initializers.VarianceScaling``.
    .. [2] X. Glorot, Y. Bengio, "Understanding the difficulty of training
       deep feedforward neural networks", AISTATS 2010.
    .. [3] K. He, X. Zhang, S. Ren, J. Sun, "Delving Deep into Rectifiers",
       ICCV 2015.

    Examples
    --------
    >>> import numpy as np
    >>> from winit import variance_scaling
    >>> w = variance_scaling((784, 256), scale=2.0, mode="fan_in",
    ...                      distribution="normal", rng=0)
    >>> w.shape, w.dtype
    ((784, 256), dtype('float64'))
    >>> bool(abs(w.var() - 2.0 / 784) < 1e-4)
    True
    >>> variance_scaling((3, 3, 16, 32), 1.0, "fan_avg", "uniform", rng=0,
    ...                  dtype=np.float32).dtype
    dtype('float32')
    """
    scale = check_real(scale, "scale", "the variance is scale / n", positive=True)
    if type(mode) is not str or mode not in MODES:  # (the common case skips a call)
        check_choice(mode, "mode", MODES)
    if type(distribution) is not str or distribution not in DISTRIBUTIONS:
        check_choice(distribution, "distribution", DISTRIBUTIONS)
    if fans is not None:
        fans = check_count_pair(fans, "fans", _FANS)
    return _variance_scaling(shape, scale, mode, distribution, fans, rng, dtype, "shape")


def _mode_cd(mode, fan_in, fan_out):
    """``(c, d)`` with ``n = d / c`` the ``mode``'s fan: integers, so that a variance
    ``scale * c / d`` is rounded once."""
    if mode == "fan_in":
        return 1, fan_in
    if mode == "fan_out":
        return 1, fan_out
    return 2, fan_in + fan_out


def _variance_scaling(shape, scale, mode, distribution, fans, rng, dtype, shape_name):
    """:func:`variance_scaling` once ``scale``, ``mode``, ``distribution`` and
    ``fans`` are checked; ``shape_name`` names the shape argument in messages.

    The tutorial's samplers call this directly, with their own constant scale,
    mode and distribution, ``fans=(n, n)`` or ``(n, m)`` and
    ``shape_name="size"``: each argument is checked once, under its own name.
    """
    shape, dtype, rng = check_draw(shape, dtype, rng, shape_name)
    fan_in, fan_out = _fans(shape, "in_out") if fans is None else fans

    c, d = _mode_cd(mode, fan_in, fan_out)  # Var[W] = scale * c / d, i.e. n = d / c
    if d == 0:  # a zero fan only comes from a zero dimension: nothing to draw
        return np.empty(shape, dtype)
    if distribution == "uniform":
        # sqrt(3 scale c) / sqrt(d), not sqrt(3 scale / n): see the Notes above.
        # 3 * scale * c never underflows (a subnormal scale times 3 or 6 is exact);
        # if it overflows, the spread may still be representable: take roots first.
        spread = sqrt(3.0 * scale * c) / sqrt(d)
        if spread == math.inf:
            spread = sqrt(scale) * sqrt(3.0 * c) / sqrt(d)
    else:
        variance = scale * c / d
        if variance == math.inf:  # scale * c overflowed: take roots first
            spread = sqrt(scale) * sqrt(c) / sqrt(d)
        elif variance >= _FLOAT64_TINY:
            spread = sqrt(variance)
        else:
            # scale / n underflows (or loses bits) below float64's smallest normal
            # number: scale it up by 2**200, exactly, and the root down by 2**100.
            spread = math.ldexp(sqrt(math.ldexp(scale * c, 200) / d), -100)
        if distribution == "truncated_normal":
            spread /= TRUNCATED_NORMAL_STD
    if spread > _MAX_SPREAD[dtype]:
        raise ValueError(
            f"scale must be small enough for {dtype} weights (the variance is scale / n); "
            f"got scale={scale!r}, which gives a spread of {spread!r} with n={d / c!r}"
        )
    if spread < _MIN_SPREAD[dtype]:
        raise ValueError(
            f"scale must be large enough for {dtype} weights (the variance is scale / n); "
            f"got scale={scale!r}, which gives a spread of {spread:.3g} with n={d / c!r}, "
            f"below {dtype}'s smallest normal number {_MIN_SPREAD[dtype]:.3g}"
        )
    if distribution == "uniform":
        return _uniform(rng, spread, shape, dtype)
    if distribution == "truncated_normal":
        return _truncated_normal(rng, spread, shape, dtype)
    return _normal(rng, spread, shape, dtype)


# --------------------------------------------------------------------------
# The tutorial's three schemes.
# --------------------------------------------------------------------------


@_documented
def xavier(n, size=1000, *, rng=None, dtype=np.float64):
    r"""Draw the tutorial's "xavier" weights from :math:`U[-1/\sqrt{n}, 1/\sqrt{n}]`.

    Parameters
    ----------
    {parameters}

    Returns
    -------
    numpy.ndarray
        Weights of shape ``size``, every one inside the closed interval
        ``xavier_bounds(n)``.

    Raises
    ------
    {raises}

    See Also
    --------
    xavier_bounds, normalized_xavier, variance_scaling

    Notes
    -----
    .. math::

        W \sim U\left[-\frac{1}{\sqrt{n}}, \frac{1}{\sqrt{n}}\right],
        \qquad \operatorname{Var}[W] = \frac{1}{3n}

    Glorot & Bengio (2010), eq. (1): the "commonly used heuristic" that the
    paper shows shrinks the back-propagated variance layer after layer; the
    initialisation it proposes is :func:`normalized_xavier`.  Here it is
    ``variance_scaling`` with ``scale=1/3``, ``mode="fan_in"``,
    ``distribution="uniform"`` and ``fans=(n, n)``.

    Also known as: "xavier" in the tutorial; ``1/sqrt(n)`` uniform; close to,
    but not, ``lecun_uniform`` (whose limit is :math:`\sqrt{3/n}`).

    References
    ----------
    .. [1] X. Glorot, Y. Bengio, "Understanding the difficulty of training
       deep feedforward neural networks", AISTATS 2010, eq. (1).

    Examples
    --------
    >>> from winit import xavier, xavier_bounds
    >>> w = xavier(10, rng=0)
    >>> w.shape
    (1000,)
    >>> lower, upper = xavier_bounds(10)
    >>> bool(lower <= w.min() and w.max() <= upper)
    True
    """
    n = check_count(n, "n", _N)
    return _variance_scaling(size, *_VS["xavier"], (n, n), rng, dtype, "size")


@_documented
def normalized_xavier(n, m, size=1000, *, rng=None, dtype=np.float64):
    r"""Draw "normalized xavier" weights from :math:`U[-\sqrt{6}/\sqrt{n+m}, \sqrt{6}/\sqrt{n+m}]`.

    Parameters
    ----------
    {parameters}

    Returns
    -------
    numpy.ndarray
        Weights of shape ``size``, every one inside the closed interval
        ``normalized_xavier_bounds(n, m)``.

    Raises
    ------
    {raises}

    See Also
    --------
    normalized_xavier_bounds, glorot_uniform, variance_scaling

    Notes
    -----
    .. math::

        W \sim U\left[-\frac{\sqrt{6}}{\sqrt{n + m}}, \frac{\sqrt{6}}{\sqrt{n + m}}\right],
        \qquad \operatorname{Var}[W] = \frac{2}{n + m}

    Glorot & Bengio (2010), eq. (16), "normalized initialization": the
    compromise between keeping forward and backward variances, eq. (12).
    Here it is ``variance_scaling`` with ``scale=1``, ``mode="fan_avg"``,
    ``distribution="uniform"`` and ``fans=(n, m)``.

    Also known as: Glorot uniform, Xavier uniform,
    ``torch.nn.init.xavier_uniform_`` (gain 1),
    ``keras.initializers.GlorotUniform``, :func:`glorot_uniform`.

    References
    ----------
    .. [1] X. Glorot, Y. Bengio, "Understanding the difficulty of training
       deep feedforward neural networks", AISTATS 2010, eqs. (12), (16).

    Examples
    --------
    >>> from winit import normalized_xavier, normalized_xavier_bounds
    >>> w = normalized_xavier(10, 20, size=(10, 20), rng=0)
    >>> w.shape
    (10, 20)
    >>> lower, upper = normalized_xavier_bounds(10, 20)
    >>> bool(lower <= w.min() and w.max() <= upper)
    True
    """
    n = check_count(n, "n", _N)
    m = check_count(m, "m", _M)
    return _variance_scaling(size, *_VS["normalized_xavier"], (n, m), rng, dtype, "size")


@_documented
def he(n, size=1000, *, rng=None, dtype=np.float64):
    r"""Draw the tutorial's "he" weights from :math:`N(0, 2/n)`, std :math:`\sqrt{2/n}`.

    Parameters
    ----------
    {parameters}

    Returns
    -------
    numpy.ndarray
        Weights of shape ``size``, normal (not truncated) with mean 0 and
        standard deviation ``he_std(n)``.

    Raises
    ------
    {raises}

    See Also
    --------
    he_std, he_normal, variance_scaling

    Notes
    -----
    .. math::

        W \sim N\!\left(0, \sigma^2\right), \qquad \sigma = \sqrt{\frac{2}{n}}

    He et al. (2015), eq. (10), :math:`\tfrac12 n_l \operatorname{Var}[w_l] = 1`
    for ReLU layers.  Here it is ``variance_scaling`` with ``scale=2``,
    ``mode="fan_in"``, ``distribution="normal"`` and ``fans=(n, n)``.

    Also known as: Kaiming normal, He normal,
    ``torch.nn.init.kaiming_normal_`` (``mode="fan_in"``,
    ``nonlinearity="relu"``; untruncated, as here).
    ``keras.initializers.HeNormal`` (and :func:`he_normal`) is the
    *truncated* variant.

    References
    ----------
    .. [1] K. He, X. Zhang, S. Ren, J. Sun, "Delving Deep into Rectifiers:
       Surpassing Human-Level Performance on ImageNet Classification",
       ICCV 2015, eq. (10).

    Examples
    --------
    >>> from winit import he
    >>> w = he(10, size=(10, 100), rng=0)
    >>> w.shape, w.dtype
    ((10, 100), dtype('float64'))
    """
    n = check_count(n, "n", _N)
    return _variance_scaling(size, *_VS["he"], (n, n), rng, dtype, "size")


# --------------------------------------------------------------------------
# Keras's named schemes.
# --------------------------------------------------------------------------

#: The papers behind Keras's named schemes, by family: the name's spelling, the
#: rule of the variance and the reference.
_FAMILIES = {
    "glorot": ("Glorot", "Glorot & Bengio's (2010) variance, eq. (16)",
               'X. Glorot, Y. Bengio, "Understanding the difficulty of training\n'
               '       deep feedforward neural networks", AISTATS 2010, eq. (16).'),
    "he": ("He", "He et al.'s (2015) variance for ReLU layers, eq. (10)",
           'K. He, X. Zhang, S. Ren, J. Sun, "Delving Deep into Rectifiers:\n'
           '       Surpassing Human-Level Performance on ImageNet Classification",\n'
           '       ICCV 2015, eq. (10).'),
    "lecun": ("LeCun", "LeCun et al.'s (1998) variance 1 / fan_in",
              'Y. LeCun, L. Bottou, G. B. Orr, K.-R. Mueller, "Efficient\n'
              '       BackProp", in Neural Networks: Tricks of the Trade, LNCS 1524,\n'
              '       Springer, 1998, section 4.6.'),
}

_FAN_TEX = {"fan_in": r"\mathrm{fan\_in}", "fan_out": r"\mathrm{fan\_out}",
            "fan_avg": r"\mathrm{fan\_in} + \mathrm{fan\_out}"}

_PRESET_DOC = r"""Draw {title} weights, {summary}.

    Parameters
    ----------
    {parameters}

    Returns
    -------
    numpy.ndarray
        Weights of shape ``shape`` and type ``dtype``.

    Raises
    ------
    {raises}

    See Also
    --------
    variance_scaling : the core; this scheme only fixes its scale, mode and distribution.

    Notes
    -----
    .. math::

        {math}

    {rule}, from {distribution}.{notes}

    Also known as: {aka}

    References
    ----------
    .. [1] {reference}

    Examples
    --------
    >>> from winit import {name}
    >>> w = {name}((256, 128), rng=0)
    >>> w.shape, w.dtype
    ((256, 128), dtype('float64'))
    """

_TRUNCATION = """
    The normal is truncated at two standard deviations of the underlying
    normal, whose standard deviation is divided by 0.87962566103423978 so that
    the weights have exactly this variance, as in Keras.  PyTorch's
    ``xavier_normal_`` and ``kaiming_normal_`` are *untruncated*; for those
    use ``variance_scaling(..., distribution="normal")``."""


def _preset(notes, aka):
    """Give a Keras scheme its docstring: ``_PRESET_DOC`` filled with the scheme's
    :data:`SCALINGS` entry, its family's paper, ``notes`` (said after the paper's
    rule) and ``aka`` (the "Also known as" list)."""

    def give(func):
        name = func.__name__
        family, kind = name.split("_")
        title, rule, reference = _FAMILIES[family]
        scale, mode, distribution = SCALINGS[name]
        var = scale * _mode_cd(mode, 1, 1)[0]  # Var[W] = var / fan, fan as written in _FAN_TEX
        fan = _FAN_TEX[mode]
        paren = f"({fan})" if mode == "fan_avg" else fan
        if distribution == "uniform":
            limit = 3 * var
            summary = rf":math:`U[\pm\sqrt{{{limit} / {paren}}}]`"
            math_ = (rf"W \sim U\left[-\sqrt{{\frac{{{limit}}}{{{fan}}}}},"
                     "\n        " rf"\sqrt{{\frac{{{limit}}}{{{fan}}}}}\right],"
                     "\n        " rf"\qquad \operatorname{{Var}}[W] = \frac{{{var}}}{{{fan}}}")
            drawn, extra = "a uniform distribution", ""
        else:
            summary = rf"variance :math:`{var} / {paren}`, truncated"
            math_ = (rf"\operatorname{{Var}}[W] = \frac{{{var}}}{{{fan}}},"
                     "\n        "
                     rf"\qquad |W| \le \frac{{2}}{{0.8796\ldots}}\sqrt{{\frac{{{var}}}{{{fan}}}}}")
            drawn, extra = "a truncated normal", _TRUNCATION
        func.__doc__ = _PRESET_DOC.format(
            title=f"{title} {kind}", summary=summary, math=math_, rule=rule,
            distribution=drawn, notes=(f"\n    {notes}" if notes else "") + extra, aka=aka,
            reference=reference, name=name, parameters="{parameters}", raises="{raises}")
        return _documented(func)

    return give


@_preset("With the fans taken from ``shape``, it is the distribution of\n"
         "    :func:`normalized_xavier`.",
         "Xavier uniform, normalized xavier,\n"
         "    ``keras.initializers.GlorotUniform``, ``torch.nn.init.xavier_uniform_``\n"
         "    (gain 1), ``jax.nn.initializers.glorot_uniform``.")
def glorot_uniform(shape, *, rng=None, dtype=np.float64):
    return variance_scaling(shape, *_VS["glorot_uniform"], rng=rng, dtype=dtype)


@_preset("", "Xavier normal, ``keras.initializers.GlorotNormal``;\n"
         "    ``torch.nn.init.xavier_normal_`` is the untruncated\n"
         "    N(0, 2 / (fan_in + fan_out)).")
def glorot_normal(shape, *, rng=None, dtype=np.float64):
    return variance_scaling(shape, *_VS["glorot_normal"], rng=rng, dtype=dtype)


@_preset("", "Kaiming uniform, ``keras.initializers.HeUniform``,\n"
         '    ``torch.nn.init.kaiming_uniform_(w, mode="fan_in", nonlinearity="relu")``.')
def he_uniform(shape, *, rng=None, dtype=np.float64):
    return variance_scaling(shape, *_VS["he_uniform"], rng=rng, dtype=dtype)


@_preset("The tutorial's (and the paper's) untruncated normal is\n    :func:`he`.",
         "``keras.initializers.HeNormal``; ``torch.nn.init.kaiming_normal_``\n"
         "    (fan_in, relu) is the untruncated N(0, 2 / fan_in).")
def he_normal(shape, *, rng=None, dtype=np.float64):
    return variance_scaling(shape, *_VS["he_normal"], rng=rng, dtype=dtype)


@_preset("", "``keras.initializers.LecunUniform``,\n"
         "    ``jax.nn.initializers.lecun_uniform``.")
def lecun_uniform(shape, *, rng=None, dtype=np.float64):
    return variance_scaling(shape, *_VS["lecun_uniform"], rng=rng, dtype=dtype)


@_preset("It is the variance SELU networks assume.",
         "``keras.initializers.LecunNormal``,\n    ``jax.nn.initializers.lecun_normal``.")
def lecun_normal(shape, *, rng=None, dtype=np.float64):
    return variance_scaling(shape, *_VS["lecun_normal"], rng=rng, dtype=dtype)


# --------------------------------------------------------------------------
# The schemes' rules: standard deviation and bound from the fans.
# --------------------------------------------------------------------------

_FAN_MEANINGS = ("the number of inputs of the layer", "the number of outputs of the layer")


def _scaling(name, fan_in, fan_out):
    """(scale, c, d, distribution) of scheme ``name``: the variance is ``scale * c / d``."""
    scale, mode, distribution = SCALINGS[check_choice(name, "name", tuple(SCALINGS))]
    fan_in = check_count(fan_in, "fan_in", _FAN_MEANINGS[0])
    fan_out = check_count(fan_out, "fan_out", _FAN_MEANINGS[1])
    return (scale, *_mode_cd(mode, fan_in, fan_out), distribution)


def scheme_std(name, fan_in, fan_out):
    r"""The standard deviation of scheme ``name``'s weights for a layer's fans.

    Parameters
    ----------
    name : str
        A key of :data:`SCALINGS` (``"xavier"``, ``"normalized_xavier"``,
        ``"he"``, ``"lecun"``, or one of Keras's six).
    fan_in, fan_out : int
        The layer's numbers of inputs and outputs (the second is read by
        ``fan_avg`` schemes only).

    Returns
    -------
    float
        :math:`\sqrt{\mathrm{scale}/n}`, with ``scale`` and ``n`` (``fan_in``,
        ``fan_out`` or their mean) from :data:`SCALINGS`, computed as
        ``sqrt(p * c / (q * d))`` for ``scale = p / q`` and ``n = d / c``
        (integers, one rounding before the root): ``sqrt(1 / (3 n))``,
        ``sqrt(2 / (n + m))``, ``sqrt(2 / n)``, ``sqrt(1 / n)``.  That is the
        standard deviation of every scheme's weights, uniform, normal or
        truncated normal alike.

    Raises
    ------
    TypeError
        If ``name`` is not a string or a fan not an integer.
    ValueError
        If ``name`` is not a key of :data:`SCALINGS` or a fan is below 1.

    See Also
    --------
    scheme_bound, scheme_rule

    Notes
    -----
    .. math:: \sigma = \sqrt{\frac{\mathrm{scale}}{n}}

    Also known as: the ``gain / sqrt(fan)`` of ``torch.nn.init.calculate_gain``.

    References
    ----------
    .. [1] X. Glorot, Y. Bengio, "Understanding the difficulty of training
       deep feedforward neural networks", AISTATS 2010, eqs. (1), (16).
    .. [2] K. He, X. Zhang, S. Ren, J. Sun, "Delving Deep into Rectifiers",
       ICCV 2015, eq. (10).

    Examples
    --------
    >>> from winit.schemes import scheme_std
    >>> scheme_std("he", 50, 7) == (2 / 50) ** 0.5
    True
    >>> print(scheme_std("xavier", 10, 10))  # the tutorial's U[±1/sqrt(10)]
    0.18257418583505536
    """
    scale, c, d, _ = _scaling(name, fan_in, fan_out)
    return sqrt(scale.numerator * c / (scale.denominator * d))


def scheme_bound(name, fan_in, fan_out):
    r"""The half-width of a uniform scheme's interval; ``None`` for a normal one.

    Parameters
    ----------
    name : str
        A key of :data:`SCALINGS`.
    fan_in, fan_out : int
        The layer's numbers of inputs and outputs.

    Returns
    -------
    float or None
        ``sqrt(3 * scale * c) / sqrt(d)``, the limit :func:`variance_scaling`
        draws within (equal, to the bit, to :func:`xavier_bounds` and
        :func:`normalized_xavier_bounds`), or ``None`` for a normal or
        truncated normal scheme.

    Raises
    ------
    TypeError, ValueError
        As :func:`scheme_std`.

    Notes
    -----
    .. math:: a = \sqrt{3\, \mathrm{scale} / n}, \qquad W \sim U[-a, a]

    Also known as: ``limit`` in Keras's ``VarianceScaling``.

    References
    ----------
    .. [1] X. Glorot, Y. Bengio, AISTATS 2010, eqs. (1), (16).

    Examples
    --------
    >>> from winit.schemes import scheme_bound, xavier_bounds
    >>> scheme_bound("xavier", 10, 10) == xavier_bounds(10)[1]
    True
    >>> scheme_bound("he", 10, 10) is None
    True
    """
    scale, c, d, distribution = _scaling(name, fan_in, fan_out)
    if distribution != "uniform":
        return None
    return sqrt(3.0 * float(scale) * c) / sqrt(d)


def scheme_rule(name):
    r"""Scheme ``name`` as the ``(std, distribution)`` pair :func:`winit.networks.init_weights` takes.

    Parameters
    ----------
    name : str
        A key of :data:`SCALINGS`.

    Returns
    -------
    std : callable
        ``std(fan_in, fan_out) -> float``, :func:`scheme_std` for ``name``
        (a ``functools.partial``, so it pickles).
    distribution : {"uniform", "normal", "truncated_normal"}
        The scheme's distribution (``init_weights`` draws the first two).

    Raises
    ------
    TypeError, ValueError
        If ``name`` is not a key of :data:`SCALINGS`.

    Notes
    -----
    .. math:: W_l \sim D(0, \sigma(n_{l-1}, n_l)^2)

    Also known as: a variance-scaling initializer, unbound from any shape.

    References
    ----------
    .. [1] Keras, ``keras.initializers.VarianceScaling``.

    Examples
    --------
    >>> from winit.schemes import scheme_rule
    >>> std, distribution = scheme_rule("he")
    >>> std(50, 7) == (2 / 50) ** 0.5, distribution
    (True, 'normal')
    """
    check_choice(name, "name", tuple(SCALINGS))
    return partial(scheme_std, name), SCALINGS[name][2]


# --------------------------------------------------------------------------
# Summaries, as the tutorial prints them.
# --------------------------------------------------------------------------


class Summary(NamedTuple):
    """Minimum, maximum, mean and standard deviation of a weight array."""

    min: float
    max: float
    mean: float
    std: float


def summarize(w):
    r"""Summarise weights as the tutorial does: min, max, mean and std.

    Parameters
    ----------
    w : array_like
        Non-empty array of finite real numbers.

    Returns
    -------
    Summary
        Named tuple ``(min, max, mean, std)`` of Python floats, equal to
        ``w.min()``, ``w.max()``, ``w.mean()`` and ``w.std()`` (population
        standard deviation, ``ddof=0``, as the tutorial's ``scaled.std()``).

    Raises
    ------
    TypeError
        If ``w`` is not an array of real numbers (strings, bools, complex).
    ValueError
        If ``w`` is empty or contains NaN or an infinity.

    Notes
    -----
    .. math::

        \bar w = \frac1N \sum_i w_i, \qquad
        s = \sqrt{\frac1N \sum_i (w_i - \bar w)^2}

    For a float64 array, ``print(s.min, s.max)`` prints exactly what the
    tutorial's ``print(scaled.min(), scaled.max())`` prints.  (For float32
    the Python floats print all the digits of the float32 value.)

    Also known as: ``scipy.stats.describe`` without skewness and kurtosis.

    References
    ----------
    .. [1] J. Brownlee, "Weight Initialization for Deep Learning Neural
       Networks", Machine Learning Mastery, 2021 (its "# summarize" lines).

    Examples
    --------
    >>> from winit import summarize
    >>> s = summarize([-0.5, 0.0, 0.5, 1.0])
    >>> print(s.min, s.max)
    -0.5 1.0
    >>> print(s.mean, s.std)
    0.25 0.5590169943749475
    """
    w = check_weights(w, "w")
    return Summary(float(w.min()), float(w.max()), *mean_std(w))


# --------------------------------------------------------------------------
# Orthogonal weights (Saxe, McClelland & Ganguli 2014).
# --------------------------------------------------------------------------


def orthogonal(shape, gain=1.0, *, rng=None, dtype=np.float64):
    r"""Draw a Haar-random (semi-)orthogonal weight matrix, times ``gain``.

    Parameters
    ----------
    shape : tuple of int
        Shape of the weight array in :mod:`winit`'s ``(in, out)`` layout, at
        least 2 dimensions: ``(n_in, n_out)`` for a dense layer, or
        ``(*receptive_field, in_channels, out_channels)`` for a convolution
        kernel (see :func:`~winit.compute_fans`).  All axes but the last are
        flattened into the rows of one matrix of shape
        ``(prod(shape[:-1]), shape[-1])``, as Keras does.
    gain : float, default 1.0
        Positive factor on the orthogonal matrix: ``W.T @ W = gain**2 I``
        (or ``W @ W.T``).  Each weight then has mean 0 and variance
        ``gain**2 / max(rows, cols)``.
    rng : None, int or numpy.random.Generator, optional
        Source of randomness (SPEC 7); the same seed gives the same array.
    dtype : numpy.float64 or numpy.float32, default numpy.float64
        Floating type of the result; float32 is drawn and factorised in
        float32.

    Returns
    -------
    numpy.ndarray
        Array of shape ``shape`` and type ``dtype``.  With ``M =
        W.reshape(-1, shape[-1])`` (``rows x cols``): ``M.T @ M = gain**2 I``
        if ``rows >= cols`` (orthonormal columns, a tall or square matrix),
        ``M @ M.T = gain**2 I`` if ``rows < cols`` (orthonormal rows), to
        rounding.

    Raises
    ------
    TypeError
        If ``shape`` is not an int or a tuple of ints, ``gain`` not a real
        number, ``rng`` not None/int/Generator, or ``dtype`` not a dtype.
    ValueError
        If ``shape`` has fewer than 2 dimensions, a negative entry or asks
        for more than 8 GiB, ``gain`` is not positive and finite or is too
        large for ``dtype``, ``rng`` is a negative seed, or ``dtype`` is not
        float32/float64.

    See Also
    --------
    variance_scaling : i.i.d. weights of a chosen variance.

    Notes
    -----
    The matrix is drawn as Mezzadri (2007) prescribes: take
    :math:`A` of shape ``(max(rows, cols), min(rows, cols))`` with i.i.d.
    :math:`N(0, 1)` entries, factor :math:`A = QR` (LAPACK's Householder QR,
    :func:`numpy.linalg.qr`), and multiply each column of :math:`Q` by the
    sign of the matching diagonal entry of :math:`R`:

    .. math::

        W = \text{gain} \cdot Q \,\operatorname{diag}\bigl(\operatorname{sign} R_{ii}\bigr)
        \quad(\text{transposed if rows} < \text{cols}).

    Without the sign fix, :math:`Q` depends on the QR routine's sign
    convention and is *not* uniformly (Haar) distributed; with it, :math:`Q`
    is the Gram-Schmidt orthonormalisation of :math:`A`'s columns, whose law
    is invariant under every rotation: the Haar measure on the orthogonal
    group (square case) or the Stiefel manifold (rectangular case).

    ``torch.nn.init.orthogonal_`` and ``keras.initializers.Orthogonal`` draw
    the same way (Gaussian matrix, QR, ``q *= sign(diag(r))``).  They differ
    in which axes they flatten: Keras flattens all axes but the *last*
    (``(k1, k2, in, out) -> (k1 k2 in, out)``), as here; PyTorch flattens all
    axes but the *first* (``(out, in, k1, k2) -> (out, in k1 k2)``).  A
    :mod:`winit` kernel ``W`` of shape ``(k1, k2, in, out)`` becomes a
    PyTorch weight with ``W.transpose(3, 2, 0, 1)``, shape ``(out, in, k1,
    k2)``: each output channel's filter is the same vector with its entries
    reordered, so PyTorch's flattened matrix has orthonormal rows (or
    columns) exactly when this one has orthonormal columns (or rows).

    QR is computed by LAPACK, so the last bits of the result differ between
    BLAS libraries and CPUs; print rounded values.

    Also known as: ``torch.nn.init.orthogonal_``,
    ``keras.initializers.Orthogonal``, "random orthogonal initialization"
    (Saxe et al. 2014).

    References
    ----------
    .. [1] A. M. Saxe, J. L. McClelland, S. Ganguli, "Exact solutions to the
       nonlinear dynamics of learning in deep linear neural networks",
       ICLR 2014.
    .. [2] F. Mezzadri, "How to generate random matrices from the classical
       compact groups", Notices of the AMS 54(5), 592-604, 2007.
    .. [3] PyTorch, ``torch.nn.init.orthogonal_``; Keras,
       ``keras.initializers.Orthogonal``.

    Examples
    --------
    >>> import numpy as np
    >>> from winit import orthogonal
    >>> w = orthogonal((256, 128), rng=0)
    >>> bool(np.allclose(w.T @ w, np.eye(128)))
    True
    >>> k = orthogonal((3, 3, 16, 32), gain=2.0, rng=0)   # 144 x 32 columns
    >>> m = k.reshape(-1, 32)
    >>> bool(np.allclose(m.T @ m, 4.0 * np.eye(32)))
    True
    """
    gain = check_real(gain, "gain", "the factor on the orthogonal matrix", positive=True)
    shape, dtype, rng = check_draw(shape, dtype, rng, "shape")
    if len(shape) < 2:
        raise ValueError(
            f"shape must have at least 2 dimensions (rows and columns of the orthogonal "
            f"matrix, in the (in, out) layout); got {shape!r}"
        )
    meaning = "the factor on the orthogonal matrix"
    if gain > _MAX_SPREAD[dtype]:
        check_spread(gain, "gain", meaning, dtype)
    rows, cols = math.prod(shape[:-1]), shape[-1]
    if rows == 0 or cols == 0:
        return np.empty(shape, dtype)
    # each weight has standard deviation gain / sqrt(max(rows, cols)): below the
    # type's smallest normal number the matrix would be zeros and subnormal values
    spread = gain / math.sqrt(max(rows, cols))
    check_spread(spread, "gain", meaning, dtype, be="be a factor that gives weights of standard deviation",
                 got=f"gain={gain!r}, which gives {spread:.3g} for a {rows} x {cols} matrix")
    a = rng.standard_normal((max(rows, cols), min(rows, cols)), dtype=dtype)
    q, r = np.linalg.qr(a)
    signs = np.sign(np.diagonal(r))
    signs[signs == 0] = 1  # a zero pivot has probability 0; keep Q orthogonal anyway
    q *= signs
    if rows < cols:
        q = q.T
    out = np.ascontiguousarray(q, dtype=dtype)
    out *= gain
    return out.reshape(shape)


__all__ += ["orthogonal"]
