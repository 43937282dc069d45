"""Checks of the exercises of the chapter frameworks (chapters/frameworks.ipynb)."""

import math

import numpy as np

from . import Hint, close, exercise
from ._letters import letter as _letter

_TRUNC_STD = 0.8796256610342398   # std of N(0, 1) cut to [-2, 2]; the chapter derives it

@exercise("predict-fw-conv-fans", shape="the weight's shape, a tuple", fan_in="its fan-in",
          fan_out="its fan-out", std="the standard deviation it draws with, three significant digits")
def _conv_fans(shape, fan_in, fan_out, std):
    try:
        got = tuple(int(s) for s in shape)
    except (TypeError, ValueError):
        raise Hint(f"shape must be a tuple of ints; got {shape!r}") from None
    if got != (64, 3, 7, 7):
        raise Hint("shape: PyTorch stores a convolution's weight as (out_channels, in_channels, "
                   "kernel height, kernel width).")
    if not close(fan_in, 3 * 49, "fan_in", abs=0.5):
        raise Hint("fan_in: a convolution's fan-in counts every input a unit reads: its input "
                   "channels times the kernel's area.")
    if not close(fan_out, 64 * 49, "fan_out", abs=0.5):
        raise Hint("fan_out: the output channels times the kernel's area.")
    if not close(std, math.sqrt(2 / 3136), "std", abs=0.00005):
        raise Hint("std: kaiming_normal_ draws N(0, gain^2 / n), with ReLU's gain^2 = 2 and n the "
                   "fan that mode names. Give three significant digits.")

@exercise("predict-fw-default-vs-glorot",
          ratio="Glorot's weight variance over PyTorch's default one, to two decimals")
def _default_vs_glorot(ratio):
    if not close(ratio, 6 * 784 / 1040, "ratio", abs=0.006):
        raise Hint("PyTorch's default draws U[-1/sqrt(n), 1/sqrt(n)]: what is its variance? "
                   "Glorot's rule counts the fan-out too. Give the ratio to two decimals.")

@exercise("predict-fw-he-normal-max", max_abs="the largest absolute weight it can draw, "
          "three significant digits")
def _he_normal_max(max_abs):
    if not close(max_abs, 2 * math.sqrt(2 / 500) / _TRUNC_STD, "max_abs", abs=0.0005):
        raise Hint("The normal is cut at two of its own standard deviations, and the cut shrinks "
                   "the spread. So the normal before the cut is wider than sqrt(2/500), by the "
                   "factor that undoes the shrinking. Give three significant digits.")

_letter(__name__, "predict-fw-tanh-depth", "b", "abc",
        "Follow a small variance and a large one. For small z, tanh(z) is about z, so "
        "a layer multiplies a small variance by g^2 > 1. A large one tanh squeezes.")

@exercise("implement-fw-call", scale="the scale that Keras and Flax take",
          mode="the mode that Keras and Flax take", w="the weights you drew with winit.variance_scaling")
def _call(scale, mode, w):
    if not close(scale, 25 / 9, "scale", rel=0.005):
        raise Hint("scale: Keras and JAX take the factor of the variance, not PyTorch's gain.")
    if not isinstance(mode, str) or mode.strip().lower() != "fan_avg":
        raise Hint("mode: the variance is a factor over (n + m) / 2. Which mode takes that n?")
    w = np.asarray(w)
    if w.shape not in ((300, 100), (100, 300)):
        raise Hint(f"w must be the layer's weights, shape (300, 100); got {w.shape}")
    if w.dtype.kind != "f" or not np.all(np.isfinite(w)):
        raise Hint("w must be an array of finite floats")
    target = (5 / 3) * math.sqrt(2 / 400)
    if not close(w.std(), target, "the std of w", rel=0.03):
        raise Hint("w: its variance must be (5/3)^2 * 2 / (300 + 100). Check the scale and the "
                   "mode you gave variance_scaling.")
    if np.abs(w).max() < 3 * w.std():
        raise Hint("w: draw an untruncated normal. A truncated normal never goes past 2.3 of "
                   "its standard deviations, and a uniform not past 1.8.")
