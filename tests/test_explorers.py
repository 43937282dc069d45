"""The explorers' Python side (winit.book.explorers): the depth explorer's numpy reference
and its verdicts, the first-state pictures' encoding and the log-axis helpers."""

import math

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from winit.book import explorers
from winit.book.explorers import figure_png

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


# --- depth explorer -------------------------------------------------------

from winit.book.explorers import DEPTH_INITS, MAX_DEPTH_WEIGHTS, depth_view

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


def test_too_large_a_network_gets_a_message_before_any_work():
    v = depth_view(100, 10_000, "tanh", "he")
    assert v.status == "too large" and "10,000,100,000 weights" in v.message  # 100 * 10000**2 + 10 * 10000
    assert f"{MAX_DEPTH_WEIGHTS:,}" in v.message and v.activation_std.size == 0


@pytest.mark.parametrize("depth,width", [(1, 1), (100, 1), (1, 2000), (100, 100)])
@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid", "leaky_relu", "linear"])
def test_extreme_settings_always_give_a_view(depth, width, activation):
    for init in ("he", "unit"):
        v = depth_view(depth, width, activation, init)
        assert v.status in ("level", "shrinking", "growing", "vanishing", "exploding", "overflow",
                            "too large")
        assert v.message and v.activation_std.shape == (depth,)
        assert "nan" not in v.message.lower() and " inf" not in v.message


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


def test_inits_include_the_exploding_one():
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
def test_depth_views_follow_mean_field_theory(activation, init, sigma_w2):
    """Width 100: the change per layer of both spreads agrees with the mean-field
    recursion within the finite-width noise."""
    for depth in (1, 2, 3, 5, 10, 20, 50, 100):
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


# --- the reference at depth 1000: no warning, the spread of finite signals -----------

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
            assert v.status in ("exploding", "overflow") and v.activation_std.shape == (args[0],)


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
    assert np.isfinite(v.activation_std).all()


def test_a_forward_pass_that_overflowed_has_no_gradients_to_plot():
    # a ReLU's mask turned the NaN gradients into zeros: a line of zeros at the floor
    v = depth_view(1000, 100, "relu", "unit")
    assert v.status == "overflow" and np.isnan(v.gradient_std).all()


# --- one definition of each scheme's rule ----------------------------------------


def test_the_depth_explorers_rules_are_the_schemes_and_the_experiments():
    from winit.experiments import INITS
    from winit.schemes import scheme_rule

    from winit.book.explorers import DEPTH_RULES

    assert DEPTH_INITS == ("standard", "normalized", "lecun", "he", "unit")
    def key(rule):  # a partial of scheme_std: the function, the scheme, the distribution
        return rule[0].func, rule[0].args, rule[1]

    for init in ("standard", "normalized", "lecun", "he"):
        assert DEPTH_RULES[init] is INITS[init]  # one definition: the experiments'
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


# --- the first-state pictures: sharp on a 2x screen, compact; the log-axis helpers ---

def _figure_with_lines():
    fig, (ax,) = explorers._figure(5.0, 3.9, [(0.8, 0.6, 3.9, 2.75)])
    x = np.linspace(-3, 3, 200)
    for k in range(3):
        ax.plot(x, np.tanh(x * (k + 1)), label=f"line {k}")
    ax.legend()
    ax.set_title("a title")
    return fig


def test_figure_png_is_a_compact_palette_png_at_twice_the_css_size_and_closes_the_figure():
    import io

    import matplotlib.pyplot as plt
    from PIL import Image

    assert explorers.PIXEL_DENSITY == 2 and explorers.CSS_PX_PER_INCH == 100
    assert explorers.FONT_SIZE >= 10
    before = len(plt.get_fignums())
    png = figure_png(_figure_with_lines())
    assert len(plt.get_fignums()) == before
    assert png.startswith(PNG_MAGIC) and len(png) <= 60_000
    image = Image.open(io.BytesIO(png))
    assert image.size == (1000, 780) and image.mode == "P"  # 5 x 3.9 inches at 200 dpi
    assert len(image.getcolors()) <= 64
    full = Image.open(io.BytesIO(figure_png(_figure_with_lines(), colors=None)))
    assert full.size == (1000, 780) and full.mode in ("RGB", "RGBA")


def test_the_log_axis_of_signals_beyond_float64_squares_warns_nothing():
    # matplotlib's own margins and log ticks overflow beyond 1e300: the helper sets them
    import warnings

    import matplotlib.pyplot as plt

    fig, (ax,) = explorers._figure(5.0, 3.9, [(0.8, 0.6, 3.9, 2.75)])
    values = [10.0 ** e for e in range(-300, 301, 50)]
    (line,) = ax.semilogy(np.arange(len(values)), values)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        explorers._autoscale_log(ax, values)
        explorers._log_ticks(ax.yaxis)
        png = figure_png(fig, dpi=30)
    lo, hi = ax.get_ylim()
    assert 1e-306 <= lo <= 1e-300 and 1e300 <= hi <= 1e306
    assert png.startswith(PNG_MAGIC)
    assert not plt.fignum_exists(fig.number)


def test_histograms_of_layers_whose_scales_differ_by_over_1000_are_divided_by_their_std():
    fig, (ax,) = explorers._figure(5.0, 3.9, [(0.8, 0.6, 3.9, 2.75)])
    hists = [ax.stairs(np.zeros(50), np.linspace(-1.0, 1.0, 51)) for _ in range(3)]
    rng = np.random.default_rng(0)
    same = {1: rng.standard_normal(500), 2: 3 * rng.standard_normal(500)}
    assert not explorers._update_samples(ax, hists, same)
    apart = {1: rng.standard_normal(500), 2: 1e5 * rng.standard_normal(500)}
    assert explorers._update_samples(ax, hists, apart)
    edges = hists[1].get_data()[1]
    assert 2 < edges[-1] < 10  # about 4 standard deviations, not 1e5
    assert [h.get_label() for h in hists if h.axes is not None] == ["layer 1", "layer 2"]
    matplotlib.pyplot.close(fig)
