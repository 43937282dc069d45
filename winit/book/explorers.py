"""What the book's interactive explorers draw, as plain functions.

The widgets in :mod:`winit.book.widgets` only wire controls to these functions,
so everything an explorer shows for given values is computed, and tested,
here without a front end:

- :func:`scheme_view` / :func:`draw_scheme_view`: a fresh sample of one
  scheme for given ``n`` (and ``m``), its theoretical density, bounds or
  standard deviation, and the sample statistics;
- :func:`comparison_view` / :func:`draw_comparison`: the three schemes'
  spread against ``n`` on one plot, with the reader's ``n`` marked.
"""

from __future__ import annotations

import io
import math
import textwrap
from typing import NamedTuple

import numpy as np

from .._numerics import std as _std
from .._validation import check_choice, check_count
from .plots import normal_pdf, uniform_pdf
from ..schemes import (
    Summary,
    he,
    normalized_xavier,
    scheme_bound,
    scheme_rule,
    scheme_std,
    summarize,
    xavier,
)

#: The tutorial's three schemes, by the names of their winit functions.
SCHEMES = ("xavier", "normalized_xavier", "he")

#: How each scheme is labelled in plots.
SCHEME_LABELS = {
    "xavier": "xavier  U[±1/√n]",
    "normalized_xavier": "normalized xavier  U[±√6/√(n+m)]",
    "he": "he  N(0, 2/n)",
}

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
    layout, which matters for the hundreds of pre-rendered pictures.
    """
    import matplotlib.pyplot as plt

    with plt.rc_context(_STYLE):
        fig = plt.figure(figsize=(width, height))
        axes = [fig.add_axes((x / width, y / height, w / width, h / height))
                for x, y, w, h in boxes]
    return fig, axes


#: Values of n and m the static site pre-renders (8 positions per slider).
N_GRID = (1, 2, 5, 10, 20, 100, 1000, 10000)
M_GRID = (1, 2, 5, 10, 20, 100, 1000, 10000)


class SchemeView(NamedTuple):
    """Everything the scheme explorer shows for one setting."""

    scheme: str
    n: int
    m: int
    weights: np.ndarray
    summary: Summary
    bound: float | None  # half-width of the uniform interval; None for a normal (a Python float)
    std: float  # theoretical standard deviation (a Python float)
    caption: str


def _spread(scheme, n, m):
    """(bound or None, theoretical std) of ``scheme`` for validated n, m, as
    :data:`winit.schemes.SCALINGS` defines them."""
    return scheme_bound(scheme, n, m), scheme_std(scheme, n, m)


def scheme_view(scheme, n, m=10, *, size=1000, seed=0):
    """Draw ``size`` weights of ``scheme`` for ``n`` inputs (and ``m`` outputs).

    Parameters
    ----------
    scheme : {"xavier", "normalized_xavier", "he"}
    n, m : int
        Inputs and outputs of the layer (``m`` is used by normalized xavier only).
    size : int, default 1000
        How many weights to draw (the tutorial draws 1,000).
    seed : int, default 0
        Seed of the sample, so that a given setting always shows the same draw.

    Returns
    -------
    SchemeView
    """
    scheme = check_choice(scheme, "scheme", SCHEMES)
    n = check_count(n, "n", "the number of inputs to the node")
    m = check_count(m, "m", "the number of outputs of the layer")
    size = check_count(size, "size", "how many weights to draw")
    if scheme == "xavier":
        w = xavier(n, size, rng=seed)
    elif scheme == "normalized_xavier":
        w = normalized_xavier(n, m, size, rng=seed)
    else:
        w = he(n, size, rng=seed)
    bound, std = _spread(scheme, n, m)
    setting = f"n = {n}, m = {m}" if scheme == "normalized_xavier" else f"n = {n}"
    return SchemeView(scheme, n, m, w, summarize(w), bound, std,
                      f"{SCHEME_LABELS[scheme]}, {setting}")


def _autoscale(ax):
    """Autoscale ``ax`` afresh to the data of its visible artists, as if they
    had just been added (for a figure that is reused between pictures)."""
    ax.relim(visible_only=True)
    ax.set_autoscale_on(True)
    ax.autoscale_view()


class SchemeFigure:
    """One figure that draws :class:`SchemeView` after :class:`SchemeView`.

    The axes, ticks, legend and text box are made once; :meth:`update` only
    changes the data of the artists (the histogram's step patch, the density
    curve, the bound lines, the title and the statistics), so a grid of
    pictures costs a fraction of a new figure each.  A picture drawn here is
    the same as one drawn on a fresh figure: the limits are autoscaled anew
    from the visible data every time.

    Parameters
    ----------
    ax : matplotlib.axes.Axes, optional
        Draw on this axes; by default a new 5 x 3.9 inch figure (see
        :func:`figure_png`).
    """

    def __init__(self, ax=None):
        import matplotlib.pyplot as plt
        from matplotlib.ticker import MaxNLocator

        if ax is None:
            _, (ax,) = _figure(5.0, 3.9, [(0.8, 0.6, 3.9, 2.75)])
        self.ax, self.fig = ax, ax.figure
        with plt.rc_context(_STYLE):
            self.sample = ax.stairs(np.zeros(40), np.linspace(-1.0, 1.0, 41), fill=True,
                                    color="C0", alpha=0.55, label="sample")
            (self.theory,) = ax.plot([], [], color="C3", label="theory")
            self.bounds = [ax.axvline(x, color="C3", linestyle=":", linewidth=1)
                           for x in (-1.0, 1.0)]
            # a title at a fixed height: nothing sits above the axes, so matplotlib's
            # search for a clear place (a layout of the whole axis) is not needed
            ax.set_title(" \n ", y=1.0)
            ax.set_xlabel("weight value")
            ax.set_ylabel("density")
            # at most 6 weight values on the axis: labels like "-0.075" then never overlap
            ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
            ax.legend(loc="upper right")
            self.stats = ax.text(0.02, 0.97, "", transform=ax.transAxes, va="top",
                                 fontsize=FONT_SIZE - 1.5,
                                 bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "0.8"})

    def update(self, view):
        """Show ``view`` (a :class:`SchemeView`); returns the figure."""
        ax, s = self.ax, view.summary
        heights, edges = np.histogram(view.weights, bins=40, density=True)
        self.sample.set_data(heights, edges)
        pad = 0.15 * (s.max - s.min)
        xs = np.linspace(s.min - pad, s.max + pad, 300)
        if view.bound is not None:
            self.theory.set_data(xs, uniform_pdf(xs, view.bound))
            for line, x in zip(self.bounds, (-view.bound, view.bound)):
                line.set_xdata([x, x])
                line.set_visible(True)
            spread = f"bounds ±{view.bound:.4g}\n"
        else:
            self.theory.set_data(xs, normal_pdf(xs, view.std))
            for line in self.bounds:
                line.set_visible(False)
            spread = ""
        _autoscale(ax)
        ax.set_ylim(0, 1.6 * max(heights.max(), ax.get_ylim()[1]))  # room for the statistics
        label, setting = view.caption.rsplit(", n = ", 1)
        ax.title.set_text(f"{label}\nn = {setting}")
        self.stats.set_text(f"{spread}theory std {view.std:.4g}\n"
                            f"sample std {s.std:.4g}, mean {s.mean:.2g}\n"
                            f"min {s.min:.4g}, max {s.max:.4g}")
        return self.fig


def draw_scheme_view(view, ax=None):
    """Draw a :class:`SchemeView`: the sample's histogram, the theoretical
    density, the bounds (uniform) and the statistics.  Returns the figure.

    A new figure is 5 x 3.9 inches, for a narrow column (see :func:`figure_png`).
    To draw many views, reuse one :class:`SchemeFigure` instead.
    """
    return SchemeFigure(ax).update(view)


class ComparisonView(NamedTuple):
    """The three schemes' standard deviations for a range of n."""

    n: int
    m: int
    ns: np.ndarray
    stds: dict  # scheme -> array over ns
    marked: dict  # scheme -> std at n


def comparison_view(n, m=10, *, n_max=10000):
    """Standard deviation of each scheme for n = 1 .. ``n_max``, and at ``n``."""
    n = check_count(n, "n", "the number of inputs to the node")
    m = check_count(m, "m", "the number of outputs of the layer")
    n_max = check_count(n_max, "n_max", "the largest n on the plot")
    ns = np.unique(np.round(np.logspace(0, np.log10(n_max), 200)).astype(int))
    stds = {s: np.array([_spread(s, int(k), m)[1] for k in ns]) for s in SCHEMES}
    marked = {s: _spread(s, n, m)[1] for s in SCHEMES}
    return ComparisonView(n, m, ns, stds, marked)


class ComparisonFigure:
    """One figure that draws :class:`ComparisonView` after :class:`ComparisonView`:
    the curves, marks, line at ``n`` and title are updated, the axes, ticks
    and legend made once (see :class:`SchemeFigure`).

    Parameters
    ----------
    ax : matplotlib.axes.Axes, optional
        Draw on this axes; by default a new 5 x 4.2 inch figure.
    """

    def __init__(self, ax=None):
        import matplotlib.pyplot as plt

        if ax is None:
            _, (ax,) = _figure(5.0, 4.2, [(0.9, 0.6, 3.8, 3.0)])
        self.ax, self.fig = ax, ax.figure
        with plt.rc_context(_STYLE):
            self.curves, self.marks = {}, {}
            for i, s in enumerate(SCHEMES):
                (self.curves[s],) = ax.loglog([1.0, 10.0], [1.0, 0.1], color=f"C{i}",
                                             label=SCHEME_LABELS[s])
                (self.marks[s],) = ax.plot([1.0], [1.0], "o", color=f"C{i}")
            self.at_n = ax.axvline(1.0, color="0.5", linestyle=":", linewidth=1)
            _log_ticks(ax.xaxis)
            _log_ticks(ax.yaxis)
            ax.set_xlabel("number of inputs n")
            ax.set_ylabel("std of the weights")
            ax.set_title(" \n ", y=1.0)  # a fixed height: see SchemeFigure
            ax.legend(loc="lower left", fontsize=FONT_SIZE - 1.5)

    def update(self, view):
        """Show ``view`` (a :class:`ComparisonView`); returns the figure."""
        for s in SCHEMES:
            self.curves[s].set_data(view.ns, view.stds[s])
            self.marks[s].set_data([view.n], [view.marked[s]])
        self.at_n.set_xdata([view.n, view.n])
        _autoscale(self.ax)
        values = ", ".join(f"{s.split('_')[0]} {view.marked[s]:.3g}" for s in SCHEMES)
        self.ax.title.set_text(f"The three schemes at n = {view.n}, m = {view.m}:\n{values}")
        return self.fig


def draw_comparison(view, ax=None):
    """Draw a :class:`ComparisonView` on log–log axes; returns the figure
    (a new one is 5 x 4.2 inches, for a narrow column).  To draw many views,
    reuse one :class:`ComparisonFigure` instead."""
    return ComparisonFigure(ax).update(view)


def figure_png(fig, *, dpi=CSS_PX_PER_INCH * PIXEL_DENSITY, colors=64):
    """Render ``fig`` to compact PNG bytes and close it (for pre-rendered widget images).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    dpi : float, default 200
        Pixels per inch of figure: twice :data:`CSS_PX_PER_INCH`, so that
        :func:`winit.book.widgets.picture`, which shows the image at half its
        pixel width, is sharp on a 2x screen.
    colors : int or None, default 64
        Size of the adaptive palette the image is reduced to (a 64-colour
        picture of lines and text is several times smaller than full colour
        and looks the same); None keeps full colour.

    Returns
    -------
    bytes
        The PNG file.

    See Also
    --------
    render_png : the same, leaving the figure open to draw the next picture on.
    """
    import matplotlib.pyplot as plt

    try:
        return render_png(fig, dpi=dpi, colors=colors)
    finally:
        plt.close(fig)


def render_png(fig, *, dpi=CSS_PX_PER_INCH * PIXEL_DENSITY, colors=64):
    """PNG bytes of ``fig`` as :func:`figure_png` makes them, without closing
    the figure (a reused :class:`SchemeFigure`, :class:`ComparisonFigure` or
    :class:`DepthFigure` draws its next picture on it)."""
    return render_image(fig, dpi=dpi, colors=colors, format="png")


#: File formats :func:`render_image` writes, and their MIME types.
IMAGE_FORMATS = {"png": "image/png", "webp": "image/webp"}


def render_image(fig, *, dpi=CSS_PX_PER_INCH * PIXEL_DENSITY, colors=64, format="png"):
    """The image file of ``fig``, without closing the figure.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    dpi : float, default 200
        Pixels per inch of figure (see :func:`figure_png`).
    colors : int or None, default 64
        Size of the adaptive palette; None keeps full colour (PNG only).
    format : {"png", "webp"}, default "png"
        "webp" is lossless WebP of the same pixels: about a third fewer bytes
        than the PNG, which is why the pre-rendered explorers use it (every
        browser since 2020 shows it).

    Returns
    -------
    bytes

    Raises
    ------
    ValueError
        If ``format`` is not one of :data:`IMAGE_FORMATS`, or ``colors`` is
        None with ``format="webp"``.
    """
    check_choice(format, "format", tuple(IMAGE_FORMATS))
    if colors is None:
        if format != "png":
            raise ValueError(f"format must be 'png' with colors=None (full colour is written as "
                             f"PNG only); got {format!r}")
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi, facecolor="white")
        return buf.getvalue()
    return encode_image(capture_pixels(fig, dpi=dpi), colors=colors, format=format)


def capture_pixels(fig, *, dpi=CSS_PX_PER_INCH * PIXEL_DENSITY):
    """The pixels of ``fig`` drawn at ``dpi``, as a PIL RGB image of their own
    (a copy: the figure may be redrawn at once).  With :func:`encode_image`,
    what :func:`render_image` does in two steps, so that a picture can be
    encoded on another thread while the next one is drawn."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    fig.set_facecolor("white")
    if fig.get_dpi() != dpi:
        fig.set_dpi(dpi)
    canvas.draw()  # to pixels once: no PNG encoded and decoded again
    width, height = canvas.get_width_height(physical=True)
    return Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0,
                            1).convert("RGB")  # a copy, made without a strided array


def encode_image(image, *, colors=64, format="png"):
    """The file of a PIL RGB ``image`` reduced to ``colors`` colours (see
    :func:`render_image`).  Touches no matplotlib object: safe on another thread."""
    from PIL import Image

    check_choice(format, "format", tuple(IMAGE_FORMATS))
    image = image.quantize(colors=colors, method=Image.Quantize.FASTOCTREE,
                           dither=Image.Dither.NONE)
    out = io.BytesIO()
    if format == "webp":
        # lossless; method 2 is as small as the slowest effort within 1 % at a fiftieth of its time
        image.save(out, format="webp", lossless=True, method=2, quality=50)
    else:
        image.save(out, format="png")
    return out.getvalue()


# --------------------------------------------------------------------------
# Depth explorer: signals through a deep network at initialisation
# --------------------------------------------------------------------------

#: Initialisations the depth explorer offers: the experiments' four
#: (``winit.experiments.INITS``), and the naive N(0, 1), which makes
#: signals explode.
DEPTH_INITS = ("standard", "normalized", "lecun", "he", "unit")
DEPTH_INIT_LABELS = {
    "standard": "U[±1/√n] (tutorial's xavier)",
    "normalized": "U[±√6/√(n+m)] (Glorot)",
    "lecun": "N(0, 1/n) (He et al.'s 'Xavier')",
    "he": "N(0, 2/n) (He)",
    "unit": "N(0, 1)",
}


def _unit(fan_in, fan_out):
    return 1.0


#: How each of :data:`DEPTH_INITS` draws, ``(std(fan_in, fan_out), distribution)``
#: for :func:`winit.networks.init_weights`: the rules of :data:`winit.schemes.SCALINGS`
#: (the tutorial's "xavier", "normalized_xavier", LeCun's N(0, 1/n) and "he"), and N(0, 1).
DEPTH_RULES = {
    "standard": scheme_rule("xavier"),
    "normalized": scheme_rule("normalized_xavier"),
    "lecun": scheme_rule("lecun"),
    "he": scheme_rule("he"),
    "unit": (_unit, "normal"),
}
#: Grids the static site pre-renders.
DEPTH_GRID = (1, 2, 3, 5, 10, 20, 50, 100)
WIDTH_GRID = (10, 100, 1000)
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
    100 x 100 for the pre-rendered grid): a second thread gains nothing, and
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


def _depth_texts(view):
    """(suptitle text, its number of lines) of a depth picture."""
    title = textwrap.fill(f"{view.depth} layers of {view.width} {view.activation} units, "
                          f"{DEPTH_INIT_LABELS[view.init]}", 54)
    message = "\n".join(textwrap.fill(line, 54) for line in view.message.split("\n"))
    lines = 1 + title.count("\n") + 1 + message.count("\n")
    return f"{title}\n{message}", lines


def _depth_suptitle(fig, text):
    fig.suptitle(text, y=1 - 0.08 / fig.get_figheight(), va="top")


class DepthFigure:
    """One figure that draws :class:`DepthView` after :class:`DepthView`: two
    panels, one above the other, the per-layer spreads (log scale) and the
    histograms of three layers' activations (see :func:`draw_depth_view`).

    The axes, ticks and legends are made once; :meth:`update` changes the
    data, the titles and the figure's height (which follows the number of
    lines of the message), as :class:`SchemeFigure` does.

    Parameters
    ----------
    axes : pair of matplotlib.axes.Axes, optional
        Draw on these (spreads, histograms); by default a new figure 5 inches
        wide, whose height :meth:`update` sets.
    """

    #: Panels, in inches from the lower left: (left, bottom, width, height).
    BOXES = ((0.95, 3.85, 3.9, 2.5), (0.95, 0.6, 3.9, 2.3))

    def __init__(self, axes=None):
        import matplotlib.pyplot as plt
        from matplotlib.ticker import MaxNLocator

        self.resize = axes is None
        if axes is None:
            _, axes = _figure(5.0, self._height(2), self.BOXES)
        self.axes, self.fig = axes, axes[0].figure
        ax_std, ax_hist = axes
        with plt.rc_context(_STYLE):
            self.spreads = [ax_std.semilogy([1, 2], [1.0, 1.0], "o-", color=color, markersize=4,
                                            label=label)[0]
                            for label, color in (("activations h", "C0"),
                                                 ("gradients ∂L/∂z", "C3"))]
            ax_std.xaxis.set_major_locator(MaxNLocator(integer=True))
            _log_ticks(ax_std.yaxis)
            ax_std.set_xlabel("hidden layer")
            ax_std.set_ylabel("standard deviation")
            ax_std.set_title("Spread by layer (log scale)", y=1.0)  # fixed: see SchemeFigure
            self._legend_marker = None
            self.hists = [ax_hist.stairs(np.zeros(50), np.linspace(-1.0, 1.0, 51),
                                         color=f"C{i}", label=f"layer {i + 1}")
                          for i in range(3)]
            ax_hist.xaxis.set_major_locator(MaxNLocator(nbins=5))
            ax_hist.set_xlabel("activation value")
            ax_hist.set_ylabel("density")
            ax_hist.set_title(" ", y=1.0)

    @staticmethod
    def _height(lines):
        # from the bottom: x labels, histograms, x labels and panel title, spreads, title lines
        return 0.6 + 2.3 + 0.95 + 2.5 + 0.4 + 0.19 * lines

    def update(self, view):
        """Show ``view`` (a :class:`DepthView` of status other than "too
        large", which has no panels: see :func:`draw_depth_view`); returns the figure."""
        import matplotlib.pyplot as plt

        if view.status == "too large":
            raise ValueError("view must have panels to draw; a 'too large' view has none "
                             "(draw it with draw_depth_view)")
        ax_std, ax_hist = self.axes
        text, lines = _depth_texts(view)
        if self.resize:
            height = self._height(lines)
            if self.fig.get_figheight() != height:
                self.fig.set_size_inches(5.0, height)
                for ax, (x, y, w, h) in zip(self.axes, self.BOXES):
                    ax.set_position((x / 5.0, y / height, w / 5.0, h / height))
        with plt.rc_context(_STYLE):
            _depth_suptitle(self.fig, text)
        layers = np.arange(1, view.depth + 1)
        marker = "o" if view.depth <= 20 else "None"
        extent = []
        for line, values in zip(self.spreads, (view.activation_std, view.gradient_std)):
            shown = np.where(np.isfinite(values), np.maximum(values, STD_FLOOR), np.nan)
            line.set_data(layers, shown)
            line.set_marker(marker)
            extent += [v for v in shown if v == v]
        if ax_std.get_legend() is None or self._legend_marker != marker:
            with plt.rc_context(_STYLE):  # the legend copies the lines' markers when made
                ax_std.legend()
            self._legend_marker = marker
        _autoscale_log(ax_std, extent)
        with np.errstate(over="ignore", invalid="ignore"):  # finite values can still overflow v**2
            normalise = _update_samples(ax_hist, self.hists, view.samples)
        _autoscale(ax_hist)
        ax_hist.title.set_text("Three layers' activations, each / its std" if normalise
                               else "Three layers' activations")
        with plt.rc_context(_STYLE):
            ax_hist.legend(handles=[h for h in self.hists if h.axes is not None])
        return self.fig


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


def draw_depth_view(view, axes=None):
    """Draw a :class:`DepthView`: the per-layer standard deviations of the
    activations and of the back-propagated gradients (log scale, values below
    :data:`STD_FLOOR` or not finite are clipped and said so), and below them
    histograms of the first, middle and last layer's activations.  Returns the
    figure (a new one is 5 inches wide and 7.5-8 tall, the two panels one above the other, for a
    narrow column).  To draw many views, reuse one :class:`DepthFigure` instead."""
    import matplotlib.pyplot as plt

    if view.status != "too large":
        return DepthFigure(axes).update(view)
    text, lines = _depth_texts(view)
    if axes is None:  # the message alone
        fig, _ = _figure(5.0, 0.3 + 0.19 * lines, [])
    else:
        fig = axes[0].figure
        for ax in axes:
            ax.set_axis_off()
    with plt.rc_context(_STYLE):
        _depth_suptitle(fig, text)
    return fig


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
