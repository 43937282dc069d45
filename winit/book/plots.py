"""Plots the chapters draw, with labelled axes and titles.

Each function draws on a matplotlib ``Axes`` (a new figure when ``ax`` is
None) and returns that ``Axes``, so a chapter can compose panels and end the
cell with ``plt.show()``.
"""

from __future__ import annotations

import math

import numpy as np

from .._numerics import mean_std
from .._validation import check_array, check_real


def _axes(ax, figsize=(6.4, 4.0)):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def range_errorbar(ns, half_widths, *, ax=None, label=None, color=None, title=None,
                   ylabel="weight value"):
    """Draw, for each ``n``, a bar from ``-h`` to ``+h`` centred on 0.

    This is the tutorial's ``pyplot.errorbar(values, [0.0] * len(values),
    yerr=results)`` with labels: the bar at ``n`` spans the interval the
    weights of a node with ``n`` inputs are drawn from (or, for a normal
    distribution, one standard deviation either side of 0).
    """
    ns = check_array(ns, "ns", "the numbers of inputs", dtype="real", ndim=1)
    half_widths = check_array(half_widths, "half_widths", "the half-width of the bar at each n",
                              dtype="float64", shape=ns.shape)
    ax = _axes(ax)
    ax.errorbar(ns, np.zeros_like(half_widths), yerr=half_widths, fmt="none",
                ecolor=color, elinewidth=1.2, label=label)
    ax.axhline(0.0, color="0.6", linewidth=0.8)
    ax.set_xlabel("number of inputs $n$")
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if label:
        ax.legend()
    return ax


def uniform_pdf(x, bound):
    """Density of U[-bound, +bound] at ``x``."""
    bound = check_real(bound, "bound", "the half-width of the interval", positive=True)
    x = np.asarray(x, dtype=float)
    return np.where(np.abs(x) <= bound, 1.0 / (2.0 * bound), 0.0)


def normal_pdf(x, std):
    """Density of N(0, std^2) at ``x``."""
    std = check_real(std, "std", "the standard deviation", positive=True)
    x = np.asarray(x, dtype=float)
    return np.exp(-0.5 * (x / std) ** 2) / (std * math.sqrt(2.0 * math.pi))


def sample_histogram(w, *, pdf=None, ax=None, bins=40, title=None, pdf_label="theory",
                     xlabel="weight value"):
    """Histogram of the weights ``w`` as a density, with the density ``pdf`` over it.

    ``pdf`` is a function of ``x`` (e.g. ``lambda x: uniform_pdf(x, a)``) or
    None.  The sample's mean and standard deviation go in the legend.

    Raises
    ------
    TypeError
        If ``w`` is not an array of real numbers.
    ValueError
        If ``w`` is empty or holds NaN or an infinity (a histogram of them
        would drop them and its legend read "mean nan").
    """
    w = check_array(w, "w", "the weights to draw", dtype="float64", min_size=1).ravel()
    mean, std = mean_std(w)
    ax = _axes(ax)
    ax.hist(w, bins=bins, density=True, color="C0", alpha=0.55,
            label=f"sample: mean {mean:.3f}, std {std:.3f}")
    if pdf is not None:
        lo, hi = w.min(), w.max()
        pad = 0.1 * (hi - lo) if hi > lo else 1.0
        xs = np.linspace(lo - pad, hi + pad, 400)
        ax.plot(xs, pdf(xs), color="C3", linewidth=2, label=pdf_label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("density")
    if title:
        ax.set_title(title)
    ax.legend(loc="lower center", fontsize="small")
    return ax


def drawn(fig):
    """What a matplotlib figure draws, as arrays: the data a test checks.

    nbval compares a chapter's text outputs, not its pictures, so a figure
    drawn from a wrong formula would pass.  A chapter hands its figure to
    this function in a hidden checking cell and asserts the data against the
    closed form; tests do the same for the explorers.

    Parameters
    ----------
    fig : matplotlib.figure.Figure

    Returns
    -------
    list of dict
        One dict per axes, in ``fig.axes`` order, with keys ``"title"``,
        ``"xlabel"``, ``"ylabel"``, ``"lines"`` (``{label: (x, y)}`` for every
        line, unlabelled ones under ``"_lineN"``), ``"bars"`` (a list of
        ``(left_edges, widths, heights)``, one per bar container, e.g. a
        histogram) and ``"errorbars"`` (a list of ``(x, y_low, y_high)``,
        one per error-bar container).
    """
    from matplotlib.container import BarContainer, ErrorbarContainer

    out = []
    for ax in fig.axes:
        lines = {}
        for line in ax.get_lines():
            x = np.asarray(line.get_xdata(), dtype=float)
            y = np.asarray(line.get_ydata(), dtype=float)
            lines[line.get_label()] = (x, y)
        bars, errorbars = [], []
        for c in ax.containers:
            if isinstance(c, BarContainer):
                bars.append((np.array([p.get_x() for p in c.patches]),
                             np.array([p.get_width() for p in c.patches]),
                             np.array([p.get_height() for p in c.patches])))
            elif isinstance(c, ErrorbarContainer):
                _, _, cols = c.lines
                for col in cols:
                    segs = col.get_segments()
                    errorbars.append((np.array([s[0][0] for s in segs]),
                                      np.array([min(s[0][1], s[1][1]) for s in segs]),
                                      np.array([max(s[0][1], s[1][1]) for s in segs])))
        out.append({"title": ax.get_title(), "xlabel": ax.get_xlabel(),
                    "ylabel": ax.get_ylabel(), "lines": lines, "bars": bars,
                    "errorbars": errorbars})
    return out
