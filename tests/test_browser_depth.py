"""The depth explorer (winit/book/browser/depth.py, js/depth.js): its settings, its first-state
picture, the numpy pipeline that draws that picture, and, in Chromium, the page's own pipeline
against winit's engine and winit.meanfield, and the widget driven control by control."""

import base64
import math

import numpy as np
import pytest
from scipy import integrate, special

from _browser import load, render
from winit.book.browser.depth import (
    ACTIVATIONS,
    INITS,
    DepthExplorer,
    depth_signals,
    sigma_w2,
    theory_lines,
)

# ---------------------------------------------------------------------------
# Python side
# ---------------------------------------------------------------------------


def test_settings_are_the_text_form_and_checked_by_name():
    e = DepthExplorer(depth=17, width=333, activation="gelu", init="orthogonal", gain=1.37,
                      bias_std=0.05, seed=3, layer=4)
    assert repr(e) == ("DepthExplorer(activation='gelu', bias_std=0.05, depth=17, gain=1.37, "
                       "init='orthogonal', layer=4, seed=3, width=333)")
    assert sorted(e.traits(setting=True)) == ["activation", "bias_std", "depth", "gain", "init",
                                               "layer", "seed", "width"]
    for name, bad, error in (("depth", 0, ValueError), ("depth", 101, ValueError),
                             ("depth", 2.5, TypeError), ("width", 9, ValueError),
                             ("width", 1001, ValueError), ("activation", "softplus", ValueError),
                             ("init", "glorot_uniform", ValueError), ("gain", 0.0, ValueError),
                             ("gain", 10.5, ValueError), ("bias_std", -0.1, ValueError),
                             ("bias_std", float("nan"), ValueError), ("seed", -1, ValueError),
                             ("seed", 2 ** 32, ValueError), ("layer", 0, ValueError)):
        with pytest.raises(error, match=f"^{name} must"):
            DepthExplorer(**{name: bad})
        if error is ValueError:  # a setting changed later is checked the same way
            with pytest.raises(ValueError, match=f"^{name} must"):
                setattr(e, name, bad)
    e.width = 1000
    e.layer = None
    assert e.width == 1000 and e.layer is None


def test_menus_hold_the_six_activations_and_five_inits():
    e = DepthExplorer()
    assert [k for k, _ in e.choices["activation"]] == ["tanh", "relu", "leaky_relu", "sigmoid",
                                                       "gelu", "linear"]
    assert [k for k, _ in e.choices["init"]] == ["xavier", "normalized_xavier", "lecun", "he",
                                                 "orthogonal"]
    assert e.limits["depth"] == [1, 100] and e.limits["width"] == [10, 1000]


@pytest.mark.parametrize("init, width, gain, expected", [
    ("xavier", 100, 1.0, 1 / 3), ("normalized_xavier", 333, 1.0, 1.0), ("lecun", 10, 2.0, 4.0),
    ("he", 1000, 1.37, 2 * 1.37 ** 2), ("orthogonal", 256, 0.5, 0.25)])
def test_sigma_w2_is_fan_in_times_the_weights_variance(init, width, gain, expected):
    assert sigma_w2(init, width, gain) == pytest.approx(expected, rel=1e-14)


def _gauss(f):
    """E[f(z)], z ~ N(0, 1), by adaptive quadrature (breakpoint at 0)."""
    g = lambda z: f(z) * math.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)  # noqa: E731
    return sum(integrate.quad(g, a, b, epsabs=1e-15, epsrel=1e-13, limit=200)[0]
               for a, b in ((-12, 0), (0, 12)))


_PHI = {"tanh": (math.tanh, lambda u: 1 / math.cosh(u) ** 2),
        "relu": (lambda u: max(u, 0.0), lambda u: float(u > 0)),
        "sigmoid": (special.expit, lambda u: special.expit(u) * (1 - special.expit(u))),
        "gelu": (lambda u: u * special.ndtr(u),
                 lambda u: special.ndtr(u) + u * math.exp(-0.5 * u * u) / math.sqrt(2 * math.pi))}


@pytest.mark.parametrize("activation, s_w2, s_b2", [
    ("tanh", 2.0, 0.0), ("tanh", 1.37 ** 2, 0.0025), ("relu", 1 / 3, 0.0), ("sigmoid", 4.0, 0.01),
    ("gelu", 2.0, 0.05)])
def test_theory_lines_are_the_length_map_and_chi_1_by_quadrature(activation, s_w2, s_b2):
    phi, dphi = _PHI[activation]
    q, act, grad = theory_lines(6, activation, s_w2, s_b2, grad_last=0.3)
    expect_q = [s_w2 + s_b2]
    for _ in range(5):
        expect_q.append(s_w2 * _gauss(lambda z: phi(math.sqrt(expect_q[-1]) * z) ** 2) + s_b2)
    np.testing.assert_allclose(q, expect_q, rtol=1e-10)
    for l, ql in enumerate(expect_q):
        mean = _gauss(lambda z: phi(math.sqrt(ql) * z))
        second = _gauss(lambda z: phi(math.sqrt(ql) * z) ** 2)
        assert act[l] == pytest.approx(math.sqrt(second - mean * mean), rel=1e-9)
    g = [0.3]
    for ql in expect_q[-2::-1]:
        g.append(g[-1] * math.sqrt(s_w2 * _gauss(lambda z: dphi(math.sqrt(ql) * z) ** 2)))
    np.testing.assert_allclose(grad, g[::-1], rtol=1e-9)


def test_theory_lines_stop_where_float64_ends():
    # linear, sigma_w^2 = 1e4: q grows 1e4 per layer, 10**308 after about 77 layers
    q, act, grad = theory_lines(100, "linear", 1e4, 0.0, grad_last=1.0)
    finite = np.isfinite(q)
    assert finite[:70].all() and not finite[-1] and not np.isfinite(act[-1])
    assert np.isfinite(grad[-1]) and not np.isfinite(grad[0])  # grows 100 x per layer going back


def test_verdict_words():
    from winit.book.browser.depth import _verdict

    status, message = _verdict(np.array([1.0, 0.5, 0.102]), np.array([1.0, 1.0, 1.0]))
    assert status == "shrinking"
    assert message == ("Shrinking: activations ×\u00a00.102 from layer 1 to 3 (×\u00a00.319/layer),\n"
                       "gradients ×\u00a01 from layer 3 to 1.")
    assert _verdict(np.array([1.0, 0.0]), np.array([1.0, 1.0]))[0] == "vanishing"
    assert _verdict(np.array([1.0, np.inf]), np.array([1.0, 1.0]))[0] == "overflow"


def _numpy_tanh_signals(params, x, y):
    """Per hidden layer: numpy's std of the tanh activations, and of dL/dz times the batch
    (mean softmax cross-entropy; the output layer linear), by plain numpy."""
    batch = x.shape[0]
    h, hs = x, []
    for W, b in params[:-1]:
        h = np.tanh(h @ W + b)
        hs.append(h)
    logits = h @ params[-1][0] + params[-1][1]
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(batch), y] -= 1.0
    g, grads = p / batch, []
    for (W, _), h in zip(params[:0:-1], hs[::-1]):
        g = (g @ W.T) * (1.0 - h * h)
        grads.append(float(np.std(g)) * batch)
    return [float(np.std(h)) for h in hs], grads[::-1]


@pytest.mark.parametrize("init", list(INITS))
def test_numpy_pipeline_is_plain_numpy_on_its_draws(init):
    # the draws in depth_signals' documented order: inputs, labels, the weights layer by
    # layer (the scheme's rule times the gain), then the biases
    from winit.networks import init_weights
    from winit.schemes import orthogonal, scheme_std

    depth, width, batch, gain, bias_std = 7, 30, 16, 1.37, 0.05
    s = depth_signals(depth, width, "tanh", init, gain=gain, bias_std=bias_std, seed=4, batch=batch)
    rng = np.random.default_rng(4)
    x = rng.standard_normal((batch, width))
    y = rng.integers(0, 10, size=batch)
    sizes = [width] * (depth + 1) + [10]
    if init == "orthogonal":
        params = init_weights(sizes, sampler=lambda i, o, r: orthogonal((i, o), gain, rng=r), rng=rng)
    else:
        uniform = init in ("xavier", "normalized_xavier")  # the tutorial's and Glorot's: uniform
        params = init_weights(sizes, std=lambda i, o: gain * scheme_std(init, i, o),
                              distribution="uniform" if uniform else "normal", rng=rng)
    params = [(w, rng.normal(0.0, bias_std, size=w.shape[1])) for w, _ in params]
    act, grad = _numpy_tanh_signals(params, x, y)
    np.testing.assert_allclose(s.activation_std, act, rtol=1e-12)
    np.testing.assert_allclose(s.gradient_std, grad, rtol=1e-12)
    assert sorted(s.samples) == [1, 4, 7]
    np.testing.assert_allclose(s.samples[4].reshape(batch, width).std(), act[3], rtol=1e-12)


def test_numpy_pipeline_follows_its_theory_when_wide():
    s = depth_signals(20, 1000, "tanh", "he", batch=16, seed=1)
    np.testing.assert_allclose(s.activation_std, s.theory_act, rtol=0.05)
    np.testing.assert_allclose(s.gradient_std, s.theory_grad, rtol=0.15)
    s = depth_signals(10, 1000, "tanh", "orthogonal", gain=1.0, bias_std=0.3, batch=16)
    np.testing.assert_allclose(s.activation_std, s.theory_act, rtol=0.05)
    assert s.theory_act[-1] > 0.4  # the biases hold the signal (without: about 0.25 at layer 10)
    assert sorted(s.samples) == [1, 5, 10] and s.samples[5].size == 16 * 1000


def test_output_carries_the_settings_and_a_picture_of_the_first_state():
    e = DepthExplorer(depth=12, width=50, activation="relu", init="he", layer=3)
    data, _ = e._repr_mimebundle_()
    assert data["text/plain"] == repr(e)
    png = base64.b64decode(data["image/png"])
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and 10_000 < len(png) < 120_000
    assert "application/vnd.jupyter.widget-view+json" in data
    assert sorted(e.signals().samples) == [1, 3, 12]


def test_page_gets_winit_meanfields_own_rule():
    from winit import meanfield

    rule = DepthExplorer().quadrature
    x, w = np.polynomial.legendre.leggauss(meanfield.N_POINTS)
    assert rule == {"legendre_x": x.tolist(), "legendre_w": w.tolist()}


# ---------------------------------------------------------------------------
# In Chromium: the page's own pipeline, and the widget
# ---------------------------------------------------------------------------

ACALL_JS = """async ([name, args]) => {
  const plain = (x) => ArrayBuffer.isView(x) ? Array.from(x)
    : Array.isArray(x) ? x.map(plain)
    : (x && typeof x === "object") ? Object.fromEntries(Object.entries(x).map(([k, v]) => [k, plain(v)]))
    : x;
  return plain(await window.M[name](...args));
}"""


@pytest.fixture(scope="module")
def page(js_page):
    from winit.book.browser import esm

    names = load(js_page, esm("depth"))
    assert {"render", "depthStats", "depthTheory", "depthVerdict", "default"} <= set(names)
    return js_page


def acall(page, name, *args):
    return page.evaluate(ACALL_JS, [name, list(args)])


def _winit_stats(params, x, y, activation):
    """Per-layer std of the activations and of dL/dz times the batch, by winit's engine."""
    from winit.networks import backward, forward

    rec = forward(params, x, activation)
    grads = backward(params, rec, y)
    batch = x.shape[0]
    return ([float(np.std(a)) for a in rec.activations],
            [float(np.std(g)) * batch for g in grads.grad_pre_activations[:-1]])


@pytest.mark.browser
@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_page_statistics_are_winits_engine(page, activation):
    from winit.networks import init_weights

    rng = np.random.default_rng(7)
    width, depth, batch = 33, 6, 8
    params = init_weights([width] * (depth + 1) + [10], std=lambda i, o: 1.3 / math.sqrt(i), rng=rng)
    params = [(w, rng.normal(0.0, 0.05, size=w.shape[1])) for w, _ in params]
    x = rng.standard_normal((batch, width))
    y = rng.integers(0, 10, size=batch)
    act, grad = _winit_stats(params, x, y, activation)
    got = acall(page, "depthStats", width, 10, activation, [w.ravel().tolist() for w, _ in params],
                [b.tolist() for _, b in params], x.ravel().tolist(), y.tolist(), batch)
    assert got["finite"] is True
    np.testing.assert_allclose(got["act"], act, rtol=1e-6)
    np.testing.assert_allclose(got["grad"], grad, rtol=1e-6)


@pytest.mark.browser
def test_page_statistics_of_tiny_signals_do_not_underflow(page):
    # 70 sigmoid layers at gain 0.01: the gradients fall below 1e-160, their squares below
    # float64's smallest normal number; numpy's std (winit._numerics) rescales, so must the page
    from winit._numerics import std
    from winit.networks import backward, forward, init_weights

    rng = np.random.default_rng(1)
    width, depth, batch = 20, 70, 4
    params = init_weights([width] * (depth + 1) + [10], std=lambda i, o: 0.01 / math.sqrt(i), rng=rng)
    x = rng.standard_normal((batch, width))
    y = rng.integers(0, 10, size=batch)
    rec = forward(params, x, "sigmoid")
    grads = [std(g) * batch for g in backward(params, rec, y).grad_pre_activations[:-1]]
    assert 1e-300 < grads[0] < 1e-160
    got = acall(page, "depthStats", width, 10, "sigmoid", [w.ravel().tolist() for w, _ in params],
                [b.tolist() for _, b in params], x.ravel().tolist(), y.tolist(), batch)
    np.testing.assert_allclose(got["grad"], grads, rtol=1e-6)


@pytest.mark.browser
@pytest.mark.parametrize("activation, init, width, gain, bias_std", [
    ("tanh", "he", 256, 1.0, 0.0), ("relu", "xavier", 100, 1.37, 0.05), ("sigmoid", "lecun", 333, 2.0, 0.3),
    ("gelu", "normalized_xavier", 17, 0.5, 0.1), ("leaky_relu", "orthogonal", 50, 1.0, 0.0),
    ("linear", "lecun", 10, 10.0, 0.0), ("tanh", "lecun", 1000, 0.1, 1.0)])
def test_page_theory_lines_are_winit_meanfields(page, activation, init, width, gain, bias_std):
    s_w2 = sigma_w2(init, width, gain)
    assert acall(page, "depthSigmaW2", init, width, gain) == pytest.approx(s_w2, rel=1e-14)
    q, act, grad = theory_lines(40, activation, s_w2, bias_std ** 2, grad_last=0.37)
    got = acall(page, "depthTheory", activation, s_w2, bias_std ** 2, 40, 0.37,
                DepthExplorer().quadrature)
    for name, expected in (("q", q), ("act", act), ("grad", grad)):
        values = np.array([np.nan if v is None else v for v in got[name]], dtype=float)
        np.testing.assert_array_equal(np.isnan(values), np.isnan(expected))
        np.testing.assert_allclose(values, expected, rtol=1e-9, equal_nan=True)
    # and straight from winit.meanfield: the length map iterated, chi_1 at each layer's q
    from winit import meanfield

    q_mf = [s_w2 + bias_std ** 2]
    for _ in range(39):
        q_mf.append(meanfield.length_map(q_mf[-1], s_w2, bias_std ** 2, activation))
    np.testing.assert_allclose(np.array(got["q"], dtype=float), q_mf, rtol=1e-9)
    g = [0.37]
    for ql in q_mf[-2::-1]:
        g.append(g[-1] * math.sqrt(meanfield.chi_1(s_w2, bias_std ** 2, activation, q=ql)))
    np.testing.assert_allclose(np.array(got["grad"], dtype=float), g[::-1], rtol=1e-9)


@pytest.mark.browser
def test_page_theory_line_stops_where_float64_ends(page):
    q, act, grad = theory_lines(100, "linear", 100.0, 0.0, grad_last=1.0)  # gain 10, LeCun
    got = acall(page, "depthTheory", "linear", 100.0, 0.0, 100, 1.0, DepthExplorer().quadrature)
    assert np.isfinite(q).all()  # 100**100 = 1e200: still a float
    np.testing.assert_allclose(np.array(got["act"], dtype=float), act, rtol=1e-9)
    values = np.array([np.nan if v is None else v for v in got["grad"]], dtype=float)
    np.testing.assert_allclose(values, grad, rtol=1e-9, equal_nan=True)


def _verdict_cases():
    rng = np.random.default_rng(3)
    cases = [([1.0], [1.0]), ([1.0, 0.0], [1.0, 1.0]), ([1.0, 2.0], [0.0, 1.0]),
             ([1.0, np.inf], [1.0, 1.0]), ([1.0, 1.0], [np.nan, 1.0]),
             ([0.81, 0.0826], [0.5, 0.5]), ([1.0, 1234.5], [1.0, 1.0]), ([1.0, 1e-5], [1.0, 1.0]),
             ([1.0, 1.0], [1e7, 1.0]), ([1.0, 1.5], [1.0, 3.0]), ([2.0, 1.0], [1.0, 1.9]),
             (list(np.geomspace(1, 1e-24, 100)), list(np.geomspace(1e-24, 1, 100)))]
    for depth in (2, 5, 17, 73):
        for spread in (0.1, 1.0, 10.0):
            cases.append((list(np.exp(rng.normal(0, spread, depth))),
                          list(np.exp(rng.normal(0, spread, depth)))))
    return cases


@pytest.mark.browser
def test_page_verdict_is_the_pythons(page):
    from winit.book.browser.depth import EXTREME_BAND, LEVEL_BAND, _verdict

    cases = _verdict_cases()
    got = page.evaluate("""([cases, level, extreme]) => cases.map(([a, g]) => window.M.depthVerdict(
        a.map((v) => v === null ? NaN : v), g.map((v) => v === null ? NaN : v), level, extreme))""",
                        [[[[None if not np.isfinite(v) and np.isnan(v) else (1e309 if v == np.inf else v)
                            for v in a], [None if np.isnan(v) else v for v in g]] for a, g in cases],
                         LEVEL_BAND, EXTREME_BAND])
    for (a, g), verdict in zip(cases, got):
        status, message = _verdict(np.array(a, dtype=float), np.array(g, dtype=float))
        assert (verdict["status"], verdict["message"]) == (status, message), (a, g)
    assert any("×\u00a00.102" in v["message"] for v in got)
    # the bands come from Python only (the model's limits): without them the page refuses
    refused = page.evaluate("""() => { try { window.M.depthVerdict([1, 2], [1, 2]); return null; }
                                      catch (e) { return e instanceof RangeError ? e.message : String(e); } }""")
    assert refused and "level and extreme" in refused


@pytest.mark.browser
def test_page_prints_numbers_as_python_does(page):
    values = [0.102, 1.53, 85.6, 1234.5, 0.0001234, 1e-5, 123456.0, 0.5, 1.0, 2.5e-300, 9.995, 0.00999]
    got = page.evaluate("(vs) => vs.map((v) => window.M.formatG(v, 3))", values)
    assert got == [f"{v:.3g}" for v in values]


# The widget in a blank page, with a stand-in model (_browser.render: no kernel, no host).
SNAPSHOT_JS = """() => {
  const el = document.getElementById("widget");
  return { drawn: +(el.dataset.drawn || 0), status: el.querySelector(".wx-status").textContent,
           charts: Array.from(el.querySelectorAll("svg.wx-chart"), (svg) =>
             Array.from(svg.querySelectorAll("path.wx-s"), (p) => p.getAttribute("d")).join("|")) };
}"""

SETTINGS = ("depth", "width", "activation", "init", "gain", "bias_std", "seed", "layer", "batch",
            "limits", "choices", "quadrature")


def _state(**settings):
    e = DepthExplorer(**settings)
    return {k: getattr(e, k) for k in SETTINGS}


def _show(page, state):
    render(page, state)
    return _wait(page, 0)


def _wait(page, after, timeout=60_000):
    page.wait_for_function(
        "(n) => { const el = document.getElementById('widget'); return +(el.dataset.drawn || 0) > n"
        " && !el.querySelector('.wx-status').textContent.startsWith('Computing'); }",
        arg=after, timeout=timeout)
    return page.evaluate(SNAPSHOT_JS)


def _model(page, name):
    return page.evaluate("(k) => window.model.get(k)", name)


@pytest.mark.browser
def test_widget_answers_every_control_at_values_off_the_old_grid(page):
    shot = _show(page, _state(depth=5, width=100))
    assert shot["status"].startswith(("Shrinking", "Level", "Vanishing", "Growing", "Exploding"))
    assert "activations ×" in shot["status"] and "from layer 1 to 5" in shot["status"]
    assert len(shot["charts"]) == 2 and all(shot["charts"])
    status = page.locator(".wx-status")
    assert status.get_attribute("aria-live") == "polite" and status.get_attribute("role") == "status"

    def number(label, value, name, expected):
        nonlocal shot
        box = page.get_by_role("spinbutton", name=f"{label}, value", exact=True)
        box.fill(str(value))
        box.press("Enter")
        new = _wait(page, shot["drawn"])
        assert _model(page, name) == pytest.approx(expected), name
        assert new["charts"] != shot["charts"], (name, value)
        shot = new
        return new

    for value in (17, 73):
        before = shot["status"]
        number("depth (hidden layers)", value, "depth", value)
        assert f"from layer 1 to {value}" in shot["status"] and shot["status"] != before
    for label, value, name in (("width (units per layer)", 333, "width"), ("gain", 1.37, "gain"),
                               ("bias spread (std)", 0.05, "bias_std")):
        before = shot["status"]
        number(label, value, name, value)
        assert shot["status"] != before, name
    for name, label in (("activation", "activation"), ("init", "initialisation")):
        menu = page.get_by_label(label, exact=True)
        for value, text in DepthExplorer().choices[name]:
            if _model(page, name) == value:
                continue
            before = shot
            menu.select_option(label=text)
            shot = _wait(page, before["drawn"])
            assert _model(page, name) == value
            assert shot["status"] != before["status"] and shot["charts"] != before["charts"], value
            if value == "orthogonal":  # 73 layers of 333 units: more QR work than the page does
                assert shot["status"].startswith("Too large: orthogonal weights for 73 layers")
                number("depth (hidden layers)", 17, "depth", 17)
                assert "from layer 1 to 17" in shot["status"]
    # the histogram layer changes the lower chart only; the button draws new weights
    before = shot
    number("histogram layer", 4, "layer", 4)
    assert shot["charts"][0] == before["charts"][0] and shot["charts"][1] != before["charts"][1]
    assert shot["status"] == before["status"]
    before = shot
    page.get_by_role("button", name="new weights and inputs").click()
    shot = _wait(page, before["drawn"])
    assert _model(page, "seed") == 1 and shot["charts"] != before["charts"]
    assert page.evaluate("window.saved") >= 12



@pytest.mark.browser
def test_histogram_layer_shows_the_chosen_layer_even_first_or_last(page):
    """The histograms show the first, the chosen and the last layer: the chosen one is shaded
    (and named), so layer 1 and the last layer chosen are two pictures, and the chart's
    description says which layer is chosen. The spread chart and the verdict stay."""
    shot = _show(page, _state(depth=5, width=100))
    layer = page.get_by_role("slider", name="histogram layer", exact=True)
    desc = "() => document.querySelectorAll('#widget svg.wx-chart desc')[1].textContent"
    legend = "() => [...document.querySelectorAll('#widget svg.wx-chart')[1].querySelectorAll('.wx-legend text')].map((t) => t.textContent)"
    seen = {3: (shot, page.evaluate(desc), page.evaluate(legend))}
    layer.focus()
    for key, chosen in (("Home", 1), ("End", 5)):
        layer.press(key)
        shot = _wait(page, shot["drawn"])
        assert _model(page, "layer") == chosen
        seen[chosen] = (shot, page.evaluate(desc), page.evaluate(legend))
    pictures = {k: v[0]["charts"][1] for k, v in seen.items()}
    assert len(set(pictures.values())) == 3, "the chosen layer does not show"
    assert len({v[0]["charts"][0] for v in seen.values()}) == 1
    assert len({v[0]["status"] for v in seen.values()}) == 1
    for chosen, (_, text, names) in seen.items():
        assert text.endswith(f"; layer {chosen}, the one chosen, shaded."), text
        assert f"layer {chosen} (chosen)" in names and len(names) == (3 if chosen == 3 else 2), names
    assert "of layers 1, 3 and 5 of 5 tanh layers" in seen[3][1]

@pytest.mark.browser
def test_widget_is_keyboard_operable(page):
    shot = _show(page, _state(depth=50, width=64, activation="relu", init="he"))
    depth = page.get_by_role("slider", name="depth (hidden layers)", exact=True)
    depth.focus()
    depth.press("ArrowRight")
    shot = _wait(page, shot["drawn"])
    assert _model(page, "depth") == 51 and "from layer 1 to 51" in shot["status"]
    depth.press("End")
    shot = _wait(page, shot["drawn"])
    assert _model(page, "depth") == 100
    gain = page.get_by_role("slider", name="gain", exact=True)
    gain.focus()
    gain.press("ArrowLeft")
    shot = _wait(page, shot["drawn"])
    assert _model(page, "gain") < 1.0
    menu = page.get_by_label("activation", exact=True)
    menu.focus()
    menu.press("ArrowDown")
    shot = _wait(page, shot["drawn"])
    assert _model(page, "activation") == "leaky_relu"
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")
    shot = _wait(page, shot["drawn"])
    assert _model(page, "init") == "orthogonal"
    # the model's changes (another view, the kernel) show in the controls
    page.evaluate("() => window.model.set('width', 333)")
    shot = _wait(page, shot["drawn"])
    assert page.get_by_role("spinbutton", name="width (units per layer), value", exact=True).input_value() == "333"


@pytest.mark.browser
def test_widget_draws_layers_again_beyond_its_memory_the_same(page):
    full = _show(page, _state(depth=20, width=50, activation="tanh", init="lecun", bias_std=0.1))
    state = _state(depth=20, width=50, activation="tanh", init="lecun", bias_std=0.1)
    state["limits"]["max_floats"] = 1000 * 10 + 5 * 57 ** 2  # room for 5 hidden layers only
    again = _show(page, state)
    assert again["status"] == full["status"] and again["charts"] == full["charts"]


@pytest.mark.browser
def test_widget_gain_and_scheme_changes_rescale_the_same_weights(page):
    # LeCun at gain sqrt(2) and He at gain 1 are the same weights (the same normal draws, the
    # same factor but for rounding); a change of scheme within a family draws nothing new
    shot = _show(page, _state(depth=10, width=40, activation="relu", init="lecun", gain=2 ** 0.5))
    page.evaluate("() => { window.model.set('init', 'he'); window.model.set('gain', 1.0); }")
    switched = _wait(page, shot["drawn"])
    assert switched["status"] == shot["status"]
    fresh = _show(page, _state(depth=10, width=40, activation="relu", init="he"))
    assert fresh == {**switched, "drawn": fresh["drawn"]}


@pytest.mark.browser
def test_widget_grows_and_narrows_the_same_weights(page):
    # a wider network draws only its new rows and columns: moving the width and back, or to a
    # width never drawn, shows what a fresh page shows there
    fresh = {w: _show(page, _state(depth=6, width=w, activation="relu", init="he")) for w in (40, 57, 90)}
    shot = _show(page, _state(depth=6, width=40, activation="relu", init="he"))
    for w in (57, 90, 40, 57):
        page.evaluate("(w) => window.model.set('width', w)", w)
        shot = _wait(page, shot["drawn"])
        assert {**shot, "drawn": 0} == {**fresh[w], "drawn": 0}, w


@pytest.mark.browser
def test_widget_says_computing_then_the_verdict_for_slow_settings(page):
    # orthogonal weights: a QR factorisation per layer, long enough to be said
    shot = _show(page, _state(depth=40, width=40, activation="tanh", init="lecun"))
    said = page.evaluate("""() => new Promise((done) => {
      const status = document.querySelector(".wx-status"), seen = [];
      new MutationObserver(() => {
        seen.push(status.textContent);
        if (!status.textContent.startsWith("Computing")) done(seen);
      }).observe(status, { childList: true, characterData: true, subtree: true });
      window.model.set("width", 300);
      window.model.set("init", "orthogonal");
    })""")
    assert said[0] == "Computing: 40 layers of 300 units…"
    assert said[-1].startswith(("Level", "Shrinking", "Growing", "Vanishing", "Exploding"))
    assert "from layer 1 to 40" in said[-1]


def test_no_first_picture_for_a_network_numpy_should_not_hold():
    # 100 layers of 1,000 x 1,000 weights are 800 MB of float64: the page draws them a layer at
    # a time; the Python picture is left out rather than built.
    from winit.book.browser.depth import MAX_FLOATS, DepthExplorer

    big = DepthExplorer(depth=100, width=1000)
    assert 100 * 1000 * 1000 > MAX_FLOATS
    assert big.first_state_png() is None
    data, _ = big._repr_mimebundle_()
    assert "image/png" not in data and "application/vnd.jupyter.widget-view+json" in data
