"""What the frameworks draw when you do not choose: their default initialisers, in numpy.

A layer built without an initialiser argument gets the framework's default, and
the defaults differ.  This module draws them for a fully connected network in
winit's ``(in, out)`` layout, so that a network "as PyTorch would build it" can
be put through the checks of :mod:`winit.diagnostics`.  One function,
:func:`default_mlp`, and the names it knows, :data:`FRAMEWORKS`:

``"pytorch"``
    ``torch.nn.Linear``'s ``reset_parameters``:
    ``kaiming_uniform_(weight, a=sqrt(5))``, which is
    :math:`U[\\pm 1/\\sqrt{n_{in}}]`, and a bias from the same
    :math:`U[\\pm 1/\\sqrt{n_{in}}]`: the one default here whose bias is not zero.
``"torchvision"``
    torchvision's ResNet: every convolution ``kaiming_normal_(mode="fan_out",
    nonlinearity="relu")``, :math:`N(0, 2/n_{out})`, without bias; the final
    classifier is a plain ``nn.Linear`` and keeps PyTorch's default.  In a
    fully connected network the hidden layers play the convolutions' part.
    (Its BatchNorm layers start at scale 1 and shift 0, and
    ``zero_init_residual=True`` zeroes each residual branch's last scale; a
    plain stack has neither.)
``"timm"``
    timm's Vision Transformer (``init_weights_vit_timm``, the default
    ``weight_init=""``): every ``nn.Linear`` weight from ``trunc_normal_(std=.02)``
    and its bias zero.  timm's truncation bounds ``a=-2, b=2`` are absolute
    values, a hundred standard deviations here: in effect :math:`N(0, 0.02^2)`.
``"huggingface"``
    Hugging Face Transformers' GPT-2 (``GPT2PreTrainedModel._init_weights``):
    every linear weight :math:`N(0, 0.02^2)` (``initializer_range``), biases
    zero.  (Its residual output projections ``c_proj`` get
    :math:`0.02/\\sqrt{2 n_{layer}}` instead; a plain stack has none.)
``"keras"``
    ``keras.layers.Dense``: ``kernel_initializer="glorot_uniform"``,
    :math:`U[\\pm\\sqrt{6/(n_{in} + n_{out})}]`, ``bias_initializer="zeros"``.
``"flax"``
    ``flax.linen.Dense``: ``kernel_init=lecun_normal()``, a normal truncated at
    two standard deviations and rescaled to variance :math:`1/n_{in}`,
    ``bias_init=zeros_init()``.

None of these looks at the activation function: the same default serves ReLU
and tanh layers.

References
----------
.. [1] PyTorch, ``torch/nn/modules/linear.py`` (``Linear.reset_parameters``) and
   ``torch/nn/init.py``.
.. [2] torchvision, ``torchvision/models/resnet.py`` (``ResNet.__init__``).
.. [3] timm, ``timm/models/vision_transformer.py`` (``init_weights_vit_timm``) and
   ``timm/layers/weight_init.py`` (``trunc_normal_``).
.. [4] Hugging Face Transformers, ``src/transformers/models/gpt2/modeling_gpt2.py``
   (``GPT2PreTrainedModel._init_weights``).
.. [5] Keras, ``keras/src/layers/core/dense.py`` (``Dense.__init__``).
.. [6] Flax, ``flax/linen/linear.py`` (``Dense``, ``default_kernel_init``).
"""

import math

import numpy as np

from ._validation import check_choice, check_counts, check_dtype, check_rng
from .schemes import glorot_uniform, lecun_normal, variance_scaling

__all__ = ["FRAMEWORKS", "default_mlp"]

#: The frameworks whose defaults :func:`default_mlp` draws.
FRAMEWORKS = ("pytorch", "torchvision", "timm", "huggingface", "keras", "flax")

#: The standard deviation timm's ViT and Hugging Face's GPT-2 give every linear weight.
SMALL_STD = 0.02

#: timm's ``trunc_normal_`` bounds (absolute values, not standard deviations).
TIMM_BOUND = 2.0


def _torch_linear(n_in, n_out, rng, dtype):
    """``nn.Linear``'s default: weight and bias from U[-1/sqrt(n_in), 1/sqrt(n_in)]."""
    # kaiming_uniform_(a=sqrt(5)): gain sqrt(2 / (1 + 5)), bound sqrt(3) gain / sqrt(n_in)
    W = variance_scaling((n_in, n_out), 1 / 3, "fan_in", "uniform", rng=rng, dtype=dtype)
    bound = 1 / math.sqrt(n_in)
    b = rng.uniform(-bound, bound, n_out).astype(dtype, copy=False)
    return W, b


def _small_normal(n_in, n_out, rng, dtype, bound=None):
    """N(0, 0.02^2), redrawn outside [-bound, bound] if a bound is given."""
    W = rng.normal(0.0, SMALL_STD, (n_in, n_out))
    if bound is not None:
        out = np.abs(W) > bound
        while out.any():  # at 100 standard deviations: never, in practice
            W[out] = rng.normal(0.0, SMALL_STD, int(out.sum()))
            out = np.abs(W) > bound
    return W.astype(dtype, copy=False)


def _layer(framework, n_in, n_out, last, rng, dtype):
    zeros = np.zeros(n_out, dtype)
    if framework == "pytorch" or (framework == "torchvision" and last):
        return _torch_linear(n_in, n_out, rng, dtype)
    if framework == "torchvision":
        return variance_scaling((n_in, n_out), 2.0, "fan_out", "normal", rng=rng,
                                dtype=dtype), zeros
    if framework == "timm":
        return _small_normal(n_in, n_out, rng, dtype, bound=TIMM_BOUND), zeros
    if framework == "huggingface":
        return _small_normal(n_in, n_out, rng, dtype), zeros
    if framework == "keras":
        return glorot_uniform((n_in, n_out), rng=rng, dtype=dtype), zeros
    return lecun_normal((n_in, n_out), rng=rng, dtype=dtype), zeros  # flax


def default_mlp(framework, sizes, *, rng=None, dtype=np.float64):
    """Draw a fully connected network as ``framework`` would with its defaults.

    Parameters
    ----------
    framework : str
        One of :data:`FRAMEWORKS` (see the module's description of each).
    sizes : sequence of int
        Layer widths from input to output, at least two, e.g.
        ``[64] + [64] * 10 + [10]``.
    rng : None, int or numpy.random.Generator, optional
        Source of randomness (SPEC 7), normalised once and shared by the
        layers, drawn in order (each layer's weights, then its bias if it is
        random).
    dtype : {numpy.float64, numpy.float32}, default numpy.float64
        Floating type of the parameters.

    Returns
    -------
    list of (numpy.ndarray, numpy.ndarray)
        ``[(W_1, b_1), ..., (W_L, b_L)]``, ``W_l`` of shape
        ``(sizes[l-1], sizes[l])`` (``x @ W``), ``b_l`` of shape
        ``(sizes[l],)``: the form :func:`winit.networks.init_weights`
        returns, so the engine trains it as it is.

    Raises
    ------
    TypeError
        If ``framework`` is not a string, ``sizes`` not a sequence of
        integers, ``rng`` or ``dtype`` of the wrong kind.
    ValueError
        If ``framework`` is unknown, ``sizes`` has fewer than two entries or
        a non-positive one.

    Examples
    --------
    >>> import numpy as np
    >>> from winit.frameworks import default_mlp
    >>> net = default_mlp("pytorch", [64, 64, 10], rng=0)
    >>> [(W.shape, b.shape) for W, b in net]
    [((64, 64), (64,)), ((64, 10), (10,))]
    >>> bool(np.abs(net[0][0]).max() <= 1 / 8 and np.abs(net[0][1]).max() <= 1 / 8)
    True
    >>> [float(np.abs(b).max()) for W, b in default_mlp("keras", [64, 64, 10], rng=0)]
    [0.0, 0.0]

    References
    ----------
    See the module's references: each framework's source file.
    """
    check_choice(framework, "framework", FRAMEWORKS)
    sizes = check_counts(sizes, "sizes", "the layer widths from input to output", min_len=2)
    rng = check_rng(rng)
    dtype = check_dtype(dtype)
    n_layers = len(sizes) - 1
    return [_layer(framework, sizes[l], sizes[l + 1], l == n_layers - 1, rng, dtype)
            for l in range(n_layers)]
