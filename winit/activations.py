r"""The activation functions winit knows, each defined once, in one registry.

Every part of winit that applies an activation reads it here: the network
engine (:func:`winit.networks.activate`, :func:`winit.networks.forward` and
:func:`~winit.networks.backward`, the trainers' in-place fast path,
:class:`winit.blocks.Activation`), the mean-field theory
(:mod:`winit.meanfield`: :math:`\phi`, :math:`\phi'`, :math:`\phi''`) and
the papers' experiments.  Adding an activation is one entry of the
registry (its functions and an :class:`ActivationFunction` in ``_entries``)
and its reference formulas in ``tests/test_activations.py``, whose battery
of checks runs over every entry.

Each entry is an :class:`ActivationFunction`: the function, its derivative
(from :math:`z`, or from :math:`h = f(z)` where that is cheaper), its second
derivative (the length map's slope, :func:`winit.meanfield.depth_scales`,
needs it), the in-place forms the trainers use, whether it is positively
homogeneous (:math:`f(a z) = a f(z)` for :math:`a > 0`: the length map is
then linear in :math:`q`), the bound :math:`\sup |f|`, and the paper it
comes from.

==============  =========================  ===========  =====
name            :math:`f(z)`               homogeneous  bound
==============  =========================  ===========  =====
``tanh``        :math:`\tanh z`            no           1
``sigmoid``     :math:`1 / (1 + e^{-z})`   no           1
``relu``        :math:`\max(z, 0)`         yes          --
``leaky_relu``  :math:`\max(z, 0.01 z)`    yes          --
``linear``      :math:`z`                  yes          --
``gelu``        :math:`z\, \Phi(z)`        no           --
==============  =========================  ===========  =====

:math:`\Phi` is the standard normal distribution function.  numpy has no
``erf``; the private ``_normal_cdf`` computes :math:`\Phi` in float64 to within a few
units in the last place over the whole line (see its notes), and float32
inputs are computed in float64 and rounded once.

This module is part of winit's library layer: numpy only.

References
----------
.. [1] Y. LeCun, L. Bottou, G. B. Orr and K.-R. Mueller, "Efficient
   BackProp", in Neural Networks: Tricks of the Trade, Springer 1998.
.. [2] V. Nair and G. E. Hinton, "Rectified linear units improve restricted
   Boltzmann machines", ICML 2010.
.. [3] A. L. Maas, A. Y. Hannun and A. Y. Ng, "Rectifier nonlinearities
   improve neural network acoustic models", ICML 2013 workshop.
.. [4] D. Hendrycks and K. Gimpel, "Gaussian Error Linear Units (GELUs)",
   arXiv:1606.08415, 2016.

Examples
--------
>>> import numpy as np
>>> from winit import activations
>>> activations.ACTIVATIONS
('tanh', 'sigmoid', 'relu', 'leaky_relu', 'linear', 'gelu')
>>> relu = activations.get("relu")
>>> relu.function(np.array([-1.0, 2.0])), relu.homogeneous
(array([0., 2.]), True)
>>> activations.get("gelu").derivative(np.array([0.0]))
array([0.5])
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Callable

import numpy as np

from ._validation import check_choice

__all__ = ["ACTIVATIONS", "LEAKY_RELU_SLOPE", "REGISTRY", "ActivationFunction", "get"]

#: Slope of ``leaky_relu`` for negative inputs, as in Maas et al. (2013) and
#: PyTorch's default ``negative_slope``.
LEAKY_RELU_SLOPE = 0.01


@dataclass(frozen=True)
class ActivationFunction:
    """One activation function and everything winit computes with it.

    The array arguments are float arrays (float32 or float64); every
    function returns an array of the same shape and dtype, and none checks
    its arguments (:func:`winit.networks.activate` does).  Infinities give
    the limits (``gelu(-inf) = 0``), never NaN; NaN gives NaN (but the
    derivative of the piecewise linear ones is a mask, 0, the slope or 1).

    Attributes
    ----------
    name : str
    function : callable
        ``function(z)`` is :math:`f(z)`.
    derivative : callable
        ``derivative(z, h=None)`` is :math:`f'(z)`; ``h = f(z)``, if given,
        is used where that is cheaper (tanh, sigmoid).
    second_derivative : callable
        ``second_derivative(z)`` is :math:`f''(z)` (0 away from the kink of
        the piecewise linear ones).
    backprop : callable
        ``backprop(g, z, h)`` is :math:`g \\odot f'(z)`, the gradient at the
        pre-activations from the gradient ``g`` at ``h = f(z)``.
    activate_into : callable
        ``activate_into(z, out)`` writes :math:`f(z)` into ``out`` (which may
        be a strided view); the same numbers as ``function``.
    backprop_into : callable
        ``backprop_into(gh, z, h, tmp)`` multiplies ``gh`` by :math:`f'(z)`
        in place, using ``tmp`` (shaped like ``z``) as scratch; the same
        numbers as ``backprop`` (for ReLU, up to the sign of a zero and
        ``inf * 0 = nan`` where ``backprop`` gives 0).
    homogeneous : bool
        :math:`f(a z) = a f(z)` for every :math:`a > 0`.
    bound : float
        :math:`\\sup_z |f(z)|`, ``inf`` if unbounded.
    formula : str
        :math:`f` in LaTeX.
    reference : str
        Where the activation comes from.
    """

    name: str
    function: Callable = field(repr=False)
    derivative: Callable = field(repr=False)
    second_derivative: Callable = field(repr=False)
    backprop: Callable = field(repr=False)
    activate_into: Callable = field(repr=False)
    backprop_into: Callable = field(repr=False)
    homogeneous: bool
    bound: float
    formula: str = field(repr=False)
    reference: str = field(repr=False)


# --------------------------------------------------------------------------
# tanh
# --------------------------------------------------------------------------


def _tanh_derivative(z, h=None):
    t = np.tanh(z) if h is None else h
    return 1.0 - t * t


def _tanh_second(z):
    t = np.tanh(z)
    return -2.0 * t * (1.0 - t * t)


def _tanh_backprop(g, z, h):
    return g * (1.0 - h * h)


def _tanh_into(z, out):
    np.tanh(z, out=out)


def _tanh_backprop_into(gh, z, h, tmp):
    np.multiply(h, h, out=tmp)
    np.subtract(1.0, tmp, out=tmp)
    gh *= tmp


# --------------------------------------------------------------------------
# sigmoid
# --------------------------------------------------------------------------


def _sigmoid(z):
    # 1/(1+exp(-z)) overflows exp for z < -709; the tanh form never does.
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _sigmoid_derivative(z, h=None):
    s = _sigmoid(z) if h is None else h
    return s * (1.0 - s)


def _sigmoid_second(z):
    s = _sigmoid(z)
    return s * (1.0 - s) * (1.0 - 2.0 * s)


def _sigmoid_backprop(g, z, h):
    return g * (h * (1.0 - h))


def _sigmoid_into(z, out):
    np.multiply(z, 0.5, out=out)
    np.tanh(out, out=out)
    out *= 0.5
    out += 0.5


def _sigmoid_backprop_into(gh, z, h, tmp):
    np.subtract(1.0, h, out=tmp)
    tmp *= h
    gh *= tmp


# --------------------------------------------------------------------------
# ReLU, leaky ReLU, linear
# --------------------------------------------------------------------------


def _relu(z):
    return np.maximum(z, 0.0)


def _relu_derivative(z, h=None):
    return (z > 0).astype(z.dtype)


def _zeros(z):
    return np.zeros_like(z)


def _relu_backprop(g, z, h):
    return np.where(z > 0, g, 0.0)


def _relu_into(z, out):
    np.maximum(z, 0.0, out=out)


def _relu_backprop_into(gh, z, h, tmp):
    np.greater(z, 0.0, out=tmp)
    gh *= tmp


def _leaky_relu(z):
    return np.maximum(z, LEAKY_RELU_SLOPE * z)


def _leaky_relu_derivative(z, h=None):
    return np.where(z > 0, 1.0, LEAKY_RELU_SLOPE).astype(z.dtype, copy=False)


def _leaky_relu_backprop(g, z, h):
    return np.where(z > 0, g, LEAKY_RELU_SLOPE * g)


def _leaky_relu_into(z, out):
    np.multiply(z, LEAKY_RELU_SLOPE, out=out)
    np.maximum(z, out, out=out)


def _leaky_relu_backprop_into(gh, z, h, tmp):
    np.greater(z, 0.0, out=tmp)
    tmp *= 1.0 - LEAKY_RELU_SLOPE
    tmp += LEAKY_RELU_SLOPE
    gh *= tmp


def _identity(z):
    return z


def _ones(z, h=None):
    return np.ones_like(z)


def _linear_backprop(g, z, h):
    return g


def _linear_into(z, out):
    np.copyto(out, z)


def _linear_backprop_into(gh, z, h, tmp):
    pass


# --------------------------------------------------------------------------
# GELU and the normal distribution function
# --------------------------------------------------------------------------

_INV_SQRT_2PI = 0.3989422804014327  # 1 / sqrt(2 pi)

#: :math:`G(u) = e^{u^2/2}\, \Phi(-u)` on [0, 4] is the polynomial
#: :math:`\sum_k c_k s^k`, :math:`s = u/2 - 1`: the interpolant of :math:`G` at the
#: 28 Chebyshev points of [0, 4], with :math:`G` computed to 50 digits by its
#: series (``tests/test_activations.py`` recomputes it).  Its error is below
#: 3.4e-16 relative.
_G_COEFFS = (
    0.1681020012231706, -0.12547655591018292, 0.08525089062597538, -0.05363422037894345,
    0.03161667024702991, -0.01761404010552861, 0.009335086761053104, -0.004730830482602537,
    0.002302128138524262, -0.0010794232635187246, 0.0004890819556335307, -0.0002146695701944596,
    9.147076585817812e-05, -3.790730684927866e-05, 1.530394876462039e-05, -6.0276199011422115e-06,
    2.3188282880913833e-06, -8.725228523438862e-07, 3.2184055440172086e-07,
    -1.1615418916122496e-07, 4.0604106735397e-08, -1.4132764431122216e-08,
    5.257135054772065e-09, -1.7510443804235387e-09, 3.424477988160571e-10,
    -1.1569890687734496e-10, 1.1244279462157258e-10, -3.4745177051214536e-11,
)
#: Where the polynomial hands over to the continued fraction.
_G_SPLIT = 4.0
#: Terms of the continued fraction (enough for 2.3e-16 relative at u = 4).
_CF_TERMS = 32
#: Beyond this, :math:`\Phi(-u)` underflows to 0 in float64 (it does from 38.5 on).
_U_MAX = 40.0
#: Below this, :math:`\Phi(x) = 1/2 + x \sum_n b_n x^{2n}`, the Taylor series, with
#: :math:`b_n = (-1)^n / (\sqrt{2\pi}\, 2^n n! (2n + 1))`: exact at 0, symmetric, and
#: below 1e-17 truncated after these 11 terms.
_TAYLOR_SPLIT = 0.5
_TAYLOR_COEFFS = tuple((-1) ** n * _INV_SQRT_2PI / (2 ** n * math.factorial(n) * (2 * n + 1))
                       for n in range(11))


def _normal_cdf(x):
    """:math:`\\Phi(x)`, the standard normal distribution function, elementwise, in float64.

    Parameters
    ----------
    x : numpy.ndarray
        Any float dtype.

    Returns
    -------
    numpy.ndarray of float64

    Notes
    -----
    With :math:`u = |x|`, :math:`\\Phi(-u) = e^{-u^2/2}\\, G(u)`, where
    :math:`G(u) = e^{u^2/2} \\Phi(-u)` is Mills's ratio over
    :math:`\\sqrt{2\\pi}`: smooth, falling from 1/2 at 0.  :math:`G` is a
    polynomial of degree 27 on [0, 4] (``_G_COEFFS``) and beyond that
    Laplace's continued fraction, with 32 terms:

    .. math:: G(u) = \\frac{1}{\\sqrt{2\\pi}}\\;
              \\cfrac{1}{u + \\cfrac{1}{u + \\cfrac{2}{u + \\cfrac{3}{u + \\cdots}}}}

    :math:`e^{-u^2/2}` is computed as :math:`e^{-a^2/2} e^{-(u - a)(u + a)/2}`
    with :math:`a` ``u`` rounded down to a multiple of 1/1024, whose square is
    exact, so that the rounding of :math:`u^2` (a relative error of up to
    :math:`u^2 \\varepsilon / 2` in the result, 8e-14 at :math:`u = 37`) does
    not enter.  Then :math:`\\Phi(x) = \\Phi(-u)` for :math:`x \\le 0` and
    :math:`1 - \\Phi(-u)` for :math:`x > 0`, except for :math:`|x| < 1/2`,
    where the Taylor series :math:`1/2 + x Q(x^2)` (11 terms) is used: it
    gives :math:`\\Phi(0) = 1/2` exactly and :math:`\\Phi(-x) = 1 - \\Phi(x)`.
    The result is within about 5e-16 relative of :math:`\\Phi(x)` wherever
    that is a normal float64 (``tests/test_activations.py`` checks it against
    a 50-digit reference, ``math.erfc`` and ``scipy.special.ndtr``).
    """
    x = np.asarray(x, dtype=np.float64)
    u = np.minimum(np.abs(x), _U_MAX)  # NaN stays NaN
    s = np.minimum(u, _G_SPLIT) * 0.5 - 1.0
    g = np.full_like(s, _G_COEFFS[-1])
    for c in _G_COEFFS[-2::-1]:
        g *= s
        g += c
    far = u >= _G_SPLIT
    if far.any():
        v = u[far]
        t = v.copy()
        for k in range(_CF_TERMS, 0, -1):
            t = v + k / t
        g[far] = _INV_SQRT_2PI / t
    g[np.isnan(u)] = np.nan
    a = np.floor(u * 1024.0) / 1024.0
    lower = np.exp(-0.5 * (a * a))
    lower *= np.exp(-0.5 * ((u - a) * (u + a)))
    lower *= g
    p = np.where(x > 0, 1.0 - lower, lower)
    near = u < _TAYLOR_SPLIT
    if near.any():
        v = x[near]
        v2 = v * v
        t = np.full_like(v, _TAYLOR_COEFFS[-1])
        for c in _TAYLOR_COEFFS[-2::-1]:
            t *= v2
            t += c
        p[near] = 0.5 + v * t
    return p


def _clamped(z):
    """``z`` in float64, clipped to [-40, 40]: where GELU's Phi(z) is 0 or 1 and phi(z) is 0."""
    return np.clip(np.asarray(z, dtype=np.float64), -_U_MAX, _U_MAX)


def _gelu_into(z, out):
    # max(z, -40) * Phi(z): z Phi(z) to the last bit, and 0 (not -inf * 0 = NaN) at -inf.
    np.multiply(np.maximum(z, -_U_MAX), _normal_cdf(z), out=out)


def _gelu(z):
    out = np.empty_like(z)
    _gelu_into(z, out)
    return out


def _gelu_derivative(z, h=None):
    # Phi(z) + z phi(z); z clamped so that inf * phi(inf) = inf * 0 is not NaN.
    c = _clamped(z)
    d = c * np.exp(-0.5 * (c * c))
    d *= _INV_SQRT_2PI
    d += _normal_cdf(z)
    return d.astype(np.result_type(z), copy=False)


def _gelu_second(z):
    # phi(z) (2 - z^2)
    c = _clamped(z)
    d = np.exp(-0.5 * (c * c))
    d *= _INV_SQRT_2PI * (2.0 - c * c)
    return d.astype(np.result_type(z), copy=False)


def _gelu_backprop(g, z, h):
    return g * _gelu_derivative(z)


def _gelu_backprop_into(gh, z, h, tmp):
    np.copyto(tmp, _gelu_derivative(z))
    gh *= tmp


# --------------------------------------------------------------------------
# The registry
# --------------------------------------------------------------------------


def _entries():
    yield ActivationFunction(
        "tanh", np.tanh, _tanh_derivative, _tanh_second, _tanh_backprop, _tanh_into,
        _tanh_backprop_into, homogeneous=False, bound=1.0, formula=r"\tanh z",
        reference="LeCun, Bottou, Orr and Mueller, Efficient BackProp (1998)")
    yield ActivationFunction(
        "sigmoid", _sigmoid, _sigmoid_derivative, _sigmoid_second, _sigmoid_backprop,
        _sigmoid_into, _sigmoid_backprop_into, homogeneous=False, bound=1.0,
        formula=r"1 / (1 + e^{-z})",
        reference="Rumelhart, Hinton and Williams, Learning representations by "
                  "back-propagating errors (1986)")
    yield ActivationFunction(
        "relu", _relu, _relu_derivative, _zeros, _relu_backprop, _relu_into,
        _relu_backprop_into, homogeneous=True, bound=math.inf, formula=r"\max(z, 0)",
        reference="Nair and Hinton, Rectified linear units improve restricted Boltzmann "
                  "machines (ICML 2010)")
    yield ActivationFunction(
        "leaky_relu", _leaky_relu, _leaky_relu_derivative, _zeros, _leaky_relu_backprop,
        _leaky_relu_into, _leaky_relu_backprop_into, homogeneous=True, bound=math.inf,
        formula=rf"\max(z, {LEAKY_RELU_SLOPE} z)",
        reference="Maas, Hannun and Ng, Rectifier nonlinearities improve neural network "
                  "acoustic models (ICML 2013 workshop)")
    yield ActivationFunction(
        "linear", _identity, _ones, _zeros, _linear_backprop, _linear_into,
        _linear_backprop_into, homogeneous=True, bound=math.inf, formula="z",
        reference="the identity (deep linear networks: Saxe, McClelland and Ganguli, ICLR 2014)")
    yield ActivationFunction(
        "gelu", _gelu, _gelu_derivative, _gelu_second, _gelu_backprop, _gelu_into,
        _gelu_backprop_into, homogeneous=False, bound=math.inf, formula=r"z\, \Phi(z)",
        reference="Hendrycks and Gimpel, Gaussian Error Linear Units (GELUs), "
                  "arXiv:1606.08415 (2016)")


#: Every activation, by name.
REGISTRY = MappingProxyType({entry.name: entry for entry in _entries()})

#: The names of the activations, in the order winit lists them.
ACTIVATIONS = tuple(REGISTRY)


def get(name, argument="activation"):
    """The registry entry of an activation.

    Parameters
    ----------
    name : str
        One of :data:`ACTIVATIONS`.
    argument : str, default "activation"
        The name the caller's argument goes by, for the error message.

    Returns
    -------
    ActivationFunction

    Raises
    ------
    TypeError
        If ``name`` is not a string.
    ValueError
        If ``name`` is not one of :data:`ACTIVATIONS`; the message lists them.

    Examples
    --------
    >>> from winit.activations import get
    >>> get("tanh").bound
    1.0
    >>> get("not_an_activation")
    Traceback (most recent call last):
    ...
    ValueError: activation must be one of 'tanh', 'sigmoid', 'relu', 'leaky_relu', 'linear', 'gelu'; got 'not_an_activation'
    """
    entry = REGISTRY.get(name) if isinstance(name, str) else None
    if entry is None:
        check_choice(name, argument, ACTIVATIONS)
    return entry
