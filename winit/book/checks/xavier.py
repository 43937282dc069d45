"""Checks of the exercises of the chapter xavier (chapters/xavier.ipynb)."""

from . import Hint, choice as _choice, exercise
from ._draws import UNIFORM_VARIANCE, uniform_draw

_CHOICE = "your prediction: 'a', 'b', 'c' or 'd'"


@exercise("predict-xavier-std", choice=_CHOICE)
def _std(choice):
    if _choice(choice, "abcd") != "b":
        raise Hint("Work out the range U[-a, a] of 'xavier' weights for n = 300. "
                   f"{UNIFORM_VARIANCE} The question asks for the standard deviation.")


@exercise("predict-xavier-inputs", choice=_CHOICE)
def _inputs(choice):
    if _choice(choice, "abcd") != "b":
        raise Hint("Var[z] = n Var[w] Var[x]. The rule's Var[w] cancels n, but not the inputs' "
                   "own variance. Then take the square root.")


@exercise("predict-xavier-depth", choice=_CHOICE)
def _depth(choice):
    if _choice(choice, "abcd") != "c":
        raise Hint("A linear layer multiplies the variance by n Var[w]: work that out for 'xavier' "
                   "weights, apply it 6 times, then take the square root for the standard "
                   "deviation.")


@exercise("predict-xavier-tanh", choice="your prediction: 'a', 'b' or 'c'")
def _tanh(choice):
    if _choice(choice, "abc") != "b":
        raise Hint("How large can a tanh unit's output be, whatever its input? Start from what "
                   "layer 1 outputs, then follow the layers after it.")


@exercise("ex-xavier-conv", xavier_conv="your function xavier_conv(shape, rng)")
def _conv(xavier_conv):
    for shape in ((64, 32, 3, 3), (128, 16, 5, 3)):
        fan_in = shape[1] * shape[2] * shape[3]
        uniform_draw(xavier_conv, (shape,), shape=shape, var=1 / (3 * fan_in), name="xavier_conv",
                     var_hint="3 n Var[w] must be 1, with n the fan-in of one output: "
                     "in * kh * kw (not out * kh * kw, and not in alone).")
