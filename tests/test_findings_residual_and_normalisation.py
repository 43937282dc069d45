"""The findings of the residual-networks chapter, read from the values it glues."""

import math

import pytest
from _glue import glued


@pytest.fixture(scope="module")
def ch():
    return glued("residual_and_normalisation.ipynb")


def test_the_chapter_glues_every_named_figure(ch):
    for name in ("resnet_var_ratio_he", "resnet_var_ratio_sqrt_depth",
                 "resnet_var_ratio_zero_branch", "bn_scale_invariance_max_abs_diff",
                 "resnet_var_log10_he", "resnet_var_log10_he_closed"):
        assert isinstance(ch[name], float) and math.isfinite(ch[name])
    for name in ("bn_grad_ratio_deep", "bn_grad_ratio_closed", "bn_scale_invariance_eps_log10",
                 "train_he_diverged_by", "train_sqrt_depth_diverged_by"):
        assert type(ch[name]) is int  # shown as whole numbers


def test_he_branches_multiply_the_stream_by_three_per_block(ch):
    assert ch["resnet_var_ratio_he_closed"] == pytest.approx(3.0 ** 50, rel=1e-2)
    # seed 0 is one of the seeds whose largest factor the text gives a range of
    assert abs(math.log(ch["resnet_var_ratio_he"] / 3.0 ** 50)) < math.log(ch["resnet_he_max_factor_max"]) + 0.06
    # the powers of ten the text gives are those of the ratios
    assert ch["resnet_var_log10_he"] == pytest.approx(math.log10(ch["resnet_var_ratio_he"]), abs=0.06)
    assert ch["resnet_var_log10_he_closed"] == pytest.approx(50 * math.log10(3), abs=0.06)


def test_sqrt_depth_stays_below_e_squared_and_zero_branches_at_one(ch):
    assert ch["resnet_var_ratio_sqrt_depth_closed"] == pytest.approx(1.04 ** 50, rel=1e-2)
    assert ch["resnet_var_ratio_sqrt_depth"] == pytest.approx(1.04 ** 50, rel=0.1)
    assert ch["resnet_var_ratio_sqrt_depth"] < math.e ** 2
    assert ch["resnet_var_ratio_zero_branch"] == 1.0 and ch["resnet_var_ratio_skipinit"] == 1.0


def test_only_the_branches_that_start_at_zero_train(ch):
    n = ch["train_seeds"]
    assert n >= 4
    assert ch["train_he_diverged"] == n and ch["train_sqrt_depth_diverged"] == n
    assert ch["train_fixup_diverged"] == 0 and ch["train_skipinit_diverged"] == 0
    for s in ("fixup", "skipinit"):
        assert ch[f"train_{s}_below_200"] == n  # every seed learned within 200 steps
        assert ch[f"train_{s}_final_loss"] <= 0.4
        assert ch[f"train_{s}_accuracy"] >= 0.9
    # "SkipInit was faster": all its seeds below 0.5 by step 100, fewer of Fixup's.
    assert ch["train_skipinit_below_100"] == n > ch["train_fixup_below_100"]
    assert ch["train_skipinit_final_loss"] <= ch["train_fixup_final_loss"]


def test_batchnorm_is_scale_invariant_only_up_to_eps(ch):
    assert ch["bn_scale_invariance_max_abs_diff"] < 1e-12
    assert 1e-7 < ch["bn_scale_invariance_eps_diff"] < 1e-3
    assert ch["bn_scale_invariance_eps_log10"] == round(math.log10(ch["bn_scale_invariance_eps_diff"]))


def test_batchnorm_without_skips_explodes_backwards_at_the_closed_form_rate(ch):
    closed = (math.pi / (math.pi - 1)) ** (49 / 2)
    assert ch["bn_grad_ratio_closed"] == pytest.approx(closed, rel=0.05)
    assert ch["bn_grad_ratio_deep"] > 1000
    assert abs(math.log(ch["bn_grad_ratio_deep"] / closed)) < 0.5
    assert ch["bn_grad_rate"] == 1.21


def test_plain_and_pre_layernorm_gradients_stay_within_a_small_factor(ch):
    assert 0.1 < ch["plain_grad_ratio"] < 10
    assert 1 <= ch["ln_grad_ratio"] < 20
    assert ch["ln_grad_ratio"] < ch["bn_grad_ratio_deep"] / 100


def test_the_he_stream_stays_within_a_few_times_its_closed_form_on_every_seed(ch):
    # The text: median, range over the seeds, and "within a factor max for every seed".
    assert ch["resnet_he_seeds"] >= 5
    lo, med, hi = (ch[f"resnet_he_max_factor_{k}"] for k in ("min", "median", "max"))
    assert 1 <= lo <= med <= hi
    assert hi < 10  # a few, against 3^50 ~ 10^24
    assert hi > 1.5  # not close: a mean of 8 products of 50 random factors


def test_gpt2_residual_projection_std(ch):
    # Hugging Face's and nanoGPT's c_proj: 0.02 / sqrt(2 n_layer) at n_layer = 12.
    assert ch["gpt2_cproj_std"] == pytest.approx(0.02 / math.sqrt(24), abs=5e-6)


def test_pre_layernorm_sqrt_depth_branches_train_at_the_chapter_s_lr(ch):
    n = ch["train_seeds"]
    assert ch["res_preln_sqrt_depth_diverged"] == 0  # where every un-normalised seed diverged
    assert ch["train_sqrt_depth_diverged"] == n
    assert ch["res_preln_sqrt_depth_below_02"] == n
    assert ch["res_preln_sqrt_depth_below_05_by_100"] == n
    assert ch["res_preln_sqrt_depth_accuracy"] >= 0.9


def test_one_sgd_step_flat_for_zero_branches_growing_for_sqrt_depth(ch):
    assert ch["fixup_one_step_depths"] == [4, 16, 64, 256]
    zero, sqrt_depth = ch["fixup_one_step_zero"], ch["fixup_one_step_sqrt_depth"]
    preln = ch["fixup_one_step_preln"]
    assert len(zero) == len(sqrt_depth) == len(preln) == 4
    # Theta(eta): a few times the learning rate 0.02 at every depth, within a factor 2 of each other
    assert all(0.02 < v < 0.3 for v in zero)
    assert max(zero) / min(zero) < 2
    # 1/sqrt(L) without a norm: grows with depth, to thousands of times the logits at 256 blocks
    assert all(b > a for a, b in zip(sqrt_depth, sqrt_depth[1:]))
    assert sqrt_depth[0] > 2 * zero[0] and sqrt_depth[-1] > 100
    # pre-LN: grows, but far less than without the norm at 256 blocks
    assert all(b > a for a, b in zip(preln, preln[1:]))
    assert preln[-1] < sqrt_depth[-1] / 50
    # the glued values the prose quotes are those of the lists
    assert ch["fixup_zero_min"] == min(zero) and ch["fixup_zero_max"] == max(zero)
    assert ch["fixup_sqrt_depth_4"] == sqrt_depth[0] and ch["fixup_sqrt_depth_64"] == sqrt_depth[2]
    assert ch["fixup_sqrt_depth_256"] == int(sqrt_depth[-1])
    assert ch["fixup_preln_4"] == preln[0] and ch["fixup_preln_256"] == preln[-1]


def test_one_step_change_with_and_without_the_layernorm_at_64_blocks(ch):
    # "grows for both; smaller with the LN on every seed; larger than the logits on every seed;
    # yet only the un-normalised network diverged in training"
    preln = ch["fixup_one_step_preln"]
    assert ch["fixup_preln_64"] == preln[2]
    assert 1 < ch["fixup_preln_64_min"] <= ch["fixup_preln_64"] <= ch["fixup_preln_64_max"]
    assert ch["fixup_preln_64_max"] < ch["fixup_sqrt_depth_64_min"]
    assert ch["train_sqrt_depth_diverged"] == ch["train_seeds"]
    assert ch["res_preln_sqrt_depth_diverged"] == 0


def test_sqrt_depth_one_step_change_median_and_range_over_the_seeds(ch):
    # The text: median 3000-ish at 256 blocks, range over 3 seeds, "more than a hundred times"
    # the logits on every seed at 256 blocks and more than their own size on every seed at 64.
    assert ch["fixup_step_seeds"] == 3
    lo, med, hi = ch["fixup_sqrt_depth_256_min"], ch["fixup_sqrt_depth_256"], ch["fixup_sqrt_depth_256_max"]
    assert 100 < lo <= med <= hi
    assert hi > 10 * lo  # the seeds spread over more than a power of ten
    lo, med, hi = ch["fixup_sqrt_depth_64_min"], ch["fixup_sqrt_depth_64"], ch["fixup_sqrt_depth_64_max"]
    assert 1 < lo <= med <= hi < 100


def test_he_branches_overflow_in_one_step_and_biases_break_the_flat_line(ch):
    assert 0.3 < ch["fixup_one_step_he_4"] < 3
    assert ch["fixup_one_step_he_16_log10"] > 10
    assert ch["fixup_one_step_he_overflow_from"] in (16, 64, 256)
    biases = ch["fixup_one_step_zero_biases"]
    assert ch["fixup_zero_biases_256"] == biases[-1]
    assert biases[-1] > 2 * ch["fixup_one_step_zero"][-1]  # L last biases, each the stream's gradient


def test_a_normalised_branch_adds_two_to_the_stream_per_block(ch):
    # law q_L = q_0 + 2 L at L = 50; q_0 = E|x|^2 / 64 is below 1 (blank corner pixels are 0)
    q0 = ch["stream_q0"]
    assert 0.5 < q0 <= 1
    assert ch["preln_stream_law"] == pytest.approx(q0 + 100, abs=0.051)  # one decimal
    for name in ("preln_stream_final", "bn_stream_final"):
        assert ch[name] == pytest.approx(q0 + 100, rel=0.1)


def test_a_normalised_branch_s_share_falls_like_one_over_sqrt_l(ch):
    law = math.sqrt(2 / (ch["stream_q0"] + 2 * 49))
    assert ch["branch_share_law_final"] == pytest.approx(law, abs=0.006)
    for name in ("bn_branch_share_final", "preln_branch_share_final"):
        assert ch[name] == pytest.approx(law, rel=0.15)
        assert ch[name] < 1.2 / math.sqrt(50)
    assert ch["plain_branch_share_median"] == pytest.approx(math.sqrt(2), rel=0.1)


def test_post_layernorm_keeps_the_stream_at_one_and_the_branch_as_large(ch):
    assert ch["postln_stream_final"] == pytest.approx(1.0, abs=1e-3)  # LN: mean square 1
    assert ch["postln_branch_share_median"] == pytest.approx(math.sqrt(2), rel=0.1)


def test_post_layernorm_gradients_are_largest_near_the_output(ch):
    # Xiong et al. (2020): post-LN's gradients near the output are large, pre-LN's well behaved
    assert ch["res_postln_grad_last_first"] > 1.2
    assert ch["res_preln_grad_last_first"] < 0.5
    assert ch["res_post_over_pre_last"] > 3


def test_pre_layernorm_gradient_factor_grows_like_a_power_of_depth(ch):
    # first block's gradient over the last one's, with a final LN, at 12, 50 and 200 blocks
    depths = ch["res_preln_grad_depths"]
    ratios = ch["res_preln_grad_first_last"]
    assert depths == [12, 50, 200]
    assert [ch[f"res_preln_grad_first_last_{d}"] for d in depths] == ratios
    assert all(r > 1 for r in ratios) and all(b > a for a, b in zip(ratios, ratios[1:]))
    # the 50-block network is the one whose last / first the text gives
    assert ratios[1] == pytest.approx(1 / ch["res_preln_grad_last_first"], rel=0.06)
    # the rough law sqrt((q0 + 2L) / (q0 + 2)), written out here
    q0 = ch["stream_q0"]
    for d, r in zip(depths, ratios):
        law = math.sqrt((q0 + 2 * d) / (q0 + 2))
        assert ch[f"res_preln_grad_law_{d}"] == pytest.approx(law, abs=0.06)
        assert 0.5 * law < r < 1.1 * law
    # growth like a power of L, a little below 1/2, not like 1.21^L
    p = math.log(ratios[-1] / ratios[0]) / math.log(200 / 12)
    assert ch["res_preln_grad_exponent"] == pytest.approx(p, abs=0.02)
    assert 0.25 < p < 0.55
    assert ch["res_bn_grad_closed_200_log10"] == math.floor(199 * math.log10(math.sqrt(math.pi / (math.pi - 1))))
    assert ratios[-1] < 20
    # "the heuristic overestimates it ... at 200 blocks by a factor of X" (X from the glued values)
    over = ch["res_preln_grad_law_over_measured_200"]
    assert over == pytest.approx(ch["res_preln_grad_law_200"] / ch["res_preln_grad_first_last_200"], abs=0.06)
    assert over > 1.3
