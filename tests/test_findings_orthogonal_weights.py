"""The findings of the chapter on orthogonal weights, read from the values it glues.

The chapter stores its outputs (nbval checks that a fresh run reproduces
them); these tests check that what is stored shows what the text claims.
"""

import math

import pytest
from _glue import glued


@pytest.fixture(scope="module")
def ch():
    return glued("orthogonal_weights.ipynb")


def test_every_named_value_is_glued_as_a_python_number(ch):
    for name in ("jac_sv_ratio_gaussian_linear_128", "jac_sv_ratio_orthogonal_linear_128",
                 "saxe_time_ratio_orthogonal", "jac_sv_log10_gaussian_linear_8",
                 "jac_sv_log10_gaussian_linear_128"):
        assert isinstance(ch[name], float)
    # step counts and the Gaussian ratio are shown in whole numbers
    for name in ("saxe_time_ratio_gaussian", "saxe_orth_median_lowest", "saxe_orth_median_highest",
                 "saxe_gauss_median_first", "saxe_gauss_median_last"):
        assert type(ch[name]) is int


def test_deep_orthogonal_linear_network_is_an_exact_isometry(ch):
    assert ch["jac_sv_ratio_orthogonal_linear_128"] == 1.0


def test_gaussian_spread_grows_by_many_orders_of_magnitude(ch):
    assert ch["jac_sv_ratio_gaussian_linear_1"] < ch["jac_sv_ratio_gaussian_linear_8"] \
        < ch["jac_sv_ratio_gaussian_linear_128"]
    assert ch["jac_sv_ratio_gaussian_linear_8"] > 1e6
    assert ch["jac_sv_ratio_gaussian_linear_128"] > 1e50
    # the powers of ten the text gives are those of the ratios
    for depth in (8, 128):
        assert ch[f"jac_sv_log10_gaussian_linear_{depth}"] == pytest.approx(
            math.log10(ch[f"jac_sv_ratio_gaussian_linear_{depth}"]), abs=0.06)


def test_relu_is_not_isometric_even_with_orthogonal_weights(ch):
    # Width 64: "only ... of the 64 singular values are non-zero", "only ... within a factor 2".
    assert 16 < ch["jac_relu_orthogonal_active_1"] < 48
    assert ch["jac_near_one_relu_orthogonal_128"] < 7


def test_tanh_orthogonal_beats_gaussian_at_depth_8_then_shifts_below_one_half(ch):
    assert ch["jac_near_one_tanh_orthogonal_8"] > 2 * ch["jac_near_one_tanh_gaussian_8"]
    assert ch["jac_tanh_orthogonal_largest_128"] < 0.5


def test_orthogonal_learning_time_does_not_grow_with_depth_gaussian_does(ch):
    assert ch["saxe_all_learned"] is True
    assert ch["saxe_time_ratio_orthogonal"] < 2.5
    assert ch["saxe_time_ratio_gaussian"] > 10
    assert ch["saxe_orth_median_highest"] < 2.5 * ch["saxe_orth_median_lowest"]
    assert ch["saxe_gauss_median_last"] > 10 * ch["saxe_gauss_median_first"]
    # Seed by seed: the slowest orthogonal run beats the fastest deepest Gaussian one.
    assert ch["saxe_orth_slowest"] < ch["saxe_gauss_fastest_deepest"]
    assert ch["saxe_depth_min"] < ch["saxe_depth_max"]
