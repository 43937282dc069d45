"""One battery of checks for every activation of the registry winit.activations.

In the manner of scikit-learn's ``parametrize_with_checks``: every check runs
on every registered activation (the list is read from the registry, never
written here).  Adding an activation means adding its entry to the registry
and its independent reference formulas to ``REFERENCE`` below; a registered
activation without them fails ``test_every_activation_has_reference_formulas``.

The references are written with :mod:`math` (and, for GELU's
:math:`\\Phi`, a 50-digit series in :mod:`decimal`), independently of the
numpy code under test; integrals are checked with ``scipy.integrate.quad``.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from decimal import Decimal, localcontext
from fractions import Fraction

import numpy as np
import pytest
from scipy import integrate, special

from _grad import numeric_grad
from winit import activations, blocks, fans, meanfield, networks
from winit.activations import ACTIVATIONS, REGISTRY, get
from winit.experiments import pennington2017, schoenholz2017

SQRT2PI = math.sqrt(2.0 * math.pi)


def _sech2(z):  # 1 / cosh(z)^2, without overflow
    e = math.exp(-2.0 * abs(z))
    return 4.0 * e / (1.0 + e) ** 2


def _sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z)) if z > -700 else math.exp(z)


def _Phi(z):
    return 0.5 * math.erfc(-z / math.sqrt(2.0))


def _pdf(z):
    return math.exp(-z * z / 2.0) / SQRT2PI


#: name -> (f, f', f'', positively homogeneous, sup |f|), written from the papers' definitions
#: with scalar math functions.  Piecewise linear functions have f'' = 0 away from the kink.
REFERENCE = {
    "tanh": (math.tanh, _sech2, lambda z: -2.0 * math.tanh(z) * _sech2(z), False, 1.0),
    "sigmoid": (_sigmoid, lambda z: _sigmoid(z) * _sigmoid(-z),
                lambda z: _sigmoid(z) * _sigmoid(-z) * (1.0 - 2.0 * _sigmoid(z)), False, 1.0),
    "relu": (lambda z: max(z, 0.0), lambda z: 1.0 if z > 0 else 0.0, lambda z: 0.0, True,
             math.inf),
    "leaky_relu": (lambda z: z if z > 0 else 0.01 * z, lambda z: 1.0 if z > 0 else 0.01,
                   lambda z: 0.0, True, math.inf),
    "linear": (lambda z: z, lambda z: 1.0, lambda z: 0.0, True, math.inf),
    # Hendrycks & Gimpel (2016): x Phi(x), the exact (erf) form, PyTorch's default.
    "gelu": (lambda z: z * _Phi(z), lambda z: _Phi(z) + z * _pdf(z),
             lambda z: _pdf(z) * (2.0 - z * z), False, math.inf),
}

KINKED = {name for name in ACTIVATIONS if REFERENCE.get(name, (0,) * 4)[3]}  # kink at 0

GRID = np.concatenate([np.linspace(-8.0, 8.0, 641), [-30.0, -20.0, -1e-3, 1e-3, 20.0, 30.0]])


def _reference(name, k, z):
    return np.array([REFERENCE[name][k](float(v)) for v in np.ravel(z)]).reshape(np.shape(z))


def _away_from_kink(z, name):
    return z[np.abs(z) > 1e-3] if name in KINKED else z


def test_every_activation_has_reference_formulas():
    assert set(REFERENCE) == set(ACTIVATIONS)


def test_the_registry_and_its_reexports():
    assert ACTIVATIONS == tuple(REGISTRY) and len(ACTIVATIONS) == len(set(ACTIVATIONS))
    assert all(REGISTRY[name].name == name for name in ACTIVATIONS)
    # One list and one slope, read by every module.
    assert networks.ACTIVATIONS is ACTIVATIONS and meanfield.ACTIVATIONS is ACTIVATIONS
    assert activations.LEAKY_RELU_SLOPE == 0.01  # Maas et al. (2013); PyTorch's default
    assert networks.LEAKY_RELU_SLOPE is activations.LEAKY_RELU_SLOPE
    assert meanfield.LEAKY_SLOPE is activations.LEAKY_RELU_SLOPE
    with pytest.raises(TypeError):
        REGISTRY["tanh"] = REGISTRY["relu"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        REGISTRY["tanh"].homogeneous = True
    assert REGISTRY["gelu"].reference.startswith("Hendrycks and Gimpel")


# ---- the function and its derivatives -------------------------------------------------------


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_function_matches_the_reference_formula(name):
    got = get(name).function(GRID.copy())
    want = _reference(name, 0, GRID)
    # 2e-16 absolute: the sigmoid is 0.5 (1 + tanh(z/2)), whose left tail is exact only to
    # float64's resolution near 1; GELU's reference is exact to about z^2 eps (erfc(-z/sqrt 2)).
    np.testing.assert_allclose(got, want, rtol=2e-14, atol=2.3e-16)
    assert got.dtype == np.float64 and got.shape == GRID.shape


@pytest.mark.parametrize("name", ACTIVATIONS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_kept_and_float32_is_float64_rounded(name, dtype):
    z = GRID.astype(dtype)
    entry = get(name)
    for out in (entry.function(z), entry.derivative(z), entry.derivative(z, entry.function(z)),
                entry.second_derivative(z)):
        assert out.dtype == dtype and out.shape == z.shape
    if dtype is np.float32:
        # computed in float32 (tanh, ...) or in float64 and rounded once (GELU)
        np.testing.assert_allclose(entry.function(z), entry.function(z.astype(np.float64)),
                                   rtol=2e-6, atol=1e-7)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_derivatives_match_the_reference_formulas(name):
    entry = get(name)
    z = _away_from_kink(GRID, name)
    np.testing.assert_allclose(entry.derivative(z), _reference(name, 1, z), rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(entry.derivative(z, entry.function(z)), _reference(name, 1, z),
                               rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(entry.second_derivative(z), _reference(name, 2, z),
                               rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_derivatives_match_central_finite_differences(name):
    entry = get(name)
    z = _away_from_kink(np.linspace(-6.0, 6.0, 241), name)
    h = 1e-6
    fd = (entry.function(z + h) - entry.function(z - h)) / (2 * h)
    np.testing.assert_allclose(entry.derivative(z), fd, rtol=1e-7, atol=1e-9)
    fd2 = (entry.derivative(z + h) - entry.derivative(z - h)) / (2 * h)
    np.testing.assert_allclose(entry.second_derivative(z), fd2, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_backprop_is_the_gradient_times_the_derivative(name):
    entry = get(name)
    rng = np.random.default_rng(1)
    z = rng.normal(0, 3, size=(5, 7))
    g = rng.normal(size=z.shape)
    h = entry.function(z)
    # 1 - h^2 and h (1 - h) are exact to float64's resolution near 1, not relatively
    np.testing.assert_allclose(entry.backprop(g, z, h), g * _reference(name, 1, z), rtol=1e-13,
                               atol=1e-15)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_infinities_give_limits_and_nan_gives_nan_without_warnings(name):
    entry = get(name)
    z = np.array([-np.inf, np.inf, np.nan])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        f, d = entry.function(z), entry.derivative(z)
    # the limits, from the reference at -+1e300 (an infinity where that is beyond 1e200)
    far = [REFERENCE[name][0](v) for v in (-1e300, 1e300)]
    np.testing.assert_array_equal(f[:2], [math.copysign(math.inf, v) if abs(v) > 1e200 else v
                                          for v in far])
    np.testing.assert_array_equal(d[:2], _reference(name, 1, np.array([-1e300, 1e300])))
    assert np.isnan(f[2])
    # the derivative of NaN: NaN, but a mask value (0, the slope, 1) for the kinked ones
    assert np.isnan(d[2]) if not REFERENCE[name][3] else d[2] == REFERENCE[name][1](-1.0) \
        or d[2] == REFERENCE[name][1](1.0)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_homogeneous_flag_is_true_iff_f_of_a_z_is_a_f_of_z(name):
    entry = get(name)
    z = np.linspace(-5.0, 5.0, 101)
    holds = all(np.allclose(entry.function(a * z), a * entry.function(z), rtol=1e-14, atol=0)
                for a in (0.25, 3.0, 1e3))
    assert entry.homogeneous == holds == REFERENCE[name][3]


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_bound_is_the_supremum_of_the_absolute_value(name):
    entry = get(name)
    bound = entry.bound
    assert bound == REFERENCE[name][4]
    big = np.array([-1e6, 1e6])
    if math.isinf(bound):
        assert np.abs(entry.function(big)).max() > 1e5
    else:
        values = np.abs(entry.function(np.linspace(-50.0, 50.0, 1001)))
        assert values.max() <= bound and values.max() > bound * (1 - 1e-12)


# ---- the in-place forms of the trainers' fast path -----------------------------------------


@pytest.mark.parametrize("name", ACTIVATIONS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_in_place_forms_equal_the_plain_forms(name, dtype):
    entry = get(name)
    rng = np.random.default_rng(2)
    z = np.concatenate([rng.normal(0, 4, size=(6, 9)), np.zeros((1, 9))]).astype(dtype)
    z[0, :4] = [np.inf, -np.inf, 60.0, -60.0]
    buf = np.full((7, 10), 7.0, dtype=dtype)  # a strided view, as the trainers' augmented h
    entry.activate_into(z, buf[:, :-1])
    h = entry.function(z)
    assert buf[:, :-1].tobytes() == h.tobytes() and (buf[:, -1] == 7).all()
    g = rng.normal(size=z.shape).astype(dtype)
    z[0, :2] = [1.0, -1.0]  # finite gradients: backprop_into's relu gives inf * 0 = nan
    h = entry.function(z)
    gh, tmp = g.copy(), np.empty_like(z)
    entry.backprop_into(gh, z, h, tmp)
    want = entry.backprop(g, z, h)
    assert gh.dtype == want.dtype
    if name == "relu":  # g * 0.0 keeps g's sign, np.where(z > 0, g, 0.0) gives +0
        np.testing.assert_array_equal(gh, want)
    else:
        assert gh.tobytes() == want.tobytes()


def test_the_engine_dispatchers_call_the_registry():
    z = np.array([[-1.0, 0.5, 2.0]])
    for name in ACTIVATIONS:
        out = np.empty_like(z)
        networks._activate_into(z, out, name)
        np.testing.assert_array_equal(out, get(name).function(z))
        gh = np.ones_like(z)
        networks._backprop_into(gh, z, out, np.empty_like(z), name)
        np.testing.assert_array_equal(gh, get(name).derivative(z))


# ---- the engines ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_networks_forward_uses_it_and_backward_matches_finite_differences(name):
    rng = np.random.default_rng(3)
    params = networks.init_weights([3, 5, 4, 2], std=0.9, rng=rng)
    params = [(W, rng.normal(0, 0.3, size=b.shape)) for W, b in params]
    x = rng.normal(size=(4, 3))
    y = np.array([0, 1, 1, 0])
    rec = networks.forward(params, x, name)
    z1 = x @ params[0][0] + params[0][1]
    np.testing.assert_allclose(rec.activations[0], _reference(name, 0, z1), rtol=1e-13, atol=1e-16)
    np.testing.assert_array_equal(networks.activate(z1, name), rec.activations[0])
    grads = networks.backward(params, rec, y)

    def loss():
        return networks.cross_entropy(networks.forward(params, x, name).pre_activations[-1], y)

    for l, (W, b) in enumerate(params):
        np.testing.assert_allclose(grads.grad_weights[l], numeric_grad(loss, W), rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(grads.grad_biases[l], numeric_grad(loss, b), rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_blocks_activation_forward_and_backward(name):
    layer = blocks.Activation(name)
    rng = np.random.default_rng(4)
    z = rng.normal(0, 2, size=(5, 4))
    z[np.abs(z) < 1e-3] = 0.5  # no kink inside the stencil
    R = rng.normal(size=z.shape)
    h, cache = layer.forward(z)
    np.testing.assert_allclose(h, _reference(name, 0, z), rtol=1e-13, atol=1e-16)
    g, params = layer.backward(R, cache)
    assert params == []
    np.testing.assert_allclose(g, numeric_grad(lambda: float(np.sum(R * layer.forward(z)[0])), z),
                               rtol=1e-7, atol=1e-9)


def test_blocks_activation_passes_nan_on_like_the_other_layers():
    # it used to call winit.networks.activate, which refuses NaN: forward() raised
    # mid-network instead of reporting finite=False
    layers = [blocks.Linear(np.array([[10.0, -10.0]])), blocks.Linear(np.array([[1.0], [1.0]])),
              blocks.Activation("tanh")]
    # a finite input the first layer overflows to (inf, -inf); their sum is NaN into the tanh
    rec = blocks.forward(layers, np.array([[1e308]]))
    assert not rec.finite and np.isnan(rec.output).any()


# ---- mean-field theory ---------------------------------------------------------------------


def _gauss(f, q, kinked):
    """E[f(sqrt(q) z)], z ~ N(0, 1), by adaptive quadrature (split at the kink)."""
    def integrand(z):
        return f(math.sqrt(q) * z) * math.exp(-z * z / 2) / SQRT2PI

    pieces = [(-np.inf, 0.0), (0.0, np.inf)] if kinked else [(-np.inf, np.inf)]
    return sum(integrate.quad(integrand, a, b, epsabs=1e-14, epsrel=1e-13, limit=200)[0]
               for a, b in pieces)


@pytest.mark.parametrize("name", ACTIVATIONS)
@pytest.mark.parametrize("q", [0.3, 1.0, 3.0])
def test_meanfield_expectations_match_quad(name, q):
    f, df, ddf = REFERENCE[name][:3]
    kinked = name in KINKED
    sw2, sb2 = 1.3, 0.1
    # Gauss-Hermite with 256 nodes: about 1e-9 for tanh at q = 1, 1e-7 at q = 3 (its poles)
    rel = 1e-6
    want = sw2 * _gauss(lambda u: f(u) ** 2, q, kinked) + sb2
    assert meanfield.length_map(q, sw2, sb2, name) == pytest.approx(want, rel=rel)
    want = sw2 * _gauss(lambda u: df(u) ** 2, q, kinked)
    assert meanfield.chi_1(sw2, sb2, name, q=q) == pytest.approx(want, rel=rel)
    entry = get(name)  # the depth scale's E[phi'' phi]
    want = _gauss(lambda u: ddf(u) * f(u), q, kinked)
    got = meanfield.expect(lambda u: entry.second_derivative(u) * entry.function(u), q)
    assert got == pytest.approx(want, rel=rel, abs=1e-12)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_meanfield_fixed_point_and_depth_scales(name):
    f = REFERENCE[name][0]
    sw2, sb2 = 0.8, 0.1  # ordered for every activation: a finite q*, chi_1 < 1
    q = meanfield.fixed_point_q(sw2, sb2, name)
    assert 0 < q < math.inf
    assert sw2 * _gauss(lambda u: f(u) ** 2, q, name in KINKED) + sb2 == pytest.approx(q, rel=1e-8)
    chi = meanfield.chi_1(sw2, sb2, name)
    assert 0 < chi < 1
    xi_q, xi_c = meanfield.depth_scales(sw2, sb2, name)
    assert xi_c == pytest.approx(-1.0 / math.log(chi), rel=1e-9) and 0 < xi_q < math.inf
    assert meanfield.correlation_map(1.0, sw2, sb2, name) == pytest.approx(1.0, abs=1e-6)
    sw2_edge, sb2_edge = meanfield.edge_of_chaos(1.0, name)  # chi_1 = 1 and q* = 1 there
    df = REFERENCE[name][1]
    assert sw2_edge * _gauss(lambda u: df(u) ** 2, 1.0, name in KINKED) == pytest.approx(1.0, rel=1e-8)
    assert sb2_edge == pytest.approx(1.0 - sw2_edge * _gauss(lambda u: f(u) ** 2, 1.0, name in KINKED),
                                     rel=1e-8, abs=1e-12)


@pytest.mark.parametrize("name", [n for n in ACTIVATIONS
                                  if not get(n).homogeneous and get(n).bound == math.inf])
def test_unbounded_fixed_point_search_assumption_holds(name):
    # meanfield._unbounded_fixed_point needs E[phi(sqrt(q) z)^2] / q nondecreasing in q
    f = REFERENCE[name][0]
    qs = np.geomspace(1e-4, 1e4, 41)
    ratio = [_gauss(lambda u: f(u) ** 2, q, False) / q for q in qs]
    assert np.all(np.diff(ratio) >= -1e-12)


def test_gelu_fixed_points_depend_on_the_start():
    # GELU's E[phi(sqrt(q) z)^2] / q rises from 1/4 to 1/2: with sigma_w2 = 3, sigma_b = 0
    # the map pushes q up above about q = 0.2 and down below it.
    r = _gauss(lambda u: REFERENCE["gelu"][0](u) ** 2, 0.1, False) / 0.1
    assert 3 * r < 1
    assert meanfield.fixed_point_q(3.0, 0.0, "gelu", q0=0.1) == 0.0
    assert meanfield.fixed_point_q(3.0, 0.0, "gelu", q0=1.0) == math.inf
    with pytest.raises(ValueError, match="no finite fixed point"):
        meanfield.chi_1(3.0, 0.0, "gelu")
    # with a bias: a stable fixed point below an unstable one, reached from below
    sw2, sb2 = 2.5, 0.01
    q = meanfield.fixed_point_q(sw2, sb2, "gelu", q0=0.0)
    g = [sw2 * _gauss(lambda u: REFERENCE["gelu"][0](u) ** 2, v, False) + sb2 - v
         for v in (0.5 * q, q, 1.5 * q)]
    assert g[0] > 0 and abs(g[1]) < 1e-12 and g[2] < 0


# ---- unknown names -------------------------------------------------------------------------

CONSUMERS = {
    "activations.get": lambda a: get(a),
    "networks.activate": lambda a: networks.activate([1.0], a),
    "networks.forward": lambda a: networks.forward(networks.init_weights([2, 2], rng=0),
                                                   np.ones((1, 2)), a),
    "networks._activate_into": lambda a: networks._activate_into(np.ones(2), np.ones(2), a),
    "networks._backprop_into": lambda a: networks._backprop_into(np.ones(2), np.ones(2),
                                                                 np.ones(2), np.ones(2), a),
    "blocks.Activation": lambda a: blocks.Activation(a),
    "blocks.residual_mlp": lambda a: blocks.residual_mlp(2, 2, 1, 2, std_first=1.0, std_last=1.0,
                                                         activation=a),
    "meanfield.length_map": lambda a: meanfield.length_map(1.0, 1.0, 0.0, a),
    "meanfield.edge_of_chaos": lambda a: meanfield.edge_of_chaos(1.0, a),
    "meanfield.critical_sigma_w2": lambda a: meanfield.critical_sigma_w2(a),
    "schoenholz2017._derivative": lambda a: schoenholz2017._derivative(np.ones(2), a),
    "schoenholz2017.gradient_growth": lambda a: schoenholz2017.gradient_growth([(1.0, 0.0)],
                                                                                activation=a),
    "pennington2017._derivative": lambda a: pennington2017._derivative(np.ones(2), a),
    "fans.calculate_gain": lambda a: fans.calculate_gain(a),
}


@pytest.mark.parametrize("consumer", CONSUMERS)
@pytest.mark.parametrize("bad,error", [("not_an_activation", ValueError), ("Tanh", ValueError),
                                       (3, TypeError), (None, TypeError)])
def test_an_unknown_name_is_refused_everywhere(consumer, bad, error):
    with pytest.raises(error, match=r"must be one of 'tanh'|must be one of 'linear'") as err:
        CONSUMERS[consumer](bad)
    assert repr(bad) in str(err.value)


def test_calculate_gain_says_pytorch_has_no_gain_for_gelu():
    with pytest.raises(ValueError, match="got 'gelu', an activation winit knows but PyTorch's "
                                         "calculate_gain has no gain for"):
        fans.calculate_gain("gelu")


# ---- GELU's normal distribution function ---------------------------------------------------


def _decimal_pi(prec):
    with localcontext() as ctx:
        ctx.prec = prec + 10

        def atan_inv(n):  # arctan(1/n) by its series
            x = Decimal(1) / n
            term, total, k = x, x, 1
            while abs(term) > Decimal(10) ** -(prec + 8):
                term *= -x * x
                k += 2
                total += term / k
            return total

        return +(16 * atan_inv(5) - 4 * atan_inv(239))  # Machin's formula


def _mills(u, digits=40):
    """G(u) = exp(u^2/2) Phi(-u) to about ``digits`` digits: exp(u^2/2)/2 - S(u)/sqrt(2 pi),
    S(u) = sum u^(2n+1)/(2n+1)!!, in enough digits to survive the cancellation."""
    u = Decimal(u)
    with localcontext() as ctx:
        ctx.prec = int(digits + float(u * u) / 4.6 + 10)
        term = total = u
        n = 0
        while n < 5 or term > Decimal(10) ** -ctx.prec * total:
            n += 1
            term = term * u * u / (2 * n + 1)
            total += term
        return (u * u / 2).exp() / 2 - total / (2 * _decimal_pi(ctx.prec)).sqrt()


def _decimal_lower_tail(u):
    with localcontext() as ctx:
        ctx.prec = 40
        return float(_mills(u) * (-(Decimal(u) ** 2) / 2).exp())


def test_normal_cdf_against_a_50_digit_reference_into_the_far_tail():
    rng = np.random.default_rng(5)
    x = np.concatenate([-rng.uniform(0, 37.5, 300), -rng.uniform(0, 5, 100), [0.0, -4.0, -37.5]])
    got = activations._normal_cdf(x)
    want = np.array([_decimal_lower_tail(float(-v)) for v in x])
    assert (want > np.finfo(float).tiny).all()
    np.testing.assert_allclose(got, want, rtol=1e-15, atol=0)
    np.testing.assert_allclose(activations._normal_cdf(-x), 1.0 - want, rtol=0, atol=3.4e-16)


def test_normal_cdf_against_math_erfc_and_scipy_on_a_dense_grid():
    x = np.linspace(-38.0, 9.0, 40001)
    got = activations._normal_cdf(x)
    # erfc(-x / sqrt 2): the division's rounding costs erfc about x^2 eps relative
    want = np.array([0.5 * math.erfc(-v / math.sqrt(2.0)) for v in x])
    ok = want > np.finfo(float).tiny
    tol = 1e-15 + 4.4e-16 * x * x
    assert (np.abs(got / want - 1)[ok] <= tol[ok]).all()
    assert (np.abs(got[ok] / special.ndtr(x[ok]) - 1) <= tol[ok]).all()
    assert activations._normal_cdf(np.array([-39.0, 40.0, np.inf, -np.inf])).tolist() == [0, 1, 1, 0]
    assert np.isnan(activations._normal_cdf(np.array([np.nan])))[0]
    assert activations._normal_cdf(np.array([0.0, -0.0])).tolist() == [0.5, 0.5]
    tiny = np.array([1e-300, -1e-300, 1e-17, -1e-17])
    assert activations._normal_cdf(tiny).tolist() == [0.5, 0.5, 0.5, 0.5]


def test_gelu_in_float32_is_the_float64_value_rounded_once():
    z = np.linspace(-12.0, 12.0, 20001).astype(np.float32)
    gelu = get("gelu")
    assert gelu.function(z).tobytes() == gelu.function(z.astype(np.float64)).astype(np.float32).tobytes()


def test_normal_cdf_polynomial_is_the_chebyshev_interpolant():
    # How activations._G_COEFFS was made: interpolate G(u) at the 28 Chebyshev points of
    # [0, 4] (as float64 u), exactly in fractions of s = u/2 - 1, from 50-digit values of G.
    n = len(activations._G_COEFFS)
    u_nodes = [2.0 + 2.0 * math.cos(math.pi * (k + 0.5) / n) for k in range(n)]
    s_nodes = [(Fraction(u) - 2) / 2 for u in u_nodes]
    coef = [Fraction(_mills(u, 50)) for u in u_nodes]
    for j in range(1, n):  # Newton's divided differences, then the monomial form
        for i in range(n - 1, j - 1, -1):
            coef[i] = (coef[i] - coef[i - 1]) / (s_nodes[i] - s_nodes[i - j])
    poly = [Fraction(0)] * n
    for i in range(n - 1, -1, -1):
        poly = [(poly[k - 1] if k else 0) - s_nodes[i] * poly[k] for k in range(n)]
        poly[0] += coef[i]
    assert activations._G_COEFFS == tuple(float(c) for c in poly)
