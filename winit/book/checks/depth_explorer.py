"""Checks of the exercises of the chapter depth_explorer (chapters/depth_explorer.ipynb)."""

from . import Hint, close, exercise, number, run  # noqa: F401
