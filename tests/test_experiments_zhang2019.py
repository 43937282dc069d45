"""winit.experiments.zhang2019: small, fast runs of each function."""

import math

import numpy as np
import pytest

from winit.experiments import zhang2019


def test_closed_form_ratios():
    assert zhang2019.closed_form_ratio("he", 4, 50) == 81.0
    assert math.isclose(zhang2019.closed_form_ratio("sqrt_depth", 50, 50), 1.04 ** 50)
    assert zhang2019.closed_form_ratio("fixup", 50, 50) == 1.0
    assert zhang2019.closed_form_ratio("skipinit", 7, 50) == 1.0


def test_scheme_init_values():
    w, L = 32, 50
    he = math.sqrt(2 / w)
    assert zhang2019.scheme_init("he", w, L) == dict(std_first=he, std_last=he, alpha=1.0)
    assert zhang2019.scheme_init("fixup", w, L) == dict(std_first=he / math.sqrt(L), std_last=0.0,
                                                        alpha=1.0)
    assert zhang2019.scheme_init("skipinit", w, L)["alpha"] == 0.0
    with pytest.raises(ValueError, match="scheme"):
        zhang2019.scheme_init("lecun", w, L)


def test_residual_variance_follows_the_closed_form_in_small():
    out = zhang2019.residual_variance(n_blocks=6, width=128, n_samples=64, n_nets=4, rng=3)
    measured, closed = out["he"]
    np.testing.assert_allclose(closed, 3.0 ** np.arange(7))
    assert np.all(np.abs(np.log(measured / closed)) < math.log(1.5))
    for scheme in ("fixup", "skipinit"):
        np.testing.assert_array_equal(out[scheme][0], np.ones(7))


def test_residual_variance_checks_arguments():
    with pytest.raises(ValueError, match="n_samples"):
        zhang2019.residual_variance(n_samples=10**6)
    with pytest.raises(ValueError, match="schemes"):
        zhang2019.residual_variance(schemes=("he", "nope"))


def test_residual_training_in_small():
    runs = zhang2019.residual_training(schemes=("he", "skipinit"), n_blocks=10, width=16,
                                       seeds=(0,), steps=30, lr=0.02, batch_size=16,
                                       record_every=10)
    assert runs["he"].diverged.all()
    sk = runs["skipinit"]
    assert not sk.diverged.any() and sk.losses.shape == (1, 3)
    assert sk.losses[0, -1] < sk.losses[0, 0] and 0.0 < sk.test_accuracy[0] <= 1.0
    with pytest.raises(ValueError, match="seeds"):
        zhang2019.residual_training(seeds=(-1,))


def test_pre_layernorm_training_keeps_the_settings():
    runs = zhang2019.residual_training(schemes=("sqrt_depth",), n_blocks=6, width=16, seeds=(0,),
                                       steps=20, lr=0.02, batch_size=16, record_every=10,
                                       norm="layer")
    run = runs["sqrt_depth"]
    assert not run.diverged.any() and run.losses.shape == (1, 2)
    assert run.losses[0, -1] < math.log(10) + 0.5
    with pytest.raises(ValueError, match="norm"):
        zhang2019.residual_training(norm="group")


def test_one_step_change_of_a_zero_branch_is_the_plain_network_s():
    # With the last layer of every branch zero, the step moves the input and output layers
    # and the branches' last layers; the branches' first layers get no gradient (W_2 = 0).
    # At one block the change is of the order of the learning rate, and it is proportional to
    # it for small steps: a tenth of the step, a tenth of the change.
    big = zhang2019.one_step_change("fixup", depths=(1,), seeds=(0,), lr=0.02)[0, 0]
    small = zhang2019.one_step_change("fixup", depths=(1,), seeds=(0,), lr=0.002)[0, 0]
    assert 0.005 < big < 0.5
    assert small == pytest.approx(big / 10, rel=0.05)


def test_one_step_change_against_an_independent_step():
    # The same step written out with numpy: a network of no blocks is Linear(64->32),
    # Linear(32->10), trained one step on the mean cross-entropy.
    from winit.data import digits
    from winit.experiments.zhang2019 import scheme_init
    from winit.blocks import residual_mlp

    d = digits(rng=0)
    pick = np.random.default_rng([0, 2]).choice(d.x_train.shape[0], 32, replace=False)
    x, y = d.x_train[pick], d.y_train[pick]
    net = residual_mlp(64, 32, 2, 10, **scheme_init("fixup", 32, 2), rng=np.random.default_rng([0, 1]))
    w_in, w_out = net[0].W.copy(), net[-1].W.copy()
    branch_w1 = [b.branch[0].W for b in net[1:-1]]
    assert all(np.all(b.branch[2].W == 0) for b in net[1:-1])

    def logits(w_in, w_out, w2s):
        h = x @ w_in
        for w1, w2 in zip(branch_w1, w2s):
            h = h + np.maximum(h @ w1, 0) @ w2
        return h @ w_out

    w2s = [np.zeros((32, 32)), np.zeros((32, 32))]
    f = logits(w_in, w_out, w2s)
    p = np.exp(f - f.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    g = p.copy()
    g[np.arange(32), y] -= 1
    g /= 32
    h = x @ w_in  # the stream is h in every block at the start (zero branches)
    g_stream = g @ w_out.T
    new_w_out = w_out - 0.02 * h.T @ g
    new_w_in = w_in - 0.02 * x.T @ g_stream
    new_w2s = [-0.02 * np.maximum(h @ w1, 0).T @ g_stream for w1 in branch_w1]
    f2 = logits(new_w_in, new_w_out, new_w2s)
    expected = np.linalg.norm(f2 - f) / np.linalg.norm(f)
    got = zhang2019.one_step_change("fixup", depths=(2,), seeds=(0,), lr=0.02)[0, 0]
    assert got == pytest.approx(expected, rel=1e-9)


def test_one_step_change_reports_overflow_as_inf_and_checks_arguments():
    change = zhang2019.one_step_change("he", depths=(64,), seeds=(0,))
    assert change[0, 0] == np.inf
    with pytest.raises(ValueError, match="depths"):
        zhang2019.one_step_change("fixup", depths=(0,))
    with pytest.raises(ValueError, match="scheme"):
        zhang2019.one_step_change("lecun")
    with pytest.raises(TypeError, match="biases"):
        zhang2019.one_step_change("fixup", biases="yes")


def test_one_step_change_with_biases_grows_with_depth_for_zero_branches():
    # Each block's last bias receives the whole gradient of the stream: L of them.
    without = zhang2019.one_step_change("fixup", depths=(4, 256), seeds=(0,))[0]
    with_b = zhang2019.one_step_change("fixup", depths=(4, 256), seeds=(0,), biases=True)[0]
    assert with_b[1] > 2 * without[1] and with_b[0] < 1.2 * without[0]
    assert abs(math.log(without[1] / without[0])) < math.log(2)
