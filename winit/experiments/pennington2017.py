"""Pennington, Schoenholz and Ganguli (2017), "Resurrecting the sigmoid in deep
learning through dynamical isometry: theory and practice", NeurIPS.

Reproduces, in miniature, the paper's comparison of the singular values of a
deep network's input-output Jacobian at initialisation: Gaussian against
orthogonal weights of the same variance, for linear, ReLU and tanh networks
at the critical weight variance (the singular-value densities the paper
computes with free probability and checks against sampled networks; see the
paper for its figures).  The facts the chapter checks:

* a deep linear network with orthogonal weights (gain 1) has a Jacobian that
  is itself orthogonal: every singular value is 1 at every depth (an exact
  isometry);
* with Gaussian weights of the same variance :math:`1/n` the mean squared
  singular value stays 1 but the spread grows with depth: the squared
  singular values of a product of :math:`L` such matrices follow, as the
  width grows, the Fuss-Catalan law of order :math:`L`, whose mean is 1 and
  whose second moment is :math:`L + 1` (:func:`fuss_catalan_moment`), and
  the ratio of the largest to the smallest singular value grows
  exponentially with depth;
* a ReLU Jacobian is never an isometry (every unit that is off zeroes a
  column), whatever the weights; tanh with orthogonal weights and small
  pre-activations stays close to one;
* on the edge of chaos (:func:`spectrum_spread`, with biases, the
  pre-activations held at their fixed point :math:`q^*`) the expected mean
  of the squared singular values is 1, and their relative variance grows
  with depth by about :func:`spread_per_layer` per layer: almost nothing for
  tanh with orthogonal weights at small :math:`q^*` (dynamical isometry),
  about 1 per layer for ReLU with orthogonal weights and for any Gaussian
  weights.  One network's mean stays near 1 only when its layers are nearly
  isometric (tanh, orthogonal weights, small :math:`q^*`); otherwise it
  strays from 1 once the depth is comparable with the width (the
  ``n_networks`` argument draws several networks to show it).

How the miniature differs from the paper (see the paper for its settings):
one network per setting in :func:`jacobian_spectra`, width 64 (below the size at which OpenBLAS
splits a matrix product over threads, which on a busy machine slows these
small products a hundredfold), inputs drawn i.i.d. :math:`N(0, q_0)`
rather than placed at a mean-field fixed point, no biases
(:math:`\\sigma_b = 0`, where the tanh fixed point is :math:`q^* = 0`, so
tanh's pre-activations shrink with depth), tanh standing in for the paper's
sigmoidal nonlinearities, and no training experiment (:func:`jacobian_spectra`; :func:`spectrum_spread`
has biases and starts at the fixed point, at width 256 by default).  The
theory put beside the measurements is two moments (the Fuss-Catalan moments
of the linear case, and :func:`spread_per_layer`), not the paper's full
densities.

Numerical note: the smallest singular values of a deep Gaussian product lie
far below :math:`10^{-16}` times the largest, where a singular value
decomposition of the product only returns rounding noise.
:func:`product_condition_number` therefore computes the smallest one as the
reciprocal of the largest singular value of the product of the inverses,
which is accurate to many digits.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import comb, sqrt

import numpy as np

from .. import activations as _activations
from .. import meanfield as _meanfield
from .._threads import one_blas_thread as _one_blas_thread
from .._validation import (check_array, check_arrays, check_choice, check_count, check_counts,
                           check_real, check_rng)
from ..schemes import orthogonal, variance_scaling

__all__ = [
    "ACTIVATIONS",
    "CRITICAL_SIGMA_W2",
    "INITS",
    "JacobianSpectrum",
    "SpectrumSpread",
    "fuss_catalan_moment",
    "input_output_jacobian",
    "jacobian_spectra",
    "product_condition_number",
    "spectrum_spread",
    "spectrum_spreads",
    "spread_per_layer",
]

#: The activations compared (tanh standing in for the paper's sigmoidal nonlinearities).
ACTIVATIONS = ("linear", "relu", "tanh")

#: The weight distributions compared: i.i.d. N(0, sigma_w^2 / n), or
#: ``sigma_w`` times a Haar-random orthogonal matrix (:func:`winit.orthogonal`).
INITS = ("gaussian", "orthogonal")

#: The critical weight variance with zero biases: where the mean squared
#: singular value of each layer's Jacobian is 1 (chi_1 = 1).  ReLU's 2 is He's factor.
CRITICAL_SIGMA_W2 = {"linear": 1.0, "relu": 2.0, "tanh": 1.0}


def _derivative(z, activation):
    return _activations.get(activation).derivative(z)


def _activate(z, activation):
    return _activations.get(activation).function(z)


def _check_weights(weights):
    """One square weight matrix per layer, all of one width."""
    out = check_arrays(weights, "weights", "one square weight matrix per layer", ndim=2)
    n = out[0].shape[0]
    for i, w in enumerate(out):
        if w.shape != (n, n):
            raise ValueError(f"weights[{i}] must be an array of shape ({n}, {n}) (square, of the "
                             f"width of weights[0]); got shape {w.shape}")
    return out


def _jacobians(layers, x, activation):
    """Yield the input-output Jacobian after each layer of ``layers`` (pairs ``(W, b)``, b may
    be 0): :math:`z = h W + b`, :math:`J \\leftarrow J W \\operatorname{diag}\\phi'(z)`."""
    h, jac = x, np.eye(x.shape[0])
    for w, b in layers:
        z = h @ w + b
        jac = (jac @ w) * _derivative(z, activation)
        h = _activate(z, activation)
        yield jac


def input_output_jacobian(weights, x, activation):
    r"""The Jacobian of a bias-free network's output with respect to its input.

    The network computes :math:`h_l = \phi(h_{l-1} W_l)` for
    :math:`l = 1, \dots, L` (row vectors, ``x @ W`` layout), so that
    :math:`dh_L = dh_0\, J` with

    .. math::

        J = W_1 D_1 W_2 D_2 \cdots W_L D_L, \qquad
        D_l = \operatorname{diag}\bigl(\phi'(h_{l-1} W_l)\bigr).

    Parameters
    ----------
    weights : list of (n, n) float arrays
        The layers' weight matrices, in order.
    x : (n,) array_like
        The input at which the Jacobian is taken.
    activation : {"linear", "relu", "tanh"}
        :math:`\phi`, applied after every layer (ReLU's derivative at 0 is 0).

    Returns
    -------
    numpy.ndarray
        :math:`J`, shape ``(n, n)``.

    Raises
    ------
    TypeError, ValueError
        If ``weights`` is not a non-empty list of square float arrays of one
        width, ``x`` is not a vector of that width, or ``activation`` is
        unknown.

    Examples
    --------
    >>> import numpy as np
    >>> from winit import orthogonal
    >>> from winit.experiments.pennington2017 import input_output_jacobian
    >>> ws = [orthogonal((4, 4), rng=i) for i in range(3)]
    >>> j = input_output_jacobian(ws, np.ones(4), "linear")
    >>> bool(np.allclose(j.T @ j, np.eye(4)))
    True
    """
    check_choice(activation, "activation", ACTIVATIONS)
    weights = _check_weights(weights)
    n = weights[0].shape[0]
    x = check_array(x, "x", "the input, one entry per unit", dtype="float64", shape=(n,))
    for jac in _jacobians(((w, 0.0) for w in weights), x, activation):
        pass
    return jac


def product_condition_number(weights):
    r"""Largest over smallest singular value of :math:`W_1 W_2 \cdots W_L`, accurately.

    The smallest singular value is computed as
    :math:`1 / \sigma_{\max}(W_L^{-1} \cdots W_1^{-1})`: the largest
    singular value of a matrix is accurate to a few units of rounding
    relative to itself, while the smallest one of a deep product, taken
    directly, drowns in the rounding noise of the largest (about
    :math:`10^{-16}` times it).  This is the condition number of a deep
    linear network's input-output Jacobian.

    Parameters
    ----------
    weights : list of (n, n) float arrays
        Invertible weight matrices.

    Returns
    -------
    float
        :math:`\sigma_{\max} / \sigma_{\min} \ge 1`; ``inf`` if a matrix is
        singular or the product of the inverses overflows.

    Raises
    ------
    TypeError, ValueError
        If ``weights`` is not a non-empty list of square float arrays of one width.

    Examples
    --------
    >>> import numpy as np
    >>> from winit.experiments.pennington2017 import product_condition_number
    >>> product_condition_number([np.diag([1.0, 2.0]), np.diag([1.0, 3.0])])
    6.0
    """
    weights = _check_weights(weights)
    n = weights[0].shape[0]
    prod = np.eye(n)
    inv = np.eye(n)
    with np.errstate(over="ignore", invalid="ignore"):
        for w in weights:
            prod = prod @ w
            try:
                inv = np.linalg.solve(w, inv)  # W^-1 @ (W_{l-1}^-1 ... W_1^-1)
            except np.linalg.LinAlgError:
                return float("inf")
        if not (np.isfinite(prod).all() and np.isfinite(inv).all()):
            return float("inf")
        return float(np.linalg.norm(prod, 2) * np.linalg.norm(inv, 2))


def fuss_catalan_moment(depth, k):
    r"""The :math:`k`-th moment of the Fuss-Catalan law of order ``depth``.

    The squared singular values of :math:`W_1 \cdots W_L`, with i.i.d.
    :math:`N(0, 1/n)` entries, follow this law as :math:`n \to \infty`:

    .. math::

        \operatorname{E}[\sigma^{2k}] = \frac{1}{Lk + 1}\binom{(L + 1)k}{k},

    so the mean of :math:`\sigma^2` is 1 and its second moment
    :math:`\operatorname{E}[\sigma^4] = L + 1`.

    Parameters
    ----------
    depth : int
        :math:`L`, the number of matrices, at least 1.
    k : int
        The order of the moment, at least 1.

    Returns
    -------
    int
        The moment (an integer).

    Raises
    ------
    TypeError, ValueError
        If ``depth`` or ``k`` is not a positive integer.

    Examples
    --------
    >>> from winit.experiments.pennington2017 import fuss_catalan_moment
    >>> fuss_catalan_moment(1, 2), fuss_catalan_moment(8, 2), fuss_catalan_moment(1, 3)
    (2, 9, 5)
    """
    depth = check_count(depth, "depth", "the number of matrices in the product")
    k = check_count(k, "k", "the order of the moment")
    return comb((depth + 1) * k, k) // (depth * k + 1)


@dataclass(frozen=True)
class JacobianSpectrum:
    """Singular values of one network's input-output Jacobian at several depths.

    Attributes
    ----------
    activation, init : str
        As in :func:`jacobian_spectra`.
    sigma_w2 : float
        The weight variance times the width (:data:`CRITICAL_SIGMA_W2`).
    depths : tuple of int
        The depths (numbers of layers) at which the Jacobian was taken: the
        first ``depth`` layers of one deep network.
    singular_values : tuple of numpy.ndarray
        Per depth, the ``width`` singular values, largest first, from
        :func:`numpy.linalg.svd` (values below about 1e-16 times the largest
        are rounding noise).
    condition : tuple of float or None
        Per depth, the accurate largest over smallest singular value
        (:func:`product_condition_number`); only for linear networks, None
        otherwise.
    """

    activation: str
    init: str
    sigma_w2: float
    depths: tuple
    singular_values: tuple
    condition: tuple | None


def jacobian_spectra(*, depths=(1, 8, 32, 128), width=64, activations=ACTIVATIONS,
                     inits=INITS, input_variance=1.0, rng=0):
    r"""Singular values of deep networks' Jacobians, Gaussian against orthogonal weights.

    For each activation and weight distribution, one bias-free network of
    ``max(depths)`` square layers of ``width`` units is drawn at the
    critical weight variance :math:`\sigma_w^2` of :data:`CRITICAL_SIGMA_W2`
    (Gaussian: i.i.d. :math:`N(0, \sigma_w^2/n)`; orthogonal:
    :math:`\sigma_w` times :func:`winit.orthogonal`, entries of the same
    variance), and its input-output Jacobian (:func:`input_output_jacobian`)
    is taken after the first ``d`` layers for each ``d`` in ``depths``, at
    one input with i.i.d. :math:`N(0, \mathrm{input\_variance})` entries.

    Parameters
    ----------
    depths : tuple of int, default (1, 8, 32, 128)
        Increasing depths, each at least 1.
    width : int, default 64
        Units per layer.
    activations : tuple of str, default ("linear", "relu", "tanh")
    inits : tuple of str, default ("gaussian", "orthogonal")
    input_variance : float, default 1.0
        Variance of the input's entries (:math:`q_0`).
    rng : None, int or numpy.random.Generator, default 0
        Source of randomness (SPEC 7); the settings are drawn in the order
        of ``activations``, then ``inits``.

    Returns
    -------
    dict
        ``{(activation, init): JacobianSpectrum}``.

    Raises
    ------
    TypeError, ValueError
        If an argument has the wrong type or value (depths not increasing
        positive integers, an unknown activation or init, ...).

    Examples
    --------
    >>> from winit.experiments.pennington2017 import jacobian_spectra
    >>> s = jacobian_spectra(depths=(1, 4), width=16, activations=("linear",),
    ...                      inits=("orthogonal",), rng=0)
    >>> sv = s["linear", "orthogonal"].singular_values[-1]
    >>> bool(abs(sv.max() - 1) < 1e-12 and abs(sv.min() - 1) < 1e-12)
    True
    """
    depths = tuple(check_counts(depths, "depths", "the numbers of layers, increasing",
                                each="a number of layers", increasing=True))
    width = check_count(width, "width", "the number of units per layer")
    for a in activations:
        check_choice(a, "activations", ACTIVATIONS)
    for i in inits:
        check_choice(i, "inits", INITS)
    q0 = check_real(input_variance, "input_variance", "the variance of the input's entries",
                    positive=True)
    rng = check_rng(rng)

    out = {}
    for activation in activations:
        sigma_w2 = CRITICAL_SIGMA_W2[activation]
        for init in inits:
            weights = []
            for _ in range(depths[-1]):
                if init == "gaussian":
                    w = variance_scaling((width, width), sigma_w2, "fan_in", "normal", rng=rng)
                else:
                    w = orthogonal((width, width), gain=sqrt(sigma_w2), rng=rng)
                weights.append(w)
            x = rng.normal(0.0, sqrt(q0), width)
            svs, conds = [], []
            layers = ((w, 0.0) for w in weights)
            for layer, jac in enumerate(_jacobians(layers, x, activation), start=1):
                if layer in depths:
                    svs.append(np.linalg.svd(jac, compute_uv=False))
                    if activation == "linear":
                        conds.append(product_condition_number(weights[:layer]))
            out[activation, init] = JacobianSpectrum(
                activation, init, sigma_w2, depths, tuple(svs),
                tuple(conds) if activation == "linear" else None)
    return out


def spread_per_layer(activation="tanh", q_star=0.01, init="orthogonal"):
    r"""How much each layer adds to the spread of the squared singular values, in wide networks.

    On the edge of chaos (:math:`\chi_1 = \sigma_w^2 \mu_1 = 1`, with
    :math:`\mu_k = E_z[\phi'(\sqrt{q^*} z)^{2k}]`) one layer's Jacobian
    :math:`W D` has squared singular values of mean 1.  Their variance has
    two sources: the spread of the diagonal :math:`D^2` (the units'
    :math:`\phi'^2` differ), :math:`\mu_2/\mu_1^2 - 1`, and, for Gaussian
    weights, the spread of :math:`W W^\top` (the Marchenko-Pastur law of
    ratio 1, variance 1); an orthogonal :math:`W` adds none.  In a wide
    network the layers' Jacobians are free of one another, and for free
    factors of mean 1 the variances of the product's spectrum add, so that
    after :math:`L` layers the squared singular values have mean 1 and
    variance :math:`L` times the value returned here.  Pennington et al.
    (2017) compute the whole distribution, not only these two moments,
    with free probability.

    Parameters
    ----------
    activation : {"linear", "relu", "tanh"}
    q_star : float, default 0.01
        The fixed point of the pre-activations' variance, :math:`> 0`
        (ReLU's and linear's spread do not depend on it).
    init : {"gaussian", "orthogonal"}

    Returns
    -------
    float
        :math:`\mu_2/\mu_1^2 - 1`, plus 1 for Gaussian weights.

    Raises
    ------
    TypeError, ValueError
        If an argument has the wrong type or value.

    Examples
    --------
    >>> from winit.experiments.pennington2017 import spread_per_layer
    >>> spread_per_layer("relu", 1.0, "orthogonal"), spread_per_layer("relu", 1.0, "gaussian")
    (1.0, 2.0)
    >>> round(spread_per_layer("tanh", 0.001, "orthogonal") / 0.001 ** 2, 2)  # 8 q*^2, small q*
    7.92
    """
    check_choice(activation, "activation", ACTIVATIONS)
    q = check_real(q_star, "q_star", "the fixed point of the pre-activations' variance",
                   positive=True)
    check_choice(init, "init", INITS)

    def dphi2(u):
        return _derivative(u, activation) ** 2

    mu1 = _meanfield.expect(dphi2, q)
    mu2 = _meanfield.expect(lambda u: dphi2(u) ** 2, q)
    return float(mu2 / mu1 ** 2 - 1.0 + (1.0 if init == "gaussian" else 0.0))


@dataclass(frozen=True)
class SpectrumSpread:
    """The mean and relative spread of the squared singular values of Jacobians on the edge of chaos.

    Attributes
    ----------
    activation, init : str
        As in :func:`spectrum_spread`.
    q_star, sigma_w2, sigma_b2 : float
        The fixed point and the point of the edge of chaos that has it
        (:func:`winit.meanfield.edge_of_chaos`).
    width : int
        Units per layer.
    depths : tuple of int
        The depths at which the Jacobian was taken (the first ``depth``
        layers of each network).
    mean : numpy.ndarray
        Shape ``(n_networks, len(depths))``: the mean of the squared
        singular values, :math:`\\|J\\|_F^2 / n`.
    spread : numpy.ndarray
        Same shape: their variance over their mean squared,
        :math:`n \\|J^\\top J\\|_F^2 / \\|J\\|_F^4 - 1` (0 for an isometry of
        any scale).
    """

    activation: str
    init: str
    q_star: float
    sigma_w2: float
    sigma_b2: float
    width: int
    depths: tuple
    mean: np.ndarray
    spread: np.ndarray


def spectrum_spread(activation="tanh", q_star=0.01, *, init="orthogonal",
                    depths=(1, 2, 4, 8, 16, 32, 64, 128), width=256, n_networks=1, rng=0):
    r"""The mean and spread of the squared singular values of deep Jacobians on the edge of chaos.

    Each network has ``max(depths)`` square layers
    :math:`h_l = \phi(h_{l-1} W_l + b_l)` at the point
    :math:`(\sigma_w^2, \sigma_b^2)` of the edge of chaos whose fixed point
    is ``q_star`` (:func:`winit.meanfield.edge_of_chaos`): weights i.i.d.
    :math:`N(0, \sigma_w^2/n)` ("gaussian") or :math:`\sigma_w` times
    :func:`winit.orthogonal` ("orthogonal"), biases i.i.d.
    :math:`N(0, \sigma_b^2)`.  The input has i.i.d.
    :math:`N(0, (q^* - \sigma_b^2)/\sigma_w^2)` entries, so that the first
    pre-activations already have variance :math:`q^*`.  After the first
    ``d`` layers, for each ``d`` in ``depths``, the squared singular values
    :math:`\sigma^2` of the input-output Jacobian :math:`J` are summarised by
    their mean and by their variance over their mean squared (computed from
    :math:`\|J\|_F` and :math:`\|J^\top J\|_F`, without a singular value
    decomposition).  The spread is apart from the mean: a uniform shrink of
    every :math:`\sigma` leaves it unchanged.

    Parameters
    ----------
    activation : {"linear", "relu", "tanh"}, default "tanh"
    q_star : float, default 0.01
        The fixed point, :math:`> 0`.
    init : {"gaussian", "orthogonal"}, default "orthogonal"
    depths : tuple of int, default (1, 2, 4, ..., 128)
        Increasing depths, each at least 1.
    width : int, default 256
    n_networks : int, default 1
        Independent networks (one child generator of ``rng`` each).
    rng : None, int or numpy.random.Generator, default 0
        Source of randomness (SPEC 7).

    Returns
    -------
    SpectrumSpread

    Raises
    ------
    TypeError, ValueError
        If an argument has the wrong type or value.

    See Also
    --------
    spectrum_spreads : several settings on the same random draws.

    References
    ----------
    Pennington, Schoenholz and Ganguli (2017): the Jacobian's spectrum on
    the edge of chaos, Gaussian against orthogonal weights.

    Examples
    --------
    >>> from winit.experiments.pennington2017 import spectrum_spread
    >>> s = spectrum_spread("linear", 1.0, depths=(3,), width=8)
    >>> round(float(s.mean[0, 0]), 12), bool(abs(s.spread[0, 0]) < 1e-12)  # an exact isometry
    (1.0, True)
    """
    check_choice(activation, "activation", ACTIVATIONS)
    q = check_real(q_star, "q_star", "the fixed point of the pre-activations' variance",
                   positive=True)
    return spectrum_spreads([(activation, q)], init=init, depths=depths, width=width,
                            n_networks=n_networks, rng=rng)[activation, q]


def spectrum_spreads(settings, *, init="orthogonal", depths=(1, 2, 4, 8, 16, 32, 64, 128),
                     width=256, n_networks=1, rng=0):
    r""":func:`spectrum_spread` for several settings, all on the same random draws.

    Each network's draws (a weight matrix of unit scale per layer, a bias
    vector and the input, both standard normal) are made once and scaled for
    each setting by its :math:`\sigma_w`, :math:`\sigma_b` and input
    standard deviation: the settings differ only in their variances and
    activation (common random numbers), and a Haar orthogonal matrix, whose
    QR factorisation costs more than the network's own products, is drawn
    once for all of them.  One setting gives what :func:`spectrum_spread`
    gives for it.

    Parameters
    ----------
    settings : sequence of (str, float)
        ``(activation, q_star)`` pairs, as in :func:`spectrum_spread`.
    init, depths, width, n_networks, rng
        As in :func:`spectrum_spread`.

    Returns
    -------
    dict
        ``{(activation, q_star): SpectrumSpread}``, in the order of ``settings``.

    Raises
    ------
    TypeError, ValueError
        If an argument has the wrong type or value, or a setting repeats.

    Examples
    --------
    >>> from winit.experiments.pennington2017 import spectrum_spreads
    >>> out = spectrum_spreads([("tanh", 1.0), ("relu", 1.0)], depths=(2,), width=16)
    >>> list(out), out["relu", 1.0].sigma_w2
    ([('tanh', 1.0), ('relu', 1.0)], 2.0)
    """
    pairs = []
    for pair in settings:
        if not (isinstance(pair, (tuple, list)) and len(pair) == 2):
            raise TypeError("settings must be a sequence of (activation, q_star) pairs; got "
                            f"{pair!r} in it")
        activation = check_choice(pair[0], "activation", ACTIVATIONS)
        q = check_real(pair[1], "q_star", "the fixed point of the pre-activations' variance",
                       positive=True)
        if (activation, q) in pairs:
            raise ValueError(f"settings must not repeat a setting; got {(activation, q)!r} twice")
        pairs.append((activation, q))
    if not pairs:
        raise ValueError("settings must hold at least one (activation, q_star) pair; got none")
    check_choice(init, "init", INITS)
    depths = tuple(check_counts(depths, "depths", "the numbers of layers, increasing",
                                each="a number of layers", increasing=True))
    width = check_count(width, "width", "the number of units per layer")
    n_networks = check_count(n_networks, "n_networks", "the number of networks")
    rng = check_rng(rng)
    points = [_meanfield.edge_of_chaos(q, a) for a, q in pairs]
    x_stds = [sqrt(max(q - sb2, 0.0) / sw2) for (_, q), (sw2, sb2) in zip(pairs, points)]

    mean = np.empty((len(pairs), n_networks, len(depths)))
    spread = np.empty_like(mean)
    with _one_blas_thread():
        for k, gen in enumerate(rng.spawn(n_networks)):
            x0 = gen.standard_normal(width)
            h = [x_std * x0 for x_std in x_stds]
            jac = [np.eye(width) for _ in pairs]
            j = 0
            for layer in range(1, depths[-1] + 1):
                if init == "gaussian":
                    w0 = gen.standard_normal((width, width)) / sqrt(width)
                else:
                    w0 = orthogonal((width, width), rng=gen)
                b0 = gen.standard_normal(width)
                for s, ((activation, _), (sw2, sb2)) in enumerate(zip(pairs, points)):
                    w = sqrt(sw2) * w0
                    z = h[s] @ w + sqrt(sb2) * b0
                    jac[s] = (jac[s] @ w) * _derivative(z, activation)
                    h[s] = _activate(z, activation)
                    if layer == depths[j]:
                        m1 = float(np.sum(jac[s] * jac[s])) / width
                        jtj = jac[s].T @ jac[s]
                        m2 = float(np.sum(jtj * jtj)) / width
                        mean[s, k, j], spread[s, k, j] = m1, m2 / m1 ** 2 - 1.0
                if layer == depths[j]:
                    j += 1
    return {pair: SpectrumSpread(pair[0], init, pair[1], float(sw2), float(sb2), width, depths,
                                 mean[s], spread[s])
            for s, (pair, (sw2, sb2)) in enumerate(zip(pairs, points))}
