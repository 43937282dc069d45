"""Vaswani et al. (2017), "Attention is all you need", NeurIPS: the :math:`1/\\sqrt{d_k}` of attention.

Scaled dot-product attention (their section 3.2.1, eq. 1) computes
:math:`\\operatorname{softmax}(QK^\\top/\\sqrt{d_k})V`.  The paper's reason for
the scale (section 3.2.1 and its footnote 4): if the components of a query
:math:`q` and a key :math:`k` are independent with mean 0 and variance 1,
their dot product :math:`q \\cdot k = \\sum_{i=1}^{d_k} q_i k_i` has mean 0
and variance :math:`d_k`, so for large :math:`d_k` the logits grow and push
the softmax "into regions where it has extremely small gradients"; dividing
by :math:`\\sqrt{d_k}` brings the variance back to 1.

:func:`attention_logits` measures, for a range of :math:`d_k`, the logits'
variance and the softmax's entropy and largest weight, with and without the
scale; :func:`logit_variance` and :func:`softmax_entropy_limit` are the
theory drawn beside them.

How the miniature differs from the paper: queries and keys are drawn as the
footnote assumes (independent N(0, 1) components), not computed by trained
projections of real tokens; one head, no masking, no values (the weights
are the object of study); 64 keys per query.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import _softmax as _sm
from .._validation import check_count, check_counts, check_rng

__all__ = ["AttentionStats", "attention_logits", "logit_variance", "softmax_entropy_limit"]


def logit_variance(d_k, scaled):
    """Variance of :math:`q \\cdot k` (``scaled=False``: :math:`d_k`) or of :math:`q \\cdot k/\\sqrt{d_k}` (1).

    For independent components of mean 0 and variance 1, each product
    :math:`q_i k_i` has mean 0 and variance 1, and the :math:`d_k` products
    are uncorrelated.

    Parameters
    ----------
    d_k : int or array_like of int
    scaled : bool

    Returns
    -------
    float or numpy.ndarray
    """
    d = np.asarray(d_k, dtype=float)
    out = np.ones_like(d) if scaled else d
    return float(out) if out.ndim == 0 else out


def softmax_entropy_limit(n_keys, variance):
    """Large-``n_keys`` limit of the softmax entropy of i.i.d. :math:`N(0, s^2)` logits.

    .. math::

        H \\approx \\max\\left(\\log n - \\tfrac{s^2}{2},\\; 0\\right).

    For :math:`s^2 < 2 \\log n` the normaliser is a sum of many terms,
    :math:`Z \\approx n\\, e^{s^2/2}`, and the weight-averaged logit is
    :math:`s^2`, so :math:`H = \\log Z - \\sum_j p_j \\ell_j \\approx \\log n -
    s^2/2`.  Beyond :math:`s^2 = 2 \\log n` a few of the largest logits take
    nearly all the weight and the entropy is of order 1, not of order
    :math:`\\log n` (Derrida's random energy model; the limit rounds it to
    0).  At finite :math:`n` the measured entropy lies above this line near
    the transition.

    Parameters
    ----------
    n_keys : int
    variance : float or array_like
        :math:`s^2`.

    Returns
    -------
    float or numpy.ndarray
        In nats.
    """
    n_keys = check_count(n_keys, "n_keys", "the number of keys per query")
    v = np.asarray(variance, dtype=float)
    out = np.maximum(math.log(n_keys) - v / 2.0, 0.0)
    return float(out) if out.ndim == 0 else out


@dataclass
class AttentionStats:
    """What :func:`attention_logits` measures, one entry per :math:`d_k`.

    Attributes
    ----------
    d_k : numpy.ndarray of int, shape (m,)
    n_keys : int
    var_unscaled, var_scaled : numpy.ndarray, shape (m,)
        Variance of all logits :math:`q \\cdot k`, and of :math:`q \\cdot k/\\sqrt{d_k}`.
    entropy_unscaled, entropy_scaled : numpy.ndarray, shape (m,)
        Mean over queries of the softmax's entropy over the keys, in nats
        (:math:`\\log n` for uniform weights, 0 for one-hot).
    max_weight_unscaled, max_weight_scaled : numpy.ndarray, shape (m,)
        Mean over queries of the largest softmax weight.
    """

    d_k: np.ndarray
    n_keys: int
    var_unscaled: np.ndarray
    var_scaled: np.ndarray
    entropy_unscaled: np.ndarray
    entropy_scaled: np.ndarray
    max_weight_unscaled: np.ndarray
    max_weight_scaled: np.ndarray


def attention_logits(d_ks=(1, 2, 4, 8, 16, 32, 64, 128, 256, 512), *, n_queries=256, n_keys=64,
                     rng=0):
    """Attention logits and softmax weights against :math:`d_k`, with and without :math:`1/\\sqrt{d_k}`.

    For each :math:`d_k`: ``n_queries`` queries and ``n_keys`` keys with
    independent N(0, 1) components; the logits :math:`QK^\\top` (shape
    ``(n_queries, n_keys)``) and :math:`QK^\\top/\\sqrt{d_k}`, their variance
    over all entries, and each query's softmax over the keys.

    Parameters
    ----------
    d_ks : sequence of int
        Key dimensions.
    n_queries, n_keys : int
    rng : None, int or numpy.random.Generator, default 0
        Source of the queries, then the keys, for each :math:`d_k` in turn
        (SPEC 7).

    Returns
    -------
    AttentionStats
        Per :math:`d_k`, the logits' variance and the softmax's entropy and
        largest weight, unscaled and scaled.

    Examples
    --------
    >>> from winit.experiments.vaswani2017 import attention_logits
    >>> s = attention_logits((64,), n_queries=512, rng=0)
    >>> bool(50 < s.var_unscaled[0] < 80), bool(0.8 < s.var_scaled[0] < 1.2)
    (True, True)
    """
    rng = check_rng(rng)
    d_ks = check_counts(d_ks if hasattr(d_ks, "__iter__") else [d_ks], "d_ks",
                        "the key dimensions", each="a key dimension")
    n_queries = check_count(n_queries, "n_queries", "the number of queries")
    n_keys = check_count(n_keys, "n_keys", "the number of keys per query")
    if n_queries * n_keys < 2:
        raise ValueError("n_queries * n_keys must be at least 2 (a variance needs two logits); "
                         f"got {n_queries} * {n_keys}")
    cols = {k: [] for k in ("vu", "vs", "hu", "hs", "mu", "ms")}
    for d in d_ks:
        q = rng.standard_normal((n_queries, d))
        k = rng.standard_normal((n_keys, d))
        logits = q @ k.T
        for scaled, (v, h, m) in ((False, ("vu", "hu", "mu")), (True, ("vs", "hs", "ms"))):
            s = logits / math.sqrt(d) if scaled else logits
            p, logp = _softmax(s)
            cols[v].append(float(np.var(s)))
            cols[h].append(float(np.mean(-np.sum(p * logp, axis=1))))
            cols[m].append(float(np.mean(p.max(axis=1))))
    a = {key: np.array(val) for key, val in cols.items()}
    return AttentionStats(np.array(d_ks), n_keys, a["vu"], a["vs"], a["hu"], a["hs"], a["mu"],
                          a["ms"])


def _softmax(s):
    logp = _sm.log_softmax(s)
    return np.exp(logp), logp
