"""winit.lsuv: Mishkin and Matas's layer-sequential unit-variance initialisation.

Unit tests (the algorithm on networks whose variances are known in closed
form, the tolerance and the cap, SPEC 7 randomness, errors naming the
argument) and property-based tests with hypothesis.
"""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import winit
from winit.lsuv import LSUVResult

SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def linear_stack(activation=None, post=False):
    """forward_to of h <- f(h @ W); returns layer k's output h @ W_k (or f of it)."""
    f = {None: lambda z: z, "relu": lambda z: np.maximum(z, 0.0), "tanh": np.tanh,
         "sigmoid": lambda z: 0.5 * (1.0 + np.tanh(z / 2))}[activation]

    def forward_to(ws, x, k):
        h = x
        for W in ws[:k]:
            h = f(h @ W)
        z = h @ ws[k]
        return f(z) if post else z

    return forward_to


def shapes(*dims):
    return [np.ones((a, b)) for a, b in zip(dims[:-1], dims[1:])]


X = np.random.default_rng(123).normal(size=(200, 16))


# ---------------------------------------------------------------------------
# The algorithm
# ---------------------------------------------------------------------------


def test_linear_outputs_reach_variance_one_in_one_division():
    res = winit.lsuv(shapes(16, 32, 32, 8), linear_stack("relu"), X, rng=0)
    assert isinstance(res, LSUVResult)
    # independent check: recompute every layer's variance from the returned weights
    fwd = linear_stack("relu")
    for k in range(3):
        assert abs(np.var(fwd(res.weights, X, k)) - 1.0) < 1e-12
    assert res.iterations.tolist() == [1, 1, 1] and res.converged.all()
    np.testing.assert_allclose(res.variances, 1.0, atol=1e-12)


def test_starts_orthogonal_and_only_rescales():
    res = winit.lsuv(shapes(16, 32, 32), linear_stack("tanh"), X, rng=1)
    for W in res.weights:
        gram = W @ W.T if W.shape[0] < W.shape[1] else W.T @ W
        g2 = gram[0, 0]
        np.testing.assert_allclose(gram, g2 * np.eye(gram.shape[0]), atol=1e-10)


def test_without_orthogonal_the_given_weights_are_only_scaled():
    w0 = [np.arange(1.0, 17.0).reshape(16, 1) @ np.ones((1, 4))]
    res = winit.lsuv(w0, linear_stack(), X, orthogonal=False)
    ratio = res.weights[0] / w0[0]
    assert np.allclose(ratio, ratio[0, 0]) and ratio[0, 0] > 0
    assert w0[0][0, 0] == 1.0  # the input is not modified


def test_gain_matches_closed_form_for_a_linear_layer():
    # one square orthogonal layer on white data: Var[xW] = g^2 Var[x] -> g = 1/std(x)
    x = np.random.default_rng(5).normal(scale=3.0, size=(20000, 8))
    res = winit.lsuv([np.ones((8, 8))], linear_stack(), x, rng=2)
    g = math.sqrt(np.sum(res.weights[0] ** 2) / 8)
    assert abs(g - 1 / 3.0) < 0.01


def test_first_measurement_within_tolerance_is_left_alone():
    # orthogonal 16x16 times nothing on unit-variance data: Var ~ 1 within 0.1
    x = np.random.default_rng(9).normal(size=(5000, 16))
    res = winit.lsuv([np.ones((16, 16))], linear_stack(), x, tol=0.1, rng=3)
    assert res.iterations.tolist() == [0] and res.converged.all()
    assert abs(res.variances[0] - 1) < 0.1


def test_cap_stops_an_unreachable_target():
    # a sigmoid's output has variance at most 1/4: the loop can only stop at the cap
    res = winit.lsuv(shapes(16, 16, 16), linear_stack("sigmoid", post=True), X, max_iter=7, rng=0)
    assert res.iterations.tolist() == [7, 7] and not res.converged.any()
    assert np.all(res.variances <= 0.25)


def test_tanh_after_activation_needs_several_divisions_and_converges_with_a_loose_tolerance():
    res = winit.lsuv(shapes(16, 64), linear_stack("tanh", post=True), X, tol=0.5, max_iter=50,
                     rng=0)
    assert res.converged.all() and res.iterations[0] >= 1
    assert abs(res.variances[0] - 1) < 0.5
    tight = winit.lsuv(shapes(16, 64), linear_stack("tanh", post=True), X, tol=0.01, max_iter=3,
                       rng=0)
    assert tight.iterations.tolist() == [3] and not tight.converged.any()


def test_constant_output_stops_without_dividing_by_zero():
    res = winit.lsuv([np.ones((16, 4))], lambda ws, x, k: np.zeros((10, 4)), X, rng=0)
    assert res.iterations.tolist() == [0] and not res.converged.any()
    assert res.variances.tolist() == [0.0] and np.isfinite(res.weights[0]).all()


def test_fresh_minibatches_use_the_rng_and_the_batch_size():
    seen = []

    def fwd(ws, x, k):
        seen.append(x.shape)
        return linear_stack()(ws, x, k)

    res = winit.lsuv(shapes(16, 8), fwd, X, batch_size=10, rng=4)
    assert set(seen) == {(10, 16)} and len(seen) == res.iterations[0] + 1
    a = winit.lsuv(shapes(16, 8, 8), linear_stack("tanh"), X, batch_size=10, rng=7)
    b = winit.lsuv(shapes(16, 8, 8), linear_stack("tanh"), X, batch_size=10, rng=7)
    c = winit.lsuv(shapes(16, 8, 8), linear_stack("tanh"), X, batch_size=10, rng=8)
    for wa, wb in zip(a.weights, b.weights):
        np.testing.assert_array_equal(wa, wb)
    assert not np.allclose(a.weights[0], c.weights[0])


def test_rng_spec7_forms_agree():
    w = shapes(16, 8)
    by_int = winit.lsuv(w, linear_stack(), X, rng=11).weights[0]
    by_gen = winit.lsuv(w, linear_stack(), X, rng=np.random.default_rng(11)).weights[0]
    by_seq = winit.lsuv(w, linear_stack(), X, rng=np.random.SeedSequence(11)).weights[0]
    np.testing.assert_array_equal(by_int, by_gen)
    np.testing.assert_array_equal(by_int, by_seq)


def test_dtypes_are_kept():
    w = [np.ones((16, 8), np.float32), np.ones((8, 4), np.int64)]
    res = winit.lsuv(w, linear_stack(), X.astype(np.float32), rng=0)
    assert res.weights[0].dtype == np.float32 and res.weights[1].dtype == np.float64
    assert res.variances.dtype == np.float64 and res.iterations.dtype.kind == "i"


# ---------------------------------------------------------------------------
# Errors name the argument
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("weights,exc,match", [
    (np.ones((4, 4)), TypeError, "weights must be a sequence of arrays"),
    ([], ValueError, "weights must be a non-empty sequence"),
    ([np.ones((4, 4)), "abc"], TypeError, r"weights\[1\]"),
    ([np.ones((4, 4), dtype=complex)], TypeError, r"weights\[0\] must be an array of real"),
    ([np.zeros((0, 4))], ValueError, r"weights\[0\] must be a non-empty"),
    ([np.ones(4)], ValueError, r"weights\[0\] must be an array of at least 2 dimensions"),
    ([np.full((4, 4), np.nan)], ValueError, r"weights\[0\] must be an array of finite"),
])
def test_bad_weights(weights, exc, match):
    with pytest.raises(exc, match=match):
        winit.lsuv(weights, linear_stack(), np.ones((3, 4)), rng=0)


@pytest.mark.parametrize("kwargs,exc,match", [
    (dict(tol=0.0), ValueError, "tol must be a positive"),
    (dict(tol="0.1"), TypeError, "tol must be a real number"),
    (dict(tol=math.nan), ValueError, "tol must be a finite"),
    (dict(max_iter=0), ValueError, "max_iter must be a positive integer"),
    (dict(max_iter=True), TypeError, "max_iter must be a positive integer"),
    (dict(max_iter=2.0), TypeError, "max_iter"),
    (dict(orthogonal=1), TypeError, "orthogonal must be True or False"),
    (dict(batch_size=0), ValueError, "batch_size must be a positive"),
    (dict(batch_size=1000), ValueError, "batch_size must be a positive integer of at most 200"),
    (dict(rng=-1), ValueError, "rng must be"),
    (dict(rng="seed"), TypeError, "rng must be"),
    (dict(rng=np.random.RandomState(0)), TypeError, "RandomState"),
])
def test_bad_options(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        winit.lsuv(shapes(16, 8), linear_stack(), X, **kwargs)


def test_bad_forward_to():
    with pytest.raises(TypeError, match="forward_to must be a callable"):
        winit.lsuv(shapes(16, 8), "forward", X, rng=0)
    with pytest.raises(TypeError, match=r"^forward_to\(weights, x, 0\) must be an array of real numbers \(the output of layer 0\)"):
        winit.lsuv(shapes(16, 8), lambda ws, x, k: "out", X, rng=0)
    with pytest.raises(ValueError, match=r"^forward_to\(weights, x, 0\) must be an array of at least 2 numbers"):
        winit.lsuv(shapes(16, 8), lambda ws, x, k: np.ones(1), X, rng=0)
    with pytest.raises(ValueError, match=r"^forward_to\(weights, x, 0\) must be an array of finite numbers .*infinity"):
        winit.lsuv(shapes(16, 8), lambda ws, x, k: np.array([1.0, np.inf]), X, rng=0)


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------


@SETTINGS
@given(widths=st.lists(st.integers(2, 24), min_size=2, max_size=5),
       tol=st.floats(0.01, 0.5), max_iter=st.integers(1, 6), seed=st.integers(0, 2**31),
       act=st.sampled_from(["relu", "tanh", "sigmoid", None]), post=st.booleans())
def test_tolerance_and_cap_are_honoured(widths, tol, max_iter, seed, act, post):
    fwd = linear_stack(act, post=post)
    res = winit.lsuv(shapes(*widths), fwd, X[:, :widths[0]] if widths[0] <= 16 else
                     np.random.default_rng(seed).normal(size=(50, widths[0])),
                     tol=tol, max_iter=max_iter, rng=seed)
    n = len(widths) - 1
    assert len(res.weights) == n and res.variances.shape == (n,)
    assert np.all(res.iterations <= max_iter) and np.all(res.iterations >= 0)
    # converged exactly when the final variance is within the tolerance
    np.testing.assert_array_equal(res.converged, np.abs(res.variances - 1) < tol)
    # a layer stopped short of the cap must have converged (or be constant)
    short = res.iterations < max_iter
    assert np.all(res.converged[short] | (res.variances[short] == 0))
    for w, (a, b) in zip(res.weights, zip(widths[:-1], widths[1:])):
        assert w.shape == (a, b) and np.isfinite(w).all()


@SETTINGS
@given(widths=st.lists(st.integers(2, 16), min_size=2, max_size=4), seed=st.integers(0, 2**31),
       act=st.sampled_from(["relu", "tanh", "sigmoid", None]))
def test_linear_outputs_always_converge_in_at_most_one_division(widths, seed, act):
    x = np.random.default_rng(seed).normal(size=(64, widths[0]))
    res = winit.lsuv(shapes(*widths), linear_stack(act), x, tol=1e-6, max_iter=3, rng=seed)
    assert res.converged.all() and np.all(res.iterations <= 1)


@SETTINGS
@given(bad=st.one_of(st.floats(max_value=0.0), st.just(math.inf), st.just(math.nan)))
def test_non_positive_or_non_finite_tolerance_is_refused(bad):
    with pytest.raises(ValueError, match="tol"):
        winit.lsuv(shapes(16, 8), linear_stack(), X, tol=bad)


@SETTINGS
@given(bad=st.one_of(st.integers(max_value=0), st.booleans(), st.floats(), st.text()))
def test_bad_max_iter_is_refused(bad):
    with pytest.raises((TypeError, ValueError), match="max_iter"):
        winit.lsuv(shapes(16, 8), linear_stack(), X, max_iter=bad)


# ---------------------------------------------------------------------------
# No silent wrong answer: outputs whose squares leave the floating range
# ---------------------------------------------------------------------------


def _std_of_output(weights, x, k):
    """The standard deviation of linear_stack()'s output of layer k, computed on
    values divided by their largest magnitude (an independent computation)."""
    out = linear_stack()(weights, x, k)
    scale = np.abs(out).max()
    return float(np.std(out / scale)) * scale


@pytest.mark.parametrize("scale", [1e160, 1e-165])
def test_outputs_beyond_the_range_of_their_squares_are_rescaled(scale):
    # the variance overflowed to inf (weights divided to 0) or underflowed to 0 (the
    # layer reported constant and left alone)
    w = [np.random.default_rng(0).normal(size=(16, 8)) * scale]
    res = winit.lsuv(w, linear_stack(), X, orthogonal=False, rng=0)
    assert res.converged.all() and res.iterations.tolist() == [1]
    assert abs(res.variances[0] - 1.0) < 1e-12
    assert abs(_std_of_output(res.weights, X, 0) - 1.0) < 1e-12


def test_float32_weights_whose_factor_overflows_float32_are_rescaled():
    # 1 / sqrt(var) above float32's largest value: the weights became inf
    w = [np.ones((16, 8), np.float32) * np.float32(1e-30)]
    res = winit.lsuv(w, linear_stack(), X.astype(np.float32) * np.float32(1e-15),
                     orthogonal=False, rng=0)
    assert res.weights[0].dtype == np.float32 and np.isfinite(res.weights[0]).all()
    assert res.converged.all()


def test_weights_that_cannot_be_rescaled_in_their_dtype_are_refused():
    def forward_to(ws, x, k):  # an output whose spread does not follow the weights
        return np.array([0.0, 1e-300])

    with pytest.raises(ValueError, match=r"^weights\[0\] must be weights that can be divided by"):
        winit.lsuv([np.full((4, 4), 1e10)], forward_to, X, orthogonal=False, rng=0)
