"""Named initialisations of :class:`winit.transformer.Transformer`, each as its source writes it.

A *preset* fixes both the layout a recipe was written for (where the
LayerNorms go, a tied or untied head, the positions, the residual's
multiplier, the attention's scale) and the distribution of every parameter.
:func:`build` makes a transformer from one.  Below, :math:`d` is the width of
the stream, :math:`L` the number of blocks, :math:`U[\\pm a]` the uniform
distribution on :math:`[-a, a]`, and "Xavier" Glorot and Bengio's
:math:`U[\\pm g\\sqrt{6/(n_\\text{in} + n_\\text{out})}]` (uniform) or
:math:`N(0, 2 g^2/(n_\\text{in} + n_\\text{out}))` (normal).  Biases start at
0 and LayerNorm gains at 1 unless a row says otherwise.  Names of weights:
``w_q, w_k, w_v`` (attention's query, key, value), ``w_o`` (its output
projection, GPT-2's ``attn.c_proj``), ``w_in, w_out`` (the MLP's, GPT-2's
``c_fc`` and ``mlp.c_proj``).

``pytorch``
    Every weight at its PyTorch module's default: ``nn.Embedding``
    :math:`N(0, 1)` (token and position), ``nn.Linear`` weights *and biases*
    :math:`U[\\pm 1/\\sqrt{n_\\text{in}}]` (``kaiming_uniform_(a=sqrt(5))``),
    ``nn.LayerNorm`` 1 and 0; pre-LN, untied head (a bias-free
    ``nn.Linear``), as a GPT built from these modules without an
    initialisation of its own.
``gpt2_code``
    GPT-2's released code (``src/model.py``): every weight :math:`N(0,
    0.02^2)`, the position embedding :math:`N(0, 0.01^2)`, no depth scaling;
    pre-LN, tied head, learned positions, GELU.
``gpt2_scaled``
    GPT-2's paper (section 2.3: residual layers' weights scaled by
    :math:`1/\\sqrt N`, :math:`N` the number of residual layers), which GPT-3
    keeps (Brown et al. 2020, section 2.1), as nanoGPT (``model.py``) and
    Hugging Face (``modeling_gpt2.py``) implement it: every weight and both
    embeddings :math:`N(0, 0.02^2)`, ``w_o`` and ``w_out``
    :math:`N(0, (0.02/\\sqrt{2L})^2)`.
``vaswani``
    Vaswani et al. (2017), section 3.4: the embedding shared with the
    pre-softmax layer and multiplied by :math:`\\sqrt d` at the input;
    section 3.5: sinusoidal positions; post-LN; ReLU.  The paper gives no
    distribution; these are fairseq's (``Embedding``: :math:`N(0, 1/d)`;
    ``Linear``: Xavier uniform, biases 0).
``neox``
    GPT-NeoX's ``small_init`` (Nguyen and Salazar 2019) for every weight and
    the embedding, :math:`N(0, 2/(5d))`, and ``wang_init`` (from
    Mesh-Transformer-JAX) for ``w_o`` and ``w_out``,
    :math:`N(0, (2/(L\\sqrt d))^2)`; pre-LN, untied head.
``tfixup``
    T-Fixup (Huang et al. 2020), the decoder's rule: no LayerNorm; Xavier
    uniform for every weight but the embedding, :math:`N(0, 1/d)` for it;
    ``w_v``, ``w_o``, ``w_in``, ``w_out`` and the embedding multiplied by
    :math:`(9L)^{-1/4}`; sinusoidal positions, tied head, ReLU.
``deepnorm``
    DeepNet (Wang et al. 2022), decoder-only constants: post-LN with the
    residual :math:`x \\leftarrow \\mathrm{LN}(\\alpha x + F(x))`,
    :math:`\\alpha = (2L)^{1/4}`; Xavier normal with gain
    :math:`\\beta = (8L)^{-1/4}` for ``w_v``, ``w_o``, ``w_in``, ``w_out``
    and gain 1 for ``w_q``, ``w_k``; the rest as ``vaswani``.
``mup``
    muP (Yang et al. 2022) on top of ``gpt2_scaled``: attention logits
    scaled by :math:`1/d_h` instead of :math:`1/\\sqrt{d_h}`, the query
    weights zero, and an untied head (the readout) that starts at zero.

:data:`PRESETS` holds, for each, its source and the formula of every
standard deviation (``Preset.stds``, as text).

References
----------
.. [1] X. Glorot and Y. Bengio, "Understanding the difficulty of training
   deep feedforward neural networks", AISTATS 2010.
.. [2] A. Radford et al., "Language models are unsupervised multitask
   learners", 2019, section 2.3; github.com/openai/gpt-2, src/model.py.
.. [3] T. Brown et al., "Language models are few-shot learners", NeurIPS
   2020, section 2.1.
.. [4] A. Vaswani et al., "Attention is all you need", NeurIPS 2017.
.. [5] T. Q. Nguyen and J. Salazar, "Transformers without tears", IWSLT 2019.
.. [6] X. S. Huang et al., "Improving Transformer optimization through
   better initialization", ICML 2020 (T-Fixup).
.. [7] H. Wang et al., "DeepNet: scaling Transformers to 1,000 layers",
   arXiv:2203.00555, 2022.
.. [8] G. Yang et al., "Tensor Programs V: tuning large neural networks via
   zero-shot hyperparameter transfer", arXiv:2203.03466, 2022.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from ._validation import check_choice, check_rng
from .transformer import Transformer

__all__ = ["PRESETS", "Preset", "build"]


@dataclass(frozen=True)
class Preset:
    """One named recipe.

    Attributes
    ----------
    name, label, source : str
        Key, a short label for plots, and where the recipe is written.
    layout : dict
        Keywords of :class:`~winit.transformer.Transformer` the recipe
        fixes (``norm``, ``tied``, ``positions``, ``activation``,
        ``attention_scale``); ``alpha`` and ``embed_scale`` are functions of
        ``(d, L)`` in ``scales``.
    stds : dict of str to str
        The formula of each group's standard deviation, as text.
    scales : dict of str to callable
        ``alpha`` and ``embed_scale`` as functions of ``(d_model, n_layers)``
        (DeepNorm's :math:`(2L)^{1/4}`, Vaswani et al.'s :math:`\\sqrt d`).
    """

    name: str
    label: str
    source: str
    layout: dict = field(default_factory=dict)
    stds: dict = field(default_factory=dict)
    scales: dict = field(default_factory=dict)


def _normal(rng, shape, std):
    return rng.standard_normal(shape) * std if std else np.zeros(shape)


def _uniform(rng, shape, bound):
    return rng.uniform(-bound, bound, shape)


def _xavier(rng, shape, gain=1.0, kind="uniform"):
    fan_in, fan_out = shape
    if kind == "uniform":
        return _uniform(rng, shape, gain * math.sqrt(6.0 / (fan_in + fan_out)))
    return _normal(rng, shape, gain * math.sqrt(2.0 / (fan_in + fan_out)))


# each filler: (net, rng) -> None, writing every weight of net.params in forward order
def _fill_pytorch(net, rng):
    for name, p in net.params.items():
        if name in ("wte", "wpe"):
            p[...] = rng.standard_normal(p.shape)
        elif ".ln_" in name or name.startswith("ln_f"):
            continue
        elif name == "head":
            p[...] = _uniform(rng, p.shape, 1.0 / math.sqrt(p.shape[0]))
        else:  # a Linear's weight or bias: bound 1/sqrt(fan_in) for both
            fan_in = net.params[name.replace(".b_", ".w_")].shape[0]
            p[...] = _uniform(rng, p.shape, 1.0 / math.sqrt(fan_in))


def _residual_out(name):
    return name.endswith(".w_o") or name.endswith(".w_out")


def _fill_normal(std, *, wpe, residual, head=None, query=None):
    def fill(net, rng):
        for name, p in net.params.items():
            if name == "wpe":
                p[...] = _normal(rng, p.shape, wpe)
            elif name == "head":
                p[...] = _normal(rng, p.shape, std if head is None else head)
            elif name == "wte" or ".w_" in name:
                s = residual(net) if _residual_out(name) else std
                if query is not None and name.endswith(".w_q"):
                    s = query
                p[...] = _normal(rng, p.shape, s)
    return fill


def _fill_xavier(*, gains, embed, kind):
    def fill(net, rng):
        for name, p in net.params.items():
            if name == "wte":
                p[...] = _normal(rng, p.shape, embed(net))
            elif ".w_" in name:
                p[...] = _xavier(rng, p.shape, gains(net, name.rsplit(".", 1)[-1]), kind)
    return fill


def _tfixup_gain(net, which):
    return (9.0 * net.n_layers) ** -0.25 if which in ("w_v", "w_o", "w_in", "w_out") else 1.0


def _deepnorm_gain(net, which):
    return (8.0 * net.n_layers) ** -0.25 if which in ("w_v", "w_o", "w_in", "w_out") else 1.0


def _fill_neox(net, rng):
    small = math.sqrt(2.0 / (5.0 * net.d_model))
    _fill_normal(small, wpe=small, residual=lambda n: 2.0 / (n.n_layers * math.sqrt(n.d_model)))(net, rng)


def _gpt2_residual(net):
    return 0.02 / math.sqrt(2 * net.n_layers)


_VASWANI = dict(norm="post", tied=True, positions="sinusoidal", activation="relu")
_GPT2 = dict(norm="pre", tied=True, positions="learned", activation="gelu")

_ENTRIES = (
    (Preset("pytorch", "PyTorch defaults", "PyTorch nn.Embedding, nn.Linear, nn.LayerNorm defaults",
            dict(norm="pre", tied=False, positions="learned", activation="gelu"),
            {"wte, wpe": "N(0, 1)", "every Linear weight and bias": "U[+-1/sqrt(fan_in)]",
             "head": "U[+-1/sqrt(d)]"}),
     _fill_pytorch),
    (Preset("gpt2_code", "GPT-2 code", "GPT-2's src/model.py", dict(_GPT2),
            {"every weight, wte": "N(0, 0.02^2)", "wpe": "N(0, 0.01^2)"}),
     _fill_normal(0.02, wpe=0.01, residual=lambda net: 0.02)),
    (Preset("gpt2_scaled", "GPT-2/3 paper, nanoGPT, HF",
            "GPT-2 section 2.3, GPT-3 section 2.1; nanoGPT model.py, HF modeling_gpt2.py", dict(_GPT2),
            {"every weight, wte, wpe": "N(0, 0.02^2)", "w_o, w_out": "N(0, (0.02/sqrt(2L))^2)"}),
     _fill_normal(0.02, wpe=0.02, residual=_gpt2_residual)),
    (Preset("vaswani", "Vaswani et al.", "Vaswani et al. 2017 section 3.4; fairseq's distributions",
            dict(_VASWANI), {"wte": "N(0, 1/d), times sqrt(d) at the input",
                             "every Linear weight": "Xavier uniform"},
            {"embed_scale": lambda d, n: math.sqrt(d)}),
     _fill_xavier(gains=lambda net, w: 1.0, embed=lambda net: net.d_model ** -0.5, kind="uniform")),
    (Preset("neox", "GPT-NeoX small/wang", "GPT-NeoX init_functions.py (small_init, wang_init)",
            dict(norm="pre", tied=False, positions="learned", activation="gelu"),
            {"every weight, wte, wpe, head": "N(0, 2/(5d))", "w_o, w_out": "N(0, (2/(L sqrt(d)))^2)"}),
     _fill_neox),
    (Preset("tfixup", "T-Fixup", "Huang et al. 2020 (decoder rule)",
            dict(norm="none", tied=True, positions="sinusoidal", activation="relu"),
            {"wte": "N(0, 1/d) times (9L)^(-1/4)", "w_q, w_k": "Xavier uniform",
             "w_v, w_o, w_in, w_out": "Xavier uniform times (9L)^(-1/4)"}),
     _fill_xavier(gains=_tfixup_gain, embed=lambda net: net.d_model ** -0.5 * (9.0 * net.n_layers) ** -0.25,
                  kind="uniform")),
    (Preset("deepnorm", "DeepNorm", "Wang et al. 2022 (decoder-only constants)", dict(_VASWANI),
            {"wte": "N(0, 1/d), times sqrt(d) at the input", "w_q, w_k": "Xavier normal",
             "w_v, w_o, w_in, w_out": "Xavier normal, gain (8L)^(-1/4)", "alpha": "(2L)^(1/4)"},
            {"embed_scale": lambda d, n: math.sqrt(d), "alpha": lambda d, n: (2.0 * n) ** 0.25}),
     _fill_xavier(gains=_deepnorm_gain, embed=lambda net: net.d_model ** -0.5, kind="normal")),
    (Preset("mup", "muP", "Yang et al. 2022 on GPT-2/3's recipe",
            dict(_GPT2, tied=False, attention_scale="linear"),
            {"as gpt2_scaled, but w_q": "0", "head": "0", "attention": "1/d_head"}),
     _fill_normal(0.02, wpe=0.02, residual=_gpt2_residual, head=0.0, query=0.0)),
)

#: Every preset by name (read-only).
PRESETS = MappingProxyType({p.name: p for p, _ in _ENTRIES})
_FILL = {p.name: f for p, f in _ENTRIES}


def build(preset, vocab, d_model, n_layers, *, n_heads=1, max_len=32, rng=None, **layout):
    """A :class:`~winit.transformer.Transformer` laid out and initialised as ``preset`` says.

    Parameters
    ----------
    preset : str
        A key of :data:`PRESETS`.
    vocab, d_model, n_layers, n_heads, max_len : int
        As for :class:`~winit.transformer.Transformer`.
    rng : None, int or numpy.random.Generator
        Source of every random parameter, drawn in the order of
        :meth:`~winit.transformer.Transformer.parameter_shapes` (SPEC 7).
    **layout
        Keywords of :class:`~winit.transformer.Transformer` that replace the
        preset's (``norm="pre"`` moves the LayerNorms and keeps the weights'
        distributions, as Xiong et al. 2020 compare the two placements).
        LayerNorm parameters are not random, so with the same ``rng`` the
        weights do not depend on ``norm``.

    Returns
    -------
    winit.transformer.Transformer

    Raises
    ------
    TypeError, ValueError
        If ``preset`` is not a preset's name or another argument is
        malformed.

    Examples
    --------
    >>> import numpy as np
    >>> from winit.transformer_init import build
    >>> net = build("gpt2_scaled", 100, 64, 8, rng=0)
    >>> round(float(np.std(net.params["h0.mlp.w_out"])), 4)  # 0.02 / sqrt(16)
    0.005
    >>> bool(build("mup", 100, 64, 2, rng=0).params["head"].any())
    False
    """
    preset = check_choice(preset, "preset", tuple(PRESETS))
    rng = check_rng(rng)
    p = PRESETS[preset]
    kw = dict(p.layout, **{k: f(d_model, n_layers) for k, f in p.scales.items()})
    kw.update(layout)
    net = Transformer(vocab, d_model, n_layers, n_heads=n_heads, max_len=max_len, **kw)
    _FILL[preset](net, rng)
    return net

