"""Mishkin and Matas (2016), "All you need is a good init", ICLR.

Layer-sequential unit-variance (LSUV) initialisation: orthogonal weights,
then each layer, first to last, divided by the standard deviation of its
output on one minibatch until that output has variance 1 (their
Algorithm 1; the library's :func:`winit.lsuv`).  This module runs it on
plain fully connected networks (:mod:`winit.networks`' ``x @ W`` layout,
biases zero) on the digits, and reproduces in miniature:

* what LSUV does to the variance of every layer's output, for ReLU, leaky
  ReLU, tanh and sigmoid networks, beside orthogonal weights scaled by the
  fixed gains of :func:`winit.calculate_gain` (PyTorch's), with the
  mean-field length map (:func:`winit.meanfield.length_map`) as the theory
  (:func:`variance_through_depth`); the gain LSUV finds for a wide layer is
  :math:`1/\\sqrt{E[\\phi(z)^2]}`, :math:`z \\sim N(0, 1)`
  (:func:`lsuv_gain_theory`), a different number for each activation;
* the paper's claim that LSUV trains deep networks at least as well as the
  formula-based initialisations: training against He et al. (2015) and
  Glorot and Bengio (2010) initialisations (:func:`lsuv_training`).

Which output LSUV normalises: the authors' Caffe script
(``tools/extra/lsuv_init.py`` in github.com/ducha-aiki/LSUVinit) measures the
output blob of the convolution or fully connected layer before the
activation that follows it, so ``measure="pre"`` is the default here;
``measure="post"`` normalises the activated output instead, as a Keras
``Dense`` layer with a built-in activation would, and shows why the
tolerance and the iteration cap exist.

How the miniature differs from the paper: fully connected networks of a few
dozen units on scikit-learn's 8x8 digits (:func:`winit.data.digits`)
instead of convolutional networks (FitNets, CaffeNet, GoogLeNet, residual
networks) on MNIST, CIFAR-10/100 and ImageNet; plain SGD with one constant
learning rate, no momentum, weight decay or augmentation, for a few hundred
steps; the same minibatch is used for every measurement of one layer (as
the authors' scripts do); no maxout networks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._validation import (check_array, check_choice, check_count, check_counts, check_real,
                           check_rng)
from ..data import digits
from ..fans import calculate_gain
from ..lsuv import lsuv
from ..meanfield import length_map
from ..networks import ACTIVATIONS as NETWORK_ACTIVATIONS
from ..networks import activate, forward, init_weights, train_sgd
from ..schemes import orthogonal
from ._common import INITS

__all__ = ["ACTIVATIONS", "ALL_INITS", "INIT_NAMES", "DepthVariances", "TrainRuns", "layer_variances",
           "lsuv_gain_theory", "lsuv_network", "lsuv_training", "mlp_forward_to",
           "variance_through_depth"]

#: The activation functions the chapter compares.
ACTIVATIONS = ("relu", "leaky_relu", "tanh", "sigmoid")

#: The initialisations :func:`lsuv_training` compares.
INIT_NAMES = ("he", "glorot", "lsuv")

#: What :func:`lsuv_training` accepts: :data:`INIT_NAMES` and ``"orthogonal"``.
ALL_INITS = INIT_NAMES + ("orthogonal",)

_MEASURES = ("pre", "post")


def mlp_forward_to(activation, *, measure="pre"):
    """A ``forward_to`` for :func:`winit.lsuv` on a plain stack ``h = f(h @ W)``.

    Layer ``k``'s output is :math:`z_k = h_{k-1} W_k` (``measure="pre"``, the
    linear layer's own output) or :math:`f(z_k)` (``"post"``), with
    :math:`h_0 = x`, :math:`h_j = f(z_j)` and no biases.  Every layer but
    the one being measured is used as it is.

    The returned function remembers the input of the layer it last measured
    and reuses it while the earlier weight arrays are the same objects and
    the batch is the same array (:func:`winit.lsuv` never changes a layer
    once it has moved past it), so LSUV costs one matrix product per
    measurement instead of ``k``.

    Parameters
    ----------
    activation : {"tanh", "sigmoid", "relu", "leaky_relu", "linear", "gelu"}
    measure : {"pre", "post"}, default "pre"

    Returns
    -------
    callable
        ``forward_to(weights, x, k) -> numpy.ndarray`` of shape ``(B, n_k)``.
    """
    check_choice(activation, "activation", NETWORK_ACTIVATIONS)
    check_choice(measure, "measure", _MEASURES)
    cache = {"x": None, "ws": (), "h": None}

    def forward_to(weights, x, k):
        ws = tuple(weights[:k])
        if cache["x"] is x and len(cache["ws"]) <= k and all(
                a is b for a, b in zip(cache["ws"], ws)):
            h, start = cache["h"], len(cache["ws"])
        else:
            h, start = np.asarray(x, dtype=float), 0
        for W in ws[start:]:
            h = activate(h @ W, activation)
        cache.update(x=x, ws=ws, h=h)
        z = h @ weights[k]
        return z if measure == "pre" else activate(z, activation)

    return forward_to


def lsuv_network(sizes, activation, x, *, measure="pre", tol=0.1, max_iter=10, rng=None):
    """LSUV weights for a plain stack of the given layer sizes (biases zero).

    Parameters
    ----------
    sizes : sequence of int
        Layer widths from input to output, e.g. ``[64, 128, 128, 10]``.
    activation : str
        Hidden-layer activation (the last layer is linear either way; with
        ``measure="post"`` the last layer's output is also activated when
        measured, as every layer's is).
    x : numpy.ndarray, shape (B, sizes[0])
        The minibatch LSUV measures on.
    measure : {"pre", "post"}, default "pre"
        Normalise the linear layers' outputs or the activated outputs.
    tol, max_iter, rng
        As in :func:`winit.lsuv`.

    Returns
    -------
    winit.lsuv.LSUVResult
        Its ``weights`` are the ``(sizes[l-1], sizes[l])`` matrices.
    """
    sizes = check_counts(sizes, "sizes", "the layer widths, input and output included",
                         min_len=2, each="a layer width")
    x = check_array(x, "x", "the batch LSUV measures on", dtype="float64",
                    shape=(("batch", 1), sizes[0]))
    shapes = [np.zeros((a, b)) for a, b in zip(sizes[:-1], sizes[1:])]
    return lsuv(shapes, mlp_forward_to(activation, measure=measure), x, tol=tol,
                max_iter=max_iter, rng=rng)


def layer_variances(weights, x, activation):
    """``numpy.var`` of every layer's linear output ``h @ W`` for the batch ``x``.

    Parameters
    ----------
    weights : list of numpy.ndarray
        ``(n_in, n_out)`` matrices, biases zero.
    x : numpy.ndarray, shape (B, n_0)
    activation : str

    Returns
    -------
    numpy.ndarray, shape (len(weights),)
    """
    out, h = [], np.asarray(x, dtype=float)
    for W in weights:
        z = h @ W
        out.append(float(np.var(z)))
        h = activate(z, activation)
    return np.array(out)


def lsuv_gain_theory(activation):
    """The gain LSUV converges to in a wide layer: :math:`1/\\sqrt{E[\\phi(z)^2]}`, :math:`z \\sim N(0, 1)`.

    If a layer's input units are :math:`\\phi(z)` with :math:`z` of
    variance 1 (the previous layer normalised by LSUV), an orthogonal
    ``n x n`` matrix times :math:`g` gives outputs of mean square
    :math:`g^2 E[\\phi(z)^2]` (exactly: it preserves every row's length), so
    variance 1 needs :math:`g^2 = 1/E[\\phi(z)^2]`: the mean-field length
    map's :math:`\\sigma_w^2` with fixed point :math:`q^* = 1`.  ReLU gives
    :math:`\\sqrt 2` (He's gain); tanh about 1.593 (PyTorch's 5/3 is 4.6 %
    larger); sigmoid about 1.846 (PyTorch's 1 is much smaller), because a
    sigmoid's output has mean 1/2, which the next layer's weights carry.

    Parameters
    ----------
    activation : str

    Returns
    -------
    float
    """
    return 1.0 / math.sqrt(length_map(1.0, 1.0, 0.0, activation))


@dataclass
class DepthVariances:
    """One activation of :func:`variance_through_depth`.

    Attributes
    ----------
    activation : str
    closed_gain : float
        :func:`winit.calculate_gain` of the activation.
    closed_measured : numpy.ndarray, shape (depth,)
        Variance of every hidden layer's linear output on all training
        digits, orthogonal weights times ``closed_gain``.
    closed_theory : numpy.ndarray, shape (depth,)
        The mean-field length map with :math:`\\sigma_w^2 =` ``closed_gain**2``
        iterated from the measured variance of the first layer.
    lsuv_batch : numpy.ndarray, shape (depth,)
        Variances LSUV reached on its minibatch (``LSUVResult.variances``).
    lsuv_all : numpy.ndarray, shape (depth,)
        The same network's variances on all training digits.
    lsuv_gains : numpy.ndarray, shape (depth - 1,)
        The gain :math:`\\|W\\|_F / \\sqrt{n}` of every square hidden layer
        after LSUV (layers 2 to ``depth``).
    theory_gain : float
        :func:`lsuv_gain_theory`.
    iterations : numpy.ndarray of int, shape (depth,)
        LSUV's divisions per layer.
    """

    activation: str
    closed_gain: float
    closed_measured: np.ndarray
    closed_theory: np.ndarray
    lsuv_batch: np.ndarray
    lsuv_all: np.ndarray
    lsuv_gains: np.ndarray
    theory_gain: float
    iterations: np.ndarray


def variance_through_depth(*, activations=ACTIVATIONS, depth=20, width=128, n_lsuv=128,
                           tol=0.1, max_iter=10, rng=0):
    """Layer variances of deep orthogonal networks: fixed gains against LSUV.

    For each activation, two networks of ``depth`` hidden layers of
    ``width`` units (64 digit pixels in, biases zero) are drawn:
    orthogonal weights times the gain of :func:`winit.calculate_gain`, and
    orthogonal weights rescaled by LSUV (``measure="pre"``) on ``n_lsuv``
    training digits.  Both are measured on all 1,348 training digits of
    :func:`winit.data.digits`.

    Parameters
    ----------
    activations : sequence of str
        Keys of :data:`ACTIVATIONS`.
    depth, width, n_lsuv, max_iter : int
    tol : float
    rng : None, int or numpy.random.Generator, default 0
        SPEC 7; fixes the split, the minibatch and every weight.

    Returns
    -------
    dict
        ``{activation: DepthVariances}``.
    """
    rng = check_rng(rng)
    activations = [check_choice(a, "activations", ACTIVATIONS) for a in _as_list(activations)]
    depth = check_count(depth, "depth", "the number of hidden layers")
    width = check_count(width, "width", "the units per hidden layer")
    n_lsuv = check_count(n_lsuv, "n_lsuv", "the digits LSUV measures on")
    check_real(tol, "tol", "the variance tolerance", positive=True)
    data = digits(rng=rng)
    x = data.x_train
    check_count(n_lsuv, "n_lsuv", "the digits LSUV measures on, among the training digits",
                high=x.shape[0])
    batch = x[rng.choice(x.shape[0], n_lsuv, replace=False)]
    sizes = [x.shape[1]] + [width] * depth
    out = {}
    for act in activations:
        g = calculate_gain(act)
        closed = [orthogonal((a, b), g, rng=rng) for a, b in zip(sizes[:-1], sizes[1:])]
        measured = layer_variances(closed, x, act)
        theory = [measured[0]]
        for _ in range(depth - 1):
            theory.append(length_map(theory[-1], g * g, 0.0, act))
        res = lsuv_network(sizes, act, batch, tol=tol, max_iter=max_iter, rng=rng)
        gains = np.array([math.sqrt(float(np.sum(W * W)) / min(W.shape))
                          for W in res.weights[1:]])
        out[act] = DepthVariances(act, g, measured, np.array(theory), res.variances.copy(),
                                  layer_variances(res.weights, x, act), gains,
                                  lsuv_gain_theory(act), res.iterations.copy())
    return out


@dataclass
class TrainRuns:
    """One activation and one initialisation of :func:`lsuv_training`, every seed.

    Attributes
    ----------
    steps : numpy.ndarray of int, shape (n_windows,)
        Step count at the end of each recorded window.
    losses : numpy.ndarray, shape (n_seeds, n_windows)
        Window-mean training loss of every seed (``nan`` after a divergence).
    test_accuracy : numpy.ndarray, shape (n_seeds,)
        Accuracy on the held-out digits after training (0 if diverged).
    diverged : numpy.ndarray of bool, shape (n_seeds,)
    """

    steps: np.ndarray
    losses: np.ndarray
    test_accuracy: np.ndarray
    diverged: np.ndarray


def lsuv_training(*, activations=("relu", "tanh", "sigmoid"), inits=INIT_NAMES, depth=10,
                  width=32, seeds=(0, 1, 2, 3), steps=300, lr=0.05, batch_size=32, n_lsuv=128,
                  record_every=10, tol=0.1, max_iter=10):
    """Train deep networks on the digits from He, Glorot and LSUV initialisations.

    Each run: :func:`winit.data.digits` split by the seed (1,348 training
    images, 449 held out), a network of ``depth`` hidden layers of ``width``
    units and a linear output layer of 10 (biases zero), plain SGD
    (:func:`winit.networks.train_sgd`) for ``steps`` steps of
    ``batch_size`` at learning rate ``lr``, float64.  The initialisations:

    * ``"he"`` -- N(0, 2/fan_in) (He et al. 2015);
    * ``"glorot"`` -- :math:`U[\\pm\\sqrt{6/(\\text{fan\\_in} + \\text{fan\\_out})}]`
      (Glorot and Bengio 2010, eq. 16, "normalized");
    * ``"lsuv"`` -- orthogonal, then :func:`winit.lsuv` on ``n_lsuv``
      training digits, every layer's linear output (the output layer's
      too) set to variance 1 within ``tol``;
    * ``"orthogonal"`` -- orthogonal weights times :func:`winit.calculate_gain`
      of the activation, every layer (LSUV's starting point with a fixed
      gain instead of a measured one).

    Seed ``s`` fixes the split, the weights (``default_rng([s, 1])``, which
    also draws LSUV's minibatch) and the minibatch order
    (``default_rng([s, 2])``), the same for every initialisation.

    Returns
    -------
    dict
        ``{activation: {init: TrainRuns}}``.
    """
    activations = [check_choice(a, "activations", ACTIVATIONS) for a in _as_list(activations)]
    inits = [check_choice(i, "inits", ALL_INITS) for i in _as_list(inits)]
    depth = check_count(depth, "depth", "the number of hidden layers")
    width = check_count(width, "width", "the units per hidden layer")
    steps = check_count(steps, "steps", "the number of SGD steps")
    record_every = check_count(record_every, "record_every", "steps per recorded loss")
    n_lsuv = check_count(n_lsuv, "n_lsuv", "the digits LSUV measures on")
    check_real(lr, "lr", "the learning rate", positive=True)
    seeds = [check_count(s + 1, "seeds", "non-negative integer seeds") - 1 for s in _as_list(seeds)]
    data = {s: digits(rng=s) for s in seeds}
    sizes = [64] + [width] * depth + [10]
    n_windows = -(-steps // record_every)
    out = {}
    for act in activations:
        out[act] = {}
        for init in inits:
            losses = np.full((len(seeds), n_windows), np.nan)
            acc = np.zeros(len(seeds))
            diverged = np.zeros(len(seeds), bool)
            for i, s in enumerate(seeds):
                d, wrng = data[s], np.random.default_rng([s, 1])
                if init == "lsuv":
                    batch = d.x_train[wrng.choice(d.x_train.shape[0], n_lsuv, replace=False)]
                    res = lsuv_network(sizes, act, batch, tol=tol, max_iter=max_iter, rng=wrng)
                    params = [(W, np.zeros(W.shape[1])) for W in res.weights]
                elif init == "orthogonal":
                    g = calculate_gain(act)
                    params = [(orthogonal((a, b), g, rng=wrng), np.zeros(b))
                              for a, b in zip(sizes[:-1], sizes[1:])]
                else:
                    std, dist = INITS["he" if init == "he" else "normalized"]
                    params = init_weights(sizes, std=std, distribution=dist, rng=wrng)
                run = train_sgd(params, d.x_train, d.y_train, steps=steps, lr=lr,
                                batch_size=batch_size, activation=act,
                                rng=np.random.default_rng([s, 2]), record_every=record_every)
                diverged[i] = run.diverged
                if run.diverged:
                    losses[i, :len(run.losses) - 1] = run.losses[:-1]
                else:
                    losses[i] = run.losses
                    pred = forward(run.params, d.x_test, act).outputs.argmax(axis=1)
                    acc[i] = float(np.mean(pred == d.y_test))
            steps_axis = np.minimum(np.arange(1, n_windows + 1) * record_every, steps)
            out[act][init] = TrainRuns(steps_axis, losses, acc, diverged)
    return out


def _as_list(value):
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        return [value]
    return list(value)
