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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="an eighth of each grid")
    args = parser.parse_args()
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


if __name__ == "__main__":
    main()
