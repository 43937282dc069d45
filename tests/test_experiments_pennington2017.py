"""winit.experiments.pennington2017: Jacobians (against finite differences), condition
numbers, Fuss-Catalan moments and the spectra of deep networks at initialisation."""

import math

import numpy as np
import pytest

from winit import orthogonal
from winit.experiments import pennington2017 as pen


def forward(weights, x, activation):
    f = {"linear": lambda z: z, "relu": lambda z: np.maximum(z, 0), "tanh": np.tanh}[activation]
    h = x
    for w in weights:
        h = f(h @ w)
    return h


@pytest.mark.parametrize("activation", ["linear", "tanh", "relu"])
def test_jacobian_matches_finite_differences(activation):
    rng = np.random.default_rng(0)
    ws = [rng.normal(0, 1 / math.sqrt(6), (6, 6)) for _ in range(4)]
    x = rng.normal(0, 1, 6)
    jac = pen.input_output_jacobian(ws, x, activation)
    eps = 1e-6
    for i in range(6):
        dx = np.zeros(6)
        dx[i] = eps
        fd = (forward(ws, x + dx, activation) - forward(ws, x - dx, activation)) / (2 * eps)
        assert np.allclose(jac[i], fd, atol=1e-7)


def test_linear_jacobian_is_the_product():
    rng = np.random.default_rng(1)
    ws = [rng.normal(size=(5, 5)) for _ in range(3)]
    assert np.allclose(pen.input_output_jacobian(ws, np.ones(5), "linear"), ws[0] @ ws[1] @ ws[2])


def test_jacobian_errors():
    with pytest.raises(ValueError, match="activation"):
        pen.input_output_jacobian([np.eye(2)], np.ones(2), "sigmoid")
    with pytest.raises(ValueError, match=r"x must be an array of shape \(2,\)"):
        pen.input_output_jacobian([np.eye(2)], np.ones(3), "linear")
    with pytest.raises(ValueError, match=r"weights\[1\]"):
        pen.input_output_jacobian([np.eye(2), np.eye(3)], np.ones(2), "linear")
    with pytest.raises(ValueError, match="weights must be a non-empty sequence"):
        pen.input_output_jacobian([], np.ones(2), "linear")


def test_condition_number_of_diagonal_products():
    ws = [np.diag([1.0, 2.0, 0.5]), np.diag([3.0, 1.0, 0.25])]
    # product diag(3, 2, 0.125): 3 / 0.125 = 24
    assert pen.product_condition_number(ws) == pytest.approx(24.0, rel=1e-14)


def test_condition_number_matches_numpy_when_numpy_can_resolve_it():
    rng = np.random.default_rng(2)
    ws = [rng.normal(0, 0.3, (8, 8)) for _ in range(3)]
    m = ws[0] @ ws[1] @ ws[2]
    assert pen.product_condition_number(ws) == pytest.approx(np.linalg.cond(m), rel=1e-8)


def test_condition_number_resolves_what_a_direct_svd_cannot():
    # diag(10^-k) products: exact condition number 10^60, far beyond float64's 10^16.
    ws = [np.diag([1.0, 1e-6])] * 10
    assert pen.product_condition_number(ws) == pytest.approx(1e60, rel=1e-12)


def test_condition_number_of_singular_or_orthogonal():
    assert pen.product_condition_number([np.diag([1.0, 0.0])]) == math.inf
    ws = [orthogonal((10, 10), rng=i) for i in range(50)]
    assert pen.product_condition_number(ws) == pytest.approx(1.0, abs=1e-10)


def test_fuss_catalan_moments():
    assert [pen.fuss_catalan_moment(1, k) for k in (1, 2, 3, 4)] == [1, 2, 5, 14]  # Catalan
    assert [pen.fuss_catalan_moment(2, k) for k in (1, 2, 3, 4)] == [1, 3, 12, 55]
    assert all(pen.fuss_catalan_moment(d, 2) == d + 1 for d in range(1, 20))
    with pytest.raises(ValueError, match="depth"):
        pen.fuss_catalan_moment(0, 1)
    with pytest.raises(TypeError, match="k must be"):
        pen.fuss_catalan_moment(1, 1.5)


def test_fuss_catalan_predicts_gaussian_products():
    rng = np.random.default_rng(3)
    n = 400
    m = np.eye(n)
    for _ in range(3):
        m = m @ rng.normal(0, 1 / math.sqrt(n), (n, n))
    sv2 = np.linalg.svd(m, compute_uv=False) ** 2
    assert abs(sv2.mean() - 1) < 0.1
    assert abs(np.mean(sv2 ** 2) - pen.fuss_catalan_moment(3, 2)) < 0.6


def test_spectra_of_orthogonal_and_gaussian_linear_networks():
    s = pen.jacobian_spectra(depths=(1, 4, 16), width=32, activations=("linear",), rng=0)
    orth = s["linear", "orthogonal"]
    assert orth.depths == (1, 4, 16) and len(orth.singular_values) == 3
    for sv in orth.singular_values:
        assert sv.shape == (32,) and np.allclose(sv, 1.0, atol=1e-12)
    assert np.allclose(orth.condition, 1.0, atol=1e-10)
    gauss = s["linear", "gaussian"].condition
    assert gauss[0] < gauss[1] < gauss[2] and gauss[2] > 1e10


def test_relu_orthogonal_first_layer_has_singular_values_sqrt2_or_0():
    s = pen.jacobian_spectra(depths=(1,), width=64, activations=("relu",), inits=("orthogonal",), rng=1)
    sv = s["relu", "orthogonal"].singular_values[0]
    nonzero = sv > 1e-8
    assert np.allclose(sv[nonzero], math.sqrt(2)) and np.all(sv[~nonzero] < 1e-12)
    assert 16 < nonzero.sum() < 48
    assert s["relu", "orthogonal"].condition is None


def test_spectra_are_reproducible_and_seeded():
    a = pen.jacobian_spectra(depths=(2,), width=16, activations=("tanh",), rng=5)
    b = pen.jacobian_spectra(depths=(2,), width=16, activations=("tanh",), rng=5)
    c = pen.jacobian_spectra(depths=(2,), width=16, activations=("tanh",), rng=6)
    key = ("tanh", "gaussian")
    assert np.array_equal(a[key].singular_values[0], b[key].singular_values[0])
    assert not np.allclose(a[key].singular_values[0], c[key].singular_values[0])


@pytest.mark.parametrize("kwargs,error,match", [
    (dict(depths=(4, 2)), ValueError, "increasing"),
    (dict(depths=3), TypeError, "depths"),
    (dict(depths=(0,)), ValueError, "depths"),
    (dict(width=0), ValueError, "width"),
    (dict(activations=("selu",)), ValueError, "activations"),
    (dict(inits=("uniform",)), ValueError, "inits"),
    (dict(input_variance=-1.0), ValueError, "input_variance"),
    (dict(rng=-1), ValueError, "rng"),
])
def test_spectra_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        pen.jacobian_spectra(**kwargs)


# --- the spread of the squared singular values on the edge of chaos -----------------------------

def _mu(k, q):
    """E[tanh'(sqrt(q) z)^(2k)], z ~ N(0, 1), by scipy's adaptive quadrature (|z| < 12: the
    Gaussian's tail beyond is below 1e-31)."""
    from scipy.integrate import quad
    f = lambda z: (1 / math.cosh(math.sqrt(q) * z)) ** (4 * k) * math.exp(-z * z / 2)  # noqa: E731
    return quad(f, -12, 12, epsabs=1e-14, epsrel=1e-12, limit=200)[0] / math.sqrt(2 * math.pi)


@pytest.mark.parametrize("q", [0.01, 0.3, 1.0, 4.0])
def test_spread_per_layer_of_tanh_against_quadrature(q):
    expected = _mu(2, q) / _mu(1, q) ** 2 - 1
    assert pen.spread_per_layer("tanh", q, "orthogonal") == pytest.approx(expected, rel=1e-9)
    assert pen.spread_per_layer("tanh", q, "gaussian") == pytest.approx(expected + 1, rel=1e-9)


def test_spread_per_layer_closed_forms():
    # ReLU: phi'^2 is 0 or 1 with probability 1/2 each, so var/mean^2 = (1/2 - 1/4) / (1/4) = 1.
    for q in (0.1, 1.0, 10.0):
        assert pen.spread_per_layer("relu", q, "orthogonal") == pytest.approx(1.0, abs=1e-12)
        assert pen.spread_per_layer("relu", q, "gaussian") == pytest.approx(2.0, abs=1e-12)
    assert pen.spread_per_layer("linear", 1.0, "orthogonal") == pytest.approx(0.0, abs=1e-12)
    assert pen.spread_per_layer("linear", 1.0, "gaussian") == pytest.approx(1.0, abs=1e-12)
    # small q*: tanh'^2 = sech^4 u ~ 1 - 2 u^2, whose variance is 4 Var(u^2) = 8 q*^2
    assert pen.spread_per_layer("tanh", 1e-3, "orthogonal") == pytest.approx(8e-6, rel=0.02)


def test_spectrum_spread_sits_on_the_edge_of_chaos():
    s = pen.spectrum_spread("tanh", 0.01, depths=(1,), width=8)
    assert (s.sigma_w2, s.sigma_b2) == (pytest.approx(1 / _mu(1, 0.01), rel=1e-9),
                                        pytest.approx(1.3e-6, rel=0.05))
    assert s.mean.shape == s.spread.shape == (1, 1)


def test_spectrum_spread_of_an_orthogonal_linear_network_is_zero():
    s = pen.spectrum_spread("linear", 1.0, init="orthogonal", depths=(1, 5, 20), width=16)
    assert np.allclose(s.mean, 1.0, atol=1e-12) and np.allclose(s.spread, 0.0, atol=1e-12)


def test_spectrum_spread_of_gaussian_linear_networks_follows_fuss_catalan():
    # E[sigma^4] - 1 = L for a product of L Gaussian matrices (wide): spread about L.
    s = pen.spectrum_spread("linear", 1.0, init="gaussian", depths=(1, 2, 4), width=300,
                            n_networks=4, rng=3)
    assert np.allclose(s.spread.mean(axis=0), [1, 2, 4], rtol=0.15)
    assert np.allclose(s.mean.mean(axis=0), 1.0, atol=0.1)


def test_spectrum_spread_of_one_relu_layer_is_the_share_of_units_off():
    # One orthogonal ReLU layer: J = W D, D^2 = diag(0/1), so sigma^2 is sigma_w^2 = 2 on the
    # active units, 0 elsewhere: spread = (1 - p) / p for a share p of active units.
    s = pen.spectrum_spread("relu", 1.0, init="orthogonal", depths=(1,), width=400, n_networks=5)
    p = s.mean[:, 0] / 2.0
    assert np.allclose(s.spread[:, 0], (1 - p) / p, rtol=1e-10)
    assert np.all(np.abs(p - 0.5) < 0.1)


def test_spectrum_spread_grows_as_the_theory_says_for_critical_tanh():
    depths = (4, 16)
    for init in pen.INITS:
        s = pen.spectrum_spread("tanh", 0.1, init=init, depths=depths, width=256, n_networks=2,
                                rng=5)
        slope = _mu(2, 0.1) / _mu(1, 0.1) ** 2 - 1 + (init == "gaussian")
        assert np.allclose(s.spread.mean(axis=0), np.array(depths) * slope, rtol=0.3)
        assert np.all(np.abs(s.mean - 1) < 0.3)


def test_spectrum_spread_networks_do_not_depend_on_how_many_are_drawn():
    one = pen.spectrum_spread("tanh", 1.0, init="gaussian", depths=(3,), width=8, n_networks=1)
    three = pen.spectrum_spread("tanh", 1.0, init="gaussian", depths=(3,), width=8, n_networks=3)
    assert one.mean[0, 0] == three.mean[0, 0] and three.mean[1, 0] != three.mean[0, 0]


def test_spectrum_spread_errors():
    with pytest.raises(ValueError, match="q_star must be"):
        pen.spectrum_spread("tanh", 0.0)
    with pytest.raises(ValueError, match="activation"):
        pen.spectrum_spread("sigmoid", 1.0)
    with pytest.raises(ValueError, match="init"):
        pen.spectrum_spread("tanh", 1.0, init="uniform")
    with pytest.raises(ValueError, match="depths"):
        pen.spectrum_spread("tanh", 1.0, depths=(4, 2))
    with pytest.raises(ValueError, match="n_networks"):
        pen.spectrum_spread("tanh", 1.0, n_networks=0)
    with pytest.raises(ValueError, match="init"):
        pen.spread_per_layer("tanh", 1.0, "he")


def test_spectrum_spreads_share_their_draws():
    out = pen.spectrum_spreads([("linear", 1.0), ("linear", 4.0), ("tanh", 0.5)], init="gaussian",
                               depths=(2, 5), width=12, n_networks=2, rng=7)
    assert list(out) == [("linear", 1.0), ("linear", 4.0), ("tanh", 0.5)]
    # a linear network's Jacobian does not depend on its input: the same draws, the same numbers
    assert np.array_equal(out["linear", 1.0].spread, out["linear", 4.0].spread)
    one = pen.spectrum_spread("tanh", 0.5, init="gaussian", depths=(2, 5), width=12, n_networks=2,
                              rng=7)
    assert np.array_equal(one.mean, out["tanh", 0.5].mean)
    assert np.array_equal(one.spread, out["tanh", 0.5].spread)


def test_spectrum_spreads_errors():
    with pytest.raises(ValueError, match="repeat"):
        pen.spectrum_spreads([("tanh", 1.0), ("tanh", 1.0)])
    with pytest.raises(ValueError, match="at least one"):
        pen.spectrum_spreads([])
    with pytest.raises(TypeError, match="pairs"):
        pen.spectrum_spreads(["tanh"])
