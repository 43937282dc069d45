"""Tests of winit.experiments.poole2016 against closed forms and independent integration
(scipy.integrate.quad), on small fast versions."""

from __future__ import annotations

import math

import numpy as np
import pytest

from _quad import gauss, tanh_chi_1
from winit.experiments import poole2016


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
    (lambda: poole2016.length_per_layer(1.0, activation="not_an_activation"), "activation"),
    (lambda: poole2016.length_per_layer(1.0, depth=0), "depth"),
    (lambda: poole2016.correlation_per_layer(2.0, c0=[1.0]), "c0"),
    (lambda: poole2016.correlation_per_layer(1.0, 0.0, "tanh"), "fixed point"),
    (lambda: poole2016.correlation_per_layer(2.0, width=1), "width"),
    (lambda: poole2016.phase_boundary([-1.0]), "q_stars"),
])
def test_poole_errors_name_the_argument(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


def test_circle_starts_as_a_circle_at_the_fixed_point():
    t = poole2016.circle_per_layer(4.0, 0.05, depth=4, width=60, n_points=90, show=[1, 4], rng=3)
    chi, q_star = tanh_chi_1(4.0, 0.05)
    assert t.q_star == pytest.approx(q_star, rel=1e-9) and t.chi_1 == pytest.approx(chi, rel=1e-9)
    # the polygon through 90 evenly spaced points of a circle of radius sqrt(q*)
    assert t.lengths[0] == pytest.approx(90 * 2 * math.sqrt(q_star) * math.sin(math.pi / 90),
                                         rel=1e-9)
    np.testing.assert_allclose(t.theta, np.arange(90) * 2 * math.pi / 90, rtol=1e-12)
    np.testing.assert_allclose(t.theory, t.lengths[0] * chi ** (np.arange(4) / 2), rtol=1e-9)
    assert t.explained[1] == pytest.approx(1.0, abs=1e-12) and t.explained[4] < 1
    # a circle projected on its own plane: every point at radius sqrt(q*)
    np.testing.assert_allclose(np.hypot(*t.projections[1].T), math.sqrt(q_star), rtol=1e-9)
    assert set(t.projections) == {1, 4} and t.projections[4].shape == (90, 2)
    assert t.layers.tolist() == [1, 2, 3, 4] and t.width == 60


def test_circle_length_shrinks_when_ordered_and_grows_when_chaotic():
    ordered = poole2016.circle_per_layer(1.0, 0.05, depth=12, width=400, rng=0)
    chaotic = poole2016.circle_per_layer(4.0, 0.05, depth=12, width=400, rng=0)
    assert ordered.lengths[-1] < 0.3 * ordered.lengths[0]
    assert chaotic.lengths[-1] > 4 * chaotic.lengths[0]
    # the mean-field growth sqrt(chi_1) per layer, within the scatter of a finite network
    for t in (ordered, chaotic):
        assert np.all(np.abs(t.lengths / t.theory - 1) < 0.25)


def test_circle_is_seeded():
    a = poole2016.circle_per_layer(2.0, 0.1, depth=3, width=20, n_points=10, rng=5)
    b = poole2016.circle_per_layer(2.0, 0.1, depth=3, width=20, n_points=10, rng=5)
    c = poole2016.circle_per_layer(2.0, 0.1, depth=3, width=20, n_points=10, rng=6)
    assert np.array_equal(a.lengths, b.lengths) and not np.array_equal(a.lengths, c.lengths)


@pytest.mark.parametrize("kwargs,match", [
    (dict(sigma_w2=1.0, sigma_b2=0.0), "fixed point"),
    (dict(sigma_w2=2.0, width=1), "width"),
    (dict(sigma_w2=2.0, n_points=2), "n_points"),
    (dict(sigma_w2=2.0, depth=3, show=[4]), "show"),
    (dict(sigma_w2=2.0, show=[0]), "show"),
    (dict(sigma_w2=-1.0), "sigma_w2"),
])
def test_circle_errors_name_the_argument(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        poole2016.circle_per_layer(**kwargs)


# ---- schoenholz2017: gradients --------------------------------------------------
