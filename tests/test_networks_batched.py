"""Tests of winit.networks.train_sgd_stack: many networks trained as one stack.

The stacked trainer must be train_sgd run by run (same minibatch order,
same updates, same stop at a non-finite loss), its update must be the
gradient of the minibatch loss (checked by finite differences), and its
monitored losses and error rates must be those of forward + cross_entropy.
Its options: learning rates per layer, per run and for the biases (one step
against the update by hand with forward + backward), minibatches given in
advance (used exactly; shared by every run or one set per run), and a probe
whose pre-activations it records (against forward).
"""

from __future__ import annotations

import numpy as np
import pytest

from winit._engine import minibatch_orders
from winit.networks import (
    StackTrainResult,
    backward,
    cross_entropy,
    forward,
    init_weights,
    train_sgd,
    train_sgd_stack,
)


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
