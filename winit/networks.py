"""Fully connected networks in plain numpy, for watching signals at initialisation.

Everything here is the textbook multilayer perceptron, written so that every
intermediate quantity the initialisation papers plot can be read off:

.. math::

    z_l = h_{l-1} W_l + b_l, \\qquad h_l = f(z_l), \\qquad h_0 = x,

for the hidden layers :math:`l = 1, \\dots, L-1`, and a last layer that is
linear, :math:`z_L = h_{L-1} W_L + b_L`, feeding a softmax for
classification.

**Weight layout.**  ``winit.networks`` uses the ``x @ W`` layout of Keras and
of the papers' equations written with row vectors: a batch of inputs is a
``(batch, n_in)`` array and a weight matrix has shape ``(n_in, n_out)``, so
``fan_in = W.shape[0]`` and ``fan_out = W.shape[1]``.  (PyTorch's
``nn.Linear`` stores the transpose, ``(out, in)``.)

A network's parameters are a plain list of ``(W, b)`` pairs, one per layer,
from :func:`init_weights`.  :func:`forward` returns a :class:`ForwardRecord`
with every layer's pre-activations and activations; :func:`backward` returns a
:class:`BackwardRecord` with every layer's back-propagated gradients and the
weight and bias gradients; :func:`train_sgd` runs plain minibatch SGD on the
softmax cross-entropy and returns a :class:`TrainResult` with the loss history.

**Exploding signals are results, not crashes.**  A badly initialised deep net
can overflow to ``inf`` and ``nan``.  :func:`forward` and :func:`backward`
silence numpy's overflow warnings and say so in their ``finite`` attribute;
:func:`train_sgd` stops at the first non-finite loss (or finds the
parameters its last update left non-finite) and says so in
``TrainResult.diverged``.  The book shows these outcomes; it never has to
wade through warnings to get them.

All loops are over layers and steps only: each layer is one matrix product on
the whole batch.  :func:`train_sgd_stack` trains many networks of one shape as
one stack (learning rates per run and layer, minibatches given in advance);
:func:`train_sgd` is its case of one network.  The loop around the step (the
minibatch schedule, the loss windows, the divergence checks) is
``winit._engine``'s, shared with :func:`winit.blocks.train_sgd`, and the
softmax cross-entropy is ``winit._softmax``'s, shared with all of winit.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field

import numpy as np

from . import _softmax as _sm
from . import activations as _activations
from ._validation import (check_array, check_choice, check_counts, check_dtype, check_flag,
                          check_labels, check_real, check_rng, check_sequence, check_size_fits,
                          check_spread)
from ._engine import (
    LossWindows,
    Minibatches,
    TrainHistory,
    exact_matmul,
    grid_bits,
    grid_product,
    on_grid,
    check_orders,
    check_rates,
    check_steps,
    run,
    run_history,
)

__all__ = [
    "ACTIVATIONS",
    "LEAKY_RELU_SLOPE",
    "OUTPUTS",
    "BackwardRecord",
    "ForwardRecord",
    "TrainHistory",
    "TrainResult",
    "activate",
    "backward",
    "cross_entropy",
    "forward",
    "init_weights",
    "log_softmax",
    "softmax",
    "train_sgd",
]

#: Names of the hidden-layer activation functions :func:`forward` knows: those of the
#: registry :mod:`winit.activations`.
ACTIVATIONS = _activations.ACTIVATIONS

#: Slope of ``leaky_relu`` for negative inputs (:data:`winit.activations.LEAKY_RELU_SLOPE`).
LEAKY_RELU_SLOPE = _activations.LEAKY_RELU_SLOPE

#: What :func:`forward` may put after the last (linear) layer.
OUTPUTS = ("softmax", None)

_DISTRIBUTIONS = ("normal", "uniform")


# --------------------------------------------------------------------------
# Activations and the softmax
# --------------------------------------------------------------------------


def activate(z, activation):
    """Apply a hidden-layer activation function elementwise.

    Parameters
    ----------
    z : array_like
        Pre-activations.
    activation : {"tanh", "sigmoid", "relu", "leaky_relu", "linear", "gelu"}
        One of :data:`ACTIVATIONS` (the registry :mod:`winit.activations`):
        ``sigmoid`` is the logistic function :math:`1 / (1 + e^{-z})`;
        ``leaky_relu`` is :math:`\\max(z, 0.01 z)`; ``linear`` is the identity;
        ``gelu`` is :math:`z\\, \\Phi(z)` with :math:`\\Phi` the standard normal
        distribution function (Hendrycks and Gimpel 2016; PyTorch's exact form).

    Returns
    -------
    numpy.ndarray
        :math:`f(z)`, same shape and floating dtype as ``z``.

    Raises
    ------
    TypeError
        If ``activation`` is not a string, or ``z`` is not an array of real
        numbers (``bool``, complex, strings and objects are refused).
    ValueError
        If ``activation`` is not one of :data:`ACTIVATIONS`, or ``z``
        contains NaN.  (An infinity is an exploding signal, a result: it is
        accepted, and gives an infinity or a limit, never NaN.)

    Examples
    --------
    >>> from winit.networks import activate
    >>> activate([-2.0, 0.0, 3.0], "relu")
    array([0., 0., 3.])
    """
    check_choice(activation, "activation", ACTIVATIONS)
    z = _real_array(z, "z", "the pre-activations", allow_inf=True)
    return _activations.get(activation).function(z)


def _real_array(a, name, meaning, *, allow_inf=False):
    """``a`` as an array of floats (integers converted to float64), refusing NaN,
    and infinities unless ``allow_inf``: :func:`winit._validation.check_array`."""
    return check_array(a, name, meaning, finite="nan" if allow_inf else True)


def log_softmax(logits):
    """Log of the softmax along the last axis, computed without overflow.

    Uses the log-sum-exp trick:

    .. math::

        \\log \\operatorname{softmax}(z)_k = z_k - m
        - \\log \\sum_j e^{z_j - m}, \\qquad m = \\max_j z_j,

    so no exponent is ever positive.

    Parameters
    ----------
    logits : array_like
        Scores, classes along the last axis.

    Returns
    -------
    numpy.ndarray
        Same shape as ``logits``.

    Raises
    ------
    TypeError
        If ``logits`` is not an array of real numbers.
    ValueError
        If ``logits`` contains NaN or an infinity.

    Examples
    --------
    >>> import numpy as np
    >>> from winit.networks import log_softmax
    >>> np.round(log_softmax([1000.0, 1000.0]), 6)
    array([-0.693147, -0.693147])
    """
    return _sm.log_softmax(_real_array(logits, "logits", "the scores"))


def softmax(logits):
    """Softmax along the last axis, computed without overflow.

    .. math:: \\operatorname{softmax}(z)_k = e^{z_k - m} / \\sum_j e^{z_j - m},
              \\qquad m = \\max_j z_j.

    Parameters
    ----------
    logits : array_like
        Scores, classes along the last axis.

    Returns
    -------
    numpy.ndarray
        Probabilities, same shape as ``logits``, each row summing to 1.

    Raises
    ------
    TypeError
        If ``logits`` is not an array of real numbers.
    ValueError
        If ``logits`` contains NaN or an infinity.

    Examples
    --------
    >>> from winit.networks import softmax
    >>> softmax([0.0, 0.0, 0.0, 0.0])
    array([0.25, 0.25, 0.25, 0.25])
    """
    return _sm.softmax(_real_array(logits, "logits", "the scores"))


def cross_entropy(logits, y):
    """Mean softmax cross-entropy of integer labels.

    .. math::

        \\mathcal{L} = -\\frac{1}{B} \\sum_{i=1}^{B}
        \\log \\operatorname{softmax}(z_i)_{y_i},

    computed with :func:`log_softmax`, so large logits do not overflow.  A
    network that predicts every class with equal probability has loss
    :math:`\\log K` for ``K`` classes: the level at which a stalled network
    sits in the book's training curves.

    Parameters
    ----------
    logits : array_like, shape (B, K)
        Scores of ``B`` examples for ``K`` classes.
    y : array_like of int, shape (B,)
        Class labels in ``0, ..., K - 1``.

    Returns
    -------
    float
        The mean loss (``inf`` if the logits span more than float64 can
        hold, so that a probability underflows to 0).

    Raises
    ------
    TypeError
        If ``logits`` is not an array of real numbers or ``y`` not one of
        integers.
    ValueError
        If the shapes do not match, a label is out of range, or ``logits``
        contains NaN or an infinity.

    Examples
    --------
    >>> import numpy as np
    >>> from winit.networks import cross_entropy
    >>> round(cross_entropy(np.zeros((2, 10)), [3, 7]), 6)  # log(10): uniform guess
    2.302585
    """
    z = _real_array(logits, "logits", "the scores")
    if z.ndim != 2:
        raise ValueError(
            f"logits must be a 2-d array of shape (batch, classes); got shape {z.shape}"
        )
    y = _check_labels(y, z.shape[0], z.shape[1])
    with np.errstate(over="ignore", invalid="ignore"):
        return float(_sm.cross_entropy(z, y))


# --------------------------------------------------------------------------
# Parameters
# --------------------------------------------------------------------------


def init_weights(sizes, std=None, *, sampler=None, distribution="normal", rng=None,
                 dtype=np.float64):
    """Draw the weights of a fully connected network; biases are zero.

    Layer ``l`` maps ``sizes[l-1]`` units to ``sizes[l]`` units with a weight
    matrix of shape ``(sizes[l-1], sizes[l])`` (the ``x @ W`` layout, so
    ``fan_in = sizes[l-1]`` and ``fan_out = sizes[l]``) and a bias vector of
    zeros.  The weights come from one of three sources:

    * ``std`` a number: every layer's weights have that standard deviation;
    * ``std`` a sequence: one standard deviation per layer;
    * ``std`` a callable ``std(fan_in, fan_out) -> float``: the rule of a
      variance-scaling scheme, e.g. He et al. (2015)'s
      ``lambda n_in, n_out: (2 / n_in) ** 0.5``;
    * ``std=None`` (the default): :math:`\\sqrt{1 / \\text{fan\\_in}}`
      (LeCun et al., 1998, called "Xavier" by He et al., 2015),

    drawn from N(0, std^2) or, with ``distribution="uniform"``, from
    :math:`U[-\\sqrt{3}\\,\\sigma, \\sqrt{3}\\,\\sigma]`, which has the same
    standard deviation :math:`\\sigma`.  Or, for full control, ``sampler``:
    any callable ``sampler(fan_in, fan_out, rng)`` returning the
    ``(fan_in, fan_out)`` weight matrix, so that any scheme of
    :mod:`winit.schemes` plugs in.

    Glorot and Bengio (2010)'s two initialisations are, in this notation,

    .. math::

        W \\sim U\\left[-\\tfrac{1}{\\sqrt{n_{in}}}, \\tfrac{1}{\\sqrt{n_{in}}}\\right]
        \\;\\text{(their eq. 1, "standard")}, \\qquad
        W \\sim U\\left[-\\tfrac{\\sqrt 6}{\\sqrt{n_{in} + n_{out}}},
        \\tfrac{\\sqrt 6}{\\sqrt{n_{in} + n_{out}}}\\right]
        \\;\\text{(their eq. 16, "normalized")},

    that is ``std=lambda i, o: (1 / (3 * i)) ** 0.5`` and
    ``std=lambda i, o: (2 / (i + o)) ** 0.5`` with ``distribution="uniform"``.

    Parameters
    ----------
    sizes : sequence of int
        Layer widths from input to output, at least two entries, e.g.
        ``[1024, 1000, 1000, 9]``.
    std : float, sequence of float or callable, optional
        Standard deviation of the weights (see above).  Zero is allowed (the
        book's symmetry demonstration); negative is not.
    sampler : callable, optional
        ``sampler(fan_in, fan_out, rng) -> array`` of shape
        ``(fan_in, fan_out)``.  Exclusive with ``std``.
    distribution : {"normal", "uniform"}, default "normal"
        Distribution used with ``std``; ignored by ``sampler``.
    rng : None, int or numpy.random.Generator, optional
        Source of randomness (SPEC 7), normalised once and shared by all
        layers, so one seed fixes the whole network.
    dtype : {numpy.float64, numpy.float32}, default numpy.float64
        Floating type of the parameters.

    Returns
    -------
    list of (numpy.ndarray, numpy.ndarray)
        ``[(W_1, b_1), ..., (W_L, b_L)]`` with ``W_l`` of shape
        ``(sizes[l-1], sizes[l])`` and ``b_l`` of shape ``(sizes[l],)``.

    Raises
    ------
    TypeError
        If ``sizes`` is not a sequence of integers, ``std`` has the wrong
        kind, or ``sampler`` is not callable.
    ValueError
        If ``sizes`` has fewer than two entries or a non-positive entry,
        ``std`` is negative or has the wrong length, both ``std`` and
        ``sampler`` are given, or ``sampler`` returns the wrong shape or
        non-finite values.

    Notes
    -----
    A sampler adapts any ``(fan_in, fan_out)``-shaped scheme, e.g. the
    tutorial's ``winit.xavier`` as
    ``sampler=lambda n_in, n_out, rng: winit.xavier(n_in, size=(n_in, n_out), rng=rng)``.
    All layers draw from the one generator, in order, so ``rng=0`` fixes the
    whole network.

    Examples
    --------
    >>> from winit.networks import init_weights
    >>> params = init_weights([4, 3, 2], std=lambda n_in, n_out: (2 / n_in) ** 0.5, rng=0)
    >>> [(W.shape, b.shape) for W, b in params]
    [((4, 3), (3,)), ((3, 2), (2,))]

    References
    ----------
    .. [1] X. Glorot and Y. Bengio, "Understanding the difficulty of training
       deep feedforward neural networks", AISTATS 2010, eqs. 1 and 16.
    .. [2] K. He, X. Zhang, S. Ren and J. Sun, "Delving deep into rectifiers:
       Surpassing human-level performance on ImageNet classification",
       ICCV 2015, eq. 10.
    .. [3] Y. LeCun, L. Bottou, G. Orr and K.-R. Müller, "Efficient BackProp",
       in *Neural Networks: Tricks of the Trade*, 1998.
    """
    sizes = _check_sizes(sizes)
    n_layers = len(sizes) - 1
    check_choice(distribution, "distribution", _DISTRIBUTIONS)
    rng = check_rng(rng)
    dtype = check_dtype(dtype)
    if std is not None and sampler is not None:
        raise ValueError(
            "give either std or sampler (how the weights are drawn), not both; "
            f"got std={std!r} and sampler={sampler!r}"
        )
    if sampler is not None and not callable(sampler):
        raise TypeError(
            "sampler must be a callable sampler(fan_in, fan_out, rng) returning the "
            f"(fan_in, fan_out) weight matrix; got {sampler!r} of type {type(sampler).__name__}"
        )
    stds = None if sampler is not None else _layer_stds(std, sizes)
    if stds is not None:
        _check_spreads(stds, std, sizes, distribution, dtype)
    for l in range(n_layers):
        check_size_fits((sizes[l], sizes[l + 1]), dtype, f"sizes[{l}:{l + 2}]")

    params = []
    for l in range(n_layers):
        fan_in, fan_out = sizes[l], sizes[l + 1]
        if sampler is not None:
            W = np.asarray(sampler(fan_in, fan_out, rng))
            if W.shape != (fan_in, fan_out):
                raise ValueError(
                    f"sampler must return an array of shape (fan_in, fan_out) = "
                    f"({fan_in}, {fan_out}) for layer {l + 1} (the x @ W layout); "
                    f"got shape {W.shape}"
                )
            if W.dtype.kind not in "iuf":
                raise ValueError(
                    f"sampler must return finite real numbers; layer {l + 1} got "
                    f"{'complex values' if W.dtype.kind == 'c' else 'non-numeric values'} "
                    f"(dtype {W.dtype})"
                )
            if not np.all(np.isfinite(W)):
                raise ValueError(
                    f"sampler must return finite real numbers; layer {l + 1} got inf or nan"
                )
            with np.errstate(over="ignore"):
                W = W.astype(dtype, copy=True)
            if not np.all(np.isfinite(W)):
                raise ValueError(
                    f"sampler must return finite real numbers; layer {l + 1} got values too "
                    f"large for {dtype}"
                )
        elif distribution == "normal":
            W = rng.normal(0.0, stds[l], size=(fan_in, fan_out)).astype(dtype, copy=False)
        else:
            bound = math.sqrt(3.0) * stds[l]
            W = rng.uniform(-bound, bound, size=(fan_in, fan_out)).astype(dtype, copy=False)
        params.append((W, np.zeros(fan_out, dtype=dtype)))
    return params


def _check_spreads(stds, std, sizes, distribution, dtype):
    """Refuse a non-zero standard deviation the weights' dtype cannot draw
    (:func:`winit._validation.check_spread`; for the uniform, ``sqrt(3) * std``
    must fit).  Zero is allowed: every weight 0, the book's symmetry demonstration.
    """
    factor = math.sqrt(3.0) if distribution == "uniform" else 1.0
    for l, s in enumerate(stds):
        if callable(std):
            name = f"std({sizes[l]}, {sizes[l + 1]})"
        elif isinstance(std, (list, tuple, np.ndarray)):
            name = f"std[{l}]"
        else:
            name = "std"
        check_spread(s, name, f"the standard deviation of the weights of layer {l + 1}", dtype,
                     factor=factor, zero=True, kind=distribution)


def _check_sizes(sizes):
    return check_counts(sizes, "sizes", "the layer widths from input to output", min_len=2,
                        each="a layer width")


def _layer_stds(std, sizes):
    n_layers = len(sizes) - 1
    meaning = "the standard deviation of the weights"
    if std is None:
        return [1.0 / math.sqrt(sizes[l]) for l in range(n_layers)]
    if isinstance(std, numbers.Real) and not isinstance(std, (bool, np.bool_)):
        return [check_real(std, "std", meaning, nonnegative=True)] * n_layers
    if callable(std):
        return [
            check_real(std(sizes[l], sizes[l + 1]), f"std({sizes[l]}, {sizes[l + 1]})",
                       meaning + " of layer " + str(l + 1), nonnegative=True)
            for l in range(n_layers)
        ]
    if isinstance(std, (list, tuple, np.ndarray)):
        std = list(np.asarray(std).ravel()) if isinstance(std, np.ndarray) else list(std)
        if len(std) != n_layers:
            raise ValueError(
                f"std must be a sequence of one standard deviation per layer ({n_layers} for "
                f"sizes={sizes}); got {len(std)} entries"
            )
        return [check_real(s, f"std[{l}]", meaning + " of layer " + str(l + 1),
                           nonnegative=True) for l, s in enumerate(std)]
    raise TypeError(
        "std must be None, a non-negative number, a sequence of them (one per layer) or "
        f"a callable std(fan_in, fan_out); got {std!r} of type {type(std).__name__}"
    )


def _check_params(params):
    """Return params as a list of (W, b) ndarrays after checking their shapes."""
    params = check_sequence(params, "params", "one (W, b) pair per layer, as init_weights "
                            "returns", what="(W, b) pairs")
    out = []
    dtype = None
    for l, pair in enumerate(params):
        meaning = f"the weights and biases of layer {l + 1}"
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise TypeError(f"params[{l}] must be a (W, b) pair ({meaning}); got "
                            f"{type(pair).__name__}")
        W, b = pair
        if not (isinstance(W, np.ndarray) and isinstance(b, np.ndarray)
                and W.dtype in (np.float32, np.float64) and b.dtype == W.dtype):
            got = (f"W of {W.dtype} and b of {b.dtype}"
                   if isinstance(W, np.ndarray) and isinstance(b, np.ndarray)
                   else f"({type(W).__name__}, {type(b).__name__})")
            raise TypeError(f"params[{l}] must be a pair of float32 or float64 arrays of one "
                            f"dtype ({meaning}); got {got}")
        if dtype is None:
            dtype = W.dtype
        elif W.dtype != dtype:
            raise TypeError(f"params must be pairs of arrays of one dtype (the parameters of one "
                            f"network); layer 1 is {dtype} but layer {l + 1} is {W.dtype}")
        if W.ndim != 2 or b.shape != (W.shape[1],):
            raise ValueError(f"params[{l}] must be W of shape (n_in, n_out) and b of shape "
                             f"(n_out,) ({meaning}); got W of shape {W.shape} and b of shape "
                             f"{b.shape}")
        if l > 0 and W.shape[0] != out[-1][0].shape[1]:
            k = out[-1][0].shape[1]
            raise ValueError(f"params[{l}] must have a W of {k} rows (layer {l} outputs {k} "
                             f"units); got W of shape {W.shape}")
        check_array(W, f"params[{l}]", meaning, dtype="param")
        check_array(b, f"params[{l}]", meaning, dtype="param")
        out.append((W, b))
    return out


def _check_inputs(x, n_in, dtype, name="x"):
    """``x`` as a finite ``(batch, n_in)`` array of ``dtype``."""
    return check_array(x, name, "the inputs", dtype=dtype, shape=(("batch", 1), n_in))


def _check_labels(y, batch, n_classes, name="y"):
    return check_labels(y, name, batch, n_classes, classes=f"the network has {n_classes} outputs")


# --------------------------------------------------------------------------
# Forward and backward passes
# --------------------------------------------------------------------------


@dataclass
class ForwardRecord:
    """Everything a forward pass computed, layer by layer.

    Attributes
    ----------
    x : numpy.ndarray, shape (B, n_0)
        The inputs, :math:`h_0`.
    pre_activations : list of numpy.ndarray
        :math:`z_1, \\dots, z_L`, each of shape ``(B, n_l)``; the last is the
        output layer's logits.
    activations : list of numpy.ndarray
        The hidden layers' :math:`h_l = f(z_l)`, :math:`l = 1, \\dots, L-1`.
        (The output layer has no activation function.)
    outputs : numpy.ndarray, shape (B, n_L)
        Softmax probabilities if ``output="softmax"``, else the logits.
    activation : str
        The hidden-layer activation function used.
    output : {"softmax", None}
        What was applied after the last layer.
    finite : bool
        ``False`` if any recorded value overflowed to ``inf`` or became
        ``nan`` (an exploding signal).
    """

    x: np.ndarray
    pre_activations: list
    activations: list
    outputs: np.ndarray
    activation: str
    output: str | None
    finite: bool


@dataclass
class BackwardRecord:
    """Everything a backward pass computed, layer by layer.

    Attributes
    ----------
    loss : float or None
        Mean softmax cross-entropy if labels were given, else ``None``.
    grad_pre_activations : list of numpy.ndarray
        :math:`\\partial \\mathcal{L} / \\partial z_l` for :math:`l = 1, \\dots, L`,
        the back-propagated gradients Glorot and Bengio (2010) plot in their
        Figure 7.  With the mean loss these carry a factor :math:`1/B`.
    grad_activations : list of numpy.ndarray
        :math:`\\partial \\mathcal{L} / \\partial h_l` for the hidden layers
        :math:`l = 1, \\dots, L-1`.
    grad_weights : list of numpy.ndarray
        :math:`\\partial \\mathcal{L} / \\partial W_l = h_{l-1}^\\top\\, \\partial
        \\mathcal{L} / \\partial z_l`, shaped like ``W_l``.
    grad_biases : list of numpy.ndarray
        :math:`\\partial \\mathcal{L} / \\partial b_l`, shaped like ``b_l``.
    finite : bool
        ``False`` if any gradient is ``inf`` or ``nan``.
    """

    loss: float | None
    grad_pre_activations: list
    grad_activations: list
    grad_weights: list
    grad_biases: list
    finite: bool


def forward(params, x, activation, output="softmax"):
    """Run a batch through the network and record every layer.

    .. math::

        z_l = h_{l-1} W_l + b_l, \\quad h_l = f(z_l) \\;(l < L), \\qquad
        \\text{outputs} = \\operatorname{softmax}(z_L) \\text{ or } z_L.

    Parameters
    ----------
    params : list of (numpy.ndarray, numpy.ndarray)
        ``[(W_1, b_1), ..., (W_L, b_L)]`` as from :func:`init_weights`.
    x : array_like, shape (B, n_0)
        A batch of inputs, one row per example; cast to the parameters' dtype.
    activation : {"tanh", "sigmoid", "relu", "leaky_relu", "linear", "gelu"}
        Activation function of the hidden layers (:data:`ACTIVATIONS`).  The
        last layer is linear.
    output : {"softmax", None}, default "softmax"
        Apply a softmax to the last layer (classification) or leave it linear.

    Returns
    -------
    ForwardRecord
        Pre-activations, activations and outputs of every layer, and whether
        they are all finite.  Overflow does not raise or warn: check
        ``record.finite``.

    Raises
    ------
    TypeError, ValueError
        If ``params``, ``x``, ``activation`` or ``output`` is malformed; the
        message names the argument.

    Examples
    --------
    >>> import numpy as np
    >>> from winit.networks import init_weights, forward
    >>> params = init_weights([3, 5, 2], rng=0)
    >>> rec = forward(params, np.ones((4, 3)), "tanh")
    >>> [z.shape for z in rec.pre_activations], rec.outputs.sum(axis=1)
    ([(4, 5), (4, 2)], array([1., 1., 1., 1.]))
    """
    params = _check_params(params)
    check_choice(activation, "activation", ACTIVATIONS)
    if output is not None:
        check_choice(output, "output", ("softmax",))
    x = _check_inputs(x, params[0][0].shape[0], params[0][0].dtype)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        pre, post = _forward(params, x, activation)
        outputs = _sm.softmax(pre[-1]) if output == "softmax" else pre[-1]
    finite = all(np.isfinite(a).all() for a in pre) and bool(np.isfinite(outputs).all())
    return ForwardRecord(x=x, pre_activations=pre, activations=post, outputs=outputs,
                         activation=activation, output=output, finite=finite)


def _forward(params, x, activation):
    f = _activations.get(activation).function
    pre, post = [], []
    h = x
    last = len(params) - 1
    for l, (W, b) in enumerate(params):
        z = h @ W
        z += b
        pre.append(z)
        if l < last:
            h = f(z)
            post.append(h)
    return pre, post


def backward(params, record, y=None, *, grad_output=None):
    """Back-propagate through the network and record every layer's gradients.

    With labels ``y`` (and a forward pass made with ``output="softmax"``)
    the loss is the mean softmax cross-entropy and the gradient at the
    logits is :math:`(\\operatorname{softmax}(z_L) - \\text{onehot}(y)) / B`.
    Otherwise ``grad_output`` gives :math:`\\partial \\mathcal{L} / \\partial
    z_L` directly, e.g. random unit vectors for a pure signal-propagation
    study.  Then, for :math:`l = L, \\dots, 1`,

    .. math::

        \\frac{\\partial \\mathcal{L}}{\\partial W_l} = h_{l-1}^\\top
        \\frac{\\partial \\mathcal{L}}{\\partial z_l}, \\quad
        \\frac{\\partial \\mathcal{L}}{\\partial h_{l-1}} =
        \\frac{\\partial \\mathcal{L}}{\\partial z_l} W_l^\\top, \\quad
        \\frac{\\partial \\mathcal{L}}{\\partial z_{l-1}} =
        \\frac{\\partial \\mathcal{L}}{\\partial h_{l-1}} \\odot f'(z_{l-1}).

    Parameters
    ----------
    params : list of (numpy.ndarray, numpy.ndarray)
        The parameters the forward pass used.
    record : ForwardRecord
        From :func:`forward` with the same ``params``.
    y : array_like of int, shape (B,), optional
        Class labels; requires ``record.output == "softmax"``.
    grad_output : array_like, shape (B, n_L), optional
        :math:`\\partial \\mathcal{L} / \\partial z_L`; exclusive with ``y``.

    Returns
    -------
    BackwardRecord
        Loss (with ``y``), back-propagated gradients of every layer, weight
        and bias gradients, and whether they are all finite.

    Raises
    ------
    TypeError, ValueError
        If neither or both of ``y`` and ``grad_output`` are given, a shape
        does not match, or ``y`` is given for a forward pass without softmax.

    Examples
    --------
    >>> import numpy as np
    >>> from winit.networks import init_weights, forward, backward
    >>> params = init_weights([3, 5, 2], rng=0)
    >>> rec = forward(params, np.ones((4, 3)), "relu")
    >>> grads = backward(params, rec, y=[0, 1, 0, 1])
    >>> [g.shape for g in grads.grad_weights]
    [(3, 5), (5, 2)]
    """
    params = _check_params(params)
    if not isinstance(record, ForwardRecord):
        raise TypeError(
            f"record must be the ForwardRecord that forward returned; got {type(record).__name__}"
        )
    if len(record.pre_activations) != len(params) or any(
        z.shape[1] != W.shape[1] for z, (W, _) in zip(record.pre_activations, params)
    ):
        raise ValueError(
            "record must come from forward with the same params; its layer widths "
            f"{[z.shape[1] for z in record.pre_activations]} do not match params' "
            f"{[W.shape[1] for W, _ in params]}"
        )
    batch, n_out = record.pre_activations[-1].shape
    if (y is None) == (grad_output is None):
        raise ValueError(
            "give exactly one of y (class labels, for the cross-entropy loss) and "
            "grad_output (dL/dz of the last layer); got "
            + ("neither" if y is None else "both")
        )
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        if y is not None:
            if record.output != "softmax":
                raise ValueError(
                    "y needs a forward pass made with output='softmax' (the loss is the "
                    f"softmax cross-entropy); record has output={record.output!r}"
                )
            y = _check_labels(y, batch, n_out)
            loss = float(_sm.cross_entropy(record.pre_activations[-1], y))
            g = record.outputs.copy()
            g[np.arange(batch), y] -= 1.0
            g /= batch
        else:
            loss = None
            g = check_array(grad_output, "grad_output", "dL/dz of the last layer",
                            shape=(batch, n_out))
            g = g.astype(params[0][0].dtype, copy=True)
        gz, gh, gW, gb = _backward(params, record.x, record.pre_activations,
                                   record.activations, record.activation, g)
    finite = all(np.isfinite(a).all() for a in gz) and all(np.isfinite(a).all() for a in gW)
    return BackwardRecord(loss=loss, grad_pre_activations=gz, grad_activations=gh,
                          grad_weights=gW, grad_biases=gb, finite=finite)


def _backward(params, x, pre, post, activation, g):
    backprop = _activations.get(activation).backprop
    n = len(params)
    gz, gh, gW, gb = [None] * n, [None] * (n - 1), [None] * n, [None] * n
    for l in range(n - 1, -1, -1):
        gz[l] = g
        h_prev = post[l - 1] if l > 0 else x
        gW[l] = h_prev.T @ g
        gb[l] = g.sum(axis=0)
        if l > 0:
            gh[l - 1] = g @ params[l][0].T
            g = backprop(gh[l - 1], pre[l - 1], post[l - 1])
    return gz, gh, gW, gb


# --------------------------------------------------------------------------
# Training
# --------------------------------------------------------------------------


@dataclass
class TrainResult(TrainHistory):
    """What :func:`train_sgd` returns: a :class:`TrainHistory` and the trained parameters.

    Attributes
    ----------
    losses, steps, diverged, diverged_at
        The loss history, as every trainer of winit records it (see
        :class:`TrainHistory`).
    params : list of (numpy.ndarray, numpy.ndarray)
        The parameters after training (new arrays; the caller's are untouched).
        After a divergence, the parameters that produced the non-finite loss,
        or the non-finite ones the last update left.
    """

    params: list = field(kw_only=True)


def train_sgd(params, x, y, *, steps, lr, batch_size, activation, rng=None, record_every=1,
              bias_lr=None, orders=None):
    """Train with plain minibatch SGD on the softmax cross-entropy.

    Each step draws the next ``batch_size`` examples of a shuffled pass over
    the data (reshuffled every epoch; the remainder of an epoch smaller than
    a batch is skipped), computes the mean cross-entropy, back-propagates,
    and updates every parameter by :math:`\\theta \\leftarrow \\theta - \\eta
    \\, \\partial \\mathcal{L} / \\partial \\theta`.  No momentum, weight
    decay or clipping: the plain algorithm whose behaviour the initialisation
    papers study.  The learning rate :math:`\\eta` may differ between layers,
    and between a layer's weights and its biases (as in the maximal update
    parametrization, :mod:`winit.mup`).

    **Divergence.**  If a minibatch loss is ``inf`` or ``nan`` (an exploding
    network), training stops at once: the result has ``diverged=True``, the
    step in ``diverged_at``, and the non-finite value as the last recorded
    loss.  If the last step's update overflows a parameter, the result says
    ``diverged=True`` too (``diverged_at`` is the last step; every recorded
    loss, measured before an update, is finite).  No exception and no
    warning: an exploding run is one of the outcomes the book plots.

    Parameters
    ----------
    params : list of (numpy.ndarray, numpy.ndarray)
        Initial parameters, from :func:`init_weights`; copied, not modified.
    x : array_like, shape (N, n_0)
        Training inputs.
    y : array_like of int, shape (N,)
        Training labels in ``0, ..., n_L - 1``.
    steps : int
        Number of SGD steps (minibatches).
    lr : float or sequence of float
        Learning rate :math:`\\eta > 0`, or one per layer (``L`` of them).
    batch_size : int
        Examples per minibatch, at most ``N``.
    activation : str
        Activation function of the hidden layers, a name in
        :data:`winit.activations.ACTIVATIONS`.
    rng : None, int or numpy.random.Generator, optional
        Source of randomness for the shuffling (SPEC 7); not used with
        ``orders``.
    record_every : int, default 1
        Record the mean minibatch loss of every window of this many steps.
    bias_lr : float or sequence of float, optional
        The biases' learning rate (or one per layer); by default ``lr``.
    orders : array_like of int, shape (steps, batch_size), optional
        The minibatches to take instead of shuffling: row ``t`` holds the
        indices of the examples of step ``t``.

    Returns
    -------
    TrainResult
        Loss history, final parameters and the divergence flag.

    Raises
    ------
    TypeError, ValueError
        If an argument is malformed (the message names it), or both ``rng``
        and ``orders`` are given.

    Examples
    --------
    >>> import numpy as np
    >>> from winit.networks import init_weights, train_sgd
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(200, 2)); y = (x[:, 0] > 0).astype(int)
    >>> params = init_weights([2, 16, 2], rng=rng)
    >>> res = train_sgd(params, x, y, steps=200, lr=0.5, batch_size=20,
    ...                 activation="tanh", rng=rng, record_every=50)
    >>> bool(res.losses[-1] < res.losses[0])
    True
    """
    params = _check_params(params)
    if orders is None:
        rng = [check_rng(rng)]
    elif rng is not None:
        raise ValueError("give rng (to shuffle) or orders (the minibatches), not both; got "
                         f"rng={rng!r:.40} and orders")
    trainer, windows, _ = _train([params], x, y, steps=steps, lr=lr, bias_lr=bias_lr,
                                 batch_size=batch_size, activation=activation, rngs=rng,
                                 orders=orders, record_every=record_every)
    losses, ends, diverged, diverged_at = windows.history(0)
    return TrainResult(losses=losses, steps=ends, params=trainer.params()[0],
                       diverged=diverged, diverged_at=diverged_at)


def _train(nets, x, y, *, steps, lr, bias_lr, batch_size, activation, rngs, orders,
           record_every, monitor=(), probe=None, exact_products=False):
    """Check the arguments, then train the stack of ``nets`` (checked) with the engine's loop.

    Returns the trainer, the :class:`~winit._engine.LossWindows`, and the
    monitored measurements ``(mon_loss, mon_err, probe_pre)``.
    """
    n_runs, n_layers = len(nets), len(nets[0])
    check_choice(activation, "activation", ACTIVATIONS)
    steps, batch_size, record_every = check_steps(steps, batch_size, record_every, n_runs)
    rate_w = check_rates(lr, "lr", n_runs, n_layers)
    rate_b = rate_w if bias_lr is None else check_rates(bias_lr, "bias_lr", n_runs, n_layers)
    dtype = nets[0][0][0].dtype
    n_in, n_out = nets[0][0][0].shape[0], nets[0][-1][0].shape[1]
    x = _check_inputs(x, n_in, dtype)
    n = x.shape[0]
    y = _check_labels(y, n, n_out)
    if batch_size > n:
        raise ValueError(
            f"batch_size must be at most the number of examples ({n}); got {batch_size}"
        )
    if orders is not None:
        orders = check_orders(orders, n_runs, steps, batch_size, n)
    if isinstance(monitor, (str, bytes)) or not hasattr(monitor, "__len__"):
        raise TypeError(f"monitor must be a sequence of (x, y) pairs; got {monitor!r:.80}")
    sets = []
    for m, pair in enumerate(monitor):
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise TypeError(f"monitor[{m}] must be an (x, y) pair; got {type(pair).__name__}")
        xm = _check_inputs(pair[0], n_in, dtype, name=f"monitor[{m}] x")
        ym = _check_labels(pair[1], xm.shape[0], n_out, name=f"monitor[{m}] y")
        sets.append((_augment(xm), ym))
    if probe is not None:
        probe = _augment(_check_inputs(probe, n_in, dtype, name="probe"))

    exact_products = check_flag(exact_products, "exact_products", "whether every product is exact on rounded operands")
    if exact_products and dtype != np.float64:
        raise ValueError(f"exact_products needs float64 networks (their products are exact "
                         f"in float64); got {dtype}")
    trainer = _StackTrainer(nets, batch_size, activation, rate_w, rate_b, exact_products)
    windows = LossWindows(n_runs, steps, record_every)
    n_windows = len(windows.ends)
    mon_loss = np.full((n_runs, len(sets), n_windows + 1), np.nan)
    mon_err = np.full((n_runs, len(sets), n_windows + 1), np.nan)
    probe_pre = [] if probe is None else [
        np.full((n_runs, n_windows + 1, probe.shape[0], W.shape[1]), np.nan, dtype)
        for W, _ in nets[0]]

    def measure(k):
        alive = windows.alive
        for m, (xm, ym) in enumerate(sets):
            mon_loss[alive, m, k], mon_err[alive, m, k] = trainer.evaluate(xm, ym)
        if probe is not None:
            for l, z in enumerate(trainer.pre_activations(probe)):
                probe_pre[l][alive, k] = z

    x_aug = _augment(x)  # a column of ones: the bias rides in the matmul
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        run(windows, Minibatches(n, batch_size, rngs, orders),
            lambda idx: trainer.step(x_aug[idx], y[idx]), finite=trainer.finite,
            drop=trainer.keep, measure=measure if sets or probe is not None else None)
    return trainer, windows, (mon_loss, mon_err, probe_pre)


def _augment(x):
    """``x`` with a last column of ones, so that a layer's bias rides in its matmul."""
    out = np.empty((x.shape[0], x.shape[1] + 1), x.dtype)
    out[:, :-1] = x
    out[:, -1] = 1.0
    return out


class _StackTrainer:
    """The SGD step of ``R`` networks of one shape at once, its arrays allocated once.

    :func:`train_sgd` is the case ``R = 1``.  The arithmetic is that of
    :func:`forward` and :func:`backward` followed by ``theta -= lr * grad``
    (``test_networks`` checks one step against them); only the bookkeeping
    differs, so that a step is little more than its matrix products:

    * each layer's weights and bias are one ``(n_in + 1, n_out)`` matrix
      ``[W; b]``, the ``R`` runs' matrices one ``(R, n_in + 1, n_out)``
      stack, and each layer's input carries a last column of ones, so the
      bias is added by the forward product and its gradient comes out of the
      weight-gradient product; every product is one :func:`numpy.matmul`
      over the leading run axis;
    * with one learning rate for every run and layer, it is folded into the
      gradient at the logits (:func:`winit._softmax.loss_and_grad`), a
      ``(R, B, K)`` scaling, so the update is one in-place subtraction; with
      rates per layer (or run), each layer's back-propagated signal is
      scaled by its rate before the outer product, and a separate bias rate
      rewrites the bias row;
    * a minibatch shared by every run is one ``(B, n_0 + 1)`` input, which
      the first products broadcast over the runs;
    * every intermediate array is allocated once and written with ``out=``.
    """

    def __init__(self, nets, batch, activation, rate_w, rate_b, exact_products=False):
        self.activation = activation
        # with exact products, step() rounds each operand once where two products share it
        # (self.exact False with self.matmul exact_matmul: product by product, the same bits)
        self.exact = exact_products
        self.matmul = exact_matmul if exact_products else np.matmul
        self.dtype = dtype = nets[0][0][0].dtype
        self.Wb = []
        for l, (W0, _) in enumerate(nets[0]):
            Wb = np.empty((len(nets), W0.shape[0] + 1, W0.shape[1]), dtype)
            for r, p in enumerate(nets):
                Wb[r, :-1], Wb[r, -1] = p[l]
            self.Wb.append(Wb)
        self.final = [None] * len(nets)  # parameters of runs that stopped
        self.ids = list(range(len(nets)))
        self.batch = batch
        self.lr = None  # the one rate, folded into the gradient at the logits
        self.rate_w = self.rate_b = None
        if (rate_w == rate_w.flat[0]).all() and (rate_b == rate_w.flat[0]).all():
            self.lr = float(rate_w.flat[0])
        else:
            self.rate_w = [rate_w[:, l, None, None].astype(dtype) for l in range(len(self.Wb))]
            if not np.array_equal(rate_b, rate_w):
                self.rate_b = [rate_b[:, l, None].astype(dtype) for l in range(len(self.Wb))]
        self._alloc(len(nets))

    def _alloc(self, n_runs):
        dtype, batch = self.dtype, self.batch
        widths = [Wb.shape[2] for Wb in self.Wb]
        self.z = [np.empty((n_runs, batch, m), dtype) for m in widths]
        self.h = []
        for m in widths[:-1]:
            h = np.empty((n_runs, batch, m + 1), dtype)
            h[:, :, m] = 1.0
            self.h.append(h)
        self.gh = [np.empty((n_runs, batch, m), dtype) for m in widths[:-1]]
        self.tmp = [np.empty((n_runs, batch, m), dtype) for m in widths[:-1]]
        self.gWb = [np.empty_like(Wb) for Wb in self.Wb]
        self.gs = None if self.rate_w is None else [
            np.empty((n_runs, batch, m), dtype) for m in widths]

    def keep(self, mask):
        """Drop the runs where ``mask`` is False, keeping their parameters."""
        for i in np.flatnonzero(~mask):
            self.final[self.ids[i]] = [Wb[i] for Wb in self.Wb]  # self.Wb is replaced below
        self.ids = [r for r, k in zip(self.ids, mask) if k]
        self.Wb = [Wb[mask] for Wb in self.Wb]
        if self.rate_w is not None:
            self.rate_w = [r[mask] for r in self.rate_w]
        if self.rate_b is not None:
            self.rate_b = [r[mask] for r in self.rate_b]
        self._alloc(len(self.ids))

    def params(self):
        """Every run's parameters, as lists of ``(W, b)`` pairs.

        They are views of the trainer's arrays, so the trainer must not
        step again.
        """
        for i, r in enumerate(self.ids):
            self.final[r] = [Wb[i] for Wb in self.Wb]
        return [[(Wb[:-1], Wb[-1]) for Wb in net] for net in self.final]

    def finite(self):
        """Whether each run's parameters are all finite."""
        return np.logical_and.reduce([np.isfinite(Wb).all(axis=(1, 2)) for Wb in self.Wb])

    def pre_activations(self, xa, every=True):
        """Every layer's pre-activations of every run on one (augmented) set
        (with ``every=False``, only the last layer's, the logits)."""
        n_runs, n, act = len(self.ids), xa.shape[0], self.activation
        out, inp = [], xa
        for l, Wb in enumerate(self.Wb):
            z = self.matmul(inp, Wb)
            if every or l == len(self.Wb) - 1:
                out.append(z)
            if l < len(self.Wb) - 1:
                inp = np.empty((n_runs, n, Wb.shape[2] + 1), self.dtype)
                inp[..., -1] = 1.0
                _activate_into(z, inp[..., :-1], act)
        return out

    def evaluate(self, xa, ya):
        """Mean cross-entropy and error rate of every run on one (augmented) set."""
        logits = self.pre_activations(xa, every=False)[-1]
        loss = _sm.cross_entropy(logits, ya, dtype=np.float64)
        err = np.mean(logits.argmax(axis=2) != ya[None, :], axis=1)
        return loss, err

    def step(self, xb, yb):
        """One in-place step of every run; the runs' losses before it (float64).

        ``xb`` is ``(R, B, n_0 + 1)``, or ``(B, n_0 + 1)`` shared by every
        run; ``yb`` accordingly.  Runs whose loss is not finite are left as
        they were.
        """
        Wb, z, h, act, exact = self.Wb, self.z, self.h, self.activation, self.exact
        n_layers = len(Wb)
        # Exact products (exact_matmul's, product by product): an operand's grid depends only
        # on its values and on the bits its product keeps, so each layer's input, rounded for
        # the forward product, serves again transposed for the weight gradient, and the
        # back-propagated signal serves both backward products, when their bits agree.
        inputs = []  # per layer: (the input on its grid, its bits)
        inp = xb
        for l in range(n_layers):
            if exact:
                bits = grid_bits(inp.shape[-1])
                inputs.append((on_grid(inp, bits), bits))
                grid_product(inputs[l][0], on_grid(Wb[l], bits), out=z[l])
            else:
                self.matmul(inp, Wb[l], out=z[l])
            if l < n_layers - 1:
                _activate_into(z[l], h[l][..., :-1], act)
                inp = h[l]
        loss, g = _sm.loss_and_grad(z[-1], yb, 1.0 if self.lr is None else self.lr)
        # The mean in the networks' dtype, then as float64 for the history.
        loss = loss.astype(np.float64)
        ok = np.isfinite(loss)
        stop = not ok.all()
        if stop:
            g[~ok] = 0.0
        for l in range(n_layers - 1, -1, -1):
            below = h[l - 1] if l > 0 else xb
            g_grid = None
            if l > 0:
                if exact:
                    bits = grid_bits(g.shape[-1])
                    g_grid = (on_grid(g, bits), bits)
                    gh = grid_product(g_grid[0], on_grid(Wb[l][:, :-1].mT, bits), out=self.gh[l - 1])
                else:
                    gh = self.matmul(g, Wb[l][:, :-1].mT, out=self.gh[l - 1])
                _backprop_into(gh, z[l - 1], h[l - 1][..., :-1], self.tmp[l - 1], act)
            gl = g if self.rate_w is None else np.multiply(g, self.rate_w[l], out=self.gs[l])
            if exact:
                bits = grid_bits(below.shape[-2])
                (b_int, b_unit), b_bits = inputs[l]
                below_grid = (b_int.mT, b_unit) if b_bits == bits else on_grid(below.mT, bits)
                reuse = g_grid is not None and g_grid[1] == bits and gl is g
                grid_product(below_grid, g_grid[0] if reuse else on_grid(gl, bits), out=self.gWb[l])
            else:
                self.matmul(below.mT, gl, out=self.gWb[l])
            if self.rate_b is not None:
                np.multiply(g.sum(axis=1), self.rate_b[l], out=self.gWb[l][:, -1])
            if stop:
                self.gWb[l][~ok] = 0.0
            Wb[l] -= self.gWb[l]
            if l > 0:
                g = gh
        return loss


def _activate_into(z, out, activation):
    """out[...] = f(z), written into ``out`` (possibly a strided view)."""
    _activations.get(activation).activate_into(z, out)


def _backprop_into(gh, z, h, tmp, activation):
    """gh *= f'(z) in place, using h = f(z) where that is cheaper."""
    _activations.get(activation).backprop_into(gh, z, h, tmp)


# --------------------------------------------------------------------------
# Many independent networks at once
# --------------------------------------------------------------------------


@dataclass
class StackTrainResult:
    """What :func:`train_sgd_stack` returns: ``R`` runs of :func:`train_sgd`.

    Attributes
    ----------
    losses : numpy.ndarray, shape (R, W)
        ``losses[r, k]`` is run ``r``'s mean minibatch cross-entropy over
        the steps of window ``k``, exactly as ``TrainResult.losses``.  A
        run that diverged has its non-finite loss in the window where it
        happened and ``nan`` after it.
    steps : numpy.ndarray of int, shape (W,)
        The step that ends each window (1-based count of steps run).
    params : list of list of (numpy.ndarray, numpy.ndarray)
        ``params[r]``: run ``r``'s parameters after training (new arrays);
        after a divergence, the parameters that produced the non-finite loss,
        or the non-finite ones the last update left.
    diverged : numpy.ndarray of bool, shape (R,)
        Whether each run met an ``inf`` or ``nan`` loss and stopped, or was
        left with an ``inf`` or ``nan`` parameter by the last update.
    diverged_at : numpy.ndarray of int, shape (R,)
        The 0-based step at which each run diverged, ``-1`` if it did not.
    monitor_steps : numpy.ndarray of int, shape (W + 1,)
        ``0`` and then ``steps``: when the monitored sets were measured
        (step 0 is the initialisation).
    monitor_losses, monitor_errors : numpy.ndarray, shape (R, M, W + 1)
        Mean cross-entropy and share of misclassified examples of each of
        the ``M`` monitored sets, measured with each run's parameters after
        ``monitor_steps[k]`` steps; ``nan`` once a run has diverged.  Empty
        (``M = 0``) if no set was monitored.
    probe_pre_activations : list of numpy.ndarray
        With a ``probe``: one array per layer ``l``, of shape
        ``(R, W + 1, N_p, n_l)``, its pre-activations :math:`z_l` on the
        ``N_p`` probe inputs after ``monitor_steps[k]`` steps; ``nan`` once a
        run has diverged.  Empty without a probe.
    """

    losses: np.ndarray
    steps: np.ndarray
    params: list
    diverged: np.ndarray
    diverged_at: np.ndarray
    monitor_steps: np.ndarray
    monitor_losses: np.ndarray
    monitor_errors: np.ndarray
    probe_pre_activations: list = field(default_factory=list)

    def run(self, r):
        """Run ``r`` as the :class:`TrainResult` :func:`train_sgd` would return."""
        if isinstance(r, (bool, np.bool_)) or not isinstance(r, numbers.Integral):
            raise TypeError(f"r must be an integer run index; got {r!r}")
        r = int(r)
        if not -len(self.params) <= r < len(self.params):
            raise IndexError(f"r must be a run index in 0..{len(self.params) - 1}; got {r}")
        r %= len(self.params)
        losses, ends, diverged, diverged_at = run_history(self.losses[r], self.steps,
                                                          self.diverged_at[r])
        return TrainResult(losses=losses, steps=ends, params=self.params[r], diverged=diverged,
                           diverged_at=diverged_at)


def train_sgd_stack(params, x, y, *, steps, lr, batch_size, activation, rng=None,
                    record_every=1, monitor=(), bias_lr=None, orders=None, probe=None,
                    exact_products=False):
    """Train ``R`` networks of the same shape at once, each as :func:`train_sgd` would.

    Run ``r`` starts from ``params[r]`` and shuffles the data with its own
    generator ``rng[r]`` (or takes the minibatches ``orders`` gives); it
    follows exactly the algorithm of :func:`train_sgd` (same minibatch
    order, same updates, same stop at a non-finite loss), so that
    ``train_sgd_stack(params, ..., rng=seeds)`` and ``[train_sgd(p, ...,
    rng=s) for p, s in zip(params, seeds)]`` give the same losses and
    parameters.  What differs is the arithmetic's shape: the ``R`` weight
    matrices of a layer are one ``(R, n_in + 1, n_out)`` array, and every
    product is one :func:`numpy.matmul` over the leading run axis, so one
    Python loop over layers and steps serves all runs.  For the book's small
    networks (64 units) that is several times faster than ``R`` separate
    runs.

    The learning rate may differ between runs and layers, and the biases
    may have their own: a sweep over learning rates, or the per-layer rates
    of the maximal update parametrization (:mod:`winit.mup`), is one stack.

    Optionally, the mean cross-entropy and the error rate (share of
    examples whose largest logit is not their label) of whole data sets,
    e.g. the training set and a held-out set, and every layer's
    pre-activations on a probe batch (the coordinate check of Yang et al.,
    2022), are measured for every run at initialisation and at the end of
    every window of ``record_every`` steps.

    Parameters
    ----------
    params : sequence of list of (numpy.ndarray, numpy.ndarray)
        ``R >= 1`` networks from :func:`init_weights`, all with the same
        layer shapes and dtype; copied, not modified.
    x : array_like, shape (N, n_0)
        Training inputs, shared by every run.
    y : array_like of int, shape (N,)
        Training labels in ``0, ..., n_L - 1``.
    steps : int
        SGD steps per run.
    lr : float, sequence of float, or array_like of shape (R, L)
        Learning rate :math:`\\eta > 0`: one for every run and layer, one
        per layer (``L`` of them), or one per run and layer.
    batch_size : int
        Examples per minibatch, at most ``N``.
    activation : str
        Activation function of the hidden layers, a name in
        :data:`winit.activations.ACTIVATIONS`.
    rng : sequence of (None, int or numpy.random.Generator)
        One source of randomness per run (SPEC 7 each), for its shuffling.
        Give ``rng`` or ``orders``.
    record_every : int, default 1
        Steps per recorded window (and per measurement of ``monitor``).
    monitor : sequence of (x, y) pairs, optional
        Data sets to measure; each ``x`` of shape ``(N_m, n_0)``, each ``y``
        of ``N_m`` labels.
    bias_lr : float, sequence of float, or array_like of shape (R, L), optional
        The biases' learning rates, in the forms of ``lr``; by default ``lr``.
    orders : array_like of int, shape (steps, batch_size) or (R, steps, batch_size), optional
        The minibatches, instead of shuffling: ``orders[t]`` (or
        ``orders[r, t]``) holds the indices of the examples of step ``t``,
        for every run (or for run ``r``).  A minibatch shared by every run
        enters the first layer's products once.
    probe : array_like, shape (N_p, n_0), optional
        Inputs whose pre-activations are recorded in
        ``probe_pre_activations``.
    exact_products : bool, default False
        Compute every matrix product with ``winit._engine.exact_matmul``
        (float64 networks only): its operands rounded to about 23 significant
        bits, the product then exact, so that the run gives the same bits with
        any BLAS kernel and thread count.  For runs that are chaotic (a deep
        network in its chaotic phase, trained long), whose last bits would
        otherwise grow into differences between machines.  Two to three
        times as slow for the book's small networks (10 tanh networks of
        width 32 and depth 10 or 30 on this project's machine).

    Returns
    -------
    StackTrainResult
        Every run's loss history, final parameters and divergence flag, and
        the monitored losses, error rates and pre-activations;
        ``result.run(r)`` gives run ``r`` as a :class:`TrainResult`.

    Raises
    ------
    TypeError, ValueError
        If an argument is malformed (the message names it), the networks'
        shapes or dtypes differ, ``rng`` does not hold one entry per run, or
        not exactly one of ``rng`` and ``orders`` is given.

    Examples
    --------
    >>> import numpy as np
    >>> from winit.networks import init_weights, train_sgd_stack
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(200, 2)); y = (x[:, 0] > 0).astype(int)
    >>> nets = [init_weights([2, 16, 2], rng=s) for s in range(3)]
    >>> res = train_sgd_stack(nets, x, y, steps=200, lr=0.5, batch_size=20,
    ...                       activation="tanh", rng=[10, 11, 12], record_every=50,
    ...                       monitor=[(x, y)])
    >>> res.losses.shape, res.monitor_errors.shape
    ((3, 4), (3, 1, 5))
    >>> bool(np.all(res.monitor_errors[:, 0, -1] < res.monitor_errors[:, 0, 0]))
    True

    Three learning rates (one per run, for both layers) from one start, on
    the same minibatches, the ten batches of the data in turn:

    >>> orders = np.arange(200).reshape(10, 20)[np.arange(200) % 10]
    >>> sweep = train_sgd_stack([nets[0]] * 3, x, y, steps=200, lr=[[0.05] * 2, [0.5] * 2,
    ...                         [5.0] * 2], batch_size=20, activation="tanh", orders=orders,
    ...                         record_every=200)
    >>> sweep.losses[:, 0].round(2)  # the mean loss over the 200 steps
    array([0.16, 0.06, 0.11])
    """
    if isinstance(params, (str, bytes)) or not hasattr(params, "__len__") or len(params) == 0:
        raise TypeError(
            "params must be a non-empty sequence of networks, each a list of (W, b) pairs "
            f"as init_weights returns; got {params!r:.80}"
        )
    nets = [_check_params(p) for p in params]
    shapes = [[W.shape for W, _ in p] for p in nets]
    for r, (s, p) in enumerate(zip(shapes, nets)):
        if s != shapes[0] or p[0][0].dtype != nets[0][0][0].dtype:
            raise ValueError(
                "params must hold networks of one shape and dtype (they are trained as one "
                f"stack); network 0 has weight shapes {shapes[0]} of {nets[0][0][0].dtype}, "
                f"network {r} has {s} of {p[0][0].dtype}"
            )
    n_runs = len(nets)
    if orders is not None:
        if rng is not None:
            raise ValueError("give rng (to shuffle) or orders (the minibatches), not both; got "
                             f"rng={rng!r:.40} and orders")
        rngs = None
    else:
        if isinstance(rng, (str, bytes, np.random.Generator)) or not hasattr(rng, "__len__"):
            raise TypeError(
                "rng must be a sequence with one seed or Generator per network (each run "
                f"shuffles with its own), or orders given; got {rng!r:.80}"
            )
        if len(rng) != n_runs:
            raise ValueError(
                f"rng must hold one seed or Generator per network ({n_runs}); got {len(rng)}"
            )
        rngs = [check_rng(g) for g in rng]
    trainer, windows, (mon_loss, mon_err, probe_pre) = _train(
        nets, x, y, steps=steps, lr=lr, bias_lr=bias_lr, batch_size=batch_size,
        activation=activation, rngs=rngs, orders=orders, record_every=record_every,
        monitor=monitor, probe=probe, exact_products=exact_products)
    ends = windows.ends
    return StackTrainResult(
        losses=windows.losses, steps=ends, params=trainer.params(),
        diverged=windows.diverged_at >= 0, diverged_at=windows.diverged_at,
        monitor_steps=np.concatenate([[0], ends]), monitor_losses=mon_loss,
        monitor_errors=mon_err, probe_pre_activations=probe_pre)


__all__ += ["StackTrainResult", "train_sgd_stack"]
