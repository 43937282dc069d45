"""Checks of the exercises of the chapter residual_and_normalisation (chapters/residual_and_normalisation.ipynb)."""

import numpy as np

from . import Hint, close, exercise, run, within_factor
from ._letters import expect, offered, register as _register


@exercise("predict-resnet-lecun", choice=offered("abcd"),
          after_50="the stream's mean square after 50 blocks, over its start")
def _lecun(choice, after_50):
    expect(choice, "abcd", "b", "choice: a block adds the branch's mean square to the stream's. "
           "Follow |x|^2 through the branch's two layers with Var[W] = 1/n: the ReLU halves it.")
    if not within_factor(after_50, 1.5 ** 50, "after_50", 4):   # "about": within 4x
        raise Hint("after_50: the factor applies once per block, 50 times over.")


_register(__name__, {   # label: (the right letter, the letters offered, the hint)
    "predict-preln-stream": (
        "b", "abcd", "The LayerNorm gives every branch an input of mean square 1, whatever the "
        "stream's size. So does a block add to the stream's mean square, or multiply it?"),
    "predict-bn-growth": (
        "a", "abcd", "Follow one layer back: the weights multiply the gradient's scale by "
        "sigma_w, and the BatchNorm divides it by the batch's standard deviation. Without "
        "ReLU, what is that standard deviation?"),
    "predict-resnet-lr": (
        "b", "ab", "Which made the networks diverge at 0.02: the forward pass or the size of "
        "the steps? What does a quarter of the learning rate change?"),
    "predict-bn-negate": (
        "b", "ab", "W -> -W negates z and the batch mean mu_B. What does it do to sigma_B, and "
        "so to the normalised unit? What does the ReLU after it keep?"),
})


@exercise("ex-branch-budget",
          branch_weights="your function branch_weights(n, n_blocks, budget, rng)")
def _budget(branch_weights):
    n = 256
    for n_blocks, budget in ((50, 2.0), (5, 10.0)):
        pair = run(branch_weights, n, n_blocks, budget, np.random.default_rng(0),
                   name="branch_weights")
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise Hint("branch_weights must return the pair (W1, W2)")
        w1, w2 = (np.asarray(w, dtype=float) for w in pair)
        if w1.shape != (n, n) or w2.shape != (n, n):
            raise Hint(f"W1 and W2 must have shape (n, n) = ({n}, {n}); got {w1.shape}, {w2.shape}")
        # n Var[W] estimated from 65,536 entries: within 0.6% (one sd); 3% is 5 sd.
        if not close(n * w1.var(), 2.0, "n Var[W1]", rel=0.03):
            raise Hint("W1 is He's: n Var[W1] must be 2.")
        c = (budget ** (1 / n_blocks) - 1) / 2          # (1 + 2c)^L = budget
        if not close(n * w2.var(), 2 * c, "n Var[W2]", rel=0.03):
            hint = ("Set the growth over n_blocks blocks equal to budget, solve for c, and give "
                    "W2 the variance c * 2/n.")
            if close(n * w2.var(), (budget - 1) / n_blocks, "n Var[W2]", rel=0.03):
                hint = ("Each block multiplies the stream's mean square by 1 + 2c, so the growth "
                        "compounds: it is not 1 + 2cL. " + hint)
            raise Hint(hint)
    again = run(branch_weights, n, 5, 10.0, np.random.default_rng(0), name="branch_weights")
    if not all(np.array_equal(a, b) for a, b in zip(pair, again)):
        raise Hint("draw from the rng you are given: two calls with the same seed must agree")
