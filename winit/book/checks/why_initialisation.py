"""Checks of the exercises of the chapter why_initialisation (chapters/why_initialisation.ipynb)."""

from . import Hint, close, exercise, number, run  # noqa: F401
