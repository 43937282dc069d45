"""The samplers: exact closed forms, the tutorial's printed numbers, distributions
(Kolmogorov-Smirnov at fixed seeds), variances, reproducibility, shapes and dtypes.

Expected values are written independently of winit: literals from the tutorial,
closed forms with math.sqrt, or numpy's own Generator methods called directly.
"""

import copy
import doctest
import math
import pickle

import numpy as np
import pytest
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
