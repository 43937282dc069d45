"""Every argument check, through the public functions: the right exception, and a
message that names the argument, says what it must be and shows what it got."""

import math

import numpy as np
import pytest

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
from winit import _validation

TRUNC = 0.87962566103423978

# ---- counts: n and m -----------------------------------------------------------------

N_FUNCS = {
    "xavier": lambda n: xavier(n, 3, rng=0),
    "normalized_xavier": lambda n: normalized_xavier(n, 5, 3, rng=0),
    "he": lambda n: he(n, 3, rng=0),
    "xavier_bounds": xavier_bounds,
    "normalized_xavier_bounds": lambda n: normalized_xavier_bounds(n, 5),
    "he_std": he_std,
}
M_FUNCS = {
    "normalized_xavier": lambda m: normalized_xavier(5, m, 3, rng=0),
    "normalized_xavier_bounds": lambda m: normalized_xavier_bounds(5, m),
}

COUNT_MUST = r"must be a positive integer (of at most 2\*\*53 )?\(the number of {what} the node\); "
BAD_COUNTS = [
    (0, ValueError, r"got 0$"),
    (-3, ValueError, r"got -3$"),
    (np.int64(0), ValueError, r"got np\.int64\(0\)$"),
    (2**53 + 1, ValueError, r"got 9007199254740993$"),
    (10**400, ValueError, r"got 1000000000"),
    (10.0, TypeError, r"got 10\.0 of type float$"),
    (2.5, TypeError, r"got 2\.5 of type float$"),
    (math.nan, TypeError, r"got nan of type float$"),
    (math.inf, TypeError, r"got inf of type float$"),
    (True, TypeError, r"got True of type bool$"),
    (np.bool_(True), TypeError, r"got np\.True_ of type bool$"),
    ("10", TypeError, r"got '10' of type str$"),
    (None, TypeError, r"got None of type NoneType$"),
    ([10], TypeError, r"got \[10\] of type list$"),
    (np.float64(10), TypeError, r"got np\.float64\(10\.0\) of type float64$"),
]


@pytest.mark.parametrize(("value", "error", "match"), BAD_COUNTS)
@pytest.mark.parametrize("name", N_FUNCS)
def test_bad_n(name, value, error, match):
    with pytest.raises(error, match="^n " + COUNT_MUST.format(what="inputs to") + match):
        N_FUNCS[name](value)


@pytest.mark.parametrize(("value", "error", "match"), BAD_COUNTS)
@pytest.mark.parametrize("name", M_FUNCS)
def test_bad_m(name, value, error, match):
    with pytest.raises(error, match="^m " + COUNT_MUST.format(what="outputs of") + match):
        M_FUNCS[name](value)


# ---- size / shape ----------------------------------------------------------------------

SIZE_FUNCS = {  # name -> (the shape argument's name, call with (shape, rng, dtype))
    "xavier": ("size", lambda s, rng=0, dtype=np.float64: xavier(10, s, rng=rng, dtype=dtype)),
    "normalized_xavier": (
        "size",
        lambda s, rng=0, dtype=np.float64: normalized_xavier(10, 20, s, rng=rng, dtype=dtype),
    ),
    "he": ("size", lambda s, rng=0, dtype=np.float64: he(10, s, rng=rng, dtype=dtype)),
    "variance_scaling": (
        "shape",
        lambda s, rng=0, dtype=np.float64: variance_scaling(s, rng=rng, dtype=dtype),
    ),
}
for _f in [glorot_uniform, glorot_normal, he_uniform, he_normal, lecun_uniform, lecun_normal]:
    SIZE_FUNCS[_f.__name__] = ("shape", lambda s, rng=0, dtype=np.float64, f=_f: f(s, rng=rng, dtype=dtype))

SHAPE_MUST = r"must be a non-negative integer or a tuple of them \(the shape of the weight array\); "
BAD_SIZES = [
    (-1, ValueError, r"got -1, which has a negative entry$"),
    ((3, -2), ValueError, r"got \(3, -2\), which has a negative entry$"),
    (2.0, TypeError, r"got 2\.0 of type float$"),
    (math.nan, TypeError, r"got nan of type float$"),
    (math.inf, TypeError, r"got inf of type float$"),
    ((3, 1.5), TypeError, r"got \(3, 1\.5\), whose entry 1\.5 is not an integer$"),
    ((3, None), TypeError, r"got \(3, None\), whose entry None is not an integer$"),
    ((True, 3), TypeError, r"got \(True, 3\), whose entry True is not an integer$"),
    (True, TypeError, r"got True of type bool$"),
    ("1000", TypeError, r"got '1000' of type str$"),
    (None, TypeError, r"got None of type NoneType$"),
    (np.array([2, 3]), TypeError, r"got array\(\[2, 3\]\) of type ndarray$"),
]


@pytest.mark.parametrize(("value", "error", "match"), BAD_SIZES)
@pytest.mark.parametrize("name", SIZE_FUNCS)
def test_bad_size(name, value, error, match):
    arg, func = SIZE_FUNCS[name]
    with pytest.raises(error, match=f"^{arg} " + SHAPE_MUST + match):
        func(value)


class _NoDrawGenerator(np.random.Generator):
    """Fails the test if anything is drawn (so: if anything is allocated to draw into)."""

    def _fail(self, *args, **kwargs):
        raise AssertionError("drew random numbers")

    random = uniform = normal = standard_normal = _fail


@pytest.mark.parametrize("size", [10**10, (10**6, 10**6), (2**31, 2**31, 2**31), (0, 10**20)])
@pytest.mark.parametrize("name", SIZE_FUNCS)
def test_huge_size_refused_before_allocating(name, size):
    arg, func = SIZE_FUNCS[name]
    spy = _NoDrawGenerator(np.random.PCG64(0))
    match = rf"^{arg} (asks for [\d,]+ weights .*winit refuses arrays above 8 GiB|has a dimension of)"
    with pytest.raises(ValueError, match=match):
        func(size, rng=spy)


def test_size_limit_depends_on_dtype():
    # 2**30 float64 weights are exactly 8 GiB (allowed), 2**30 + 1 are not
    spy = _NoDrawGenerator(np.random.PCG64(0))
    with pytest.raises(ValueError, match=r"size asks for 1,073,741,825 weights \(8\.0 GiB as float64\)"):
        xavier(10, 2**30 + 1, rng=spy)
    with pytest.raises(ValueError, match=r"size asks for 2,147,483,649 weights \(8\.0 GiB as float32\)"):
        xavier(10, 2**31 + 1, rng=spy, dtype=np.float32)


# ---- rng ---------------------------------------------------------------------------------

RNG_MUST = (
    r"^rng must be None, a non-negative integer seed, a sequence of them, or a "
    r"numpy\.random SeedSequence, BitGenerator or Generator \(SPEC 7\); "
)
BAD_RNGS = [
    (-1, ValueError, RNG_MUST + r"got the negative seed -1$"),
    (np.int64(-5), ValueError, RNG_MUST + r"got the negative seed"),
    ([1, -2], ValueError, RNG_MUST + r"got \[1, -2\], which holds the negative seed -2$"),
    (np.array([3, -1]), ValueError, RNG_MUST + r"got array\(\[ 3, -1\]\), which holds the negative seed -1$"),
    ([], ValueError, RNG_MUST + r"got an empty sequence$"),
    (1.5, TypeError, RNG_MUST + r"got 1\.5 of type float"),
    (math.nan, TypeError, RNG_MUST + r"got nan of type float"),
    (True, TypeError, RNG_MUST + r"got True of type bool"),
    ("0", TypeError, RNG_MUST + r"got '0' of type str"),
    ([1.5, 2], TypeError, RNG_MUST + r"got \[1\.5, 2\], whose entry 1\.5 is not an integer$"),
    ([1, True], TypeError, RNG_MUST + r"got \[1, True\], whose entry True is not an integer$"),
    ((1, "2"), TypeError, RNG_MUST + r"got \(1, '2'\), whose entry '2' is not an integer$"),
    (np.array([1.0, 2.0]), TypeError, RNG_MUST + r"got an array of dtype float64$"),
    (
        np.random.RandomState(0),
        TypeError,
        RNG_MUST + r"got a legacy numpy\.random\.RandomState, which is refused: winit draws with "
        r"Generator methods, whose numbers differ from RandomState's for the same seed; "
        r"pass numpy\.random\.default_rng\(seed\) instead$",
    ),
]


@pytest.mark.parametrize(("value", "error", "match"), BAD_RNGS)
@pytest.mark.parametrize("name", SIZE_FUNCS)
def test_bad_rng(name, value, error, match):
    _, func = SIZE_FUNCS[name]
    with pytest.raises(error, match=match):
        func((2, 3), rng=value)


# Everything numpy.random.default_rng takes (SPEC 7), with the Generator it makes from it.
SPEC7_SEEDS = {
    "SeedSequence": (lambda: np.random.SeedSequence(1), lambda: np.random.default_rng(1)),
    "PCG64": (lambda: np.random.PCG64(1), lambda: np.random.default_rng(1)),
    "Philox": (lambda: np.random.Philox(7), lambda: np.random.Generator(np.random.Philox(7))),
    "list": (lambda: [1, 2, 3], lambda: np.random.Generator(np.random.PCG64(np.random.SeedSequence([1, 2, 3])))),
    "tuple": (lambda: (4, 5), lambda: np.random.Generator(np.random.PCG64(np.random.SeedSequence([4, 5])))),
    "array": (lambda: np.array([1, 2]), lambda: np.random.Generator(np.random.PCG64(np.random.SeedSequence([1, 2])))),
    "uint64 array": (lambda: np.array([2**63 + 5], dtype=np.uint64), lambda: np.random.Generator(np.random.PCG64(np.random.SeedSequence([2**63 + 5])))),
    "big ints": (lambda: [2**70, 3], lambda: np.random.Generator(np.random.PCG64(np.random.SeedSequence([2**70, 3])))),
    "numpy uint": (lambda: np.uint64(2**64 - 1), lambda: np.random.Generator(np.random.PCG64(np.random.SeedSequence(2**64 - 1)))),
}


@pytest.mark.parametrize("seed", SPEC7_SEEDS)
@pytest.mark.parametrize("name", SIZE_FUNCS)
def test_every_spec7_seed_gives_the_generators_array(name, seed):
    # SPEC 7: rng takes whatever numpy.random.default_rng takes; the array is the one
    # drawn with the Generator numpy makes from that seed (built here without default_rng).
    _, func = SIZE_FUNCS[name]
    make_seed, make_generator = SPEC7_SEEDS[seed]
    expected = func((4, 5), rng=make_generator())
    np.testing.assert_array_equal(func((4, 5), rng=make_seed()), expected)


def test_a_bit_generator_is_shared_as_default_rng_shares_it():
    # default_rng(bit_generator) wraps it without copying: two draws continue one stream
    bg = np.random.PCG64(3)
    first, second = xavier(10, 5, rng=bg), xavier(10, 5, rng=bg)
    g = np.random.Generator(np.random.PCG64(3))
    np.testing.assert_array_equal(first, xavier(10, 5, rng=g))
    np.testing.assert_array_equal(second, xavier(10, 5, rng=g))


# ---- dtype ---------------------------------------------------------------------------

BAD_DTYPES = [
    (np.int32, ValueError, r"^dtype must be numpy\.float32 or numpy\.float64 \(the floating type of the weights\); got int32$"),
    (np.float16, ValueError, r"; got float16$"),
    ("complex128", ValueError, r"; got complex128$"),
    (bool, ValueError, r"; got bool$"),
    ("nonsense", TypeError, r"^dtype must be numpy\.float32 or numpy\.float64 .*; got 'nonsense'$"),
    (3.5, TypeError, r"^dtype must be .*; got 3\.5$"),
]


@pytest.mark.parametrize(("value", "error", "match"), BAD_DTYPES)
@pytest.mark.parametrize("name", SIZE_FUNCS)
def test_bad_dtype(name, value, error, match):
    _, func = SIZE_FUNCS[name]
    with pytest.raises(error, match=match):
        func((2, 3), dtype=value)


# ---- variance_scaling's own arguments ------------------------------------------------


@pytest.mark.parametrize(
    ("scale", "error", "match"),
    [
        (0, ValueError, r"^scale must be a positive real number \(the variance is scale / n\); got 0\.0$"),
        (-1.0, ValueError, r"^scale must be a positive real number .*; got -1\.0$"),
        (math.nan, ValueError, r"^scale must be a finite real number .*; got nan$"),
        (math.inf, ValueError, r"^scale must be a finite real number .*; got inf$"),
        (10**400, ValueError, r"^scale must be a finite real number .*too large for a float"),
        ("2", TypeError, r"^scale must be a real number \(the variance is scale / n\); got '2' of type str$"),
        (None, TypeError, r"^scale must be a real number .*; got None of type NoneType$"),
        (True, TypeError, r"^scale must be a real number .*; got True of type bool$"),
        (1j, TypeError, r"^scale must be a real number .*of type complex$"),
    ],
)
def test_bad_scale(scale, error, match):
    with pytest.raises(error, match=match):
        variance_scaling((2, 3), scale, "fan_in", "uniform", rng=0)


def test_scale_too_large_for_float32_only():
    # float32's largest value is 3.4e38: a spread of 1e40 cannot be held
    for dist in ["uniform", "normal", "truncated_normal"]:
        assert np.isfinite(variance_scaling((2, 3), 1e80, "fan_in", dist, rng=0)).all()
        with pytest.raises(ValueError, match=r"^scale must be small enough for float32 weights"):
            variance_scaling((2, 3), 1e80, "fan_in", dist, rng=0, dtype=np.float32)
    # the largest float64 scales still give finite weights, even where 3 * scale or
    # 2 * scale overflows on the way (the spread itself, about 1e154, is far from it)
    for dist in ["uniform", "normal", "truncated_normal"]:
        for mode in ["fan_in", "fan_avg"]:
            w = variance_scaling((2, 3), 1.7e308, mode, dist, rng=0)
            assert np.isfinite(w).all() and np.abs(w).max() > 1e150


@pytest.mark.parametrize("dist", ["uniform", "normal", "truncated_normal"])
@pytest.mark.parametrize("scale", [1e-90, 1e-80, 1e-300, 5e-324])
def test_scale_too_small_for_float32_is_refused(scale, dist):
    # float32's smallest normal number is 1.2e-38: a smaller spread would come out as
    # zeros or as a few subnormal values, not with the variance asked for
    with pytest.raises(
        ValueError,
        match=r"^scale must be large enough for float32 weights \(the variance is scale / n\); "
        rf"got scale={scale!r}, which gives a spread of .* with n=100\.0, below float32's "
        r"smallest normal number 1\.18e-38$",
    ):
        variance_scaling((100, 100), scale, "fan_in", dist, rng=0, dtype=np.float32)


@pytest.mark.parametrize("dist", ["uniform", "normal", "truncated_normal"])
def test_smallest_float32_scale_is_accepted(dist):
    # the spread at the boundary: the limit (uniform) or std is float32's smallest normal
    tiny = float(np.finfo(np.float32).smallest_normal)
    factor = {"uniform": 3.0, "normal": 1.0, "truncated_normal": 1.0 / TRUNC**2}[dist]
    scale = 100 * tiny**2 / factor * 4  # twice the smallest spread
    w = variance_scaling((100, 100), scale, "fan_in", dist, rng=0, dtype=np.float32)
    assert np.count_nonzero(w) > 9_900


@pytest.mark.parametrize(
    ("mode", "error", "match"),
    [
        ("fan_sum", ValueError, r"^mode must be one of 'fan_in', 'fan_out', 'fan_avg'; got 'fan_sum'$"),
        ("FAN_IN", ValueError, r"^mode must be one of .*; got 'FAN_IN'$"),
        ("fan_geo_avg", ValueError, r"got 'fan_geo_avg'$"),
        (None, TypeError, r"^mode must be one of .*; got None of type NoneType$"),
        (1, TypeError, r"^mode must be one of .*; got 1 of type int$"),
    ],
)
def test_bad_mode(mode, error, match):
    with pytest.raises(error, match=match):
        variance_scaling((2, 3), 1.0, mode, rng=0)


@pytest.mark.parametrize(
    ("distribution", "error", "match"),
    [
        ("gaussian", ValueError, r"^distribution must be one of 'truncated_normal', 'untruncated_normal', 'normal', 'uniform'; got 'gaussian'$"),
        ("Uniform", ValueError, r"got 'Uniform'$"),
        (None, TypeError, r"^distribution must be one of .*; got None of type NoneType$"),
        (len, TypeError, r"^distribution must be one of .*; got <built-in function len> of type builtin_function_or_method$"),
    ],
)
def test_bad_distribution(distribution, error, match):
    with pytest.raises(error, match=match):
        variance_scaling((2, 3), 1.0, "fan_in", distribution, rng=0)


@pytest.mark.parametrize(
    ("fans", "error", "match"),
    [
        ((0, 5), ValueError, r"^fans\[0\] must be a positive integer \(fan_in, the number of inputs\); got 0$"),
        ((5, -1), ValueError, r"^fans\[1\] must be a positive integer \(fan_out, the number of outputs\); got -1$"),
        ((5.0, 5), TypeError, r"^fans\[0\] must be a positive integer .*; got 5\.0 of type float$"),
        ((5, True), TypeError, r"^fans\[1\] must be a positive integer .*; got True of type bool$"),
        ((5, "5"), TypeError, r"^fans\[1\] .*got '5' of type str$"),
        ((5,), TypeError, r"^fans must be a pair of positive integers \(fan_in, the number of inputs; fan_out, the number of outputs\); got \(5,\) of type tuple$"),
        ((1, 2, 3), TypeError, r"^fans must be a pair .*; got \(1, 2, 3\) of type tuple$"),
        (5, TypeError, r"^fans must be a pair .*; got 5 of type int$"),
        ("ab", TypeError, r"^fans must be a pair .*; got 'ab' of type str$"),
    ],
)
def test_bad_fans(fans, error, match):
    with pytest.raises(error, match=match):
        variance_scaling((2, 3), fans=fans, rng=0)


def test_zero_fan_from_an_empty_shape_is_not_an_error():
    # a zero fan only arises from a zero dimension, so there is nothing to draw
    w = variance_scaling((0, 5), rng=0)
    assert w.shape == (0, 5)
    w = he_normal((3, 3, 0, 8), rng=0)
    assert w.shape == (3, 3, 0, 8)


# ---- summarize -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("w", "error", "match"),
    [
        ([], ValueError, r"^w must be a non-empty array \(the weights to summarise\); got an empty array of shape \(0,\)$"),
        (np.zeros((3, 0)), ValueError, r"got an empty array of shape \(3, 0\)$"),
        ([1.0, math.nan], ValueError, r"^w must be an array of finite numbers .*; got an array containing NaN$"),
        (np.array([1.0, np.inf], dtype=np.float32), ValueError, r"got an array containing an infinity$"),
        ([1.0, -math.inf, math.nan], ValueError, r"containing NaN$"),
        (["a", "b"], TypeError, r"^w must be an array of real numbers \(the weights to summarise\); got an array of dtype <U1$"),
        ([True, False], TypeError, r"got an array of dtype bool$"),
        ([1j], TypeError, r"got an array of dtype complex128$"),
        (None, TypeError, r"got an array of dtype object$"),
        ([[1.0], [1.0, 2.0]], TypeError, r"^w must be an array of real numbers .*which is not an array$"),
    ],
)
def test_bad_summarize(w, error, match):
    with pytest.raises(error, match=match):
        summarize(w)


# ---- the checks themselves -----------------------------------------------------------


def test_fast_paths_agree_with_general_paths():
    # ints, tuples, floats take a fast path; numpy scalars the general one
    assert _validation.check_count(5, "n", "x") == _validation.check_count(np.int64(5), "n", "x") == 5
    assert _validation.check_shape((2, 3)) == _validation.check_shape([np.int64(2), 3]) == (2, 3)
    assert _validation.check_shape(4) == _validation.check_shape(np.uint8(4)) == (4,)
    assert _validation.check_real(2.5, "s", "x") == _validation.check_real(np.float32(2.5), "s", "x") == 2.5
    assert type(_validation.check_real(np.float64(2.5), "s", "x")) is float
    f32, f64 = np.dtype(np.float32), np.dtype(np.float64)
    for dt in (np.float32, "float32", "f4", f32):
        assert _validation.check_dtype(dt) == f32
    for dt in (np.float64, "float64", float, f64):
        assert _validation.check_dtype(dt) == f64
    assert _validation.check_count_pair((3, 4), "fans", ("a", "b")) == (3, 4)
    assert _validation.check_count_pair([np.int8(3), 4], "fans", ("a", "b")) == (3, 4)
    for bad in [(0, 4), (3, 2**53 + 1), (3.0, 4)]:
        with pytest.raises((TypeError, ValueError), match=r"^fans\["):
            _validation.check_count_pair(bad, "fans", ("a", "b"))


# ---- one message format: "NAME must be WHAT (MEANING); got GOT" -----------------------------

import re  # noqa: E402

from winit import blocks, diagnostics, lsuv, mup_init, networks, orthogonal  # noqa: E402
from winit.data import gaussian_mixture  # noqa: E402
from winit.experiments import pennington2017, poole2016, schoenholz2017, yang2022  # noqa: E402

V = _validation
_NAN_X = np.array([[1.0, np.nan, 0.0]])
_NET = networks.init_weights([3, 4, 2], rng=0)
_BLOCKS = blocks.plain_mlp(3, 4, 1, 2, std=0.5, rng=0)

# (call, exception, the argument's name, its meaning as the message gives it)
MESSAGE_CASES = [
    # the checks themselves
    (lambda: V.check_array("abc", "x", "the inputs"), TypeError, "x", "the inputs"),
    (lambda: V.check_array([[1.0], [1.0, 2.0]], "x", "the inputs"), TypeError, "x", "the inputs"),
    (lambda: V.check_array([True], "x", "the inputs"), TypeError, "x", "the inputs"),
    (lambda: V.check_array([1j], "x", "the inputs"), TypeError, "x", "the inputs"),
    (lambda: V.check_array([np.nan], "x", "the inputs"), ValueError, "x", "the inputs"),
    (lambda: V.check_array([np.inf], "x", "the inputs"), ValueError, "x", "the inputs"),
    (lambda: V.check_array([np.nan], "z", "signals", finite="nan"), ValueError, "z", "signals"),
    (lambda: V.check_array(np.ones(3), "x", "the inputs", ndim=2), ValueError, "x", "the inputs"),
    (lambda: V.check_array(np.ones((2, 4)), "x", "the inputs", shape=(("batch", 1), 3)),
     ValueError, "x", "the inputs"),
    (lambda: V.check_array([], "w", "weights", min_size=1), ValueError, "w", "weights"),
    (lambda: V.check_array([1.0], "v", "a variance", min_size=2), ValueError, "v", "a variance"),
    (lambda: V.check_array([1e300], "x", "the inputs", dtype=np.float32), ValueError, "x",
     "the inputs"),
    (lambda: V.check_array(np.ones(2, np.float16), "w", "weights", dtype="float32/64"),
     TypeError, "w", "weights"),
    (lambda: V.check_array([1.0], "W", "the weights", dtype="param"), TypeError, "W",
     "the weights"),
    (lambda: V.check_array(np.ones(2, int), "W", "the weights", dtype="param"), TypeError, "W",
     "the weights"),
    (lambda: V.check_array([0.5, 2.0], "c", "correlations", low=-1, high=1), ValueError, "c",
     "correlations"),
    (lambda: V.check_array([1.5], "y", "labels", dtype="integer"), TypeError, "y", "labels"),
    (lambda: V.check_labels([0.5], "y", 1, 2), TypeError, "y", "one per example"),
    (lambda: V.check_labels([0, 1], "y", 3, 2), ValueError, "y", "one class label per example"),
    (lambda: V.check_labels([0, 2], "y", 2, 2), ValueError, "y", "2 classes"),
    (lambda: V.check_labels([-1], "y", None, None), ValueError, "y", "one per example"),
    (lambda: V.check_sequence(3, "sizes", "the widths"), TypeError, "sizes", "the widths"),
    (lambda: V.check_sequence(np.ones(3), "ws", "one per layer"), TypeError, "ws",
     "one per layer"),
    (lambda: V.check_sequence([], "ws", "one per layer"), ValueError, "ws", "one per layer"),
    (lambda: V.check_counts([3], "sizes", "the widths", min_len=2), ValueError, "sizes",
     "the widths"),
    (lambda: V.check_counts([4, 4], "widths", "the widths", distinct=True), ValueError, "widths",
     "the widths"),
    (lambda: V.check_counts([4, 2], "depths", "the depths", increasing=True), ValueError,
     "depths", "the depths"),
    (lambda: V.check_counts([3, 0], "sizes", "the widths", each="a width"), ValueError,
     "sizes[1]", "a width"),
    (lambda: V.check_arrays([np.ones(2), "a"], "ws", "one per layer"), TypeError, "ws[1]",
     "one per layer"),
    (lambda: V.check_count(1, "n", "examples", low=2), ValueError, "n", "examples"),
    (lambda: V.check_count(9, "k", "a choice", high=5), ValueError, "k", "a choice"),
    (lambda: V.check_real(2.0, "c", "a correlation", low=-1, high=1), ValueError, "c",
     "a correlation"),
    (lambda: V.check_real(1.0, "f", "a share", low=0, high=1, closed="neither"), ValueError, "f",
     "a share"),
    (lambda: V.check_spread(1e-40, "std", "the spread", np.float32, zero=True), ValueError, "std",
     "the spread"),
    (lambda: V.check_spread(1e38, "std", "the spread", np.float32), ValueError, "std",
     "the spread"),
    (lambda: V.check_flag(1, "orthogonal", "start orthogonal"), TypeError, "orthogonal",
     "start orthogonal"),
    (lambda: V.check_member(3, "n", (1, 2), "the grid values"), ValueError, "n", None),
    # through the package
    (lambda: networks.forward(_NET, _NAN_X, "tanh"), ValueError, "x", "the inputs"),
    (lambda: networks.forward(_NET, np.ones((2, 4)), "tanh"), ValueError, "x", "the inputs"),
    (lambda: networks.softmax([np.inf]), ValueError, "logits", "the scores"),
    (lambda: networks.activate([np.nan], "relu"), ValueError, "z", "the pre-activations"),
    (lambda: networks.init_weights([3]), ValueError, "sizes",
     "the layer widths from input to output"),
    (lambda: networks.init_weights([3, 4], std=1e-40, dtype=np.float32), ValueError, "std",
     "the standard deviation of the weights of layer 1"),
    (lambda: networks.backward(_NET, networks.forward(_NET, np.ones((2, 3)), "tanh"), [0, 5]),
     ValueError, "y", "the network has 2 outputs"),
    (lambda: blocks.forward(_BLOCKS, _NAN_X), ValueError, "x", "the input of the first layer"),
    (lambda: blocks.Linear(np.eye(2, dtype=int)), TypeError, "W", "the weights of the layer"),
    (lambda: blocks.plain_mlp(3, 4, 1, 2, std=1e-40, dtype=np.float32), ValueError, "std",
     "the standard deviation of the hidden layers' weights"),
    (lambda: diagnostics.layer_stats([np.array([np.nan])]), ValueError, "values[0]",
     "the values of layer 0"),
    (lambda: diagnostics.initial_loss(np.zeros((2, 3)), [0, 3]), ValueError, "y",
     "the logits have 3 columns"),
    (lambda: diagnostics.update_ratios([np.ones(2)], [np.ones(3)]), ValueError, "after[0]",
     "before[0]"),
    (lambda: lsuv([np.full((4, 4), np.nan)], lambda w, x, k: x, np.ones((3, 4))), ValueError,
     "weights[0]", "the weights of layer 0"),
    (lambda: lsuv([np.ones((4, 4))], lambda w, x, k: np.ones(1), np.ones((3, 4)), rng=0),
     ValueError, "forward_to(weights, x, 0)", "the output of layer 0"),
    (lambda: summarize([np.nan]), ValueError, "w", "the weights to summarise"),
    (lambda: orthogonal((100, 100), 1e-44, dtype=np.float32), ValueError, "gain",
     "the factor on the orthogonal matrix"),
    (lambda: mup_init([4, 8, 3], base_width=8, gain=1e39, dtype=np.float32), ValueError, "gain",
     "layer 1's weights"),
    (lambda: gaussian_mixture(1), ValueError, "n", "standardising a feature needs two"),
    (lambda: pennington2017.input_output_jacobian([np.eye(2)], np.ones(3), "linear"), ValueError,
     "x", "the input, one entry per unit"),
    (lambda: poole2016.correlation_per_layer(4.0, c0=[1.0]), ValueError, "c0",
     "correlations at layer 1"),
    (lambda: schoenholz2017.gradient_growth([(-1.0, 0.0)]), ValueError, "points[:, 0]",
     "sigma_w2, the weight variance times fan_in"),
    (lambda: yang2022.loglog_slope([1, 2], [1, 0]), ValueError, "values",
     "the y of a log-log fit, one per width"),
]


@pytest.mark.parametrize("case", range(len(MESSAGE_CASES)))
def test_every_message_names_the_argument_what_it_must_be_and_what_it_got(case):
    call, error, name, meaning = MESSAGE_CASES[case]
    with pytest.raises(error) as info:
        call()
    message = str(info.value)
    assert message.startswith(f"{name} must be "), message
    assert "; got " in message, message
    must = message.split("; got ")[0]
    if meaning is not None:  # the meaning closes what it must be, in parentheses
        assert must.endswith(")") and meaning in must[must.rindex(" ("):], message
    assert re.fullmatch(r"\S+( \S+)* must be .+; got .+", message, flags=re.S), message


# ---- properties (hypothesis): any invalid input is refused by name -----------------------------
# Any invalid input raises ValueError or TypeError with a message that starts with the
# argument's name; a huge size is refused before anything is drawn.

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import winit  # noqa: E402
from winit import calculate_gain, compute_fans  # noqa: E402
from winit import data as wdata  # noqa: E402
from winit import networks as wnet  # noqa: E402
from winit.experiments import glorot_signals, layer_signals  # noqa: E402
from _strategies import DATA_SETTINGS, NAMED, SETTINGS, equal_dtypes, small_counts, spec7_seeds  # noqa: E402

not_integers = st.one_of(
    st.text(max_size=5),
    st.none(),
    st.booleans(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.lists(st.integers(), max_size=2),
    st.complex_numbers(),
)
bad_counts = st.one_of(not_integers, st.integers(max_value=0), st.integers(min_value=2**53 + 1))
bad_sizes = st.one_of(
    st.integers(max_value=-1),
    st.floats(),
    st.text(max_size=5),
    st.none(),
    st.booleans(),
    st.lists(st.integers(0, 5), min_size=1, max_size=3).flatmap(
        lambda dims: st.sampled_from(
            [tuple(dims) + (-1,), tuple(dims) + (1.5,), tuple(dims) + (True,), tuple(dims) + ("2",)]
        )
    ),
)
bad_rngs = st.one_of(
    st.integers(max_value=-1),
    st.floats(),
    st.text(max_size=5),
    st.booleans(),
    st.just([]),
    st.lists(st.integers(0, 5), max_size=2).flatmap(
        lambda v: st.sampled_from([v + [-1], v + [1.5], v + [True], v + ["1"]])
    ),
    st.lists(st.floats(), min_size=1, max_size=2).map(np.array),
    st.just(np.random.RandomState(0)),
)
bad_dtypes = st.one_of(
    st.sampled_from([np.int64, np.float16, np.complex128, bool, "U3", "nonsense", 3.5, object]),
)


@SETTINGS
@given(n=bad_counts)
def test_bad_n_is_refused_by_name(n):
    for call in [
        lambda: xavier(n, 3, rng=0),
        lambda: normalized_xavier(n, 3, 3, rng=0),
        lambda: he(n, 3, rng=0),
        lambda: xavier_bounds(n),
        lambda: normalized_xavier_bounds(n, 3),
        lambda: he_std(n),
    ]:
        with pytest.raises((TypeError, ValueError), match=r"^n must be a positive integer"):
            call()


@SETTINGS
@given(m=bad_counts)
def test_bad_m_is_refused_by_name(m):
    with pytest.raises((TypeError, ValueError), match=r"^m must be a positive integer"):
        normalized_xavier(3, m, 3, rng=0)
    with pytest.raises((TypeError, ValueError), match=r"^m must be a positive integer"):
        normalized_xavier_bounds(3, m)


@SETTINGS
@given(size=bad_sizes)
def test_bad_size_is_refused_by_name(size):
    for call in [lambda: xavier(3, size, rng=0), lambda: normalized_xavier(3, 3, size), lambda: he(3, size)]:
        with pytest.raises((TypeError, ValueError), match=r"^size must be a non-negative integer"):
            call()
    for call in [lambda: variance_scaling(size), *[lambda f=f: f(size) for f in NAMED]]:
        with pytest.raises((TypeError, ValueError), match=r"^shape must be a non-negative integer"):
            call()
    with pytest.raises((TypeError, ValueError), match=r"^shape must be a non-negative integer"):
        compute_fans(size)


@SETTINGS
@given(rng=bad_rngs)
def test_bad_rng_is_refused_by_name(rng):
    for call in [
        lambda: xavier(3, 2, rng=rng),
        lambda: normalized_xavier(3, 3, 2, rng=rng),
        lambda: he(3, 2, rng=rng),
        lambda: variance_scaling(2, rng=rng),
        *[lambda f=f: f((2, 2), rng=rng) for f in NAMED],
    ]:
        with pytest.raises((TypeError, ValueError), match=r"^rng must be None, a non-negative integer seed"):
            call()


@SETTINGS
@given(make_seed=spec7_seeds, func=st.sampled_from(["xavier", "he", "variance_scaling", *[f.__name__ for f in NAMED]]))
def test_every_spec7_seed_gives_default_rngs_array(make_seed, func):
    draw = {
        "xavier": lambda rng: xavier(7, (3, 4), rng=rng),
        "he": lambda rng: he(7, (3, 4), rng=rng),
        "variance_scaling": lambda rng: variance_scaling((3, 4), 2.0, "fan_avg", "uniform", rng=rng),
    }.get(func) or (lambda rng: getattr(winit, func)((3, 4), rng=rng))
    np.testing.assert_array_equal(draw(make_seed()), draw(np.random.default_rng(make_seed())))


@SETTINGS
@given(dtype=equal_dtypes, func=st.sampled_from(["xavier", "normalized_xavier", "he", *[f.__name__ for f in NAMED]]), seed=st.integers(0, 2**32))
def test_an_equal_dtype_gives_the_same_array(dtype, func, seed):
    draw = {
        "xavier": lambda dt: xavier(7, (3, 4), rng=seed, dtype=dt),
        "normalized_xavier": lambda dt: normalized_xavier(7, 5, (3, 4), rng=seed, dtype=dt),
        "he": lambda dt: he(7, (3, 4), rng=seed, dtype=dt),
    }.get(func) or (lambda dt: getattr(winit, func)((3, 4), rng=seed, dtype=dt))
    w = draw(dtype)
    assert w.dtype == dtype
    np.testing.assert_array_equal(w, draw(getattr(np, dtype.name)))


@SETTINGS
@given(dtype=bad_dtypes)
def test_bad_dtype_is_refused_by_name(dtype):
    for call in [
        lambda: xavier(3, 2, dtype=dtype),
        lambda: he(3, 2, dtype=dtype),
        lambda: variance_scaling(2, dtype=dtype),
        *[lambda f=f: f((2, 2), dtype=dtype) for f in NAMED],
    ]:
        with pytest.raises((TypeError, ValueError), match=r"^dtype must be numpy\.float32 or numpy\.float64"):
            call()


@SETTINGS
@given(
    scale=st.one_of(
        not_integers.filter(lambda v: not (isinstance(v, float) and math.isfinite(v) and v > 0)),
        st.floats(max_value=0.0),
        st.integers(max_value=0),
    ),
)
def test_bad_scale_is_refused_by_name(scale):
    with pytest.raises((TypeError, ValueError), match=r"^scale must be a"):
        variance_scaling(2, scale)


@SETTINGS
@given(value=st.one_of(st.text(max_size=12), st.none(), st.integers(), st.floats()))
def test_bad_choices_are_refused_by_name(value):
    if value not in ("fan_in", "fan_out", "fan_avg"):
        with pytest.raises((TypeError, ValueError), match=r"^mode must be one of 'fan_in', 'fan_out', 'fan_avg'"):
            variance_scaling(2, 1.0, value)
    if value not in ("truncated_normal", "untruncated_normal", "normal", "uniform"):
        with pytest.raises((TypeError, ValueError), match=r"^distribution must be one of"):
            variance_scaling(2, 1.0, "fan_in", value)
    if value not in ("in_out", "out_in"):
        with pytest.raises((TypeError, ValueError), match=r"^layout must be one of"):
            compute_fans((2, 3), layout=value)
    if value not in winit.fans.NONLINEARITIES:
        with pytest.raises((TypeError, ValueError), match=r"^nonlinearity must be one of"):
            calculate_gain(value)


@SETTINGS
@given(
    fans=st.one_of(
        # not a pair (None is the default, fans from the shape; a list of two ints is a pair)
        bad_counts.filter(lambda v: v is not None and not isinstance(v, list)),
        st.tuples(bad_counts, small_counts),
        st.tuples(small_counts, bad_counts),
        st.lists(small_counts, max_size=5).filter(lambda v: len(v) != 2),
    )
)
def test_bad_fans_are_refused_by_name(fans):
    with pytest.raises((TypeError, ValueError), match=r"^fans(\[[01]\])? must be a"):
        variance_scaling(2, fans=fans)


@SETTINGS
@given(param=st.one_of(st.text(max_size=3), st.booleans(), st.complex_numbers(), st.just(math.nan)))
def test_bad_gain_param_is_refused_by_name(param):
    with pytest.raises((TypeError, ValueError), match=r"^param must be"):
        calculate_gain("leaky_relu", param)
    with pytest.raises(ValueError, match=r"^param must be None for nonlinearity='relu'"):
        calculate_gain("relu", param)


@SETTINGS
@given(
    values=st.lists(
        st.one_of(st.floats(-1e6, 1e6), st.sampled_from([math.nan, math.inf, -math.inf])),
        min_size=1,
        max_size=20,
    )
)
def test_summarize_refuses_non_finite(values):
    if all(math.isfinite(v) for v in values):
        assert summarize(values).min == min(values)
    else:
        with pytest.raises(ValueError, match=r"^w must be an array of finite numbers"):
            summarize(values)


@SETTINGS
@given(
    dims=st.lists(st.integers(1, 2**40), min_size=1, max_size=4).filter(
        lambda d: math.prod(d) * 8 > 8 * 2**30
    ),
    func=st.sampled_from(["xavier", "he", "variance_scaling", *[f.__name__ for f in NAMED]]),
)
def test_huge_sizes_refused_before_allocating(dims, func):
    spy = _NoDrawGenerator(np.random.PCG64(0))
    shape = tuple(dims)
    name = "size" if func in ("xavier", "he") else "shape"
    with pytest.raises(ValueError, match=rf"^{name} asks for [\d,]+ weights"):
        if func in ("xavier", "he"):
            getattr(winit, func)(3, shape, rng=spy)
        else:
            getattr(winit, func)(shape, rng=spy)


# ---- properties (hypothesis): data, networks and experiments refuse bad input by name ---------

DATA_CALLS = {  # argument -> calls with a bad value for it
    "n": [lambda v: wdata.gaussian_mixture(v, rng=0), lambda v: wdata.shapes_dataset(v, rng=0)],
    "dim": [lambda v: wdata.gaussian_mixture(5, dim=v, rng=0)],
    "n_classes": [lambda v: wdata.gaussian_mixture(5, n_classes=v, rng=0)],
    "size": [lambda v: wdata.shapes_dataset(2, size=v, rng=0)],
    "depth": [lambda v: layer_signals(np.ones((3, 2)), [0, 1, 0], activation="tanh", init="he", depth=v, width=3, rng=0),
              lambda v: glorot_signals(n_samples=2, depth=v, width=3, rng=0)],
    "width": [lambda v: layer_signals(np.ones((3, 2)), [0, 1, 0], activation="tanh", init="he", depth=2, width=v, rng=0),
              lambda v: glorot_signals(n_samples=2, depth=2, width=v, rng=0)],
    "n_samples": [lambda v: glorot_signals(n_samples=v, depth=2, width=3, rng=0)],
    "steps": [lambda v: wnet.train_sgd(wnet.init_weights([2, 2], rng=0), np.ones((4, 2)), [0, 1, 0, 1],
                                       steps=v, lr=0.1, batch_size=2, activation="relu", rng=0)],
    "batch_size": [lambda v: wnet.train_sgd(wnet.init_weights([2, 2], rng=0), np.ones((4, 2)), [0, 1, 0, 1],
                                            steps=2, lr=0.1, batch_size=v, activation="relu", rng=0)],
}


@DATA_SETTINGS
@given(arg=st.sampled_from(sorted(DATA_CALLS)), value=bad_counts)
def test_bad_counts_of_data_networks_experiments_are_refused_by_name(arg, value):
    for call in DATA_CALLS[arg]:
        with pytest.raises((TypeError, ValueError), match=rf"^{arg} must be a positive integer"):
            call(value)


RNG_CALLS = [
    lambda r: wdata.gaussian_mixture(5, rng=r),
    lambda r: wdata.shapes_dataset(2, rng=r),
    lambda r: wdata.digits(rng=r),
    lambda r: wnet.init_weights([2, 2], rng=r),
    lambda r: wnet.train_sgd(wnet.init_weights([2, 2], rng=0), np.ones((4, 2)), [0, 1, 0, 1],
                             steps=2, lr=0.1, batch_size=2, activation="relu", rng=r),
    lambda r: layer_signals(np.ones((3, 2)), [0, 1, 0], activation="tanh", init="he", depth=2, width=3, rng=r),
    lambda r: glorot_signals(n_samples=2, depth=2, width=3, rng=r),
]


@DATA_SETTINGS
@given(rng=bad_rngs)
def test_bad_rng_of_data_networks_experiments_is_refused_by_name(rng):
    for call in RNG_CALLS:
        with pytest.raises((TypeError, ValueError), match=r"^rng must be None, a non-negative integer seed"):
            call(rng)


@DATA_SETTINGS
@given(make_seed=spec7_seeds)
def test_every_spec7_seed_works_in_data_and_networks(make_seed):
    for call in RNG_CALLS[:2]:
        a, b = call(make_seed()), call(np.random.default_rng(make_seed()))
        for u, v in zip(a, b):
            np.testing.assert_array_equal(u, v)
    a, b = RNG_CALLS[3](make_seed()), RNG_CALLS[3](np.random.default_rng(make_seed()))
    for (wa, ba), (wb, bb) in zip(a, b):
        np.testing.assert_array_equal(wa, wb)


@DATA_SETTINGS
@given(
    value=st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=3), st.none(),
                    st.booleans(), st.complex_numbers()),
    arg=st.sampled_from(["separation", "scale", "digits_scale", "test_fraction"]),
)
def test_bad_reals_of_data_are_refused_by_name(value, arg):
    calls = {
        "separation": (lambda v: wdata.gaussian_mixture(5, separation=v, rng=0), lambda v: 0 <= v <= 1e12),
        "scale": (lambda v: wdata.gaussian_mixture(5, scale=v, rng=0), lambda v: 1e-100 <= v <= 1e100),
        "digits_scale": (lambda v: wdata.digits(scale=v, rng=0), lambda v: 1e-100 <= v <= 1e100),
        "test_fraction": (lambda v: wdata.digits(test_fraction=v, rng=0), lambda v: 0.0003 < v < 0.9997),
    }
    call, valid = calls[arg]
    if isinstance(value, float) and not isinstance(value, bool) and math.isfinite(value) and valid(value):
        call(value)
        return
    name = "scale" if arg == "digits_scale" else arg
    with pytest.raises((TypeError, ValueError), match=rf"^{name} must "):
        call(value)


@DATA_SETTINGS
@given(
    bad=st.one_of(
        st.just(np.array([1.0, np.nan])),
        st.just(np.array([[np.inf, 0.0]])),
        st.just(np.array([1j, 2j])),
        st.just(np.array(["a", "b"])),
        st.just(np.array([True, False])),
        st.just([[1.0], [1.0, 2.0]]),
    ),
)
def test_bad_arrays_are_refused_by_name(bad):
    arr = np.asarray(bad, dtype=object) if isinstance(bad, list) else bad
    is_inf_only = arr.dtype.kind == "f" and not np.isnan(arr).any()
    for name, call in [("logits", wnet.softmax), ("logits", wnet.log_softmax),
                       ("logits", lambda v: wnet.cross_entropy(v, [0])),
                       ("z", lambda v: wnet.activate(v, "relu"))]:
        if name == "z" and is_inf_only:
            assert not np.isnan(wnet.activate(bad, "relu")).any()  # an exploding signal is a result
            continue
        with pytest.raises((TypeError, ValueError), match=rf"^{name} must be"):
            call(bad)
    params = wnet.init_weights([2, 2], rng=0)
    if arr.ndim == 2 or arr.dtype.kind == "f":
        x = np.resize(arr, (3, 2)) if arr.dtype != object else bad
        with pytest.raises((TypeError, ValueError), match=r"^x must"):
            wnet.forward(params, x, "tanh")


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (dict(y=np.array([], dtype=int)), ValueError, r"^y must be an array of shape \(3,\) \(one class label per example\); got shape \(0,\)$"),
        (dict(y=[0.0, 1.0, 0.0]), TypeError, r"^y must be an array of integer class labels \(one per example\); got an array of dtype float64$"),
        (dict(y=[0, -1, 0]), ValueError, r"^y must be an array of class labels 0, 1, \.\.\. \(one per example\); got the label -1$"),
        (dict(x=np.array([[1.0, np.nan]] * 3)), ValueError, r"^x must be an array of finite numbers"),
        (dict(x=np.full((3, 2), 1e300), activation="relu"), ValueError, r"^x must be small enough for the signals to stay finite through 2 relu layers"),
        (dict(activation="not_an_activation"), ValueError, r"^activation must be one of"),
        (dict(init="orthogonal"), ValueError, r"^init must be one of"),
        (dict(depth=10**4, width=10**4), ValueError, r"^depth asks for 1,000,000,000,000 weights"),
    ],
)
def test_layer_signals_errors(kwargs, error, match):
    kw = dict(x=np.ones((3, 2)), y=[0, 1, 0], activation="tanh", init="he", depth=2, width=3, rng=0)
    with pytest.raises(error, match=match):
        layer_signals(**{**kw, **kwargs})
