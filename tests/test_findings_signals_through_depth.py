"""The findings of the chapter "Signals through depth", read from the values it glues
(tests/_glue.py says what a findings test checks)."""

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
