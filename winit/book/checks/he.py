"""Checks of the exercises of the chapter he (chapters/he.ipynb)."""

import math

import numpy as np

from . import Hint, close, exercise, run, within_factor
from ._letters import letter as _letter

_PER_LAYER = "A ReLU layer multiplies the second moment by n Var[w] / 2 on average."


_letter(__name__, "predict-he-mixed", "b", "abcd",
        f"{_PER_LAYER} Work out that factor for the first 6 layers and for the "
        "last 6, then multiply the 12 factors.")


@exercise("predict-he-too-big", factor="the factor per layer",
          after_20="the second moment after 20 layers, starting from 1")
def _too_big(factor, after_20):
    if not close(factor, 2.0, "factor", rel=0.05):
        raise Hint(f"factor: {_PER_LAYER}")
    if not within_factor(after_20, 2.0 ** 20, "after_20", 4):   # "about": within 4x
        raise Hint("after_20: the factor applies once per layer, 20 times over.")


@exercise("predict-he-leaky", n_var_w="the value of n Var[w] that keeps the second moment, "
          "to three decimals")
def _leaky(n_var_w):
    if not close(n_var_w, 2 / (1 + 0.2 ** 2), "n_var_w", abs=0.0015):
        raise Hint("Add the two halves' shares of E[x^2]: the positive half brings Var[y]/2, "
                   "the negative half brings a^2 times that. Then set n Var[w] E[x^2] = Var[y].")


@exercise("ex-he-uniform", he_uniform="your function he_uniform(n_in, n_out, rng)")
def _uniform(he_uniform):
    w = run(he_uniform, 100, 400, np.random.default_rng(0), name="he_uniform")
    w = np.asarray(w)
    if w.shape != (100, 400):
        raise Hint(f"he_uniform(100, 400, rng) must have shape (100, 400) (n_in, n_out); got {w.shape}")
    if not np.all(np.isfinite(w)):
        raise Hint("he_uniform returned a value that is not finite")
    again = np.asarray(run(he_uniform, 100, 400, np.random.default_rng(0), name="he_uniform"))
    if not np.array_equal(w, again):
        raise Hint("draw from the rng you are given: two calls with the same seed must agree")
    if not close(100 * w.var(), 2.0, "n Var[w]", rel=0.03):
        raise Hint("n Var[w] must be 2, with n the fan-in (n_in, not n_out). A uniform "
                   "U[-b, b] has variance b^2 / 3.")
    bound = math.sqrt(6 / 100)
    if np.abs(w).max() > bound * (1 + 1e-9) or np.abs(w).max() < 0.98 * bound:
        raise Hint("draw from a uniform U[-b, b], not a normal: the weights must fill [-b, b] "
                   "and never leave it")
