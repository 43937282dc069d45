"""The findings of the chapter "Normalized Xavier", read from the values it glues
(tests/_glue.py says what a findings test checks)."""

import math

import pytest
from _glue import glued


@pytest.fixture(scope="module")
def normalized():
    return glued("normalized_xavier.ipynb")


def test_normalized_xavier_plot_is_sqrt6_too_narrow(normalized):
    assert normalized["nx_sqrt6"] == pytest.approx(math.sqrt(6), abs=1e-3)
    assert normalized["nx_stated_n1"] == pytest.approx(math.sqrt(6 / 11), abs=1e-3)
    assert normalized["nx_coded_n1"] == pytest.approx(1 / math.sqrt(11), abs=1e-3)
    assert normalized["nx_theory_std"] == pytest.approx(math.sqrt(2 / 30), abs=1e-4)
