"""The findings of the chapter "Width and the learning rate", read from the values it glues.

The chapter stores its outputs (nbval checks that a fresh run reproduces them); these tests
check that what is stored shows what the text claims, so that a change which kept the notebook
consistent but lost a finding fails.
"""

import math

import pytest
from _glue import glued


@pytest.fixture(scope="module")
def g():
    return glued("width_and_learning_rate.ipynb")


def test_the_table_at_32_times_the_base_width(g):
    # Table 3 with base width 64, at width 2048: output std / sqrt(32), input lr x 32,
    # output lr / 32
    assert g["mup_width_ratio"] == 32
    assert g["mup_out_std_ratio"] == pytest.approx(1 / math.sqrt(32), abs=1e-4)
    assert g["mup_input_lr_mult"] == 32.0
    assert g["mup_output_lr_mult"] == 1 / 32
    # Table 3's Adam row: input weights keep SP's rate, hidden weights' rate / (width ratio)
    assert g["mup_adam_input_lr_mult"] == 1.0
    assert g["mup_adam_hidden_lr_mult"] == 1 / 32


def test_sp_output_change_grows_about_linearly_with_width(g):
    # "grows like n^p with p close to 1" after one step, in every seed
    assert 0.8 <= g["mup_coord_slope_sp"] <= 1.2
    assert g["mup_coord_slope_sp_min"] >= 0.8 and g["mup_coord_slope_sp_max"] <= 1.3
    assert g["mup_coord_slope_sp_min"] <= g["mup_coord_slope_sp"] <= g["mup_coord_slope_sp_max"]
    # "the output's change grows MIN to MAX times" from width 64 to 2048, per seed
    assert 10 < g["mup_coord_growth_sp_min"] <= g["mup_coord_growth_sp_max"] < 100
    assert g["mup_coord_out_change_sp_wide"] > 5


def test_mup_output_change_is_flat_in_width(g):
    for k in ("mup_coord_slope_mup", "mup_coord_slope_mup_min", "mup_coord_slope_mup_max"):
        assert abs(g[k]) <= 0.25
    assert g["mup_coord_slope_mup_min"] <= g["mup_coord_slope_mup"] <= g["mup_coord_slope_mup_max"]
    # "multiplied by MIN to MAX" from width 64 to 2048: near 1, nowhere near SP's growth
    assert 0.4 <= g["mup_coord_growth_mup_min"] <= g["mup_coord_growth_mup_max"] <= 1.5
    assert g["mup_coord_growth_mup_max"] < g["mup_coord_growth_sp_min"] / 10
    assert g["mup_coord_hidden_abs_max_mup"] <= 0.25  # both hidden layers flat in every seed


def test_sp_second_hidden_layer_moves_more_with_width_but_less_than_the_output(g):
    assert 0.2 <= g["mup_coord_hidden2_slope_sp_min"] <= g["mup_coord_hidden2_slope_sp"] \
        <= g["mup_coord_hidden2_slope_sp_max"] <= 0.75
    assert g["mup_coord_hidden2_slope_sp_max"] < g["mup_coord_slope_sp_min"]  # every seed


def test_sp_input_layer_moves_less_with_width(g):
    assert g["mup_coord_input_slope_sp"] < -0.3
    assert g["mup_coord_input_slope_sp"] <= g["mup_coord_input_slope_sp_max"] < 0  # every seed
    assert abs(g["mup_coord_input_slope_mup"]) < 0.1


def test_fourth_step(g):
    # "lower than after the first step", and muP's still flat
    assert g["mup_coord_slope_mup_step4"] < g["mup_coord_slope_sp_step4"] < g["mup_coord_slope_sp"]
    assert g["mup_coord_step4_drop_sp_min"] > 0.1  # lower than after step 1 in every seed
    assert abs(g["mup_coord_slope_mup_step4"]) <= 0.25


def test_adam_coordinate_check_follows_the_sign_step_argument(g):
    # Adam's first step moves each weight by about lr (the sign of its gradient): a sum of n
    # aligned moves grows like n (slope 1) in SP's hidden layer, faster at the output, not at
    # all through the input layer's 64 pixels; Table 3's Adam rates (hidden and output / n)
    # make every slope 0.
    assert g["adam_lr"] == 0.001
    assert 0.8 <= g["adam_coord_slope_sp_hidden_min"] <= g["adam_coord_slope_sp_hidden"] \
        <= g["adam_coord_slope_sp_hidden_max"] <= 1.15
    assert 1.1 <= g["adam_coord_slope_sp_out_min"] <= g["adam_coord_slope_sp_out"] \
        <= g["adam_coord_slope_sp_out_max"] <= 1.6
    # "at least D above the hidden layer's in every seed", after the FIRST step (the table's):
    # the least per-seed difference lies between the extremes of the step-1 ranges, and is
    # well above the fourth step's (about 0.2)
    d = g["adam_coord_out_minus_hidden_sp_min"]
    assert g["adam_coord_slope_sp_out_min"] - g["adam_coord_slope_sp_hidden_max"] - 0.011 <= d \
        <= g["adam_coord_slope_sp_out_max"] - g["adam_coord_slope_sp_hidden_min"] + 0.011
    assert d > 0.3
    assert g["adam_coord_growth_sp_hidden"] > 10  # 32x the width: about 32x the change
    assert g["adam_coord_growth_sp_out"] > g["adam_coord_growth_sp_hidden"]
    assert g["adam_coord_input_slope_sp_absmax"] <= 0.03  # step 1: flat (the 64 pixels are fixed)
    assert g["adam_coord_slope_mup_absmax"] <= 0.15
    # the fourth step: SP still grows, muP still flat
    assert g["adam_coord_slope_sp_hidden_step4"] >= 0.6 and g["adam_coord_slope_sp_out_step4"] >= 0.8
    assert g["adam_coord_slope_mup_absmax_step4"] <= 0.2


def test_best_learning_rate_drifts_in_sp_and_stays_in_mup(g):
    assert g["mup_best_lr_shift_sp"] <= -2  # falls by at least a factor 4 over 32x width
    assert g["mup_seed_shift_sp_max"] >= 2  # in every seed
    assert g["mup_best_lr_factor_sp"] == 2.0 ** -g["mup_best_lr_shift_sp"]
    assert g["mup_best_lr_sp_wide"] / g["mup_best_lr_sp_narrow"] == 2.0 ** g["mup_best_lr_shift_sp"]
    assert g["mup_best_lr_shift_mup"] == 0.0
    assert g["mup_best_lr_mup_all"] > 0  # "the same at every width" (-1 if not)
    assert g["mup_seed_shift_mup_absmax"] <= 1  # no seed's best moved more than one step
    assert g["mup_seed_shift_mup_absmax"] < g["mup_seed_shift_sp_max"]


def test_the_winners_are_not_near_ties(g):
    assert g["mup_sweep_min_margin"] >= 0.03


def test_copying_the_narrow_learning_rate(g):
    # SP: the width-64 optimum is far worse at width 2048 than the best there; muP: it is the best
    assert g["mup_transfer_loss_sp"] > 2 * g["mup_best_loss_wide_sp"]
    assert g["mup_transfer_loss_mup"] == g["mup_best_loss_wide_mup"]
    assert g["mup_best_loss_wide_mup"] <= g["mup_best_loss_wide_sp"] * 1.1


def test_every_glued_value_is_a_plain_number(g):
    assert len(g) >= 30
    for name, value in g.items():
        assert type(value) in (int, float), name
        assert math.isfinite(value), name


def test_copying_the_narrow_rate_per_seed(g):
    # every seed: SP's best rate is 2^-2 at width 64 and 2^-6 at width 2048
    assert g["sweep_seeds"] == 3
    assert g["mup_seed_best_log2_sp_narrow_min"] == g["mup_seed_best_log2_sp_narrow_max"] == -2
    assert g["mup_seed_best_log2_sp_wide_min"] == g["mup_seed_best_log2_sp_wide_max"] == -6
    assert g["mup_best_lr_sp_narrow"] == 0.25 and g["mup_best_lr_sp_wide"] == 2.0 ** -6
    # SP: the copied rate's loss against each seed's best at width 2048
    assert g["mup_best_loss_wide_sp_min"] <= g["mup_best_loss_wide_sp_max"] < 0.5
    assert g["mup_transfer_loss_sp_min"] <= g["mup_transfer_loss_sp"] <= g["mup_transfer_loss_sp_max"]
    assert g["mup_transfer_loss_sp_min"] > 2 * g["mup_best_loss_wide_sp_max"]
    assert 2 <= g["mup_transfer_ratio_sp_min"] \
        <= g["mup_transfer_loss_sp_min"] / g["mup_best_loss_wide_sp_min"] + 0.1
    # muP: the copied rate is every seed's best at width 2048, and beats SP's best there
    assert g["mup_transfer_is_best_mup_seeds"] == 3 and g["mup_beats_sp_wide_seeds"] == 3
    assert g["mup_transfer_loss_mup_min"] <= g["mup_transfer_loss_mup"] <= g["mup_transfer_loss_mup_max"] < 0.5
    # the clipped curve: finite (no run overflowed), far above log 10 = the uniform guess
    assert g["mup_sweep_overflow_runs"] == 0
    assert g["uniform_guess_loss"] == round(math.log(10), 2)
    assert g["mup_sweep_ylim"] < g["mup_sp_wide_loss_half"] < g["mup_sp_wide_loss_one"]
    assert g["mup_sp_wide_loss_half"] > 2 * math.log(10)
