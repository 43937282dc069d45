"""Checks a reader can run on any network at initialisation, from plain arrays.

Nothing here knows how the network was built: every function takes the
arrays a framework hands out (logits, labels, a list of per-layer
activations or gradients, weights before and after a step), so the same
checks run on a winit network, a PyTorch or a JAX one (``.detach().numpy()``
or ``np.asarray`` first).

* :func:`initial_loss` -- the cross-entropy at initialisation against
  :math:`\\log K`, the loss of a uniform guess over :math:`K` classes, and
  the fixes: :func:`output_scale_for` (shrink the output layer) and
  :func:`prior_bias` (start the output bias at the log class frequencies).
* :func:`layer_stats` -- per-layer mean, standard deviation, and the share
  of dead (exactly zero) and saturated units, for activations or gradients.
* :func:`update_ratios` -- :math:`\\lVert \\Delta W \\rVert / \\lVert W \\rVert`
  per layer over a step, the ratio Karpathy's CS231n notes suggest watching
  (about :math:`10^{-3}` is healthy).

This module belongs to winit's library layer: numpy only.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from . import _softmax as _sm
from ._numerics import mean_std, norm
from ._validation import check_array, check_count, check_labels, check_real, check_sequence

_TINY = float(np.finfo(np.float64).smallest_normal)

__all__ = [
    "InitialLoss",
    "LayerStats",
    "initial_loss",
    "layer_stats",
    "output_scale_for",
    "prior_bias",
    "update_ratios",
]


def _as_float_array(a, name, ndim=None, meaning="the values"):
    """``a`` as a non-empty float64 array of finite numbers (of ``ndim`` dimensions)."""
    return check_array(a, name, meaning, dtype="float64", ndim=ndim, min_size=1)


def _labels(y, n, k):
    return check_labels(y, "y", n, k, classes=f"the logits have {k} columns")


class InitialLoss(NamedTuple):
    """What :func:`initial_loss` finds."""

    loss: float  #: mean cross-entropy of the logits, in nats
    log_k: float  #: log K, the loss of a uniform guess over K classes
    excess: float  #: loss - log_k; far above 0 means confident wrong guesses at the start
    logit_std: float  #: standard deviation of the logits over all examples and classes


def initial_loss(logits, y):
    """The mean cross-entropy at initialisation, against :math:`\\log K`.

    A well-initialised classifier starts close to a uniform guess, whose
    cross-entropy is :math:`\\log K` for :math:`K` classes (2.303 for 10).
    A loss far above it means the logits are large: the network is
    confidently wrong at step 0 and the first steps are spent undoing its
    scale (Karpathy, "A recipe for training neural networks", 2019: "verify
    loss @ init").

    Parameters
    ----------
    logits : array_like, shape (N, K)
        The network's output before the softmax.
    y : array_like of int, shape (N,)
        Class labels in ``0..K-1``.

    Returns
    -------
    InitialLoss
        Python floats: ``loss``, ``log_k``, ``excess`` and ``logit_std``.

    Raises
    ------
    TypeError, ValueError
        For logits that are not a finite 2-d real array with at least two
        classes, or labels that do not match them.

    Examples
    --------
    >>> import numpy as np
    >>> from winit.diagnostics import initial_loss
    >>> r = initial_loss(np.zeros((4, 10)), np.array([0, 1, 2, 3]))
    >>> round(r.loss, 4), round(r.log_k, 4), r.excess
    (2.3026, 2.3026, 0.0)
    """
    z = _as_float_array(logits, "logits", ndim=2, meaning="the network's output before the "
                        "softmax")
    n, k = z.shape
    if k < 2:
        raise ValueError(f"logits must be an array of at least 2 columns (one per class); got "
                         f"shape {z.shape}")
    y = _labels(y, n, k)
    with np.errstate(over="ignore", invalid="ignore"):
        loss = float(_sm.cross_entropy(z, y))
    if not math.isfinite(loss):
        raise ValueError(
            "logits must be an array of scores whose cross-entropy fits a float64 (the "
            f"network's output before the softmax); got scores from {z.min():.3g} to "
            f"{z.max():.3g}, whose loss overflows")
    log_k = math.log(k)
    return InitialLoss(loss, log_k, loss - log_k, mean_std(z)[1])


def output_scale_for(logits, target_std=0.1):
    """The factor to multiply the output layer's weights by so the logits' std becomes ``target_std``.

    Logits are linear in the output layer's weights (with a zero bias), so
    scaling those weights by ``target_std / logits.std()`` scales the logits'
    standard deviation to ``target_std``; with a small target the softmax
    starts near uniform and the initial loss near :math:`\\log K`.

    Parameters
    ----------
    logits : array_like, shape (N, K)
    target_std : float, default 0.1
        The wanted standard deviation of the logits, > 0.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If the logits are all equal (no scale to correct), or the factor is
        not a normal float64 number (the two standard deviations are more
        than about 1e308 apart).
    """
    z = _as_float_array(logits, "logits", ndim=2, meaning="the network's output before the "
                        "softmax")
    target_std = check_real(target_std, "target_std", "the wanted standard deviation of the logits",
                            positive=True)
    std = mean_std(z)[1]
    if std == 0.0:
        raise ValueError("logits must be an array of logits that vary (to be rescaled); got "
                         "logits that are all equal")
    factor = target_std / std
    if not _TINY <= factor < math.inf:
        raise ValueError(
            f"target_std must be a standard deviation within a factor of about 1e308 of the "
            f"logits' {std:.3g} (the wanted standard deviation of the logits); got "
            f"{target_std!r}, which gives the factor {factor!r}")
    return factor


def prior_bias(y, n_classes):
    """An output bias that makes a zero-logit network predict the class frequencies.

    With weights that give near-zero logits, a bias :math:`b_k = \\log p_k`
    makes the softmax output the training set's class frequencies
    :math:`p_k`, and the initial loss their entropy, the best a network that
    ignores its input can do (Karpathy 2019, "init well").  For balanced
    classes it is a constant, which the softmax ignores: zero is as good.

    Parameters
    ----------
    y : array_like of int, shape (N,)
        Training labels in ``0..n_classes-1``.
    n_classes : int
        :math:`K`.

    Returns
    -------
    numpy.ndarray, shape (n_classes,), float64

    Raises
    ------
    ValueError
        If a class never occurs (its log frequency would be :math:`-\\infty`).
    """
    n_classes = check_count(n_classes, "n_classes", "the number of classes")
    y = np.asarray(y)
    y = _labels(y, y.shape[0] if y.ndim == 1 else -1, n_classes)
    counts = np.bincount(y, minlength=n_classes)
    if np.any(counts == 0):
        missing = np.flatnonzero(counts == 0).tolist()
        raise ValueError(f"y must contain every class to set a prior bias; classes {missing} never occur")
    return np.log(counts / counts.sum())


class LayerStats(NamedTuple):
    """Statistics of one layer's values (activations or gradients); Python floats."""

    mean: float
    std: float
    dead: float  #: share of values exactly 0 (dead ReLU units give 0 for every example)
    saturated: float  #: share of values with ``abs(v) >= saturation``


def layer_stats(values, *, saturation=0.99):
    """Per-layer statistics of activations or gradients, to spot vanishing, exploding, dead or saturated layers.

    Parameters
    ----------
    values : sequence of array_like
        One array per layer (any shape, e.g. ``(batch, width)``).
    saturation : float, default 0.99
        A value counts as saturated when its magnitude is at least this.
        0.99 suits tanh, whose outputs saturate at +-1; for the sigmoid pass
        the centred outputs ``h - 0.5`` and 0.49.

    Returns
    -------
    list of LayerStats
        One per layer, in order.

    Examples
    --------
    >>> import numpy as np
    >>> from winit.diagnostics import layer_stats
    >>> s = layer_stats([np.array([0.0, 0.0, 1.0, 3.0])])[0]
    >>> s.mean, s.dead
    (1.0, 0.5)
    """
    saturation = check_real(saturation, "saturation", "the magnitude counted as saturated",
                            positive=True)
    out = []
    for i, v in enumerate(check_sequence(values, "values", "one array per layer", what="arrays")):
        a = _as_float_array(v, f"values[{i}]", meaning=f"the values of layer {i}")
        out.append(LayerStats(*mean_std(a), float(np.mean(a == 0.0)),
                              float(np.mean(np.abs(a) >= saturation))))
    return out


def update_ratios(before, after):
    """:math:`\\lVert W_{after} - W_{before} \\rVert / \\lVert W_{before} \\rVert` for each layer.

    CS231n's notes on babysitting training suggest a ratio of about
    :math:`10^{-3}` per step: much smaller and the layer barely learns; much
    larger and the step overwrites what the initialisation gave.  A layer
    whose weights start at zero has no ratio: it gets ``inf`` if it moved
    and ``0.0`` if not.

    Parameters
    ----------
    before, after : sequence of array_like
        The layers' weights before and after the step(s), matching shapes.

    Returns
    -------
    list of float

    Examples
    --------
    >>> import numpy as np
    >>> from winit.diagnostics import update_ratios
    >>> update_ratios([np.ones(4)], [np.full(4, 1.001)])[0] < 1.01e-3
    True
    """
    before = check_sequence(before, "before", "the weights of each layer before the step",
                            what="arrays")
    after = check_sequence(after, "after", "the weights of each layer after the step",
                           what="arrays")
    if len(after) != len(before):
        raise ValueError(f"after must be a sequence of as many arrays as before, "
                         f"{len(before)} (one per layer); got {len(after)}")
    ratios = []
    for i, (w0, w1) in enumerate(zip(before, after)):
        a = _as_float_array(w0, f"before[{i}]", meaning=f"the weights of layer {i} before the step")
        b = _as_float_array(w1, f"after[{i}]", meaning=f"the weights of layer {i} after the step")
        if a.shape != b.shape:
            raise ValueError(f"after[{i}] must be an array of shape {a.shape} (the shape of "
                             f"before[{i}]); got shape {b.shape}")
        ratios.append(_ratio(a, b))
    return ratios


def _ratio(a, b):
    """||b - a|| / ||a||, also where b - a or the squares leave float64's range."""
    with np.errstate(over="ignore", invalid="ignore"):
        step = norm(b - a)
    if not math.isfinite(step):  # b - a overflowed: both divided by the larger magnitude
        scale = max(float(np.max(np.abs(a))), float(np.max(np.abs(b))))
        a, b = a / scale, b / scale
        step = norm(b - a)
    size = norm(a)
    if size == 0.0:
        return math.inf if step > 0 else 0.0
    ratio = step / size
    if ratio == math.inf or (ratio == 0.0 and step > 0):
        raise ValueError(f"after must be weights whose change relative to before fits a float64 "
                         f"(the ratio of two norms); got ||after - before|| = {step:.3g} and "
                         f"||before|| = {size:.3g}")
    return ratio
