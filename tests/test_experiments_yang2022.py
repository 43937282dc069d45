"""winit.experiments.yang2022: the ensemble's members against Table 3, the coordinate check
against a step by hand with winit.networks' forward and backward passes, and small fast
versions of the coordinate check and the learning-rate sweep.  (The training itself is
winit.networks.train_sgd_stack's, tested in test_networks.)"""

from __future__ import annotations

import math

import numpy as np
import pytest

from winit.data import digits
from winit.experiments import yang2022
from winit.experiments.yang2022 import LRSweep, _ensemble, loglog_slope
from winit.mup import mup_mlp
from winit.networks import backward, forward


# ---- loglog_slope ------------------------------------------------------------------------


@pytest.mark.parametrize("p", [-1.0, -0.5, 0.0, 0.3, 1.0, 2.0])
def test_loglog_slope_of_a_power_law(p):
    w = np.array([64, 128, 256, 512, 2048])
    assert loglog_slope(w, 3.7 * w ** p) == pytest.approx(p, abs=1e-12)


def test_loglog_slope_is_least_squares():
    # three points: slope of the least-squares line through (log w, log v), by hand
    w, v = [1.0, math.e, math.e ** 2], [1.0, math.e ** 2, math.e ** 2]
    assert loglog_slope(w, v) == pytest.approx(1.0, abs=1e-12)  # points (0,0),(1,2),(2,2)


@pytest.mark.parametrize("w,v,match", [
    ([1, 2], [1, 2, 3], r"^values must be an array of shape \(2,\)"),
    ([1], [1], r"^widths must be an array of at least 2 numbers"),
    ([1, 2], [1, 0], r"^values must be an array of numbers above 0 .*got an array containing 0\.0$"),
    ([1, 2], [1, np.inf], r"^values must be an array of finite numbers"),
    ([0, 2], [1, 1], r"^widths must be an array of numbers above 0 "),
    ([4, 4], [1, 2], "two distinct"),
])
def test_loglog_slope_errors(w, v, match):
    with pytest.raises(ValueError, match=match):
        loglog_slope(w, v)


# ---- the ensemble --------------------------------------------------------------------------


def test_ensemble_members_follow_the_table():
    rng = np.random.default_rng(0)
    draws = [rng.standard_normal(s) for s in ((6, 32), (32, 32), (32, 4))]
    members = [("sp", 0.1), ("mup", 0.1), ("mup", 0.4)]
    nets, lr_w, lr_b = _ensemble(draws, members, base_width=8, gain=math.sqrt(2))
    sp = mup_mlp([6, 32, 32, 4], base_width=8, parametrization="sp")
    mup = mup_mlp([6, 32, 32, 4], base_width=8)
    assert lr_w.shape == lr_b.shape == (3, 3)
    for l in range(3):
        np.testing.assert_allclose(nets[0][l][0], draws[l] * sp[l].init_std, rtol=1e-15)
        np.testing.assert_allclose(nets[1][l][0], draws[l] * mup[l].init_std, rtol=1e-15)
        np.testing.assert_array_equal(nets[2][l][0], nets[1][l][0])
        assert lr_w[:, l].tolist() == pytest.approx(
            [0.1, 0.1 * mup[l].lr_mult, 0.4 * mup[l].lr_mult], rel=1e-15)
        assert lr_b[:, l].tolist() == pytest.approx(
            [0.1, 0.1 * mup[l].bias_lr_mult, 0.4 * mup[l].bias_lr_mult], rel=1e-15)
        assert all(np.all(net[l][1] == 0) for net in nets)
    # width 32 over base 8: the output layer starts 1/sqrt(4) as large, learns 1/4 as fast
    assert mup[2].init_std / sp[2].init_std == pytest.approx(0.5)
    assert [m.lr_mult for m in mup] == pytest.approx([4.0, 1.0, 0.25])


def _check_one_step_by_hand(optimizer, lr, update):
    """coord_check's first step against one written out: forward/backward of winit.networks,
    ``update(a, g, rate)`` with each member's per-layer rates, then the std of the change of
    each layer's z on the probe (the same draws, minibatch and probe as coord_check's)."""
    cc = yang2022.coord_check(rng=7, widths=(8, 16), base_width=8, lr=lr, steps=1, batch_size=5,
                              probe_size=4, seeds=1, gain=math.sqrt(2.0), optimizer=optimizer)
    assert cc.settings["optimizer"] == optimizer
    rng = np.random.default_rng(7)
    data = digits(rng=rng)
    x, y = data.x_train, data.y_train
    probe = x[rng.choice(x.shape[0], 4, replace=False)]
    batch = rng.permutation(x.shape[0])[:5]
    for i, n in enumerate((8, 16)):
        draws = [rng.standard_normal(s) for s in ((64, n), (n, n), (n, 10))]
        for which, p in ((cc.sp, "sp"), (cc.mup, "mup")):
            rows = mup_mlp([64, n, n, 10], base_width=8, parametrization=p, optimizer=optimizer)
            params = [(d * row.init_std, np.zeros(d.shape[1])) for d, row in zip(draws, rows)]
            grads = backward(params, forward(params, x[batch], "relu"), y[batch])
            after = [(update(W, gW, lr * row.lr_mult), update(b, gb, lr * row.bias_lr_mult))
                     for (W, b), row, gW, gb in zip(params, rows, grads.grad_weights,
                                                    grads.grad_biases)]
            z0 = forward(params, probe, "relu", output=None).pre_activations
            z1 = forward(after, probe, "relu", output=None).pre_activations
            want = [np.std(b - a) for a, b in zip(z0, z1)]
            np.testing.assert_allclose(which[0, 0, i], want, rtol=1e-9)


def test_coord_check_measures_the_change_of_forward_pre_activations():
    # One SGD step of each member by hand, with the member's per-layer rates.
    _check_one_step_by_hand("sgd", 0.3, lambda a, g, rate: a - rate * g)


def test_adam_coord_check_measures_one_adam_step_by_hand():
    # Adam's first step, written out: m_hat = g and v_hat = g^2, so each entry moves by
    # lr_mult * lr * g / (|g| + eps), with Table 3's Adam multipliers; same draws as SGD's.
    rows = mup_mlp([64, 16, 16, 10], base_width=8, parametrization="mup", optimizer="adam")
    assert [r.lr_mult for r in rows] == [1.0, 0.5, 0.5]
    assert [r.bias_lr_mult for r in rows] == [1.0, 1.0, 1.0]
    _check_one_step_by_hand("adam", 0.01, lambda a, g, rate: a - rate * g / (np.abs(g) + 1e-8))


def test_adam_coord_check_hidden_and_output_grow_in_sp_only():
    # Adam's first step moves every entry by about lr: a hidden or output pre-activation sums
    # n such moves in SP (growth like n or faster); muP's 1/n rates cancel it.
    cc = yang2022.coord_check(widths=(16, 64, 256), base_width=16, steps=1, seeds=2,
                              optimizer="adam", rng=5)
    assert cc.settings["lr"] == 0.001
    # (At widths 16 to 256 the terms that do not grow still weigh on the SP slopes.)
    for layer, least in ((1, 0.45), (2, 0.8)):
        assert np.all(cc.slopes("sp", layer=layer, step=0) > least)
        assert np.all(np.abs(cc.slopes("mup", layer=layer, step=0)) < 0.3)
    assert np.all(np.abs(cc.slopes("sp", layer=0, step=0)) < 0.2)  # the input layer: no sum


# ---- coord_check ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cc():
    return yang2022.coord_check(widths=(16, 64, 256), base_width=16, steps=2, seeds=2, rng=5)


def test_coord_check_shapes_and_settings(cc):
    assert cc.widths.tolist() == [16, 64, 256]
    assert cc.layers == ("hidden 1", "hidden 2", "output")
    assert cc.sp.shape == cc.mup.shape == (2, 2, 3, 3)
    assert np.all(np.isfinite(cc.sp)) and np.all(cc.sp > 0) and np.all(cc.mup > 0)
    assert cc.settings["base_width"] == 16 and cc.settings["steps"] == 2
    assert cc.slopes("sp").shape == (2,)


def test_coord_check_at_the_base_width_sp_is_mup(cc):
    np.testing.assert_array_equal(cc.sp[:, :, 0], cc.mup[:, :, 0])


def test_coord_check_first_step_output_grows_in_sp_only(cc):
    # After one SGD step the SP output moves by Theta(width); muP's does not grow.
    sp, mup = cc.slopes("sp", step=0), cc.slopes("mup", step=0)
    assert np.all(sp > 0.6) and np.all(np.abs(mup) < 0.35)


def test_coord_check_is_seeded():
    a = yang2022.coord_check(widths=(8, 16), base_width=8, steps=1, seeds=1, rng=1)
    b = yang2022.coord_check(widths=(8, 16), base_width=8, steps=1, seeds=1, rng=1)
    c = yang2022.coord_check(widths=(8, 16), base_width=8, steps=1, seeds=1, rng=2)
    np.testing.assert_array_equal(a.sp, b.sp)
    assert not np.array_equal(a.sp, c.sp)


def test_coord_check_depth_one():
    c = yang2022.coord_check(widths=(8, 16), depth=1, base_width=8, steps=1, seeds=1, rng=0)
    assert c.layers == ("hidden 1", "output") and c.sp.shape == (1, 1, 2, 2)


# ---- lr_sweep ------------------------------------------------------------------------------


def test_lr_sweep_small():
    sw = yang2022.lr_sweep(widths=(32, 8), lrs=(0.5, 0.05, 4.0), base_width=8, steps=6,
                           window=3, seeds=2, rng=3)
    assert sw.widths.tolist() == [8, 32] and sw.lrs.tolist() == [0.05, 0.5, 4.0]
    assert sw.sp.shape == sw.mup.shape == (2, 2, 3)
    np.testing.assert_array_equal(sw.sp[:, 0], sw.mup[:, 0])  # base width: the same network
    assert np.all(sw.sp > 0) and np.all(sw.mup > 0)
    assert sw.settings["depth"] == 1 and sw.settings["window"] == 3


def test_lr_sweep_marks_divergence_as_inf():
    sw = yang2022.lr_sweep(widths=(8, 256), lrs=(0.01, 1e8), base_width=8, steps=30, window=2,
                           seeds=1, rng=0)
    assert np.all(np.isinf(sw.sp[:, :, 1]))
    assert np.all(np.isfinite(sw.sp[:, :, 0]))


def test_sweep_summaries_on_handmade_losses():
    lrs = np.array([0.1, 0.2, 0.4, 0.8])
    sp = np.array([  # seeds x widths x lrs
        [[3.0, 2.0, 1.0, 1.5], [1.0, 2.0, 3.0, np.inf]],
        [[3.0, 2.0, 1.2, 1.1], [1.1, 1.0, 3.0, np.inf]],
        [[3.0, 2.0, 1.0, 1.6], [1.0, 1.5, 3.0, 4.0]],
    ])
    mup = np.ones_like(sp) + np.array([0.3, 0.2, 0.0, 0.4])
    sw = LRSweep(np.array([64, 1024]), lrs, sp, mup, {})
    np.testing.assert_array_equal(sw.median("sp"), [[3.0, 2.0, 1.0, 1.5], [1.0, 1.5, 3.0, np.inf]])
    assert sw.best_index("sp").tolist() == [2, 0]
    assert sw.best_lr("sp").tolist() == [0.4, 0.1]
    assert sw.best_lr_shift("sp") == -2.0
    assert sw.seed_shifts("sp").tolist() == [-2.0, -2.0, -2.0]  # seed 2 is best at 0.8 -> 0.2
    assert sw.best_lr_shift("mup") == 0.0
    np.testing.assert_allclose(sw.margins("sp"), [0.5, 0.5])
    np.testing.assert_allclose(sw.margins("mup"), [0.2, 0.2])


def test_sweep_seed_shift_uses_each_seeds_own_argmin():
    lrs = np.array([1.0, 2.0, 4.0])
    sp = np.array([[[1, 2, 3], [3, 2, 1]], [[1, 2, 3], [1, 2, 3]]], dtype=float)
    sw = LRSweep(np.array([8, 16]), lrs, sp, sp, {})
    assert sw.seed_shifts("sp").tolist() == [2.0, 0.0]


# ---- errors --------------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs,exc,match", [
    (dict(widths=(64, 64)), ValueError, "widths must be a sequence of distinct"),
    (dict(widths=(64, 0)), ValueError, r"widths\[1\] must be a positive integer"),
    (dict(widths="64"), TypeError, "widths must be a sequence"),
    (dict(depth=0), ValueError, "depth must be a positive integer"),
    (dict(base_width=1.5), TypeError, "base_width must be a positive integer"),
    (dict(lr=-0.1), ValueError, "lr must be a positive"),
    (dict(steps=0), ValueError, "steps must be a positive integer"),
    (dict(probe_size=5000), ValueError, "probe_size must be at most"),
    (dict(seeds=True), TypeError, "seeds must be a positive integer"),
    (dict(rng=-3), ValueError, "rng must be"),
    (dict(optimizer="rmsprop"), ValueError, "optimizer must be one of"),
    (dict(optimizer="adam", lr=0.0), ValueError, "lr must be a positive"),
])
def test_coord_check_errors(kwargs, exc, match):
    args = dict(widths=(8, 16), base_width=8, steps=1, seeds=1, rng=0)
    args.update(kwargs)
    with pytest.raises(exc, match=match):
        yang2022.coord_check(**args)


@pytest.mark.parametrize("kwargs,exc,match", [
    (dict(lrs=(0.1,)), TypeError, "lrs must be a sequence of at least two"),
    (dict(lrs=(0.1, -1.0)), ValueError, r"lrs\[1\] must be a positive"),
    (dict(lrs=(0.1, float("nan"))), ValueError, r"lrs\[1\] must be a finite"),
    (dict(window=5, steps=4), ValueError, "window must be at most steps"),
    (dict(batch_size=10 ** 6), ValueError, "batch_size must be at most"),
    (dict(gain=0.0), ValueError, "gain must be a positive"),
])
def test_lr_sweep_errors(kwargs, exc, match):
    args = dict(widths=(8, 16), lrs=(0.1, 0.2), base_width=8, steps=4, window=2, seeds=1, rng=0)
    args.update(kwargs)
    with pytest.raises(exc, match=match):
        yang2022.lr_sweep(**args)
