"""Build the student edition of the book: the same site with every solution left out.

    .venv/bin/python site_assets/build_student.py            # -> _build/student/_build/html
    .venv/bin/python site_assets/build_student.py --stored   # from the stored outputs (faster)

It runs the README's build (`jupyter-book build . -W -n --keep-going`, every chapter executed
again unless --stored) with one setting changed, sphinx-exercise's `hide_solutions: true`, and
the output in `_build/student/`. With it, sphinx-exercise drops each solution box and
`site_assets/book_site.py` drops each gated solution's cells and outputs (what sits between
`solution-start` and `solution-end`). The exercises stay. The browser tests apply to it:
`WINIT_SITE_EDITION=student .venv/bin/python -m pytest -n0 tests/test_site.py`.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "_build" / "student"


def student_config(stored: bool) -> Path:
    """Write the student edition's config (the book's, with hide_solutions on) and return it."""
    config = (ROOT / "_config.yml").read_text(encoding="utf-8")
    for old, new in [
        ("hide_solutions: false", "hide_solutions: true"),
        ("title: \"Weight Initialization: an executable book\"",
         "title: \"Weight Initialization: an executable book (student edition)\""),
        # the config file lives in _build/: paths relative to the book become absolute
        (": site_assets\n", f": {ROOT / 'site_assets'}\n"),
        ("favicon: site_assets/", f"favicon: {ROOT / 'site_assets'}/"),
    ] + ([("execute_notebooks: force", 'execute_notebooks: "off"')] if stored else []):
        if old not in config:
            raise SystemExit(f"build_student: _config.yml has no {old.strip()!r} to change")
        config = config.replace(old, new)
    path = ROOT / "_build" / ("_config_student_stored.yml" if stored else "_config_student.yml")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(config, encoding="utf-8")
    return path


def build(stored: bool = False, capture: bool = False) -> subprocess.CompletedProcess:
    script = Path(sys.executable).with_name("jupyter-book")
    command = [str(script) if script.is_file() else shutil.which("jupyter-book") or "jupyter-book",
               "build", str(ROOT), "--config", str(student_config(stored)),
               "--path-output", str(OUT), "-W", "-n", "--keep-going"]
    return subprocess.run(command, capture_output=capture, text=True, timeout=1800)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stored", action="store_true",
                        help="build from the outputs stored in the chapters instead of running them")
    done = build(parser.parse_args().stored)
    if done.returncode == 0:
        print(f"student edition: {OUT / '_build' / 'html' / 'index.html'}")
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
