"""Checks of the exercises of the chapter normalized_xavier (chapters/normalized_xavier.ipynb)."""

from . import Hint, close, exercise, number, run  # noqa: F401
