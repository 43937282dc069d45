"""winit.data: the digits split and its standardisation, the Shapeset stand-in, the
Gaussian mixture; shapes, statistics, seeds, and every argument check.

Expected values come from scikit-learn's own ``load_digits`` and closed forms, not
from winit.
"""

import math
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.datasets import load_digits

from winit import data as wdata
from winit.data import Digits, digits, gaussian_mixture, shapes_dataset
from _strategies import DATA_SETTINGS, _no_warnings, rngs

RAW = load_digits()
N_DIGITS = RAW.data.shape[0]  # 1797
ALWAYS_BLANK = np.flatnonzero(RAW.data.std(axis=0) == 0)  # pixels blank in every image


@pytest.fixture(autouse=True)
def _warnings_are_errors():
    # nothing here may warn (a NaN from 0/0 would warn first)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


# ---- digits ----------------------------------------------------------------------------


def test_digits_default_shapes_and_types():
    d = digits(rng=0)
    assert isinstance(d, Digits)
    assert d.x_train.shape == (1348, 64) and d.x_test.shape == (449, 64)
    assert d.y_train.shape == (1348,) and d.y_test.shape == (449,)
    assert d.x_train.dtype == np.float64 and d.x_test.dtype == np.float64
    assert d.y_train.dtype == np.int64 and d.y_test.dtype == np.int64


@pytest.mark.parametrize("fraction", [0.1, 0.25, 0.5, 0.9, 1 / N_DIGITS, 1 - 1 / N_DIGITS])
def test_digits_split_sizes(fraction):
    d = digits(test_fraction=fraction, rng=1)
    n_test = round(fraction * N_DIGITS)
    assert d.x_test.shape == (n_test, 64) and d.y_test.shape == (n_test,)
    assert d.x_train.shape == (N_DIGITS - n_test, 64) and d.y_train.shape == (N_DIGITS - n_test,)


def test_digits_labels_are_0_to_9_and_the_split_is_a_partition():
    d = digits(rng=2)
    assert set(d.y_train.tolist()) == set(range(10)) and set(d.y_test.tolist()) == set(range(10))
    # every image lands in exactly one split: the label counts add up to scikit-learn's
    counts = np.bincount(np.concatenate([d.y_train, d.y_test]), minlength=10)
    np.testing.assert_array_equal(counts, np.bincount(RAW.target, minlength=10))


@pytest.mark.parametrize("scale", [1.0, 0.5, 3.0, 1e-6, 1e6])
def test_digits_training_features_have_mean_0_and_std_scale(scale):
    d = digits(scale=scale, rng=3)
    std = d.x_train.std(axis=0)
    constant = std == 0
    # the pixels blank in every image are constant in training, and left at 0 everywhere
    assert constant[ALWAYS_BLANK].all()
    assert not d.x_train[:, constant].any() and not d.x_test[:, constant].any()
    # every other pixel: mean 0 and standard deviation `scale` over the training images
    assert np.abs(d.x_train[:, ~constant].mean(axis=0)).max() <= 1e-12 * scale
    np.testing.assert_allclose(std[~constant], scale, rtol=1e-12)
    assert np.isfinite(d.x_test).all()


def test_digits_test_images_use_the_training_statistics():
    # the held-out images are not standardised on their own: their means are not all 0
    d = digits(rng=4)
    assert np.abs(d.x_test.mean(axis=0)).max() > 0.01


def test_digits_is_seeded():
    a, b, c = digits(rng=0), digits(rng=0), digits(rng=1)
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a.y_train, c.y_train)
    g = digits(rng=np.random.default_rng(0))
    np.testing.assert_array_equal(a.x_test, g.x_test)
    np.testing.assert_array_equal(digits(rng=[1, 2]).y_test, digits(rng=np.random.SeedSequence([1, 2])).y_test)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (dict(test_fraction=0), ValueError, r"^test_fraction must be a real number in \(0, 1\) \(the share of images held out\); got 0\.0$"),
        (dict(test_fraction=-0.2), ValueError, r"^test_fraction must be a real number in \(0, 1\)"),
        (dict(test_fraction=1), ValueError, r"^test_fraction must be a real number in \(0, 1\) \(the share of images held out\); got 1\.0$"),
        (dict(test_fraction=1.5), ValueError, r"^test_fraction must be a real number in \(0, 1\)"),
        (dict(test_fraction=math.nan), ValueError, r"^test_fraction must be a finite real number"),
        (dict(test_fraction="0.2"), TypeError, r"^test_fraction must be a real number .*got '0\.2' of type str$"),
        (dict(test_fraction=True), TypeError, r"^test_fraction must be a real number .*of type bool$"),
        (dict(test_fraction=1e-4), ValueError, r"^test_fraction must leave both sets non-empty \(1797 images\); got 0\.0001$"),
        (dict(test_fraction=0.9999), ValueError, r"^test_fraction must leave both sets non-empty"),
        (dict(scale=0), ValueError, r"^scale must be a positive real number \(the standard deviation of the features\); got 0\.0$"),
        (dict(scale=-1.0), ValueError, r"^scale must be a positive real number"),
        (dict(scale=math.inf), ValueError, r"^scale must be a finite real number"),
        (dict(scale=1e300), ValueError, r"^scale must be a real number in \[1e-100, 1e\+100\] \(the standard deviation of the features; beyond, their squares under- or overflow\); got 1e\+300$"),
        (dict(scale=1e-300), ValueError, r"^scale must be a real number in \[1e-100, 1e\+100\] .*; got 1e-300$"),
        (dict(scale="1"), TypeError, r"^scale must be a real number"),
        (dict(rng=-1), ValueError, r"^rng must be None, a non-negative integer seed"),
        (dict(rng=0.5), TypeError, r"^rng must be None, a non-negative integer seed"),
        (dict(rng=np.random.RandomState(0)), TypeError, r"^rng must be None, .*legacy numpy\.random\.RandomState"),
    ],
)
def test_digits_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        digits(**kwargs)


def test_digits_takes_keywords_only():
    with pytest.raises(TypeError):
        digits(0.25)


# ---- shapes_dataset --------------------------------------------------------------------


@pytest.mark.parametrize(("n", "size"), [(1, 32), (7, 32), (50, 8), (3, 1)])
def test_shapes_dataset_shapes_values_labels(n, size):
    x, y = shapes_dataset(n, size=size, rng=0)
    assert x.shape == (n, size * size) and x.dtype == np.float64
    assert y.shape == (n,) and np.issubdtype(y.dtype, np.integer)
    assert np.isfinite(x).all() and x.min() >= 0.0 and x.max() <= 1.0
    assert y.min() >= 0 and y.max() <= 8


def test_shapes_dataset_draws_all_nine_classes_and_grey_shapes():
    x, y = shapes_dataset(500, rng=1)
    assert set(y.tolist()) == set(range(9))
    on = x[x > 0]
    assert on.min() >= 0.3 and on.max() <= 1.0  # grey levels in [0.3, 1] on black
    assert (x > 0).any(axis=1).all()  # every image shows a shape


@pytest.mark.parametrize("seed,other", [(5, 6), (3, 4)])
def test_shapes_dataset_is_seeded(seed, other):
    a, b, c = (shapes_dataset(20, rng=seed), shapes_dataset(20, rng=seed),
               shapes_dataset(20, rng=other))
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


def test_shapes_dataset_looks_like_shapeset():
    x, y = shapes_dataset(900, rng=0)
    assert x.shape == (900, 1024) and y.shape == (900,)
    assert x.min() == 0.0 and x.max() <= 1.0
    assert set(y.tolist()) == set(range(9))
    lit = (x > 0).sum(axis=1)
    assert lit.min() > 0  # every image shows a shape
    # Classes 0-2 hold one shape, 3-8 two: more lit pixels on average.
    assert lit[y >= 3].mean() > 1.4 * lit[y < 3].mean()
    # Mostly background, as the paper's images: small mean square.
    assert 0.02 < np.mean(x * x) < 0.2


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [
        ((0,), {}, ValueError, r"^n must be a positive integer \(the number of images\); got 0$"),
        ((2.0,), {}, TypeError, r"^n must be a positive integer .*of type float$"),
        ((True,), {}, TypeError, r"^n must be a positive integer .*of type bool$"),
        ((3,), dict(size=0), ValueError, r"^size must be a positive integer \(the side of the images in pixels\); got 0$"),
        ((3,), dict(size=8.0), TypeError, r"^size must be a positive integer"),
        ((3,), dict(rng="0"), TypeError, r"^rng must be None, a non-negative integer seed"),
        ((10**7,), {}, ValueError, r"^n asks for 10,240,000,000 pixels \(76\.3 GiB as float64\); winit refuses arrays above 8 GiB$"),
        ((1,), dict(size=10**6), ValueError, r"^n asks for 1,000,000,000,000 pixels"),
    ],
)
def test_shapes_dataset_errors(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        shapes_dataset(*args, **kwargs)


# ---- gaussian_mixture ------------------------------------------------------------------


def test_gaussian_mixture_of_one_example_is_refused():
    # one example has a standard deviation of 0 in every feature: standardising it was 0/0
    with pytest.raises(ValueError, match=r"^n must be an integer of at least 2 \(the number of "
                       r"examples; standardising a feature needs two\); got 1$"):
        gaussian_mixture(1, dim=4, rng=0)


@pytest.mark.parametrize(("n", "dim", "k"), [(2, 4, 10), (3, 1, 1), (100, 8, 3), (1000, 64, 10)])
@pytest.mark.parametrize("scale", [1.0, 0.25, 1e-90, 1e90])
def test_gaussian_mixture_is_standardised(n, dim, k, scale):
    x, y = gaussian_mixture(n, dim=dim, n_classes=k, scale=scale, rng=0)
    assert x.shape == (n, dim) and x.dtype == np.float64 and y.shape == (n,)
    assert np.isfinite(x).all()
    assert y.min() >= 0 and y.max() < k
    np.testing.assert_allclose(x.mean(axis=0) / scale, 0.0, atol=1e-12)
    np.testing.assert_allclose(x.std(axis=0), scale, rtol=1e-12)


def test_gaussian_mixture_separation_spreads_the_classes():
    # separation 0: one Gaussian, the class means coincide; large: far apart
    for sep, lo, hi in [(0.0, 0.0, 0.5), (12.0, 1.5, np.inf)]:
        x, y = gaussian_mixture(2000, dim=8, n_classes=2, separation=sep, rng=1)
        gap = np.linalg.norm(x[y == 0].mean(axis=0) - x[y == 1].mean(axis=0))
        assert lo <= gap <= hi


def test_gaussian_mixture_is_seeded():
    a, b, c = (gaussian_mixture(50, dim=3, rng=s) for s in (7, 7, 8))
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


def test_gaussian_mixture_is_standardised_and_seeded():
    x, y = gaussian_mixture(500, dim=16, n_classes=4, rng=0)
    np.testing.assert_allclose(x.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(x.std(axis=0), 1, rtol=1e-12)
    assert set(y.tolist()) == {0, 1, 2, 3}
    x2, y2 = gaussian_mixture(500, dim=16, n_classes=4, rng=0)
    assert np.array_equal(x, x2) and np.array_equal(y, y2)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (dict(n=0), ValueError, r"^n must be a positive integer \(the number of examples\); got 0$"),
        (dict(n=1), ValueError, r"^n must be an integer of at least 2"),
        (dict(n=np.int64(1)), ValueError, r"^n must be an integer of at least 2"),
        (dict(n=5.0), TypeError, r"^n must be a positive integer"),
        (dict(dim=0), ValueError, r"^dim must be a positive integer \(the number of features\); got 0$"),
        (dict(n_classes=0), ValueError, r"^n_classes must be a positive integer \(the number of classes\); got 0$"),
        (dict(n_classes=True), TypeError, r"^n_classes must be a positive integer"),
        (dict(separation=-1.0), ValueError, r"^separation must be a non-negative real number \(the norm of the class means\); got -1\.0$"),
        (dict(separation=math.nan), ValueError, r"^separation must be a finite real number"),
        (dict(separation=1e13), ValueError, r"^separation must be a real number at most 1e\+12 \(the norm of the class means, in units of the noise; beyond, the noise is lost in rounding\); got 10000000000000\.0$"),
        (dict(separation="6"), TypeError, r"^separation must be a real number"),
        (dict(scale=0.0), ValueError, r"^scale must be a positive real number \(the standard deviation of the features\); got 0\.0$"),
        (dict(scale=1e200), ValueError, r"^scale must be a real number in \[1e-100, 1e\+100\]"),
        (dict(scale=5e-324), ValueError, r"^scale must be a real number in \[1e-100, 1e\+100\]"),
        (dict(rng=[0, -1]), ValueError, r"^rng must be None, a non-negative integer seed"),
        (dict(n=10**9), ValueError, r"^n asks for 64,000,000,000 values \(476\.8 GiB as float64\); winit refuses arrays above 8 GiB$"),
    ],
)
def test_gaussian_mixture_errors(kwargs, error, match):
    kwargs = {"n": 10, **kwargs}
    with pytest.raises(error, match=match):
        gaussian_mixture(**kwargs)


def test_experiments_reexport_the_same_functions():
    from winit import experiments

    assert experiments.gaussian_mixture is gaussian_mixture
    assert experiments.shapes_dataset is shapes_dataset


# ---- properties (hypothesis): any valid input gives finite values of the right shape -------


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
