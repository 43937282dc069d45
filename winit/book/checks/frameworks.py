"""Checks of the exercises of the chapter frameworks (chapters/frameworks.ipynb)."""

from . import Hint, close, exercise, number, run  # noqa: F401
