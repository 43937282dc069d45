"""Checks of the exercises of the chapter xavier (chapters/xavier.ipynb)."""

from . import exercise
from ._letters import letter as _letter
from ._draws import UNIFORM_VARIANCE, uniform_draw

_CHOICE = "your prediction: 'a', 'b', 'c' or 'd'"


_letter(__name__, "predict-xavier-std", "b", "abcd",
        "Work out the range U[-a, a] of 'xavier' weights for n = 300. "
        f"{UNIFORM_VARIANCE} The question asks for the standard deviation.")


_letter(__name__, "predict-xavier-inputs", "b", "abcd",
        "Var[z] = n Var[w] Var[x]. The rule's Var[w] cancels n, but not the inputs' "
        "own variance. Then take the square root.")


_letter(__name__, "predict-xavier-depth", "c", "abcd",
        "A linear layer multiplies the variance by n Var[w]: work that out for 'xavier' "
        "weights, apply it 6 times, then take the square root for the standard "
        "deviation.")


_letter(__name__, "predict-xavier-tanh", "b", "abc",
        "How large can a tanh unit's output be, whatever its input? Start from what "
        "layer 1 outputs, then follow the layers after it.")


@exercise("ex-xavier-conv", xavier_conv="your function xavier_conv(shape, rng)")
def _conv(xavier_conv):
    for shape in ((64, 32, 3, 3), (128, 16, 5, 3)):
        fan_in = shape[1] * shape[2] * shape[3]
        uniform_draw(xavier_conv, (shape,), shape=shape, var=1 / (3 * fan_in), name="xavier_conv",
                     var_hint="3 n Var[w] must be 1, with n the fan-in of one output: "
                     "in * kh * kw (not out * kh * kw, and not in alone).")
