"""winit.experiments.he2015: He et al. (2015), eq. 7-10 and Figures 2-3, on small fast versions."""

from __future__ import annotations

import math

import numpy as np
import pytest

from winit.experiments import he_depth_training, relu_signals


def test_relu_second_moment_halves_with_lecun_and_holds_with_he():
    s = relu_signals(n_samples=60, rng=0)
    xav = s["lecun"].activation_second_moment
    he = s["he"].activation_second_moment
    assert np.all((xav[1:] / xav[:-1] > 0.4) & (xav[1:] / xav[:-1] < 0.6)), xav
    assert np.all((he[1:] / he[:-1] > 0.85) & (he[1:] / he[:-1] < 1.15)), he
    # Same first layer up to the factor 2 in variance.
    assert he[0] / xav[0] == pytest.approx(2.0, rel=0.1)


@pytest.fixture(scope="module")
def he_small():
    # Small and short: 8 and 14 weight layers of 16 units, 300 steps, 3 seeds.
    return he_depth_training(depths=(8, 14), n_seeds=3, width=16, steps=300, lr=0.02,
                             batch_size=32, record_every=100, rng=0)


def test_he_depth_training_returns_every_seed_measured_on_both_sets(he_small):
    assert sorted(he_small) == [8, 14]
    for depth in (8, 14):
        assert sorted(he_small[depth]) == ["he", "lecun"]
        for runs in he_small[depth].values():
            assert list(runs.steps) == [0, 100, 200, 300]
            for field in ("train_loss", "test_loss", "train_error", "test_error"):
                values = getattr(runs, field)
                assert values.shape == (3, 4) and np.all(np.isfinite(values)), field
            assert np.all((runs.test_error >= 0) & (runs.test_error <= 1))
            assert runs.diverged.shape == (3,) and not runs.diverged.any()


def test_he_depth_training_starts_at_a_uniform_guess_and_he_learns_first(he_small):
    log_k = math.log(10)
    for depth in (8, 14):
        xav, he = he_small[depth]["lecun"], he_small[depth]["he"]
        # "lecun" (He et al.'s "Xavier") starts nearer log 10 than He: its logits are 2**(depth/2) times smaller.
        assert np.all(np.abs(xav.train_loss[:, 0] - log_k) < 0.05)
        # Every He seed is ahead of its "lecun" twin at the end.
        assert np.all(he.train_loss[:, -1] < xav.train_loss[:, -1])
    # At 14 layers "lecun" has not left log 10 in 300 steps.
    assert np.all(np.abs(he_small[14]["lecun"].train_loss - log_k) < 0.05)


def test_he_depth_training_is_reproducible_and_seeded():
    kw = dict(depths=3, n_seeds=2, width=8, steps=20, lr=0.05, record_every=10)
    a, b, c = (he_depth_training(rng=s, **kw) for s in (1, 1, 2))
    for init in ("lecun", "he"):
        np.testing.assert_array_equal(a[3][init].train_loss, b[3][init].train_loss)
        assert not np.array_equal(a[3][init].train_loss, c[3][init].train_loss)
    # Seeds differ from one another.
    assert not np.array_equal(a[3]["he"].train_loss[0], a[3]["he"].train_loss[1])


def test_he_depth_training_errors():
    with pytest.raises(TypeError, match=r"rng must be None, a non-negative integer seed"):
        he_depth_training(rng="zero")
    with pytest.raises(ValueError, match=r"depths\[0\] must be an integer of at least 2 \(a number of weight layers\); got 1"):
        he_depth_training(depths=(1,))
    with pytest.raises(ValueError, match=r"width must be a positive integer"):
        he_depth_training(width=0)
    with pytest.raises(ValueError, match=r"n_seeds must be a positive integer"):
        he_depth_training(n_seeds=0)
    with pytest.raises(ValueError, match=r"input_scale must be"):
        he_depth_training(input_scale=-1.0)
    with pytest.raises(ValueError, match=r"lr must be"):
        he_depth_training(depths=3, width=4, steps=2, lr=0.0)
