"""Checks of the exercises of the chapter order_and_chaos (chapters/order_and_chaos.ipynb)."""

import math

import numpy as np

from . import Hint, close, exercise, number, run
from ._letters import expect, register as _register

_SLOPE = "chi_1 is sigma_w^2 times the mean of the activation's slope squared."


_NODES, _WEIGHTS = np.polynomial.hermite_e.hermegauss(100)   # E over z ~ N(0, 1)
_WEIGHTS = _WEIGHTS / _WEIGHTS.sum()


def _mean(f, scale):
    """E[f(scale z)] over z ~ N(0, 1), by 100-point Gauss-Hermite quadrature."""
    return float(np.sum(_WEIGHTS * f(scale * _NODES)))


def _tanh_sq(h):
    return np.tanh(h) ** 2


def _slope(h):
    return 1 - np.tanh(h) ** 2


def _slope_sq(h):
    return (1 - np.tanh(h) ** 2) ** 2


@exercise("predict-oc-sigmoid", choice="the phase: 'a', 'b' or 'c'",
          chi_1_bound="an upper bound on chi_1, from the slope's bound")
def _sigmoid(choice, chi_1_bound):
    expect(choice, "abc", "a", f"choice: {_SLOPE} Is it below 1, at 1 or above 1 here?")
    if not close(chi_1_bound, 1.0 * (1 / 4) ** 2, "chi_1_bound", rel=0.05):
        raise Hint(f"chi_1_bound: {_SLOPE} Put the slope's largest value into it.")


_register(__name__, {   # label: (the right letter, the letters offered, the hint)
    "predict-oc-gradient": (
        "b", "abc", "Each layer back multiplies the gradient's mean square by chi_1. Raise it "
        "to the number of layers, and take the power of 10 through a logarithm."),
    "predict-oc-relu-pair": (
        "c", "abc", "Iterate ReLU's correlation map from c = 0. Where does the first layer take "
        "the pair? Is the map above or below the diagonal between 0 and 1?"),
})


def _judge(function, name, args, right, mistakes, hint):
    """Call the reader's ``function`` on ``args``; if it misses ``right`` (by more than 0.01,
    the solution's tolerance: 10^6 draws err by about 10^-3), the hint of the mistake whose
    value it gives, else ``hint``."""
    got = number(run(function, *args, name=name), f"{name}{args}")
    if math.isclose(got, right, abs_tol=0.01):
        return
    for value, why in mistakes:
        if math.isclose(got, value, abs_tol=0.01):
            raise Hint(why)
    raise Hint(hint)


_SQRT = ("The pre-activations have variance {q}: scale the unit normal draws by sqrt({q}), "
         "not by {q}.")


@exercise("ex-oc-length-map",
          length_map_mc="your function length_map_mc(q, sigma_w2, sigma_b2)",
          chi_1_mc="your function chi_1_mc(q_star, sigma_w2)")
def _length_map(length_map_mc, chi_1_mc):
    gain = (5 / 3) ** 2
    q_star = 1.0
    for _ in range(50):
        q_star = gain * _mean(_tanh_sq, math.sqrt(q_star))
    for q, sigma_w2, sigma_b2 in ((1.0, gain, 0.5), (0.25, 2.0, 0.0)):
        right = sigma_w2 * _mean(_tanh_sq, math.sqrt(q)) + sigma_b2
        mistakes = [(right - sigma_b2, "sigma_b2: the bias adds its variance to the map."),
                    (sigma_w2 * _mean(_tanh_sq, q) + sigma_b2, _SQRT.format(q="q")),
                    (_mean(_tanh_sq, math.sqrt(q)) + sigma_b2,
                     "The weights multiply the mean of tanh^2 by sigma_w2.")]
        _judge(length_map_mc, "length_map_mc", (q, sigma_w2, sigma_b2), right, mistakes,
               "length_map_mc(q, sigma_w2, sigma_b2) averages tanh of the pre-activations "
               "squared over the draws, times sigma_w2, plus sigma_b2.")
    for q, sigma_w2 in ((q_star, gain), (0.25, 2.0)):
        right = sigma_w2 * _mean(_slope_sq, math.sqrt(q))
        mistakes = [(sigma_w2 * _mean(_slope, math.sqrt(q)),
                     f"{_SLOPE} tanh's slope is 1 - tanh^2: square it, then average."),
                    (sigma_w2 * _mean(_slope_sq, q), _SQRT.format(q="q_star")),
                    (right / sigma_w2, _SLOPE)]
        _judge(chi_1_mc, "chi_1_mc", (q, sigma_w2), right, mistakes,
               f"{_SLOPE} Average it over the draws scaled by sqrt(q_star).")


@exercise("ex-oc-leaky", sigma_w2="the edge's sigma_w^2, to three decimals")
def _leaky(sigma_w2):
    a = 0.2
    if not close(sigma_w2, 1 / ((1 + a ** 2) / 2), "sigma_w2", abs=0.0015):
        raise Hint(f"{_SLOPE} The slope is 1 for z > 0 and a below, each half the time. "
                   "Set chi_1 = 1 and solve for sigma_w^2.")
