"""winit.experiments.mishkin2016: small, fast runs."""

import math

import numpy as np
import pytest

from winit.experiments import mishkin2016


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
