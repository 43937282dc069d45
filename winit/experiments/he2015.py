"""He, Zhang, Ren and Sun (2015), "Delving deep into rectifiers: surpassing
human-level performance on ImageNet classification", ICCV.

Reproduces the halving of a ReLU signal's second moment per layer under
N(0, 1/n) weights (their eq. 7-10), and a miniature of the 22- against
30-layer training comparison of their Section 2.2 (Figures 2 and 3).
"""

from __future__ import annotations

import numpy as np

from .._validation import check_count, check_rng
from ..data import gaussian_mixture, shapes_dataset
from ..networks import init_weights, train_sgd
from ._common import INITS, layer_signals

__all__ = ["he_depth_training", "relu_signals"]


def relu_signals(*, n_samples=300, depth=5, width=1000, rng=0):
    """The Glorot-Bengio network with ReLU: :math:`\\sqrt{1/n}` against :math:`\\sqrt{2/n}`.

    He et al. (2015, eq. 7-10) show that for ReLU layers
    :math:`\\operatorname{Var}[z_l] = n_l \\operatorname{Var}[W_l]
    E[h_{l-1}^2]` and :math:`E[h_l^2] = \\tfrac12 \\operatorname{Var}[z_l]`,
    so with :math:`\\operatorname{Var}[W] = 1/n` ("xavier") the activations'
    second moment halves at every layer, and with :math:`2/n` ("he") it stays
    constant.  Same images and architecture as :func:`glorot_signals`.

    Parameters
    ----------
    n_samples, depth, width, rng
        As in :func:`glorot_signals`.

    Returns
    -------
    dict
        ``{"xavier": LayerSignals, "he": LayerSignals}``.

    Examples
    --------
    >>> from winit.experiments.he2015 import relu_signals
    >>> s = relu_signals(n_samples=20, width=200, rng=0)
    >>> m = s["xavier"].activation_second_moment
    >>> bool(0.35 < m[-1] / m[-2] < 0.65)
    True
    """
    rng = check_rng(rng)
    n_samples = check_count(n_samples, "n_samples", "the number of images")
    x, y = shapes_dataset(n_samples, rng=rng)
    return {init: layer_signals(x, y, activation="relu", init=init, depth=depth,
                                width=width, rng=rng)
            for init in ("xavier", "he")}


def he_depth_training(depths=(22, 30), *, width=64, steps=1800, lr=0.025, batch_size=64,
                      n_train=2000, dim=64, n_classes=10, input_scale=0.15, record_every=20,
                      dtype=np.float32, rng=0):
    """He et al. (2015), Figures 2 and 3: deep ReLU nets from two initialisations.

    For each depth (the number of weight layers, as He et al. count: ``depth
    - 1`` hidden ReLU layers of ``width`` units and a linear softmax layer),
    train from "xavier" (N(0, 1/n)) and from "he" (N(0, 2/n)), biases zero,
    with plain minibatch SGD on the same :func:`gaussian_mixture` data, with
    the same learning rate, the same minibatch order and the same weight
    seed, so that the He weights are exactly :math:`\\sqrt 2` times the
    "xavier" ones.

    What the paper finds (Section 2.3): at 22 layers both initialisations
    learn, He's sooner; at 30 layers "xavier" stalls while He's learns.  The
    mechanism is the halving of the signal's second moment at every ReLU
    layer (:func:`relu_signals`): the 30-layer "xavier" net's logits start
    :math:`2^{-15} \\approx 3 \\times 10^{-5}` times smaller than He's, and
    its loss sits at :math:`\\log K` (a uniform guess) until the weights and
    biases have grown enough to carry the signal.

    That plateau has a length, not an infinite one, and the length varies from
    seed to seed.  With the defaults, over ``rng=0..7`` (measured when these
    defaults were set):

    * "he" left :math:`\\log K` within 100-200 steps at both depths and ended
      below 0.2 in 8 of 8 runs;
    * 22-layer "xavier" left the plateau after 1,000-1,600 steps in 7 of 8
      (lowest loss 1.3-1.8; in one of them a late SGD spike threw it back to
      :math:`\\log K`), and had not left it by step 1,800 in the eighth;
    * 30-layer "xavier" never went more than 0.15 below :math:`\\log K` in
      8 of 8 (it was starting to leave at step 1,800 in one).

    More steps let the 30-layer "xavier" net escape too; a larger learning
    rate shortens every plateau but makes the 30-layer He net unstable
    under plain SGD; full-scale inputs (``input_scale=1``) shorten the
    30-layer plateau more than the 22-layer one, so that the two overlap
    across seeds.  ``input_scale=0.15`` is about the root mean square of
    :func:`shapes_dataset`'s grey levels (0.26).

    The runs are in float32 by default, twice as fast as float64 at these
    sizes; the defaults take about 7 s on two cores for the four runs.

    Parameters
    ----------
    depths : sequence of int, default (22, 30)
        Numbers of weight layers to train.
    width : int, default 64
        Units per hidden layer.
    steps : int, default 1800
        SGD steps per run.
    lr : float, default 0.025
        Learning rate, the same for every run.
    batch_size : int, default 64
        Examples per minibatch.
    n_train : int, default 2000
        Training examples.
    dim, n_classes : int, default 64 and 10
        Inputs and classes of the data.
    input_scale : float, default 0.15
        Standard deviation of every input feature (see above).
    record_every : int, default 20
        Steps per recorded (window-averaged) loss.
    dtype : {numpy.float32, numpy.float64}, default numpy.float32
        Floating type of the networks.
    rng : None, int or numpy.random.Generator, default 0
        Source of three seeds: one for the data, one for the weights and one
        for the minibatch order, each reused by every run.

    Returns
    -------
    dict
        ``{depth: {"xavier": TrainResult, "he": TrainResult}}``; see
        :class:`winit.networks.TrainResult` (``losses``, ``steps``,
        ``diverged``).

    References
    ----------
    .. [1] K. He, X. Zhang, S. Ren and J. Sun, "Delving deep into rectifiers",
       ICCV 2015, Section 2.3 and Figures 2-3.
    """
    rng = check_rng(rng)
    depths = [check_count(d, "depths", "the number of weight layers, at least 2")
              for d in (depths if hasattr(depths, "__iter__") else [depths])]
    if any(d < 2 for d in depths):
        raise ValueError(f"depths must be integers >= 2 (the number of weight layers); got {depths}")
    width = check_count(width, "width", "the units per hidden layer")
    # Three seeds drawn once: the data, the weights (the same for every run)
    # and the minibatch order (the same for every run).
    seeds = rng.integers(0, 2**63, size=3)
    x, y = gaussian_mixture(n_train, dim=dim, n_classes=n_classes, scale=input_scale,
                            rng=np.random.default_rng(seeds[0]))
    out = {}
    for depth in depths:
        sizes = [dim] + [width] * (depth - 1) + [n_classes]
        out[depth] = {}
        for init in ("xavier", "he"):
            std, distribution = INITS[init]
            # The same weight seed for both inits: the He weights are exactly
            # sqrt(2) times the "xavier" ones.
            params = init_weights(sizes, std=std, distribution=distribution, dtype=dtype,
                                  rng=np.random.default_rng(seeds[1]))
            out[depth][init] = train_sgd(
                params, x, y, steps=steps, lr=lr, batch_size=batch_size, activation="relu",
                rng=np.random.default_rng(seeds[2]), record_every=record_every)
    return out
