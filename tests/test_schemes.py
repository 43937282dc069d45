"""winit.schemes. The samplers: exact closed forms, the tutorial's printed numbers,
distributions (Kolmogorov-Smirnov at fixed seeds), variances, reproducibility, shapes and
dtypes; property-based checks with hypothesis; and winit.orthogonal (its own section below).

Expected values are written independently of winit: literals from the tutorial,
closed forms with math.sqrt, or numpy's own Generator methods called directly.
"""

import copy
import doctest
import math
import pickle
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

import winit
import winit.fans
import winit.schemes
from winit import (
    glorot_normal,
    glorot_uniform,
    he,
    he_normal,
    he_std,
    he_uniform,
    lecun_normal,
    lecun_uniform,
    normalized_xavier,
    normalized_xavier_bounds,
    summarize,
    variance_scaling,
    xavier,
    xavier_bounds,
)
from winit import orthogonal
from _strategies import NAMED, SETTINGS, dtypes, rngs, shapes, small_counts

P_MIN = 1e-3  # KS tests: fixed seeds, so a pass never turns into a fail by chance
TRUNC = 0.87962566103423978

# ---- the public API -----------------------------------------------------------------

PUBLIC = {
    "xavier",
    "normalized_xavier",
    "he",
    "xavier_bounds",
    "normalized_xavier_bounds",
    "he_std",
    "compute_fans",
    "variance_scaling",
    "glorot_uniform",
    "glorot_normal",
    "he_uniform",
    "he_normal",
    "lecun_uniform",
    "lecun_normal",
    "calculate_gain",
    "summarize",
    "Summary",
    "orthogonal",
    "lsuv",
    "mup_layer",
    "mup_mlp",
    "mup_init",
    "LayerScaling",
}


def test_public_api():
    assert set(winit.__all__) == PUBLIC
    for name in PUBLIC:
        assert getattr(winit, name) is not None
    assert winit.__version__ == "0.1.0"


def test_docstring_examples_run():
    for module in (winit.schemes, winit.fans):
        result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
        assert result.attempted > 0
        assert result.failed == 0


@pytest.mark.parametrize(
    "func",
    [
        xavier,
        normalized_xavier,
        he,
        xavier_bounds,
        normalized_xavier_bounds,
        he_std,
        variance_scaling,
        glorot_uniform,
        glorot_normal,
        he_uniform,
        he_normal,
        lecun_uniform,
        lecun_normal,
        summarize,
        winit.compute_fans,
        winit.calculate_gain,
    ],
)
def test_docstrings_have_numpydoc_sections(func):
    doc = func.__doc__
    for section in ["Parameters", "Returns", "Raises", "Examples", "References", "Also known as"]:
        assert section in doc, (func.__name__, section)
    assert ".. math::" in doc
    assert "{" + "parameters}" not in doc and "{" + "raises}" not in doc


@pytest.mark.parametrize(
    "func, variance, says",
    [
        (glorot_uniform, r"\frac{2}{\mathrm{fan\_in} + \mathrm{fan\_out}}", r"\sqrt{\frac{6}{"),
        (glorot_normal, r"\frac{2}{\mathrm{fan\_in} + \mathrm{fan\_out}}", "AISTATS 2010"),
        (he_uniform, r"\frac{2}{\mathrm{fan\_in}}", r"\sqrt{\frac{6}{\mathrm{fan\_in}}}"),
        (he_normal, r"\frac{2}{\mathrm{fan\_in}}", "ICCV 2015"),
        (lecun_uniform, r"\frac{1}{\mathrm{fan\_in}}", r"\sqrt{\frac{3}{\mathrm{fan\_in}}}"),
        (lecun_normal, r"\frac{1}{\mathrm{fan\_in}}", "Efficient"),
    ],
)
def test_keras_scheme_docstrings_give_their_own_facts(func, variance, says):
    # the six docstrings are filled from one template: each must still name its own
    # variance, rule, paper and example, and have no placeholder left
    doc = func.__doc__
    assert r"\operatorname{Var}[W] = " + variance in doc
    assert says in doc
    assert f">>> w = {func.__name__}((256, 128), rng=0)" in doc
    assert ("truncated at two standard deviations" in doc) == func.__name__.endswith("_normal")


# ---- the tutorial's numbers, exactly ---------------------------------------------


def test_xavier_bounds_print_as_the_tutorial():
    assert repr(xavier_bounds(10)) == "(-0.31622776601683794, 0.31622776601683794)"
    lower, upper = xavier_bounds(10)
    assert f"{lower} {upper}" == "-0.31622776601683794 0.31622776601683794"


def test_normalized_xavier_bounds_print_as_the_tutorial():
    assert repr(normalized_xavier_bounds(10, 20)) == "(-0.44721359549995787, 0.44721359549995787)"


def test_he_std_prints_as_the_tutorial():
    assert repr(he_std(10)) == "0.4472135954999579"


@pytest.mark.parametrize("n", [1, 2, 3, 7, 10, 100, 784, 4096, 10**6, 2**53])
def test_bounds_closed_forms(n):
    lower, upper = xavier_bounds(n)
    assert (lower, upper) == (-1.0 / math.sqrt(n), 1.0 / math.sqrt(n))
    assert type(lower) is float and type(upper) is float
    assert he_std(n) == math.sqrt(2.0 / n)
    assert type(he_std(n)) is float
    for m in [1, 20, 1000]:
        lo, up = normalized_xavier_bounds(n, m)
        assert (lo, up) == (-math.sqrt(6.0) / math.sqrt(n + m), math.sqrt(6.0) / math.sqrt(n + m))


def test_bounds_small_values():
    assert xavier_bounds(1) == (-1.0, 1.0)
    assert xavier_bounds(4) == (-0.5, 0.5)
    assert xavier_bounds(100) == (-0.1, 0.1)
    assert normalized_xavier_bounds(3, 3) == (-1.0, 1.0)
    assert normalized_xavier_bounds(12, 12) == (-0.5, 0.5)
    assert he_std(2) == 1.0
    assert he_std(8) == 0.5


def test_bounds_accept_numpy_integers():
    assert xavier_bounds(np.int64(10)) == xavier_bounds(10)
    assert normalized_xavier_bounds(np.int32(10), np.uint8(20)) == normalized_xavier_bounds(10, 20)
    assert he_std(np.int16(10)) == he_std(10)


def _tutorial_listing(seed, rand):
    """The tutorial's 'xavier' listing, with `rand` from a seeded RandomState."""
    n = 10
    lower, upper = -(1.0 / math.sqrt(n)), (1.0 / math.sqrt(n))
    numbers = rand(1000)
    scaled = lower + numbers * (upper - lower)
    return scaled


def test_summarize_prints_as_the_tutorial(capsys):
    scaled = _tutorial_listing(1, np.random.RandomState(1).rand)
    print(scaled.min(), scaled.max())
    print(scaled.mean(), scaled.std())
    expected = capsys.readouterr().out
    s = summarize(scaled)
    print(s.min, s.max)
    print(s.mean, s.std)
    assert capsys.readouterr().out == expected


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_summarize_is_numpys_own_statistics(dtype):
    # exactly what the tutorial's w.min(), w.max(), w.mean(), w.std() give, in w's own dtype
    w = np.random.default_rng(0).standard_normal(10_001).astype(dtype) * 0.3 + 0.1
    s = summarize(w)
    assert s == (float(w.min()), float(w.max()), float(w.mean()), float(w.std()))
    if dtype is np.float32:  # not the float64 statistics of the same numbers
        assert (s.mean, s.std) != (float(w.astype(np.float64).mean()), float(w.astype(np.float64).std()))


def test_summarize_closed_forms():
    s = summarize([1.0, 2.0, 3.0, 4.0])
    assert s == (1.0, 4.0, 2.5, math.sqrt(1.25))  # population std, ddof=0
    assert (s.min, s.max, s.mean, s.std) == (1.0, 4.0, 2.5, math.sqrt(1.25))
    assert all(type(v) is float for v in s)
    assert summarize(np.array([[3]])) == (3.0, 3.0, 3.0, 0.0)
    assert summarize(np.arange(5)) == (0.0, 4.0, 2.0, math.sqrt(2.0))  # integers accepted
    s32 = summarize(np.array([0.5, -0.25], dtype=np.float32))
    assert s32 == (-0.25, 0.5, 0.125, 0.375)
    assert isinstance(s, winit.Summary)
    assert winit.Summary._fields == ("min", "max", "mean", "std")


# ---- each sampler is the formula, drawn with numpy's Generator ---------------------


def test_xavier_is_numpy_uniform_on_the_bounds():
    expected = np.random.default_rng(7).uniform(-1 / math.sqrt(10), 1 / math.sqrt(10), 1000)
    np.testing.assert_array_equal(xavier(10, rng=7), expected)


def test_normalized_xavier_is_numpy_uniform_on_the_bounds():
    a = math.sqrt(6) / math.sqrt(30)
    expected = np.random.default_rng(7).uniform(-a, a, (4, 5))
    np.testing.assert_array_equal(normalized_xavier(10, 20, (4, 5), rng=7), expected)


def test_he_is_numpy_normal():
    expected = np.random.default_rng(7).normal(0.0, math.sqrt(0.2), 1000)
    np.testing.assert_array_equal(he(10, rng=7), expected)


@pytest.mark.parametrize(
    ("func", "limit"),
    [
        (glorot_uniform, math.sqrt(6 / (30 + 70))),
        (he_uniform, math.sqrt(6 / 30)),
        (lecun_uniform, math.sqrt(3 / 30)),
    ],
)
def test_uniform_named_schemes_are_numpy_uniform(func, limit):
    expected = np.random.default_rng(3).uniform(-limit, limit, (30, 70))
    # the limits may differ in the last bit; -a + 2a u then differs by a few ulps of a
    np.testing.assert_allclose(func((30, 70), rng=3), expected, rtol=0, atol=4 * limit * 2.0**-52)


@pytest.mark.parametrize(
    ("mode", "n"), [("fan_in", 30), ("fan_out", 70), ("fan_avg", 50)]
)
def test_variance_scaling_normal_is_numpy_normal(mode, n):
    expected = np.random.default_rng(3).normal(0.0, math.sqrt(1.5 / n), (30, 70))
    for dist in ["normal", "untruncated_normal"]:
        got = variance_scaling((30, 70), 1.5, mode, dist, rng=3)
        np.testing.assert_allclose(got, expected, rtol=1e-14, atol=0)  # std to the last bits


def test_float32_is_drawn_natively():
    # the float32 stream of numpy's Generator, scaled in float32: not a cast of float64
    lim = np.float32(1 / math.sqrt(10))
    if float(lim) > 1 / math.sqrt(10):
        lim = np.nextafter(lim, np.float32(0))
    u = np.random.default_rng(5).random(1000, dtype=np.float32)
    np.testing.assert_array_equal(xavier(10, rng=5, dtype=np.float32), u * (2 * lim) - lim)
    z = np.random.default_rng(5).standard_normal(1000, dtype=np.float32)
    np.testing.assert_array_equal(he(10, rng=5, dtype=np.float32), z * np.float32(math.sqrt(0.2)))
    assert not np.array_equal(
        xavier(10, rng=5, dtype=np.float32), xavier(10, rng=5).astype(np.float32)
    )


# ---- bounds are respected exactly ------------------------------------------------------
# Comparisons are made in float64 (float(...)): numpy would compare a Python float with a
# float32 value in float32, rounding the bound itself.


def test_naive_limit_would_overshoot():
    # why the core computes sqrt(3 scale) / sqrt(n): the textbook sqrt(3 scale / n)
    # is one ulp above the tutorial's bound 1/sqrt(n) for n = 2
    assert math.sqrt(3.0 * ((1.0 / 3.0) / 2)) > 1.0 / math.sqrt(2)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_samples_inside_closed_bounds(dtype):
    for n in list(range(1, 300)) + [1000, 4096, 99991]:
        lower, upper = xavier_bounds(n)
        w = xavier(n, 2000, rng=n, dtype=dtype)
        assert lower <= float(w.min()) and float(w.max()) <= upper, n
        lower, upper = normalized_xavier_bounds(n, 3 * n + 1)
        w = normalized_xavier(n, 3 * n + 1, 2000, rng=n, dtype=dtype)
        assert lower <= float(w.min()) and float(w.max()) <= upper, n


def test_float64_uniform_rounding_cannot_leave_the_bounds():
    # numpy draws uniform(low, high) as low + (high - low) * u, u <= 1 - 2**-53
    n = np.arange(1, 10**5 + 1)
    upper = 1.0 / np.sqrt(n)
    u_max = 1.0 - 2.0**-53
    assert np.all(-upper + (upper - -upper) * u_max <= upper)
    upper = np.sqrt(6.0) / np.sqrt(n + 7)
    assert np.all(-upper + (upper - -upper) * u_max <= upper)


class _ExtremeGenerator(np.random.Generator):
    """A Generator whose float32 `random` returns its extreme values 0 and 1 - 2**-24."""

    def random(self, size=None, dtype=np.float64, out=None):
        values = np.array([0.0, np.nextafter(np.float32(1), np.float32(0))], dtype=dtype)
        return np.resize(values, size)


# n = 6, 9, 11, 18: float32(1/sqrt(n)) rounds above 1/sqrt(n); n = 3, 12: the same for
# sqrt(6)/sqrt(3n) (normalized_xavier(n, 2n))
@pytest.mark.parametrize("n", [1, 2, 3, 5, 6, 7, 9, 10, 11, 12, 13, 18, 19, 32, 34, 100, 12345])
def test_float32_extremes_stay_inside_bounds(n):
    rng = _ExtremeGenerator(np.random.PCG64(0))
    lower, upper = xavier_bounds(n)
    w = xavier(n, 4, rng=rng, dtype=np.float32)
    assert lower <= float(w.min()) and float(w.max()) <= upper
    assert float(w.min()) < lower * (1 - 1e-6)  # the extremes really were drawn
    lower, upper = normalized_xavier_bounds(n, 2 * n)
    w = normalized_xavier(n, 2 * n, 4, rng=rng, dtype=np.float32)
    assert lower <= float(w.min()) and float(w.max()) <= upper


# ---- distributions: Kolmogorov-Smirnov against the theoretical CDF ------------------


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("seed", [0, 1])
def test_xavier_is_uniform(seed, dtype):
    a = 1 / math.sqrt(10)
    w = xavier(10, 20_000, rng=seed, dtype=dtype)
    assert stats.kstest(w, stats.uniform(loc=-a, scale=2 * a).cdf).pvalue > P_MIN


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_normalized_xavier_is_uniform(dtype):
    a = math.sqrt(6) / math.sqrt(10 + 20)
    w = normalized_xavier(10, 20, 20_000, rng=2, dtype=dtype)
    assert stats.kstest(w, stats.uniform(loc=-a, scale=2 * a).cdf).pvalue > P_MIN
    # and not the tutorial prose's sqrt(n + n)
    b = math.sqrt(6) / math.sqrt(10 + 10)
    assert stats.kstest(w, stats.uniform(loc=-b, scale=2 * b).cdf).pvalue < 1e-6


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("seed", [0, 1])
def test_he_is_normal(seed, dtype):
    w = he(10, 20_000, rng=seed, dtype=dtype)
    assert stats.kstest(w, stats.norm(loc=0, scale=math.sqrt(2 / 10)).cdf).pvalue > P_MIN


def test_truncated_normal_constant_is_the_std_of_a_normal_truncated_at_two():
    assert stats.truncnorm(-2, 2).std() == pytest.approx(TRUNC, rel=1e-14)
    assert winit.schemes.TRUNCATED_NORMAL_STD == TRUNC


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(
    ("func", "var"),
    [
        (he_normal, 2 / 100),
        (lecun_normal, 1 / 100),
        (glorot_normal, 2 / (100 + 300)),
    ],
)
def test_truncated_normal_schemes(func, var, dtype):
    w = func((100, 300), rng=11, dtype=dtype).ravel()
    sigma = math.sqrt(var) / TRUNC  # the underlying normal
    assert float(np.abs(w).max()) <= 2 * sigma * (1 + 1e-6)
    assert stats.kstest(w, stats.truncnorm(-2, 2, loc=0, scale=sigma).cdf).pvalue > P_MIN
    # the test can fail: a truncnorm without the 0.8796 correction is rejected
    wrong = stats.truncnorm(-2, 2, loc=0, scale=math.sqrt(var))
    assert stats.kstest(w, wrong.cdf).pvalue < 1e-6
    # and so is the untruncated normal of the same variance
    assert stats.kstest(w, stats.norm(0, math.sqrt(var)).cdf).pvalue < 1e-6


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(("mode", "n"), [("fan_in", 60), ("fan_out", 500), ("fan_avg", 280)])
def test_variance_scaling_distributions(mode, n, dtype):
    scale = 1.7
    var = scale / n
    shape = (60, 500)
    w = variance_scaling(shape, scale, mode, "uniform", rng=4, dtype=dtype).ravel()
    a = math.sqrt(3 * var)
    assert float(np.abs(w).max()) <= a
    assert stats.kstest(w, stats.uniform(loc=-a, scale=2 * a).cdf).pvalue > P_MIN
    w = variance_scaling(shape, scale, mode, "normal", rng=4, dtype=dtype).ravel()
    assert stats.kstest(w, stats.norm(0, math.sqrt(var)).cdf).pvalue > P_MIN
    w = variance_scaling(shape, scale, mode, "truncated_normal", rng=4, dtype=dtype).ravel()
    sigma = math.sqrt(var) / TRUNC
    assert stats.kstest(w, stats.truncnorm(-2, 2, scale=sigma).cdf).pvalue > P_MIN


# ---- variances: scale / n ---------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(
    ("func", "var"),
    [
        (glorot_uniform, 2 / (200 + 400)),
        (glorot_normal, 2 / (200 + 400)),
        (he_uniform, 2 / 200),
        (he_normal, 2 / 200),
        (lecun_uniform, 1 / 200),
        (lecun_normal, 1 / 200),
    ],
)
def test_named_scheme_variance(func, var, dtype):
    w = func((200, 400), rng=8, dtype=dtype)  # 80,000 weights
    assert w.mean() == pytest.approx(0.0, abs=4 * math.sqrt(var / w.size))
    assert w.var() == pytest.approx(var, rel=0.03)


def test_tutorial_scheme_variances():
    assert xavier(10, 100_000, rng=1).var() == pytest.approx(1 / (3 * 10), rel=0.02)
    assert normalized_xavier(10, 20, 100_000, rng=1).var() == pytest.approx(2 / 30, rel=0.02)
    assert he(10, 100_000, rng=1).var() == pytest.approx(2 / 10, rel=0.02)


@pytest.mark.parametrize("dist", ["uniform", "normal", "truncated_normal"])
@pytest.mark.parametrize(
    ("scale", "dtype"),
    [(1e-90, np.float64), (1e-300, np.float64), (5e-324, np.float64), (1e-70, np.float32), (1e-60, np.float32)],
)
def test_tiny_scales_give_the_variance_asked_for(scale, dtype, dist):
    # Var[W] = scale / n even when scale / n is below the smallest float64: the weights,
    # divided by sqrt(scale) / sqrt(n) (computed here without underflow), have variance 1.
    n = 100
    w = variance_scaling((n, 100), scale, "fan_in", dist, rng=0, dtype=dtype)
    assert w.dtype == np.dtype(dtype) and np.count_nonzero(w) == w.size
    unit = w.astype(np.float64) / (math.sqrt(scale) / math.sqrt(n))
    assert unit.var() == pytest.approx(1.0, rel=0.05)
    assert stats.kstest(unit.ravel(), stats.norm(0, 1).cdf if dist == "normal" else
                        stats.uniform(-math.sqrt(3), 2 * math.sqrt(3)).cdf if dist == "uniform" else
                        stats.truncnorm(-2, 2, scale=1 / TRUNC).cdf).pvalue > P_MIN


@pytest.mark.parametrize("dist", ["uniform", "normal", "truncated_normal"])
def test_smallest_float64_scale_and_largest_n(dist):
    # the extreme corner: scale = 2**-1074 and n = 2**53 still give a non-zero spread
    w = variance_scaling((1, 8), 5e-324, "fan_in", dist, fans=(2**53, 1), rng=0)
    assert np.count_nonzero(w) == 8
    std = math.sqrt(5e-324) / math.sqrt(2**53)
    assert np.all(np.abs(w) <= 40 * std)


def test_conv_kernel_variance_uses_receptive_field():
    w = he_normal((3, 3, 16, 32), rng=0)  # fan_in = 3 * 3 * 16 = 144
    assert w.var() == pytest.approx(2 / 144, rel=0.05)
    w = glorot_uniform((5, 5, 20, 40), rng=0)  # fans 500, 1000
    assert np.abs(w).max() <= math.sqrt(6 / 1500)
    assert w.var() == pytest.approx(2 / 1500, rel=0.05)


def test_fans_override_shape():
    # the tutorial's xavier: n independent of the array's shape
    w = variance_scaling(50_000, 1.0, "fan_avg", "uniform", fans=(10, 20), rng=0)
    a = math.sqrt(6) / math.sqrt(30)
    assert float(np.abs(w).max()) <= a
    assert w.var() == pytest.approx(a * a / 3, rel=0.02)
    w = variance_scaling((), 2.0, "fan_out", "normal", fans=(1, 8), rng=0)
    assert w.shape == ()
    expected = np.random.default_rng(0).normal(0.0, 0.5, ())
    assert w == expected


# ---- reproducibility and randomness (SPEC 7) ------------------------------------------

SAMPLERS = {
    "xavier": lambda size, **kw: xavier(10, size, **kw),
    "normalized_xavier": lambda size, **kw: normalized_xavier(10, 20, size, **kw),
    "he": lambda size, **kw: he(10, size, **kw),
    "variance_scaling": lambda size, **kw: variance_scaling(size, **kw),
    "variance_scaling_uniform": lambda size, **kw: variance_scaling(size, 2.0, "fan_avg", "uniform", **kw),
    "variance_scaling_normal": lambda size, **kw: variance_scaling(size, 2.0, "fan_out", "normal", **kw),
    "glorot_uniform": glorot_uniform,
    "glorot_normal": glorot_normal,
    "he_uniform": he_uniform,
    "he_normal": he_normal,
    "lecun_uniform": lecun_uniform,
    "lecun_normal": lecun_normal,
}


@pytest.mark.parametrize("name", SAMPLERS)
def test_same_seed_same_array(name):
    draw = SAMPLERS[name]
    np.testing.assert_array_equal(draw((20, 30), rng=123), draw((20, 30), rng=123))
    np.testing.assert_array_equal(draw((20, 30), rng=123), draw((20, 30), rng=np.int64(123)))
    assert not np.array_equal(draw((20, 30), rng=123), draw((20, 30), rng=124))


@pytest.mark.parametrize("name", SAMPLERS)
def test_same_generator_state_same_array(name):
    draw = SAMPLERS[name]
    g1, g2 = np.random.default_rng(99), np.random.default_rng(99)
    first = draw((20, 30), rng=g1)
    np.testing.assert_array_equal(first, draw((20, 30), rng=g2))
    second = draw((20, 30), rng=g1)  # the Generator advanced
    assert not np.array_equal(first, second)
    np.testing.assert_array_equal(second, draw((20, 30), rng=g2))


@pytest.mark.parametrize("name", SAMPLERS)
def test_rng_none_works_and_leaves_global_state_alone(name):
    draw = SAMPLERS[name]
    legacy = np.random.get_state()
    a, b = draw((20, 30)), draw((20, 30), rng=None)
    assert a.shape == b.shape == (20, 30)
    assert not np.array_equal(a, b)  # fresh OS entropy each call
    after = np.random.get_state()
    assert legacy[0] == after[0] and np.array_equal(legacy[1], after[1]) and legacy[2:] == after[2:]


# ---- shapes and dtypes -------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float64, np.float32, "float32", np.dtype("float64")])
@pytest.mark.parametrize("name", SAMPLERS)
@pytest.mark.parametrize(
    ("size", "shape"),
    [
        ((), ()),
        (0, (0,)),
        (1, (1,)),
        (7, (7,)),
        ((2, 3), (2, 3)),
        ([4, 5], (4, 5)),
        ((3, 3, 16, 32), (3, 3, 16, 32)),
        ((0, 4), (0, 4)),
        ((np.int64(2), np.int32(3)), (2, 3)),
        (np.int64(6), (6,)),
    ],
)
def test_shapes_and_dtypes(name, size, shape, dtype):
    w = SAMPLERS[name](size, rng=0, dtype=dtype)
    assert isinstance(w, np.ndarray)
    assert w.shape == shape
    assert w.dtype == np.dtype(dtype)
    assert np.isfinite(w).all()


# dtypes equal to float64/float32 that are not numpy's cached objects: a dtype is
# compared by equality, never by identity.
EQUAL_DTYPES = {
    "pickled": lambda name: pickle.loads(pickle.dumps(np.dtype(name))),
    "deepcopy": lambda name: copy.deepcopy(np.dtype(name)),
    "metadata": lambda name: np.dtype(name, metadata={"unit": "weight"}),
    "newbyteorder(=)": lambda name: np.dtype(name).newbyteorder("="),
}


@pytest.mark.parametrize("base", ["float64", "float32"])
@pytest.mark.parametrize("variant", EQUAL_DTYPES)
@pytest.mark.parametrize("name", SAMPLERS)
def test_an_equal_dtype_gives_the_same_array(name, variant, base):
    dtype = EQUAL_DTYPES[variant](base)
    assert dtype == np.dtype(base)  # the premise: equal, though maybe not the same object
    w = SAMPLERS[name]((30, 20), rng=5, dtype=dtype)
    assert w.dtype == np.dtype(base)
    np.testing.assert_array_equal(w, SAMPLERS[name]((30, 20), rng=5, dtype=getattr(np, base)))


@pytest.mark.parametrize("name", SAMPLERS)
def test_a_byte_swapped_float64_is_refused(name):
    swapped = np.dtype("float64").newbyteorder("S")  # the non-native byte order
    with pytest.raises(ValueError, match=r"^dtype must be numpy\.float32 or numpy\.float64 .*; got >f8$|; got <f8$"):
        SAMPLERS[name]((2, 3), rng=0, dtype=swapped)


def test_default_size_is_1000():
    assert xavier(10).shape == (1000,)
    assert normalized_xavier(10, 20).shape == (1000,)
    assert he(10).shape == (1000,)
    assert xavier(10).dtype == np.float64


def test_numpy_integer_counts_are_valid():
    np.testing.assert_array_equal(xavier(np.int64(10), 50, rng=1), xavier(10, 50, rng=1))
    np.testing.assert_array_equal(
        normalized_xavier(np.uint16(10), np.int8(20), 50, rng=1), normalized_xavier(10, 20, 50, rng=1)
    )
    np.testing.assert_array_equal(he(np.int32(10), 50, rng=1), he(10, 50, rng=1))
    np.testing.assert_array_equal(
        variance_scaling(50, fans=(np.int64(3), np.int64(4)), rng=1), variance_scaling(50, fans=(3, 4), rng=1)
    )


# ---- what a chapter may glue is a Python number ------------------------------------------


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_every_scalar_a_chapter_may_glue_is_a_python_float(dtype):
    # numpy-typed input must not leak numpy scalars out (np.float64 prints differently in
    # numpy 2: "np.float64(0.5)"), so that a glued number reads the same everywhere
    n, m = np.int64(10), np.uint16(20)
    values = [
        *summarize(np.array([0.25, -0.5, 1.0], dtype=dtype)),
        *xavier_bounds(n),
        *normalized_xavier_bounds(n, m),
        he_std(n),
        winit.calculate_gain("leaky_relu", np.float32(0.2)),
        winit.calculate_gain("leaky_relu", np.float64(1e200)),
        winit.calculate_gain("tanh"),
    ]
    assert all(type(v) is float for v in values), [type(v) for v in values]
    assert all(type(v) is int for v in winit.compute_fans((np.int64(3), np.int32(4), np.int8(5))))


# ---- summarize without overflow ---------------------------------------------------------


def test_summarize_float16_weights_has_a_finite_std():
    # float16 squares overflow beyond 256: the std came out inf
    s = winit.summarize(np.array([60000.0, -60000.0, 0.0, 0.0], dtype=np.float16))
    assert (s.min, s.max, s.mean) == (-60000.0, 60000.0, 0.0)
    assert s.std == math.sqrt(60000.0 ** 2 / 2)


def test_summarize_large_and_tiny_float64_weights():
    w = np.array([1.0, -1.0, 3.0, -3.0])
    for scale in (2.0 ** 600, 2.0 ** -600):
        s = winit.summarize(w * scale)
        expected = math.sqrt(5.0) * scale
        assert abs(s.std - expected) <= 1e-15 * expected and s.mean == 0.0


def test_summarize_ordinary_float64_is_numpys_to_the_bit():
    w = np.random.default_rng(0).normal(0.0, 0.3, size=1000)
    s = winit.summarize(w)
    assert (s.mean, s.std) == (float(w.mean()), float(w.std()))


# ---- the schemes' rules: one table --------------------------------------------------------


def test_every_named_sampler_is_its_row_of_the_table():
    from winit.schemes import SCALINGS

    shape = (30, 20)
    for name in ["glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "lecun_uniform",
                 "lecun_normal"]:
        scale, mode, dist = SCALINGS[name]
        np.testing.assert_array_equal(getattr(winit, name)(shape, rng=3),
                                      winit.variance_scaling(shape, float(scale), mode, dist, rng=3))
    for name, call, fans in [("xavier", lambda r: winit.xavier(7, 50, rng=r), (7, 7)),
                             ("normalized_xavier", lambda r: winit.normalized_xavier(7, 9, 50, rng=r), (7, 9)),
                             ("he", lambda r: winit.he(7, 50, rng=r), (7, 7))]:
        scale, mode, dist = SCALINGS[name]
        np.testing.assert_array_equal(call(3), winit.variance_scaling(50, float(scale), mode, dist,
                                                                      fans=fans, rng=3))


@pytest.mark.parametrize("name, fan_in, fan_out, std, bound", [
    ("xavier", 10, 99, math.sqrt(1 / 30), 1 / math.sqrt(10)),
    ("normalized_xavier", 10, 20, math.sqrt(2 / 30), math.sqrt(6 / 30)),
    ("he", 10, 99, math.sqrt(2 / 10), None),
    ("lecun", 10, 99, math.sqrt(1 / 10), None),
    ("glorot_normal", 10, 20, math.sqrt(2 / 30), None),
    ("he_uniform", 10, 99, math.sqrt(2 / 10), math.sqrt(6 / 10)),
    ("lecun_uniform", 10, 99, math.sqrt(1 / 10), math.sqrt(3 / 10)),
])
def test_scheme_std_and_bound_are_the_closed_forms(name, fan_in, fan_out, std, bound):
    from winit.schemes import scheme_bound, scheme_std

    assert scheme_std(name, fan_in, fan_out) == pytest.approx(std, rel=1e-15)
    got = scheme_bound(name, fan_in, fan_out)
    assert got is None if bound is None else got == pytest.approx(bound, rel=1e-15)


def test_scheme_bounds_are_the_tutorials_to_the_bit():
    from winit.schemes import scheme_bound

    for n in (1, 2, 3, 10, 784, 10**6):
        assert scheme_bound("xavier", n, 5) == winit.xavier_bounds(n)[1]
        assert scheme_bound("normalized_xavier", n, 7) == winit.normalized_xavier_bounds(n, 7)[1]


@pytest.mark.parametrize("name", ["xavier", "normalized_xavier", "he", "lecun_uniform", "glorot_normal"])
def test_a_samplers_std_is_its_scheme_std(name):
    from winit.schemes import SCALINGS, scheme_std

    scale, mode, dist = SCALINGS[name]
    w = winit.variance_scaling((400, 300), float(scale), mode, dist, rng=0)
    assert np.std(w) == pytest.approx(scheme_std(name, 400, 300), rel=0.01)


def test_scheme_rule_feeds_init_weights_and_pickles():
    from winit.networks import init_weights
    from winit.schemes import scheme_rule

    std, distribution = scheme_rule("he")
    assert (std(64, 10), distribution) == (math.sqrt(2 / 64), "normal")
    assert pickle.loads(pickle.dumps(std))(64, 10) == std(64, 10)
    (W, _), = init_weights([64, 10], std=std, distribution=distribution, rng=0)
    np.testing.assert_array_equal(W, np.random.default_rng(0).normal(0.0, math.sqrt(2 / 64), (64, 10)))


@pytest.mark.parametrize("call, exc, match", [
    (lambda: winit.schemes.scheme_std("kaiming", 3, 3), ValueError, r"^name must be one of 'xavier'"),
    (lambda: winit.schemes.scheme_std("he", 0, 3), ValueError, r"^fan_in must be a positive integer"),
    (lambda: winit.schemes.scheme_bound("he", 3, 2.0), TypeError, r"^fan_out must be a positive integer"),
    (lambda: winit.schemes.scheme_rule(None), TypeError, r"^name must be one of"),
])
def test_scheme_rule_errors(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


# ---- properties (hypothesis): any valid input ---------------------------------------------

counts = st.one_of(st.integers(1, 10_000), st.integers(1, 2**53))
as_numpy_int = st.sampled_from([int, np.int64, np.int32, np.uint32])
sizes = st.one_of(st.integers(0, 300), shapes)


def _check(w, shape, dtype):
    assert isinstance(w, np.ndarray)
    assert w.shape == shape
    assert w.dtype == np.dtype(dtype)
    assert np.isfinite(w).all()


def _shape_of(size):
    return (size,) if isinstance(size, int) else tuple(size)


@SETTINGS
@given(n=counts, cast=as_numpy_int)
def test_bounds_properties(n, cast):
    if cast is not int and n > 2**31 - 1:
        cast = int
    lower, upper = xavier_bounds(cast(n))
    assert type(lower) is float and type(upper) is float
    assert lower == -upper and 0 < upper <= 1
    assert upper == 1.0 / math.sqrt(n)
    std = he_std(cast(n))
    assert type(std) is float and 0 < std <= math.sqrt(2)
    assert std == pytest.approx(math.sqrt(2) * upper, rel=1e-15)


@SETTINGS
@given(n=counts, m=counts)
def test_normalized_bounds_properties(n, m):
    lower, upper = normalized_xavier_bounds(n, m)
    assert lower == -upper and 0 < upper <= math.sqrt(3)
    assert upper == pytest.approx(math.sqrt(6 / (n + m)), rel=1e-15)


@SETTINGS
@given(n=counts, size=sizes, dtype=dtypes, rng=rngs)
def test_xavier_properties(n, size, dtype, rng):
    w = xavier(n, size, rng=rng, dtype=dtype)
    _check(w, _shape_of(size), dtype)
    lower, upper = xavier_bounds(n)
    w = w.astype(np.float64)  # compare in float64, not with the bound rounded to float32
    assert np.all(lower <= w) and np.all(w <= upper)


@SETTINGS
@given(n=counts, m=counts, size=sizes, dtype=dtypes, rng=rngs)
def test_normalized_xavier_properties(n, m, size, dtype, rng):
    w = normalized_xavier(n, m, size, rng=rng, dtype=dtype)
    _check(w, _shape_of(size), dtype)
    lower, upper = normalized_xavier_bounds(n, m)
    w = w.astype(np.float64)  # compare in float64, not with the bound rounded to float32
    assert np.all(lower <= w) and np.all(w <= upper)


@SETTINGS
@given(n=counts, size=sizes, dtype=dtypes, rng=rngs)
def test_he_properties(n, size, dtype, rng):
    w = he(n, size, rng=rng, dtype=dtype)
    _check(w, _shape_of(size), dtype)
    assert np.all(np.abs(w) <= 40 * math.sqrt(2 / n))  # 40 sigma: never reached in practice


@SETTINGS
@given(
    shape=shapes,
    scale=st.floats(1e-30, 1e30),
    mode=st.sampled_from(["fan_in", "fan_out", "fan_avg"]),
    distribution=st.sampled_from(["uniform", "normal", "untruncated_normal", "truncated_normal"]),
    dtype=dtypes,
    rng=rngs,
)
def test_variance_scaling_properties(shape, scale, mode, distribution, dtype, rng):
    w = variance_scaling(shape, scale, mode, distribution, rng=rng, dtype=dtype)
    _check(w, shape, dtype)
    if w.size == 0:
        return
    # the fans, written out independently of compute_fans
    if len(shape) == 0:
        fan_in = fan_out = 1
    elif len(shape) == 1:
        fan_in = fan_out = shape[0]
    else:
        rf = math.prod(shape[:-2])
        fan_in, fan_out = shape[-2] * rf, shape[-1] * rf
    n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
    w = w.astype(np.float64)
    tol = 1 + 1e-6  # float32 rounding of the spread
    if distribution == "uniform":
        assert np.all(np.abs(w) <= math.sqrt(3 * scale / n) * tol)
    elif distribution == "truncated_normal":
        assert np.all(np.abs(w) <= 2 * math.sqrt(scale / n) / TRUNC * tol)


@SETTINGS
@given(
    shape=st.lists(st.integers(1, 6), min_size=0, max_size=3).map(tuple),
    scale=st.floats(5e-324, 1.7976931348623157e308),
    distribution=st.sampled_from(["uniform", "normal", "truncated_normal"]),
    dtype=dtypes,
)
def test_any_scale_gives_the_spread_or_a_clear_refusal(shape, scale, distribution, dtype):
    # never zeros, never an infinity: the spread is drawn, or the scale is refused
    try:
        w = variance_scaling(shape, scale, "fan_in", distribution, rng=0, dtype=dtype)
    except ValueError as err:
        assert re.match(r"^scale must be (small|large) enough for float(32|64) weights", str(err))
        info = np.finfo(dtype)
        std = math.sqrt(scale) / math.sqrt(shape[-2] if len(shape) >= 2 else (shape[0] if shape else 1)) / math.sqrt(math.prod(shape[:-2]) or 1)
        assert std > float(info.max) / 1000 or std < float(info.smallest_normal) * 10
        return
    _check(w, shape, dtype)
    assert np.any(w != 0)


@SETTINGS
@given(func=st.sampled_from(NAMED), shape=shapes, dtype=dtypes, rng=rngs)
def test_named_schemes_properties(func, shape, dtype, rng):
    w = func(shape, rng=rng, dtype=dtype)
    _check(w, shape, dtype)


@SETTINGS
@given(seed=st.integers(0, 2**64 - 1), n=small_counts, size=sizes)
def test_same_seed_same_array_for_any_seed_and_size(seed, n, size):
    np.testing.assert_array_equal(xavier(n, size, rng=seed), xavier(n, size, rng=seed))
    np.testing.assert_array_equal(
        winit.he_normal(size, rng=np.random.default_rng(seed)),
        winit.he_normal(size, rng=np.random.default_rng(seed)),
    )


@SETTINGS
@given(
    values=st.lists(
        st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False), min_size=1, max_size=200
    ),
    dtype=dtypes,
)
def test_summarize_properties(values, dtype):
    w = np.array(values, dtype=dtype)
    s = summarize(w)
    assert all(type(v) is float and math.isfinite(v) for v in s)
    assert s.min <= s.max and s.std >= 0
    slack = 1e-6 * max(1.0, abs(s.min), abs(s.max))  # float32 mean rounding
    assert s.min - slack <= s.mean <= s.max + slack
    assert (s.min, s.max) == (float(w.min()), float(w.max()))


@SETTINGS
@given(x=st.floats(0.0, float(np.finfo(np.float32).max)))
def test_float32_limit_is_rounded_towards_zero(x):
    # the float32 uniform limit: the largest float32 value not above the float64 limit
    v = winit.schemes._to_float32_towards_zero(x)
    v32 = np.float32(v)
    assert float(v32) == v  # a float32 value
    assert v <= x
    if v32 < np.finfo(np.float32).max:  # the largest such
        assert float(np.nextafter(v32, np.float32(np.inf))) > x


# =============================================================================================
# winit.orthogonal: Haar-random (semi-)orthogonal weights.
#
# Exactness (W^T W = gain^2 I), layout (conv kernels, PyTorch's transposed layout), the Haar
# distribution (kstest of single entries against their exact law, rotation invariance, the
# sign fix), dtypes, SPEC 7 randomness, errors, and property-based checks with hypothesis.
# =============================================================================================


def entry_cdf(n):
    """CDF of one entry of a Haar-random n x n orthogonal matrix.

    An entry is the first coordinate of a uniform point on the unit sphere
    S^{n-1}: its square is Beta(1/2, (n-1)/2) and its sign is symmetric.
    """
    beta = stats.beta(0.5, (n - 1) / 2)

    def cdf(x):
        x = np.asarray(x, dtype=float)
        return 0.5 + 0.5 * np.sign(x) * beta.cdf(x * x)

    return cdf


def gram_schmidt(a):
    """Classical Gram-Schmidt on the columns of a (an independent reference)."""
    q = np.zeros_like(a)
    for j in range(a.shape[1]):
        v = a[:, j].copy()
        for i in range(j):
            v -= (q[:, i] @ a[:, j]) * q[:, i]
        q[:, j] = v / np.linalg.norm(v)
    return q


# ---------------------------------------------------------------------------
# Exactness and layout
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(64, 64), (100, 30), (30, 100), (1, 5), (5, 1), (7, 7)])
def test_orthonormal_columns_or_rows(shape):
    w = orthogonal(shape, rng=0)
    assert w.shape == shape and w.dtype == np.float64
    rows, cols = shape
    if rows >= cols:
        assert np.allclose(w.T @ w, np.eye(cols), atol=1e-12)
    else:
        assert np.allclose(w @ w.T, np.eye(rows), atol=1e-12)


def test_gain_scales_the_matrix():
    w = orthogonal((50, 20), gain=3.0, rng=1)
    assert np.allclose(w.T @ w, 9.0 * np.eye(20), atol=1e-11)
    assert np.allclose(w, 3.0 * orthogonal((50, 20), rng=1), atol=1e-14)


def test_square_matrix_is_orthogonal_both_ways():
    w = orthogonal((40, 40), rng=2)
    assert np.allclose(w @ w.T, np.eye(40), atol=1e-12)
    assert np.allclose(w.T @ w, np.eye(40), atol=1e-12)


def test_conv_kernel_flattens_all_but_the_last_axis():
    k = orthogonal((3, 3, 16, 32), rng=3)
    m = k.reshape(144, 32)
    assert np.allclose(m.T @ m, np.eye(32), atol=1e-12)
    # Wide case: rows are orthonormal.
    k = orthogonal((2, 4, 64), rng=3)
    m = k.reshape(8, 64)
    assert np.allclose(m @ m.T, np.eye(8), atol=1e-12)


def test_pytorch_layout_by_transposition():
    k = orthogonal((3, 3, 16, 32), rng=4)
    t = k.transpose(3, 2, 0, 1)  # PyTorch's (out, in, kh, kw)
    assert t.shape == (32, 16, 3, 3)
    flat = t.reshape(32, -1)  # what torch.nn.init.orthogonal_ flattens
    assert np.allclose(flat @ flat.T, np.eye(32), atol=1e-12)


def test_sign_fix_gives_the_gram_schmidt_matrix():
    # With the signs of R's diagonal moved into Q, Q is the Gram-Schmidt basis of the
    # same Gaussian matrix: its first column is the first column of A, normalised.
    w = orthogonal((6, 4), rng=5)
    a = np.random.default_rng(5).standard_normal((6, 4))
    assert np.allclose(w, gram_schmidt(a), atol=1e-12)
    wide = orthogonal((4, 6), rng=5)
    assert np.allclose(wide, gram_schmidt(a).T, atol=1e-12)


def test_entry_variance_is_gain_squared_over_the_larger_dimension():
    w = orthogonal((400, 100), gain=2.0, rng=6)
    assert abs(w.var() * 400 / 4.0 - 1.0) < 0.02
    assert abs(w.mean()) < 0.01


def test_empty_shapes_give_empty_arrays():
    for shape in [(0, 5), (5, 0), (3, 0, 4)]:
        w = orthogonal(shape, rng=0)
        assert w.shape == shape and w.dtype == np.float64


# ---------------------------------------------------------------------------
# The Haar distribution
# ---------------------------------------------------------------------------


def test_entries_follow_the_haar_law():
    rng = np.random.default_rng(7)
    draws = np.array([orthogonal((5, 5), rng=rng) for _ in range(3000)])
    cdf = entry_cdf(5)
    for i, j in [(0, 0), (2, 4), (4, 1)]:
        assert stats.kstest(draws[:, i, j], cdf).pvalue > P_MIN


def test_semi_orthogonal_entries_follow_the_same_law():
    # The columns of a tall semi-orthogonal matrix are the first columns of a Haar matrix.
    rng = np.random.default_rng(8)
    draws = np.array([orthogonal((6, 2), rng=rng) for _ in range(3000)])
    assert stats.kstest(draws[:, 0, 0], entry_cdf(6)).pvalue > P_MIN
    assert stats.kstest(draws[:, 5, 1], entry_cdf(6)).pvalue > P_MIN


def test_raw_qr_is_not_haar_so_the_test_can_fail():
    rng = np.random.default_rng(9)
    raw = np.array([np.linalg.qr(rng.standard_normal((5, 5)))[0][0, 0] for _ in range(3000)])
    assert stats.kstest(raw, entry_cdf(5)).pvalue < 1e-6


def test_rotation_invariance():
    # Haar: U W has the law of W for any fixed orthogonal U.
    u = np.linalg.qr(np.arange(16.0).reshape(4, 4) + np.eye(4) * 5)[0]
    rng = np.random.default_rng(10)
    draws = np.array([u @ orthogonal((4, 4), rng=rng) for _ in range(3000)])
    assert stats.kstest(draws[:, 0, 0], entry_cdf(4)).pvalue > P_MIN
    assert stats.kstest(draws[:, 3, 2], entry_cdf(4)).pvalue > P_MIN


def test_trace_moments():
    # For Haar O(n), n >= 2: E[tr W] = 0 and E[(tr W)^2] = 1.
    rng = np.random.default_rng(11)
    tr = np.array([np.trace(orthogonal((6, 6), rng=rng)) for _ in range(4000)])
    assert abs(tr.mean()) < 4 * tr.std() / math.sqrt(len(tr))
    assert abs(np.mean(tr ** 2) - 1.0) < 0.1


def test_determinant_signs_are_balanced():
    rng = np.random.default_rng(12)
    dets = np.array([np.linalg.det(orthogonal((3, 3), rng=rng)) for _ in range(2000)])
    assert np.allclose(np.abs(dets), 1.0)
    assert stats.binomtest(int(np.sum(dets > 0)), 2000).pvalue > P_MIN


# ---------------------------------------------------------------------------
# dtype and randomness (SPEC 7)
# ---------------------------------------------------------------------------


def test_float32_is_computed_in_float32():
    w = orthogonal((64, 32), rng=0, dtype=np.float32)
    assert w.dtype == np.float32
    assert np.allclose(w.T @ w, np.eye(32), atol=1e-5)
    w = orthogonal((3, 3, 8, 4), rng=0, dtype=np.dtype("float32"))
    assert w.dtype == np.float32 and w.shape == (3, 3, 8, 4)


def test_same_seed_same_array_different_seed_different_array():
    assert np.array_equal(orthogonal((10, 5), rng=42), orthogonal((10, 5), rng=42))
    assert not np.allclose(orthogonal((10, 5), rng=42), orthogonal((10, 5), rng=43))


def test_generator_is_used_and_advanced():
    g = np.random.default_rng(0)
    a = orthogonal((5, 5), rng=g)
    b = orthogonal((5, 5), rng=g)
    assert not np.allclose(a, b)
    g2 = np.random.default_rng(0)
    assert np.array_equal(a, orthogonal((5, 5), rng=g2))


def test_global_numpy_state_is_not_touched():
    np.random.seed(0)
    before = np.random.get_state()[1].copy()
    orthogonal((5, 5))
    assert np.array_equal(before, np.random.get_state()[1])


def test_rng_none_draws_fresh_matrices():
    assert not np.allclose(orthogonal((4, 4)), orthogonal((4, 4)))


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(), 5, (7,)])
def test_fewer_than_two_dimensions(shape):
    with pytest.raises(ValueError, match="shape must have at least 2 dimensions"):
        orthogonal(shape, rng=0)


@pytest.mark.parametrize("shape,error", [
    ((3, -1), ValueError), ((3.0, 2), TypeError), ("3x3", TypeError), ((True, 2), TypeError),
    (None, TypeError),
])
def test_bad_shapes(shape, error):
    with pytest.raises(error, match="shape must be"):
        orthogonal(shape, rng=0)


@pytest.mark.parametrize("gain,error", [
    (0.0, ValueError), (-1.0, ValueError), (math.nan, ValueError), (math.inf, ValueError),
    ("1", TypeError), (True, TypeError), (None, TypeError),
])
def test_bad_gains(gain, error):
    with pytest.raises(error, match="gain must be"):
        orthogonal((3, 3), gain, rng=0)


def test_gain_too_large_for_float32():
    with pytest.raises(ValueError, match=r"^gain must be at most 2\.66e\+36 for float32 weights"):
        orthogonal((3, 3), 1e38, rng=0, dtype=np.float32)
    assert np.isfinite(orthogonal((3, 3), 1e38, rng=0)).all()


@pytest.mark.parametrize("rng,error", [(-1, ValueError), (1.5, TypeError), (True, TypeError),
                                       ("seed", TypeError)])
def test_bad_rngs(rng, error):
    with pytest.raises(error, match="rng must be"):
        orthogonal((3, 3), rng=rng)


@pytest.mark.parametrize("dtype,error", [(np.int64, ValueError), (np.float16, ValueError),
                                         ("banana", TypeError)])
def test_bad_dtypes(dtype, error):
    with pytest.raises(error, match="dtype must be"):
        orthogonal((3, 3), rng=0, dtype=dtype)


def test_huge_shape_refused_before_drawing():
    with pytest.raises(ValueError, match="winit refuses arrays above"):
        orthogonal((10**6, 10**5), rng=0)


def test_exported():
    assert "orthogonal" in winit.__all__ and winit.orthogonal is orthogonal


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------


@SETTINGS
@given(
    dims=st.lists(st.integers(1, 7), min_size=2, max_size=4),
    gain=st.floats(0.01, 100.0),
    dtype=st.sampled_from([np.float32, np.float64]),
    seed=st.integers(0, 2**32 - 1),
)
def test_any_valid_shape_gives_a_scaled_semi_orthogonal_matrix(dims, gain, dtype, seed):
    shape = tuple(dims)
    w = orthogonal(shape, gain, rng=seed, dtype=dtype)
    assert w.shape == shape and w.dtype == dtype and np.isfinite(w).all()
    m = w.reshape(-1, shape[-1]).astype(np.float64) / gain
    rows, cols = m.shape
    gram = m.T @ m if rows >= cols else m @ m.T
    tol = 1e-5 if dtype == np.float32 else 1e-12
    assert np.allclose(gram, np.eye(min(rows, cols)), atol=tol * max(rows, cols))


@SETTINGS
@given(shape=st.one_of(
    st.floats(), st.text(max_size=3), st.booleans(),
    st.tuples(st.integers(1, 5), st.floats(allow_nan=True)),
    st.tuples(st.integers(1, 5), st.integers(-50, -1)),
))
def test_any_invalid_shape_raises_naming_shape(shape):
    with pytest.raises((TypeError, ValueError), match="shape"):
        orthogonal(shape, rng=0)


@SETTINGS
@given(gain=st.one_of(st.floats(max_value=0.0), st.just(math.nan), st.just(math.inf),
                      st.booleans(), st.text(max_size=2)))
def test_any_invalid_gain_raises_naming_gain(gain):
    with pytest.raises((TypeError, ValueError), match="gain"):
        orthogonal((3, 2), gain, rng=0)


# ---- no silent wrong answer ----------------------------------------------------------


@pytest.mark.parametrize("gain, dtype, shape", [
    (1e-44, np.float32, (100, 100)), (1e-37, np.float32, (100, 100)),
    (1e-320, np.float64, (100, 100)), (2e-306, np.float64, (10**4, 3)),
])
def test_gain_too_small_for_the_dtype_is_refused(gain, dtype, shape):
    # the matrix came out as zeros and subnormal numbers, no longer orthogonal
    with pytest.raises(ValueError, match=r"^gain must be a factor that gives weights of standard deviation at least "
                                         r"float(32|64)'s smallest normal number .*got gain="):
        orthogonal(shape, gain, rng=0, dtype=dtype)


def test_smallest_float32_gain_gives_an_orthogonal_matrix():
    tiny = float(np.finfo(np.float32).smallest_normal)
    w = orthogonal((100, 100), gain=20 * tiny, rng=0, dtype=np.float32)  # std 2 * tiny
    m = w.astype(np.float64) / (20 * tiny)
    np.testing.assert_allclose(m.T @ m, np.eye(100), atol=1e-3)
