"""Store a chapter: execute it, then run every step that readies it for the site and JupyterLab.

    python site_assets/store.py chapters/xavier.ipynb [more ...]   # execute and store in place
    python site_assets/store.py --check chapters/*.ipynb            # exit 1 unless all are stored
    python -m site_assets.store ...                                  # the same, from the book's folder

Storing a chapter is, in this order:

1. **execute** every code cell in a fresh kernel of this Python (the kernel nbval's
   ``--nbval-current-env`` gives the tests), in the chapter's folder, with one BLAS thread unless
   ``OPENBLAS_NUM_THREADS`` says otherwise (as the test command runs it, tests/conftest.py), and
   the widget state stored (nbclient's ``store_widget_state``: the explorers' settings and
   front-end code, which the site renders). The cells ``lab_ready`` adds are left out of the
   run (step 3 writes them again), so the chapter's own cells count from 1; cell timings are
   not stored (they would change every cell at every store); a cell's consecutive prints to
   one stream are one output, as JupyterLab shows them (the kernel splits them where it
   happened to flush). A cell that raises stops the chapter: its file is not written.
2. **gate_solutions** (gate_solutions.py): each solution's code cells inside its solution box.
3. **lab_ready** (lab_ready.py): the numbers, citations, macros and install cell for JupyterLab.
4. **compact_figures** (compact_figures.py): the figures as 256-colour PNGs.

The file is written once, at the end, in nbformat's layout (nbformat's writer, then the steps'
edits, in :func:`site_assets.notebooks.dumps`). Storing twice gives the same file byte for byte
apart from what execution itself varies: the model ids of the explorers' widgets (random), and
a figure's last pixels or a printed memory address where a machine differs.

``--check`` executes nothing (nbval, in the test command, proves that a run prints what is
stored); it checks, for each chapter, what storing it would leave that can be read off the file:

- ``json``: the file is in the book's JSON layout (what :func:`~site_assets.notebooks.dumps`
  writes of its content);
- ``nbformat``: a valid nbformat 4 notebook whose content nbformat's writer keeps;
- ``executed``: as the executor leaves it: every code cell it runs (with a source, not tagged
  ``skip-execution``, not added by lab_ready) has an execution count, the counts rise by one in
  cell order from 1 (from 2 in chapters stored before this command, by ``jupyter execute`` with
  lab_ready's install cell run first); an ``execute_result`` has its cell's count; no error
  output (but in a cell tagged ``raises-exception``); the kernel's ``language_info`` is stored;
  every widget an output shows has its state stored;
- ``gate_solutions``, ``lab_ready``, ``compact_figures``: each step leaves the file as it is.

A failure names the chapter and the check (``chapters/he.ipynb: compact_figures: 1 figure(s)
compacted``). Exit status: 1 if a chapter failed a check or could not be stored, else 0.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

if __name__ == "__main__" and not __package__:  # python site_assets/store.py ...
    import _script
    _script.run_as_module(__file__)

from . import compact_figures, gate_solutions, lab_ready, notebooks  # noqa: E402

#: The steps after the execution, in their order: (name, step) as site_assets.notebooks.run takes.
STEPS = [("gate_solutions", gate_solutions.step), ("lab_ready", lab_ready.step),
         ("compact_figures", compact_figures.step)]
#: Seconds a cell may take (as --nbval-cell-timeout in pyproject.toml).
CELL_TIMEOUT = 300


def execute(path: Path) -> dict:
    """The notebook at `path` executed (step 1), as nbformat writes it; raises on a cell's error."""
    import nbformat
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient
    from nbval.kernel import CURRENT_ENV_KERNEL_NAME, NbvalKernelspecManager

    nb = nbformat.read(path, as_version=4)
    nb.cells = [c for c in nb.cells if not c.get("metadata", {}).get(lab_ready.MARK)]
    nb.metadata.pop("widgets", None)  # the state of this run only
    for cell in nb.cells:
        cell.get("metadata", {}).pop("execution", None)  # timings of an earlier run
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    km = AsyncKernelManager(kernel_name=CURRENT_ENV_KERNEL_NAME,
                            kernel_spec_manager=NbvalKernelspecManager())
    client = NotebookClient(nb, km=km, timeout=CELL_TIMEOUT, store_widget_state=True,
                            record_timing=False, resources={"metadata": {"path": str(path.parent)}})
    client.execute(stderr=subprocess.DEVNULL)  # the kernel's own start-up chatter
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = merge_streams(cell.outputs)
    return json.loads(nbformat.writes(nb))


def merge_streams(outputs: list) -> list:
    """`outputs` with each run of consecutive stream outputs of one name (stdout, stderr) as one
    output. The outputs are nbformat's, their text one string each (as a notebook in memory)."""
    merged = []
    for out in outputs:
        last = merged[-1] if merged else {}
        if (out.get("output_type") == "stream" and last.get("output_type") == "stream"
                and last.get("name") == out.get("name")):
            last["text"] += out["text"]
        else:
            merged.append(out)
    return merged


def finish(nb: dict) -> str:
    """Run the steps after the execution (2-4) on `nb` in place; the text to store."""
    for _, step in STEPS:
        step(nb)
    return notebooks.dumps(nb)


def store(path: Path) -> None:
    """Execute the chapter at `path` and store it with every step; nothing written on an error."""
    path.write_text(finish(execute(path)), encoding="utf-8")


def execution_problems(nb: dict) -> list[str]:
    """What shows that `nb` is not stored as the executor leaves a notebook ([] if nothing)."""
    found = []
    cells = nb.get("cells", [])
    meta = nb.get("metadata", {})
    if "language_info" not in meta:
        found.append("no language_info in the notebook's metadata: never executed")

    def where(i):
        return f"cell {i}" + (f" ({cells[i]['id']})" if "id" in cells[i] else "")

    code = [i for i, c in enumerate(cells) if c.get("cell_type") == "code"]
    added = [i for i in code if cells[i].get("metadata", {}).get(lab_ready.MARK)]
    ran = [i for i in code if i not in added and notebooks.source(cells[i]).strip()
           and "skip-execution" not in notebooks.tags(cells[i])]
    counts = [cells[i].get("execution_count") for i in ran]
    missing = [where(i) for i, n in zip(ran, counts) if not isinstance(n, int)]
    if missing:
        found.append(f"not executed (no execution count): {', '.join(missing)}")
    elif counts:
        start = counts[0]
        if start not in (1, 1 + len(added)) or counts != list(range(start, start + len(counts))):
            found.append(f"execution counts {counts} do not rise by one in cell order from 1: "
                         "cells run again, or out of order")
    views, state = set(), meta.get("widgets", {}).get(notebooks.WIDGET_STATE, {}).get("state", {})
    for i, cell, out in notebooks.outputs(nb):
        kind = out.get("output_type")
        if kind == "error" and "raises-exception" not in notebooks.tags(cell):
            found.append(f"{where(i)}: an error output ({out.get('ename')}: {out.get('evalue')})")
        if kind == "execute_result" and out.get("execution_count") != cell.get("execution_count"):
            found.append(f"{where(i)}: a result of execution {out.get('execution_count')} in a cell "
                         f"of execution {cell.get('execution_count')}")
        view = out.get("data", {}).get(notebooks.WIDGET_VIEW)
        if view:
            views.add(view.get("model_id"))
    if views - set(state):
        found.append(f"{len(views - set(state))} widget(s) shown without their state: executed "
                     "without store_widget_state")
    return found


def nbformat_problems(text: str, nb: dict) -> list[str]:
    """What nbformat refuses in, or its writer would change of, the notebook `nb` (read from `text`)."""
    import nbformat

    try:
        node = nbformat.reads(text, as_version=nbformat.NO_CONVERT)
        nbformat.validate(node)
    except (nbformat.ValidationError, ValueError) as exc:  # ValueError: not JSON
        return [f"not a valid nbformat 4 notebook: {str(exc).splitlines()[0]}"]
    if node.get("nbformat") != 4:
        return [f"nbformat {node.get('nbformat')}, not 4"]
    if json.loads(nbformat.writes(node)) != nb:
        return ["nbformat's writer would change its content (a source or text not stored as a "
                "list of lines?)"]
    return []


def problems(path: Path) -> list[tuple[str, str]]:
    """(check, what is wrong) for the chapter at `path`; [] if it is stored as store() stores it."""
    text = notebooks.read(path)
    try:
        nb = json.loads(text)
    except json.JSONDecodeError as exc:
        return [("json", f"not JSON: {exc}")]
    found = []
    stored = notebooks.dumps(nb)
    if stored != text:
        found.append(("json", "not in the book's JSON layout (indent 1, UTF-8 as is, a newline at "
                              "the end)"))
    found += [("nbformat", p) for p in nbformat_problems(text, nb)]
    found += [("executed", p) for p in execution_problems(nb)]
    for name, step in STEPS:
        once = json.loads(text)
        try:
            what = step(once)
        except KeyError as exc:
            found.append((name, f"fails: {exc.args[0] if exc.args else exc}"))
            continue
        if notebooks.dumps(once) != stored:
            found.append((name, f"{what or 'changes the file'} (the step was not run after the "
                                "last change)"))
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--check", action="store_true",
                        help="execute nothing, change nothing; exit 1 unless every notebook is "
                             "stored as this command stores it")
    opts = parser.parse_args(argv)
    failed = 0
    for path in opts.notebooks:
        if opts.check:
            found = problems(path)
            for check, what in found:
                print(f"{path}: {check}: {what}")
            failed += bool(found)
            continue
        from nbclient.exceptions import CellExecutionError

        try:
            store(path)
        except (CellExecutionError, KeyError) as exc:
            message = str(exc.args[0] if isinstance(exc, KeyError) and exc.args else exc)
            print(f"{path}: not stored: {message.strip()}", file=sys.stderr)
            failed += 1
            continue
        print(f"{path}: stored")
    if opts.check and not failed:
        print(f"{len(opts.notebooks)} notebook(s) stored as `site_assets/store.py` stores them")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
