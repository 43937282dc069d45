"""The findings of the chapter "He", read from the values it glues
(tests/_glue.py says what a findings test checks)."""

import pytest
from _glue import glued


@pytest.fixture(scope="module")
def he():
    return glued("he.ipynb")


def test_he_relu_halves_the_second_moment(he):
    assert he["he_relu_half"] == pytest.approx(0.5, abs=0.005)
    assert he["he_cov3"] == pytest.approx(99.73, abs=0.01)
    assert he["he_cov4"] == pytest.approx(99.9937, abs=1e-4)
    assert 3.0 < he["he_median_extreme"] < 3.6
