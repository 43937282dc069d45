"""Yang, Pennington, Rao, Sohl-Dickstein and Schoenholz (2019), "A mean field theory
of batch normalization", ICLR.

Their finding (abstract): in a deep fully connected network with batch normalisation
after every layer and no skip connections, the gradients grow exponentially
from the last layer back to the first at initialisation, whatever the
weights' variance and the activation; batch normalisation itself causes it,
and such networks do not train at large depth.  This module measures, layer
by layer, on the digits:

* :func:`scale_invariance` -- a BatchNorm layer divides by the batch's own
  standard deviation, so multiplying the weights before it by any
  :math:`c > 0` changes nothing downstream (exactly, with :math:`\\epsilon =
  0`);
* :func:`layer_gradient_norms` -- the norm of every hidden layer's weight
  gradient, for a plain BatchNorm network, the same network without
  BatchNorm, and a residual network with LayerNorm at the start of every
  branch ("pre-LN", as in GPT-2).

The explosion rate for ReLU, derived in the book's chapter (a large-batch,
wide-layer argument, not the paper's exact finite-batch rate; see the paper
for that): after BatchNorm each unit is N(0, 1) over the batch, so after ReLU
its variance over the batch is :math:`\\tfrac12 - \\tfrac1{2\\pi}`, the next
layer's pre-activations (He weights, variance 2/n) have batch variance
:math:`(\\pi - 1)/\\pi`, and the next BatchNorm divides the backward signal
by its square root: the squared gradient norm grows by :math:`\\pi/(\\pi-1)
\\approx 1.47` per layer (:func:`bn_relu_growth`).

How the miniature differs from the paper: widths of 64 and batches of 128
digits rather than the paper's wider networks on MNIST and CIFAR-10, and
one draw of weights per network rather than averages over many; only ReLU.
"""

from __future__ import annotations

import math

import numpy as np

from .._validation import check_choice, check_count, check_real, check_rng
from ..blocks import Linear, Residual, backward, forward, plain_mlp, residual_mlp
from ..data import digits
from ..networks import softmax

__all__ = ["KINDS", "bn_relu_growth", "layer_gradient_norms", "scale_invariance"]

#: The networks :func:`layer_gradient_norms` compares.
KINDS = ("batchnorm_plain", "plain", "layernorm_residual")


def bn_relu_growth():
    """:math:`\\pi / (\\pi - 1)`, the growth per layer of the squared gradient norm.

    For a wide ReLU network with BatchNorm after every He-initialised layer,
    in the large-batch limit (see the module docstring).  The gradient norm
    itself grows by the square root, about 1.21.

    Returns
    -------
    float
        :math:`\\pi / (\\pi - 1) \\approx 1.4669`, the squared norm's factor per layer.

    Examples
    --------
    >>> from winit.experiments.yang2019 import bn_relu_growth
    >>> round(bn_relu_growth(), 4)
    1.4669
    """
    return math.pi / (math.pi - 1.0)


def _batch(n_samples, rng):
    data = digits(rng=rng)
    check_count(n_samples, "n_samples", "the digits run forward, among the training digits",
                high=data.x_train.shape[0])
    idx = rng.choice(data.x_train.shape[0], n_samples, replace=False)
    return data.x_train[idx], data.y_train[idx]


def scale_invariance(*, depth=10, width=64, n_samples=128, scale=10.0, eps=0.0, rng=0):
    """Largest change of a BatchNorm network's outputs when its weights are scaled.

    Builds :func:`winit.blocks.plain_mlp` (``depth`` layers Linear -> BatchNorm
    -> ReLU, He weights, float64), runs ``n_samples`` digits through it, then
    multiplies the weights of every Linear layer that feeds a BatchNorm by
    ``scale`` and runs them again.

    Parameters
    ----------
    depth, width, n_samples : int
    scale : float
        Positive factor applied to the weights.
    eps : float, default 0.0
        BatchNorm's :math:`\\epsilon`; with 0 the invariance is exact and
        the difference is rounding error; with PyTorch's 1e-5 it is of the
        order of :math:`\\epsilon / \\sigma^2`.
    rng : None, int or numpy.random.Generator, default 0

    Returns
    -------
    float
        :math:`\\max |y(W) - y(c W)|` over the softmax outputs.

    Examples
    --------
    >>> from winit.experiments.yang2019 import scale_invariance
    >>> scale_invariance(depth=3, n_samples=32) < 1e-12
    True
    """
    rng = check_rng(rng)
    depth = check_count(depth, "depth", "the number of hidden layers")
    width = check_count(width, "width", "the width of the hidden layers")
    n_samples = check_count(n_samples, "n_samples", "the number of digits in the batch")
    scale = check_real(scale, "scale", "the factor applied to the weights", positive=True)
    eps = check_real(eps, "eps", "BatchNorm's epsilon", nonnegative=True)
    x, _ = _batch(n_samples, rng)
    net = plain_mlp(64, width, depth, 10, std=math.sqrt(2.0 / width), norm="batch", rng=rng)
    for layer in net:
        if hasattr(layer, "eps"):
            layer.eps = eps
    before = softmax(forward(net, x).output)
    for layer in net[:-1]:
        if isinstance(layer, Linear):
            layer.W *= scale
    after = softmax(forward(net, x).output)
    return float(np.max(np.abs(after - before)))


def layer_gradient_norms(kind, *, depth=50, width=64, n_samples=128, rng=0):
    """Frobenius norm of every hidden layer's weight gradient, at initialisation.

    One batch of ``n_samples`` training digits, the mean cross-entropy
    against their labels, one backward pass (float64).  The networks, all
    with ReLU and He weights N(0, 2/n):

    * ``"batchnorm_plain"``: ``depth`` layers Linear -> BatchNorm -> ReLU;
    * ``"plain"``: the same without BatchNorm;
    * ``"layernorm_residual"``: an input layer, ``depth`` residual blocks
      :math:`x + \\operatorname{relu}(\\operatorname{LN}(x) W_1) W_2` (the
      gradient of each block's :math:`W_1` is reported), an output layer.

    Parameters
    ----------
    kind : {"batchnorm_plain", "plain", "layernorm_residual"}
    depth, width, n_samples : int
    rng : None, int or numpy.random.Generator, default 0

    Returns
    -------
    numpy.ndarray, shape (depth,)
        Gradient norms from the first hidden layer (or block) to the last.

    Examples
    --------
    >>> from winit.experiments.yang2019 import layer_gradient_norms
    >>> g = layer_gradient_norms("batchnorm_plain", depth=10, n_samples=64)
    >>> bool(g[0] > 2 * g[-1])
    True
    """
    check_choice(kind, "kind", KINDS)
    rng = check_rng(rng)
    depth = check_count(depth, "depth", "the number of hidden layers or blocks")
    width = check_count(width, "width", "the width of the hidden layers")
    n_samples = check_count(n_samples, "n_samples", "the number of digits in the batch")
    x, y = _batch(n_samples, rng)
    he = math.sqrt(2.0 / width)
    if kind == "layernorm_residual":
        net = residual_mlp(64, width, depth, 10, std_first=he, std_last=he, norm="layer", rng=rng)
    else:
        net = plain_mlp(64, width, depth, 10, std=he, norm="batch" if kind == "batchnorm_plain"
                        else None, rng=rng)
    rec = forward(net, x)
    g = softmax(rec.output)
    g[np.arange(n_samples), y] -= 1.0
    g /= n_samples
    grads = backward(net, rec, g).grads
    norms = []
    for layer, gl in zip(net[:-1], grads[:-1]):
        if isinstance(layer, Linear) and kind != "layernorm_residual":
            norms.append(np.linalg.norm(gl[0]))
        elif isinstance(layer, Residual):
            names = layer.parameter_names()  # alpha, the LayerNorm's gamma and beta, W_1, ...
            norms.append(np.linalg.norm(gl[names.index("branch[1].W")]))
    return np.array(norms)
