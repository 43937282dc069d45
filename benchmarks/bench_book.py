"""How long do the book's chapters, its test command and its build take?

One command, one table:

- every notebook in ``chapters/``, executed on its own from a temporary copy of the
  directory (nbclient, a fresh kernel per notebook: the current environment's ipykernel,
  the one ``nbval --nbval-current-env`` uses), timed from kernel start to the last cell,
  with its slowest cell and its kernel's peak resident memory (what a hub must allow each
  student); the repository's notebooks are only read;
- the README's test command, ``python -m pytest`` from the project root with nothing
  excluded (this interpreter's ``python``), with its final summary line;
- a clean build, the README's ``jupyter-book build . -W -n --keep-going``, run in a
  temporary copy of the project (no ``_build``, no cache), so the repository's ``_build``
  is not touched;

with the machine (platform, CPU, Python, numpy) and the 1-minute load average before each
step, since on a shared machine the other jobs' load shows in the figures.

Targets: no notebook over 30 s, the test command under 3 minutes, the clean build under
3 minutes. The exit status is 1 if a step failed or missed its target, else 0.

Run: ``python benchmarks/bench_book.py`` (``--skip-tests`` and/or ``--skip-build`` for a
quick run of the notebooks alone).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import nbformat
import numpy as np
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbval.kernel import CURRENT_ENV_KERNEL_NAME, NbvalKernelspecManager

from _machine import cpu_model  # benchmarks/_machine.py, beside this script

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"

NOTEBOOK_TARGET = 30.0
TESTS_TARGET = 180.0
BUILD_TARGET = 180.0
CELL_TIMEOUT = 300  # seconds, as --nbval-cell-timeout in pyproject.toml

#: Not copied into the temporary project for the clean build: outputs, caches, VCS, venvs.
COPY_IGNORE = shutil.ignore_patterns(
    "_build", ".git", ".venv", "venv", ".pytest_cache", ".hypothesis", ".jupyter_cache",
    "__pycache__", ".ipynb_checkpoints", "*.egg-info", "build",
)



def load1():
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:
        return "-"


def fmt_s(seconds):
    return "-" if seconds is None else f"{seconds:7.1f} s"


# ---- the steps -----------------------------------------------------------------------------


def _cell_seconds(cell):
    """Execution time of one cell from the timestamps nbclient records in its metadata."""
    ex = cell.get("metadata", {}).get("execution", {})
    start, end = ex.get("iopub.execute_input"), ex.get("shell.execute_reply")
    if not (start and end):
        return None
    parse = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00"))  # noqa: E731
    return (parse(end) - parse(start)).total_seconds()


def time_notebook(path, workdir):
    """Execute one notebook (a copy in ``workdir``) in a fresh kernel; wall time in seconds."""
    nb = nbformat.read(path, as_version=4)
    # a last cell that prints the kernel's peak resident memory (Linux: KiB), for sizing a hub
    nb.cells.append(nbformat.v4.new_code_cell(
        "import resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"))
    km = AsyncKernelManager(kernel_name=CURRENT_ENV_KERNEL_NAME, kernel_spec_manager=NbvalKernelspecManager())
    client = NotebookClient(
        nb, km=km, timeout=CELL_TIMEOUT, store_widget_state=True, record_timing=True,
        resources={"metadata": {"path": str(workdir)}},
    )
    error = None
    t0 = time.perf_counter()
    try:
        client.execute(stderr=subprocess.DEVNULL)  # the kernel's own start-up chatter
    except CellExecutionError as exc:
        error = str(exc).strip().splitlines()[-1][:60]
    elapsed = time.perf_counter() - t0
    cells = [(i, _cell_seconds(c)) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    cells = [(i, s) for i, s in cells if s is not None]
    slowest = max(cells, key=lambda c: c[1]) if cells else None
    try:
        peak_mib = int(nb.cells[-1].outputs[0]["text"].strip()) / 1024
    except (IndexError, KeyError, ValueError):
        peak_mib = None
    return elapsed, slowest, error, peak_mib


def run_tests():
    """The README's test command, from the project root; wall time, exit code, summary line."""
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "pytest"], cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    lines = [ln for ln in proc.stdout.splitlines() if re.match(r"^=+ .+ in [\d.]+s( \([\d:]+\))? =+$", ln)]
    tail = (proc.stdout + proc.stderr).strip().splitlines() or ["(no output)"]
    summary = lines[-1].strip("= ") if lines else tail[-1]
    return elapsed, proc.returncode, summary


def run_build():
    """The README's build command in a clean temporary copy of the project."""
    jb = Path(sys.executable).with_name("jupyter-book")
    jb = str(jb) if jb.exists() else shutil.which("jupyter-book")
    with tempfile.TemporaryDirectory(prefix="bench_book_build_") as tmp:
        project = Path(tmp) / "book"
        shutil.copytree(ROOT, project, ignore=COPY_IGNORE)
        t0 = time.perf_counter()
        proc = subprocess.run([jb, "build", ".", "-W", "-n", "--keep-going"], cwd=project,
                              capture_output=True, text=True)
        elapsed = time.perf_counter() - t0
        ok_html = (project / "_build" / "html" / "index.html").exists()
        out = re.sub(r"\x1b\[[0-9;]*m", "", proc.stdout + proc.stderr).strip().splitlines()
    # Sphinx's warnings and errors (the kernels' own "[IPKernelApp] WARNING" start-up lines
    # are not the book's), and Sphinx's verdict line.
    problems = [ln for ln in out if re.search(r"WARNING|ERROR|Traceback", ln) and "[IPKernelApp]" not in ln]
    verdict = [ln.strip() for ln in out if re.search(r"build (succeeded|finished with problems)", ln)]
    return elapsed, proc.returncode, ok_html, problems, verdict[-1] if verdict else "(no Sphinx verdict line)"


# ---- main ----------------------------------------------------------------------------------


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skip-tests", action="store_true", help="do not run the test command")
    parser.add_argument("--skip-build", action="store_true", help="do not run the clean build")
    args = parser.parse_args(argv)

    print(f"Machine: {platform.platform()}, {cpu_model()}, {os.cpu_count()} CPUs")
    print(f"Python {platform.python_version()} ({sys.executable}), numpy {np.__version__}")
    print(f"Load average at start (1, 5, 15 min): {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print()

    rows = []  # (what, seconds, target, load before, status, detail)
    failed = False
    notes = []

    with tempfile.TemporaryDirectory(prefix="bench_book_nb_") as tmp:
        workdir = Path(tmp) / "chapters"
        shutil.copytree(CHAPTERS, workdir, ignore=COPY_IGNORE)
        for path in sorted(workdir.glob("*.ipynb")):
            load = load1()
            elapsed, slowest, error, peak_mib = time_notebook(path, workdir)
            status = "ok" if elapsed <= NOTEBOOK_TARGET else "OVER"
            if error:
                status = f"ERROR: {error}"
            failed |= status != "ok"
            detail = f"slowest cell: #{slowest[0]}, {slowest[1]:.1f} s" if slowest else ""
            if peak_mib is not None:
                detail += f"; kernel's peak memory {peak_mib:.0f} MiB"
            rows.append((f"chapters/{path.name}", elapsed, f"< {NOTEBOOK_TARGET:.0f} s", load, status, detail))
            print(f"  ran {path.name}: {elapsed:.1f} s", file=sys.stderr, flush=True)

    if args.skip_tests:
        rows.append(("test command: python -m pytest", None, f"< {TESTS_TARGET:.0f} s", "-", "skipped", ""))
    else:
        load = load1()
        print("  running the test command ...", file=sys.stderr, flush=True)
        elapsed, rc, summary = run_tests()
        status = "ok" if rc == 0 and elapsed <= TESTS_TARGET else ("OVER" if rc == 0 else f"FAILED (exit {rc})")
        failed |= status != "ok"
        rows.append(("test command: python -m pytest", elapsed, f"< {TESTS_TARGET:.0f} s", load, status, summary))

    if args.skip_build:
        rows.append(("clean build: jupyter-book build -W -n", None, f"< {BUILD_TARGET:.0f} s", "-", "skipped", ""))
    else:
        load = load1()
        print("  running the clean build ...", file=sys.stderr, flush=True)
        elapsed, rc, ok_html, problems, verdict = run_build()
        if rc != 0 or not ok_html:
            status = f"FAILED (exit {rc}{'' if ok_html else ', no index.html'})"
        else:
            status = "ok" if elapsed <= BUILD_TARGET else "OVER"
        failed |= status != "ok"
        rows.append(("clean build: jupyter-book build -W -n", elapsed, f"< {BUILD_TARGET:.0f} s", load, status,
                     f"exit {rc}: {verdict}"))
        notes += [f"build: {p}" for p in problems[:10]]

    width = max(len(r[0]) for r in rows)
    print(f"{'what':<{width}}  {'time':>9}  {'target':>7}  {'load':>4}  {'status':<7}  detail")
    print("-" * (width + 61))
    for what, seconds, target, load, status, detail in rows:
        print(f"{what:<{width}}  {fmt_s(seconds):>9}  {target:>7}  {load:>4}  {status:<7}  {detail}")
    nb_total = sum(r[1] for r in rows if r[0].startswith("chapters/"))
    print(f"{'all notebooks, one after another':<{width}}  {fmt_s(nb_total):>9}")
    print()
    print("load = 1-minute load average just before the step.")
    for note in notes:
        print(note)
    print(f"Load average at end (1, 5, 15 min): {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
