"""Radford et al. (2018), "Improving language understanding by generative pre-training"
(GPT-1): token embeddings of standard deviation 0.02, and what they do to the initial loss.

GPT-1's paper (its "Model specifications" paragraph) states that, since
LayerNorm is used throughout the model, a simple initialisation of the
weights from N(0, 0.02) was enough; GPT-2's released code (``src/model.py`` of
github.com/openai/gpt-2) draws its token embedding ``wte`` with standard
deviation 0.02 (its position embedding ``wpe`` with 0.01), ends with a
LayerNorm ``ln_f``, and computes the logits with the *same* matrix,
``logits = ln_f(h) @ wte.T`` (a tied embedding, as Vaswani et al. 2017,
section 3.4, share theirs).  PyTorch's ``torch.nn.Embedding`` draws its
weights from N(0, 1) by default.

This module measures, for a vocabulary of ``V`` tokens and a stream of
width ``d``, what the embedding's standard deviation :math:`\\sigma` does
at initialisation to

* the first residual stream :math:`h_0 = E[t]`, of variance :math:`\\sigma^2`;
* the logits and the initial cross-entropy, against :math:`\\log V`, the
  loss of a uniform guess, for three layouts (:data:`LAYOUTS`): tied with a
  final LayerNorm (GPT-2's), tied without it, and an untied output layer.

The closed forms (:func:`loss_theory`): with a final LayerNorm, the stream
is rescaled to unit size, :math:`\\hat h = E_t/\\sigma` (to
:math:`O(1/\\sqrt d)`), so the logit of the *input* token itself is
:math:`a = \\hat h \\cdot E_t \\approx d\\sigma` and every other logit has
variance :math:`v \\approx d\\sigma^2`; without it :math:`a \\approx
d\\sigma^2`, :math:`v \\approx d\\sigma^4`; untied, :math:`a = 0` and
:math:`v = d s^2` for an output layer of standard deviation :math:`s`.
The expected loss of a target that is not the input token is then
:math:`\\log(e^a + e^{F(v)})`, where :math:`F(v) = \\log V + v/2` for
:math:`v \\le 2\\log V` and :math:`\\sqrt{2 v \\log V}` beyond (the
normaliser of :math:`V` Gaussian logits, Derrida's random energy model):
for N(0, 1) and a tied embedding, the model starts almost certain that the
next token repeats the current one.

How the miniature differs from the papers: no transformer blocks (the
stream is the embedding itself, the input of the first block), no position
embeddings, tokens and targets drawn uniformly at random (at initialisation
a model knows nothing of the text), ``V = 1000`` and ``d = 64`` instead of
40,478/50,257 tokens and 768 units.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import _softmax as _sm
from .._validation import check_choice, check_count, check_real, check_rng

__all__ = ["GPT2_RECIPES", "LAYOUTS", "EmbeddingStats", "initial_loss", "loss_theory",
           "random_energy", "residual_projection_std"]

#: Output layouts: tied with a final LayerNorm (GPT-2), tied without it, untied (with it).
LAYOUTS = ("tied_norm", "tied", "untied_norm")

#: How GPT-2's residual projections are drawn: as OpenAI's released code does, and as
#: Hugging Face's and nanoGPT's re-implementations do (:func:`residual_projection_std`).
GPT2_RECIPES = ("released", "huggingface")


def residual_projection_std(n_layer, recipe="huggingface", *, base=0.02):
    """Standard deviation of GPT-2's residual projections (``c_proj``), by recipe.

    GPT-2's paper (Radford et al. 2019, among its changes to GPT-1's model)
    scales the weights of the residual layers at initialisation "by a factor
    of :math:`1/\\sqrt{N}`", N being the number of residual layers.  The code
    OpenAI released (``src/model.py`` of github.com/openai/gpt-2) does not: every weight
    matrix, ``c_proj`` included, is drawn from N(0, 0.02^2) (the position
    embedding from N(0, 0.01^2)).  Hugging Face's ``GPT2PreTrainedModel``
    (``modeling_gpt2.py``) and Karpathy's nanoGPT (``model.py``) draw the
    ``c_proj`` weights of attention and MLP from N(0, (0.02/sqrt(2 n_layer))^2),
    counting two residual layers per block.

    Parameters
    ----------
    n_layer : int
        Number of transformer blocks.
    recipe : {"released", "huggingface"}, default "huggingface"
    base : float, default 0.02
        The standard deviation of the other weights (``initializer_range``).

    Returns
    -------
    float

    Raises
    ------
    TypeError, ValueError
        If ``n_layer`` is not a positive integer, ``recipe`` not one of
        :data:`GPT2_RECIPES` or ``base`` not positive.

    Examples
    --------
    >>> from winit.experiments.radford2018 import residual_projection_std
    >>> round(residual_projection_std(12), 5), residual_projection_std(12, "released")
    (0.00408, 0.02)
    """
    n_layer = check_count(n_layer, "n_layer", "the number of transformer blocks")
    check_choice(recipe, "recipe", GPT2_RECIPES)
    base = check_real(base, "base", "the standard deviation of the other weights",
                      positive=True)
    return base if recipe == "released" else base / math.sqrt(2 * n_layer)


def random_energy(v, vocab):
    """:math:`F(v) \\approx E \\log \\sum_{j=1}^{V} e^{\\ell_j}` for i.i.d. :math:`\\ell_j \\sim N(0, v)`.

    :math:`\\log V + v/2` while :math:`v \\le 2 \\log V` (the sum of many
    comparable terms), :math:`\\sqrt{2 v \\log V}` beyond (the largest
    logit dominates): the large-:math:`V` limit of Derrida's random energy
    model.

    Parameters
    ----------
    v : float or array_like
        Variance of the logits, :math:`\\ge 0`.
    vocab : int
        :math:`V`.

    Returns
    -------
    float or numpy.ndarray
    """
    vocab = check_count(vocab, "vocab", "the vocabulary size")
    v = np.asarray(v, dtype=float)
    logv = math.log(vocab)
    out = np.where(v <= 2 * logv, logv + v / 2, np.sqrt(2 * np.maximum(v, 0) * logv))
    return float(out) if out.ndim == 0 else out


def loss_theory(layout, std, *, vocab, d_model, output_std=None):
    """Expected initial loss, self-logit and logit variance of a layout (see the module).

    Parameters
    ----------
    layout : {"tied_norm", "tied", "untied_norm"}
    std : float or array_like
        The embedding's standard deviation :math:`\\sigma`.
    vocab, d_model : int
    output_std : float, optional
        The untied output layer's standard deviation (default ``std``).

    Returns
    -------
    tuple of (float or numpy.ndarray)
        ``(loss, self_logit, logit_variance)``.
    """
    check_choice(layout, "layout", LAYOUTS)
    vocab = check_count(vocab, "vocab", "the vocabulary size")
    d = check_count(d_model, "d_model", "the width of the stream")
    s = np.asarray(std, dtype=float)
    if layout == "tied_norm":
        a, v = d * s, d * s ** 2
    elif layout == "tied":
        a, v = d * s ** 2, d * s ** 4
    else:
        so = s if output_std is None else check_real(output_std, "output_std",
                                                     "the output layer's standard deviation",
                                                     positive=True)
        a, v = np.zeros_like(s), d * np.asarray(so, dtype=float) ** 2 * np.ones_like(s)
    loss = np.logaddexp(a, random_energy(v, vocab))
    return tuple(float(t) if np.ndim(t) == 0 else t for t in (loss, a, v))


@dataclass
class EmbeddingStats:
    """What :func:`initial_loss` measures.

    Attributes
    ----------
    layout : str
    std : float
        Embedding standard deviation.
    stream_var : float
        Variance of the first residual stream :math:`h_0 = E[t]`.
    self_logit : float
        Mean logit of the input token itself.
    logit_var : float
        Variance of the logits of all other tokens.
    loss : float
        Mean cross-entropy of the random targets.
    log_vocab : float
        :math:`\\log V`.
    """

    layout: str
    std: float
    stream_var: float
    self_logit: float
    logit_var: float
    loss: float
    log_vocab: float


def initial_loss(std, layout="tied_norm", *, vocab=1000, d_model=64, n_tokens=512,
                 output_std=None, output_init="normal", rng=0):
    """Initial stream, logits and loss of an embedding and an output layer, measured.

    Draws the embedding :math:`E` (``(vocab, d_model)``, N(0, ``std``:sup:`2`)),
    ``n_tokens`` input tokens and as many target tokens uniformly from the
    vocabulary, and computes :math:`h_0 = E[t]`, optionally a LayerNorm
    (no learnable scale or shift yet: :math:`\\gamma = 1, \\beta = 0`,
    :math:`\\epsilon = 10^{-5}`), the logits (``E.T`` if tied, else a
    ``(d_model, vocab)`` output matrix) and the mean cross-entropy.

    Parameters
    ----------
    std : float
        Positive.
    layout : {"tied_norm", "tied", "untied_norm"}, default "tied_norm"
    vocab, d_model, n_tokens : int
    output_std : float, optional
        Untied output layer's standard deviation (default ``std``).
    output_init : {"normal", "torch_linear"}, default "normal"
        ``"torch_linear"`` draws the untied output layer as PyTorch's
        ``nn.Linear`` does by default, :math:`U[\\pm 1/\\sqrt{d}]` (variance
        :math:`1/(3d)`); ``output_std`` is then ignored.
    rng : None, int or numpy.random.Generator, default 0
        Source of the embedding, then the input and target tokens, then the
        untied output layer (SPEC 7).

    Returns
    -------
    EmbeddingStats
        The stream's variance, the input token's own logit, the other
        logits' variance and the loss against :math:`\\log V`, for ``layout``
        and ``std``.

    Examples
    --------
    >>> from winit.experiments.radford2018 import initial_loss
    >>> s = initial_loss(0.02, rng=0)
    >>> bool(abs(s.loss - s.log_vocab) < 0.1)
    True
    """
    std = check_real(std, "std", "the embedding's standard deviation", positive=True)
    check_choice(layout, "layout", LAYOUTS)
    check_choice(output_init, "output_init", ("normal", "torch_linear"))
    vocab = check_count(vocab, "vocab", "the vocabulary size", low=2)
    d = check_count(d_model, "d_model", "the width of the stream", low=2)
    n_tokens = check_count(n_tokens, "n_tokens", "the number of tokens")
    rng = check_rng(rng)
    emb = rng.normal(0.0, std, size=(vocab, d))
    tokens = rng.integers(0, vocab, size=n_tokens)
    targets = rng.integers(0, vocab, size=n_tokens)
    if layout == "untied_norm":
        if output_init == "torch_linear":
            out_w = rng.uniform(-1 / math.sqrt(d), 1 / math.sqrt(d), size=(d, vocab))
        else:
            so = std if output_std is None else check_real(
                output_std, "output_std", "the output layer's standard deviation", positive=True)
            out_w = rng.normal(0.0, so, size=(d, vocab))
    else:
        out_w = emb.T
    h0 = emb[tokens]
    h = h0
    if layout in ("tied_norm", "untied_norm"):
        mu = h.mean(axis=1, keepdims=True)
        h = (h - mu) / np.sqrt(h.var(axis=1, keepdims=True) + 1e-5)
    logits = h @ out_w
    rows = np.arange(n_tokens)
    loss = float(_sm.cross_entropy(logits, targets))
    others = np.ones_like(logits, dtype=bool)
    others[rows, tokens] = False
    self_logit = float(np.mean(logits[rows, tokens]))
    return EmbeddingStats(layout, std, float(np.var(h0)), self_logit,
                          float(np.var(logits[others])), loss, math.log(vocab))
