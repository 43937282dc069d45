"""winit.experiments._common: the initialisation rules of the 2010-2015 papers (INITS) and
layer_signals, the per-layer activations and gradients of one pass."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from winit import networks as wnet
from winit.experiments import INITS, layer_signals, shapes_dataset
from winit.networks import init_weights
from _strategies import DATA_SETTINGS, _no_warnings


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


@DATA_SETTINGS
@given(
    n=st.integers(1, 6),
    n_in=st.integers(1, 5),
    depth=st.integers(1, 3),
    width=st.integers(1, 8),
    activation=st.sampled_from(list(wnet.ACTIVATIONS)),
    init=st.sampled_from(["standard", "normalized", "lecun", "he"]),
    x_scale=st.floats(1e-100, 1e100),
    seed=st.integers(0, 2**32),
)
def test_layer_signals_are_finite_or_refused(n, n_in, depth, width, activation, init, x_scale, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, n_in)) * x_scale
    y = rng.integers(0, 3, size=n)
    try:
        s = _no_warnings(lambda: layer_signals(x, y, activation=activation, init=init, depth=depth,
                                               width=width, rng=seed))
    except ValueError as err:
        assert str(err).startswith("x must be small enough for the signals to stay finite")
        assert x_scale > 1e30
        return
    for arr in (s.activation_std, s.gradient_std, s.activation_second_moment):
        assert arr.shape == (depth,) and np.isfinite(arr).all()
    assert all(a.shape == (n, width) for a in s.activations + s.gradients)
