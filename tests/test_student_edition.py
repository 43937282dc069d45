"""The student edition keeps its secrets: no solution text in any file of its build.

The student edition (site_assets/build_student.py) and the full one are built from the chapters'
stored outputs, once per test run (tests/_site_build.py: tests/test_site.py reads the same
builds). site_assets/solution_leaks.py reads every solution of every chapter (from
`solution-start` to `solution-end`: text, code, printed output) and the wording of each edition
(```{only} student``` / ```{only} not student``` blocks), and searches every file of a build for
them: pages, `_sources`, downloads, scripts, the search index. The full edition is the control:
there the same search finds every solution, so a student build in which it finds none has none.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from _site_build import built_site
from site_assets import solution_leaks
from site_assets.notebooks import load, source

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
# The student edition's own sentence in intro.md, and the full edition's.
STUDENT_SAYS = "This is the student edition: it holds no solutions."
FULL_SAYS = "Each solution is folded away under its exercise: open it once you have tried."


def _labels() -> list[str]:
    """Every gated solution's "chapter.ipynb: label", read from the chapters with a plain regex."""
    return [f"{path.name}: {m.group(1)}" for path in CHAPTERS for cell in load(path)["cells"]
            for m in re.finditer(r"\{solution-start\}[ \t]*(\S+)", source(cell))]


@pytest.fixture(scope="module")
def secrets() -> dict[str, list[str]]:
    return solution_leaks.secrets()


@pytest.fixture(scope="module")
def student_site(testrun_uid) -> Path:
    return built_site("student", testrun_uid)


@pytest.fixture(scope="module")
def full_site(testrun_uid) -> Path:
    return built_site("book", testrun_uid)


def _report(found, limit=25) -> str:
    files = sorted({leak.file for leak in found})
    return (f"{len(found)} phrases in {len(files)} files: {', '.join(files)}; the first:\n"
            + "\n".join(f"{leak.file}: {leak.origin}: {leak.phrase!r}" for leak in found[:limit]))


# ---------------------------------------------------------------------------------------------
# the scanner, without a build


def test_every_solution_of_every_chapter_gives_phrases_to_search_for(secrets):
    labels = _labels()
    assert len(labels) >= 60  # 74 when this was written: 4 to 7 a chapter
    solutions = {origin: phrases for origin, phrases in secrets.items() if ".ipynb: " in origin}
    assert sorted(solutions) == sorted(labels)
    for origin, phrases in solutions.items():
        assert phrases, f"{origin}: no phrase of its own to search for"
    # the full edition's wording of intro.md is searched for too, and the false claims
    assert solution_leaks.words(FULL_SAYS.split(":")[0]) in secrets["intro: wording"]
    assert secrets["what the book says of solutions"]


def test_a_phrase_is_every_long_code_line_and_every_run_of_text_of_a_solution():
    nb = load(ROOT / "chapters" / "he.ipynb")
    parts = dict(solution_leaks._chapter_parts(nb))
    mixed = solution_leaks._solution("he", "predict-he-mixed", parts["predict-he-mixed"])
    phrases = mixed.phrases()
    assert " h np maximum h rng standard normal 256 256 np sqrt var w 0 0 " in phrases
    assert any(p.startswith(" a relu layer multiplies the second moment by ") for p in phrases)
    assert " right predict he mixed " in phrases  # the printed output of its check
    # the exercise itself is no part of it
    assert not any("predict the" in p for p in phrases)
    shown = solution_leaks.words("\n".join(source(c) for c in parts["shown"]))
    assert " predict the second moment after the 12th layer " in shown
    assert "a relu layer multiplies the second moment" not in shown


def _planted_site(tmp_path: Path, secrets) -> Path:
    """A site of five files: a page that shows a solution's code as Sphinx highlights it, a
    source notebook with a sentence of a solution in its JSON, a script with a false claim, a
    clean page and an image."""
    site = tmp_path / "site"
    (site / "_sources" / "chapters").mkdir(parents=True)
    (site / "chapters").mkdir()
    code = '<div class="highlight"><pre><span class="k">def</span> <span class="nf">he_uniform' \
           '</span><span class="p">(</span><span class="n">n_in</span><span class="p">,' \
           '</span> <span class="n">n_out</span><span class="p">,</span> <span class="n">rng' \
           '</span><span class="p">):</span>\n</pre></div>'
    (site / "chapters" / "he.html").write_text(f"<html><body><p>Exercise.</p>{code}</body></html>")
    nb = {"cells": [{"cell_type": "markdown", "source": [
        "One network varies around that. Over 20 seeds the measured\n", "value ranged from"]}]}
    (site / "_sources" / "chapters" / "he.ipynb").write_text(json.dumps(nb))
    (site / "search.js").write_text('var notes = "Open the solution\\nbelow";')
    (site / "index.html").write_text("<p>Every chapter ends with exercises.</p>")
    (site / "figure.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00" + b"def he_uniform(n_in, n_out, rng):")
    return site


def test_the_scanner_finds_solution_text_planted_in_any_file(tmp_path, secrets):
    site = _planted_site(tmp_path, secrets)
    found = solution_leaks.find(solution_leaks.built_files(site), secrets)
    where = {(leak.file, leak.origin) for leak in found}
    assert ("chapters/he.html", "he.ipynb: ex-he-uniform") in where
    assert ("_sources/chapters/he.ipynb", "he.ipynb: predict-he-mixed") in where
    assert ("search.js", "what the book says of solutions") in where
    assert {leak.file for leak in found} == {"chapters/he.html", "_sources/chapters/he.ipynb",
                                              "search.js"}


def test_the_scanner_finds_a_solution_word_in_a_pages_search_index(tmp_path):
    secret = solution_leaks.secret_words()["chapters/he"]
    assert "he_uniform" not in secret  # shown by the exercise
    word = next(w for w in sorted(secret) if w.isalpha())
    index = {"docnames": ["intro", "chapters/he"], "terms": {word: 1, "relu": [0, 1]},
             "titleterms": {}}
    (tmp_path / "searchindex.js").write_text(f"Search.setIndex({json.dumps(index)})")
    found = solution_leaks.index_leaks(tmp_path)
    assert found["chapters/he"] == {word}
    assert found.get("", {word}) == {word}  # and on no page at all if nothing else shows it
    index["terms"][word] = 0  # the same word on another page, which shows it: no leak
    (tmp_path / "searchindex.js").write_text(f"Search.setIndex({json.dumps(index)})")
    assert "chapters/he" not in solution_leaks.index_leaks(tmp_path)
    # a word that only solutions have, anywhere in the book, listed for any page
    anywhere = sorted(w for w in solution_leaks.secret_words()[""] if w.isalpha())[0]
    index["terms"] = {anywhere: 0}
    (tmp_path / "searchindex.js").write_text(f"Search.setIndex({json.dumps(index)})")
    assert solution_leaks.index_leaks(tmp_path)[""] == {anywhere}


# ---------------------------------------------------------------------------------------------
# the student edition, built


def test_no_file_of_the_student_build_holds_solution_text(student_site, secrets):
    files = solution_leaks.built_files(student_site)
    unread = {name for name, text in files.items() if text is None}
    assert all(Path(name).suffix in solution_leaks.BINARY for name in unread)  # images, fonts
    assert any(name.startswith("_sources/chapters/") for name in files)
    found = solution_leaks.find(files, secrets)
    assert not found, _report(found)


def test_the_student_search_index_has_no_word_that_only_solutions_have(student_site):
    assert solution_leaks.index_leaks(student_site) == {}


def test_the_student_edition_says_what_is_true_for_a_student(student_site):
    intro = solution_leaks.words(solution_leaks.readable(student_site / "intro.html"))
    assert solution_leaks.words(STUDENT_SAYS) in intro
    assert solution_leaks.words("try it, then run its check line") in intro
    assert solution_leaks.words("each solution is folded away") not in intro
    assert "(student edition)" in (student_site / "intro.html").read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# the full edition: its solutions and its wording, and none of the student edition's


def test_the_full_edition_shows_every_solution_and_its_own_wording(full_site, secrets):
    found = solution_leaks.find(solution_leaks.built_files(full_site), secrets)
    on_pages = {leak.origin for leak in found if leak.file.startswith("chapters/")
                and leak.file.endswith(".html")}
    missing = [origin for origin in secrets if ".ipynb: " in origin and origin not in on_pages]
    assert not missing, f"solutions the search does not find on the full edition's pages: {missing}"
    assert any(leak.file == "intro.html" and leak.origin == "intro: wording" for leak in found)
    intro = solution_leaks.words(solution_leaks.readable(full_site / "intro.html"))
    assert solution_leaks.words(FULL_SAYS) in intro
    assert solution_leaks.words(STUDENT_SAYS) not in intro
    # its search index lists the solutions' own words for their chapters
    indexed = solution_leaks.index_leaks(full_site)
    assert indexed.get("")  # and words that only solutions have, anywhere in the book
    assert {f"chapters/{path.stem}" for path in CHAPTERS if "solution-start" in path.read_text()
            } <= set(indexed)


def test_the_full_edition_holds_none_of_the_student_editions_wording(full_site):
    assert solution_leaks.secret_words(student=False)["intro"]  # words of its own to look for
    assert solution_leaks.leaks(full_site, student=False) == []
    assert solution_leaks.index_leaks(full_site, student=False) == {}
