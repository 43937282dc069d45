"""The built book in a real browser, with the network cut: every page of the site is opened in
headless Chromium (Debian's /usr/bin/chromium, driven by Playwright), served from 127.0.0.1.

One session builds the book as the README's command does (into _build/, warnings as errors, but
from the chapters' stored outputs), opens every page once and records what happened; each test
below then checks one thing on every page.
Marked `browser`: `pytest -m "not browser"` leaves them out. Without Chromium they skip, except
under CI=true, where they fail.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"
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
HOST = "127.0.0.1"
SCREENSHOTS = ROOT / "_build" / "site-screenshots"
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
    sliders: document.querySelectorAll(".widget-slider").length,
  };
}
"""

# The srcs of the visible images in the widget output that holds slider number i.
SLIDER_IMAGES_JS = r"""
(i) => {
  const slider = document.querySelectorAll(".widget-slider")[i];
  const area = slider.closest(".widget-subarea") || document.body;
  return [...area.querySelectorAll("img")]
    .filter((img) => img.getBoundingClientRect().width > 0)
    .map((img) => img.getAttribute("src"));
}
"""


def _require(what: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is missing (required under CI=true)")
    pytest.skip(f"{what} is missing")


@pytest.fixture(scope="session")
def playwright_api():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _require("Playwright (pip install -r requirements.txt)")
    if not CHROMIUM.is_file():
        _require(f"{CHROMIUM} (apt-get install -y chromium)")
    with sync_playwright() as api:
        yield api


@pytest.fixture(scope="session")
def site(playwright_api) -> Path:
    """Build the book as the README does (warnings as errors), but from the outputs stored in
    the chapters rather than by running them again: nbval checks, in the same test command,
    that a fresh run reproduces every stored output, and CI runs the README's build as well.
    Returns the site's folder."""
    script = Path(sys.executable).with_name("jupyter-book")
    command = [str(script) if script.is_file() else shutil.which("jupyter-book") or "jupyter-book"]
    config = (ROOT / "_config.yml").read_text()
    assert "execute_notebooks: force" in config
    stored = ROOT / "_build" / "_config_stored_outputs.yml"
    stored.parent.mkdir(exist_ok=True)
    stored.write_text(config.replace("execute_notebooks: force", "execute_notebooks: \"off\"")
                      .replace("offline_site: site_assets", f"offline_site: {ROOT / 'site_assets'}"))
    done = subprocess.run(
        [*command, "build", str(ROOT), "--config", str(stored), "-W", "-n", "--keep-going"],
        capture_output=True, text=True, timeout=1800,
    )
    if done.returncode != 0:
        pytest.fail(f"the book build failed ({done.returncode}):\n{done.stdout[-4000:]}{done.stderr[-4000:]}")
    return SITE


@pytest.fixture(scope="session")
def server(site):
    """The site on 127.0.0.1; yields (base URL, the requests it answered with an error)."""
    errors = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_request(self, code="-", size="-"):
            if str(code).isdigit() and int(code) >= 400:
                errors.append(f"{self.path} ({int(code)})")

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer((HOST, 0), functools.partial(Handler, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://{HOST}:{httpd.server_address[1]}", errors
    httpd.shutdown()
    httpd.server_close()


def _pages(site: Path) -> list[str]:
    return sorted(
        p.relative_to(site).as_posix()
        for p in site.rglob("*.html")
        if p.relative_to(site).parts[0] not in NOT_PAGES
    )


@pytest.fixture(scope="session")
def visits(playwright_api, site, server):
    """Open every page once; for each, what it requested, logged and showed."""
    base_url, _ = server
    browser = playwright_api.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900})

    def cut_network(route):
        url = urlsplit(route.request.url)
        if url.scheme in ("http", "https", "ws", "wss") and url.hostname != HOST:
            route.abort()
        else:
            route.continue_()

    context.route("**/*", cut_network)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    results = {}
    for name in _pages(site):
        page = context.new_page()
        record = {"requests": [], "errors": [], "failed": []}
        page.on("request", lambda r, rec=record: rec["requests"].append(r.url))
        page.on("console", lambda m, rec=record: rec["errors"].append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e, rec=record: rec["errors"].append(f"pageerror: {e}"))
        page.on("requestfailed", lambda r, rec=record: rec["failed"].append(f"{r.url} ({r.failure})"))
        page.on("response", lambda r, rec=record: rec["failed"].append(f"{r.url} ({r.status})") if r.status >= 400 else None)
        page.goto(f"{base_url}/{name}", wait_until="load")
        redirect = re.search(r'http-equiv="Refresh" content="0; url=([^"]+)"', (site / name).read_text())
        if redirect:  # index.html only sends the reader on to the first page
            page.wait_for_url(f"**/{redirect.group(1)}")
            page.wait_for_load_state("load")
        page.evaluate("async () => { if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise; }")
        views = page.locator('script[type="application/vnd.jupyter.widget-view+json"]').count()
        if views:
            try:
                page.wait_for_function(f"document.querySelectorAll('.widget-subarea .jupyter-widgets').length >= {views}", timeout=15_000)
            except Exception:  # recorded below as not rendered
                pass
        page.wait_for_load_state("networkidle")
        record.update(page.evaluate(INSPECT_JS))
        page.screenshot(path=str(SCREENSHOTS / (name.replace("/", "__") + ".png")), full_page=True)
        _exercise_controls(page, record)
        if record["sliders"]:
            page.screenshot(path=str(SCREENSHOTS / (name.replace("/", "__") + "-slider-moved.png")), full_page=True)
        page.close()
        results[name] = record
    context.close()
    browser.close()
    return results


VISIBLE_JS = r"""
(sel) => [...document.querySelectorAll(sel)].map((el) => el.getBoundingClientRect().width > 0)
"""

# The srcs of the visible images in the widget output that holds toggle-button group g.
TOGGLE_IMAGES_JS = SLIDER_IMAGES_JS.replace('".widget-slider"', '".widget-toggle-buttons"')


def _exercise_controls(page, record) -> None:
    """Move every visible slider; then pick each option of every toggle-button
    selector in turn, check the figure changes, and move the sliders it shows.

    A Stack keeps only its selected child in the page, so a slider that matters
    for one option only (m, for normalized xavier) is moved once that option is
    picked.
    """
    moves, toggles = [], []

    def move_visible():
        for i, shown in enumerate(page.evaluate(VISIBLE_JS, ".widget-slider")):
            if shown:
                moves.append(_move_slider(page, i))

    move_visible()
    groups = page.locator(".widget-toggle-buttons")
    for g in range(groups.count()):
        buttons = groups.nth(g).locator("button")
        for b in range(buttons.count()):
            if "mod-active" in (buttons.nth(b).get_attribute("class") or ""):
                buttons.nth(b).click()  # already picked: nothing to change
            else:
                toggles.append(_change(page, TOGGLE_IMAGES_JS, g, buttons.nth(b).click))
            move_visible()
    record["slider_moves"] = moves
    record["toggle_changes"] = toggles


def _change(page, images_js: str, index: int, act) -> dict:
    """The images shown by control ``index`` (read with ``images_js``) before and after
    ``act()``, waiting up to 5 s for them to change."""
    before = page.evaluate(images_js, index)
    act()
    try:
        page.wait_for_function(
            f"(before) => JSON.stringify(({images_js})({index})) !== JSON.stringify(before)",
            arg=before, timeout=5_000)
    except Exception:  # recorded as unchanged
        pass
    return {"before": before, "after": page.evaluate(images_js, index)}


def _move_slider(page, i: int) -> dict:
    """Press an arrow key on slider i's handle; the visible images before and after."""
    handle = page.locator(".widget-slider").nth(i).locator(".noUi-handle").first
    at_max = handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")

    def press():
        handle.focus()
        page.keyboard.press("ArrowLeft" if at_max else "ArrowRight")

    return _change(page, SLIDER_IMAGES_JS, i, press)


def _failures(visits, check) -> dict:
    return {name: bad for name, rec in visits.items() if (bad := check(rec))}


def test_every_page_of_the_book_is_visited(visits):
    names = set(visits)
    assert {"index.html", "intro.html", "references.html"} <= names
    chapters = {p.relative_to(ROOT).with_suffix(".html").as_posix() for p in (ROOT / "chapters").glob("*.ipynb")}
    toc = (ROOT / "_toc.yml").read_text()
    assert {c for c in chapters if c[:-5] in toc} <= names


def test_nothing_is_requested_from_another_host(visits):
    def offsite(rec):
        return [u for u in rec["requests"] if urlsplit(u).scheme not in ("data", "blob", "about")
                and urlsplit(u).hostname != HOST]
    assert _failures(visits, offsite) == {}


def test_every_request_succeeds(visits, server):
    assert _failures(visits, lambda rec: rec["failed"]) == {}
    # What the server saw, the browser's own requests included, less the one for
    # /favicon.ico that Chromium makes of any site without an icon (the book sets none).
    assert [e for e in server[1] if not e.startswith("/favicon.ico ")] == []


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


def test_moving_a_slider_changes_the_figure(visits):
    def unchanged(rec):
        bad = [m for m in rec["slider_moves"] if not m["before"] or m["before"] == m["after"]]
        return bad
    assert _failures(visits, unchanged) == {}
    assert any(rec["sliders"] for rec in visits.values()), "no page of the book has a slider"


def test_picking_a_selector_option_changes_the_figure(visits):
    def unchanged(rec):
        return [t for t in rec["toggle_changes"] if not t["before"] or t["before"] == t["after"]]

    assert _failures(visits, unchanged) == {}
    assert any(rec["toggle_changes"] for rec in visits.values()), "no page of the book has a selector"
