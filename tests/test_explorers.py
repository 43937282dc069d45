"""The explorers' Python side: the depth explorer's numpy pipeline and its verdicts
(winit.book.browser.depth), the first-state pictures' encoding (winit.book.plots) and the
log-axis helpers."""

import math

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from winit.book import plots
from winit.book.plots import figure_png

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


# --- the depth explorer's numpy pipeline (winit.book.browser.depth) ------------------------

from winit.book.browser.depth import (  # noqa: E402
    EXTREME_BAND,
    GAIN_RANGE,
    INITS,
    LEVEL_BAND,
    _autoscale_log,
    _log_ticks,
    _update_samples,
    _verdict,
    depth_signals,
    draw_depth_signals,
)

STATUSES = ("level", "shrinking", "growing", "vanishing", "exploding", "overflow")


def test_he_relu_is_stable_and_the_tutorials_xavier_relu_vanishes_at_depth_50():
    he = depth_signals(50, 200, "relu", "he", batch=64)
    std = depth_signals(50, 200, "relu", "xavier", batch=64)
    assert he.status == "level" and 0.1 < he.activation_std[-1] / he.activation_std[0] < 10
    assert std.status == "vanishing"
    # U[±1/√n] gives n·Var[w] = 1/3; ReLU halves the second moment: std × 1/√6 per layer
    per_layer = (std.activation_std[-1] / std.activation_std[0]) ** (1 / 49)
    assert abs(per_layer - 1 / math.sqrt(6)) < 0.03


def test_the_largest_gain_makes_relu_explode_and_the_explorer_says_so():
    # LeCun's N(0, 1/n) times 10 at n = 100 is N(0, 1): the naive initialisation
    assert GAIN_RANGE[1] == 10.0
    v = depth_signals(30, 100, "relu", "lecun", gain=10.0, batch=64)
    assert v.status == "exploding" and "Exploding" in v.message
    assert v.activation_std[-1] > 1e10 * v.activation_std[0]


def test_a_signal_that_overflows_is_reported_with_no_nan_or_inf():
    # no setting in the explorer's range overflows float64 (at most 14x per layer over 100
    # layers): the verdict's own case
    status, message = _verdict(np.array([1.0, 1e200, np.inf]), np.array([1.0, 1.0, np.nan]))
    assert status == "overflow" and "Overflow" in message
    assert "nan" not in message and "inf " not in message


@pytest.mark.parametrize("depth,width", [(1, 10), (100, 10), (1, 1000), (100, 100)])
@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid", "leaky_relu", "linear", "gelu"])
def test_extreme_settings_always_give_a_view(depth, width, activation):
    for init, gain in (("he", 1.0), ("he", 10.0), ("lecun", 0.1)):
        v = depth_signals(depth, width, activation, init, gain=gain)
        assert v.status in STATUSES
        assert v.message and v.activation_std.shape == v.gradient_std.shape == (depth,)
        assert "nan" not in v.message.lower() and " inf" not in v.message


def test_depth_signals_record_every_layer_and_three_samples():
    v = depth_signals(7, 20, "tanh", "normalized_xavier", batch=64)
    assert v.activation_std.shape == v.gradient_std.shape == (7,)
    assert sorted(v.samples) == [1, 4, 7]
    assert all(s.size == 64 * 20 for s in v.samples.values())


@pytest.mark.parametrize("args,kwargs,error,match", [
    ((3, 10, "tanh", "kaiming"), {}, ValueError, "init must be one of"),
    ((3, 10, "not_an_activation", "he"), {}, ValueError, "activation must be one of"),
    ((0, 10, "tanh", "he"), {}, ValueError, "depth must be a positive integer"),
    ((3, 10.0, "tanh", "he"), {}, TypeError, "width must be a positive integer"),
    # beyond the explorer's range
    ((101, 100, "tanh", "he"), {}, ValueError, "depth must be a positive integer of at most 100"),
    ((100, 10_000, "tanh", "he"), {}, ValueError, "width must be a positive integer of at most 1000"),
    ((3, 9, "tanh", "he"), {}, ValueError, "width must be an integer of at least 10"),
    ((3, 10, "tanh", "he"), {"gain": 10.5}, ValueError, "gain must be"),
])
def test_depth_signals_refuse_bad_settings_by_name(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        depth_signals(*args, **kwargs)


def test_the_widest_network_is_drawn():
    v = depth_signals(1, 1000, "relu", "he")
    assert v.status == "level" and v.activation_std.shape == (1,)


# --- verdicts: a band of 2x, never NaN ------------------------------------


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
    for width in (10, 11):
        v = depth_signals(depth, width, activation, "he")
        assert "nan" not in v.message.lower() and "inf" not in v.message.lower()


def test_dead_relu_units_are_said_to_be_zero():
    # a layer whose every unit is inactive for every input (the narrowest ReLU networks'
    # fate) has a spread of exactly zero, there and in its gradients
    status, message = _verdict(np.array([0.5, 0.0, 0.0]), np.array([0.0, 0.0, 1.0]))
    assert status == "vanishing" and "exactly zero" in message
    assert "the activations and the gradients" in message


def test_one_layer_has_nothing_to_compare():
    v = depth_signals(1, 50, "tanh", "he")
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
@pytest.mark.parametrize("init,sigma_w2", [("xavier", 1 / 3), ("normalized_xavier", 1.0),
                                           ("he", 2.0)])
def test_depth_signals_follow_mean_field_theory(activation, init, sigma_w2):
    """Width 100: the change per layer of both spreads agrees with the mean-field
    recursion within the finite-width noise."""
    for depth in (1, 2, 3, 5, 10, 20, 50, 100):
        v = depth_signals(depth, 100, activation, init, batch=64)
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


# --- the extremes of the range: no warning, the spread of signals beyond float64's squares ---

from winit.networks import init_weights  # noqa: E402


def test_the_depth_explorer_at_its_extremes_warns_nothing():
    # numpy warned "Degrees of freedom <= 0" (the std of no finite value), and matplotlib's
    # log axis overflowed computing its margins and ticks: signals and picture, warnings as errors
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for args, gain in [((100, 100, "relu", "he"), 10.0), ((100, 100, "linear", "he"), 10.0),
                           ((100, 100, "sigmoid", "lecun"), 0.1)]:
            v = depth_signals(*args, gain=gain)
            assert v.status in ("exploding", "vanishing") and v.activation_std.shape == (100,)
            png = figure_png(draw_depth_signals(v), dpi=30)
            assert png.startswith(PNG_MAGIC)


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def test_the_spread_of_gradients_below_float64s_squares_is_measured():
    # 100 sigmoid layers at gain 0.1: the gradients fall near 1e-162, their squares below
    # float64's smallest normal number (numpy's std of them loses its digits); the explorer
    # rescales. Expected: plain numpy on the explorer's draws, in its order.
    depth, width, batch = 100, 100, 64
    v = depth_signals(depth, width, "sigmoid", "lecun", gain=0.1, batch=batch)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch, width))
    y = rng.integers(0, 10, size=batch)
    params = init_weights([width] * (depth + 1) + [10], std=lambda i, o: 0.1 / math.sqrt(i),
                          distribution="normal", rng=rng)
    h, zs = x, []
    for W, b in params[:-1]:
        zs.append(h @ W + b)
        h = _sigmoid(zs[-1])
    logits = h @ params[-1][0] + params[-1][1]
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(batch), y] -= 1.0
    g = p / batch  # dL/d(logits) of the mean loss
    grads = []
    for (W, _), z in zip(params[::-1], zs[::-1]):
        g = (g @ W.T) * _sigmoid(z) * (1.0 - _sigmoid(z))
        grads.append(g)
    g1 = grads[-1]
    scale = np.abs(g1).max()
    expected = float(np.std(g1 / scale)) * scale * batch
    assert 1e-300 < expected < 1e-155 and v.status == "vanishing"
    assert abs(v.gradient_std[0] - expected) <= 1e-9 * expected
    assert abs(float(np.std(g1)) * batch - expected) > 1e-6 * expected  # the plain std is off
    assert np.isfinite(v.gradient_std).all() and (v.gradient_std > 0).all()


# --- the menus: one definition of each scheme's rule ----------------------------------------


def test_the_depth_explorers_inits_are_the_schemes():
    from winit.book.browser.depth import sigma_w2

    assert tuple(INITS) == ("xavier", "normalized_xavier", "lecun", "he", "orthogonal")
    # the closed forms of n Var[w] at a square layer of 50 units
    for init, expected in [("xavier", 1 / 3), ("normalized_xavier", 1.0), ("lecun", 1.0),
                           ("he", 2.0), ("orthogonal", 1.0)]:
        assert sigma_w2(init, 50) == pytest.approx(expected, rel=1e-14)
    # "xavier" has one meaning in winit, the tutorial's U[±1/√n]; Glorot's is labelled
    assert "tutorial" in INITS["xavier"] and "Glorot" in INITS["normalized_xavier"]


# --- the first-state pictures: sharp on a 2x screen, compact; the log-axis helpers ---

def _figure_with_lines():
    fig, (ax,) = plots._figure(5.0, 3.9, [(0.8, 0.6, 3.9, 2.75)])
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

    assert plots.PIXEL_DENSITY == 2 and plots.CSS_PX_PER_INCH == 100
    assert plots.FONT_SIZE >= 10
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

    fig, (ax,) = plots._figure(5.0, 3.9, [(0.8, 0.6, 3.9, 2.75)])
    values = [10.0 ** e for e in range(-300, 301, 50)]
    (line,) = ax.semilogy(np.arange(len(values)), values)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _autoscale_log(ax, values)
        _log_ticks(ax.yaxis)
        png = figure_png(fig, dpi=30)
    lo, hi = ax.get_ylim()
    assert 1e-306 <= lo <= 1e-300 and 1e300 <= hi <= 1e306
    assert png.startswith(PNG_MAGIC)
    assert not plt.fignum_exists(fig.number)


def test_histograms_of_layers_whose_scales_differ_by_over_1000_are_divided_by_their_std():
    fig, (ax,) = plots._figure(5.0, 3.9, [(0.8, 0.6, 3.9, 2.75)])
    hists = [ax.stairs(np.zeros(50), np.linspace(-1.0, 1.0, 51)) for _ in range(3)]
    rng = np.random.default_rng(0)
    same = {1: rng.standard_normal(500), 2: 3 * rng.standard_normal(500)}
    assert not _update_samples(ax, hists, same)
    apart = {1: rng.standard_normal(500), 2: 1e5 * rng.standard_normal(500)}
    assert _update_samples(ax, hists, apart)
    edges = hists[1].get_data()[1]
    assert 2 < edges[-1] < 10  # about 4 standard deviations, not 1e5
    assert [h.get_label() for h in hists if h.axes is not None] == ["layer 1", "layer 2"]
    matplotlib.pyplot.close(fig)
