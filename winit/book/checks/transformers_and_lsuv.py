"""Checks of the exercises of the chapter transformers_and_lsuv (chapters/transformers_and_lsuv.ipynb)."""

from . import Hint, close, exercise, number, run  # noqa: F401
