"""Zhang, Dauphin and Ma (2019), "Fixup initialization: residual learning without
normalization", ICLR; with the other ways of initialising a residual branch.

A residual network without normalisation adds every block's branch to the
stream, :math:`x_{l+1} = x_l + \\alpha F(x_l)`, so how the branch is
initialised decides whether the stream's variance stays put or explodes
with depth.  This module compares, for fully connected branches
:math:`F(x) = \\operatorname{relu}(x W_1 + b_1) W_2 + b_2` (:data:`SCHEMES`):

* ``"he"`` -- both branch layers He-initialised, N(0, 2/n);
* ``"sqrt_depth"`` -- the last layer of each branch scaled by
  :math:`1/\\sqrt{L}` for ``L`` blocks, as GPT-2's paper scales the weights
  of its residual layers (Radford et al., 2019: "by a factor of
  :math:`1/\\sqrt{N}`", N being the number of residual layers).  GPT-2's
  branches start with a LayerNorm (``norm="layer"`` here; without it the
  branches are un-normalised), and its released code draws every weight
  with standard deviation 0.02, without the factor
  (:func:`winit.experiments.radford2018.residual_projection_std`);
* ``"fixup"`` -- the last layer of each branch zero and the first scaled by
  :math:`L^{-1/(2m-2)} = L^{-1/2}` for branches of :math:`m = 2` layers: the
  first two rules of Fixup (the "Fixup initialization" recipe in the paper),
  and the effect of torchvision's ``zero_init_residual=True``, which zeroes the
  last BatchNorm scale of each branch;
* ``"skipinit"`` -- He-initialised branches behind a learnable scalar
  :math:`\\alpha = 0` (De and Smith, 2020; ReZero, Bachlechner et al., 2021,
  is the same multiplier in transformers).

Reproduces, in miniature: the residual stream's variance through depth at
initialisation, with its closed form (:func:`residual_variance`), and the
claim of Fixup and SkipInit that deep residual networks train without
normalisation when the branches start small, while the standard
initialisation does not (:func:`residual_training`); and Fixup's design
goal, an SGD step that changes the output by :math:`\\Theta(\\eta)`
whatever the depth, measured against depth (:func:`one_step_change`).

How the miniature differs from the papers: fully connected branches of two
layers on 8x8 digits (scikit-learn's, :func:`winit.data.digits`) instead of
convolutional ResNets on CIFAR-10 and ImageNet; widths of 32-64 units; plain
SGD without momentum, weight decay, augmentation or learning-rate schedule,
for a few hundred steps; Fixup's scalar multipliers and biases are not added
(the blocks have the usual bias vectors and a learnable :math:`\\alpha`
initialised at 1), and its classification layer is not zeroed (every scheme
shares the same input and output layers).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._validation import check_choice, check_count, check_counts, check_flag, check_real, check_rng
from ..blocks import Linear, Residual, forward, loss_and_gradients, residual_mlp, train_sgd
from ..data import digits

__all__ = ["SCHEMES", "ResidualTraining", "closed_form_ratio", "one_step_change",
           "residual_training", "residual_variance", "scheme_init"]

#: The branch initialisations compared, in the order the book draws them.
SCHEMES = ("he", "sqrt_depth", "fixup", "skipinit")


def scheme_init(scheme, width, n_blocks):
    """``residual_mlp`` arguments for a scheme: ``dict(std_first, std_last, alpha)``.

    Parameters
    ----------
    scheme : {"he", "sqrt_depth", "fixup", "skipinit"}
    width : int
        Units of the branch layers (their fan-in).
    n_blocks : int
        Number of residual blocks ``L`` (the depth the scalings refer to).

    Returns
    -------
    dict
        ``std_first`` and ``std_last``, the standard deviations of each
        branch's first and last layers, and ``alpha``, the branch's factor
        (0 for SkipInit's zero-initialised scalar).

    Examples
    --------
    >>> from winit.experiments.zhang2019 import scheme_init
    >>> scheme_init("sqrt_depth", 32, 50)["std_last"] == (2 / 32 / 50) ** 0.5
    True
    """
    check_choice(scheme, "scheme", SCHEMES)
    width = check_count(width, "width", "the units of a branch layer")
    n_blocks = check_count(n_blocks, "n_blocks", "the number of residual blocks")
    he = math.sqrt(2.0 / width)
    return {
        "he": dict(std_first=he, std_last=he, alpha=1.0),
        "sqrt_depth": dict(std_first=he, std_last=he / math.sqrt(n_blocks), alpha=1.0),
        "fixup": dict(std_first=he / math.sqrt(n_blocks), std_last=0.0, alpha=1.0),
        "skipinit": dict(std_first=he, std_last=he, alpha=0.0),
    }[scheme]


def closed_form_ratio(scheme, blocks, n_blocks):
    """:math:`E|x_l|^2 / E|x_0|^2` after ``blocks`` blocks, at initialisation.

    With zero biases, given the stream :math:`x` (a row of ``n`` units), the
    first branch layer's pre-activations :math:`z = x W_1` are exactly
    Gaussian with variance :math:`2|x|^2/n` (He weights), so
    :math:`E[\\operatorname{relu}(z)^2] = |x|^2/n` per unit; the last layer,
    of variance :math:`c \\cdot 2/n`, gives :math:`E|F(x)|^2 = 2c\\,|x|^2`,
    and the cross term :math:`E[x \\cdot F(x)]` is zero because :math:`W_2`
    has mean zero.  Hence

    .. math:: E|x_{l+1}|^2 = (1 + 2c)\\, E|x_l|^2,

    exactly in expectation at any width: :math:`3^l` for ``"he"``
    (:math:`c = 1`), :math:`(1 + 2/L)^l` for ``"sqrt_depth"`` (:math:`c =
    1/L`, at most :math:`e^2 \\approx 7.39`), 1 for ``"fixup"`` and
    ``"skipinit"`` (the branch outputs zero).

    Parameters
    ----------
    scheme : {"he", "sqrt_depth", "fixup", "skipinit"}
    blocks : int or array_like of int
        Blocks passed, ``l >= 0``.
    n_blocks : int
        ``L``, the network's number of blocks.

    Returns
    -------
    float or numpy.ndarray
    """
    check_choice(scheme, "scheme", SCHEMES)
    n_blocks = check_count(n_blocks, "n_blocks", "the number of residual blocks")
    c = {"he": 1.0, "sqrt_depth": 1.0 / n_blocks, "fixup": 0.0, "skipinit": 0.0}[scheme]
    out = (1.0 + 2.0 * c) ** np.asarray(blocks, dtype=float)
    return float(out) if out.ndim == 0 else out


def residual_variance(*, n_blocks=50, width=64, n_samples=256, schemes=SCHEMES, n_nets=4, rng=0):
    """The residual stream's second moment through depth, at initialisation.

    For each scheme, ``n_nets`` networks :func:`winit.blocks.residual_mlp`
    (``n_blocks`` blocks of ``width`` units, float64) are run on
    ``n_samples`` training digits; after every block the mean of
    :math:`x_l^2` over examples and units is divided by the same at the
    input of the first block, and the ratios are averaged over the networks.
    (Each unit of the stream has mean zero over the draw of the weights, so
    this second moment is the variance the closed form predicts.)

    Parameters
    ----------
    n_blocks, width, n_samples, n_nets : int
    schemes : sequence of str
        Keys of :data:`SCHEMES`.
    rng : None, int or numpy.random.Generator, default 0
        Source of randomness (SPEC 7) for the digits' split, the sample and
        the weights.

    Returns
    -------
    dict
        ``{scheme: (measured, closed_form)}``, two arrays of shape
        ``(n_blocks + 1,)`` indexed by blocks passed (entry 0 is 1).

    Examples
    --------
    >>> from winit.experiments.zhang2019 import residual_variance
    >>> out = residual_variance(n_blocks=4, width=32, n_samples=64, n_nets=2, schemes=("he",))
    >>> [round(float(v)) for v in out["he"][1]]
    [1, 3, 9, 27, 81]
    """
    rng = check_rng(rng)
    n_blocks = check_count(n_blocks, "n_blocks", "the number of residual blocks")
    width = check_count(width, "width", "the width of the residual stream")
    n_samples = check_count(n_samples, "n_samples", "the number of digits run forward")
    n_nets = check_count(n_nets, "n_nets", "the number of networks averaged")
    schemes = [check_choice(s, "schemes", SCHEMES) for s in _as_list(schemes)]
    data = digits(rng=rng)
    check_count(n_samples, "n_samples", "the digits run forward, among the training digits",
                high=data.x_train.shape[0])
    x = data.x_train[rng.choice(data.x_train.shape[0], n_samples, replace=False)]
    out = {}
    for scheme in schemes:
        ratios = np.zeros(n_blocks + 1)
        for _ in range(n_nets):
            net = residual_mlp(64, width, n_blocks, 10, **scheme_init(scheme, width, n_blocks),
                               rng=rng)
            outs = forward(net, x).outputs
            q = np.array([np.mean(h * h) for h in outs[:-1]])  # after the input layer and each block
            ratios += q / q[0]
        out[scheme] = (ratios / n_nets, closed_form_ratio(scheme, np.arange(n_blocks + 1), n_blocks))
    return out


@dataclass
class ResidualTraining:
    """What :func:`residual_training` returns for one scheme.

    Attributes
    ----------
    scheme : str
    steps : numpy.ndarray of int, shape (n_windows,)
        Step count at the end of each recorded window.
    losses : numpy.ndarray, shape (n_seeds, n_windows)
        Window-mean training loss of every seed; ``nan`` after a divergence.
    diverged : numpy.ndarray of bool, shape (n_seeds,)
    test_accuracy : numpy.ndarray, shape (n_seeds,)
        Accuracy on the held-out digits after training (0 for a diverged run).
    """

    scheme: str
    steps: np.ndarray
    losses: np.ndarray
    diverged: np.ndarray
    test_accuracy: np.ndarray


def residual_training(*, schemes=SCHEMES, n_blocks=50, width=32, seeds=(0, 1, 2, 3), steps=300,
                      lr=0.02, batch_size=32, record_every=10, dtype=np.float32, norm=None):
    """Train residual networks without normalisation on the digits, per scheme and seed.

    Each run: :func:`winit.data.digits` (1,348 training images of 64
    standardised pixels, 449 held out, split by the seed),
    :func:`winit.blocks.residual_mlp` with ``n_blocks`` blocks of ``width``
    units and ReLU branches initialised by the scheme, plain SGD
    (:func:`winit.blocks.train_sgd`) for ``steps`` steps of ``batch_size``
    with learning rate ``lr``.  Seed ``s`` fixes the split, the weights and
    the minibatch order, the same for every scheme.  With ``norm="layer"``
    every branch starts with a LayerNorm, :math:`x + \\operatorname{relu}(
    \\operatorname{LN}(x) W_1 + b_1) W_2 + b_2` (the pre-LN block of GPT-2),
    the weights drawn as without it.

    Parameters
    ----------
    schemes : sequence of str
        Keys of :data:`SCHEMES`.
    n_blocks, width, steps, batch_size, record_every : int
    seeds : sequence of int
    lr : float
    dtype : {numpy.float32, numpy.float64}, default numpy.float32
    norm : {None, "layer", "batch"}, default None
        Normalisation at the start of every branch (:func:`winit.blocks.residual_mlp`).

    Returns
    -------
    dict
        ``{scheme: ResidualTraining}``.
    """
    schemes = [check_choice(s, "schemes", SCHEMES) for s in _as_list(schemes)]
    n_blocks = check_count(n_blocks, "n_blocks", "the number of residual blocks")
    width = check_count(width, "width", "the width of the residual stream")
    if norm is not None:
        check_choice(norm, "norm", ("layer", "batch"))
    steps = check_count(steps, "steps", "the number of SGD steps")
    record_every = check_count(record_every, "record_every", "steps per recorded loss")
    check_real(lr, "lr", "the learning rate", positive=True)
    seeds = [check_count(s + 1, "seeds", "non-negative integer seeds") - 1 for s in _as_list(seeds)]
    n_windows = -(-steps // record_every)
    out = {}
    data = {s: digits(rng=s) for s in seeds}
    for scheme in schemes:
        losses = np.full((len(seeds), n_windows), np.nan)
        diverged = np.zeros(len(seeds), bool)
        acc = np.zeros(len(seeds))
        for i, s in enumerate(seeds):
            d = data[s]
            net = residual_mlp(64, width, n_blocks, 10, **scheme_init(scheme, width, n_blocks),
                               norm=norm, rng=np.random.default_rng([s, 1]), dtype=dtype)
            res = train_sgd(net, d.x_train, d.y_train, steps=steps, lr=lr, batch_size=batch_size,
                            rng=np.random.default_rng([s, 2]), record_every=record_every)
            diverged[i] = res.diverged
            if res.diverged:
                losses[i, :len(res.losses) - 1] = res.losses[:-1]
            else:
                losses[i] = res.losses
                with np.errstate(over="ignore", invalid="ignore"):
                    pred = forward(res.layers, d.x_test).output.argmax(axis=1)
                acc[i] = float(np.mean(pred == d.y_test))
        steps_axis = np.minimum(np.arange(1, n_windows + 1) * record_every, steps)
        out[scheme] = ResidualTraining(scheme, steps_axis, losses, diverged, acc)
    return out


def one_step_change(scheme, depths=(4, 16, 64, 256), *, norm=None, width=32, lr=0.02,
                    batch_size=32, seeds=(0, 1, 2), biases=False):
    """The relative change of the logits after one SGD step, against depth.

    Fixup's design goal (Zhang et al., 2019) is that an SGD step of learning
    rate :math:`\\eta` change the network's output by :math:`\\Theta(\\eta)`,
    an amount of the order of :math:`\\eta` whatever the depth.  This
    measures it: for each depth ``L`` and seed ``s``, a network
    :func:`winit.blocks.residual_mlp` (``L`` blocks of ``width`` units,
    float64, branches initialised by ``scheme``, a LayerNorm at the start of
    each branch if ``norm="layer"``) takes one step of plain SGD on the mean
    cross-entropy of ``batch_size`` training digits; the result is

    .. math:: \\frac{\\lVert f(\\theta - \\eta \\nabla \\mathcal{L}) - f(\\theta)
              \\rVert}{\\lVert f(\\theta) \\rVert},

    :math:`f` the ``(batch_size, 10)`` logits of those digits and
    :math:`\\lVert\\cdot\\rVert` the Frobenius norm.  The step moves every
    weight matrix; the biases (and the LayerNorms' gains and shifts, and the
    blocks' multipliers) move too only if ``biases`` is true.  Fixup's
    argument is about the weights: every block's last bias receives the
    whole gradient of the stream, so ``L`` of them move the output by about
    ``L`` times as much as one.

    Parameters
    ----------
    scheme : {"he", "sqrt_depth", "fixup", "skipinit"}
        The branch initialisation (:func:`scheme_init`).
    depths : sequence of int, default (4, 16, 64, 256)
        Numbers of blocks.
    norm : {None, "layer", "batch"}, default None
    width : int, default 32
    lr : float, default 0.02
        The learning rate :math:`\\eta`.
    batch_size : int, default 32
    seeds : sequence of int, default (0, 1, 2)
        Seed ``s`` fixes the digits' split, the batch and the weights.
    biases : bool, default False
        Whether the step also moves the biases, norms' parameters and multipliers.

    Returns
    -------
    numpy.ndarray, shape (len(seeds), len(depths))
        The relative change; ``inf`` where the logits after the step overflow
        (or were not finite before it).

    Raises
    ------
    TypeError, ValueError
        If an argument is malformed; the message names it.

    References
    ----------
    H. Zhang, Y. N. Dauphin and T. Ma, "Fixup initialization: residual
    learning without normalization", ICLR 2019.

    Examples
    --------
    >>> from winit.experiments.zhang2019 import one_step_change
    >>> change = one_step_change("fixup", depths=(4, 64), seeds=(0,))
    >>> bool(0.01 < change[0, 0] < 0.2 and 0.01 < change[0, 1] < 0.2)
    True
    """
    check_choice(scheme, "scheme", SCHEMES)
    depths = check_counts(depths, "depths", "numbers of residual blocks")
    if norm is not None:
        check_choice(norm, "norm", ("layer", "batch"))
    width = check_count(width, "width", "the width of the residual stream")
    lr = check_real(lr, "lr", "the learning rate", positive=True)
    seeds = [check_count(s + 1, "seeds", "non-negative integer seeds") - 1 for s in _as_list(seeds)]
    biases = check_flag(biases, "biases", "whether the step moves the biases too")
    out = np.empty((len(seeds), len(depths)))
    for i, s in enumerate(seeds):
        d = digits(rng=s)
        batch_size = check_count(batch_size, "batch_size", "the digits of the step",
                                 low=2 if norm == "batch" else 1, high=d.x_train.shape[0])
        pick = np.random.default_rng([s, 2]).choice(d.x_train.shape[0], batch_size, replace=False)
        x, y = d.x_train[pick], d.y_train[pick]
        for j, n_blocks in enumerate(depths):
            net = residual_mlp(64, width, n_blocks, 10, **scheme_init(scheme, width, n_blocks),
                               norm=norm, rng=np.random.default_rng([s, 1]))
            with np.errstate(over="ignore", invalid="ignore"):
                _, record, grads = loss_and_gradients(net, x, y)
                before = record.output
                for layer, layer_grads in zip(net, grads.grads):
                    for name, p, g in zip(layer.parameter_names(), layer.parameters(),
                                          layer_grads):
                        if biases or _is_weight(layer, name):
                            p -= lr * g
                after = forward(net, x).output
                change = np.linalg.norm(after - before) / np.linalg.norm(before)
            out[i, j] = change if np.isfinite(change) else np.inf
    return out


def _is_weight(layer, name):
    """Whether parameter ``name`` of ``layer`` is a weight matrix (of a Linear layer)."""
    if isinstance(layer, Residual):
        return name.endswith(".W") and isinstance(layer.branch[int(name[7:name.index("]")])],
                                                  Linear)
    return isinstance(layer, Linear) and name == "W"


def _as_list(value):
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        return [value]
    return list(value)
