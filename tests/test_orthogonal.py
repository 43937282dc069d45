"""winit.orthogonal: Haar-random (semi-)orthogonal weights.

Exactness (W^T W = gain^2 I), layout (conv kernels, PyTorch's transposed
layout), the Haar distribution (kstest of single entries against their exact
law, rotation invariance, the sign fix), dtypes, SPEC 7 randomness, errors,
and property-based checks with hypothesis.
"""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

import winit
from winit import orthogonal

P_MIN = 1e-3
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


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
