"""The scheme explorer (winit.book.browser.scheme): the Python widget, and its front end in
Chromium against winit.book.scheme_theory."""

import base64
import io

import numpy as np
import pytest

from _browser import call, load, render
from winit.book.browser import esm
from winit.book.browser.scheme import SchemeExplorer, plot_ranges
from winit.book.scheme_theory import (
    SCHEME_CHOICES,
    activation_density,
    activation_std,
    bspline_density,
    state_sentence,
    sum_density,
    sum_std,
    weight_density,
    weight_law,
)


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


def test_a_count_of_the_wrong_type_is_refused():
    import traitlets

    with pytest.raises(traitlets.TraitError, match="'n' trait"):
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
    from winit.book.browser._assets import SCHEME_RULES

    choices = SchemeExplorer().choices   # the page's menu comes from Python
    assert [name for name, _ in choices] == list(SCHEME_CHOICES)
    assert choices[2] == ["he", "he: N(0, 2/n)"]
    # random.js's own labels write the same rules
    labels = scheme_page.evaluate(
        "() => Object.fromEntries(Object.entries(window.M.SCHEMES).map(([k, s]) => [k, s.label]))")
    shown = [name for name, rule in SCHEME_RULES.items() if ": " in labels[name]]
    assert len(shown) >= 4
    for name in shown:
        assert labels[name].endswith(": " + SCHEME_RULES[name]), name


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


@pytest.mark.browser
@pytest.mark.parametrize("scheme,n,m", [("xavier", 1, 1), ("xavier", 3, 1), ("he", 1, 1),
                                        ("normalized_xavier", 37, 7), ("he", 613, 7),
                                        ("lecun_uniform", 1000, 1)])
def test_the_pages_samples_follow_the_theory(scheme_page, scheme, n, m):
    from scipy import stats

    law = _law(scheme, n, m)
    z = np.concatenate([call(scheme_page, "schemeSums", law, seed, 1000, 4000)["z"]
                        for seed in (1, 2, 3)])
    reach = 12 * sum_std(scheme, n, m)
    grid = np.linspace(-reach, reach, 20001)
    f = sum_density(grid, scheme, n, m)
    cum = np.concatenate([[0.0], np.cumsum((f[1:] + f[:-1]) / 2 * np.diff(grid))])
    assert stats.kstest(z, lambda t: np.interp(t, grid, cum / cum[-1])).pvalue > 1e-3
    w = np.array(call(scheme_page, "schemeSums", law, 9, 20000, 100)["w"])
    family, spread = weight_law(scheme, n, m)
    ref = stats.uniform(-spread, 2 * spread) if family == "uniform" else stats.norm(0, spread)
    assert stats.kstest(w, ref.cdf).pvalue > 1e-3
    assert w.size == 20000 and stats.kstest(w * 1.05, ref.cdf).pvalue < 1e-3


# ---- the widget rendered in a blank page with a fake model (anywidget's model API only)

PICTURE = """() => ({
  paths: Array.from(document.querySelectorAll("svg path.wx-s"), (p) => p.getAttribute("d")),
  status: document.querySelector(".wx-status").textContent,
  state: window.state,
})"""


def _render(page, **state):
    full = {"scheme": "xavier", "n": 10, "m": 20, "activation": "tanh", "seed": 0,
            "choices": SchemeExplorer().choices, **state}
    render(page, full)
    return page.evaluate(PICTURE)


def _number_box(page, label):
    return page.get_by_label(f"{label}, value", exact=True)


@pytest.mark.browser
def test_every_control_moves_the_picture_and_the_sentence(scheme_page):
    page = scheme_page
    before = _render(page)
    assert before["status"] == state_sentence("xavier", 10, 20, "tanh")
    assert len(page.query_selector_all("svg.wx-chart")) == 4
    steps = [
        ("n", lambda: _number_box(page, "n inputs").fill("37")),
        ("n", lambda: _number_box(page, "n inputs").fill("613")),
        ("m", lambda: _number_box(page, "m outputs (normalized xavier only)").fill("7")),
        ("scheme", lambda: page.get_by_label("Scheme", exact=True).select_option(label="he: N(0, 2/n)")),
        ("activation", lambda: page.get_by_label("Activation", exact=True).select_option(label="ReLU")),
        ("scheme", lambda: page.get_by_label("Scheme", exact=True).select_option(index=1)),
        ("n", lambda: _number_box(page, "n inputs").fill("1")),
        ("seed", lambda: page.get_by_role("button", name="Draw again").click()),
    ]
    for name, act in steps:
        saved = page.evaluate("() => window.saved")
        act()
        after = page.evaluate(PICTURE)
        st = after["state"]
        assert page.evaluate("() => window.saved") == saved + 1, name
        assert after["paths"] != before["paths"], name
        assert after["status"] == state_sentence(st["scheme"], st["n"], st["m"], st["activation"])
        if name != "seed" and not (name == "m" and st["scheme"] != "normalized_xavier"):
            assert after["status"] != before["status"], name
        before = after
    settings = {k: v for k, v in before["state"].items() if k != "choices"}
    assert settings == {"scheme": "normalized_xavier", "n": 1, "m": 7, "activation": "relu",
                        "seed": 1}


@pytest.mark.browser
def test_the_m_control_says_only_normalized_xavier_uses_m(scheme_page):
    """m changes the sentence only under normalized xavier (the only scheme offered that uses
    it): the m control says so, in its label and in a note that describes both its inputs."""
    page = scheme_page
    _render(page)
    note = "() => document.querySelector('.wx-note').textContent"
    for role in ("slider", "spinbutton"):
        name = "m outputs (normalized xavier only)" + (", value" if role == "spinbutton" else "")
        box = page.get_by_role(role, name=name, exact=True)
        assert box.count() == 1
        described = box.evaluate("(e) => e.getAttribute('aria-describedby')")
        assert page.evaluate(f"() => document.getElementById('{described}').textContent") == page.evaluate(note)
    assert page.evaluate(note) == "Not used by xavier: m moves only normalized xavier's line in the last chart."
    page.get_by_label("Scheme", exact=True).select_option(value="1")
    assert page.evaluate("() => window.state.scheme") == "normalized_xavier"
    assert page.evaluate(note) == "Normalized xavier's spread uses n and m."
    page.get_by_label("Scheme", exact=True).select_option(value="2")
    assert page.evaluate(note).startswith("Not used by he:")


@pytest.mark.browser
def test_the_model_drives_the_controls(scheme_page):
    page = scheme_page
    first = _render(page, scheme="he", activation="relu")
    page.evaluate("() => { window.model.set('n', 613); window.model.set('scheme', 'xavier'); }")
    after = page.evaluate(PICTURE)
    assert _number_box(page, "n inputs").input_value() == "613"
    assert page.get_by_label("Scheme", exact=True).evaluate("(s) => s.options[s.selectedIndex].text").startswith(
        "xavier")
    assert after["paths"] != first["paths"]
    assert after["status"] == state_sentence("xavier", 613, 20, "relu")
    page.evaluate("() => window.cleanup()")
    page.evaluate("() => window.model.set('n', 5)")
    assert page.evaluate(PICTURE)["status"] == after["status"]   # unbound after cleanup


@pytest.mark.browser
def test_keyboard_alone_works_every_control(scheme_page):
    page = scheme_page
    before = _render(page)
    page.get_by_label("Scheme", exact=True).focus()
    page.keyboard.press("ArrowDown")
    assert page.evaluate("() => window.state.scheme") == "normalized_xavier"
    page.keyboard.press("Tab")              # the n range
    page.keyboard.press("ArrowRight")
    n = page.evaluate("() => window.state.n")
    assert n > 10
    page.keyboard.press("Tab")              # the n number box
    page.keyboard.press("Control+a")
    page.keyboard.type("73")
    page.keyboard.press("Enter")
    assert page.evaluate("() => window.state.n") == 73
    page.keyboard.press("Tab")              # the m range
    page.keyboard.press("ArrowLeft")
    assert page.evaluate("() => window.state.m") < 20
    page.keyboard.press("Tab")              # the m number box
    page.keyboard.press("Tab")              # the activation
    page.keyboard.press("ArrowDown")
    assert page.evaluate("() => window.state.activation") == "relu"
    page.keyboard.press("Tab")              # Draw again
    page.keyboard.press("Enter")
    assert page.evaluate("() => window.state.seed") == 1
    after = page.evaluate(PICTURE)
    assert after["paths"] != before["paths"]
    st = after["state"]
    assert after["status"] == state_sentence(st["scheme"], st["n"], st["m"], st["activation"])
    for label in ("Scheme", "Activation", "n inputs", "m outputs (normalized xavier only)"):
        assert page.get_by_label(label, exact=True).count() == 1


@pytest.mark.browser
def test_fits_a_phone(scheme_page):
    page = scheme_page
    page.set_viewport_size({"width": 390, "height": 800})
    _render(page, n=613, activation="relu")
    widths = page.evaluate("() => [document.documentElement.scrollWidth, "
                           "Math.max(...Array.from(document.querySelectorAll('.winit-explorer *'), "
                           "(e) => e.getBoundingClientRect().right))]")
    assert widths[0] <= 390 and widths[1] <= 390
