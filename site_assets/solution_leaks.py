"""Where a built site holds text that its edition must not show: the student edition's check.

The student edition (`site_assets/build_student.py`) holds no solution. This module reads, from
the book's sources, what that edition must leave out and finds it in any built folder:

- **the solutions**: every gated solution of every chapter (its text, the code of its cells and
  their printed output, from `solution-start` to `solution-end`) and every `{solution}` block;
- **the other edition's wording**: the content of each ```` ```{only} not student ```` block of
  the book's pages (for the full edition: of each ```` ```{only} student ```` block), and
  sentences that are false without solutions (:data:`FALSE_CLAIMS`: "open the solution", ...).

From each it takes *phrases* (each code or output line of more than 20 characters, and each run
of at least four words of its text between two pieces of markup) and keeps those the edition's
own sources do not hold elsewhere. A built file holds a phrase when its words, lower-cased and
read without punctuation or markup, contain the phrase's words in a row. Every file of the build
is read: HTML (its text and its attributes), JavaScript and JSON (their strings too), notebooks,
sources, the compressed object inventory; only images and fonts are skipped. The search index
holds stemmed words, not text: it is checked for each word that only the left-out text has.

    python site_assets/solution_leaks.py _build/student/_build/html    # exit 1: the leaks
    python site_assets/solution_leaks.py --full _build/html             # the full edition
"""

from __future__ import annotations

import argparse
import functools
import html
import json
import re
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

if __name__ == "__main__" and not __package__:  # python site_assets/solution_leaks.py ...
    import _script
    _script.run_as_module(__file__)

from .editions import toc_files  # noqa: E402
from .notebooks import load, source  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def toc_pages(root: Path) -> list[str]:
    """The book's markdown pages (``intro.md``, ``summary.md``, ...): the files of ``_toc.yml``
    that are not chapters. Their {only} blocks are edition wording."""
    return [f"{name}.md" for name in toc_files(root) if (root / f"{name}.md").is_file()]


#: Files whose text reaches the site although they are no page: the API reference's
#: docstrings, the bibliography, the book's settings (title, footer). Not the self-checks
#: (winit/book/checks): the site shows none of them, and they know the answers.
OTHER_SOURCES = ("winit/**/*.py", "references.bib", "_config.yml", "_toc.yml")
NOT_SHOWN = "winit/book/checks/"
BINARY = {".png", ".webp", ".jpg", ".jpeg", ".gif", ".ico", ".woff", ".woff2", ".ttf", ".otf",
          ".eot", ".pdf", ".pickle", ".doctree", ".zip", ".gz"}
#: What the book says of solutions that is false in the student edition, wherever it stands.
FALSE_CLAIMS = ("solutions are folded", "solution is folded", "folded solution",
                "open the solution", "run the solution", "open it once you have tried",
                "solution below", "solutions below")
MIN_LINE = 20  # characters of a code or output line that make it a phrase
MIN_WORDS = 4  # words of a run of text that make it a phrase

_FENCE = re.compile(r"^(?P<fence>`{3,}|:{3,})\s*\{(?P<name>[\w-]+)\}\s*(?P<arg>.*?)\s*$")
_WORD = re.compile(r"[a-z0-9]+")
_MARKUP = re.compile(r"[`$*\[\](){}|<>]|\\\\|(?<=[.!?;:])\s|\n\s*\n")


def words(text: str) -> str:
    """``text`` lower-cased as its words (letters and digits) with one space between, and one
    before and after: " the  same ..." so that `" a b " in words(x)` finds whole words."""
    return " " + " ".join(_WORD.findall(text.lower())) + " "


@dataclass
class Solution:
    """One exercise's solution: where it is, its markdown, its code cells and their output."""

    chapter: str
    label: str
    text: str
    code: list[str]
    output: list[str]

    def phrases(self) -> list[str]:
        return text_phrases(self.text) + line_phrases(self.code) + line_phrases(self.output)


def text_phrases(markdown: str) -> list[str]:
    """The runs of at least MIN_WORDS words between two pieces of markup, as :func:`words`."""
    kept = []
    for line in markdown.split("\n"):
        if _FENCE.match(line.strip()) or re.match(r"\s*(:[\w-]+:|`{3,}\s*$|:{3,}\s*$|%)", line):
            continue  # directive fences and their options, comments
        kept.append(line)
    runs = (words(part) for part in _MARKUP.split("\n".join(kept)))
    return [run for run in runs if len(run.split()) >= MIN_WORDS]


def line_phrases(texts: list[str]) -> list[str]:
    """Each line of more than MIN_LINE characters (ignoring its indentation), as :func:`words`."""
    return [words(line) for text in texts for line in text.split("\n")
            if len(line.strip()) > MIN_LINE and len(words(line).split()) >= 2]


def _output_text(cell: dict) -> list[str]:
    texts = []
    for out in cell.get("outputs", []):
        if "text" in out:
            texts.append("".join(out["text"]) if isinstance(out["text"], list) else out["text"])
        plain = out.get("data", {}).get("text/plain")
        if plain:
            texts.append("".join(plain) if isinstance(plain, list) else plain)
    return texts


def _split_blocks(markdown: str, keep) -> tuple[str, list[tuple[str, str]]]:
    """``markdown`` without the fenced blocks for which ``keep(name, arg)`` is False, and the
    blocks left out as (name + " " + arg, body) pairs. A kept block stays whole."""
    lines = markdown.split("\n")
    out, cut, i = [], [], 0
    while i < len(lines):
        m = _FENCE.match(lines[i].strip())
        if m and not keep(m.group("name"), m.group("arg")):
            fence = m.group("fence")
            j = next((k for k in range(i + 1, len(lines)) if lines[k].strip() == fence), len(lines))
            cut.append((f"{m.group('name')} {m.group('arg')}".strip(), "\n".join(lines[i + 1: j])))
            i = j + 1
            continue
        out.append(lines[i])
        i += 1
    return "\n".join(out), cut


def _only_keeps(arg: str, student: bool) -> bool:
    """Whether an ```{only} ARG``` block is in the edition (the tag `student` or none)."""
    expression = re.sub(r"\bstudent\b", str(student), arg.strip())
    if not re.fullmatch(r"(\s|\(|\)|True|False|not|and|or)+", expression):
        raise ValueError(f"an {{only}} block's condition must use the tag student alone; got {arg!r}")
    return bool(eval(expression))  # noqa: S307 (only True/False/not/and/or, checked above)


@dataclass
class Page:
    """One page of the book split for one edition: what it shows, and what it leaves out."""

    shown: list[str]  # the page's text in the edition: markdown, code, printed output
    solutions: list[Solution]
    other_wording: list[str]  # the bodies of the other edition's {only} blocks

    def left_out(self, student: bool) -> list[str]:
        return [s.text + "\n" + "\n".join(s.code + s.output) for s in self.solutions
                if student] + self.other_wording


def read_pages(root: Path = ROOT, *, student: bool = True) -> dict[str, Page]:
    """The pages of the book at ``root`` by their Sphinx names ("intro", "chapters/he"), split
    for the student edition (or, ``student=False``, the full one, which shows the solutions).
    The name "" holds the text that reaches the site from elsewhere (:data:`OTHER_SOURCES`)."""
    pages = {"": Page([p.read_text(encoding="utf-8") for pattern in OTHER_SOURCES
                       for p in sorted(root.glob(pattern))
                       if not p.relative_to(root).as_posix().startswith(NOT_SHOWN)], [], [])}

    def page_text(markdown: str, page: Page) -> str:
        kept, cut = _split_blocks(markdown, lambda name, arg: name != "only"
                                  or _only_keeps(arg, student))
        page.other_wording.extend(body for _, body in cut)
        return kept

    for name in toc_pages(root):
        if (root / name).is_file():
            page = pages[name.removesuffix(".md")] = Page([], [], [])
            page.shown.append(page_text((root / name).read_text(encoding="utf-8"), page))
    for path in sorted((root / "chapters").glob("*.ipynb")):
        page = pages[f"chapters/{path.stem}"] = Page([], [], [])
        for kind, cells in _chapter_parts(load(path)):
            texts = []
            for cell in cells:
                if cell["cell_type"] == "markdown":
                    texts.append(page_text(source(cell), page) if kind == "shown" else source(cell))
                else:
                    texts.append(source(cell))
                    texts.extend(_output_text(cell))
            if kind != "shown":
                page.solutions.append(_solution(path.stem, kind, cells))
            if kind == "shown" or not student:
                page.shown.extend(texts)
    return pages


def _chapter_parts(nb: dict):
    """The chapter as (kind, cells) pieces, kind "shown" or a solution's label. A markdown cell
    may hold both: its text before a `solution-start` is shown, the rest is the solution's up to
    its `solution-end`; a `{solution}` block is a solution of its own."""
    label = None  # inside a gated solution
    shown: list[dict] = []
    current: list[dict] = []

    def part(text: str) -> dict:
        return {"cell_type": "markdown", "source": text}

    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            (current if label is not None else shown).append(cell)
            continue
        text = source(cell)
        while True:
            if label is not None:
                if "{solution-end}" not in text:
                    current.append(part(text))
                    break
                before, _, text = text.partition("{solution-end}")
                current.append(part(before))
                yield label, current
                label, current = None, []
            elif "{solution-start}" in text:
                before, _, text = text.partition("{solution-start}")
                shown.append(part(before))
                label, _, text = text.partition("\n")
                label = label.strip() or "?"
            else:
                kept, cut = _split_blocks(text, lambda name, arg: name != "solution")
                shown.append(part(kept))
                for arg, body in cut:
                    yield (arg.split(" ", 1)[1] if " " in arg else "?"), [part(body)]
                break
    if label is not None:
        yield label, current
    yield "shown", shown


def _solution(chapter: str, label: str, cells: list[dict]) -> Solution:
    text = "\n".join(source(c) for c in cells if c["cell_type"] == "markdown")
    code = [source(c) for c in cells if c["cell_type"] == "code"]
    output = [t for c in cells if c["cell_type"] == "code" for t in _output_text(c)]
    return Solution(chapter, label, text, code, output)


def secrets(root: Path = ROOT, *, student: bool = True) -> dict[str, list[str]]:
    """What the edition must not hold, as phrases (:func:`words` form) by where they come from
    ("he.ipynb: ex-he-uniform", "intro: wording"), each phrase absent from the text the edition
    shows anywhere. A source with no such phrase is listed with none."""
    pages = read_pages(root, student=student)
    shown = words("\n".join(text for page in pages.values() for text in page.shown))
    found = {}
    for name, page in pages.items():
        if student:
            for s in page.solutions:
                found[f"{s.chapter}.ipynb: {s.label}"] = [p for p in dict.fromkeys(s.phrases())
                                                           if p not in shown]
        if page.other_wording:
            found[f"{name}: wording"] = [p for body in page.other_wording
                                         for p in text_phrases(body) if p not in shown]
    if student:
        found["what the book says of solutions"] = [words(claim) for claim in FALSE_CLAIMS]
    return found


def secret_words(root: Path = ROOT, *, student: bool = True) -> dict[str, set[str]]:
    """By page, the search index's stems of the words that only the page's left-out text has
    (a word the page also shows is no secret); under "" the words that only the left-out text
    of the whole book has (no page may list them)."""
    pages = read_pages(root, student=student)
    found = {"": stems("\n".join(t for page in pages.values() for t in page.left_out(student)))
             - stems("\n".join(t for page in pages.values() for t in page.shown))}
    for name, page in pages.items():
        if name:
            found[name] = (stems("\n".join(page.left_out(student)))
                           - stems("\n".join(page.shown)))
    return found


def stems(text: str) -> set[str]:
    """The words of ``text`` as Sphinx's English search index stores them (stemmed)."""
    lang = _english()
    found = set()
    for word in lang.split(text):
        found.add(_stem(word))
        found.add(word.lower())
    return found


@functools.cache
def _english():
    from sphinx.search.en import SearchEnglish

    return SearchEnglish({})


@functools.cache
def _stem(word: str) -> str:
    return _english().stem(word).lower()


# ---------------------------------------------------------------------------------------------
# the build


def _strings(value, skip=lambda key: False):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            if not skip(key):
                yield from _strings(item, skip)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, skip)


def _json(text: str):
    """The JSON value of ``text``, or of a script ``name(JSON)`` / ``name = JSON;``; else None."""
    for candidate in (text, *(m.group(1) for m in [re.match(
            r"^\s*[\w.$]+\s*(?:\(|=)\s*(.*?)\s*\)?\s*;?\s*$", text, re.S)] if m)):
        try:
            return json.loads(candidate)
        except ValueError:
            continue
    return None


def readable(path: Path) -> str | None:
    """All the text of a built file a reader or a search could meet, or None for an image or a
    font: an HTML page's text and its markup's attributes, the strings of JSON and of scripts
    that hold it, the decompressed part of `objects.inv`."""
    data = path.read_bytes()
    if path.suffix.lower() in BINARY:
        return None
    if path.name == "objects.inv":
        head = data.split(b"\n", 4)
        data = b"\n".join(head[:4]) + b"\n" + zlib.decompress(head[4])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "\x00" in text:
        return None
    parts = [text]
    if path.suffix.lower() in (".html", ".htm", ".svg", ".xml"):
        parts.append(html.unescape(re.sub(r"<[^>]*>", " ", text)))
        parts.append(html.unescape(text))
    value = _json(text) if path.suffix.lower() in (".json", ".ipynb", ".js", ".map") else None
    if value is not None:
        parts.extend(_strings(value, skip=lambda key: key.startswith("image/")))
    elif path.suffix.lower() == ".js":
        parts.append(re.sub(r"\\[nrt]", " ", text))
    return "\n".join(parts)


@dataclass
class Leak:
    file: str  # relative to the site
    origin: str  # "he.ipynb: ex-he-uniform" or "wording"
    phrase: str


def built_files(site: Path) -> dict[str, str | None]:
    """Every file of the build, by its path in the site, as :func:`words` of :func:`readable`
    (None for an image or a font)."""
    found = {}
    for path in sorted(p for p in Path(site).rglob("*") if p.is_file()):
        text = readable(path)
        found[path.relative_to(site).as_posix()] = None if text is None else words(text)
    return found


def find(files: dict[str, str | None], secrets: dict[str, list[str]]) -> list[Leak]:
    """Each place one of ``files`` (:func:`built_files`) holds a phrase of ``secrets``
    (:func:`secrets`)."""
    files = {name: text for name, text in files.items() if text is not None}
    holding: dict[str, set[str]] = {}  # word -> the files that hold it
    for name, text in files.items():
        for word in set(text.split()):
            holding.setdefault(word, set()).add(name)
    found = []
    for origin, phrases in secrets.items():
        for phrase in phrases:
            candidates = set.intersection(*(holding.get(w, set()) for w in phrase.split()))
            found.extend(Leak(name, origin, phrase.strip()) for name in sorted(candidates)
                         if phrase in files[name])
    return found


def leaks(site: Path, root: Path = ROOT, *, student: bool = True) -> list[Leak]:
    """Each place the build at ``site`` holds a phrase of what its edition leaves out."""
    return find(built_files(site), secrets(root, student=student))


def index_leaks(site: Path, root: Path = ROOT, *, student: bool = True) -> dict[str, set[str]]:
    """By page, the words of the site's search index (`searchindex.js`) listed for that page
    that only the page's left-out text has; under "" those listed for any page that only the
    book's left-out text has."""
    data = _json((Path(site) / "searchindex.js").read_text(encoding="utf-8"))
    docs = data["docnames"]
    found = {}
    for name, secret in secret_words(root, student=student).items():
        if name and name not in docs:
            continue
        for terms in (data["terms"], data["titleterms"]):
            for term in secret & terms.keys():
                places = terms[term]
                places = places if isinstance(places, list) else [places]
                if not name or docs.index(name) in places:
                    found.setdefault(name, set()).add(term)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="the built site (the folder of index.html)")
    parser.add_argument("--full", action="store_true",
                        help="the full edition: check it for the student edition's wording only")
    args = parser.parse_args(argv)
    student = not args.full
    found = leaks(args.site, student=student)
    for leak in found:
        print(f"{leak.file}: {leak.origin}: {leak.phrase!r}")
    words_found = index_leaks(args.site, student=student)
    for name, terms in words_found.items():
        print(f"searchindex.js: {name or 'any page'}: words only what is left out has: "
              f"{sorted(terms)}")
    return 1 if found or words_found else 0


if __name__ == "__main__":
    sys.exit(main())
