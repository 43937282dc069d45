"""Interactive explorers for the chapters, built with ipywidgets.

Two kinds of explorer, and the chapters say which is which:

- **Pre-rendered** (:func:`scheme_explorer`, :func:`comparison_explorer`):
  every figure for a grid of values (8 positions per slider) is drawn when
  the chapter runs, and the controls are linked to them in the browser with
  ``ipywidgets.jslink``.  They respond on the static site, with no Python
  behind the page, and in a live notebook alike.
- **Live** (:func:`live_scheme_explorer`, :func:`live_comparison_explorer`):
  the controls take any value and a Python callback redraws the figure.
  They need a running kernel (JupyterLab, VS Code).

The functions here only wire controls to figures; what each figure shows is
computed by :mod:`winit.book.explorers`, where it is tested.
"""

from __future__ import annotations

import base64
import contextlib
import html
import io

from .._validation import check_choice, check_member
from .explorers import (
    DEPTH_GRID,
    ComparisonFigure,
    DepthFigure,
    SchemeFigure,
    DEPTH_INIT_LABELS,
    DEPTH_INITS,
    M_GRID,
    N_GRID,
    PIXEL_DENSITY,
    SCHEME_LABELS,
    SCHEMES,
    comparison_view,
    depth_view,
    draw_comparison,
    draw_depth_view,
    draw_scheme_view,
    IMAGE_FORMATS,
    figure_png,
    capture_pixels,
    encode_image,
    scheme_view,
)


def image_size(image):
    """MIME type and (width, height) in pixels of a PNG or WebP file, read from its header.

    Parameters
    ----------
    image : bytes
        The PNG or WebP file.

    Returns
    -------
    tuple
        ``(mime, width, height)``, ``mime`` "image/png" or "image/webp".

    Raises
    ------
    ValueError
        If ``image`` is not the bytes of a PNG or WebP file.
    """
    from PIL import Image, UnidentifiedImageError

    if isinstance(image, bytes):
        try:
            with Image.open(io.BytesIO(image)) as opened:   # reads the header only
                mime = IMAGE_FORMATS.get((opened.format or "").lower())
                if mime is not None:
                    return (mime, *opened.size)
        except (UnidentifiedImageError, OSError):
            pass
    raise ValueError("image must be the bytes of a PNG or WebP file")


def picture(image, alt, *, density=PIXEL_DENSITY):
    """An ``ipywidgets.HTML`` holding a PNG or WebP image with alt text.

    ``ipywidgets.Image`` has no alt attribute, so the book's pictures are
    ``<img>`` elements inside an HTML widget.  The image is shown at
    ``1/density`` of its pixel size (the explorers draw at twice the
    displayed size, so they are sharp on a 2x screen) and never wider than
    its column: on a phone it shrinks to fit.
    """
    import ipywidgets as widgets

    return widgets.HTML(_img(image, alt, density))


def _img(image, alt, density=PIXEL_DENSITY):
    mime, width, height = image_size(image)
    data = base64.b64encode(image).decode("ascii")
    return (f'<img src="data:{mime};base64,{data}" alt="{html.escape(alt, quote=True)}" '
            f'width="{round(width / density)}" height="{round(height / density)}" '
            'style="max-width: 100%; height: auto;">')


class _Pictures:
    """The pictures of a pre-rendered explorer, drawn on this thread and
    encoded (palette, WebP) on a second one while the next is drawn: the same
    bytes in about a third less time on two cores (the depth explorer's 72
    pictures: 21 s -> 15 s).  Use as a context manager; every picture has its
    image when the ``with`` block ends."""

    def __enter__(self):
        from concurrent.futures import ThreadPoolExecutor

        self._pool = ThreadPoolExecutor(max_workers=1)
        self._pending = []
        return self

    def add(self, fig, alt):
        """An HTML widget that will show ``fig`` as it is now, with ``alt`` text."""
        import ipywidgets as widgets

        shown = widgets.HTML()
        job = self._pool.submit(encode_image, capture_pixels(fig), format="webp")
        self._pending.append((shown, job, alt))
        return shown

    def __exit__(self, *exc):
        try:
            if exc[0] is None:
                for shown, job, alt in self._pending:
                    shown.value = _img(job.result(), alt)
        finally:
            self._pool.shutdown(cancel_futures=True)
        return False


@contextlib.contextmanager
def _pictures_on(canvas):
    """:class:`_Pictures` for the pictures of one explorer, all drawn on
    ``canvas`` (one figure, its artists updated: a new figure per picture costs
    twice as much); the figure is closed when the ``with`` block ends."""
    import matplotlib.pyplot as plt

    try:
        with _Pictures() as pics:
            yield pics
    finally:
        plt.close(canvas.fig)


def _explorer(children, *, live):
    """A ``VBox`` of ``children`` whose plain-text form (what a notebook shows
    where widgets are not rendered: a notebook not yet run or not trusted) tells
    the reader what to do instead of listing its children."""
    import ipywidgets as widgets

    # at most 110 characters: ipywidgets cuts a longer repr
    text = (f"[{'Live explorer' if live else 'Explorer'}: "
            "run the notebook (Run > Run All Cells) to see it here]")

    class Explorer(widgets.VBox):
        def __repr__(self):
            return text

    return Explorer(children)


def linked_stack(children, control):
    """A ``Stack`` of ``children`` whose visible child follows ``control.index``
    in the browser (``jslink``), with no kernel needed."""
    import ipywidgets as widgets

    stack = widgets.Stack(children=list(children), selected_index=control.index)
    widgets.jslink((control, "index"), (stack, "selected_index"))
    return stack


def grid_slider(options, value, description):
    """A slider over ``options`` and the row that shows it.

    The value is shown by a ``Label`` stack linked to the slider in the
    browser, not by the slider's own readout: that readout can be typed
    into, and a typed value would not move the pre-rendered figure, which
    follows the slider's position only.  Returns ``(slider, row)``.
    """
    import ipywidgets as widgets

    slider = widgets.SelectionSlider(options=list(options), value=value,
                                     description=description, readout=False)
    shown = linked_stack([widgets.Label(str(v)) for v in options], slider)
    return slider, widgets.HBox([slider, shown])


def _scheme_alt(view):
    return (f"Histogram of {view.weights.size} {view.caption} weights with the theoretical density, "
            f"bounds or standard deviation, and the sample statistics")


def _scheme_picture(pictures, canvas, scheme, n, m, size, seed):
    """The picture of one setting, drawn on ``canvas`` (a reused :class:`SchemeFigure`)."""
    view = scheme_view(scheme, n, m, size=size, seed=seed)
    return pictures.add(canvas.update(view), _scheme_alt(view))


def scheme_explorer(scheme="xavier", *, n=10, m=20, n_grid=N_GRID, m_grid=M_GRID,
                    size=1000, seed=0):
    """Pre-rendered explorer of the three schemes: scheme buttons, a slider for
    ``n`` (and, for normalized xavier, one for ``m``) over the grids, and the
    figure of :func:`~winit.book.explorers.draw_scheme_view`.

    ``scheme``, ``n`` and ``m`` are the initial setting (``n`` and ``m`` must
    be in the grids).  With a single value in ``m_grid``, m is fixed and has
    no slider.  Works on the static site.
    """
    import ipywidgets as widgets

    scheme = check_choice(scheme, "scheme", SCHEMES)
    check_member(n, "n", n_grid, "the grid values")
    check_member(m, "m", m_grid, "the grid values")
    pick = widgets.ToggleButtons(options=[(SCHEME_LABELS[s].split("  ")[0], s) for s in SCHEMES],
                                 value=scheme, description="scheme")
    n_slider, n_row = grid_slider(n_grid, n, "n inputs")
    # m only matters for normalized xavier, so its slider is shown with that scheme only.
    m_slider, m_row = grid_slider(m_grid, m, "m outputs")
    # xavier and he do not depend on m: one picture per n, and no m slider.
    canvas = SchemeFigure()
    per_scheme = []
    with _pictures_on(canvas) as pics:
        for s in SCHEMES:
            if s == "normalized_xavier" and len(m_grid) > 1:
                by_m = [linked_stack([_scheme_picture(pics, canvas, s, k, mm, size, seed)
                                      for k in n_grid], n_slider)
                        for mm in m_grid]
                per_scheme.append(widgets.VBox([m_row, linked_stack(by_m, m_slider)]))
            else:
                per_scheme.append(linked_stack(
                    [_scheme_picture(pics, canvas, s, k, m, size, seed) for k in n_grid],
                    n_slider))
    return _explorer([pick, n_row, linked_stack(per_scheme, pick)], live=False)


def comparison_explorer(*, n=10, m=10, n_grid=N_GRID):
    """Pre-rendered comparison: a slider for ``n`` over the grid and the three
    schemes' standard deviations against n, with that n marked."""
    import ipywidgets as widgets

    check_member(n, "n", n_grid, "the grid values")
    n_slider, n_row = grid_slider(n_grid, n, "n inputs")
    pictures = []
    canvas = ComparisonFigure()
    with _pictures_on(canvas) as pics:
        for k in n_grid:
            view = comparison_view(k, m)
            alt = (f"Standard deviation of the xavier, normalized xavier (m = {m}) and he "
                   f"schemes against n on log-log axes, with n = {k} marked")
            pictures.append(pics.add(canvas.update(view), alt))
    return _explorer([n_row, linked_stack(pictures, n_slider)], live=False)


def _live(controls, render, shown_when=None):
    """Wire ``controls`` (a dict of widgets) to ``render(**values) -> (png, alt)``.

    ``shown_when`` maps a control's name to a function of the current values
    that says whether the control matters (a control that changes nothing is
    hidden).  While a figure is recomputed, a line under the controls says so.
    """
    import ipywidgets as widgets

    shown = widgets.HTML()
    status = widgets.Label("")
    shown_when = shown_when or {}

    def update(_=None):
        values = {k: c.value for k, c in controls.items()}
        for name, test in shown_when.items():
            controls[name].layout.display = "" if test(values) else "none"
        status.value = "Recomputing the figure ..."
        try:
            shown.value = picture(*render(**values)).value
        except (ValueError, TypeError) as err:  # a setting the scheme refuses: say so
            shown.value = f"<p><b>Cannot draw this setting:</b> {html.escape(str(err))}</p>"
        finally:
            status.value = ""

    for c in controls.values():
        c.observe(update, names="value")
    update()
    return _explorer([*controls.values(), status, shown], live=True)


def live_scheme_explorer(scheme="xavier", *, n=10, m=20, size=1000, seed=0):
    """Live explorer (needs a kernel): any n and m from 1 to 100,000."""
    import ipywidgets as widgets

    controls = {
        "scheme": widgets.Dropdown(options=[(SCHEME_LABELS[s], s) for s in SCHEMES], value=scheme,
                                   description="scheme"),
        "n": widgets.BoundedIntText(value=n, min=1, max=100_000, description="n inputs"),
        "m": widgets.BoundedIntText(value=m, min=1, max=100_000, description="m outputs"),
    }

    def render(scheme, n, m):
        view = scheme_view(scheme, n, m, size=size, seed=seed)
        return figure_png(draw_scheme_view(view)), _scheme_alt(view)

    # m changes nothing for xavier and he: its box is shown with normalized xavier only.
    return _live(controls, render, {"m": lambda v: v["scheme"] == "normalized_xavier"})


def live_comparison_explorer(*, n=10, m=10):
    """Live comparison (needs a kernel): any n and m from 1 to 100,000."""
    import ipywidgets as widgets

    controls = {
        "n": widgets.BoundedIntText(value=n, min=1, max=100_000, description="n inputs"),
        "m": widgets.BoundedIntText(value=m, min=1, max=100_000, description="m outputs"),
    }

    def render(n, m):
        view = comparison_view(n, m, n_max=max(10_000, n))
        return figure_png(draw_comparison(view)), f"The three schemes' standard deviations, n = {n}"

    return _live(controls, render)


def _depth_setting(depth, width, activation, init, seed):
    """(view, alt text) of one setting of the depth explorers."""
    view = depth_view(depth, width, activation, init, seed=seed)
    alt = (f"Per-layer standard deviation of activations and gradients (log scale) and activation "
           f"histograms for {depth} hidden {activation} layers of {width} units initialised with "
           f"{DEPTH_INIT_LABELS[init]}. {view.message}")
    return view, alt


def _depth_picture(pictures, canvas, *setting):
    """The pre-rendered explorer's picture of one setting, drawn on ``canvas``
    (a reused :class:`DepthFigure`); a network too large to run gets its message."""
    view, alt = _depth_setting(*setting)
    if view.status == "too large":
        return picture(figure_png(draw_depth_view(view)), alt)
    return pictures.add(canvas.update(view), alt)


def depth_explorer(*, depth=5, width=100, activations=("tanh", "relu", "sigmoid"),
                   inits=("standard", "normalized", "he"), depth_grid=DEPTH_GRID, seed=0):
    """Pre-rendered depth explorer: activation and initialisation buttons and a
    depth slider over ``depth_grid``, for networks ``width`` units wide.
    Works on the static site."""
    import ipywidgets as widgets

    check_member(depth, "depth", depth_grid, "the grid values")
    act_pick = widgets.ToggleButtons(options=list(activations), description="activation")
    init_pick = widgets.ToggleButtons(options=[(DEPTH_INIT_LABELS[i], i) for i in inits],
                                      description="init", style={"button_width": "auto"})
    depth_slider, depth_row = grid_slider(depth_grid, depth, "depth")
    by_act = []
    canvas = DepthFigure()
    with _pictures_on(canvas) as pics:
        for act in activations:
            by_init = [linked_stack([_depth_picture(pics, canvas, d, width, act, init, seed)
                                     for d in depth_grid], depth_slider)
                       for init in inits]
            by_act.append(linked_stack(by_init, init_pick))
    return _explorer([act_pick, init_pick, depth_row, linked_stack(by_act, act_pick)], live=False)


def live_depth_explorer(*, depth=5, width=100, activation="tanh", init="standard", seed=0):
    """Live depth explorer (needs a kernel): any depth and width (networks of up
    to :data:`~winit.book.explorers.MAX_DEPTH_WEIGHTS` weights are drawn; larger ones
    get a message), every activation, and five initialisations including the
    exploding N(0, 1)."""
    import ipywidgets as widgets

    from ..networks import ACTIVATIONS

    controls = {
        "activation": widgets.Dropdown(options=list(ACTIVATIONS), value=activation,
                                       description="activation"),
        "init": widgets.Dropdown(options=[(DEPTH_INIT_LABELS[i], i) for i in DEPTH_INITS],
                                 value=init, description="init"),
        "depth": widgets.BoundedIntText(value=depth, min=1, max=1000, description="depth"),
        "width": widgets.BoundedIntText(value=width, min=1, max=100_000, description="width"),
    }

    def render(activation, init, depth, width):
        view, alt = _depth_setting(depth, width, activation, init, seed)
        return figure_png(draw_depth_view(view)), alt

    return _live(controls, render)
