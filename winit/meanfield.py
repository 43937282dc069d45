"""Mean-field signal propagation through a deep random network.

For a network of infinitely wide layers with weights
:math:`W_{ij} \\sim \\mathcal N(0, \\sigma_w^2 / n)` and biases
:math:`b_i \\sim \\mathcal N(0, \\sigma_b^2)`, the pre-activations of each
layer are Gaussian, and two numbers describe how inputs travel through
depth (Poole et al. 2016; Schoenholz et al. 2017):

* the **length map** :math:`q_{l+1} = \\sigma_w^2\\, E_z[\\phi(\\sqrt{q_l} z)^2]
  + \\sigma_b^2` of one input's pre-activation variance, with its fixed point
  :math:`q^*` (:func:`length_map`, :func:`fixed_point_q`);
* the **correlation map** :math:`c_{l+1}(c_l)` of two inputs' correlation
  (:func:`correlation_map`), whose slope at :math:`c = 1` is

  .. math:: \\chi_1 = \\sigma_w^2\\, E_z[\\phi'(\\sqrt{q^*} z)^2]

  (:func:`chi_1`).  :math:`\\chi_1 < 1` is the ordered phase (inputs
  become alike with depth; back-propagated gradients shrink by
  :math:`\\chi_1` per layer), :math:`\\chi_1 > 1` the chaotic phase (inputs
  decorrelate; gradients grow), :math:`\\chi_1 = 1` the edge of chaos.

The depth scales :math:`\\xi_q` and :math:`\\xi_c` (:func:`depth_scales`)
say over how many layers :math:`q_l` and :math:`c_l` reach their fixed
points; Schoenholz et al. find networks trainable up to a depth of about
:math:`6 \\xi_c`.

Expectations over :math:`z \\sim \\mathcal N(0, 1)` use a composite
Gauss-Legendre rule (:func:`expect`) built for activations: their
variation sits within a few units of :math:`u = 0` (a kink of ReLU at 0,
the transition of tanh or sigmoid of width about 1), while the Gaussian of
:math:`u = \\sqrt q z` spreads over :math:`\\sqrt q`.  The panels of the rule
follow both scales: a break at the kink, panels doubling in width from
:math:`|u| = 1` to :math:`|u| = 1024` (but not beyond :math:`|z| = 1`),
then panels of width 1 to 2.5 in :math:`z` out to :math:`|z| = 9`, with
``N_POINTS`` nodes each.  A single Gauss-Hermite rule has no such
grading: with 256 nodes its spacing near 0 is 0.2 in :math:`z`, so for
:math:`q \\gtrsim 25` it steps over the transition of tanh and
:math:`\\chi_1` comes out wrong (0.5 % at :math:`q^* = 17`, 41 % at
:math:`\\sigma_w^2 = 100`, a factor 1700 at 1000).  The composite rule
agrees with adaptive quadrature (:func:`scipy.integrate.quad` with
breakpoints) to about :math:`10^{-15}` relative for every :math:`q` from 0
to :math:`10^{16}`.  Two-dimensional expectations (:func:`correlation_map`,
:func:`chi_c`) nest the rule: the inner panels are graded around the
:math:`z_2` where the second pre-activation crosses 0, the outer ones also
on the scale :math:`\\sqrt{1 - c^2}/|c|` on which that crossing sweeps through
the Gaussian.  ReLU, leaky ReLU and linear use closed forms (the
arc-cosine kernel of Cho and Saul 2009 for the correlation map).

:math:`\\phi`, :math:`\\phi'` and :math:`\\phi''` are those of the registry
:mod:`winit.activations`, so every activation winit knows works here.

This module is part of winit's library layer: it needs numpy only and
imports nothing else of winit's but the argument checks and the
activation registry.

References
----------
.. [1] B. Poole, S. Lahiri, M. Raghu, J. Sohl-Dickstein and S. Ganguli,
   "Exponential expressivity in deep neural networks through transient
   chaos", NeurIPS 2016.
.. [2] S. S. Schoenholz, J. Gilmer, S. Ganguli and J. Sohl-Dickstein, "Deep
   information propagation", ICLR 2017.
.. [3] Y. Cho and L. K. Saul, "Kernel methods for deep learning", NeurIPS
   2009 (the arc-cosine kernel).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from . import activations as _activations
from ._validation import check_choice, check_count, check_real

__all__ = [
    "ACTIVATIONS",
    "chi_1",
    "chi_c",
    "correlation_map",
    "critical_sigma_w2",
    "depth_scales",
    "edge_of_chaos",
    "expect",
    "fixed_point_c",
    "fixed_point_q",
    "length_map",
]

#: Leaky ReLU's slope for negative inputs (:data:`winit.activations.LEAKY_RELU_SLOPE`).
LEAKY_SLOPE = _activations.LEAKY_RELU_SLOPE

#: The activations this module knows: every one of the registry :mod:`winit.activations`.
ACTIVATIONS = _activations.ACTIVATIONS


def _phi(activation):
    """phi, phi' and phi'' of ``activation``, from the registry."""
    entry = _activations.get(activation)
    return entry.function, entry.derivative, entry.second_derivative


def _homogeneous(activation):
    """Positively homogeneous: phi(a x) = a phi(x) for a > 0, so the length map is
    linear in q and chi_1 does not depend on q."""
    return _activations.get(activation).homogeneous


#: Gauss-Legendre nodes per panel of the composite rule of :func:`expect`
#: (about 16 panels a side: some 200 to 430 nodes in all, depending on q).
N_POINTS = 12


#: The most nodes per panel allowed: the two-dimensional rule of
#: :func:`correlation_map` holds about :math:`(36\, n)^2` values at once
#: (1.5 million at 32).
MAX_POINTS = 32


def _check_n_points(n_points):
    return check_count(n_points, "n_points", "the quadrature nodes per panel", high=MAX_POINTS)


# The composite rule of expect, in z = u / sqrt(q).  Panel edges of the Gaussian's
# own scale (beyond |z| = 9 lies 2.3e-19 of its mass), and the doublings of the
# activation's scale, |u| = 1, 2, 4, ..., 1024 (below |z| = 1): beyond |u| = 1024
# an activation is a constant or a polynomial to double precision (tanh and
# sigmoid saturate by |u| = 40).
_Z_MAX = 9.0
_GAUSS_EDGES = np.array([-9.0, -6.5, -5.0, -4.0, -3.0, -2.0, -1.0,
                         1.0, 2.0, 3.0, 4.0, 5.0, 6.5, 9.0])


def _doublings(e, top):
    """e, 2e, 4e, ... below ``top``."""
    if not e < top:
        return np.empty(0)
    return e * 2.0 ** np.arange(math.ceil(math.log2(top / e)))


@lru_cache(maxsize=8)
def _legendre(n_points):
    return np.polynomial.legendre.leggauss(n_points)


def _nodes(n_points):
    """Gauss-Legendre nodes and weights on [-1, 1], ``n_points`` of them (checked)."""
    return _legendre(_check_n_points(n_points))


def _rule(t, e, n_points, wide=math.inf):
    """Nodes ``z`` and weights ``w``, shape (len(t), m): sum_j w[i, j] F(z[i, j]) = E_z[F(z)].

    ``F`` varies near ``z = t[i]`` on the scale ``e`` (and may have a kink
    there), out to 1024 ``e``; also on the scale ``wide``, out to 16 ``wide``,
    if given; elsewhere on the Gaussian's scale.  Each row has the same number
    of panels: edges clipped to [-9, 9] make empty panels, of weight 0.
    """
    t = np.asarray(t, dtype=float).reshape(-1, 1)
    edges = [np.broadcast_to(_GAUSS_EDGES, (t.shape[0], _GAUSS_EDGES.size)), t]
    if e < 1.0:
        top = min(1.0, 2048.0 * e)
        if wide / 16.0 <= top:  # one run of doublings covers both scales
            g = _doublings(e, min(1.0, max(top, 16.0 * wide)))
        else:  # two runs, and one panel over the quiet stretch between them
            g = np.concatenate([_doublings(e, top), _doublings(wide / 16.0, min(1.0, 16.0 * wide))])
        edges += [t - g, t + g]
    b = np.clip(np.concatenate(edges, axis=1), -_Z_MAX, _Z_MAX)
    b.sort(axis=1)
    x, w = _nodes(n_points)
    mid, half = 0.5 * (b[:, 1:] + b[:, :-1]), 0.5 * (b[:, 1:] - b[:, :-1])
    z = (mid[:, :, None] + half[:, :, None] * x).reshape(t.shape[0], -1)
    w = (half[:, :, None] * w).reshape(t.shape[0], -1) * np.exp(-0.5 * z * z)
    return z, w * (1.0 / math.sqrt(2.0 * math.pi))


@lru_cache(maxsize=8)
def _rule_small_q(n_points):
    # For q <= 1 the activation's scale in z is >= 1: the rule does not depend on q.
    z, w = _rule(0.0, math.inf, n_points)
    return z[0], w[0]


def _rule_1d(q, n_points):
    """The rule of E_z[F(sqrt(q) z)] for an F that varies near 0 on the scale 1."""
    if q <= 1.0:
        return _rule_small_q(n_points)
    z, w = _rule(0.0, 1.0 / math.sqrt(q), n_points)
    return z[0], w[0]


def _slopes(activation):
    """(a, b) with phi(u) = a u for u > 0 and b u for u < 0 (a positively homogeneous phi)."""
    v = _phi(activation)[0](np.array([1.0, -1.0]))
    return float(v[0]), float(-v[1])


def _finite(value, what):
    if not math.isfinite(value):
        raise ValueError(f"{what} is not a finite float (it overflows); got {value}")
    return value


def _solve(f, a, b, fa, fb, xtol=0.0, rtol=0.0, max_iter=400):
    """A root of ``f`` between ``a`` and ``b``, where ``fa >= 0 > fb`` or ``fa <= 0 < fb``.

    False position with the Illinois modification (the end kept twice has
    its value halved), and a bisection every fourth step (at the geometric
    mean when ``a`` and ``b`` are both positive), so that the bracket at
    least halves, or its ratio at least square-roots, every four steps; stops
    when the bracket is narrower than ``xtol + rtol * min(|a|, |b|)``, or
    has no float inside.
    """
    kept = 0
    for step in range(max_iter):
        if abs(b - a) <= xtol + rtol * min(abs(a), abs(b)):
            break
        x = b - fb * (b - a) / (fb - fa) if fb != fa else a
        if step % 4 == 3 or not min(a, b) < x < max(a, b):
            x = math.sqrt(a) * math.sqrt(b) if a > 0.0 and b > 0.0 else a + 0.5 * (b - a)
            if not min(a, b) < x < max(a, b):
                x = a + 0.5 * (b - a)
        if x in (a, b):
            break
        fx = f(x)
        if fx == 0.0:
            return x
        if (fx > 0.0) == (fb > 0.0):
            b, fb = x, fx
            fa, kept = (0.5 * fa if kept == 1 else fa), 1
        else:
            a, fa = x, fx
            fb, kept = (0.5 * fb if kept == -1 else fb), -1
    return a + 0.5 * (b - a)


def _check(sigma_w2, sigma_b2, activation):
    sigma_w2 = check_real(sigma_w2, "sigma_w2", "the weight variance times fan_in",
                          positive=True)
    sigma_b2 = check_real(sigma_b2, "sigma_b2", "the bias variance", nonnegative=True)
    check_choice(activation, "activation", ACTIVATIONS)
    return sigma_w2, sigma_b2


def _check_q(q, name="q"):
    return check_real(q, name, "a pre-activation variance", nonnegative=True)


def expect(f, q=1.0, *, n_points=N_POINTS):
    """:math:`E_z[f(\\sqrt{q}\\, z)]` for :math:`z \\sim \\mathcal N(0, 1)`, by a composite Gauss-Legendre rule.

    The rule (see the module's introduction) resolves both the Gaussian's
    scale :math:`\\sqrt q` and a unit scale around :math:`u = 0`, so that it
    suits the functions of an activation: smooth except perhaps at
    :math:`u = 0` (ReLU's kink, a step), varying on a scale of about 1 near
    0, and a constant or a polynomial of low degree beyond
    :math:`|u| \\approx 1000`.

    Parameters
    ----------
    f : callable
        A vectorised function of one float array :math:`u`, returning an
        array of the same shape.
    q : float, default 1.0
        The variance of the argument, finite and :math:`\\geq 0`; at 0 the
        result is :math:`f(0)`.
    n_points : int, default ``N_POINTS`` (12)
        Gauss-Legendre nodes per panel, 1 to ``MAX_POINTS`` (32).

    Returns
    -------
    float

    Raises
    ------
    TypeError
        If ``f`` is not callable.
    ValueError
        If ``q`` is negative or not finite, or the expectation is not a
        finite float (``f`` returned NaN or inf, or the sum overflowed).

    Notes
    -----
    Accuracy (default ``n_points``): for :math:`\\phi^2`, :math:`\\phi'^2`,
    :math:`\\phi\\phi''` and :math:`u\\phi\\phi'` of tanh, sigmoid and GELU
    and for :math:`\\phi^2` of ReLU the relative error is below
    :math:`10^{-14}` (mostly below :math:`10^{-15}`) at every :math:`q` from
    0 to :math:`10^{16}`, measured against :func:`scipy.integrate.quad` with
    breakpoints (``tests/test_meanfield.py``); beyond, the large-:math:`q`
    expansions agree as far as they go.  For a polynomial the error is the
    Gaussian tail beyond :math:`|z| = 9`, about :math:`10^{-12}` for
    :math:`u^{10}`.  A function that oscillates on a scale other than 1 or
    :math:`\\sqrt q` (:math:`\\cos(10 u)` at large :math:`q`) is not resolved.

    Examples
    --------
    >>> from winit.meanfield import expect
    >>> round(expect(lambda u: u ** 2, q=3.0), 12)
    3.0
    >>> round(expect(lambda u: (u > 0).astype(float), q=1e12), 15)  # P(u > 0)
    0.5
    """
    if not callable(f):
        raise TypeError(f"f must be a callable of one array; got {f!r} of type {type(f).__name__}")
    q = _check_q(q)
    if q == 0.0:
        _nodes(n_points)
        z, w = np.zeros(1), np.ones(1)
    else:
        z, w = _rule_1d(q, n_points)
    u = math.sqrt(q) * z
    value = float(np.dot(w, np.broadcast_to(f(u), u.shape)))
    if not math.isfinite(value):
        raise ValueError(f"E[f(sqrt(q) z)] at q={q} is not a finite float (f gave NaN or inf, or "
                         f"the sum overflowed); got {value}")
    return value


def length_map(q, sigma_w2, sigma_b2=0.0, activation="tanh", *, n_points=N_POINTS):
    """One step of the length map, :math:`\\sigma_w^2 E_z[\\phi(\\sqrt{q} z)^2] + \\sigma_b^2`.

    For ReLU, leaky ReLU and linear the expectation is
    :math:`q (a^2 + b^2) / 2` in closed form (:math:`\\phi(u) = a u` for
    :math:`u > 0`, :math:`b u` below); for tanh and sigmoid it is
    :func:`expect`, to a relative :math:`10^{-15}` at every :math:`q`.

    Parameters
    ----------
    q : float
        Pre-activation variance at layer :math:`l` (per unit, averaged over
        units of an infinitely wide layer), finite and :math:`\\geq 0`.
    sigma_w2 : float
        :math:`\\sigma_w^2 > 0`: weights are drawn with variance
        :math:`\\sigma_w^2 / \\text{fan\\_in}` (the squared gain).
    sigma_b2 : float, default 0.0
        :math:`\\sigma_b^2 \\geq 0`, the biases' variance.
    activation : {"tanh", "sigmoid", "relu", "leaky_relu", "linear", "gelu"}
    n_points : int, default ``N_POINTS`` (12)
        Quadrature nodes per panel (:func:`expect`).

    Returns
    -------
    float
        :math:`q_{l+1}`.

    Raises
    ------
    ValueError
        If an argument is out of range, or :math:`q_{l+1}` overflows a float
        or underflows to 0 (:math:`q > 0`, :math:`\\sigma_b = 0` and
        :math:`q_{l+1} < 5 \\times 10^{-324}`).

    Examples
    --------
    >>> from winit.meanfield import length_map
    >>> round(length_map(1.0, 2.0, 0.0, "relu"), 12)  # He's factor 2 keeps q
    1.0
    """
    sigma_w2, sigma_b2 = _check(sigma_w2, sigma_b2, activation)
    q = _check_q(q)
    _nodes(n_points)
    if _homogeneous(activation):
        a, b = _slopes(activation)
        mean_sq = q * (0.5 * (a * a + b * b))
    else:
        phi = _phi(activation)[0]
        mean_sq = expect(lambda u: phi(u) ** 2, q, n_points=n_points)
    value = _finite(sigma_w2 * mean_sq + sigma_b2, f"length_map(q={q}, sigma_w2={sigma_w2}, "
                    f"sigma_b2={sigma_b2})")
    if value == 0.0 and q > 0.0:  # E[phi^2] > 0 for q > 0: the product underflowed
        raise ValueError(f"length_map(q={q}, sigma_w2={sigma_w2}, sigma_b2=0) underflows a float "
                         "(it is below 5e-324)")
    return value


def fixed_point_q(sigma_w2, sigma_b2=0.0, activation="tanh", *, q0=1.0, n_points=N_POINTS):
    """The fixed point :math:`q^*` of the length map that a network starting at ``q0`` reaches.

    For tanh and sigmoid (bounded) the length map :math:`L` has one stable
    fixed point; it is found by false position (with bisections at the
    geometric mean) on :math:`q \\mapsto L(q)/q - 1`, which falls from
    :math:`+\\infty`, or from :math:`\\sigma_w^2 \\phi'(0)^2 - 1`, to below
    0, to a relative :math:`4 \\times 10^{-16}`.  With :math:`\\sigma_b = 0`
    and :math:`\\phi(0) = 0` (tanh), :math:`q = 0` is a fixed point and the
    one reached when
    :math:`\\sigma_w^2 \\phi'(0)^2 \\le 1` (the signal dies out); above, the
    positive one, :math:`q^* \\approx (\\sigma_w^2 - 1)/2` just above
    :math:`\\sigma_w^2 = 1`.  For the positively homogeneous ReLU, leaky ReLU
    and linear maps :math:`L(q) = s q + \\sigma_b^2` with :math:`s =
    \\sigma_w^2 (a^2 + b^2)/2`, so :math:`q^* = \\sigma_b^2 / (1 - s)` when
    :math:`s < 1`, ``q0`` when :math:`|s - 1| \\le 10^{-12}` and
    :math:`\\sigma_b = 0` (every :math:`q` is fixed), and ``inf`` otherwise
    (the variance grows without bound).  For GELU (unbounded, not homogeneous) the map may
    have two fixed points, a stable one below an unstable one, and which one
    the network reaches depends on ``q0``: with :math:`\\sigma_b = 0` it is 0
    if :math:`\\text{length\\_map}(q_0) < q_0` and ``inf`` if larger; in
    general it is found by a faster monotone iteration from ``q0``, to
    rounding (``_unbounded_fixed_point``).

    Parameters
    ----------
    sigma_w2, sigma_b2, activation, n_points
        As in :func:`length_map`.
    q0 : float, default 1.0
        The input layer's :math:`q`; it matters only where every :math:`q`
        is a fixed point, and for GELU.

    Returns
    -------
    float
        :math:`q^* \\geq 0`, or ``inf``.  For tanh and sigmoid the relative
        error is about :math:`10^{-16} / (1 - L'(q^*))`, the quadrature's
        error over the distance of the map's slope from 1: below
        :math:`10^{-14}` except close to :math:`\\sigma_w^2 \\phi'(0)^2 = 1`
        with a small bias (measured: at most :math:`1.3 \\times 10^{-13}`, at
        :math:`\\sigma_w^2 = 1`, :math:`\\sigma_b^2 = 10^{-6}`, over
        :math:`\\sigma_w^2` from :math:`10^{-3}` to :math:`10^8` and
        :math:`\\sigma_b^2` from 0 to 100).  Closed forms for ReLU, leaky
        ReLU and linear; GELU to the rounding of its iteration.

    Raises
    ------
    ValueError
        If an argument is out of range, or :math:`q^*` overflows a float or
        lies below :math:`10^{-305}`.

    Examples
    --------
    >>> from winit.meanfield import fixed_point_q
    >>> fixed_point_q(1.0, 0.0, "tanh")
    0.0
    >>> round(fixed_point_q(1.5, 0.0, "relu"), 12), fixed_point_q(2.5, 0.0, "relu")
    (0.0, inf)
    >>> fixed_point_q(3.0, 0.0, "gelu", q0=0.1), fixed_point_q(3.0, 0.0, "gelu", q0=1.0)
    (0.0, inf)
    """
    sigma_w2, sigma_b2 = _check(sigma_w2, sigma_b2, activation)
    q0 = _check_q(q0, "q0")
    _nodes(n_points)
    if _homogeneous(activation):
        a, b = _slopes(activation)
        s = sigma_w2 * (0.5 * (a * a + b * b))
        if abs(s - 1.0) <= 1e-12:
            return q0 if sigma_b2 == 0 else math.inf
        if s > 1.0:
            return math.inf
        return _finite(sigma_b2 / (1.0 - s), f"q* = sigma_b2 / (1 - s) at sigma_w2={sigma_w2}, "
                       f"sigma_b2={sigma_b2}")
    if _activations.get(activation).bound == math.inf:
        return _unbounded_fixed_point(sigma_w2, sigma_b2, activation, q0, n_points)
    return _fixed_point_q(sigma_w2, sigma_b2, activation, n_points)


@lru_cache(maxsize=256)
def _fixed_point_q(sigma_w2, sigma_b2, activation, n_points):
    phi = _phi(activation)[0]

    def h(q):  # L(q) / q - 1: positive below q*, negative above
        return (sigma_w2 * expect(lambda u: phi(u) ** 2, q, n_points=n_points) + sigma_b2) / q - 1.0

    top = np.finfo(float).max
    if sigma_b2 == 0.0 and float(phi(np.zeros(1))[0]) == 0.0:
        # L(0) = 0: q = 0 is fixed; the network leaves it iff L(q)/q > 1 as q -> 0
        lo = 1e-100  # L(q)/q = sigma_w2 phi'(0)^2 to double precision
        h_lo = h(lo)
        if h_lo <= 0.0:
            return 0.0
    else:
        # L(0) > 0: L(q)/q -> inf as q -> 0; L grows with q, so h > 0 below L(0)
        lo = 0.9 * max(sigma_w2 * float(phi(np.zeros(1))[0]) ** 2 + sigma_b2, 1e-305)
        h_lo = h(lo)
        while h_lo <= 0.0:
            if h_lo == 0.0:
                return lo
            lo *= 1e-10
            if lo < 1e-305:
                raise ValueError(f"q* is below 1e-305 at sigma_w2={sigma_w2}, "
                                 f"sigma_b2={sigma_b2}: too close to a float's underflow")
            h_lo = h(lo)
    # phi^2 <= bound^2: L(q) <= sigma_w2 bound^2 + sigma_b2
    bound = _activations.get(activation).bound
    hi = max(lo, 1.0, min(sigma_w2 * bound * bound + sigma_b2, top))
    h_hi = h(hi)
    while h_hi >= 0.0:
        if h_hi == 0.0:
            return hi
        if hi >= top:
            raise ValueError(f"q* of {activation} at sigma_w2={sigma_w2}, sigma_b2={sigma_b2} "
                             "overflows a float")
        hi = min(2.0 * hi, top)
        h_hi = h(hi)
    return _solve(h, lo, hi, h_lo, h_hi, rtol=4e-16)


#: Steps of the iteration :func:`_unbounded_fixed_point` takes at most.
_MAX_STEPS = 10_000


def _unbounded_fixed_point(sigma_w2, sigma_b2, activation, q0, n_points):
    """The fixed point the length map of an unbounded activation that is not
    homogeneous (GELU) reaches from ``q0``.

    Write the map as :math:`L(q) = \\sigma_b^2 + q\\, r(q)` with :math:`r(q) =
    \\sigma_w^2 E[\\phi(\\sqrt q z)^2] / q`, and let :math:`r` be nondecreasing
    (for GELU it rises from :math:`\\sigma_w^2/4` at 0 to :math:`\\sigma_w^2/2`;
    ``tests/test_activations.py`` checks it).  Then the iteration
    :math:`p \\mapsto \\sigma_b^2 / (1 - r(p))` from ``q0`` moves monotonically
    to the fixed point the network reaches (never past it: a fixed point
    :math:`q^*` on its way has :math:`q^* = \\sigma_b^2 / (1 - r(q^*))`), faster
    than the network's own :math:`q \\mapsto L(q)`.  Once :math:`r(p) \\ge 1`
    (with :math:`\\sigma_b > 0`, or :math:`r(p) > 1`), :math:`L(q) > q` for
    every :math:`q \\ge p` and the variance grows without bound.
    """
    phi = _phi(activation)[0]
    if float(phi(np.zeros(1))[0]) != 0.0:
        # r(q) -> inf as q -> 0 when phi(0) != 0: r is not nondecreasing and the
        # iteration below could stop at a point that is not fixed (softplus would).
        raise ValueError(
            f"activation must have phi(0) = 0 for the fixed-point search of an unbounded "
            f"activation that is not homogeneous (the search assumes E[phi(u)^2] / q "
            f"nondecreasing); got {activation!r} with phi(0) = {float(phi(np.zeros(1))[0]):.6g}")
    q, step = q0, 0.0
    for _ in range(_MAX_STEPS):
        if q == 0.0:
            q_next = length_map(0.0, sigma_w2, sigma_b2, activation, n_points=n_points)
            if q_next == 0.0:
                return 0.0
        else:
            r = sigma_w2 * expect(lambda u: phi(u) ** 2, q, n_points=n_points) / q
            if r >= 1.0:
                return q if r == 1.0 and sigma_b2 == 0.0 else math.inf
            q_next = sigma_b2 / (1.0 - r)
        if q_next == q or (q_next - q) * step < 0.0:  # there, to rounding
            # a fixed point of the network's own map L, or the assumption failed
            residual = length_map(q_next, sigma_w2, sigma_b2, activation, n_points=n_points)
            if abs(residual - q_next) > 1e-9 * max(q_next, 1e-300):
                raise ValueError(
                    f"activation {activation!r} breaks the fixed-point search at "
                    f"sigma_w2={sigma_w2}, sigma_b2={sigma_b2}: it stopped at q = {q_next:.6g} "
                    f"where L(q) = {residual:.6g} (E[phi(u)^2] / q is not nondecreasing)")
            return q_next
        q, step = q_next, q_next - q
    raise ValueError(f"the length map of {activation} at sigma_w2={sigma_w2}, sigma_b2={sigma_b2} "
                     f"did not settle in {_MAX_STEPS} steps from q0={q0}: it is nearly tangent "
                     "to the identity there")


def _finite_fixed_point(sigma_w2, sigma_b2, activation, n_points=N_POINTS):
    """:func:`fixed_point_q`, or a ValueError where the variance grows without bound."""
    q = fixed_point_q(sigma_w2, sigma_b2, activation, n_points=n_points)
    if not q < math.inf:
        raise ValueError(f"no finite fixed point: the variance grows without bound at "
                         f"sigma_w2={sigma_w2}, sigma_b2={sigma_b2} for {activation}")
    return q


def chi_1(sigma_w2, sigma_b2=0.0, activation="tanh", *, q=None, n_points=N_POINTS):
    """:math:`\\chi_1 = \\sigma_w^2 E_z[\\phi'(\\sqrt{q^*} z)^2]`, the slope of the correlation map at c = 1.

    It is also the factor by which the mean squared back-propagated
    gradient changes per layer in a wide random network (Schoenholz et al.
    2017, section 4): :math:`\\chi_1 > 1` means gradients grow towards the
    input, :math:`\\chi_1 < 1` that they vanish.  For tanh and sigmoid the
    expectation concentrates, as :math:`q` grows, on a window of width about
    :math:`1/\\sqrt q` in :math:`z`: :math:`\\chi_1 \\to \\sigma_w^2
    \\int \\phi'(u)^2 du / \\sqrt{2\\pi q}` (:math:`\\int \\phi'^2 = 4/3` for
    tanh, :math:`1/6` for sigmoid), which :func:`expect` resolves.

    Parameters
    ----------
    sigma_w2, sigma_b2, activation, n_points
        As in :func:`length_map`.
    q : float, optional
        The pre-activation variance to evaluate at (finite, :math:`\\geq 0`);
        default the fixed point :func:`fixed_point_q`.  ReLU, leaky ReLU and
        linear do not depend on it: :math:`\\chi_1 = \\sigma_w^2 (a^2 + b^2)/2`.

    Returns
    -------
    float
        Relative error below :math:`10^{-14}` (measured: :math:`2 \\times
        10^{-15}` over :math:`\\sigma_w^2` from :math:`10^{-3}` to
        :math:`10^8`, :math:`\\sigma_b^2` from 0 to 100, tanh and sigmoid);
        a closed form for ReLU, leaky ReLU and linear.

    Raises
    ------
    ValueError
        If an argument is out of range, or ``q`` is not given and the
        variance grows without bound (GELU with :math:`\\sigma_b = 0` and
        :math:`\\sigma_w^2 > 2.35`, for example).

    Examples
    --------
    >>> from winit.meanfield import chi_1
    >>> round(chi_1(1.0, 0.0, "tanh"), 12), round(chi_1(2.0, 0.0, "relu"), 12)
    (1.0, 1.0)
    >>> round(chi_1(25 / 9, 0.0, "tanh"), 3)  # PyTorch's tanh gain 5/3: chaotic
    1.21
    >>> round(chi_1(1000.0, 0.0, "tanh"), 2)  # about (4/3) sqrt(1000 / 2 pi)
    17.04
    """
    sigma_w2, sigma_b2 = _check(sigma_w2, sigma_b2, activation)
    _nodes(n_points)
    if q is not None:
        q = _check_q(q)
    value = _chi_1(sigma_w2, sigma_b2, activation, q, n_points)
    if not 0.0 < value < math.inf:
        raise ValueError(f"chi_1 at sigma_w2={sigma_w2}, sigma_b2={sigma_b2}, q={q} is not a "
                         f"positive float (it {'over' if value else 'under'}flows); "
                         f"got {value}")
    return value


def _mean_dphi2(activation, q, n_points):
    """E[phi'(sqrt(q) z)^2] (closed form for a homogeneous phi)."""
    if _homogeneous(activation):
        a, b = _slopes(activation)
        return 0.5 * (a * a + b * b)
    dphi = _phi(activation)[1]
    return expect(lambda u: dphi(u) ** 2, q, n_points=n_points)


def _chi_1(sigma_w2, sigma_b2, activation, q, n_points):
    """chi_1 unchecked (it may under- or overflow), at q or at q*."""
    if q is None and not _homogeneous(activation):
        q = _finite_fixed_point(sigma_w2, sigma_b2, activation, n_points)
    return sigma_w2 * _mean_dphi2(activation, q, n_points)


def _pair(f, q, c, n_points):
    """E[f(u1, u2)], u1 = sqrt(q) z1, u2 = sqrt(q) (c z1 + sqrt(1 - c^2) z2).

    ``f`` takes ``u1`` of shape (n, 1) and ``u2`` of shape (n, m).  The
    outer rule is :func:`expect`'s; the inner one, for each :math:`z_1`, is
    graded around the :math:`z_2` where :math:`u_2 = 0`.
    """
    if q == 0.0:
        return float(f(np.zeros((1, 1)), np.zeros((1, 1)))[0, 0])
    r = math.sqrt(q)
    s = math.sqrt((1.0 - c) * (1.0 + c))
    if r * s > 1.0 and c != 0.0:
        # as a function of z1 the inner integral changes where its kink -c z1 / s crosses the
        # Gaussian's bulk: on the scale s / |c|
        z1, w1 = _rule(0.0, 1.0 / r, n_points, wide=s / abs(c))
        z1, w1 = z1[0], w1[0]
    else:
        z1, w1 = _rule_1d(q, n_points)
    u1 = (r * z1)[:, None]
    if s == 0.0:  # c = +-1: u2 = c u1
        return float(np.dot(w1, f(u1, c * u1)[:, 0]))
    z2, w2 = _rule(-c * z1 / s, 1.0 / (r * s), n_points)
    inner = np.einsum("ij,ij->i", w2, f(u1, c * u1 + (r * s) * z2))
    return float(np.dot(w1, inner))


def _check_c(c):
    return check_real(c, "c", "a correlation", low=-1.0, high=1.0)


def _map_args(c, sigma_w2, sigma_b2, activation, q, n_points):
    """The checked arguments of correlation_map and chi_c; q defaults to a finite q*."""
    c = _check_c(c)
    sigma_w2, sigma_b2 = _check(sigma_w2, sigma_b2, activation)
    _nodes(n_points)
    if q is None:
        q = _finite_fixed_point(sigma_w2, sigma_b2, activation, n_points)
    return c, sigma_w2, sigma_b2, _check_q(q)


def _arc_gap(c):
    """pi (1 - c) - (sin t - t cos t), t = arccos c, to full relative precision."""
    theta = math.acos(c)
    if theta > 0.25:
        return math.pi * (1.0 - c) - (math.sin(theta) - theta * c)
    # sin t - t cos t = sum_n (-1)^(n+1) 2n t^(2n+1) / (2n+1)!: both terms are t + O(t^3)
    term, total, t2 = theta, 0.0, theta * theta
    for n in range(1, 12):
        term *= -t2 / ((2 * n) * (2 * n + 1)) if n > 1 else t2 / 6.0
        total += 2 * n * term
    return math.pi * (1.0 - c) - total


def correlation_map(c, sigma_w2, sigma_b2=0.0, activation="tanh", *, q=None, n_points=N_POINTS):
    """One step of the correlation map of two inputs of variance ``q`` (default :math:`q^*`).

    .. math::

        c_{l+1} = \\frac{\\sigma_w^2\\, E[\\phi(u_1)\\phi(u_2)] + \\sigma_b^2}{q_{l+1}},
        \\quad u_1 = \\sqrt{q} z_1,\\;
        u_2 = \\sqrt{q}(c z_1 + \\sqrt{1 - c^2}\\, z_2),

    with :math:`q_{l+1}` = :func:`length_map` of ``q``.  It is computed as
    :math:`1 - \\sigma_w^2 E[(\\phi(u_1) - \\phi(u_2))^2] / (2 q_{l+1})`, which
    keeps its digits as :math:`c \\to 1` and is exactly 1 at :math:`c = 1`.
    For tanh and sigmoid the expectation is a nested composite rule (see
    :func:`expect`); for ReLU, leaky ReLU and linear the arc-cosine kernel
    (Cho and Saul 2009): with :math:`\\theta = \\arccos c`,

    .. math::

        E[\\phi(u_1)\\phi(u_2)] = q\\,\\Big[a b c
        + \\frac{(a - b)^2 (\\sin\\theta + (\\pi - \\theta) c)}{2\\pi}\\Big].

    Parameters
    ----------
    c : float
        The correlation at layer :math:`l`, in [-1, 1].
    sigma_w2, sigma_b2, activation
        As in :func:`length_map`.
    q : float, optional
        The variance of both inputs; default :func:`fixed_point_q`.
    n_points : int, default ``N_POINTS`` (12)
        Quadrature nodes per panel, in each dimension.

    Returns
    -------
    float
        :math:`c_{l+1} \\in [-1, 1]`.  For tanh and sigmoid its distance
        from 1 has a relative error below :math:`5 \\times 10^{-14}`, so
        :math:`c_{l+1}` an absolute one below :math:`5 \\times 10^{-14}`
        (plus the rounding of :math:`1 - (1 - c_{l+1})`, :math:`10^{-16}`),
        measured against :func:`scipy.integrate.quad` nested with breakpoints
        for :math:`q` from :math:`10^{-4}` to :math:`10^9` and :math:`c` from
        -1 to :math:`1 - 10^{-9}`; at :math:`q = 10^{40}` it agrees with the
        limit of a step function to :math:`10^{-15}`.  The closed forms of
        ReLU, leaky ReLU and linear: rounding only.

    Raises
    ------
    ValueError
        If an argument is out of range, :math:`q^*` is infinite (give ``q``),
        or :math:`q_{l+1} = 0` (no correlation is defined).

    Examples
    --------
    >>> from winit.meanfield import correlation_map
    >>> correlation_map(1.0, 4.0, 0.05)  # identical inputs stay identical
    1.0
    >>> round(correlation_map(0.0, 2.0, 0.0, "relu", q=1.0), 6)  # 1 / pi
    0.31831
    """
    c, sigma_w2, sigma_b2, q = _map_args(c, sigma_w2, sigma_b2, activation, q, n_points)
    q_next = length_map(q, sigma_w2, sigma_b2, activation, n_points=n_points)
    if not q_next > 0.0:
        raise ValueError(f"the correlation map needs a positive variance q_(l+1); got {q_next} "
                         f"(q={q}, sigma_b2={sigma_b2})")
    return min(1.0, max(-1.0, 1.0 - _decorrelation(c, sigma_w2, activation, q, q_next, n_points)))


def _decorrelation(c, sigma_w2, activation, q, q_next, n_points):
    """1 - c_(l+1) = sigma_w2 E[(phi(u1) - phi(u2))^2] / (2 q_(l+1)), to 1e-14 relative."""
    if _homogeneous(activation):
        a, b = _slopes(activation)
        # E[(phi1 - phi2)^2] / 2 = q (K(1) - K(c)), K the arc-cosine kernel
        half_gap = q * (a * b * (1.0 - c) + (a - b) ** 2 / (2.0 * math.pi) * _arc_gap(c))
    else:
        phi = _phi(activation)[0]
        half_gap = 0.5 * _pair(lambda u1, u2: (phi(u1) - phi(u2)) ** 2, q, c, n_points)
    return sigma_w2 / q_next * half_gap  # sigma_w2 / q_next <= 1 / E[phi^2]: no overflow


def chi_c(c, sigma_w2, sigma_b2=0.0, activation="tanh", *, q=None, n_points=N_POINTS):
    """:math:`\\chi_c = \\sigma_w^2 E[\\phi'(u_1)\\phi'(u_2)]`, the slope of the correlation map at ``c``.

    At ``c = 1`` it equals :func:`chi_1`.  For ReLU, leaky ReLU and linear,
    whatever ``q``,

    .. math::

        \\chi_c = \\sigma_w^2 \\Big[a b + \\frac{(a - b)^2 (\\pi - \\arccos c)}{2\\pi}\\Big].

    Parameters
    ----------
    c, sigma_w2, sigma_b2, activation, q, n_points
        As in :func:`correlation_map`.

    Returns
    -------
    float
        Relative error below :math:`10^{-14}` for tanh and sigmoid (measured
        as for :func:`correlation_map`: the nested quadrature agrees to
        :math:`10^{-13}`, and the rule with 12 and with 32 nodes per panel to
        :math:`10^{-15}`); the closed forms: rounding only.

    Raises
    ------
    ValueError
        As :func:`correlation_map`.

    Examples
    --------
    >>> from winit.meanfield import chi_c
    >>> round(chi_c(0.0, 2.0, 0.0, "relu"), 12)  # P(u1 > 0, u2 > 0) = 1/4, times 2
    0.5
    """
    if _homogeneous(activation) and q is None:
        q = 1.0  # chi_c does not depend on q
    c, sigma_w2, sigma_b2, q = _map_args(c, sigma_w2, sigma_b2, activation, q, n_points)
    mean = _mean_dphi_pair(activation, q, c, n_points)
    value = sigma_w2 * mean
    if not math.isfinite(value) or (value == 0.0 and mean != 0.0):
        raise ValueError(f"chi_c at c={c}, sigma_w2={sigma_w2}, q={q} is not a float (it "
                         f"{'under' if math.isfinite(value) else 'over'}flows); got {value}")
    return value


def _mean_dphi_pair(activation, q, c, n_points):
    """E[phi'(u1) phi'(u2)] (closed form for a homogeneous phi)."""
    if _homogeneous(activation):
        a, b = _slopes(activation)
        return a * b + (a - b) ** 2 * (0.5 - math.acos(c) / (2.0 * math.pi))
    dphi = _phi(activation)[1]
    return _pair(lambda u1, u2: dphi(u1) * dphi(u2), q, c, n_points)


def fixed_point_c(sigma_w2, sigma_b2=0.0, activation="tanh", *, c0=0.5, max_iter=10_000,
                  tol=1e-13, n_points=N_POINTS):
    """The stable fixed point :math:`c^*` of the correlation map at :math:`q^*`.

    In the ordered phase (:math:`\\chi_1 \\le 1`) it is 1: all inputs end up
    alike.  In the chaotic phase (:math:`\\chi_1 > 1`) the fixed point at 1
    repels and the stable one lies below it (0 for an odd activation with
    :math:`\\sigma_b = 0`).  It is the root of :math:`g(c) = c_{l+1}(c) - c`,
    which is :math:`\\geq 0` at :math:`c = -1` and, in the chaotic phase,
    negative on :math:`(c^*, 1)`: ``c0`` splits [-1, 1]; if :math:`g(c_0)
    \\ge 0`, points :math:`1 - 2^{-k}` (:math:`k` = 1, 2, 3, 5, 8, ..., 47)
    are tried until :math:`g < 0`; false position then narrows the bracket to
    ``tol``.  :math:`g` is computed as :math:`(1 - c) - (1 - c_{l+1})`
    (see :func:`correlation_map`), so its sign is right even a hair below 1.

    Parameters
    ----------
    sigma_w2, sigma_b2, activation
        As in :func:`length_map`.
    c0 : float, default 0.5
        A first guess of :math:`c^*`, in [-1, 1].
    max_iter : int, default 10000
        The most steps of false position.
    tol : float, default 1e-13
        Bracket width at which the search stops.
    n_points : int, default ``N_POINTS`` (12)
        Quadrature nodes per panel, in each dimension, as in
        :func:`correlation_map`.

    Returns
    -------
    float
        :math:`c^* \\in [-1, 1]`.  Absolute error about ``tol`` plus
        :math:`10^{-16} / (1 - \\chi_{c^*})`, the error of :math:`g` over its
        slope, which grows as :math:`\\chi_1 \\to 1^+` (where :math:`c^* \\to
        1`) but stays below a few :math:`10^{-12}`: measured against nested
        :func:`scipy.integrate.quad` (:math:`2 \\times 10^{-14}` at
        :math:`\\chi_{c^*} = 0.99`) and, near the edge, against the expansion
        :math:`1 - c^* \\approx 2 (\\chi_1 - 1) /` :math:`(\\sigma_w^2 q^*
        E[\\phi''(u)^2])` (at most :math:`3 \\times 10^{-12}` for
        :math:`\\chi_1 - 1` from :math:`4 \\times 10^{-7}` down to
        :math:`4 \\times 10^{-15}`).

    Raises
    ------
    ValueError
        If an argument is out of range, or :math:`q^*` is infinite (ReLU,
        leaky ReLU or linear with :math:`\\chi_1 > 1`: the variance grows
        without bound and no correlation map is defined).

    Examples
    --------
    >>> from winit.meanfield import fixed_point_c
    >>> fixed_point_c(0.8, 0.1, "tanh")  # ordered: inputs become alike
    1.0
    >>> round(fixed_point_c(4.0, 0.05, "tanh"), 3)  # chaotic: they stay apart
    0.165
    >>> abs(fixed_point_c(1000.0, 0.0, "tanh")) < 1e-12  # odd tanh, no bias: c* = 0
    True
    """
    sigma_w2, sigma_b2 = _check(sigma_w2, sigma_b2, activation)
    c0 = check_real(c0, "c0", "a first guess of the correlation c*", low=-1.0, high=1.0)
    max_iter = check_count(max_iter, "max_iter", "the most steps of the root search")
    tol = check_real(tol, "tol", "the tolerance", positive=True)
    _nodes(n_points)
    if _chi_1(sigma_w2, sigma_b2, activation, None, n_points) <= 1.0:
        return 1.0
    q = _finite_fixed_point(sigma_w2, sigma_b2, activation, n_points)

    q_next = length_map(q, sigma_w2, sigma_b2, activation, n_points=n_points)  # q* again

    def g(c):  # c_(l+1) - c = (1 - c) - (1 - c_(l+1)): its sign is right a hair below 1
        return (1.0 - c) - _decorrelation(c, sigma_w2, activation, q, q_next, n_points)

    lo, g_lo, hi, g_hi = -1.0, max(0.0, g(-1.0)), None, None
    if c0 < 1.0:
        g_c0 = g(c0)
        if g_c0 < 0.0:
            hi, g_hi = c0, g_c0
        else:
            lo, g_lo = c0, g_c0
    if hi is None:
        for k in (1, 2, 3, 5, 8, 12, 17, 23, 30, 38, 47):
            c = 1.0 - 2.0 ** -k
            if c <= lo:
                continue
            g_c = g(c)
            if g_c < 0.0:
                hi, g_hi = c, g_c
                break
            lo, g_lo = c, g_c
        else:
            return 1.0
    if g_lo == 0.0 and lo > -1.0:
        return lo
    return _solve(g, lo, hi, g_lo, g_hi, xtol=tol, max_iter=max_iter)


def edge_of_chaos(q_star, activation="tanh", *, n_points=N_POINTS):
    """The point :math:`(\\sigma_w^2, \\sigma_b^2)` of the edge of chaos whose fixed point is ``q_star``.

    On the edge, :math:`\\chi_1 = 1` at the fixed point of the length map, so
    both variances follow from :math:`q^*` in closed form:

    .. math::

        \\sigma_w^2 = \\frac{1}{E_z[\\phi'(\\sqrt{q^*} z)^2]}, \\qquad
        \\sigma_b^2 = q^* - \\sigma_w^2\\, E_z[\\phi(\\sqrt{q^*} z)^2].

    Sweeping :math:`q^*` traces the whole order-to-chaos boundary of the
    phase diagram with two quadratures per point, where
    :func:`critical_sigma_w2` needs a root search per point.  Where the
    formula gives :math:`\\sigma_b^2 < 0`, no network with real biases has
    that fixed point on the edge (for tanh this never happens: :math:`\\sigma_b^2`
    grows from 0 at :math:`q^* = 0`; for sigmoid it happens below
    :math:`q^* \\approx 7`).  ReLU, leaky ReLU and linear have one edge,
    :math:`\\sigma_w^2 = 2/(a^2 + b^2)` and :math:`\\sigma_b^2 = 0`, for
    every :math:`q^*`.

    Parameters
    ----------
    q_star : float
        The fixed point, finite and :math:`\\geq 0`.
    activation : {"tanh", "sigmoid", "relu", "leaky_relu", "linear", "gelu"}
    n_points : int, default ``N_POINTS`` (12)
        Quadrature nodes per panel.

    Returns
    -------
    (float, float)
        :math:`(\\sigma_w^2, \\sigma_b^2)`; :math:`\\sigma_b^2` may be negative
        (see above).  :math:`\\sigma_w^2` to a relative :math:`10^{-15}`,
        :math:`\\sigma_b^2` to an absolute :math:`10^{-15} q^*` (it is a
        difference of two numbers near :math:`q^*`) at every :math:`q^*` up
        to :math:`10^{16}`.

    Raises
    ------
    ValueError
        If ``q_star`` is negative or not finite.

    Examples
    --------
    >>> from winit.meanfield import critical_sigma_w2, edge_of_chaos
    >>> [round(v, 12) for v in edge_of_chaos(0.0, "tanh")]  # gain 1, no bias
    [1.0, 0.0]
    >>> sw2, sb2 = edge_of_chaos(1.0, "tanh")
    >>> round(sw2, 6) == round(critical_sigma_w2("tanh", sb2), 6)
    True
    """
    q = _check_q(q_star, "q_star")
    check_choice(activation, "activation", ACTIVATIONS)
    _nodes(n_points)
    if _homogeneous(activation):
        a, b = _slopes(activation)
        return 2.0 / (a * a + b * b), 0.0
    phi, dphi, _ = _phi(activation)
    sigma_w2 = 1.0 / expect(lambda u: dphi(u) ** 2, q, n_points=n_points)
    sigma_b2 = q - sigma_w2 * expect(lambda u: phi(u) ** 2, q, n_points=n_points)
    return float(sigma_w2), float(sigma_b2)


def _log_length_slope(q, sigma_w2, activation, n_points):
    """:math:`\\ln |dL/dq|`, :math:`dL/dq = \\sigma_w^2 E[\\phi'(u)^2 + \\phi(u)\\phi''(u)]`
    at ``q`` (not homogeneous), as a sum of logarithms: no under- or overflow."""
    phi, dphi, ddphi = _phi(activation)
    if q <= 1.0:
        mean = expect(lambda u: dphi(u) ** 2 + phi(u) * ddphi(u), q, n_points=n_points)
        return _log_abs(mean) + math.log(sigma_w2)
    # Stein's lemma, E[u h(u)] = q E[h'(u)] with h = phi phi': for a saturating phi the two
    # terms above cancel to O(q^-3/2) from O(q^-1/2) each; u phi phi' keeps the digits.
    mean = expect(lambda u: u * phi(u) * dphi(u), q, n_points=n_points)
    return _log_abs(mean) + (math.log(sigma_w2) - math.log(q))


def _log_abs(x):
    return math.log(abs(x)) if x != 0.0 else -math.inf


def _depth(log_slope):
    """-1 / ln|slope| from ln|slope|: layers per factor e of a deviation that shrinks by
    ``slope`` per layer (inf within 1e-12 of |slope| = 1, or above)."""
    if log_slope >= -1e-12:
        return math.inf
    return -1.0 / log_slope


def depth_scales(sigma_w2, sigma_b2=0.0, activation="tanh", *, n_points=N_POINTS):
    """The depth scales :math:`(\\xi_q, \\xi_c)` of Schoenholz et al. (2017), in layers.

    .. math::

        \\xi_q^{-1} = -\\ln\\!\\left(\\chi_1 + \\sigma_w^2 E[\\phi''(u)\\phi(u)]\\right),
        \\qquad \\xi_c^{-1} = -\\ln \\chi_{c^*},

    with :math:`u = \\sqrt{q^*} z` (their eq. 6 and 9): the first term is the
    slope of the length map at :math:`q^*`, the second the slope of the
    correlation map at its stable fixed point :math:`c^*` (:math:`\\chi_1`
    in the ordered phase).  :math:`\\xi_c` diverges at the edge of chaos,
    where signals propagate arbitrarily deep.  For :math:`q^* > 1` the slope
    of the length map is computed as :math:`\\sigma_w^2 E[u \\phi(u)\\phi'(u)]
    / q^*` (Stein's lemma), which does not lose digits to the cancellation of
    the two terms above as :math:`q^*` grows.

    Parameters
    ----------
    sigma_w2, sigma_b2, activation, n_points
        As in :func:`length_map`.

    Returns
    -------
    (float, float)
        ``inf`` where a slope is within :math:`10^{-12}` of 1 (a depth scale
        beyond :math:`10^{12}` layers, whose digits the slope's
        :math:`10^{-14}` error leaves undetermined).  Elsewhere the relative
        error is about :math:`10^{-14} / |\\ln \\text{slope}|` (for
        :math:`\\xi_c` in the chaotic phase add that of :math:`c^*` times the
        slope of :math:`\\chi_c`).

    Raises
    ------
    ValueError
        If an argument is out of range, or :math:`q^*` is infinite (the
        variance grows without bound).

    Examples
    --------
    >>> from winit.meanfield import depth_scales
    >>> xi_q, xi_c = depth_scales(1.0, 0.0, "tanh")
    >>> xi_c
    inf
    >>> [round(v, 3) for v in depth_scales(100.0, 0.0, "tanh")]
    [0.322, 2.675]
    """
    sigma_w2, sigma_b2 = _check(sigma_w2, sigma_b2, activation)
    _nodes(n_points)
    q = _finite_fixed_point(sigma_w2, sigma_b2, activation, n_points)
    # the slopes as logarithms: a slope may underflow (tiny sigma_w2 / q*) where xi does not
    log_chi = math.log(sigma_w2) + math.log(_mean_dphi2(activation, q, n_points))
    if _homogeneous(activation):
        log_slope_q = log_chi  # L(q) = chi_1 q + sigma_b2
    else:
        log_slope_q = _log_length_slope(q, sigma_w2, activation, n_points)
    if log_chi <= 0.0:
        log_slope_c = log_chi
    else:
        c_star = fixed_point_c(sigma_w2, sigma_b2, activation, n_points=n_points)
        log_slope_c = math.log(sigma_w2) + _log_abs(_mean_dphi_pair(activation, q, c_star,
                                                                    n_points))
    return _depth(log_slope_q), _depth(log_slope_c)


def critical_sigma_w2(activation="tanh", sigma_b2=0.0, *, lo=1e-3, hi=100.0, n_points=N_POINTS):
    """The :math:`\\sigma_w^2` at which :math:`\\chi_1 = 1` (the edge of chaos).

    For ReLU, leaky ReLU and linear it is :math:`2/(a^2 + b^2)` whatever
    :math:`\\sigma_b` (He et al.'s factor 2 for ReLU); for tanh with
    :math:`\\sigma_b = 0` it is 1, where :math:`q^*` leaves 0 (in general
    :math:`1/\\phi'(0)^2` when :math:`\\phi(0) = \\sigma_b = 0` and
    :math:`\\chi_1` crosses 1 there).  Otherwise it is the root of
    :math:`\\chi_1 - 1` in [``lo``, ``hi``], by false position (with
    bisections at the geometric mean), to a relative :math:`10^{-15}`.

    Parameters
    ----------
    activation : str
        As in :func:`length_map`.
    sigma_b2 : float, default 0.0
        The bias variance, :math:`\\geq 0`.
    lo, hi : float
        A bracket in :math:`\\sigma_w^2`, :math:`0 < lo < hi`, where
        :math:`\\chi_1 - 1` changes sign.
    n_points : int, default ``N_POINTS`` (12)
        Quadrature nodes per panel.

    Returns
    -------
    float
        Relative error about :math:`10^{-14} / |d \\ln \\chi_1 / d \\ln
        \\sigma_w^2|` (the error of :math:`\\chi_1` over its slope; the slope
        is about 0.3 to 1 for tanh, 0.5 for sigmoid at large
        :math:`\\sigma_w^2`).

    Raises
    ------
    ValueError
        If an argument is out of range, ``lo >= hi``, :math:`\\chi_1 - 1`
        has the same sign at ``lo`` and ``hi``, or the variance grows without
        bound at one of them (GELU beyond :math:`\\sigma_w^2 \\approx 2.35`
        with :math:`\\sigma_b = 0`; :func:`edge_of_chaos` gives GELU's edge
        point by point).

    Examples
    --------
    >>> from winit.meanfield import critical_sigma_w2
    >>> round(critical_sigma_w2("relu"), 9)
    2.0
    """
    check_choice(activation, "activation", ACTIVATIONS)
    sigma_b2 = check_real(sigma_b2, "sigma_b2", "the bias variance", nonnegative=True)
    lo = check_real(lo, "lo", "the lower end of the bracket", positive=True)
    hi = check_real(hi, "hi", "the upper end of the bracket", positive=True)
    if not lo < hi:
        raise ValueError(f"lo must be below hi (a bracket in sigma_w2); got lo={lo}, hi={hi}")
    _nodes(n_points)

    def f(s2):
        return _chi_1(s2, sigma_b2, activation, None, n_points) - 1.0

    f_lo, f_hi = f(lo), f(hi)
    if f_lo == 0.0:
        return lo
    if f_hi == 0.0:
        return hi
    if (f_lo > 0) == (f_hi > 0):
        raise ValueError(f"chi_1 - 1 has the same sign at lo={lo} and hi={hi}; "
                         "give a bracket around the edge of chaos")
    if _homogeneous(activation):
        a, b = _slopes(activation)
        return 2.0 / (a * a + b * b)
    phi, dphi, _ = _phi(activation)
    if sigma_b2 == 0.0 and float(phi(np.zeros(1))[0]) == 0.0:
        # q* = 0 up to s0 = 1 / phi'(0)^2, where chi_1 = s2 / s0; above, chi_1 - 1 starts
        # quadratically in s2 - s0 (tanh: (s2 - 1)^2 / 3), too flat to place s0 by its sign.
        s0 = 1.0 / float(dphi(np.zeros(1))[0]) ** 2
        if lo < s0 < hi and f(s0 * (1.0 - 1e-6)) < 0.0 <= f(s0 * (1.0 + 1e-6)):
            return s0
    return _solve(f, lo, hi, f_lo, f_hi, rtol=4e-16)
