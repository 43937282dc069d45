"""Checks of the exercises of the chapter orthogonal_weights (chapters/orthogonal_weights.ipynb)."""

from . import Hint, close, exercise, number, run  # noqa: F401
