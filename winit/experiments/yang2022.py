"""Yang, Hu, Babuschkin, Sidor, Liu, Farhi, Ryder, Pachocki, Chen and Gao
(2022), "Tensor Programs V: Tuning large neural networks via zero-shot
hyperparameter transfer", arXiv:2203.03466.

The paper's claim is about width.  In the standard parametrization (SP:
every weight drawn with variance proportional to 1/fan_in, one learning rate
for every layer) the best learning rate of a network depends on its width;
in the maximal update parametrization (muP, its Table 3, implemented in
:mod:`winit.mup`) it does not, so a learning rate tuned on a narrow network
can be copied to a wide one.  The mechanism: after one SGD step in SP the
output of a network moves by an amount that grows with width (the paper
works it out in its section 5, Eq. (5), for a one-hidden-layer linear
network, where the step adds a term proportional to
:math:`U^\\top U = \\Theta(n)`), while in muP every
layer's activations move by an amount independent of width.  This module
reproduces, in miniature:

* :func:`coord_check` -- the *coordinate check* (the paper's Appendix D.1,
  which, like the README of Microsoft's ``mup`` package, likens it to
  gradient checking; its Figure 5 plots the same measure): the standard
  deviation of the coordinates of :math:`x_t - x_0` for each
  layer's pre-activations :math:`x` after :math:`t` training steps, against
  width, in SP and in muP, with SGD or with Adam (Table 3's two learning-rate
  rows);
* :func:`lr_sweep` -- the learning-rate sweep over widths of the paper's
  Figure 3 (an MLP trained with SGD on CIFAR-10; training loss against the
  learning rate for several widths): in SP the best learning rate moves with
  width, in muP it stays put.

The network of the coordinate check is an MLP with ReLU and two hidden
layers of width :math:`n`, :math:`f(\\xi) = W_3^\\top \\phi(W_2^\\top
\\phi(W_1^\\top \\xi + b_1) + b_2) + b_3`, softmax cross-entropy; the sweep
uses one hidden layer by default.  SP is He's initialisation,
N(0, 2/fan_in), with one learning rate; muP is Table 3 with a base width
:math:`n_0`, :math:`\\tilde n = n/n_0` (the paper's Eq. (4), and the
convention of the ``mup`` package): the same draws with the output layer
divided by :math:`\\sqrt{\\tilde n}`, and SGD learning rates :math:`\\eta\\tilde n` for
:math:`W_1, b_1, b_2`, :math:`\\eta` for :math:`W_2` and :math:`b_3`,
:math:`\\eta/\\tilde n` for :math:`W_3` (Adam: :math:`\\eta/\\tilde n` for
:math:`W_2` and :math:`W_3`, :math:`\\eta` for the rest;
:func:`winit.mup.mup_mlp`).  At :math:`n = n_0` the two are the same
network.

How the miniature differs from the paper:

* data: scikit-learn's 8x8 handwritten digits (:func:`winit.data.digits`,
  1,348 training images of 64 pixels, 10 classes), not CIFAR-10 (3,072
  inputs) or the paper's language data;
* size: widths 64 to 2,048, base width 64; the sweep's network has one
  hidden layer instead of two by default, which keeps all of muP's
  differences from SP under SGD (they are in the input and output layers and
  the biases; a hidden-to-hidden matrix is treated alike) and leaves out the
  matrix that costs most at width 2,048;
* optimiser and budget: plain SGD (or Adam, in the coordinate check) with
  minibatches of 16 images; the coordinate check runs 4 steps, the sweep 40
  steps (the paper's Figure 3: 20 epochs), so the sweep measures how fast
  training starts, not where it converges; eight learning rates a factor 2
  apart;
* He's initialisation (variance :math:`2/\\text{fan\\_in}`): Table 3 gives
  scalings, so any constant times :math:`1/\\text{fan\\_in}` fits it;
* no zero initialisation of the output layer (the paper's Appendix D.2
  suggests it);
* metric: the training loss is the mean minibatch cross-entropy over the
  last steps of the run, not the loss after 20 epochs;
* within a seed, all learning rates and both parametrizations start from
  the same standard-normal draws and see the same minibatches.

With SGD the networks of one seed and width are trained side by side as one
stack by :func:`winit.networks.train_sgd_stack`: each member with its
parametrization's learning rate per layer and for the biases, all on the
same minibatches (drawn ahead, so that the draws of the weights follow
them), the coordinate check recording every layer's pre-activations on its
probe batch after each step.  With Adam each network is trained on its own
(:func:`winit.networks.forward`, :func:`winit.networks.backward` and
``winit._engine.adam_update``) on the same draws and minibatches.

Functions return data and never draw; the chapter "Width and the learning
rate" draws.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._engine import adam_update, minibatch_orders
from .._threads import one_blas_thread as _one_blas_thread
from .._validation import (check_array, check_choice, check_count, check_counts, check_real,
                           check_rng)
from ..data import digits
from ..mup import OPTIMIZERS, mup_mlp
from ..networks import backward, forward, train_sgd_stack

__all__ = ["CoordCheck", "LRSweep", "coord_check", "loglog_slope", "lr_sweep"]


def _layer_names(depth):
    """Names of the pre-activations the coordinate check follows."""
    return tuple(f"hidden {l}" for l in range(1, depth + 1)) + ("output",)

_PARAMETRIZATIONS = ("sp", "mup")


def loglog_slope(widths, values):
    """Least-squares slope of ``log(values)`` against ``log(widths)``.

    Parameters
    ----------
    widths, values : array_like of positive float, shape (k,)
        At least two points; every value positive and finite.

    Returns
    -------
    float
        :math:`p` of the fit :math:`\\text{value} \\approx C\\,
        \\text{width}^p`: 1 when the value doubles with the width, 0 when it
        does not change.

    Raises
    ------
    ValueError
        If the arrays differ in shape, have fewer than two points, the
        widths are not all distinct, or any entry is not positive and finite.

    Examples
    --------
    >>> from winit.experiments.yang2022 import loglog_slope
    >>> round(loglog_slope([64, 128, 256], [1.0, 2.0, 4.0]), 12)
    1.0
    """
    w = check_array(widths, "widths", "the x of a log-log fit", dtype="float64", ndim=1,
                    min_size=2, low=0.0, closed="right")
    v = check_array(values, "values", "the y of a log-log fit, one per width", dtype="float64",
                    shape=w.shape, low=0.0, closed="right")
    if np.unique(w).size < 2:
        raise ValueError(f"widths must be an array of at least two distinct values (the x of a "
                         f"log-log fit); got {w!r}")
    lw, lv = np.log(w), np.log(v)
    lw0 = lw - lw.mean()
    return float(np.dot(lw0, lv - lv.mean()) / np.dot(lw0, lw0))


# --------------------------------------------------------------------------
# The ensemble: R networks of the same shape, trained side by side
# --------------------------------------------------------------------------


def _draws(sizes, rng):
    """Standard-normal matrices of every layer, drawn in order."""
    return [rng.standard_normal((sizes[l], sizes[l + 1])) for l in range(len(sizes) - 1)]


def _ensemble(draws, members, base_width, gain):
    """Networks and per-layer learning rates of R members, for train_sgd_stack.

    ``members`` is a list of ``(parametrization, eta)``; every member uses
    the same standard-normal ``draws``, scaled by its ``init_std``, and zero
    biases.  Returns the networks (one list of ``(W, b)`` pairs per member)
    and the weights' and the biases' learning rates, each of shape
    ``(R, L)``: ``eta`` times the layer's ``lr_mult`` and ``bias_lr_mult``
    (:func:`winit.mup.mup_mlp`).
    """
    sizes = [draws[0].shape[0]] + [d.shape[1] for d in draws]
    scal = {p: mup_mlp(sizes, base_width=base_width, gain=gain, parametrization=p)
            for p in {p for p, _ in members}}
    nets = [[(d * scal[p][l].init_std, np.zeros(d.shape[1])) for l, d in enumerate(draws)]
            for p, _ in members]
    lr_w = np.array([[eta * row.lr_mult for row in scal[p]] for p, eta in members])
    lr_b = np.array([[eta * row.bias_lr_mult for row in scal[p]] for p, eta in members])
    return nets, lr_w, lr_b


def _train(draws, members, base_width, gain, x, y, orders, probe=None):
    """Train the members of :func:`_ensemble` side by side on the minibatches ``orders``
    with :func:`winit.networks.train_sgd_stack` (ReLU, one loss per step)."""
    nets, lr_w, lr_b = _ensemble(draws, members, base_width, gain)
    return train_sgd_stack(nets, x, y, steps=len(orders), lr=lr_w, bias_lr=lr_b,
                           batch_size=orders.shape[1], activation="relu", orders=orders,
                           probe=probe)


def _adam_changes(draws, parametrization, base_width, gain, lr, x, y, orders, probe):
    """Train one network with Adam on the minibatches ``orders``; every layer's change.

    The network starts from the standard-normal ``draws`` scaled by
    :func:`winit.mup.mup_mlp` (``optimizer="adam"``) with zero biases; each
    weight matrix and bias has its own learning rate ``lr * lr_mult`` (or
    ``lr * bias_lr_mult``) and its own Adam moments (``winit._engine.adam_update``,
    PyTorch's defaults beta = (0.9, 0.999), eps = 1e-8).
    Returns an array of shape ``(steps, layers)``: after each step, the
    standard deviation of the coordinates of :math:`z_t - z_0` for every
    layer's pre-activations on ``probe``.
    """
    sizes = [draws[0].shape[0]] + [d.shape[1] for d in draws]
    scal = mup_mlp(sizes, base_width=base_width, gain=gain, optimizer="adam",
                   parametrization=parametrization)
    params = [(d * s.init_std, np.zeros(d.shape[1])) for d, s in zip(draws, scal)]
    rates = [(lr * s.lr_mult, lr * s.bias_lr_mult) for s in scal]
    moments = [tuple(np.zeros_like(a) for a in (W, W, b, b)) for W, b in params]
    z0 = forward(params, probe, "relu", output=None).pre_activations
    out = np.full((len(orders), len(params)), np.nan)
    for t, idx in enumerate(orders):
        grads = backward(params, forward(params, x[idx], "relu"), y[idx])
        if not grads.finite:
            break
        for l, ((W, b), (r_w, r_b), (mw, vw, mb, vb)) in enumerate(zip(params, rates, moments)):
            adam_update(W, grads.grad_weights[l], mw, vw, t + 1, r_w)
            adam_update(b, grads.grad_biases[l], mb, vb, t + 1, r_b)
        zt = forward(params, probe, "relu", output=None).pre_activations
        out[t] = [(a - a0).std() for a, a0 in zip(zt, z0)]
    return out


# --------------------------------------------------------------------------
# The coordinate check
# --------------------------------------------------------------------------


@dataclass
class CoordCheck:
    """What :func:`coord_check` returns.

    Attributes
    ----------
    widths : numpy.ndarray of int, shape (k,)
    layers : tuple of str
        ``("hidden 1", ..., "output")``: the pre-activations followed.
    sp, mup : numpy.ndarray, shape (seeds, steps, k, depth + 1)
        ``[s, t - 1, i, l]`` is the standard deviation of the coordinates of
        :math:`x_t - x_0` for layer ``l``'s pre-activations on the probe
        batch, after ``t`` SGD steps, seed ``s``, width ``widths[i]``.
    settings : dict
        Every setting of the run (base width, learning rate, batch, steps,
        probe size, seeds, gain).
    """

    widths: np.ndarray
    layers: tuple
    sp: np.ndarray
    mup: np.ndarray
    settings: dict

    def slopes(self, parametrization, layer=-1, step=-1):
        """Log-log slope of the change against width, one per seed.

        Parameters
        ----------
        parametrization : {"sp", "mup"}
        layer : int, default -1 (the output)
        step : int, default -1 (the last step)

        Returns
        -------
        numpy.ndarray of float, shape (seeds,)
        """
        data = {"sp": self.sp, "mup": self.mup}[parametrization]
        return np.array([loglog_slope(self.widths, data[s, step, :, layer])
                         for s in range(data.shape[0])])


def _check_widths(widths, base_width):
    widths = check_counts(widths, "widths", "the hidden widths to fit against", min_len=2,
                          distinct=True, each="a hidden width")
    base_width = check_count(base_width, "base_width",
                             "the width at which muP equals the standard parametrization")
    return sorted(widths), base_width


def coord_check(widths=(64, 128, 256, 512, 1024, 2048), *, depth=2, base_width=64, lr=None,
                steps=4, batch_size=16, probe_size=16, seeds=3, gain=math.sqrt(2.0),
                optimizer="sgd", rng=0):
    """The paper's coordinate check: how far each layer moves, against width.

    For every seed and width, one network in SP and one in muP (same draws)
    are trained with SGD or Adam at master learning rate ``lr`` on the same
    minibatches of the digits; after each step the pre-activations of both
    hidden layers and the output on a fixed probe batch of training images
    are compared with their values at initialisation, and the standard
    deviation of the difference's coordinates is recorded.

    With ``optimizer="adam"`` the learning rates are Table 3's Adam row
    (:func:`winit.mup.mup_mlp`): in SP one rate for every parameter; in muP
    the hidden and output weights at :math:`\\eta/\\tilde n`, the input
    weights and every bias at :math:`\\eta`.  Adam is PyTorch's
    ``torch.optim.Adam`` with its defaults (betas 0.9 and 0.999, eps 1e-8,
    no weight decay; ``winit._engine.adam_update``), each network trained
    on its own.  A network whose gradient overflows stops, and its later
    changes are ``nan``.

    Parameters
    ----------
    widths : sequence of int, default (64, 128, ..., 2048)
        Hidden widths, at least two distinct.
    depth : int, default 2
        Hidden layers; with two, as the paper's MLP: input, hidden and output
        weights, all three columns of Table 3.
    base_width : int, default 64
        Width at which muP equals SP.
    lr : float, optional
        Master learning rate :math:`\\eta`; by default 0.1 with SGD and
        0.001 with Adam (PyTorch's default).
    steps : int, default 4
        SGD steps.
    batch_size : int, default 16
        Images per minibatch.
    probe_size : int, default 16
        Training images on which the changes are measured.
    seeds : int, default 3
        Independent repetitions (draws, minibatches and probe).
    gain : float, default sqrt(2)
        He's gain: weights N(0, g^2/fan_in) in SP.
    optimizer : {"sgd", "adam"}, default "sgd"
        Plain SGD, or Adam with Table 3's Adam learning rates.
    rng : None, int or numpy.random.Generator, default 0
        Source of randomness (SPEC 7); the digits' split, every draw,
        minibatch and probe come from it, in the same order for both
        optimisers.

    Returns
    -------
    CoordCheck
        For SP and muP, the standard deviation of every layer's change after
        every step, per seed and width.

    Raises
    ------
    TypeError, ValueError
        If an argument is malformed (the message names it), or
        ``batch_size`` or ``probe_size`` exceeds the training images.
    """
    widths, base_width = _check_widths(widths, base_width)
    depth = check_count(depth, "depth", "the number of hidden layers")
    layers = _layer_names(depth)
    check_choice(optimizer, "optimizer", OPTIMIZERS)
    if lr is None:
        lr = 0.1 if optimizer == "sgd" else 0.001
    lr = check_real(lr, "lr", "the master learning rate", positive=True)
    steps = check_count(steps, "steps", "the number of training steps")
    batch_size = check_count(batch_size, "batch_size", "the images per minibatch")
    probe_size = check_count(probe_size, "probe_size", "the images the changes are measured on")
    seeds = check_count(seeds, "seeds", "the number of repetitions")
    gain = check_real(gain, "gain", "He's gain g of N(0, g^2 / fan_in)", positive=True)
    rng = check_rng(rng)
    data = digits(rng=rng)
    x, y = data.x_train, data.y_train
    if batch_size > x.shape[0] or probe_size > x.shape[0]:
        raise ValueError(f"batch_size and probe_size must be at most the {x.shape[0]} training "
                         f"images; got {batch_size} and {probe_size}")
    out = np.empty((2, seeds, steps, len(widths), len(layers)))
    members = [("sp", lr), ("mup", lr)]
    with _one_blas_thread(), np.errstate(all="ignore"):
        for s in range(seeds):
            probe = x[rng.choice(x.shape[0], probe_size, replace=False)]
            orders = minibatch_orders(x.shape[0], batch_size, steps, rng)
            for i, n in enumerate(widths):
                draws = _draws([x.shape[1]] + [n] * depth + [10], rng)
                if optimizer == "adam":
                    for k, p in enumerate(_PARAMETRIZATIONS):
                        out[k, s, :, i] = _adam_changes(draws, p, base_width, gain, lr, x, y,
                                                        orders, probe)
                    continue
                res = _train(draws, members, base_width, gain, x, y, orders, probe)
                for l, z in enumerate(res.probe_pre_activations):
                    # z: (2, steps + 1, probe, width), the members' z_l after t steps
                    d = (z[:, 1:] - z[:, :1]).reshape(2, steps, -1)
                    out[:, s, :, i, l] = d.std(axis=2)
    settings = dict(base_width=base_width, lr=lr, steps=steps, batch_size=batch_size,
                    probe_size=probe_size, seeds=seeds, gain=gain, depth=depth,
                    optimizer=optimizer)
    return CoordCheck(np.array(widths), layers, out[0], out[1], settings)


# --------------------------------------------------------------------------
# The learning-rate sweep
# --------------------------------------------------------------------------


@dataclass
class LRSweep:
    """What :func:`lr_sweep` returns.

    Attributes
    ----------
    widths : numpy.ndarray of int, shape (k,)
    lrs : numpy.ndarray of float, shape (m,)
        Master learning rates :math:`\\eta`, increasing.
    sp, mup : numpy.ndarray, shape (seeds, k, m)
        Training loss (mean minibatch cross-entropy over the last ``window``
        steps) of every seed, width and learning rate; ``inf`` where training
        diverged.
    settings : dict
        Every setting of the run.
    """

    widths: np.ndarray
    lrs: np.ndarray
    sp: np.ndarray
    mup: np.ndarray
    settings: dict

    def _data(self, parametrization):
        return {"sp": self.sp, "mup": self.mup}[parametrization]

    def median(self, parametrization):
        """Median loss over seeds, shape (k, m)."""
        return np.median(self._data(parametrization), axis=0)

    def best_index(self, parametrization):
        """Index into ``lrs`` of the lowest median loss at each width, shape (k,)."""
        return np.argmin(self.median(parametrization), axis=1)

    def best_lr(self, parametrization):
        """The learning rate of lowest median loss at each width, shape (k,)."""
        return self.lrs[self.best_index(parametrization)]

    def best_lr_shift(self, parametrization):
        """:math:`\\log_2` of the best learning rate at the widest width over
        that at the narrowest (median over seeds)."""
        best = self.best_lr(parametrization)
        return float(np.log2(best[-1] / best[0]))

    def seed_shifts(self, parametrization):
        """The same shift, seed by seed, shape (seeds,)."""
        d = self._data(parametrization)
        i = np.argmin(d, axis=2)
        return np.log2(self.lrs[i[:, -1]] / self.lrs[i[:, 0]])

    def margins(self, parametrization):
        """How clear each width's best learning rate is, shape (k,).

        The relative gap between the lowest and the second-lowest median
        loss, ``(second - best) / best``: a small margin means a near-tie,
        whose winner could change with rounding.
        """
        med = np.sort(self.median(parametrization), axis=1)
        return (med[:, 1] - med[:, 0]) / med[:, 0]


def lr_sweep(widths=(64, 128, 256, 512, 1024, 2048), lrs=tuple(2.0 ** k for k in range(-7, 1)),
             *, depth=1, base_width=64, steps=40, batch_size=16, window=10, seeds=3,
             gain=math.sqrt(2.0), rng=0):
    """Training loss against the learning rate, for several widths, SP and muP.

    For every seed and width, ``2 * len(lrs)`` networks (SP and muP at every
    master learning rate, all from the same draws) are trained side by side
    with SGD for ``steps`` minibatches of the digits; the loss of a run is
    its mean minibatch cross-entropy over the last ``window`` steps.

    Parameters
    ----------
    widths : sequence of int, default (64, 128, ..., 2048)
        Hidden widths, at least two distinct.
    lrs : sequence of float, default 2**-7, ..., 2**0
        Master learning rates, positive.
    depth : int, default 1
        Hidden layers.  One by default: SP and muP treat a hidden-to-hidden
        matrix alike (Table 3), and it is the costly one at width 2,048.
    base_width : int, default 64
        Width at which muP equals SP.
    steps : int, default 40
        SGD steps.
    batch_size : int, default 16
        Images per minibatch.
    window : int, default 10
        Steps at the end over which the loss is averaged, at most ``steps``.
    seeds : int, default 3
        Independent repetitions (draws and minibatches).
    gain, rng
        As in :func:`coord_check` (without the probe).

    Returns
    -------
    LRSweep
        For SP and muP, the training loss of every seed, width and learning
        rate (``inf`` where training diverged).

    Raises
    ------
    TypeError, ValueError
        If an argument is malformed (the message names it), ``window``
        exceeds ``steps`` or ``batch_size`` the training images.
    """
    widths, base_width = _check_widths(widths, base_width)
    depth = check_count(depth, "depth", "the number of hidden layers")
    if isinstance(lrs, (str, bytes)) or not hasattr(lrs, "__len__") or len(lrs) < 2:
        raise TypeError(f"lrs must be a sequence of at least two positive numbers (the master "
                        f"learning rates); got {lrs!r}")
    lrs = sorted(check_real(v, f"lrs[{i}]", "a master learning rate", positive=True)
                 for i, v in enumerate(lrs))
    steps = check_count(steps, "steps", "the number of SGD steps")
    batch_size = check_count(batch_size, "batch_size", "the images per minibatch")
    window = check_count(window, "window", "the last steps the loss is averaged over")
    if window > steps:
        raise ValueError(f"window must be at most steps ({steps}); got {window}")
    seeds = check_count(seeds, "seeds", "the number of repetitions")
    gain = check_real(gain, "gain", "He's gain g of N(0, g^2 / fan_in)", positive=True)
    rng = check_rng(rng)
    data = digits(rng=rng)
    x, y = data.x_train, data.y_train
    if batch_size > x.shape[0]:
        raise ValueError(f"batch_size must be at most the {x.shape[0]} training images; "
                         f"got {batch_size}")
    members = [(p, eta) for p in _PARAMETRIZATIONS for eta in lrs]
    m = len(lrs)
    out = np.empty((2, seeds, len(widths), m))
    with _one_blas_thread(), np.errstate(all="ignore"):
        for s in range(seeds):
            orders = minibatch_orders(x.shape[0], batch_size, steps, rng)
            for i, n in enumerate(widths):
                draws = _draws([x.shape[1]] + [n] * depth + [10], rng)
                res = _train(draws, members, base_width, gain, x, y, orders)
                total = np.zeros(len(members))
                for t in range(steps - window, steps):
                    total += res.losses[:, t]
                loss = total / window
                loss = np.where(np.isfinite(loss) & ~res.diverged, loss, np.inf)
                out[0, s, i], out[1, s, i] = loss[:m], loss[m:]
    settings = dict(base_width=base_width, steps=steps, batch_size=batch_size, window=window,
                    seeds=seeds, gain=gain, depth=depth)
    return LRSweep(np.array(widths), np.array(lrs), out[0], out[1], settings)
