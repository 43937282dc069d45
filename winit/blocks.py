"""Residual blocks and normalisation layers in plain numpy, forward and backward.

:mod:`winit.networks` runs plain stacks of fully connected layers.  This module
adds the pieces of the networks people build now, written as small layer
objects that are composed into a list and run in order:

* :class:`Linear` -- :math:`y = x W + b` (the ``x @ W`` layout of
  :mod:`winit.networks`: ``W`` has shape ``(n_in, n_out)``);
* :class:`Activation` -- an elementwise :func:`winit.networks.activate`;
* :class:`BatchNorm` -- Ioffe and Szegedy (2015), in training mode: every
  feature is standardised with the mean and variance *of the current batch*,
  then scaled and shifted by the learnable :math:`\\gamma, \\beta`;
* :class:`LayerNorm` -- Ba, Kiros and Hinton (2016): every example is
  standardised over its own features, then scaled and shifted by
  :math:`\\gamma, \\beta`;
* :class:`Residual` -- :math:`x \\leftarrow x + \\alpha F(x)`, where the
  branch :math:`F` is itself a list of layers and :math:`\\alpha` a learnable
  scalar (1 for a plain residual block; 0 for SkipInit and ReZero).

:func:`forward` runs a batch through a list of layers and keeps what the
backward pass needs; :func:`backward` returns the gradient of every parameter
and of every layer's input; :func:`train_sgd` runs plain minibatch SGD on the
softmax cross-entropy.  :func:`residual_mlp` and :func:`plain_mlp` build the
two networks the book studies.

Every layer works on a whole batch at once (one matrix product or one
reduction per layer); loops are over layers and steps only.  The backward
passes are tested against finite differences (``tests/test_blocks.py``).

Normalisation formulas, for a pre-normalisation array :math:`z` and
:math:`\\epsilon \\ge 0` (PyTorch's default :math:`10^{-5}`):

.. math::

    \\hat z = \\frac{z - \\mu}{\\sqrt{\\sigma^2 + \\epsilon}}, \\qquad
    y = \\gamma \\odot \\hat z + \\beta,

with :math:`\\mu, \\sigma^2` the mean and the (biased, divide-by-:math:`B`)
variance over the batch (BatchNorm, per feature) or over the features
(LayerNorm, per example).  Their backward pass, with :math:`g = \\partial
\\mathcal{L}/\\partial y` and :math:`\\hat g = \\gamma \\odot g`, is

.. math::

    \\frac{\\partial \\mathcal{L}}{\\partial z} = \\frac{1}{\\sqrt{\\sigma^2 +
    \\epsilon}} \\left(\\hat g - \\langle \\hat g \\rangle - \\hat z\\,
    \\langle \\hat g \\odot \\hat z \\rangle\\right),

the averages :math:`\\langle\\cdot\\rangle` taken over the same axis as
:math:`\\mu`: the normalisation removes from the gradient its mean and its
component along :math:`\\hat z`, and divides by the standard deviation.

References
----------
.. [1] S. Ioffe and C. Szegedy, "Batch normalization: accelerating deep
   network training by reducing internal covariate shift", ICML 2015.
.. [2] J. L. Ba, J. R. Kiros and G. E. Hinton, "Layer normalization",
   arXiv:1607.06450, 2016.
.. [3] K. He, X. Zhang, S. Ren and J. Sun, "Identity mappings in deep residual
   networks", ECCV 2016.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field

import numpy as np

from . import _softmax as _sm
from . import activations as _activations
from ._engine import LossWindows, Minibatches, TrainHistory, check_steps, run
from ._validation import (check_array, check_choice, check_count, check_dtype,
                          check_real, check_rng, check_sequence, check_size_fits, check_spread)
from .networks import ACTIVATIONS, _check_labels

__all__ = [
    "Activation",
    "BatchNorm",
    "BlockTrainResult",
    "LayerNorm",
    "Linear",
    "Residual",
    "backward",
    "forward",
    "loss_and_gradients",
    "plain_mlp",
    "residual_mlp",
    "train_sgd",
]

#: Normalisation layers :func:`residual_mlp` and :func:`plain_mlp` can insert.
NORMS = ("batch", "layer", None)


# --------------------------------------------------------------------------
# Layers
# --------------------------------------------------------------------------


def _check_array(a, name, ndim, dtype=None, meaning="a parameter of the layer"):
    """A finite float32 or float64 parameter array of ``ndim`` dimensions (and of
    ``dtype``, the dtype of the layer's other parameters, if given)."""
    a = check_array(a, name, meaning, dtype="param", ndim=ndim)
    if dtype is not None and a.dtype != dtype:
        raise TypeError(f"{name} must be an array of the dtype of the layer's other parameters, "
                        f"{dtype} ({meaning}); got an array of dtype {a.dtype}")
    return a


def _check_input(x, width, dtype, layer, min_batch=1):
    """``x`` as a finite ``(batch, width)`` array of ``dtype``, ``batch >= min_batch``."""
    return check_array(x, "x", f"the input of {layer}", dtype=dtype,
                       shape=(("batch", min_batch), width))


class Linear:
    """A fully connected layer, :math:`y = x W + b`.

    Parameters
    ----------
    W : numpy.ndarray, shape (n_in, n_out)
        Weights, float32 or float64 (the ``x @ W`` layout).
    b : numpy.ndarray, shape (n_out,), optional
        Biases, same dtype; zeros if omitted.

    Raises
    ------
    TypeError, ValueError
        If ``W`` or ``b`` is not a finite float array of the right shape.

    Examples
    --------
    >>> import numpy as np
    >>> from winit.blocks import Linear, forward
    >>> layer = Linear(np.eye(2) * 3.0)
    >>> forward([layer], np.ones((1, 2)))[0]
    array([[3., 3.]])
    """

    def __init__(self, W, b=None):
        self.W = _check_array(W, "W", 2, meaning="the weights of the layer")
        if b is None:
            b = np.zeros(W.shape[1], dtype=W.dtype)
        self.b = _check_array(b, "b", 1, W.dtype, "the biases of the layer")
        if b.shape != (W.shape[1],):
            raise ValueError(f"b must be an array of shape ({W.shape[1]},) (one bias per output "
                             f"of W); got shape {b.shape}")

    n_in = property(lambda self: self.W.shape[0])
    n_out = property(lambda self: self.W.shape[1])
    dtype = property(lambda self: self.W.dtype)

    def parameters(self):
        """``[W, b]``, the arrays :func:`train_sgd` updates in place."""
        return [self.W, self.b]

    def parameter_names(self):
        return ["W", "b"]

    def forward(self, x):
        y = x @ self.W
        y += self.b
        return y, x

    def backward(self, g, x):
        return g @ self.W.T, [x.T @ g, g.sum(axis=0)]

    def __repr__(self):
        return f"Linear({self.n_in} -> {self.n_out}, {self.dtype})"


class Activation:
    """An elementwise activation function, as :func:`winit.networks.activate`.

    Its function and derivative are the entry ``name`` of the registry
    :mod:`winit.activations`.  Like the other layers it passes an infinity or
    a NaN on (``forward`` reports it in ``finite``) instead of raising.

    Parameters
    ----------
    name : {"tanh", "sigmoid", "relu", "leaky_relu", "linear", "gelu"}

    Raises
    ------
    TypeError, ValueError
        If ``name`` is not one of :data:`winit.networks.ACTIVATIONS`.
    """

    def __init__(self, name):
        self.name = check_choice(name, "name", ACTIVATIONS)

    def parameters(self):
        return []

    def parameter_names(self):
        return []

    def forward(self, z):
        h = _activations.get(self.name).function(z)
        return h, (z, h)

    def backward(self, g, cache):
        z, h = cache
        return _activations.get(self.name).backprop(g, z, h), []

    def __repr__(self):
        return f"Activation({self.name!r})"


class _Norm:
    """What BatchNorm and LayerNorm share; ``axis`` is the one they average over."""

    axis = None
    kind = None

    def __init__(self, n_features, *, eps=1e-5, dtype=np.float64):
        n_features = check_count(n_features, "n_features", "the number of features normalised")
        self.eps = check_real(eps, "eps", "the number added to the variance before the square "
                              "root", nonnegative=True)
        dtype = check_dtype(dtype)
        self.gamma = np.ones(n_features, dtype=dtype)
        self.beta = np.zeros(n_features, dtype=dtype)

    n_in = n_out = property(lambda self: self.gamma.shape[0])
    dtype = property(lambda self: self.gamma.dtype)

    def parameters(self):
        """``[gamma, beta]``, the learnable scale and shift."""
        return [self.gamma, self.beta]

    def parameter_names(self):
        return ["gamma", "beta"]

    def forward(self, z):
        ax = self.axis
        mu = z.mean(axis=ax, keepdims=True)
        zc = z - mu
        var = np.mean(zc * zc, axis=ax, keepdims=True)
        inv = 1.0 / np.sqrt(var + self.eps)
        zhat = zc * inv
        # Where the squares overflow (|z| beyond sqrt of the type's largest value, about
        # 1.8e19 in float32) or, with eps = 0, underflow, the variance above is inf or
        # lost: normalise those rows again after dividing them by their largest |z|.
        redo = ~np.isfinite(var)
        if self.eps == 0.0:
            redo |= var < np.finfo(z.dtype).smallest_normal
        if redo.any():
            zhat, inv, var = self._scaled(z, redo, zhat, inv, var)
        if self.eps == 0.0 and not np.all(var > 0):
            raise ValueError(
                f"eps must be positive when a {self.kind} has zero variance (x has a "
                f"constant {'feature over the batch' if ax == 0 else 'example'}); got eps=0")
        return self.gamma * zhat + self.beta, (zhat, inv)

    def _scaled(self, z, redo, zhat, inv, var):
        """``zhat``, ``inv`` and a variance (in units of the scale) computed on
        ``z / s``, ``s`` the largest ``|z|`` of each row, for the rows ``redo``:
        :math:`\\hat z = y_c / \\sqrt{\\sigma_y^2 + \\epsilon / s^2}` with
        :math:`y = z / s`, and the inverse standard deviation divided by ``s``."""
        ax = self.axis
        s = np.max(np.abs(z), axis=ax, keepdims=True)
        redo = redo & np.isfinite(s) & (s > 0)  # an infinite z is an exploded signal
        s = np.where(redo, s, 1)
        y = z / s
        yc = y - y.mean(axis=ax, keepdims=True)
        var_y = np.mean(yc * yc, axis=ax, keepdims=True)
        inv_y = 1.0 / np.sqrt(var_y + (self.eps / s) / s)
        return (np.where(redo, yc * inv_y, zhat), np.where(redo, inv_y / s, inv),
                np.where(redo, var_y, var))

    def backward(self, g, cache):
        zhat, inv = cache
        ax = self.axis
        ghat = g * self.gamma
        dz = ghat - ghat.mean(axis=ax, keepdims=True)
        dz -= zhat * np.mean(ghat * zhat, axis=ax, keepdims=True)
        dz *= inv
        return dz, [np.sum(g * zhat, axis=0), g.sum(axis=0)]

    def __repr__(self):
        return f"{type(self).__name__}({self.n_in}, eps={self.eps}, {self.dtype})"


class BatchNorm(_Norm):
    """Batch normalisation in training mode (Ioffe and Szegedy, 2015).

    Each of the ``n_features`` columns of a ``(B, n_features)`` batch is
    standardised with the batch's own mean and biased variance (divide by
    ``B``, as PyTorch does when it normalises), then multiplied by
    ``gamma`` (initially 1) and shifted by ``beta`` (initially 0).  No running
    averages are kept: this layer always uses batch statistics, the mode in
    which networks are trained and in which Yang et al. (2019) analyse them.
    Because the statistics are those of the batch, every example's output
    depends on the whole batch, and so does the backward pass.

    Parameters
    ----------
    n_features : int
        Width of the layer.
    eps : float, default 1e-5
        Added to the variance before the square root (PyTorch's default).
        Zero is allowed, and then a feature with zero batch variance raises.
    dtype : {numpy.float64, numpy.float32}, default numpy.float64

    Raises
    ------
    TypeError, ValueError
        If an argument is malformed (the message names it); at run time, if
        the batch has fewer than 2 examples.

    Examples
    --------
    >>> import numpy as np
    >>> from winit.blocks import BatchNorm, forward
    >>> out = forward([BatchNorm(2)], np.array([[1.0, 10.0], [3.0, 30.0]]))[0]
    >>> np.round(out, 4)
    array([[-1., -1.],
           [ 1.,  1.]])
    """

    axis = 0
    kind = "BatchNorm"
    min_batch = 2


class LayerNorm(_Norm):
    """Layer normalisation (Ba, Kiros and Hinton, 2016).

    Each example (row) of a ``(B, n_features)`` batch is standardised over
    its own features with their mean and biased variance, then multiplied by
    ``gamma`` (initially 1) and shifted by ``beta`` (initially 0).  Examples
    do not interact.

    Parameters
    ----------
    n_features : int
        Width of the layer (at least 2 for a non-trivial normalisation).
    eps : float, default 1e-5
        Added to the variance before the square root.
    dtype : {numpy.float64, numpy.float32}, default numpy.float64

    Raises
    ------
    TypeError, ValueError
        If an argument is malformed; the message names it.

    Examples
    --------
    >>> import numpy as np
    >>> from winit.blocks import LayerNorm, forward
    >>> np.round(forward([LayerNorm(2)], np.array([[1.0, 3.0]]))[0], 4)
    array([[-1.,  1.]])
    """

    axis = 1
    kind = "LayerNorm"
    min_batch = 1


class Residual:
    """A residual block, :math:`x \\leftarrow x + \\alpha F(x)`.

    Parameters
    ----------
    branch : list of layers
        The residual branch :math:`F`, run in order; its output width must
        equal its input width.
    alpha : float, default 1.0
        Initial value of the learnable scalar multiplier of the branch: 1 for
        a plain residual block (He et al., 2016), 0 for SkipInit (De and
        Smith, 2020) and ReZero (Bachlechner et al., 2020).

    Raises
    ------
    TypeError, ValueError
        If ``branch`` is not a non-empty list of layers whose widths chain,
        or ``alpha`` is not a finite real number.

    Examples
    --------
    >>> import numpy as np
    >>> from winit.blocks import Linear, Residual, forward
    >>> block = Residual([Linear(np.eye(2))], alpha=0.5)
    >>> forward([block], np.ones((1, 2)))[0]
    array([[1.5, 1.5]])
    """

    def __init__(self, branch, alpha=1.0):
        self.branch = _check_layers(branch, "branch")
        widths = [layer.n_in for layer in self.branch if hasattr(layer, "n_in")]
        outs = [layer.n_out for layer in self.branch if hasattr(layer, "n_out")]
        if not widths:
            raise ValueError("branch must contain at least one Linear, BatchNorm or LayerNorm "
                             "layer (something with a width)")
        if widths[0] != outs[-1]:
            raise ValueError(f"branch must map width {widths[0]} back to {widths[0]} (the skip "
                             f"connection adds its output to its input); it outputs {outs[-1]}")
        dtypes = {layer.dtype for layer in self.branch if hasattr(layer, "dtype")}
        if len(dtypes) != 1:
            raise TypeError(f"branch layers must share one dtype; got {sorted(map(str, dtypes))}")
        self.alpha = np.array(check_real(alpha, "alpha", "the initial multiplier of the branch"),
                              dtype=dtypes.pop())
        self._width = widths[0]

    n_in = n_out = property(lambda self: self._width)
    dtype = property(lambda self: self.alpha.dtype)

    def parameters(self):
        """``[alpha]`` followed by the branch's parameters, in layer order."""
        return [self.alpha] + [p for layer in self.branch for p in layer.parameters()]

    def parameter_names(self):
        return ["alpha"] + [f"branch[{i}].{n}" for i, layer in enumerate(self.branch)
                            for n in layer.parameter_names()]

    def forward(self, x):
        f, caches = _run(self.branch, x)[:2]
        return x + self.alpha * f, (f, caches)

    def backward(self, g, cache):
        f, caches = cache
        dx_branch, grads = _back(self.branch, caches, self.alpha * g)[:2]
        return g + dx_branch, [np.array(np.vdot(g, f), dtype=g.dtype)] + [
            p for layer_grads in grads for p in layer_grads]

    def __repr__(self):
        return f"Residual(alpha={float(self.alpha)}, branch={self.branch})"


_LAYER_TYPES = (Linear, Activation, BatchNorm, LayerNorm, Residual)


def _check_layers(layers, name="layers"):
    meaning = "Linear, Activation, BatchNorm, LayerNorm or Residual objects, run in order"
    if isinstance(layers, _LAYER_TYPES):
        raise TypeError(f"{name} must be a list of layers, not a single layer ({meaning}); "
                        f"got {layers!r:.80}: wrap it in a list")
    layers = check_sequence(layers, name, meaning, what="layers")
    width = None
    for i, layer in enumerate(layers):
        if not isinstance(layer, _LAYER_TYPES):
            raise TypeError(f"{name}[{i}] must be a Linear, Activation, BatchNorm, LayerNorm or "
                            f"Residual layer; got {type(layer).__name__}")
        if hasattr(layer, "n_in"):
            if width is not None and layer.n_in != width:
                raise ValueError(f"{name}[{i}] must be a layer of {width} inputs (the layer before "
                                 f"it outputs {width}); got one that takes {layer.n_in} inputs")
            width = layer.n_out
    dtypes = {layer.dtype for layer in layers if hasattr(layer, "dtype")}
    if len(dtypes) > 1:
        raise TypeError(f"{name} must be layers of one dtype ({meaning}); got "
                        f"{sorted(map(str, dtypes))}")
    return layers


def _min_batch(layers):
    for layer in layers:
        if isinstance(layer, BatchNorm):
            return 2
        if isinstance(layer, Residual) and _min_batch(layer.branch) == 2:
            return 2
    return 1


# --------------------------------------------------------------------------
# Forward and backward through a list of layers
# --------------------------------------------------------------------------


def _run(layers, x):
    caches, outputs = [], []
    h = x
    for layer in layers:
        h, c = layer.forward(h)
        caches.append(c)
        outputs.append(h)
    return h, caches, outputs


def _back(layers, caches, g):
    grads, grad_inputs = [None] * len(layers), [None] * len(layers)
    for i in range(len(layers) - 1, -1, -1):
        g, grads[i] = layers[i].backward(g, caches[i])
        grad_inputs[i] = g
    return g, grads, grad_inputs


@dataclass
class ForwardPass:
    """What :func:`forward` returns.

    Attributes
    ----------
    output : numpy.ndarray, shape (B, n_out)
        The last layer's output.
    outputs : list of numpy.ndarray
        Every layer's output, in order (``outputs[-1] is output``): for a
        residual network, the residual stream after each block.
    caches : list
        What :func:`backward` needs, one entry per layer.
    finite : bool
        ``False`` if any output overflowed or became ``nan``.
    """

    output: np.ndarray
    outputs: list
    caches: list
    finite: bool

    def __iter__(self):  # allows ``out, *_ = forward(...)``
        return iter((self.output, self.outputs, self.caches))

    def __getitem__(self, i):
        return (self.output, self.outputs, self.caches)[i]


@dataclass
class BackwardPass:
    """What :func:`backward` returns.

    Attributes
    ----------
    grad_input : numpy.ndarray
        :math:`\\partial \\mathcal{L} / \\partial x` of the network's input.
    grads : list of list of numpy.ndarray
        ``grads[i]`` holds the gradients of ``layers[i].parameters()``, in
        the same order and shapes.
    grad_inputs : list of numpy.ndarray
        ``grad_inputs[i]`` is :math:`\\partial \\mathcal{L} / \\partial`
        (input of ``layers[i]``).
    finite : bool
        ``False`` if any gradient is ``inf`` or ``nan``.
    """

    grad_input: np.ndarray
    grads: list
    grad_inputs: list
    finite: bool


def forward(layers, x):
    """Run a batch through a list of layers, keeping what the backward pass needs.

    Parameters
    ----------
    layers : list of layers
        :class:`Linear`, :class:`Activation`, :class:`BatchNorm`,
        :class:`LayerNorm` and :class:`Residual` objects, run in order.
    x : array_like, shape (B, n_in)
        A batch; cast to the layers' dtype.  ``B >= 2`` if a BatchNorm layer
        is present.

    Returns
    -------
    ForwardPass
        The output, every layer's output, the caches and a ``finite`` flag
        (overflow does not warn or raise; check ``finite``).

    Raises
    ------
    TypeError, ValueError
        If ``layers`` or ``x`` is malformed; the message names it.
    """
    layers = _check_layers(layers)
    first = next((layer for layer in layers if hasattr(layer, "n_in")), None)
    if first is None:
        raise ValueError("layers must contain at least one layer with a width (Linear, "
                         "BatchNorm, LayerNorm or Residual)")
    x = _check_input(x, first.n_in, first.dtype, "the first layer", _min_batch(layers))
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        out, caches, outputs = _run(layers, x)
    return ForwardPass(out, outputs, caches, bool(np.isfinite(out).all()))


def backward(layers, record, grad_output):
    """Back-propagate :math:`\\partial \\mathcal{L} / \\partial y` through the layers.

    Parameters
    ----------
    layers : list of layers
        The layers :func:`forward` ran.
    record : ForwardPass
        What :func:`forward` returned for them.
    grad_output : array_like, shape like ``record.output``
        :math:`\\partial \\mathcal{L} / \\partial y` at the network's output.

    Returns
    -------
    BackwardPass

    Raises
    ------
    TypeError, ValueError
        If ``record`` is not a :class:`ForwardPass` of these layers or
        ``grad_output`` has the wrong shape.
    """
    layers = _check_layers(layers)
    if not isinstance(record, ForwardPass):
        raise TypeError(f"record must be the ForwardPass that forward returned; "
                        f"got {type(record).__name__}")
    if len(record.caches) != len(layers):
        raise ValueError(f"record must come from forward with these layers; it has "
                         f"{len(record.caches)} layers' caches, layers has {len(layers)}")
    g = check_array(grad_output, "grad_output", "dL/dy at the network's output",
                    dtype=record.output.dtype, shape=record.output.shape)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        gx, grads, gin = _back(layers, record.caches, g)
    finite = all(np.isfinite(a).all() for gl in grads for a in gl) and bool(np.isfinite(gx).all())
    return BackwardPass(gx, grads, gin, finite)


def loss_and_gradients(layers, x, y):
    """Mean softmax cross-entropy of a batch, and its gradients.

    Parameters
    ----------
    layers : list of layers
        The network; its last layer outputs one score per class.
    x : array_like, shape (B, n_in)
        Inputs.
    y : array_like of int, shape (B,)
        Labels in ``0, ..., K - 1``.

    Returns
    -------
    loss : float
        :math:`-\\frac1B \\sum_i \\log \\operatorname{softmax}(z_i)_{y_i}`.
    record : ForwardPass
    grads : BackwardPass
        Gradients of the mean loss.

    Raises
    ------
    TypeError, ValueError
        If an argument is malformed; the message names it.
    """
    record = forward(layers, x)
    y = _check_labels(y, *record.output.shape)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        loss, g = _sm.loss_and_grad(record.output, y)
    return float(loss), record, backward(layers, record, g)


def _loss_grads(layers, x, y, scale=1.0):
    """The mean cross-entropy and ``scale`` times its gradients, without argument checks.

    The gradients are ``None`` if the loss is not finite.
    """
    logits, caches, _ = _run(layers, x)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        loss, g = _sm.loss_and_grad(logits, y, scale)
    loss = float(loss)
    if not math.isfinite(loss):
        return loss, None
    return loss, _back(layers, caches, g)[1]


# --------------------------------------------------------------------------
# Two networks
# --------------------------------------------------------------------------


def _check_std(value, name, dtype=None, meaning="a standard deviation of weights"):
    """A non-negative standard deviation; with ``dtype``, one that ``dtype`` can draw
    (0, or between its smallest normal number and 2**-7 of its largest value)."""
    value = check_real(value, name, meaning, nonnegative=True)
    if dtype is not None:
        check_spread(value, name, meaning, dtype, zero=True)
    return value


def residual_mlp(n_in, width, n_blocks, n_out, *, std_first, std_last, alpha=1.0, norm=None,
                 activation="relu", rng=None, dtype=np.float64):
    """A residual network of fully connected blocks.

    ``Linear(n_in -> width)``, then ``n_blocks`` blocks

    .. math::

        x \\leftarrow x + \\alpha\\, F(x), \\qquad
        F(x) = f\\big(N(x)\\, W_1 + b_1\\big)\\, W_2 + b_2,

    then ``Linear(width -> n_out)``.  :math:`N` is the identity
    (``norm=None``), a :class:`LayerNorm` or a :class:`BatchNorm` at the
    start of the branch (the "pre-norm" placement of He et al.'s 2016
    pre-activation blocks and of GPT-2); :math:`f` is the activation.  The
    input layer has weights N(0, 1/n_in) and the output layer N(0, 1/width);
    :math:`W_1` and :math:`W_2` are normal with standard deviations
    ``std_first`` and ``std_last``; biases are zero.

    Parameters
    ----------
    n_in, width, n_blocks, n_out : int
        Input width, width of the residual stream and of the branches,
        number of blocks, number of outputs.
    std_first, std_last : float
        Standard deviations of the branches' first and last weights (0 for a
        zero-initialised last layer, as in Fixup).
    alpha : float, default 1.0
        Initial branch multiplier (0 for SkipInit/ReZero).
    norm : {None, "layer", "batch"}, default None
    activation : str, default "relu"
    rng : None, int or numpy.random.Generator, optional
        Source of randomness (SPEC 7): one generator, layers drawn in order.
    dtype : {numpy.float64, numpy.float32}, default numpy.float64

    Returns
    -------
    list of layers

    Raises
    ------
    TypeError, ValueError
        If an argument is malformed; the message names it.

    Examples
    --------
    >>> from winit.blocks import residual_mlp
    >>> net = residual_mlp(64, 32, 3, 10, std_first=0.25, std_last=0.0, rng=0)
    >>> len(net), net[1]
    (5, Residual(alpha=1.0, branch=[Linear(32 -> 32, float64), Activation('relu'), Linear(32 -> 32, float64)]))
    """
    n_in = check_count(n_in, "n_in", "the number of inputs")
    width = check_count(width, "width", "the width of the residual stream")
    n_blocks = check_count(n_blocks, "n_blocks", "the number of residual blocks")
    n_out = check_count(n_out, "n_out", "the number of outputs")
    s1, s2 = _check_std(std_first, "std_first"), _check_std(std_last, "std_last")
    check_choice(activation, "activation", ACTIVATIONS)
    if norm is not None:
        check_choice(norm, "norm", ("batch", "layer"))
    rng = check_rng(rng)
    dtype = check_dtype(dtype)
    check_real(alpha, "alpha", "the initial multiplier of the branch")
    _check_std(s1, "std_first", dtype, "the standard deviation of the branches' first weights")
    _check_std(s2, "std_last", dtype, "the standard deviation of the branches' last weights")
    for shape, what in (((n_in, width), "(n_in, width)"), ((width, width), "(width, width)"),
                        ((width, n_out), "(width, n_out)")):
        check_size_fits(shape, dtype, what)

    def lin(a, b, std):
        return Linear(rng.normal(0.0, std, size=(a, b)).astype(dtype, copy=False))

    layers = [lin(n_in, width, 1.0 / math.sqrt(n_in))]
    for _ in range(n_blocks):
        branch = [] if norm is None else [
            (BatchNorm if norm == "batch" else LayerNorm)(width, dtype=dtype)]
        branch += [lin(width, width, s1), Activation(activation), lin(width, width, s2)]
        layers.append(Residual(branch, alpha=alpha))
    layers.append(lin(width, n_out, 1.0 / math.sqrt(width)))
    return layers


def plain_mlp(n_in, width, depth, n_out, *, std, norm="batch", activation="relu", rng=None,
              dtype=np.float64):
    """A plain (no skip connection) stack, optionally with a norm after every product.

    ``depth`` hidden layers ``Linear(.. -> width)``, ``N``, ``f`` (``N`` a
    :class:`BatchNorm`, a :class:`LayerNorm` or nothing), then
    ``Linear(width -> n_out)``: the network of Yang et al. (2019).  Hidden
    weights N(0, ``std``^2) (the first layer N(0, ``std``^2 * width / n_in),
    so that ``std = sqrt(c / width)`` means the same rule everywhere); output
    weights N(0, 1/width); biases zero.

    Parameters
    ----------
    n_in, width, depth, n_out : int
    std : float
        Standard deviation of the hidden layers' weights (see above).
    norm : {"batch", "layer", None}, default "batch"
    activation : str, default "relu"
    rng : None, int or numpy.random.Generator, optional
    dtype : {numpy.float64, numpy.float32}, default numpy.float64

    Returns
    -------
    list of layers
        ``3 * depth + 1`` layers (``2 * depth + 1`` without a norm).

    Raises
    ------
    TypeError, ValueError
        If an argument is malformed; the message names it.
    """
    n_in = check_count(n_in, "n_in", "the number of inputs")
    width = check_count(width, "width", "the width of the hidden layers")
    depth = check_count(depth, "depth", "the number of hidden layers")
    n_out = check_count(n_out, "n_out", "the number of outputs")
    std = _check_std(std, "std")
    check_choice(activation, "activation", ACTIVATIONS)
    if norm is not None:
        check_choice(norm, "norm", ("batch", "layer"))
    rng = check_rng(rng)
    dtype = check_dtype(dtype)
    _check_std(std, "std", dtype, "the standard deviation of the hidden layers' weights")
    _check_std(std * math.sqrt(width / n_in), "std * sqrt(width / n_in)", dtype,
               "the standard deviation of the first layer's weights")
    for shape, what in (((n_in, width), "(n_in, width)"), ((width, width), "(width, width)"),
                        ((width, n_out), "(width, n_out)")):
        check_size_fits(shape, dtype, what)
    layers = []
    fan = n_in
    for _ in range(depth):
        s = std * math.sqrt(width / fan)
        layers.append(Linear(rng.normal(0.0, s, size=(fan, width)).astype(dtype, copy=False)))
        if norm is not None:
            layers.append((BatchNorm if norm == "batch" else LayerNorm)(width, dtype=dtype))
        layers.append(Activation(activation))
        fan = width
    layers.append(Linear(rng.normal(0.0, 1.0 / math.sqrt(width), size=(width, n_out))
                         .astype(dtype, copy=False)))
    return layers


# --------------------------------------------------------------------------
# Training
# --------------------------------------------------------------------------


@dataclass
class BlockTrainResult(TrainHistory):
    """What :func:`train_sgd` returns: the trained network and its loss history.

    Attributes
    ----------
    layers : list of layers
        The trained network (a copy; the caller's layers are untouched).
        After a divergence, the parameters that produced the non-finite loss,
        or the non-finite ones the last update left.
    losses, steps, diverged, diverged_at
        The loss history, the :class:`winit.networks.TrainHistory` that
        every trainer of winit returns.
    """

    layers: list = field(kw_only=True)


def train_sgd(layers, x, y, *, steps, lr, batch_size, rng=None, record_every=1):
    """Plain minibatch SGD on the softmax cross-entropy, for a list of layers.

    The same algorithm as :func:`winit.networks.train_sgd` (shuffled passes,
    no momentum, weight decay or clipping; stops at the first non-finite
    loss, and reports a last update that overflowed a parameter), for networks with residual and normalisation layers: every
    parameter, including the norms' :math:`\\gamma, \\beta` and the blocks'
    :math:`\\alpha`, moves by :math:`-\\eta\\, \\partial\\mathcal{L}/\\partial\\theta`.

    Parameters
    ----------
    layers : list of layers
        Initial network; copied, not modified.
    x : array_like, shape (N, n_in)
    y : array_like of int, shape (N,)
    steps : int
    lr : float
        Learning rate, positive.
    batch_size : int
        At most N (at least 2 with BatchNorm).
    rng : None, int or numpy.random.Generator, optional
        Source of randomness for the shuffling (SPEC 7).
    record_every : int, default 1

    Returns
    -------
    BlockTrainResult

    Raises
    ------
    TypeError, ValueError
        If an argument is malformed; the message names it.

    Examples
    --------
    >>> import numpy as np
    >>> from winit.blocks import residual_mlp, train_sgd
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(200, 2)); y = (x[:, 0] > 0).astype(int)
    >>> net = residual_mlp(2, 8, 2, 2, std_first=0.5, std_last=0.0, rng=rng)
    >>> res = train_sgd(net, x, y, steps=200, lr=0.1, batch_size=20, rng=rng, record_every=50)
    >>> bool(res.losses[-1] < res.losses[0])
    True
    """
    layers = copy.deepcopy(_check_layers(layers))
    steps, batch_size, record_every = check_steps(steps, batch_size, record_every)
    lr = check_real(lr, "lr", "the learning rate", positive=True)
    rng = check_rng(rng)
    first = next(layer for layer in layers if hasattr(layer, "n_in"))
    x = _check_input(x, first.n_in, first.dtype, "the first layer")
    n = x.shape[0]
    if batch_size > n:
        raise ValueError(f"batch_size must be at most the number of examples ({n}); "
                         f"got {batch_size}")
    if batch_size < _min_batch(layers):
        raise ValueError("batch_size must be at least 2 for a network with BatchNorm (a batch "
                         f"of one has no variance); got {batch_size}")
    params = [p for layer in layers for p in layer.parameters()]
    last = next(layer for layer in reversed(layers) if hasattr(layer, "n_out"))
    y = _check_labels(y, n, last.n_out)

    def step(idx):
        # The learning rate is folded into the gradient at the logits, so that
        # every parameter's gradient arrives already multiplied by it.
        loss, grads = _loss_grads(layers, x[idx[0]], y[idx[0]], lr)
        if grads is not None:
            for p, g in zip(params, (g for gl in grads for g in gl)):
                p -= g
        return np.array([loss])

    def finite():
        return np.array([all(np.isfinite(p).all() for p in params)])

    windows = LossWindows(1, steps, record_every)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        run(windows, Minibatches(n, batch_size, [rng]), step, finite=finite)
    losses, ends, diverged, diverged_at = windows.history(0)
    return BlockTrainResult(losses=losses, steps=ends, layers=layers, diverged=diverged,
                            diverged_at=diverged_at)
