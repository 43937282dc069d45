"""winit.experiments.glorot2010: Glorot and Bengio (2010), Figures 6-8, on small fast versions."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from winit.experiments import glorot_signals
from _strategies import _no_warnings, rngs


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


def test_glorot_signals_are_reproducible():
    a = glorot_signals(n_samples=5, width=50, rng=1)
    b = glorot_signals(n_samples=5, width=50, rng=1)
    c = glorot_signals(n_samples=5, width=50, rng=2)
    for init in ("standard", "normalized"):
        assert all(np.array_equal(p, q) for p, q in zip(a[init].activations, b[init].activations))
        assert all(np.array_equal(p, q) for p, q in zip(a[init].gradients, b[init].gradients))
        assert not np.array_equal(a[init].activations[0], c[init].activations[0])


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(1, 4), depth=st.integers(1, 3), width=st.integers(1, 6), rng=rngs)
def test_glorot_signals_properties(n, depth, width, rng):
    out = _no_warnings(lambda: glorot_signals(n_samples=n, depth=depth, width=width, rng=rng))
    assert set(out) == {"standard", "normalized"}
    for s in out.values():
        assert s.activation_std.shape == (depth,) and np.isfinite(s.activation_std).all()
        assert np.isfinite(s.gradient_std).all()


def test_glorot_standard_init_spread_changes_by_sqrt_three_per_layer(glorot):
    """n Var[W] = 1/3 divides the variance by 3 per layer: the standard deviation by sqrt(3)."""
    s = glorot["standard"]
    up = np.exp(np.mean(np.log(s.activation_std[:-1] / s.activation_std[1:])))
    down = np.exp(np.mean(np.log(s.gradient_std[1:] / s.gradient_std[:-1])))
    assert abs(up - np.sqrt(3)) < 0.1 and abs(down - np.sqrt(3)) < 0.1, (up, down)
