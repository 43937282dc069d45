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
    assert INITS["xavier"][0](50, 7) == pytest.approx(math.sqrt(1 / 50))
    assert INITS["he"][0](50, 7) == pytest.approx(math.sqrt(2 / 50))
    assert INITS["xavier"][1] == INITS["he"][1] == "normal"


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


def test_relu_second_moment_halves_with_xavier_and_holds_with_he():
    s = relu_signals(n_samples=60, rng=0)
    xav = s["xavier"].activation_second_moment
    he = s["he"].activation_second_moment
    assert np.all((xav[1:] / xav[:-1] > 0.4) & (xav[1:] / xav[:-1] < 0.6)), xav
    assert np.all((he[1:] / he[:-1] > 0.85) & (he[1:] / he[:-1] < 1.15)), he
    # Same first layer up to the factor 2 in variance.
    assert he[0] / xav[0] == pytest.approx(2.0, rel=0.1)


# ---- He et al. (2015), Figures 2 and 3 ------------------------------------------------


@pytest.fixture(scope="module")
def he_short():
    # The book's settings, cut to 500 steps: enough for He's nets to learn,
    # too few for either "xavier" net to leave its plateau (the 22-layer one
    # needs 1,000 or more with these settings).
    return he_depth_training(steps=500, record_every=20, rng=0)


def test_he_depth_training_30_layers_xavier_stalls_he_learns(he_short):
    log_k = math.log(10)
    xav, he = he_short[30]["xavier"], he_short[30]["he"]
    assert not xav.diverged and not he.diverged
    assert np.all(np.abs(xav.losses - log_k) < 0.05), xav.losses
    assert he.losses[-1] < 0.6 * log_k, he.losses


def test_he_depth_training_22_layers_he_learns_first(he_short):
    xav, he = he_short[22]["xavier"], he_short[22]["he"]
    assert he.losses[-1] < xav.losses[-1] - 1.0
    assert list(he.steps) == list(xav.steps) == list(range(20, 501, 20))


def test_he_depth_training_same_weights_up_to_sqrt2():
    # One weight seed for both inits: He's weights are sqrt(2) times "xavier"'s.
    r = he_depth_training(depths=(3,), width=8, steps=1, batch_size=10, n_train=50,
                          lr=1e-12, dtype=np.float64, rng=4)
    (w_x, _), (w_h, _) = r[3]["xavier"].params[0], r[3]["he"].params[0]
    np.testing.assert_allclose(w_h, math.sqrt(2) * w_x, rtol=1e-9)


def test_he_depth_training_is_reproducible():
    kw = dict(depths=(3, 4), width=8, steps=30, batch_size=10, n_train=100, record_every=5)
    a, b, c = (he_depth_training(rng=s, **kw) for s in (1, 1, 2))
    for d in (3, 4):
        for init in ("xavier", "he"):
            np.testing.assert_array_equal(a[d][init].losses, b[d][init].losses)
            assert not np.array_equal(a[d][init].losses, c[d][init].losses)


def test_he_depth_training_errors():
    with pytest.raises(TypeError, match=r"rng must be None, a non-negative integer seed"):
        he_depth_training(rng="zero")
    with pytest.raises(ValueError, match=r"depths must be integers >= 2.*got \[1\]"):
        he_depth_training(depths=(1,))
    with pytest.raises(ValueError, match=r"width must be a positive integer"):
        he_depth_training(width=0)
