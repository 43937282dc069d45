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
    assert he.status == "level" and 0.1 < he.activation_std[-1] / he.activation_std[0] < 10
    assert std.status == "vanishing"
    # U[±1/√n] gives n·Var[w] = 1/3; ReLU halves the second moment: std × 1/√6 per layer
    per_layer = (std.activation_std[-1] / std.activation_std[0]) ** (1 / 49)
    assert abs(per_layer - 1 / math.sqrt(6)) < 0.03


def test_unit_normal_relu_explodes_and_the_view_says_so():
    v = depth_view(30, 100, "relu", "unit")
    assert v.status == "exploding" and "Exploding" in v.message
    assert v.activation_std[-1] > 1e10 * v.activation_std[0]


def test_a_signal_that_overflows_is_reported_not_raised():
    v = depth_view(400, 100, "linear", "unit")  # the std grows tenfold per layer
    assert v.status == "overflow" and "Overflow" in v.message
    assert "nan" not in v.message and "inf " not in v.message
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
        assert v.status in ("level", "shrinking", "growing", "vanishing", "exploding", "overflow",
                            "too large")
        assert v.message and v.activation_std.shape == (depth,)
        assert "nan" not in v.message.lower() and " inf" not in v.message


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
        depth_view(3, 10, "not_an_activation", "he")
    with pytest.raises(ValueError, match="depth must be a positive integer"):
        depth_view(0, 10, "tanh", "he")
    with pytest.raises(TypeError, match="width must be a positive integer"):
        depth_view(3, 10.0, "tanh", "he")


def test_depth_grid_reaches_100_and_inits_include_the_exploding_one():
    assert DEPTH_GRID[-1] == 100 and 8 <= len(DEPTH_GRID) <= 12
    assert "unit" in DEPTH_INITS


def test_the_widest_network_under_the_limit_is_drawn():
    v = depth_view(1, 7000, "relu", "he")  # 49 million weights, under the limit
    assert v.status == "level" and v.activation_std.shape == (1,)


# --- verdicts: a band of 2x, never NaN ------------------------------------

from winit.book.explorers import EXTREME_BAND, LEVEL_BAND, _verdict


def _stds(act_ratio, grad_ratio, depth=20):
    """Per-layer stds whose ends differ by the given ratios (geometric in between)."""
    layers = np.arange(depth) / (depth - 1)
    return act_ratio ** layers, grad_ratio ** -layers  # gradients compared last -> first


@pytest.mark.parametrize("act,grad,status", [
    (1.0, 1.0, "level"), (1.9, 0.6, "level"), (0.55, 1.0, "level"),
    (1.0, 1 / 9.5, "shrinking"),  # a 9.5x fall of the gradients is not level
    (1.0, 9.5, "growing"), (2.5, 1.0, "growing"), (0.3, 1.0, "shrinking"),
    (1.0, 1e-3, "vanishing"), (1e4, 1.0, "exploding"), (0.5, 150.0, "exploding"),
])
def test_verdict_calls_level_only_within_a_factor_two(act, grad, status):
    a, g = _stds(act, grad)
    got, message = _verdict(a, g)
    assert got == status
    assert LEVEL_BAND == 2.0 and EXTREME_BAND == 100.0
    if status != "level":
        assert "/layer)" in message  # the per-layer factor is given


def test_verdict_quotes_both_ends_and_the_factor_per_layer():
    a, g = _stds(1.0, 1 / 9.5)
    status, message = _verdict(a, g)
    assert status == "shrinking"
    message = message.replace("\u00a0", " ")  # non-breaking spaces keep '× 0.1' together
    assert "gradients × 0.105 from layer 20 to 1 (× 0.888/layer)" in message  # 9.5 ** (-1/19)
    assert "activations × 1 from layer 1 to 20," in message


@pytest.mark.parametrize("depth", [1, 2, 5, 30])
@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh"])
def test_narrow_networks_never_show_nan(depth, activation):
    for width in (1, 2):
        v = depth_view(depth, width, activation, "he")
        assert "nan" not in v.message.lower() and "inf" not in v.message.lower()


def test_dead_relu_units_are_said_to_be_zero():
    v = depth_view(5, 1, "relu", "he")  # one unit per layer: it dies for every input
    assert v.status == "vanishing" and "exactly zero" in v.message


def test_one_layer_has_nothing_to_compare():
    v = depth_view(1, 50, "tanh", "he")
    assert v.status == "level" and "no change across depth" in v.message


# --- what a chapter may glue is a Python float -----------------------------

def test_view_fields_are_python_floats():
    for scheme in SCHEMES:
        v = scheme_view(scheme, 10, 20)
        assert type(v.std) is float and (v.bound is None or type(v.bound) is float)
        assert all(type(x) is float for x in v.summary)
    c = comparison_view(10, 20)
    assert all(type(x) is float for x in c.marked.values())


# --- pictures: sharp on a 2x screen, readable on a phone, nothing cut, compact ---

from winit.book.plots import drawn


def _texts_inside(fig):
    """Everything ``fig`` draws (titles, labels, tick labels, legends, texts) lies
    inside the figure: no label is cut."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    box = fig.bbox
    extents = [t.get_window_extent(renderer) for t in fig.texts if t.get_text()]
    extents += [ax.get_tightbbox(renderer) for ax in fig.axes if ax.axison]
    assert extents
    for ext in extents:
        assert (ext.x0 >= box.x0 - 0.5 and ext.x1 <= box.x1 + 0.5 and ext.y0 >= box.y0 - 0.5
                and ext.y1 <= box.y1 + 0.5), f"cut: {ext} not inside {box}"


@pytest.mark.parametrize("args", [(1, 100, "tanh", "standard"), (100, 100, "relu", "standard"),
                                  (100, 100, "relu", "unit"), (300, 100, "linear", "unit"),
                                  (100, 10_000, "leaky_relu", "standard"),
                                  (20, 100, "sigmoid", "normalized"), (5, 1, "relu", "he")])
def test_depth_pictures_cut_no_text(args):
    fig = draw_depth_view(depth_view(*args))
    _texts_inside(fig)
    matplotlib.pyplot.close(fig)


@pytest.mark.parametrize("scheme,n,m", [("xavier", 1, 1), ("normalized_xavier", 10_000, 10_000),
                                        ("he", 100_000, 1), ("normalized_xavier", 1, 1)])
def test_scheme_and_comparison_pictures_cut_no_text(scheme, n, m):
    fig = draw_scheme_view(scheme_view(scheme, n, m))
    _texts_inside(fig)
    matplotlib.pyplot.close(fig)
    fig = draw_comparison(comparison_view(n, m, n_max=max(n, 10_000)))
    _texts_inside(fig)
    matplotlib.pyplot.close(fig)


def test_pictures_are_drawn_at_twice_their_width_with_large_type():
    from winit.book.widgets import image_size

    assert explorers.PIXEL_DENSITY == 2 and explorers.CSS_PX_PER_INCH == 100
    assert explorers.FONT_SIZE >= 10
    for fig in (draw_scheme_view(scheme_view("he", 10)), draw_comparison(comparison_view(10)),
                draw_depth_view(depth_view(5, 50, "tanh", "he"))):
        assert fig.get_figwidth() <= 5.0  # 500 CSS px: a phone shrinks it by 0.7 at most
        webp = explorers.render_image(fig, format="webp")  # what the pre-rendered explorers show
        png = figure_png(fig)
        assert image_size(png) == ("image/png", *image_size(webp)[1:])
        mime, width, height = image_size(webp)
        assert mime == "image/webp" and width == 1000 and height > 600
        assert len(png) <= 60_000  # compact: a 64-colour palette
        assert len(webp) < 0.8 * len(png)  # WebP: smaller still, the same pixels
        from PIL import Image
        import io
        assert Image.open(io.BytesIO(png)).mode == "P"
        lossless = np.asarray(Image.open(io.BytesIO(webp)).convert("RGB"))
        assert np.array_equal(lossless, np.asarray(Image.open(io.BytesIO(png)).convert("RGB")))


# --- every pre-rendered view carries the closed forms -----------------------

def _uniform_density(x, a):
    return np.where(np.abs(x) <= a, 1 / (2 * a), 0.0)


def test_every_prerendered_scheme_view_matches_the_closed_form():
    settings = ([("xavier", n, 20) for n in N_GRID] + [("he", n, 20) for n in N_GRID]
                + [("normalized_xavier", n, m) for n in N_GRID for m in M_GRID])
    canvas = explorers.SchemeFigure()  # one figure for every picture, as the explorer draws them
    for scheme, n, m in settings:
        v = scheme_view(scheme, n, m)
        if scheme == "xavier":
            bound, std = 1 / math.sqrt(n), 1 / math.sqrt(3 * n)
        elif scheme == "normalized_xavier":
            bound, std = math.sqrt(6) / math.sqrt(n + m), math.sqrt(2 / (n + m))
        else:
            bound, std = None, math.sqrt(2 / n)
        assert v.std == pytest.approx(std, rel=1e-12)
        assert (v.bound is None) if bound is None else v.bound == pytest.approx(bound, rel=1e-12)
        if bound is not None:
            assert np.all(np.abs(v.weights) <= bound)
        # 1,000 draws: the sample std within 10% of the theory (5 standard errors)
        assert abs(v.summary.std / std - 1) < 0.1
        fig = canvas.update(v)
        (theory_x, theory_y), = [xy for label, xy in drawn(fig)[0]["lines"].items()
                                  if label == "theory"]
        bound_lines = [line for line in fig.axes[0].get_lines() if line.get_linestyle() == ":"]
        shown = sorted(line.get_xdata()[0] for line in bound_lines if line.get_visible())
        assert shown == ([] if bound is None else pytest.approx([-bound, bound], rel=1e-12))
        assert f"n = {n}" in fig.axes[0].get_title()
        if bound is None:
            expect = np.exp(-0.5 * (theory_x / std) ** 2) / (std * math.sqrt(2 * math.pi))
        else:
            expect = _uniform_density(theory_x, bound)
        np.testing.assert_allclose(theory_y, expect, rtol=1e-12)
        step = fig.axes[0].patches[0]  # the sample's histogram (a step patch)
        heights, edges = step.get_data()[:2]
        np.testing.assert_allclose(heights, np.histogram(v.weights, bins=40, density=True)[0])
    matplotlib.pyplot.close(canvas.fig)


def test_every_prerendered_comparison_marks_the_closed_forms():
    canvas = explorers.ComparisonFigure()  # reused, as the explorer draws them
    for n in N_GRID:
        fig = canvas.update(comparison_view(n, 10))
        lines = drawn(fig)[0]["lines"]
        expect = {"xavier": 1 / math.sqrt(3 * n), "normalized_xavier": math.sqrt(2 / (n + 10)),
                  "he": math.sqrt(2 / n)}
        marks = [xy for label, xy in lines.items() if label.startswith("_")
                 and xy[0].size == 1 and xy[0][0] == n]
        assert sorted(float(y[0]) for _, y in marks) == pytest.approx(sorted(expect.values()))
        curves = {label: xy for label, xy in lines.items() if not label.startswith("_")}
        for scheme, label in explorers.SCHEME_LABELS.items():
            ns, stds = curves[label]
            if scheme == "xavier":
                np.testing.assert_allclose(stds, 1 / np.sqrt(3 * ns))
            elif scheme == "he":
                np.testing.assert_allclose(stds, np.sqrt(2 / ns))
            else:
                np.testing.assert_allclose(stds, np.sqrt(2 / (ns + 10)))
    matplotlib.pyplot.close(canvas.fig)


def _mean_field(depth, activation, sigma_w2):
    """Mean-field per-layer std of activations and of dL/dz (up to a constant)
    for inputs of unit variance, zero biases."""
    from winit import activations, meanfield

    phi, dphi = activations.get(activation).function, activations.get(activation).derivative
    q = sigma_w2 * 1.0
    act, chi = [], []
    for _ in range(depth):
        mean = meanfield.expect(phi, q)
        act.append(math.sqrt(meanfield.expect(lambda u: phi(u) ** 2, q) - mean ** 2))
        chi.append(sigma_w2 * meanfield.expect(lambda u: dphi(u) ** 2, q))
        q = meanfield.length_map(q, sigma_w2, 0.0, activation)
    # gradient variance at layer l = prod of chi over layers l+1..depth times E[phi'(z_l)^2] ratio
    grad = [1.0]
    for l in range(depth - 2, -1, -1):
        # Var d_l = width Var[W] E[phi'(z_l)^2] Var d_{l+1} = chi[l] Var d_{l+1}
        grad.append(grad[-1] * math.sqrt(chi[l]))
    return np.array(act), np.array(grad[::-1])


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
@pytest.mark.parametrize("init,sigma_w2", [("standard", 1 / 3), ("normalized", 1.0), ("he", 2.0)])
def test_every_prerendered_depth_view_follows_mean_field_theory(activation, init, sigma_w2):
    """The depth explorer's grid (width 100): the change per layer of both
    spreads agrees with the mean-field recursion within the finite-width noise."""
    for depth in DEPTH_GRID:
        v = depth_view(depth, 100, activation, init)
        assert v.activation_std.shape == (depth,) and np.all(np.isfinite(v.activation_std))
        act, grad = _mean_field(depth, activation, sigma_w2)
        if depth < 5:
            continue
        # per-layer factors from layer 2 on (layer 1 sees raw inputs): geometric means
        measured = np.log(v.activation_std[-1] / v.activation_std[1]) / (depth - 2)
        theory = np.log(act[-1] / act[1]) / (depth - 2)
        assert abs(measured - theory) < 0.06, (depth, measured, theory)
        measured = np.log(v.gradient_std[1] / v.gradient_std[-1]) / (depth - 2)
        theory = np.log(grad[1] / grad[-1]) / (depth - 2)
        assert abs(measured - theory) < 0.06, (depth, measured, theory)


# --- a reused figure draws the same picture as a new one ----------------------

def test_a_reused_scheme_figure_draws_what_a_new_figure_draws():
    """Bounds shown then hidden (he after a uniform), limits and text from the
    previous picture: none of it may leak into the next one."""
    canvas = explorers.SchemeFigure()
    for scheme, n, m in [("normalized_xavier", 1, 10_000), ("he", 1, 20), ("xavier", 10_000, 20),
                         ("he", 10_000, 20), ("normalized_xavier", 2, 1)]:
        view = scheme_view(scheme, n, m)
        assert explorers.render_png(canvas.update(view)) == figure_png(draw_scheme_view(view))
    matplotlib.pyplot.close(canvas.fig)


def test_a_reused_comparison_figure_draws_what_a_new_figure_draws():
    canvas = explorers.ComparisonFigure()
    for n, m, n_max in [(10, 10, 10_000), (50_000, 1, 50_000), (1, 10, 10_000)]:
        view = comparison_view(n, m, n_max=n_max)
        assert explorers.render_png(canvas.update(view)) == figure_png(draw_comparison(view))
    matplotlib.pyplot.close(canvas.fig)


def test_a_reused_depth_figure_draws_what_a_new_figure_draws():
    """Heights that change with the message, markers on (depth <= 20) and off,
    one, two or three sampled layers, histograms divided by their std or not."""
    canvas = explorers.DepthFigure()
    for args in [(100, 100, "tanh", "normalized"), (1, 100, "tanh", "he"), (50, 100, "relu", "he"),
                 (2, 100, "sigmoid", "standard"), (100, 100, "relu", "unit"),
                 (5, 100, "relu", "standard"), (300, 100, "linear", "unit")]:
        view = depth_view(*args)
        assert explorers.render_png(canvas.update(view)) == figure_png(draw_depth_view(view)), args
    with pytest.raises(ValueError, match="view must have panels"):
        canvas.update(depth_view(100, 10_000, "tanh", "he"))
    matplotlib.pyplot.close(canvas.fig)


@pytest.mark.parametrize("kwargs, message", [
    ({"format": "jpeg"}, r"^format must be one of 'png', 'webp'; got 'jpeg'$"),
    ({"format": "webp", "colors": None}, r"^format must be 'png' with colors=None .*; got 'webp'$"),
])
def test_render_image_refuses_what_it_cannot_write(kwargs, message):
    fig = draw_comparison(comparison_view(3))
    with pytest.raises(ValueError, match=message):
        explorers.render_image(fig, **kwargs)
    matplotlib.pyplot.close(fig)


# --- the live explorer at its largest depth: no warning, a right picture -----------

from winit.networks import init_weights  # noqa: E402


def test_the_depth_explorer_at_depth_1000_warns_nothing():
    # numpy warned "Degrees of freedom <= 0" (the std of no finite value) and, once the
    # std itself was right, matplotlib's log axis overflowed computing its margins and ticks
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for args in [(1000, 100, "relu", "unit"), (1000, 100, "linear", "unit"),
                     (300, 100, "linear", "unit")]:
            v = depth_view(*args)
            png = figure_png(draw_depth_view(v), dpi=30)
            assert png.startswith(PNG_MAGIC)


def test_the_spread_of_finite_signals_beyond_the_square_limit_is_plotted():
    # numpy's std of finite activations near 1e299 overflowed to inf (squares beyond
    # float64), so the line stopped at layer ~150 and the view said "overflow"
    v = depth_view(300, 100, "linear", "unit")
    rng = np.random.default_rng(0)  # the explorer's draws, in its order
    h = rng.standard_normal((64, 100))
    rng.integers(0, 10, size=64)
    for W, _ in init_weights([100] * 301 + [10], std=1.0, rng=rng)[:-1]:
        h = h @ W
    scale = np.abs(h).max()
    expected = float(np.std(h / scale)) * scale
    assert 1e290 < expected < 1e308 and v.status == "exploding"
    assert abs(v.activation_std[-1] - expected) <= 1e-9 * expected
    fig = draw_depth_view(v)
    x, y = drawn(fig)[0]["lines"]["activations h"]
    assert np.isfinite(y).all() and y[-1] == v.activation_std[-1]
    assert fig.axes[0].get_ylim()[1] <= 1e305
    matplotlib.pyplot.close(fig)


def test_a_forward_pass_that_overflowed_has_no_gradients_to_plot():
    # a ReLU's mask turned the NaN gradients into zeros: a line of zeros at the floor
    v = depth_view(1000, 100, "relu", "unit")
    assert v.status == "overflow" and np.isnan(v.gradient_std).all()
    fig = draw_depth_view(v)
    x, y = drawn(fig)[0]["lines"]["gradients ∂L/∂z"]
    assert np.isnan(y).all()
    matplotlib.pyplot.close(fig)


# --- one definition of each scheme's rule ----------------------------------------


def test_the_depth_explorers_rules_are_the_schemes_and_the_experiments():
    from winit.experiments import INITS
    from winit.schemes import scheme_rule

    from winit.book.explorers import DEPTH_INIT_LABELS, DEPTH_RULES

    assert DEPTH_INITS == ("standard", "normalized", "lecun", "he", "unit")
    def key(rule):  # a partial of scheme_std: the function, the scheme, the distribution
        return rule[0].func, rule[0].args, rule[1]

    for init in ("standard", "normalized", "lecun", "he"):
        assert key(DEPTH_RULES[init]) == key(INITS[init])
    assert key(DEPTH_RULES["lecun"]) == key(scheme_rule("lecun"))
    # the closed forms, at a layer of 50 inputs and 7 outputs
    for init, std, dist in [("standard", math.sqrt(1 / 150), "uniform"),
                            ("normalized", math.sqrt(2 / 57), "uniform"),
                            ("lecun", math.sqrt(1 / 50), "normal"),
                            ("he", math.sqrt(2 / 50), "normal"), ("unit", 1.0, "normal")]:
        rule, distribution = DEPTH_RULES[init]
        assert rule(50, 7) == pytest.approx(std, rel=1e-15) and distribution == dist
    # "xavier" has one meaning in winit, the tutorial's U[±1/√n]; He et al.'s is labelled
    assert "xavier" not in DEPTH_INITS
    assert DEPTH_INIT_LABELS["lecun"] == "N(0, 1/n) (He et al.'s 'Xavier')"
