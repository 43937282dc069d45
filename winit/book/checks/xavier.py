"""Checks of the exercises of the chapter xavier (chapters/xavier.ipynb)."""

from . import Hint, close, exercise, number, run  # noqa: F401
