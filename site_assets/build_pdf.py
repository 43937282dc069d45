"""Print the book to one PDF, from the built site, with the Chromium the tests use; and the
one-page summary alone.

    .venv/bin/python site_assets/build_pdf.py                # _build/html -> _build/book.pdf
                                                             #   and _build/summary.pdf
    .venv/bin/python site_assets/build_pdf.py --with-api     # the API reference too
    .venv/bin/python site_assets/build_pdf.py --summary      # only _build/summary.pdf
    .venv/bin/python site_assets/build_pdf.py --site SITE --out OUT.pdf

Build the site first (the README's build command). The script serves the site on 127.0.0.1,
opens the first page in headless Chromium (Debian's /usr/bin/chromium through Playwright's
Python package; no browser is downloaded), appends to it the article of every other page in the
order of the table of contents (the API reference only with ``--with-api``), each page a
section that starts a new page, with its widgets (the explorers show their first picture);
waits for the math to be typeset, opens every solution, and prints with ``page.pdf()`` (A4, the
print styles of site_assets/book.css: no menus, no buttons; code breaks across pages).

The first page is a contents page: the parts and the pages with the page each starts on. It is
printed once with the numbers left blank; the PDF's named destinations (each page's section is
a link target of the contents) give the page each section starts on; the numbers alone are
then printed on the same layout and laid over the contents page (pypdf).

``--summary`` (and every book build) prints `summary.html` alone to `_build/summary.pdf` and
fails unless it is exactly one page.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

if __name__ == "__main__" and not __package__:  # python site_assets/build_pdf.py ...
    import _script
    _script.run_as_module(__file__)

from .local_site import serve  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]
# The pages of the API reference (api.md): left out unless asked for.
API_PAGES = ("api.html",)
SUMMARY_PAGE = "summary.html"
MARGIN = {"top": "15mm", "bottom": "15mm", "left": "12mm", "right": "12mm"}
FOOTER = ('<div style="font-size:8px;width:100%;text-align:center">'
          '<span class="pageNumber"></span> / <span class="totalPages"></span></div>')
ANCHOR = "print-page-{}"  # the id of the section of page i (0: the first page)

# Make the first page's article the book: its own content and that of every page in `urls`,
# each in a section that starts a page, with its widget state, its links and pictures made
# absolute; then render the widgets; then the contents page, its numbers blank.
APPEND_JS = r"""
async ({urls, offline, entries}) => {
  // The first page has no widgets, so it did not load the widget host: load it here (the
  // site's own copy, as an explorer page loads it).
  const load = (src) => new Promise((ok, fail) => {
    const el = document.createElement("script"); el.src = src; el.onload = ok; el.onerror = fail;
    document.head.append(el); });
  if (!window.winitWidgets) await load(offline + "winit-widgets.js");
  const article = document.querySelector("article.bd-article");
  const first = document.createElement("section");
  first.className = "print-chapter";
  first.id = "print-page-0";
  first.append(...article.childNodes);
  article.append(first);
  for (const [i, url] of urls.entries()) {
    const text = await (await fetch(url)).text();
    const doc = new DOMParser().parseFromString(text, "text/html");
    const part = doc.querySelector("article.bd-article");
    if (!part) continue;
    for (const el of part.querySelectorAll("[src]")) el.setAttribute("src", new URL(el.getAttribute("src"), url).href);
    for (const el of part.querySelectorAll("a[href]")) {
      const href = el.getAttribute("href");
      if (!href.startsWith("#")) el.setAttribute("href", new URL(href, url).href);
    }
    const section = document.createElement("section");
    section.className = "print-chapter";
    section.id = "print-page-" + (i + 1);
    section.append(...part.childNodes);
    for (const state of doc.querySelectorAll('script[type="application/vnd.jupyter.widget-state+json"]')) {
      const copy = document.createElement("script");
      copy.type = state.type;
      copy.textContent = state.textContent;
      section.append(copy);
    }
    article.append(section);
    // the anywidget explorers, drawn by the host from the section's widget state
    if (section.querySelector('script[type="application/vnd.jupyter.widget-view+json"]'))
      await window.winitWidgets.render(section);
  }
  // The contents: in the print header of the first page (under the book's title), in place
  // of the first page's own list of sections.
  const contents = document.createElement("nav");
  contents.id = "print-book-contents";
  contents.innerHTML = "<h2>Contents</h2>";
  let part = null;
  for (const entry of entries) {
    if (entry.part !== part && entry.part) {
      const p = document.createElement("p");
      p.className = "print-part";
      p.innerHTML = entry.part;
      contents.append(p);
    }
    part = entry.part;
    const a = document.createElement("a");
    a.href = "#" + entry.anchor;
    a.innerHTML = `<span class="print-title">${entry.title}</span><span class="print-leader"></span>` +
                  `<span class="print-page" style="visibility: hidden">000</span>`;
    contents.append(a);
  }
  const header = document.querySelector("#jb-print-docs-body");
  const own = header.querySelector("#print-main-content");
  if (own) own.remove();
  header.append(contents);
  if (window.MathJax && MathJax.typesetPromise) { await MathJax.startup.promise; await MathJax.typesetPromise(); }
  for (const box of document.querySelectorAll(".toggle-hidden")) box.classList.remove("toggle-hidden");
}
"""

# The explorers that run in the page (issue 21) draw their first state once rendered, some of it
# asynchronously (the depth explorer computes in steps): wait until each has a status sentence
# and its figures (every SVG path, every canvas) and sentence have stayed the same for 0.5 s,
# 20 s at most. Returns the number of explorers.
SETTLE_JS = r"""
async () => {
  const roots = () => [...document.querySelectorAll(".winit-explorer")];
  const seen = () => roots().map((root) => [...root.querySelectorAll("svg path, canvas, [aria-live]")]
    .map((el) => el.tagName === "CANVAS" ? (el.width ? el.toDataURL() : "")
                 : el.getAttribute("d") || el.textContent).join("|")).join("||");
  const end = performance.now() + 20000;
  let last = seen(), since = performance.now();
  while (performance.now() < end) {
    await new Promise((ok) => setTimeout(ok, 100));
    const now = seen();
    const said = roots().every((root) => ((root.querySelector("[aria-live]") || {}).textContent || "").trim());
    if (now !== last || !said) { last = now; since = performance.now(); }
    else if (performance.now() - since >= 500) break;
  }
  return roots().length;
}
"""

# Leave only the contents' page numbers, filled in: everything else hidden (its place kept),
# every page after the contents removed.
NUMBERS_JS = r"""
(numbers) => {
  for (const s of document.querySelectorAll("section.print-chapter")) s.remove();
  const style = document.createElement("style");
  style.textContent = "body * { visibility: hidden !important; } " +
                      "#print-book-contents .print-page { visibility: visible !important; }";
  document.head.append(style);
  document.querySelectorAll("#print-book-contents .print-page").forEach((el, i) => {
    el.textContent = String(numbers[i]);
    el.style.visibility = "";
  });
}
"""


@dataclass
class Entry:
    """One page of the book as the contents lists it."""

    page: str  # its file in the site, "chapters/he.html"
    title: str  # its title as the sidebar shows it (HTML: math stays TeX until typeset)
    part: str | None  # the caption of its part
    starts: int = 0  # the PDF page (from 1) it starts on
    anchor: str = ""


@dataclass
class Book:
    path: Path
    pages: int
    entries: list[Entry] = field(default_factory=list)


def toc(site: Path, first: str = "intro.html") -> list[Entry]:
    """The pages in the order of the sidebar's table of contents, with their titles and parts."""
    html = (site / first).read_text(encoding="utf-8")
    nav = html[html.find('<nav class="bd-links'):]
    nav = nav[: nav.find("</nav>")]
    entries, part, seen = [], None, set()
    for m in re.finditer(r'<span class="caption-text">(?P<part>.*?)</span>|'
                         r'<a class="reference internal[^"]*" href="(?P<href>[^"#]*)[^"]*">'
                         r'(?P<title>.*?)</a>', nav, re.S):
        if m.group("part"):
            part = m.group("part").strip()
            continue
        href = m.group("href")
        page = re.sub(r"^\./", "", (Path(first).parent / href).as_posix() if href else first)
        if page not in seen:
            seen.add(page)
            entries.append(Entry(page, m.group("title").strip(), part if entries else None))
    return entries or [Entry(first, first, None)]


def reading_order(site: Path, first: str) -> list[str]:
    """The pages in the order of the sidebar's table of contents."""
    return [entry.page for entry in toc(site, first)]


def book_pages(site: Path, *, with_api: bool = False) -> list[Entry]:
    """The pages the book's PDF prints: every page of the contents, the API reference only
    `with_api`."""
    return [e for e in toc(site) if with_api or e.page not in API_PAGES]


# pypdf warns that Chromium's PDF holds more objects than its trailer says; it reads them all.
logging.getLogger("pypdf").setLevel(logging.ERROR)


def _start_pages(pdf: bytes, count: int) -> list[int]:
    """The page (from 1) of each section print-page-i, from the PDF's named destinations."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    dests = reader.named_destinations
    found = []
    for i in range(count):
        dest = dests.get("/" + ANCHOR.format(i), dests.get(ANCHOR.format(i)))
        if dest is None:
            raise RuntimeError(f"the PDF has no destination {ANCHOR.format(i)}: Chromium did not "
                               "record where that page starts")
        found.append(reader.get_destination_page_number(dest) + 1)
    return found


def print_book(browser, base: str, entries: list[Entry], out: Path) -> Book:
    """Print `entries` (the first is the page opened) to `out`, with a contents page."""
    from pypdf import PdfReader, PdfWriter

    for i, entry in enumerate(entries):
        entry.anchor = ANCHOR.format(i)
    page = browser.new_page(viewport={"width": 1000, "height": 1400})
    page.set_default_timeout(600_000)
    page.goto(f"{base}/{entries[0].page}", wait_until="load")
    page.evaluate(APPEND_JS, {
        "urls": [f"{base}/{e.page}" for e in entries[1:]],
        "offline": f"{base}/_static/offline/",
        "entries": [{"title": e.title, "part": e.part, "anchor": e.anchor} for e in entries],
    })
    page.wait_for_load_state("networkidle")
    page.evaluate(SETTLE_JS)
    page.emulate_media(media="print")
    options = dict(format="A4", margin=MARGIN, display_header_footer=True,
                   header_template="<span></span>")
    body = page.pdf(print_background=True, outline=True, tagged=True, footer_template=FOOTER,
                    **options)
    starts = _start_pages(body, len(entries))
    for entry, start in zip(entries, starts):
        entry.starts = start
    contents_pages = starts[0] - 1
    page.evaluate(NUMBERS_JS, starts)
    numbers = PdfReader(io.BytesIO(page.pdf(print_background=False, footer_template="<span></span>",
                                            **options)))
    page.close()
    if len(numbers.pages) != contents_pages:
        raise RuntimeError(f"the contents took {contents_pages} pages, its numbers "
                           f"{len(numbers.pages)}: the two prints differ")
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(body)))
    for i in range(contents_pages):
        writer.pages[i].merge_page(numbers.pages[i])
    with open(out, "wb") as f:
        writer.write(f)
    return Book(Path(out), len(writer.pages), entries)


def print_summary(browser, base: str, out: Path) -> int:
    """Print the summary page alone to `out`; return its number of pages."""
    from pypdf import PdfReader

    page = browser.new_page(viewport={"width": 1000, "height": 1400})
    page.goto(f"{base}/{SUMMARY_PAGE}", wait_until="load")
    page.evaluate("async () => { if (window.MathJax && MathJax.startup) { "
                  "await MathJax.startup.promise; await MathJax.typesetPromise(); } }")
    page.wait_for_load_state("networkidle")
    page.emulate_media(media="print")
    page.pdf(path=str(out), format="A4", margin=MARGIN, print_background=True, tagged=True)
    page.close()
    return len(PdfReader(out).pages)


def build(site: Path = SITE, out: Path | None = None, *, with_api: bool = False,
          summary: Path | None = None, book: bool = True, pages: list[str] | None = None,
          playwright=None):
    """Print the book (to `out`, unless not `book`) and the summary (to `summary`, if given).

    `pages` keeps only those pages of the book (the first stays first): for a quick print.
    `playwright`: a running sync Playwright to use (one process can run only one).
    Returns (the Book or None, the summary's number of pages or None).
    """
    site = Path(site).resolve()
    entries = book_pages(site, with_api=with_api)
    if pages is not None:
        entries = [e for e in entries if e.page in pages]
    printed, summary_pages = None, None
    with contextlib.ExitStack() as stack:
        base = stack.enter_context(serve(site))
        if playwright is None:
            from playwright.sync_api import sync_playwright

            playwright = stack.enter_context(sync_playwright())
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        stack.callback(browser.close)
        if book:
            printed = print_book(browser, base, entries, Path(out or site.parent / "book.pdf"))
        if summary is not None:
            summary_pages = print_summary(browser, base, Path(summary))
    return printed, summary_pages


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", default=str(SITE), help="the built site (default _build/html)")
    parser.add_argument("--out", default=str(ROOT / "_build" / "book.pdf"),
                        help="the book's PDF (default _build/book.pdf)")
    parser.add_argument("--with-api", action="store_true",
                        help="keep the API reference (left out by default)")
    parser.add_argument("--summary", action="store_true",
                        help="print only the one-page summary, to _build/summary.pdf")
    opts = parser.parse_args(argv)
    site = Path(opts.site).resolve()
    if not (site / "intro.html").is_file():
        print(f"no built site in {site}: run the README's build command first")
        return 1
    summary = Path(opts.out).with_name("summary.pdf")
    printed, summary_pages = build(site, Path(opts.out), with_api=opts.with_api,
                                   summary=summary, book=not opts.summary)
    if printed:
        print(f"{printed.path}: {printed.pages} pages from {len(printed.entries)} pages of the "
              f"site, {printed.path.stat().st_size / 1e6:.1f} MB")
    print(f"{summary}: {summary_pages} page(s)")
    if summary_pages != 1:
        print("the summary must fit one A4 page: shorten summary.md or its print styles "
              "(site_assets/book.css)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
