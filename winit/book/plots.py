"""Plots the chapters draw, with labelled axes and titles.

Each function draws on a matplotlib ``Axes`` (a new figure when ``ax`` is
None) and returns that ``Axes``, so a chapter can compose panels and end the
cell with ``plt.show()``.
"""

from __future__ import annotations

import math

import numpy as np

from .._validation import check_real


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
    ns = np.asarray(ns)
    half_widths = np.asarray(half_widths, dtype=float)
    if ns.shape != half_widths.shape or ns.ndim != 1:
        raise ValueError(
            "ns and half_widths must be 1-D sequences of the same length; "
            f"got shapes {ns.shape} and {half_widths.shape}"
        )
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
    """
    w = np.asarray(w, dtype=float).ravel()
    if w.size == 0:
        raise ValueError("w must hold at least one weight; got an empty array")
    ax = _axes(ax)
    ax.hist(w, bins=bins, density=True, color="C0", alpha=0.55,
            label=f"sample: mean {w.mean():.3f}, std {w.std():.3f}")
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
