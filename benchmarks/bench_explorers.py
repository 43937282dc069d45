"""The explorers in the reader's browser, timed in headless Chromium.

Three parts: the network code's passes, the training explorer's steps and the depth
explorer's redraw.

Run: ``python benchmarks/bench_explorers.py`` (all three parts, about two minutes; the same as
``--browser``), or one part alone: ``--net``, ``--training``, ``--depth``.

**The network code** (``--net``, about a minute): the explorers' own network code
(``winit/book/browser/js/net.js``) in headless Chromium, as the reader's page runs it, at 1x and under a 4x CPU slowdown (CDP
``Emulation.setCPUThrottlingRate``, rate 4: a phone). For the depth explorer, a network of
50 hidden layers of 256 units (tanh) and 10 outputs at batch 4, 8, 16 and 32: the forward
pass alone, forward and backward to every layer's gradient (no weight gradients: what the
explorer draws), and forward and backward with the weight gradients. For the training
explorer, one SGD step of a 2-32-32-32-2 MLP at batch 64. Wall-clock milliseconds in the
page (``performance.now()``), the median and the fastest of repeated runs after a warm-up,
and in brackets the renderer process's CPU milliseconds per pass (from /proc). On a loaded
machine the wall clock counts the other jobs; the CPU time does not, and is the figure to
read (under the 4x slowdown it grows 4-fold too: the throttled renderer keeps its CPU).
Under the slowdown a single short pass may fall between the throttler's pauses, so there
the fastest run says little.

**The training explorer** (``--training``): the widget itself
(``winit/book/browser/js/training.js``) rendered in headless Chromium with a stand-in for the
model, 3 hidden layers of 32 tanh units on the spirals, at 1x and 4x CPU slowdown. "Play" is
the reader's Play button for 3 seconds: SGD steps a second and frames a second, everything
drawn (the loss chart, the layers' spreads every frame; the boundary every 120 ms). Play runs
at most 8 steps a frame, so at 60 frames a second it is capped near 480 steps a second; the
other figures say what one step, one boundary and one redraw of the statistics cost.

**The depth explorer's redraw** (``--depth``): the widget
(``winit/book/browser/js/depth.js``) as the book's site shows it, its saved state rendered by
the site's own host (``site_assets/winit-widgets.js``), 50 hidden tanh layers of 256 units with
He's rule, at 1x and 4x CPU slowdown. Each control's number box gets ten new values, one at a
time (a gain, a depth, a bias spread, a width: a width draws the new rows and columns); each is
timed from its change event to the second animation frame after the explorer has drawn (the
picture is on the screen), and the renderer's CPU milliseconds per redraw in brackets. The
target: 100 ms at 1x, 400 ms at 4x.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

# The browser tests' helpers: load (an ES module into a page, as anywidget imports it) and render
# (a widget over a stand-in model).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from _browser import load, render  # noqa: E402


# The browser part: net.js timed in the page. Weights from a small LCG (their values do not
# change the work: no code path skips zeros), std 1/sqrt(fan_in), tanh.
_SETUP_JS = """([depth, width]) => {
  const M = window.M;
  let seed = 12345;
  const rnd = () => { seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0; return seed / 4294967296 - 0.5; };
  const fill = (n, std) => Float64Array.from({ length: n }, () => rnd() * std * Math.sqrt(12));
  const make = (sizes) => M.makeNet(sizes, sizes.slice(0, -1).map((n, l) => fill(n * sizes[l + 1], 1 / Math.sqrt(n))),
                                    null, "tanh");
  const deep = make(Array(depth + 1).fill(width).concat([10]));
  const mlp = make([2, 32, 32, 32, 2]);
  const mlpX = fill(64 * 2, 1), mlpY = Array.from({ length: 64 }, (_, i) => i % 2);
  const inputs = {};
  // one pass of `mode` at `batch`: "forward"; "gradients" (forward, the loss's gradient,
  // backward to every layer's dL/dz, no weight gradients); "full" (with them); "sgd" (one
  // step of the MLP at batch 64). Returns the milliseconds of each of `reps` passes.
  window.benchRun = ([mode, batch, reps]) => {
    if (!inputs[batch]) inputs[batch] = [fill(batch * width, 1), Array.from({ length: batch }, (_, i) => i % 10)];
    const [x, y] = inputs[batch];
    const pass = mode === "sgd" ? () => M.sgdStep(mlp, mlpX, mlpY, 64, 1e-3) : () => {
      const fw = M.forward(deep, x, batch);
      if (mode === "forward") return;
      const { grad } = M.softmaxCrossEntropy(fw.pre[depth], y, batch, 10);
      M.backward(deep, fw, grad, { weights: mode === "full" });
    };
    const times = [];
    for (let r = 0; r < reps; r++) { const t0 = performance.now(); pass(); times.push(performance.now() - t0); }
    return times;
  };
}"""

BROWSER_BATCHES = (4, 8, 16, 32)
BROWSER_MODES = ("forward", "gradients", "full")


def _renderer_cpu_seconds():
    """CPU seconds (user + system) of this process's Chromium renderers so far (from /proc;
    None where there is none). CPU time does not count the waits the other jobs on the
    machine cause, nor the pauses of the CPU slowdown."""
    try:
        import os

        ticks = os.sysconf("SC_CLK_TCK")
        parent, stat = {}, {}
        for pid in os.listdir("/proc"):
            if pid.isdigit():
                try:
                    with open(f"/proc/{pid}/stat") as f:
                        fields = f.read().rsplit(")", 1)[1].split()
                    with open(f"/proc/{pid}/cmdline", "rb") as f:
                        renderer = b"--type=renderer" in f.read()
                except OSError:
                    continue
                parent[int(pid)] = int(fields[1])
                stat[int(pid)] = (renderer, int(fields[11]) + int(fields[12]))
        mine = {os.getpid()}
        for _ in range(8):  # descendants, a few generations deep
            mine |= {p for p, pp in parent.items() if pp in mine}
        return sum(t for p, (renderer, t) in stat.items() if p in mine and renderer) / ticks
    except (OSError, ValueError):
        return None


def _chromium(api):
    """Headless Chromium (the system's), as the browser tests launch it."""
    return api.chromium.launch(executable_path="/usr/bin/chromium",
                               args=["--no-sandbox", "--disable-gpu"])


def _each_rate(rates, open_page):
    """For each CPU slowdown in ``rates``: ``(rate, page)``, the page made by
    ``open_page(browser)`` in headless Chromium (set up at full speed) and then slowed down
    ``rate``-fold (CDP ``Emulation.setCPUThrottlingRate``); closed after its turn."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as api:
        browser = _chromium(api)
        try:
            for rate in rates:
                page = open_page(browser)
                page.context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate",
                                                        {"rate": rate})
                try:
                    yield rate, page
                finally:
                    page.close()
        finally:
            browser.close()


def _cpu_ms(run, count):
    """``run()``'s result and the renderer's CPU milliseconds per one of its ``count`` passes
    (None without /proc)."""
    cpu0 = _renderer_cpu_seconds()
    out = run()
    cpu1 = _renderer_cpu_seconds()
    return out, None if cpu0 is None else 1e3 * (cpu1 - cpu0) / count


def _load(load0):
    """The machine as the figures' headings say it: CPUs, and the load average before -> after."""
    import os

    return f"{os.cpu_count()} CPUs, load average {load0:.1f} -> {os.getloadavg()[0]:.1f}"


def _module_page(browser, source):
    """A blank page with the ES module ``source`` imported as ``window.M``, as anywidget
    imports an explorer's module (from a Blob URL)."""
    page = browser.new_page()
    page.set_content("<!doctype html><title>bench</title><body></body>")
    load(page, source)
    return page


def browser_figures(depth=50, width=256, batches=BROWSER_BATCHES, rates=(1, 4), reps=15):
    """Timings of net.js in headless Chromium at each CPU slowdown ``rate``: a list of
    dicts {rate, mode, batch, median, min, cpu}, milliseconds per pass (wall clock in the
    page, median and fastest of ``reps`` after two warm-up passes; ``cpu``: the renderer's
    CPU time per pass, from /proc, or None)."""
    from winit.book.browser import esm

    def open_page(browser):
        page = _module_page(browser, esm())
        page.evaluate(_SETUP_JS, [depth, width])
        return page

    jobs = [(mode, b) for b in batches for mode in BROWSER_MODES] + [("sgd", 64)]
    rows = []
    for rate, page in _each_rate(rates, open_page):
        for mode, batch in jobs:
            n = reps * (20 if mode == "sgd" else 1)
            page.evaluate("(a) => window.benchRun(a)", [mode, batch, 2])
            times, cpu = _cpu_ms(lambda: page.evaluate("(a) => window.benchRun(a)",
                                                       [mode, batch, n]), n)
            times = sorted(times)
            rows.append({"rate": rate, "mode": mode, "batch": batch,
                         "median": times[n // 2], "min": times[0], "cpu": cpu})
    return rows


def print_browser_figures(depth=50, width=256):
    import os

    load0 = os.getloadavg()[0]
    rows = browser_figures(depth, width)
    print(f"\nnet.js in headless Chromium, {_load(load0)}: {depth} tanh layers of {width} units "
          "+ 10 outputs")
    print("ms per pass: median / fastest of the runs (wall clock in the page), and the "
          "renderer's CPU ms")
    names = {"forward": "forward", "gradients": "fwd + dL/dz", "full": "fwd + dL/dz + dL/dW"}
    print(f"{'CPU':>4s} {'batch':>5s}  " + "  ".join(f"{names[m]:>21s}" for m in BROWSER_MODES))
    cell = {(r["rate"], r["mode"], r["batch"]): r for r in rows}

    def fmt(r):
        cpu = "" if r["cpu"] is None else f" ({r['cpu']:.0f})"
        return f"{r['median']:.0f} / {r['min']:.0f}{cpu}".rjust(21)

    for rate in sorted({r["rate"] for r in rows}):
        for batch in BROWSER_BATCHES:
            print(f"{rate:3d}x {batch:5d}  "
                  + "  ".join(fmt(cell[rate, mode, batch]) for mode in BROWSER_MODES))
    for r in rows:
        if r["mode"] == "sgd":
            cpu = "" if r["cpu"] is None else f", CPU {r['cpu']:.2f}"
            print(f"one SGD step of a 2-32-32-32-2 tanh MLP at batch 64, {r['rate']}x: "
                  f"{r['median']:.2f} ms median, {r['min']:.2f} fastest{cpu} "
                  f"({1e3 / r['median']:.0f} steps/s)")
    return rows


_TRAINING_PARTS_JS = """([settings, n]) => {
  const D = window.benchData, s = M.trainingSession(D, settings), ms = (f, k) => {
    f(); const t0 = performance.now(); for (let i = 0; i < k; i++) f(); return (performance.now() - t0) / k; };
  return { step: ms(() => s.step(1), n), boundary: ms(() => s.boundary(40), 10),
           stats: ms(() => s.stats(), 20), accuracy: ms(() => s.accuracy(), 20) };
}"""


def training_figures(rates=(1, 4), seconds=3.0):
    """The training explorer in headless Chromium at each CPU slowdown ``rate``: a list of dicts
    {rate, steps_per_s, frames_per_s, cpu_per_step, step, boundary, stats, accuracy} (the last
    four in wall-clock milliseconds in the page; ``cpu_per_step``: the renderer's CPU ms per
    step while playing, everything drawn, or None)."""
    from winit.book.browser import esm
    from winit.book.browser.training import TrainingExplorer

    widget = TrainingExplorer(depth=3, width=32)
    state = {name: getattr(widget, name) for name in widget.traits(setting=True)}
    state["data"] = widget.data
    status = "() => +document.querySelector('.wx-status').textContent.match(/^Step (\\d+)/)[1]"
    frames = """(ms) => new Promise((done) => { let n = 0; const t0 = performance.now();
      const f = () => { n++; if (performance.now() - t0 < ms) requestAnimationFrame(f); else done(n); };
      requestAnimationFrame(f); })"""

    def open_page(browser):
        page = _module_page(browser, esm("training"))
        page.add_style_tag(content=widget._css + "\nbody { width: 700px; }")
        page.evaluate("(d) => { window.benchData = d; }", widget.data)
        return page

    def play(page):
        t0 = time.perf_counter()
        page.get_by_role("button", name="Play").click()
        n_frames = page.evaluate(frames, 1e3 * seconds)
        page.get_by_role("button", name="Pause").click()
        return time.perf_counter() - t0, n_frames

    rows = []
    for rate, page in _each_rate(rates, open_page):
        parts = page.evaluate(_TRAINING_PARTS_JS, [{**state, "data": None}, 200])
        render(page, state)  # the browser tests' stand-in model (tests/_browser.py)
        (wall, n_frames), cpu = _cpu_ms(lambda: play(page), 1)
        steps = page.evaluate(status)
        rows.append({"rate": rate, "steps_per_s": steps / wall, "frames_per_s": n_frames / seconds,
                     "cpu_per_step": None if cpu is None else cpu / steps, **parts})
    return rows


def print_training_figures():
    import os

    load0 = os.getloadavg()[0]
    rows = training_figures()
    print(f"\nthe training explorer in headless Chromium, {_load(load0)}: 2-32-32-32-2 tanh MLP, "
          "spirals, batch 32")
    print(f"{'CPU':>4s} {'Play: steps/s':>13s} {'frames/s':>8s} {'CPU ms/step':>11s} "
          f"{'ms/step':>7s} {'boundary ms':>11s} {'stats ms':>8s} {'held-out ms':>11s}")
    for r in rows:
        cpu = "" if r["cpu_per_step"] is None else f"{r['cpu_per_step']:.2f}"
        print(f"{r['rate']:3d}x {r['steps_per_s']:13.0f} {r['frames_per_s']:8.0f} {cpu:>11s} "
              f"{r['step']:7.3f} {r['boundary']:11.2f} {r['stats']:8.2f} {r['accuracy']:11.2f}")
    return rows


# The depth explorer's redraw (winit/book/browser/js/depth.js) in headless Chromium, as the
# book's site shows it: the widget's saved state in a blank page, rendered by the site's host
# (site_assets/winit-widgets.js), a setting typed into its number box. Timed from the change
# event to the second animation frame after the picture is drawn (the page has painted it).
_DEPTH_MOVE_JS = """async ([label, value]) => {
  const root = document.querySelector(".winit-explorer");
  const box = Array.from(root.querySelectorAll("input[type=number]"))
    .find((b) => document.querySelector(`label[for="${b.id}"]`).textContent.startsWith(label));
  const drawn = () => +(root.parentElement.dataset.drawn || 0);
  const n = drawn();
  if (box.value === String(value)) return null; // no change: nothing to draw
  const t0 = performance.now();
  box.value = String(value);
  box.dispatchEvent(new Event("change"));
  while (drawn() <= n) {
    if (performance.now() - t0 > 60000) return Infinity;
    await new Promise((r) => requestAnimationFrame(r));
  }
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  return performance.now() - t0;
}"""

# Each control's moves: a warm-up, then ten timed (every value differs from the one before).
DEPTH_MOVES = (("gain", (1.02, 1.05, 1.1, 1.15, 1.2, 1.25, 1.3, 1.35, 1.4, 1.45, 1.5)),
               ("depth (hidden layers)", (51, 49, 48, 47, 46, 45, 46, 47, 48, 49, 50)),
               ("bias spread", (0.15, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.1)),
               ("width (units per layer)", (250, 257, 258, 259, 260, 261, 255, 254, 253, 252, 256)))


def _depth_page(depth, width, activation, init):
    """The HTML of a page with one depth explorer's saved state (the site's host is added
    to it as a script tag: its text holds "</script>")."""
    import json

    from winit.book.browser.depth import DepthExplorer

    widget = DepthExplorer(depth=depth, width=width, activation=activation, init=init)
    state = {k: v for k, v in widget.get_state().items() if k not in ("layout",)}
    saved = {"version_major": 2, "version_minor": 0, "state": {"m": {
        "model_name": "AnyModel", "model_module": "anywidget", "model_module_version": "~0.11.*",
        "state": state}}}
    view = {"version_major": 2, "version_minor": 0, "model_id": "m"}
    as_script = lambda data: json.dumps(data).replace("</", "<\\/")  # noqa: E731
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bench</title></head>'
            f'<body><script type="application/vnd.jupyter.widget-state+json">{as_script(saved)}'
            f'</script><div><script type="application/vnd.jupyter.widget-view+json">'
            f'{as_script(view)}</script></div></body></html>')


def depth_redraw_figures(depth=50, width=256, activation="tanh", init="he", rates=(1, 4)):
    """Milliseconds from a setting's change to the painted picture of the depth explorer, at
    each CPU slowdown ``rate``: a list of dicts {rate, control, median, max, cpu} (wall clock
    in the page over the moves of :data:`DEPTH_MOVES`, after one warm-up move; ``cpu``: the
    renderer's CPU milliseconds per redraw, from /proc, or None)."""

    html = _depth_page(depth, width, activation, init)
    host = Path(__file__).resolve().parents[1] / "site_assets" / "winit-widgets.js"

    def open_page(browser):
        page = browser.new_page(viewport={"width": 800, "height": 1000})
        page.route("**/*", lambda route: route.abort())
        page.set_content(html)
        page.add_script_tag(path=str(host))
        page.wait_for_function("() => +(document.querySelector('.winit-explorer')"
                               "?.parentElement.dataset.drawn || 0) > 0", timeout=120_000)
        return page

    rows = []
    for rate, page in _each_rate(rates, open_page):
        for control, (warm, *values) in DEPTH_MOVES:
            page.evaluate(_DEPTH_MOVE_JS, [control, warm])
            times, cpu = _cpu_ms(lambda: sorted(page.evaluate(_DEPTH_MOVE_JS, [control, v])
                                                for v in values), len(values))
            rows.append({"rate": rate, "control": control, "median": times[len(times) // 2],
                         "max": times[-1], "cpu": cpu})
    return rows


def print_depth_redraw_figures(depth=50, width=256):
    import os

    from winit.book.browser.depth import BATCH

    load0 = os.getloadavg()[0]
    rows = depth_redraw_figures(depth, width)
    print(f"\ndepth explorer redraw in headless Chromium (the site's host), {_load(load0)}: "
          f"{depth} tanh layers of {width} units, He, batch {BATCH}; target 100 ms at 1x, "
          "400 ms at 4x")
    print("ms from the change to the painted picture: median / slowest of 10 moves (wall clock), "
          "and the renderer's CPU ms per redraw")
    for r in rows:
        cpu = "" if r["cpu"] is None else f" ({r['cpu']:.0f})"
        print(f"{r['rate']:3d}x  {r['control']:24s} {r['median']:6.0f} / {r['max']:4.0f}{cpu}")
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--browser", action="store_true", help="all three parts (the default)")
    parser.add_argument("--net", action="store_true",
                        help="only net.js's passes (50 x 256 and the 3 x 32 MLP, 1x and 4x CPU slowdown)")
    parser.add_argument("--training", action="store_true",
                        help="only the training explorer (steps a second while playing)")
    parser.add_argument("--depth", action="store_true",
                        help="only the depth explorer's redraw (50 x 256, 1x and 4x)")
    args = parser.parse_args()
    every = args.browser or not (args.net or args.training or args.depth)
    if every or args.net:
        print_browser_figures()
    if every or args.training:
        print_training_figures()
    if every or args.depth:
        print_depth_redraw_figures()


if __name__ == "__main__":
    main()
