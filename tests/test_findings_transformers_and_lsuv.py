"""The findings of the transformers-and-LSUV chapter, read from the values it glues."""

import math

import pytest
from _glue import glued


@pytest.fixture(scope="module")
def ch():
    return glued("transformers_and_lsuv.ipynb")


def test_attention_logits_have_variance_d_k_unscaled_and_one_scaled(ch):
    assert abs(ch["attn_logit_var_unscaled_d64"] / 64 - 1) < 0.15
    assert abs(ch["attn_logit_var_scaled_d64"] - 1) < 0.15
    assert ch["log_64"] == round(math.log(64), 2)


def test_unscaled_softmax_collapses_and_scaled_stays_spread(ch):
    assert ch["attn_entropy_unscaled_d64"] < 1.0 < ch["attn_entropy_unscaled_d1"]
    assert ch["attn_max_weight_unscaled_d64"] > 0.7 and ch["attn_max_weight_unscaled_d512"] > 0.9
    assert ch["attn_max_weight_scaled_max"] < 0.2
    limit = math.log(64) - 0.5
    assert ch["attn_entropy_limit_scaled"] == round(limit, 2)
    assert limit - 0.15 < ch["attn_entropy_scaled_min_d4"] <= ch["attn_entropy_scaled_max_d4"] < limit + 0.15


def test_tied_unit_embedding_starts_near_d_nats_and_002_at_log_v(ch):
    log_v = math.log(1000)
    assert ch["emb_log_vocab"] == round(log_v, 2)
    assert 55 < ch["emb_loss_tied_norm_std1"] < 70 and 55 < ch["emb_loss_tied_std1"] < 70
    assert 55 < ch["emb_self_logit_tied_norm_std1"] < 70
    assert abs(ch["emb_self_logit_tied_norm_std002"] - 1.28) < 0.2
    for layout in ("tied_norm", "tied", "untied_norm"):
        assert abs(ch[f"emb_loss_{layout}_std002"] - log_v) < 0.05  # "within a few hundredths"
    assert ch["emb_loss_untied_norm_std1"] > log_v + 10
    assert abs(ch["emb_loss_torch_default"] - (log_v + 1 / 6)) < 0.1
    assert ch["gpt2_self_logit_std002"] == 15.4 and ch["gpt2_self_logit_std002"] > ch["gpt2_log_vocab"]


def test_lsuv_reaches_unit_variance_for_every_activation(ch):
    assert ch["lsuv_max_abs_var_error"] < ch["lsuv_tol"] == 0.1
    assert ch["lsuv_max_abs_var_error"] < 0.001 and ch["lsuv_divisions_max"] == 1
    assert ch["lsuv_max_abs_var_error_all"] < 0.5


def test_lsuv_gains_follow_one_over_root_mean_square_and_differ_by_activation(ch):
    theory = {"relu": math.sqrt(2), "leaky_relu": math.sqrt(2 / (1 + 0.01 ** 2)), "tanh": 1.593,
              "sigmoid": 1.846}
    for act, g in theory.items():
        assert abs(ch[f"lsuv_gain_theory_{act}"] - g) < 0.01
        assert abs(ch[f"lsuv_gain_{act}"] / g - 1) < 0.05
    assert ch["lsuv_gain_sigmoid"] > ch["lsuv_gain_tanh"] > ch["lsuv_gain_relu"]
    assert abs(ch["tanh_gain_excess_percent"] - 4.6) < 0.2


def test_fixed_gains_settle_at_the_mean_field_fixed_points(ch):
    for act in ("tanh", "sigmoid"):
        assert abs(ch[f"fixed_gain_var_{act}"] / ch[f"fixed_gain_theory_{act}"] - 1) < 0.1
    assert abs(ch["fixed_gain_var_tanh"] - 1) > 0.1 and ch["fixed_gain_var_sigmoid"] < 0.35
    assert abs(ch["fixed_gain_var_relu"] - ch["fixed_gain_theory_relu"]) > 0.1  # "wanders away"


def test_post_activation_lsuv_converges_only_for_homogeneous_activations(ch):
    n = ch["n_layers"]
    assert ch["post_converged_relu"] == n and ch["post_converged_leaky_relu"] == n
    assert ch["post_max_iter_relu"] == 1 and ch["post_max_iter_leaky_relu"] == 1
    assert ch["post_converged_tanh"] == 0 and ch["post_max_iter_tanh"] == 10
    assert ch["post_converged_sigmoid"] == 0 and ch["post_max_iter_sigmoid"] == 10
    assert ch["post_max_var_sigmoid"] <= 0.25 and ch["post_max_var_tanh"] < 0.9
    assert ch["post_sigmoid_gain"] > 2 ** 10


def test_training_lsuv_first_with_relu_and_tanh_none_with_sigmoid(ch):
    n = ch["train_seeds"]
    assert n >= 4
    for act in ("relu", "tanh"):
        assert ch[f"train_{act}_lsuv_before_he"] == n
        assert ch[f"train_{act}_lsuv_reached"] == n and ch[f"train_{act}_he_reached"] == n
        assert ch[f"train_{act}_lsuv_median_steps"] < ch[f"train_{act}_he_median_steps"]
    assert ch["train_relu_glorot_reached"] == 0
    assert ch["train_tanh_he_before_glorot"] == n and ch["train_tanh_glorot_reached"] == n
    assert ch["train_tanh_he_median_steps"] < ch["train_tanh_glorot_median_steps"]
    assert ch["train_relu_glorot_accuracy"] < ch["train_relu_he_accuracy"]
    for init in ("he", "glorot", "lsuv"):
        assert ch[f"train_sigmoid_{init}_reached"] == 0
        assert abs(ch[f"train_sigmoid_{init}_final_loss"] - round(math.log(10), 1)) < 0.15
    assert ch["train_sigmoid_lsuv_accuracy"] <= 0.2


def test_backward_factor_explains_the_sigmoid(ch):
    assert ch["chi_lsuv_relu"] == 1.0 and 1.0 < ch["chi_lsuv_tanh"] < 1.3
    assert ch["chi_lsuv_sigmoid"] < 0.2 and ch["chi_lsuv_sigmoid_10"] < 1e-6


def test_exercise_findings(ch):
    # orthogonal x sqrt(2) against LSUV: neither ahead on both seeds; both before He
    assert ch["ex_orth_before_lsuv"] < 2 and ch["ex_lsuv_before_orth"] < 2
    assert ch["ex_both_before_he"] == 2
    assert ch["fresh_max_divisions"] > 1 and abs(ch["fresh_first_var"] - 1) >= 0.1
