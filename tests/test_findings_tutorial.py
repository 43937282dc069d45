"""The findings of chapters 1-5 and 9 (the tutorial and the frameworks), read from what they glue.

The chapters store their outputs (nbval checks that a fresh run reproduces
them); these tests check that what is stored shows what the text claims, so
that a change which kept a notebook consistent but lost a finding fails.
Expected values are written out here (closed forms, the tutorial's printed
numbers), never taken from the code under test.
"""

import math

import pytest
from _glue import glued


@pytest.fixture(scope="module")
def why():
    return glued("why_initialisation.ipynb")


@pytest.fixture(scope="module")
def xavier():
    return glued("xavier.ipynb")


@pytest.fixture(scope="module")
def normalized():
    return glued("normalized_xavier.ipynb")


@pytest.fixture(scope="module")
def he():
    return glued("he.ipynb")


@pytest.fixture(scope="module")
def errata():
    return glued("errata.ipynb")


@pytest.fixture(scope="module")
def frameworks():
    return glued("frameworks.ipynb")


def test_equal_weights_stay_one_unit_random_ones_learn(why):
    assert why["sym_distinct_equal"] == 1
    assert why["sym_distinct_random"] == 8
    # all-zeros never moves: its loss is the mean square of the target, far above the random start's
    assert why["sym_loss_zero"] > why["sym_loss_equal"] > 10 * why["sym_loss_random"]


def test_fixed_ranges_saturate_more_as_n_grows(why):
    assert why["heur_sat_03_10"] < 1.0 < 50.0 < why["heur_sat_03_1000"]
    assert why["heur_sat_11_100"] > 50.0
    assert why["heur_corr_01"] == pytest.approx(0.75, abs=0.03)  # E[w]^2 / E[w^2] = (1/4) / (1/3)


def test_xavier_std_against_theory_and_the_tutorial(xavier):
    assert xavier["x_theory_std"] == pytest.approx(1 / math.sqrt(30), abs=1e-4)
    assert xavier["x_source_std"] == 0.1778  # the tutorial's printed 0.17777128902976705
    assert abs(xavier["x_sample_std"] - xavier["x_theory_std"]) < 2 * xavier["x_spread_1000"]
    # the tutorial's sample is about two spreads off: unusual, not impossible
    assert 1.5 < xavier["x_source_gap"] < 2.5
    assert 0 < xavier["x_as_far"] < 30
    assert xavier["x_bound_n20"] == pytest.approx(1 / math.sqrt(20), abs=1e-3)
    assert xavier["x_bound_n20"] > 2 * 0.1  # more than twice the "near 0.1" of the tutorial


def test_normalized_xavier_plot_is_sqrt6_too_narrow(normalized):
    assert normalized["nx_sqrt6"] == pytest.approx(math.sqrt(6), abs=1e-3)
    assert normalized["nx_stated_n1"] == pytest.approx(math.sqrt(6 / 11), abs=1e-3)
    assert normalized["nx_coded_n1"] == pytest.approx(1 / math.sqrt(11), abs=1e-3)
    assert normalized["nx_theory_std"] == pytest.approx(math.sqrt(2 / 30), abs=1e-4)


def test_he_relu_halves_the_second_moment(he):
    assert he["he_relu_half"] == pytest.approx(0.5, abs=0.005)
    assert he["he_cov3"] == pytest.approx(99.73, abs=0.01)
    assert he["he_cov4"] == pytest.approx(99.9937, abs=1e-4)
    assert 3.0 < he["he_median_extreme"] < 3.6


def test_errata_sigmoid_signal_shrinks_by_sqrt48_per_layer(errata):
    theory = 1 / math.sqrt(48)
    assert errata["err_sig_theory_ratio"] == pytest.approx(theory, abs=1e-3)
    assert theory - 0.02 < errata["err_sig_ratio_min"] <= errata["err_sig_ratio_max"] < theory + 0.02
    assert errata["err_sig_mean_max_dev"] <= 0.02  # every sigmoid layer starts at a mean of 1/2
    assert errata["err_sig_top_spread"] < errata["err_tanh_top_spread"] / 100


def test_errata_sigmoid_top_layer_drifts_to_zero_in_every_seed(errata):
    # the top hidden layer's mean falls well below 1/2 in every seed; the first stays near 1/2
    assert errata["err_sig_top_end_max"] < 0.4
    assert errata["err_sig_first_end_min"] > 0.45
    assert errata["err_sig_steps"] == 600


def test_errata_numbers(errata):
    assert errata["err_with_n"] == pytest.approx(math.sqrt(6 / 20), abs=1e-4)
    assert errata["err_cov3"] == 99.7 and errata["err_cov4"] == pytest.approx(99.994, abs=1e-3)
    assert errata["err_misread"] == pytest.approx((2 / 100) ** 0.25, abs=1e-3)


def test_frameworks_tanh_gain_is_chaotic(frameworks):
    assert frameworks["fw_chi1_tanh53"] == pytest.approx(1.21, abs=0.01) and frameworks["fw_chi1_tanh53"] > 1
    assert frameworks["fw_q_tanh53"] > 1.0  # the forward signal holds at gain 5/3
    assert frameworks["fw_q50_gain1"] < 0.02  # and fades at gain 1


def test_frameworks_gradients_grow_at_five_thirds_and_shrink_at_one(frameworks):
    # the text writes chi_1(q*)^49 as m x 10^4 and the gradient's layer-1/layer-50 mean square
    # at gain 5/3 as m x 10^3: the powers must be those of the glued values
    rate, ms = frameworks["fw_rate_tanh53"], frameworks["fw_grad_ms_tanh53"]
    assert 1e4 <= rate < 1e5 and frameworks["fw_rate_tanh53_e4"] == pytest.approx(rate / 1e4, abs=0.05)
    assert 1e3 <= ms < 1e4 and frameworks["fw_grad_ms_tanh53_e3"] == pytest.approx(ms / 1e3, abs=0.05)
    assert ms < rate  # the first layers, above q*, have a smaller chi_1
    assert frameworks["fw_grad_std_tanh53"] == 80  # "about 80", as chapter 6 measures
    assert abs(frameworks["fw_grad_std_tanh53"] ** 2 - ms) < 0.1 * ms
    # gain 1: chi_1 < 1 at every q > 0, so the gradients shrink, slowly
    assert frameworks["fw_grad_ms_gain1"] < 0.05 and frameworks["fw_grad_std_gain1"] < 0.2
    assert frameworks["fw_grad_std_gain1"] ** 2 == pytest.approx(frameworks["fw_grad_ms_gain1"], rel=0.1)


def test_frameworks_truncation_constant(frameworks):
    assert frameworks["fw_trunc_std"] == 0.8796
    assert frameworks["fw_gain_sqrt5"] == pytest.approx(1 / math.sqrt(3), abs=1e-5)
