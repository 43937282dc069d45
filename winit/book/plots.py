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


def _cell(ax, x, y, *, face, edge="0.45", lw=0.6, size=1.0):
    from matplotlib.patches import Rectangle

    ax.add_patch(Rectangle((x, y), size, size, facecolor=face, edgecolor=edge, linewidth=lw))


def weight_layouts(n_in, n_out, *, axes=None):
    """Draw a dense layer's weight matrix in both layouts, one output unit's weights coloured.

    Left: Keras, JAX and winit store the kernel as ``(n_in, n_out)`` and
    compute ``x @ W``; one output unit's ``n_in`` weights (its fan-in) are a
    column.  Right: PyTorch stores ``weight`` as ``(n_out, n_in)`` and computes
    ``x @ W.T``; the same weights are a row.

    Parameters
    ----------
    n_in, n_out : int
        The layer's inputs and outputs (each at most 12, to stay legible).
    axes : sequence of two matplotlib Axes, optional
        Where to draw; a new figure of two panels when None.

    Returns
    -------
    numpy.ndarray of Axes
        The two panels, left then right.  Each cell is a ``Rectangle`` patch;
        the coloured ones (face ``"C0"``) are output unit 1's weights.

    Raises
    ------
    TypeError, ValueError
        If ``n_in`` or ``n_out`` is not an integer from 1 to 12.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> left, right = weight_layouts(4, 2)
    >>> len(left.patches), len(right.patches)
    (8, 8)
    """
    from .._validation import check_count

    n_in = check_count(n_in, "n_in", "the layer's number of inputs", high=12)
    n_out = check_count(n_out, "n_out", "the layer's number of outputs", high=12)
    if axes is None:
        import matplotlib.pyplot as plt

        _, axes = plt.subplots(1, 2, figsize=(7.5, 3.4), layout="constrained")
    axes = np.asarray(axes, dtype=object).ravel()
    panels = (
        (axes[0], n_in, n_out, "Keras, JAX, winit: W is (n_in, n_out),  y = x @ W",
         "rows: the $n_{in}$ inputs", "columns: the $n_{out}$ outputs", "column"),
        (axes[1], n_out, n_in, "PyTorch: weight is (n_out, n_in),  y = x @ W.T",
         "rows: the $n_{out}$ outputs", "columns: the $n_{in}$ inputs", "row"),
    )
    for ax, rows, cols, title, ylabel, xlabel, which in panels:
        for r in range(rows):
            for c in range(cols):
                first = (c == 0) if which == "column" else (r == 0)
                _cell(ax, c, rows - 1 - r, face="C0" if first else "0.92")
        ax.set_xlim(-0.5, cols + 0.5)
        ax.set_ylim(-1.6, rows + 0.5)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        for side in ax.spines.values():
            side.set_visible(False)
        ax.set_title(title, fontsize="medium")
        ax.set_ylabel(ylabel)
        ax.set_xlabel(xlabel)
        ax.text(cols / 2, -0.9, f"blue: output 1's {n_in} weights (its fan-in), a {which}",
                ha="center", va="center", fontsize="small", color="C0")
    return axes


def conv_kernel_fans(in_channels, out_channels, kernel_size, *, ax=None):
    """Draw a 2-D convolution's kernel as one filter per output channel, with its two fans.

    Each output channel has a filter of ``in_channels`` slices of
    ``kernel_size x kernel_size`` weights (drawn as a stack).  One output
    value adds up a whole filter: fan-in ``in_channels * k * k`` (filter 1,
    filled blue).  One input channel is read by its slice in every filter:
    fan-out ``out_channels * k * k`` (slice 1 of every filter, outlined red).

    Parameters
    ----------
    in_channels, out_channels : int
        Channels in and out (each at most 6).
    kernel_size : int
        The side ``k`` of the square kernel (at most 5).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
        Every weight is a ``Rectangle`` patch; those of filter 1 have face
        ``"C0"``, those of input channel 1 have a red (``"C3"``) edge.  The
        title gives both fans and both shapes.

    Raises
    ------
    TypeError, ValueError
        If a count is not a positive integer within its limit.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = conv_kernel_fans(2, 3, 3)
    >>> len(ax.patches)
    54
    >>> ax.get_title().splitlines()[0]
    'fan_in = 2·3·3 = 18 (filter 1, blue);  fan_out = 3·3·3 = 27 (input channel 1, red)'
    """
    from .._validation import check_count

    c_in = check_count(in_channels, "in_channels", "the input channels", high=6)
    c_out = check_count(out_channels, "out_channels", "the output channels", high=6)
    k = check_count(kernel_size, "kernel_size", "the side of the square kernel", high=5)
    ax = _axes(ax, figsize=(7.5, 3.0))
    step = 0.45 * k / 3
    gap = k + (c_in - 1) * step + 1.5
    for o in range(c_out):
        x0 = o * gap
        for i in reversed(range(c_in)):  # back slices first, so slice 1 is in front
            for r in range(k):
                for c in range(k):
                    _cell(ax, x0 + i * step + c, i * step + r,
                          face="C0" if o == 0 else "0.92",
                          edge="C3" if i == 0 else "0.45", lw=1.6 if i == 0 else 0.6)
        ax.text(x0 + k / 2, -0.7, f"filter {o + 1}", ha="center", va="top", fontsize="small")
    fan_in, fan_out = c_in * k * k, c_out * k * k
    ax.set_xlim(-0.5, c_out * gap)
    ax.set_ylim(-2.0, k + (c_in - 1) * step + 0.5)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(f"fan_in = {c_in}·{k}·{k} = {fan_in} (filter 1, blue);  "
                 f"fan_out = {c_out}·{k}·{k} = {fan_out} (input channel 1, red)\n"
                 f"PyTorch shape ({c_out}, {c_in}, {k}, {k});  Keras/JAX shape ({k}, {k}, {c_in}, {c_out})",
                 fontsize="medium")
    return ax
