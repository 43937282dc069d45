"""How long Run > Run All Cells takes for each chapter in JupyterLab (issue 14's budget: 30 s).

Runs the JupyterLab browser test's run-all tests over every chapter (tests/test_lab.py with
WINIT_LAB_RUN_ALL=1, one worker, headless Chromium), which write each chapter's time to
_build/lab-run-all.json, and prints the table.
Needs Chromium and requirements-lab.txt. Time is measured from the menu click until every
cell has run and the kernel is idle, so it includes the browser drawing the outputs.

    python benchmarks/bench_lab.py
"""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TIMES = ROOT / "_build" / "lab-run-all.json"
BUDGET = 30.0


def book_order() -> list[str]:
    """The chapters' file names in the book's order (_toc.yml; the files are named by topic)."""
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [Path(c["file"]).name + ".ipynb" for part in toc["parts"] for c in part["chapters"]
            if c["file"].startswith("chapters/")]


def main():
    import os

    from _machine import cpu_model

    TIMES.unlink(missing_ok=True)
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-n0", "-p", "no:cacheprovider",
                           str(ROOT / "tests" / "test_lab.py"), "-k", "test_run_all_cells"],
                          cwd=ROOT, env={**os.environ, "WINIT_LAB_RUN_ALL": "1"})  # every chapter
    if not TIMES.exists():
        print("no times recorded (is Chromium or JupyterLab missing?)")
        return 1
    times = json.loads(TIMES.read_text())
    print(f"{cpu_model()}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    print(f"{'chapter (number in the book)':45s} {'Run All Cells':>14s}")
    order = book_order()

    def number(name):  # in the book; a chapter not in _toc.yml last
        return order.index(name) + 1 if name in order else len(order) + 1

    for name, seconds in sorted(times.items(), key=lambda item: number(item[0])):
        print(f"{f'{number(name):>2} {name}':45s} {seconds:12.1f} s"
              + ("   over budget" if seconds > BUDGET else ""))
    slowest = max(times.values())
    print(f"slowest {slowest:.1f} s (budget {BUDGET:.0f} s)")
    return 1 if done.returncode or slowest > BUDGET else 0


if __name__ == "__main__":
    sys.exit(main())
