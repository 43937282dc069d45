"""Tests of winit.networks: gradients, loss, shapes, seeds, errors, training."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from winit import activations
from winit.networks import (
    ACTIVATIONS,
    activate,
    backward,
    cross_entropy,
    forward,
    init_weights,
    log_softmax,
    softmax,
    train_sgd,
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
    with pytest.raises(ValueError, match=r"activation must be one of 'tanh'.*got 'softplus'"):
        forward(params, x, "softplus")
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
        (dict(activation="softplus"), ValueError, r"activation must be one of"),
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
