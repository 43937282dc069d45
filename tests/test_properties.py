"""Property-based tests (hypothesis) for every public function.

Any valid input gives finite values of the right shape and dtype, inside the
scheme's bounds; any invalid input raises ValueError or TypeError with a
message that names the argument; a huge size is refused before anything is
drawn.
"""

import copy
import math
import pickle
import re
import warnings

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
# every seed SPEC 7 allows, as a function making a fresh one (a BitGenerator has state)
spec7_seeds = st.one_of(
    st.integers(0, 2**64 - 1).map(lambda v: lambda: v),
    st.lists(st.integers(0, 2**70), min_size=1, max_size=4).map(lambda v: lambda: list(v)),
    st.lists(st.integers(0, 2**63 - 1), min_size=1, max_size=4).map(lambda v: lambda: np.array(v)),
    st.integers(0, 2**64 - 1).map(lambda v: lambda: np.random.SeedSequence(v)),
    st.integers(0, 2**64 - 1).map(lambda v: lambda: np.random.PCG64(v)),
    st.integers(0, 2**64 - 1).map(lambda v: lambda: np.random.Philox(v)),
)
rngs = st.one_of(seeds, seeds.map(np.random.default_rng), spec7_seeds.map(lambda make: make()))

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
equal_dtypes = st.sampled_from(["float64", "float32"]).flatmap(
    lambda name: st.sampled_from([
        np.dtype(name),
        pickle.loads(pickle.dumps(np.dtype(name))),
        copy.deepcopy(np.dtype(name)),
        np.dtype(name, metadata={"k": 1}),
        np.dtype(name).newbyteorder("="),
    ])
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
    assert type(g) is float and 0 < g <= math.sqrt(2)
    # sqrt(2 / (1 + a^2)) = sqrt(2) / hypot(1, a), which never overflows
    assert g == pytest.approx(math.sqrt(2) / math.hypot(1.0, slope), rel=1e-14, abs=0.0)


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


# ---- winit.data, winit.networks, winit.experiments ---------------------------------------
# Any valid input gives finite values of the right shape, with no warning; any invalid input
# raises ValueError or TypeError with a message that starts with the argument's name.

from winit import data as wdata  # noqa: E402
from winit import networks as wnet  # noqa: E402
from winit.experiments import glorot_signals, layer_signals  # noqa: E402

DATA_SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _no_warnings(call):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return call()


@DATA_SETTINGS
@given(
    n=st.integers(2, 60),
    dim=st.integers(1, 8),
    n_classes=st.integers(1, 12),
    separation=st.floats(0.0, 1e12),
    scale=st.floats(1e-100, 1e100),
    rng=rngs,
)
def test_gaussian_mixture_properties(n, dim, n_classes, separation, scale, rng):
    x, y = _no_warnings(lambda: wdata.gaussian_mixture(n, dim=dim, n_classes=n_classes,
                                                       separation=separation, scale=scale, rng=rng))
    assert x.shape == (n, dim) and x.dtype == np.float64 and np.isfinite(x).all()
    assert y.shape == (n,) and 0 <= y.min() and y.max() < n_classes
    np.testing.assert_allclose(x.std(axis=0), scale, rtol=1e-9)
    # centring leaves a rounding residual of about separation * 2**-52 (noise std 1)
    np.testing.assert_allclose(x.mean(axis=0) / scale, 0.0, atol=1e-9 * max(1.0, separation))


@DATA_SETTINGS
@given(n=st.integers(1, 12), size=st.integers(1, 24), rng=rngs)
def test_shapes_dataset_properties(n, size, rng):
    x, y = _no_warnings(lambda: wdata.shapes_dataset(n, size=size, rng=rng))
    assert x.shape == (n, size * size) and np.isfinite(x).all()
    assert x.min() >= 0 and x.max() <= 1 and 0 <= y.min() and y.max() <= 8


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(test_fraction=st.floats(1e-6, 1 - 1e-6), scale=st.floats(1e-100, 1e100), rng=rngs)
def test_digits_properties(test_fraction, scale, rng):
    n_test = round(test_fraction * 1797)
    if not 0 < n_test < 1797:
        with pytest.raises(ValueError, match=r"^test_fraction must leave both sets non-empty"):
            wdata.digits(test_fraction=test_fraction, scale=scale, rng=rng)
        return
    d = _no_warnings(lambda: wdata.digits(test_fraction=test_fraction, scale=scale, rng=rng))
    assert d.x_train.shape == (1797 - n_test, 64) and d.x_test.shape == (n_test, 64)
    assert np.isfinite(d.x_train).all() and np.isfinite(d.x_test).all()
    std = d.x_train.std(axis=0)
    np.testing.assert_allclose(std[std > 0], scale, rtol=1e-9)


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


layer_sizes = st.lists(st.integers(1, 12), min_size=2, max_size=4)


@DATA_SETTINGS
@given(
    sizes=layer_sizes,
    std=st.one_of(st.just(0.0), st.floats(5e-324, 1.7976931348623157e308)),
    distribution=st.sampled_from(["normal", "uniform"]),
    dtype=st.one_of(dtypes, equal_dtypes),
    rng=rngs,
)
def test_init_weights_properties(sizes, std, distribution, dtype, rng):
    try:
        params = _no_warnings(lambda: wnet.init_weights(sizes, std, distribution=distribution, rng=rng, dtype=dtype))
    except ValueError as err:
        assert re.match(r"^std must be 0 or (at least float(32|64)'s smallest normal|at most)", str(err))
        info = np.finfo(dtype)
        assert std < float(info.smallest_normal) or std * math.sqrt(3) > float(info.max) / 128
        return
    for (W, b), (n_in, n_out) in zip(params, zip(sizes, sizes[1:])):
        assert W.shape == (n_in, n_out) and W.dtype == np.dtype(dtype) and b.dtype == np.dtype(dtype)
        assert np.isfinite(W).all() and not b.any()
        assert (std == 0) == (not W.any()) or W.size < 3


@DATA_SETTINGS
@given(
    sizes=layer_sizes,
    batch=st.integers(1, 6),
    x_scale=st.floats(1e-300, 1e300),
    activation=st.sampled_from(list(wnet.ACTIVATIONS)),
    seed=st.integers(0, 2**32),
)
def test_forward_backward_flag_every_non_finite_value_and_never_warn(sizes, batch, x_scale, activation, seed):
    rng = np.random.default_rng(seed)
    params = wnet.init_weights(sizes, rng=rng)
    x = rng.normal(size=(batch, sizes[0])) * x_scale
    y = rng.integers(0, sizes[-1], size=batch)
    rec = _no_warnings(lambda: wnet.forward(params, x, activation))
    grads = _no_warnings(lambda: wnet.backward(params, rec, y))
    assert rec.finite == all(np.isfinite(a).all() for a in rec.pre_activations + [rec.outputs])
    assert grads.finite == all(np.isfinite(a).all() for a in grads.grad_pre_activations + grads.grad_weights)
    if rec.finite:
        np.testing.assert_allclose(rec.outputs.sum(axis=1), 1.0, rtol=1e-12)


@DATA_SETTINGS
@given(
    z=st.lists(st.floats(-1e300, 1e300), min_size=1, max_size=12),
    activation=st.sampled_from(list(wnet.ACTIVATIONS)),
)
def test_activations_and_softmax_of_finite_input_are_finite(z, activation):
    z = np.array(z)
    assert np.isfinite(_no_warnings(lambda: wnet.activate(z, activation))).all()
    p = _no_warnings(lambda: wnet.softmax(z[None, :] / 1e10))  # a span softmax can hold
    assert np.isfinite(p).all() and p.sum() == pytest.approx(1.0)
    ls = _no_warnings(lambda: wnet.log_softmax(z))
    assert not np.isnan(ls).any() and (ls <= 0).all()
    loss = _no_warnings(lambda: wnet.cross_entropy(z[None, :], [0]))
    assert type(loss) is float and loss >= 0 and not math.isnan(loss)


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


@DATA_SETTINGS
@given(
    lr=st.floats(1e-8, 1e8),
    activation=st.sampled_from(list(wnet.ACTIVATIONS)),
    seed=st.integers(0, 2**32),
    std=st.one_of(st.just(0.0), st.floats(1e-300, 1e10)),
)
def test_train_sgd_either_learns_or_says_it_diverged(lr, activation, seed, std):
    x, y = wdata.gaussian_mixture(40, dim=3, n_classes=3, rng=seed)
    params = wnet.init_weights([3, 6, 3], std, rng=seed)
    res = _no_warnings(lambda: wnet.train_sgd(params, x, y, steps=25, lr=lr, batch_size=8,
                                              activation=activation, rng=seed, record_every=5))
    if res.diverged:
        assert not math.isfinite(res.losses[-1]) and np.isfinite(res.losses[:-1]).all()
        assert type(res.diverged_at) is int
    else:
        assert np.isfinite(res.losses).all() and len(res.losses) == 5
        assert all(np.isfinite(W).all() for W, _ in res.params)


@DATA_SETTINGS
@given(
    n=st.integers(1, 6),
    n_in=st.integers(1, 5),
    depth=st.integers(1, 3),
    width=st.integers(1, 8),
    activation=st.sampled_from(list(wnet.ACTIVATIONS)),
    init=st.sampled_from(["standard", "normalized", "lecun", "he"]),
    x_scale=st.floats(1e-100, 1e100),
    seed=st.integers(0, 2**32),
)
def test_layer_signals_are_finite_or_refused(n, n_in, depth, width, activation, init, x_scale, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, n_in)) * x_scale
    y = rng.integers(0, 3, size=n)
    try:
        s = _no_warnings(lambda: layer_signals(x, y, activation=activation, init=init, depth=depth,
                                               width=width, rng=seed))
    except ValueError as err:
        assert str(err).startswith("x must be small enough for the signals to stay finite")
        assert x_scale > 1e30
        return
    for arr in (s.activation_std, s.gradient_std, s.activation_second_moment):
        assert arr.shape == (depth,) and np.isfinite(arr).all()
    assert all(a.shape == (n, width) for a in s.activations + s.gradients)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(1, 4), depth=st.integers(1, 3), width=st.integers(1, 6), rng=rngs)
def test_glorot_signals_properties(n, depth, width, rng):
    out = _no_warnings(lambda: glorot_signals(n_samples=n, depth=depth, width=width, rng=rng))
    assert set(out) == {"standard", "normalized"}
    for s in out.values():
        assert s.activation_std.shape == (depth,) and np.isfinite(s.activation_std).all()
        assert np.isfinite(s.gradient_std).all()


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (dict(y=np.array([], dtype=int)), ValueError, r"^y must be an array of shape \(3,\) \(one class label per example\); got shape \(0,\)$"),
        (dict(y=[0.0, 1.0, 0.0]), TypeError, r"^y must be an array of integer class labels \(one per example\); got an array of dtype float64$"),
        (dict(y=[0, -1, 0]), ValueError, r"^y must be an array of class labels 0, 1, \.\.\. \(one per example\); got the label -1$"),
        (dict(x=np.array([[1.0, np.nan]] * 3)), ValueError, r"^x must be an array of finite numbers"),
        (dict(x=np.full((3, 2), 1e300), activation="relu"), ValueError, r"^x must be small enough for the signals to stay finite through 2 relu layers"),
        (dict(activation="softplus"), ValueError, r"^activation must be one of"),
        (dict(init="orthogonal"), ValueError, r"^init must be one of"),
        (dict(depth=10**4, width=10**4), ValueError, r"^depth asks for 1,000,000,000,000 weights"),
    ],
)
def test_layer_signals_errors(kwargs, error, match):
    kw = dict(x=np.ones((3, 2)), y=[0, 1, 0], activation="tanh", init="he", depth=2, width=3, rng=0)
    with pytest.raises(error, match=match):
        layer_signals(**{**kw, **kwargs})
