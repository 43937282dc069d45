"""Tests of winit.experiments: the papers' findings, on small fast versions."""

from __future__ import annotations

import math

import numpy as np
import pytest

from winit.experiments import (
    INITS,
    gaussian_mixture,
    glorot_signals,
    he_depth_training,
    layer_signals,
    relu_signals,
    shapes_dataset,
)
from winit.networks import init_weights

# ---- data ----------------------------------------------------------------------


def test_shapes_dataset_looks_like_shapeset():
    x, y = shapes_dataset(900, rng=0)
    assert x.shape == (900, 1024) and y.shape == (900,)
    assert x.min() == 0.0 and x.max() <= 1.0
    assert set(y.tolist()) == set(range(9))
    lit = (x > 0).sum(axis=1)
    assert lit.min() > 0  # every image shows a shape
    # Classes 0-2 hold one shape, 3-8 two: more lit pixels on average.
    assert lit[y >= 3].mean() > 1.4 * lit[y < 3].mean()
    # Mostly background, as the paper's images: small mean square.
    assert 0.02 < np.mean(x * x) < 0.2


def test_shapes_dataset_is_seeded():
    a, ya = shapes_dataset(20, rng=3)
    b, yb = shapes_dataset(20, rng=3)
    c, _ = shapes_dataset(20, rng=4)
    assert np.array_equal(a, b) and np.array_equal(ya, yb)
    assert not np.array_equal(a, c)


def test_gaussian_mixture_is_standardised_and_seeded():
    x, y = gaussian_mixture(500, dim=16, n_classes=4, rng=0)
    np.testing.assert_allclose(x.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(x.std(axis=0), 1, rtol=1e-12)
    assert set(y.tolist()) == {0, 1, 2, 3}
    x2, y2 = gaussian_mixture(500, dim=16, n_classes=4, rng=0)
    assert np.array_equal(x, x2) and np.array_equal(y, y2)


def test_init_rules_match_the_papers_formulas():
    # Glorot & Bengio eq. 1: U[-1/sqrt(n), 1/sqrt(n)]; eq. 16: U[+-sqrt(6/(n_in+n_out))].
    (W, _), = init_weights([400, 100], std=INITS["standard"][0],
                           distribution=INITS["standard"][1], rng=0)
    assert np.abs(W).max() <= 1 / math.sqrt(400) and np.abs(W).max() > 0.99 / math.sqrt(400)
    (W, _), = init_weights([400, 100], std=INITS["normalized"][0],
                           distribution=INITS["normalized"][1], rng=0)
    bound = math.sqrt(6 / 500)
    assert np.abs(W).max() <= bound and np.abs(W).max() > 0.99 * bound
    assert INITS["lecun"][0](50, 7) == pytest.approx(math.sqrt(1 / 50))
    assert INITS["he"][0](50, 7) == pytest.approx(math.sqrt(2 / 50))
    assert INITS["lecun"][1] == INITS["he"][1] == "normal"
    # one meaning of "xavier" in winit: the tutorial's U[+-1/sqrt(n)], here "standard"
    assert "xavier" not in INITS
    assert INITS["standard"][0](50, 7) == pytest.approx(math.sqrt(1 / 150))


# ---- Glorot & Bengio (2010), Figures 6 and 7 --------------------------------------


@pytest.fixture(scope="module")
def glorot():
    return glorot_signals(n_samples=60, rng=0)


def test_glorot_standard_init_shrinks_activations_forward(glorot):
    s = glorot["standard"]
    assert len(s.activations) == 5 and s.activations[0].shape == (60, 1000)
    ratios = s.activation_std[1:] / s.activation_std[:-1]
    # n Var[W] = 1/3: about 1/sqrt(3) = 0.58 per layer in tanh's linear regime.
    assert np.all((ratios > 0.5) & (ratios < 0.65)), ratios


def test_glorot_standard_init_shrinks_gradients_toward_the_input(glorot):
    s = glorot["standard"]
    down = s.gradient_std[:-1] / s.gradient_std[1:]  # layer l over layer l+1
    assert np.all((down > 0.5) & (down < 0.65)), down


def test_glorot_normalized_init_keeps_both_roughly_constant(glorot):
    s = glorot["normalized"]
    act = s.activation_std[1:] / s.activation_std[:-1]
    grad = s.gradient_std[:-1] / s.gradient_std[1:]
    assert np.all(act > 0.85) and np.all(act < 1.05), act
    assert np.all(grad > 0.85) and np.all(grad < 1.05), grad
    std = glorot["standard"]
    # Over five layers: within a factor 1.5 with normalized, 8 or more with standard.
    assert s.activation_std[0] / s.activation_std[-1] < 1.5
    assert std.activation_std[0] / std.activation_std[-1] > 8
    assert s.gradient_std[-1] / s.gradient_std[0] < 1.5
    assert std.gradient_std[-1] / std.gradient_std[0] > 8


def test_glorot_weight_gradients_are_level_across_layers(glorot):
    """Figure 8 (their eq. 14): dL/dW is about the same in every layer at
    initialisation, with either init, while dL/dz changes by a factor 8 or more."""
    for init in ("standard", "normalized"):
        s = glorot[init]
        assert len(s.weight_gradients) == 5 and s.weight_gradient_std.shape == (5,)
        assert s.weight_gradients[0].shape == (1024, 1000)
        assert s.weight_gradients[1].shape == (1000, 1000)
        assert s.weight_gradient_std.max() / s.weight_gradient_std.min() < 1.2
    std = glorot["standard"]
    assert std.gradient_std[-1] / std.gradient_std[0] > 8


def test_layer_signals_weight_gradients_are_h_transpose_dz():
    """dL/dW_l = h_{l-1}^T dL/dz_l for the mean loss (dL/dz recorded per example)."""
    x, y = shapes_dataset(6, rng=3)
    s = layer_signals(x, y, activation="tanh", init="standard", depth=3, width=20, rng=4)
    n = x.shape[0]
    inputs = [x] + s.activations[:-1]
    for layer in range(3):
        np.testing.assert_allclose(s.weight_gradients[layer],
                                   inputs[layer].T @ s.gradients[layer] / n, rtol=1e-10)
        assert s.weight_gradient_std[layer] == s.weight_gradients[layer].std()


def test_glorot_signals_are_reproducible():
    a = glorot_signals(n_samples=5, width=50, rng=1)
    b = glorot_signals(n_samples=5, width=50, rng=1)
    c = glorot_signals(n_samples=5, width=50, rng=2)
    for init in ("standard", "normalized"):
        assert all(np.array_equal(p, q) for p, q in zip(a[init].activations, b[init].activations))
        assert all(np.array_equal(p, q) for p, q in zip(a[init].gradients, b[init].gradients))
        assert not np.array_equal(a[init].activations[0], c[init].activations[0])


def test_layer_signals_gradients_are_per_example():
    # The mean-loss gradient times N: one example's gradient does not depend
    # on how many others share the batch.
    x, _ = shapes_dataset(4, rng=0)
    y = np.array([8, 0, 3, 5])  # same largest label: same output width, same weights
    one = layer_signals(x[:1], y[:1], activation="tanh", init="normalized", depth=2,
                        width=30, rng=5)
    four = layer_signals(x, y, activation="tanh", init="normalized", depth=2, width=30, rng=5)
    for l in range(2):
        np.testing.assert_allclose(one.gradients[l][0], four.gradients[l][0], rtol=1e-10)
    assert one.activation_std.shape == (2,)


def test_layer_signals_errors():
    x, y = shapes_dataset(3, rng=0)
    with pytest.raises(ValueError, match=r"init must be one of 'standard'.*got 'orthogonal'"):
        layer_signals(x, y, activation="tanh", init="orthogonal")
    with pytest.raises(ValueError, match=r"depth must be a positive integer"):
        layer_signals(x, y, activation="tanh", init="he", depth=0)
    with pytest.raises(ValueError, match=r"activation must be one of"):
        layer_signals(x, y, activation="elu", init="he", width=4)


# ---- the same network with ReLU: He et al. (2015), eq. 7-10 -------------------------


def test_relu_second_moment_halves_with_lecun_and_holds_with_he():
    s = relu_signals(n_samples=60, rng=0)
    xav = s["lecun"].activation_second_moment
    he = s["he"].activation_second_moment
    assert np.all((xav[1:] / xav[:-1] > 0.4) & (xav[1:] / xav[:-1] < 0.6)), xav
    assert np.all((he[1:] / he[:-1] > 0.85) & (he[1:] / he[:-1] < 1.15)), he
    # Same first layer up to the factor 2 in variance.
    assert he[0] / xav[0] == pytest.approx(2.0, rel=0.1)


# ---- He et al. (2015), Figures 2 and 3 ------------------------------------------------


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
