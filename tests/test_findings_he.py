"""The findings of the chapter "He", read from the values it glues
(tests/_glue.py says what a findings test checks)."""

import math

import pytest
from _glue import glued
from scipy import stats


@pytest.fixture(scope="module")
def he():
    return glued("he.ipynb")


def test_he_relu_halves_the_second_moment(he):
    assert he["he_relu_half"] == pytest.approx(0.5, abs=0.005)
    assert he["he_half30"] == pytest.approx(2.0 ** -30, rel=0.01)


def test_a_deep_relu_network_halves_per_layer_with_one_over_n_and_keeps_with_he(he):
    assert he["he_net_depth"] == 30
    assert he["he_net_width"] == 256
    assert he["he_net_ratio_fanin"] == pytest.approx(0.5, abs=0.03)
    assert 0.25 * 2.0 ** -30 < he["he_net_last_fanin"] < 4 * 2.0 ** -30
    for name in ("he_net_last_he", "he_net_min_he", "he_net_max_he"):
        # a random drift of a few tens of per cent at width 256, no trend
        assert 0.4 < he[name] < 2.5, name
    assert he["he_net_min_he"] <= he["he_net_last_he"] <= he["he_net_max_he"]


def test_the_truncated_he_normal_keeps_the_variance_and_stops_at_two_underlying_sigmas(he):
    assert he["he_trunc_var_ratio"] == pytest.approx(1.0, abs=0.03)
    cut = 2 / stats.truncnorm(-2, 2).std()  # 2 underlying sigmas in units of the final sigma
    assert cut - 0.1 <= he["he_trunc_max_sigmas"] <= round(cut, 1)
    # the cut in the result's standard deviations: 2 / (std of N(0, 1) cut to [-2, 2])
    trunc_std = stats.truncnorm(-2, 2).std()
    assert he["he_trunc_std"] == pytest.approx(0.8796, abs=1e-4) == round(trunc_std, 4)
    assert he["he_trunc_cut"] == pytest.approx(2 / trunc_std, abs=0.005)


def test_he_gradients_halve_too_and_a_mixed_network_varies_around_three_quarters_to_the_sixth(he):
    assert 0.1 * 2.0 ** -30 < he["he_grad_ratio_fanin"] < 10 * 2.0 ** -30
    # 20 seeds of a 12-layer ReLU net, 6 layers at Var[w] = 1/n then 6 at 3/n:
    # a spread around (1/2 * 3/2)^6 = (3/4)^6 containing 1
    assert 0.25 < he["he_mixed_ratio_min"] < 1 < he["he_mixed_ratio_max"] < 4
    assert he["he_mixed_ratio_min"] <= he["he_mixed_ratio_seed1"] <= he["he_mixed_ratio_max"]


def test_the_tutorials_numbers(he):
    assert he["he_cov3"] == pytest.approx(99.73, abs=0.01)
    assert he["he_cov4"] == pytest.approx(99.9937, abs=1e-4)
    assert he["he_out1"] == pytest.approx(100 * 2 * stats.norm.sf(1), abs=0.05)
    assert 3.0 < he["he_median_extreme"] < 3.6
    std = math.sqrt(2 / 10)
    assert he["he_source_min_sigmas"] == pytest.approx(-1.5736761136523203 / std, abs=0.005)
    assert he["he_source_max_sigmas"] == pytest.approx(1.433348584081719 / std, abs=0.005)
    assert he["he_std_n20"] == pytest.approx(math.sqrt(2 / 20), abs=5e-4)
    assert he["he_std_n100"] == pytest.approx(math.sqrt(2 / 100), abs=5e-4)


def test_the_tutorials_notation_misread_as_a_variance(he):
    """"G(0.0, sqrt(2/n))" read as N(mean, variance) gives the std (2/n)^(1/4), not sqrt(2/n):
    for n = 100, 0.376 against 0.141, more than twice too wide."""
    assert he["he_misread_n100"] == round((2 / 100) ** 0.25, 3) == 0.376
    assert he["he_std_n100"] == round(math.sqrt(2 / 100), 3) == 0.141
    assert he["he_misread_n100"] > 2 * he["he_std_n100"]
