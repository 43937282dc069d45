"""Checks of the exercises of the chapter order_and_chaos (chapters/order_and_chaos.ipynb)."""

from . import Hint, close, exercise, number, run  # noqa: F401
