"""Checks of the exercises of the chapter width_and_learning_rate (chapters/width_and_learning_rate.ipynb)."""

from . import Hint, close, exercise, number, run  # noqa: F401
