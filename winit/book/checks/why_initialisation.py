"""Checks of the exercises of the chapter why_initialisation (chapters/why_initialisation.ipynb)."""

import math

from . import Hint, close, exercise, number
from ._letters import letter as _letter
from ._draws import UNIFORM_VARIANCE, uniform_draw

_RULE = f"Var[z] = n Var[w] Var[x]. {UNIFORM_VARIANCE}"


@exercise("predict-why-std", std="the standard deviation of z, to two decimals")
def _std(std):
    got = number(std, "std")
    if close(got, 4 / 3, "std", abs=0.006):
        raise Hint("that is the variance of z; the question asks for its standard deviation.")
    if not close(got, math.sqrt(4 / 3), "std", abs=0.006):
        raise Hint(f"{_RULE} The standard deviation is the square root of the variance.")


_letter(__name__, "predict-why-double", "c", "abcd",
        f"{_RULE} Follow what each of the two changes does to Var[z], then take "
        "the square root.")


_letter(__name__, "predict-why-depth", "b", "abcd",
        "Deep in the network the activations are small, and for small z, tanh z is "
        "about z: the layer acts as a linear one. By what does a linear layer multiply "
        "the standard deviation, when its weights have standard deviation s / sqrt(n)?")


@exercise("predict-why-half-random", distinct_units="the number of distinct hidden units after "
          "training: 1 or 8")
def _half_random(distinct_units):
    got = number(distinct_units, "distinct_units")
    if got not in (1, 8):
        raise Hint(f"distinct_units must be 1 or 8; got {got:g}")
    if got != 8:
        raise Hint("Look at the backward pass: each hidden unit's gradient is the error times its "
                   "own output weight. Are those output weights still equal?")


@exercise("ex-why-scale", scaled_uniform="your function scaled_uniform(n_in, n_out, rng)")
def _scale(scaled_uniform):
    for n_in, n_out in ((100, 400), (1000, 40)):
        uniform_draw(scaled_uniform, (n_in, n_out), shape=(n_in, n_out), var=1 / n_in,
                     name="scaled_uniform", var_hint="n Var[w] must be 1 for every n, with n "
                     "the number of inputs (n_in, not n_out).")


_letter(__name__, "predict-why-zeros-digits", "b", "abcd",
        "From zeros, which parameters does a gradient reach? Those alone learn, and they give "
        "every image the same probabilities. What is the loss of the best such guess, with "
        "10 classes of about equal share?")
