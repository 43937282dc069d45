"""The chapters' notebook files, read and written as the book stores them.

A chapter is nbformat 4 JSON in the layout nbformat itself writes: indented by one space,
non-ASCII characters as they are, a newline at the end, a cell's source as a list of lines.
Every script in ``site_assets`` reads, edits and writes chapters through this module, so a step
that changes nothing leaves a file byte for byte as it was, and ``--check`` of every step (and of
``site_assets/store.py``) compares the bytes a step would write with the bytes stored.

:func:`run` is the command line that ``gate_solutions``, ``lab_ready`` and ``compact_figures``
share: ``python site_assets/STEP.py [--check] chapters/*.ipynb``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

#: Indentation of the stored JSON (nbformat's).
INDENT = 1
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def dumps(nb: dict) -> str:
    """The text of notebook ``nb`` (nbformat 4 JSON as a dict) as the book stores it."""
    return json.dumps(nb, indent=INDENT, ensure_ascii=False) + "\n"


def read(path: Path) -> str:
    """The stored text of the notebook at ``path``."""
    return Path(path).read_text(encoding="utf-8")


def load(path: Path) -> dict:
    """The notebook at ``path`` as a dict (keys in the file's order)."""
    return json.loads(read(path))


def save(path: Path, nb: dict) -> bool:
    """Write ``nb`` to ``path`` in the book's layout, only if the text changes; True if written."""
    text = dumps(nb)
    path = Path(path)
    if path.is_file() and read(path) == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True


def source(cell: dict) -> str:
    """The source of ``cell`` as one string (stored as a list of lines or as a string)."""
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def as_lines(text: str) -> list[str]:
    """``text`` as nbformat stores a multi-line string: lines that keep their newline."""
    lines = text.split("\n")
    return [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])


def set_source(cell: dict, text: str) -> None:
    """Store ``text`` as the source of ``cell``."""
    cell["source"] = as_lines(text)


def tags(cell: dict) -> list[str]:
    """The tags of ``cell`` (``metadata.tags``), [] if it has none."""
    return list(cell.get("metadata", {}).get("tags", []))


def put(mapping: dict, key: str, value) -> None:
    """Set ``mapping[key] = value``; a new key goes where nbformat's writer puts it (keys sorted),
    the others keep their order. A step that adds a key so writes what executing the stored
    notebook again (nbformat sorts every key) and the step give: storing twice is the same."""
    if key in mapping:
        mapping[key] = value
        return
    later = [k for k in mapping if k > key]
    mapping[key] = value
    for k in later:
        mapping[k] = mapping.pop(k)


def has_cell_ids(nb: dict) -> bool:
    """True if cells of ``nb`` carry an ``id`` (nbformat 4.5 and later)."""
    return (nb.get("nbformat", 4), nb.get("nbformat_minor", 0)) >= (4, 5)


def outputs(nb: dict) -> Iterator[tuple[int, dict, dict]]:
    """(cell index, cell, output) for every output stored in ``nb``."""
    for i, cell in enumerate(nb.get("cells", [])):
        for out in cell.get("outputs", []):
            yield i, cell, out


def glue_texts(nb: dict) -> dict[str, str]:
    """{key: text/plain} of every myst-nb glue in the stored outputs of ``nb``."""
    values = {}
    for _, _, out in outputs(nb):
        name = out.get("metadata", {}).get("scrapbook", {}).get("name")
        data = out.get("data", {})
        text = data.get("text/plain", data.get("application/papermill.record/text/plain"))
        if name is not None and text is not None:
            values[name] = "".join(text)
    return values


#: A step: edits a notebook in place; returns what it changed (None or "" for nothing).
Step = Callable[[dict], "str | None"]


def run(step: Step, argv: list[str] | None = None, *, description: str,
        errors: tuple[type[Exception], ...] = ()) -> int:
    """The command line of a step over chapters: ``[--check] NOTEBOOK ...``.

    Rewrites each notebook the step changes (its bytes), or with ``--check`` only says which
    would change. An exception of a type in ``errors`` leaves that notebook as it is and is
    reported. Exit status: 2 if a notebook failed, 1 if ``--check`` found one to change, else 0.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 if a notebook would change")
    opts = parser.parse_args(argv)
    changed = failed = 0
    for path in opts.notebooks:
        text = read(path)
        nb = json.loads(text)
        try:
            what = step(nb)
        except errors as exc:
            print(f"{path}: not changed: {exc.args[0] if exc.args else exc}", file=sys.stderr)
            failed += 1
            continue
        new = dumps(nb)
        if new == text:
            continue
        changed += 1
        what = what or "rewritten in the book's JSON layout"
        print(f"{path}: {what}" + (" (not written: --check)" if opts.check else ""))
        if not opts.check:
            path.write_text(new, encoding="utf-8")
    return 2 if failed else 1 if opts.check and changed else 0
