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
(a cell tagged ``raises-exception`` that raises). The subprocesses run one after another.
"""

from __future__ import annotations

import copy
import os
import re
import subprocess
import sys
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


def _run_project_pytest(notebook):
    """The project's pytest configuration, on one notebook, in a fresh process."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_ADDOPTS", "PYTEST_PLUGINS")}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", str(notebook), "-p", "no:cacheprovider",
         # hypothesis's plugin does nothing for notebook items but takes most of the start-up
         # time (it imports all of hypothesis); everything else is the project's configuration.
         "-p", "no:hypothesispytest",
         # one process: the project's addopts spread tests over workers (-n auto), which
         # would change the report these tests read; nbval's own options are untouched
         "-n", "0",
         "--rootdir", str(ROOT), "-c", str(PYPROJECT)],
        cwd=ROOT,  # the sanitize file is given relative to the project root
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    out = ANSI.sub("", proc.stdout + proc.stderr)
    # The project's configuration was the one used, and nbval (only enabled by its addopts)
    # collected the notebook cell by cell.
    assert f"rootdir: {ROOT}" in out, out
    assert "configfile: pyproject.toml" in out, out
    assert "plugins:" in out and "nbval-" in out, out
    n_cells = sum(c.cell_type == "code" for c in nbformat.read(notebook, as_version=4).cells)
    assert f"collected {n_cells} items" in out, out
    return proc.returncode, out, n_cells


def _summary(out):
    return out.strip().splitlines()[-1]


def assert_passes(notebook):
    rc, out, n = _run_project_pytest(notebook)
    assert rc == 0, out
    assert re.search(rf"=+ {n} passed in [\d.]+s", _summary(out)), out


def assert_fails(notebook, cell, *reasons):
    """Exit code 1, exactly one failing cell (``cell``), its report naming each of ``reasons``."""
    rc, out, n = _run_project_pytest(notebook)
    assert rc == 1, out
    assert re.search(rf"=+ 1 failed, {n - 1} passed in [\d.]+s", _summary(out)), out
    failures = out.split(" FAILURES ", 1)[1].split(" short test summary info ", 1)[0]
    assert f"Cell {cell}: " in failures, out
    for reason in reasons:
        assert reason in failures, out
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


@pytest.fixture
def base(executed):
    return copy.deepcopy(executed["base"])


@pytest.fixture
def raises(executed):
    return copy.deepcopy(executed["raises"])


# ---- the cases -------------------------------------------------------------------------


def test_a_executed_unchanged_notebook_passes(base, tmp_path):
    assert_passes(_write(base, tmp_path / "unchanged.ipynb"))


def test_b_edited_stored_number_fails(base, tmp_path):
    _stdout(base.cells[1]).text = "0.01953126\n"
    failures = assert_fails(_write(base, tmp_path / "edited_number.ipynb"), 1, "mismatch 'stdout'")
    assert "0.01953126" in failures and "0.01953125" in failures


def test_c_cell_that_raises_fails(raises, tmp_path):
    # The same notebook as in (g), stored with its traceback, but without the tag.
    del raises.cells[1].metadata["tags"]
    assert_fails(_write(raises, tmp_path / "raising.ipynb"), 1, "LinAlgError", "Singular matrix")


def test_d_changed_seed_not_reexecuted_fails(base, tmp_path):
    base.cells[0].source = SEED_CELL.replace("default_rng(0)", "default_rng(1)")
    assert_fails(_write(base, tmp_path / "seed_changed.ipynb"), 0, "mismatch 'stdout'", "default_rng(1)")


def test_e_changed_glue_value_fails(base, tmp_path):
    base.cells[2].source = GLUE_CELL.replace("0.5", "0.6")
    failures = assert_fails(
        _write(base, tmp_path / "glue_changed.ipynb"), 2, "mismatch 'application/papermill.record/text/plain'"
    )
    assert "'0.5' == '0.6'" in failures


def test_f_sanitize_masks_a_memory_address(base, tmp_path):
    out = _stdout(base.cells[3])
    stored = re.sub(r"0x[0-9a-f]+", FAKE_ADDRESS, out.text)
    assert stored != out.text  # the run will print another address than the stored one
    out.text = stored
    assert_passes(_write(base, tmp_path / "other_address.ipynb"))


def test_f_sanitize_does_not_mask_a_float_next_to_it(base, tmp_path):
    out = _stdout(base.cells[3])
    out.text = re.sub(r"0x[0-9a-f]+", FAKE_ADDRESS, out.text).replace("0.30000000000000004", "0.3")
    failures = assert_fails(_write(base, tmp_path / "other_address_and_float.ipynb"), 3, "mismatch 'stdout'")
    # The address was masked on both sides (the diff shows 0xADDRESS, never the stored or
    # the live address); what is left to differ is the float.
    assert "<object object at 0xADDRESS> 0.3\n" in failures, failures
    assert "<object object at 0xADDRESS> 0.30000000000000004\n" in failures, failures
    assert FAKE_ADDRESS not in failures and not re.search(r"object at 0x[0-9a-f]{6}", failures), failures


def test_g_tagged_raises_exception_passes(raises, tmp_path):
    assert raises.cells[1].metadata["tags"] == ["raises-exception"]
    assert_passes(_write(raises, tmp_path / "tagged_raise.ipynb"))
