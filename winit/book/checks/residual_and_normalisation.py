"""Checks of the exercises of the chapter residual_and_normalisation (chapters/residual_and_normalisation.ipynb)."""

from . import Hint, close, exercise, number, run  # noqa: F401
