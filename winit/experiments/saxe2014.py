"""Saxe, McClelland and Ganguli (2014), "Exact solutions to the nonlinear dynamics
of learning in deep linear neural networks", ICLR.

Reproduces, in miniature, the paper's comparison of learning times against
depth for deep linear networks trained by gradient descent from random
orthogonal and from scaled random Gaussian initial weights: from orthogonal
weights the learning time stays flat as depth grows (the "depth
independent learning times" of the paper's abstract), from Gaussian weights
of the same variance it grows (see the paper for its figures).

The task is the paper's own setting, linear regression with whitened inputs:
inputs :math:`x \\in \\mathbb{R}^{16}` whose sample covariance is exactly
the identity, targets :math:`y = x A` for a fixed "teacher"
:math:`A` (16 x 8) with singular values spread evenly over [0.5, 2], and
the squared error.  A network of depth :math:`D` computes
:math:`x W_1 W_2 \\cdots W_D` (``x @ W`` layout: ``D - 1`` square layers of
width 16, then 16 -> 8), with no biases and no nonlinearity.

How the miniature differs from the paper: a synthetic teacher rather than
MNIST; width 16 and depths 2 to 12 rather than networks of hundreds of
units and up to 100 layers; full-batch gradient descent with the learning
rate ``lr0 / depth`` (so that an orthogonal network's end-to-end map moves
at about the same speed at every depth) and learning time measured as the
number of steps until the loss falls below 1% of the loss of the zero map:
this book's protocol, not the paper's (see the paper).  The output
dimension (8) is smaller than the width: in a square network an orthogonal
end-to-end map whose determinant has the sign opposite to the teacher's must
pass through a singular map, and learning times spread much more from seed
to seed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import (check_array, check_choice, check_count, check_counts, check_real,
                           check_rng, check_sequence)
from ..schemes import orthogonal, variance_scaling

__all__ = [
    "INITS",
    "LearningTimes",
    "RegressionTask",
    "TrainRecord",
    "deep_linear_init",
    "deep_linear_loss_and_grads",
    "learning_times",
    "regression_task",
    "train_deep_linear",
]

#: Random orthogonal weights (:func:`winit.orthogonal`, gain 1) and scaled
#: Gaussian ones (i.i.d. N(0, 1/fan_in): the same variance per weight).
INITS = ("orthogonal", "gaussian")


@dataclass(frozen=True)
class RegressionTask:
    """A linear regression task with whitened inputs.

    Attributes
    ----------
    x : numpy.ndarray
        Inputs, ``(n_samples, n_in)``, with ``x.T @ x / n_samples`` the identity.
    y : numpy.ndarray
        Targets ``x @ teacher``, ``(n_samples, n_out)``.
    teacher : numpy.ndarray
        The map to learn, ``(n_in, n_out)``.
    singular_values : numpy.ndarray
        The teacher's singular values, increasing.
    """

    x: np.ndarray
    y: np.ndarray
    teacher: np.ndarray
    singular_values: np.ndarray


def regression_task(n_in=16, n_out=8, n_samples=64, *, smallest=0.5, largest=2.0, rng=None):
    r"""Whitened inputs and targets of a random linear teacher.

    ``x`` is :math:`\sqrt{P}` times a random ``(P, n_in)`` matrix with
    orthonormal columns (:func:`winit.orthogonal`), so that
    :math:`x^\top x / P = I` exactly; the teacher is
    :math:`A = U \operatorname{diag}(s) V^\top` with random orthonormal
    :math:`U` (``n_in x n_out``), :math:`V` (``n_out x n_out``) and
    :math:`s` evenly spaced from ``smallest`` to ``largest``; ``y = x @ A``.
    With whitened inputs the mean squared error
    :math:`\frac{1}{2P}\lVert x M - y\rVert^2` equals
    :math:`\frac12 \lVert M - A\rVert_F^2`.

    Parameters
    ----------
    n_in, n_out : int, default 16, 8
        Input and output dimensions, ``n_in >= n_out``.
    n_samples : int, default 64
        Number of examples :math:`P`, at least ``n_in``.
    smallest, largest : float, default 0.5, 2.0
        The range of the teacher's singular values, ``0 < smallest <= largest``.
    rng : None, int or numpy.random.Generator
        Source of randomness (SPEC 7).

    Returns
    -------
    RegressionTask

    Raises
    ------
    TypeError, ValueError
        If a count is not a positive integer, ``n_out > n_in``,
        ``n_samples < n_in``, or the singular-value range is not positive
        and ordered.

    Examples
    --------
    >>> import numpy as np
    >>> from winit.experiments.saxe2014 import regression_task
    >>> t = regression_task(rng=0)
    >>> bool(np.allclose(t.x.T @ t.x / 64, np.eye(16)))
    True
    """
    n_in = check_count(n_in, "n_in", "the input dimension")
    n_out = check_count(n_out, "n_out", "the output dimension")
    n_samples = check_count(n_samples, "n_samples", "the number of examples")
    check_count(n_out, "n_out", f"the output dimension, at most n_in={n_in}", high=n_in)
    check_count(n_samples, "n_samples", f"the number of examples, at least n_in={n_in} to "
                "whiten the inputs", low=n_in)
    smallest = check_real(smallest, "smallest", "the teacher's smallest singular value",
                          positive=True)
    largest = check_real(largest, "largest", "the teacher's largest singular value",
                         positive=True)
    check_real(largest, "largest", "the teacher's largest singular value, at least smallest",
               low=smallest)
    rng = check_rng(rng)
    x = np.sqrt(n_samples) * orthogonal((n_samples, n_in), rng=rng)
    s = np.linspace(smallest, largest, n_out)
    u = orthogonal((n_in, n_out), rng=rng)
    v = orthogonal((n_out, n_out), rng=rng)
    teacher = (u * s) @ v.T
    return RegressionTask(x, x @ teacher, teacher, s)


def deep_linear_init(depth, init, *, n_in=16, width=16, n_out=8, rng=None):
    """The weights of a deep linear network, ``[W_1, ..., W_depth]``.

    Shapes ``(n_in, width)``, then ``depth - 2`` times ``(width, width)``,
    then ``(width, n_out)`` (``depth = 1``: one ``(n_in, n_out)`` matrix).

    Parameters
    ----------
    depth : int
        Number of weight matrices, at least 1.
    init : {"orthogonal", "gaussian"}
        :func:`winit.orthogonal` with gain 1, or i.i.d. :math:`N(0, 1/\\text{fan\\_in})`.
    n_in, width, n_out : int
    rng : None, int or numpy.random.Generator

    Returns
    -------
    list of numpy.ndarray

    Raises
    ------
    TypeError, ValueError
        If a count is not a positive integer or ``init`` is unknown.

    Examples
    --------
    >>> from winit.experiments.saxe2014 import deep_linear_init
    >>> [w.shape for w in deep_linear_init(3, "orthogonal", rng=0)]
    [(16, 16), (16, 16), (16, 8)]
    """
    depth = check_count(depth, "depth", "the number of weight matrices")
    check_choice(init, "init", INITS)
    dims = [check_count(n_in, "n_in", "the input dimension")]
    dims += [check_count(width, "width", "the hidden width")] * (depth - 1)
    dims += [check_count(n_out, "n_out", "the output dimension")]
    rng = check_rng(rng)
    if init == "orthogonal":
        return [orthogonal((a, b), rng=rng) for a, b in zip(dims, dims[1:])]
    return [variance_scaling((a, b), 1.0, "fan_in", "normal", rng=rng)
            for a, b in zip(dims, dims[1:])]


def deep_linear_loss_and_grads(weights, x, y):
    r"""Mean squared error of a deep linear network and its gradient.

    .. math::

        L = \frac{1}{2P} \lVert x W_1 \cdots W_D - y \rVert_F^2, \qquad
        \frac{\partial L}{\partial W_l}
        = (W_1 \cdots W_{l-1})^\top\, \frac{x^\top (x M - y)}{P}\,
          (W_{l+1} \cdots W_D)^\top .

    Parameters
    ----------
    weights : list of 2-D float arrays
        ``W_1, ..., W_D`` with chained shapes.
    x : (P, n_in) array
    y : (P, n_out) array

    Returns
    -------
    loss : float
    grads : list of numpy.ndarray
        One per weight matrix, of its shape.

    Raises
    ------
    ValueError
        If the shapes do not chain.

    Examples
    --------
    >>> import numpy as np
    >>> from winit.experiments.saxe2014 import deep_linear_loss_and_grads
    >>> loss, grads = deep_linear_loss_and_grads([np.eye(2)], np.eye(2), np.zeros((2, 2)))
    >>> loss
    0.5
    """
    x = check_array(x, "x", "the inputs, one row per example", dtype="float64", ndim=2)
    y = check_array(y, "y", "the targets, one row per example", dtype="float64",
                    shape=(x.shape[0], None))
    weights = check_sequence(weights, "weights", "one 2-d weight matrix per layer",
                             what="arrays")
    dims = [x.shape[1]]
    for i, w in enumerate(weights):
        if np.ndim(w) != 2 or np.shape(w)[0] != dims[-1]:
            raise ValueError(f"weights[{i}] must be an array of shape ({dims[-1]}, any) (it takes "
                             f"the {dims[-1]} outputs of the layer before); got shape "
                             f"{np.shape(w)}")
        dims.append(np.shape(w)[1])
    if dims[-1] != y.shape[1]:
        raise ValueError(f"weights[-1] must be an array of {y.shape[1]} columns (the last weight "
                         f"gives y's {y.shape[1]} outputs); got {dims[-1]}")
    n = x.shape[0]
    prefix = [np.eye(dims[0])]
    for w in weights:
        prefix.append(prefix[-1] @ w)
    err = x @ prefix[-1] - y
    loss = 0.5 * float(np.sum(err * err)) / n
    g = x.T @ err / n
    return loss, _layer_grads(weights, prefix, g)


def _layer_grads(weights, prefix, g):
    """dL/dW_l from the prefix products and dL/dM."""
    grads = [None] * len(weights)
    suffix = np.eye(weights[-1].shape[1])
    for l in range(len(weights) - 1, -1, -1):
        grads[l] = prefix[l].T @ g @ suffix.T
        suffix = weights[l] @ suffix
    return grads


@dataclass(frozen=True)
class TrainRecord:
    """The outcome of :func:`train_deep_linear`.

    Attributes
    ----------
    losses : numpy.ndarray
        The loss before each step taken (and after the last one).
    learning_time : int or None
        The first step count at which the loss was at most ``threshold``
        times the loss of the zero map; None if not reached in ``max_steps``.
    """

    losses: np.ndarray
    learning_time: int | None


def train_deep_linear(weights, x, y, *, lr, max_steps, threshold=0.01):
    r"""Full-batch gradient descent on a deep linear network, until it has learned.

    Each step is :math:`W_l \leftarrow W_l - \text{lr}\, \partial L/\partial W_l`
    for every layer at once (:func:`deep_linear_loss_and_grads`; the sums
    over examples are taken once, as :math:`x^\top x / P` and
    :math:`x^\top y / P`).  Training stops when the loss first falls to
    ``threshold`` times the loss of the zero map,
    :math:`\frac{1}{2P}\lVert y \rVert^2`, or after ``max_steps`` steps.
    ``weights`` is not modified.

    Parameters
    ----------
    weights : list of 2-D float arrays
    x, y : 2-D arrays
        Inputs and targets.
    lr : float
        Learning rate, positive.
    max_steps : int
        Budget of steps.
    threshold : float, default 0.01
        Fraction of the zero map's loss that counts as learned, in (0, 1).

    Returns
    -------
    TrainRecord

    Raises
    ------
    TypeError, ValueError
        If ``lr`` or ``threshold`` is out of range, ``max_steps`` is not a
        positive integer, or the shapes do not chain.

    Examples
    --------
    >>> import numpy as np
    >>> from winit.experiments.saxe2014 import train_deep_linear
    >>> r = train_deep_linear([np.zeros((2, 2))], np.eye(2), np.eye(2), lr=0.5, max_steps=50)
    >>> r.learning_time
    9
    """
    lr = check_real(lr, "lr", "the learning rate", positive=True)
    max_steps = check_count(max_steps, "max_steps", "the budget of steps")
    threshold = check_real(threshold, "threshold", "the fraction of the zero map's loss",
                           low=0, high=1, closed="neither")
    deep_linear_loss_and_grads(weights, x, y)  # checks the shapes
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n = x.shape[0]
    cov = x.T @ x / n
    cross = x.T @ y / n
    yy = 0.5 * float(np.sum(y * y)) / n
    target = threshold * yy
    weights = [np.array(w, dtype=float) for w in weights]
    losses = []
    learned = None
    with np.errstate(over="ignore", invalid="ignore"):
        for step in range(max_steps + 1):
            prefix = [np.eye(cov.shape[0])]
            for w in weights:
                prefix.append(prefix[-1] @ w)
            m = prefix[-1]
            cm = cov @ m
            loss = 0.5 * float(np.sum(m * cm)) - float(np.sum(m * cross)) + yy
            losses.append(loss)
            if loss <= target:
                learned = step
                break
            if step == max_steps or not np.isfinite(loss):
                break
            for w, g in zip(weights, _layer_grads(weights, prefix, cm - cross)):
                w -= lr * g
    return TrainRecord(np.array(losses), learned)


@dataclass(frozen=True)
class LearningTimes:
    """Learning times of :func:`learning_times`.

    Attributes
    ----------
    depths : tuple of int
    times : dict
        ``{init: array of shape (n_seeds, len(depths))}``, the number of
        steps to learn (see :func:`train_deep_linear`); entries that did not
        learn within ``max_steps`` hold ``max_steps + 1``.
    learned : dict
        ``{init: bool array of the same shape}``, False where the budget ran out.
    settings : dict
        Every setting used (widths, learning rate rule, threshold, budget, seeds).
    """

    depths: tuple
    times: dict
    learned: dict
    settings: dict


def learning_times(depths=(2, 4, 6, 8, 10, 12), *, inits=INITS, n_seeds=8, n_in=16, width=16,
                   n_out=8, n_samples=64, lr0=0.2, threshold=0.01, max_steps=4000, rng=0):
    """Learning time against depth, random orthogonal against scaled Gaussian weights.

    One :func:`regression_task` is drawn, then for each of ``n_seeds``
    seeds, each initialisation and each depth a network is drawn
    (:func:`deep_linear_init`) and trained with :func:`train_deep_linear` at
    the learning rate ``lr0 / depth``.

    Parameters
    ----------
    depths : tuple of int, default (2, 4, 6, 8, 10, 12)
        Numbers of weight matrices.
    inits : tuple of str, default ("orthogonal", "gaussian")
    n_seeds : int, default 8
    n_in, width, n_out, n_samples : int, default 16, 16, 8, 64
    lr0 : float, default 0.2
        The learning rate times the depth.
    threshold : float, default 0.01
    max_steps : int, default 4000
    rng : None, int or numpy.random.Generator, default 0
        Source of randomness (SPEC 7): the task first, then one child
        generator per seed (``Generator.spawn``), from which each seed's
        networks are drawn in the order of ``inits`` and ``depths``.

    Returns
    -------
    LearningTimes

    Raises
    ------
    TypeError, ValueError
        If an argument is out of range.

    Examples
    --------
    >>> from winit.experiments.saxe2014 import learning_times
    >>> r = learning_times(depths=(2, 4), n_seeds=2, rng=0)
    >>> r.times["orthogonal"].shape
    (2, 2)
    """
    depths = tuple(check_counts(depths, "depths", "the numbers of weight matrices",
                                each="a number of weight matrices"))
    for i in inits:
        check_choice(i, "inits", INITS)
    n_seeds = check_count(n_seeds, "n_seeds", "the number of seeds")
    lr0 = check_real(lr0, "lr0", "the learning rate times the depth", positive=True)
    rng = check_rng(rng)
    task = regression_task(n_in, n_out, n_samples, rng=rng)
    children = rng.spawn(n_seeds)
    times = {i: np.zeros((n_seeds, len(depths)), dtype=int) for i in inits}
    learned = {i: np.zeros((n_seeds, len(depths)), dtype=bool) for i in inits}
    for s, child in enumerate(children):
        for init in inits:
            for j, depth in enumerate(depths):
                w = deep_linear_init(depth, init, n_in=n_in, width=width, n_out=n_out, rng=child)
                rec = train_deep_linear(w, task.x, task.y, lr=lr0 / depth, max_steps=max_steps,
                                        threshold=threshold)
                learned[init][s, j] = rec.learning_time is not None
                times[init][s, j] = max_steps + 1 if rec.learning_time is None else rec.learning_time
    settings = dict(n_in=n_in, width=width, n_out=n_out, n_samples=n_samples, lr0=lr0,
                    threshold=threshold, max_steps=max_steps, n_seeds=n_seeds,
                    teacher_singular_values=(float(task.singular_values[0]),
                                             float(task.singular_values[-1])))
    return LearningTimes(depths, times, learned, settings)
