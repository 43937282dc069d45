"""What the book's interactive explorers draw, as plain functions.

The widgets in :mod:`winit.widgets` only wire controls to these functions,
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

from ._validation import check_choice, check_count
from .plots import normal_pdf, uniform_pdf
from .schemes import (
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
