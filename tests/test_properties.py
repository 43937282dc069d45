"""Property-based tests (hypothesis) for every public function.

Any valid input gives finite values of the right shape and dtype, inside the
scheme's bounds; any invalid input raises ValueError or TypeError with a
message that names the argument; a huge size is refused before anything is
drawn.
"""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import winit
from winit import (
    calculate_gain,
    compute_fans,
    he,
    he_std,
    normalized_xavier,
    normalized_xavier_bounds,
    summarize,
    variance_scaling,
    xavier,
    xavier_bounds,
)

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TRUNC = 0.87962566103423978
NAMED = [
    winit.glorot_uniform,
    winit.glorot_normal,
    winit.he_uniform,
    winit.he_normal,
    winit.lecun_uniform,
    winit.lecun_normal,
]

# ---- strategies -------------------------------------------------------------------------

counts = st.one_of(st.integers(1, 10_000), st.integers(1, 2**53))
small_counts = st.integers(1, 10_000)
as_numpy_int = st.sampled_from([int, np.int64, np.int32, np.uint32])
shapes = st.lists(st.integers(0, 6), min_size=0, max_size=4).map(tuple)
sizes = st.one_of(st.integers(0, 300), shapes)
dtypes = st.sampled_from([np.float64, np.float32])
seeds = st.one_of(st.none(), st.integers(0, 2**64 - 1))
rngs = st.one_of(seeds, seeds.map(np.random.default_rng))

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
    st.lists(st.integers(0, 5), max_size=2),
    st.just(np.random.RandomState(0)),
    st.just(np.random.SeedSequence(0)),
)
bad_dtypes = st.one_of(
    st.sampled_from([np.int64, np.float16, np.complex128, bool, "U3", "nonsense", 3.5, object]),
)


def _check(w, shape, dtype):
    assert isinstance(w, np.ndarray)
    assert w.shape == shape
    assert w.dtype == np.dtype(dtype)
    assert np.isfinite(w).all()


def _shape_of(size):
    return (size,) if isinstance(size, int) else tuple(size)


# ---- valid input ---------------------------------------------------------------------------


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
@given(func=st.sampled_from(NAMED), shape=shapes, dtype=dtypes, rng=rngs)
def test_named_schemes_properties(func, shape, dtype, rng):
    w = func(shape, rng=rng, dtype=dtype)
    _check(w, shape, dtype)


@SETTINGS
@given(seed=st.integers(0, 2**64 - 1), n=small_counts, size=sizes)
def test_same_seed_same_array(seed, n, size):
    np.testing.assert_array_equal(xavier(n, size, rng=seed), xavier(n, size, rng=seed))
    np.testing.assert_array_equal(
        winit.he_normal(size, rng=np.random.default_rng(seed)),
        winit.he_normal(size, rng=np.random.default_rng(seed)),
    )


@SETTINGS
@given(shape=shapes)
def test_compute_fans_properties(shape):
    fan_in, fan_out = compute_fans(shape)
    assert type(fan_in) is int and type(fan_out) is int
    assert fan_in >= 0 and fan_out >= 0
    if len(shape) >= 2:
        # the same layer stored PyTorch's way: (out, in, *receptive_field)
        torch_shape = (shape[-1], shape[-2], *shape[:-2])
        assert compute_fans(torch_shape, layout="out_in") == (fan_in, fan_out)
        assert fan_in * fan_out == math.prod(shape) ** 2 // (shape[-2] * shape[-1] or 1) or 0 in shape
    else:
        with pytest.raises(ValueError, match=r"^shape must have at least 2 dimensions"):
            compute_fans(shape, layout="out_in")


@SETTINGS
@given(slope=st.floats(allow_nan=False, allow_infinity=False))
def test_leaky_relu_gain_properties(slope):
    g = calculate_gain("leaky_relu", slope)
    assert type(g) is float and 0 <= g <= math.sqrt(2)


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


# ---- invalid input -------------------------------------------------------------------------


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
        with pytest.raises(ValueError, match=r"^w must be a non-empty array of finite numbers"):
            summarize(values)


class _NoDrawGenerator(np.random.Generator):
    """Fails if anything is drawn, i.e. if the sampler got as far as allocating."""

    def _fail(self, *args, **kwargs):
        raise AssertionError("drew random numbers")

    random = uniform = normal = standard_normal = _fail


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
