"""The style and PNG encoding of the explorers' first-state pictures.

The explorers themselves compute and draw in the reader's browser
(``winit.book.browser``); :func:`figure_png` and the figures' style
(:data:`FONT_SIZE`, ``_figure``) draw the picture of an explorer's first state that a
notebook shows before it runs (and the PDF prints).
"""

from __future__ import annotations

import io

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
