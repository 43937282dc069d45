"""Checks of the exercises of the chapter normalized_xavier (chapters/normalized_xavier.ipynb)."""

import math

from . import Hint, choice as _choice, close, exercise, number
from ._draws import UNIFORM_VARIANCE as _UNIFORM, uniform_draw

@exercise("predict-nx-which-m", half="the m that halves the variance: 'a', 'b', 'c' or 'd'",
          same_range="the m that gives the 'xavier' range: 'a', 'b', 'c' or 'd'")
def _which_m(half, same_range):
    if _choice(half, "abcd", "half") != "c":
        raise Hint("half: set normalized Xavier's variance 2/(n+m) equal to half of 1/n, and "
                   "solve for m.")
    if _choice(same_range, "abcd", "same_range") != "d":
        raise Hint("same_range: a uniform U[-a, a] has variance a^2 / 3, so normalized "
                   "Xavier's bound a has a^2 / 3 = 2/(n + m). Set a = 1/sqrt(n) and solve for m.")


@exercise("predict-nx-bound", bound="the bound a, to three decimals",
          std="the weights' standard deviation, to three decimals")
def _bound(bound, std):
    if not close(bound, math.sqrt(6 / 600), "bound", abs=0.0015):
        raise Hint("bound: normalized Xavier's variance is 2/(n + m), counting both the inputs "
                   f"and the outputs. {_UNIFORM}")
    got = number(std, "std")
    if close(got, 0.1 ** 2 / 3, "std", rel=0.05):
        raise Hint("std: that is the variance; the question asks for the standard deviation.")
    if not close(got, 0.1 / math.sqrt(3), "std", abs=0.0015):
        raise Hint(f"std: the weights are not all at the bound. {_UNIFORM}")


@exercise("predict-nx-narrow", forward="the factor by which the forward signal's variance "
          "changes", backward="the factor by which the gradient's variance changes on the way back")
def _narrow(forward, backward):
    rule = "Normalized Xavier's Var[w] is 2/(n + m)."
    if not close(forward, 400 * 2 / 500, "forward", rel=0.02):
        raise Hint(f"forward: each output sums n inputs, so the forward pass multiplies the "
                   f"variance by n Var[w], with n the inputs. {rule}")
    if not close(backward, 100 * 2 / 500, "backward", rel=0.02):
        raise Hint("backward: each input's gradient sums over the m outputs it feeds, so the "
                   f"backward pass multiplies the variance by m Var[w]. {rule}")


@exercise("ex-nx-conv", glorot_uniform_conv="your function glorot_uniform_conv(out_channels, "
          "in_channels, kh, kw, rng)")
def _conv(glorot_uniform_conv):
    hint = ("Var[w] must be 2/(fan_in + fan_out), and both fans count the kernel's kh * kw "
            "positions once per channel.")
    for out_ch, in_ch, kh, kw in ((64, 32, 3, 3), (16, 128, 5, 3)):
        fans = (in_ch + out_ch) * kh * kw
        uniform_draw(glorot_uniform_conv, (out_ch, in_ch, kh, kw), shape=(out_ch, in_ch, kh, kw),
                     var=2 / fans, name="glorot_uniform_conv", var_hint=hint)
