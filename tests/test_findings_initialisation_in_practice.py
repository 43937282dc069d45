"""The findings of the initialisation-in-practice chapter, read from the values it glues."""

import math

import pytest
from _glue import glued

CHAPTER = "initialisation_in_practice.ipynb"


@pytest.fixture(scope="module")
def ch():
    return glued(CHAPTER)


def test_the_chapter_glues_the_named_figures_as_numbers(ch):
    for name in ("practice_initial_loss_bad", "practice_initial_loss_fixed", "practice_log_k",
                 "practice_initial_loss_rescaled", "practice_chi1", "practice_ratio_bad_first"):
        assert isinstance(ch[name], float) and math.isfinite(ch[name]), name
    for name in ("practice_train_seeds", "practice_train_steps", "practice_fixed_below_half"):
        assert isinstance(ch[name], int), name


def test_initial_loss_far_above_log_k_until_fixed(ch):
    assert ch["practice_log_k"] == pytest.approx(math.log(10), abs=1e-3)
    # the U[-1, 1] network starts confidently wrong: "more than three times log 10"
    assert ch["practice_initial_loss_bad"] > 3 * ch["practice_log_k"]
    assert ch["practice_logit_std_bad"] > 1
    # the N(0, 1/n) network and the rescaled output layer start near a uniform guess
    assert abs(ch["practice_initial_loss_fixed"] - ch["practice_log_k"]) < 0.1
    assert abs(ch["practice_initial_loss_rescaled"] - ch["practice_log_k"]) < 0.05
    assert ch["practice_logit_std_fixed"] < 0.5
    assert 0 < ch["practice_output_factor"] < 0.1


def test_saturation_and_gradient_growth_follow_mean_field(ch):
    assert ch["practice_saturated_bad_min"] >= 0.5  # "half of the units saturated"
    assert ch["practice_saturated_fixed_max"] <= 0.01
    assert ch["practice_sigma_w2"] == pytest.approx(64 / 3, abs=0.05)
    assert ch["practice_chi1"] > 1  # chaotic phase
    assert ch["practice_grad_rate_theory"] == pytest.approx(math.sqrt(ch["practice_chi1"]), abs=0.01)
    # measured growth per layer within 10 % of the mean-field rate
    assert abs(ch["practice_grad_rate_bad"] / ch["practice_grad_rate_theory"] - 1) < 0.1
    assert ch["practice_grad_ratio_bad"] > 20
    assert 0.5 < ch["practice_grad_ratio_fixed"] < 2


def test_update_ratios_spread_over_layers_only_when_badly_initialised(ch):
    assert ch["practice_ratio_bad_first"] > 10 * ch["practice_ratio_bad_last_hidden"]
    assert ch["practice_ratio_bad_spread"] > 20
    assert ch["practice_ratio_fixed_spread"] < 4
    # "within a factor of a few of 1e-3"
    assert 1e-4 <= ch["practice_ratio_fixed_min"] <= ch["practice_ratio_fixed_max"] <= 1e-2


def test_worked_case_only_the_fixed_layers_train(ch):
    n = ch["practice_train_seeds"]
    assert n >= 5
    for key in ("bad", "rescaled", "fixed"):
        assert ch[f"practice_{key}_diverged"] == 0
    # check 1 flags every seed as written; after its fix every seed starts near log 10
    assert ch["practice_bad_start_min"] > 2 * ch["practice_log_k"]
    assert ch["practice_bad_start_min"] <= ch["practice_bad_start_max"]
    assert abs(ch["practice_rescaled_start_min"] - ch["practice_log_k"]) < 0.1
    assert abs(ch["practice_rescaled_start_max"] - ch["practice_log_k"]) < 0.1
    assert ch["practice_rescaled_start_dev"] < 0.05
    # every fixed seed learned; no seed of the other two versions did
    assert ch["practice_fixed_below_half"] == n and ch["practice_fixed_acc_good"] == n
    assert ch["practice_fixed_above_one"] == 0 and ch["practice_fixed_acc_poor"] == 0
    for key in ("bad", "rescaled"):
        assert ch[f"practice_{key}_below_half"] == 0 and ch[f"practice_{key}_acc_good"] == 0
        # "still above 1 ... below 0.7" in every seed
        assert ch[f"practice_{key}_above_one"] == n and ch[f"practice_{key}_acc_poor"] == n


def test_chi1_glued_to_three_decimals(ch):
    # issue 18's reference: chi_1 = 2.7003 at sigma_w^2 = 64/3, tanh, no bias, at q*
    assert ch["practice_chi1"] == pytest.approx(2.700, abs=5e-4)
    # the glued float reads back as 2.7: the text must print it with its three decimals
    from _glue import CHAPTERS
    from site_assets.notebooks import load

    text = "".join("".join(c["source"]) for c in load(CHAPTERS / CHAPTER)["cells"]
                   if c["cell_type"] == "markdown")
    assert "{eval}`'2.700'  # practice_chi1:.3f`" in text  # a formatted value is stored as a str


def test_keras_normals_are_truncated_and_pytorchs_are_not(ch):
    # a normal cut at 2 standard deviations and rescaled by the truncated std 0.8796 (Keras's
    # constant) never exceeds 2 / 0.8796 = 2.274 of the stated std; 100,000 untruncated draws
    # exceed 4 standard deviations with probability 1 - (1 - 6.3e-5)^1e5 > 0.998
    assert 2.2 <= ch["practice_trunc_max"] <= round(2 / 0.8796, 2)
    assert 4 < ch["practice_untrunc_max"] < 6
