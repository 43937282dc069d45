"""The logic behind the explorers, tested without a front end."""

import math

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from winit.book import explorers
from winit.book.explorers import (
    M_GRID,
    N_GRID,
    SCHEMES,
    comparison_view,
    draw_comparison,
    draw_scheme_view,
    figure_png,
    scheme_view,
)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("n", [1, 10, 10_000])
def test_xavier_view_has_the_tutorial_bound_and_std(n):
    v = scheme_view("xavier", n)
    assert v.bound == 1 / math.sqrt(n)
    assert math.isclose(v.std, 1 / math.sqrt(3 * n))
    assert v.weights.shape == (1000,)
    assert np.all(np.abs(v.weights) <= v.bound)


@pytest.mark.parametrize("n,m", [(1, 1), (10, 20), (10_000, 1)])
def test_normalized_view_uses_n_plus_m(n, m):
    v = scheme_view("normalized_xavier", n, m)
    assert v.bound == math.sqrt(6) / math.sqrt(n + m)
    assert math.isclose(v.std, math.sqrt(2 / (n + m)))
    assert f"m = {m}" in v.caption


def test_he_view_is_normal_with_no_bound():
    v = scheme_view("he", 10, size=20_000)
    assert v.bound is None
    assert v.std == math.sqrt(2 / 10)
    assert abs(v.summary.std - v.std) < 0.01
    assert "m =" not in v.caption


def test_view_is_reproducible_for_a_seed_and_changes_with_it():
    a = scheme_view("he", 10, seed=3).weights
    assert np.array_equal(a, scheme_view("he", 10, seed=3).weights)
    assert not np.array_equal(a, scheme_view("he", 10, seed=4).weights)


def test_summary_matches_the_weights():
    v = scheme_view("xavier", 5)
    assert v.summary.min == v.weights.min() and v.summary.max == v.weights.max()
    assert v.summary.std == v.weights.std()


@pytest.mark.parametrize(
    "kwargs,error,match",
    [
        ({"scheme": "glorot", "n": 10}, ValueError, "scheme must be one of"),
        ({"scheme": 3, "n": 10}, TypeError, "scheme must be one of"),
        ({"scheme": "he", "n": 0}, ValueError, "n must be a positive integer"),
        ({"scheme": "he", "n": 2.5}, TypeError, "n must be a positive integer"),
        ({"scheme": "he", "n": True}, TypeError, "n must be a positive integer"),
        ({"scheme": "normalized_xavier", "n": 3, "m": -1}, ValueError, "m must be a positive integer"),
        ({"scheme": "he", "n": 3, "size": 0}, ValueError, "size must be a positive integer"),
    ],
)
def test_bad_settings_raise_naming_the_argument(kwargs, error, match):
    with pytest.raises(error, match=match):
        scheme_view(**kwargs)


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("n", [N_GRID[0], N_GRID[-1]])
def test_every_extreme_of_the_grid_draws_a_png(scheme, n):
    png = figure_png(draw_scheme_view(scheme_view(scheme, n, M_GRID[-1])))
    assert png.startswith(PNG_MAGIC) and len(png) > 5_000


def test_draw_scheme_view_labels_axes_and_title():
    fig = draw_scheme_view(scheme_view("normalized_xavier", 10, 20))
    ax = fig.axes[0]
    assert ax.get_xlabel() == "weight value" and ax.get_ylabel() == "density"
    assert "n = 10, m = 20" in ax.get_title()
    text = " ".join(t.get_text() for t in ax.texts)
    assert "bounds ±0.4472" in text and "theory std 0.2582" in text
    matplotlib.pyplot.close(fig)


def test_comparison_view_marks_each_scheme_at_n():
    v = comparison_view(100, 10)
    assert v.marked["xavier"] == pytest.approx(1 / math.sqrt(300))
    assert v.marked["normalized_xavier"] == pytest.approx(math.sqrt(2 / 110))
    assert v.marked["he"] == pytest.approx(math.sqrt(2 / 100))
    assert v.ns[0] == 1 and v.ns[-1] == 10_000
    assert np.all(np.diff(v.ns) > 0)
    for s in SCHEMES:
        assert v.stds[s].shape == v.ns.shape and np.all(np.diff(v.stds[s]) <= 0)


def test_comparison_extends_to_a_large_n():
    v = comparison_view(50_000, 1, n_max=50_000)
    assert v.ns[-1] == 50_000
    fig = draw_comparison(v)
    assert "n = 50000" in fig.axes[0].get_title()
    matplotlib.pyplot.close(fig)


def test_comparison_rejects_bad_n():
    with pytest.raises(ValueError, match="n must be a positive integer"):
        comparison_view(0)
    with pytest.raises(TypeError, match="n_max must be a positive integer"):
        comparison_view(3, n_max=None)


def test_grids_have_eight_to_twelve_positions_from_one_to_ten_thousand():
    for grid in (N_GRID, M_GRID):
        assert 8 <= len(grid) <= 12 and grid[0] == 1 and grid[-1] == 10_000
        assert list(grid) == sorted(set(grid))


def test_figure_png_closes_the_figure():
    import matplotlib.pyplot as plt

    before = len(plt.get_fignums())
    figure_png(draw_comparison(comparison_view(3)))
    assert len(plt.get_fignums()) == before
    assert explorers.SCHEME_LABELS.keys() == set(SCHEMES)


# --- depth explorer -------------------------------------------------------

from winit.book.explorers import DEPTH_GRID, DEPTH_INITS, MAX_DEPTH_WEIGHTS, depth_view, draw_depth_view


def test_he_relu_is_stable_and_standard_relu_vanishes_at_depth_50():
    he = depth_view(50, 200, "relu", "he")
    std = depth_view(50, 200, "relu", "standard")
    assert he.status == "ok" and 0.1 < he.activation_std[-1] / he.activation_std[0] < 10
    assert std.status == "vanishing"
    # U[±1/√n] gives n·Var[w] = 1/3; ReLU halves the second moment: std × 1/√6 per layer
    per_layer = (std.activation_std[-1] / std.activation_std[0]) ** (1 / 49)
    assert abs(per_layer - 1 / math.sqrt(6)) < 0.03


def test_unit_normal_relu_explodes_and_the_view_says_so():
    v = depth_view(30, 100, "relu", "unit")
    assert v.status == "exploding" and "Exploding" in v.message
    assert v.activation_std[-1] > 1e10 * v.activation_std[0]


def test_a_signal_that_overflows_is_reported_not_raised():
    v = depth_view(300, 100, "linear", "unit")
    assert v.status == "overflow" and "inf or nan" in v.message
    fig = draw_depth_view(v)  # plots the finite part
    assert fig.axes[0].get_yscale() == "log"
    matplotlib.pyplot.close(fig)


def test_too_large_a_network_gets_a_message_before_any_work():
    v = depth_view(100, 10_000, "tanh", "he")
    assert v.status == "too large" and "10,000,100,000 weights" in v.message  # 100 * 10000**2 + 10 * 10000
    assert f"{MAX_DEPTH_WEIGHTS:,}" in v.message and v.activation_std.size == 0
    png = figure_png(draw_depth_view(v))
    assert png.startswith(PNG_MAGIC)


@pytest.mark.parametrize("depth,width", [(1, 1), (100, 1), (1, 2000), (100, 100)])
@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid", "leaky_relu", "linear"])
def test_extreme_settings_always_give_a_view(depth, width, activation):
    for init in ("he", "unit"):
        v = depth_view(depth, width, activation, init)
        assert v.status in ("ok", "vanishing", "exploding", "overflow", "too large")
        assert v.message and v.activation_std.shape == (depth,)


@pytest.mark.parametrize("args", [(100, 1, "relu", "unit"), (100, 100, "relu", "unit"),
                                  (100, 100, "sigmoid", "standard"), (1, 1, "linear", "he")])
def test_extreme_views_draw(args):
    png = figure_png(draw_depth_view(depth_view(*args)), dpi=30)
    assert png.startswith(PNG_MAGIC)


def test_depth_view_records_every_layer_and_three_samples():
    v = depth_view(7, 20, "tanh", "normalized")
    assert v.activation_std.shape == v.gradient_std.shape == (7,)
    assert sorted(v.samples) == [1, 4, 7]
    assert all(s.size == 64 * 20 for s in v.samples.values())


def test_depth_view_rejects_bad_settings():
    with pytest.raises(ValueError, match="init must be one of"):
        depth_view(3, 10, "tanh", "kaiming")
    with pytest.raises(ValueError, match="activation must be one of"):
        depth_view(3, 10, "gelu", "he")
    with pytest.raises(ValueError, match="depth must be a positive integer"):
        depth_view(0, 10, "tanh", "he")
    with pytest.raises(TypeError, match="width must be a positive integer"):
        depth_view(3, 10.0, "tanh", "he")


def test_depth_grid_reaches_100_and_inits_include_the_exploding_one():
    assert DEPTH_GRID[-1] == 100 and 8 <= len(DEPTH_GRID) <= 12
    assert "unit" in DEPTH_INITS


def test_the_widest_network_under_the_limit_is_drawn():
    v = depth_view(1, 7000, "relu", "he")  # 49 million weights, under the limit
    assert v.status == "ok" and v.activation_std.shape == (1,)
