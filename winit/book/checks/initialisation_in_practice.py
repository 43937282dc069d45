"""Checks of the exercises of the chapter initialisation_in_practice (chapters/initialisation_in_practice.ipynb)."""

import math

import numpy as np

from . import Hint, close, exercise, run
from ._letters import letter as _letter

_CHOICE = "your prediction: 'a', 'b', 'c' or 'd'"


_letter(__name__, "predict-practice-relu-depth", "b", "abcd",
        "Half of the pre-activations keep their square, the other half keep 0.5^2 of "
        "it. Average the two for the factor of one layer with n Var[w] = 1, then "
        "apply it 12 times.")


_letter(__name__, "predict-practice-quiet-loss", "c", "abcd",
        "With those biases the softmax predicts each class's frequency p_k, whatever "
        "the input. Average -log p_k over the labels: 90% of them have p = 0.9.")


_letter(__name__, "predict-practice-pytorch-tanh", "d", "abcd",
        "Near 0, tanh z is about z, so each layer multiplies the variance by "
        "n Var[w]. Count the layers from hidden layer 1 to hidden layer 20, and take "
        "the square root for the standard deviation.")


_letter(__name__, "predict-practice-tanh-grads", "b", "abc",
        "chi_1 is the factor per layer of the gradients' mean square, going back. "
        "Take its square root for the standard deviation, and compound it over the "
        "9 layers between the last hidden layer and the first.")


def _layers(mean_squares):
    """One array (4, 8) per layer, like ReLU outputs: a quarter of the entries 2 sqrt(m), the rest 0.
    Its mean square is m exactly; its variance (3m/4) and squared mean (m/4) are not."""
    pattern = np.zeros((4, 8))
    pattern[:, 2::4] = 2.0
    return [pattern * math.sqrt(m) for m in mean_squares]


# (mean squares of the layers, reference, low, high, the layers outside [low, high], from 1);
# every ratio is exact in binary floating point (0.25, 0.5625, 2.25, ...)
_CASES = (
    ((1.0, 0.5625, 0.25, 2.25, 1.5625, 0.0625), 1.0, 0.5, 2.0, [3, 4, 6]),
    ((1.0, 0.25, 4.0, 9.0, 0.5625), 4.0, 0.5, 2.0, [1, 2, 4, 5]),        # against the reference
    ((1.0, 0.5625, 2.25, 0.25), 1.0, 0.75, 1.5, [2, 3, 4]),            # the reader's own band
    ((0.25, 1.0, 0.5625), 0.5, 0.5, 2.0, []),                           # the band's ends are in it
)


@exercise("implement-practice-flag",
          flag_layers="your function flag_layers(activations, reference, low=0.5, high=2.0)")
def _flag(flag_layers):
    for mean_squares, reference, low, high, want in _CASES:
        acts = _layers(mean_squares)
        if (low, high) == (0.5, 2.0):
            got = run(flag_layers, acts, reference, name="flag_layers")
        else:
            got = run(flag_layers, acts, reference, low=low, high=high, name="flag_layers")
        try:
            got = [int(i) for i in got]
        except (TypeError, ValueError):
            raise Hint(f"flag_layers must return a list of layer numbers; got {got!r}") from None
        if got == want:
            continue
        if got == [i - 1 for i in want]:
            raise Hint("number the layers from 1: the first layer is 1, not 0")
        ratios = [m / reference for m in mean_squares]
        if any(r in (low, high) for r in ratios) and set(got) > set(want):
            raise Hint("a ratio equal to low or to high lies inside [low, high]: do not flag it")
        if (low, high) != (0.5, 2.0):
            raise Hint("use the band [low, high] you are given, not always [0.5, 2]")
        if reference != 1.0:
            raise Hint("divide each layer's mean square by reference before comparing it")
        raise Hint("compare each layer's mean square, the mean of a ** 2: not its variance, "
                   "its standard deviation or its mean")


# The labels of the kept images (every digit 0-4 of digits(rng=0)'s training set, and the others
# whose index is a multiple of 10): the number of each class, 0 to 9
_KEPT_COUNTS = (139, 135, 137, 134, 138, 9, 18, 15, 8, 13)


@exercise("ex-practice-prior", loss="the initial loss with the prior bias, in nats, to two decimals")
def _prior(loss):
    total = sum(_KEPT_COUNTS)
    entropy = -sum(c / total * math.log(c / total) for c in _KEPT_COUNTS)
    if close(loss, math.log(10), "loss", abs=0.02):
        raise Hint("that is the loss of the quiet output layer, with zero biases. With the bias "
                   "at the log frequencies, what does the softmax predict for every image?")
    if not close(loss, entropy, "loss", abs=0.01):
        raise Hint("the softmax now predicts each class's frequency p_k for every image. The mean "
                   "of -log p_k over the labels is a quantity the cell can compute from the "
                   "label counts alone.")
