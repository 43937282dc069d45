"""site_assets/store.py: one command stores a chapter (execute, gate solutions, ready for
JupyterLab, compact figures), and ``--check`` tells a chapter stored so from one that is not."""

from __future__ import annotations

import base64
import io
import json
import shutil
from pathlib import Path

import pytest
from PIL import Image

from site_assets import lab_ready, store
from site_assets.notebooks import as_lines, dumps, load, source

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
# a short chapter with gated solutions and figures, and one with explorers (widget state)
SMALL = "why_initialisation.ipynb"
EXPLORER = "xavier.ipynb"


def test_every_chapter_is_stored_as_the_command_stores_it(capsys):
    # after changing a chapter: python site_assets/store.py chapters/NAME.ipynb
    assert store.main(["--check", *map(str, CHAPTERS)]) == 0, capsys.readouterr().out


# --- one step undone in a copy of a chapter: --check names the chapter and the step ------------

def _ungate(nb):
    """The first gated solution back in the form gate_solutions.py converts (text in the box,
    its code cells after it, no solution-end)."""
    cells = nb["cells"]
    i = next(i for i, c in enumerate(cells) if "```{solution-start}" in source(c))
    j = next(j for j in range(i + 1, len(cells)) if "```{solution-end}" in source(cells[j]))
    before, _, rest = source(cells[i]).partition("```{solution-start}")
    head, _, body = rest.partition("\n```\n")
    cells[i]["source"] = as_lines(f"{before}```{{solution}}{head}\n\n{body.strip()}\n```")
    del cells[j]


def _without_lab_cells(nb):
    nb["cells"] = [c for c in nb["cells"] if not c["metadata"].get(lab_ready.MARK)]


def _full_colour_figure(nb):
    """The first figure as the full-colour PNG matplotlib writes (same pixels, RGB)."""
    out = next(o for c in nb["cells"] for o in c.get("outputs", []) if "image/png" in o.get("data", {}))
    image = Image.open(io.BytesIO(base64.b64decode("".join(out["data"]["image/png"]))))
    assert image.mode == "P"  # stored compacted
    rgb = io.BytesIO()
    image.convert("RGB").save(rgb, format="png")
    out["data"]["image/png"] = base64.b64encode(rgb.getvalue()).decode("ascii")


def _code(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code" and not c["metadata"].get(lab_ready.MARK)]


def _unexecuted_cell(nb):
    cell = _code(nb)[3]
    cell["execution_count"], cell["outputs"] = None, []


def _run_again(nb):
    _code(nb)[2]["execution_count"] += 100


def _error_output(nb):
    _code(nb)[1]["outputs"].append({"output_type": "error", "ename": "ZeroDivisionError",
                                    "evalue": "division by zero", "traceback": []})


def _no_widget_state(nb):
    del nb["metadata"]["widgets"]


def _source_as_one_string(nb):
    cell = _code(nb)[0]
    cell["source"] = "".join(cell["source"])


UNDONE = [
    (SMALL, _ungate, "gate_solutions", "1 solution(s) gated"),
    (SMALL, _without_lab_cells, "lab_ready", "made ready for JupyterLab"),
    (SMALL, _full_colour_figure, "compact_figures", "1 figure(s) compacted"),
    (SMALL, _unexecuted_cell, "executed", "not executed (no execution count): cell "),
    (SMALL, _run_again, "executed", "do not rise by one in cell order"),
    (SMALL, _error_output, "executed", "an error output (ZeroDivisionError: division by zero)"),
    (EXPLORER, _no_widget_state, "executed", "1 widget(s) shown without their state"),
    (SMALL, _source_as_one_string, "nbformat", "nbformat's writer would change its content"),
]


@pytest.mark.parametrize("chapter, undo, check, message", UNDONE, ids=[u[1].__name__ for u in UNDONE])
def test_check_names_the_chapter_and_the_step_undone(tmp_path, capsys, chapter, undo, check, message):
    path = tmp_path / chapter
    nb = load(ROOT / "chapters" / chapter)
    undo(nb)
    path.write_text(dumps(nb), encoding="utf-8")
    assert store.main(["--check", str(path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith(f"{path}: {check}: ") and message in line for line in lines), lines
    assert {line.split(": ")[1] for line in lines} == {check}, lines  # and nothing else


def test_check_refuses_another_json_layout(tmp_path, capsys):
    path = tmp_path / SMALL
    path.write_text(json.dumps(load(ROOT / "chapters" / SMALL), indent=2), encoding="utf-8")
    assert store.main(["--check", str(path)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{path}: json: not in the book's JSON layout (indent 1, UTF-8 as is, a newline at the end)"]


def test_check_passes_an_untouched_copy(tmp_path, capsys):
    shutil.copy(ROOT / "chapters" / SMALL, tmp_path / SMALL)
    assert store.main(["--check", str(tmp_path / SMALL)]) == 0, capsys.readouterr().out


# --- storing: a small notebook, executed for real -------------------------------------------

def _notebook(*cells):
    return {"nbformat": 4, "nbformat_minor": 5,
            "metadata": {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                                        "name": "python3"}},
            "cells": [{"cell_type": kind, "id": f"c{i}", "metadata": dict(meta),
                       "source": as_lines(text),
                       **({"execution_count": None, "outputs": []} if kind == "code" else {})}
                      for i, (kind, text, *meta) in enumerate(cells)]}


FIGURE = ("import matplotlib.pyplot as plt\n"
          "fig, ax = plt.subplots(figsize=(3, 2))\n"
          "ax.plot([0, 1, 2], [0, 1, 4])\n"
          "plt.show()")


def test_store_executes_every_step_and_storing_twice_changes_nothing(tmp_path, capsys):
    path = tmp_path / "tiny.ipynb"
    path.write_text(dumps(_notebook(
        ("markdown", "# Tiny\n\nTwo and two make {glue:text}`four`."),
        ("code", "from myst_nb import glue\nglue('four', 2 + 2, display=False)"),
        ("code", FIGURE),
        ("code", 'print("one", flush=True)\nprint("two", flush=True)'),  # two stream messages
        ("markdown", "```{exercise}\n:label: ex-tiny\nSquare 3.\n```\n\n```{solution} ex-tiny\n"
                     ":class: dropdown\nNine:\n```"),
        # metadata that lab_ready adds a key before (jupyter: folded in JupyterLab)
        ("code", "3 ** 2", ("tags", ["answer"])),
    )), encoding="utf-8")
    assert store.main([str(path)]) == 0, capsys.readouterr()
    once = path.read_text(encoding="utf-8")
    nb = json.loads(once)
    assert [c.get("id") for c in nb["cells"][:2]] == ["lab-ready", "install-winit"]  # lab_ready
    texts = [source(c) for c in nb["cells"]]
    assert "{eval}`'4'  # four`" in texts[2] or "{eval}`4  # four`" in texts[2], texts[2]
    assert any("```{solution-start} ex-tiny\n:class: dropdown\n```\n\nNine:" in t for t in texts)  # gated
    assert texts[-1] == "```{solution-end}\n```"
    code = [c for c in nb["cells"] if c["cell_type"] == "code" and c["id"] != "install-winit"]
    assert [c["execution_count"] for c in code] == [1, 2, 3, 4]  # executed, from 1
    assert code[2]["outputs"] == [{"name": "stdout", "output_type": "stream",
                                   "text": ["one\n", "two\n"]}]  # one output, as JupyterLab shows
    assert code[3]["outputs"][0]["data"]["text/plain"] == ["9"]
    png = next(o["data"]["image/png"] for o in code[1]["outputs"] if "image/png" in o["data"])
    assert Image.open(io.BytesIO(base64.b64decode(png))).mode == "P"  # compact_figures
    assert store.main(["--check", str(path)]) == 0, capsys.readouterr().out

    assert store.main([str(path)]) == 0
    assert path.read_text(encoding="utf-8") == once  # byte for byte


def test_a_cell_that_raises_stores_nothing(tmp_path, capsys):
    path = tmp_path / "broken.ipynb"
    text = dumps(_notebook(("code", "x = 1"), ("code", "1 / 0")))
    path.write_text(text, encoding="utf-8")
    assert store.main([str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path}: not stored:" in err and "ZeroDivisionError" in err, err
    assert path.read_text(encoding="utf-8") == text
