"""winit: neural-network weight initialisation in numpy, for the book.

The package is built in layers; each imports only the layers above it in
this list, never those below (``tests/test_layers.py`` checks it):

1. **The library**, which anyone could import without the book (numpy only):
   :mod:`winit.schemes` (every scheme is one line over
   :func:`variance_scaling`), :mod:`winit.fans` (fans and gains),
   :mod:`winit.activations` (the one registry of activation functions),
   :mod:`winit.meanfield` (mean-field signal propagation),
   :mod:`winit.diagnostics` (checks of any network at initialisation, from
   plain arrays), :mod:`winit.lsuv` (Mishkin and Matas's data-dependent
   LSUV initialisation, :func:`lsuv`, for a network in any framework),
   :mod:`winit.mup` (the maximal update parametrization of Yang et al.'s
   Tensor Programs V: each layer's init scale and learning-rate multiplier,
   :func:`mup_layer`, :func:`mup_mlp`, :func:`mup_init`),
   :mod:`winit.frameworks` (the default initialisers of PyTorch, torchvision,
   timm, Hugging Face, Keras and Flax, drawn in numpy),
   :mod:`winit.transformer_init` (named transformer initialisation recipes).
2. **The network engine**: :mod:`winit.networks` (forward, backward, SGD of
   plain stacks), :mod:`winit.blocks` (residual blocks, normalisation layers)
   and :mod:`winit.transformer` (a small decoder-only transformer).
3. **The data**: :mod:`winit.data` (scikit-learn's digits, Shapeset).
4. **The papers' experiments**: :mod:`winit.experiments`, one module per
   paper, named after it (``glorot2010``, ``he2015``, ...).
5. **The book's drawing and widget code**: :mod:`winit.book`.

The tutorial's schemes are :func:`xavier`, :func:`normalized_xavier` and
:func:`he` (with :func:`xavier_bounds`, :func:`normalized_xavier_bounds` and
:func:`he_std`, which print exactly as its listings do); Keras's are
``glorot_*``, ``he_*`` and ``lecun_*``.  Weights are stored ``(in, out)``,
as ``x @ W`` (see :func:`compute_fans`).  Randomness comes only from the
``rng`` argument (SPEC 7).
"""

from .fans import calculate_gain, compute_fans
from .lsuv import lsuv
from .mup import LayerScaling, mup_init, mup_layer, mup_mlp
from .schemes import (
    Summary,
    glorot_normal,
    glorot_uniform,
    he,
    he_normal,
    he_std,
    he_uniform,
    lecun_normal,
    lecun_uniform,
    normalized_xavier,
    normalized_xavier_bounds,
    orthogonal,
    summarize,
    variance_scaling,
    xavier,
    xavier_bounds,
)

__version__ = "0.1.0"

__all__ = [
    "xavier",
    "normalized_xavier",
    "he",
    "xavier_bounds",
    "normalized_xavier_bounds",
    "he_std",
    "compute_fans",
    "variance_scaling",
    "glorot_uniform",
    "glorot_normal",
    "he_uniform",
    "he_normal",
    "lecun_uniform",
    "lecun_normal",
    "calculate_gain",
    "summarize",
    "Summary",
    "orthogonal",
    "lsuv",
    "LayerScaling",
    "mup_layer",
    "mup_mlp",
    "mup_init",
]
