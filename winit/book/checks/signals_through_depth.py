"""Checks of the exercises of the chapter signals_through_depth (chapters/signals_through_depth.ipynb)."""

import math

import numpy as np

from . import Hint, choice as _choice, close, exercise, run
from ._letters import letter as _letter
from ...networks import activate


@exercise("predict-sig-depth", choice="your prediction for Var[w] = 1/n: 'a', 'b' or 'c'",
          layers_xavier='the number of layers with the tutorial\'s "xavier", Var[w] = 1/(3n)')
def _depth(choice, layers_xavier):
    if _choice(choice, "abc") != "b":
        raise Hint("choice: a ReLU layer with Var[w] = 1/n halves the second moment. How many "
                   "halvings make a millionth?")
    if not close(layers_xavier, math.log(1e-6) / math.log(1 / 6), "layers_xavier", abs=0.6):
        raise Hint("layers_xavier: a ReLU layer multiplies the second moment by n Var[w] / 2. "
                   "Find that factor for Var[w] = 1/(3n), then how many times it takes to reach 1e-6.")


_letter(__name__, "predict-sig-sigmoid", "b", "abcd",
        "Where do sigmoid units sit? Their inputs all have a mean near 1/2, so each unit "
        "gets a fixed offset, and the slope there is not the slope at 0.")


_letter(__name__, "predict-sig-zeros", "b", "ab",
        "The first step moves the output weights. Is each one's gradient the same? "
        "It is the error times a hidden unit's output, and the hidden units are random.")


def _exact_gain(activation):
    """1 / sqrt(E[phi(z)^2]), z ~ N(0, 1), by Gauss-Hermite quadrature (not sampling)."""
    nodes, weights = np.polynomial.hermite_e.hermegauss(160)
    return 1 / math.sqrt(float(weights @ activate(nodes, activation) ** 2 / weights.sum()))


@exercise("implement-sig-gelu-gain",
          measured_gain="your function measured_gain(activation), the gain 1 / sqrt(E[phi(z)^2])")
def _gelu_gain(measured_gain):
    for activation in ("relu", "gelu"):
        got = run(measured_gain, activation, name="measured_gain")
        try:
            g = float(got)
        except (TypeError, ValueError):
            raise Hint(f"measured_gain({activation!r}) must return one number; got "
                       f"{type(got).__name__}") from None
        if not math.isfinite(g) or g <= 0:
            raise Hint(f"measured_gain({activation!r}) must be a positive number; got {g}")
        if close(g, _exact_gain(activation), "gain", rel=0.01):
            continue
        relu_var = 1 / math.sqrt(0.5 - 1 / (2 * math.pi))       # 1 / sqrt(Var[relu(z)])
        if activation == "relu" and close(g, relu_var, "gain", rel=0.01):
            raise Hint("take the mean square E[phi(z)^2], not the variance: ReLU's outputs do "
                       "not have mean 0, and the mean counts")
        if activation == "relu" and any(close(g, v, "gain", rel=0.01) for v in (0.5, 2.0, 0.5 ** 0.5)):
            raise Hint("the gain is 1 over the square root of E[phi(z)^2]; check measured_gain('relu') "
                       "against the ReLU value the exercise names")
        raise Hint(f"measured_gain({activation!r}) is off by more than 1%. Draw z from N(0, 1), "
                   "apply the activation, and average the squares over many draws")


@exercise("ex-sig-fanout", std_ratio="the fan-out rule's standard deviation over the fan-in rule's",
          grad_factor="the factor by which the layer, at the fan-out rule, multiplies the "
          "gradients' variance going back")
def _fanout(std_ratio, grad_factor):
    if not close(std_ratio, math.sqrt(100 / 400), "std_ratio", rel=0.01):
        raise Hint("std_ratio: each rule's standard deviation is sqrt(2 / fan), with n = 100 "
                   "inputs and m = 400 outputs. Take the square roots, and put the fan-out rule on top.")
    if not close(grad_factor, 1.0, "grad_factor", rel=0.05):
        raise Hint("grad_factor: going back, the weights multiply the gradients' variance by "
                   "m Var[w], and the ReLU's slope (1 or 0) multiplies it by E[phi'(z)^2].")
