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
    assert abs(math.log(ch["resnet_var_ratio_he"] / 3.0 ** 50)) < math.log(ch["resnet_he_max_factor"]) + 1e-9
    assert ch["resnet_he_max_factor"] < 2
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
