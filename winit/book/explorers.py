"""The explorers' Python side: the style and PNG encoding of their first-state pictures,
and the depth explorer's numpy reference.

The explorers themselves compute and draw in the reader's browser
(``winit.book.browser``); what they need from Python is here:

- :func:`figure_png` and the figures' style (:data:`FONT_SIZE`, ``_figure``): the
  picture of an explorer's first state that a notebook shows before it runs (and the
  PDF prints);
- :func:`depth_view`: one forward and backward pass through a deep network at
  initialisation, summarised layer by layer with a verdict (``_verdict``), the numbers
  the depth explorer's page is tested against; and the helpers that plot such
  signals on log axes (``_autoscale_log``, ``_log_ticks``, ``_update_samples``).
"""

from __future__ import annotations

import io
import math
from typing import NamedTuple

import numpy as np

from .._numerics import std as _std
from .._validation import check_choice, check_count
from ..experiments import INITS

#: Pictures are drawn for a column this many CSS pixels per inch of figure, at
#: ``PIXEL_DENSITY`` times that in the PNG, so they are sharp on a 2x screen.
CSS_PX_PER_INCH = 100
#: PNG pixels per CSS pixel of the explorer pictures (2: sharp on a 2x screen).
PIXEL_DENSITY = 2
#: Type size (points) of the explorer pictures: at the figures' widths (5 inches,
#: 500 CSS px) a phone's 350 px column still shows it at about 10 px.
FONT_SIZE = 11
_STYLE = {"font.size": FONT_SIZE, "axes.titlesize": FONT_SIZE, "axes.labelsize": FONT_SIZE,
          "xtick.labelsize": FONT_SIZE - 1, "ytick.labelsize": FONT_SIZE - 1,
          "legend.fontsize": FONT_SIZE - 1, "figure.titlesize": FONT_SIZE}


def _figure(width, height, boxes):
    """A new ``width`` x ``height`` inch figure in the explorers' style with one
    axes per box ``(left, bottom, width, height)``, in inches from the lower left.

    The margins are fixed, sized for the longest labels the views can have
    (tests render the extreme settings and check that no text leaves the
    figure); a fixed layout costs half as much as matplotlib's constrained
    layout.
    """
    import matplotlib.pyplot as plt

    with plt.rc_context(_STYLE):
        fig = plt.figure(figsize=(width, height))
        axes = [fig.add_axes((x / width, y / height, w / width, h / height))
                for x, y, w, h in boxes]
    return fig, axes


def _autoscale(ax):
    """Autoscale ``ax`` afresh to the data of its visible artists, as if they
    had just been added (after the artists' data changed)."""
    ax.relim(visible_only=True)
    ax.set_autoscale_on(True)
    ax.autoscale_view()


def figure_png(fig, *, dpi=CSS_PX_PER_INCH * PIXEL_DENSITY, colors=64):
    """Render ``fig`` to compact PNG bytes and close it (an explorer's first-state picture).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    dpi : float, default 200
        Pixels per inch of figure: twice :data:`CSS_PX_PER_INCH`, so that the
        picture, shown at half its pixel width, is sharp on a 2x screen.
    colors : int or None, default 64
        Size of the adaptive palette the image is reduced to (a 64-colour
        picture of lines and text is several times smaller than full colour
        and looks the same); None keeps full colour.

    Returns
    -------
    bytes
        The PNG file.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, (ax,) = _figure(2.0, 1.0, [(0.1, 0.1, 1.8, 0.8)])
    >>> png = figure_png(fig, dpi=50)
    >>> png[:8] == b"\\x89PNG\\r\\n\\x1a\\n", plt.fignum_exists(fig.number)
    (True, False)
    """
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    try:
        fig.set_facecolor("white")
        if colors is None:
            out = io.BytesIO()
            fig.savefig(out, format="png", dpi=dpi, facecolor="white")
            return out.getvalue()
        canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
        if fig.get_dpi() != dpi:
            fig.set_dpi(dpi)
        canvas.draw()  # to pixels once: no PNG encoded and decoded again
        width, height = canvas.get_width_height(physical=True)
        image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0,
                                 1).convert("RGB")
        image = image.quantize(colors=colors, method=Image.Quantize.FASTOCTREE,
                               dither=Image.Dither.NONE)
        out = io.BytesIO()
        image.save(out, format="png")
        return out.getvalue()
    finally:
        plt.close(fig)


# --------------------------------------------------------------------------
# Depth explorer: signals through a deep network at initialisation
# --------------------------------------------------------------------------

def _unit(fan_in, fan_out):
    return 1.0


#: How each initialisation the depth explorer offers draws: for each name, the pair
#: (std(fan_in, fan_out), distribution) that :func:`winit.networks.init_weights` takes. The
#: experiments' four (``winit.experiments.INITS``, the rules of :data:`winit.schemes.SCALINGS`),
#: and the naive N(0, 1), which makes signals explode.
DEPTH_RULES = {**INITS, "unit": (_unit, "normal")}
#: The initialisations' names, in the order of :data:`DEPTH_RULES`.
DEPTH_INITS = tuple(DEPTH_RULES)
#: The most weights the explorer will draw (about 480 MB of float64 in all).
MAX_DEPTH_WEIGHTS = 60_000_000
#: Standard deviations below this are shown at this floor on the log scale.
STD_FLOOR = 1e-300


class DepthView(NamedTuple):
    """Per-layer signals of a deep network at initialisation, or why there are none."""

    depth: int
    width: int
    activation: str
    init: str
    activation_std: np.ndarray  # per hidden layer; empty if not computed
    gradient_std: np.ndarray
    samples: dict  # layer number -> a few thousand activations of that layer
    status: str  # "level", "shrinking", "growing", "vanishing", "exploding",
    #              "overflow" or "too large": see :func:`_verdict`
    message: str


def depth_view(depth, width, activation, init, *, batch=64, seed=0,
               max_weights=MAX_DEPTH_WEIGHTS):
    """One forward and backward pass through ``depth`` hidden layers of
    ``width`` units at initialisation, summarised layer by layer.

    The inputs are ``batch`` standard normal vectors of size ``width`` and
    the labels random among 10 classes.  Settings the explorer cannot draw
    (more than ``max_weights`` weights) and signals that vanish, explode or
    overflow come back with a ``status`` and a ``message`` for the reader,
    never an exception.
    """
    from ..networks import ACTIVATIONS, backward, forward, init_weights

    depth = check_count(depth, "depth", "the number of hidden layers")
    width = check_count(width, "width", "the units per hidden layer")
    activation = check_choice(activation, "activation", ACTIVATIONS)
    init = check_choice(init, "init", DEPTH_INITS)
    batch = check_count(batch, "batch", "the number of inputs")
    empty = np.array([])
    n_weights = depth * width * width + 10 * width
    if n_weights > max_weights:
        return DepthView(depth, width, activation, init, empty, empty, {}, "too large",
                         f"{depth} layers of {width} units hold {n_weights:,} weights, more than "
                         f"the {max_weights:,} this explorer draws: choose fewer layers or units.")
    rule, distribution = DEPTH_RULES[init]
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, width))
    y = rng.integers(0, 10, size=batch)
    params = init_weights([width] * (depth + 1) + [10], std=rule, distribution=distribution,
                          rng=rng)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"), _blas_threads(width):
        rec = forward(params, x, activation)
        grads = backward(params, rec, y)
        acts = rec.activations
        # numpy's std, and where the squares of finite values overflow, the std of the
        # values divided by their largest magnitude: the line goes as far as the signal
        act_std = np.array([_std(a) for a in acts])
        grad_std = np.array([_std(g) for g in grads.grad_pre_activations[:-1]]) * batch
    if not rec.finite:  # no loss, so no gradient (a ReLU's mask turns their NaN into zeros)
        grad_std = np.full(depth, np.nan)
    picks = sorted({1, (depth + 1) // 2, depth})
    samples = {layer: acts[layer - 1].ravel()[:4000] for layer in picks}
    status, message = _verdict(act_std, grad_std)
    return DepthView(depth, width, activation, init, act_std, grad_std, samples, status, message)


#: Up to this width, the depth explorer's products run on one BLAS thread.
ONE_THREAD_WIDTH = 512


def _blas_threads(width):
    """A context in which BLAS uses one thread for networks up to
    :data:`ONE_THREAD_WIDTH` units wide, where threadpoolctl (which
    scikit-learn brings) is installed.  Their products are small (64 x 100 by
    100 x 100 at width 100): a second thread gains nothing, and
    OpenBLAS threads spinning between products cost as much CPU time as the
    products themselves."""
    import contextlib

    from .._threads import one_blas_thread

    return contextlib.nullcontext() if width > ONE_THREAD_WIDTH else one_blas_thread()


#: A signal whose standard deviation changes by less than this factor (either
#: way) between the first and the last hidden layer is called level.
LEVEL_BAND = 2.0
#: Beyond this factor a shrinking signal is called vanishing, a growing one exploding.
EXTREME_BAND = 100.0


def _change(what, ratio, span, layers):
    """'activations × 0.239 from layer 1 to 20 (× 0.927/layer)': a finite positive
    ``ratio`` over ``layers`` steps, with the factor per layer when it is not level."""
    nbsp = "\u00a0"  # keeps '× 0.927' on one line when the title is wrapped
    text = f"{what} ×{nbsp}{ratio:.3g}" if 1e-3 <= ratio < 1e4 else f"{what} ×{nbsp}{ratio:.1e}"
    text += f" {span}"
    if layers > 1 and not 1 / LEVEL_BAND <= ratio <= LEVEL_BAND:
        text += f" (×{nbsp}{ratio ** (1.0 / layers):.3g}/layer)"
    return text


def _verdict(act_std, grad_std):
    """(status, message) of a depth view from its per-layer standard deviations.

    The activations are compared from the first hidden layer to the last, the
    gradients from the last down to the first (the way back-propagation goes).
    Within a factor :data:`LEVEL_BAND` either way both are "level" (status
    "level"); the larger change names the verdict: "shrinking"/"growing", or
    beyond :data:`EXTREME_BAND` "vanishing"/"exploding".  Signals that are
    exactly zero (dead ReLU units) or not finite get their own message; no
    message ever holds "nan" or "inf".
    """
    depth = act_std.size
    steps = depth - 1
    if not (np.isfinite(act_std).all() and np.isfinite(grad_std).all()):
        return "overflow", ("Overflow: the signal became too large for floating point; the weights "
                            "are far too large for this depth. Plotted where it is finite.")
    zero = [name for name, v in (("activations", act_std), ("gradients", grad_std))
            if (v == 0).any()]
    if zero:
        return "vanishing", (f"Vanishing: the {' and the '.join(zero)} are exactly zero in some "
                             "layers (every unit inactive for every input).")
    if depth == 1:
        return "level", "One hidden layer: no change across depth to measure."
    ratios = {"activations": float(act_std[-1] / act_std[0]),
              "gradients": float(grad_std[0] / grad_std[-1])}
    worst = max(ratios.values(), key=lambda r: abs(math.log(r)))
    if 1 / LEVEL_BAND <= worst <= LEVEL_BAND:
        status, word = "level", "Level"
    elif worst < 1 / EXTREME_BAND:
        status, word = "vanishing", "Vanishing"
    elif worst < 1:
        status, word = "shrinking", "Shrinking"
    elif worst > EXTREME_BAND:
        status, word = "exploding", "Exploding"
    else:
        status, word = "growing", "Growing"
    message = (f"{word}: "
               f"{_change('activations', ratios['activations'], f'from layer 1 to {depth}', steps)},\n"
               f"{_change('gradients', ratios['gradients'], f'from layer {depth} to 1', steps)}.")
    return status, message


#: Beyond these, matplotlib's 5 % margins of a log axis overflow (or underflow) float64.
_LOG_AXIS_RANGE = (1e-250, 1e250)


def _autoscale_log(ax, values):
    """:func:`_autoscale` for an axes whose y axis is logarithmic; where ``values``
    leave :data:`_LOG_AXIS_RANGE`, the y limits are set here, 5 % of the span in
    decades beyond the data as matplotlib does, but never beyond float64's range
    (matplotlib's own margins would overflow, with a numpy warning)."""
    from matplotlib.ticker import FixedLocator, LogLocator, NullLocator

    lo, hi = _LOG_AXIS_RANGE
    if not values or (lo <= min(values) and max(values) <= hi):
        if getattr(ax, "_winit_fixed_ticks", False):  # back to matplotlib's log ticks
            ax.yaxis.set_major_locator(LogLocator(10.0))
            ax.yaxis.set_minor_locator(LogLocator(10.0, None))
            ax._winit_fixed_ticks = False
        _autoscale(ax)
        return
    bottom, top = math.log10(min(values)), math.log10(max(values))
    pad = 0.05 * (top - bottom) if top > bottom else 1.0
    bottom, top = max(bottom - pad, -305.0), min(top + pad, 305.0)
    ax.set_autoscaley_on(False)
    ax.set_ylim(10.0 ** bottom, 10.0 ** top)
    # matplotlib's log locator also computes powers beyond the limits, which overflow:
    # ticks at every step-th power of ten inside them instead
    step = next(s for s in (1, 2, 5, 10, 20, 50, 100, 200) if s * 8 >= top - bottom)
    ax.yaxis.set_major_locator(FixedLocator(
        [10.0 ** e for e in range(math.ceil(bottom / step) * step, math.floor(top) + 1, step)]))
    ax.yaxis.set_minor_locator(NullLocator())
    ax._winit_fixed_ticks = True
    ax.relim(visible_only=True)
    ax.set_autoscalex_on(True)
    ax.autoscale_view(scaley=False)


def _tick(value):
    """A short plain label for a log-axis tick: '0.2', '30', '1e-05'."""
    if 1e-3 <= value < 1e4:
        return f"{value:.4g}"
    return f"{value:.0e}".replace("e-0", "e-").replace("e+0", "e").replace("e+", "e")


def _log_ticks(axis):
    """Plain tick labels on a log ``axis`` (typesetting '10^-5' costs more than
    the rest of the picture): every power of ten, and the 2s and 5s between when
    the axis spans less than two decades."""
    from matplotlib.ticker import FuncFormatter, NullFormatter

    def major(value, _pos=None):
        if not value > 0 or not np.isfinite(value):
            return ""
        exponent = math.log10(value)
        return _tick(value) if abs(exponent - round(exponent)) < 1e-6 else ""

    def minor(value, _pos=None):
        lo, hi = sorted(axis.get_view_interval())
        if not (value > 0 and lo > 0 and hi / lo < 100):
            return ""
        mantissa = value / 10 ** math.floor(math.log10(value) + 1e-9)
        return _tick(value) if round(mantissa, 6) in (2.0, 5.0) else ""

    axis.set_major_formatter(FuncFormatter(major))
    axis.set_minor_formatter(FuncFormatter(minor) if axis.get_scale() == "log" else NullFormatter())


def _update_samples(ax, hists, samples):
    """Show each layer's sampled activations on ``ax`` with one of the step
    patches ``hists`` (the others taken off the axes), or, when the layers' scales differ by more
    than 1000, each divided by its own std; returns whether they were divided."""
    finite = {k: v[np.isfinite(v)] for k, v in samples.items()}
    scales = [np.abs(v).max() for v in finite.values() if v.size and np.abs(v).max() > 0]
    # Layers whose scales differ by more than 1000 cannot share an axis: show shapes instead.
    normalise = bool(scales) and max(scales) > 1e3 * min(scales)
    for hist in hists:  # off the axes (the legend's 'best' place avoids even hidden artists)
        if hist.axes is not None:
            hist.remove()
    for hist, (layer, v) in zip(hists, finite.items()):
        if not v.size:  # every sampled value overflowed: nothing to draw (and no std of nothing)
            continue
        std = _std(v)
        if normalise and np.isfinite(std) and std > 0:
            v = v / std
        if v.size:
            spread = max(np.abs(v).max(), 1e-300) if normalise else max(max(scales, default=1.0), 1e-300)
            heights, edges = np.histogram(v, bins=50, range=(-spread, spread), density=True)
            hist.set_data(heights, edges)
            hist.set_label(f"layer {layer}")
            ax.add_patch(hist)
    return normalise
