"""Xiong et al. (2020) at initialisation: what the measurements report, and their bound's depth law."""

import math

import numpy as np
import pytest

from winit.experiments import xiong2020

SMALL = dict(vocab=200, d_model=16, n_heads=2, seq_len=8, batch=4)


def test_survey_shapes_and_the_uniform_start_of_small_weights():
    r = xiong2020.survey(("gpt2_code", "mup"), seeds=(0, 1), n_layers=3, **SMALL)
    for stats in r.values():
        assert stats.loss.shape == (2,) and stats.stream_var.shape == (2, 4)
        assert stats.attn_entropy.shape == (2, 3) and stats.grad_norm.shape == (2, 3)
        assert stats.log_vocab == pytest.approx(math.log(200))
        assert np.all(stats.attn_entropy <= stats.uniform_entropy + 1e-12)
    np.testing.assert_allclose(r["mup"].loss, math.log(200), atol=1e-12)
    assert np.all(r["mup"].grad_norm == 0)  # zero readout: no gradient reaches the blocks
    with pytest.raises(ValueError, match="zero"):
        r["mup"].grad_ratio()
    assert np.all(r["gpt2_code"].grad_ratio() > 0)


def test_post_ln_stream_is_normalised_after_every_block():
    r = xiong2020.placement(("post",), seeds=(0,), n_layers=3, **SMALL)["post"]
    np.testing.assert_allclose(r.stream_var[0, 1:], 1.0, atol=1e-3)


def test_pre_ln_stream_grows_with_depth():
    r = xiong2020.placement(("pre",), seeds=(0,), n_layers=4, **SMALL)["pre"]
    assert np.all(np.diff(r.stream_var[0]) > 0)


def test_bound_pre_ln_last_layer_gradient_shrinks_post_ln_does_not():
    depths = (2, 8)
    r = xiong2020.last_layer_by_depth(depths, seeds=(0, 1, 2), vocab=300, d_model=32, n_heads=2,
                                      seq_len=16, batch=4)
    pre, post = np.median(r["pre"], axis=0), np.median(r["post"], axis=0)
    # 1/sqrt(L): a factor 2 from L = 2 to 8; allow a wide band around it
    assert 1.4 < pre[0] / pre[1] < 3.0
    assert 0.7 < post[0] / post[1] < 1.3


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="presets"):
        xiong2020.survey(("gpt5",), seeds=(0,))
    with pytest.raises(ValueError, match="setting"):
        xiong2020.survey(("gpt2_code",), seeds=(0,), width=3)
    with pytest.raises(ValueError, match="seeds"):
        xiong2020.survey(("gpt2_code",), seeds=(-1,))
    with pytest.raises(TypeError, match="n_layers"):
        xiong2020.last_layer_by_depth((1,), n_layers=3)
