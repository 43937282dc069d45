"""The book's chapters as notebooks to hand out: one command, three editions.

    python site_assets/editions.py portable OUT          # OUT/<chapter>.ipynb, solutions folded
    python site_assets/editions.py student-portable OUT  # OUT/<chapter>.ipynb, no solution at all
    python site_assets/editions.py nbgrader OUT          # an nbgrader course (nbgrader_course.py)

Each is written from the stored chapters that ``_toc.yml`` lists (``chapters/*.ipynb``).

A **portable** notebook reads right in any Jupyter front end with nothing but Jupyter's defaults
(JupyterLab without jupyterlab-myst, Notebook, VS Code, Colab, nbconvert, GitHub's viewer):

- plain Markdown and standard maths: the book's macros (``_config.yml``'s MathJax macros and the
  chapter's front matter ``math:``) expanded; the numbers written in (``{eval}`VALUE  # key``` and
  ``{glue:text}`key``` become VALUE); citations links to the work; glossary terms plain words;
  cross-references readable; notes, tips and admonitions block quotes with a bold title;
  ``{dropdown}`` an HTML ``<details>``; each exercise a heading with its difficulty;
- each solution (its text, its code cells and their outputs) folded in one markdown cell,
  ``<details><summary>Solution</summary> ... </details>``: its code as fenced blocks, its printed
  output as text blocks, its figures as data-URI images. The **student-portable** edition holds
  no solution at all: no text, no code, no output;
- no front matter, no JupyterLab tip; the code cells are the chapter's (solutions aside), the
  hidden ones folded (``jupyter.source_hidden``); ``from myst_nb import glue`` becomes a glue of
  its own (:func:`portable_code`), so the notebook runs where myst-nb is absent;
- no widget state: each explorer shows the picture of its first state stored beside it (run the
  notebook to get it live), which also makes the files small; figures keep their alt text
  (in the output's ``metadata["image/png"]["alt"]``).

The site's "Download source file (.ipynb)" of a chapter serves its portable notebook, and in the
student edition its student-portable one (``site_assets/book_site.py``, :func:`write_sources`).
"""

from __future__ import annotations

import argparse
import base64
import copy
import re
import sys
from pathlib import Path

if __name__ == "__main__" and not __package__:  # python site_assets/editions.py ...
    import _script
    _script.run_as_module(__file__)

from . import notebooks  # noqa: E402
from .lab_ready import EVAL_BODY, EVAL_ROLE, LAB_CITE, MARK, _shown, format_text  # noqa: E402
from .notebooks import WIDGET_VIEW, glue_texts, set_source, source, tags  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EDITIONS = ("portable", "student-portable", "nbgrader")

# ---------------------------------------------------------------------------------------------
# markdown: MyST -> plain Markdown

#: The opening line of a fenced block: indent, fence, directive name (None: plain code), argument.
_OPEN = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|:{3,})\s*(?:\{(?P<name>[\w:-]+)\})?"
                   r"(?P<arg>[^`\n]*?)\s*$")
_OPTION = re.compile(r"^\s*:(?P<key>[\w-]+):\s*(?P<value>.*)$")
_TARGET = re.compile(r"^\((?P<label>[^()\s]+)\)=\s*$", re.M)
GLUE_ROLE = re.compile(r"\{glue(?::text)?\}`(?P<key>[^`]+)`")
CITE_ROLE = re.compile(r"\{cite(?::[pt])?\}`(?P<keys>[^`]+)`")
REF_ROLE = re.compile(r"\{(?:ref|numref|eq|doc)\}`(?P<body>[^`]+)`")
TERM_ROLE = re.compile(r"\{term\}`(?P<body>[^`]+)`")
ANY_ROLE = re.compile(r"\{[\w:-]+\}`(?P<body>[^`]*)`")
ROLE_BODY = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.S)  # "text <target>"
# the notebooks' links to the book's other pages (glossary, references, introduction): no such
# files beside a handed-out notebook, so the link text stays, as plain words
BOOK_PAGE_LINK = re.compile(r'\[(?P<text>[^\[\]\n]+)\]\(\.\./(?P<page>[\w-]+)\.md(?:#[^\s)]*)?'
                            r'(?: \\?"[^"\n]*\\?")?\)')
INLINE_CODE = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.S)
TITLES = {"note": "Note", "tip": "Tip", "hint": "Hint", "important": "Important",
          "warning": "Warning", "caution": "Caution", "attention": "Attention", "danger": "Danger",
          "error": "Error", "seealso": "See also", "admonition": ""}
SOLUTION_SUMMARY = "<summary>Solution</summary>"


def _context_defaults(context: dict | None) -> dict:
    return {"glued": {}, "labels": {}, "solutions": True, "exercises": {}, **(context or {})}


def _split_blocks(text: str) -> list[tuple[str, str | None, str, list[str], str]]:
    """The top-level blocks of MyST ``text``: ("text", None, text, [], raw) for running text and
    ("fence", name, arg, body lines, raw) for a fenced block (name None: plain code, whose lines
    include its fences); raw is the block's own text."""
    lines = text.split("\n")
    blocks, plain, i = [], [], 0
    while i < len(lines):
        m = _OPEN.match(lines[i])
        if not m:
            plain.append(lines[i])
            i += 1
            continue
        fence = m.group("fence")
        close = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*$")
        end = next((j for j in range(i + 1, len(lines)) if close.match(lines[j])), len(lines))
        if plain:
            blocks.append(("text", None, "\n".join(plain), [], "\n".join(plain)))
            plain = []
        raw = "\n".join(lines[i: end + 1])
        if m.group("name") is None:
            blocks.append(("fence", None, m.group("arg"), lines[i: end + 1], raw))
        else:
            blocks.append(("fence", m.group("name"), m.group("arg").strip(), lines[i + 1: end], raw))
        i = end + 1
    if plain:
        blocks.append(("text", None, "\n".join(plain), [], "\n".join(plain)))
    return blocks


def _options(body: list[str]) -> tuple[dict[str, str], list[str]]:
    """(options, the rest) of a directive's body lines (``:key: value`` lines or a YAML block)."""
    opts, rest = {}, list(body)
    if rest and rest[0].strip() == "---":
        end = next((j for j in range(1, len(rest)) if rest[j].strip() == "---"), None)
        if end is not None:
            import yaml

            opts = {str(k): str(v) for k, v in (yaml.safe_load("\n".join(rest[1:end])) or {}).items()}
            rest = rest[end + 1:]
    while rest and (m := _OPTION.match(rest[0])):
        opts[m.group("key")] = m.group("value").strip()
        rest.pop(0)
    while rest and not rest[0].strip():
        rest.pop(0)
    return opts, rest


def expand_macros(tex: str, macros: dict[str, str]) -> str:
    """``tex`` with every macro of ``macros`` (name or \\name -> expansion) expanded; a macro's
    expansion may use ``#1``... with its arguments in braces. Expansions are expanded in turn."""
    defs = {name.lstrip("\\"): value for name, value in macros.items()}
    if not defs:
        return tex
    pattern = re.compile(r"\\(" + "|".join(sorted(map(re.escape, defs), key=len, reverse=True))
                         + r")(?![A-Za-z])")

    def arguments(s: str, at: int, n: int) -> tuple[list[str], int]:
        args = []
        for _ in range(n):
            while at < len(s) and s[at] == " ":
                at += 1
            if at < len(s) and s[at] == "{":
                depth, j = 0, at
                while j < len(s):
                    depth += {"{": 1, "}": -1}.get(s[j], 0)
                    if depth == 0:
                        break
                    j += 1
                args.append(s[at + 1: j])
                at = j + 1
            elif at < len(s):
                args.append(s[at])
                at += 1
        return args, at

    for _ in range(10):  # macros defined by macros
        out, pos, changed = [], 0, False
        for m in pattern.finditer(tex):
            if m.start() < pos:
                continue
            value = defs[m.group(1)]
            n = max((int(k) for k in re.findall(r"#(\d)", value)), default=0)
            args, end = arguments(tex, m.end(), n)
            for k, arg in enumerate(args, 1):
                value = value.replace(f"#{k}", arg)
            # a macro's expansion is one group, as TeX would treat \operatorname{E}[x]
            if n == 0 and m.end() < len(tex) and tex[m.end()].isalpha():
                value += " "
            out += [tex[pos: m.start()], value]
            pos, changed = end, True
        out.append(tex[pos:])
        tex = "".join(out)
        if not changed:
            break
    return tex


def _protect_code(text: str) -> tuple[str, list[str]]:
    """``text`` with its inline code spans replaced by placeholders, and the spans."""
    spans = []

    def keep(m):
        spans.append(m.group(0))
        return f"\x00{len(spans) - 1}\x00"

    return INLINE_CODE.sub(keep, text), spans


def _restore_code(text: str, spans: list[str]) -> str:
    return re.sub(r"\x00(\d+)\x00", lambda m: spans[int(m.group(1))], text)


def _role_text(body: str) -> str:
    """The text a role ``{term}`text <target>``` or ``{term}`target``` shows."""
    parts = ROLE_BODY.match(body)
    return (parts.group("text") if parts else body).strip()


def _ref_text(body: str, context: dict) -> str:
    parts = ROLE_BODY.match(body)
    text, target = (parts.group("text"), parts.group("target")) if parts else (None, body)
    target = target.strip()
    label = context["labels"].get(target)
    shown = text or (label[1] if label else target.replace("-", " "))
    return f"[{shown}](#{target})" if label else shown


def _inline(text: str, macros: dict[str, str], context: dict) -> str:
    """Running MyST text (no fenced blocks) as plain Markdown."""
    # roles first (their bodies sit in backticks, as code spans do), then the maths
    def eval_value(m):
        parts = EVAL_BODY.match(m.group("body"))
        if parts is None:
            return m.group("body")
        try:
            return _shown(parts.group("value"))
        except (ValueError, SyntaxError):  # not a literal: the text as written
            return parts.group("value")

    text = EVAL_ROLE.sub(eval_value, text)
    text = GLUE_ROLE.sub(lambda m: format_text("", m.group("key"), context["glued"]), text)
    text = CITE_ROLE.sub(lambda m: _citations(m.group("keys")), text)
    text = REF_ROLE.sub(lambda m: _ref_text(m.group("body"), context), text)
    text = TERM_ROLE.sub(lambda m: _role_text(m.group("body")), text)
    text = re.sub(r"\{math\}`(?P<body>[^`]+)`", lambda m: f"${m.group('body')}$", text)
    text = ANY_ROLE.sub(lambda m: m.group("body"), text)
    text = _TARGET.sub(lambda m: f'<a id="{m.group("label")}"></a>', text)
    text = LAB_CITE.sub(lambda m: f"[[{m.group('label')}]({m.group('url')})]"
                        if not m.group("url").startswith("../")
                        else f"[{m.group('label')}]", text)
    text = BOOK_PAGE_LINK.sub(lambda m: m.group("text"), text)
    text = text.replace("On this site", "On the book's web pages")
    text, spans = _protect_code(text)
    text = expand_macros(text, macros)
    return _restore_code(text, spans)


def _citations(keys: str) -> str:
    from .lab_ready import references

    refs = references()
    shown = []
    for key in (k.strip() for k in keys.split(",")):
        if key not in refs:
            raise KeyError(f"no entry {key!r} in references.bib")
        label, url = refs[key]
        shown.append(f"[{label}]({url})" if not url.startswith("../") else label)
    return "[" + "; ".join(shown) + "]"


_MATH_SPAN = re.compile(r"\$\$.+?\$\$|(?<![\\$])\$(?!\s)[^$]+?(?<![\s\\])\$", re.S)


def _one_line_math(text: str) -> str:
    """``text`` with each math span on one line (a block quote's "> " may not enter the TeX)."""
    text, spans = _protect_code(text)
    text = _MATH_SPAN.sub(lambda m: re.sub(r"\s*\n\s*", " ", m.group(0)), text)
    return _restore_code(text, spans)


def _quote(text: str) -> str:
    text = _one_line_math(text.strip("\n"))
    return "\n".join(("> " + line).rstrip() for line in text.split("\n"))


def _convert(text: str, macros: dict[str, str], context: dict) -> str:
    """MyST ``text`` (blocks and running text) as plain Markdown; see :func:`plain_markdown`."""
    out = []
    blocks = _split_blocks(text)
    while blocks:
        kind, name, arg, body, _ = blocks.pop(0)
        if name == "solution-start":
            # a gated solution within one text (portable() cuts them out of the cells before):
            # what follows, up to its solution-end, is the solution
            end = next((j for j, b in enumerate(blocks) if b[1] == "solution-end"), len(blocks))
            inner = _convert("\n".join(b[4] for b in blocks[:end]), macros, context).strip("\n")
            del blocks[: end + 1]
            if context["solutions"]:
                out.append(f"<details>{SOLUTION_SUMMARY}\n\n{inner}\n\n</details>")
            continue
        if kind == "text":
            out.append(_inline(arg, macros, context))
            continue
        if name is None:  # plain code: as it is
            out.append("\n".join(body))
            continue
        opts, rest = _options(body)
        inner = _convert("\n".join(rest), macros, context).strip("\n")
        title = _inline(arg, macros, context).strip()
        if name in ("exercise", "exercise-start"):
            label = opts.get("label", "")
            number = context["exercises"].get(label) or len(context["exercises"]) + 1
            context["exercises"].setdefault(label or f"#{number}", number)
            heading = f"### Exercise {context.get('prefix', '')}{number}" + (f" ({title})" if title else "")
            anchor = f'<a id="{label}"></a>\n\n' if label else ""
            out.append(f"{anchor}{heading}\n\n{inner}")
        elif name == "solution":
            if context["solutions"]:
                out.append(f"<details>{SOLUTION_SUMMARY}\n\n{inner}\n\n</details>")
        elif name == "dropdown":
            out.append(f"<details><summary>{title or 'More'}</summary>\n\n{inner}\n\n</details>")
        elif name in ("math",):
            label = opts.get("label")
            anchor = f'<a id="{label}"></a>\n\n' if label else ""
            out.append(f"{anchor}$$\n{expand_macros(chr(10).join(rest), macros)}\n$$")
        elif name in ("figure", "image"):
            alt = opts.get("alt", "")
            out.append(f"![{alt}]({arg})" + (f"\n\n{inner}" if inner else ""))
        elif name in ("code-block", "code", "code-cell", "sourcecode"):
            out.append("\n".join([f"```{arg}".rstrip(), *rest, "```"]))
        elif name in ("solution-end", "exercise-end"):
            continue
        else:  # notes, tips, admonitions and any other directive: a quote with a bold title
            head = title if name == "admonition" else TITLES.get(name, name.replace("-", " ").title())
            if name != "admonition" and title:
                head = f"{head}: {title}"
            out.append(_quote((f"**{head}**\n\n" if head else "") + inner))
    return "\n".join(out)


def plain_markdown(text: str, *, macros: dict[str, str], glued: dict[str, str] | None = None,
                   solutions: bool = True, context: dict | None = None) -> str:
    """One markdown cell's MyST as plain Markdown with standard maths.

    Parameters
    ----------
    text : str
        The cell's source, as the stored chapter holds it.
    macros : dict of str to str
        The maths macros to expand (:func:`macros`): name (with or without its backslash) ->
        expansion.
    glued : dict of str to str, optional
        {key: text} of the chapter's glued values, for ``{glue:text}`` roles (the stored chapters
        hold ``{eval}`VALUE  # key``` instead, which needs nothing).
    solutions : bool, default True
        True: a ``{solution}`` block, or what follows a ``solution-start`` up to its
        ``solution-end`` (or the end of ``text``), is folded in ``<details><summary>Solution
        </summary>``; False: it is left out.
    context : dict, optional
        State shared by the cells of one notebook (exercise numbers, labels); :func:`portable`
        passes one.

    Returns
    -------
    str
        Plain Markdown: no directive, role, target or front matter is left.

    Examples
    --------
    >>> plain_markdown("A {eval}`0.5  # half` of $\\\\Var[x]$.", macros={"Var": "\\\\operatorname{Var}"})
    'A 0.5 of $\\\\operatorname{Var}[x]$.'
    >>> print(plain_markdown("```{note}\\nSee $x$.\\n```", macros={}))
    > **Note**
    >
    > See $x$.
    """
    ctx = _context_defaults(context)
    if glued is not None:
        ctx["glued"] = glued
    ctx["solutions"] = solutions
    if context is not None:
        context.update(ctx)
        ctx = context
    text = _strip_front_matter(text)
    return _convert(text, macros, ctx).strip("\n")


def _strip_front_matter(text: str) -> str:
    if text.startswith("---\n"):
        end = text.find("\n---", 4)
        if end != -1:
            return text[end + 4:].lstrip("\n")
    return text


# ---------------------------------------------------------------------------------------------
# code

_GLUE_IMPORT = re.compile(r"^(?P<indent>[ \t]*)from myst_nb import glue\b[^\n]*$", re.M)
GLUE_STANDIN = '''\
{i}def glue(name, value, display=True):
{i}    """myst-nb's glue (the book's build records the value under `name`): here it only shows it."""
{i}    if display:
{i}        from IPython.display import display as _display
{i}        _display(value)'''


def portable_code(text: str) -> str:
    """A code cell's source made to run without the book's build tools.

    ``from myst_nb import glue`` becomes a function ``glue(name, value, display=True)`` of the
    cell's own that shows ``value`` unless ``display=False`` (the book's build records it), so the
    notebook runs where myst-nb is absent. Anything else is kept as it is.

    Examples
    --------
    >>> print(portable_code("import numpy as np\\nfrom myst_nb import glue").splitlines()[1])
    def glue(name, value, display=True):
    >>> portable_code("x = 1")
    'x = 1'
    """
    return _GLUE_IMPORT.sub(lambda m: GLUE_STANDIN.format(i=m.group("indent")), text)


# ---------------------------------------------------------------------------------------------
# the macros


def macros(nb: dict | None = None, config: Path = ROOT / "_config.yml") -> dict[str, str]:
    """The book's maths macros for notebook ``nb``: name (without its backslash) -> expansion.

    The site's (``mathjax3_config.tex.macros`` in ``_config.yml``), then the chapter's own
    (front matter ``math:`` of its first markdown cell, or ``myst.math`` / ``math`` in the
    notebook's metadata), which win.
    """
    import yaml

    tex = yaml.safe_load(config.read_text(encoding="utf-8"))["sphinx"]["config"]["mathjax3_config"]["tex"]
    found = {name.lstrip("\\"): str(value) for name, value in tex.get("macros", {}).items()}
    if nb is None:
        return found
    meta = nb.get("metadata", {})
    own = dict(meta.get("math") or {}) | dict((meta.get("myst") or {}).get("math") or {})
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        text = source(cell)
        if text.startswith("---\n") and (end := text.find("\n---", 4)) != -1:
            front = yaml.safe_load(text[4:end]) or {}
            if isinstance(front, dict):
                own |= dict(front.get("math") or {})
        break
    found |= {str(name).lstrip("\\"): str(value) for name, value in own.items()}
    return found


# ---------------------------------------------------------------------------------------------
# notebooks

_START = re.compile(r"^(`{3,}|:{3,})\{solution-start\}", re.M)
_END = re.compile(r"^(`{3,}|:{3,})\{solution-end\}", re.M)
_HIDDEN_SOURCE = {"remove-cell", "remove-input", "hide-input", "hide-cell"}
_HIDDEN_OUTPUT = {"hide-output", "hide-cell"}
_BOOK_TAGS = {"remove-cell", "remove-input", "remove-output", "hide-input", "hide-output",
              "hide-cell", "remove-stderr", "full-width", "margin", "thebe-init"}


def _solution_spans(text: str) -> list[tuple[str, str]]:
    """``text`` of a markdown cell cut at its solution-start / solution-end blocks:
    [(kind, text)] with kind "text", "start" (text: the label) or "end"."""
    pieces, buffer = [], []
    for kind, name, arg, body, raw in _split_blocks(text):
        if kind == "fence" and name in ("solution-start", "solution-end"):
            if buffer:
                pieces.append(("text", "\n".join(buffer)))
                buffer = []
            pieces.append(("start" if name == "solution-start" else "end", arg))
        else:
            buffer.append(raw)
    if buffer:
        pieces.append(("text", "\n".join(buffer)))
    return pieces


def _cell(kind: str, text: str, cell_id: str | None, **extra) -> dict:
    cell = {"cell_type": kind, **({"id": cell_id} if cell_id else {}), "metadata": {},
            "source": []}
    cell.update(extra)
    set_source(cell, text)
    return cell


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _alt(cell: dict) -> str:
    return (cell.get("metadata", {}).get("mystnb", {}).get("image", {}) or {}).get("alt", "")


def _portable_outputs(cell: dict) -> list[dict]:
    """The outputs of a code cell as a portable notebook keeps them: no glue records, no widget
    views (their text fallback stays), figures with their alt text."""
    kept = []
    if "remove-output" in tags(cell):
        return kept
    for out in cell.get("outputs", []):
        out = copy.deepcopy(out)
        data = out.get("data")
        if data is not None:
            if out.get("metadata", {}).get("scrapbook") or all(k.startswith("application/papermill")
                                                               for k in data):
                continue
            data.pop(WIDGET_VIEW, None)
            if not data:
                continue
            alt = _alt(cell)
            if alt:
                for mime in data:
                    if mime.startswith("image/"):
                        out.setdefault("metadata", {}).setdefault(mime, {})["alt"] = alt
        kept.append(out)
    return kept


def markdown_alt(alt: str) -> str:
    """``alt`` as the text of a Markdown image: one line, its brackets escaped."""
    return re.sub(r"\s+", " ", alt).strip().replace("[", "\\[").replace("]", "\\]")


def _fenced(text: str, info: str = "") -> str:
    ticks = "```"
    while ticks in text:
        ticks += "`"
    return f"{ticks}{info}\n{text.rstrip(chr(10))}\n{ticks}"


def _outputs_markdown(cell: dict) -> list[str]:
    """A solution code cell's outputs as Markdown: its printed text in one text block (as a
    front end shows consecutive text outputs), and its figures as data-URI images."""
    parts, text = [], []

    def flush_text():
        if text:
            parts.append(_fenced("".join(t if t.endswith("\n") else t + "\n" for t in text), "text"))
            text.clear()

    for out in _portable_outputs(cell):
        kind = out.get("output_type")
        data = out.get("data", {})
        image = next((m for m in ("image/png", "image/jpeg", "image/gif") if m in data), None)
        if kind == "stream":
            text.append(_text(out.get("text", "")))
        elif kind == "error":
            text.append(f"{out.get('ename')}: {out.get('evalue')}")
        elif image or "image/svg+xml" in data:
            flush_text()
            if image:
                b64 = re.sub(r"\s", "", _text(data[image]))
            else:
                image, b64 = "image/svg+xml", base64.b64encode(
                    _text(data["image/svg+xml"]).encode()).decode()
            alt = out.get("metadata", {}).get(image, {}).get("alt") or _alt(cell) or "figure"
            parts.append(f"![{markdown_alt(alt)}](data:{image};base64,{b64})")
        elif "text/markdown" in data:
            flush_text()
            parts.append(_text(data["text/markdown"]))
        elif "text/plain" in data:
            text.append(_text(data["text/plain"]))
    flush_text()
    return parts


def _book_tip(solutions: bool) -> str:
    fold = (" Each exercise's solution is folded under it: click **Solution** to open it."
            if solutions else "")
    return ("> **Run this notebook first** (in JupyterLab, **Run > Run All Cells**; elsewhere, "
            "**Run all**). The numbers in the text are those of the book's stored run; the "
            "explorers appear, and work, once their cells have run." + fold)


def _labels(nb: dict, prefix: str = "") -> dict[str, tuple[str, str]]:
    """{label: (kind, text shown for a reference)} of the targets in ``nb``."""
    found, number = {}, 0
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        text = source(cell)
        for m in re.finditer(r"^(`{3,}|:{3,})\{exercise(?:-start)?\}\s*(?P<title>.*)$", text, re.M):
            number += 1
            block = text[m.end():]
            label = re.match(r"\s*\n:label:\s*(\S+)", block)
            if label:
                found[label.group(1)] = ("exercise", f"Exercise {prefix}{number}")
        for m in re.finditer(r"^\((?P<label>[^()\s]+)\)=\s*\n+#+\s*(?P<title>.+)$", text, re.M):
            found[m.group("label")] = ("section", m.group("title").strip())
    return found


def portable(nb: dict, *, solutions: bool, number: str | None = None) -> dict:
    """The portable notebook of chapter ``nb`` (as :func:`site_assets.notebooks.load` gives it).

    Parameters
    ----------
    nb : dict
        A stored chapter (nbformat 4 JSON); not changed.
    solutions : bool
        True: the portable edition (each solution folded in one ``<details>`` markdown cell);
        False: the student-portable edition (no solution at all).
    number : str, optional
        The chapter's number on the site (:func:`chapter_numbers`): its exercises are numbered
        as the site numbers them, "Exercise 4.2"; without it, "Exercise 2".

    Returns
    -------
    dict
        A new nbformat 4 notebook.
    """
    defs = macros(nb)
    prefix = f"{number}." if number else ""
    context = _context_defaults({"glued": glue_texts(nb), "labels": _labels(nb, prefix),
                                 "solutions": solutions, "prefix": prefix})
    with_ids = notebooks.has_cell_ids(nb)
    cells: list[dict] = []
    solution: list[str] | None = None  # the parts of the solution being read
    solution_label = ""
    pending: list[str] = []  # markdown text not yet written as a cell
    pending_id: list[str | None] = [None]

    # the JupyterLab tip (with the front matter) becomes a plain tip under the chapter's title,
    # and the install cell goes just before the first code cell
    tip = [_book_tip(solutions)] if any(c.get("metadata", {}).get(MARK) is True
                                        for c in nb.get("cells", [])) else []
    install = [c for c in nb.get("cells", []) if c.get("metadata", {}).get(MARK) == "install"]

    def flush():
        text = "\n\n".join(p for p in pending if p.strip()).strip("\n")
        if text and tip:
            title, _, rest = text.partition("\n")
            text = (f"{title}\n\n{tip[0]}\n\n{rest.lstrip(chr(10))}".rstrip("\n")
                    if re.match(r"# \S", title) else f"{tip[0]}\n\n{text}")
            tip.clear()
        if text:
            cells.append(_cell("markdown", text, pending_id[0] if with_ids else None))
        pending.clear()
        pending_id[0] = None

    for index, cell in enumerate(nb.get("cells", [])):
        meta = cell.get("metadata", {})
        if meta.get(MARK):  # the cells lab_ready adds: see above
            continue
        if cell.get("cell_type") == "markdown":
            for kind, text in _solution_spans(source(cell)):
                if kind == "start":
                    flush()
                    solution, solution_label = [], text
                elif kind == "end":
                    if solution is not None and solutions:
                        body = "\n\n".join(p for p in solution if p.strip())
                        cid = f"solution-{solution_label or index}"[:64] if with_ids else None
                        cells.append(_cell("markdown", f"<details>{SOLUTION_SUMMARY}\n\n{body}"
                                                       "\n\n</details>", cid))
                    solution = None
                elif solution is not None:
                    solution.append(plain_markdown(text, macros=defs, solutions=solutions,
                                                   context=context))
                else:
                    if not pending:
                        pending_id[0] = cell.get("id")
                    pending.append(plain_markdown(text, macros=defs, solutions=solutions,
                                                  context=context))
            if solution is None:
                flush()
            continue
        flush()
        if cell.get("cell_type") != "code":
            cells.append(copy.deepcopy(cell))
            continue
        if solution is not None:
            if solutions and not (set(tags(cell)) & {"remove-cell"}):
                solution.append(_fenced(portable_code(source(cell)).rstrip("\n"), "python"))
                solution.extend(_outputs_markdown(cell))
            continue
        if install:
            cells.append(_portable_code_cell(install.pop()))
        cells.append(_portable_code_cell(cell))
    if solution is not None:
        raise ValueError("a solution-start with no solution-end after it")
    flush()
    if tip:  # a notebook without markdown
        cells.insert(0, _cell("markdown", tip[0], "book-tip" if with_ids else None))
    meta = {k: copy.deepcopy(v) for k, v in nb.get("metadata", {}).items()
            if k in ("kernelspec", "language_info")}
    return {"cells": cells, "metadata": meta, "nbformat": nb.get("nbformat", 4),
            "nbformat_minor": nb.get("nbformat_minor", 5)}


def _portable_code_cell(cell: dict) -> dict:
    new = copy.deepcopy(cell)
    meta = new.setdefault("metadata", {})
    cell_tags = set(tags(cell))
    meta.pop(MARK, None)
    meta.pop("lines_to_next_cell", None)
    if cell_tags & _HIDDEN_SOURCE or cell.get("metadata", {}).get(MARK):
        meta.setdefault("jupyter", {})["source_hidden"] = True
    if cell_tags & _HIDDEN_OUTPUT:
        meta.setdefault("jupyter", {})["outputs_hidden"] = True
    kept = [t for t in tags(cell) if t not in _BOOK_TAGS]
    if kept:
        meta["tags"] = kept
    else:
        meta.pop("tags", None)
    set_source(new, portable_code(source(cell)))
    new["outputs"] = _portable_outputs(cell)
    return new


# ---------------------------------------------------------------------------------------------
# the command


def toc_files(root: Path = ROOT) -> list[str]:
    """Every file of ``_toc.yml`` (its root, then each ``file:``), as written there (no suffix),
    in its order."""
    import yaml

    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]] if isinstance(toc.get("root"), str) else []

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                files.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(toc)
    return files


def chapters(root: Path = ROOT) -> list[Path]:
    """The stored chapters (``chapters/*.ipynb``) that ``_toc.yml`` lists, in its order."""
    found = []
    for name in toc_files(root):
        path = root / name
        path = path if path.suffix else path.with_suffix(".ipynb")
        if path.suffix == ".ipynb" and path.is_file():
            found.append(path)
    return found


def chapter_numbers(root: Path = ROOT) -> dict[str, str]:
    """{chapter's file stem: its number on the site} ("he": "4"): the chapters of the numbered
    parts of ``_toc.yml``, counted on from part to part (Sphinx's numbering of a Jupyter Book)."""
    import yaml

    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    numbers, count = {}, 0
    for part in toc.get("parts", []):
        if not part.get("numbered"):
            continue
        for chapter in part.get("chapters", []):
            count += 1
            numbers[Path(chapter["file"]).stem] = str(count)
    return numbers


def write(edition: str, out: Path, root: Path = ROOT) -> list[Path]:
    """Write ``edition`` ("portable" or "student-portable") of every chapter into ``out``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written, numbers = [], chapter_numbers(root)
    for path in chapters(root):
        target = out / path.name
        notebooks.save(target, portable(notebooks.load(path), solutions=edition == "portable",
                                        number=numbers.get(path.stem)))
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("edition", choices=EDITIONS)
    parser.add_argument("out", type=Path, help="the folder to write into")
    opts = parser.parse_args(argv)
    if opts.edition == "nbgrader":
        try:
            from . import nbgrader_course
        except ImportError as exc:
            print("editions: the nbgrader edition needs site_assets/nbgrader_course.py "
                  f"(write(OUT)), which is not there yet: {exc}", file=sys.stderr)
            return 2
        nbgrader_course.write(opts.out)
        print(f"nbgrader course: {opts.out}")
        return 0
    written = write(opts.edition, opts.out)
    print(f"{opts.edition}: {len(written)} notebook(s) in {opts.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
