"""winit.meanfield against closed forms, large-q asymptotics and independent integration.

The references here do not use winit's quadrature or its activation table: the activations are
written again with :mod:`math`, expectations are :func:`scipy.integrate.quad` in u = sqrt(q) z
split at explicit breakpoints (0, +-1, +-2, +-4, ... for the activation, multiples of sqrt(q) for
the Gaussian), two-dimensional ones are quad nested the same way, and fixed points are
:func:`scipy.optimize.brentq` on those.
"""

import math
import warnings

import numpy as np
import pytest
from scipy import integrate, optimize

from winit import meanfield as mf
from winit.activations import get

# --- the activations, written again -------------------------------------------------------------


def _sig(u):
    return 0.5 * (1.0 + math.tanh(0.5 * u))


def _pdf(u):
    return math.exp(-0.5 * u * u) / math.sqrt(2 * math.pi)


def _cdf(u):
    return 0.5 * math.erfc(-u / math.sqrt(2))


ACT = {  # phi, phi', phi''
    "tanh": (math.tanh, lambda u: 1.0 - math.tanh(u) ** 2,
             lambda u: -2.0 * math.tanh(u) * (1.0 - math.tanh(u) ** 2)),
    "sigmoid": (_sig, lambda u: _sig(u) * (1.0 - _sig(u)),
                lambda u: _sig(u) * (1.0 - _sig(u)) * (1.0 - 2.0 * _sig(u))),
    "gelu": (lambda u: u * _cdf(u), lambda u: _cdf(u) + u * _pdf(u),
             lambda u: (2.0 - u * u) * _pdf(u)),
}

# --- independent integrators --------------------------------------------------------------------


def _quad_split(g, points, lo, hi, epsabs=1e-300):
    """quad of g over [lo, hi], split at the given points."""
    edges = [lo] + sorted({p for p in points if lo < p < hi}) + [hi]
    total = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", integrate.IntegrationWarning)
        for a, b in zip(edges[:-1], edges[1:]):
            total += integrate.quad(g, a, b, epsabs=epsabs, epsrel=1e-13, limit=200)[0]
    return total


_ACT_POINTS = [0.0] + [s * 2.0 ** k for k in range(7) for s in (-1.0, 1.0)]  # to |u| = 64


def ref_expect(f, q, epsabs=1e-300):
    """E[f(sqrt(q) z)], z ~ N(0, 1), by quad in u = sqrt(q) z over |u| <= 12 sqrt(q)."""
    if q == 0:
        return f(0.0)
    r = math.sqrt(q)
    pts = _ACT_POINTS + [k * r for k in range(-11, 12)]
    return _quad_split(lambda u: f(u) * math.exp(-u * u / (2 * q)) / math.sqrt(2 * math.pi * q),
                       pts, -12 * r, 12 * r, epsabs)


def ref_pair(f, q, c, epsabs=1e-17):
    """E[f(u1, u2)], u1 = sqrt(q) z1, u2 = sqrt(q) (c z1 + sqrt(1 - c^2) z2), by nested quad.

    ``epsabs`` bounds the absolute error of each piece (the pieces far out in the tails then
    take one Gauss-Kronrod rule each).
    """
    sig = math.sqrt(q * (1 - c) * (1 + c))

    def inner(u1):
        m = c * u1
        if sig == 0:
            return f(u1, m)
        pts = _ACT_POINTS + [m + k * sig for k in range(-9, 10)]
        return _quad_split(lambda v: f(u1, v) * math.exp(-(v - m) ** 2 / (2 * sig * sig))
                           / (math.sqrt(2 * math.pi) * sig), pts, m - 10 * sig, m + 10 * sig,
                           epsabs)

    return ref_expect(inner, q, epsabs)


def ref_q_star(activation, sw2, sb2):
    """The fixed point of q -> sw2 E[phi^2] + sb2 by brentq on ln q (tanh, sigmoid)."""
    phi = ACT[activation][0]
    if activation == "tanh" and sb2 == 0 and sw2 <= 1:
        return 0.0

    def h(log_q):
        q = math.exp(log_q)
        return (sw2 * ref_expect(lambda u: phi(u) ** 2, q) + sb2) / q - 1

    lo = math.log(min(1e-3, (sw2 - 1) / 4)) if activation == "tanh" and sb2 == 0 else \
        math.log(sb2 + (sw2 / 4 if activation == "sigmoid" else 0.0))
    hi = math.log(max(1.0, sw2 + sb2))
    return math.exp(optimize.brentq(h, lo, hi, xtol=1e-15, rtol=1e-15))


def ref_chi_1(activation, sw2, q):
    dphi = ACT[activation][1]
    return sw2 * ref_expect(lambda u: dphi(u) ** 2, q)


# --- one dimension ------------------------------------------------------------------------------


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "gelu"])
@pytest.mark.parametrize("q", [0.0, 1e-6, 0.1, 1.0, 4.0, 17.3, 100.0, 3e3, 1e6, 1e12])
def test_expect_matches_quad_over_q(activation, q):
    # phi^2 (length map), phi'^2 (chi_1), phi phi'' and u phi phi' (slope of the length map)
    entry = get(activation)
    phi, dphi, ddphi = entry.function, entry.derivative, entry.second_derivative
    p, dp, ddp = ACT[activation]
    pairs = [(lambda u: phi(u) ** 2, lambda u: p(u) ** 2),
             (lambda u: dphi(u) ** 2, lambda u: dp(u) ** 2),
             (lambda u: dphi(u) ** 2 + phi(u) * ddphi(u), lambda u: dp(u) ** 2 + p(u) * ddp(u)),
             (lambda u: u * phi(u) * dphi(u), lambda u: u * p(u) * dp(u))]
    for k, (mine, ref) in enumerate(pairs):
        want = ref_expect(ref, q)
        got = mf.expect(mine, q)
        if k == 2 and q > 1 and activation != "gelu":  # cancels to O(q^-3/2) from O(q^-1/2)
            assert got == pytest.approx(want, abs=1e-15 / math.sqrt(q))
        elif k == 3 and activation == "sigmoid" and q < 1:  # odd part cancels, to 1e-16 sqrt(q)
            assert got == pytest.approx(want, rel=1e-13, abs=1e-15 * math.sqrt(q))
        else:
            assert got == pytest.approx(want, rel=1e-13), (k, got, want)


def test_expect_kink_and_step_at_any_q():
    for q in (1e-8, 1.0, 1e4, 1e12):
        assert mf.expect(lambda u: (u > 0).astype(float), q) == pytest.approx(0.5, rel=1e-14)
        assert mf.expect(lambda u: np.maximum(u, 0.0) ** 2, q) == pytest.approx(q / 2, rel=1e-14)
        assert mf.expect(np.abs, q) == pytest.approx(math.sqrt(2 * q / math.pi), rel=1e-14)
    a = 0.2  # chapter 9's leaky slope: 1 / E[phi'^2] = 2 / (1 + a^2)
    assert 1 / mf.expect(lambda z: np.where(z > 0, 1.0, a) ** 2) == pytest.approx(2 / 1.04,
                                                                                  rel=1e-15)


def test_expect_polynomials_and_zero_variance():
    assert mf.expect(lambda u: u ** 4, 2.0) == pytest.approx(3 * 4.0, rel=1e-14)
    assert mf.expect(lambda u: u ** 10, 3.0) == pytest.approx(945 * 3.0 ** 5, rel=1e-11)
    assert mf.expect(np.cos, 1.0) == pytest.approx(math.exp(-0.5), rel=1e-14)
    assert mf.expect(lambda u: np.cos(u) + 2.0, 0.0) == 3.0  # f(0)


@pytest.mark.parametrize("q", [0.1, 1.0, 4.0])
@pytest.mark.parametrize("sw2,sb2", [(1.0, 0.0), (25 / 9, 0.0), (1.5, 0.05)])
def test_length_map_tanh_matches_quad(q, sw2, sb2):
    want = sw2 * ref_expect(lambda u: math.tanh(u) ** 2, q) + sb2
    assert mf.length_map(q, sw2, sb2, "tanh") == pytest.approx(want, rel=1e-14)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
@pytest.mark.parametrize("sw2", [1e-3, 0.5, 1.0, 25 / 9, 10.0, 100.0, 1e3, 1e5, 1e8])
@pytest.mark.parametrize("sb2", [0.0, 0.05, 2.0])
def test_fixed_point_q_and_chi_1_over_a_wide_grid(activation, sw2, sb2):
    q = ref_q_star(activation, sw2, sb2)
    got = mf.fixed_point_q(sw2, sb2, activation)
    assert got == pytest.approx(q, rel=1e-13, abs=1e-300)
    if q > 0:
        assert mf.length_map(got, sw2, sb2, activation) == pytest.approx(got, rel=1e-14)
    want = ref_chi_1(activation, sw2, q)
    assert mf.chi_1(sw2, sb2, activation) == pytest.approx(want, rel=1e-13)


def test_tanh_chi_1_large_sigma_w2():
    # The old 256-node Gauss-Hermite rule: 3.25 at sigma_w^2 = 100 (41 % low), 0.0102 at 1000.
    assert mf.chi_1(100.0, 0.0, "tanh") == pytest.approx(5.544854487752515, rel=1e-12)
    assert mf.chi_1(1000.0, 0.0, "tanh") == pytest.approx(17.037151922536477, rel=1e-12)
    for sw2 in (100.0, 1000.0):
        q = ref_q_star("tanh", sw2, 0.0)
        assert mf.chi_1(sw2, 0.0, "tanh") == pytest.approx(ref_chi_1("tanh", sw2, q), rel=1e-13)
    # Chapter 14's sigma_w^2 = 64/3 (q* = 17.3): 2.7003 (the old rule gave 2.688)
    assert mf.chi_1(64 / 3, 0.0, "tanh") == pytest.approx(2.700339873611548, rel=1e-12)


def _tanh_large_q(sw2, sb2):
    """q*, chi_1 and the length map's slope of tanh from the expansion in 1/q (by hand).

    For a localised g, E[g(sqrt(q) z)] = (2 pi q)^-1/2 (int g - int u^2 g / (2q) + O(q^-2)), and
    int sech^2 = 2, int u^2 sech^2 = pi^2/6, int sech^4 = 4/3, int u^2 sech^4 = (pi^2 - 6)/9.
    So E[tanh^2] = 1 - (2 - pi^2/(12 q)) / sqrt(2 pi q), E[tanh'^2] = (4/3 - (pi^2 - 6)/(18 q)) /
    sqrt(2 pi q), and dE[tanh^2]/dq = (1 - pi^2/(8 q)) / (sqrt(2 pi) q^3/2); errors O(q^-2).
    The slope is returned as its logarithm (it underflows for large q).
    """
    q = sw2 + sb2
    root = math.sqrt(2 * math.pi)  # sqrt(2 pi q) as root * sqrt(q): 2 pi q may overflow
    for _ in range(100):
        q = sw2 * (1 - (2 - math.pi ** 2 / 12 / q) / (root * math.sqrt(q))) + sb2
    chi = sw2 / (root * math.sqrt(q)) * (4 / 3 - (math.pi ** 2 - 6) / 18 / q)
    log_slope = (math.log(sw2) + math.log1p(-math.pi ** 2 / 8 / q)
                 - 0.5 * math.log(2 * math.pi) - 1.5 * math.log(q))
    return q, chi, log_slope


@pytest.mark.parametrize("sw2", [1e4, 1e6, 1e10, 1e16, 1e100, 1e300, 1.7e308])
def test_tanh_large_sigma_w2_asymptotics(sw2):
    q, chi, log_slope = _tanh_large_q(sw2, 0.5)
    assert mf.fixed_point_q(sw2, 0.5, "tanh") == pytest.approx(q, rel=max(1e-14, 2 * q ** -2.5))
    assert mf.chi_1(sw2, 0.5, "tanh") == pytest.approx(chi, rel=max(1e-14, 2e-7 * (1e4 / q) ** 2))
    assert mf.chi_1(sw2, 0.5, "tanh") == pytest.approx(4 / 3 * math.sqrt(sw2 / (2 * math.pi)),
                                                       rel=3 / math.sqrt(sw2))
    xi_q, xi_c = mf.depth_scales(sw2, 0.5, "tanh")
    assert xi_q == pytest.approx(-1 / log_slope, rel=max(1e-14, 1e-7 * (1e4 / q) ** 2))
    assert 1.5 < xi_c < 3  # c* near 0: chi_c -> 2 / pi


def test_tiny_rates_are_exact_through_their_logarithms_or_refused():
    # sigma_w^2 = 1e-300 with sigma_b^2 = 1e300: q* = 1e300, chi_1 = sw2 (4/3) / sqrt(2 pi q) =
    # 5e-451 is below the smallest float: chi_1 refuses; the depth scales, -1 / ln(slope), are
    # ordinary numbers: ln chi_1 and ln(sw2 E[u tanh tanh'] / q), E[u tanh tanh'] = int u tanh
    # sech^2 / sqrt(2 pi q) = 1 / sqrt(2 pi q) (int u tanh sech^2 = int sech^2 / 2 = 1).
    sw2, sb2, q = 1e-300, 1e300, 1e300
    assert mf.fixed_point_q(sw2, sb2, "tanh") == pytest.approx(q, rel=1e-15)
    with pytest.raises(ValueError, match="chi_1 .* underflows"):
        mf.chi_1(sw2, sb2, "tanh")
    half_log = 0.5 * math.log(2 * math.pi * q)
    xi_q, xi_c = mf.depth_scales(sw2, sb2, "tanh")
    assert xi_q == pytest.approx(-1 / (math.log(sw2) - math.log(q) - half_log), rel=1e-14)
    assert xi_c == pytest.approx(-1 / (math.log(sw2) + math.log(4 / 3) - half_log), rel=1e-14)
    assert mf.fixed_point_c(sw2, sb2, "tanh") == 1.0
    with pytest.raises(ValueError, match="underflows"):
        mf.length_map(1e-300, 1e-300, 0.0, "tanh")
    assert mf.length_map(1e-300, 1e-10, 0.0, "tanh") == pytest.approx(1e-310, rel=1e-12)


def test_sigmoid_chi_1_huge_sigma_w2():
    # The old rule gave 0 at sigma_w^2 = 1e6. Large q: chi_1 -> sw2 int sigmoid'^2 / sqrt(2 pi q*)
    # with int sigmoid'^2 = int s (1 - s) ds = 1/6 and q* -> sw2 / 2: sqrt(sw2) / (6 sqrt(pi)).
    sw2 = 1e6
    got = mf.chi_1(sw2, 0.0, "sigmoid")
    assert got == pytest.approx(math.sqrt(sw2) / (6 * math.sqrt(math.pi)), rel=3 / math.sqrt(sw2))
    q = ref_q_star("sigmoid", sw2, 0.0)
    assert got == pytest.approx(ref_chi_1("sigmoid", sw2, q), rel=1e-13)


def test_fixed_point_q_just_above_the_edge():
    # tanh^2 = u^2 - 2u^4/3 + ..., so q* = (1 - 1/sw2) / 2 + O((sw2 - 1)^2); the old search
    # tried q = 1e-8 and gave 0 for every sw2 below 1 + 2e-8.
    for d in (1e-9, 1e-6):
        want = (1 - 1 / (1 + d)) / 2
        assert mf.fixed_point_q(1 + d, 0.0, "tanh") == pytest.approx(want, rel=3 * d)
    assert mf.fixed_point_q(1.0, 0.0, "tanh") == 0.0
    assert mf.fixed_point_q(1 - 1e-12, 0.0, "tanh") == 0.0
    # with a tiny bias, q* = sqrt(sb2 / 2) at sw2 = 1 (from sb2 = 2 q^2)
    assert mf.fixed_point_q(1.0, 1e-12, "tanh") == pytest.approx(math.sqrt(0.5e-12), rel=1e-5)


# --- positively homogeneous activations: closed forms ------------------------------------------


@pytest.mark.parametrize("sw2,sb2", [(0.5, 0.1), (1.5, 0.0), (1.9, 0.3)])
def test_relu_closed_forms(sw2, sb2):
    # ReLU: E[relu(sqrt(q) z)^2] = q/2, so q* = sb2 / (1 - sw2/2) and chi_1 = sw2/2.
    assert mf.length_map(3.0, sw2, sb2, "relu") == pytest.approx(1.5 * sw2 + sb2, rel=1e-15)
    assert mf.fixed_point_q(sw2, sb2, "relu") == pytest.approx(sb2 / (1 - sw2 / 2), abs=1e-15)
    assert mf.chi_1(sw2, sb2, "relu") == pytest.approx(sw2 / 2, rel=1e-15)


def test_relu_growing_and_marginal():
    assert mf.fixed_point_q(2.5, 0.0, "relu") == math.inf
    assert mf.fixed_point_q(2.0, 0.0, "relu", q0=3.0) == pytest.approx(3.0)
    assert mf.critical_sigma_w2("relu") == 2.0
    assert mf.critical_sigma_w2("relu", 0.5) == 2.0


def test_linear_and_leaky():
    assert mf.chi_1(0.7, 0.0, "linear") == pytest.approx(0.7, rel=1e-15)
    a = mf.LEAKY_SLOPE
    assert mf.critical_sigma_w2("leaky_relu") == pytest.approx(2 / (1 + a * a), rel=1e-15)
    assert mf.correlation_map(0.3, 0.9, 0.1, "linear", q=2.0) == pytest.approx(
        (0.9 * 2.0 * 0.3 + 0.1) / (0.9 * 2.0 + 0.1), rel=1e-15)


def _relu_pair_ref(q, c, a, b):
    """E[phi(u1) phi(u2)] and E[phi'(u1) phi'(u2)], phi = a u (u > 0), b u (u < 0).

    One quad over u1, with the inner Gaussian integrals in closed form: for v ~ N(m, s^2),
    E[relu(v)] = m Phi(m/s) + s pdf(m/s) and P(v > 0) = Phi(m/s); phi = b u + (a - b) relu(u).
    """
    s = math.sqrt(q * (1 - c) * (1 + c))
    cdf = lambda x: 0.5 * math.erfc(-x / math.sqrt(2))  # noqa: E731
    pdf = lambda x: math.exp(-x * x / 2) / math.sqrt(2 * math.pi)  # noqa: E731

    def e_phi(m):
        return b * m + (a - b) * (m * cdf(m / s) + s * pdf(m / s))

    def e_dphi(m):
        return b + (a - b) * cdf(m / s)

    phi = lambda u: a * u if u > 0 else b * u  # noqa: E731
    dphi = lambda u: a if u > 0 else b  # noqa: E731
    return (ref_expect(lambda u: phi(u) * e_phi(c * u), q),
            ref_expect(lambda u: dphi(u) * e_dphi(c * u), q))


@pytest.mark.parametrize("activation,a,b", [("relu", 1.0, 0.0), ("leaky_relu", 1.0, 0.01)])
@pytest.mark.parametrize("c", [-0.99, -0.5, 0.0, 0.3, 0.9, 0.999])
def test_relu_correlation_map_and_chi_c_against_quad(activation, a, b, c):
    # The arc-cosine kernel against one quad with the inner expectation in closed form; the old
    # 96 x 96 Gauss-Hermite rule missed the kink at u2 = 0 by about 1e-3.
    sw2, sb2, q = 1.7, 0.2, 2.5
    e_pp, e_dd = _relu_pair_ref(q, c, a, b)
    q_next = sw2 * q * (a * a + b * b) / 2 + sb2
    assert mf.correlation_map(c, sw2, sb2, activation, q=q) == pytest.approx(
        (sw2 * e_pp + sb2) / q_next, abs=1e-13)
    assert mf.chi_c(c, sw2, sb2, activation) == pytest.approx(sw2 * e_dd, rel=1e-13)


def test_relu_correlation_map_near_one_keeps_its_digits():
    # 1 - c_next = (sw2 q / q_next) (1 - c) (1 - 2 theta / (3 pi) + O(theta^2)), theta = acos c:
    # from K(1) - K(c) = (pi (1 - c) - theta^3 / 3 + ...) / (2 pi) for ReLU.
    sw2, sb2, q = 1.0, 0.5, 1.0
    q_next = sw2 * q / 2 + sb2
    for d in (1e-6, 1e-10):
        theta = math.acos(1 - d)
        want = (sw2 * q / q_next) * (d / 2 - theta ** 3 / (6 * math.pi))
        got = 1 - mf.correlation_map(1 - d, sw2, sb2, "relu", q=q)
        assert got == pytest.approx(want, rel=1e-6)


# --- two dimensions: tanh and sigmoid ----------------------------------------------------------


@pytest.mark.parametrize("activation,q", [("tanh", 0.3), ("tanh", 17.3), ("tanh", 1e4),
                                          ("sigmoid", 4.0), ("sigmoid", 1e6), ("gelu", 2.0),
                                          ("gelu", 1e4)])
@pytest.mark.parametrize("c", [-0.9, 0.3, 0.999])
def test_correlation_map_and_chi_c_against_nested_quad(activation, q, c):
    p, dp, _ = ACT[activation]
    sw2, sb2 = 1.7, 0.2
    q_next = sw2 * ref_expect(lambda u: p(u) ** 2, q) + sb2
    gap = ref_pair(lambda x, y: (p(x) - p(y)) ** 2, q, c)  # E[(phi1 - phi2)^2]
    got = mf.correlation_map(c, sw2, sb2, activation, q=q)
    assert got == pytest.approx(1 - sw2 * gap / (2 * q_next), abs=1e-13)
    assert 1 - got == pytest.approx(sw2 * gap / (2 * q_next), rel=1e-12)
    want = sw2 * ref_pair(lambda x, y: dp(x) * dp(y), q, c)
    assert mf.chi_c(c, sw2, sb2, activation, q=q) == pytest.approx(want, rel=1e-12)


@pytest.mark.parametrize("c", [-0.7, 0.3, 0.9999, 1 - 1e-9])
def test_correlation_map_and_chi_c_at_huge_q_reach_the_step_limit(c):
    # At q = 1e40 tanh(u) is sign(u) but within 1e-20 of the origin in z: E[sign u1 sign u2] =
    # 2 asin(c) / pi and E[tanh'(u1) tanh'(u2)] = (int sech^2)^2 p(0, 0) = 2 / (pi q sqrt(1 - c^2)),
    # to relative O(1e-20 / sqrt(1 - c)). Sigmoid: the step H(u), E[H H] = 1/4 + asin(c) / (2 pi).
    q, sw2, sb2 = 1e40, 2.0, 0.5
    s = math.sqrt((1 - c) * (1 + c))
    q_next = sw2 + sb2
    want = (sw2 * 2 * math.asin(c) / math.pi + sb2) / q_next
    assert mf.correlation_map(c, sw2, sb2, "tanh", q=q) == pytest.approx(want, abs=2e-16)
    assert mf.chi_c(c, sw2, sb2, "tanh", q=q) == pytest.approx(sw2 * 2 / (math.pi * q * s),
                                                               rel=1e-14)
    q_next = sw2 / 2 + sb2  # E[H^2] = 1/2
    want = (sw2 * (0.25 + math.asin(c) / (2 * math.pi)) + sb2) / q_next
    assert mf.correlation_map(c, sw2, sb2, "sigmoid", q=q) == pytest.approx(want, abs=2e-16)


def test_correlation_map_near_one_is_one_minus_chi_1_times_the_distance():
    # c_next(1 - d) = 1 - chi_1 d + O(d^2) at q* (here the d^2 term is about -0.5 d^2); the old
    # 96 x 96 Gauss-Hermite rule was off by about 1e-8 near c = 1.
    sw2, sb2 = 25 / 9, 0.1
    chi = ref_chi_1("tanh", sw2, ref_q_star("tanh", sw2, sb2))
    for d in (1e-5, 1e-7):
        got = mf.correlation_map(1 - d, sw2, sb2, "tanh")
        assert got == pytest.approx(1 - chi * d, abs=d * d + 4e-16)
    assert mf.correlation_map(1.0, sw2, sb2, "tanh") == 1.0
    assert mf.chi_c(1.0, sw2, sb2, "tanh") == pytest.approx(chi, rel=1e-13)


def test_correlation_map_fixed_points():
    for sw2, sb2 in [(0.8, 0.1), (2.0, 0.05)]:
        assert mf.correlation_map(1.0, sw2, sb2, "tanh") == 1.0
        assert mf.chi_c(1.0, sw2, sb2, "tanh") == pytest.approx(mf.chi_1(sw2, sb2, "tanh"),
                                                                rel=1e-14)
    assert mf.fixed_point_c(0.8, 0.1, "tanh") == 1.0
    assert abs(mf.fixed_point_c(25 / 9, 0.0, "tanh")) < 1e-13  # odd phi, no bias: c* = 0


def test_fixed_point_c_chaotic_large_sigma_w2():
    # The old chi_1 (0.0102 < 1 at sigma_w^2 = 1000) put tanh in the ordered phase: c* = 1.
    for sw2 in (1000.0, 1e6):
        assert abs(mf.fixed_point_c(sw2, 0.0, "tanh")) < 1e-12


@pytest.mark.parametrize("activation,sw2,sb2", [("tanh", 4.0, 0.05), ("tanh", 1.5, 0.01),
                                                ("tanh", 100.0, 1.0), ("sigmoid", 200.0, 0.0)])
def test_fixed_point_c_against_nested_quad(activation, sw2, sb2):
    p, dp, _ = ACT[activation]
    q = ref_q_star(activation, sw2, sb2)
    q_next = sw2 * ref_expect(lambda u: p(u) ** 2, q) + sb2

    def g(c):  # c_next - c
        return (1 - c) - sw2 * ref_pair(lambda x, y: (p(x) - p(y)) ** 2, q, c) / (2 * q_next)

    c = mf.fixed_point_c(sw2, sb2, activation)
    want = optimize.brentq(g, c - 1e-7, min(c + 1e-7, 1 - 1e-12), xtol=1e-15)
    assert c == pytest.approx(want, abs=1e-13)
    assert 0 < mf.chi_c(c, sw2, sb2, activation) < 1  # stable


def test_fixed_point_c_near_the_edge():
    # chi_1 - 1 = 4e-5: c* is 2e-4 below 1 and still found to about 1e-16 / (1 - chi_c) = 3e-12
    sw2 = mf.critical_sigma_w2("tanh", 0.05) * 1.0001
    c = mf.fixed_point_c(sw2, 0.05, "tanh")
    assert 0.9997 < c < 0.9998
    p = math.tanh
    q = ref_q_star("tanh", sw2, 0.05)
    q_next = sw2 * ref_expect(lambda u: p(u) ** 2, q) + 0.05
    gap = ref_pair(lambda x, y: (p(x) - p(y)) ** 2, q, c)
    slope = 1 - mf.chi_c(c, sw2, 0.05, "tanh")
    assert abs((1 - c) - sw2 * gap / (2 * q_next)) < 1e-13 * slope + 1e-16


# --- depth scales, edge of chaos -----------------------------------------------------------------


def test_depth_scales():
    assert mf.depth_scales(1.0, 0.0, "tanh")[1] == math.inf
    # ordered phase: xi_c = -1/ln(chi_1)
    xi_q, xi_c = mf.depth_scales(0.9, 0.0, "tanh")
    assert xi_c == pytest.approx(-1 / math.log(0.9), rel=1e-14)
    # relu, ordered: both scales -1/ln(sw2/2)
    xi_q, xi_c = mf.depth_scales(1.5, 0.1, "relu")
    assert xi_q == pytest.approx(-1 / math.log(0.75), rel=1e-14)
    assert xi_c == pytest.approx(-1 / math.log(0.75), rel=1e-14)
    with pytest.raises(ValueError, match="grows without bound"):
        mf.depth_scales(2.5, 0.1, "relu")


@pytest.mark.parametrize("sw2,sb2", [(0.5, 0.3), (4.0, 0.05), (100.0, 0.0), (1000.0, 0.0)])
def test_depth_scales_against_quad(sw2, sb2):
    # The old code raised "math domain error" at sigma_w^2 = 100 (a negative chi_c at c*).
    p, dp, ddp = ACT["tanh"]
    q = ref_q_star("tanh", sw2, sb2)
    slope_q = sw2 * ref_expect(lambda u: dp(u) ** 2 + p(u) * ddp(u), q)
    chi = ref_chi_1("tanh", sw2, q)
    if chi <= 1:
        slope_c = chi
    elif sb2 == 0:  # c* = 0: chi_c = sw2 E[phi']^2
        slope_c = sw2 * ref_expect(dp, q) ** 2
    else:
        c = mf.fixed_point_c(sw2, sb2, "tanh")
        slope_c = sw2 * ref_pair(lambda x, y: dp(x) * dp(y), q, c)
    xi_q, xi_c = mf.depth_scales(sw2, sb2, "tanh")
    assert xi_q == pytest.approx(-1 / math.log(slope_q), rel=1e-10)
    assert xi_c == pytest.approx(-1 / math.log(slope_c), rel=1e-12)


def test_depth_scales_near_the_edge_are_large_and_finite():
    edge = mf.critical_sigma_w2("tanh", 0.05)
    for factor in (1 - 1e-6, 1 + 1e-6):
        xi_c = mf.depth_scales(edge * factor, 0.05, "tanh")[1]
        assert 1e4 < xi_c < math.inf
    assert mf.depth_scales(edge, 0.05, "tanh")[1] > 1e11


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
@pytest.mark.parametrize("q", [0.0, 1e-3, 0.3, 3.0, 100.0, 1e6])
def test_edge_of_chaos_against_quad(activation, q):
    p, dp, _ = ACT[activation]
    sw2, sb2 = mf.edge_of_chaos(q, activation)
    assert sw2 * ref_expect(lambda u: dp(u) ** 2, q) == pytest.approx(1, rel=1e-13)
    assert sw2 * ref_expect(lambda u: p(u) ** 2, q) + sb2 == pytest.approx(q, rel=1e-13,
                                                                             abs=1e-15)


def test_edge_of_chaos_homogeneous_and_round_trip():
    sw2, sb2 = mf.edge_of_chaos(1.0, "tanh")
    assert mf.critical_sigma_w2("tanh", sb2) == pytest.approx(sw2, rel=1e-13)
    assert mf.edge_of_chaos(0.0, "relu") == (2.0, 0.0)
    assert mf.edge_of_chaos(2.0, "relu") == (2.0, 0.0)
    a = mf.LEAKY_SLOPE
    assert mf.edge_of_chaos(1.0, "leaky_relu")[0] == pytest.approx(2 / (1 + a * a), rel=1e-15)
    with pytest.raises(ValueError, match="q_star"):
        mf.edge_of_chaos(-1.0)


@pytest.mark.parametrize("activation,sb2", [("tanh", 0.05), ("tanh", 1.0), ("tanh", 10.0),
                                             ("sigmoid", 0.0)])
def test_critical_sigma_w2_against_quad(activation, sb2):
    sw2 = mf.critical_sigma_w2(activation, sb2, hi=1000.0)
    q = ref_q_star(activation, sw2, sb2)
    assert ref_chi_1(activation, sw2, q) == pytest.approx(1, abs=1e-13)


def test_critical_sigma_w2_sigmoid():
    # The old rule put sigmoid's edge (q* = 46) at 103.1186; the right one is 103.0076
    assert mf.critical_sigma_w2("sigmoid", hi=1000) == pytest.approx(103.00755385551925, rel=1e-12)


def test_tanh_edge_and_pytorch_gain():
    assert mf.fixed_point_q(1.0, 0.0, "tanh") == 0.0
    assert mf.chi_1(1.0, 0.0, "tanh") == 1.0
    sw2 = 25 / 9
    q = mf.fixed_point_q(sw2, 0.0, "tanh")
    assert sw2 * ref_expect(lambda u: math.tanh(u) ** 2, q) == pytest.approx(q, rel=1e-14)
    want = sw2 * ref_expect(lambda u: (1 - math.tanh(u) ** 2) ** 2, q)
    assert mf.chi_1(sw2, 0.0, "tanh") == pytest.approx(want, rel=1e-14)
    assert 1.20 < want < 1.22
    # on the edge chi_1 - 1 grows as (sw2 - 1)^2 / 3: its sign cannot place the edge; q* can
    assert mf.critical_sigma_w2("tanh") == 1.0


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs,match", [
    (dict(sigma_w2=0.0), "sigma_w2"),
    (dict(sigma_w2=-1.0), "sigma_w2"),
    (dict(sigma_b2=-0.1), "sigma_b2"),
    (dict(activation="softplus"), "activation"),
    (dict(sigma_w2=float("nan")), "sigma_w2"),
    (dict(q=-1.0), "q"),
    (dict(q=math.inf), "q"),
    (dict(n_points=0), "n_points"),
])
def test_errors_name_the_argument(kwargs, match):
    args = dict(sigma_w2=1.0, sigma_b2=0.0, activation="tanh") | kwargs
    with pytest.raises((ValueError, TypeError), match=match):
        mf.chi_1(**args)


def test_bad_c_bracket_and_guesses():
    with pytest.raises(ValueError, match="c must be"):
        mf.correlation_map(1.5, 1.0, 0.0, "tanh")
    with pytest.raises(ValueError, match="same sign"):
        mf.critical_sigma_w2("relu", lo=3.0, hi=4.0)
    with pytest.raises(ValueError, match="lo must be below hi"):
        mf.critical_sigma_w2("tanh", lo=4.0, hi=3.0)
    with pytest.raises(ValueError, match="c0"):
        mf.fixed_point_c(4.0, 0.05, c0=1.5)
    with pytest.raises(ValueError, match="tol"):
        mf.fixed_point_c(4.0, 0.05, tol=0.0)


def test_undefined_and_unrepresentable_answers_are_refused():
    with pytest.raises(ValueError, match="no finite fixed point"):  # ReLU, chaotic: q* = inf
        mf.correlation_map(0.5, 2.5, 0.1, "relu")
    assert mf.correlation_map(0.0, 2.5, 0.0, "relu", q=1.0) == pytest.approx(
        2.5 * (1 / (2 * math.pi)) / 1.25, rel=1e-15)
    with pytest.raises(ValueError, match="grows without bound"):
        mf.fixed_point_c(2.5, 0.1, "relu")
    with pytest.raises(ValueError, match="positive variance"):  # q* = 0: no correlation
        mf.correlation_map(0.5, 0.9, 0.0, "tanh")
    with pytest.raises(ValueError, match="overflows"):
        mf.length_map(1e300, 1e10, 0.0, "relu")
    with pytest.raises(ValueError, match="not a finite float"), np.errstate(over="ignore"):
        mf.expect(lambda u: np.exp(u), 1e4)
    with pytest.raises(TypeError, match="callable"):
        mf.expect(3.0, 1.0)


def test_quadrature_node_limit():
    with pytest.raises(ValueError, match="n_points"):
        mf.expect(np.cos, 1.0, n_points=mf.MAX_POINTS + 1)
    with pytest.raises(ValueError, match="n_points"):
        mf.correlation_map(0.5, 2.0, 0.1, n_points=500)
    with pytest.raises(TypeError, match="n_points"):
        mf.length_map(1.0, 2.0, n_points=2.5)
    assert mf.expect(np.cos, 1.0, n_points=mf.MAX_POINTS) == pytest.approx(math.exp(-0.5),
                                                                           rel=1e-14)
    # fewer nodes per panel: the rule degrades gracefully
    assert mf.chi_1(100.0, n_points=6) == pytest.approx(5.544854487752515, rel=1e-5)


def test_an_unbounded_activation_the_fixed_point_search_cannot_serve_is_refused(monkeypatch):
    # A newcomer who registers softplus (unbounded, not homogeneous, phi(0) = log 2) must get
    # a clear error, not the wrong q* = L(0) = (log 2)^2 the search would stop at.
    import dataclasses

    from winit import activations

    gelu = activations.get("gelu")
    softplus = dataclasses.replace(
        gelu, name="softplus", function=lambda z: np.logaddexp(0.0, z),
        derivative=lambda z, h=None: 0.5 * (1.0 + np.tanh(0.5 * z)))
    real_get = activations.get
    monkeypatch.setattr(activations, "get",
                        lambda name, argument="activation": softplus if name == "softplus"
                        else real_get(name, argument))
    monkeypatch.setattr(mf, "ACTIVATIONS", mf.ACTIVATIONS + ("softplus",))
    with pytest.raises(ValueError, match=r"activation must have phi\(0\) = 0"):
        mf.fixed_point_q(1.0, 0.0, "softplus")
