"""The training explorer: a small network trained live in the page, from the start the reader picks.

:class:`TrainingExplorer` trains a multilayer perceptron (1-10 hidden layers of up to 64
``tanh`` or ReLU units) by plain minibatch SGD on the softmax cross-entropy, in the reader's
browser, on one of two data sets: two interleaved spirals in the plane
(:func:`winit.data.two_spirals`) or scikit-learn's handwritten digits (carried in the widget
as text, :func:`winit.data.pack_digits`). The reader picks the weights' start:

* four scales of one rule, ``N(0, (s g)^2 / fan_in)`` with the gain ``g`` = 1 for ``tanh``
  (LeCun's rule) and sqrt(2) for ReLU (He's): ``zeros`` (s = 0), ``too_small`` (s = 0.1),
  ``right`` (s = 1) and ``too_large`` (s = 10), see :data:`SCALES`;
* or a named scheme: the tutorial's three (``xavier``, ``normalized_xavier``, ``he``),
  ``lecun``, Keras's ``glorot_normal`` and ``he_normal``, and ``orthogonal``.

Biases start at zero. The page draws the loss, the held-out accuracy, the decision boundary
(spirals) and each layer's spread of activations and gradients as it trains.

The Python side holds the settings, the data, and a reference: :func:`reference_runs` trains
the same network with winit's own engine (:func:`winit.networks.train_sgd_stack`), which the
chapter and the widget's first picture show, and the tests compare the page with.
"""

from __future__ import annotations

import functools
import math
from typing import NamedTuple

import numpy as np
import traitlets

from ..._validation import check_choice, check_count, check_real
from ._assets import ACTIVATION_LABELS, SCHEME_RULES, BrowserExplorer, check_seed, setting

__all__ = ["ACTIVATIONS", "BATCH", "DATASETS", "INITS", "INIT_LABELS", "SCALES", "SPIRALS", "STEPS",
           "Runs", "TrainingExplorer", "init_params", "page_data", "reference_runs", "toy_set"]

#: The data sets: two spirals in the plane, or the 8x8 handwritten digits.
DATASETS = ("spirals", "digits")
#: The hidden layers' activation functions.
ACTIVATIONS = ("tanh", "relu")
#: The gain of the "right" scale for each activation: LeCun's N(0, 1/n) for tanh, He's
#: N(0, 2/n) for ReLU.
GAINS = {"tanh": 1.0, "relu": math.sqrt(2.0)}
#: The four starts of one rule: every weight ~ N(0, (s * gain)^2 / fan_in), with this s.
SCALES = {"zeros": 0.0, "too_small": 0.1, "right": 1.0, "too_large": 10.0}
#: Named schemes (keys of winit.schemes.SCALINGS, and "orthogonal").
SCHEME_INITS = ("xavier", "normalized_xavier", "he", "lecun", "glorot_normal", "he_normal",
                "orthogonal")
#: Every start the reader may pick.
INITS = tuple(SCALES) + SCHEME_INITS
#: How the page names them.
INIT_LABELS = {
    "zeros": "zeros (every weight 0)",
    "too_small": "too small (0.1 × right)",
    "right": f"right ({SCHEME_RULES['lecun']} tanh, {SCHEME_RULES['he']} ReLU)",
    "too_large": "too large (10 × right)",
    "xavier": f"tutorial's xavier {SCHEME_RULES['xavier']}",
    "normalized_xavier": f"tutorial's normalized xavier {SCHEME_RULES['normalized_xavier']}",
    "he": f"tutorial's he {SCHEME_RULES['he']}",
    "lecun": f"LeCun {SCHEME_RULES['lecun']}",
    "glorot_normal": "Glorot normal (Keras, truncated)",
    "he_normal": "He normal (Keras, truncated)",
    "orthogonal": "orthogonal",
}
#: Examples per SGD step.
BATCH = 32
#: SGD steps of a run: the chapter's reference runs, the explorer's first picture, and where the
#: page's Play stops (Step goes on).
STEPS = 2000
#: The explorer's limits: hidden layers, units per layer, learning rate.
MAX_DEPTH, MAX_WIDTH = 10, 64
LR_RANGE = (0.001, 1.0)
#: The spirals the page trains on: 600 points (winit.data.two_spirals with these settings,
#: coordinates rounded to 3 decimals so that the page gets the very same numbers), the first
#: ``train`` to train on, the rest held out.
SPIRALS = {"n": 600, "train": 400, "turns": 1.5, "noise": 0.1, "seed": 0}
#: Of the 1,797 digits, those whose index (scikit-learn's order) is a multiple of this are
#: held out (450), the others (1,347) are trained on.
DIGITS_HOLD_OUT_EVERY = 4


def _check_seed(seed):
    return check_seed(seed, "the seed of the weights and the batch order")


#: Each setting's check: its value, or TypeError/ValueError naming it.
_CHECKS = {
    "dataset": lambda v: check_choice(v, "dataset", DATASETS),
    "depth": lambda v: check_count(v, "depth", "the number of hidden layers", high=MAX_DEPTH),
    "width": lambda v: check_count(v, "width", "the units per hidden layer", high=MAX_WIDTH),
    "activation": lambda v: check_choice(v, "activation", ACTIVATIONS),
    "init": lambda v: check_choice(v, "init", INITS),
    "lr": lambda v: check_real(v, "lr", "the learning rate", low=LR_RANGE[0], high=LR_RANGE[1]),
    "seed": _check_seed,
}


@functools.cache
def _toy_set(dataset):
    from ...data import _load_digits, two_spirals

    if dataset == "spirals":
        x, y = two_spirals(SPIRALS["n"], turns=SPIRALS["turns"], noise=SPIRALS["noise"],
                           rng=SPIRALS["seed"])
        x = np.round(x, 3)
        cut = SPIRALS["train"]
        return x[:cut], y[:cut], x[cut:], y[cut:]
    levels, y = _load_digits()
    held = np.arange(len(y)) % DIGITS_HOLD_OUT_EVERY == 0
    x = levels.astype(np.float64)
    mean = x[~held].mean(axis=0)
    std = x[~held].std(axis=0)
    x = (x - mean) / np.where(std > 0, std, 1.0)
    return x[~held], y[~held], x[held], y[held]


def toy_set(dataset="spirals"):
    """The data the explorer trains on, as the page prepares it.

    Parameters
    ----------
    dataset : {"spirals", "digits"}
        ``"spirals"``: :func:`winit.data.two_spirals` with :data:`SPIRALS`'s settings,
        coordinates rounded to 3 decimals; 400 points to train on, 200 held out.
        ``"digits"``: scikit-learn's 1,797 digits, every 4th held out (450), the pixels'
        grey levels standardised with the training images' mean and standard deviation
        (a pixel constant there is only centred), as :func:`winit.data.digits` does.

    Returns
    -------
    x_train, y_train, x_test, y_test : numpy.ndarray
        Inputs (float64, shape (N, 2) or (N, 64)) and labels (int64).

    Raises
    ------
    TypeError, ValueError
        If ``dataset`` is not one of :data:`DATASETS`.

    Examples
    --------
    >>> from winit.book.browser.training import toy_set
    >>> [a.shape for a in toy_set("spirals")]
    [(400, 2), (400,), (200, 2), (200,)]
    """
    _CHECKS["dataset"](dataset)
    return tuple(a.copy() for a in _toy_set(dataset))


def _sizes(dataset, depth, width):
    return [2 if dataset == "spirals" else 64] + [width] * depth + [2 if dataset == "spirals"
                                                                    else 10]


def init_params(init, sizes, activation, rng=None):
    """The network's first weights for one of :data:`INITS`, drawn with numpy.

    The page draws from the same distributions with its own generator (so not the same
    numbers): ``zeros``, ``too_small``, ``right``, ``too_large`` are N(0, (s g)^2 / fan_in)
    with s from :data:`SCALES` and g from :data:`GAINS`; a scheme is drawn by
    :func:`winit.schemes.variance_scaling` with its :data:`winit.schemes.SCALINGS` entry, or
    :func:`winit.schemes.orthogonal`. Biases are zero.

    Parameters
    ----------
    init : str
        One of :data:`INITS`.
    sizes : sequence of int
        Layer widths from input to output.
    activation : {"tanh", "relu"}
        The hidden layers' activation (it sets the gain of the four scales).
    rng : None, int or numpy.random.Generator, optional
        Source of randomness (SPEC 7).

    Returns
    -------
    list of (numpy.ndarray, numpy.ndarray)
        ``[(W_1, b_1), ...]`` as :func:`winit.networks.init_weights` returns.

    Raises
    ------
    TypeError, ValueError
        If ``init`` or ``activation`` is not one of its names, or ``sizes`` or ``rng`` is not
        what :func:`winit.networks.init_weights` takes.

    Examples
    --------
    >>> from winit.book.browser.training import init_params
    >>> [float(abs(w).max()) for w, b in init_params("zeros", [2, 3, 2], "tanh")]
    [0.0, 0.0]
    """
    from ...networks import init_weights
    from ...schemes import SCALINGS, orthogonal, variance_scaling

    _CHECKS["init"](init)
    _CHECKS["activation"](activation)
    if init in SCALES:
        s = SCALES[init] * GAINS[activation]
        return init_weights(sizes, std=lambda fan_in, fan_out: s / math.sqrt(fan_in), rng=rng)
    if init == "orthogonal":
        def sampler(fan_in, fan_out, rng):
            return orthogonal((fan_in, fan_out), rng=rng)
    else:
        scale, mode, distribution = SCALINGS[init]

        def sampler(fan_in, fan_out, rng):
            return variance_scaling((fan_in, fan_out), float(scale), mode, distribution, rng=rng)
    return init_weights(sizes, sampler=sampler, rng=rng)


def reference_runs(dataset="spirals", *, depth=4, width=32, activation="tanh", lr=0.1,
                   steps=STEPS, seeds=(0, 1, 2, 3, 4), inits=tuple(SCALES), record_every=100,
                   exact_products=True):
    """Train the explorer's network with winit's engine, from several starts and seeds.

    For each start in ``inits`` and each seed, a generator ``numpy.random.default_rng(seed)``
    draws the first weights (:func:`init_params`) and then shuffles the training set for plain
    minibatch SGD (batch :data:`BATCH`, reshuffled every epoch), as
    :func:`winit.networks.train_sgd` does; all runs are one
    :func:`winit.networks.train_sgd_stack`.

    Parameters
    ----------
    dataset : {"spirals", "digits"}
        The data (:func:`toy_set`).
    depth, width : int
        Hidden layers (1-10) and units per layer (1-64).
    activation : {"tanh", "relu"}
    lr : float
        Learning rate, in [0.001, 1].
    steps : int, default :data:`STEPS`
        SGD steps per run.
    seeds : sequence of int
        One run per seed.
    inits : sequence of str
        Starts, from :data:`INITS`.
    record_every : int
        Steps per recorded window of the loss, and between measurements of the held-out error.
    exact_products : bool, default True
        Multiply with :func:`winit._engine.exact_matmul`, so that the runs give the same bits
        on every machine: the ``too_large`` start is chaotic, and its last bits would grow
        into visible differences (see :func:`winit.networks.train_sgd_stack`).

    Returns
    -------
    dict
        ``{init: Runs}``, one :class:`Runs` per start.

    Raises
    ------
    TypeError, ValueError
        If a setting is not one of its names or out of its range (the message names it).

    Examples
    --------
    >>> from winit.book.browser.training import reference_runs
    >>> runs = reference_runs(steps=200, seeds=(0,), inits=("zeros", "right"), record_every=200)
    >>> import math
    >>> zeros, right = runs["zeros"].losses[0, -1], runs["right"].losses[0, -1]
    >>> bool(abs(zeros - math.log(2)) < 0.01), bool(right < 0.6)   # a coin toss; learning
    (True, True)
    """
    from ...networks import train_sgd_stack

    dataset, depth, width, activation, lr = (
        _CHECKS[name](value) for name, value in (("dataset", dataset), ("depth", depth),
                                                 ("width", width), ("activation", activation),
                                                 ("lr", lr)))
    seeds = [_check_seed(seed) for seed in seeds]
    inits = [_CHECKS["init"](init) for init in inits]
    x, y, x_test, y_test = _toy_set(dataset)
    sizes = _sizes(dataset, depth, width)
    rngs, nets = [], []
    for init in inits:
        for seed in seeds:
            rngs.append(np.random.default_rng(seed))
            nets.append(init_params(init, sizes, activation, rngs[-1]))
    with np.errstate(all="ignore"):
        stack = train_sgd_stack(nets, x, y, steps=steps, lr=lr, batch_size=BATCH,
                                activation=activation, rng=rngs, record_every=record_every,
                                monitor=[(x_test, y_test)], exact_products=exact_products)
    runs, k = {}, len(seeds)
    for i, init in enumerate(inits):
        part = slice(i * k, (i + 1) * k)
        runs[init] = Runs(stack.steps, stack.losses[part], stack.monitor_steps,
                          stack.monitor_errors[part, 0], stack.params[part], stack.diverged[part])
    return runs


class Runs(NamedTuple):
    """One start's runs in :func:`reference_runs` (one row per seed)."""

    steps: np.ndarray  # (W,) the step ending each window of the loss
    losses: np.ndarray  # (seeds, W) mean training loss of each window; nan after a divergence
    monitor_steps: np.ndarray  # (W + 1,) 0, then steps
    held_out_error: np.ndarray  # (seeds, W + 1) share of held-out examples misclassified
    params: list  # each seed's final parameters
    diverged: np.ndarray  # (seeds,) bool


@functools.cache
def page_data():
    """What the page needs besides the settings, as JSON values (the widget's ``data``).

    Returns
    -------
    dict
        ``spirals``: ``{"x": [x0, y0, x1, ...], "y": [...], "train": 400}`` (the 600 points
        of :func:`toy_set`, training ones first); ``digits``: :func:`winit.data.pack_digits`
        and ``holdOutEvery``; ``inits`` and ``activations``: ``[[name, label], ...]``;
        ``scales``, ``gains``, ``batch``, ``maxDepth``, ``maxWidth``, ``lrRange``, and
        ``steps`` (:data:`STEPS`: where Play stops).
    """
    from ...data import pack_digits

    x, y, x_test, y_test = _toy_set("spirals")
    return {
        "spirals": {"x": np.concatenate([x, x_test]).ravel().tolist(),
                    "y": np.concatenate([y, y_test]).tolist(), "train": len(y)},
        "digits": {**pack_digits(), "holdOutEvery": DIGITS_HOLD_OUT_EVERY},
        "inits": [[name, INIT_LABELS[name]] for name in INITS],
        "activations": [[name, ACTIVATION_LABELS[name]] for name in ACTIVATIONS],
        "scales": SCALES, "gains": GAINS, "batch": BATCH, "maxDepth": MAX_DEPTH,
        "maxWidth": MAX_WIDTH, "lrRange": list(LR_RANGE), "steps": STEPS,
    }


class TrainingExplorer(BrowserExplorer):
    """Train a small network live in the page, from the start the reader picks.

    Parameters
    ----------
    dataset : {"spirals", "digits"}, default "spirals"
    depth : int, default 4
        Hidden layers, 1-10.
    width : int, default 32
        Units per hidden layer, 1-64.
    activation : {"tanh", "relu"}, default "tanh"
    init : str, default "right"
        One of :data:`INITS`.
    lr : float, default 0.1
        SGD's learning rate, in [0.001, 1].
    seed : int, default 0
        Seed of the page's generator: the first weights and the batch order.

    Raises
    ------
    TypeError, ValueError
        If a setting is malformed (also when it is changed later).

    Examples
    --------
    >>> from winit.book.browser.training import TrainingExplorer
    >>> TrainingExplorer(depth=7, init="too_small")
    TrainingExplorer(activation='tanh', dataset='spirals', depth=7, init='too_small', lr=0.1, seed=0, width=32)
    """

    kind = "training"
    dataset = setting(traitlets.Unicode("spirals"), _CHECKS["dataset"])
    depth = setting(traitlets.Int(4), _CHECKS["depth"])
    width = setting(traitlets.Int(32), _CHECKS["width"])
    activation = setting(traitlets.Unicode("tanh"), _CHECKS["activation"])
    init = setting(traitlets.Unicode("right"), _CHECKS["init"])
    lr = setting(traitlets.Float(0.1), _CHECKS["lr"])
    seed = setting(traitlets.Int(0), _CHECKS["seed"])
    data = traitlets.Dict().tag(sync=True)

    @traitlets.default("data")
    def _data(self):
        return page_data()

    def first_state_png(self):
        """The PNG of what the explorer shows, drawn from winit's engine in Python (see
        :func:`first_state_figure`)."""
        return _first_state_png(self.dataset, self.depth, self.width, self.activation,
                                self.init, self.lr, self.seed)


@functools.lru_cache(maxsize=8)
def _first_state_png(dataset, depth, width, activation, init, lr, seed):
    from ..plots import figure_png

    return figure_png(first_state_figure(dataset, depth, width, activation, init, lr, seed))


def first_state_figure(dataset="spirals", depth=4, width=32, activation="tanh", init="right",
                       lr=0.1, seed=0, *, steps=STEPS):
    """The explorer's picture for front ends that cannot run it (a notebook before it runs,
    the PDF): the same network trained by winit's engine in Python, ``steps`` steps, from the
    four starts of :data:`SCALES` (and ``init``, if it is a scheme).

    The runs are :func:`reference_runs`'s with these settings and its defaults (exact
    products, a loss window of 100 steps): the very runs the chapter shows for ``seed``. A run
    does not depend on the others trained with it, so the picture's seed 0 is the chapter's.

    Left, the training loss of each start; right, for the spirals, the boundary each start
    ends with and its held-out error, or for the digits, the held-out accuracy of each start.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    inits = tuple(SCALES) + (() if init in SCALES else (init,))
    # reference_runs' own products and windows: the too-large start is chaotic, so other
    # products (numpy's BLAS) would end elsewhere than the chapter's runs
    runs = reference_runs(dataset, depth=depth, width=width, activation=activation, lr=lr,
                          steps=steps, seeds=(seed,), inits=inits)
    fig = plt.figure(figsize=(10, 4.7), layout="constrained")
    left, right = fig.subfigures(1, 2, width_ratios=[1, 1])
    ax = left.subplots()
    colors = {name: f"C{k}" for k, name in enumerate(inits)}
    classes = 2 if dataset == "spirals" else 10
    for name, run in runs.items():
        ax.plot(run.steps, run.losses[0], color=colors[name], label=name.replace("_", " "),
                lw=2.5 if name == init else 1.2)
    ax.axhline(math.log(classes), color="0.5", ls=":", lw=1, label=f"log {classes}: a guess")
    ax.set(xlabel="SGD step", ylabel="training loss", title="Training loss from each start",
           ylim=(0, max(1.5, math.log(classes) * 1.3)))
    ax.legend(fontsize="small")
    if dataset == "spirals":
        boxes = right.subplots(2, math.ceil(len(inits) / 2), sharex=True, sharey=True,
                               squeeze=False).ravel()
        for box, (name, run) in zip(boxes, runs.items()):
            _draw_boundary(box, run.params[0], activation)
            box.set_title(f"{name.replace('_', ' ')}\n{run.held_out_error[0, -1]:.0%} of "
                          "held-out wrong", fontsize="small")
            box.label_outer()
        for box in boxes[len(inits):]:
            box.set_axis_off()
        right.suptitle(f"The boundary after {steps} steps", fontsize="medium")
    else:
        acc = right.subplots()
        for name, run in runs.items():
            acc.plot(run.monitor_steps, 1 - run.held_out_error[0], color=colors[name],
                     label=name.replace("_", " "), lw=2.5 if name == init else 1.2)
        acc.set(xlabel="SGD step", ylabel="held-out accuracy", ylim=(0, 1),
                title="Held-out accuracy")
    fig.suptitle(f"A picture of the training explorer (run the cell to train live)\n{dataset}, "
                 f"{depth} × {width} {activation}, lr {lr:g}, batch {BATCH}, seed {seed}, "
                 "trained in Python by reference_runs, as the chapter's runs", fontsize="medium")
    return fig


def _draw_boundary(ax, params, activation):
    from ...networks import forward

    x, y, _, _ = _toy_set("spirals")
    grid = np.linspace(-2.6, 2.6, 101)
    gx, gy = np.meshgrid(grid, grid)
    points = np.stack([gx.ravel(), gy.ravel()], axis=1)
    with np.errstate(all="ignore"):
        if all(np.isfinite(w).all() and np.isfinite(b).all() for w, b in params):
            prob = forward(params, points, activation).outputs[:, 1].reshape(gx.shape)
        else:
            prob = np.full(gx.shape, 0.5)
    ax.contourf(gx, gy, prob, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.6)
    ax.scatter(x[:, 0], x[:, 1], c=y, cmap="RdBu_r", s=6, edgecolors="k", linewidths=0.2)
    ax.set(xlim=(-2.6, 2.6), ylim=(-2.6, 2.6), aspect="equal", xlabel="x₁", ylabel="x₂")
