"""Checks of the exercises of the chapter signals_through_depth (chapters/signals_through_depth.ipynb)."""

from . import Hint, close, exercise, number, run  # noqa: F401
