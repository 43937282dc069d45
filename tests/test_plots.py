"""winit.book.plots: drawn reads back what a figure draws, so tests can check figures' data; the
layout pictures (weight_layouts, conv_kernel_fans) colour what they say."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402

from winit.book.plots import (  # noqa: E402
    conv_kernel_fans, drawn, range_errorbar, sample_histogram, uniform_pdf, weight_layouts)


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


def _coloured(ax, face=None, edge=None):
    out = []
    for p in ax.patches:
        if face is not None and np.allclose(p.get_facecolor(), to_rgba(face)):
            out.append(p)
        elif edge is not None and np.allclose(p.get_edgecolor(), to_rgba(edge)):
            out.append(p)
    return out


def test_one_output_unit_is_a_column_in_keras_and_a_row_in_pytorch():
    left, right = weight_layouts(5, 3)
    assert len(left.patches) == len(right.patches) == 15
    blue_left, blue_right = _coloured(left, face="C0"), _coloured(right, face="C0")
    assert len(blue_left) == len(blue_right) == 5  # the fan-in
    # a column on the left (one x, five y), a row on the right (one y, five x)
    assert len({p.get_x() for p in blue_left}) == 1 and len({p.get_y() for p in blue_left}) == 5
    assert len({p.get_y() for p in blue_right}) == 1 and len({p.get_x() for p in blue_right}) == 5
    assert "(n_in, n_out)" in left.get_title() and "(n_out, n_in)" in right.get_title()
    plt.close("all")


def test_conv_picture_colours_the_two_fans():
    ax = conv_kernel_fans(3, 4, 3)
    assert len(ax.patches) == 3 * 4 * 9
    assert len(_coloured(ax, face="C0")) == 3 * 9  # filter 1: fan-in
    assert len(_coloured(ax, edge="C3")) == 4 * 9  # input channel 1 in every filter: fan-out
    assert "fan_in = 3·3·3 = 27" in ax.get_title() and "fan_out = 4·3·3 = 36" in ax.get_title()
    assert "(4, 3, 3, 3)" in ax.get_title() and "(3, 3, 3, 4)" in ax.get_title()
    plt.close("all")


def test_bad_sizes_are_refused():
    with pytest.raises(ValueError, match=r"^n_in must be a positive integer of at most 12"):
        weight_layouts(13, 2)
    with pytest.raises(TypeError, match=r"^kernel_size must be a positive integer"):
        conv_kernel_fans(2, 2, 2.5)
    plt.close("all")
