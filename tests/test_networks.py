"""Tests of winit.networks: gradients, loss, shapes, seeds, errors, training."""

from __future__ import annotations

import math
import re
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from _strategies import DATA_SETTINGS, _no_warnings, dtypes, equal_dtypes, rngs
from winit import activations
from winit import data as wdata
from winit import networks as wnet
from winit._engine import minibatch_orders
from winit.networks import (
    ACTIVATIONS,
    StackTrainResult,
    activate,
    backward,
    cross_entropy,
    forward,
    init_weights,
    log_softmax,
    softmax,
    train_sgd,
    train_sgd_stack,
)

SIZES = [5, 7, 6, 4]  # three layers: two hidden, one output


def _net(activation, rng=0, batch=6):
    r = np.random.default_rng(rng)
    params = init_weights(SIZES, std=0.7, rng=r)
    # Non-zero biases so that their gradients are checked too.
    params = [(W, r.normal(0, 0.3, size=b.shape)) for W, b in params]
    x = r.normal(size=(batch, SIZES[0]))
    y = r.integers(0, SIZES[-1], size=batch)
    return params, x, y


def _loss(params, x, y, activation):
    return cross_entropy(forward(params, x, activation).pre_activations[-1], y)


def _rel_err(a, b):
    return np.linalg.norm(a - b) / max(np.linalg.norm(a), np.linalg.norm(b), 1e-300)


# ---- gradients against central finite differences ----------------------------


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_weight_and_bias_gradients_match_finite_differences(activation):
    params, x, y = _net(activation)
    grads = backward(params, forward(params, x, activation), y)
    eps = 1e-6
    for l, (W, b) in enumerate(params):
        for arr, analytic in ((W, grads.grad_weights[l]), (b, grads.grad_biases[l])):
            numeric = np.zeros_like(arr)
            for idx in np.ndindex(arr.shape):
                old = arr[idx]
                arr[idx] = old + eps
                up = _loss(params, x, y, activation)
                arr[idx] = old - eps
                down = _loss(params, x, y, activation)
                arr[idx] = old
                numeric[idx] = (up - down) / (2 * eps)
            assert analytic.shape == arr.shape
            assert _rel_err(analytic, numeric) < 1e-6, (activation, l)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_backpropagated_gradients_match_finite_differences(activation):
    # dL/dh_l and dL/dz_l, checked on the sub-network above layer l, whose
    # input is h_l: perturbing that input (or z_l before f) must change the
    # loss at the rate backward reports.
    params, x, y = _net(activation, rng=1)
    rec = forward(params, x, activation)
    grads = backward(params, rec, y)
    f = activations.get(activation).function  # its values: tests/test_activations.py
    eps = 1e-6
    for l in range(len(params) - 1):
        top = params[l + 1:]
        h, z = rec.activations[l], rec.pre_activations[l]
        num_h, num_z = np.zeros_like(h), np.zeros_like(z)
        for idx in np.ndindex(h.shape):
            for arr, num, transform in ((h, num_h, lambda a: a), (z, num_z, f)):
                a = arr.copy()
                a[idx] += eps
                up = _loss(top, transform(a), y, activation)
                a[idx] -= 2 * eps
                down = _loss(top, transform(a), y, activation)
                num[idx] = (up - down) / (2 * eps)
        assert _rel_err(grads.grad_activations[l], num_h) < 1e-6, (activation, l)
        assert _rel_err(grads.grad_pre_activations[l], num_z) < 1e-6, (activation, l)


def test_grad_output_gives_the_chain_rule_of_a_linear_readout():
    # With grad_output = G the implied loss is sum(G * z_L): check it by
    # finite differences on a weight of the first layer.
    params, x, _ = _net("tanh", rng=2)
    G = np.random.default_rng(3).normal(size=(x.shape[0], SIZES[-1]))
    grads = backward(params, forward(params, x, "tanh", output=None), grad_output=G)
    assert grads.loss is None
    eps, W = 1e-6, params[0][0]
    W[2, 3] += eps
    up = np.sum(G * forward(params, x, "tanh", output=None).outputs)
    W[2, 3] -= 2 * eps
    down = np.sum(G * forward(params, x, "tanh", output=None).outputs)
    W[2, 3] += eps
    assert grads.grad_weights[0][2, 3] == pytest.approx((up - down) / (2 * eps), rel=1e-6)


# ---- the loss -----------------------------------------------------------------


def test_cross_entropy_matches_hand_computation():
    # -log(e^3 / (e^1 + e^2 + e^3)) = log(1 + e^-1 + e^-2); log 3 for a three-way tie.
    logits = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    expected = (math.log(1 + math.exp(-1) + math.exp(-2)) + math.log(3)) / 2
    assert cross_entropy(logits, [2, 1]) == pytest.approx(expected, rel=1e-12)
    assert cross_entropy([[0.0, 0.0]], [0]) == pytest.approx(math.log(2), rel=1e-12)


def test_cross_entropy_is_stable_for_huge_logits():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert cross_entropy([[1000.0, 0.0]], [1]) == pytest.approx(1000.0)
        assert cross_entropy([[-1000.0, 1000.0]], [1]) == pytest.approx(0.0, abs=1e-12)
        p = softmax([[1000.0, 1000.0, -1000.0]])
    np.testing.assert_allclose(p, [[0.5, 0.5, 0.0]], atol=1e-15)
    np.testing.assert_allclose(np.exp(log_softmax([[3.0, 1.0, 0.2]])),
                               softmax([[3.0, 1.0, 0.2]]), rtol=1e-14)


def test_backward_loss_equals_cross_entropy_of_forward():
    params, x, y = _net("relu")
    rec = forward(params, x, "relu")
    assert backward(params, rec, y).loss == cross_entropy(rec.pre_activations[-1], y)


def test_uniform_prediction_has_loss_log_k():
    params = init_weights([3, 4, 9], std=0.0, rng=0)
    rec = forward(params, np.ones((5, 3)), "relu")
    np.testing.assert_allclose(rec.outputs, 1 / 9)
    assert backward(params, rec, [0, 1, 2, 3, 8]).loss == pytest.approx(math.log(9))


# ---- activations ----------------------------------------------------------------


def test_activations_values():
    z = np.array([-2.0, -0.5, 0.0, 1.5])
    np.testing.assert_allclose(activate(z, "relu"), [0, 0, 0, 1.5])
    np.testing.assert_allclose(activate(z, "leaky_relu"), [-0.02, -0.005, 0, 1.5])
    np.testing.assert_allclose(activate(z, "sigmoid"), 1 / (1 + np.exp(-z)), rtol=1e-14)
    np.testing.assert_allclose(activate(z, "tanh"), np.tanh(z))
    np.testing.assert_array_equal(activate(z, "linear"), z)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert activate([-1e4], "sigmoid")[0] == 0.0


# ---- shapes and records -------------------------------------------------------------


def test_init_weights_shapes_dtype_and_zero_biases():
    params = init_weights([10, 20, 30, 3], rng=0, dtype=np.float32)
    assert [(W.shape, b.shape) for W, b in params] == [
        ((10, 20), (20,)), ((20, 30), (30,)), ((30, 3), (3,))]
    assert all(W.dtype == np.float32 and b.dtype == np.float32 for W, b in params)
    assert all(not b.any() for _, b in params)


def test_forward_and_backward_record_shapes():
    params = init_weights([8, 16, 12, 5], rng=0)
    x = np.random.default_rng(0).normal(size=(11, 8))
    rec = forward(params, x, "tanh")
    assert [z.shape for z in rec.pre_activations] == [(11, 16), (11, 12), (11, 5)]
    assert [h.shape for h in rec.activations] == [(11, 16), (11, 12)]
    np.testing.assert_allclose(rec.outputs.sum(axis=1), 1.0)
    assert rec.finite
    g = backward(params, rec, np.arange(11) % 5)
    assert [a.shape for a in g.grad_pre_activations] == [(11, 16), (11, 12), (11, 5)]
    assert [a.shape for a in g.grad_activations] == [(11, 16), (11, 12)]
    assert [a.shape for a in g.grad_weights] == [(8, 16), (16, 12), (12, 5)]
    assert [a.shape for a in g.grad_biases] == [(16,), (12,), (5,)]
    assert g.finite


def test_output_none_returns_logits():
    params = init_weights([4, 6, 3], rng=0)
    x = np.ones((2, 4))
    rec = forward(params, x, "relu", output=None)
    assert rec.outputs is rec.pre_activations[-1]
    np.testing.assert_allclose(
        rec.outputs, np.maximum(x @ params[0][0], 0) @ params[1][0])


# ---- init_weights: the distributions ------------------------------------------------


@pytest.mark.parametrize("distribution", ["normal", "uniform"])
def test_init_weights_has_the_requested_distribution(distribution):
    n_in, n_out = 400, 300
    std = math.sqrt(2 / n_in)
    (W, _), = init_weights([n_in, n_out], std=lambda i, o: math.sqrt(2 / i),
                           distribution=distribution, rng=1234)
    if distribution == "normal":
        ref = stats.norm(0, std).cdf
    else:
        ref = stats.uniform(-math.sqrt(3) * std, 2 * math.sqrt(3) * std).cdf
    assert stats.kstest(W.ravel(), ref).pvalue > 1e-3
    if distribution == "uniform":
        assert np.abs(W).max() <= math.sqrt(3) * std


def test_init_weights_default_std_is_one_over_sqrt_fan_in():
    params = init_weights([900, 100, 100], rng=5)
    for W, _ in params:
        assert stats.kstest(W.ravel(), stats.norm(0, 1 / math.sqrt(W.shape[0])).cdf).pvalue > 1e-3


def test_init_weights_std_sequence_and_zero():
    params = init_weights([50, 50, 50], std=[0.0, 2.0], rng=0)
    assert not params[0][0].any()
    assert params[1][0].std() == pytest.approx(2.0, rel=0.05)


def test_init_weights_sampler_is_called_with_fans_and_the_rng():
    calls = []

    def sampler(fan_in, fan_out, rng):
        calls.append((fan_in, fan_out, rng))
        return rng.uniform(-1, 1, size=(fan_in, fan_out))

    gen = np.random.default_rng(0)
    params = init_weights([3, 4, 2], sampler=sampler, rng=gen)
    assert [c[:2] for c in calls] == [(3, 4), (4, 2)]
    assert all(c[2] is gen for c in calls)
    assert params[0][0].shape == (3, 4)


# ---- reproducibility -------------------------------------------------------------------


def test_same_seed_same_weights_different_seed_different_weights():
    a = init_weights([6, 5, 3], rng=7)
    b = init_weights([6, 5, 3], rng=7)
    c = init_weights([6, 5, 3], rng=8)
    assert all(np.array_equal(Wa, Wb) for (Wa, _), (Wb, _) in zip(a, b))
    assert not np.array_equal(a[0][0], c[0][0])


def _easy_problem(seed=0, n=300):
    r = np.random.default_rng(seed)
    y = r.integers(0, 3, size=n)
    centres = np.array([[3.0, 0.0], [-3.0, 3.0], [0.0, -3.0]])
    return centres[y] + r.normal(scale=0.5, size=(n, 2)), y


def test_training_is_reproducible_with_a_seed():
    x, y = _easy_problem()
    params = init_weights([2, 16, 3], rng=0)
    kw = dict(steps=50, lr=0.1, batch_size=16, activation="tanh")
    r1 = train_sgd(params, x, y, rng=3, **kw)
    r2 = train_sgd(params, x, y, rng=3, **kw)
    r3 = train_sgd(params, x, y, rng=4, **kw)
    np.testing.assert_array_equal(r1.losses, r2.losses)
    assert not np.array_equal(r1.losses, r3.losses)


# ---- training ----------------------------------------------------------------------------


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_training_decreases_the_loss_on_a_separable_problem(activation):
    x, y = _easy_problem()
    params = init_weights([2, 16, 16, 3], rng=1)
    before = [W.copy() for W, _ in params]
    res = train_sgd(params, x, y, steps=300, lr=0.1, batch_size=30,
                    activation=activation, rng=2)
    assert res.losses.shape == (300,) and res.steps[-1] == 300
    assert not res.diverged and res.diverged_at is None
    assert res.losses[0] > 0.3
    assert res.losses[-30:].mean() < 0.2 * res.losses[0]
    final = forward(res.params, x, activation)
    assert np.mean(final.outputs.argmax(axis=1) == y) > 0.95
    # The caller's parameters are untouched.
    assert all(np.array_equal(W, W0) for (W, _), W0 in zip(params, before))


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_sgd_steps_are_theta_minus_lr_times_gradient(activation):
    # Full-batch steps, so the minibatch order does not matter: the trainer's
    # fused arithmetic must agree with forward/backward and a plain update.
    x, y = _easy_problem(n=8)
    params = init_weights([2, 5, 4, 3], rng=3)
    params = [(W, np.full_like(b, 0.1)) for W, b in params]
    res = train_sgd(params, x, y, steps=3, lr=0.3, batch_size=8, activation=activation, rng=0)
    expected = params
    for step in range(3):
        grads = backward(expected, forward(expected, x, activation), y)
        assert res.losses[step] == pytest.approx(grads.loss, rel=1e-10)
        expected = [(W - 0.3 * gW, b - 0.3 * gb) for (W, b), gW, gb
                    in zip(expected, grads.grad_weights, grads.grad_biases)]
    for (W1, b1), (W, b) in zip(res.params, expected):
        np.testing.assert_allclose(W1, W, rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(b1, b, rtol=1e-10, atol=1e-14)


def test_record_every_averages_windows_and_keeps_the_last_partial_one():
    x, y = _easy_problem()
    params = init_weights([2, 8, 3], rng=0)
    every = train_sgd(params, x, y, steps=7, lr=0.1, batch_size=10, activation="tanh", rng=1)
    win = train_sgd(params, x, y, steps=7, lr=0.1, batch_size=10, activation="tanh", rng=1,
                    record_every=3)
    assert list(win.steps) == [3, 6, 7]
    np.testing.assert_allclose(win.losses, [every.losses[:3].mean(), every.losses[3:6].mean(),
                                            every.losses[6]])


def test_exploding_network_is_flagged_not_warned():
    x, y = _easy_problem()
    params = init_weights([2] + [64] * 12 + [3], std=1e30, rng=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rec = forward(params, x, "relu")
        assert not rec.finite
        # A linear net with too large a step: the loss grows geometrically.
        res = train_sgd(init_weights([2, 32, 32, 3], std=1.0, rng=0), x, y, steps=200,
                        lr=1.0, batch_size=30, activation="linear", rng=0)
    assert res.diverged
    assert res.diverged_at is not None and res.diverged_at < 200
    assert not math.isfinite(res.losses[-1])
    assert np.all(np.isfinite(res.losses[:-1]))
    assert res.steps[-1] == res.diverged_at + 1


def _finite(params):
    return all(np.isfinite(W).all() and np.isfinite(b).all() for W, b in params)


def test_a_last_update_that_overflows_the_parameters_is_a_divergence():
    # float32 tanh at a huge learning rate: the three losses, each measured before its
    # update, are finite, but the third update overflows the weights. (The trainer used to
    # return those weights with diverged=False: no loss was left to see them.)
    x, y = _easy_problem()
    params = init_weights([2, 8, 8, 3], rng=0, dtype=np.float32)
    kw = dict(lr=1e20, batch_size=30, activation="tanh", rng=0)
    res = train_sgd(params, x, y, steps=3, **kw)
    assert res.losses.shape == (3,) and np.isfinite(res.losses).all()
    assert list(res.steps) == [1, 2, 3]
    assert not _finite(res.params)
    assert res.diverged is True and res.diverged_at == 2
    # One step more and the loss itself is not finite: the same divergence, seen a step later.
    more = train_sgd(params, x, y, steps=4, **kw)
    assert more.diverged and more.diverged_at == 3 and not math.isfinite(more.losses[-1])
    # A single step at a learning rate near float32's largest number.
    one = train_sgd(params, x, y, steps=1, **dict(kw, lr=3e38, activation="relu"))
    assert math.isfinite(one.losses[0]) and not _finite(one.params)
    assert one.diverged and one.diverged_at == 0
    # The same network at a sane rate ends finite and says so.
    ok = train_sgd(params, x, y, steps=3, **dict(kw, lr=0.1))
    assert _finite(ok.params) and not ok.diverged and ok.diverged_at is None


# ---- argument checks ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        (dict(sizes=[3]), ValueError, r"sizes must be a sequence of at least two"),
        (dict(sizes=5), TypeError, r"sizes must be a sequence of positive integers"),
        (dict(sizes=[3, 0]), ValueError, r"sizes\[1\] must be a positive integer.*got 0"),
        (dict(sizes=[3, True]), TypeError, r"sizes\[1\] must be a positive integer"),
        (dict(sizes=[3, 2.0]), TypeError, r"sizes\[1\] must be a positive integer"),
        (dict(sizes=[3, 2], std=-1.0), ValueError, r"std must be a non-negative.*got -1.0"),
        (dict(sizes=[3, 2, 2], std=[1.0]), ValueError, r"std must be a sequence of one standard deviation per layer"),
        (dict(sizes=[3, 2], std="big"), TypeError, r"std must be None, a non-negative number"),
        (dict(sizes=[3, 2], std=lambda i, o: -1), ValueError, r"std\(3, 2\) must be a non-neg"),
        (dict(sizes=[3, 2], std=1.0, sampler=lambda i, o, r: 0), ValueError,
         r"either std or sampler"),
        (dict(sizes=[3, 2], sampler=3), TypeError, r"sampler must be a callable"),
        (dict(sizes=[3, 2], sampler=lambda i, o, r: np.zeros((o, i))), ValueError,
         r"shape \(fan_in, fan_out\) = \(3, 2\).*got shape \(2, 3\)"),
        (dict(sizes=[3, 2], sampler=lambda i, o, r: np.full((i, o), np.nan)), ValueError,
         r"sampler must return finite"),
        (dict(sizes=[3, 2], distribution="cauchy"), ValueError, r"distribution must be one of"),
        (dict(sizes=[3, 2], rng=-1), ValueError, r"rng must be None"),
        (dict(sizes=[3, 2], dtype=np.int32), ValueError, r"dtype must be numpy.float32"),
        (dict(sizes=[3, 10**6, 10**5]), ValueError, r"sizes\[1:3\] asks for 100,000,000,000 weights"),
    ],
)
def test_init_weights_errors(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        init_weights(**kwargs)


def test_forward_errors():
    params = init_weights([3, 4, 2], rng=0)
    x = np.ones((5, 3))
    with pytest.raises(ValueError, match=r"activation must be one of 'tanh'.*got 'not_an_activation'"):
        forward(params, x, "not_an_activation")
    with pytest.raises(ValueError, match=r"output must be one of 'softmax'; got 'sigmoid'"):
        forward(params, x, "tanh", output="sigmoid")
    with pytest.raises(ValueError, match=r"x must be an array of shape \(batch, 3\).*got shape \(5, 4\)"):
        forward(params, np.ones((5, 4)), "tanh")
    with pytest.raises(ValueError, match=r"x must be an array of shape \(batch, 3\).*got shape \(3,\)"):
        forward(params, np.ones(3), "tanh")
    with pytest.raises(TypeError, match=r"x must be an array of real numbers"):
        forward(params, np.full((5, 3), "a"), "tanh")
    with pytest.raises(ValueError, match=r"params must be a non-empty sequence of \(W, b\) pairs"):
        forward([], x, "tanh")
    with pytest.raises(TypeError, match=r"params\[0\] must be a \(W, b\) pair"):
        forward([params[0][0]], x, "tanh")
    with pytest.raises(ValueError, match=r"params\[1\] must have a W of 4 rows.*got W of shape \(5, 2\)"):
        forward([params[0], (np.ones((5, 2)), np.zeros(2))], x, "tanh")
    with pytest.raises(ValueError, match=r"b of shape \(n_out,\).*b of shape \(3,\)"):
        forward([(params[0][0], np.zeros(3))], x, "tanh")
    with pytest.raises(TypeError, match=r"float32 or float64 arrays of one dtype"):
        forward([(params[0][0], np.zeros(4, np.float32))], x, "tanh")


def test_backward_errors():
    params = init_weights([3, 4, 2], rng=0)
    rec = forward(params, np.ones((5, 3)), "tanh")
    with pytest.raises(ValueError, match=r"exactly one of y .* got neither"):
        backward(params, rec)
    with pytest.raises(ValueError, match=r"exactly one of y .* got both"):
        backward(params, rec, [0] * 5, grad_output=np.ones((5, 2)))
    with pytest.raises(ValueError, match=r"y must be an array of class labels in 0\.\.1.*from 0 to 2"):
        backward(params, rec, [0, 1, 2, 0, 1])
    with pytest.raises(ValueError, match=r"y must be an array of shape \(5,\).*got shape \(4,\)"):
        backward(params, rec, [0, 1, 1, 0])
    with pytest.raises(TypeError, match=r"y must be an array of integer class labels"):
        backward(params, rec, np.zeros(5))
    with pytest.raises(ValueError, match=r"grad_output must be an array of shape \(5, 2\)"):
        backward(params, rec, grad_output=np.ones((5, 3)))
    with pytest.raises(TypeError, match=r"record must be the ForwardRecord"):
        backward(params, {"x": 1}, [0] * 5)
    with pytest.raises(ValueError, match=r"record must come from forward with the same params"):
        backward(init_weights([3, 6, 2], rng=0), rec, [0] * 5)
    rec_lin = forward(params, np.ones((5, 3)), "tanh", output=None)
    with pytest.raises(ValueError, match=r"y needs a forward pass made with output='softmax'"):
        backward(params, rec_lin, [0] * 5)


def test_train_sgd_errors():
    params = init_weights([2, 4, 3], rng=0)
    x, y = _easy_problem(n=20)
    kw = dict(steps=5, lr=0.1, batch_size=4, activation="relu")
    for bad, exc, match in [
        (dict(steps=0), ValueError, r"steps must be a positive integer \(the number of SGD"),
        (dict(steps=2.5), TypeError, r"steps must be a positive integer"),
        (dict(lr=0.0), ValueError, r"lr must be a positive real number \(the learning rate\)"),
        (dict(lr=float("nan")), ValueError, r"lr must be a finite real number"),
        (dict(batch_size=21), ValueError, r"batch_size must be at most the number of ex.*got 21"),
        (dict(batch_size=True), TypeError, r"batch_size must be a positive integer"),
        (dict(record_every=0), ValueError, r"record_every must be a positive integer"),
        (dict(activation="not_an_activation"), ValueError, r"activation must be one of"),
        (dict(rng="seed"), TypeError, r"rng must be None, a non-negative integer seed"),
    ]:
        with pytest.raises(exc, match=match):
            train_sgd(params, x, y, **{**kw, **bad})
    with pytest.raises(ValueError, match=r"y must be an array of class labels in 0\.\.2"):
        train_sgd(params, x, y + 1, **kw)
    with pytest.raises(ValueError, match=r"x must be an array of shape \(batch, 2\)"):
        train_sgd(params, x[:, :1], y, **kw)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(min_value=-3, max_value=0), min_size=1, max_size=3),
       st.integers(min_value=0, max_value=2))
def test_non_positive_width_is_rejected_and_named(bad_widths, where):
    sizes = [3, 4, 5]
    pos = min(where, len(sizes) - 1)
    sizes[pos] = bad_widths[0]
    with pytest.raises(ValueError, match=rf"sizes\[{pos}\] must be a positive integer \(a layer "
                                         rf"width\); got {bad_widths[0]}"):
        init_weights(sizes, rng=0)


@settings(max_examples=40, deadline=None)
@given(st.one_of(st.floats(max_value=-1e-300, allow_nan=False, allow_infinity=False),
                 st.just(float("inf")), st.just(float("nan"))))
def test_bad_std_is_rejected_and_named(std):
    with pytest.raises(ValueError, match=r"std must be a (non-negative|finite) real number"):
        init_weights([2, 2], std=std, rng=0)


def test_every_scalar_a_chapter_may_glue_is_a_python_number():
    params = init_weights([np.int64(3), np.int32(4), 2], std=np.float64(0.5), rng=np.uint8(0))
    x = np.ones((4, 3), dtype=np.float32)
    rec = forward(params, x, "tanh")
    grads = backward(params, rec, np.array([0, 1, 0, 1], dtype=np.int8))
    res = train_sgd(params, x, [0, 1, 0, 1], steps=np.int64(3), lr=np.float32(0.1),
                    batch_size=np.int16(2), activation="relu", rng=0)
    assert type(cross_entropy(np.zeros((2, 3), np.float32), [0, 1])) is float
    assert type(grads.loss) is float
    assert type(rec.finite) is bool and type(grads.finite) is bool and type(res.diverged) is bool
    bad = train_sgd(init_weights([2, 32, 32, 3], std=1.0, rng=0), *_easy_problem(), steps=200,
                    lr=1.0, batch_size=30, activation="linear", rng=0)
    assert bad.diverged and type(bad.diverged_at) is int


# ---- spreads the dtype cannot hold, non-finite and non-real input ----------------------------


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(std=1e-40, dtype=np.float32), r"^std must be 0 or at least float32's smallest normal number 1\.18e-38 \(the standard deviation of the weights of layer 1\); got 1e-40$"),
        (dict(std=1e-320), r"^std must be 0 or at least float64's smallest normal number 2\.23e-308 .*; got 1e-320$"),
        (dict(std=[1.0, 1e-45], dtype=np.float32), r"^std\[1\] must be 0 or at least float32's smallest normal .*layer 2\); got 1e-45$"),
        (dict(std=lambda i, o: 1e-300, dtype=np.float32), r"^std\(3, 4\) must be 0 or at least float32's"),
        (dict(std=1e37, dtype=np.float32), r"^std must be 0 or at most 2\.66e\+36 for normal float32 weights .*; got 1e\+37$"),
        (dict(std=1e306, distribution="uniform"), r"^std must be 0 or at most 8\.11e\+305 for uniform float64 weights"),
        (dict(sampler=lambda i, o, r: np.ones((i, o)) * 1j), r"^sampler must return finite real numbers; layer 1 got complex values"),
        (dict(sampler=lambda i, o, r: np.full((i, o), 1e300), dtype=np.float32), r"^sampler must return finite real numbers; layer 1 got values too large for float32$"),
    ],
)
def test_init_weights_refuses_what_the_dtype_cannot_hold(kwargs, match):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a complex cast would warn and drop the imaginary part
        with pytest.raises(ValueError, match=match):
            init_weights([3, 4, 2], rng=0, **kwargs)


def test_init_weights_at_the_smallest_std_gives_non_zero_weights():
    tiny32 = float(np.finfo(np.float32).smallest_normal)
    for std, dtype in [(0.0, np.float64), (tiny32, np.float32), (2.3e-308, np.float64)]:
        (W, b), = init_weights([50, 40], std=std, rng=0, dtype=dtype)
        assert W.dtype == dtype and np.isfinite(W).all()
        assert (np.count_nonzero(W) == 0) == (std == 0.0)


def test_non_finite_and_non_real_arrays_are_refused_by_name():
    params = init_weights([3, 4, 2], rng=0)
    rec = forward(params, np.ones((2, 3)), "tanh", output=None)
    with pytest.raises(ValueError, match=r"^x must be an array of finite numbers \(the inputs\); got an array containing NaN$"):
        forward(params, np.array([[1.0, np.nan, 0.0]]), "tanh")
    with pytest.raises(ValueError, match=r"^x must be an array of finite numbers .*containing an infinity$"):
        forward(params, np.array([[1.0, np.inf, 0.0]]), "tanh")
    with pytest.raises(ValueError, match=r"^x must be an array of numbers that fit float32"):
        forward(init_weights([3, 2], rng=0, dtype=np.float32), np.full((1, 3), 1e300), "tanh")
    with pytest.raises(ValueError, match=r"^params\[1\] must be an array of finite numbers"):
        forward([params[0], (np.full((4, 2), np.inf), np.zeros(2))], np.ones((2, 3)), "tanh")
    with pytest.raises(ValueError, match=r"^grad_output must be an array of finite numbers \(dL/dz of the last layer\); got an array containing NaN$"):
        backward(params, rec, grad_output=np.full((2, 2), np.nan))
    with pytest.raises(TypeError, match=r"^grad_output must be an array of real numbers .*dtype complex128$"):
        backward(params, rec, grad_output=np.ones((2, 2)) * 1j)
    with pytest.raises(ValueError, match=r"^logits must be an array of finite numbers \(the scores\); got an array containing an infinity$"):
        softmax([1.0, np.inf])
    with pytest.raises(ValueError, match=r"^logits must be an array of finite numbers"):
        cross_entropy(np.array([[np.nan, 0.0]]), [0])
    with pytest.raises(TypeError, match=r"^logits must be an array of real numbers \(the scores\); got an array of dtype <U1$"):
        softmax(["a", "b"])
    with pytest.raises(TypeError, match=r"^z must be an array of real numbers \(the pre-activations\); got an array of dtype complex128$"):
        activate([1j], "tanh")
    with pytest.raises(TypeError, match=r"^z must be an array of real numbers .*dtype bool$"):
        activate([True], "relu")
    with pytest.raises(ValueError, match=r"^z must be an array free of NaN \(the pre-activations\)"):
        activate([np.nan], "relu")
    # an infinity is an exploding signal, a result: activate passes it on, without NaN
    np.testing.assert_array_equal(activate([np.inf, -np.inf], "tanh"), [1.0, -1.0])
    np.testing.assert_array_equal(activate([np.inf, -np.inf], "leaky_relu"), [np.inf, -np.inf])


def test_train_sgd_refuses_a_loss_history_too_large_to_hold():
    params = init_weights([2, 2], rng=0)
    with pytest.raises(ValueError, match=r"^steps asks for 10,000,000,000 recorded losses"):
        train_sgd(params, np.ones((4, 2)), [0, 1, 0, 1], steps=10**10, lr=0.1, batch_size=2,
                  activation="relu", rng=0)


# ---- many networks at once: train_sgd_stack -------------------------------------------


def _data(n=60, n_in=5, n_classes=3, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, n_in))
    y = rng.integers(0, n_classes, size=n)
    return x, y


def _nets(sizes, n, dtype=np.float64, std=None):
    return [init_weights(sizes, std=std, rng=100 + r, dtype=dtype) for r in range(n)]


@pytest.mark.parametrize("activation", ["relu", "tanh", "leaky_relu"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_stack_is_train_sgd_run_by_run(activation, dtype):
    x, y = _data()
    sizes = [5, 7, 7, 3]
    nets = _nets(sizes, 4, dtype)
    kw = dict(steps=37, lr=0.1, batch_size=8, activation=activation, record_every=5)
    stack = train_sgd_stack(nets, x, y, rng=[1, 2, 3, 4], **kw)
    tol = 1e-12 if dtype == np.float64 else 1e-5
    for r in range(4):
        one = train_sgd(nets[r], x, y, rng=r + 1, **kw)
        got = stack.run(r)
        assert not got.diverged and got.diverged_at is None
        np.testing.assert_array_equal(got.steps, one.steps)
        np.testing.assert_allclose(got.losses, one.losses, rtol=tol, atol=tol)
        for (Wa, ba), (Wb, bb) in zip(got.params, one.params):
            assert Wa.dtype == dtype and ba.dtype == dtype
            np.testing.assert_allclose(Wa, Wb, rtol=tol, atol=tol)
            np.testing.assert_allclose(ba, bb, rtol=tol, atol=tol)
    # A different seed gives a different minibatch order, hence other numbers.
    other = train_sgd(nets[0], x, y, rng=99, **kw)
    assert not np.allclose(other.losses, stack.losses[0])


def test_stack_leaves_the_callers_parameters_alone():
    x, y = _data()
    nets = _nets([5, 4, 3], 2)
    before = [[(W.copy(), b.copy()) for W, b in net] for net in nets]
    train_sgd_stack(nets, x, y, steps=5, lr=0.5, batch_size=10, activation="relu", rng=[0, 1])
    for net, old in zip(nets, before):
        for (W, b), (W0, b0) in zip(net, old):
            np.testing.assert_array_equal(W, W0)
            np.testing.assert_array_equal(b, b0)


def _mean_loss(params, x, y):
    return cross_entropy(forward(params, x, "tanh", output=None).outputs, y)


def test_one_full_batch_step_is_minus_lr_times_the_finite_difference_gradient():
    # With batch_size = N the first minibatch is the whole set (in a shuffled
    # order, which the mean loss does not see), so the update is -lr * grad of
    # the mean loss over the set.
    x, y = _data(n=12, n_in=3, n_classes=3, seed=4)
    nets = _nets([3, 4, 3], 2)
    lr = 0.3
    res = train_sgd_stack(nets, x, y, steps=1, lr=lr, batch_size=12, activation="tanh",
                          rng=[5, 6])
    h = 1e-6
    for r, net in enumerate(nets):
        for layer in range(2):
            for which in (0, 1):  # W and b
                arr = net[layer][which]
                for idx in np.ndindex(arr.shape):
                    plus = [(W.copy(), b.copy()) for W, b in net]
                    minus = [(W.copy(), b.copy()) for W, b in net]
                    plus[layer][which][idx] += h
                    minus[layer][which][idx] -= h
                    fd = (_mean_loss(plus, x, y) - _mean_loss(minus, x, y)) / (2 * h)
                    step = (res.params[r][layer][which][idx] - arr[idx]) / -lr
                    assert step == pytest.approx(fd, rel=1e-6, abs=1e-9), (r, layer, which, idx)


def test_monitored_sets_are_measured_with_forward_and_cross_entropy():
    x, y = _data(n=80, seed=1)
    xt, yt = _data(n=30, seed=2)
    nets = _nets([5, 6, 6, 3], 3)
    res = train_sgd_stack(nets, x, y, steps=20, lr=0.2, batch_size=16, activation="relu",
                          rng=[7, 8, 9], record_every=10, monitor=[(x, y), (xt, yt)])
    assert isinstance(res, StackTrainResult)
    assert list(res.monitor_steps) == [0, 10, 20]
    assert res.monitor_losses.shape == res.monitor_errors.shape == (3, 2, 3)
    for r in range(3):
        for m, (xs, ys) in enumerate([(x, y), (xt, yt)]):
            for k, params in ((0, nets[r]), (2, res.params[r])):
                logits = forward(params, xs, "relu", output=None).outputs
                assert res.monitor_losses[r, m, k] == pytest.approx(cross_entropy(logits, ys),
                                                                    rel=1e-12)
                assert res.monitor_errors[r, m, k] == np.mean(logits.argmax(axis=1) != ys)
    # Training lowers the training loss of every run.
    assert np.all(res.monitor_losses[:, 0, -1] < res.monitor_losses[:, 0, 0])


def test_a_diverging_run_stops_alone_and_matches_train_sgd():
    x, y = _data()
    sizes = [5, 6, 6, 6, 3]
    nets = _nets(sizes, 3, np.float32)
    # Run 1 starts with huge weights: the learning rate the others take makes
    # its float32 logits overflow after a step or two.
    nets[1] = init_weights(sizes, std=1e6, rng=5, dtype=np.float32)
    kw = dict(steps=40, lr=10.0, batch_size=10, activation="relu", record_every=7)
    res = train_sgd_stack(nets, x, y, rng=[0, 1, 2], monitor=[(x, y)], **kw)
    assert list(res.diverged) == [False, True, False]
    assert res.diverged_at[0] == res.diverged_at[2] == -1 and res.diverged_at[1] >= 0
    for r in range(3):
        one = train_sgd(nets[r], x, y, rng=r, **kw)
        got = res.run(r)
        assert got.diverged == one.diverged and got.diverged_at == one.diverged_at
        np.testing.assert_array_equal(got.steps, one.steps)
        np.testing.assert_allclose(got.losses, one.losses, rtol=1e-5)
        for (Wa, _), (Wb, _) in zip(got.params, one.params):
            np.testing.assert_allclose(Wa, Wb, rtol=1e-5)
    k = res.diverged_at[1] // 7
    assert np.all(np.isnan(res.losses[1, k + 1:]))
    assert np.all(np.isnan(res.monitor_losses[1, 0, k + 1:]))
    assert np.all(np.isfinite(res.monitor_losses[[0, 2]]))


def test_a_last_update_that_overflows_stops_that_run_alone():
    # float32 tanh at a huge rate: every loss is finite, but the last update overflows the
    # weights of four of the five networks (not of network 2).
    r = np.random.default_rng(0)
    y = r.integers(0, 3, size=300)
    x = np.array([[3.0, 0.0], [-3.0, 3.0], [0.0, -3.0]])[y] + r.normal(scale=0.5, size=(300, 2))
    nets = [init_weights([2, 8, 8, 3], rng=s, dtype=np.float32) for s in range(5)]
    kw = dict(steps=3, lr=1e20, batch_size=30, activation="tanh")
    res = train_sgd_stack(nets, x, y, rng=[0] * 5, monitor=[(x, y)], **kw)
    assert np.isfinite(res.losses).all()
    assert list(res.diverged) == [True, True, False, True, True]
    assert list(res.diverged_at) == [2, 2, -1, 2, 2]
    # monitored with the overflowed parameters: nan, as after any divergence
    assert np.isnan(res.monitor_losses[[0, 1, 3, 4], 0, -1]).all()
    assert np.isfinite(res.monitor_losses[2, 0]).all()
    for k in range(5):
        finite = all(np.isfinite(W).all() and np.isfinite(b).all() for W, b in res.params[k])
        assert finite == (k == 2)
        one, got = train_sgd(nets[k], x, y, rng=0, **kw), res.run(k)
        assert (got.diverged, got.diverged_at) == (one.diverged, one.diverged_at)
        np.testing.assert_array_equal(got.steps, one.steps)
        np.testing.assert_allclose(got.losses, one.losses, rtol=1e-5)


def test_stack_errors_name_the_argument():
    x, y = _data()
    nets = _nets([5, 4, 3], 2)
    kw = dict(steps=3, lr=0.1, batch_size=5, activation="relu")
    with pytest.raises(TypeError, match="params must be a non-empty sequence"):
        train_sgd_stack([], x, y, rng=[], **kw)
    with pytest.raises(ValueError, match="one shape and dtype"):
        train_sgd_stack([nets[0], init_weights([5, 6, 3], rng=0)], x, y, rng=[0, 1], **kw)
    with pytest.raises(ValueError, match="one shape and dtype"):
        train_sgd_stack([nets[0], init_weights([5, 4, 3], rng=0, dtype=np.float32)], x, y,
                        rng=[0, 1], **kw)
    with pytest.raises(TypeError, match="rng must be a sequence"):
        train_sgd_stack(nets, x, y, rng=0, **kw)
    with pytest.raises(TypeError, match="rng must be a sequence"):
        train_sgd_stack(nets, x, y, rng=np.random.default_rng(0), **kw)
    with pytest.raises(ValueError, match="one seed or Generator per network"):
        train_sgd_stack(nets, x, y, rng=[0], **kw)
    with pytest.raises(ValueError, match="batch_size must be at most"):
        train_sgd_stack(nets, x, y, rng=[0, 1], **dict(kw, batch_size=1000))
    with pytest.raises(ValueError, match="lr must be"):
        train_sgd_stack(nets, x, y, rng=[0, 1], **dict(kw, lr=0.0))
    with pytest.raises(TypeError, match=r"monitor\[0\] must be an \(x, y\) pair"):
        train_sgd_stack(nets, x, y, rng=[0, 1], monitor=[x], **kw)
    with pytest.raises(ValueError, match=r"monitor\[0\] x must be an array of shape"):
        train_sgd_stack(nets, x, y, rng=[0, 1], monitor=[(x[:, :2], y)], **kw)
    with pytest.raises(ValueError, match=r"monitor\[0\] y must be an array of class labels"):
        train_sgd_stack(nets, x, y, rng=[0, 1], monitor=[(x, y + 5)], **kw)
    res = train_sgd_stack(nets, x, y, rng=[0, 1], **kw)
    with pytest.raises(IndexError, match="run index"):
        res.run(2)
    with pytest.raises(TypeError, match="integer run index"):
        res.run(True)


# ---- learning rates per layer and run, given minibatches, probes ---------------------------


def _sgd_by_hand(params, x, y, batches, activation, lr_w, lr_b):
    """Plain SGD with forward/backward of winit.networks: W -= lr_w[l] gW, b -= lr_b[l] gb."""
    for idx in batches:
        grads = backward(params, forward(params, x[idx], activation), y[idx])
        params = [(W - a * gW, b - c * gb) for (W, b), a, c, gW, gb
                  in zip(params, lr_w, lr_b, grads.grad_weights, grads.grad_biases)]
    return params


def test_one_step_with_per_layer_and_bias_rates_is_the_update_by_hand():
    x, y = _data(n=12, n_in=5, n_classes=3, seed=3)
    nets = _nets([5, 6, 4, 3], 2)
    nets = [[(W, np.full_like(b, 0.05 * (l + 1))) for l, (W, b) in enumerate(net)] for net in nets]
    lr = np.array([[0.4, 0.1, 0.025], [0.2, 0.2, 0.05]])  # one row per run
    bias_lr = np.array([[0.4, 0.4, 0.1], [1.0, 0.3, 0.2]])
    order = np.array([[3, 0, 7, 11, 5, 2]])  # one step, shared
    res = train_sgd_stack(nets, x, y, steps=1, lr=lr, bias_lr=bias_lr, batch_size=6,
                          activation="tanh", orders=order)
    for r in range(2):
        want = _sgd_by_hand(nets[r], x, y, order, "tanh", lr[r], bias_lr[r])
        for (Wa, ba), (Wb, bb) in zip(res.params[r], want):
            np.testing.assert_allclose(Wa, Wb, rtol=1e-12, atol=1e-15)
            np.testing.assert_allclose(ba, bb, rtol=1e-12, atol=1e-15)
    # the per-layer rates really differ from one rate: layer 0 moved 16 times layer 2's rate
    one = train_sgd_stack(nets, x, y, steps=1, lr=0.1, batch_size=6, activation="tanh",
                          orders=order)
    assert not np.allclose(one.params[0][0][0], res.params[0][0][0])


def test_train_sgd_takes_per_layer_rates_and_given_orders():
    x, y = _data(n=30, seed=5)
    net = _nets([5, 7, 3], 1)[0]
    orders = np.random.default_rng(9).integers(0, 30, size=(4, 6))  # any indices, repeats too
    res = train_sgd(net, x, y, steps=4, lr=[0.3, 0.05], bias_lr=[0.01, 0.2], batch_size=6,
                    activation="relu", orders=orders, rng=None)
    want = _sgd_by_hand(net, x, y, orders, "relu", [0.3, 0.05], [0.01, 0.2])
    for (Wa, ba), (Wb, bb) in zip(res.params, want):
        np.testing.assert_allclose(Wa, Wb, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(ba, bb, rtol=1e-12, atol=1e-15)
    # the recorded losses are those of the given minibatches, before each update
    params = net
    for t, idx in enumerate(orders):
        assert res.losses[t] == pytest.approx(
            cross_entropy(forward(params, x[idx], "relu", output=None).outputs, y[idx]),
            rel=1e-12)
        params = _sgd_by_hand(params, x, y, [idx], "relu", [0.3, 0.05], [0.01, 0.2])


def test_given_orders_are_the_shuffled_passes_of_the_same_generator():
    # orders drawn ahead (one permutation per epoch, the remainder skipped) give train_sgd's
    # own shuffling with that seed, bit for bit
    x, y = _data(n=50, seed=6)
    net = _nets([5, 6, 3], 1)[0]
    kw = dict(steps=13, lr=0.2, batch_size=8, activation="tanh", record_every=4)
    orders = minibatch_orders(50, 8, 13, np.random.default_rng(21))
    r = np.random.default_rng(21)
    passes = np.concatenate([r.permutation(50)[:48] for _ in range(3)]).reshape(-1, 8)
    np.testing.assert_array_equal(orders, passes[:13])
    a = train_sgd(net, x, y, rng=21, **kw)
    b = train_sgd(net, x, y, orders=orders, **kw)
    np.testing.assert_array_equal(a.losses, b.losses)
    for (Wa, ba), (Wb, bb) in zip(a.params, b.params):
        np.testing.assert_array_equal(Wa, Wb)
        np.testing.assert_array_equal(ba, bb)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_stack_run_is_train_sgd_with_its_rates_and_orders(dtype):
    x, y = _data(n=40, seed=7)
    nets = _nets([5, 6, 6, 3], 3, dtype)
    lr = np.array([[0.3, 0.1, 0.05], [0.05, 0.05, 0.05], [0.2, 0.2, 0.4]])
    orders = np.stack([minibatch_orders(40, 8, 11, np.random.default_rng(s)) for s in range(3)])
    kw = dict(steps=11, batch_size=8, activation="relu", record_every=3)
    stack = train_sgd_stack(nets, x, y, lr=lr, bias_lr=lr / 2, orders=orders, **kw)
    tol = 1e-12 if dtype == np.float64 else 1e-5
    for r in range(3):
        one = train_sgd(nets[r], x, y, lr=lr[r], bias_lr=lr[r] / 2, orders=orders[r], **kw)
        got = stack.run(r)
        np.testing.assert_array_equal(got.steps, one.steps)
        np.testing.assert_allclose(got.losses, one.losses, rtol=tol)
        for (Wa, ba), (Wb, bb) in zip(got.params, one.params):
            assert Wa.dtype == dtype
            np.testing.assert_allclose(Wa, Wb, rtol=tol, atol=tol)
            np.testing.assert_allclose(ba, bb, rtol=tol, atol=tol)


def test_a_shared_minibatch_is_each_runs_minibatch():
    # orders of shape (steps, B) feed every run the same examples; the first products then
    # broadcast one input over the runs, with the results of per-run copies of it
    x, y = _data(n=40, seed=8)
    nets = _nets([5, 6, 3], 3)
    orders = minibatch_orders(40, 10, 9, np.random.default_rng(2))
    kw = dict(steps=9, lr=[0.1, 0.3], batch_size=10, activation="tanh", record_every=2)
    shared = train_sgd_stack(nets, x, y, orders=orders, **kw)
    apart = train_sgd_stack(nets, x, y, orders=np.stack([orders] * 3), **kw)
    np.testing.assert_allclose(shared.losses, apart.losses, rtol=1e-13)
    for r in range(3):
        for (Wa, _), (Wb, _) in zip(shared.params[r], apart.params[r]):
            np.testing.assert_allclose(Wa, Wb, rtol=1e-12, atol=1e-15)


def test_equal_rates_per_layer_are_one_rate():
    x, y = _data(seed=9)
    nets = _nets([5, 6, 3], 2)
    kw = dict(steps=12, batch_size=10, activation="relu", rng=[1, 2])
    a = train_sgd_stack(nets, x, y, lr=0.2, **kw)
    b = train_sgd_stack(nets, x, y, lr=[[0.2, 0.2]] * 2, bias_lr=[0.2, 0.2], **kw)
    np.testing.assert_array_equal(a.losses, b.losses)


def test_probe_records_every_layers_pre_activations():
    x, y = _data(n=50, seed=10)
    probe = x[:7]
    nets = _nets([5, 6, 4, 3], 2)
    res = train_sgd_stack(nets, x, y, steps=10, lr=0.2, batch_size=10, activation="tanh",
                          rng=[3, 4], record_every=5, probe=probe)
    assert [z.shape for z in res.probe_pre_activations] == [(2, 3, 7, 6), (2, 3, 7, 4),
                                                           (2, 3, 7, 3)]
    for r in range(2):
        for k, params in ((0, nets[r]), (2, res.params[r])):
            want = forward(params, probe, "tanh", output=None).pre_activations
            for z, w in zip(res.probe_pre_activations, want):
                np.testing.assert_allclose(z[r, k], w, rtol=1e-12, atol=1e-14)
    # after 5 steps: the parameters of a run trained 5 steps on its own
    half = train_sgd(nets[1], x, y, steps=5, lr=0.2, batch_size=10, activation="tanh", rng=4)
    want = forward(half.params, probe, "tanh", output=None).pre_activations
    np.testing.assert_allclose(res.probe_pre_activations[2][1, 1], want[2], rtol=1e-12)


def test_new_options_errors_name_the_argument():
    x, y = _data()
    nets = _nets([5, 4, 3], 2)
    kw = dict(steps=3, lr=0.1, batch_size=5, activation="relu")
    good = np.zeros((3, 5), int)
    for bad, exc, match in [
        (dict(rng=[0, 1], orders=good), ValueError, "rng .* or orders .*, not both"),
        (dict(orders=np.zeros((2, 5), int)), ValueError, r"orders must have shape \(3, 5\)"),
        (dict(orders=np.zeros((3, 3, 5), int)), ValueError, r"or \(2, 3, 5\)"),
        (dict(orders=good + 60), ValueError, r"orders must hold example indices in 0\.\.59"),
        (dict(orders=good - 1), ValueError, r"orders must hold example indices"),
        (dict(orders=np.zeros((3, 5))), TypeError, "orders must be an array of integer"),
        (dict(rng=[0, 1], lr=[0.1, 0.2, 0.3]), ValueError, r"lr must be .*got shape \(3,\)"),
        (dict(rng=[0, 1], lr=[[0.1, 0.2]]), ValueError, r"lr must be .*got shape \(1, 2\)"),
        (dict(rng=[0, 1], lr=[0.1, -0.2]), ValueError, r"lr\[1\] must be a positive"),
        (dict(rng=[0, 1], lr=[[0.1, 0.2], [0.1, np.nan]]), ValueError, r"lr\[1\]\[1\] must be"),
        (dict(rng=[0, 1], lr="fast"), TypeError, "lr must be a positive number"),
        (dict(rng=[0, 1], bias_lr=[0.1, 0.0]), ValueError, r"bias_lr\[1\] must be a positive"),
        (dict(rng=[0, 1], probe=x[:, :2]), ValueError, r"probe must be an array of shape \(batch, 5\)"),
    ]:
        with pytest.raises(exc, match=match):
            train_sgd_stack(nets, x, y, **{**kw, **bad})
    with pytest.raises(TypeError, match="rng must be a sequence .* or orders given; got None"):
        train_sgd_stack(nets, x, y, **kw)
    with pytest.raises(ValueError, match="not both"):
        train_sgd(nets[0], x, y, rng=0, orders=good, **kw)
    with pytest.raises(ValueError, match=r"lr must be .*one per layer \(shape \(2,\)\)"):
        train_sgd(nets[0], x, y, rng=0, **dict(kw, lr=[0.1]))


# ---- properties (hypothesis): any valid input gives finite values or a clear refusal ----


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
