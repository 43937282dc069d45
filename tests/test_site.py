"""The built book in a real browser, with the network cut: every page of the site is opened in
headless Chromium (Debian's /usr/bin/chromium, driven by Playwright), served from 127.0.0.1.

One session builds the book as the README's command does (into _build/, warnings as errors, but
from the chapters' stored outputs), opens every page once and records what happened; each test
below then checks one thing on every page.
Marked `browser`: `pytest -m "not browser"` leaves them out. Without Chromium they skip, except
under CI=true, where they fail.

Every page is opened twice: at a desktop's size (1280x900), where the sliders and selectors of
the explorers are worked, and at a phone's (390x844). `WINIT_SITE_EDITION=student` runs the same
tests on the student edition (site_assets/build_student.py: every solution left out).
"""

from __future__ import annotations

import json
import math
import os
import re
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from _explorers import OVERFLOW_JS, exercise_explorers, wait_for_explorers
from _site_build import built_site

from site_assets.local_site import HOST, keep_to_this_machine, serve

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
EDITION = os.environ.get("WINIT_SITE_EDITION", "book")
assert EDITION in ("book", "student"), f"WINIT_SITE_EDITION must be book or student, not {EDITION!r}"
SITE = ROOT / "_build" / "html" if EDITION == "book" else ROOT / "_build" / "student" / "_build" / "html"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# The repository URL _config.yml had while it was a placeholder: no link may lead there.
PLACEHOLDER_REPOSITORY = "github.com/winit-book/weight-initialization"
# The network of the first-paint check (issue 10): 20 Mbit/s down, 40 ms a round trip, HTTP/1.1
# with the browser's 6 connections to a host.
THROTTLE_BYTES_PER_S, ROUND_TRIP_S, CONNECTIONS, FIRST_PAINT_S = 20e6 / 8, 0.040, 6, 1.5
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
SCREENSHOTS = ROOT / "_build" / "site-screenshots"
# Screenshots of every page (desktop, phone, slider moved) for a person to look at: only when
# asked (WINIT_SCREENSHOTS=1), since full-page pictures of long pages cost the test run minutes.
TAKE_SCREENSHOTS = os.environ.get("WINIT_SCREENSHOTS") == "1"
NOT_PAGES = {"_static", "_sources", "_images"}

# What one page shows once it has loaded, typeset its math and rendered its widgets.
INSPECT_JS = r"""
() => {
  const visible = (el) => {
    const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none";
  };
  const imgs = [...document.querySelectorAll("img")].map((img) => ({
    src: img.getAttribute("src") || "", alt: img.getAttribute("alt"),
    naturalWidth: img.naturalWidth, complete: img.complete,
  }));
  // Raw TeX: text outside code, scripts and typeset math that still holds TeX delimiters.
  const skip = "pre, code, kbd, samp, script, style, textarea, mjx-container, .highlight";
  const raw = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const t = n.nodeValue;
    if (/\$|\\\(|\\\)|\\\[|\\\]|\\begin\{/.test(t) && !n.parentElement.closest(skip)) {
      raw.push(t.trim().slice(0, 80));
    }
  }
  const mathEls = [...document.querySelectorAll(".math")];
  const views = document.querySelectorAll(
    'script[type="application/vnd.jupyter.widget-view+json"]').length;
  const rendered = [...document.querySelectorAll(".widget-subarea")].filter(
    (el) => [...el.querySelectorAll(".jupyter-widgets")].some(visible)).length;
  return {
    imgs, raw,
    math: mathEls.length,
    mathTypeset: mathEls.filter((el) => el.querySelector("mjx-container")).length,
    mjx: document.querySelectorAll("mjx-container").length,
    views, rendered,
  };
}
"""

# Everything the page loaded (HTML, scripts, styles, fonts, pictures), in bytes.
LOADED_JS = """() => [...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")]
  .reduce((sum, r) => sum + r.encodedBodySize, 0)"""


def _require(what: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is missing (required under CI=true)")
    pytest.skip(f"{what} is missing")


@pytest.fixture(scope="session")
def site(playwright_api, testrun_uid) -> Path:
    """Build the book as the README does (warnings as errors), but from the outputs stored in
    the chapters rather than by running them again: nbval checks, in the same test command,
    that a fresh run reproduces every stored output, and CI runs the README's build as well.
    Built once per test run for every test file that reads it (tests/_site_build.py).
    Returns the site's folder."""
    assert "execute_notebooks: force" in (ROOT / "_config.yml").read_text()
    assert built_site(EDITION, testrun_uid) == SITE
    return SITE


@pytest.fixture(scope="session")
def server(site):
    """The site on 127.0.0.1; yields (base URL, the requests it answered with an error)."""
    errors = []
    with serve(site, errors) as base:
        yield base, errors


def _pages(site: Path) -> list[str]:
    return sorted(
        p.relative_to(site).as_posix()
        for p in site.rglob("*.html")
        if p.relative_to(site).parts[0] not in NOT_PAGES
    )


def _count_requests(page) -> dict:
    """Count the page's requests as they start and as they end (answered or failed)."""
    counts = {"started": 0, "ended": 0}
    page.on("request", lambda r: counts.__setitem__("started", counts["started"] + 1))
    for event in ("requestfinished", "requestfailed"):
        page.on(event, lambda r: counts.__setitem__("ended", counts["ended"] + 1))
    return counts


def _until_answered(page, counts, ms: int = 30_000) -> list[str]:
    """Wait until every request the page has made is answered or has failed, at most `ms`;
    returns what is still unanswered then (["3 requests unanswered after 30 s"] or [])."""
    end = time.monotonic() + ms / 1000
    while counts["ended"] < counts["started"] and time.monotonic() < end:
        page.wait_for_timeout(20)
    left = counts["started"] - counts["ended"]
    return [f"{left} requests unanswered after {ms / 1000:g} s"] if left else []


def _open(context, base_url: str, site: Path, name: str, record: dict, listen: dict | None = None):
    """Open page `name` (index.html: where it sends the reader on), its failed requests logged
    into record["failed"] and `listen`'s page events to their functions, and wait for its maths;
    returns (page, its request counts)."""
    page = context.new_page()
    counts = _count_requests(page)
    page.on("requestfailed", lambda r: record["failed"].append(f"{r.url} ({r.failure})"))
    page.on("response", lambda r: record["failed"].append(f"{r.url} ({r.status})") if r.status >= 400 else None)
    for event, log in (listen or {}).items():
        page.on(event, log)
    page.goto(f"{base_url}/{name}", wait_until="load")
    redirect = re.search(r'http-equiv="Refresh" content="0; url=([^"]+)"', (site / name).read_text())
    if redirect:  # index.html only sends the reader on to the first page
        page.wait_for_url(f"**/{redirect.group(1)}")
        page.wait_for_load_state("load")
    page.evaluate("async () => { if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise; }")
    return page, counts


@pytest.fixture(scope="session")
def visits(playwright_api, site, server):
    """Open every page once; for each, what it requested, logged and showed."""
    base_url, _ = server
    browser = playwright_api.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(120_000)  # a loaded machine, not a slow site: no timing is tested
    keep_to_this_machine(context)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    results = {}
    for name in _pages(site):
        record = {"requests": [], "errors": [], "failed": []}
        page, counts = _open(context, base_url, site, name, record, listen={
            "request": lambda r, rec=record: rec["requests"].append(r.url),
            "console": lambda m, rec=record: rec["errors"].append(m.text) if m.type == "error" else None,
            "pageerror": lambda e, rec=record: rec["errors"].append(f"pageerror: {e}")})
        wait_for_explorers(page)  # a view not rendered by then is recorded below as such
        page.evaluate("async () => { await document.fonts.ready; }")  # the layout in its fonts
        record.update(page.evaluate(INSPECT_JS))
        record.update(page.evaluate(LAYOUT_JS))
        record["first_paint"] = _first_paint_budget(page, site / name)
        if TAKE_SCREENSHOTS:
            page.screenshot(path=str(SCREENSHOTS / (name.replace("/", "__") + ".png")), full_page=True)
        _open_solutions(page, record)
        record["axe"] = _axe(page, name)  # the page as shown, its solutions open (issue 21)
        record["explorers"] = exercise_explorers(page)  # issue 21: the explorers that run in the page
        record["sidebar"] = _toggle_sidebar(page)
        if record["explorers"] and TAKE_SCREENSHOTS:
            page.screenshot(path=str(SCREENSHOTS / (name.replace("/", "__") + "-slider-moved.png")), full_page=True)
        record["failed"] += _until_answered(page, counts)  # every request answered before the page closes
        record["loaded"] = page.evaluate(LOADED_JS)  # everything it loaded, late requests included
        page.close()
        results[name] = record
    context.close()
    browser.close()
    return results


# How the page fits the screen, and what it links to.
LAYOUT_JS = r"""
() => {
  const W = window.innerWidth;
  const shown = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  // the boxes meant to scroll sideways: code, printed output, tables, display math
  const scrollBox = "pre, .highlight, .cell_output, table, .pst-scrollable-table-container, mjx-container, div.math";
  const scrolls = (el) => el.matches(scrollBox) && ["auto", "scroll"].includes(getComputedStyle(el).overflowX);
  // Content past the right edge of the screen that no box of its own scrolls to.
  const overflowing = [];
  for (const el of document.querySelectorAll(".bd-article *, .prev-next-area *, footer *")) {
    const r = el.getBoundingClientRect();
    if (!r.width || r.right <= W + 1) continue;
    // MathJax's MathML copy for screen readers is clipped to nothing on screen.
    if (el.closest("mjx-assistive-mml")) continue;
    let box = el.parentElement, held = false;
    for (; box && box !== document.body; box = box.parentElement) {
      if (scrolls(box) && box.getBoundingClientRect().right <= W + 1) { held = true; break; }
    }
    if (!held) overflowing.push(`${el.tagName.toLowerCase()}.${el.className}`.slice(0, 60) + ` (right edge ${Math.round(r.right)} px)`);
    if (overflowing.length > 5) break;
  }
  // Titles and the previous/next links: cut off (a box narrower than what it holds, not
  // scrollable) or out of the screen.
  const clipped = [];
  for (const el of document.querySelectorAll(".bd-article h1, .bd-article h1 *, .prev-next-area a, .prev-next-area a *")) {
    const r = el.getBoundingClientRect();
    if (!r.width) continue;
    if (el.clientWidth && el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== "visible")
      clipped.push(`${el.tagName.toLowerCase()} holds ${el.scrollWidth} px in ${el.clientWidth} px`);
    if (r.right > W + 1 || r.left < -1)
      clipped.push(`${el.tagName.toLowerCase()} spans ${Math.round(r.left)}..${Math.round(r.right)} px of ${W}`);
  }
  const solutions = [...document.querySelectorAll(".solution")];
  return {
    width: W,
    pageWidth: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth),
    overflowing, clipped,
    title: document.title,
    links: [...document.querySelectorAll("a[href]")].map((a) => a.href),
    repoButtons: document.querySelectorAll(".btn-source-repository-button, .dropdown-launch-buttons").length,
    exercises: document.querySelectorAll(".exercise").length,
    solutions: solutions.length,
    // a code cell right after a solution box: the solution's code, outside its box
    cellsAfterSolutions: solutions.filter((el) => el.nextElementSibling && el.nextElementSibling.matches(".cell")).length,
  };
}
"""

# Per solution box: how many of its content elements (text, cells, outputs) are shown.
SOLUTION_CONTENT_JS = r"""
() => [...document.querySelectorAll(".solution")].map((box) => {
  const parts = [...box.querySelectorAll("#solution-content > *, .cell_output, .cell_input")];
  // on the screen: a size, and neither hidden nor transparent (the closed box uses both)
  const shown = parts.filter((el) => { const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true}); });
  return {id: box.id, parts: parts.length, shown: shown.length};
})
"""

# The bytes the browser had to fetch before it could paint: the render-blocking requests (the
# browser's own resource timing) and the HTML up to the end of the article.
BLOCKING_JS = r"""
() => performance.getEntriesByType("resource")
  .filter((r) => r.renderBlockingStatus === "blocking")
  .map((r) => ({name: r.name, bytes: r.encodedBodySize}))
"""


def _first_paint_budget(page, html: Path) -> dict:
    """The time to first paint on the issue's network (20 Mbit/s, 40 ms round trips), from what
    had to arrive first: the HTML before the end of its article and every render-blocking file,
    fetched over 6 connections. Computed from byte counts, not timed: the same on any machine."""
    blocking = page.evaluate(BLOCKING_JS)
    text = html.read_bytes()
    # the article up to the widget state, which comes last in it and is read on `load`
    ends = [i for i in (text.find(b"</article>"), text.find(b'<script type="application/vnd.jupyter.widget-state')) if i >= 0]
    html_bytes = min(ends) if ends else len(text)
    total = html_bytes + sum(b["bytes"] for b in blocking)
    # a round trip to connect and one for the HTML, then the blocking files, 6 at a time
    trips = 2 + math.ceil(len(blocking) / CONNECTIONS)
    return {"seconds": trips * ROUND_TRIP_S + total / THROTTLE_BYTES_PER_S,
            "bytes": total, "blocking": len(blocking),
            "state_in_head": b"widget-state+json" in text[: text.find(b"<body")]}


def _wait_until(page, predicate: str, arg=None, ms: int = 2_000) -> None:
    """Wait until the JavaScript `predicate` (a function of `arg`) is true, at most `ms`; a
    wait that runs out is no failure here: the tests read the state that results."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(predicate, arg=arg, timeout=ms)
    except PlaywrightTimeout:
        pass


def _open_solutions(page, record) -> None:
    """What each solution box shows closed, then opened (its toggle button clicked)."""
    record["solutions_closed"] = page.evaluate(SOLUTION_CONTENT_JS)
    buttons = page.locator(".solution > .admonition-title .toggle-button")
    for i in range(buttons.count()):
        buttons.nth(i).scroll_into_view_if_needed()
        buttons.nth(i).click()
    if buttons.count():  # until every box shows all it holds (what the tests ask), at most 2 s
        _wait_until(page, f"() => ({SOLUTION_CONTENT_JS})().every((box) => box.shown === box.parts)")
    record["solutions_open"] = page.evaluate(SOLUTION_CONTENT_JS)


SIDEBAR_JS = r"""
() => {
  const side = document.querySelector("#pst-primary-sidebar");
  const dialog = document.querySelector("#pst-primary-sidebar-modal");
  const links = [...document.querySelectorAll("#pst-primary-sidebar-modal a, #pst-primary-sidebar a")]
    .filter((a) => { const r = a.getBoundingClientRect(); return r.width > 0 && r.right > 0 && r.left < innerWidth; });
  return {
    dialogOpen: !!(dialog && dialog.open),
    sidebarShown: !!side && side.getBoundingClientRect().width > 0 && !side.classList.contains("pst-sidebar-hidden"),
    links: links.length,
  };
}
"""


def _toggle_sidebar(page) -> dict:
    """The table of contents before and after a click on the visible sidebar button."""
    before = page.evaluate(SIDEBAR_JS)
    buttons = [b for b in page.locator(".primary-toggle").all() if b.is_visible()]
    if not buttons:
        return {"before": before, "after": None, "buttons": 0}
    page.evaluate("() => window.scrollTo(0, 0)")
    buttons[0].click()
    # until the dialog is open with its links (a phone) or the sidebar is hidden (a desktop),
    # as the tests ask; at most 2 s
    _wait_until(page, f"""(before) => {{ const now = ({SIDEBAR_JS})();
        return (now.dialogOpen && !before.dialogOpen && now.links >= 5) || (before.sidebarShown && !now.sidebarShown); }}""",
                before)
    return {"before": before, "after": page.evaluate(SIDEBAR_JS), "buttons": len(buttons)}


@pytest.fixture(scope="session")
def phone_visits(playwright_api, site, server):
    """Every page at a phone's size: how it fits, and what the sidebar button does."""
    base_url, _ = server
    browser = playwright_api.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    context.set_default_timeout(120_000)
    keep_to_this_machine(context)
    results = {}
    for name in _pages(site):
        record = {"failed": []}
        page, counts = _open(context, base_url, site, name, record)
        page.evaluate("async () => { await document.fonts.ready; }")
        record["explorers_phone"] = _explorers_at_phone(page)
        record.update(page.evaluate(LAYOUT_JS))
        if name.startswith("chapters/"):
            if TAKE_SCREENSHOTS:
                page.screenshot(path=str(SCREENSHOTS / ("phone-" + name.replace("/", "__") + ".png")))
        _open_solutions(page, record)
        record["overflowing_open"] = page.evaluate(LAYOUT_JS)["overflowing"]  # solutions open
        record["sidebar"] = _toggle_sidebar(page)
        record["failed"] += _until_answered(page, counts)
        page.close()
        results[name] = record
    context.close()
    browser.close()
    return results


def _failures(visits, check) -> dict:
    return {name: bad for name, rec in visits.items() if (bad := check(rec))}


def test_every_page_of_the_book_is_visited(visits):
    names = set(visits)
    assert {"index.html", "intro.html", "references.html"} <= names
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = {c["file"] for part in toc["parts"] for c in part["chapters"]}
    chapters = {f"{f}.html" for f in files if f.startswith("chapters/")}
    assert chapters == {p.relative_to(ROOT).with_suffix(".html").as_posix()
                        for p in (ROOT / "chapters").glob("*.ipynb")}
    assert chapters <= names


def test_nothing_is_requested_from_another_host(visits):
    def offsite(rec):
        return [u for u in rec["requests"] if urlsplit(u).scheme not in ("data", "blob", "about")
                and urlsplit(u).hostname != HOST]
    assert _failures(visits, offsite) == {}


def test_every_request_succeeds(visits, phone_visits, server):
    assert _failures(visits, lambda rec: rec["failed"]) == {}
    assert _failures(phone_visits, lambda rec: rec["failed"]) == {}
    # What the server saw, the browser's own requests included (the favicon among them).
    assert server[1] == []


def test_no_script_errors(visits):
    assert _failures(visits, lambda rec: rec["errors"]) == {}


def test_no_broken_images(visits):
    assert _failures(visits, lambda rec: [i["src"][:80] for i in rec["imgs"] if i["naturalWidth"] == 0]) == {}


def test_every_image_has_alt_text(visits):
    """Non-empty alt text that is not just the file's name (myst-nb's default for a plot)."""
    def bad(rec):
        return [
            i["src"][:80] for i in rec["imgs"]
            if not (i["alt"] or "").strip() or i["alt"] == i["src"]
            or i["alt"].lower().endswith((".png", ".jpg", ".jpeg", ".svg", ".gif"))
        ]
    assert _failures(visits, bad) == {}


def test_math_is_typeset(visits):
    assert _failures(visits, lambda rec: rec["raw"]) == {}
    assert _failures(visits, lambda rec: rec["math"] - rec["mathTypeset"]) == {}
    # the pages with math in their content: some in every chapter
    assert all(rec["mjx"] > 0 for name, rec in visits.items() if name.startswith("chapters/"))


def test_widgets_are_rendered(visits):
    assert _failures(visits, lambda rec: rec["views"] - rec["rendered"]) == {}
    assert any(rec["views"] for rec in visits.values()), "no page of the book has a widget"




# --- issue 21: the explorers that run in the reader's browser (tests/_explorers.py works them) ---

def _explorer_actions(rec, control=None) -> list[dict]:
    """Every action on the page's explorers (of one kind of control: range, number, select,
    button), each with its explorer's title."""
    return [{**a, "explorer": e["title"]} for e in rec.get("explorers", []) for a in e["actions"]
            if control is None or a["control"] == control]


def _anywidget_views(html: str) -> int:
    """The widget views of a page whose model is an anywidget AnyModel (an explorer)."""
    states = re.findall(r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>', html, re.S)
    models = {k: v for st in states for k, v in json.loads(st)["state"].items()}
    views = re.findall(r'<script type="application/vnd.jupyter.widget-view\+json">(.*?)</script>', html, re.S)
    return sum(models.get(json.loads(v)["model_id"], {}).get("model_module") == "anywidget" for v in views)


def _explorers_at_phone(page) -> list[list[str]]:
    """At a phone's width, once the explorers have rendered: what sticks out of each."""
    wait_for_explorers(page)
    return page.evaluate(OVERFLOW_JS)


def test_every_explorer_view_is_an_explorer(visits, site):
    """Each anywidget view of a page renders as one `.winit-explorer`: a labelled group with a
    title, an SVG chart with role="img" or a canvas, and a status sentence; some page has one."""
    def bad(rec, name):
        want = _anywidget_views((site / name).read_text(encoding="utf-8"))
        found = rec.get("explorers", [])
        wrong = [] if len(found) == want else [f"{len(found)} explorers for {want} anywidget views"]
        return wrong + [e for e in found if e["role"] != "group" or not e["title"] or not e["status"]
                        or not (e["charts"] or e["canvases"])]
    assert {name: b for name, rec in visits.items() if (b := bad(rec, name))} == {}
    assert sum(len(rec.get("explorers", [])) for rec in visits.values()) > 0, "no page has an explorer"


def test_every_control_of_every_explorer_changes_the_picture(visits):
    """Every range input moved by key (ArrowRight, End, Home), every number box given values
    the old explorers' grid never had, every option of every select, every button (play: the
    picture moves for a second, and stays once paused) changes the picture: the SVG paths or the
    canvas. A setting that acts only through training (a learning rate) changes the picture
    after one step. No kernel: the site has none (test_nothing_is_requested_from_another_host)."""
    def unchanged(rec):
        return [f"{a['explorer']}: {a['label']}: {a['action']}" for a in _explorer_actions(rec)
                if not a["changed"] and not (a.get("after_step") or {}).get("changed")]
    assert _failures(visits, unchanged) == {}

    def unworked(rec):
        # every control reached: at least one action on each (a select: one per other option)
        return [f"{e['title']}: {kind} {label!r}" for e in rec.get("explorers", [])
                for kind, k, label in e["controls"]
                if not any((a["control"], a["index"]) == (kind, k) for a in e["actions"])]
    assert _failures(visits, unworked) == {}
    kinds = {a["control"] for rec in visits.values() for a in _explorer_actions(rec)}
    assert {"range", "number", "select", "button"} <= kinds, kinds


def test_typed_values_are_taken(visits):
    """A value typed into a number box (37, 613, 1.37: off the old grid, in the box's range)
    stays in the box as typed: not rounded to a grid, not clamped, never NaN."""
    def refused(rec):
        return [f"{a['explorer']}: {a['label']}: typed {a['typed']}, shows {a['shown']!r}"
                for a in _explorer_actions(rec, "number") if float(a["shown"] or "nan") != float(a["typed"])]
    assert _failures(visits, refused) == {}
    typed = [a["typed"] for rec in visits.values() for a in _explorer_actions(rec, "number")]
    assert typed and not {float(t) for t in typed} & {1, 2, 3, 5, 10, 20, 50, 100, 1000, 10000}


def test_the_status_sentence_follows_every_setting(visits):
    """The aria-live sentence says the state: each setting (range input, number box) changes it
    with some action, perhaps with another option of a select picked (m with normalized
    xavier) or over one step of training (a learning rate); each select's options change it.
    A control of what is drawn rather than of the network (the depth explorer's histogram
    layer) may instead change what its charts say to a screen reader (<title>, <desc>)."""
    def silent(rec):
        bad = []
        for e in rec.get("explorers", []):
            retried = {(r["control"], r["index"]): r["with"] for r in e["status_retries"]}
            for kind, k, label in e["controls"]:
                if kind == "button":
                    continue
                mine = [a for a in e["actions"] if (a["control"], a["index"]) == (kind, k)]
                said = [a for a in mine if a["status_before"] != a["status_after"]
                        or (a.get("after_step") or {}).get("status_changed")]
                if kind == "select" and len(said) < len(mine):
                    bad.append(f"{e['title']}: {label}: " + ", ".join(a["action"] for a in mine if a not in said))
                elif kind != "select" and not said and not retried.get((kind, k)) \
                        and not any(a["described_changed"] for a in mine):
                    bad.append(f"{e['title']}: {label}: the sentence never changes")
        return bad
    assert _failures(visits, silent) == {}


def test_no_explorer_page_opens_a_kernel(visits):
    """No request to a Jupyter server's API or a websocket: the explorers compute in the page."""
    def kernel(rec):
        return [u for u in rec["requests"] if urlsplit(u).scheme in ("ws", "wss")
                or re.search(r"/api/(kernels|sessions|contents)", urlsplit(u).path)]
    assert _failures(visits, kernel) == {}


def test_no_explorer_overflows_a_phone(phone_visits):
    """At 390 px every explorer (rendered, its controls wrapped, its figures stacked) fits the
    screen, and nothing in it sticks out of it."""
    assert _failures(phone_visits, lambda rec: [o for e in rec["explorers_phone"] for o in e]) == {}
    assert sum(len(rec["explorers_phone"]) for rec in phone_visits.values()) > 0, "no explorer at phone width"


# --- issue 10: a site a reader can use on a phone, a classroom screen and a slow network ---


def test_the_sidebar_opens_on_a_phone(phone_visits):
    """The visible menu button opens the table of contents, on every page."""
    def closed(rec):
        side = rec["sidebar"]
        if not side["buttons"]:
            return "no visible sidebar button"
        if side["before"]["dialogOpen"] or not side["after"]["dialogOpen"] or side["after"]["links"] < 5:
            return side
    assert _failures(phone_visits, closed) == {}


def test_the_sidebar_collapses_on_a_desktop(visits):
    def stays(rec):
        side = rec["sidebar"]
        if not side["buttons"]:
            return "no visible sidebar button"
        if not side["before"]["sidebarShown"] or side["after"]["sidebarShown"] or side["after"]["dialogOpen"]:
            return side
    assert _failures(visits, stays) == {}


def test_no_solution_shows_before_it_is_opened_and_all_of_it_after(visits, phone_visits):
    """Every solution's text, code cells and outputs sit in its box: hidden until the reader
    opens the box, all shown once it is open. The student edition has no solutions at all."""
    for record in (visits, phone_visits):
        if EDITION == "student":
            assert _failures(record, lambda rec: rec["solutions"]) == {}
            assert sum(rec["exercises"] for rec in record.values()) > 0, "no exercises left"
            continue
        assert _failures(record, lambda rec: rec["cellsAfterSolutions"]) == {}
        assert _failures(record, lambda rec: [b for b in rec["solutions_closed"] if b["shown"]]) == {}
        assert _failures(record, lambda rec: [b for b in rec["solutions_open"]
                                              if b["parts"] == 0 or b["shown"] < b["parts"]]) == {}
    if EDITION == "book":
        assert sum(len(rec["solutions_open"]) for rec in visits.values()) > 0, "no solution in the book"


def test_no_page_is_wider_than_a_phone(phone_visits):
    # against the phone's width: a page wider than the screen makes a phone's browser lay it
    # out wider (and zoom out), so the window's own width would grow with it
    assert _failures(phone_visits, lambda rec: max(rec["pageWidth"], rec["width"]) > PHONE["width"]) == {}
    assert _failures(phone_visits, lambda rec: rec["overflowing"]) == {}
    assert _failures(phone_visits, lambda rec: rec["overflowing_open"]) == {}


def test_no_title_or_footer_link_is_clipped(visits, phone_visits):
    assert _failures(visits, lambda rec: rec["clipped"]) == {}
    assert _failures(phone_visits, lambda rec: rec["clipped"]) == {}


def test_no_title_holds_raw_tex(visits, site):
    """Neither the browser tab's title nor the search results' titles (the search index)."""
    tex = re.compile(r"\\[A-Za-z]+|\\[()\[\]]|\$")
    assert _failures(visits, lambda rec: tex.findall(rec["title"])) == {}
    index = (site / "searchindex.js").read_text(encoding="utf-8")
    data = json.loads(index[index.index("(") + 1: index.rindex(")")])
    titles = list(data["titles"]) + list(data["alltitles"])
    assert [t for t in titles if tex.search(re.sub(r"<[^>]+>", "", t))] == []


def test_no_link_goes_to_a_repository_that_does_not_exist(visits, phone_visits):
    """Launch (Binder, Colab) and repository buttons only with a configured repository URL."""
    import yaml

    url = ((yaml.safe_load((ROOT / "_config.yml").read_text()).get("repository") or {}).get("url") or "").strip()
    for record in (visits, phone_visits):
        assert _failures(record, lambda rec: [u for u in rec["links"] if PLACEHOLDER_REPOSITORY in u]) == {}
        if not url:
            assert _failures(record, lambda rec: rec["repoButtons"]) == {}
            assert _failures(record, lambda rec: [u for u in rec["links"] if urlsplit(u).hostname in
                                                  ("mybinder.org", "colab.research.google.com")]) == {}


def test_first_paint_within_1_5_s_at_20_mbit(visits):
    """On the issue's network (20 Mbit/s down, 40 ms latency), each page can paint within 1.5 s:
    what must arrive before the first paint (the HTML up to the end of its article and the
    render-blocking files) fits in that time, and no widget state (pictures) sits in <head>.
    A budget from byte counts, not a timing, so it holds on any machine;
    benchmarks/bench_site.py measures the paint itself in a throttled browser."""
    assert _failures(visits, lambda rec: rec["first_paint"]["state_in_head"]) == {}
    assert _failures(visits, lambda rec: rec["first_paint"] if rec["first_paint"]["seconds"] >= FIRST_PAINT_S else None) == {}


def test_every_picture_of_the_site_is_shown_somewhere(site):
    """No leftover picture (an old figure, another build's) is served: compact_figures drops
    what no page names."""
    from site_assets.compact_figures import drop_unused_images

    before = sorted(p.name for p in (site / "_images").iterdir() if p.is_file())
    assert before and drop_unused_images(site) == []


def test_the_site_fits_in_20_mb(site):
    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    assert total < 20e6, f"the built site is {total / 1e6:.1f} MB"


def test_the_download_button_serves_the_portable_notebook(site):
    """Each chapter's "Download source file (.ipynb)" serves its portable notebook
    (site_assets/editions.py: plain Markdown, no MyST, solutions folded in <details>); the
    student edition's serves the student-portable one, which holds no solution."""
    from site_assets import editions

    numbers = editions.chapter_numbers(ROOT)
    for path in editions.chapters(ROOT):
        served = json.loads((site / "_sources" / "chapters" / path.name).read_text(encoding="utf-8"))
        stored = json.loads(path.read_text(encoding="utf-8"))
        assert served == editions.portable(stored, solutions=EDITION == "book",
                                           number=numbers.get(path.stem)), path.name
        if EDITION == "student":
            assert "<summary>Solution</summary>" not in json.dumps(served), path.name


def test_pictures_are_encoded_compactly(site):
    """Chapter figures as palette PNGs (site_assets/compact_figures.py), in the pages' folder and
    in the downloadable notebooks; no picture inlined in a page as a data URI."""
    import base64
    import io

    from PIL import Image

    figures = sorted((site / "_images").glob("*.png"))
    assert len(figures) > 20
    assert [p.name for p in figures if Image.open(p).mode != "P"] == []
    for nb in sorted((site / "_sources").rglob("*.ipynb")):
        for cell in json.loads(nb.read_text(encoding="utf-8"))["cells"]:
            for out in cell.get("outputs", []):
                if "image/png" in out.get("data", {}):
                    png = base64.b64decode("".join(out["data"]["image/png"]))
                    assert Image.open(io.BytesIO(png)).mode == "P", nb.name
    for name in _pages(site):
        html = (site / name).read_text(encoding="utf-8")
        assert "data:image/" not in html, f"{name}: a picture inlined as a data URI"


def test_no_unused_widget_state_is_shipped(site):
    """A page's widget state holds only the models its displayed views need: each view's model
    and the models it names ("IPY_MODEL_..."), not those of widgets whose output is removed."""
    state_re = re.compile(r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>', re.S)
    view_re = re.compile(r'<script type="application/vnd.jupyter.widget-view\+json">(.*?)</script>', re.S)
    unused = {}
    for name in _pages(site):
        html = (site / name).read_text(encoding="utf-8")
        states = [json.loads(m) for m in state_re.findall(html)]
        models = {k: v for st in states for k, v in st["state"].items()}
        todo = [json.loads(m)["model_id"] for m in view_re.findall(html)]
        seen = set()
        while todo:
            model = todo.pop()
            if model in seen or model not in models:
                continue
            seen.add(model)
            todo += re.findall(r"IPY_MODEL_([0-9a-f]+)", json.dumps(models[model]))
        if set(models) - seen:
            unused[name] = len(set(models) - seen)
    assert unused == {}


# --- issue 21: the whole site accessible ---

# axe-core (site_assets/package.json's devDependencies, pinned in its lock): offline_site.py's
# `npm ci` installs it beside the site's own assets, and `_stage` copies none of it into the site.
# The tests inject it into each page they open; no reader ever loads it.
AXE = SITE.parent / "site-assets" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]  # WCAG 2.1, levels A and AA
# Each node axe-core finds in violation of a rule.
AXE_JS = r"""
async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  const found = [];
  for (const rule of result.violations) {
    for (const node of rule.nodes) {
      found.push({
        rule: rule.id, impact: node.impact || rule.impact, help: rule.help,
        target: node.target.flat().join(" >> "),
      });
    }
  }
  return found;
}
"""


def _axe(page, name: str) -> dict:
    """axe-core's WCAG 2.1 A and AA rules on the page as it is: the violations, and the seconds
    the check took (injecting axe-core and running it; recorded, never tested)."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: the build's npm ci installs site_assets/package.json's "
                    "devDependencies")
    start = time.perf_counter()
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(AXE_JS, AXE_TAGS)
    return {"violations": found, "seconds": time.perf_counter() - start}


def test_no_serious_accessibility_violation(visits):
    """No node of any page breaks one of axe-core's WCAG 2.1 AA rules with impact "serious" or
    "critical" (at a desktop's size, solutions open, before the explorers are moved)."""
    def serious(rec):
        return [f"{v['rule']} ({v['impact']}) at {v['target']}: {v['help']}"
                for v in rec["axe"]["violations"]
                if v["impact"] in ("serious", "critical")]
    assert _failures(visits, serious) == {}


# Issue 21: a page with explorers loads at most this, all it needs included.
EXPLORER_PAGE_BYTES = 3_000_000


def test_explorer_pages_load_at_most_3_mb(visits):
    """Every page with an explorer loads at most 3 MB (HTML, widget state, scripts, styles, fonts,
    pictures: the sum of the browser's own byte counts)."""
    heavy = {name: rec["loaded"] for name, rec in visits.items()
             if rec["views"] and rec["loaded"] > EXPLORER_PAGE_BYTES}
    assert heavy == {}
    assert all(rec["loaded"] > 500_000 for rec in visits.values()), "the byte count read nothing"
    assert any(rec["views"] for rec in visits.values()), "no page of the book has an explorer"
