"""Property-based tests (hypothesis) of winit.networks: any valid input gives finite values
of the right shape, with no warning, or a clear refusal.

These belong in tests/test_networks.py, one test file per module; they wait here until the
branches that edit that file are merged. The other property tests live in the file of the
module they test, the refusals of invalid input in test_validation.py.
"""

import math
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from winit import data as wdata
from winit import networks as wnet
from _strategies import DATA_SETTINGS, _no_warnings, dtypes, equal_dtypes, rngs

layer_sizes = st.lists(st.integers(1, 12), min_size=2, max_size=4)


@DATA_SETTINGS
@given(
    sizes=layer_sizes,
    std=st.one_of(st.just(0.0), st.floats(5e-324, 1.7976931348623157e308)),
    distribution=st.sampled_from(["normal", "uniform"]),
    dtype=st.one_of(dtypes, equal_dtypes),
    rng=rngs,
)
def test_init_weights_properties(sizes, std, distribution, dtype, rng):
    try:
        params = _no_warnings(lambda: wnet.init_weights(sizes, std, distribution=distribution, rng=rng, dtype=dtype))
    except ValueError as err:
        assert re.match(r"^std must be 0 or (at least float(32|64)'s smallest normal|at most)", str(err))
        info = np.finfo(dtype)
        assert std < float(info.smallest_normal) or std * math.sqrt(3) > float(info.max) / 128
        return
    for (W, b), (n_in, n_out) in zip(params, zip(sizes, sizes[1:])):
        assert W.shape == (n_in, n_out) and W.dtype == np.dtype(dtype) and b.dtype == np.dtype(dtype)
        assert np.isfinite(W).all() and not b.any()
        assert (std == 0) == (not W.any()) or W.size < 3


@DATA_SETTINGS
@given(
    sizes=layer_sizes,
    batch=st.integers(1, 6),
    x_scale=st.floats(1e-300, 1e300),
    activation=st.sampled_from(list(wnet.ACTIVATIONS)),
    seed=st.integers(0, 2**32),
)
def test_forward_backward_flag_every_non_finite_value_and_never_warn(sizes, batch, x_scale, activation, seed):
    rng = np.random.default_rng(seed)
    params = wnet.init_weights(sizes, rng=rng)
    x = rng.normal(size=(batch, sizes[0])) * x_scale
    y = rng.integers(0, sizes[-1], size=batch)
    rec = _no_warnings(lambda: wnet.forward(params, x, activation))
    grads = _no_warnings(lambda: wnet.backward(params, rec, y))
    assert rec.finite == all(np.isfinite(a).all() for a in rec.pre_activations + [rec.outputs])
    assert grads.finite == all(np.isfinite(a).all() for a in grads.grad_pre_activations + grads.grad_weights)
    if rec.finite:
        np.testing.assert_allclose(rec.outputs.sum(axis=1), 1.0, rtol=1e-12)


@DATA_SETTINGS
@given(
    z=st.lists(st.floats(-1e300, 1e300), min_size=1, max_size=12),
    activation=st.sampled_from(list(wnet.ACTIVATIONS)),
)
def test_activations_and_softmax_of_finite_input_are_finite(z, activation):
    z = np.array(z)
    assert np.isfinite(_no_warnings(lambda: wnet.activate(z, activation))).all()
    p = _no_warnings(lambda: wnet.softmax(z[None, :] / 1e10))  # a span softmax can hold
    assert np.isfinite(p).all() and p.sum() == pytest.approx(1.0)
    ls = _no_warnings(lambda: wnet.log_softmax(z))
    assert not np.isnan(ls).any() and (ls <= 0).all()
    loss = _no_warnings(lambda: wnet.cross_entropy(z[None, :], [0]))
    assert type(loss) is float and loss >= 0 and not math.isnan(loss)


@DATA_SETTINGS
@given(
    lr=st.floats(1e-8, 1e8),
    activation=st.sampled_from(list(wnet.ACTIVATIONS)),
    seed=st.integers(0, 2**32),
    std=st.one_of(st.just(0.0), st.floats(1e-300, 1e10)),
)
def test_train_sgd_either_learns_or_says_it_diverged(lr, activation, seed, std):
    x, y = wdata.gaussian_mixture(40, dim=3, n_classes=3, rng=seed)
    params = wnet.init_weights([3, 6, 3], std, rng=seed)
    res = _no_warnings(lambda: wnet.train_sgd(params, x, y, steps=25, lr=lr, batch_size=8,
                                              activation=activation, rng=seed, record_every=5))
    if res.diverged:
        assert not math.isfinite(res.losses[-1]) and np.isfinite(res.losses[:-1]).all()
        assert type(res.diverged_at) is int
    else:
        assert np.isfinite(res.losses).all() and len(res.losses) == 5
        assert all(np.isfinite(W).all() for W, _ in res.params)
