"""Build the student edition of the book: the same site with every solution left out.

    .venv/bin/python site_assets/build_student.py            # -> _build/student/_build/html
    .venv/bin/python site_assets/build_student.py --stored   # from the stored outputs (faster)

It runs the README's build (`jupyter-book build . -W -n --keep-going`, every chapter executed
again unless --stored) with one setting changed, sphinx-exercise's `hide_solutions: true`, and
the output in `_build/student/`. With it, sphinx-exercise drops each solution box and
`site_assets/book_site.py` drops each gated solution's cells and outputs (what sits between
`solution-start` and `solution-end`). The exercises stay. The pages get the Sphinx tag `student`:
intro.md's ```{only} student``` blocks say what is true without solutions. Each chapter's
"Download source file" serves its student-portable notebook (site_assets/editions.py).

After building, it searches every file of the build (pages, `_sources`, scripts, the search
index) for the solutions' text and the full edition's wording (site_assets/solution_leaks.py)
and fails if it finds any. The browser tests apply to it too:
`WINIT_SITE_EDITION=student .venv/bin/python -m pytest -n0 tests/test_site.py`.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

if __name__ == "__main__" and not __package__:  # python site_assets/build_student.py ...
    import _script
    _script.run_as_module(__file__)

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "_build" / "student"


def edition_config(*, student: bool, stored: bool) -> Path:
    """Write a config of the book into ``_build/`` and return its path: the book's `_config.yml`
    with the student edition's settings (`student`: no solutions, its title) and, with `stored`,
    the chapters' stored outputs instead of a run (``execute_notebooks: "off"``)."""
    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    # the file lives in _build/: the paths it gives relative to the book become absolute
    sphinx = config["sphinx"]
    sphinx["local_extensions"] = {name: str((ROOT / path).resolve())
                                  for name, path in sphinx["local_extensions"].items()}
    config["html"]["favicon"] = str(ROOT / config["html"]["favicon"])
    if student:
        sphinx["config"]["hide_solutions"] = True
        config["title"] += " (student edition)"
    if stored:
        config["execute"]["execute_notebooks"] = "off"
    name = "_config" + "_student" * student + "_stored" * stored + ".yml"
    path = ROOT / "_build" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def build(stored: bool = False, capture: bool = False, student: bool = True
          ) -> subprocess.CompletedProcess:
    """Build the student edition into ``_build/student/`` (``student=False``: the full edition,
    into ``_build/``, as the README's build command does)."""
    script = Path(sys.executable).with_name("jupyter-book")
    command = [str(script) if script.is_file() else shutil.which("jupyter-book") or "jupyter-book",
               "build", str(ROOT), "--config", str(edition_config(student=student, stored=stored)),
               *(["--path-output", str(OUT)] if student else []), "-W", "-n", "--keep-going"]
    return subprocess.run(command, capture_output=capture, text=True, timeout=1800)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stored", action="store_true",
                        help="build from the outputs stored in the chapters instead of running them")
    done = build(parser.parse_args().stored)
    if done.returncode != 0:
        return done.returncode
    from . import solution_leaks

    site = OUT / "_build" / "html"
    if solution_leaks.main([str(site)]) != 0:
        print(f"the student edition in {site} holds the solution text above", file=sys.stderr)
        return 1
    print(f"student edition: {site / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
