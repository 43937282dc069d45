"""site_assets/summary_page.py: the one-page summary is written from the chapters and winit, and
summary.md is what it writes now."""

from __future__ import annotations

import json
import re

from site_assets import summary_page


def test_summary_md_is_up_to_date():
    assert not summary_page.stale(), "run: python site_assets/summary_page.py --write"


def test_stale_text_is_found(tmp_path, monkeypatch):
    page = tmp_path / "summary.md"
    text = summary_page.PAGE.read_text(encoding="utf-8")
    page.write_text(text.replace("| ReLU | He,", "| ReLU | Glorot,"), encoding="utf-8")
    monkeypatch.setattr(summary_page, "PAGE", page)
    assert summary_page.stale()
    assert summary_page.main(["--check"]) == 1
    assert summary_page.main(["--write"]) == 0 and not summary_page.stale()
    assert page.read_text(encoding="utf-8") == text


def _practice_rows():
    nb = json.loads(summary_page.PRACTICE.read_text(encoding="utf-8"))
    cell = next("".join(c["source"]) for c in nb["cells"]
                if c["cell_type"] == "markdown" and "## What to use" in "".join(c["source"]))
    return [line for line in cell.splitlines() if line.startswith("| ") and "---" not in line]


def test_every_row_of_the_decision_table_is_on_the_page():
    rows = _practice_rows()
    page = summary_page.generated()
    assert len(rows) >= 17
    for row in rows:
        cells = [c.strip() for c in row.strip().strip("|").split("|")]
        first = re.sub(r"\{eval\}`(\S+)\s+#[^`]*`", r"\1", cells[0])
        assert f"| {first} |" in page, first
        if cells[2]:  # the code column, as the chapter has it
            assert f"| {cells[2]} |" in page, cells[2]


def test_chapter_links_are_numbered_as_the_toc_numbers_them():
    page = summary_page.generated()
    # He is chapter 4, Residual networks and normalisation 11 (README's table)
    assert "[4](chapters/he.ipynb)" in page
    assert "[11](chapters/residual_and_normalisation.ipynb)" in page
    assert "../" not in page and "references.bib" not in page and "{eval}" not in page


def test_the_formulas_follow_the_variance_rule():
    # Var[w] = scale / fan; a uniform U[-b, b] has variance b^2 / 3
    page = summary_page.generated()
    assert r"| Glorot uniform | $\U[\pm\sqrt{6/(n + m)}]$ | `xavier_uniform_(w)` |" in page
    assert r"| He normal | $\N(0, 2/n)$ | `kaiming_normal_(w, nonlinearity=" in page
    assert r"| LeCun uniform | $\U[\pm\sqrt{3/n}]$ |" in page
    assert r'"xavier" (tutorial) | $\U[\pm\sqrt{1/n}]$ | `kaiming_uniform_(w, a=math.sqrt(5))`' in page
    assert "tanh $5/3$; ReLU $\\sqrt{2}$;" in page
    assert "n = 3 \\cdot 3 \\cdot 16 = 144" in page  # a 3x3 convolution from 16 to 32 channels
