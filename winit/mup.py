"""The maximal update parametrization (muP) of a multilayer perceptron.

He's and Glorot's rules fix each layer's initial scale from its fan-in; they
say nothing about how training changes when the network gets wider.  Yang et
al. (2022), "Tensor Programs V", tabulate how the initial variance *and the
learning rate* of each kind of layer should scale with width so that every
layer's activations move by an amount that does not depend on the width:
the maximal update parametrization, muP.  Their Table 3, for any network
(the standard parametrization, SP, in brackets where it differs):

==============  ==========================  ======================  ======================
\\               input weights & all biases  output weights          hidden weights
==============  ==========================  ======================  ======================
init. variance  1/fan_in                    1/fan_in^2 (1/fan_in)   1/fan_in
SGD LR          fan_out (1)                 1/fan_in (1)            1
Adam LR         1                           1/fan_in (1)            1/fan_in (1)
==============  ==========================  ======================  ======================

*Input* weights map a fixed dimension (the data's) to a width, *output*
weights a width to a fixed dimension (the classes), *hidden* weights a width
to a width.  A bias is an input weight from the constant 1: its fan_out is
its length (Table 3's caption), so the biases of the hidden layers get the
input column's SGD rate, and the output layer's bias, whose length is the number of classes,
keeps a rate that does not change with width.

The table gives scalings, not values.  This module fixes the constants with
a **base width** :math:`n_0`: every
width dimension enters through its *width multiplier*
:math:`\\tilde n = n / n_0`, so that at the base width muP *is* the standard
parametrization, and away from it the two differ by powers of
:math:`\\tilde n`.  This is how Microsoft's ``mup`` package defines it too:
``set_base_shapes`` records a base model's shapes and each dimension's
``width_mult`` is its size over the base size (1 for a fixed dimension).
With a standard-parametrization standard deviation
:math:`\\sigma_{SP} = g/\\sqrt{\\text{fan\\_in}}` (``gain`` :math:`g`,
:math:`\\sqrt 2` for He) and a master learning rate :math:`\\eta`:

* input layer: standard deviation :math:`\\sigma_{SP}`, SGD rate
  :math:`\\eta\\,\\tilde n_{out}`, Adam rate :math:`\\eta`;
* hidden layer: :math:`\\sigma_{SP}`, SGD rate
  :math:`\\eta\\,\\tilde n_{out}/\\tilde n_{in}`, Adam rate :math:`\\eta/\\tilde n_{in}`;
* output layer: :math:`\\sigma_{SP}/\\sqrt{\\tilde n_{in}}`, SGD rate
  :math:`\\eta/\\tilde n_{in}`, Adam rate :math:`\\eta/\\tilde n_{in}`;

with :math:`\\tilde n_{in}`, :math:`\\tilde n_{out}` the multipliers of the
layer's fan-in and fan-out (1 for the data's and the classes' dimensions).
For a hidden layer whose two widths grow together the SGD factor
:math:`\\tilde n_{out}/\\tilde n_{in}` is Table 3's 1; the ratio is what the
``mup`` package's ``MuSGD`` uses (it divides the rate by
``fanin_fanout_mult_ratio``) when they do not.  Biases start at zero (the
initialisation used here); their SGD rate is :math:`\\eta\\,\\tilde n_{out}` in the
input and hidden layers and :math:`\\eta` in the output layer, their Adam
rate :math:`\\eta`.

Only the output layer's initial scale changes; everything else muP changes
is a learning rate.  The functions here return numbers and plain numpy
arrays, so the rules carry over to a network in any framework:
:func:`mup_layer` for one layer, :func:`mup_mlp` for every layer of an MLP,
and :func:`mup_init` to draw an MLP's weights in the ``x @ W`` layout of
:mod:`winit.networks`.  Pass ``parametrization="sp"`` to get the standard
parametrization from the same call, for comparison.

References
----------
.. [1] G. Yang, E. J. Hu, I. Babuschkin, S. Sidor, X. Liu, D. Farhi,
   N. Ryder, J. Pachocki, W. Chen and J. Gao, "Tensor Programs V: Tuning
   large neural networks via zero-shot hyperparameter transfer",
   arXiv:2203.03466 (2022), Table 3 (and Table 8, the equivalent form the
   ``mup`` package implements), Appendix B (further explanation of the
   tables).
.. [2] G. Yang and E. J. Hu, "Feature learning in infinite-width neural
   networks", arXiv:2011.14522 (2020): muP's first form.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._validation import (check_choice, check_count, check_counts, check_dtype, check_real,
                          check_rng, check_size_fits, check_spread)

__all__ = [
    "KINDS",
    "OPTIMIZERS",
    "PARAMETRIZATIONS",
    "LayerScaling",
    "mup_init",
    "mup_layer",
    "mup_mlp",
]

#: The three kinds of layer of Table 3: data -> width, width -> width, width -> classes.
KINDS = ("input", "hidden", "output")

#: Optimisers whose learning-rate column :func:`mup_layer` knows.
OPTIMIZERS = ("sgd", "adam")

#: ``"mup"``: Table 3 with a base width; ``"sp"``: the standard parametrization.
PARAMETRIZATIONS = ("mup", "sp")


@dataclass(frozen=True)
class LayerScaling:
    """How one layer is initialised and trained; see :func:`mup_layer`.

    Attributes
    ----------
    kind : {"input", "hidden", "output"}
        The layer's column of Table 3.
    fan_in, fan_out : int
        The layer's numbers of inputs and outputs.
    init_std : float
        Standard deviation of the layer's weights at initialisation (biases
        start at zero).
    lr_mult : float
        Multiplier of the master learning rate for the weights.
    bias_lr_mult : float
        Multiplier of the master learning rate for the bias.
    """

    kind: str
    fan_in: int
    fan_out: int
    init_std: float
    lr_mult: float
    bias_lr_mult: float


def mup_layer(kind, fan_in, fan_out, *, base_width, gain=math.sqrt(2.0), optimizer="sgd",
              parametrization="mup"):
    """The initial scale and learning-rate multipliers of one layer under muP.

    Implements Table 3 of Yang et al. (2022) with a base width
    :math:`n_0`, as Microsoft's ``mup`` package does: a width dimension of size :math:`n`
    enters through :math:`\\tilde n = n/n_0`, so that at
    ``fan_in == fan_out == base_width`` every multiplier is 1 and muP equals
    the standard parametrization.  With :math:`\\sigma_{SP} =
    g/\\sqrt{\\text{fan\\_in}}`,

    .. math::

        \\sigma = \\begin{cases}
            \\sigma_{SP} / \\sqrt{\\tilde n_{in}} & \\text{output layer,} \\\\
            \\sigma_{SP} & \\text{input and hidden layers;}
        \\end{cases}
        \\qquad
        \\text{SGD: } \\eta_W / \\eta = \\begin{cases}
            \\tilde n_{out} & \\text{input,} \\\\
            \\tilde n_{out} / \\tilde n_{in} & \\text{hidden,} \\\\
            1 / \\tilde n_{in} & \\text{output;}
        \\end{cases}

    the output layer's variance is then
    :math:`g^2 n_0 / \\text{fan\\_in}^2`, Table 3's :math:`1/\\text{fan\\_in}^2`.
    With Adam the weight multipliers are 1 (input) and
    :math:`1/\\tilde n_{in}` (hidden and output), and every bias multiplier
    is 1.  With SGD the bias multiplier is :math:`\\tilde n_{out}` in the
    input and hidden layers (a bias's fan_out is its length) and 1 in the
    output layer.

    Parameters
    ----------
    kind : {"input", "hidden", "output"}
        ``"input"``: from the data to a width (its fan_in does not scale);
        ``"hidden"``: from a width to a width; ``"output"``: from a width to
        the outputs (its fan_out does not scale).
    fan_in, fan_out : int
        The layer's numbers of inputs and outputs (``W.shape`` in the
        ``x @ W`` layout; PyTorch's ``nn.Linear`` stores ``(fan_out, fan_in)``).
    base_width : int
        The width :math:`n_0` at which muP equals the standard
        parametrization (keyword-only).  The widths of the layer are divided
        by it.
    gain : float, default sqrt(2)
        :math:`g` of :math:`\\sigma_{SP} = g/\\sqrt{\\text{fan\\_in}}`:
        :math:`\\sqrt 2` is He et al.'s for ReLU, 1 LeCun's.  Must be
        positive.
    optimizer : {"sgd", "adam"}, default "sgd"
        Which learning-rate row of Table 3 to use.  The ``mup`` package
        applies Adam's row to every optimiser that normalises the gradient
        entry by entry (RMSProp, Adagrad) and SGD's to SGD-like ones (its
        ``optim`` module; the paper's Appendix B.3 treats Adagrad and
        RMSProp exactly as Adam).
    parametrization : {"mup", "sp"}, default "mup"
        ``"sp"`` returns the standard parametrization: :math:`\\sigma_{SP}`
        and every multiplier 1.

    Returns
    -------
    LayerScaling
        ``init_std``, ``lr_mult`` and ``bias_lr_mult`` as Python floats.

    Raises
    ------
    TypeError
        If ``kind``, ``optimizer`` or ``parametrization`` is not a string,
        ``fan_in``, ``fan_out`` or ``base_width`` is not an integer (``bool``
        included), or ``gain`` is not a real number.
    ValueError
        If ``kind``, ``optimizer`` or ``parametrization`` is not one of the
        names above, a count is not positive, or ``gain`` is not a positive
        finite number.

    See Also
    --------
    mup_mlp : every layer of an MLP at once.

    Examples
    --------
    At the base width muP is the standard parametrization; four times wider,
    the output layer starts half as large, its rate is divided by 4 and the
    input layer's multiplied by 4:

    >>> from winit.mup import mup_layer
    >>> mup_layer("output", 64, 10, base_width=64) == mup_layer("output", 64, 10,
    ...                                                     base_width=64, parametrization="sp")
    True
    >>> out = mup_layer("output", 256, 10, base_width=64, gain=1.0)
    >>> out.init_std * 256 ** 0.5, out.lr_mult
    (0.5, 0.25)
    >>> mup_layer("input", 64, 256, base_width=64).lr_mult
    4.0

    References
    ----------
    .. [1] G. Yang et al., "Tensor Programs V: Tuning large neural networks
       via zero-shot hyperparameter transfer", arXiv:2203.03466, Table 3.
    """
    check_choice(kind, "kind", KINDS)
    fan_in = check_count(fan_in, "fan_in", "the number of inputs to the layer")
    fan_out = check_count(fan_out, "fan_out", "the number of outputs of the layer")
    base_width = check_count(base_width, "base_width",
                             "the width at which muP equals the standard parametrization")
    gain = check_real(gain, "gain", "g of the standard deviation g / sqrt(fan_in)",
                      positive=True)
    check_choice(optimizer, "optimizer", OPTIMIZERS)
    check_choice(parametrization, "parametrization", PARAMETRIZATIONS)
    std_sp = gain / math.sqrt(fan_in)
    if not 0.0 < std_sp < math.inf:
        raise ValueError(f"gain must be a gain that gives a positive standard deviation "
                         f"(g of the standard deviation g / sqrt(fan_in)); got gain={gain!r} "
                         f"with fan_in={fan_in}")
    if parametrization == "sp":
        return LayerScaling(kind, fan_in, fan_out, std_sp, 1.0, 1.0)
    m_in = fan_in / base_width if kind != "input" else 1.0
    m_out = fan_out / base_width if kind != "output" else 1.0
    std = std_sp / math.sqrt(m_in) if kind == "output" else std_sp
    if optimizer == "sgd":
        lr = {"input": m_out, "hidden": m_out / m_in, "output": 1.0 / m_in}[kind]
        bias_lr = m_out
    else:
        lr = 1.0 if kind == "input" else 1.0 / m_in
        bias_lr = 1.0
    return LayerScaling(kind, fan_in, fan_out, float(std), float(lr), float(bias_lr))


def _check_mlp_sizes(sizes):
    return check_counts(sizes, "sizes", "the layer widths from input to output: muP tells "
                        "input, hidden and output layers apart, and a network without a hidden "
                        "layer has no width", min_len=3, each="a layer width")


def mup_mlp(sizes, *, base_width, gain=math.sqrt(2.0), optimizer="sgd", parametrization="mup"):
    """The muP scaling of every layer of a multilayer perceptron.

    The first layer is an input layer, the last an output layer and the
    others hidden layers (Table 3 of Yang et al., 2022); each is given by
    :func:`mup_layer` with the same base width, gain and optimiser.

    Parameters
    ----------
    sizes : sequence of int
        Layer widths from input to output, at least three entries, e.g.
        ``[64, 1024, 1024, 10]``: the input and output sizes are the data's
        and do not scale, the hidden widths do.
    base_width : int
        Width at which muP equals the standard parametrization.
    gain : float, default sqrt(2)
        :math:`g` of :math:`\\sigma_{SP} = g / \\sqrt{\\text{fan\\_in}}`.
    optimizer : {"sgd", "adam"}, default "sgd"
    parametrization : {"mup", "sp"}, default "mup"

    Returns
    -------
    list of LayerScaling
        One per layer, from input to output.

    Raises
    ------
    TypeError, ValueError
        As :func:`mup_layer`; also if ``sizes`` is not a sequence of
        positive integers with at least three entries.

    Examples
    --------
    >>> from winit.mup import mup_mlp
    >>> [(s.kind, s.lr_mult) for s in mup_mlp([64, 256, 256, 10], base_width=64)]
    [('input', 4.0), ('hidden', 1.0), ('output', 0.25)]
    """
    sizes = _check_mlp_sizes(sizes)
    n = len(sizes) - 1
    kinds = ["input"] + ["hidden"] * (n - 2) + ["output"]
    return [mup_layer(k, sizes[l], sizes[l + 1], base_width=base_width, gain=gain,
                      optimizer=optimizer, parametrization=parametrization)
            for l, k in enumerate(kinds)]


def mup_init(sizes, *, base_width, gain=math.sqrt(2.0), parametrization="mup", rng=None,
             dtype=np.float64):
    """Draw the weights of an MLP under muP (or the standard parametrization).

    Every weight matrix is drawn from N(0, init_std^2) with the ``init_std``
    of :func:`mup_mlp` and every bias is zero, in the ``x @ W`` layout of
    :func:`winit.networks.init_weights` (``W`` of shape ``(fan_in,
    fan_out)``).  The learning-rate multipliers are not part of the weights:
    take them from :func:`mup_mlp` and give layer ``l`` the learning rate
    ``eta * lr_mult`` (and ``eta * bias_lr_mult`` for its bias).

    All layers draw from one generator in order, and each matrix is a
    standard-normal draw times its ``init_std``, so the same seed gives the
    same standard normals under ``"mup"`` and ``"sp"``: the two networks
    differ only in the output layer's scale.

    Parameters
    ----------
    sizes : sequence of int
        Layer widths from input to output, at least three entries.
    base_width : int
        Width at which muP equals the standard parametrization.
    gain : float, default sqrt(2)
        :math:`g` of :math:`\\sigma_{SP} = g / \\sqrt{\\text{fan\\_in}}`.
    parametrization : {"mup", "sp"}, default "mup"
    rng : None, int or numpy.random.Generator, optional
        Source of randomness (SPEC 7).
    dtype : {numpy.float64, numpy.float32}, default numpy.float64

    Returns
    -------
    list of (numpy.ndarray, numpy.ndarray)
        ``[(W_1, b_1), ..., (W_L, b_L)]``, ``W_l`` of shape
        ``(sizes[l-1], sizes[l])`` and ``b_l`` zeros of shape ``(sizes[l],)``.

    Raises
    ------
    TypeError, ValueError
        As :func:`mup_mlp`; also for a bad ``rng`` or ``dtype``.

    Examples
    --------
    >>> from winit.mup import mup_init
    >>> params = mup_init([64, 128, 128, 10], base_width=64, rng=0)
    >>> [W.shape for W, b in params]
    [(64, 128), (128, 128), (128, 10)]
    """
    scalings = mup_mlp(sizes, base_width=base_width, gain=gain, parametrization=parametrization)
    rng = check_rng(rng)
    dtype = check_dtype(dtype)
    for l, s in enumerate(scalings):
        check_size_fits((s.fan_in, s.fan_out), dtype, f"sizes[{l}:{l + 2}]")
        check_spread(s.init_std, "gain", f"g of the standard deviation g / sqrt(fan_in); layer "
                     f"{l + 1}'s weights", dtype, be="be a gain that gives a standard deviation of",
                     got=f"gain={gain!r}, which gives {s.init_std:.3g}")
    params = []
    for s in scalings:
        W = (rng.standard_normal((s.fan_in, s.fan_out)) * s.init_std).astype(dtype, copy=False)
        params.append((W, np.zeros(s.fan_out, dtype=dtype)))
    return params
