"""What the book's site shows a reader, beyond what the theme does by itself.

A local Sphinx extension (listed under `sphinx: local_extensions:` in _config.yml):

1. **Sidebar buttons that work.** The theme (pydata-sphinx-theme and sphinx-book-theme) binds
   its sidebar handlers to the *first* `.primary-toggle` / `.secondary-toggle` in the page
   (`document.querySelector`). pydata-sphinx-theme draws a top bar of its own, with a search
   field, whenever `navbar_persistent` is set (it sets it itself when the book does not), and that
   bar's hidden buttons come first: the visible buttons in the article header got no handler and
   did nothing. Setting `navbar_persistent` to nothing removes that second, empty top bar, so the
   first matching buttons are the visible ones.
2. **Launch and repository buttons only for a real repository.** The one setting is
   `repository: url:` in _config.yml. Empty: no Binder, Colab or repository button anywhere.
   A URL: the repository button and the Binder and Colab buttons of `launch_buttons`.
   Colab shows MyST as raw text, so its button opens a chapter's *portable* notebook (what the
   page's download button serves, `_sources/<page>.ipynb`) from the branch where the built
   site is published (`launch_buttons: colab_branch:`, ghp-import's `gh-pages`); without that
   branch, no Colab button.
3. **Titles without raw TeX.** Chapter titles hold math (`$\\U[...]$`), which MathJax typesets in
   the page but not in the browser's tab title, in the `<link rel=prev/next>` titles or in the
   search results. The `<title>` of every page and the titles in the search index get a plain
   text form of the math (`U[−1/√n, 1/√n]`); headings and navigation keep the typeset math.
4. **The book's stylesheet**, `book.css` beside this file (content that fits a phone's width).
5. **The student edition.** With sphinx-exercise's `hide_solutions: true`, sphinx-exercise drops
   the `{solution}` boxes, but the cells of a gated solution (between `solution-start` and
   `solution-end`) would stay in the page. Here the gated directives are replaced: with
   `hide_solutions` the whole gated span, its cells included, is cut. `site_assets/build_student.py`
   builds that edition. It also gets the Sphinx tag `student`, so a page can word a sentence
   for each edition: ```` ```{only} student ```` / ```` ```{only} not student ```` (intro.md);
   a page's source in `_sources/*.md` keeps only its edition's blocks.
6. **The download button serves the portable notebook.** "Download source file (.ipynb)" links
   `_sources/chapters/NAME.ipynb`, Sphinx's copy of the stored chapter (MyST, front matter, every
   solution in plain view outside JupyterLab with jupyterlab-myst). When the build finishes,
   each is replaced by the chapter's portable notebook (`site_assets/editions.py`), or with
   `hide_solutions` (the student edition) by its student-portable one, which holds no solution.
7. **Pages a screen reader can use** (axe-core's WCAG 2.1 AA rules, checked on every page by
   tests/test_site.py). When the build finishes, every page is rewritten (:func:`accessible_html`):
   a folded code cell's toggle is named by the text it shows ("Show code cell source"), not by
   myst-nb's fixed `aria-label`; the search button is named by what it shows ("Search Ctrl+K"),
   not by an `aria-label` "Search" that leaves its visible shortcut out; each entry of a list of
   citations (docutils) is a `listitem` of its `role="list"`, not the deprecated
   `doc-biblioentry`, which leaves that list without the items ARIA requires. book.css darkens
   the links inside admonitions, whose tinted background the theme's link colour fails.
   `book.js` (beside this file, deferred on every page) makes a code block that scrolls sideways
   reachable by keyboard once the solution or folded cell that hid it is opened.
"""

from __future__ import annotations

import filecmp
import json
import re
import shutil
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
STATIC = "book"  # the folder under _static/ for the stylesheet and script
STATIC_FILES = ("book.css", "book.js")  # beside this file

# ---------------------------------------------------------------------------------------------
# 1 and 2: theme options


def configure_theme(app: Sphinx, config) -> None:
    options = config.html_theme_options
    options["navbar_persistent"] = []
    url = (options.get("repository_url") or "").strip()
    if url:
        options["use_repository_button"] = True
    else:
        # the launch buttons (Binder, Colab) and the repository, issues, edit and source buttons
        # all point into the repository: none of them without one
        options["launch_buttons"] = {}
        for key in ("use_repository_button", "use_issues_button", "use_edit_page_button",
                    "use_source_button"):
            options[key] = False
        options.pop("repository_url", None)


_COLAB = re.compile(r"^(?P<head>.+/github/[^/]+/[^/]+/blob/)[^/]+/.+$")


def colab_url(url: str, branch: str, pagename: str) -> str:
    """The theme's Colab link to a page's notebook in the repository (``.../blob/BRANCH/PATH``)
    -> the same page's portable notebook in the published site's branch
    (``.../blob/{branch}/_sources/{pagename}.ipynb``)."""
    match = _COLAB.match(url)
    if match is None:
        raise ValueError(f"url must be a Colab link to a GitHub notebook; got {url!r}")
    return f"{match['head']}{branch}/_sources/{pagename}.ipynb"


def portable_colab_button(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Point the page's Colab button at its portable notebook, or drop it (see 2 above)."""
    launch = app.config.html_theme_options.get("launch_buttons") or {}
    branch = str(launch.get("colab_branch") or "").strip()
    for group in context.get("header_buttons") or []:
        buttons = group.get("buttons") if isinstance(group, dict) else None
        for button in list(buttons or []):
            if button.get("text") == "Colab":
                if branch:
                    button["url"] = colab_url(button["url"], branch, pagename)
                else:
                    buttons.remove(button)


# ---------------------------------------------------------------------------------------------
# 3: titles

_SYMBOLS = {
    "sigma": "σ", "mu": "μ", "alpha": "α", "beta": "β", "gamma": "γ", "chi": "χ", "xi": "ξ",
    "pm": "±", "times": "×", "cdot": "·", "approx": "≈", "le": "≤", "leq": "≤", "ge": "≥",
    "geq": "≥", "infty": "∞", "to": "→", "ldots": "…", "dots": "…", "sim": "~",
    "U": "U", "N": "N", "E": "E", "Var": "Var",
}
_SUPERSCRIPTS = str.maketrans("0123456789+-n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻ⁿ")
_GROUP = r"\{([^{}]*)\}"


def tex_to_text(tex: str) -> str:
    """A plain-text rendering of the small TeX of the book's titles ("\\sqrt{n}" -> "√n")."""
    t = tex
    t = re.sub(r"\\(left|right|big|Big|bigl|bigr|Bigl|Bigr)\b\\?", "", t)
    t = re.sub(r"\\(operatorname|mathrm|text|mathcal|mathbf|mathit)" + _GROUP, r"\2", t)
    for _ in range(5):  # innermost groups first
        t = re.sub(r"\\frac" + _GROUP + _GROUP, r"(\1)/(\2)", t)
        t = re.sub(r"\\sqrt" + _GROUP, lambda m: "√" + (m.group(1) if re.fullmatch(r"\w", m.group(1))
                                                       else f"({m.group(1)})"), t)
    t = re.sub(r"\^\{?([0-9+\-n]+)\}?", lambda m: m.group(1).translate(_SUPERSCRIPTS), t)
    t = re.sub(r"\\([A-Za-z]+)", lambda m: _SYMBOLS.get(m.group(1), m.group(1)), t)
    t = re.sub(r"\\[,;:! ]", " ", t)
    t = t.replace("{", "").replace("}", "").replace("_", "").replace("-", "−")
    t = re.sub(r"\(([\w√]+)\)/", r"\1/", t)
    t = re.sub(r"/\(([\w√]+)\)", r"/\1", t)
    return re.sub(r"\s+", " ", t).strip()


_MATH_SPAN = re.compile(r'<span class="math[^"]*">\\\((.*?)\\\)</span>', re.S)
_INLINE_MATH = re.compile(r"\\\((.*?)\\\)", re.S)


def plain_title(html: str) -> str:
    html = _MATH_SPAN.sub(lambda m: tex_to_text(m.group(1)), html)
    return _INLINE_MATH.sub(lambda m: tex_to_text(m.group(1)), html)


def plain_titles(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if context.get("title"):
        context["title"] = plain_title(context["title"])


def plain_search_titles(app: Sphinx, exception) -> None:
    """The search index's page and section titles, with plain-text math."""
    if exception is not None or app.builder.format != "html":
        return
    index = Path(app.outdir) / "searchindex.js"
    if not index.is_file():
        return
    text = index.read_text(encoding="utf-8")
    head, _, rest = text.partition("(")
    data = json.loads(rest[: rest.rindex(")")])
    strip_tex = lambda s: tex_to_text(s) if "\\" in s else s  # noqa: E731
    data["titles"] = [plain_title(t) for t in data.get("titles", [])]
    merged = {}
    for title, places in data.get("alltitles", {}).items():
        merged.setdefault(strip_tex(title), []).extend(places)
    data["alltitles"] = merged
    index.write_text(f"{head}({json.dumps(data, ensure_ascii=False, separators=(',', ':'))})",
                     encoding="utf-8")


def plain_link_titles(app: Sphinx, exception) -> None:
    """`<link rel="prev|next" title=...>` with plain-text math (the layout writes them raw)."""
    if exception is not None or app.builder.format != "html":
        return
    pattern = re.compile(r'(<link rel="(?:prev|next)" title=")([^"]*)(")')
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        new = pattern.sub(lambda m: m.group(1) + plain_title(m.group(2).replace("\\\\", "\\"))
                          + m.group(3), text)
        if new != text:
            page.write_text(new, encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# 4: the stylesheet


def add_favicon_ico(app: Sphinx, exception) -> None:
    """/favicon.ico at the site's root, for pages without the icon link (the redirecting
    index.html) and for browsers that ask for it anyway."""
    if exception is None and app.builder.format == "html":
        shutil.copyfile(HERE / "favicon.ico", Path(app.outdir) / "favicon.ico")


def stylesheet_changed(app: Sphinx, env, added, changed, removed) -> list[str]:
    """Sphinx copies the static files only when it writes a page: with no page out of date, a
    changed book.css or book.js never reached the site. Then the root page is read again, and
    written. (A file added to STATIC_FILES changes every page's <head>: see `book_site_assets`
    in :func:`setup`.)"""
    static = Path(app.outdir) / "_static" / STATIC
    if app.builder.format != "html" or not (static / "book.css").is_file() or all(
            (static / name).is_file() and filecmp.cmp(static / name, HERE / name, shallow=False)
            for name in STATIC_FILES):
        return []
    return [app.config.root_doc]


def add_stylesheet(app: Sphinx) -> None:
    if app.builder.format != "html":
        return
    stage = Path(app.outdir).parent / "book-static"
    (stage / STATIC).mkdir(parents=True, exist_ok=True)
    for name in STATIC_FILES:
        shutil.copyfile(HERE / name, stage / STATIC / name)
    app.config.html_static_path.append(str(stage))
    app.add_css_file(f"{STATIC}/book.css", priority=900)
    app.add_js_file(f"{STATIC}/book.js", loading_method="defer")  # section 7


# ---------------------------------------------------------------------------------------------
# 5: the student edition


def tag_student(app: Sphinx, config) -> None:
    """The tag `student` in the student edition, for ```{only} student``` blocks (Sphinx leaves
    the other edition's blocks out of the page and its search index)."""
    if config.hide_solutions:
        app.tags.add("student")


_ONLY = re.compile(r"^(?P<fence>`{3,}|:{3,})\{only\}[ \t]*(?P<arg>[^\n]*)\n.*?^(?P=fence)[ \t]*\n?",
                   re.M | re.S)


def edition_sources(app: Sphinx, exception) -> None:
    """A page's source as a reader downloads it (`_sources/*.md`) without the other edition's
    ```{only}``` blocks (the edition's own blocks stay as written)."""
    if exception is not None or app.builder.format != "html":
        return
    for path in (Path(app.outdir) / "_sources").rglob("*.md*"):
        text = path.read_text(encoding="utf-8")
        kept = _ONLY.sub(lambda m: m.group(0) if app.tags.eval_condition(m.group("arg")) else "",
                         text)
        if kept != text:
            path.write_text(kept, encoding="utf-8")


class cut_start(nodes.Element):
    """Where a gated solution starts, in an edition without solutions."""


def _gated_start_directive():
    from sphinx_exercise.directive import SolutionStartDirective

    class StudentSolutionStart(SolutionStartDirective):
        def run(self):
            if not self.env.app.config.hide_solutions:
                return super().run()
            super().run()  # the gated registry's bookkeeping (and [] under hide_solutions)
            return [cut_start()]

    return StudentSolutionStart


class CutGatedSolutions(SphinxTransform):
    """With hide_solutions: remove each gated solution, from its start to its solution-end."""

    default_priority = 5  # before sphinx-exercise merges the gated directives (10)

    def apply(self):
        from sphinx_exercise.nodes import solution_end_node

        for start in list(self.document.findall(cut_start)):
            parent = start.parent
            siblings = parent.children
            i = siblings.index(start)
            end = next((j for j in range(i + 1, len(siblings))
                        if isinstance(siblings[j], solution_end_node)), None)
            if end is None:
                logger.warning("a solution-start with no solution-end after it",
                               location=start)
                parent.remove(start)
                continue
            for child in siblings[i: end + 1]:
                parent.remove(child)


# ---------------------------------------------------------------------------------------------
# 6: the bibliography's labels in the text's author-year style


def _surname(person) -> str:
    return re.sub(r"[{}]", "", " ".join(person.prelast_names + person.last_names))


def author_year_label(entry) -> str:
    """The label of a pybtex entry as the text cites it: "Glorot and Bengio, 2010",
    "Saxe et al., 2014", "Goodfellow et al., 2016" (site_assets/lab_ready.py writes the same
    labels into the notebooks for JupyterLab)."""
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    names = [_surname(p) for p in people]
    who = (names[0] if len(names) == 1 else " and ".join(names) if len(names) == 2
           else f"{names[0]} et al." if names else entry.fields.get("title", entry.key))
    return f"{who}, {entry.fields.get('year', 'n.d.')}"


def _register_author_year_style() -> None:
    """pybtex styles `authoryear`: the references page labels an entry "Glorot and Bengio, 2010"
    (as the text cites it, "Glorot and Bengio (2010)"), not "[GB10]"; entries sorted by author."""
    from pybtex.plugin import register_plugin
    from pybtex.style.formatting.unsrt import Style as Unsrt
    from pybtex.style.labels import BaseLabelStyle

    class AuthorYearLabels(BaseLabelStyle):
        def format_labels(self, sorted_entries):
            for entry in sorted_entries:
                yield author_year_label(entry)

    class AuthorYearStyle(Unsrt):
        default_label_style = "authoryear"
        default_sorting_style = "author_year_title"

    register_plugin("pybtex.style.labels", "authoryear", AuthorYearLabels)
    register_plugin("pybtex.style.formatting", "authoryear", AuthorYearStyle)


_register_author_year_style()


# ---------------------------------------------------------------------------------------------
# 7: the API reference


def unique_citations(app: Sphinx, what, name, obj, options, lines: list[str]) -> None:
    """Give the numbered references of each docstring (numpydoc's `.. [1]` and `[1]_`) labels
    of their own: on the API page every docstring's `[1]` would otherwise be the same target."""
    prefix = "R" + re.sub(r"\W", "", name.rsplit(".", 1)[-1])
    labels = {m.group(1) for line in lines for m in re.finditer(r"^\s*\.\. \[(\w+)\]", line)}
    if not labels:
        return
    for i, line in enumerate(lines):
        for label in labels:
            line = re.sub(rf"^(\s*\.\. )\[{label}\]", rf"\g<1>[{prefix}-{label}]", line)
            line = re.sub(rf"\[{label}\]_", f"[{prefix}-{label}]_", line)
        lines[i] = line


def resolve_short_names(app: Sphinx, env, node, contnode):
    """A docstring's :func:`name` with no module, when winit has exactly one object of that name
    (:func:`shapes_dataset` in winit.experiments means winit.data.shapes_dataset)."""
    if node.get("refdomain") != "py":
        return None
    target = node.get("reftarget", "").lstrip("~.")
    if not target or "." in target:
        return None
    domain = env.get_domain("py")
    found = [(name, obj) for name, obj in domain.objects.items()
             if name.startswith("winit.") and name.rsplit(".", 1)[-1] == target]
    if len(found) != 1:
        return None
    from sphinx.util.nodes import make_refnode

    name, obj = found[0]
    return make_refnode(app.builder, node["refdoc"], obj.docname, obj.node_id, contnode, name)


# ---------------------------------------------------------------------------------------------
# 6: the download button


def portable_sources(app: Sphinx, exception) -> None:
    """Overwrite each chapter's `_sources/**/*.ipynb` with its portable notebook (student edition:
    student-portable), written from the stored chapter in the book's folder."""
    if exception is not None or app.builder.format != "html":
        return
    from . import editions, notebooks

    solutions = not getattr(app.config, "hide_solutions", False)
    sources = Path(app.outdir) / "_sources"
    numbers = editions.chapter_numbers(Path(app.srcdir))
    for copy in sorted(sources.rglob("*.ipynb")):
        chapter = Path(app.srcdir) / copy.relative_to(sources)
        if chapter.is_file():
            notebooks.save(copy, editions.portable(notebooks.load(chapter), solutions=solutions,
                                                   number=numbers.get(chapter.stem)))


# ---------------------------------------------------------------------------------------------
# 7: pages a screen reader can use

# myst-nb's summary of a folded cell: its fixed label hides the visible "Show code cell source"
_TOGGLE_SUMMARY = re.compile(r'<summary aria-label="Toggle hidden content">')
# pydata-sphinx-theme's search button: aria-label "Search" while it shows "Search Ctrl+K"
_SEARCH_BUTTON = re.compile(r'(<button class="[^"]*\bsearch-button-field\b[^"]*"[^>]*?) aria-label="[^"]*"')
# docutils' citation entries, inside <div role="list" class="citation-list">
_BIBLIOENTRY = re.compile(r'(<div class="citation"[^>]*? )role="doc-biblioentry"')


def accessible_html(html: str) -> str:
    """A page of the built site with the fixes of section 7 of this module's docstring.

    Each element keeps its name from what it shows, and ARIA's list gets its items.
    Applying it twice changes nothing.

    Examples
    --------
    >>> accessible_html('<summary aria-label="Toggle hidden content">\\n<p>Show code</p>')
    '<summary>\\n<p>Show code</p>'
    >>> accessible_html('<div class="citation" id="r1" role="doc-biblioentry">')
    '<div class="citation" id="r1" role="listitem">'
    """
    html = _TOGGLE_SUMMARY.sub("<summary>", html)
    html = _SEARCH_BUTTON.sub(r"\1", html)
    return _BIBLIOENTRY.sub(r'\1role="listitem"', html)


def accessible_pages(app: Sphinx, exception) -> None:
    """Every page of the HTML build through :func:`accessible_html`."""
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        new = accessible_html(text)
        if new != text:
            page.write_text(new, encoding="utf-8")


def _skip(self, node):
    raise nodes.SkipNode


def setup(app: Sphinx) -> dict:
    app.setup_extension("sphinx_exercise")
    app.connect("config-inited", configure_theme, priority=900)
    app.connect("config-inited", tag_student)
    # Not a setting: the files every page's <head> names. A config value of rebuild "html" is in
    # the HTML build's hash (.buildinfo), so a file added here (book.js) writes every page again.
    app.add_config_value("book_site_assets", STATIC_FILES, "html")
    app.connect("builder-inited", add_stylesheet)
    app.connect("env-get-outdated", stylesheet_changed)
    app.connect("html-page-context", plain_titles, priority=950)
    # after the theme's launch buttons (priority 501)
    app.connect("html-page-context", portable_colab_button, priority=600)
    app.connect("build-finished", plain_search_titles)
    app.connect("build-finished", plain_link_titles)
    app.connect("build-finished", add_favicon_ico)
    app.connect("build-finished", accessible_pages)
    app.connect("build-finished", edition_sources)
    # before compact_figures and offline_site's trim (priority 500), which then see the new files
    app.connect("build-finished", portable_sources, priority=400)
    app.add_node(cut_start, html=(_skip, None), latex=(_skip, None), text=(_skip, None))
    app.add_directive("solution-start", _gated_start_directive(), override=True)
    app.add_transform(CutGatedSolutions)
    app.connect("autodoc-process-docstring", unique_citations)
    app.connect("missing-reference", resolve_short_names)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
