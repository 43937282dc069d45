"""Checks of the exercises of the chapter transformers_and_lsuv (chapters/transformers_and_lsuv.ipynb)."""

import math

import numpy as np

from . import Hint, close, exercise, run
from ._letters import letter as _letter

_CHOICE = "your prediction: 'a', 'b', 'c' or 'd'"


_letter(__name__, "predict-attn-logit-variance", "c", "abcd",
        "Go step by step: the variance of one component of q (256 terms of variance "
        "2/256), then of one product q_i k_i, then of the sum of 64 of them, and last "
        "the division by sqrt(d_k).")


_letter(__name__, "predict-uniform-loss", "b", "abcd",
        "The loss is log Z minus the target's logit, with Z the sum of e^logit over "
        "all 1,000 tokens. How many of those terms are e^0, and how big is e^5 beside "
        "their sum?")


_letter(__name__, "predict-stream-branches", "c", "abcd",
        "Independent variances add. A block has two branches, and each adds c^2 "
        "with c = 1/sqrt(L): count the branches after 12 blocks and after 48.")


# (n_layer, branches_per_block) the reader's function is called on
_DEPTHS = ((12, 2), (12, 3), (48, 3), (6, 1))


@exercise("ex-gpt2-c-proj", c_proj_std="your function c_proj_std(n_layer, branches_per_block)")
def _c_proj(c_proj_std):
    for n_layer, per_block in _DEPTHS:
        call = f"c_proj_std({n_layer}, {per_block})"
        got = run(c_proj_std, n_layer, per_block, name="c_proj_std")
        want = 0.02 / math.sqrt(n_layer * per_block)
        if close(got, want, call, rel=1e-9):
            continue
        if close(got, 0.02 / (n_layer * per_block), call, rel=1e-9):
            raise Hint(f"{call}: divide 0.02 by the square root of the number of branches")
        if close(got, 0.02 / math.sqrt(2 * n_layer), call, rel=1e-9):
            raise Hint(f"{call}: a block here has branches_per_block branches, not nanoGPT's 2")
        if close(got, 0.02 / math.sqrt(n_layer), call, rel=1e-9):
            raise Hint(f"{call}: count the branches, not the blocks")
        raise Hint(f"{call} is not nanoGPT's rule: the std 0.02, divided by the square root of "
                   "the number of branches into the stream")


def _orthogonal(n, rng):
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    return q * np.sign(np.diag(r))


@exercise("ex-lsuv-by-hand", my_lsuv="your function my_lsuv(weights, x, phi, tol=0.1, max_iter=10)")
def _lsuv(my_lsuv):
    rng = np.random.default_rng(0)
    weights = [_orthogonal(16, rng) for _ in range(4)]
    x = 3.0 * rng.standard_normal((64, 16))            # inputs of variance 9, not 1
    kept = [w.copy() for w in weights]
    got = run(my_lsuv, weights, x, np.tanh, name="my_lsuv")
    try:
        got = [np.asarray(w, dtype=float) for w in got]
    except (TypeError, ValueError):
        raise Hint(f"my_lsuv must return the list of the layers' weights; got {type(got).__name__}") from None
    if len(got) != len(kept) or any(w.shape != k.shape for w, k in zip(got, kept)):
        raise Hint("my_lsuv must return one weight matrix per layer, each of its layer's shape")
    h = x
    for layer, (w, start) in enumerate(zip(got, kept), 1):
        scale = np.sum(w * start) / np.sum(start * start)
        if not (scale > 0 and np.allclose(w, scale * start, rtol=1e-6, atol=1e-12)):
            raise Hint(f"layer {layer}: LSUV only rescales each layer's weights (divides W_l by a "
                       "positive number); it keeps their orthogonal direction")
        if abs(np.var(h @ w) - 1) >= 0.1:
            where = f"layer {layer}: the variance of h_(l-1) W_l on the batch must end within tol of 1."
            if scale > 1.2 and np.var(h @ start) > 1.2:     # grown, when it had to shrink
                raise Hint(f"{where} Measure it before the activation, not after it.")
            if layer > 1 and abs(np.var(x @ w) - 1) < 0.1:
                raise Hint(f"{where} Each layer sees the previous layer's output phi(h W), "
                           "computed with that layer's rescaled weights, not the input x.")
            raise Hint(f"{where} Dividing W by s divides that variance by s^2: choose s so.")
        h = np.tanh(h @ w)


_letter(__name__, "predict-lsuv-orthogonal", "a", "abc",
        "Three medians: He's Gaussian, orthogonal at the fixed gain sqrt(2), and LSUV. "
        "The first gap is what the orthogonal start brings; the second is what the "
        "measured scale adds. Which gap is larger?")


_letter(__name__, "predict-lsuv-fresh-batches", "b", "ab",
        "After a division the variance is exactly 1 on the batch it was measured on. "
                   "The next trial measures 16 new digits: how much can their variance differ, "
                   "when images differ a lot in how much ink they have?")
