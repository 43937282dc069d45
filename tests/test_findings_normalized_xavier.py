"""The findings of the chapter "Normalized Xavier", read from the values it glues.

The chapter stores its outputs (nbval checks that a fresh run reproduces
them); these tests check that what is stored shows what the text claims, so
that a change which kept the notebook consistent but lost a finding fails.
Expected values are written out here (closed forms, the tutorial's printed
numbers), never taken from the code under test.
"""

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
