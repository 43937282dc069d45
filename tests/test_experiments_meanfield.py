"""Tests of winit.experiments.poole2016 and .schoenholz2017 against closed forms and
independent integration (scipy.integrate.quad), on small fast versions."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate

from winit.experiments import poole2016, schoenholz2017
from winit.experiments.schoenholz2017 import _ensemble_sgd
from winit.networks import init_weights, train_sgd


def gauss(f, q):
    """E[f(sqrt(q) z)], z ~ N(0, 1), by adaptive quadrature (independent of hermgauss)."""
    val, _ = integrate.quad(lambda z: f(math.sqrt(q) * z) * math.exp(-z * z / 2)
                            / math.sqrt(2 * math.pi), -np.inf, np.inf, epsabs=1e-13,
                            epsrel=1e-13, limit=200)
    return val


def tanh_chi_1(sw2, sb2):
    """chi_1 of tanh from quad and brentq: an implementation independent of winit.meanfield."""
    from scipy.optimize import brentq

    def g(q):
        return sw2 * gauss(lambda u: math.tanh(u) ** 2, q) + sb2 - q
    q = brentq(g, 1e-6, 50.0, xtol=1e-14) if g(1e-6) > 0 else 0.0
    return sw2 * gauss(lambda u: (1 - math.tanh(u) ** 2) ** 2, q), q


# ---- poole2016 ------------------------------------------------------------------


def test_length_theory_is_the_closed_form_for_relu_and_linear():
    # ReLU: q_{l+1} = sw2/2 q_l + sb2; linear: q_{l+1} = sw2 q_l + sb2.
    t = poole2016.length_per_layer(2.0, 0.5, "relu", q0=[1.0, 3.0], depth=6, width=50, rng=0)
    want = np.array([[q0 + 0.5 * l for l in range(6)] for q0 in (1.0, 3.0)])
    np.testing.assert_allclose(t.theory, want, rtol=1e-12)
    t = poole2016.length_per_layer(0.5, 1.0, "linear", q0=[4.0], depth=4, width=50, rng=0)
    np.testing.assert_allclose(t.theory[0], [4.0, 3.0, 2.5, 2.25], rtol=1e-12)
    assert t.quantity == "q" and t.layers.tolist() == [1, 2, 3, 4]


def test_length_measured_starts_exactly_and_follows_theory():
    t = poole2016.length_per_layer(25 / 9, 0.05, "tanh", q0=[0.3, 5.0], depth=10, width=2000,
                                   rng=1)
    np.testing.assert_allclose(t.measured[:, 0], [0.3, 5.0], rtol=1e-12)
    # fluctuations of a mean over 2000 units: a few per cent
    assert np.all(np.abs(t.measured / t.theory - 1) < 0.15)
    # the fixed point, by independent integration
    _, q_star = tanh_chi_1(25 / 9, 0.05)
    assert t.theory[:, -1] == pytest.approx([q_star, q_star], rel=1e-3)


def test_length_is_seeded():
    a = poole2016.length_per_layer(2.0, 0.1, q0=[1.0], depth=4, width=30, rng=5)
    b = poole2016.length_per_layer(2.0, 0.1, q0=[1.0], depth=4, width=30, rng=5)
    c = poole2016.length_per_layer(2.0, 0.1, q0=[1.0], depth=4, width=30, rng=6)
    assert np.array_equal(a.measured, b.measured) and not np.array_equal(a.measured, c.measured)


def test_correlation_theory_is_the_arc_cosine_kernel_for_relu():
    # ReLU at sw2 = 2, no bias: c -> (sqrt(1 - c^2) + (pi - arccos c) c) / pi (Cho and Saul 2009).
    # The tensor-product rule does not follow ReLU's kink: about 1e-3 per step (meanfield's doc).
    t = poole2016.correlation_per_layer(2.0, 0.0, "relu", c0=[0.1, 0.7], depth=5, width=400,
                                        rng=0)
    for i, c in enumerate([0.1, 0.7]):
        for l in range(5):
            assert t.theory[i, l] == pytest.approx(c, abs=1.5e-3 * l + 1e-12)
            c = (math.sqrt(1 - c * c) + (math.pi - math.acos(c)) * c) / math.pi
    np.testing.assert_allclose(t.measured[:, 0], [0.1, 0.7], atol=1e-12)


def test_correlation_measured_in_the_two_phases():
    ordered = poole2016.correlation_per_layer(1.0, 0.05, c0=[0.3], depth=25, width=800, rng=2)
    chaotic = poole2016.correlation_per_layer(4.0, 0.05, c0=[0.95], depth=25, width=800, rng=2)
    assert ordered.measured[0, -1] > 0.97  # ordered: inputs become alike
    assert chaotic.measured[0, -1] < 0.5  # chaotic: they are pulled apart
    assert np.abs(ordered.measured - ordered.theory).max() < 0.1
    assert np.abs(chaotic.measured - chaotic.theory).max() < 0.25


def test_phase_boundary_has_chi_1_equal_to_1():
    qs = [0.0, 0.5, 2.0]
    sw2, sb2 = poole2016.phase_boundary(qs, "tanh")
    assert sw2[0] == pytest.approx(1.0, abs=1e-12) and sb2[0] == 0.0
    for q, w, b in zip(qs[1:], sw2[1:], sb2[1:]):
        # q is the fixed point of (w, b) and chi_1 = 1 there, by quad
        assert w * gauss(lambda u: math.tanh(u) ** 2, q) + b == pytest.approx(q, rel=1e-9)
        assert w * gauss(lambda u: (1 - math.tanh(u) ** 2) ** 2, q) == pytest.approx(1, rel=1e-9)
    w, b = poole2016.phase_boundary([0.0, 1.0, 3.0], "relu")
    np.testing.assert_allclose(w, 2.0, rtol=1e-12)
    np.testing.assert_array_equal(b, 0.0)
    w, _ = poole2016.phase_boundary(None, "tanh")
    assert w.size == 200 and (np.diff(w) > 0).all()


@pytest.mark.parametrize("call,match", [
    (lambda: poole2016.length_per_layer(1.0, q0=[0.0]), "q0"),
    (lambda: poole2016.length_per_layer(0.0), "sigma_w2"),
    (lambda: poole2016.length_per_layer(1.0, -0.1), "sigma_b2"),
    (lambda: poole2016.length_per_layer(1.0, activation="softplus"), "activation"),
    (lambda: poole2016.length_per_layer(1.0, depth=0), "depth"),
    (lambda: poole2016.correlation_per_layer(2.0, c0=[1.0]), "c0"),
    (lambda: poole2016.correlation_per_layer(1.0, 0.0, "tanh"), "fixed point"),
    (lambda: poole2016.correlation_per_layer(2.0, width=1), "width"),
    (lambda: poole2016.phase_boundary([-1.0]), "q_stars"),
])
def test_poole_errors_name_the_argument(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


# ---- schoenholz2017: gradients --------------------------------------------------


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
