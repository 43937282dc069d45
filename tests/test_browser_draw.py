"""The explorers' drawing and controls (js/plot.js, js/ui.js, js/explorer.css) in Chromium.

Expected pixel positions are computed here from the axis ranges and the frame the chart
reports; expected tick labels and clamped values are literals."""

import math
import re

import pytest

from _browser import load
from winit.book.browser import esm, js_source

pytestmark = pytest.mark.browser

NUM = re.compile(r"-?\d+(?:\.\d+)?")


@pytest.fixture(scope="module")
def page(js_page):
    load(js_page, esm())
    js_page.add_style_tag(content=js_source("explorer.css"))
    return js_page


CHART = """(spec) => {
  const d = document.createElement("div"); d.style.width = "600px"; document.body.appendChild(d);
  const r = M.svgChart(d, spec), svg = r.svg;
  const out = { paths: r.paths, frame: r.frame, role: svg.getAttribute("role"),
    labelledby: svg.getAttribute("aria-labelledby"), viewBox: svg.getAttribute("viewBox"),
    title: svg.querySelector("title")?.textContent, desc: svg.querySelector("desc")?.textContent,
    first: svg.firstElementChild.tagName, ticks: [...svg.querySelectorAll(".wx-ticks text")].map((t) => t.textContent),
    legend: [...svg.querySelectorAll(".wx-legend text")].map((t) => t.textContent),
    dashed: [...svg.querySelectorAll("path.wx-s")].map((p) => p.getAttribute("stroke-dasharray")),
    ids: [...svg.querySelectorAll("[id]")].map((e) => e.id) };
  d.remove();
  return out;
}"""


def chart(page, **spec):
    return page.evaluate(CHART, {"width": 480, "height": 300, **spec})


def moves(d):
    """The (x, y) after each M or L of a path."""
    return [tuple(map(float, m.groups())) for m in re.finditer(r"[ML](-?[\d.]+) (-?[\d.]+)", d)]


def px(frame, v, lo, hi, log=False, axis="x"):
    f = (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo)) if log else (v - lo) / (hi - lo)
    if axis == "x":
        return frame["left"] + f * frame["width"]
    return frame["top"] + (1 - f) * frame["height"]


def test_chart_is_an_image_with_its_title_and_description(page):
    out = chart(page, title="Weights", desc="A histogram of 100 weights.", legend=True,
                series=[{"name": "sample", "xs": [0, 1], "ys": [0, 1]},
                        {"name": "theory", "xs": [0, 1], "ys": [1, 0], "dashed": True}])
    assert out["role"] == "img" and out["first"] == "title"
    assert (out["title"], out["desc"]) == ("Weights", "A histogram of 100 weights.")
    assert out["labelledby"].split() == [i for i in out["ids"] if i.endswith(("t", "d"))]
    assert out["viewBox"] == "0 0 480 300"
    assert out["legend"] == ["sample", "theory"]
    assert out["dashed"][0] is None and out["dashed"][1]
    assert len(out["paths"]) == 2


def test_line_and_points_land_on_their_pixels(page):
    xs, ys = [-1.0, 0.0, 0.5, 2.0], [3.0, -1.0, 0.25, 1.0]
    out = chart(page, x={"min": -1, "max": 2, "label": "x"}, y={"min": -1, "max": 3, "label": "y"},
                series=[{"xs": xs, "ys": ys}, {"kind": "points", "xs": xs, "ys": ys}])
    f = out["frame"]
    want = [(px(f, x, -1, 2), px(f, y, -1, 3, axis="y")) for x, y in zip(xs, ys)]
    for d in out["paths"]:
        got = moves(d)
        assert len(got) == 4
        for (gx, gy), (wx, wy) in zip(got, want):
            assert abs(gx - wx) <= 0.06 and abs(gy - wy) <= 0.06
    assert out["paths"][1].count("h0") == 4
    assert "0" in out["ticks"] and "3" in out["ticks"] and "-1" in out["ticks"]


def test_steps_outline_a_histogram(page):
    edges, counts = [0.0, 1.0, 2.0, 4.0], [2.0, 5.0, 1.0]
    out = chart(page, x={"min": 0, "max": 4}, y={"min": 0, "max": 5},
                series=[{"kind": "steps", "xs": edges, "ys": counts}, {"kind": "bars", "xs": edges, "ys": counts}])
    f = out["frame"]
    X = [round(px(f, e, 0, 4), 1) for e in edges]
    Y = [round(px(f, c, 0, 5, axis="y"), 1) for c in counts]
    base = round(px(f, 0, 0, 5, axis="y"), 1)
    nums = [float(v) for v in NUM.findall(out["paths"][0])]
    want = [X[0], base, Y[0], X[1], Y[1], X[2], Y[2], X[3], base]
    assert nums == pytest.approx(want, abs=0.06)
    assert out["paths"][1].count("Z") == 3


def test_log_axes_decades_and_short_ranges(page):
    out = chart(page, x={"log": True, "min": 1e-3, "max": 1e3}, y={"log": True, "min": 1, "max": 100},
                series=[{"xs": [1e-3, 1, 31.6], "ys": [1, 10, 100]}])
    f = out["frame"]
    got = moves(out["paths"][0])
    for (gx, gy), (x, y) in zip(got, [(1e-3, 1), (1, 10), (31.6, 100)]):
        assert gx == pytest.approx(px(f, x, 1e-3, 1e3, log=True), abs=0.06)
        assert gy == pytest.approx(px(f, y, 1, 100, log=True, axis="y"), abs=0.06)
    assert {"0.001", "1", "1000", "10", "100"} <= set(out["ticks"])
    # Under one decade: at least three labelled ticks, all inside the range.
    short = chart(page, y={"log": True, "min": 2, "max": 9}, series=[{"xs": [0, 1], "ys": [2, 9]}])
    inside = [float(t) for t in short["ticks"][2:] if 2 <= float(t) <= 9]
    assert len(inside) >= 3
    # 1e-300 .. 1e300: finite pixels, labels in powers of ten.
    huge = chart(page, x={"log": True}, y={"log": True}, series=[{"xs": [1e-300, 1, 1e300], "ys": [1e300, 1, 1e-300]}])
    pts = moves(huge["paths"][0])
    assert len(pts) == 3 and all(math.isfinite(v) for p in pts for v in p)
    assert "10\u00b3\u2070\u2070" in huge["ticks"] and "10\u207b\u00b3\u2070\u2070" in huge["ticks"]


def test_bad_values_are_left_out_of_the_path(page):
    ys = [1.0, 0.0, -2.0, None, 10.0, 100.0]
    out = page.evaluate("""(ys) => {
      const d = document.createElement("div"); document.body.appendChild(d);
      const y = ys.map((v) => (v === null ? NaN : v)); y.push(Infinity, 1000);
      const r = M.svgChart(d, { width: 400, height: 300, y: { log: true }, series: [
        { xs: [1, 2, 3, 4, 5, 6, 7, 8], ys: y }, { kind: "points", xs: [1, 2, 3, 4, 5, 6, 7, 8], ys: y },
        { kind: "steps", xs: [0, 1, 2, 3, 4, 5, 6, 7, 8], ys: y } ] });
      d.remove(); return r.paths; }""", ys)
    for d in out:
        assert "NaN" not in d and "Infinity" not in d
    line = out[0]
    assert line.count("M") == 3 and line.count("L") == 1  # 1 | 10 100 | 1000
    assert out[1].count("h0") == 4


def test_redraw_keeps_the_same_svg(page):
    same = page.evaluate("""() => {
      const d = document.createElement("div"); document.body.appendChild(d);
      const xs = Array.from({ length: 100 }, (_, i) => i), mk = (k) => ({ series: [0, 1, 2, 3, 4].map((s) => (
        { name: "s" + s, xs, ys: xs.map((x) => Math.sin(x / 10 + s + k)) })) });
      const a = M.svgChart(d, mk(0)).svg, b = M.svgChart(d, mk(1)).svg;
      const n = d.querySelectorAll("svg").length; d.remove();
      return [a === b, n, b.querySelectorAll("path.wx-s").length]; }""")
    assert same == [True, 1, 10]  # 5 series + 5 legend samples


def test_heat_map_colours_and_points(page):
    out = page.evaluate("""() => {
      const c = document.createElement("canvas"); c.style.width = "100px"; document.body.appendChild(c);
      const w = 4, h = 4, values = new Float64Array(16);
      for (let j = 0; j < h; j++) for (let i = 0; i < w; i++) values[j * w + i] = i < 2 ? 0 : 1;
      M.heatMap(c, { values, w, h, lo: 0, hi: 1, label: "decision boundary",
        points: { xs: [0.9], ys: [0.9], labels: [1] } });
      const g = c.getContext("2d"), at = (x, y) => Array.from(g.getImageData(x * c.width, y * c.height, 1, 1).data);
      const out = { left: at(0.05, 0.5), right: at(0.95, 0.5), point: at(0.9, 0.1), role: c.getAttribute("role"),
        name: c.getAttribute("aria-label"), size: c.width };
      c.remove(); return out; }""")
    assert out["role"] == "img" and out["name"] == "decision boundary"
    assert out["left"][2] > out["left"][0] and out["right"][0] > out["right"][2]  # blue | orange
    assert out["point"][:3] == [200, 81, 13]  # the class-1 marker's fill (#c8510d)


SLIDER = """(opts) => {
  window.got = [];
  const box = document.createElement("div"); box.id = "box"; box.className = "winit-explorer"; document.body.appendChild(box);
  window.ctl = M.slider(box, { ...opts, onInput: (v) => window.got.push(v) });
  return [...box.querySelectorAll("input")].map((i) => [i.type, i.labels.length, i.labels[0].textContent]);
}"""


def test_slider_labels_keyboard_and_clamping(page):
    labels = page.evaluate(SLIDER, {"id": "gain", "label": "Gain", "min": 0.5, "max": 2, "step": 0.01, "value": 1})
    assert labels == [["range", 1, "Gain"], ["number", 1, "Gain, value"]]
    page.focus("#gain-range")
    page.keyboard.press("ArrowRight")
    assert page.evaluate("window.ctl.get()") == 1.01
    ring = page.evaluate("[getComputedStyle(document.activeElement).outlineStyle, getComputedStyle(document.activeElement).outlineWidth]")
    assert ring == ["solid", "3px"]  # a visible focus ring
    page.keyboard.press("End")
    assert page.evaluate("[window.ctl.get(), document.querySelector('#gain-num').value]") == [2, "2"]
    page.fill("#gain-num", "7.5")
    page.press("#gain-num", "Enter")
    assert page.evaluate("[window.ctl.get(), document.querySelector('#gain-num').value]") == [2, "2"]
    page.fill("#gain-num", "-3")
    page.press("#gain-num", "Tab")
    page.fill("#gain-num", "")
    page.press("#gain-num", "Tab")
    assert page.evaluate("[window.ctl.get(), document.querySelector('#gain-num').value]") == [0.5, "0.5"]
    page.fill("#gain-num", "1.37")
    assert page.evaluate("[window.ctl.get(), Number(document.querySelector('#gain-range').value)]") == [1.37, 1.37]
    assert page.evaluate("window.got") == [1.01, 2, 0.5, 1.37]
    page.evaluate("document.querySelector('#box').remove()")


def test_log_slider_takes_exact_integers_and_round_trips(page):
    page.evaluate(SLIDER, {"id": "n", "label": "Fan-in n", "min": 1, "max": 1000, "log": True, "value": 100,
                           "format": None})
    pos = page.evaluate("Number(document.querySelector('#n-range').value)")
    assert 0 < pos < 200 and pos == round(200 * math.log(100) / math.log(1000))
    page.fill("#n-num", "613")
    page.press("#n-num", "Enter")
    assert page.evaluate("window.ctl.get()") == 613
    assert page.evaluate("document.querySelector('#n-range').getAttribute('aria-valuetext')") == "613"
    page.fill("#n-num", "1")
    page.press("#n-num", "Enter")
    page.focus("#n-range")
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    assert page.evaluate("window.ctl.get()") == 4  # each key press moves, even where 1/200 of the range is < 1
    page.keyboard.press("End")
    assert page.evaluate("window.ctl.get()") == 1000
    page.evaluate("document.querySelector('#box').remove()")
    with pytest.raises(Exception, match="min > 0"):
        page.evaluate("M.slider(document.body, { label: 'n', min: 0, max: 10, log: true })")


@pytest.mark.parametrize("xaxis", [{"log": True}, {"min": 0, "max": 1234567}, {"min": -0.0031, "max": 0.0047}])
def test_ticks_at_phone_width_are_full_size_and_apart(page, xaxis):
    out = page.evaluate("""(x) => {
      const d = document.createElement("div"); d.style.width = "340px"; document.body.appendChild(d);
      const r = M.svgChart(d, { x, y: { log: true }, series: [{ xs: [1e-300, 1e-5, 1e300], ys: [1e-300, 0.5, 1e300] }] });
      const boxes = [...r.svg.querySelectorAll(".wx-ticks text")].map((t) => t.getBoundingClientRect())
        .filter((b) => Math.abs(b.top - boxes0(r)) < 2);
      function boxes0(r) { return Math.max(...[...r.svg.querySelectorAll(".wx-ticks text")].map((t) => t.getBoundingClientRect().top)); }
      const out = { n: boxes.length, gaps: boxes.slice(1).map((b, i) => b.left - boxes[i].right),
        height: r.svg.querySelector(".wx-ticks text").getBoundingClientRect().height, width: r.svg.getBoundingClientRect().width };
      d.remove(); return out; }""", xaxis)
    assert out["width"] == 340 and out["height"] >= 12  # 12 px text at a 1:1 scale
    assert out["n"] >= 2 and min(out["gaps"]) > 2


def test_select_button_say_and_bind_with_a_model(page):
    out = page.evaluate("""() => {
      const handlers = {}, saved = [];
      const model = { state: { n: 10, act: "tanh" }, get(k) { return this.state[k]; },
        set(k, v) { this.state[k] = v; }, save_changes() { saved.push({ ...this.state }); },
        on(ev, f) { (handlers[ev] ||= []).push(f); }, off() {} };
      const ui = M.explorerRoot(document.body, "Test explorer");
      const s = M.slider(ui.controls, { label: "Width", min: 1, max: 100, value: 1 });
      const a = M.select(ui.controls, { label: "Activation", options: [["tanh", "tanh"], ["relu", "ReLU"], [3, "three"]] });
      let clicks = 0; const b = M.button(ui.controls, { label: "Step", onClick: () => clicks++ });
      M.bind(model, "n", s); M.bind(model, "act", a);
      const first = [s.get(), s.number.value, a.get()];
      model.state.n = 42; model.state.act = "relu"; handlers["change:n"][0](); handlers["change:act"][0]();
      const pushed = [s.get(), a.select.selectedOptions[0].textContent];
      s.number.value = "77"; s.number.dispatchEvent(new Event("change"));
      a.select.value = "2"; a.select.dispatchEvent(new Event("change"));
      b.click(); M.say(ui.status, "n = 77");
      const out = { first, pushed, state: model.state, saved, clicks, status: ui.status.textContent,
        live: ui.status.getAttribute("aria-live"), group: ui.root.getAttribute("role"),
        name: document.getElementById(ui.root.getAttribute("aria-labelledby")).textContent,
        selLabel: a.select.labels[0].textContent, btn: b.type };
      ui.root.remove(); return out; }""")
    assert out["first"] == [10, "10", "tanh"]
    assert out["pushed"] == [42, "ReLU"]
    assert out["state"] == {"n": 77, "act": 3}
    assert out["saved"] == [{"n": 77, "act": "relu"}, {"n": 77, "act": 3}]
    assert out["clicks"] == 1 and out["status"] == "n = 77" and out["live"] == "polite"
    assert (out["group"], out["name"], out["selLabel"], out["btn"]) == ("group", "Test explorer", "Activation", "button")



KEYS = """() => {
  const old = document.getElementById("keys"); if (old) old.remove();
  const host = document.createElement("div"); host.id = "keys"; document.body.appendChild(host);
  const ui = M.explorerRoot(host, "Keys");
  window.keyCtl = M.slider(ui.controls, { id: "kn", label: "Fan-in n", min: 1, max: 100, value: 10 });
  window.keySel = M.select(ui.controls, { id: "ks", label: "Activation", options: [["tanh", "tanh"], ["relu", "ReLU"]] });
  window.keyClicks = 0;
  M.button(ui.controls, { label: "Step", onClick: () => window.keyClicks++ });
  window.seen = { document: [], parent: [], input: [] };
  if (!window.keyLog) {  // once per page: JupyterLab's shortcuts listen on the document
    window.keyLog = (where) => (e) => ["Control", "Shift", "Alt", "Meta"].includes(e.key)
      || window.seen[where].push((e.ctrlKey ? "Control+" : "") + e.key);
    document.addEventListener("keydown", window.keyLog("document"));
  }
  host.addEventListener("keydown", window.keyLog("parent"));
  ui.root.querySelector("input").addEventListener("keydown", window.keyLog("input"));
}"""


def test_keys_the_controls_use_stay_in_the_explorer(page):
    """JupyterLab's command-mode shortcuts (ArrowDown: select the next cell; a digit: make the
    cell a heading; Enter: edit the cell) listen on the document: the keys an explorer's controls
    use reach the control, and go no further up than the explorer. Tab and keys with Control
    (Ctrl+S: save) still reach the page."""
    page.evaluate(KEYS)
    try:
        page.focus("#kn-range")
        for key in ("ArrowRight", "ArrowUp", "ArrowLeft", "ArrowRight", "PageUp", "End", "Home", "ArrowDown"):
            page.keyboard.press(key)
        assert page.evaluate("window.keyCtl.get()") == 1  # the range input took every key
        assert page.evaluate("window.seen.input").count("ArrowRight") == 2  # the input saw them first
        page.focus("#kn-num")
        page.keyboard.press("Control+a")
        page.keyboard.type("42")
        page.keyboard.press("Backspace")
        page.keyboard.type("7")
        page.keyboard.press("Enter")
        assert page.evaluate("[window.keyCtl.get(), document.querySelector('#kn-num').value]") == [47, "47"]
        page.keyboard.press("ArrowUp")
        assert page.evaluate("window.keyCtl.get()") == 48
        page.focus("#ks")
        page.keyboard.press("ArrowDown")
        assert page.evaluate("window.keySel.get()") == "relu"
        page.focus("#keys button")
        page.keyboard.press("Enter")
        page.keyboard.press(" ")
        assert page.evaluate("window.keyClicks") == 2
        page.keyboard.press("Control+s")
        page.keyboard.press("Tab")
        seen = page.evaluate("window.seen")
        assert seen["parent"] == seen["document"] == ["Control+s", "Tab"], seen
    finally:
        page.evaluate("document.getElementById('keys').remove()")

DEMO = """() => {
  const old = document.getElementById("demo"); if (old) old.remove();
  const host = document.createElement("main"); host.id = "demo"; host.style.maxWidth = "860px";
  host.style.margin = "0 auto"; host.style.padding = "0 8px"; document.body.appendChild(host);
  const ui = M.explorerRoot(host, "How the weights' spread carries through the layers");
  const n = M.slider(ui.controls, { label: "Fan-in n", min: 1, max: 1000, log: true, value: 256 });
  const g = M.slider(ui.controls, { label: "Gain", min: 0.1, max: 3, step: 0.01, value: 1 });
  M.select(ui.controls, { label: "Activation", options: [["tanh", "tanh"], ["relu", "ReLU"]] });
  const row = document.createElement("div"); row.className = "wx-field"; ui.controls.appendChild(row);
  M.button(row, { label: "Reset" });
  const f1 = document.createElement("figure"), f2 = document.createElement("figure"), f3 = document.createElement("figure");
  for (const f of [f1, f2, f3]) { f.style.margin = "0"; ui.figures.appendChild(f); }
  const edges = Array.from({ length: 31 }, (_, i) => -3 + i * 0.2), pdf = (x) => Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
  const counts = edges.slice(1).map((e, i) => pdf(e - 0.1) * (1 + 0.15 * Math.sin(7 * i)));
  const xs = Array.from({ length: 121 }, (_, i) => -3 + i * 0.05);
  M.svgChart(f1, { title: "Weights", desc: "Histogram against the normal density.", x: { label: "w / std" }, y: { label: "density" },
    series: [{ name: "sample", kind: "steps", xs: edges, ys: counts }, { name: "theory", xs, ys: xs.map(pdf), dashed: true }] });
  const L = Array.from({ length: 50 }, (_, i) => i + 1);
  M.svgChart(f2, { title: "Spread of activations by layer", x: { label: "layer" }, y: { label: "std", log: true },
    series: [{ name: "gain 0.9", kind: "points", xs: L, ys: L.map((l) => Math.pow(0.9, l)) },
             { name: "gain 1.0", xs: L, ys: L.map((l) => 1 + 0.02 * Math.sin(l)) },
             { name: "theory", xs: L, ys: L.map((l) => Math.pow(0.9, l)), dashed: true }] });
  const f4 = document.createElement("figure"); f4.style.margin = "0"; ui.figures.appendChild(f4);
  const K = Array.from({ length: 10 }, (_, i) => i + 1);
  M.svgChart(f4, { title: "Gradient spread by layer", x: { label: "layer", min: 0.5, max: 10.5 }, y: { label: "rms", min: 0 },
    series: [{ name: "gradients", kind: "bars", xs: K, ys: K.map((l) => 0.1 * Math.pow(1.15, l)) },
             { name: "theory", xs: K, ys: K.map((l) => 0.1 * Math.pow(1.15, l)), dashed: true }] });
  const c = document.createElement("canvas"); f3.appendChild(c);
  const w = 48, v = new Float64Array(w * w), P = { xs: [], ys: [], labels: [] };
  for (let j = 0; j < w; j++) for (let i = 0; i < w; i++) v[j * w + i] = 1 / (1 + Math.exp(-8 * ((i / w - 0.5) ** 2 + (0.5 - j / w) ** 2 - 0.09)));
  for (let k = 0; k < 80; k++) { const a = k * 2.4, r = k % 2 ? 0.42 : 0.16; P.xs.push(0.5 + r * Math.cos(a)); P.ys.push(0.5 + r * Math.sin(a)); P.labels.push(k % 2); }
  M.heatMap(c, { values: v, w, h: w, lo: 0, hi: 1, points: P, label: "Decision boundary" });
  M.say(ui.status, "Activations shrink by 0.9 per layer: std 0.005 at layer 50.");
  const over = [...ui.root.querySelectorAll("*")].filter((e) => e.getBoundingClientRect().right > ui.root.getBoundingClientRect().right + 0.5).map((e) => e.tagName + "." + e.className);
  const css = (e, k) => getComputedStyle(e)[k];
  const colours = [...ui.root.querySelectorAll("label, .wx-title, .wx-status, input[type=number], select, button, svg text")].map(
    (e) => (e.tagName === "text" ? css(e, "fill") : css(e, "color")));
  return { colours, background: css(ui.root, "backgroundColor"), over, rootRight: ui.root.getBoundingClientRect().right, doc: document.documentElement.scrollWidth, view: innerWidth };
}"""


def contrast(a, b):
    """WCAG 2.1 contrast ratio of two CSS rgb() colours."""
    def lum(c):
        rgb = [int(v) / 255 for v in re.findall(r"\d+", c)[:3]]
        lin = [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    hi, lo = sorted([lum(a), lum(b)], reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("width", [1280, 390])
def test_demo_fits_the_width_and_screenshots(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    try:
        out = page.evaluate(DEMO)
        assert out["over"] == []
        assert min(contrast(c, out["background"]) for c in out["colours"]) >= 4.5  # WCAG AA text
        assert out["rootRight"] <= width and out["doc"] <= width
        page.locator("#demo").screenshot(path=f"/tmp/i21-draw-{width}.png")
        page.emulate_media(media="print")
        shown = page.evaluate("""() => ["input", "select", "button", "svg", "canvas", ".wx-status"].map(
          (q) => [...document.querySelectorAll("#demo " + q)].some((e) => e.getClientRects().length > 0))""")
        assert shown == [False, False, False, True, True, True]  # on paper: figures and the sentence
    finally:
        page.emulate_media(media="screen")
        page.evaluate("document.getElementById('demo').remove()")
        page.set_viewport_size({"width": 1280, "height": 720})
