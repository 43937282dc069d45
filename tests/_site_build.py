"""One build of each edition of the site per test run, shared by the tests that read it.

tests/test_site.py (in a browser) and tests/test_student_edition.py both need the built site,
and pytest-xdist may run them in different workers. :func:`built_site` builds an edition from the
chapters' stored outputs (site_assets/build_student.py) at most once per run: the first caller
builds, under a lock, and stamps the folder with the run's id (pytest-xdist's `testrun_uid`);
any later caller of the same run, in any worker, finds the stamp and reads the same folder.
"""

from __future__ import annotations

import fcntl
from pathlib import Path

import pytest

from site_assets import build_student

ROOT = Path(__file__).resolve().parents[1]
SITES = {"book": ROOT / "_build" / "html", "student": build_student.OUT / "_build" / "html"}


def built_site(edition: str, run_id: str) -> Path:
    """The folder of the site of ``edition`` ("book" or "student"), built in this run."""
    site = SITES[edition]
    (ROOT / "_build").mkdir(exist_ok=True)
    stamp = ROOT / "_build" / f".built-{edition}"
    with open(ROOT / "_build" / f".built-{edition}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if stamp.is_file() and stamp.read_text() == run_id and (site / "index.html").is_file():
            return site
        stamp.unlink(missing_ok=True)
        done = build_student.build(stored=True, capture=True, student=edition == "student")
        if done.returncode != 0:
            pytest.fail(f"the {edition} build failed ({done.returncode}):\n"
                        f"{done.stdout[-4000:]}{done.stderr[-4000:]}")
        stamp.write_text(run_id)
    return site
