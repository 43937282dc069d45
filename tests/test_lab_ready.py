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


# --- glossary terms ----------------------------------------------------------------------

def test_a_term_becomes_its_text_linked_to_the_glossary():
    nb = lab_ready.prepare(_nb("Its {term}`fan-in` and {term}`fan-outs <fan-out>`, "
                               "$\\chi_1$ ({term}`chi_1`)."), repo=("", "main"))
    assert _text(nb)[-1] == ('Its [fan-in](../glossary.md "glossary: fan-in") and '
                             '[fan-outs](../glossary.md "glossary: fan-out"), '
                             '$\\chi_1$ ([chi_1](../glossary.md "glossary: chi_1")).')


def test_an_unknown_term_is_refused():
    with pytest.raises(KeyError, match="no term 'warp drive' in glossary.md"):
        lab_ready.prepare(_nb("the {term}`warp drive`"), repo=("", "main"))
    # the notebook's form is checked again on every run: a term the glossary lost is refused
    linked = lab_ready.prepare(_nb("the {term}`gain`"), repo=("", "main"))
    with pytest.raises(KeyError, match="no term 'gain' in glossary.md"):
        lab_ready.prepare(linked, repo=("", "main"), known={"fan-in": "fan-in"})


def test_a_term_whose_text_cannot_be_a_link_is_refused():
    with pytest.raises(KeyError, match="cannot be a link"):
        lab_ready.prepare(_nb("{term}`[n] <fan-in>`"), repo=("", "main"))
    # the site shows a role's text as it is: math there would be raw TeX
    with pytest.raises(KeyError, match="cannot be a link"):
        lab_ready.prepare(_nb("{term}`$\\chi_1$ <chi_1>`"), repo=("", "main"))


def test_prepare_is_idempotent_with_terms():
    once = lab_ready.prepare(_nb("{term}`Gain` and {term}`gains <gain>`"), repo=("", "main"))
    assert "{term}" not in _text(once)[-1]
    assert lab_ready.prepare(copy.deepcopy(once), repo=("", "main")) == once


class _App:
    """What setup() needs of a Sphinx application: its handlers, by event."""

    def __init__(self, srcdir):
        self.srcdir = str(srcdir)
        self.handlers = {}

        class Config:
            html_theme_options = {"repository_url": "", "repository_branch": "main"}
        self.config = Config()

    def connect(self, event, handler, priority=500):
        self.handlers.setdefault(event, []).append(handler)

    def add_role(self, *args, **kwargs):
        pass


def test_the_site_reads_the_term_back_from_the_notebook_json():
    written = ('A {term}`fan-in`, {term}`fan-outs <fan-out>`, $\\chi_1$ ({term}`chi_1`), '
               '{term}`"the" \\ gain <gain>` and {cite}`he2015`.')
    nb = lab_ready.prepare(_nb(written), repo=("", "main"))
    app = _App(ROOT)
    lab_ready.setup(app)
    source = [json.dumps(nb)]  # what Sphinx's source-read sees: quotes and backslashes escaped
    for handler in app.handlers["source-read"]:
        handler(app, "chapters/x", source)
    assert _text(json.loads(source[0]))[-1] == written


def test_terms_are_the_unindented_lines_of_the_glossary_blocks(tmp_path):
    path = tmp_path / "glossary.md"
    path.write_text("# Glossary\n\nfan-in is not here\n\n```{glossary}\n:sorted:\n\n"
                    "Fan-in\nfan_in\n  The number of inputs.\n  not a term\n\n"
                    "gain : classifier\n  A factor.\n```\n\nafter the block\n")
    assert lab_ready.terms(path) == {"fan-in": "Fan-in", "fan_in": "fan_in", "gain": "gain"}


def test_the_glossary_defines_the_terms_the_chapters_will_link():
    known = lab_ready.terms()
    wanted = ["fan-in", "fan-out", "pre-activation", "activation", "second moment", "variance",
              "gain", "saturation", "symmetry breaking", "logits", "softmax cross-entropy",
              "initial loss", "mean field", "length map", "fixed point", "q*", "correlation map",
              "chi_1", "edge of chaos", "ordered phase", "chaotic phase", "depth scale",
              "Jacobian", "singular value", "isometry", "dynamical isometry", "orthogonal matrix",
              "residual stream", "residual branch", "pre-LN", "post-LN", "LayerNorm",
              "BatchNorm", "parametrisation", "SP", "muP", "coordinate check", "LSUV",
              "truncated normal", "Glorot initialisation", "Xavier initialisation",
              "He initialisation", "Kaiming initialisation", "LeCun initialisation"]
    assert [t for t in wanted if t.lower() not in known] == []


def test_every_chapter_is_stored_ready_for_jupyterlab():
    # the state `lab_ready.py` writes: citations, numbers, install cell for the configured
    # repository (run `python site_assets/lab_ready.py chapters/*.ipynb` after changing any)
    assert lab_ready.main(["--check", *map(str, CHAPTERS)]) == 0
    for path in CHAPTERS:
        text = path.read_text()
        assert "{cite}" not in text and "{cite:" not in text, path.name
        assert "{term}" not in text, path.name
