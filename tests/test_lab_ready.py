"""site_assets/lab_ready.py: what it writes into a chapter for JupyterLab, and that every
stored chapter is in that state (so the site build's checks and JupyterLab agree)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from site_assets import lab_ready

ROOT = Path(__file__).resolve().parents[1]

CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
GLOROT = "https://proceedings.mlr.press/v9/glorot10a.html"


def _nb(*markdown):
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": {},
            "cells": [{"cell_type": "markdown", "id": f"c{i}", "metadata": {}, "source": text}
                      for i, text in enumerate(markdown)]}


def _text(nb):
    return ["".join(c["source"]) for c in nb["cells"]]


def test_a_citation_becomes_its_label_linked_to_the_work():
    nb = lab_ready.prepare(_nb("As {cite}`glorot2010` showed, and {cite:p}`lecun1998`."),
                           repo=("", "main"))
    body = _text(nb)[-1]
    assert body == (f'As [[Glorot and Bengio, 2010]({GLOROT} "references.bib: glorot2010")] '
                    "showed, and [[LeCun et al., 1998](https://doi.org/10.1007/3-540-49430-8_2 "
                    '"references.bib: lecun1998")].')


def test_the_site_reads_the_citation_back_from_the_notebook_json():
    nb = lab_ready.prepare(_nb("See {cite}`he2015`."), repo=("", "main"))
    raw = json.dumps(nb)  # what Sphinx's source-read sees: quotes escaped
    found = [m.group("key", "label") for m in lab_ready.LAB_CITE.finditer(raw)]
    assert found == [("he2015", "He et al., 2015")]
    assert lab_ready.LAB_CITE.sub("{cite}`\\g<key>`", "".join(_text(nb)[-1])) == "See {cite}`he2015`."


def test_an_unknown_citation_key_is_refused():
    with pytest.raises(KeyError, match="no entry 'nobody1999' in references.bib"):
        lab_ready.prepare(_nb("{cite}`nobody1999`"), repo=("", "main"))


def test_prepare_is_idempotent():
    once = lab_ready.prepare(_nb("{cite}`glorot2010` and $\\U[-a, a]$"), repo=("", "main"))
    twice = lab_ready.prepare(copy.deepcopy(once), repo=("", "main"))
    assert twice == once
    assert [c.get("id") for c in once["cells"]] == ["lab-ready", "install-winit", "c0"]


def test_the_install_cell_installs_from_the_configured_repository():
    nb = lab_ready.prepare(_nb("text"), repo=("https://github.com/someone/winit-book", "main"))
    cell = nb["cells"][1]
    assert cell["cell_type"] == "code" and cell["metadata"]["tags"] == ["remove-cell"]
    assert cell["outputs"] == [] and cell["metadata"]["lab_ready"] == "install"
    code = "".join(cell["source"])
    assert 'if importlib.util.find_spec("winit") is None:' in code
    assert ('%pip install --quiet "winit[book] @ git+https://github.com/someone/winit-book@main"'
            in code)


def test_without_a_repository_the_install_cell_says_what_to_do():
    code = lab_ready.install_cell_source("", "main")
    assert "%pip" not in code
    missing = code.replace('find_spec("winit")', 'find_spec("no_such_package_here")')
    with pytest.raises(ModuleNotFoundError, match="run the README's install command"):
        exec(missing, {})


def test_where_winit_is_installed_the_install_cell_does_nothing():
    exec(lab_ready.install_cell_source("", "main"), {})  # winit is importable here: no error


def test_every_chapter_is_stored_ready_for_jupyterlab():
    # the state `lab_ready.py` writes: citations, numbers, install cell for the configured
    # repository (run `python site_assets/lab_ready.py chapters/*.ipynb` after changing any)
    assert lab_ready.main(["--check", *map(str, CHAPTERS)]) == 0
    for path in CHAPTERS:
        text = path.read_text()
        assert "{cite}" not in text and "{cite:" not in text, path.name
