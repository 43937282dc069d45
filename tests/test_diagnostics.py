"""winit.diagnostics against values worked out by hand."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from winit import diagnostics as dg


def test_initial_loss_uniform_and_confident():
    r = dg.initial_loss(np.zeros((3, 4)), [0, 1, 3])
    assert r.loss == pytest.approx(math.log(4), abs=1e-15) and r.excess == pytest.approx(0, abs=1e-15)
    # two classes, logits (10, 0) and label 1: loss = log(1 + e^10) = 10.0000454
    r = dg.initial_loss(np.array([[10.0, 0.0]]), [1])
    assert r.loss == pytest.approx(10 + math.log1p(math.exp(-10)), rel=1e-12)
    assert r.log_k == pytest.approx(math.log(2)) and r.logit_std == 5.0
    assert all(type(v) is float for v in r)


def test_output_scale_and_prior_bias():
    z = np.array([[3.0, -3.0], [1.0, -1.0]])  # std sqrt(5)
    assert dg.output_scale_for(z, 0.5) == pytest.approx(0.5 / math.sqrt(5))
    b = dg.prior_bias([0, 0, 0, 1], 2)
    assert np.allclose(b, [math.log(0.75), math.log(0.25)])
    # with zero logits plus that bias, the loss is the labels' entropy
    r = dg.initial_loss(np.zeros((4, 2)) + b, np.array([0, 0, 0, 1]))
    assert r.loss == pytest.approx(-(0.75 * math.log(0.75) + 0.25 * math.log(0.25)))


def test_layer_stats_and_update_ratios():
    s = dg.layer_stats([np.array([[0.0, 0.995], [-1.0, 0.5]])])[0]
    assert s.dead == 0.25 and s.saturated == 0.5 and s.mean == pytest.approx(0.12375)
    r = dg.update_ratios([np.array([3.0, 4.0]), np.zeros(2)], [np.array([3.0, 4.05]), np.ones(2)])
    assert r[0] == pytest.approx(0.01) and r[1] == math.inf
    assert dg.update_ratios([np.zeros(2)], [np.zeros(2)]) == [0.0]


@pytest.mark.parametrize("call,match", [
    (lambda: dg.initial_loss(np.zeros(3), [0]), "logits must be a 2-d"),
    (lambda: dg.initial_loss(np.zeros((2, 1)), [0, 0]), "at least 2 columns"),
    (lambda: dg.initial_loss(np.full((1, 2), np.nan), [0]), "finite"),
    (lambda: dg.initial_loss(np.zeros((2, 3)), [0, 3]), "labels in 0..2"),
    (lambda: dg.initial_loss(np.zeros((2, 3)), [0.0, 1.0]), "integer class labels"),
    (lambda: dg.initial_loss(np.zeros((2, 3)), [0]), r"shape \(2,\)"),
    (lambda: dg.output_scale_for(np.ones((2, 2))), "logits that are all equal"),
    (lambda: dg.output_scale_for(np.eye(2), 0.0), "target_std"),
    (lambda: dg.prior_bias([0, 0], 2), r"classes \[1\] never occur"),
    (lambda: dg.layer_stats(np.zeros((2, 2))), "sequence of arrays"),
    (lambda: dg.layer_stats([]), "values must be a non-empty sequence of arrays"),
    (lambda: dg.layer_stats([np.array(["a"])]), "real numbers"),
    (lambda: dg.update_ratios([np.ones(2)], []), "after must be a non-empty sequence"),
    (lambda: dg.update_ratios([np.ones(2)], [np.ones(3)]), r"after\[0\] must be an array of shape \(2,\) \(the shape of before\[0\]\)"),
])
def test_errors_name_the_argument(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


@given(st.integers(1, 20), st.integers(2, 12), st.floats(0.0, 50.0), st.integers(0, 2**32 - 1))
def test_initial_loss_is_finite_and_at_least_zero(n, k, scale, seed):
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(n, k)) * scale
    y = rng.integers(0, k, size=n)
    r = dg.initial_loss(z, y)
    assert math.isfinite(r.loss) and r.loss >= 0.0
    if scale == 0.0:
        assert r.excess == pytest.approx(0.0, abs=1e-12)


@given(st.integers(1, 30), st.integers(2, 10), st.floats(1e-3, 1e3), st.floats(1e-3, 10.0),
       st.integers(0, 2**32 - 1))
def test_output_scale_for_gives_the_target_std(n, k, scale, target, seed):
    z = np.random.default_rng(seed).normal(size=(n, k)) * scale
    factor = dg.output_scale_for(z, target)
    assert type(factor) is float and factor > 0
    assert float((z * factor).std()) == pytest.approx(target, rel=1e-9)


@given(st.integers(1, 12), st.integers(2, 6), st.integers(0, 2**32 - 1))
def test_prior_bias_gives_the_class_frequencies(n_per_class, k, seed):
    rng = np.random.default_rng(seed)
    y = np.concatenate([np.arange(k), rng.integers(0, k, size=n_per_class * k)])
    b = dg.prior_bias(y, k)
    assert b.shape == (k,) and b.dtype == np.float64
    assert np.allclose(np.exp(b), np.bincount(y, minlength=k) / len(y), rtol=1e-12)


@given(st.lists(st.integers(1, 20), min_size=1, max_size=5), st.floats(1e-3, 1e3),
       st.integers(0, 2**32 - 1))
def test_update_ratios_are_scale_free_and_match_the_norms(sizes, c, seed):
    rng = np.random.default_rng(seed)
    before = [rng.normal(size=s) for s in sizes]
    after = [w + 1e-3 * rng.normal(size=w.shape) for w in before]
    r = dg.update_ratios(before, after)
    assert all(type(v) is float for v in r)
    expected = [np.linalg.norm(a - b) / np.linalg.norm(b) for b, a in zip(before, after)]
    assert np.allclose(r, expected, rtol=1e-12)
    scaled = dg.update_ratios([c * w for w in before], [c * w for w in after])
    assert np.allclose(scaled, r, rtol=1e-9)


@given(st.lists(st.integers(1, 50), min_size=1, max_size=6), st.integers(0, 2**32 - 1))
def test_layer_stats_shares_are_fractions(sizes, seed):
    rng = np.random.default_rng(seed)
    values = [np.maximum(rng.normal(size=s), 0.0) for s in sizes]  # ReLU-like: some exact zeros
    for s, v in zip(dg.layer_stats(values, saturation=1.0), values):
        assert all(type(f) is float for f in s)
        assert 0.0 <= s.dead <= 1.0 and 0.0 <= s.saturated <= 1.0 and s.std >= 0.0
        assert s.dead == pytest.approx(float(np.mean(v == 0.0)))


@pytest.mark.parametrize("call,match", [
    (lambda: dg.layer_stats([np.array([True, False])]), r"values\[0\] must be an array of real numbers \(the values of layer 0\); got an array of dtype bool"),
    (lambda: dg.layer_stats([np.ones(2)], saturation=0.0), "saturation"),
    (lambda: dg.update_ratios(np.ones(2), np.ones(2)), "before must be a sequence of arrays"),
    (lambda: dg.prior_bias([0, 1], 0), "n_classes"),
    (lambda: dg.prior_bias([0, 2], 2), r"labels in 0\.\.1"),
    (lambda: dg.initial_loss(np.zeros((2, 2)), np.array([True, False])), "integer class labels"),
])
def test_more_errors_name_the_argument(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


# ---- no silent wrong answer: overflow of the squares where the answer is representable ----


BIG = 2.0 ** 600  # its square, 2**1200, is beyond float64; the values themselves are not


def close(value, expected, rel):
    """Relative closeness with no absolute tolerance (pytest.approx adds 1e-12)."""
    return abs(value - expected) <= rel * abs(expected)


def test_layer_stats_of_large_values():
    # the squares overflowed: std inf with a numpy warning
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = dg.layer_stats([np.array([1.0, -1.0, 3.0, -3.0]) * BIG])[0]
    assert s.mean == 0.0 and s.std == math.sqrt(5.0) * BIG


def test_layer_stats_of_tiny_values():
    # the squares underflowed: std 0 for values that differ
    s = dg.layer_stats([np.array([1.0, -1.0, 3.0, -3.0]) * 2.0 ** -600])[0]
    expected = math.sqrt(5.0) * 2.0 ** -600
    assert abs(s.std - expected) <= 1e-15 * expected


def test_update_ratios_of_large_weights():
    # the norms overflowed: nan (inf / inf), with a warning
    r = dg.update_ratios([np.array([3.0, 4.0]) * BIG], [np.array([3.0, 4.05]) * BIG])
    assert close(r[0], 0.01, 1e-12)
    # a step that overflows b - a: the ratio, 2, is still representable
    r = dg.update_ratios([np.array([1.5e308, 1.5e308])], [np.array([-1.5e308, -1.5e308])])
    assert close(r[0], 2.0, 1e-15)


def test_initial_loss_of_large_logits():
    z = np.array([[1.0, -1.0], [3.0, 0.0]]) * 1e200
    r = dg.initial_loss(z, [0, 1])
    assert close(r.logit_std, float(np.std(z / 1e200)) * 1e200, 1e-14)
    assert close(r.loss, 1.5e200, 1e-14)  # (0 + 3e200) / 2
    with pytest.raises(ValueError, match=r"^logits must be an array of scores whose cross-entropy fits a float64"):
        dg.initial_loss(np.array([[1e308, -1e308]]), [1])


def test_output_scale_for_large_logits_is_not_zero():
    # the std overflowed to inf and the factor came out 0.0: a zeroed output layer
    z = np.array([[1.0, -1.0], [3.0, 0.0]]) * 1e200
    factor = dg.output_scale_for(z, target_std=0.1)
    assert close(factor, 0.1 / (float(np.std(z / 1e200)) * 1e200), 1e-14)
    with pytest.raises(ValueError, match=r"^target_std must be a standard deviation within a factor"):
        dg.output_scale_for(z, target_std=1e-200)
