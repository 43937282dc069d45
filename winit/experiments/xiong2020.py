"""Xiong et al. (2020), "On layer normalization in the Transformer architecture": a transformer at initialisation.

Xiong et al. prove with mean-field arguments (their abstract) that at
initialisation the expected gradients of the parameters near the output are
large in a *Post-LN* Transformer (a LayerNorm after each residual sum, as
Vaswani et al. 2017 place it) and well behaved in a *Pre-LN* one (a
LayerNorm at the start of each sublayer, and one at the end).  Their bound
on the gradient of the last layer's MLP weights :math:`W^{2,L}` does not
shrink with the number of layers :math:`L` for Post-LN and shrinks as
:math:`1/\\sqrt L` for Pre-LN.  Large gradients near the output are their
explanation of why Post-LN needs a learning-rate warm-up.  (The theorem's
and the figures' numbers were not checked against the paper's text.)

This module measures, with :mod:`winit.transformer` and the named recipes
of :mod:`winit.transformer_init`, over several seeds:

* :func:`survey` -- for each recipe: the initial loss (against
  :math:`\\log V`, the loss of a uniform guess), the residual stream's
  variance after each block, the attention's entropy in each block, and the
  gradient norm of each block's parameters;
* :func:`placement` -- Vaswani et al.'s recipe with the LayerNorms after
  (Post-LN) or before (Pre-LN) each sublayer, the same weights: the
  gradient norm of each block and of each :math:`W^{2,l}`;
* :func:`last_layer_by_depth` -- the gradient norm of :math:`W^{2,L}`
  against :math:`L`, the quantity of their bound.

How this differs from the paper: a decoder-only language model with
causal attention (theirs: encoder-decoder translation and BERT), width
:math:`d = 64` and a vocabulary of 1,000 tokens, inputs and targets drawn
uniformly at random (at initialisation a model knows nothing of the
text), and the mean cross-entropy over positions as the loss.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._threads import one_blas_thread as _one_blas_thread
from .._validation import check_count, check_counts, check_member, check_sequence
from ..transformer_init import PRESETS, build

__all__ = ["SETTINGS", "InitStats", "last_layer_by_depth", "placement", "random_tokens", "survey"]

#: The sizes every function uses unless told otherwise.
SETTINGS = dict(vocab=1000, d_model=64, n_layers=8, n_heads=4, seq_len=32, batch=8)


@dataclass
class InitStats:
    """One recipe at initialisation, one row per seed.

    Attributes
    ----------
    preset : str
    loss : numpy.ndarray, shape (S,)
        Mean cross-entropy, in nats.
    log_vocab : float
        :math:`\\log V`.
    stream_var : numpy.ndarray, shape (S, L + 1)
        Variance of the residual stream: the embedding's sum, then after
        each block.
    attn_entropy : numpy.ndarray, shape (S, L)
        Mean entropy of the attention weights in each block, in nats.
    uniform_entropy : float
        The entropy of uniform causal attention (the largest possible).
    grad_norm : numpy.ndarray, shape (S, L)
        Frobenius norm of the gradient of all of a block's parameters.
    w_out_grad_norm : numpy.ndarray, shape (S, L)
        The same for the block's second MLP matrix, Xiong et al.'s
        :math:`W^{2,l}`.
    """

    preset: str
    loss: np.ndarray
    log_vocab: float
    stream_var: np.ndarray
    attn_entropy: np.ndarray
    uniform_entropy: float
    grad_norm: np.ndarray
    w_out_grad_norm: np.ndarray

    def grad_ratio(self):
        """Each seed's gradient norm of the last block over the first's, shape (S,).

        Raises
        ------
        ValueError
            If no gradient reaches the first block (muP's zero readout).
        """
        first = self.grad_norm[:, 0]
        if not np.all(first > 0):
            raise ValueError(f"the gradient of {self.preset}'s first block is zero at "
                             "initialisation (nothing reaches the blocks); no ratio")
        return self.grad_norm[:, -1] / first


def random_tokens(vocab, batch, seq_len, rng):
    """Input tokens and targets drawn uniformly from ``[0, vocab)``, each shape ``(batch, seq_len)``.

    Examples
    --------
    >>> import numpy as np
    >>> from winit.experiments.xiong2020 import random_tokens
    >>> x, y = random_tokens(10, 2, 3, np.random.default_rng(0))
    >>> x.shape, y.shape, int(max(x.max(), y.max())) < 10
    ((2, 3), (2, 3), True)
    """
    tokens = rng.integers(0, vocab, (batch, seq_len))
    return tokens, rng.integers(0, vocab, (batch, seq_len))


def _settings(kw):
    out = dict(SETTINGS)
    for k, v in kw.items():
        check_member(k, "setting", tuple(SETTINGS), "the settings")
        out[k] = check_count(v, k, f"the {k.replace('_', ' ')}")
    return out


def _seeds(seeds):
    return [check_count(s + 1 if isinstance(s, (int, np.integer)) and not isinstance(s, bool) else s,
                        "seeds", "non-negative integer seeds") - 1
            for s in check_sequence(seeds, "seeds", "non-negative integer seeds")]


def _measure(preset, seeds, s, **layout):
    rows = []
    for seed in seeds:
        data_rng, weight_rng = (np.random.default_rng(c) for c in np.random.SeedSequence(seed).spawn(2))
        tokens, targets = random_tokens(s["vocab"], s["batch"], s["seq_len"], data_rng)
        net = build(preset, s["vocab"], s["d_model"], s["n_layers"], n_heads=s["n_heads"],
                    max_len=s["seq_len"], rng=weight_rng, **layout)
        with _one_blas_thread():  # small products: threads only wait on a busy machine
            fwd, grads = net.loss_and_gradients(tokens, targets)
        blocks = [math.sqrt(sum(float(np.sum(grads[n] ** 2)) for n in net.block_parameters(l)))
                  for l in range(net.n_layers)]
        w_out = [float(np.linalg.norm(grads[f"h{l}.mlp.w_out"])) for l in range(net.n_layers)]
        rows.append((fwd.loss, fwd.stream_var, fwd.attn_entropy, fwd.uniform_entropy, blocks, w_out))
    loss, var, ent, uni, blocks, w_out = zip(*rows)
    return InitStats(preset, np.array(loss), math.log(s["vocab"]), np.array(var), np.array(ent),
                     float(uni[0]), np.array(blocks), np.array(w_out))


def survey(presets=tuple(PRESETS), *, seeds=(0, 1, 2), **settings):
    """Every recipe at initialisation, on the same random tokens.

    Parameters
    ----------
    presets : sequence of str
        Keys of :data:`winit.transformer_init.PRESETS`.
    seeds : sequence of int
        Seed ``s`` draws the tokens and, apart, the weights
        (``numpy.random.SeedSequence(s).spawn(2)``): the same tokens for
        every recipe.
    **settings
        Replace entries of :data:`SETTINGS` (``vocab``, ``d_model``,
        ``n_layers``, ``n_heads``, ``seq_len``, ``batch``).

    Returns
    -------
    dict of str to InitStats

    Raises
    ------
    TypeError, ValueError
        If a preset, a seed or a setting is malformed.

    Examples
    --------
    >>> import math
    >>> from winit.experiments.xiong2020 import survey
    >>> r = survey(("gpt2_code",), seeds=(0,), n_layers=2)["gpt2_code"]
    >>> abs(float(r.loss[0]) - math.log(1000)) < 0.1  # std 0.02 starts at log V
    True
    """
    s = _settings(settings)
    seeds = _seeds(seeds)
    for p in presets:
        check_member(p, "presets", tuple(PRESETS), "the presets")
    return {p: _measure(p, seeds, s) for p in presets}


def placement(norms=("post", "pre"), *, seeds=(0, 1, 2), preset="vaswani", **settings):
    """One recipe's weights with the LayerNorms after (``"post"``) or before (``"pre"``) each sublayer.

    Xiong et al.'s comparison: the same distributions, the LayerNorms
    moved (Pre-LN adds one before the head).  With the same seed the
    weights are the same in both.

    Parameters
    ----------
    norms : sequence of {"post", "pre", "none"}
    seeds : sequence of int
    preset : str, default "vaswani"
    **settings
        As for :func:`survey`.

    Returns
    -------
    dict of str to InitStats
        One entry per placement.

    Examples
    --------
    >>> from winit.experiments.xiong2020 import placement
    >>> r = placement(seeds=(0,), n_layers=2)
    >>> sorted(r), r["pre"].grad_norm.shape
    (['post', 'pre'], (1, 2))
    """
    s = _settings(settings)
    seeds = _seeds(seeds)
    check_member(preset, "preset", tuple(PRESETS), "the presets")
    return {n: _measure(preset, seeds, s, norm=n) for n in norms}


def last_layer_by_depth(depths=(2, 4, 8, 16), norms=("post", "pre"), *, seeds=(0, 1, 2),
                        preset="vaswani", **settings):
    """The gradient norm of the last block's :math:`W^{2,L}` against the depth :math:`L`.

    Xiong et al.'s bound: Post-LN's does not shrink with :math:`L`, Pre-LN's
    shrinks as :math:`1/\\sqrt L`.

    Parameters
    ----------
    depths : sequence of int
    norms, seeds, preset, **settings
        As for :func:`placement` (``n_layers`` is set by ``depths``).

    Returns
    -------
    dict of str to numpy.ndarray
        Per placement, shape ``(len(seeds), len(depths))``.

    Examples
    --------
    >>> from winit.experiments.xiong2020 import last_layer_by_depth
    >>> r = last_layer_by_depth((1, 2), seeds=(0,), seq_len=8)
    >>> r["pre"].shape
    (1, 2)
    """
    depths = check_counts(depths, "depths", "the numbers of blocks")
    if "n_layers" in settings:
        raise TypeError("n_layers is set by depths here; got n_layers too")
    out = {}
    for n in norms:
        cols = [placement((n,), seeds=seeds, preset=preset, n_layers=L, **settings)[n].w_out_grad_norm[:, -1]
                for L in depths]
        out[n] = np.stack(cols, axis=1)
    return out
