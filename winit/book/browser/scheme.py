"""The scheme explorer: one node's weights, its weighted sum over unit inputs, and its
activation, for any scheme, n and m, computed and drawn in the reader's browser.

The front end (``js/scheme.js``) draws 1,000 weights and 2,000 sums with a seeded generator
and plots each against its exact law, which :mod:`winit.book.scheme_theory` defines and the
tests compare it with. Python holds the settings and draws the first state as a picture
(:meth:`SchemeExplorer.first_state_png`) for front ends that show outputs before any code
runs (a notebook opened before running, the PDF).
"""

from __future__ import annotations

import math

import numpy as np
import traitlets

from ..._validation import check_choice, check_count
from ..scheme_theory import (
    ACTIVATION_CHOICES,
    MAX_FAN,
    SCHEME_CHOICES,
    activation_density,
    draw_sums,
    scheme_label,
    state_sentence,
    sum_density,
    sum_std,
    weight_density,
    weight_law,
)
from ._assets import SCHEME_RULES, BrowserExplorer, check_seed, setting

#: How many weights the explorer shows, and how many sums z.
WEIGHTS, SUMS = 1000, 2000
#: Bins of every histogram.
BINS = 40
#: ReLU's point mass at 0 is a bar this many bins wide, left of 0 (wide enough to see on a
#: phone), of height mass / its width: its area is the mass, its top cut by the axes.
MASS_BINS = 3
#: The schemes of the comparison panel (the tutorial's three).
COMPARED = ("xavier", "normalized_xavier", "he")


def plot_ranges(scheme, n, m, activation):
    """The x ranges of the three histograms: ``{"w": (lo, hi), "z": ..., "h": ...}``.

    Uniform weights: 1.15 times their interval; normal weights: 4 standard deviations. z:
    4 standard deviations, or 1.1 times its whole interval when that is narrower (n = 1 to
    3 uniform weights). The activation: [-1, 1] for tanh, [0, z's right end] for ReLU (its
    point mass at 0 is drawn as a bar :data:`MASS_BINS` bins wide left of 0). The front end uses the
    same ranges (tests compare them).

    Parameters
    ----------
    scheme, n, m, activation
        As :class:`SchemeExplorer`.

    Returns
    -------
    dict
        ``"w"``, ``"z"``, ``"h"``: each a pair of floats (left end, right end).

    Raises
    ------
    TypeError, ValueError
        If a setting is of the wrong type or out of range.

    Examples
    --------
    >>> plot_ranges("xavier", 1, 1, "relu")["z"]
    (-1.1, 1.1)
    """
    family, spread = weight_law(scheme, n, m)
    activation = check_choice(activation, "activation", ACTIVATION_CHOICES)
    w_end = 1.15 * spread if family == "uniform" else 4 * spread
    z_end = 4 * sum_std(scheme, n, m)
    if family == "uniform" and n * spread < z_end:
        z_end = 1.1 * n * spread
    h = (-1.0, 1.0) if activation == "tanh" else (0.0, z_end)
    return {"w": (-w_end, w_end), "z": (-z_end, z_end), "h": h}


class SchemeExplorer(BrowserExplorer):
    """The scheme explorer: pick a scheme, n, m and an activation, and see the weights, the
    sum z over unit inputs, and the activation, each against its exact law.

    Parameters
    ----------
    scheme : str, default "xavier"
        One of :data:`winit.book.scheme_theory.SCHEME_CHOICES`.
    n, m : int, default 10 and 20
        The layer's numbers of inputs and outputs, 1 to 1,000 (m counts for normalized
        xavier only).
    activation : {"tanh", "relu"}, default "tanh"
    seed : int, default 0
        Seed of the front end's generator (0 to 2**32 - 1); "Draw again" adds 1.

    Raises
    ------
    TypeError, ValueError
        If a setting is of the wrong type or out of range; the message names it.

    Examples
    --------
    >>> SchemeExplorer("he", n=37, activation="relu")
    SchemeExplorer(activation='relu', m=20, n=37, scheme='he', seed=0)
    """

    kind = "scheme"

    scheme = setting(traitlets.Unicode("xavier"),
                     lambda v: check_choice(v, "scheme", SCHEME_CHOICES))
    n = setting(traitlets.Int(10), lambda v: check_count(
        v, "n", "the number of inputs to the node", high=MAX_FAN))
    m = setting(traitlets.Int(20), lambda v: check_count(
        v, "m", "the number of outputs of the layer", high=MAX_FAN))
    activation = setting(traitlets.Unicode("tanh"),
                         lambda v: check_choice(v, "activation", ACTIVATION_CHOICES))
    seed = setting(traitlets.Int(0), lambda v: check_seed(v, "the seed of the explorer's generator"))
    #: The menu of schemes, [[name, label], ...] (not the reader's to change).
    choices = traitlets.List().tag(sync=True)

    @traitlets.default("choices")
    def _choices(self):
        return [[name, f"{scheme_label(name)}: {SCHEME_RULES[name]}"] for name in SCHEME_CHOICES]

    def __init__(self, scheme="xavier", *, n=10, m=20, activation="tanh", seed=0, **kwargs):
        super().__init__(scheme=scheme, n=n, m=m, activation=activation, seed=seed, **kwargs)

    def sentence(self):
        """What the explorer says of its state (its aria-live text)."""
        return state_sentence(self.scheme, self.n, self.m, self.activation)

    def first_state_png(self):
        """The first state drawn with matplotlib: four panels (weights, z, the activation,
        the three schemes' spread against n), as PNG bytes (64 colours)."""
        from ..plots import figure_png

        return figure_png(draw_scheme_state(self.scheme, self.n, self.m, self.activation,
                                            seed=self.seed))


def draw_scheme_state(scheme, n, m, activation, *, seed=0):
    """The explorer's picture of a setting, with matplotlib: the weights, z over unit inputs,
    the activation (ReLU's point mass at 0 a bar of its own) each against its theory, and the
    tutorial's three schemes' standard deviation against n with n marked.

    Parameters
    ----------
    scheme, n, m, activation
        As :class:`SchemeExplorer`.
    seed : int, default 0
        Seed of numpy's generator for the samples (:func:`~winit.book.scheme_theory.draw_sums`);
        the picture shows the same laws as the front end, not its very draws.

    Returns
    -------
    matplotlib.figure.Figure
        8 x 6.4 inches, four panels.

    Raises
    ------
    TypeError, ValueError
        If a setting is of the wrong type or out of range.
    """
    from ..plots import FONT_SIZE, _STYLE, _figure
    import matplotlib.pyplot as plt

    ranges = plot_ranges(scheme, n, m, activation)
    w, z = draw_sums(scheme, n, m, weights=WEIGHTS, sums=SUMS, rng=seed)
    h = np.tanh(z) if activation == "tanh" else np.maximum(z, 0.0)
    fig, axes = _figure(8.0, 6.4, [(0.75, 3.55, 3.0, 2.15), (4.75, 3.55, 3.0, 2.15),
                                    (0.75, 0.55, 3.0, 2.15), (4.75, 0.55, 3.0, 2.15)])
    ax_w, ax_z, ax_h, ax_cmp = axes
    family, spread = weight_law(scheme, n, m)
    with plt.rc_context(_STYLE):
        label = scheme_label(scheme)
        fans = f"n = {n}, m = {m}" if scheme == "normalized_xavier" else f"n = {n}"
        fig.suptitle(f"{label}, {fans}, {activation}", y=0.985)
        for ax, values, key, title, theory, xlabel in (
                (ax_w, w, "w", f"{WEIGHTS:,} weights", weight_density, "weight w"),
                (ax_z, z, "z", f"z = Σ w·x, {SUMS:,} sums", sum_density, "z")):
            lo, hi = ranges[key]
            ax.hist(values, bins=np.linspace(lo, hi, BINS + 1), weights=np.full(values.size, BINS / ((hi - lo) * values.size)),
                    color="C0", alpha=0.55, label="sample")
            xs = np.linspace(lo, hi, 401)
            ax.plot(xs, theory(xs, scheme, n, m), color="C3", label="theory")
            ax.set(title=title, xlabel=xlabel, ylabel="density")
        lo, hi = ranges["h"]
        edges = np.linspace(lo, hi, BINS + 1)
        xs = np.linspace(lo, hi, 401)
        dens, mass = activation_density(xs, scheme, n, m, activation)
        if activation == "relu":
            width = edges[1] - edges[0]
            zero = h == 0
            ax_h.hist(h[~zero], bins=edges, weights=np.full((~zero).sum(), 1 / (width * h.size)),
                      color="C0", alpha=0.55, label="sample")
            # the point mass at 0: a bar of its own, left of 0, cut at the top of the axes
            wide = MASS_BINS * width
            ax_h.bar([-wide / 2], [zero.mean() / wide], width=wide, color="C0", alpha=0.55)
            ax_h.bar([-wide / 2], [mass / wide], width=wide, fill=False, edgecolor="C3",
                     label=f"P(h = 0) = {mass:g}, bar cut")
            ax_h.set_ylim(0, 1.25 * max(dens.max(), 1e-300))
            ax_h.set_xlim(-wide, hi)
            xs, dens = xs[1:], dens[1:]
        else:
            ax_h.hist(h, bins=edges, density=True, color="C0", alpha=0.55, label="sample")
        ax_h.plot(xs, dens, color="C3", label="theory")
        ax_h.set(title=f"h = {activation}(z)", xlabel="h", ylabel="density")
        ns = np.unique(np.round(np.logspace(0, math.log10(MAX_FAN), 60)).astype(int))
        from ...schemes import scheme_std

        for i, s in enumerate(COMPARED):
            ax_cmp.loglog(ns, [scheme_std(s, int(k), m) for k in ns], color=f"C{i}",
                          label=scheme_label(s))
            ax_cmp.plot([n], [scheme_std(s, n, m)], "o", color=f"C{i}")
        ax_cmp.axvline(n, color="0.5", linestyle=":", linewidth=1)
        ax_cmp.set(title="std of the weights against n", xlabel="n", ylabel="std")
        for ax in axes:
            ax.legend(fontsize=FONT_SIZE - 3, loc="upper right")
    return fig
