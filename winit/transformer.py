"""A small decoder-only transformer in numpy, to study at initialisation: forward, backward, statistics.

The network (the layout of GPT-2 and of Vaswani et al. 2017's decoder
without cross-attention): token embedding :math:`E` (shape ``(V, d)``),
optionally multiplied by a constant (Vaswani et al., section 3.4: by
:math:`\\sqrt{d}`), plus a position embedding (learned, sinusoidal as in
Vaswani et al., section 3.5, or none); then ``n_layers`` blocks, each a
causal multi-head self-attention sublayer and a position-wise MLP of width
:math:`4d` (GELU or ReLU, :mod:`winit.activations`); then the logits,
:math:`\\hat h E^\\top` (a *tied* head) or :math:`\\hat h W_\\text{head}`
(untied), and the mean cross-entropy (``winit._softmax``).

Where the LayerNorms go (``norm``):

* ``"pre"`` (GPT-2; Xiong et al. 2020's Pre-LN): :math:`x \\leftarrow
  \\alpha x + F(\\mathrm{LN}(x))` for each sublayer :math:`F`, and a final
  LayerNorm before the head;
* ``"post"`` (Vaswani et al.; Xiong et al.'s Post-LN): :math:`x \\leftarrow
  \\mathrm{LN}(\\alpha x + F(x))`, no final LayerNorm (DeepNorm, Wang et al.
  2022, is this with :math:`\\alpha > 1`);
* ``"none"`` (T-Fixup, Huang et al. 2020): :math:`x \\leftarrow x + F(x)`, no
  LayerNorm anywhere.

Attention, for one head of width :math:`d_h = d / H`:
:math:`\\operatorname{softmax}(s\\, Q K^\\top + M) V` with the causal mask
:math:`M` (:math:`-\\infty` above the diagonal) and :math:`s = 1/\\sqrt{d_h}`
(Vaswani et al., eq. 1) or :math:`1/d_h` (muP, Yang et al. 2022); the heads'
outputs are concatenated and projected by :math:`W_O`.

Every weight matrix is stored ``(fan_in, fan_out)`` (``y = x @ W``, the
layout of :mod:`winit.networks`); the parameters live in one dict
(``Transformer.params``, names as in GPT-2's code: ``wte``, ``wpe``,
``h3.attn.w_q``, ``h3.mlp.w_out``, ``ln_f.g``, ``head``; see
:meth:`Transformer.parameter_shapes`).  A new :class:`Transformer` has
every weight zero and every LayerNorm gain one: an initialisation
(:mod:`winit.transformer_init`) fills them in.

:meth:`Transformer.forward` returns the loss and, per block, the residual
stream's variance and the attention's entropy; :meth:`Transformer.backward`
returns the gradient of every parameter (tested against central differences
in ``tests/test_transformer.py``).  Everything is vectorised over the batch,
the positions and the heads; loops run over blocks only.

References
----------
.. [1] A. Vaswani et al., "Attention is all you need", NeurIPS 2017.
.. [2] A. Radford et al., "Language models are unsupervised multitask
   learners", 2019 (GPT-2).
.. [3] R. Xiong et al., "On layer normalization in the Transformer
   architecture", ICML 2020.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import _softmax as _sm
from . import activations as _activations
from ._validation import check_array, check_choice, check_count, check_flag, check_real
from .blocks import LayerNorm

__all__ = ["NORMS", "POSITIONS", "Transformer", "TransformerForward", "sinusoidal_positions"]

#: Where the LayerNorms go: before each sublayer, after each residual sum, nowhere.
NORMS = ("pre", "post", "none")
#: Position embeddings: learned (``wpe``), fixed sinusoids, none.
POSITIONS = ("learned", "sinusoidal", "none")


def sinusoidal_positions(max_len, d_model):
    """Vaswani et al.'s (2017, section 3.5) position encodings, shape ``(max_len, d_model)``.

    :math:`PE_{p, 2i} = \\sin(p / 10000^{2i/d})`,
    :math:`PE_{p, 2i+1} = \\cos(p / 10000^{2i/d})`.

    Examples
    --------
    >>> from winit.transformer import sinusoidal_positions
    >>> sinusoidal_positions(2, 4)[1].round(3).tolist()
    [0.841, 0.54, 0.01, 1.0]
    """
    max_len = check_count(max_len, "max_len", "the number of positions")
    d_model = check_count(d_model, "d_model", "the width of the stream")
    p = np.arange(max_len)[:, None]
    freq = 10000.0 ** (-(np.arange(d_model) // 2 * 2) / d_model)
    angle = p * freq[None, :]
    return np.where(np.arange(d_model) % 2 == 0, np.sin(angle), np.cos(angle))


@dataclass
class TransformerForward:
    """What :meth:`Transformer.forward` returns.

    Attributes
    ----------
    loss : float
        Mean cross-entropy over the batch and positions, in nats.
    logits : numpy.ndarray, shape (B, T, V)
    stream_var : numpy.ndarray, shape (n_layers + 1,)
        Variance of the residual stream over all its entries (batch,
        positions, units): entry 0 is the embedding's sum, entry ``l`` the
        stream after block ``l``.
    attn_entropy : numpy.ndarray, shape (n_layers,)
        Mean over the batch, the heads and the positions of the entropy of
        each query's attention weights, in nats.  Uniform weights over the
        :math:`t + 1` visible keys give ``uniform_entropy``.
    uniform_entropy : float
        :math:`\\frac1T \\sum_{t=0}^{T-1} \\log(t + 1)`.
    """

    loss: float
    logits: np.ndarray
    stream_var: np.ndarray
    attn_entropy: np.ndarray
    uniform_entropy: float
    _cache: tuple = None


class Transformer:
    """A decoder-only transformer of ``n_layers`` blocks (see the module's notes).

    Parameters
    ----------
    vocab : int
        :math:`V`, the number of tokens.
    d_model : int
        :math:`d`, the width of the residual stream (at least 2).
    n_layers : int
        The number of blocks, each an attention and an MLP sublayer.
    n_heads : int, default 1
        Must divide ``d_model``.
    max_len : int, default 32
        The longest sequence (rows of ``wpe``).
    norm : {"pre", "post", "none"}, default "pre"
    tied : bool, default True
        The head is :math:`E^\\top` (no ``head`` parameter) or its own
        ``(d, V)`` matrix.
    positions : {"learned", "sinusoidal", "none"}, default "learned"
    activation : str, default "gelu"
        A name in :data:`winit.activations.ACTIVATIONS`.
    alpha : float, default 1.0
        The residual's multiplier, :math:`x \\leftarrow \\alpha x + F(\\cdot)`
        (DeepNorm's :math:`\\alpha`).
    embed_scale : float, default 1.0
        The token embedding's multiplier at the input (Vaswani et al.:
        :math:`\\sqrt d`); the tied head uses :math:`E` itself.
    attention_scale : {"sqrt", "linear"}, default "sqrt"
        :math:`1/\\sqrt{d_h}` or muP's :math:`1/d_h`.
    eps : float, default 1e-5
        The LayerNorms' :math:`\\epsilon`.

    Raises
    ------
    TypeError, ValueError
        If an argument is malformed (the message names it).

    Examples
    --------
    >>> import numpy as np
    >>> from winit.transformer import Transformer
    >>> net = Transformer(50, 8, 2, n_heads=2, max_len=6)
    >>> out = net.forward(np.zeros((3, 6), dtype=int), np.ones((3, 6), dtype=int))
    >>> round(out.loss, 4) == round(float(np.log(50)), 4)  # all weights zero: uniform logits
    True
    >>> out.stream_var.shape, out.attn_entropy.shape
    ((3,), (2,))
    """

    def __init__(self, vocab, d_model, n_layers, *, n_heads=1, max_len=32, norm="pre", tied=True,
                 positions="learned", activation="gelu", alpha=1.0, embed_scale=1.0,
                 attention_scale="sqrt", eps=1e-5):
        self.vocab = check_count(vocab, "vocab", "the number of tokens")
        self.d_model = check_count(d_model, "d_model", "the width of the residual stream", low=2)
        self.n_layers = check_count(n_layers, "n_layers", "the number of blocks")
        self.n_heads = check_count(n_heads, "n_heads", "the number of attention heads")
        if self.d_model % self.n_heads:
            raise ValueError(f"n_heads must divide d_model (the heads split the stream); got "
                             f"n_heads={n_heads} and d_model={d_model}")
        self.max_len = check_count(max_len, "max_len", "the longest sequence")
        self.norm = check_choice(norm, "norm", NORMS)
        self.tied = check_flag(tied, "tied", "whether the head is the token embedding")
        self.positions = check_choice(positions, "positions", POSITIONS)
        self.activation = _activations.get(activation).name
        self.alpha = check_real(alpha, "alpha", "the residual's multiplier", positive=True)
        self.embed_scale = check_real(embed_scale, "embed_scale",
                                      "the token embedding's multiplier", positive=True)
        self.attention_scale = check_choice(attention_scale, "attention_scale", ("sqrt", "linear"))
        self.eps = check_real(eps, "eps", "the LayerNorms' epsilon", positive=True)
        self.params = {}
        for name, shape in self.parameter_shapes().items():
            last = name.rsplit(".", 1)[-1]
            self.params[name] = np.ones(shape) if last == "g" else np.zeros(shape)
        self._sinusoids = (sinusoidal_positions(self.max_len, self.d_model)
                           if self.positions == "sinusoidal" else None)

    @property
    def d_head(self):
        """:math:`d / H`, the width of one head."""
        return self.d_model // self.n_heads

    @property
    def scale(self):
        """The attention logits' multiplier :math:`s`."""
        return 1.0 / (math.sqrt(self.d_head) if self.attention_scale == "sqrt" else self.d_head)

    def norm_names(self, layer):
        """The LayerNorms of block ``layer`` (``[]`` with ``norm="none"``)."""
        return [] if self.norm == "none" else [f"h{layer}.ln_1", f"h{layer}.ln_2"]

    def parameter_shapes(self):
        """Every parameter's name and shape, in the order of the forward pass.

        Returns
        -------
        dict of str to tuple of int
        """
        d, v = self.d_model, self.vocab
        shapes = {"wte": (v, d)}
        if self.positions == "learned":
            shapes["wpe"] = (self.max_len, d)
        for l in range(self.n_layers):
            p = f"h{l}."
            if self.norm != "none":
                shapes.update({p + "ln_1.g": (d,), p + "ln_1.b": (d,)})
            for m in "qkv":
                shapes.update({p + f"attn.w_{m}": (d, d), p + f"attn.b_{m}": (d,)})
            shapes.update({p + "attn.w_o": (d, d), p + "attn.b_o": (d,)})
            if self.norm != "none":
                shapes.update({p + "ln_2.g": (d,), p + "ln_2.b": (d,)})
            shapes.update({p + "mlp.w_in": (d, 4 * d), p + "mlp.b_in": (4 * d,),
                           p + "mlp.w_out": (4 * d, d), p + "mlp.b_out": (d,)})
        if self.norm == "pre":
            shapes.update({"ln_f.g": (d,), "ln_f.b": (d,)})
        if not self.tied:
            shapes["head"] = (d, v)
        return shapes

    def block_parameters(self, layer):
        """The names of block ``layer``'s parameters."""
        return [n for n in self.params if n.startswith(f"h{layer}.")]

    # ------------------------------------------------------------------ pieces
    def _layer_norm(self, name, x):
        ln = LayerNorm(self.d_model, eps=self.eps)
        ln.gamma, ln.beta = self.params[name + ".g"], self.params[name + ".b"]
        out, cache = ln.forward(x.reshape(-1, self.d_model))
        return out.reshape(x.shape), (ln, cache)

    def _layer_norm_back(self, name, g, c, grads):
        ln, cache = c
        dx, (dg, db) = ln.backward(g.reshape(-1, self.d_model), cache)
        grads[name + ".g"] += dg
        grads[name + ".b"] += db
        return dx.reshape(g.shape)

    def _linear(self, name, x):
        return x @ self.params[name.replace("*", "w")] + self.params[name.replace("*", "b")]

    @staticmethod
    def _linear_back(name, x, g, W, grads):
        grads[name.replace("*", "w")] += x.reshape(-1, x.shape[-1]).T @ g.reshape(-1, g.shape[-1])
        grads[name.replace("*", "b")] += g.reshape(-1, g.shape[-1]).sum(axis=0)
        return g @ W.T

    def _split(self, x):  # (B, T, d) -> (B, H, T, d_h)
        b, t, _ = x.shape
        return x.reshape(b, t, self.n_heads, self.d_head).transpose(0, 2, 1, 3)

    @staticmethod
    def _merge(x):  # (B, H, T, d_h) -> (B, T, d)
        b, h, t, k = x.shape
        return x.transpose(0, 2, 1, 3).reshape(b, t, h * k)

    def _attention(self, l, a):
        p = f"h{l}.attn."
        q, k, v = (self._split(self._linear(p + f"*_{m}", a)) for m in "qkv")
        t = a.shape[1]
        logits = self.scale * (q @ k.transpose(0, 1, 3, 2))
        logits = np.where(np.tri(t, dtype=bool), logits, -np.inf)
        probs = _sm.softmax(logits)
        o = self._merge(probs @ v)
        out = self._linear(p + "*_o", o)
        logp = np.where(probs > 0, np.log(np.where(probs > 0, probs, 1.0)), 0.0)
        entropy = float(-np.mean(np.sum(probs * logp, axis=-1)))
        return out, (a, q, k, v, probs, o), entropy

    def _attention_back(self, l, g, c, grads):
        p = f"h{l}.attn."
        a, q, k, v, probs, o = c
        go = self._split(self._linear_back(p + "*_o", o, g, self.params[p + "w_o"], grads))
        gprobs = go @ v.transpose(0, 1, 3, 2)
        gv = probs.transpose(0, 1, 3, 2) @ go
        glog = probs * (gprobs - np.sum(gprobs * probs, axis=-1, keepdims=True)) * self.scale
        gq = glog @ k
        gk = glog.transpose(0, 1, 3, 2) @ q
        ga = 0.0
        for m, gm in zip("qkv", (gq, gk, gv)):
            ga = ga + self._linear_back(p + f"*_{m}", a, self._merge(gm), self.params[p + f"w_{m}"],
                                        grads)
        return ga

    def _mlp(self, l, a):
        p = f"h{l}.mlp."
        z = self._linear(p + "*_in", a)
        h = _activations.get(self.activation).function(z)
        return self._linear(p + "*_out", h), (a, z, h)

    def _mlp_back(self, l, g, c, grads):
        p = f"h{l}.mlp."
        a, z, h = c
        gh = self._linear_back(p + "*_out", h, g, self.params[p + "w_out"], grads)
        gz = _activations.get(self.activation).backprop(gh, z, h)
        return self._linear_back(p + "*_in", a, gz, self.params[p + "w_in"], grads)

    # ------------------------------------------------------------------ passes
    def _check_tokens(self, tokens, name):
        tokens = check_array(tokens, name, "token ids, shape (batch, positions)", dtype="integer",
                             ndim=2, min_size=1)
        if tokens.min() < 0 or tokens.max() >= self.vocab:
            raise ValueError(f"{name} must hold token ids in [0, {self.vocab}) (rows of the "
                             f"embedding); got values from {tokens.min()} to {tokens.max()}")
        if tokens.shape[1] > self.max_len:
            raise ValueError(f"{name} must have at most max_len={self.max_len} positions (the "
                             f"rows of the position embedding); got {tokens.shape[1]}")
        return tokens

    def forward(self, tokens, targets):
        """The loss and the per-block statistics for a batch of sequences.

        Parameters
        ----------
        tokens, targets : array_like of int, shape (B, T)
            Input token ids and the token to predict at each position
            (ids in ``[0, vocab)``, ``T <= max_len``).

        Returns
        -------
        TransformerForward

        Raises
        ------
        TypeError, ValueError
            If ``tokens`` or ``targets`` is malformed.
        FloatingPointError
            If the stream or the loss is not finite (weights far too large).
        """
        tokens = self._check_tokens(tokens, "tokens")
        targets = self._check_tokens(targets, "targets")
        if targets.shape != tokens.shape:
            raise ValueError(f"targets must have the shape of tokens {tokens.shape} (one target "
                             f"per position); got {targets.shape}")
        prm = self.params
        t = tokens.shape[1]
        x = self.embed_scale * prm["wte"][tokens]
        if self.positions == "learned":
            x = x + prm["wpe"][:t]
        elif self.positions == "sinusoidal":
            x = x + self._sinusoids[:t]
        stream_var, entropy, caches = [float(np.var(x))], [], []
        for l in range(self.n_layers):
            c = {"x0": x}
            if self.norm == "pre":
                a, c["ln_1"] = self._layer_norm(f"h{l}.ln_1", x)
                f, c["attn"], e = self._attention(l, a)
                x = self.alpha * x + f
                c["x1"] = x
                a, c["ln_2"] = self._layer_norm(f"h{l}.ln_2", x)
                f, c["mlp"] = self._mlp(l, a)
                x = self.alpha * x + f
            else:
                f, c["attn"], e = self._attention(l, x)
                x = self.alpha * x + f
                if self.norm == "post":
                    x, c["ln_1"] = self._layer_norm(f"h{l}.ln_1", x)
                c["x1"] = x
                f, c["mlp"] = self._mlp(l, x)
                x = self.alpha * x + f
                if self.norm == "post":
                    x, c["ln_2"] = self._layer_norm(f"h{l}.ln_2", x)
            caches.append(c)
            stream_var.append(float(np.var(x)))
            entropy.append(e)
        if self.norm == "pre":
            hf, cf = self._layer_norm("ln_f", x)
        else:
            hf, cf = x, None
        head = prm["wte"].T if self.tied else prm["head"]
        logits = hf @ head
        loss, glogits = _sm.loss_and_grad(logits.reshape(-1, self.vocab), targets.reshape(-1))
        if not (np.isfinite(loss) and np.all(np.isfinite(stream_var))):
            raise FloatingPointError(
                "the forward pass overflowed (a non-finite stream or loss): the weights are too "
                "large for float64; got loss " + repr(float(loss)))
        uniform = float(np.mean(np.log(np.arange(1, t + 1))))
        return TransformerForward(float(loss), logits, np.array(stream_var), np.array(entropy),
                                  uniform, (tokens, caches, hf, cf, glogits.reshape(logits.shape)))

    def backward(self, fwd):
        """The gradient of the mean loss with respect to every parameter.

        Parameters
        ----------
        fwd : TransformerForward
            The result of :meth:`forward` with the current parameters.

        Returns
        -------
        dict of str to numpy.ndarray
            One array per entry of ``params``, of the same shape.
        """
        if not isinstance(fwd, TransformerForward) or fwd._cache is None:
            raise TypeError(f"fwd must be the result of Transformer.forward (what the backward "
                            f"pass needs); got {type(fwd).__name__}")
        tokens, caches, hf, cf, g = fwd._cache
        prm = self.params
        grads = {n: np.zeros_like(p) for n, p in prm.items()}
        if self.tied:
            grads["wte"] += g.reshape(-1, self.vocab).T @ hf.reshape(-1, self.d_model)
            gx = g @ prm["wte"]
        else:
            grads["head"] += hf.reshape(-1, self.d_model).T @ g.reshape(-1, self.vocab)
            gx = g @ prm["head"].T
        if self.norm == "pre":
            gx = self._layer_norm_back("ln_f", gx, cf, grads)
        for l in reversed(range(self.n_layers)):
            c = caches[l]
            if self.norm == "pre":
                ga = self._mlp_back(l, gx, c["mlp"], grads)
                gx = self.alpha * gx + self._layer_norm_back(f"h{l}.ln_2", ga, c["ln_2"], grads)
                ga = self._attention_back(l, gx, c["attn"], grads)
                gx = self.alpha * gx + self._layer_norm_back(f"h{l}.ln_1", ga, c["ln_1"], grads)
            else:
                if self.norm == "post":
                    gx = self._layer_norm_back(f"h{l}.ln_2", gx, c["ln_2"], grads)
                gx = self.alpha * gx + self._mlp_back(l, gx, c["mlp"], grads)
                if self.norm == "post":
                    gx = self._layer_norm_back(f"h{l}.ln_1", gx, c["ln_1"], grads)
                gx = self.alpha * gx + self._attention_back(l, gx, c["attn"], grads)
        t = tokens.shape[1]
        if self.positions == "learned":
            grads["wpe"][:t] += gx.sum(axis=0)
        np.add.at(grads["wte"], tokens.reshape(-1), self.embed_scale * gx.reshape(-1, self.d_model))
        return grads

    def loss_and_gradients(self, tokens, targets):
        """:meth:`forward` then :meth:`backward`: ``(TransformerForward, grads)``."""
        fwd = self.forward(tokens, targets)
        return fwd, self.backward(fwd)

    def __repr__(self):
        return (f"Transformer(vocab={self.vocab}, d_model={self.d_model}, n_layers={self.n_layers}, "
                f"n_heads={self.n_heads}, norm={self.norm!r}, tied={self.tied})")
