"""Checks of the exercises of the chapter initialisation_in_practice (chapters/initialisation_in_practice.ipynb)."""

from . import Hint, close, exercise, number, run  # noqa: F401
