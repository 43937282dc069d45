"""Checks of the exercises of the chapter depth_explorer (chapters/depth_explorer.ipynb)."""

import math

import numpy as np

from . import Hint, choice as _choice, close, exercise, run
from ._letters import letter as _letter

_RELU = "A ReLU layer with weights N(0, c/n) multiplies the variance by c/2, the std by its square root."


_letter(__name__, "predict-depth-lecun", "c", "abcd",
        f"{_RELU} Set that factor in standard deviation to 0.9 and solve for c.")


_letter(__name__, "predict-depth-unit", "b", "abc",
        "How large is a sum of 100 terms with weights of variance 1, against the inputs? "
        "And what does tanh do with large inputs?")


_letter(__name__, "predict-depth-sigmoid", "b", "abcd",
        "Look at each pass alone. The sigmoid's outputs sit near 0.5 and keep a spread; "
        "going back, each layer multiplies by the sigmoid's slope, which is at most 1/4.")


_letter(__name__, "predict-depth-thousand", "b", "abcd",
        "The factors multiply: solve (1/sqrt(2))^k = 1/1000 for k, with logarithms.")


@exercise("ex-depth-width", width_10="'a' or 'b' for the network 10 units wide",
          width_1000="'a' or 'b' for the network 1000 units wide")
def _width(width_10, width_1000):
    if _choice(width_1000, "ab", "width_1000") != "a":
        raise Hint("width_1000: He's rule keeps the average factor per layer at 1, and a wide "
                   "layer averages over many inputs, so one network stays close to the average.")
    if _choice(width_10, "ab", "width_10") != "b":
        raise Hint("width_10: a narrow layer averages over few inputs, so its factor varies from "
                   "layer to layer. Is the product of 20 such factors as likely to end low as high?")


def _theory(depth, c):
    """E[z^2] of each layer of an infinitely wide tanh network, inputs N(0, 1) (mean-field)."""
    nodes, weights = np.polynomial.hermite_e.hermegauss(80)
    weights = weights / weights.sum()
    q, out = c * 1.0, []
    for _ in range(depth):
        out.append(q)
        q = c * float(weights @ np.tanh(math.sqrt(q) * nodes) ** 2)
    return np.array(out)


@exercise("ex-depth-probe", mean_squares="your function mean_squares(depth, width, c, rng)",
          c="the c that keeps layer 20's mean square within 10% of 1, at width 128")
def _probe(mean_squares, c):
    got = run(mean_squares, 20, 128, 3.0, np.random.default_rng(0), name="mean_squares")
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        raise Hint("mean_squares must return an array of numbers, one per layer") from None
    if got.shape != (20,):
        raise Hint(f"mean_squares(20, 128, c, rng) must return one mean square per layer, "
                   f"shape (20,); got shape {got.shape}")
    if not np.all(np.isfinite(got)):
        raise Hint("mean_squares returned a value that is not finite")
    once, again = (np.asarray(run(mean_squares, 3, 16, 3.0, np.random.default_rng(1),
                                  name="mean_squares"), dtype=float) for _ in range(2))
    if not np.array_equal(once, again):
        raise Hint("draw the inputs and the weights from the rng you are given: two calls with "
                   "the same seed must agree")
    if not close(got[0], 3.0, "E[z^2] of layer 1", rel=0.15):
        raise Hint("layer 1's pre-activations z = x W, inputs of mean square 1 and weights "
                   "N(0, c/n), must have mean square c. Check the std of the weights (the square "
                   "root of c/n, with n the layer's width), and measure z before tanh, not after.")
    theory = _theory(20, 3.0)
    if np.any(np.abs(got - theory) > 0.2 * theory):
        raise Hint("the mean squares must follow the tanh network's from layer to layer: apply "
                   "tanh to each layer's z before the next layer's weights, draw new weights for "
                   "every layer, and record E[z^2] of every layer, layer 1 first")
    if not close(c, 1 / _theory(2, 1.0)[1], "c", abs=0.2):
        raise Hint("c: scan c from 1 to 4 in steps of 0.25, and keep the one whose layer-20 mean "
                   "square is within 10% of 1. tanh keeps only part of a unit input's mean square.")
