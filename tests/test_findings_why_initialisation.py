"""The findings of the chapter "Why initialisation matters", read from the values it glues
(tests/_glue.py says what a findings test checks)."""

import math

import numpy as np
import pytest
from _glue import glued


@pytest.fixture(scope="module")
def why():
    return glued("why_initialisation.ipynb")


def test_equal_weights_stay_one_unit_random_ones_learn(why):
    assert why["sym_distinct_equal"] == 1
    assert why["sym_distinct_random"] == 8
    # all-zeros never moves: its loss is the mean square of the target, far above the random start's
    assert why["sym_loss_zero"] > why["sym_loss_equal"] > 10 * why["sym_loss_random"]


def test_fixed_ranges_saturate_more_as_n_grows(why):
    assert why["heur_sat_03_10"] < 1.0 < 50.0 < why["heur_sat_03_1000"]
    assert why["heur_sat_11_100"] > 50.0
    assert why["heur_corr_01"] == pytest.approx(0.75, abs=0.03)  # E[w]^2 / E[w^2] = (1/4) / (1/3)
    # the scatter plots' single pair of units, one sample: near 0.75 for U[0, 1], near 0 for U[-1, 1]
    assert 0.6 < why["heur_pair_corr_01"] < 0.9
    assert abs(why["heur_pair_corr_11"]) < 0.1


def test_a_fixed_range_lets_the_sum_grow_like_sqrt_n(why):
    # std(z) = a sqrt(n / 3) for U[-a, a] and unit-variance inputs: slope 1/2 on log-log axes
    assert why["sum_slope_11"] == pytest.approx(0.5, abs=0.03)
    assert why["sum_std_11_1000"] == pytest.approx(math.sqrt(1000 / 3), rel=0.04)
    assert why["sum_std_01_10"] == pytest.approx(0.1 * math.sqrt(10 / 3), rel=0.06)
    # std(w) = 1/sqrt(n) gives Var(z) = n (1/n) 1 = 1 for every n
    assert 0.9 < why["sum_rule_min"] <= why["sum_rule_max"] < 1.1


def _tanh_layers(s, depth=20):
    """Second moments of the tanh activations of layers 1..depth (Gauss-Hermite, 80 nodes) and the
    pre-activation variances, for unit-variance inputs and weights of variance s^2 / n."""
    nodes, weights = np.polynomial.hermite_e.hermegauss(80)
    weights = weights / weights.sum()                       # E[f(Z)], Z ~ N(0, 1)
    q, second, variances = s ** 2, [], []
    for _ in range(depth):
        variances.append(q)
        second.append(float(weights @ np.tanh(np.sqrt(q) * nodes) ** 2))
        q = s ** 2 * second[-1]
    return np.array(second), np.array(variances)


def test_through_20_tanh_layers_too_small_vanishes_and_too_large_saturates(why):
    small, _ = _tanh_layers(0.5)
    assert small[-1] ** 0.5 / 2 < why["deep_std_small_20"] < 2 * small[-1] ** 0.5
    assert why["deep_std_small_20"] < 1e-5
    right, _ = _tanh_layers(1.0)
    assert why["deep_std_right_1"] == pytest.approx(right[0] ** 0.5, rel=0.05)
    assert why["deep_std_right_20"] == pytest.approx(right[-1] ** 0.5, rel=0.15)
    assert why["deep_std_right_20"] > 0.1
    assert why["deep_std_right_20"] < 0.5 * why["deep_std_right_1"]  # "narrow too, but slowly"
    # too large: the share of |tanh z| > 0.99 at layer 20, z ~ N(0, q)
    _, q = _tanh_layers(4.0)
    share = math.erfc(math.atanh(0.99) / math.sqrt(2 * q[-1])) * 100
    assert why["deep_sat_large_20"] == pytest.approx(share, abs=5)
    assert why["deep_sat_large_20"] > 30


def test_four_starts_only_the_right_one_learns(why):
    """The section "Train one yourself": 4 tanh layers of 32 units on two spirals, 2,000 SGD
    steps, 5 seeds; starts N(0, s^2/n) with s = 0, 0.1, 1, 10."""
    assert why["train_steps"] == 2000 and why["train_seeds"] == 5
    # zeros: a constant guess on a held-out set of 100 points of each class errs on half
    assert why["train_guess_error"] == 50
    # too small: still a guess after 2,000 steps, loss log 2
    assert math.log(2) - 0.002 < why["train_small_loss_min"] <= math.log(2) + 0.002
    # right: learns; too large: at least 10 times the right start's loss, and fails on new points
    assert why["train_right_loss_max"] < 0.05 and why["train_right_error_max"] <= 2
    assert why["train_large_loss_min"] > 10 * why["train_right_loss_max"]
    assert why["train_large_loss_min"] <= why["train_large_loss_max"] < math.log(2)
    assert 5 <= why["train_large_error_min"] <= why["train_large_error_max"] < 50


def test_four_starts_at_initialisation(why):
    # too small: nearly linear tanh layers, each multiplying the spread by s = 0.1: three layers
    # from the first to the fourth
    assert 0.5e-3 <= why["train_small_shrink"] <= 2e-3
    # the gradient reaching the first layer: several layers of 0.1 on its way back
    assert 100 <= why["train_small_grad_floor"] <= 10_000
    # too large: z ~ N(0, q) with q = 100 E[x^2] in layer 1 (each coordinate of the spirals has
    # E[x^2] = 2 E[u] + noise^2 = 2 * 0.51 + 0.01, u ~ U[0.02, 1]) and q = 100 E[tanh^2] after;
    # the share of |tanh z| > 0.99, averaged over the 4 layers
    nodes, weights = np.polynomial.hermite_e.hermegauss(80)
    weights = weights / weights.sum()
    q, shares = 100 * (2 * 0.51 + 0.01), []
    for _ in range(4):
        shares.append(math.erfc(math.atanh(0.99) / math.sqrt(2 * q)))
        q = 100 * float(weights @ np.tanh(np.sqrt(q) * nodes) ** 2)
    assert why["train_large_saturated"] == pytest.approx(100 * np.mean(shares), abs=5)
