"""winit.experiments.vaswani2017, radford2018 and mishkin2016: small, fast runs."""

import math

import numpy as np
import pytest

from winit.experiments import mishkin2016, radford2018, vaswani2017


def test_attention_logits_follow_the_footnote():
    s = vaswani2017.attention_logits((16, 256), n_queries=512, n_keys=64, rng=1)
    assert abs(s.var_unscaled[0] / 16 - 1) < 0.15 and abs(s.var_unscaled[1] / 256 - 1) < 0.15
    assert np.all(np.abs(s.var_scaled - 1) < 0.15)
    # unscaled softmax concentrates as d_k grows; scaled stays spread
    assert s.entropy_unscaled[1] < s.entropy_unscaled[0] < s.entropy_scaled[0]
    assert s.max_weight_unscaled[1] > 0.8 and np.all(s.max_weight_scaled < 0.2)
    assert np.all(s.entropy_scaled < math.log(64))


def test_attention_theory_functions():
    np.testing.assert_array_equal(vaswani2017.logit_variance([1, 64], scaled=False), [1, 64])
    assert vaswani2017.logit_variance(64, scaled=True) == 1.0
    assert vaswani2017.softmax_entropy_limit(64, 1.0) == pytest.approx(math.log(64) - 0.5)
    assert vaswani2017.softmax_entropy_limit(64, 100.0) == 0.0
    with pytest.raises(ValueError, match="d_ks"):
        vaswani2017.attention_logits((0,))
    with pytest.raises(ValueError, match="n_keys"):
        vaswani2017.softmax_entropy_limit(0, 1.0)


def test_random_energy_is_continuous_at_the_transition():
    v = 2 * math.log(1000)
    assert radford2018.random_energy(v - 1e-9, 1000) == pytest.approx(
        radford2018.random_energy(v + 1e-9, 1000), abs=1e-6)
    assert radford2018.random_energy(0.0, 1000) == pytest.approx(math.log(1000))


@pytest.mark.parametrize("layout", radford2018.LAYOUTS)
def test_initial_loss_matches_its_closed_form_in_small(layout):
    for std in (0.02, 0.3):
        s = radford2018.initial_loss(std, layout, vocab=500, d_model=32, n_tokens=400, rng=3)
        theory = radford2018.loss_theory(layout, std, vocab=500, d_model=32)[0]
        assert abs(s.loss / theory - 1) < 0.1, (layout, std, s.loss, theory)
        assert abs(s.stream_var / std ** 2 - 1) < 0.1


def test_tied_unit_embedding_predicts_the_input_token():
    s = radford2018.initial_loss(1.0, "tied_norm", vocab=500, d_model=32, rng=0)
    assert abs(s.self_logit - 32) < 3 and s.loss > 25
    t = radford2018.initial_loss(1.0, "untied_norm", output_init="torch_linear", vocab=500,
                                 d_model=32, rng=0)
    assert abs(t.loss - (math.log(500) + 1 / 6)) < 0.1
    with pytest.raises(ValueError, match="std"):
        radford2018.initial_loss(0.0)
    with pytest.raises(ValueError, match="layout"):
        radford2018.initial_loss(0.02, "shared")


def test_lsuv_gain_theory():
    assert mishkin2016.lsuv_gain_theory("relu") == pytest.approx(math.sqrt(2))
    assert mishkin2016.lsuv_gain_theory("tanh") == pytest.approx(1.593, abs=1e-3)
    assert mishkin2016.lsuv_gain_theory("sigmoid") == pytest.approx(1.846, abs=1e-3)


def test_mlp_forward_to_caches_but_never_goes_stale():
    rng = np.random.default_rng(0)
    ws = [rng.normal(size=(8, 8)) for _ in range(3)]
    x = rng.normal(size=(5, 8))
    fwd = mishkin2016.mlp_forward_to("tanh")
    direct = np.tanh(np.tanh(x @ ws[0]) @ ws[1]) @ ws[2]
    np.testing.assert_allclose(fwd(ws, x, 2), direct)
    ws2 = [ws[0] * 2.0, ws[1], ws[2]]  # a new array for layer 0: the cache must not be used
    np.testing.assert_allclose(fwd(ws2, x, 2), np.tanh(np.tanh(x @ ws2[0]) @ ws[1]) @ ws[2])
    post = mishkin2016.mlp_forward_to("relu", measure="post")
    np.testing.assert_allclose(post(ws, x, 0), np.maximum(x @ ws[0], 0))
    with pytest.raises(ValueError, match="measure"):
        mishkin2016.mlp_forward_to("relu", measure="middle")


def test_variance_through_depth_in_small():
    out = mishkin2016.variance_through_depth(activations=("tanh", "sigmoid"), depth=6, width=64,
                                             n_lsuv=64, rng=2)
    for act, r in out.items():
        assert np.all(np.abs(r.lsuv_batch - 1) < 0.1)
        assert np.all(r.iterations <= 1)
        assert abs(np.median(r.lsuv_gains) / r.theory_gain - 1) < 0.1
    assert np.all(out["sigmoid"].closed_measured[2:] < 0.4)  # gain 1: far below 1
    with pytest.raises(ValueError, match="activations"):
        mishkin2016.variance_through_depth(activations=("gelu",))


def test_lsuv_training_in_small():
    runs = mishkin2016.lsuv_training(activations=("tanh",), inits=("lsuv", "orthogonal"),
                                     depth=3, width=16, seeds=(0,), steps=40, record_every=20)
    for init, run in runs["tanh"].items():
        assert run.losses.shape == (1, 2) and not run.diverged.any()
        assert run.losses[0, -1] < run.losses[0, 0] and 0 < run.test_accuracy[0] <= 1
    with pytest.raises(ValueError, match="inits"):
        mishkin2016.lsuv_training(inits=("kaiming",))
    with pytest.raises(ValueError, match="seeds"):
        mishkin2016.lsuv_training(seeds=(-1,))
