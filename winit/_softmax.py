"""The softmax and its cross-entropy: the one definition every part of winit uses (private).

A library module, so that the library (:mod:`winit.diagnostics`), the engine
(:mod:`winit.networks`, :mod:`winit.blocks`, :mod:`winit._engine`) and the
experiments can all import it.  Logits have the classes along the last axis;
a batch of ``B`` examples is the axis before it, and any leading axes (the
runs of a stack of networks) are carried along:

.. math::

    \\log \\operatorname{softmax}(z)_k = z_k - m - \\log \\sum_j e^{z_j - m},
    \\qquad m = \\max_j z_j,

so no exponent is ever positive, and the mean cross-entropy of labels
:math:`y_i` and its gradient at the logits are

.. math::

    \\mathcal L = \\frac1B \\sum_i \\Big(\\log \\sum_j e^{z_{ij} - m_i} -
    (z_{i y_i} - m_i)\\Big), \\qquad
    \\frac{\\partial \\mathcal L}{\\partial z_{ik}} =
    \\frac{\\operatorname{softmax}(z_i)_k - [k = y_i]}{B}.

Nothing here checks its arguments or silences numpy's warnings: the public
functions that call it do both.  Non-finite logits give non-finite results.
"""

from __future__ import annotations

import numpy as np


def shifted(logits):
    """``logits`` as floats minus their maximum along the last axis."""
    z = np.asarray(logits)
    if z.dtype.kind != "f":
        z = z.astype(np.float64)
    return z - z.max(axis=-1, keepdims=True)


def log_softmax(logits):
    """Log of the softmax along the last axis (the log-sum-exp trick)."""
    s = shifted(logits)
    return s - np.log(np.exp(s).sum(axis=-1, keepdims=True))


def softmax(logits):
    """Softmax along the last axis; every row sums to 1."""
    e = np.exp(shifted(logits))
    return e / e.sum(axis=-1, keepdims=True)


def label_index(shape, y):
    """Index of the labels' entries in a ``(..., B, K)`` array.

    ``y`` holds ``B`` labels shared by every leading index, or one row of
    ``B`` labels per leading index (shape ``(..., B)``).
    """
    if y.ndim == 1:
        return (..., np.arange(shape[-2]), y)
    if y.ndim == 2:
        return (np.arange(shape[0])[:, None], np.arange(shape[1]), y)
    return (*np.ix_(*(np.arange(n) for n in shape[:-1])), y)


def _terms(logits, y):
    """``exp`` of the shifted logits, its sums over classes, and each example's loss."""
    s = shifted(logits)
    idx = label_index(s.shape, y)
    e = np.exp(s)
    total = e.sum(axis=-1)
    return e, total, np.log(total) - s[idx], idx


def cross_entropy(logits, y, dtype=None):
    """Mean cross-entropy over the batch axis, one value per leading index.

    ``dtype`` is the type the mean is accumulated in (default: the logits').
    A 2-d ``logits`` gives a 0-d array.
    """
    return np.mean(_terms(logits, y)[2], axis=-1, dtype=dtype)


def loss_and_grad(logits, y, scale=1.0):
    """The mean cross-entropy and ``scale`` times its gradient at the logits.

    The fast path of the trainers: the factor ``scale / B`` (for SGD, the
    learning rate over the batch size) is folded into the softmax's
    normalisation, ``g = e * ((scale / B) / sum(e))`` and then ``scale / B``
    comes off at each label, so that the gradient of every parameter below
    arrives already multiplied by it.  ``scale`` is a Python number, or an
    array with one factor per leading index (shape ``logits.shape[:-2]``).

    Returns
    -------
    loss : numpy.ndarray, shape ``logits.shape[:-2]``
        Mean over the batch, in the logits' dtype.
    g : numpy.ndarray, shape ``logits.shape``
        A new array.
    """
    e, total, terms, idx = _terms(logits, y)
    step = scale / logits.shape[-2]
    if isinstance(step, np.ndarray):
        e *= step[..., None, None] / total[..., None]
        e[idx] -= step[..., None]
    else:
        e *= step / total[..., None]
        e[idx] -= step
    return np.mean(terms, axis=-1), e
