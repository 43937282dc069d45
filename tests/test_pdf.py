"""site_assets/build_pdf.py: the book's PDF and the one-page summary, printed from the site the
browser tests build (tests/test_site.py's `site` fixture), and read back with pypdf.

The whole book takes minutes to print, so the book is printed here from six of its pages (the
first page, three chapters with one explorer kind each, the summary and the glossary): the same
code prints every page. What is checked: the contents page lists every page printed with the
page its title is printed on; no code cell leaves an empty frame at the foot of a page (and the
check finds the frames that the theme's print rules left); the API reference is left out unless
asked for; summary.pdf is one page and holds every row of the decision table; every explorer
that runs in the page prints its first state: its charts and its status sentence, no controls.
Marked `browser`, as tests/test_site.py.
"""

from __future__ import annotations

import html
import re
import unicodedata

import pytest

from site_assets import build_pdf, summary_page
from site_assets.local_site import serve
from test_site import site  # noqa: F401  (the site the browser tests build)

pytestmark = pytest.mark.browser

# in the order of the table of contents; the chapters hold the training, scheme and depth
# explorers (issue 21)
PAGES = ["intro.html", "chapters/why_initialisation.html", "chapters/xavier.html",
         "chapters/depth_explorer.html", "summary.html", "glossary.html"]
# What only the API reference prints (api.md: autodoc of winit's docstrings): their field labels
API_TEXT = ("Parameters:", "Raises:")
# The theme's rule that kept every code block whole, and the flex layout of the cell's frame:
# with them, a code cell that did not fit left its frame empty at the foot of the page.
# The foot of a page's printed area, in points from the bottom of the page (the bottom margin)
FOOT = float(build_pdf.MARGIN["bottom"].removesuffix("mm")) / 25.4 * 72
OLD_PRINT_CSS = """@media print {
  div.highlight, div[class*=highlight-] { break-inside: avoid !important; display: flex !important; }
  div.cell_input { display: flex !important; }
}"""


def _squash(text: str) -> str:
    """Text to compare with a PDF's: NFKC (no ligatures), plain quotes, no white space (a PDF
    breaks lines where the page does)."""
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u201c", '"')
    return re.sub(r"\s+", "", text.replace("\u201d", '"'))


def _text(page) -> str:
    text = unicodedata.normalize("NFKC", page.extract_text())  # the ligatures: "ﬁ" -> "fi"
    text = re.sub(r"\s+", " ", text).replace("\u2019", "'")
    return text.replace("\u201c", '"').replace("\u201d", '"').strip()


def _mul(a, b):
    return [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3], a[2] * b[0] + a[3] * b[2],
            a[2] * b[1] + a[3] * b[3], a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5]]


def _at(m, x, y):
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def empty_frames(reader) -> list[tuple[int, tuple]]:
    """(page, box) of every filled box at the foot of a page, as wide as a code cell (a third of
    the page or more, not the page itself) and 10 pt high or more, with no text and no picture
    in it: a cell's frame that its code left for the next page. Read from each page's drawing
    operators (PDF coordinates: points, from the bottom of the page)."""
    from pypdf.generic import ContentStream

    found = []
    for number, page in enumerate(reader.pages, start=1):
        width = float(page.mediabox.width)
        ops = ContentStream(page.get_contents(), reader).operations
        ctm, stack, path, boxes, texts, pictures = [1, 0, 0, 1, 0, 0], [], [], [], [], []
        tm = tlm = [1, 0, 0, 1, 0, 0]
        for operands, op in ops:
            op = op.decode() if isinstance(op, bytes) else op
            if op == "q":
                stack.append(ctm)
            elif op == "Q":
                ctm = stack.pop()
            elif op == "cm":
                ctm = _mul([float(v) for v in operands], ctm)
            elif op == "re":
                x, y, w, h = map(float, operands)
                path += [_at(ctm, x, y), _at(ctm, x + w, y + h)]
            elif op in ("m", "l"):
                path.append(_at(ctm, *map(float, operands)))
            elif op == "c":
                path.append(_at(ctm, *map(float, operands[4:6])))
            elif op in ("f", "f*", "B", "B*", "b", "b*"):
                if path:
                    xs, ys = [p[0] for p in path], [p[1] for p in path]
                    boxes.append((min(xs), min(ys), max(xs), max(ys)))
                path = []
            elif op in ("n", "S", "s"):
                path = []
            elif op == "BT":
                tm = tlm = [1, 0, 0, 1, 0, 0]
            elif op == "Tm":
                tm = tlm = [float(v) for v in operands]
            elif op == "Td":
                tm = tlm = _mul([1, 0, 0, 1, float(operands[0]), float(operands[1])], tlm)
            elif op in ("Tj", "TJ", "'", '"'):
                texts.append(_at(_mul(tm, ctm), 0, 0))
            elif op == "Do":
                pictures.append(_at(ctm, 0, 0) + _at(ctm, 1, 1))
        for x0, y0, x1, y1 in boxes:
            if not (width / 3 < x1 - x0 < 0.9 * width and y1 - y0 >= 10
                    and abs(y0 - FOOT) < 3):
                continue
            text = any(x0 <= x <= x1 and y0 <= y <= y1 for x, y in texts)
            picture = any(not (max(px0, px1) < x0 or min(px0, px1) > x1 or max(py0, py1) < y0
                               or min(py0, py1) > y1) for px0, py0, px1, py1 in pictures)
            if not text and not picture:
                found.append((number, (round(x0), round(y0), round(x1), round(y1))))
    return found


@pytest.fixture(scope="module")
def printed(site, playwright_api, tmp_path_factory):  # noqa: F811
    """The book from PAGES, and the summary, printed once; (Book, summary.pdf's path)."""
    out = tmp_path_factory.mktemp("pdf")
    book, summary_pages = build_pdf.build(site, out / "book.pdf", summary=out / "summary.pdf",
                                          pages=PAGES, playwright=playwright_api)
    return book, out / "summary.pdf", summary_pages


def test_the_api_reference_is_left_out_unless_asked_for(site, printed, monkeypatch):  # noqa: F811
    default = [e.page for e in build_pdf.book_pages(site)]
    with_api = [e.page for e in build_pdf.book_pages(site, with_api=True)]
    assert "api.html" not in default and "api.html" in with_api
    assert [p for p in with_api if p != "api.html"] == default
    assert set(PAGES) <= set(default)
    from pypdf import PdfReader

    text = " ".join(_text(p) for p in PdfReader(printed[0].path).pages)
    api = html.unescape(re.sub(r"<[^>]+>", "", (site / "api.html").read_text(encoding="utf-8")))
    assert all(label in api for label in API_TEXT)
    assert not any(label in text for label in API_TEXT)
    # the command line passes the option on
    seen = {}
    monkeypatch.setattr(build_pdf, "build", lambda *a, **k: seen.update(k) or (None, 1))
    assert build_pdf.main(["--site", str(site), "--with-api"]) == 0 and seen["with_api"] is True
    assert build_pdf.main(["--site", str(site)]) == 0 and seen["with_api"] is False


def test_the_contents_page_gives_the_page_of_every_title(printed):
    from pypdf import PdfReader

    book = printed[0]
    reader = PdfReader(book.path)
    assert [e.page for e in book.entries] == PAGES
    first = reader.pages[0].extract_text(extraction_mode="layout")
    assert "Contents" in first
    lines = [re.sub(r"\s+", " ", line).strip() for line in first.splitlines()]
    starts = []
    for entry in book.entries:
        # the title's words before any math ("2. Xavier: U[...]" -> "2. Xavier:")
        words = re.sub(r"<[^>]*>", " ", entry.title.split('<span class="math')[0]).split()
        key = " ".join(words).replace("'", "\u2019")
        line = next((line for line in lines if line.startswith(key)), None)
        assert line, f"{key!r} is not on the contents page:\n{first}"
        number = re.search(r"(\d+)$", line)
        assert number, f"no page number after {key!r}: {line!r}"
        n = int(number.group(1))
        assert 1 < n <= len(reader.pages)
        # the title is printed at the top of that page, and on no page between the contents
        # and it
        assert _text(reader.pages[n - 1]).startswith(" ".join(words)), (key, n)
        assert all(not _text(reader.pages[k]).startswith(" ".join(words)) for k in range(1, n - 1))
        starts.append(n)
    assert starts == sorted(starts) and starts[0] == 2  # the contents fit its first page
    assert starts == [e.starts for e in book.entries]


def test_no_code_cell_leaves_an_empty_frame(printed):
    from pypdf import PdfReader

    reader = PdfReader(printed[0].path)
    assert empty_frames(reader) == []
    assert all(_text(page) for page in reader.pages)  # no blank page


def test_the_check_finds_the_empty_frames_of_the_theme_print_rules(site, playwright_api):  # noqa: F811
    """The check above can fail: with the theme's rules back, a chapter leaves empty frames."""
    import io

    from pypdf import PdfReader

    browser = playwright_api.chromium.launch(executable_path=build_pdf.CHROMIUM,
                                             args=build_pdf.ARGS, headless=True)
    try:
        with serve(site) as base:
            page = browser.new_page(viewport={"width": 1000, "height": 1400})
            page.goto(f"{base}/chapters/why_initialisation.html", wait_until="load")
            page.add_style_tag(content=OLD_PRINT_CSS)
            page.emulate_media(media="print")
            old = PdfReader(io.BytesIO(page.pdf(format="A4", margin=build_pdf.MARGIN,
                                                print_background=True)))
    finally:
        browser.close()
    assert empty_frames(old)


def test_the_summary_is_one_page_with_every_row_of_the_table(printed):
    from pypdf import PdfReader

    _, path, pages = printed
    reader = PdfReader(path)
    assert pages == len(reader.pages) == 1
    text = _text(reader.pages[0])
    generated = summary_page.generated()
    rows = [line for line in generated.splitlines()
            if line.startswith("| ") and "---" not in line and not line.startswith("| scheme |")]
    firsts = [re.sub(r"\$[^$]*\$", "", row.strip("|").split("|")[0]).strip() for row in rows]
    assert len(firsts) > 20
    for first in firsts:
        assert first in text, first
    for name in ("kaiming_normal_", "he_normal", "glorot_uniform", "orthogonal_", "lecun_normal"):
        assert name in text


# --- issue 21: the explorers that run in the page, on paper ---

# Each explorer of the page, seen with the print styles: its status sentence, its charts' titles
# and axis labels (the same whatever the width the chart was drawn at), the controls and the
# figures (SVG charts, canvases) shown.
PRINTED_EXPLORERS_JS = r"""
() => [...document.querySelectorAll(".winit-explorer")].map((root) => ({
  status: ((root.querySelector("[aria-live]") || {}).textContent || "").trim(),
  texts: [...root.querySelectorAll("svg text.wx-ctitle, svg text.wx-label")].map((t) => t.textContent.trim()).filter(Boolean),
  controls: [...root.querySelectorAll("input, select, button")].filter((el) => el.getClientRects().length > 0)
    .map((el) => el.outerHTML.slice(0, 80)),
  figures: [...root.querySelectorAll("svg, canvas")].filter((el) => el.getBoundingClientRect().width > 0).length,
}))
"""


@pytest.fixture(scope="module")
def explorers_seen(site, playwright_api):  # noqa: F811
    """Per printed page: its explorers as the site draws them, read with the print styles on."""
    from _explorers import wait_for_explorers

    browser = playwright_api.chromium.launch(executable_path=build_pdf.CHROMIUM,
                                             args=build_pdf.ARGS, headless=True)
    seen = {}
    try:
        with serve(site) as base:
            page = browser.new_page(viewport={"width": 1000, "height": 1400})  # as print_book
            for name in PAGES:
                page.goto(f"{base}/{name}", wait_until="load")
                wait_for_explorers(page)
                page.evaluate(build_pdf.SETTLE_JS)
                page.emulate_media(media="print")
                seen[name] = page.evaluate(PRINTED_EXPLORERS_JS)
                page.emulate_media(media="screen")
    finally:
        browser.close()
    return seen


def test_every_explorer_prints_its_first_state_and_its_sentence(printed, explorers_seen):
    """The book's PDF holds, for every explorer of the pages it prints, the status sentence that
    says its first state and its charts (their titles and axis labels: SVG prints as vectors and
    text); on paper the explorer shows its figures and no control (js/explorer.css's print
    rules)."""
    from pypdf import PdfReader

    text = _squash(" ".join(page.extract_text() for page in PdfReader(printed[0].path).pages))
    assert sum(len(found) for found in explorers_seen.values()) > 0, "no explorer on the printed pages"
    for name, found in explorers_seen.items():
        for i, explorer in enumerate(found):
            where = f"{name}, explorer {i}"
            assert explorer["status"], f"{where}: no status sentence"
            assert explorer["figures"] >= 1, f"{where}: no figure shown in print"
            assert explorer["controls"] == [], f"{where}: controls shown in print: {explorer['controls']}"
            assert _squash(explorer["status"]) in text, f"{where}: the PDF lacks {explorer['status']!r}"
            assert explorer["texts"], f"{where}: charts with no title or axis label"
            missing = [t for t in explorer["texts"] if _squash(t) not in text]
            assert missing == [], f"{where}: the PDF lacks the charts' {missing}"
