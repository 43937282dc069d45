"""CPU-seconds per picture and per grid of the pre-rendered explorers, before and after.

"Before" draws every picture on a new figure (``draw_*`` then ``figure_png``,
how the explorers drew them until figures were reused); "after" draws them on
one reused figure (``SchemeFigure`` / ``ComparisonFigure`` / ``DepthFigure``
then ``render_png``), as ``winit.book.widgets`` now draws them (it then encodes
them as WebP on a second thread; ``bench_book.py`` times the whole notebooks).
Both make the same PNG bytes (the script checks it).  CPU time (``time.process_time``), not wall
time: on a shared machine the wall clock counts the other jobs too.

The grids are the chapters': the scheme explorer of chapter 3 (8 xavier + 64
normalized xavier + 8 he pictures), the comparison of chapter 4 (8), and the
depth explorer of chapter 7 (72).  The views (samples, network passes) are
computed outside the timed part: they are the same both ways.

Run: ``python benchmarks/bench_explorers.py`` (about 2 minutes on 2 cores;
``--quick`` times an eighth of each grid).

**In the browser** (``--browser``, or ``--browser-only`` for this part alone, about a
minute): the explorers' own network code (``winit/book/browser/js/net.js``) in headless
Chromium, as the reader's page runs it, at 1x and under a 4x CPU slowdown (CDP
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

**The training explorer** (``--training``, also part of ``--browser``): the widget itself
(``winit/book/browser/js/training.js``) rendered in headless Chromium with a stand-in for the
model, 3 hidden layers of 32 tanh units on the spirals, at 1x and 4x CPU slowdown. "Play" is
the reader's Play button for 3 seconds: SGD steps a second and frames a second, everything
drawn (the loss chart, the layers' spreads every frame; the boundary every 120 ms). Play runs
at most 8 steps a frame, so at 60 frames a second it is capped near 480 steps a second; the
other figures say what one step, one boundary and one redraw of the statistics cost.
"""

from __future__ import annotations

import argparse
import time

import matplotlib

matplotlib.use("Agg")

from winit.book import explorers as ex  # noqa: E402


def _grids(quick):
    schemes = ([("xavier", n, 20) for n in ex.N_GRID] + [("he", n, 20) for n in ex.N_GRID]
               + [("normalized_xavier", n, m) for n in ex.N_GRID for m in ex.M_GRID])
    depths = [(d, 100, a, i) for a in ("tanh", "relu", "sigmoid")
              for i in ("standard", "normalized", "he") for d in ex.DEPTH_GRID]
    grids = {
        "scheme explorer (ch. 3)": ([ex.scheme_view(*a) for a in schemes],
                                    ex.draw_scheme_view, ex.SchemeFigure),
        "comparison (ch. 4)": ([ex.comparison_view(n, 10) for n in ex.N_GRID],
                               ex.draw_comparison, ex.ComparisonFigure),
        "depth explorer (ch. 7)": ([ex.depth_view(*a) for a in depths],
                                    ex.draw_depth_view, ex.DepthFigure),
    }
    if quick:
        grids = {k: (v[::8], d, f) for k, (v, d, f) in grids.items()}
    return grids


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


def _module_page(browser, source):
    """A blank page with the ES module ``source`` imported as ``window.M``, as anywidget
    imports an explorer's module (from a Blob URL)."""
    page = browser.new_page()
    page.set_content("<!doctype html><title>bench</title><body></body>")
    page.evaluate("""async (source) => {
      const url = URL.createObjectURL(new Blob([source], {type: "text/javascript"}));
      window.M = await import(url);
    }""", source)
    return page


def browser_figures(depth=50, width=256, batches=BROWSER_BATCHES, rates=(1, 4), reps=15):
    """Timings of net.js in headless Chromium at each CPU slowdown ``rate``: a list of
    dicts {rate, mode, batch, median, min, cpu}, milliseconds per pass (wall clock in the
    page, median and fastest of ``reps`` after two warm-up passes; ``cpu``: the renderer's
    CPU time per pass, from /proc, or None)."""
    from playwright.sync_api import sync_playwright

    from winit.book.browser import esm

    jobs = [(mode, b) for b in batches for mode in BROWSER_MODES] + [("sgd", 64)]
    rows = []
    with sync_playwright() as api:
        browser = _chromium(api)
        try:
            for rate in rates:
                page = _module_page(browser, esm())
                page.evaluate(_SETUP_JS, [depth, width])
                page.context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate",
                                                        {"rate": rate})
                for mode, batch in jobs:
                    n = reps * (20 if mode == "sgd" else 1)
                    page.evaluate("(a) => window.benchRun(a)", [mode, batch, 2])
                    cpu0 = _renderer_cpu_seconds()
                    times = sorted(page.evaluate("(a) => window.benchRun(a)", [mode, batch, n]))
                    cpu1 = _renderer_cpu_seconds()
                    cpu = None if cpu0 is None else 1e3 * (cpu1 - cpu0) / n
                    rows.append({"rate": rate, "mode": mode, "batch": batch,
                                 "median": times[n // 2], "min": times[0], "cpu": cpu})
                page.close()
        finally:
            browser.close()
    return rows


def print_browser_figures(depth=50, width=256):
    import os

    load0 = os.getloadavg()[0]
    rows = browser_figures(depth, width)
    print(f"\nnet.js in headless Chromium, {os.cpu_count()} CPUs, load average {load0:.1f} -> "
          f"{os.getloadavg()[0]:.1f}: {depth} tanh layers of {width} units + 10 outputs")
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


_TRAINING_MODEL_JS = """(state) => {
  const on = {};
  const model = { get: (k) => state[k], save_changes() {},
    set(k, v) { state[k] = v; (on["change:" + k] || []).forEach((f) => f()); },
    on(e, f) { (on[e] = on[e] || []).push(f); }, off() {} };
  document.body.innerHTML = "<div style='width: 700px'></div>";
  window.stopWidget = M.default.render({ model, el: document.body.firstChild });
}"""

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
    from playwright.sync_api import sync_playwright

    from winit.book.browser import esm
    from winit.book.browser.training import TrainingExplorer

    widget = TrainingExplorer(depth=3, width=32)
    state = {name: getattr(widget, name) for name in widget.traits(setting=True)}
    state["data"] = widget.data
    status = "() => +document.querySelector('.wx-status').textContent.match(/^Step (\\d+)/)[1]"
    frames = """(ms) => new Promise((done) => { let n = 0; const t0 = performance.now();
      const f = () => { n++; if (performance.now() - t0 < ms) requestAnimationFrame(f); else done(n); };
      requestAnimationFrame(f); })"""
    rows = []
    with sync_playwright() as api:
        browser = _chromium(api)
        try:
            for rate in rates:
                page = _module_page(browser, esm("training"))
                page.add_style_tag(content=widget._css)
                page.evaluate("(d) => { window.benchData = d; }", widget.data)
                page.context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate",
                                                        {"rate": rate})
                parts = page.evaluate(_TRAINING_PARTS_JS, [{**state, "data": None}, 200])
                page.evaluate(_TRAINING_MODEL_JS, state)
                play = page.get_by_role("button", name="Play")
                cpu0, t0 = _renderer_cpu_seconds(), time.perf_counter()
                play.click()
                n_frames = page.evaluate(frames, 1e3 * seconds)
                page.get_by_role("button", name="Pause").click()
                wall, cpu1 = time.perf_counter() - t0, _renderer_cpu_seconds()
                steps = page.evaluate(status)
                rows.append({"rate": rate, "steps_per_s": steps / wall,
                             "frames_per_s": n_frames / seconds,
                             "cpu_per_step": None if cpu0 is None else 1e3 * (cpu1 - cpu0) / steps,
                             **parts})
                page.close()
        finally:
            browser.close()
    return rows


def print_training_figures():
    import os

    load0 = os.getloadavg()[0]
    rows = training_figures()
    print(f"\nthe training explorer in headless Chromium, {os.cpu_count()} CPUs, load average "
          f"{load0:.1f} -> {os.getloadavg()[0]:.1f}: 2-32-32-32-2 tanh MLP, spirals, batch 32")
    print(f"{'CPU':>4s} {'Play: steps/s':>13s} {'frames/s':>8s} {'CPU ms/step':>11s} "
          f"{'ms/step':>7s} {'boundary ms':>11s} {'stats ms':>8s} {'held-out ms':>11s}")
    for r in rows:
        cpu = "" if r["cpu_per_step"] is None else f"{r['cpu_per_step']:.2f}"
        print(f"{r['rate']:3d}x {r['steps_per_s']:13.0f} {r['frames_per_s']:8.0f} {cpu:>11s} "
              f"{r['step']:7.3f} {r['boundary']:11.2f} {r['stats']:8.2f} {r['accuracy']:11.2f}")
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="an eighth of each grid")
    parser.add_argument("--browser", action="store_true",
                        help="also time net.js in headless Chromium (1x and 4x CPU slowdown)")
    parser.add_argument("--browser-only", action="store_true", help="only the browser figures")
    parser.add_argument("--training", action="store_true",
                        help="only the training explorer in Chromium (steps a second while playing)")
    args = parser.parse_args()
    if args.training:
        print_training_figures()
        return
    if args.browser_only:
        print_browser_figures()
        print_training_figures()
        return
    ex.figure_png(ex.draw_scheme_view(ex.scheme_view("he", 10)))  # warm up fonts and caches
    print(f"{'grid':26s} {'pictures':>8s} {'before s/pic':>12s} {'after s/pic':>11s} "
          f"{'before s':>8s} {'after s':>7s} {'speed-up':>8s}  same PNGs")
    for name, (views, draw, figure_class) in _grids(args.quick).items():
        t0 = time.process_time()
        before = [ex.figure_png(draw(v)) for v in views]
        t1 = time.process_time()
        canvas = figure_class()
        after = [ex.render_png(canvas.update(v)) for v in views]
        t2 = time.process_time()
        matplotlib.pyplot.close(canvas.fig)
        k = len(views)
        print(f"{name:26s} {k:8d} {(t1 - t0) / k:12.3f} {(t2 - t1) / k:11.3f} {t1 - t0:8.1f} "
              f"{t2 - t1:7.1f} {(t1 - t0) / (t2 - t1):7.2f}x  {before == after}")
    if args.browser:
        print_browser_figures()
        print_training_figures()


if __name__ == "__main__":
    main()
