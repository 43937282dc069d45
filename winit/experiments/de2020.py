"""De and Smith (2020), "Batch normalization biases residual blocks towards the
identity function in deep networks", NeurIPS: why a normalised branch leaves
the residual stream to its skip connection.

In a residual block :math:`x_{l+1} = x_l + F(N(x_l))` whose branch starts
with a normalisation :math:`N` (BatchNorm per unit over the batch, or
LayerNorm per example over its units), the branch sees an input of unit
mean square whatever the stream's size.  With He weights in both branch
layers, :math:`F(u) = \\operatorname{relu}(u W_1) W_2`, the branch's output
then has a mean square of 2 per unit (``relu`` keeps half of the 2 that
:math:`W_1` gives, :math:`W_2` doubles it), and since :math:`W_2` has mean
zero it adds that to the stream's:

.. math::

    q_{l+1} = q_l + 2, \\qquad q_l = q_0 + 2l,

exactly in expectation over the weights (up to the norm's
:math:`\\epsilon`), with :math:`q_l` the mean of :math:`x_l^2` over
examples and units.  The stream grows linearly instead of by a factor 3
per block (the un-normalised branch's :math:`q_{l+1} = 3 q_l`), and the
branch's share of block :math:`l`, the root-mean-square ratio
:math:`\\sqrt{2 / q_l}`, falls like :math:`1/\\sqrt{l}`: the normalisation
divides the branch by about :math:`\\sqrt{q_l}`, the stream's size, so deep
blocks are close to the identity.  That is De and Smith's explanation of
why BatchNorm makes deep residual networks trainable (their introduction
states it; their SkipInit gets the same effect without normalisation by a
scalar multiplier of the branch initialised at zero or small).  The same law
gives the growth of a pre-LN stream (GPT-2's block).  A LayerNorm after the
addition instead (post-LN, the original transformer's place) rescales the
stream to a mean square of 1 after every block, so every branch stays as
large as the stream it is added to (:math:`\\sqrt 2` times it, in root
mean square): nothing pulls the deep blocks towards the identity.

Xiong et al. (2020, abstract) prove for transformers that at initialisation
the post-LN network's gradients near the output are large, and the pre-LN
network's well behaved; :func:`branch_gradient_norms` measures the gradient
of every block's branch weights in both layouts.

:func:`branch_share` measures :math:`q_l` and the branch's mean square
block by block, with these closed forms (:func:`stream_law`).

How the miniature differs from the paper: fully connected branches of two
layers on 8x8 digits (scikit-learn's, :func:`winit.data.digits`) instead of
convolutional residual networks on CIFAR-10 and ImageNet, and
only the network at initialisation, no training.
"""

from __future__ import annotations

import math

import numpy as np

from .._validation import check_count, check_member, check_real, check_rng
from ..blocks import LayerNorm, Residual, forward, loss_and_gradients, residual_mlp
from ..data import digits

__all__ = ["NORMS", "branch_gradient_norms", "branch_share", "stream_law"]

#: Normalisations compared: none, BatchNorm or LayerNorm at the start of every branch
#: (pre-norm), and a LayerNorm after every addition, on the stream (post-LN,
#: :math:`x_{l+1} = \\operatorname{LN}(x_l + F(x_l))`).
NORMS = (None, "batch", "layer", "post_layer")


def stream_law(norm, q0, blocks):
    """Closed forms of the stream's and the branch's mean squares, He branches.

    Parameters
    ----------
    norm : {None, "batch", "layer", "post_layer"}
        The normalisation at the start of every branch, or after every
        addition (``"post_layer"``).
    q0 : float
        :math:`q_0`, the mean square of the stream before the first block.
    blocks : array_like of int
        Blocks passed, :math:`l \\ge 0`.

    Returns
    -------
    stream : numpy.ndarray
        :math:`q_l`: :math:`3^l q_0` without a norm, :math:`q_0 + 2l` with a
        norm in the branch, 1 after the first block with post-LN.
    branch : numpy.ndarray
        The mean square of the branch of block :math:`l + 1` (the one fed
        :math:`x_l`): :math:`2 q_l` without a norm and with post-LN, 2 with a
        norm in the branch.

    Raises
    ------
    TypeError, ValueError
        If ``norm`` is not one of :data:`NORMS` or ``q0`` is not positive.

    Examples
    --------
    >>> from winit.experiments.de2020 import stream_law
    >>> stream, branch = stream_law("layer", 1.0, [0, 1, 50])
    >>> stream.tolist(), branch.tolist()
    ([1.0, 3.0, 101.0], [2.0, 2.0, 2.0])
    """
    check_member(norm, "norm", NORMS, "the branch normalisations")
    q0 = check_real(q0, "q0", "the stream's mean square before the first block", positive=True)
    blocks = np.asarray(blocks, dtype=float)
    if norm is None:
        stream = q0 * 3.0 ** blocks
        return stream, 2.0 * stream
    if norm == "post_layer":
        stream = np.where(blocks == 0, q0, 1.0)
        return stream, 2.0 * stream
    return q0 + 2.0 * blocks, np.full_like(blocks, 2.0)


def _network(norm, width, n_blocks, rng, final_norm=False):
    """The layers, and the indices of the stream after the input layer and each block.

    Post-LN puts a LayerNorm after every block; ``final_norm`` adds one before
    the output layer of a pre-norm network (GPT-2's ``ln_f``)."""
    he = math.sqrt(2.0 / width)
    net = residual_mlp(64, width, n_blocks, 10, std_first=he, std_last=he,
                       norm=None if norm == "post_layer" else norm, rng=rng)
    if norm == "post_layer":
        layers = [net[0]]
        for block in net[1:-1]:
            layers += [block, LayerNorm(width)]
        return layers + [net[-1]], list(range(0, 2 * n_blocks + 1, 2))
    if final_norm:
        net.insert(-1, LayerNorm(width))
    return net, list(range(n_blocks + 1))


def branch_share(norm, *, n_blocks=50, width=64, n_samples=128, n_nets=8, rng=0):
    """The residual stream's and each branch's mean square, block by block, at initialisation.

    ``n_nets`` networks :func:`winit.blocks.residual_mlp` (``n_blocks``
    blocks of ``width`` units, He weights N(0, 2/width) in both branch
    layers, zero biases, float64, ``norm`` at the start of every branch, or a
    LayerNorm after every block for ``"post_layer"``) are
    run on ``n_samples`` training digits (one batch, so a BatchNorm
    normalises over those digits).  For every block the mean of
    :math:`x_l^2` (the stream it is fed) and of :math:`F_l^2` (what its
    branch adds, :math:`x_{l+1} - x_l`) over examples and units are averaged
    over the networks.

    Parameters
    ----------
    norm : {None, "batch", "layer", "post_layer"}
    n_blocks, width, n_samples, n_nets : int
    rng : None, int or numpy.random.Generator, default 0
        Source of randomness (SPEC 7) for the digits' split, the sample and
        the weights.

    Returns
    -------
    stream : numpy.ndarray, shape (n_blocks + 1,)
        :math:`q_l`, ``l = 0 ... n_blocks``.
    branch : numpy.ndarray, shape (n_blocks,)
        The branch's mean square in blocks ``1 ... n_blocks``.
    q0 : float
        The expected :math:`q_0` of the sample: the mean of
        :math:`|x|^2/64` over its digits (the input layer has weights
        N(0, 1/64)), for :func:`stream_law`.

    Raises
    ------
    TypeError, ValueError
        If ``norm`` is not one of :data:`NORMS`, a count is not a positive
        integer, or ``n_samples`` exceeds the training digits (or is 1).

    Examples
    --------
    >>> from winit.experiments.de2020 import branch_share
    >>> stream, branch, q0 = branch_share("layer", n_blocks=3, width=32, n_samples=64, n_nets=2)
    >>> stream.shape, branch.shape
    ((4,), (3,))
    """
    check_member(norm, "norm", NORMS, "the branch normalisations")
    n_blocks = check_count(n_blocks, "n_blocks", "the number of residual blocks")
    width = check_count(width, "width", "the width of the residual stream")
    n_nets = check_count(n_nets, "n_nets", "the number of networks averaged")
    rng = check_rng(rng)
    data = digits(rng=rng)
    n_samples = check_count(n_samples, "n_samples", "the digits run forward, among the "
                            "training digits", low=2, high=data.x_train.shape[0])
    x = data.x_train[rng.choice(data.x_train.shape[0], n_samples, replace=False)]
    stream = np.zeros(n_blocks + 1)
    branch = np.zeros(n_blocks)
    for _ in range(n_nets):
        net, at = _network(norm, width, n_blocks, rng)
        outs = forward(net, x).outputs
        q = np.array([np.mean(outs[i] * outs[i]) for i in at])  # x_0, ..., x_L
        # what block l + 1 adds to x_l: its Residual's output minus its input
        f = np.array([np.mean((outs[i + 1] - outs[i]) ** 2) for i in at[:-1]])
        stream += q
        branch += f
    return stream / n_nets, branch / n_nets, float(np.mean(np.sum(x * x, axis=1)) / 64)


def branch_gradient_norms(norm, *, n_blocks=50, width=64, n_samples=128, n_nets=4, rng=0):
    """The gradient norm of every block's branch weights at initialisation, pre-LN or post-LN.

    The networks of :func:`branch_share` with ``norm`` ``"layer"`` (pre-LN,
    with a final LayerNorm before the output layer, as GPT-2's ``ln_f``) or
    ``"post_layer"`` (a LayerNorm after every block); the gradient of the
    mean cross-entropy of ``n_samples`` training digits with respect to
    both weight matrices of each block's branch, its Frobenius norm averaged
    over ``n_nets`` networks.

    Parameters
    ----------
    norm : {"layer", "post_layer"}
    n_blocks, width, n_samples, n_nets : int
    rng : None, int or numpy.random.Generator, default 0
        Source of randomness (SPEC 7) for the split, the sample and the weights.

    Returns
    -------
    numpy.ndarray, shape (n_blocks,)
        Blocks in order, the first (next to the input) first.

    Raises
    ------
    TypeError, ValueError
        If ``norm`` is not ``"layer"`` or ``"post_layer"``, or a count is
        not a positive integer (``n_samples`` at most the training digits).

    References
    ----------
    R. Xiong et al., "On layer normalization in the transformer
    architecture", ICML 2020.

    Examples
    --------
    >>> from winit.experiments.de2020 import branch_gradient_norms
    >>> branch_gradient_norms("post_layer", n_blocks=3, width=16, n_samples=32, n_nets=1).shape
    (3,)
    """
    check_member(norm, "norm", ("layer", "post_layer"), "the LayerNorm layouts")
    n_blocks = check_count(n_blocks, "n_blocks", "the number of residual blocks")
    width = check_count(width, "width", "the width of the residual stream")
    n_nets = check_count(n_nets, "n_nets", "the number of networks averaged")
    rng = check_rng(rng)
    data = digits(rng=rng)
    n_samples = check_count(n_samples, "n_samples", "the digits of the loss",
                            high=data.x_train.shape[0])
    pick = rng.choice(data.x_train.shape[0], n_samples, replace=False)
    x, y = data.x_train[pick], data.y_train[pick]
    total = np.zeros(n_blocks)
    for _ in range(n_nets):
        net, _ = _network(norm, width, n_blocks, rng, final_norm=True)
        grads = loss_and_gradients(net, x, y)[2].grads
        total += [math.sqrt(sum(float(np.sum(g * g)) for name, g in
                                zip(layer.parameter_names(), layer_grads) if name.endswith(".W")))
                  for layer, layer_grads in zip(net, grads) if isinstance(layer, Residual)]
    return total / n_nets
