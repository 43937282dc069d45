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
from typing import NamedTuple

import numpy as np

from .._validation import check_choice, check_count
from .plots import normal_pdf, uniform_pdf
from ..schemes import (
    Summary,
    he,
    he_std,
    normalized_xavier,
    normalized_xavier_bounds,
    summarize,
    xavier,
    xavier_bounds,
)

#: The tutorial's three schemes, by the names of their winit functions.
SCHEMES = ("xavier", "normalized_xavier", "he")

#: How each scheme is labelled in plots.
SCHEME_LABELS = {
    "xavier": "xavier  U[±1/√n]",
    "normalized_xavier": "normalized xavier  U[±√6/√(n+m)]",
    "he": "he  N(0, 2/n)",
}

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
    bound: float | None  # half-width of the uniform interval; None for a normal
    std: float  # theoretical standard deviation
    caption: str


def _spread(scheme, n, m):
    """(bound or None, theoretical std) of ``scheme`` for validated n, m."""
    if scheme == "xavier":
        bound = xavier_bounds(n)[1]
        return bound, bound / np.sqrt(3.0)
    if scheme == "normalized_xavier":
        bound = normalized_xavier_bounds(n, m)[1]
        return bound, bound / np.sqrt(3.0)
    return None, he_std(n)


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


def draw_scheme_view(view, ax=None):
    """Draw a :class:`SchemeView`: the sample's histogram, the theoretical
    density, the bounds (uniform) and the statistics.  Returns the figure."""
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(figsize=(6.4, 3.4))
        fig.subplots_adjust(left=0.1, right=0.97, bottom=0.15, top=0.9)
    else:
        fig = ax.figure
    s = view.summary
    heights, edges = np.histogram(view.weights, bins=40, density=True)
    ax.stairs(heights, edges, fill=True, color="C0", alpha=0.55, label="sample")
    pad = 0.15 * (s.max - s.min)
    xs = np.linspace(s.min - pad, s.max + pad, 300)
    if view.bound is not None:
        ax.plot(xs, uniform_pdf(xs, view.bound), color="C3", label="theory")
        for x in (-view.bound, view.bound):
            ax.axvline(x, color="C3", linestyle=":", linewidth=1)
        spread = f"bounds ±{view.bound:.4g}, "
    else:
        ax.plot(xs, normal_pdf(xs, view.std), color="C3", label="theory")
        spread = ""
    ax.set_ylim(0, 1.45 * max(heights.max(), ax.get_ylim()[1]))  # room for the statistics
    ax.set_title(view.caption, fontsize="medium")
    ax.set_xlabel("weight value")
    ax.set_ylabel("density")
    ax.legend(loc="upper right", fontsize="small")
    ax.text(0.02, 0.97,
            f"{spread}theory std {view.std:.4g}\n"
            f"sample: min {s.min:.4g}, max {s.max:.4g}\nmean {s.mean:.3g}, std {s.std:.4g}",
            transform=ax.transAxes, va="top", fontsize="x-small",
            bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "0.8"})
    return fig


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


def draw_comparison(view, ax=None):
    """Draw a :class:`ComparisonView` on log–log axes; returns the figure."""
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(figsize=(7.0, 3.8))
        fig.subplots_adjust(left=0.1, right=0.97, bottom=0.13, top=0.9)
    else:
        fig = ax.figure
    for i, s in enumerate(SCHEMES):
        ax.loglog(view.ns, view.stds[s], color=f"C{i}", label=SCHEME_LABELS[s])
        ax.plot([view.n], [view.marked[s]], "o", color=f"C{i}")
    ax.axvline(view.n, color="0.5", linestyle=":", linewidth=1)
    ax.set_xlabel("number of inputs n")
    ax.set_ylabel("standard deviation of the weights")
    values = ", ".join(f"{s.split('_')[0]} {view.marked[s]:.3g}" for s in SCHEMES)
    ax.set_title(f"The three schemes at n = {view.n}, m = {view.m}: {values}", fontsize="medium")
    ax.legend(fontsize="small")
    return fig


def figure_png(fig, *, dpi=72):
    """Render ``fig`` to PNG bytes and close it (for pre-rendered widget images)."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    plt.close(fig)
    return buf.getvalue()


# --------------------------------------------------------------------------
# Depth explorer: signals through a deep network at initialisation
# --------------------------------------------------------------------------

#: Initialisations the depth explorer offers: the experiments' four, and the
#: naive N(0, 1), which makes signals explode.
DEPTH_INITS = ("standard", "normalized", "xavier", "he", "unit")
DEPTH_INIT_LABELS = {
    "standard": "U[±1/√n] (tutorial's xavier)",
    "normalized": "U[±√6/√(n+m)] (Glorot)",
    "xavier": "N(0, 1/n)",
    "he": "N(0, 2/n) (He)",
    "unit": "N(0, 1)",
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
    status: str  # "ok", "vanishing", "exploding", "overflow" or "too large"
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
    rules = {
        "standard": (lambda i, o: 1.0 / np.sqrt(3.0 * i), "uniform"),
        "normalized": (lambda i, o: np.sqrt(2.0 / (i + o)), "uniform"),
        "xavier": (lambda i, o: 1.0 / np.sqrt(i), "normal"),
        "he": (lambda i, o: np.sqrt(2.0 / i), "normal"),
        "unit": (lambda i, o: 1.0, "normal"),
    }
    rule, distribution = rules[init]
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, width))
    y = rng.integers(0, 10, size=batch)
    params = init_weights([width] * (depth + 1) + [10], std=rule, distribution=distribution,
                          rng=rng)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        rec = forward(params, x, activation)
        grads = backward(params, rec, y)
        acts = rec.activations
        act_std = np.array([a.std() for a in acts])
        grad_std = np.array([g.std() for g in grads.grad_pre_activations[:-1]]) * batch
    picks = sorted({1, (depth + 1) // 2, depth})
    samples = {layer: acts[layer - 1].ravel()[:4000] for layer in picks}
    finite = np.isfinite(act_std).all() and np.isfinite(grad_std).all()
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        act_change = act_std[-1] / act_std[0]  # last layer against the first
        grad_change = grad_std[0] / grad_std[-1]  # first layer against the last
    if not finite:
        status, message = "overflow", ("Overflow: the signal became inf or nan; the weights are far "
                                       "too large for this depth. Plotted where it is finite.")
    elif not act_change >= 0.1 or not grad_change >= 0.1:  # 'not >=' also catches 0/0
        status, message = "vanishing", (f"Vanishing: last layer's activations × {act_change:.1e}, "
                                        f"first layer's gradients × {grad_change:.1e} "
                                        "(against the other end).")
    elif act_change > 10 or grad_change > 10:
        status, message = "exploding", (f"Exploding: last layer's activations × {act_change:.1e}, "
                                        f"first layer's gradients × {grad_change:.1e} "
                                        "(against the other end).")
    else:
        status, message = "ok", (f"Stable: last layer's activations × {act_change:.2f}, first "
                                 f"layer's gradients × {grad_change:.2f} (against the other end).")
    return DepthView(depth, width, activation, init, act_std, grad_std, samples, status, message)


def draw_depth_view(view, axes=None):
    """Draw a :class:`DepthView`: the per-layer standard deviations of the
    activations and of the back-propagated gradients (log scale, values below
    :data:`STD_FLOOR` or not finite are clipped and said so), and histograms
    of the first, middle and last layer's activations.  Returns the figure."""
    import matplotlib.pyplot as plt

    if axes is None:
        fig, axes = plt.subplots(1, 2, figsize=(9.6, 3.6))
        fig.subplots_adjust(left=0.08, right=0.98, bottom=0.16, top=0.8, wspace=0.28)
    else:
        fig = axes[0].figure
    ax_std, ax_hist = axes
    title = (f"{view.depth} × {view.width} units, {view.activation}, "
             f"{DEPTH_INIT_LABELS[view.init]}")
    fig.suptitle(f"{title}\n{view.message}", fontsize="medium")
    if view.status == "too large":
        for ax in axes:
            ax.set_axis_off()
        return fig
    layers = np.arange(1, view.depth + 1)
    for values, label, color in ((view.activation_std, "activations", "C0"),
                                 (view.gradient_std, "gradients ∂L/∂z", "C3")):
        shown = np.where(np.isfinite(values), np.maximum(values, STD_FLOOR), np.nan)
        ax_std.semilogy(layers, shown, "o-" if view.depth <= 20 else "-", color=color,
                        markersize=3, label=label)
    ax_std.set_xlabel("hidden layer")
    ax_std.set_ylabel("standard deviation (log)")
    ax_std.set_title("Spread by layer", fontsize="small")
    ax_std.legend(fontsize="small")
    with np.errstate(over="ignore", invalid="ignore"):  # finite values can still overflow v**2
        _draw_samples(ax_hist, view.samples)
    ax_hist.set_xlabel("activation value")
    ax_hist.set_ylabel("density")
    ax_hist.legend(fontsize="small")
    return fig


def _draw_samples(ax_hist, samples):
    """Histograms of each layer's sampled activations on one axis, or, when the
    layers' scales differ by more than 1000, of each divided by its own std."""
    finite = {k: v[np.isfinite(v)] for k, v in samples.items()}
    scales = [np.abs(v).max() for v in finite.values() if v.size and np.abs(v).max() > 0]
    # Layers whose scales differ by more than 1000 cannot share an axis: show shapes instead.
    normalise = bool(scales) and max(scales) > 1e3 * min(scales)
    for i, (layer, v) in enumerate(finite.items()):
        std = v.std()
        if normalise and np.isfinite(std) and std > 0:
            v = v / std
        if v.size:
            spread = max(np.abs(v).max(), 1e-300) if normalise else max(max(scales, default=1.0), 1e-300)
            heights, edges = np.histogram(v, bins=50, range=(-spread, spread), density=True)
            ax_hist.stairs(heights, edges, color=f"C{i}", label=f"layer {layer}")
    if normalise:
        ax_hist.set_title("Activations of three layers, each divided by its std", fontsize="small")
    else:
        ax_hist.set_title("Activations of three layers", fontsize="small")
