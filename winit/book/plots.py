"""Plots the chapters draw, with labelled axes and titles.

Each function draws on a matplotlib ``Axes`` (a new figure when ``ax`` is
None) and returns that ``Axes``, so a chapter can compose panels and end the
cell with ``plt.show()``.

The explorers (``winit.book.browser``) compute and draw in the reader's browser;
:func:`figure_png` and their figures' style (:data:`FONT_SIZE`, ``_figure``) draw the
picture of an explorer's first state that a notebook shows before it runs (and the PDF
prints).
"""

from __future__ import annotations

import io
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


# ---- the explorers' first-state pictures

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
