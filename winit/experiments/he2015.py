"""He, Zhang, Ren and Sun (2015), "Delving deep into rectifiers: surpassing
human-level performance on ImageNet classification", ICCV.

Reproduces the halving of a ReLU signal's second moment per layer under
N(0, 1/n) weights (their eq. 7-10), and a miniature of the 22- against
30-layer training comparison of their Section 2.2 ("Comparisons with
'Xavier' initialization", Figures 2 and 3).

How the miniature differs from the paper: fully connected networks of a
few dozen units on scikit-learn's 8x8 handwritten digits
(:func:`winit.data.digits`) instead of convolutional networks on ImageNet;
plain minibatch SGD with one constant learning rate, no momentum, weight
decay, dropout or data augmentation; a budget of a few thousand steps
instead of tens of epochs; several seeds instead of one run per curve.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import check_count, check_counts, check_real, check_rng
from ..data import digits, shapes_dataset
from ..networks import init_weights, train_sgd_stack
from ._common import INITS, layer_signals

__all__ = ["SeedRuns", "he_depth_training", "relu_signals"]


def relu_signals(*, n_samples=300, depth=5, width=1000, rng=0):
    """The Glorot-Bengio network with ReLU: :math:`\\sqrt{1/n}` against :math:`\\sqrt{2/n}`.

    He et al. (2015, eq. 7-10) show that for ReLU layers
    :math:`\\operatorname{Var}[z_l] = n_l \\operatorname{Var}[W_l]
    E[h_{l-1}^2]` and :math:`E[h_l^2] = \\tfrac12 \\operatorname{Var}[z_l]`,
    so with :math:`\\operatorname{Var}[W] = 1/n` (``"lecun"``, LeCun et al.'s
    rule, which He et al. call "Xavier") the activations' second moment
    halves at every layer, and with :math:`2/n` (``"he"``) it stays constant.  Same images and architecture as :func:`glorot_signals`.

    Parameters
    ----------
    n_samples, depth, width, rng
        As in :func:`glorot_signals`.

    Returns
    -------
    dict
        ``{"lecun": LayerSignals, "he": LayerSignals}``.

    Examples
    --------
    >>> from winit.experiments.he2015 import relu_signals
    >>> s = relu_signals(n_samples=20, width=200, rng=0)
    >>> m = s["lecun"].activation_second_moment
    >>> bool(0.35 < m[-1] / m[-2] < 0.65)
    True
    """
    rng = check_rng(rng)
    n_samples = check_count(n_samples, "n_samples", "the number of images")
    x, y = shapes_dataset(n_samples, rng=rng)
    return {init: layer_signals(x, y, activation="relu", init=init, depth=depth,
                                width=width, rng=rng)
            for init in ("lecun", "he")}


@dataclass
class SeedRuns:
    """One depth and one initialisation of :func:`he_depth_training`, every seed.

    Attributes
    ----------
    steps : numpy.ndarray of int, shape (T,)
        SGD steps after which the networks were measured; ``steps[0] == 0``
        is the initialisation.
    train_loss, test_loss : numpy.ndarray, shape (n_seeds, T)
        Mean cross-entropy over the whole training set and over the
        held-out set, one row per seed (``nan`` after a divergence).
    train_error, test_error : numpy.ndarray, shape (n_seeds, T)
        Share of misclassified images, in [0, 1], on the same sets.
    diverged : numpy.ndarray of bool, shape (n_seeds,)
        Whether a minibatch loss became ``inf`` or ``nan`` (training then
        stopped for that seed).
    """

    steps: np.ndarray
    train_loss: np.ndarray
    test_loss: np.ndarray
    train_error: np.ndarray
    test_error: np.ndarray
    diverged: np.ndarray


def he_depth_training(depths=(22, 30), *, n_seeds=5, width=32, steps=2000, lr=0.01,
                      batch_size=32, input_scale=1.0, test_fraction=0.25, record_every=100,
                      dtype=np.float32, rng=0):
    """He et al. (2015), Figures 2 and 3: deep ReLU nets from two initialisations, many seeds.

    For each depth (the number of weight layers, as He et al. count:
    ``depth - 1`` hidden ReLU layers of ``width`` units and a linear softmax
    layer) and each seed, train one network from ``"lecun"`` (N(0, 1/n),
    LeCun et al.'s rule, which He et al. call "Xavier") and one from
    ``"he"`` (N(0, 2/n)), biases zero, with plain minibatch SGD on the
    softmax cross-entropy, on scikit-learn's handwritten digits
    (:func:`winit.data.digits`: 8x8 images, 64 inputs, 10 classes, one
    seeded split into a training and a held-out set, every pixel
    standardised on the training set and multiplied by ``input_scale``).

    Within a seed the two networks share everything but the factor
    :math:`\\sqrt 2`: the same random numbers for the weights (so the He
    weights are exactly :math:`\\sqrt 2` times the "lecun" ones) and the
    same minibatch order.  Seeds differ in both.  All runs of one depth are
    trained together by :func:`winit.networks.train_sgd_stack`, which gives
    what :func:`winit.networks.train_sgd` would give run by run.

    Every ``record_every`` steps (and at step 0) each network's mean
    cross-entropy and error rate are measured on the whole training set
    and on the held-out set.

    What the paper reports (Section 2.2, "Comparisons with 'Xavier'
    initialization"): a 22-layer model converges from both
    initialisations, theirs starting to reduce the error earlier (Figure
    2); a 30-layer model converges from theirs while "Xavier" stalls
    completely (Figure 3).  The mechanism is the halving of the signal's
    second moment at every ReLU layer (:func:`relu_signals`).

    What the defaults (the book's settings) show, over seeds 0-4 of
    ``rng=0``: every He network learns within the 2,000 steps at both
    depths (training loss far below half of :math:`\\log 10`); no "lecun"
    network does, at either depth, though at 22 layers some have started
    to leave :math:`\\log 10` by the end.  With width 32, plain SGD at
    twice the learning rate throws the 30-layer He networks' loss back up
    often (once to a divergence in a longer run), so the rate is kept at
    0.01.  The whole experiment is 20 networks; in float32 on two cores it
    takes some 15-20 s.

    Parameters
    ----------
    depths : int or sequence of int, default (22, 30)
        Numbers of weight layers, each at least 2.
    n_seeds : int, default 5
        Seeds per depth and initialisation.
    width : int, default 32
        Units per hidden layer.
    steps : int, default 2000
        SGD steps per run.
    lr : float, default 0.01
        Learning rate, the same for every run.
    batch_size : int, default 32
        Examples per minibatch.
    input_scale : float, default 1.0
        Standard deviation of every (non-constant) input pixel.
    test_fraction : float, default 0.25
        Share of the 1,797 images held out.
    record_every : int, default 100
        Steps between measurements.
    dtype : {numpy.float32, numpy.float64}, default numpy.float32
        Floating type of the networks.
    rng : None, int or numpy.random.Generator, default 0
        Source of every seed: the data split, and per seed the weights and
        the minibatch order.

    Returns
    -------
    dict
        ``{depth: {"lecun": SeedRuns, "he": SeedRuns}}``.

    Raises
    ------
    TypeError, ValueError
        If an argument is malformed; the message names it.

    Examples
    --------
    >>> from winit.experiments.he2015 import he_depth_training
    >>> runs = he_depth_training(depths=4, n_seeds=2, width=16, steps=100, lr=0.05,
    ...                          record_every=50, rng=0)
    >>> runs[4]["he"].train_loss.shape, runs[4]["he"].steps.tolist()
    ((2, 3), [0, 50, 100])

    References
    ----------
    .. [1] K. He, X. Zhang, S. Ren and J. Sun, "Delving deep into rectifiers",
       ICCV 2015, Section 2.2 and Figures 2-3.
    """
    rng = check_rng(rng)
    depths = check_counts(depths if hasattr(depths, "__iter__") else [depths], "depths",
                          "the numbers of weight layers", each="a number of weight layers",
                          low=2)
    n_seeds = check_count(n_seeds, "n_seeds", "the number of seeds per depth and initialisation")
    width = check_count(width, "width", "the units per hidden layer")
    input_scale = check_real(input_scale, "input_scale",
                             "the standard deviation of the input pixels", positive=True)
    data_seed = int(rng.integers(0, 2**63))
    # Per seed: one stream for the weights, one for the minibatch order.
    seeds = rng.integers(0, 2**63, size=(n_seeds, 2))
    data = digits(test_fraction=test_fraction, scale=input_scale, rng=data_seed)
    n_in, n_classes = data.x_train.shape[1], 10
    inits = ("lecun", "he")
    out = {}
    for depth in depths:
        sizes = [n_in] + [width] * (depth - 1) + [n_classes]
        nets, orders = [], []
        for init in inits:
            std, distribution = INITS[init]
            for w_seed, o_seed in seeds:
                nets.append(init_weights(sizes, std=std, distribution=distribution,
                                         dtype=dtype, rng=int(w_seed)))
                orders.append(int(o_seed))
        res = train_sgd_stack(nets, data.x_train, data.y_train, steps=steps, lr=lr,
                              batch_size=batch_size, activation="relu", rng=orders,
                              record_every=record_every,
                              monitor=[(data.x_train, data.y_train),
                                       (data.x_test, data.y_test)])
        out[depth] = {}
        for i, init in enumerate(inits):
            rows = slice(i * n_seeds, (i + 1) * n_seeds)
            out[depth][init] = SeedRuns(
                steps=res.monitor_steps.copy(),
                train_loss=res.monitor_losses[rows, 0], test_loss=res.monitor_losses[rows, 1],
                train_error=res.monitor_errors[rows, 0], test_error=res.monitor_errors[rows, 1],
                diverged=res.diverged[rows].copy())
    return out
