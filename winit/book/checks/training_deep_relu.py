"""Checks of the exercises of the chapter training_deep_relu (chapters/training_deep_relu.ipynb)."""

from . import Hint, close, exercise, number, run  # noqa: F401
