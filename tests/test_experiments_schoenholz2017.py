"""Tests of winit.experiments.schoenholz2017 against independent integration
(scipy.integrate.quad) and the engine, on small fast versions."""

from __future__ import annotations

import math

import numpy as np
import pytest

from _quad import tanh_chi_1
from winit.experiments import schoenholz2017
from winit.experiments.schoenholz2017 import _ensemble_sgd
from winit.networks import init_weights, train_sgd


def test_gradient_growth_matches_chi_1_from_quad():
    pts = [(0.8, 0.1), (3.0, 0.1)]
    g = schoenholz2017.gradient_growth(pts, depth=60, width=256, n_inputs=8, rng=3)
    for (sw2, sb2), chi, meas in zip(pts, g.chi_1, g.measured):
        want, _ = tanh_chi_1(sw2, sb2)
        assert chi == pytest.approx(want, rel=1e-8)
        assert abs(meas - want) < 0.03
    assert g.measured[0] < 1 < g.measured[1]  # vanishing, then exploding
    assert g.grad_sq.shape == (2, 60) and g.grad_sq[0, 0] < g.grad_sq[0, -1]


def test_gradient_growth_linear_and_relu_edges():
    g = schoenholz2017.gradient_growth([(1.0, 0.0)], activation="linear", depth=40, width=300,
                                       rng=0)
    assert g.chi_1[0] == pytest.approx(1.0, abs=1e-12) and abs(g.measured[0] - 1) < 0.03
    g = schoenholz2017.gradient_growth([(1.0, 0.0), (2.0, 0.0)], activation="relu", depth=40,
                                       width=300, rng=0)
    assert abs(g.measured[0] - 0.5) < 0.03 and abs(g.measured[1] - 1.0) < 0.05


def test_gradient_growth_errors():
    with pytest.raises(ValueError, match="finite fixed point"):
        schoenholz2017.gradient_growth([(3.0, 0.0)], activation="relu", depth=5, width=10)
    with pytest.raises(ValueError, match="points"):
        schoenholz2017.gradient_growth([(1.0,)])
    with pytest.raises(ValueError, match="points"):
        schoenholz2017.gradient_growth([(-1.0, 0.0)])
    with pytest.raises(ValueError, match="depth"):
        schoenholz2017.gradient_growth([(1.0, 0.1)], depth=2)
    with pytest.raises(ValueError, match="underflowed"):  # 0.05 ** 800 underflows float64
        schoenholz2017.gradient_growth([(0.1, 0.0)], depth=800, width=4)


# ---- schoenholz2017: training ---------------------------------------------------


def test_ensemble_sgd_is_train_sgd_for_each_member():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(120, 5))
    y = (x[:, 0] + x[:, 1] > 0).astype(int) + (x[:, 2] > 1).astype(int)
    members = []
    for seed in (1, 2):
        params = init_weights([5, 7, 7, 3], rng=seed)
        params = [(W, np.random.default_rng(seed + 10).normal(0, 0.2, W.shape[1]))
                  for W, _ in params]
        members.append(params)
    steps, batch = 9, 20  # 6 batches per epoch: crosses an epoch boundary
    orders, results = [], []
    for seed, params in zip((3, 4), members):
        res = train_sgd(params, x, y, steps=steps, lr=0.1, batch_size=batch, activation="tanh",
                        rng=seed)
        results.append(res.params)
        r = np.random.default_rng(seed)
        orders.append(np.concatenate([r.permutation(120) for _ in range(2)]).reshape(
            -1, batch)[:steps])
    Ws = [np.stack([m[l][0] for m in members]) for l in range(3)]
    bs = [np.stack([m[l][1][None, :] for m in members]) for l in range(3)]
    _ensemble_sgd(Ws, bs, x, y, steps=steps, lr=0.1, batch_size=batch, orders=np.stack(orders))
    for e in range(2):
        for l in range(3):
            np.testing.assert_allclose(Ws[l][e], results[e][l][0], rtol=1e-10, atol=1e-12)
            np.testing.assert_allclose(bs[l][e, 0], results[e][l][1], rtol=1e-10, atol=1e-12)


def test_trainability_small_grid():
    g = schoenholz2017.trainability(depths=(2, 40), sigma_w2=(0.3, 1.2), steps=120, seeds=2,
                                    rng=0)
    assert g.accuracy.shape == (2, 2, 2) and g.trained.shape == (2, 2)
    assert ((g.accuracy >= 0) & (g.accuracy <= 1)).all()
    # xi_c in the ordered phase is -1/ln(chi_1), chi_1 from quad
    for s, xi in zip(g.sigma_w2, g.xi_c):
        chi, _ = tanh_chi_1(s, 0.05)
        assert xi == pytest.approx(-1 / math.log(chi), rel=1e-6)
    assert g.trained[0, 1] == 2  # 2 layers, sigma_w^2 = 1.2: learns
    assert g.trained[1, 0] == 0  # 40 layers at sigma_w^2 = 0.3 (6 xi_c < 3): does not
    assert g.settings["steps"] == 120 and g.settings["n_train"] == 1348


def test_trainability_is_seeded():
    kw = dict(depths=(3,), sigma_w2=(1.0,), steps=20, seeds=1)
    a = schoenholz2017.trainability(rng=1, **kw).accuracy
    b = schoenholz2017.trainability(rng=1, **kw).accuracy
    c = schoenholz2017.trainability(rng=2, **kw).accuracy
    assert np.array_equal(a, b) and not np.array_equal(a, c)


@pytest.mark.parametrize("kwargs,match", [
    (dict(depths=(0,)), "depths"),
    (dict(depths=(1.5,)), "depths"),
    (dict(sigma_w2=(-1.0,)), "sigma_w2"),
    (dict(sigma_b2=-0.1), "sigma_b2"),
    (dict(threshold=1.0), "threshold"),
    (dict(steps=0), "steps"),
    (dict(batch_size=5000), "batch_size"),
    (dict(dtype=np.int64), "dtype"),
])
def test_trainability_errors_name_the_argument(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        schoenholz2017.trainability(**kwargs)
