"""The scheme explorer (winit.book.browser.scheme): the Python widget, and its front end in
Chromium against winit.book.scheme_theory."""

import base64
import io

import numpy as np
import pytest

from winit.book.browser.scheme import SchemeExplorer, plot_ranges
from winit.book.scheme_theory import SCHEME_CHOICES, state_sentence


def test_bundle_has_the_widget_its_settings_and_a_first_picture():
    from PIL import Image

    ex = SchemeExplorer("normalized_xavier", n=37, m=7, activation="relu")
    data, _ = ex._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in data
    assert data["text/plain"] == ("SchemeExplorer(activation='relu', m=7, n=37, "
                                  "scheme='normalized_xavier', seed=0)")
    png = base64.b64decode(data["image/png"])
    with Image.open(io.BytesIO(png)) as img:
        assert img.format == "PNG" and img.size == (1600, 1280)
    assert len(png) < 120_000


def test_state_is_synced_and_the_module_is_the_scheme_kind():
    ex = SchemeExplorer()
    state = ex.get_state()
    assert (state["scheme"], state["n"], state["m"], state["activation"], state["seed"]) == (
        "xavier", 10, 20, "tanh", 0)
    assert "function render(" in ex._esm and "export default { render }" in ex._esm
    assert ex.sentence() == state_sentence("xavier", 10, 20, "tanh")


@pytest.mark.parametrize("kwargs,name", [
    ({"scheme": "kaiming"}, "scheme"), ({"n": 0}, "n"), ({"n": 1001}, "n"), ({"m": 0}, "m"),
    ({"m": 5000}, "m"), ({"activation": "gelu"}, "activation"), ({"seed": -1}, "seed"),
    ({"seed": 2**32}, "seed"),
])
def test_bad_settings_name_the_argument(kwargs, name):
    with pytest.raises(ValueError, match=f"^{name} must be"):
        SchemeExplorer(**kwargs)
    ex = SchemeExplorer()
    key, value = next(iter(kwargs.items()))
    with pytest.raises(ValueError, match=f"^{name} must be"):
        setattr(ex, key, value)


def test_a_count_of_the_wrong_type_is_a_type_error():
    with pytest.raises(Exception, match="n"):
        SchemeExplorer(n=2.5)


def test_plot_ranges():
    r = plot_ranges("xavier", 1, 1, "tanh")
    assert r["w"] == pytest.approx((-1.15, 1.15)) and r["z"] == pytest.approx((-1.1, 1.1))
    assert r["h"] == (-1.0, 1.0)
    r = plot_ranges("he", 613, 7, "relu")
    assert r["z"] == pytest.approx((-4 * 2 ** 0.5, 4 * 2 ** 0.5))
    assert r["h"] == pytest.approx((0.0, 4 * 2 ** 0.5))
    assert r["w"] == pytest.approx((-4 * (2 / 613) ** 0.5, 4 * (2 / 613) ** 0.5))


def test_every_offered_scheme_draws_a_first_picture():
    for scheme in SCHEME_CHOICES[:3]:
        assert SchemeExplorer(scheme, n=3, activation="relu").first_state_png()[:4] == b"\x89PNG"
