"""The findings of the chapter "Xavier", read from the values it glues
(tests/_glue.py says what a findings test checks)."""

import math

import pytest
from _glue import glued


@pytest.fixture(scope="module")
def xavier():
    return glued("xavier.ipynb")


def test_xavier_std_against_theory_and_the_tutorial(xavier):
    assert xavier["x_theory_std"] == pytest.approx(1 / math.sqrt(30), abs=1e-4)
    assert xavier["x_source_std"] == 0.1778  # the tutorial's printed 0.17777128902976705
    assert abs(xavier["x_sample_std"] - xavier["x_theory_std"]) < 2 * xavier["x_spread_1000"]
    # the tutorial's sample is about two spreads off: unusual, not impossible
    assert 1.5 < xavier["x_source_gap"] < 2.5
    assert 0 < xavier["x_as_far"] < 30
    assert xavier["x_bound_n20"] == pytest.approx(1 / math.sqrt(20), abs=1e-3)
    assert xavier["x_bound_n20"] > 2 * 0.1  # more than twice the "near 0.1" of the tutorial
