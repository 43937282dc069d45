"""The training explorer in Chromium: the page prepares the data as Python does, its SGD steps
are winit's, the four starts fail or learn as the chapter says, and every control drives it.

Expected values come from winit (toy_set, init_params, networks.train_sgd), never from the JS.
"""

import math

import numpy as np
import pytest

from _browser import load, render
from winit.book.browser import esm
from winit.book.browser.training import SCALES, TrainingExplorer, init_params, page_data, toy_set
from winit.networks import train_sgd

pytestmark = pytest.mark.browser

SETTINGS = {"dataset": "spirals", "depth": 4, "width": 32, "activation": "tanh", "init": "right",
            "lr": 0.1, "seed": 0}


@pytest.fixture(scope="module")
def page(js_page):
    load(js_page, esm("training"))
    js_page.evaluate("(d) => { window.D = d; }", page_data())
    return js_page


def run(page, settings, steps, **opts):
    """A session in the page with `settings` (over SETTINGS), `steps` SGD steps; what it ends with."""
    return page.evaluate("""([settings, steps, opts]) => {
      const s = M.trainingSession(D, settings, opts);
      const first = s.stats();
      const sentence0 = M.trainingSentence(s, first);
      s.step(steps);
      const st = s.stats(), acc = s.accuracy();
      return { t: s.t, finite: s.finite, losses: s.losses, trace: s.trace, acc, first: {
        act: Array.from(first.act), grad: Array.from(first.grad), saturated: first.saturated },
        params: opts.params ? s.params() : null, sentence0, sentence: M.trainingSentence(s, st, acc) };
    }""", [{**SETTINGS, **settings}, steps, opts])


@pytest.mark.parametrize("dataset", ["spirals", "digits"])
def test_the_page_trains_on_the_data_python_prepares(page, dataset):
    got = page.evaluate("""(name) => { const d = M.trainingData(D, name);
      return { x: Array.from(d.x), y: Array.from(d.y), xt: Array.from(d.xTest), yt: Array.from(d.yTest),
               n: d.n, dim: d.dim, classes: d.classes }; }""", dataset)
    x, y, xt, yt = toy_set(dataset)
    assert got["n"] == len(y) and got["dim"] == x.shape[1] and got["classes"] == (2 if dataset == "spirals" else 10)
    assert np.array_equal(got["y"], y) and np.array_equal(got["yt"], yt)
    np.testing.assert_allclose(np.reshape(got["x"], x.shape), x, rtol=0, atol=1e-12)
    np.testing.assert_allclose(np.reshape(got["xt"], xt.shape), xt, rtol=0, atol=1e-12)


@pytest.mark.parametrize("dataset, activation, depth, width", [
    ("spirals", "tanh", 3, 32), ("spirals", "relu", 2, 7), ("digits", "tanh", 2, 16),
])
def test_the_pages_sgd_steps_are_winits(page, dataset, activation, depth, width):
    x, y, _, _ = toy_set(dataset)
    sizes = [x.shape[1]] + [width] * depth + [2 if dataset == "spirals" else 10]
    rng = np.random.default_rng(7)
    params = init_params("right", sizes, activation, rng)
    steps = 12
    orders = np.stack([rng.choice(len(y), 32, replace=False) for _ in range(steps)])
    ref = train_sgd(params, x, y, steps=steps, lr=0.3, batch_size=32, activation=activation,
                    orders=orders, record_every=1)
    got = run(page, {"dataset": dataset, "activation": activation, "depth": depth, "width": width,
                     "lr": 0.3}, steps, weights=[w.ravel().tolist() for w, _ in params],
              biases=[b.tolist() for _, b in params], orders=orders.tolist(), trace=True,
              params=True)
    np.testing.assert_allclose(got["trace"], ref.losses, rtol=1e-9, atol=1e-12)
    for (w, b), gw, gb in zip(ref.params, got["params"]["weights"], got["params"]["biases"]):
        np.testing.assert_allclose(np.reshape(gw, w.shape), w, rtol=0, atol=1e-9)
        np.testing.assert_allclose(gb, b, rtol=0, atol=1e-9)


@pytest.mark.parametrize("init, activation", [("right", "tanh"), ("too_small", "relu"),
                                              ("too_large", "tanh")])
def test_the_pages_layer_statistics_are_winits(page, init, activation):
    """The spreads the page draws: each hidden layer's activations and the gradient of the loss
    at its units, per example (numpy's std times the batch, as the depth explorer), on the first
    64 training points, from weights handed in."""
    from winit.networks import backward, forward

    x, y, _, _ = toy_set("spirals")
    sizes = [2, 24, 24, 24, 2]
    params = init_params(init, sizes, activation, rng=11)
    got = page.evaluate("""([settings, opts]) => { const st = M.trainingSession(D, settings, opts).stats();
      return { act: Array.from(st.act), grad: Array.from(st.grad), loss: st.loss }; }""",
                        [{**SETTINGS, "depth": 3, "width": 24, "activation": activation},
                         {"weights": [w.ravel().tolist() for w, _ in params],
                          "biases": [b.tolist() for _, b in params]}])
    record = forward(params, x[:64], activation)
    grads = backward(params, record, y[:64])
    np.testing.assert_allclose(got["act"], [h.std() for h in record.activations], rtol=1e-9)
    np.testing.assert_allclose(got["grad"], [64 * g.std() for g in grads.grad_pre_activations[:-1]],
                               rtol=1e-9)
    assert got["loss"] == pytest.approx(grads.loss, rel=1e-12)


def test_the_pages_starts_have_their_spreads(page):
    sizes = [64, 64, 64, 10]
    for activation, gain in (("tanh", 1.0), ("relu", math.sqrt(2))):
        for name, s in SCALES.items():
            weights = page.evaluate("""([name, sizes, act]) =>
              M.trainingWeights(D, name, sizes, act, 3).weights.map((w) => Array.from(w))""",
                                    [name, sizes, activation])
            for w, fan_in in zip(weights, sizes):
                if s == 0:
                    assert not any(w)
                else:
                    assert np.std(w) == pytest.approx(s * gain / math.sqrt(fan_in), rel=0.06)


def test_four_starts_in_the_page_fail_or_learn_in_2000_steps(page):
    """The chapter's four starts on the spirals (4 x 32 tanh, lr 0.1, seed 0): zeros and too
    small stay at a guess, right learns, too large fits a patchwork that fails on new points."""
    out = {name: run(page, {"init": name}, 2000) for name in SCALES}
    log2 = math.log(2)
    for name in ("zeros", "too_small"):
        assert abs(out[name]["losses"][-1] - log2) < 0.01 and out[name]["acc"] == 0.5, name
    assert out["right"]["losses"][-1] < 0.1 and out["right"]["acc"] >= 0.95
    large = out["too_large"]
    assert large["losses"][-1] > 10 * out["right"]["losses"][-1] and large["acc"] < 0.9
    # what the page says at the start
    assert "Every hidden unit outputs the same value, 0" in out["zeros"]["sentence0"]
    assert out["too_small"]["first"]["act"][-1] / out["too_small"]["first"]["act"][0] < 3e-3
    assert "vanishes with depth" in out["too_small"]["sentence0"]
    assert large["first"]["saturated"] > 0.5 and "saturated" in large["sentence0"]
    assert "learning" in out["right"]["sentence"] and out["right"]["sentence"].startswith("Step 2000: loss")



def test_the_sentence_ends_with_the_settings(page):
    """Every setting is heard when it changes, the learning rate too (which changes nothing
    before a step)."""
    assert run(page, {}, 0)["sentence0"].endswith(
        ". Settings: learning rate 0.1, 4 tanh layers of 32 units, start right, seed 0, two spirals.")
    got = run(page, {"dataset": "digits", "depth": 1, "width": 1, "activation": "relu",
                     "init": "too_small", "lr": 0.037, "seed": 5}, 0)
    assert got["sentence0"].endswith(
        ". Settings: learning rate 0.037, 1 ReLU layer of 1 unit, start too small, seed 5, digits.")
    assert got["sentence0"].startswith("Step 0: loss")

def test_a_large_step_is_not_blamed_on_the_start(page):
    """Learning rate 1 from the right start: the units saturate only as it trains, and the loss
    rises after falling; the sentence blames the step size, not the start. The too-large start
    is blamed for the saturation it had at step 0 (its share at step 0 from winit's engine)."""
    big = run(page, {"lr": 1.0}, 2000)
    assert big["first"]["saturated"] < 0.1
    assert "the steps are too large" in big["sentence"] and "Try a smaller learning rate" in big["sentence"]
    assert "tanh units are saturated" not in big["sentence"]
    large = run(page, {"init": "too_large"}, 2000)
    x, _, _, _ = toy_set("spirals")
    params = init_params("too_large", [2, 32, 32, 32, 32, 2], "tanh", 0)
    h, shares = x[:64], []
    for w, b in params[:-1]:
        h = np.tanh(h @ w + b)
        shares.append(np.mean(np.abs(h) > 0.99))
    assert np.mean(shares) > 0.5 and large["first"]["saturated"] > 0.5   # saturated from the start
    assert "tanh units are saturated at ±1, as" in large["sentence"]
    assert "the steps are too large" not in large["sentence"]
    assert "the steps are too large" not in run(page, {}, 2000)["sentence"]


def test_relu_too_large_blows_up_in_the_page(page):
    got = run(page, {"activation": "relu", "init": "too_large"}, 300)
    assert not got["finite"] or got["losses"][0] > 5 or got["losses"][-1] > 0.6
    right = run(page, {"activation": "relu"}, 300)
    assert right["finite"] and right["losses"][-1] < 0.6


def test_digits_in_the_page(page):
    right = run(page, {"dataset": "digits"}, 1000)
    assert right["acc"] > 0.9 and right["losses"][-1] < 0.3
    zeros = run(page, {"dataset": "digits", "init": "zeros"}, 300)
    assert abs(zeros["losses"][-1] - math.log(10)) < 0.02
    assert "held-out accuracy" in zeros["sentence"]
    assert "held-out accuracy 50%" in run(page, {"init": "zeros"}, 10)["sentence"]


def test_every_scheme_trains_without_error(page):
    for init in ("xavier", "normalized_xavier", "he", "lecun", "glorot_normal", "he_normal",
                 "orthogonal"):
        got = run(page, {"init": init, "depth": 3, "width": 45}, 50)
        assert got["t"] == 50 and got["finite"], init


# ------------------------------------------------------------------ the widget in a page

PICTURE = """() => ({
  paths: Array.from(document.querySelectorAll("svg.wx-chart g[clip-path] path")).map((p) => p.getAttribute("d")),
  canvas: document.querySelector("canvas.wx-heat").toDataURL(),
  canvasShown: !document.querySelector("canvas.wx-heat").parentElement.hidden,
  status: document.querySelector(".wx-status").textContent,
  state: Object.fromEntries(["dataset", "depth", "width", "activation", "init", "lr", "seed"].map((k) => [k, window.model.get(k)])),
})"""


@pytest.fixture()
def widget(js_page):
    js_page.set_content("<!doctype html><html lang='en'><head><title>training</title>"
                        "<style>body { width: 700px; }</style></head><body></body></html>")
    load(js_page, esm("training"))
    w = TrainingExplorer()
    state = {name: getattr(w, name) for name in w.traits(setting=True)} | {"data": w.data}
    js_page.add_style_tag(content=w._css)
    render(js_page, state)
    return js_page


def _field(page, label):
    return page.locator(".wx-field", has=page.locator(f"label:text-is('{label}')"))


def test_play_pause_step_reset(widget):
    page = widget
    first = page.evaluate(PICTURE)
    assert first["status"].startswith("Step 0: loss") and first["canvasShown"]
    assert page.locator("[role=status][aria-live=polite]").count() == 1
    page.get_by_role("button", name="Step").click()
    assert page.evaluate(PICTURE)["status"].startswith("Step 1:")
    page.get_by_role("button", name="Play").click()
    page.wait_for_function("() => /^Step (\\d{3,})/.test(document.querySelector('.wx-status').textContent)")
    page.get_by_role("button", name="Pause").click()
    paused = page.evaluate(PICTURE)
    page.wait_for_timeout(300)
    assert page.evaluate(PICTURE)["status"] == paused["status"]             # it stopped
    assert paused["paths"][0] != first["paths"][0] and paused["paths"][0]     # the loss curve grew
    assert paused["canvas"] != first["canvas"]                               # the boundary moved
    assert paused["paths"][2:] != first["paths"][2:]                         # the layers' spreads
    page.get_by_role("button", name="Reset").click()
    again = page.evaluate(PICTURE)
    assert again["status"] == first["status"] and again["canvas"] == first["canvas"]


def test_every_control_drives_the_model_and_the_figures(widget):
    page = widget
    before = page.evaluate(PICTURE)
    for label, value, name in (("Hidden layers", "7", "depth"), ("Units per layer", "45", "width"),
                               ("Learning rate", "0.037", "lr"), ("Seed", "5", "seed")):
        box = _field(page, label).locator("input[type=number]")
        box.fill(value)
        box.press("Enter")
        after = page.evaluate(PICTURE)
        assert after["state"][name] == pytest.approx(float(value)), name
        assert after["status"] != before["status"], name  # said at once, the learning rate too
        if name == "lr":                     # the start is the same; one step differs
            assert "Settings: learning rate 0.037," in after["status"]
            page.get_by_role("button", name="Step").click()
            after = page.evaluate(PICTURE)
        else:
            assert after["paths"] != before["paths"] or after["canvas"] != before["canvas"], name
        assert after["status"] != before["status"], name
        before = after
    # the range inputs move it too (keyboard)
    _field(page, "Hidden layers").locator("input[type=range]").press("ArrowLeft")
    assert page.evaluate(PICTURE)["state"]["depth"] == 6
    for k, init in enumerate(name for name, _ in TrainingExplorer().data["inits"]):
        _field(page, "Start").locator("select").select_option(index=k)
        after = page.evaluate(PICTURE)
        assert after["state"]["init"] == init
        if k:
            assert after["canvas"] != before["canvas"] or after["paths"] != before["paths"], init
        before = after
    _field(page, "Activation").locator("select").select_option(index=1)
    assert page.evaluate(PICTURE)["state"]["activation"] == "relu"
    _field(page, "Data").locator("select").select_option(index=1)
    digits = page.evaluate(PICTURE)
    assert digits["state"]["dataset"] == "digits" and not digits["canvasShown"]
    assert "held-out accuracy" in digits["status"] and len(digits["paths"]) == 5
    assert len(before["paths"]) == 5                         # the spirals show it too
    page.get_by_role("button", name="Play").click()
    page.wait_for_function("() => /^Step (\\d{3,})/.test(document.querySelector('.wx-status').textContent)")
    page.get_by_role("button", name="Pause").click()
    assert page.evaluate(PICTURE)["paths"][2] != digits["paths"][2]          # held-out accuracy
    _field(page, "Data").locator("select").select_option(index=0)
    assert page.evaluate(PICTURE)["canvasShown"]
    assert page.evaluate("() => window.saved") >= 8


def _legend(page):
    return page.evaluate("() => Array.from(document.querySelectorAll('svg.wx-chart')[0].querySelectorAll('.wx-legend text')).map((t) => t.textContent)")


def test_a_blow_up_is_seen_on_the_loss_chart(widget):
    """ReLU from the too-large start: the losses above the chart's top are drawn on its top
    edge with a dot named with the largest, and the overflow is a dashed line at its step."""
    page = widget
    page.evaluate("() => { window.model.set('activation', 'relu'); window.model.set('init', 'too_large'); }")
    for _ in range(12):
        page.get_by_role("button", name="Step").click()
    status = page.evaluate(PICTURE)["status"]
    step = int(status.split(":")[0].removeprefix("Step "))
    assert f"The loss overflowed at step {step}" in status and step < 12   # it stopped there
    legend = _legend(page)
    off = [t for t in legend if t.endswith(", off the chart")]
    assert len(off) == 1 and float(off[0].split()[1].rstrip(",")) > 1e6 and f"overflow at step {step}" in legend
    chart = page.locator("svg.wx-chart").first
    assert "overflowed at step" in chart.locator("desc").text_content()
    paths = page.evaluate(PICTURE)["paths"]
    assert paths[0] and len(paths) == 7       # the loss's line, the dot and the dashed line drawn
    top = page.evaluate("() => document.querySelector('svg.wx-chart clipPath rect').getAttribute('y')")
    assert paths[0].startswith("M") and paths[0].split()[1].startswith(top)   # on the top edge
    page.get_by_role("button", name="Reset").click()
    assert not any("overflow" in t for t in _legend(page))


def test_play_stops_where_the_chapters_runs_end(widget):
    page = widget
    page.get_by_role("button", name="Play").click()
    page.wait_for_function("() => +(/^Step (\\d+):/.exec(document.querySelector('.wx-status').textContent) || [0, 0])[1] >= 2000",
                           timeout=60_000)
    page.wait_for_timeout(300)
    status = page.evaluate(PICTURE)["status"]
    assert status.startswith("Step 2000:")
    assert "Play stops here, at step 2,000: the chapter's runs end here too. Play or Step goes on." in status
    assert page.get_by_role("button", name="Play").get_attribute("aria-pressed") == "false"
    page.get_by_role("button", name="Step").click()
    assert page.evaluate(PICTURE)["status"].startswith("Step 2001:")


def test_the_model_drives_the_controls(widget):
    page = widget
    page.evaluate("() => window.model.set('depth', 9)")
    assert _field(page, "Hidden layers").locator("input[type=number]").input_value() == "9"
    assert page.evaluate("() => document.querySelectorAll('svg.wx-chart')[1].querySelector('g[clip-path] path').getAttribute('d')").count("L") == 8
    page.evaluate("() => window.cleanup()")
