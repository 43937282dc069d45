"""Poole, Lahiri, Raghu, Sohl-Dickstein and Ganguli (2016), "Exponential
expressivity in deep neural networks through transient chaos", NeurIPS.

The paper's mean-field theory of a deep random network (weights
:math:`\\mathcal N(0, \\sigma_w^2/n)`, biases :math:`\\mathcal N(0,
\\sigma_b^2)`, width :math:`n \\to \\infty`) predicts, layer by layer, the
squared length :math:`q_l` of one input's pre-activations (the length map)
and the correlation :math:`c_l` of two inputs' pre-activations (the
correlation map), and finds an order-to-chaos transition where the slope
:math:`\\chi_1` of the correlation map at :math:`c = 1` crosses 1.  This
module puts the theory (:mod:`winit.meanfield`) beside finite random
networks, in the spirit of the paper's figures on the length map, the
correlation map and the phase diagram (see the paper for their numbers):

* :func:`length_per_layer` -- :math:`q_l` of several inputs through one
  network, theory (the iterated length map) against measurement;
* :func:`correlation_per_layer` -- :math:`c_l` of several pairs of inputs,
  theory (the iterated correlation map) against measurement;
* :func:`phase_boundary` -- the curve :math:`\\chi_1 = 1` in the
  :math:`(\\sigma_w^2, \\sigma_b^2)` plane;
* :func:`circle_per_layer` -- a circle of inputs through one network (the
  paper's "transient chaos" figure of a circle through ordered and chaotic
  networks): the curve's length layer by layer against the mean-field
  growth :math:`\\sqrt{\\chi_1}` per layer, and its projection on the first
  two principal components of chosen layers.

How the miniature differs from the paper:

* networks a few hundred units wide (default 500), one network per call,
  so the measurements scatter around the theory by a few per cent;
* the inputs are drawn directly as first-layer pre-activations with the
  wanted length (and, for pairs, exactly the wanted correlation), instead
  of passing data through an input layer;
* of the paper's Riemannian geometry of input manifolds it covers the
  length of a circle only (not the curvature nor the Grassmannian length),
  and none of its expressivity results.

Functions return data and never draw; the chapter "Order and chaos" draws.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import meanfield
from .._threads import one_blas_thread as _one_blas_thread
from .._validation import check_array, check_choice, check_count, check_counts, check_rng
from ..networks import activate

__all__ = ["CircleTrace", "LayerTrace", "circle_per_layer", "correlation_per_layer",
           "length_per_layer", "phase_boundary"]




@dataclass
class LayerTrace:
    """A quantity layer by layer: the mean-field prediction and one finite network.

    Attributes
    ----------
    quantity : {"q", "c"}
        ``"q"``: the mean squared pre-activation of one input; ``"c"``: the
        correlation of two inputs' pre-activations.
    sigma_w2, sigma_b2 : float
        The network's weight and bias variances.
    activation : str
        Its activation function.
    starts : numpy.ndarray, shape (k,)
        The value at layer 1 of each trace (``q_1`` or ``c_1``).
    theory : numpy.ndarray, shape (k, depth)
        The iterated map, layers ``1..depth``.
    measured : numpy.ndarray, shape (k, depth)
        The same quantity measured in a random network of ``width`` units.
    width : int
        Units per layer of the measured network.
    """

    quantity: str
    sigma_w2: float
    sigma_b2: float
    activation: str
    starts: np.ndarray
    theory: np.ndarray
    measured: np.ndarray
    width: int

    @property
    def layers(self):
        """numpy.ndarray: the layer numbers ``1..depth``, for plotting."""
        return np.arange(1, self.theory.shape[1] + 1)


#: sigma_w2, sigma_b2 and the activation, checked as :mod:`winit.meanfield` checks them.
_check_setting = meanfield._check


def _starts(values, name, what, **bounds):
    """One or more finite numbers (in the interval ``bounds``), as a 1-d float64 array."""
    return check_array(np.atleast_1d(check_array(values, name, what, dtype="float64")), name,
                       what, ndim=1, min_size=1, **bounds)


def _propagate(h, sigma_w2, sigma_b2, activation, depth, rng):
    """Layers 1..depth of pre-activations of the rows of ``h`` (layer 1) through one network."""
    width = h.shape[1]
    out = [h]
    with _one_blas_thread():
        for _ in range(depth - 1):
            W = rng.standard_normal((width, width)) * math.sqrt(sigma_w2 / width)
            b = rng.standard_normal(width) * math.sqrt(sigma_b2)
            h = activate(h, activation) @ W + b
            out.append(h)
    return out


def _positive_fixed_point(sigma_w2, sigma_b2, activation, what):
    """q* of the setting, or ValueError if it is 0 or infinite (``what`` needs it)."""
    q_star = meanfield.fixed_point_q(sigma_w2, sigma_b2, activation)
    if not 0.0 < q_star < math.inf:
        raise ValueError(
            f"{what} needs a finite, positive fixed point q*; got q* = {q_star} at "
            f"sigma_w2={sigma_w2}, sigma_b2={sigma_b2} for {activation}")
    return q_star


def length_per_layer(sigma_w2, sigma_b2=0.0, activation="tanh", *, q0=(0.1, 1.0, 4.0, 10.0),
                     depth=15, width=500, rng=0):
    """The length map, iterated, against one random network (Poole et al. 2016).

    Each start ``q0[i]`` is one input whose layer-1 pre-activations are a
    Gaussian vector rescaled so that their mean square is exactly
    ``q0[i]``; all inputs go through the same network of ``depth`` layers
    and ``width`` units.  The measured :math:`q_l` is the mean square of
    layer ``l``'s pre-activations; the theory iterates
    :func:`winit.meanfield.length_map` from ``q0[i]``.

    Parameters
    ----------
    sigma_w2 : float
        :math:`\\sigma_w^2`; weights are :math:`\\mathcal N(0, \\sigma_w^2/n)`.
    sigma_b2 : float, default 0.0
        :math:`\\sigma_b^2`, the biases' variance.
    activation : {"tanh", "sigmoid", "relu", "leaky_relu", "linear", "gelu"}
    q0 : float or sequence of float, default (0.1, 1.0, 4.0, 10.0)
        Squared lengths at layer 1, each :math:`> 0`.
    depth : int, default 15
        Layers traced (layer 1 is the start).
    width : int, default 500
        Units per layer.
    rng : None, int or numpy.random.Generator, default 0
        Source of the inputs and the weights (SPEC 7).

    Returns
    -------
    LayerTrace
        ``quantity="q"``, ``theory`` and ``measured`` of shape
        ``(len(q0), depth)``.

    Raises
    ------
    ValueError
        If an argument is out of range; the message names it.

    Examples
    --------
    >>> from winit.experiments.poole2016 import length_per_layer
    >>> t = length_per_layer(2.0, 0.0, "relu", q0=[1.0], depth=5, width=200, rng=0)
    >>> t.theory.round(12).tolist()  # He's factor 2 keeps q for ReLU
    [[1.0, 1.0, 1.0, 1.0, 1.0]]
    """
    sigma_w2, sigma_b2 = _check_setting(sigma_w2, sigma_b2, activation)
    q0 = _starts(q0, "q0", "squared lengths at layer 1", low=0.0, closed="right")
    depth = check_count(depth, "depth", "the number of layers traced")
    width = check_count(width, "width", "the units per layer")
    rng = check_rng(rng)
    z = rng.standard_normal((q0.size, width))
    h = z * np.sqrt(q0[:, None] / np.mean(z * z, axis=1, keepdims=True))
    layers = _propagate(h, sigma_w2, sigma_b2, activation, depth, rng)
    measured = np.stack([np.mean(h * h, axis=1) for h in layers], axis=1)
    theory = np.empty_like(measured)
    for i, q in enumerate(q0):
        for l in range(depth):
            theory[i, l] = q
            q = meanfield.length_map(q, sigma_w2, sigma_b2, activation)
    return LayerTrace("q", sigma_w2, sigma_b2, activation, q0, theory, measured, width)


def correlation_per_layer(sigma_w2, sigma_b2=0.0, activation="tanh", *,
                          c0=(0.2, 0.6, 0.9, 0.99), depth=20, width=500, rng=0):
    """The correlation map, iterated, against one random network (Poole et al. 2016).

    Each start ``c0[i]`` is a pair of inputs whose layer-1 pre-activations
    both have the squared length :math:`q^*` of the fixed point
    (:func:`winit.meanfield.fixed_point_q`) and, as vectors, exactly the
    correlation ``c0[i]``.  All pairs go through the same network.  The
    measured :math:`c_l = q^{ab}_l / \\sqrt{q^{aa}_l q^{bb}_l}` uses the
    mean products over the layer's units; the theory iterates
    :func:`winit.meanfield.correlation_map` at :math:`q^*`.

    Parameters
    ----------
    sigma_w2, sigma_b2, activation
        As in :func:`length_per_layer`; :math:`q^*` must be finite and
        positive (e.g. not tanh with :math:`\\sigma_b = 0` and
        :math:`\\sigma_w^2 \\le 1`, where the signal dies out).
    c0 : float or sequence of float, default (0.2, 0.6, 0.9, 0.99)
        Correlations at layer 1, each in (-1, 1).
    depth : int, default 20
        Layers traced.
    width : int, default 500
        Units per layer, at least 2 (the two inputs of a pair need two
        directions).
    rng
        As in :func:`length_per_layer`.

    Returns
    -------
    LayerTrace
        ``quantity="c"``.

    Raises
    ------
    ValueError
        If an argument is out of range or :math:`q^*` is 0 or infinite.

    Examples
    --------
    >>> from winit.experiments.poole2016 import correlation_per_layer
    >>> t = correlation_per_layer(4.0, 0.05, c0=[0.9], depth=3, width=200, rng=0)
    >>> round(float(t.measured[0, 0]), 12), round(float(t.theory[0, 0]), 12)
    (0.9, 0.9)
    """
    sigma_w2, sigma_b2 = _check_setting(sigma_w2, sigma_b2, activation)
    c0 = _starts(c0, "c0", "correlations at layer 1", low=-1.0, high=1.0, closed="neither")
    depth = check_count(depth, "depth", "the number of layers traced")
    width = check_count(width, "width", "the units per layer; two inputs need two directions",
                        low=2)
    rng = check_rng(rng)
    q_star = _positive_fixed_point(sigma_w2, sigma_b2, activation, "the correlation")
    k = c0.size
    a = rng.standard_normal((k, width))
    b = rng.standard_normal((k, width))
    b -= a * (np.sum(a * b, axis=1, keepdims=True) / np.sum(a * a, axis=1, keepdims=True))
    a /= np.sqrt(np.mean(a * a, axis=1, keepdims=True))
    b /= np.sqrt(np.mean(b * b, axis=1, keepdims=True))
    second = c0[:, None] * a + np.sqrt(1.0 - c0[:, None] ** 2) * b
    h = math.sqrt(q_star) * np.concatenate([a, second])
    layers = _propagate(h, sigma_w2, sigma_b2, activation, depth, rng)
    measured = np.empty((k, depth))
    for l, h in enumerate(layers):
        ha, hb = h[:k], h[k:]
        measured[:, l] = np.mean(ha * hb, axis=1) / np.sqrt(
            np.mean(ha * ha, axis=1) * np.mean(hb * hb, axis=1))
    theory = np.empty_like(measured)
    for i, c in enumerate(c0):
        for l in range(depth):
            theory[i, l] = c
            c = min(1.0, max(-1.0, meanfield.correlation_map(c, sigma_w2, sigma_b2, activation,
                                                             q=q_star)))
    return LayerTrace("c", sigma_w2, sigma_b2, activation, c0, theory, measured, width)


def phase_boundary(q_stars=None, activation="tanh"):
    """The order-to-chaos boundary :math:`\\chi_1 = 1` in the :math:`(\\sigma_w^2, \\sigma_b^2)` plane.

    Traced through :func:`winit.meanfield.edge_of_chaos`: every fixed point
    :math:`q^*` gives one point of the boundary in closed form.  Points with
    :math:`\\sigma_b^2 < 0` (beyond rounding) are dropped.  Left of the curve (smaller
    :math:`\\sigma_w^2`) is the ordered phase, right of it the chaotic one.

    Parameters
    ----------
    q_stars : sequence of float, optional
        Fixed points to trace, each :math:`\\geq 0`; default 200 values from
        0 to 12, denser near 0.
    activation : {"tanh", "sigmoid", "relu", "leaky_relu", "linear", "gelu"}

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        :math:`\\sigma_w^2` and :math:`\\sigma_b^2` along the boundary,
        ordered by :math:`q^*`.

    Examples
    --------
    >>> from winit.experiments.poole2016 import phase_boundary
    >>> sw2, sb2 = phase_boundary([0.0, 1.0])
    >>> [round(float(v), 6) for v in sw2], [round(float(v), 6) for v in sb2]
    ([1.0, 2.153303], [0.0, 0.150965])
    """
    check_choice(activation, "activation", meanfield.ACTIVATIONS)
    if q_stars is None:
        q_stars = 12.0 * np.linspace(0.0, 1.0, 200) ** 2
    q_stars = _starts(q_stars, "q_stars", "fixed points", low=0.0)
    pts = np.array([meanfield.edge_of_chaos(q, activation) for q in q_stars])
    keep = pts[:, 1] >= -1e-12  # rounding of 0 (ReLU, linear) is kept, as 0
    return pts[keep, 0], np.maximum(pts[keep, 1], 0.0)


@dataclass
class CircleTrace:
    """A circle of inputs through one random network, layer by layer.

    Attributes
    ----------
    sigma_w2, sigma_b2 : float
        The network's weight and bias variances.
    activation : str
        Its activation function.
    q_star : float
        The fixed point of the length map; every point of the circle has
        this squared length at layer 1.
    chi_1 : float
        The slope of the correlation map at :math:`c = 1`
        (:func:`winit.meanfield.chi_1`).
    theta : numpy.ndarray, shape (n_points,)
        The angles of the inputs on the circle, in radians.
    lengths : numpy.ndarray, shape (depth,)
        The length of the closed curve that layer ``l``'s pre-activations
        trace, divided by :math:`\\sqrt{n}` (``n`` = ``width``): at layer 1
        the polygon through ``n_points`` points of a circle of radius
        :math:`\\sqrt{q^*}`, close to :math:`2\\pi\\sqrt{q^*}`.
    theory : numpy.ndarray, shape (depth,)
        The mean-field length, ``lengths[0]`` times
        :math:`\\chi_1^{(l-1)/2}` at layer ``l``.
    projections : dict of int to numpy.ndarray, shape (n_points, 2)
        For each layer asked for, the pre-activations (centred) on their
        first two principal components, divided by :math:`\\sqrt{n}`; each
        column's sign is chosen so that its largest entry in absolute value
        is positive.
    explained : dict of int to float
        For the same layers, the fraction of the variance that the first two
        principal components carry (1 for a flat curve such as the circle).
    width : int
        Units per layer.
    """

    sigma_w2: float
    sigma_b2: float
    activation: str
    q_star: float
    chi_1: float
    theta: np.ndarray
    lengths: np.ndarray
    theory: np.ndarray
    projections: dict
    explained: dict
    width: int

    @property
    def layers(self):
        """numpy.ndarray: the layer numbers ``1..depth``, for plotting."""
        return np.arange(1, self.lengths.size + 1)


def _closed_length(points):
    """Length of the closed polygon through the rows of ``points``."""
    steps = np.diff(points, axis=0, append=points[:1])
    return float(np.sum(np.sqrt(np.sum(steps * steps, axis=1))))


def _principal_plane(points):
    """The centred rows of ``points`` on their first two principal components, and the share
    of the variance those two carry."""
    centred = points - points.mean(axis=0)
    u, s, _ = np.linalg.svd(centred, full_matrices=False)
    coords = u[:, :2] * s[:2]
    signs = np.sign(coords[np.argmax(np.abs(coords), axis=0), [0, 1]])
    return coords * np.where(signs == 0, 1.0, signs), float(np.sum(s[:2] ** 2) / np.sum(s * s))


def circle_per_layer(sigma_w2, sigma_b2=0.0, activation="tanh", *, depth=15, width=300,
                     n_points=600, show=(), rng=0):
    """A circle of inputs through one random network (Poole et al. 2016, "transient chaos").

    The inputs are ``n_points`` points of a circle in a random plane of the
    layer-1 pre-activations, :math:`z_1(\\theta) = \\sqrt{n q^*}\\,(u_0\\cos\\theta
    + u_1 \\sin\\theta)` with :math:`u_0, u_1` orthonormal, so that every
    point is at the fixed point :math:`q^*` of the length map.  All go
    through the same network.  In the mean-field limit the squared speed
    :math:`\\lVert \\partial z_l / \\partial\\theta \\rVert^2` of the curve is
    multiplied by :math:`\\chi_1` at every layer, so its length by
    :math:`\\sqrt{\\chi_1}`: an ordered network (:math:`\\chi_1 < 1`)
    shrinks the circle towards a point, a chaotic one (:math:`\\chi_1 > 1`)
    stretches it into an ever longer, folded curve.

    Parameters
    ----------
    sigma_w2, sigma_b2, activation
        As in :func:`length_per_layer`; :math:`q^*` must be finite and
        positive.
    depth : int, default 15
        Layers traced (layer 1 is the circle).
    width : int, default 300
        Units per layer, at least 2 (the circle needs a plane).
    n_points : int, default 600
        Points on the circle, at least 3; the measured length is that of
        the polygon through them, so it falls short of the curve's once
        the curve folds on the scale of the spacing.
    show : sequence of int, default ()
        Layers (``1..depth``) whose principal-component projection is
        returned.
    rng
        As in :func:`length_per_layer`.

    Returns
    -------
    CircleTrace

    Raises
    ------
    ValueError
        If an argument is out of range or :math:`q^*` is 0 or infinite.
    TypeError
        If a count is not an integer.

    References
    ----------
    Poole, Lahiri, Raghu, Sohl-Dickstein and Ganguli (2016), the circle
    through three random networks (Figure 3 of the arXiv version) and the
    propagation of a curve's length.

    Examples
    --------
    >>> from winit.experiments.poole2016 import circle_per_layer
    >>> t = circle_per_layer(4.0, 0.05, depth=3, width=100, n_points=400, show=[1], rng=0)
    >>> round(float(t.lengths[0]) / (2 * math.pi * math.sqrt(t.q_star)), 4)  # a circle at layer 1
    1.0
    >>> round(t.explained[1], 12)  # which lies in a plane
    1.0
    """
    sigma_w2, sigma_b2 = _check_setting(sigma_w2, sigma_b2, activation)
    depth = check_count(depth, "depth", "the number of layers traced")
    width = check_count(width, "width", "the units per layer; the circle needs a plane", low=2)
    n_points = check_count(n_points, "n_points", "the points on the circle", low=3)
    show = check_counts(show, "show", "layers to project, 1..depth", min_len=0)
    if any(l > depth for l in show):
        raise ValueError(f"show must list layers from 1 to depth = {depth} (layers to "
                         f"project); got {show!r:.80}")
    rng = check_rng(rng)
    q_star = _positive_fixed_point(sigma_w2, sigma_b2, activation, "the circle")
    chi = meanfield.chi_1(sigma_w2, sigma_b2, activation)
    plane, _ = np.linalg.qr(rng.standard_normal((width, 2)))
    theta = 2.0 * math.pi * np.arange(n_points) / n_points
    z = math.sqrt(width * q_star) * (np.outer(np.cos(theta), plane[:, 0])
                                     + np.outer(np.sin(theta), plane[:, 1]))
    layers = _propagate(z, sigma_w2, sigma_b2, activation, depth, rng)
    scale = math.sqrt(width)
    lengths = np.array([_closed_length(h) / scale for h in layers])
    theory = lengths[0] * chi ** (np.arange(depth) / 2.0)
    projections, explained = {}, {}
    for l in show:
        coords, share = _principal_plane(layers[l - 1])
        projections[l], explained[l] = coords / scale, share
    return CircleTrace(sigma_w2, sigma_b2, activation, q_star, chi, theta, lengths, theory,
                       projections, explained, width)
