"""Layer-sequential unit-variance (LSUV) initialisation, framework-neutral.

Mishkin and Matas (2016) initialise a network from data instead of from a
formula: draw every layer's weights orthogonal (Saxe et al., 2014), then,
from the first layer to the last, run a minibatch through the network and
divide the layer's weights by the standard deviation of its output until
that output has variance 1 (their Algorithm 1).  No gain has to be derived
for the activation function, the architecture or the data: the data say
what the gain is.

:func:`lsuv` does this for any network, written in any framework or none.
It sees the network only through two things:

* ``weights``: a list of arrays, one per layer it rescales (in whatever
  layout the network uses; :mod:`winit` itself stores ``(in, out)``);
* ``forward_to(weights, x, k)``: a function that runs the batch ``x``
  through the network built from ``weights`` and returns the output of
  layer ``k``, the quantity whose variance is set to 1.

What "the output of layer ``k``" is, is the caller's choice.  The authors'
Caffe script measures the output of the convolution or fully connected layer
itself, before the activation function that follows it; a Keras ``Dense``
layer with a built-in activation outputs the activated values.  The two
differ: a layer's own output is linear in its weights, so with zero biases
one division lands on variance 1 exactly, while the variance after a
bounded activation may be unreachable (a sigmoid's output never has
variance above 1/4), and then only the iteration cap ends the loop.

References
----------
.. [1] D. Mishkin and J. Matas, "All you need is a good init", ICLR 2016,
   arXiv:1511.06422, Algorithm 1.
.. [2] A. M. Saxe, J. L. McClelland and S. Ganguli, "Exact solutions to the
   nonlinear dynamics of learning in deep linear neural networks", ICLR 2014.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._numerics import std as _std
from ._validation import (check_array, check_count, check_flag, check_real, check_rng,
                          check_sequence)
from .schemes import orthogonal as _orthogonal

__all__ = ["LSUVResult", "lsuv"]


@dataclass
class LSUVResult:
    """What :func:`lsuv` returns.

    Attributes
    ----------
    weights : list of numpy.ndarray
        The rescaled weights, new arrays with the shapes and dtypes of the
        input weights (float64 for integer input), in the same order.
    variances : numpy.ndarray of float, shape (n_layers,)
        The variance of every layer's output with the *returned* weights, as
        last measured by :func:`lsuv` (on the last minibatch it drew, if
        ``batch_size`` was given).
    iterations : numpy.ndarray of int, shape (n_layers,)
        How many times each layer's weights were divided (0 if the first
        measurement was already within the tolerance); at most ``max_iter``.
    converged : numpy.ndarray of bool, shape (n_layers,)
        ``abs(variances - 1) < tol`` for each layer: ``False`` where the cap
        stopped the loop, or where the output was constant (variance 0) and
        could not be rescaled.
    """

    weights: list
    variances: np.ndarray
    iterations: np.ndarray
    converged: np.ndarray


def lsuv(weights, forward_to, x, *, tol=0.1, max_iter=10, orthogonal=True, batch_size=None,
         rng=None):
    """Rescale each layer's weights, first to last, until its output has variance 1.

    Mishkin and Matas (2016), Algorithm 1 ("layer-sequential unit-variance"):

    1. if ``orthogonal``, replace every weight array by a Haar-random
       (semi-)orthogonal one of the same shape (:func:`winit.orthogonal`,
       gain 1);
    2. for each layer ``k = 0, 1, ...`` in turn: measure
       :math:`v = \\operatorname{Var}[B_k]`, the variance of
       ``forward_to(weights, x_batch, k)`` over all its entries; while
       :math:`|v - 1| \\ge` ``tol`` and fewer than ``max_iter`` divisions
       have been made, divide the layer's weights by :math:`\\sqrt{v}` and
       measure again.

    Later layers are rescaled with the earlier ones already fixed, so every
    measurement sees the network as it will be used.  Biases, if the
    network has any, are left alone (pass them in through ``forward_to``).

    Parameters
    ----------
    weights : sequence of array_like
        One weight array per layer to rescale, in the order the data passes
        through them.  Any shape (at least 2 dimensions if ``orthogonal``:
        :func:`winit.orthogonal` flattens all axes but the last, which is
        right for :mod:`winit`'s ``(in, out)`` layout and Keras kernels).
        Real numbers; float32 and float64 keep their dtype, integers become
        float64.  Not modified.
    forward_to : callable
        ``forward_to(weights, x, k) -> array``: the output of layer ``k``
        (0-based) for the batch ``x``, computed with the list of arrays
        ``weights`` (the current, partly rescaled weights).  The variance is
        taken over every entry of the returned array, as the authors' code
        does; it must hold at least 2 finite real numbers.
    x : array_like
        The data: one minibatch, passed to ``forward_to`` as it is, or, with
        ``batch_size``, a pool of examples (first axis) from which every
        measurement draws a fresh minibatch.
    tol : float, default 0.1
        Variance tolerance, ``Tol_var`` of Algorithm 1: a layer is done when
        :math:`|\\operatorname{Var} - 1| <` ``tol``.  Positive.
    max_iter : int, default 10
        Iteration cap, ``T_max`` of Algorithm 1: at most this many divisions
        per layer.  Positive.  (The defaults 0.1 and 10 are those of the
        authors' Keras code; their Caffe script uses 0.02 and 20.)
    orthogonal : bool, default True
        Start from orthogonal weights (step 1); ``False`` rescales the given
        weights as they are.
    batch_size : int, optional
        If given, every measurement uses ``batch_size`` examples drawn
        without replacement from ``x`` with ``rng``; at most ``len(x)``.
    rng : None, int or numpy.random.Generator, optional
        Source of randomness (SPEC 7) for the orthogonal weights and the
        minibatches, normalised once.

    Returns
    -------
    LSUVResult
        The new weights, each layer's final variance, the divisions made and
        whether each layer converged.  A layer the cap stopped is reported
        in ``converged``, not raised: a bounded activation's unreachable
        variance is one of the outcomes worth showing.

    Raises
    ------
    TypeError
        If ``weights`` is not a sequence of real arrays, ``forward_to`` is
        not callable or returns something that is not an array of real
        numbers, ``tol``/``max_iter``/``batch_size``/``orthogonal`` have the
        wrong type, or ``rng`` is not a SPEC 7 seed.
    ValueError
        If ``weights`` is empty or holds an empty, non-finite or (with
        ``orthogonal``) 1-d array, ``tol`` or ``max_iter`` is not positive,
        ``batch_size`` exceeds the examples in ``x``, or ``forward_to``
        returns fewer than 2 numbers, NaN or an infinity.

    Notes
    -----
    If the layer's output is linear in its weights (a dense or convolution
    layer's own output, biases zero), dividing the weights by
    :math:`\\sqrt{v}` divides the output's variance by exactly :math:`v`,
    so one division suffices on a fixed minibatch.  The tolerance and the
    cap matter when the measured output is not linear in the weights (after
    an activation, or with biases), or when each measurement draws a new
    minibatch.

    Examples
    --------
    A two-layer ReLU network in the ``x @ W`` layout, normalised at the
    output of each linear layer:

    >>> import numpy as np
    >>> from winit import lsuv
    >>> def forward_to(ws, x, k):
    ...     h = x
    ...     for W in ws[:k]:
    ...         h = np.maximum(h @ W, 0.0)
    ...     return h @ ws[k]
    >>> x = np.random.default_rng(0).normal(size=(256, 20))
    >>> res = lsuv([np.ones((20, 30)), np.ones((30, 5))], forward_to, x, rng=0)
    >>> [round(float(v), 6) for v in res.variances], res.iterations.tolist()
    ([1.0, 1.0], [1, 1])

    References
    ----------
    .. [1] D. Mishkin and J. Matas, "All you need is a good init", ICLR 2016,
       arXiv:1511.06422, Algorithm 1.
    """
    ws = _check_weights(weights, orthogonal)
    if not callable(forward_to):
        raise TypeError(
            "forward_to must be a callable forward_to(weights, x, k) returning the output of "
            f"layer k; got {forward_to!r} of type {type(forward_to).__name__}")
    tol = check_real(tol, "tol", "the variance tolerance, Tol_var", positive=True)
    max_iter = check_count(max_iter, "max_iter", "the most divisions per layer, T_max")
    check_flag(orthogonal, "orthogonal", "start from orthogonal weights")
    rng = check_rng(rng)
    if batch_size is not None:
        batch_size = check_count(batch_size, "batch_size", "the examples per measurement")
        pool = np.asarray(x)
        n = 0 if pool.ndim == 0 else pool.shape[0]
        check_count(batch_size, "batch_size", f"the examples per measurement, drawn from the {n} "
                    "examples in x", high=n)

    if orthogonal:
        ws = [_orthogonal(w.shape, rng=rng, dtype=w.dtype) for w in ws]

    n_layers = len(ws)
    variances = np.empty(n_layers)
    iterations = np.zeros(n_layers, dtype=int)
    converged = np.zeros(n_layers, dtype=bool)
    for k in range(n_layers):
        while True:
            xb = x if batch_size is None else pool[rng.choice(pool.shape[0], batch_size,
                                                              replace=False)]
            var, std = _output_variance(forward_to(list(ws), xb, k), k)
            variances[k] = var
            if abs(var - 1.0) < tol:
                converged[k] = True
                break
            if iterations[k] >= max_iter or std == 0.0:
                break
            ws[k] = _divided(ws[k], var, std, k)
            iterations[k] += 1
    return LSUVResult(weights=ws, variances=variances, iterations=iterations,
                      converged=converged)


def _check_weights(weights, orthogonal):
    weights = check_sequence(weights, "weights", "one weight array per layer", what="arrays")
    out = []
    for k, w in enumerate(weights):
        name, meaning = f"weights[{k}]", f"the weights of layer {k}"
        a = check_array(w, name, meaning, dtype="float32/64", min_size=1)
        if orthogonal and a.ndim < 2:
            raise ValueError(f"{name} must be an array of at least 2 dimensions to be drawn "
                             f"orthogonal ({meaning}); got shape {a.shape} (pass "
                             "orthogonal=False to rescale it as it is)")
        out.append(a.copy() if a is w else a)
    return out


def _output_variance(out, k):
    """(variance, standard deviation) of the output of layer ``k``, in float64.

    The variance is numpy's (to the bit) where the squares stay in float64's
    range; beyond it, the standard deviation is computed on the output divided
    by its largest magnitude (:mod:`winit._numerics`), and the variance is its
    square (``inf`` if that is above float64's largest value).
    """
    a = check_array(out, f"forward_to(weights, x, {k})", f"the output of layer {k}",
                    dtype="real", min_size=2)
    with np.errstate(over="ignore", invalid="ignore"):
        var = float(np.var(a, dtype=np.float64))
    if math.isfinite(var) and (var >= _TINY or var == 0.0 and a.max() == a.min()):
        return var, math.sqrt(var)
    std = _std(a.astype(np.float64))
    with np.errstate(over="ignore"):
        return std * std, std


def _divided(w, var, std, k):
    """``w`` divided by the output's standard deviation, in ``w``'s dtype."""
    if var >= _TINY and math.isfinite(var):  # Algorithm 1 as written: w * (1 / sqrt(var))
        with np.errstate(over="ignore"):
            out = w * w.dtype.type(1.0 / math.sqrt(var))
        if np.isfinite(out).all():
            return out
    with np.errstate(over="ignore", under="ignore"):
        out = (w.astype(np.float64) / std).astype(w.dtype)
    if not np.isfinite(out).all():
        raise ValueError(
            f"weights[{k}] must be weights that can be divided by the standard deviation of "
            f"their layer's output, {std:.3g}, in {w.dtype} (the weights of layer {k}); got "
            "weights that overflow")
    return out


_TINY = float(np.finfo(np.float64).smallest_normal)
