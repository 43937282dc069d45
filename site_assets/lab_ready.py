"""Make a chapter read in JupyterLab (with jupyterlab-myst) as it reads on the site.

What JupyterLab does not know, and what this script gives it, in the notebook itself:

- the math macros of `_config.yml` (``mathjax3_config.tex.macros``: ``\\U``, ``\\N``, ...):
  a first markdown cell whose front matter (``math:``) jupyterlab-myst applies to every cell;
  the same cell tells the student to run the notebook first (Run > Run All Cells). It carries the
  ``remove-cell`` tag, so the site leaves it out.
- the numbers in the prose: a ``{glue:text}`key``` role (myst-nb only) becomes
  ``{eval}`VALUE  # key``` where VALUE is the text the site shows for that glue, read from the
  glue's stored output. jupyterlab-myst shows an ``{eval}`` role from the cell's
  ``user_expressions`` metadata (written here, so a notebook opened and not yet run shows the
  numbers) and, when the cell is run, evaluates the expression in the kernel: ``VALUE  # key`` is
  a Python literal with a comment, so it gives VALUE again. On the site, :func:`setup` (this file
  as a Sphinx extension) makes ``{eval}`` paste the glue ``key`` as ``{glue:text}`` did, and fails
  the build (a warning, an error under ``-W``) when VALUE is not what the code glued now: the
  text cannot drift from the code. Re-run this script after re-executing a chapter.
- solutions hidden until opened: the code cells of a solution (after a ``{solution}`` block, or
  between ``solution-start`` and ``solution-end`` as ``site_assets/gate_solutions.py`` writes them)
  get ``jupyter.source_hidden`` and ``jupyter.outputs_hidden`` (JupyterLab shows a fold to click).
- "On this site" in a note becomes "On the book's web pages" (the notebook is not the site).
- winit where it is missing: a second cell (code, also ``remove-cell``) installs it from the
  book's repository (``repository: url:`` in `_config.yml`, the setting of the site's launch
  buttons) when it cannot be imported, as in Colab; with no repository set it stops with a clear
  message instead. Where winit is installed (the README's commands, Binder) it does nothing. The
  site build warns (an error under ``-W``) if a chapter's cell is not the one the setting gives.
- citations: jupyterlab-myst cannot read `references.bib`, so a ``{cite}`key``` role (one key)
  becomes ``[[Glorot and Bengio, 2010](URL "references.bib: key")]``: the label the site shows,
  linked to the work itself (its URL or DOI). On the site, :func:`setup` turns it back into
  ``{cite}`key``` before the chapter is parsed (a warning, an error under ``-W``, if the label is
  not the entry's label any more).
- glossary terms: jupyterlab-myst cannot resolve a ``{term}`` role (the glossary is another
  page), so ``{term}`Term``` and ``{term}`text <Term>``` become ``[Term](../glossary.md
  "glossary: Term")`` and ``[text](../glossary.md "glossary: Term")``: the text, linked to
  `glossary.md`. A term that `glossary.md` does not define is refused (KeyError). On the site,
  :func:`setup` turns the link back into the ``{term}`` role before the chapter is parsed, so
  Sphinx links it to the term's entry (and warns, an error under ``-W``, if there is none).

Code cells, their outputs and the widget state are never changed (only the metadata of solution
code cells). Idempotent, and composable with gate_solutions.py in either order.

    python site_assets/lab_ready.py chapters/why_initialisation.ipynb ...   # in place
    python site_assets/lab_ready.py --check chapters/*.ipynb    # exit 1 if any would change

(one of the steps of ``python site_assets/store.py``, which runs them all after executing.)
"""

from __future__ import annotations

import ast
import functools
import json
import re
import sys
from pathlib import Path

if __name__ == "__main__" and not __package__:  # python site_assets/lab_ready.py ...
    import _script
    _script.run_as_module(__file__)

# (cell_source: the Sphinx handlers below have an argument named source)
from .notebooks import as_lines, glue_texts, has_cell_ids, put, run  # noqa: E402
from .notebooks import source as cell_source  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
MARK = "lab_ready"  # cell metadata key of the cells this script adds
GLUE_ROLE = re.compile(r"\{glue:text\}`(?P<key>[^`]+)`")
EVAL_ROLE = re.compile(r"\{eval\}`(?P<body>[^`]+)`")
EVAL_BODY = re.compile(r"^(?P<value>.*?)\s+#\s*(?P<key>[^\s#]+)\s*$")
SOLUTION = re.compile(r"^(`{3,}|:{3,})\{solution\}", re.M)
SOLUTION_START = re.compile(r"^(`{3,}|:{3,})\{solution-start\}", re.M)
SOLUTION_END = re.compile(r"^(`{3,}|:{3,})\{solution-end\}", re.M)
FENCE_END = re.compile(r"^(`{3,}|:{3,})\s*$")
CITE_ROLE = re.compile(r"\{cite(?::p)?\}`(?P<key>[^`,\s]+)`")
# the notebook's form of a citation; the quotes may be JSON-escaped (the site reads raw JSON)
LAB_CITE = re.compile(r'\[\[(?P<label>[^\]\n]+)\]\((?P<url>[^\s)]+) \\?"references\.bib: '
                      r'(?P<key>[^"\s\\]+)\\?"\)\]')
TERM_ROLE = re.compile(r"\{term\}`(?P<body>[^`]+)`")
TERM_BODY = re.compile(r"^(?P<text>.*?)\s*<(?P<term>[^<>]+)>$", re.S)  # "text <Term>"
GLOSSARY = "../glossary.md"  # from a chapter (chapters/NAME.ipynb)
# the notebook's form of a glossary term; the quotes may be JSON-escaped (the site reads raw JSON)
LAB_TERM = re.compile(r'\[(?P<text>[^\[\]\n]+)\]\(\.\./glossary\.md \\?"glossary: '
                      r'(?P<term>[^"\\\n]+)\\?"\)')
GLOSSARY_BLOCK = re.compile(
    r"^(?P<fence>`{3,}|:{3,})\{glossary\}[^\n]*\n(?P<body>.*?)^(?P=fence)\s*$", re.S | re.M)

RUN_FIRST = """\
```{tip}
**Run this notebook first**: in JupyterLab choose **Run > Run All Cells** (in VS Code, **Run
All**). The numbers in the text are those of the stored run; the explorers appear, and work,
once their cells have run. Solutions are folded: click the bar beside a folded cell to open it.
```"""


def macros(config: Path = ROOT / "_config.yml") -> dict[str, str]:
    """The MathJax macros of the site (``\\name`` -> definition), from `_config.yml`."""
    import yaml

    tex = yaml.safe_load(config.read_text())["sphinx"]["config"]["mathjax3_config"]["tex"]
    return {"\\" + name: value for name, value in tex["macros"].items()}


def first_cell_source(defs: dict[str, str]) -> str:
    lines = ["---", "math:"]
    lines += [f"  '{name}': '{value}'" for name, value in sorted(defs.items())]
    return "\n".join(lines + ["---", "", RUN_FIRST])


def repository(config: Path = ROOT / "_config.yml") -> tuple[str, str]:
    """(url, branch) of the book's repository from `_config.yml` (url "" when none is set)."""
    import yaml

    repo = yaml.safe_load(config.read_text()).get("repository") or {}
    return (repo.get("url") or "").strip(), (repo.get("branch") or "main").strip()


def install_cell_source(url: str, branch: str = "main") -> str:
    """The code of the cell that installs winit where it is missing."""
    says = ("# (Colab, say), this cell installs it from the book's repository." if url else
            "# (Colab, say), this cell stops and says how to install it.")
    lines = ["# winit, the book's package, comes with the book (README). Where it is missing",
             says, "import importlib.util", "",
             'if importlib.util.find_spec("winit") is None:']
    if url:
        lines.append(f'    %pip install --quiet "winit[book] @ git+{url}@{branch}"')
    else:
        lines += ['    raise ModuleNotFoundError("winit is not installed: in the book\'s folder, run "',
                  '                              "the README\'s install command, then restart the kernel")']
    return "\n".join(lines)


def _install_cell(nb: dict, url: str, branch: str) -> dict:
    cell = {"cell_type": "code", "execution_count": None,
            "metadata": {MARK: "install", "tags": ["remove-cell"]}, "outputs": [],
            "source": as_lines(install_cell_source(url, branch))}
    if has_cell_ids(nb):
        cell = {"id": "install-winit", **cell}
    return cell


def references(bib: Path = ROOT / "references.bib") -> dict[str, tuple[str, str]]:
    """{key: (label, url)} of every entry of the bibliography, labelled as the site labels it."""
    from pybtex.database import parse_file

    from .book_site import author_year_label

    refs = {}
    for key, entry in parse_file(str(bib)).entries.items():
        doi = entry.fields.get("doi")
        url = entry.fields.get("url") or (f"https://doi.org/{doi}" if doi else "../references.md")
        refs[key] = (author_year_label(entry), url)
    return refs


def lab_citation(key: str, refs: dict[str, tuple[str, str]]) -> str:
    """The notebook's form of ``{cite}`key```: its label, linked to the work."""
    if key not in refs:
        raise KeyError(f"no entry {key!r} in references.bib")
    label, url = refs[key]
    return f'[[{label}]({url} "references.bib: {key}")]'


def terms(glossary: Path = ROOT / "glossary.md") -> dict[str, str]:
    """{term in lower case: term} of every term the ``{glossary}`` blocks of `glossary.md` define.

    A term is an unindented line of the block (not an option such as ``:sorted:``); Sphinx
    matches a ``{term}`` role to it ignoring case, and so does :func:`lab_term`.
    """
    found = {}
    for block in GLOSSARY_BLOCK.finditer(glossary.read_text(encoding="utf-8")):
        for line in block.group("body").splitlines():
            if line.strip() and not line[0].isspace() and not line.startswith((":", ".. ")):
                term = line.split(" : ")[0].strip()
                found[term.lower()] = term
    return found


def lab_term(body: str, known: dict[str, str]) -> str:
    """The notebook's form of ``{term}`body```: the text, linked to the glossary."""
    parts = TERM_BODY.match(body)
    text, term = (parts.group("text"), parts.group("term")) if parts else (body, body)
    text, term = text.strip(), term.strip()
    if term.lower() not in known:
        raise KeyError(f"no term {term!r} in glossary.md")
    if not text or re.search(r"[\[\]\n$]", text) or '"' in term:
        # math: Sphinx shows a role's text as it is, so the site would show the raw TeX
        raise KeyError(f"the term role {{term}}`{body}` cannot be a link: its text must not be "
                       "empty nor hold brackets, line breaks or math ($: write the math beside "
                       "the role), nor its term a quote")
    return f'[{text}]({GLOSSARY} "glossary: {term}")'


def term_role(text: str, term: str) -> str:
    """The ``{term}`` role whose notebook form is the link ``[text](... "glossary: term")``."""
    return f"{{term}}`{term}`" if text == term else f"{{term}}`{text} <{term}>`"


def _term_body(m: re.Match) -> str:
    """The body of the ``{term}`` role whose notebook form `m` (a :data:`LAB_TERM` match) is."""
    return TERM_ROLE.fullmatch(term_role(m.group("text"), m.group("term"))).group("body")


def format_text(text: str, key_fmt: str, values: dict[str, str]) -> str:
    """What the site shows for `{glue:text}`key_fmt`` (myst-nb's formatting of text/plain)."""
    key, _, fmt = key_fmt.partition(":")
    if key not in values:
        raise KeyError(f"no stored glue output named {key!r} (execute the chapter first)")
    plain = values[key]
    if not fmt:
        return plain
    from myst_nb.core.variables import format_plain_text

    return format_plain_text(plain, fmt)


def _literal(text: str) -> str:
    """`text` as a Python literal that evaluates to a value whose repr is `text`."""
    try:
        if repr(ast.literal_eval(text)) == text:
            return text
    except (ValueError, SyntaxError):
        pass
    return repr(text)


def _shown(value: str) -> str:
    """The text the site shows for the literal `value` (a str literal's text, unquoted)."""
    parsed = ast.literal_eval(value)
    return parsed if isinstance(parsed, str) else value


def _lab_cell(nb: dict, defs: dict[str, str]) -> dict:
    cell = {"cell_type": "markdown", "metadata": {MARK: True, "tags": ["remove-cell"]},
            "source": as_lines(first_cell_source(defs))}
    if has_cell_ids(nb):
        cell = {"cell_type": "markdown", "id": "lab-ready", **cell}
    return cell


def prepare(nb: dict, defs: dict[str, str] | None = None,
            refs: dict[str, tuple[str, str]] | None = None,
            repo: tuple[str, str] | None = None,
            known: dict[str, str] | None = None) -> dict:
    """Convert notebook `nb` (nbformat 4 JSON) in place; return `nb`.

    `known` is {term in lower case: term} of the glossary (default: :func:`terms`).
    """
    defs = macros() if defs is None else defs
    refs = references() if refs is None else refs
    repo = repository() if repo is None else repo
    known = terms() if known is None else known
    values = glue_texts(nb)
    cells = [c for c in nb["cells"] if not c.get("metadata", {}).get(MARK)]
    in_solution = False
    after_solution = False
    for cell in cells:
        meta = cell.setdefault("metadata", {})
        if cell["cell_type"] == "markdown":
            src = cell_source(cell)

            def glue_to_eval(m):
                key = m.group("key")
                return f"{{eval}}`{_literal(format_text('', key, values))}  # {key}`"

            def refresh_eval(m):
                body = EVAL_ROLE.match(m.group(0)).group("body")
                parts = EVAL_BODY.match(body)
                if parts is None:
                    return m.group(0)
                key = parts.group("key")
                return f"{{eval}}`{_literal(format_text('', key, values))}  # {key}`"

            new = GLUE_ROLE.sub(glue_to_eval, src)
            new = EVAL_ROLE.sub(refresh_eval, new)
            new = new.replace("On this site", "On the book's web pages")
            new = CITE_ROLE.sub(lambda m: lab_citation(m.group("key"), refs), new)
            new = LAB_CITE.sub(lambda m: lab_citation(m.group("key"), refs), new)
            new = TERM_ROLE.sub(lambda m: lab_term(m.group("body"), known), new)
            new = LAB_TERM.sub(lambda m: lab_term(_term_body(m), known), new)
            if new != src:
                cell["source"] = as_lines(new)
            bodies = list(dict.fromkeys(m.group("body") for m in EVAL_ROLE.finditer(new)))
            if bodies:
                put(meta, "user_expressions", [
                    {"expression": body,
                     "result": {"status": "ok", "metadata": {}, "data": {
                         "text/plain": _shown(EVAL_BODY.match(body).group("value"))}}}
                    for body in bodies if EVAL_BODY.match(body)])
            else:
                meta.pop("user_expressions", None)
            if SOLUTION_START.search(new):
                in_solution = True
            if SOLUTION_END.search(new):
                in_solution = False
            after_solution = _ends_with_solution(new)
        elif cell["cell_type"] == "code":
            if in_solution or after_solution:
                put(meta, "jupyter", meta.get("jupyter", {}))
                put(meta["jupyter"], "outputs_hidden", True)
                put(meta["jupyter"], "source_hidden", True)
        else:
            after_solution = False
    nb["cells"] = [_lab_cell(nb, defs), _install_cell(nb, *repo)] + cells
    return nb


def _ends_with_solution(src: str) -> bool:
    """True if the markdown `src`'s last block is a (non-gated) {solution} block."""
    starts = list(SOLUTION.finditer(src))
    if not starts:
        return False
    tail = src[starts[-1].start():].split("\n")
    fence = re.match(r"^(`{3,}|:{3,})", tail[0]).group(1)
    for j, line in enumerate(tail[1:], 1):
        if line.strip() == fence:
            return not any(x.strip() for x in tail[j + 1:])
    return False


@functools.cache
def _settings() -> tuple[dict, dict, tuple[str, str], dict]:
    """(macros, references, repository, glossary terms) of the book, read once."""
    return macros(), references(), repository(), terms()


def step(nb: dict) -> str | None:
    """:func:`prepare` with the book's settings, as a step of ``store.py``.

    Returns what it did when `nb` changes (the caller compares), else None. A missing glue
    value, citation or glossary term raises KeyError.
    """
    before = json.dumps(nb, sort_keys=True)
    prepare(nb, *_settings())
    return "made ready for JupyterLab" if json.dumps(nb, sort_keys=True) != before else None


def main(argv=None) -> int:
    return run(step, argv, description=__doc__.splitlines()[0], errors=(KeyError,))


# --- the site's side: this file as a Sphinx extension ------------------------------------

def setup(app):
    """Sphinx: ``{eval}`VALUE  # key``` pastes glue `key` (as ``{glue:text}``) and checks VALUE."""
    from myst_nb.ext.glue.roles import PasteTextRole
    class GluedEvalRole(PasteTextRole):
        def run(self):
            parts = EVAL_BODY.match(self.text)
            if parts is None:
                return [], [self.document.reporter.warning(
                    f"eval role {self.text!r} is not 'VALUE  # glue_key' "
                    "(run site_assets/lab_ready.py on the chapter)", line=self.line)]
            self.text = parts.group("key")
            nodes_, messages = super().run()
            shown = "".join(n.astext() for n in nodes_)
            try:
                stated = ast.literal_eval(parts.group("value"))
                stated = stated if isinstance(stated, str) else repr(stated)
            except (ValueError, SyntaxError):
                stated = parts.group("value")
            if nodes_ and shown != stated:
                messages = [*messages, self.document.reporter.warning(
                    f"the text states {stated!r} for glue {parts.group('key')!r} but the code "
                    f"glued {shown!r}: run site_assets/lab_ready.py on the chapter",
                    line=self.line)]
            return nodes_, messages

    def override(app_, config):
        app_.add_role("eval", GluedEvalRole(), override=True)

    def check_install_cell(app_, docname, source):
        if not source[0].lstrip().startswith("{") or f'"{MARK}"' not in source[0]:
            return
        from sphinx.util import logging

        options = app_.config.html_theme_options
        want = install_cell_source((options.get("repository_url") or "").strip(),
                                   (options.get("repository_branch") or "main").strip())
        cells = [c for c in json.loads(source[0])["cells"]
                 if c.get("metadata", {}).get(MARK) == "install"]
        if [cell_source(c) for c in cells] != [want]:
            logging.getLogger(__name__).warning(
                "the chapter's install-winit cell does not match `repository: url:` in "
                "_config.yml: run site_assets/lab_ready.py on the chapters", location=docname)

    def citations_back(app_, docname, source):
        if "references.bib: " not in source[0]:
            return
        from sphinx.util import logging

        refs = references(Path(app_.srcdir) / "references.bib")

        def back(m):
            key, label = m.group("key"), m.group("label")
            if refs.get(key, (None,))[0] != label:
                logging.getLogger(__name__).warning(
                    f"citation [{label}] of {key!r}: the bibliography labels it "
                    f"{refs.get(key, ('no entry',))[0]!r} (run site_assets/lab_ready.py on the "
                    "chapter)", location=docname)
            return f"{{cite}}`{key}`"

        source[0] = LAB_CITE.sub(back, source[0])

    def terms_back(app_, docname, source):
        if '"glossary: ' not in source[0]:
            return
        source[0] = LAB_TERM.sub(lambda m: term_role(m.group("text"), m.group("term")), source[0])

    app.connect("source-read", check_install_cell)
    app.connect("source-read", citations_back)
    app.connect("source-read", terms_back)

    # myst-nb registers its own `eval` role when it loads; ours must come after it.
    app.connect("config-inited", override, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":
    sys.exit(main())
