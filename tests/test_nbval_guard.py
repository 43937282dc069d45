"""The guard itself: does the project's nbval configuration fail when it should?

The chapters pass under nbval, but that alone does not show that nbval would notice a
chapter printing something else. Here tiny notebooks are built in a temporary directory,
stored executed (nbclient, the same current-environment kernel nbval uses), and then
damaged in one way each. Every variant is run through the project's own pytest
configuration in a subprocess (``-c pyproject.toml``, so its ``addopts``: strict
``--nbval``, ``--nbval-current-env`` and the sanitize file ``tests/nbval_sanitize.cfg``)
and the test checks the exit code, the number of cells nbval collected, and which cell
failed for which reason.

Two notebooks are executed once per module: ``base`` (a seeded draw, a stored number, a
myst-nb glue value, an object repr with a memory address next to a float) and ``raises``
(a cell tagged ``raises-exception`` that raises). Every variant is written to one folder and
the project's pytest runs once over the folder (one start-up, not one per variant); its JUnit
XML report gives each variant's cells, which passed, and each failure's report.
"""

from __future__ import annotations

import copy
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import nbformat
import pytest
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbval.kernel import CURRENT_ENV_KERNEL_NAME, NbvalKernelspecManager

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"
ANSI = re.compile(r"\x1b\[[0-9;]*m")

SEED_CELL = "import numpy as np\nrng = np.random.default_rng(0)\nprint(rng.normal(size=3).round(6))"
NUMBER_CELL = "x = np.arange(4) / 8\nprint(x.var())"  # prints 0.01953125
GLUE_CELL = 'from myst_nb import glue\nglue("x", 0.5, display=False)'
ADDRESS_CELL = "print(object(), 0.1 + 0.2)"  # '<object object at 0x7f...> 0.30000000000000004'
BASE_CELLS = [SEED_CELL, NUMBER_CELL, GLUE_CELL, ADDRESS_CELL]

RAISING_CELL = "np.linalg.inv(np.zeros((2, 2)))"  # LinAlgError: Singular matrix
RAISES_CELLS = ["import numpy as np", RAISING_CELL, "print(np.eye(2).sum())"]

FAKE_ADDRESS = "0x0000deadbeef"  # never a live address: the stored repr must be masked to pass


# ---- building and running notebooks ----------------------------------------------------


def _new_notebook(sources, tags=None):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for i, src in enumerate(sources):
        cell = nbformat.v4.new_code_cell(src)
        if tags and i in tags:
            cell.metadata["tags"] = list(tags[i])
        nb.cells.append(cell)
    return nb


def _execute(nb, directory):
    """Run ``nb`` in place with nbclient, in nbval's own current-environment kernel."""
    km = AsyncKernelManager(kernel_name=CURRENT_ENV_KERNEL_NAME, kernel_spec_manager=NbvalKernelspecManager())
    NotebookClient(nb, km=km, timeout=60, resources={"metadata": {"path": str(directory)}}).execute()
    return nb


def _stdout(cell):
    (out,) = [o for o in cell.outputs if o.get("name") == "stdout"]
    return out


def _write(nb, path):
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return path


def _run_project_pytest(folder):
    """The project's pytest configuration, on every notebook of ``folder``, in a fresh process.
    Returns (exit code, output, {notebook stem: {"cells": [name, ...], "failed": {name: report}}})."""
    report = folder / "junit.xml"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_ADDOPTS", "PYTEST_PLUGINS")}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", str(folder), "-p", "no:cacheprovider",
         # hypothesis's plugin does nothing for notebook items but takes most of the start-up
         # time (it imports all of hypothesis); everything else is the project's configuration.
         "-p", "no:hypothesispytest",
         # one process: the project's addopts spread tests over workers (-n auto), which
         # would change the report these tests read; nbval's own options are untouched
         "-n", "0",
         "--junitxml", str(report),
         "--rootdir", str(ROOT), "-c", str(PYPROJECT)],
        cwd=ROOT,  # the sanitize file is given relative to the project root
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    out = ANSI.sub("", proc.stdout + proc.stderr)
    # The project's configuration was the one used, and nbval (only enabled by its addopts)
    # collected every notebook cell by cell.
    assert f"rootdir: {ROOT}" in out, out
    assert "configfile: pyproject.toml" in out, out
    assert "plugins:" in out and "nbval-" in out, out
    cells = {nb.stem: _cells(nb) for nb in sorted(folder.glob("*.ipynb"))}
    assert f"collected {sum(cells.values())} items" in out, out
    results = {name: {"cells": [], "failed": {}} for name in cells}
    for case in ET.parse(report).getroot().iter("testcase"):
        # an error or a skip is neither a pass nor the one failure a variant may have
        assert case.find("error") is None and case.find("skipped") is None, ET.tostring(case, "unicode")
        # classname: the notebook's path from the root, dots for slashes ("...variants0.unchanged.ipynb")
        mine = results[case.get("classname").removesuffix(".ipynb").rsplit(".", 1)[-1]]
        mine["cells"].append(case.get("name"))
        if (failure := case.find("failure")) is not None:
            mine["failed"][case.get("name")] = re.sub(r"#x1B\[[0-9;]*m", "", failure.text or "")
    return proc.returncode, out, {name: (n, results[name]) for name, n in cells.items()}


def _cells(notebook):
    return sum(c.cell_type == "code" for c in nbformat.read(notebook, as_version=4).cells)


def assert_passes(run, name):
    """Every cell of variant ``name`` collected, and passed."""
    _, out, results = run
    n, found = results[name]
    assert found["cells"] == [f"Cell {i}" for i in range(n)], out
    assert found["failed"] == {}, found["failed"]


def assert_fails(run, name, cell, *reasons):
    """Exit code 1; of variant ``name``, every cell collected and exactly one failing (``cell``),
    its report naming each of ``reasons``."""
    rc, out, results = run
    assert rc == 1, out
    n, found = results[name]
    assert found["cells"] == [f"Cell {i}" for i in range(n)], out
    assert list(found["failed"]) == [f"Cell {cell}"], found["failed"]
    failures = found["failed"][f"Cell {cell}"]
    assert f"Cell {cell}: " in failures, failures
    for reason in reasons:
        assert reason in failures, failures
    return failures


# ---- the executed notebooks ------------------------------------------------------------


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """``base`` and ``raises``, each executed once and stored; tests copy and alter them."""
    directory = tmp_path_factory.mktemp("guard")
    base = _execute(_new_notebook(BASE_CELLS), directory)
    raises = _execute(_new_notebook(RAISES_CELLS, tags={1: ["raises-exception"]}), directory)
    # What the variants below rely on was really stored.
    assert _stdout(base.cells[1]).text == "0.01953125\n"
    assert base.cells[2].outputs[0]["data"] == {"application/papermill.record/text/plain": "0.5"}
    assert re.fullmatch(r"<object object at 0x[0-9a-f]+> 0\.30000000000000004\n", _stdout(base.cells[3]).text)
    assert raises.cells[1].outputs[0].output_type == "error"
    assert raises.cells[1].outputs[0].ename == "LinAlgError"
    assert _stdout(raises.cells[2]).text == "2.0\n"
    return {"base": base, "raises": raises}


# ---- the variants: each a copy of ``base`` or ``raises``, damaged in one way --------------


def unchanged(base, raises):
    return base


def edited_number(base, raises):
    _stdout(base.cells[1]).text = "0.01953126\n"
    return base


def raising(base, raises):
    # The same notebook as tagged_raise, stored with its traceback, but without the tag.
    del raises.cells[1].metadata["tags"]
    return raises


def seed_changed(base, raises):
    base.cells[0].source = SEED_CELL.replace("default_rng(0)", "default_rng(1)")
    return base


def glue_changed(base, raises):
    base.cells[2].source = GLUE_CELL.replace("0.5", "0.6")
    return base


def other_address(base, raises):
    out = _stdout(base.cells[3])
    stored = re.sub(r"0x[0-9a-f]+", FAKE_ADDRESS, out.text)
    assert stored != out.text  # the run will print another address than the stored one
    out.text = stored
    return base


def other_address_and_float(base, raises):
    out = _stdout(base.cells[3])
    out.text = re.sub(r"0x[0-9a-f]+", FAKE_ADDRESS, out.text).replace("0.30000000000000004", "0.3")
    return base


def tagged_raise(base, raises):
    assert raises.cells[1].metadata["tags"] == ["raises-exception"]
    return raises


VARIANTS = [unchanged, edited_number, raising, seed_changed, glue_changed, other_address,
            other_address_and_float, tagged_raise]


@pytest.fixture(scope="module")
def run(executed, tmp_path_factory):
    """Every variant written to one folder, and the project's pytest run once over it:
    (exit code, output, {variant: (its number of code cells, its cells and failures)})."""
    folder = tmp_path_factory.mktemp("variants")
    for make in VARIANTS:
        _write(make(copy.deepcopy(executed["base"]), copy.deepcopy(executed["raises"])),
               folder / f"{make.__name__}.ipynb")
    return _run_project_pytest(folder)


# ---- the cases -------------------------------------------------------------------------


def test_a_executed_unchanged_notebook_passes(run):
    assert_passes(run, "unchanged")


def test_b_edited_stored_number_fails(run):
    failures = assert_fails(run, "edited_number", 1, "mismatch 'stdout'")
    assert "0.01953126" in failures and "0.01953125" in failures


def test_c_cell_that_raises_fails(run):
    assert_fails(run, "raising", 1, "LinAlgError", "Singular matrix")


def test_d_changed_seed_not_reexecuted_fails(run):
    assert_fails(run, "seed_changed", 0, "mismatch 'stdout'", "default_rng(1)")


def test_e_changed_glue_value_fails(run):
    failures = assert_fails(run, "glue_changed", 2, "mismatch 'application/papermill.record/text/plain'")
    assert "'0.5' == '0.6'" in failures


def test_f_sanitize_masks_a_memory_address(run):
    assert_passes(run, "other_address")


def test_f_sanitize_does_not_mask_a_float_next_to_it(run):
    failures = assert_fails(run, "other_address_and_float", 3, "mismatch 'stdout'")
    # The address was masked on both sides (the diff shows 0xADDRESS, never the stored or
    # the live address); what is left to differ is the float.
    assert "<object object at 0xADDRESS> 0.3\n" in failures, failures
    assert "<object object at 0xADDRESS> 0.30000000000000004\n" in failures, failures
    assert FAKE_ADDRESS not in failures and not re.search(r"object at 0x[0-9a-f]{6}", failures), failures


def test_g_tagged_raises_exception_passes(run):
    assert_passes(run, "tagged_raise")
