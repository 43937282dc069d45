"""The findings of the chapter "Xavier", read from the values it glues
(tests/_glue.py says what a findings test checks)."""

import math

import pytest
from _glue import glued
from _quad import gauss


@pytest.fixture(scope="module")
def xavier():
    return glued("xavier.ipynb")


def test_a_node_sum_has_variance_one_third_whatever_the_fan_in(xavier):
    # Var[z] = n * 1/(3n) * 1 = 1/3 for unit inputs
    assert xavier["x_z_var"] == pytest.approx(1 / 3, abs=0.02)
    low, high = xavier["x_z_std_min"], xavier["x_z_std_max"]
    assert 1 / math.sqrt(3) - 0.05 < low <= high < 1 / math.sqrt(3) + 0.05
    assert high < 0.7  # well below the inputs' standard deviation of 1


def test_the_signal_shrinks_by_sqrt3_per_layer(xavier):
    depth = xavier["x_depth"]
    assert depth == 10
    theory = 3.0 ** (-depth / 2)
    assert xavier["x_theory_last"] == pytest.approx(theory, rel=0.02)
    assert theory / 1.3 < xavier["x_std_linear_last"] < theory * 1.3
    # tanh shrinks a little faster than linear, but not to nothing
    assert theory / 3 < xavier["x_std_tanh_last"] <= xavier["x_std_linear_last"]


def test_tanh_activations_crowd_towards_zero(xavier):
    # layer 1: tanh of z ~ N(0, 1/3), by quadrature
    first = math.sqrt(gauss(lambda u: math.tanh(u) ** 2, 1 / 3))
    assert xavier["x_std_tanh_1"] == pytest.approx(first, abs=0.02)
    # three more layers, each dividing the spread by sqrt(3) or a little more
    assert xavier["x_std_tanh_1"] / 8 < xavier["x_std_tanh_4"] < xavier["x_std_tanh_1"] / 4


def test_the_tutorial_listing_against_theory(xavier):
    assert xavier["x_theory_std"] == pytest.approx(1 / math.sqrt(30), abs=1e-4)
    assert xavier["x_source_std"] == 0.1778  # the tutorial's printed 0.17777128902976705
    bound = 1 / math.sqrt(10)
    # every weight inside the bounds, and 1,000 draws come close to both ends
    assert -bound - 1e-4 <= xavier["x_sample_min"] < -0.3
    assert 0.3 < xavier["x_sample_max"] <= bound + 1e-4


def test_how_far_the_tutorials_sample_lies(xavier):
    assert abs(xavier["x_sample_std"] - xavier["x_theory_std"]) < 2 * xavier["x_spread_1000"]
    assert xavier["x_our_gap"] < 2
    # the spread of the std of 1,000 uniform draws: sigma * sqrt((kurtosis - 1) / (4 * 1000))
    # with kurtosis 9/5 for a uniform distribution
    assert xavier["x_spread_1000"] == pytest.approx(
        1 / math.sqrt(30) * math.sqrt(0.8 / 4000), rel=0.2)
    # the tutorial's sample is about two spreads off: unusual, not impossible
    assert 1.5 < xavier["x_source_gap"] < 2.5
    assert 0 < xavier["x_as_far"] < 30


def test_the_tutorials_slips_in_numbers(xavier):
    assert xavier["x_bound_n2"] == pytest.approx(1 / math.sqrt(2), abs=1e-3)  # not "-7"
    assert xavier["x_bound_n20"] == pytest.approx(1 / math.sqrt(20), abs=1e-3)
    assert xavier["x_bound_n20"] > 2 * 0.1  # more than twice the "near 0.1" of the tutorial
