"""The scheme explorer's theory (winit.book.scheme_theory) against closed forms, scipy and
Monte Carlo with numpy."""

import math

import numpy as np
import pytest
from scipy import stats

from winit.book.scheme_theory import (
    EXACT_MAX_N,
    activation_density,
    activation_std,
    bspline_density,
    draw_sums,
    state_sentence,
    sum_density,
    sum_std,
    weight_density,
    weight_law,
)


@pytest.mark.parametrize("order", [1, 2, 3, 5, 12, 20])
def test_bspline_density_is_scipys_irwin_hall(order):
    x = np.linspace(-0.5, order + 0.5, 301)
    assert np.allclose(bspline_density(x, order), stats.irwinhall(order).pdf(x), rtol=1e-9,
                       atol=1e-12)


def test_bspline_density_keeps_its_digits_at_n_100():
    x = np.linspace(0, 100, 2001)
    f = bspline_density(x, 100)
    assert np.all(f >= 0)
    assert math.isclose(np.trapezoid(f, x), 1.0, rel_tol=1e-9)
    mean = np.trapezoid(x * f, x)
    assert math.isclose(mean, 50.0, rel_tol=1e-9)
    assert math.isclose(np.trapezoid((x - 50) ** 2 * f, x), 100 / 12, rel_tol=1e-6)


def test_closed_forms_for_one_and_two_uniform_weights():
    a = 1.0  # xavier, n = 1
    z = np.linspace(-1.5, 1.5, 61)
    assert np.allclose(sum_density(z, "xavier", 1, 5), np.where(np.abs(z) <= a, 0.5, 0.0))
    a = 2 ** -0.5  # xavier, n = 2: a triangle on [-2a, 2a]
    z = np.linspace(-2, 2, 81)
    tri = np.maximum(2 * a - np.abs(z), 0) / (4 * a * a)
    assert np.allclose(sum_density(z, "xavier", 2, 5), tri, atol=1e-12)


@pytest.mark.parametrize("scheme,n,m", [("he", 1, 1), ("he", 613, 7), ("lecun", 37, 2)])
def test_normal_weights_give_an_exactly_normal_sum(scheme, n, m):
    sigma = {"he": math.sqrt(2 / n), "lecun": math.sqrt(1 / n)}[scheme]
    z = np.linspace(-6, 6, 121)
    assert np.allclose(sum_density(z, scheme, n, m), stats.norm(0, sigma * math.sqrt(n)).pdf(z))
    assert np.allclose(weight_density(z / 10, scheme, n, m), stats.norm(0, sigma).pdf(z / 10))


@pytest.mark.parametrize("scheme,n,m", [("xavier", 3, 1), ("normalized_xavier", 37, 7),
                                        ("he_uniform", 100, 1), ("xavier", 613, 1)])
def test_sum_density_has_unit_mass_and_the_variance_n_var_w(scheme, n, m):
    family, a = weight_law(scheme, n, m)
    z = np.linspace(-min(n * a, 12 * sum_std(scheme, n, m)), min(n * a, 12 * sum_std(scheme, n, m)),
                    40001)
    f = sum_density(z, scheme, n, m)
    assert math.isclose(np.trapezoid(f, z), 1.0, rel_tol=1e-6)
    assert math.isclose(np.trapezoid(z * z * f, z), n * a * a / 3, rel_tol=1e-6)


def test_the_normal_above_exact_max_n_is_within_the_stated_bound():
    """The module says: the normal is within 0.15/n of the peak's height of the exact density
    (the Edgeworth term of the uniform's excess kurtosis -6/5). At n = 100 the exact
    Irwin-Hall differs from N(0, n a^2/3) by about that much, no more."""
    n = EXACT_MAX_N
    a = 1 / math.sqrt(n)
    z = np.linspace(-4, 4, 801) * math.sqrt(n * a * a / 3)
    exact = sum_density(z, "xavier", n, 1)
    normal = stats.norm(0, math.sqrt(n * a * a / 3)).pdf(z)
    gap = np.abs(exact - normal).max() / normal.max()
    assert 0.7 * 0.15 / n < gap < 1.05 * 0.15 / n
    above = sum_density(z, "xavier", n + 1, 1)
    assert np.allclose(above, stats.norm(0, math.sqrt(1 / 3)).pdf(z))


def _cdf_on_grid(density, lo, hi, points=20001):
    grid = np.linspace(lo, hi, points)
    f = density(grid)
    cum = np.concatenate([[0.0], np.cumsum((f[1:] + f[:-1]) / 2 * np.diff(grid))])
    return lambda t: np.interp(t, grid, cum / cum[-1])


@pytest.mark.parametrize("scheme,n,m", [("xavier", 1, 1), ("xavier", 3, 1), ("he", 1, 1),
                                        ("normalized_xavier", 37, 7), ("he", 613, 1),
                                        ("xavier", 613, 1), ("lecun_uniform", 1000, 1)])
def test_monte_carlo_sums_follow_the_density(scheme, n, m):
    _, z = draw_sums(scheme, n, m, sums=20_000, rng=5)
    reach = 12 * sum_std(scheme, n, m)
    cdf = _cdf_on_grid(lambda t: sum_density(t, scheme, n, m), -reach, reach)
    assert stats.kstest(z, cdf).pvalue > 1e-3
    # and the test has power: a sum 8 % wider is rejected
    assert stats.kstest(z * 1.08, cdf).pvalue < 1e-3 or n == 1


@pytest.mark.parametrize("scheme,n", [("xavier", 1), ("xavier", 4), ("he", 2), ("he", 500)])
def test_activation_densities_against_monte_carlo(scheme, n):
    _, z = draw_sums(scheme, n, 1, sums=20_000, rng=11)
    h = np.tanh(z)
    cdf = _cdf_on_grid(lambda t: activation_density(t, scheme, n, 1, "tanh")[0], -1, 1)
    assert stats.kstest(h, cdf).pvalue > 1e-3
    dens, mass = activation_density(np.linspace(0, 30, 300001), scheme, n, 1, "relu")
    assert mass == 0.5
    assert math.isclose(mass + np.trapezoid(dens, np.linspace(0, 30, 300001)), 1.0, rel_tol=1e-4)
    r = np.maximum(z, 0)
    assert abs(np.mean(r == 0) - 0.5) < 0.015
    assert math.isclose(activation_std(scheme, n, 1, "tanh"), h.std(), rel_tol=0.03)
    assert math.isclose(activation_std(scheme, n, 1, "relu"), r.std(), rel_tol=0.03)


def test_activation_std_closed_forms():
    # one xavier weight for n = 1 is U[-1, 1]: E[tanh^2] = 1 - tanh(1)
    assert math.isclose(activation_std("xavier", 1, 1, "tanh"), math.sqrt(1 - math.tanh(1)),
                        rel_tol=1e-9)
    # He: z ~ N(0, 2): Var relu(z) = 2 (1/2 - 1/(2 pi))
    assert math.isclose(activation_std("he", 50, 1, "relu"), math.sqrt(1 - 1 / math.pi),
                        rel_tol=1e-9)
    # U[-1, 1] through ReLU: E[r^2] = 1/6, E[r] = 1/4
    assert math.isclose(activation_std("xavier", 1, 1, "relu"), math.sqrt(1 / 6 - 1 / 16),
                        rel_tol=1e-9)


def test_tanh_density_is_the_change_of_variables():
    h = np.array([-0.9, -0.3, 0.0, 0.4, 0.99])
    dens, mass = activation_density(h, "he", 8, 1, "tanh")
    z = np.arctanh(h)
    assert mass == 0.0
    assert np.allclose(dens, stats.norm(0, 2 ** 0.5).pdf(z) / (1 - h * h))
    assert np.all(activation_density([-1.0, 1.0, 3.0], "he", 8, 1, "tanh")[0] == 0)


def test_state_sentence_names_m_only_where_it_counts():
    bound, z_std = math.sqrt(6 / 44), math.sqrt(37 * 2 / 44)
    assert state_sentence("normalized_xavier", 37, 7, "tanh").startswith(
        f"normalized xavier, n = 37, m = 7: weights within ±{bound:.3g}; "
        f"z has standard deviation {z_std:.3g};")
    assert "m = " not in state_sentence("he", 613, 7, "relu")


@pytest.mark.parametrize("call,name", [
    (lambda: weight_law("kaiming", 3, 3), "scheme"),
    (lambda: weight_law("he", 0, 3), "n"),
    (lambda: weight_law("he", 1001, 3), "n"),
    (lambda: weight_law("he", 3, 1001), "m"),
    (lambda: activation_density([0.0], "he", 3, 3, "gelu"), "activation"),
])
def test_bad_settings_name_the_argument(call, name):
    with pytest.raises(ValueError, match=f"^{name} must be"):
        call()
