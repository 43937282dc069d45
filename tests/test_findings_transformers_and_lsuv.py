"""The findings of the transformers-and-LSUV chapter, read from the values it glues."""

import math

import numpy as np
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


def test_gpt2_sizes_tied_embedding_starts_above_log_v(ch):
    # d = 768, V = 50,257, std 0.02, final LayerNorm, no blocks: the self-logit is about d sigma,
    # or d sigma / sqrt(1 + (0.01/0.02)^2) with GPT-2's positions of std 0.01
    d, sigma, v = 768, 0.02, 50257
    assert ch["gpt2_log_vocab"] == round(math.log(v), 1)
    assert ch["gpt2_self_logit_pos_theory"] == round(d * sigma / math.sqrt(1.25), 1)
    assert abs(ch["gpt2_self_logit_nopos"] - d * sigma) < 0.6
    assert abs(ch["gpt2_self_logit_pos"] - d * sigma / math.sqrt(1.25)) < 0.6
    # loss about log(e^a + V e^(s2/2)): the other logits h.E_v have variance s2 = d sigma^2 (|h|^2 = d
    # after the LayerNorm), the target's logit averages 0
    for a_key, loss_key in (("gpt2_self_logit_nopos", "gpt2_loss_nopos"),
                            ("gpt2_self_logit_pos", "gpt2_loss_pos")):
        a = ch[a_key]
        approx = math.log(math.exp(a) + v * math.exp(d * sigma ** 2 / 2))
        assert abs(ch[loss_key] - approx) < 0.5, loss_key
        assert ch[loss_key] > math.log(v) + 2.5
    assert abs(ch["gpt2_loss_excess_min"] - (min(ch["gpt2_loss_nopos"], ch["gpt2_loss_pos"]) - math.log(v))) < 0.06
    assert ch["gpt2_loss_excess_min"] >= 2.5


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
    assert abs(ch["fixed_gain_var_leaky_relu"] - ch["fixed_gain_theory_leaky_relu"]) > 0.1


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


def test_exercise_orthogonal_and_measured_scale_both_help_neither_on_every_seed(ch):
    n = ch["ex_seeds"]
    assert n >= 8
    assert ch["ex_he_median"] > ch["ex_orth_median"] > ch["ex_lsuv_median"]
    # "starting orthogonal accounts for more of the median gain than measuring the scale"
    assert ch["ex_he_median"] - ch["ex_orth_median"] > ch["ex_orth_median"] - ch["ex_lsuv_median"]
    # "neither is ahead on every seed"
    assert 0 < ch["ex_orth_before_he"] < n and ch["ex_orth_after_he"] > 0
    assert 0 < ch["ex_lsuv_before_orth"] < n and ch["ex_lsuv_after_orth"] > 0
    assert ch["fresh_max_divisions"] > 1 and abs(ch["fresh_first_var"] - 1) >= 0.1


def expected_max_of_normals(n):
    """E[max of n i.i.d. N(0, 1)] by quadrature of n z phi(z) Phi(z)^(n-1) (independent of the chapter)."""
    z = np.linspace(-10, 10, 200001)
    phi = np.exp(-z * z / 2) / math.sqrt(2 * math.pi)
    cdf = np.cumsum(phi) * (z[1] - z[0])
    return float(np.trapezoid(n * z * phi * cdf ** (n - 1), z))


def test_untied_unit_output_layer_sits_below_its_many_token_limit(ch):
    v, d = 1000, 64
    limit = math.sqrt(2 * d * math.log(v))  # sqrt(2 v log V) with v = d
    assert ch["emb_untied_std1_limit"] == round(limit, 2)
    assert ch["emb_max_sd_limit"] == round(math.sqrt(2 * math.log(v)), 2)
    assert abs(ch["emb_max_sd_finite"] - expected_max_of_normals(v)) < 0.02
    # the finite-V average explains the measurement, not the limit
    assert abs(ch["emb_untied_std1_finite"] - ch["emb_loss_untied_norm_std1"]) < 0.6
    assert ch["emb_untied_std1_limit"] - ch["emb_loss_untied_norm_std1"] > 2


def test_flax_embed_and_vaswani_sqrt_d_embedding(ch):
    assert ch["flax_embed_fan_in"] == 64  # nn.Embed: N(0, 1/d), not N(0, 1)
    assert abs(ch["emb_vaswani_self_logit"] - 8.0) < 0.5  # sqrt(d)
    # log(e^8 + V e^(v/2)) with v about 1.5 (embedding 1 plus sinusoids 1/2): about 8.6
    approx = math.log(math.exp(8) + 1000 * math.exp(0.75))
    assert abs(ch["emb_vaswani_loss"] - approx) < 0.3 and ch["emb_vaswani_loss"] > math.log(1000) + 1.5


def test_transformer_presets_initial_loss_against_log_v(ch):
    log_v = math.log(1000)
    assert ch["tfm_log_vocab"] == round(log_v, 2)
    for name in ("gpt2_code", "gpt2_scaled", "tfixup", "mup"):
        assert abs(ch[f"tfm_{name}_initial_loss"] - log_v) < 0.05, name
    assert ch["tfm_mup_initial_loss"] == round(log_v, 2)  # zero readout: exactly uniform
    assert ch["tfm_near_log_v"] == 4
    assert abs(ch["tfm_pytorch_initial_loss"] - (log_v + 1 / 6)) < 0.2  # U[+-1/sqrt d] head: v = 1/3
    # Vaswani's tied, sqrt(d)-scaled embedding: above log V, below the bare embedding's loss
    assert log_v + 0.2 < ch["tfm_vaswani_initial_loss"] < ch["emb_vaswani_loss"]
    assert ch["tfm_deepnorm_initial_loss"] > ch["tfm_vaswani_initial_loss"]


def test_transformer_stream_and_attention_at_initialisation(ch):
    uniform = sum(math.log(t) for t in range(1, 33)) / 32
    assert ch["tfm_uniform_entropy"] == round(uniform, 2)
    assert ch["tfm_mup_entropy"] == ch["tfm_uniform_entropy"]  # zero query
    assert abs(ch["tfm_gpt2_code_entropy"] - uniform) < 0.02
    assert ch["tfm_vaswani_entropy_first"] < uniform - 0.3
    assert abs(ch["tfm_gpt2_code_var_first"] - (0.02 ** 2 + 0.01 ** 2)) < 1e-4
    assert ch["tfm_gpt2_code_var_last"] > 5 * ch["tfm_gpt2_code_var_first"]
    assert ch["tfm_gpt2_scaled_var_last"] < ch["tfm_gpt2_code_var_last"] / 3
    assert ch["tfm_mup_grad_zero"] is True


def test_post_ln_against_pre_ln_gradients(ch):
    assert ch["tfm_place_seeds"] >= 5
    assert ch["tfm_preln_grad_ratio"] < 0.6 and ch["tfm_preln_grad_ratio_max"] < 0.7
    assert 0.7 < ch["tfm_postln_grad_ratio"] < 1.5
    assert ch["tfm_postln_grad_ratio_min"] > ch["tfm_preln_grad_ratio_max"]  # on every seed
    depths = ch["tfm_depths"]
    assert depths[0] == 2 and depths[-1] == 16
    assert ch["tfm_depth_sqrt_ratio"] == round(math.sqrt(8), 2)
    assert 1.8 < ch["tfm_depth_pre_shrink"] < 3.5  # 1/sqrt(L)
    assert 0.8 < ch["tfm_depth_post_shrink"] < 1.25  # flat


def test_w2_gradient_along_the_blocks_and_pre_ln_stream_growth(ch):
    # Post-LN's W^{2,l} gradient is flat along the blocks; Pre-LN's falls from the first to the last
    assert 0 < ch["tfm_postln_w2_min"] <= ch["tfm_postln_w2_max"] < 1.4 * ch["tfm_postln_w2_min"]
    assert ch["tfm_preln_w2_falling"] is True
    assert ch["tfm_preln_w2_last"] < 0.6 * ch["tfm_preln_w2_first"]
    # Pre-LN's stream variance grows about linearly: every block adds a comparable amount
    assert 1.0 <= ch["tfm_preln_var_first"] < 2.0
    assert 0.3 <= ch["tfm_preln_var_step_min"] <= ch["tfm_preln_var_step_max"] < 3 * ch["tfm_preln_var_step_min"]
    assert ch["tfm_preln_var_last"] > 4 * ch["tfm_preln_var_first"]
    assert abs(ch["tfm_postln_var_last"] - 1) < 0.01  # Post-LN: LayerNorm after every sum


def test_stream_variance_grows_by_each_branch_variance(ch):
    # independent branches of variance c^2 add to a unit stream: 1 + N c^2 after N branches
    n = ch["idea_branches"]
    assert n == 24
    assert abs(ch["idea_var_full_last"] - (1 + n)) < 0.05 * (1 + n)
    assert abs(ch["idea_var_scaled_last"] - 2) < 0.1
    assert abs(ch["idea_var_zero_last"] - 1) < 0.05


def test_gpt2_width_blocks_dilute_the_tied_self_logit(ch):
    # the embedding alone at d = 768, sigma = 0.02: self-logit d * sigma (15.4), loss far above log V
    log_v = math.log(1000)
    assert ch["gw_log_vocab"] == round(log_v, 2)
    assert abs(ch["gw_bare_self_logit"] - 768 * 0.02) < 0.6 and ch["gw_bare_loss"] > log_v + 5
    # with GPT-2's 12 blocks the token's own embedding is a small part of the final stream
    assert ch["gw_full_self_logit"] < 2 and abs(ch["gw_full_loss"] - log_v) < 0.3
    assert ch["gw_full_excess"] == round(ch["gw_full_loss"] - log_v, 1)
    assert abs(ch["gw_var_first"] - (0.02 ** 2 + 0.01 ** 2)) < 1e-4 and ch["gw_var_last"] > 100 * ch["gw_var_first"]


def test_survey_details_the_text_explains(ch):
    log_v = math.log(1000)
    # GPT-2/3 paper and muP draw positions with 0.02: the stream starts at 2 * 0.02^2
    assert abs(ch["tfm_gpt2_scaled_var_first"] - 2 * 0.02 ** 2) < 1e-4
    assert ch["tfm_neox_growth"] > 10
    # after eight Post-LN blocks little of the token's own embedding is left (bare: sqrt(d) = 8)
    assert ch["tfm_vaswani_self_logit_blocks"] < 2 < 5 < ch["tfm_deepnorm_self_logit_blocks"] < 8.5
    assert ch["tfm_log_v_plus_half"] == round(log_v + 0.5, 2)
    assert abs(ch["tfm_vaswani_initial_loss"] - (log_v + 0.5)) < 0.2  # unit-variance logits
    assert ch["tfm_deepnorm_entropy_later_max"] < ch["tfm_uniform_entropy"] - 0.2
    assert ch["tfm_deepnorm_entropy_later_max"] - ch["tfm_deepnorm_entropy_later_min"] < 0.1
    assert ch["tfm_deepnorm_grad_ratio"] > 1 > 0.6 > ch["tfm_gpt2_code_grad_ratio"]


def test_lsuv_batch_exact_other_data_near_one(ch):
    assert ch["lsuv_max_abs_var_error_text"] == "0.000"
    assert 1.0 < ch["lsuv_relu_all_min"] <= ch["lsuv_relu_all_max"] < 1 + ch["lsuv_max_abs_var_error_all"] + 0.01
    assert ch["ex_orth_before_he"] + ch["ex_orth_after_he"] <= ch["ex_seeds"]
    assert ch["ex_lsuv_before_orth"] + ch["ex_lsuv_after_orth"] <= ch["ex_seeds"]
    assert int(ch["fresh_len_cv"].rstrip("%")) > 100  # digit lengths vary more than their mean
