"""winit.meanfield against closed forms and independent integration (scipy.integrate.quad)."""

import math

import numpy as np
import pytest
from scipy import integrate

from winit import meanfield as mf


def gauss_expect(f, q):
    """E[f(sqrt(q) z)] by adaptive quadrature: an integrator independent of hermgauss."""
    val, _ = integrate.quad(lambda z: f(math.sqrt(q) * z) * math.exp(-z * z / 2) / math.sqrt(2 * math.pi),
                            -np.inf, np.inf, epsabs=1e-13, epsrel=1e-13, limit=200)
    return val


@pytest.mark.parametrize("q", [0.1, 1.0, 4.0])
@pytest.mark.parametrize("sw2,sb2", [(1.0, 0.0), (25 / 9, 0.0), (1.5, 0.05)])
def test_length_map_tanh_matches_quad(q, sw2, sb2):
    want = sw2 * gauss_expect(lambda u: math.tanh(u) ** 2, q) + sb2
    assert mf.length_map(q, sw2, sb2, "tanh") == pytest.approx(want, rel=1e-8)


@pytest.mark.parametrize("sw2,sb2", [(0.5, 0.1), (1.5, 0.0), (1.9, 0.3)])
def test_relu_closed_forms(sw2, sb2):
    # ReLU: E[relu(sqrt(q) z)^2] = q/2, so q* = sb2 / (1 - sw2/2) and chi_1 = sw2/2.
    assert mf.length_map(3.0, sw2, sb2, "relu") == pytest.approx(1.5 * sw2 + sb2, rel=1e-12)
    assert mf.fixed_point_q(sw2, sb2, "relu") == pytest.approx(sb2 / (1 - sw2 / 2), abs=1e-12)
    assert mf.chi_1(sw2, sb2, "relu") == pytest.approx(sw2 / 2, rel=1e-12)


def test_relu_growing_and_marginal():
    assert mf.fixed_point_q(2.5, 0.0, "relu") == math.inf
    assert mf.fixed_point_q(2.0, 0.0, "relu", q0=3.0) == pytest.approx(3.0)
    assert mf.critical_sigma_w2("relu") == pytest.approx(2.0, abs=1e-9)
    assert mf.critical_sigma_w2("relu", 0.5) == pytest.approx(2.0, abs=1e-9)


def test_linear_and_leaky():
    assert mf.chi_1(0.7, 0.0, "linear") == pytest.approx(0.7, rel=1e-12)
    a = mf.LEAKY_SLOPE
    assert mf.critical_sigma_w2("leaky_relu") == pytest.approx(2 / (1 + a * a), rel=1e-9)


def test_tanh_edge_and_pytorch_gain():
    assert mf.fixed_point_q(1.0, 0.0, "tanh") == 0.0
    assert mf.chi_1(1.0, 0.0, "tanh") == pytest.approx(1.0, abs=1e-12)
    sw2 = 25 / 9
    q = mf.fixed_point_q(sw2, 0.0, "tanh")
    # q* is a fixed point of the map, computed independently with quad
    assert sw2 * gauss_expect(lambda u: math.tanh(u) ** 2, q) == pytest.approx(q, rel=1e-9)
    want = sw2 * gauss_expect(lambda u: (1 - math.tanh(u) ** 2) ** 2, q)
    assert mf.chi_1(sw2, 0.0, "tanh") == pytest.approx(want, rel=1e-9)
    assert 1.20 < want < 1.22
    assert mf.critical_sigma_w2("tanh") == pytest.approx(1.0, abs=1e-9)


def test_correlation_map_fixed_points():
    # c = 1 is always a fixed point; its slope is chi_1.
    for sw2, sb2 in [(0.8, 0.1), (2.0, 0.05)]:
        assert mf.correlation_map(1.0, sw2, sb2, "tanh") == pytest.approx(1.0, abs=1e-6)
        assert mf.chi_c(1.0, sw2, sb2, "tanh") == pytest.approx(mf.chi_1(sw2, sb2, "tanh"), rel=1e-5)
    assert mf.fixed_point_c(0.8, 0.1, "tanh") == 1.0
    assert abs(mf.fixed_point_c(25 / 9, 0.0, "tanh")) < 1e-9  # odd phi, no bias: c* = 0


def test_depth_scales():
    assert mf.depth_scales(1.0, 0.0, "tanh")[1] == math.inf
    # ordered phase: xi_c = -1/ln(chi_1)
    xi_q, xi_c = mf.depth_scales(0.9, 0.0, "tanh")
    assert xi_c == pytest.approx(-1 / math.log(0.9), rel=1e-9)
    # relu, ordered: both scales -1/ln(sw2/2)
    xi_q, xi_c = mf.depth_scales(1.5, 0.1, "relu")
    assert xi_q == pytest.approx(-1 / math.log(0.75), rel=1e-9)
    assert xi_c == pytest.approx(-1 / math.log(0.75), rel=1e-9)


@pytest.mark.parametrize("kwargs,match", [
    (dict(sigma_w2=0.0), "sigma_w2"),
    (dict(sigma_w2=-1.0), "sigma_w2"),
    (dict(sigma_b2=-0.1), "sigma_b2"),
    (dict(activation="softplus"), "activation"),
    (dict(sigma_w2=float("nan")), "sigma_w2"),
])
def test_errors_name_the_argument(kwargs, match):
    args = dict(sigma_w2=1.0, sigma_b2=0.0, activation="tanh") | kwargs
    with pytest.raises((ValueError, TypeError), match=match):
        mf.chi_1(**args)


def test_bad_c_and_bracket():
    with pytest.raises(ValueError, match="c must be"):
        mf.correlation_map(1.5, 1.0, 0.0, "tanh")
    with pytest.raises(ValueError, match="same sign"):
        mf.critical_sigma_w2("relu", lo=3.0, hi=4.0)


def test_edge_of_chaos_against_quad():
    for q in (0.3, 1.0, 3.0):  # 256 nodes: about 1e-9 at q = 1, 1e-7 at q = 3 (tanh's poles)
        sw2, sb2 = mf.edge_of_chaos(q, "tanh")
        assert sw2 * gauss_expect(lambda u: (1 - math.tanh(u) ** 2) ** 2, q) == pytest.approx(1, rel=1e-6)
        assert sw2 * gauss_expect(lambda u: math.tanh(u) ** 2, q) + sb2 == pytest.approx(q, rel=1e-6)
        assert mf.critical_sigma_w2("tanh", sb2) == pytest.approx(sw2, rel=1e-7)
    assert mf.edge_of_chaos(0.0, "relu")[0] == pytest.approx(2.0, rel=1e-12)
    assert mf.edge_of_chaos(2.0, "relu")[1] == pytest.approx(0.0, abs=1e-12)
    a = mf.LEAKY_SLOPE
    assert mf.edge_of_chaos(1.0, "leaky_relu")[0] == pytest.approx(2 / (1 + a * a), rel=1e-12)
    with pytest.raises(ValueError, match="q_star"):
        mf.edge_of_chaos(-1.0)


def test_fixed_point_c_chaotic_with_bias_by_dblquad():
    # c* of tanh at (4, 0.05) is a fixed point of the correlation map computed independently:
    # q* from quad and brentq, E[tanh(u1) tanh(u2)] from dblquad.
    from scipy.optimize import brentq
    sw2, sb2 = 4.0, 0.05
    q = brentq(lambda q: sw2 * gauss_expect(lambda u: math.tanh(u) ** 2, q) + sb2 - q, 0.1, 20,
               xtol=1e-14)
    c = mf.fixed_point_c(sw2, sb2, "tanh")
    s = math.sqrt(1 - c * c)
    inner, _ = integrate.dblquad(
        lambda z2, z1: math.tanh(math.sqrt(q) * z1) * math.tanh(math.sqrt(q) * (c * z1 + s * z2))
        * math.exp(-(z1 * z1 + z2 * z2) / 2) / (2 * math.pi), -9, 9, -9, 9, epsabs=1e-11)
    assert (sw2 * inner + sb2) / q == pytest.approx(c, abs=1e-6)
    assert 0.1 < c < 0.25
    # chi_c at c* < 1: c* is stable
    assert mf.chi_c(c, sw2, sb2, "tanh") < 1


def test_quadrature_node_limit():
    with pytest.raises(ValueError, match="n_points"):
        mf.expect(np.cos, 1.0, n_points=400)
    with pytest.raises(ValueError, match="n_points"):
        mf.correlation_map(0.5, 2.0, 0.1, n_points=500)
    assert math.isfinite(mf.expect(np.cos, 1.0, n_points=mf.MAX_POINTS))
    assert mf.expect(np.cos, 1.0, n_points=mf.MAX_POINTS) == pytest.approx(math.exp(-0.5), rel=1e-12)
