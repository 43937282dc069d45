"""The explorers' wiring, tested without a front end (small grids, to stay fast)."""

import matplotlib

matplotlib.use("Agg")

import ipywidgets as widgets
import pytest

from winit.book.widgets import (
    comparison_explorer,
    linked_stack,
    live_comparison_explorer,
    live_scheme_explorer,
    picture,
    scheme_explorer,
)


def _png(width, height, format="png"):
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(out, format=format)
    return out.getvalue()


def test_picture_is_an_img_with_escaped_alt_text():
    p = picture(_png(10, 8), 'a "quoted" <alt>')
    assert p.value.startswith('<img src="data:image/png;base64,')
    assert 'alt="a &quot;quoted&quot; &lt;alt&gt;"' in p.value


def test_picture_is_shown_at_half_its_pixels_and_fits_a_phone():
    p = picture(_png(1000, 780), "a figure")
    assert 'width="500" height="390"' in p.value  # sharp on a 2x screen
    assert "max-width: 100%; height: auto" in p.value  # shrinks to a narrow column
    assert 'width="1000"' in picture(_png(1000, 780), "a figure", density=1).value


def test_picture_takes_webp_with_its_own_mime_type():
    p = picture(_png(1000, 780, format="webp"), "a figure")
    assert p.value.startswith('<img src="data:image/webp;base64,')
    assert 'width="500" height="390"' in p.value


@pytest.mark.parametrize("data", [b"\x89PNG fake", b"RIFF\x00\x00\x00\x00WEBPVP8L", b"",
                                  "not bytes", None])
def test_picture_refuses_what_is_not_a_png_or_webp(data):
    with pytest.raises(ValueError, match="image must be the bytes of a PNG or WebP file"):
        picture(data, "alt")


def test_picture_refuses_other_image_formats():
    with pytest.raises(ValueError, match="PNG or WebP"):
        picture(_png(4, 4, format="gif"), "alt")


def test_linked_stack_follows_the_control_in_the_browser(monkeypatch):
    links = []
    real = widgets.jslink
    monkeypatch.setattr(widgets, "jslink", lambda a, b: links.append((a, b)) or real(a, b))
    control = widgets.SelectionSlider(options=[1, 2, 3], value=2)
    stack = linked_stack([widgets.HTML(str(k)) for k in range(3)], control)
    assert stack.selected_index == 1
    assert links == [((control, "index"), (stack, "selected_index"))]


def test_scheme_explorer_prerenders_every_grid_setting():
    ex = scheme_explorer("he", n=2, m=1, n_grid=(1, 2), m_grid=(1, 5, 9))
    pick, n_row, figures = ex.children
    n_slider, n_shown = n_row.children
    assert pick.value == "he" and n_slider.value == 2
    assert not n_slider.readout and n_shown.selected_index == 1  # the value shown by a linked label
    assert [label.value for label in n_shown.children] == ["1", "2"]
    assert figures.selected_index == 2  # "he" is the third scheme
    xavier, normalized, he = figures.children
    assert len(xavier.children) == 2 and len(he.children) == 2
    m_row, by_m = normalized.children  # m is shown with normalized xavier only
    m_slider = m_row.children[0]
    assert m_slider.options == (1, 5, 9) and len(by_m.children) == 3
    assert all(len(s.children) == 2 for s in by_m.children)
    imgs = [p.value for s in by_m.children for p in s.children]
    assert len(set(imgs)) == 6  # every (n, m) draws its own figure
    assert "n = 1, m = 9" in by_m.children[2].children[0].value


def test_scheme_explorer_rejects_values_off_the_grid():
    with pytest.raises(ValueError, match=r"n must be one of the grid values \(1, 2\); got 3"):
        scheme_explorer(n=3, n_grid=(1, 2), m_grid=(20,))
    with pytest.raises(ValueError, match="scheme must be one of"):
        scheme_explorer("kaiming")


def test_comparison_explorer_has_one_figure_per_grid_value():
    ex = comparison_explorer(n=10, n_grid=(1, 10, 100))
    row, stack = ex.children
    slider = row.children[0]
    assert slider.index == 1 and stack.selected_index == 1
    assert len({p.value for p in stack.children}) == 3


def test_live_explorer_redraws_for_any_value():
    ex = live_scheme_explorer("xavier", n=10)
    scheme, n, m, status, shown = ex.children
    first = shown.value
    assert "xavier" in first and "n = 10" in first
    assert m.layout.display == "none" and status.value == ""  # m changes nothing for xavier
    n.value = 12345
    assert "n = 12345" in shown.value and shown.value != first
    scheme.value = "normalized_xavier"
    assert "n = 12345, m = 20" in shown.value and m.layout.display == ""


def test_live_explorers_survive_their_extreme_values():
    ex = live_scheme_explorer("he")
    _, n, m, _, shown = ex.children
    for value in (n.min, n.max):
        n.value = value
        assert shown.value.startswith("<img")
    cmp = live_comparison_explorer()
    n, m, _, shown = cmp.children
    n.value, m.value = n.max, m.max
    assert shown.value.startswith("<img") and f"n = {n.max}" in shown.value


def test_depth_explorer_prerenders_activation_init_and_depth():
    from winit.book.widgets import depth_explorer

    ex = depth_explorer(depth=2, width=8, activations=("tanh", "relu"), inits=("standard", "he"),
                        depth_grid=(1, 2, 3))
    act_pick, init_pick, depth_row, figures = ex.children
    depth_slider = depth_row.children[0]
    assert depth_slider.value == 2 and figures.selected_index == 0
    assert len(figures.children) == 2
    assert all(len(by_init.children) == 2 for by_init in figures.children)
    imgs = [p.value for by_init in figures.children for s in by_init.children for p in s.children]
    assert len(imgs) == 12 and len(set(imgs)) == 12
    assert 'alt="Per-layer standard deviation' in imgs[0]


def test_live_depth_explorer_gives_a_message_for_a_huge_network():
    from winit.book.widgets import live_depth_explorer

    ex = live_depth_explorer(depth=3, width=10)
    *_, depth, width, _, shown = ex.children
    depth.value, width.value = depth.max, width.max
    assert "choose fewer layers or units" in shown.value and shown.value.startswith("<img")


def test_scheme_explorer_with_a_fixed_m_has_no_m_slider():
    ex = scheme_explorer("xavier", n=1, m=20, n_grid=(1, 2), m_grid=(20,))
    figures = ex.children[-1]
    normalized = figures.children[1]
    assert isinstance(normalized, widgets.Stack) and len(normalized.children) == 2
    assert "n = 2, m = 20" in normalized.children[1].value
    assert not any(isinstance(w, widgets.SelectionSlider) and w.description == "m outputs"
                   for w in normalized.children)


def test_explorers_leave_no_figure_open():
    import matplotlib.pyplot as plt

    from winit.book.widgets import depth_explorer

    before = len(plt.get_fignums())
    scheme_explorer("xavier", n=1, m=20, n_grid=(1, 2), m_grid=(20,))
    comparison_explorer(n=1, n_grid=(1, 10))
    depth_explorer(depth=1, width=4, activations=("tanh",), inits=("he",), depth_grid=(1, 2))
    assert len(plt.get_fignums()) == before


def test_m_has_no_slider_for_the_schemes_that_ignore_it():
    ex = scheme_explorer("he", n=1, m=5, n_grid=(1, 2), m_grid=(1, 5))
    xavier, normalized, he = ex.children[-1].children
    assert isinstance(xavier, widgets.Stack) and isinstance(he, widgets.Stack)
    assert all(isinstance(p, widgets.HTML) for p in xavier.children + he.children)
    assert "m =" not in xavier.children[0].value and "m =" not in he.children[1].value
    sliders = [w.children[0] for w in ex.children if isinstance(w, widgets.HBox)]
    assert [w.description for w in sliders] == ["n inputs"]


def test_an_explorer_not_rendered_tells_the_reader_to_run_the_notebook():
    # What a notebook shows where widgets are not rendered (not yet run, or not trusted).
    from winit.book.widgets import comparison_explorer, live_comparison_explorer

    shown = comparison_explorer(n_grid=(1, 10))._repr_mimebundle_()["text/plain"]
    assert shown == "[Explorer: run the notebook (Run > Run All Cells) to see it here]"
    live = live_comparison_explorer()._repr_mimebundle_()["text/plain"]
    assert live == "[Live explorer: run the notebook (Run > Run All Cells) to see it here]"
    assert "VBox" not in shown + live


def test_pictures_encoded_on_a_second_thread_are_the_pictures_drawn():
    import matplotlib.pyplot as plt

    from winit.book import explorers
    from winit.book.widgets import _Pictures

    canvas = explorers.ComparisonFigure()
    shown, expected = [], []
    with _Pictures() as pictures:
        for n in (1, 100, 10_000):  # the figure is redrawn before the previous one is encoded
            fig = canvas.update(explorers.comparison_view(n))
            expected.append(picture(explorers.render_image(fig, format="webp"), f"n={n}").value)
            shown.append(pictures.add(fig, f"n={n}"))
    plt.close(canvas.fig)
    assert [w.value for w in shown] == expected
    assert len(set(expected)) == 3 and all("data:image/webp" in v for v in expected)
