"""site_assets/reading_time.py: the rule behind intro.md's reading times, and that intro.md
states the times of the chapters as they are."""

from __future__ import annotations

import json
import re

import pytest

from site_assets import reading_time


def _write(tmp_path, cells):
    path = tmp_path / "c.ipynb"
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}
    path.write_text(json.dumps(nb))
    return path


def _md(text, **meta):
    return {"cell_type": "markdown", "metadata": meta, "source": text}


def _code(text, *tags):
    return {"cell_type": "code", "metadata": {"tags": list(tags)}, "outputs": [],
            "execution_count": None, "source": text}


def test_words_code_cells_and_exercises_are_counted_by_the_rule(tmp_path):
    prose = " ".join(["word"] * 1490)
    path = _write(tmp_path, [
        _md("ignored " * 50, lab_ready=True),  # the JupyterLab cell the site leaves out
        _md(prose + " {eval}`0.25  # some_key:.2f` [a link](https://example.org/x \"t\")"),
        _md("```{exercise}\n:label: predict-a\n\nOne two.\n```\n\n:::{exercise}\nThree.\n:::"),
        _code("x = 1", "remove-input"), _code("glue('a', 1)", "remove-cell"),
        _code("y = 2  # folded", "hide-input"),
        _code("print(x)"), _code("a = b"),
    ])
    got = reading_time.measure(path)
    # 1490 + "0.25" + "[a" + "link]" = 1493; the exercises' markdown: 9 words (fences and
    # options included); the code seen: "print(x)" and "a = b", 1 + 3
    assert got["words"] == 1493 + 9 + 4
    assert got["code_cells"] == 2 and got["exercises"] == 2
    # 1506/120 + 2*1 + 2*5 = 24.55 minutes -> 25
    assert got["minutes"] == 25


def test_a_short_chapter_is_at_least_five_minutes(tmp_path):
    assert reading_time.measure(_write(tmp_path, [_md("# Title")]))["minutes"] == 5


def test_every_chapter_of_the_toc_has_a_row_with_its_title():
    rows = reading_time.table().splitlines()[2:]
    toc = (reading_time.ROOT / "_toc.yml").read_text()
    assert len(rows) == toc.count("- file: chapters/") > 0
    assert rows[0].startswith("| [Why initialisation matters](chapters/why_initialisation.ipynb) |")
    assert not any("$" in row for row in rows)  # "Xavier: $...$" is shown as "Xavier"


def test_a_box_states_the_measured_time_and_write_puts_it_there(tmp_path, monkeypatch):
    (tmp_path / "chapters").mkdir()
    (tmp_path / "_toc.yml").write_text(
        "format: jb-book\nroot: intro\nparts:\n  - caption: P\n    chapters:\n"
        "      - file: chapters/c\n")
    box = "# T\n\n```{admonition} In this chapter\n- **Time**: about 99 minutes.\n```\n"
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {},
          "cells": [_md(box + " ".join(["word"] * 1200))]}
    path = tmp_path / "chapters" / "c.ipynb"
    path.write_text(json.dumps(nb, indent=1))
    monkeypatch.setattr(reading_time, "ROOT", tmp_path)
    assert reading_time.box_times() == ["chapters/c"]
    assert reading_time.box_times(write=True) == ["chapters/c"]
    # 1200 words + 13 in the title and box = 1213 words: 10.1 minutes -> 10
    assert "**Time**: about 10 minutes." in path.read_text()
    assert reading_time.box_times() == []
    # the other spelling of the box's line is read too; a chapter without one is refused
    path.write_text(path.read_text().replace("**Time**:", "**Time:**"))
    assert reading_time.box_times() == []
    path.write_text(path.read_text().replace("**Time:** about", "About"))
    with pytest.raises(ValueError, match="must state its time once"):
        reading_time.box_times()


def test_intro_states_the_chapters_reading_times():
    # after changing a chapter: python site_assets/reading_time.py --write
    assert reading_time.main(["--check"]) == 0


def _box_needs(name):
    """The chapters a chapter's "In this chapter" box asks for ("You need" to the box's end)."""
    nb = json.loads((reading_time.ROOT / "chapters" / f"{name}.ipynb").read_text())
    box = next("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"
               and "{admonition} In this chapter" in "".join(c["source"]))
    start = box.index("You need")
    box = box[start:box.index("```", start)]
    return set(re.findall(r"\]\(([a-z_]+)\.ipynb\)", box))


def test_the_course_reads_each_chapter_after_the_chapters_its_box_asks_for():
    order = [name for names, _ in reading_time.COURSE for name in names]
    assert len(order) == len(set(order)) == 10 + 3  # ten sessions, three of two chapters
    for k, name in enumerate(order):
        needs = _box_needs(name)
        assert needs or k == 0, name  # every box but the first names the chapters it needs
        missing = {n for n in needs if n in order and order.index(n) > k}
        assert not missing, f"{name} is read before {missing}, which its box asks for"


def test_the_course_table_is_in_intro_and_the_readme_and_sums_the_chapters():
    table = reading_time.course_table().splitlines()
    assert len(table) == 2 + 10
    # session 2 is Xavier and Normalized Xavier: its minutes are the sum of theirs
    xavier, nx = (reading_time.measure(reading_time.ROOT / "chapters" / f"{n}.ipynb")["minutes"]
                  for n in ("xavier", "normalized_xavier"))
    assert table[3].startswith("| 2 | [Xavier](chapters/xavier.ipynb) and ")
    assert table[3].endswith(f"| {xavier + nx} |")
    assert "\n".join(table) in (reading_time.ROOT / "intro.md").read_text()
    assert "\n".join(table) in (reading_time.ROOT / "README.md").read_text()
