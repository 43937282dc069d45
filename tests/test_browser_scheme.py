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


# ---- the front end's theory in Chromium, against winit.book.scheme_theory

from _browser import call, load  # noqa: E402

from winit.book.browser import esm  # noqa: E402
from winit.book.scheme_theory import (  # noqa: E402
    activation_density,
    activation_std,
    bspline_density,
    sum_density,
    weight_density,
    weight_law,
)

SETTINGS = [("xavier", 1, 1), ("xavier", 2, 5), ("xavier", 3, 1), ("normalized_xavier", 37, 7),
            ("he", 1, 1), ("he", 613, 7), ("lecun", 37, 1), ("he_uniform", 100, 1),
            ("lecun_uniform", 101, 1), ("xavier", 1000, 1)]


def _law(scheme, n, m):
    family, spread = weight_law(scheme, n, m)
    return {"family": family, "spread": spread, "n": n}


@pytest.fixture
def scheme_page(js_page):
    load(js_page, esm("scheme"))
    return js_page


@pytest.mark.browser
def test_the_page_offers_the_schemes_python_offers(scheme_page):
    assert scheme_page.evaluate("() => window.M.SCHEME_CHOICES") == list(SCHEME_CHOICES)


@pytest.mark.browser
@pytest.mark.parametrize("order", [1, 2, 7, 40, 100])
def test_bspline_density_in_the_page(scheme_page, order):
    xs = np.linspace(-0.5, order + 0.5, 97).tolist()
    got = np.array(call(scheme_page, "bsplineDensity", xs, order))
    assert np.allclose(got, bspline_density(xs, order), rtol=1e-12, atol=1e-300)


@pytest.mark.browser
@pytest.mark.parametrize("scheme,n,m", SETTINGS)
def test_the_pages_laws_are_pythons(scheme_page, scheme, n, m):
    law = _law(scheme, n, m)
    ranges = plot_ranges(scheme, n, m, "tanh")
    for key, fn in (("w", weight_density), ("z", sum_density)):
        xs = np.linspace(*ranges[key], 201).tolist()
        got = call(scheme_page, "weightDensity" if key == "w" else "sumDensity", law, xs)
        assert np.allclose(got, fn(xs, scheme, n, m), rtol=1e-12, atol=1e-300)
    for activation in ("tanh", "relu"):
        hs = np.linspace(*plot_ranges(scheme, n, m, activation)["h"], 201).tolist()
        got = call(scheme_page, "activationDensity", law, activation, hs)
        dens, mass = activation_density(hs, scheme, n, m, activation)
        assert np.allclose(got["density"], dens, rtol=1e-12, atol=1e-300)
        assert got["mass"] == mass
        got = call(scheme_page, "schemeRanges", law, activation)
        for key, ends in plot_ranges(scheme, n, m, activation).items():
            assert got[key] == pytest.approx(list(ends), rel=1e-14)
        std = call(scheme_page, "activationStd", law, activation)
        assert std == pytest.approx(activation_std(scheme, n, m, activation), rel=1e-9)
        fan_avg = scheme == "normalized_xavier"
        assert call(scheme_page, "schemeSentence", scheme, law, m, fan_avg, activation) == (
            state_sentence(scheme, n, m, activation))
