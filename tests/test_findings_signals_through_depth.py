"""The findings of the chapter "Signals through depth", read from the values it glues
(tests/_glue.py says what a findings test checks)."""

import math

import pytest
from _glue import glued


@pytest.fixture(scope="module")
def signals():
    return glued("signals_through_depth.ipynb")


def test_glorot_standard_init_shrinks_activations_and_lower_gradients(signals):
    act = signals["glorot_act_std_standard"]
    grad = signals["glorot_grad_std_standard"]
    assert len(act) == len(grad) == 5
    assert all(b < a for a, b in zip(act, act[1:]))  # activations shrink with depth
    assert all(b > a for a, b in zip(grad, grad[1:]))  # gradients shrink toward the input
    assert act[0] / act[-1] > 4 and grad[-1] / grad[0] > 4


def test_glorot_normalized_init_keeps_both_level(signals):
    act = signals["glorot_act_std_normalized"]
    grad = signals["glorot_grad_std_normalized"]
    assert len(act) == len(grad) == 5
    assert max(act) / min(act) < 1.5 and max(grad) / min(grad) < 1.5


def _rounded(values, digits=3):
    """The glued lists are rounded, so the same on every machine."""
    return all(v == float(f"{v:.{digits}g}") for v in values)


def test_glued_lists_are_rounded(signals):
    for init in ("standard", "normalized"):
        for name in ("act_std", "grad_std", "wgrad_std_1e5"):
            values = signals[f"glorot_{name}_{init}"]
            assert len(values) == 5 and _rounded(values)
            assert all(type(v) is float and v > 0 for v in values)
            assert "e" not in repr(values)  # shown in the text's table: no e-notation


def test_weight_gradients_are_level_while_back_propagated_gradients_shrink(signals):
    """Figure 8: the lower layers do not get smaller weight updates at initialisation."""
    for init in ("standard", "normalized"):
        wgrad = signals[f"glorot_wgrad_std_1e5_{init}"]
        assert max(wgrad) / min(wgrad) < 1.2
        assert signals[f"glorot_wgrad_spread_{init}"] < 1.2
    grad = signals["glorot_grad_std_standard"]
    assert grad[-1] / grad[0] > 4  # dL/dz changes a lot in the same pass
    assert signals["glorot_grad_ratio_standard"] > 4
    assert signals["glorot_grad_ratio_normalized"] < 1.5
    # the normalized init scales every layer's weight gradients alike: same balance, larger size
    ratio = [n / s for n, s in zip(signals["glorot_wgrad_std_1e5_normalized"],
                                   signals["glorot_wgrad_std_1e5_standard"])]
    assert min(ratio) > 5 and max(ratio) / min(ratio) < 1.3


def test_tanh_gain_one_is_critical_and_five_thirds_chaotic(signals):
    assert abs(signals["tanh_chi1_gain_1"] - 1) < 1e-9
    assert signals["tanh_chi1_gain_5_3"] > 1
    assert 1.1 < signals["tanh_qstar_gain_5_3"] < 1.3  # q* of gain 5/3, against 25/9 at layer 1
    assert abs(signals["tanh_qstar_step"] - signals["tanh_qstar_gain_5_3"] / (25 / 9)) < 0.01


def test_tanh_gain_five_thirds_grows_the_gradients_and_gain_one_shrinks_them(signals):
    assert signals["tanh_grad_ratio_gain_5_3"] > 10
    assert signals["tanh_grad_ratio_gain_5_3_min"] > 10
    assert signals["tanh_grad_ratio_gain_5_3"] % 10 == 0  # glued coarsely, as the text says "about"
    assert signals["tanh_grad_ratio_gain_1"] < 1


def test_the_five_thirds_hold_is_the_step_to_the_fixed_point(signals):
    # layer 10 / layer 1 of E[z^2] at gain 5/3 is q*/(25/9), not 1
    assert abs(signals["gain_tanh_with"] - signals["tanh_qstar_step"]) < 0.05
    assert signals["gain_tanh_with"] < 0.6


def test_relu_numbers_are_rounded(signals):
    assert signals["relu_five_layer_loss"] > 10 and type(signals["relu_five_layer_loss"]) is int
    assert 0.45 < signals["relu_ratio_xavier"] < 0.55 and 0.9 < signals["relu_ratio_he"] < 1.1


def test_the_seeds_range_brackets_the_median(signals):
    lo, hi = signals["tanh_grad_ratio_gain_5_3_min"], signals["tanh_grad_ratio_gain_5_3_max"]
    assert type(lo) is int and type(hi) is int and 10 < lo <= hi
    # the median is glued to the nearest ten ("about"), so it lies within 5 of the range
    assert lo - 5 <= signals["tanh_grad_ratio_gain_5_3"] <= hi + 5


def test_he_rule_holds_the_signal_on_average_not_in_every_network(signals):
    """Ch. 6: "stays put on average", "one network drifts by tens of percent"."""
    assert signals["sig_he_drift_seeds"] >= 3
    assert 0.8 < signals["sig_he_drift_median"] < 1.25
    lo, hi = signals["sig_he_drift_min"], signals["sig_he_drift_max"]
    assert lo <= signals["sig_he_drift_seed0"] <= hi and lo <= signals["sig_he_drift_median"] <= hi
    assert lo < 0.9 and hi > 1.1  # a drift of tens of percent, in both directions
    assert abs(signals["sig_he_drift_seed0"] - 1) > 0.1


def _tanh_gain_costs(gain, depth):
    """Mean-field forward and backward costs of the first `depth` tanh layers (no bias, unit
    inputs), by adaptive quadrature (tests/_quad.py), independent of winit.meanfield. Both are
    ratios of standard deviations: sqrt(E[z^2]) forwards, the std of dL/dz backwards."""
    from _quad import gauss

    sw2 = gain * gain
    q, log_bwd = sw2, 0.0
    q1 = q
    for _ in range(depth - 1):
        log_bwd += 0.5 * math.log(sw2 * gauss(lambda u: (1 - math.tanh(u) ** 2) ** 2, q))
        q = sw2 * gauss(lambda u: math.tanh(u) ** 2, q)
    return math.sqrt(q1 / q), math.exp(abs(log_bwd))


def test_each_gain_trades_one_pass_for_the_other_only_beyond_a_depth(signals):
    """Issue 18 item 9: gain 5/3 is ahead on both passes in shallow networks; the trade (gain 1
    ahead backwards, 5/3 forwards) holds only from some depth on, for every seed."""
    depths = signals["trade_depths"]
    assert depths == [5, 10, 20, 30, 50]
    ahead, trade = signals["trade_ahead_depths"], signals["trade_holds_depths"]
    assert ahead + trade == depths and max(ahead) < min(trade)
    assert signals["trade_last_ahead"] == max(ahead) == 20
    assert signals["trade_first_holds"] == min(trade) == 30
    fwd1, fwd53 = signals["trade_fwd_gain1"], signals["trade_fwd_gain53"]
    bwd1, bwd53 = signals["trade_bwd_gain1"], signals["trade_bwd_gain53"]
    assert all(b < a for a, b in zip(fwd1, fwd53))  # forwards 5/3 always costs less
    for d, b1, b53 in zip(depths, bwd1, bwd53):
        assert (b53 < b1) if d in ahead else (b1 < b53)
    # the medians follow the mean field, computed here by quadrature, within 30%
    for d, f1, f53, b1, b53 in zip(depths, fwd1, fwd53, bwd1, bwd53):
        for measured, gain, k in ((f1, 1.0, 0), (f53, 5 / 3, 0), (b1, 1.0, 1), (b53, 5 / 3, 1)):
            assert measured == pytest.approx(_tanh_gain_costs(gain, d)[k], rel=0.3)
    assert signals["trade_bwd_gain53_10"] < signals["trade_bwd_gain1_10"]
    # gain 5/3's forward cost is its step from 25/9 at layer 1 down to its steady size 1.18
    assert signals["trade_fwd_gain53_50"] == pytest.approx(math.sqrt(25 / 9 / 1.1779), rel=0.05)
    assert signals["trade_fwd_gain1_50"] > math.sqrt(50)


def test_the_mean_field_trade_sets_in_between_the_measured_depths(signals):
    crossover = signals["trade_mf_crossover"]
    assert signals["trade_last_ahead"] < crossover < signals["trade_first_holds"]
    b1, b53 = _tanh_gain_costs(1.0, crossover), _tanh_gain_costs(5 / 3, crossover)
    assert b53[1] > b1[1]
    b1, b53 = _tanh_gain_costs(1.0, crossover - 1), _tanh_gain_costs(5 / 3, crossover - 1)
    assert b53[1] < b1[1]
    f1, b1 = _tanh_gain_costs(1.0, 100)
    f53, b53 = _tanh_gain_costs(5 / 3, 100)
    assert signals["trade_mf_bwd_gain53_100"] == pytest.approx(b53, rel=0.05)
    assert signals["trade_mf_bwd_gain1_100"] == pytest.approx(b1, rel=0.05)
    assert signals["trade_mf_fwd_gain53_100"] == pytest.approx(f53, rel=0.05)
    assert signals["trade_mf_fwd_gain1_100"] == pytest.approx(f1, rel=0.05)


def test_standard_init_changes_the_spread_by_sqrt_three_per_layer(signals):
    """Fig. of the standard deviations: n Var[w] = 1/3 divides the variance by 3 per layer, so the
    standard deviation of h (going up) and of dL/dz (going down) by sqrt(3), not by 3."""
    for name in ("glorot_act_step_standard", "glorot_grad_step_standard"):
        assert signals[name] == pytest.approx(math.sqrt(3), abs=0.1)
        assert abs(signals[name] - 3) > 1
    act, grad = signals["glorot_act_std_standard"], signals["glorot_grad_std_standard"]
    # the glued per-layer factors are the four-step ratios' fourth roots (lists rounded to 3 digits)
    assert signals["glorot_act_step_standard"] == pytest.approx((act[0] / act[-1]) ** 0.25, abs=0.01)
    assert signals["glorot_grad_step_standard"] == pytest.approx((grad[-1] / grad[0]) ** 0.25,
                                                                  abs=0.01)


def test_relu_at_gain_one_falls_by_two_to_the_nine(signals):
    """Ten ReLU layers at Var[w] = 1/n: nine halvings, 2^-9 = 0.002, times the drift the network
    at gain sqrt(2) shows (the same weights, scaled: relu(a z) = a relu(z))."""
    assert signals["gain_relu_steps"] == 9
    assert signals["gain_relu_halving"] == round(2.0 ** -9, 3) == 0.002
    assert signals["gain_relu_without"] == pytest.approx(2.0 ** -9 * signals["gain_relu_with"],
                                                         rel=0.05)
    assert signals["gain_relu_drift"] == pytest.approx(signals["gain_relu_with"], abs=0.01)
    assert signals["gain_relu_without"] < 2.0 ** -9  # "falls by about 2^9", and a bit more


def _tanh_pair_correlation(gain, depth, c0=0.995, nodes=120):
    """Mean-field correlation of two tanh inputs after `depth - 1` layers (no bias, layer 1 at
    q = gain^2), by a Gauss-Hermite product rule in plain numpy, independent of winit.meanfield."""
    import numpy as np

    z, w = np.polynomial.hermite_e.hermegauss(nodes)
    w = w / w.sum()
    z1, z2 = np.meshgrid(z, z, indexing="ij")
    w2 = np.outer(w, w)
    sw2, q, c = gain * gain, gain * gain, c0
    for _ in range(depth - 1):
        u1 = math.sqrt(q) * z1
        u2 = math.sqrt(q) * (c * z1 + math.sqrt(1 - c * c) * z2)
        q_next = sw2 * float(np.sum(w * np.tanh(math.sqrt(q) * z) ** 2))
        c = sw2 * float(np.sum(w2 * np.tanh(u1) * np.tanh(u2))) / q_next
        q = q_next
    return c


def test_gain_five_thirds_pushes_nearby_inputs_apart_and_gain_one_does_not(signals):
    """Two inputs at correlation 0.995 through the 50-layer tanh networks: at gain 5/3
    (chi_1 > 1) their correlation falls with depth, on the mean-field line; at gain 1 it stays.
    The reviewer's independent runs (width 500, 3 seeds): 0.97 at 10 layers, 0.87-0.89 at 20,
    0.59-0.65 at 30, -0.11 to 0.13 at 50 for gain 5/3; 0.99 or more for gain 1."""
    assert signals["corr_start"] == 0.995
    assert signals["corr_gain1_min"] >= 0.98
    med = [signals[f"corr_gain53_med_{d}"] for d in (10, 20, 30, 50)]
    assert all(b < a for a, b in zip(med, med[1:]))
    assert med[0] > 0.93 and 0.7 < med[1] < 0.92 and med[2] < 0.7 and abs(med[3]) < 0.35
    for d in (10, 20, 30, 50):
        lo, hi = signals[f"corr_gain53_min_{d}"], signals[f"corr_gain53_max_{d}"]
        assert lo <= signals[f"corr_gain53_med_{d}"] <= hi
        if d >= 20:
            assert hi < signals["corr_gain1_min"]   # every seed behind gain 1 from 20 layers on
        assert signals[f"corr_gain53_med_{d}"] == pytest.approx(
            _tanh_pair_correlation(5 / 3, d), abs=0.15)
    assert signals["corr_gain53_min_50"] < 0.3 and signals["corr_gain53_max_30"] < 0.75
    assert 12 <= signals["corr_gain53_below_09"] <= 22      # "beyond about 20 layers"
    assert signals["corr_gain53_below_09"] <= signals["trade_first_holds"]
    # the mean-field values the text quotes
    assert signals["corr_mf_gain53_20"] == pytest.approx(_tanh_pair_correlation(5 / 3, 20), abs=0.01)
    assert signals["corr_mf_gain53_50"] == pytest.approx(_tanh_pair_correlation(5 / 3, 50), abs=0.01)
    assert _tanh_pair_correlation(1.0, 50) > 0.99          # the theory keeps gain 1's pair together


def test_tanh_and_sigmoid_at_zero(signals):
    """The figure of the two curves and their tangent lines: tanh(0) = 0 with slope 1, the
    sigmoid 1/2 with slope 1/4 (sigma' = sigma (1 - sigma))."""
    assert signals["sig_tanh_at0"] == 0.0 and signals["sig_tanh_slope0"] == 1.0
    assert signals["sig_sigmoid_at0"] == 0.5
    assert signals["sig_sigmoid_slope0"] == 0.5 * (1 - 0.5) == 0.25


def test_sigmoid_signal_shrinks_by_sqrt48_per_layer(signals):
    """Why not sigmoid (moved here from the errata chapter): slope 1/4 and n Var[w] = 1/3 make
    the input-dependent std fall by 1/sqrt(48) per layer; every layer starts at a mean of 1/2."""
    theory = 1 / math.sqrt(48)
    assert signals["err_sig_theory_ratio"] == pytest.approx(theory, abs=1e-3)
    assert (theory - 0.02 < signals["err_sig_ratio_min"] <= signals["err_sig_ratio_max"]
            < theory + 0.02)
    assert signals["err_sig_mean_max_dev"] <= 0.02
    assert signals["err_sig_top_spread"] < signals["err_tanh_top_spread"] / 100


def test_sigmoid_top_layer_drifts_to_zero_in_every_seed(signals):
    # the top hidden layer's mean falls well below 1/2 in every seed; the first stays near 1/2
    assert signals["err_sig_top_end_max"] < 0.4
    assert signals["err_sig_top_end_min"] <= signals["err_sig_top_end_max"]
    assert signals["err_sig_first_end_min"] > 0.45
    assert signals["err_sig_steps"] == 600


def test_equal_starting_weights_stay_equal(signals):
    """Why not all zeros: from all 0 nothing moves; from all 0.05 the weights move but every
    hidden layer keeps one distinct unit; from random weights all units differ."""
    width = signals["zero_width"]
    assert width == 32 and signals["zero_steps"] == 300
    assert signals["zero_moved_zero"] == 0.0
    assert signals["zero_moved_equal"] > 0
    assert signals["zero_distinct_zero"] == [1, 1]
    assert signals["zero_distinct_equal"] == [1, 1]
    assert signals["zero_distinct_random"] == [width, width]


def _tanh_sizes(gain, depth):
    """E[z^2] of layers 1..depth of a wide tanh network (no bias, unit inputs), by quadrature."""
    from _quad import gauss

    q = [gain * gain]
    for _ in range(depth - 1):
        q.append(gain * gain * gauss(lambda u: math.tanh(u) ** 2, q[-1]))
    return q


def test_gain_five_thirds_settles_and_gain_one_fades(signals):
    """The size panel: gain 5/3 starts at 25/9 and settles near 1.18; gain 1 fades towards 0."""
    q53, q1 = _tanh_sizes(5 / 3, 50), _tanh_sizes(1.0, 50)
    assert signals["tanh_size_gain_5_3_l1"] == pytest.approx(25 / 9, rel=0.05)
    assert signals["tanh_size_gain_5_3_l50"] == pytest.approx(q53[-1], rel=0.05)
    assert 1.1 < signals["tanh_size_gain_5_3_l50"] < 1.3
    assert signals["tanh_size_gain_1_l1"] == pytest.approx(1.0, rel=0.05)
    assert signals["tanh_size_gain_1_l50"] == pytest.approx(q1[-1], rel=0.2)
    assert signals["tanh_size_gain_1_l50"] < 0.02


def test_gain_one_fades_fast_then_slowly(signals):
    """Gain 1: E[z^2] falls from 1 to about 0.06 in ten layers, then only to about 0.01 by 50."""
    q1 = _tanh_sizes(1.0, 50)
    assert signals["tanh_size_gain_1_l10"] == pytest.approx(q1[9], rel=0.2)
    assert signals["tanh_size_gain_1_l10"] < 0.1
    first = signals["tanh_size_gain_1_l1"] / signals["tanh_size_gain_1_l10"]
    rest = signals["tanh_size_gain_1_l10"] / signals["tanh_size_gain_1_l50"]
    assert first > 10 and rest < first  # a factor over 10 in the first ten layers, less in forty


def test_figure_seven_cut_is_the_top_tenth_of_a_percent(signals):
    """The normalized panel of Figure 7 is cut at the 99.9% quantile of |dL/dz| of its widest
    layer: about 3.29 standard deviations of a normal, 2 * Phi(3.29) - 1 = 0.999."""
    widest = max(signals["glorot_grad_std_normalized"])
    assert math.erf(3.29 / math.sqrt(2)) == pytest.approx(0.999, abs=1e-4)
    assert signals["glorot_fig7_clip_normalized"] == pytest.approx(3.29 * widest, rel=0.15)
