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

Expectations over :math:`z \\sim \\mathcal N(0, 1)` use Gauss-Hermite
quadrature (:func:`numpy.polynomial.hermite.hermgauss`), with an even
number of nodes so that none sits on the kink of ReLU at 0 and the
symmetric halves of a ReLU integral are summed exactly.  For tanh the
rule converges more slowly as :math:`q` grows (tanh has poles at
:math:`\\pm i\\pi/2`): with the default 256 nodes the length map agrees with
adaptive quadrature to about :math:`10^{-9}` at :math:`q = 4`.

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


#: Gauss-Hermite nodes used by default (even: no node at 0).
N_POINTS = 256


#: The most Gauss-Hermite nodes allowed: numpy's hermgauss overflows to NaN
#: weights from 371 nodes on (numpy 2.4).
MAX_POINTS = 360


def _check_n_points(n_points):
    return check_count(n_points, "n_points", "the number of quadrature nodes; numpy's hermgauss "
                       "overflows beyond about 370", high=MAX_POINTS)


@lru_cache(maxsize=8)
def _nodes(n_points):
    x, w = np.polynomial.hermite.hermgauss(n_points)
    # E[f(z)], z ~ N(0, 1) = sum_i w_i f(sqrt(2) x_i) / sqrt(pi)
    return math.sqrt(2.0) * x, w / math.sqrt(math.pi)


def _check(sigma_w2, sigma_b2, activation):
    sigma_w2 = check_real(sigma_w2, "sigma_w2", "the weight variance times fan_in",
                          positive=True)
    sigma_b2 = check_real(sigma_b2, "sigma_b2", "the bias variance", nonnegative=True)
    check_choice(activation, "activation", ACTIVATIONS)
    return sigma_w2, sigma_b2


def _check_q(q, name="q"):
    return check_real(q, name, "a pre-activation variance", nonnegative=True)


def expect(f, q=1.0, *, n_points=N_POINTS):
    """:math:`E_z[f(\\sqrt{q}\\, z)]` for :math:`z \\sim \\mathcal N(0, 1)`, by Gauss-Hermite quadrature.

    Parameters
    ----------
    f : callable
        A vectorised function of one array.
    q : float, default 1.0
        The variance of the argument, :math:`\\geq 0`.
    n_points : int, default 256
        Quadrature nodes.

    Returns
    -------
    float

    Examples
    --------
    >>> from winit.meanfield import expect
    >>> round(expect(lambda u: u ** 2, q=3.0), 12)
    3.0
    """
    q = _check_q(q)
    z, w = _nodes(_check_n_points(n_points))
    return float(np.dot(w, f(math.sqrt(q) * z)))


def length_map(q, sigma_w2, sigma_b2=0.0, activation="tanh", *, n_points=N_POINTS):
    """One step of the length map, :math:`\\sigma_w^2 E_z[\\phi(\\sqrt{q} z)^2] + \\sigma_b^2`.

    Parameters
    ----------
    q : float
        Pre-activation variance at layer :math:`l` (per unit, averaged over
        units of an infinitely wide layer).
    sigma_w2 : float
        :math:`\\sigma_w^2`: weights are drawn with variance
        :math:`\\sigma_w^2 / \\text{fan\\_in}` (the squared gain).
    sigma_b2 : float, default 0.0
        :math:`\\sigma_b^2`, the biases' variance.
    activation : {"tanh", "sigmoid", "relu", "leaky_relu", "linear", "gelu"}
    n_points : int, default 256
        Quadrature nodes.

    Returns
    -------
    float
        :math:`q_{l+1}`.

    Examples
    --------
    >>> from winit.meanfield import length_map
    >>> round(length_map(1.0, 2.0, 0.0, "relu"), 12)  # He's factor 2 keeps q
    1.0
    """
    sigma_w2, sigma_b2 = _check(sigma_w2, sigma_b2, activation)
    phi = _phi(activation)[0]
    return sigma_w2 * expect(lambda u: phi(u) ** 2, q, n_points=n_points) + sigma_b2


def fixed_point_q(sigma_w2, sigma_b2=0.0, activation="tanh", *, q0=1.0, n_points=N_POINTS):
    """The fixed point :math:`q^*` of the length map that a network starting at ``q0`` reaches.

    For tanh and sigmoid (bounded) the stable fixed point is found by
    bisection on :math:`q \\mapsto \\text{length\\_map}(q) - q`, to the last
    bit; for tanh with :math:`\\sigma_b = 0` and :math:`\\sigma_w^2 \\le 1` it
    is exactly 0 (the signal dies out).  For the positively homogeneous
    ReLU, leaky ReLU and linear maps the length map is
    :math:`q \\mapsto s q + \\sigma_b^2` with :math:`s = \\sigma_w^2
    E[\\phi(z)^2]`, so :math:`q^* = \\sigma_b^2 / (1 - s)` when
    :math:`s < 1`, ``q0`` when :math:`s = 1` and :math:`\\sigma_b = 0`
    (every :math:`q` is fixed), and ``inf`` otherwise (the variance grows
    without bound).  For GELU (unbounded, not homogeneous) the map may
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
        :math:`q^* \\geq 0`, or ``inf``.

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
    if _homogeneous(activation):
        phi = _phi(activation)[0]
        s = sigma_w2 * expect(lambda u: phi(u) ** 2, 1.0, n_points=n_points)
        if abs(s - 1.0) <= 1e-12:
            return q0 if sigma_b2 == 0 else math.inf
        return sigma_b2 / (1.0 - s) if s < 1.0 else math.inf

    bound = _activations.get(activation).bound
    if bound == math.inf:
        return _unbounded_fixed_point(sigma_w2, sigma_b2, activation, q0, n_points)

    def g(q):
        return length_map(q, sigma_w2, sigma_b2, activation, n_points=n_points) - q

    lo = 0.0
    if g(lo) == 0.0:
        # phi(0) = 0 and sigma_b = 0: q = 0 is a fixed point; it is the one the
        # network reaches unless the map pushes small q up (slope > 1 at 0).
        tiny = 1e-8
        if g(tiny) <= 0.0:
            return 0.0
        lo = tiny
    # phi^2 <= bound^2: length_map(q) <= sigma_w2 bound^2 + sigma_b2
    hi = max(1.0, 2.0 * (sigma_w2 * bound * bound + sigma_b2))
    while g(hi) > 0.0:
        hi *= 2.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            break
        if g(mid) > 0.0:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


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
    input, :math:`\\chi_1 < 1` that they vanish.

    Parameters
    ----------
    sigma_w2, sigma_b2, activation, n_points
        As in :func:`length_map`.
    q : float, optional
        The pre-activation variance to evaluate at; default the fixed point
        :func:`fixed_point_q`.  ReLU, leaky ReLU and linear do not depend
        on it.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If ``q`` is not given and the variance grows without bound (GELU
        with :math:`\\sigma_b = 0` and :math:`\\sigma_w^2 > 2.35`, for example).

    Examples
    --------
    >>> from winit.meanfield import chi_1
    >>> round(chi_1(1.0, 0.0, "tanh"), 12), round(chi_1(2.0, 0.0, "relu"), 12)
    (1.0, 1.0)
    >>> round(chi_1(25 / 9, 0.0, "tanh"), 3)  # PyTorch's tanh gain 5/3: chaotic
    1.21
    """
    sigma_w2, sigma_b2 = _check(sigma_w2, sigma_b2, activation)
    if _homogeneous(activation):
        q = 1.0
    elif q is None:
        q = _finite_fixed_point(sigma_w2, sigma_b2, activation, n_points)
    dphi = _phi(activation)[1]
    return sigma_w2 * expect(lambda u: dphi(u) ** 2, q, n_points=n_points)


def _pair(q, c, n_points):
    z, w = _nodes(n_points)
    z1, z2 = z[:, None], z[None, :]
    u1 = math.sqrt(q) * z1
    u2 = math.sqrt(q) * (c * z1 + math.sqrt(max(0.0, 1.0 - c * c)) * z2)
    return u1, u2, w[:, None] * w[None, :]


def _check_c(c):
    return check_real(c, "c", "a correlation", low=-1.0, high=1.0)


def correlation_map(c, sigma_w2, sigma_b2=0.0, activation="tanh", *, q=None, n_points=96):
    """One step of the correlation map of two inputs at the length fixed point.

    .. math::

        c_{l+1} = \\frac{\\sigma_w^2\\, E[\\phi(u_1)\\phi(u_2)] + \\sigma_b^2}{q^*},
        \\quad u_1 = \\sqrt{q^*} z_1,\\;
        u_2 = \\sqrt{q^*}(c z_1 + \\sqrt{1 - c^2}\\, z_2).

    Parameters
    ----------
    c : float
        The correlation at layer :math:`l`, in [-1, 1].
    sigma_w2, sigma_b2, activation
        As in :func:`length_map`.
    q : float, optional
        The variance of both inputs; default :func:`fixed_point_q`.
    n_points : int, default 96
        Quadrature nodes per dimension (a tensor-product rule).  For the
        smooth tanh and sigmoid the default is accurate to about
        :math:`10^{-8}`; for ReLU and leaky ReLU, whose kink along
        :math:`u_2 = 0` the rule does not follow, to about :math:`10^{-3}`
        (the error halves from 96 to 200 nodes).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If the variance is 0 or infinite (no correlation is defined).
    """
    c = _check_c(c)
    sigma_w2, sigma_b2 = _check(sigma_w2, sigma_b2, activation)
    if q is None:
        q = _finite_fixed_point(sigma_w2, sigma_b2, activation)
    q = _check_q(q)
    q_next = length_map(q, sigma_w2, sigma_b2, activation)
    if not 0.0 < q_next < math.inf:
        raise ValueError(f"the correlation map needs a finite, positive variance; got {q_next}")
    phi = _phi(activation)[0]
    u1, u2, w = _pair(q, c, _check_n_points(n_points))
    return float((sigma_w2 * np.sum(w * phi(u1) * phi(u2)) + sigma_b2) / q_next)


def chi_c(c, sigma_w2, sigma_b2=0.0, activation="tanh", *, q=None, n_points=96):
    """:math:`\\chi_c = \\sigma_w^2 E[\\phi'(u_1)\\phi'(u_2)]`, the slope of the correlation map at ``c``.

    At ``c = 1`` it equals :func:`chi_1`.  Arguments as in
    :func:`correlation_map`.
    """
    c = _check_c(c)
    sigma_w2, sigma_b2 = _check(sigma_w2, sigma_b2, activation)
    if q is None:
        q = _finite_fixed_point(sigma_w2, sigma_b2, activation)
    q = _check_q(q)
    dphi = _phi(activation)[1]
    u1, u2, w = _pair(q, c, _check_n_points(n_points))
    return float(sigma_w2 * np.sum(w * dphi(u1) * dphi(u2)))


def fixed_point_c(sigma_w2, sigma_b2=0.0, activation="tanh", *, c0=0.5, max_iter=10_000,
                  tol=1e-13, n_points=96):
    """The stable fixed point :math:`c^*` of the correlation map.

    In the ordered phase (:math:`\\chi_1 \\le 1`) it is 1: all inputs end up
    alike.  In the chaotic phase (:math:`\\chi_1 > 1`) the fixed point at 1
    repels and the stable one lies below it (0 for an odd activation with
    :math:`\\sigma_b = 0`).  It is found by bisection on :math:`g(c) =
    c_{l+1}(c) - c`, which is :math:`\\geq 0` at :math:`c = -1` and negative
    just below 1 in the chaotic phase, to about ``tol``; if no negative value
    is found down to :math:`1 - 10^{-10}` (a slope barely above 1), the map
    is iterated from ``c0`` instead, at most ``max_iter`` times.

    Parameters
    ----------
    sigma_w2, sigma_b2, activation
        As in :func:`length_map`.
    c0 : float, default 0.5
        Start of the iteration (the fallback only).
    max_iter : int, default 10000
        Iterations of the fallback.
    tol : float, default 1e-13
        Bracket width at which the bisection stops; step size at which the
        iteration stops.
    n_points : int, default 96
        Quadrature nodes per dimension, as in :func:`correlation_map`.

    Returns
    -------
    float
        :math:`c^* \\in [-1, 1]`.

    Examples
    --------
    >>> from winit.meanfield import fixed_point_c
    >>> fixed_point_c(0.8, 0.1, "tanh")  # ordered: inputs become alike
    1.0
    >>> round(fixed_point_c(4.0, 0.05, "tanh"), 3)  # chaotic: they stay apart
    0.165
    """
    sigma_w2, sigma_b2 = _check(sigma_w2, sigma_b2, activation)
    c = _check_c(c0)
    max_iter = check_count(max_iter, "max_iter", "the number of iterations")
    tol = check_real(tol, "tol", "the tolerance", positive=True)
    if chi_1(sigma_w2, sigma_b2, activation) <= 1.0:
        return 1.0
    q = fixed_point_q(sigma_w2, sigma_b2, activation)

    def g(c):
        return correlation_map(c, sigma_w2, sigma_b2, activation, q=q, n_points=n_points) - c

    lo, hi = -1.0, None
    for k in range(3, 11):
        if g(1.0 - 10.0 ** -k) < 0.0:
            hi = 1.0 - 10.0 ** -k
            break
    if hi is not None:
        while hi - lo > tol:
            mid = 0.5 * (lo + hi)
            if mid in (lo, hi):
                break
            if g(mid) >= 0.0:
                lo = mid
            else:
                hi = mid
        return 0.5 * (lo + hi)
    for _ in range(max_iter):
        c_next = g(c) + c
        if abs(c_next - c) < tol:
            return c_next
        c = c_next
    return c


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
    grows from 0 at :math:`q^* = 0`).

    Parameters
    ----------
    q_star : float
        The fixed point, :math:`\\geq 0`.
    activation : {"tanh", "sigmoid", "relu", "leaky_relu", "linear", "gelu"}
    n_points : int, default 256
        Quadrature nodes.

    Returns
    -------
    (float, float)
        :math:`(\\sigma_w^2, \\sigma_b^2)`; :math:`\\sigma_b^2` may be negative
        (see above).

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
    phi, dphi, _ = _phi(activation)
    if _homogeneous(activation):
        # E[phi'^2] does not depend on q, and E[phi(sqrt(q) z)^2] = q E[phi(z)^2]:
        # evaluate at q = 1 (at q = 0 ReLU's derivative is 0 at every node).
        sigma_w2 = 1.0 / expect(lambda u: dphi(u) ** 2, 1.0, n_points=n_points)
        sigma_b2 = q * (1.0 - sigma_w2 * expect(lambda u: phi(u) ** 2, 1.0, n_points=n_points))
        return float(sigma_w2), float(sigma_b2)
    sigma_w2 = 1.0 / expect(lambda u: dphi(u) ** 2, q, n_points=n_points)
    sigma_b2 = q - sigma_w2 * expect(lambda u: phi(u) ** 2, q, n_points=n_points)
    return float(sigma_w2), float(sigma_b2)


def depth_scales(sigma_w2, sigma_b2=0.0, activation="tanh", *, n_points=N_POINTS):
    """The depth scales :math:`(\\xi_q, \\xi_c)` of Schoenholz et al. (2017), in layers.

    .. math::

        \\xi_q^{-1} = -\\ln\\!\\left(\\chi_1 + \\sigma_w^2 E[\\phi''(u)\\phi(u)]\\right),
        \\qquad \\xi_c^{-1} = -\\ln \\chi_{c^*},

    with :math:`u = \\sqrt{q^*} z` (their eq. 6 and 9): the first term is the
    slope of the length map at :math:`q^*`, the second the slope of the
    correlation map at its stable fixed point :math:`c^*` (:math:`\\chi_1`
    in the ordered phase).  :math:`\\xi_c` diverges at the edge of chaos,
    where signals propagate arbitrarily deep.

    Returns
    -------
    (float, float)
        ``inf`` where a slope is 1.

    Examples
    --------
    >>> from winit.meanfield import depth_scales
    >>> xi_q, xi_c = depth_scales(1.0, 0.0, "tanh")
    >>> xi_c
    inf
    """
    sigma_w2, sigma_b2 = _check(sigma_w2, sigma_b2, activation)
    phi, dphi, ddphi = _phi(activation)
    q = _finite_fixed_point(sigma_w2, sigma_b2, activation, n_points)
    if _homogeneous(activation):
        q = 1.0
    c1 = chi_1(sigma_w2, sigma_b2, activation, q=q, n_points=n_points)
    slope_q = c1 + sigma_w2 * expect(lambda u: ddphi(u) * phi(u), q, n_points=n_points)

    def xi(slope):
        return math.inf if abs(slope - 1.0) <= 1e-12 or slope >= 1.0 else -1.0 / math.log(slope)

    if c1 <= 1.0:
        slope_c = c1
    else:
        slope_c = chi_c(fixed_point_c(sigma_w2, sigma_b2, activation), sigma_w2, sigma_b2,
                        activation, q=q)
    return xi(slope_q), xi(slope_c)


def critical_sigma_w2(activation="tanh", sigma_b2=0.0, *, lo=1e-3, hi=100.0, n_points=N_POINTS):
    """The :math:`\\sigma_w^2` at which :math:`\\chi_1 = 1` (the edge of chaos), by bisection.

    For ReLU it is 2 whatever :math:`\\sigma_b` (He et al.'s factor 2); for
    tanh with :math:`\\sigma_b = 0` it is 1.

    Parameters
    ----------
    activation : str
        As in :func:`length_map`.
    sigma_b2 : float, default 0.0
        The bias variance.
    lo, hi : float
        A bracket in :math:`\\sigma_w^2` where :math:`\\chi_1 - 1` changes sign.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If :math:`\\chi_1 - 1` has the same sign at ``lo`` and ``hi``, or the
        variance grows without bound at one of them (GELU beyond
        :math:`\\sigma_w^2 \\approx 2.35` with :math:`\\sigma_b = 0`;
        :func:`edge_of_chaos` gives GELU's edge point by point).

    Examples
    --------
    >>> from winit.meanfield import critical_sigma_w2
    >>> round(critical_sigma_w2("relu"), 9)
    2.0
    """
    check_choice(activation, "activation", ACTIVATIONS)
    lo = check_real(lo, "lo", "the lower end of the bracket", positive=True)
    hi = check_real(hi, "hi", "the upper end of the bracket", positive=True)

    def f(s2):
        return chi_1(s2, sigma_b2, activation, n_points=n_points) - 1.0

    f_lo, f_hi = f(lo), f(hi)
    if f_lo == 0.0:
        return lo
    if (f_lo > 0) == (f_hi > 0):
        raise ValueError(f"chi_1 - 1 has the same sign at lo={lo} and hi={hi}; "
                         "give a bracket around the edge of chaos")
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            break
        if (f(mid) > 0) == (f_hi > 0):
            hi = mid
        else:
            lo = mid
    return 0.5 * (lo + hi)
