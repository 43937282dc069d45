"""winit.book.plots.drawn reads back what a figure draws, so tests can check figures' data."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from winit.book.plots import drawn, range_errorbar, sample_histogram, uniform_pdf  # noqa: E402


def test_errorbar_half_widths_read_back():
    ns = np.array([1, 4, 9])
    ax = range_errorbar(ns, [1.0, 0.5, 1 / 3])
    (x, lo, hi), = drawn(ax.figure)[0]["errorbars"]
    assert np.array_equal(x, [1, 4, 9])
    assert np.allclose(hi, [1, 0.5, 1 / 3]) and np.allclose(lo, [-1, -0.5, -1 / 3])
    plt.close(ax.figure)


def test_histogram_and_density_read_back():
    w = np.random.default_rng(0).uniform(-0.5, 0.5, 2000)
    ax = sample_histogram(w, pdf=lambda x: uniform_pdf(x, 0.5), bins=10)
    d = drawn(ax.figure)[0]
    x, y = d["lines"]["theory"]
    assert np.allclose(y[np.abs(x) < 0.49], 1.0)  # 1 / (2a) with a = 0.5: a 2a slip would read 0.5
    left, width, height = d["bars"][0]
    assert len(height) == 10 and np.isclose(np.sum(width * height), 1.0)
    plt.close(ax.figure)


def test_a_wrong_formula_is_seen():
    w = np.random.default_rng(0).uniform(-0.5, 0.5, 100)
    ax = sample_histogram(w, pdf=lambda x: uniform_pdf(x, 2 * 0.5))
    x, y = drawn(ax.figure)[0]["lines"]["theory"]
    assert not np.allclose(y[np.abs(x) < 0.49], 1.0)
    plt.close(ax.figure)


def test_a_histogram_of_non_finite_weights_is_refused():
    # it was drawn without them, its legend reading "mean nan, std nan"
    import pytest

    for bad, what in ((np.nan, "NaN"), (np.inf, "an infinity")):
        with pytest.raises(ValueError, match=rf"^w must be an array of finite numbers \(the weights to draw\); got an array containing {what}$"):
            sample_histogram(np.array([0.1, bad, -0.2]))
    plt.close("all")


def test_the_legend_of_large_weights_has_their_std():
    w = np.array([1.0, -1.0, 3.0, -3.0]) * 2.0 ** 600
    ax = sample_histogram(w)
    (label,) = [t.get_text() for t in ax.get_legend().get_texts()]
    assert label == f"sample: mean 0.000, std {5 ** 0.5 * 2.0 ** 600:.3f}"
    plt.close(ax.figure)
