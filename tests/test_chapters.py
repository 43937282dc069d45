"""The chapters keep the book's teaching form (issue 19): a box "In this chapter" under each
title; exercises with a difficulty mark and a title in one format, at least three prediction
questions and one "implement it" task per chapter; no mean-field vocabulary before the chapter
that defines it."""

from __future__ import annotations

import json
import re

import pytest

from _nan import NAN
from site_assets import reading_time

CHAPTERS = [file.split("/")[-1] for file, _ in reading_time.chapters()]
APPENDIX = {"errata"}  # a table of the tutorial's errata: no exercises
OPENING = re.compile(r"^(`{3,}|:{3,})\{exercise\}(?P<title>[^\n]*)\n(?P<body>.*?)^\1\s*$",
                     re.M | re.S)
TITLE = re.compile(r"^(Easy|Medium|Hard) · (?P<rest>\S.*)$")
MEAN_FIELD = re.compile(r"q\^\*|q\^\{\*\}|\\chi_1|chi_1|length map|correlation map|chaotic phase|"
                        r"ordered phase|mean[- ]field|edge of chaos", re.I)


def _markdown(name):
    nb = json.loads((reading_time.ROOT / "chapters" / f"{name}.ipynb").read_text())
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"
            and not c.get("metadata", {}).get("lab_ready")]


def _exercises(name):
    """(title, label, body) of every exercise of a chapter."""
    found = []
    for text in _markdown(name):
        for m in OPENING.finditer(text):
            label = re.search(r"^:label:\s*(\S+)", m.group("body"), re.M)
            found.append((m.group("title").strip(), label.group(1) if label else None,
                          m.group("body")))
    return found


def test_the_pattern_reads_an_exercise_and_refuses_the_old_marks():
    text = "```{exercise} Easy · Predict: one\n:label: predict-x\n\nWhat?\n```\n"
    (m,) = OPENING.finditer(text)
    assert TITLE.match(m.group("title").strip()).group("rest") == "Predict: one"
    assert not TITLE.match("(easy) Predict: one") and not TITLE.match("Predict: one")


@pytest.mark.parametrize("name", CHAPTERS)
def test_box_under_the_title(name):
    first = next(t for t in _markdown(name) if t.lstrip().startswith("# "))
    assert "{admonition} In this chapter" in first, name
    assert re.search(r"you will", first, re.I) and "**Time" in first, name  # what for, how long


@pytest.mark.parametrize("name", [c for c in CHAPTERS if c not in APPENDIX])
def test_exercises_have_a_mark_and_test_the_point(name):
    exercises = _exercises(name)
    for title, label, body in exercises:
        m = TITLE.match(title)
        assert m, f"{name}: exercise {label!r} title {title!r} is not 'Easy|Medium|Hard · title'"
        assert label, f"{name}: exercise {title!r} has no :label:"
        assert "`" not in title, f"{name}: a fence's info string cannot hold backticks: {title!r}"
        assert not re.search(r"^\s*\((easy|medium|hard)\)", body.split(":label:")[-1].split(
            "\n", 2)[-1], re.I | re.M), f"{name}: {label} keeps an old mark in its body"
        if label.startswith("predict-"):
            assert m.group("rest").startswith("Predict:"), (name, label, title)
    predict = [lb for _, lb, _ in exercises if lb and lb.startswith("predict-")]
    implement = [t for t, _, _ in exercises if TITLE.match(t) and
                 TITLE.match(t).group("rest").startswith("Implement it:")]
    assert len(predict) >= 3, f"{name}: {len(predict)} prediction questions"
    assert implement, f"{name}: no 'Implement it:' exercise"
    labels = [lb for _, lb, _ in exercises]
    assert len(labels) == len(set(labels)), name


def test_no_mean_field_words_before_order_and_chaos_defines_them():
    before = CHAPTERS[:CHAPTERS.index("order_and_chaos")]
    assert "signals_through_depth" in before and "frameworks" in before
    for name in before:
        for text in _markdown(name):
            # a link to the chapter that explains, by its title, is the pointer the book wants
            words = re.sub(r"\[[^\]]*\]\([^)]*\)", "", text)
            hit = MEAN_FIELD.search(words)
            assert not hit, f"{name}: {hit.group(0)!r} before Order and chaos: " \
                            f"{words[max(0, hit.start() - 60):hit.end() + 60]!r}"


# --- the budget of issue 21: no chapter file over 1 MB ----------------------------------
CHAPTER_BYTES = 1_000_000


def test_no_chapter_file_is_over_1_mb():
    """Every stored chapter (its outputs and the explorers' widget state included) stays under
    1 MB: what a reader downloads, and what the site's page of it is built from."""
    files = sorted((reading_time.ROOT / "chapters").glob("*.ipynb"))
    assert {f"{name}.ipynb" for name in CHAPTERS} <= {f.name for f in files}
    sizes = {f.name: f.stat().st_size for f in files}
    assert {name: size for name, size in sizes.items() if size > CHAPTER_BYTES} == {}


def test_no_stored_output_is_an_error_a_warning_or_a_nan():
    """No cell of a stored chapter printed an error, a traceback or anything on stderr (a
    warning), and no output shows a NaN. nbval compares a fresh run of every chapter with these
    outputs, so a fresh run shows none either (in JupyterLab the same: tests/test_lab.py runs
    the chapters with explorers there as well)."""
    bad = []
    for name in CHAPTERS:
        nb = json.loads((reading_time.ROOT / "chapters" / f"{name}.ipynb").read_text())
        for i, cell in enumerate(nb["cells"]):
            for out in cell.get("outputs", []):
                if out["output_type"] == "error" or (out["output_type"] == "stream" and out["name"] == "stderr"):
                    bad.append(f"{name} cell {i}: {out['output_type']} {out.get('ename', out.get('name'))}")
                text = "".join(out.get("text", "")) + "".join(
                    "".join(v) for k, v in out.get("data", {}).items() if k in ("text/plain", "text/html", "text/markdown"))
                if NAN.search(text):
                    bad.append(f"{name} cell {i}: a NaN in {text[:80]!r}")
    assert bad == []


def test_every_picture_has_alt_text():
    """Every picture a chapter stores has alt text: a figure's in its cell's metadata
    (mystnb.image.alt, which the site and the portable editions read), an explorer's first-state
    picture in its output's metadata (winit.book.browser.BrowserExplorer)."""
    missing = []
    for name in CHAPTERS:
        nb = json.loads((reading_time.ROOT / "chapters" / f"{name}.ipynb").read_text())
        for i, cell in enumerate(nb["cells"]):
            cell_alt = cell["metadata"].get("mystnb", {}).get("image", {}).get("alt", "").strip()
            for out in cell.get("outputs", []):
                for mime in out.get("data", {}):
                    if mime.startswith("image/"):
                        alt = out.get("metadata", {}).get(mime, {}).get("alt", "").strip() or cell_alt
                        if len(alt) < 20:
                            missing.append(f"{name} cell {i}")
    assert missing == []


def test_the_stored_explorers_carry_todays_module():
    """The site and a notebook opened before running use the explorer's module saved in the
    chapter's widget state: it must be the one winit.book.browser assembles now (after a change
    to js/ or the explorers' style, store the chapters again with site_assets/store.py)."""
    from winit.book.browser import esm, js_source

    stale, explorers = [], 0
    for name in CHAPTERS:
        nb = json.loads((reading_time.ROOT / "chapters" / f"{name}.ipynb").read_text())
        state = nb["metadata"].get("widgets", {}).get(
            "application/vnd.jupyter.widget-state+json", {}).get("state", {})
        for model in state.values():
            if model.get("model_module") != "anywidget":
                continue
            explorers += 1
            saved = model["state"]
            kind = saved["_anywidget_id"].rsplit(".", 2)[-2]   # winit.book.browser.<kind>.<Class>
            if saved["_esm"] != esm(kind) or saved.get("_css") != js_source("explorer.css"):
                stale.append(f"{name}: {saved['_anywidget_id']}")
    assert explorers >= 5
    assert stale == []
