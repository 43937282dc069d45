"""Print the whole book to one PDF, from the built site, with the Chromium the tests use.

    .venv/bin/python site_assets/build_pdf.py                 # _build/html -> _build/book.pdf
    .venv/bin/python site_assets/build_pdf.py SITE OUT.pdf

Build the site first (the README's build command). The script serves the site on 127.0.0.1,
opens the first page in headless Chromium (Debian's /usr/bin/chromium through Playwright's
Python package; no browser is downloaded), appends to it the article of every other page in the
order of the table of contents, with its widgets (the explorers show their first picture), waits
for the math to be typeset, opens every solution, and prints with `page.pdf()` (A4, print styles
of site_assets/book.css: no menus, no buttons).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import re
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]

# Append the articles of `urls` (in order) to this page's article, each with its widget state,
# their links and pictures made absolute; then render each one's widgets.
APPEND_JS = r"""
async ({urls, offline}) => {
  // The first page has no widgets, so it did not load the widget manager: load it here (the
  // site's own copies, as an explorer page loads them).
  const load = (src) => new Promise((ok, fail) => {
    const el = document.createElement("script"); el.src = src; el.onload = ok; el.onerror = fail;
    document.head.append(el); });
  if (!window.require) {
    await load(offline + "require.js");
    await load(offline + "widgets-offline.js");
    await load(offline + "html-manager/embed-amd.js");
  }
  if (window.MathJax && MathJax.version && !MathJax.Hub) {  // what widgets-offline.js adds on load
    MathJax.Hub = {Queue: (...jobs) => jobs.forEach((job) => {
      if (typeof job === "function") job();
      else if (Array.isArray(job) && job[0] === "Typeset" && MathJax.typesetPromise)
        MathJax.typesetPromise(job[2] ? [job[2]] : undefined).catch(() => {});
    })};
  }
  const article = document.querySelector("article.bd-article");
  for (const url of urls) {
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
    section.style.breakBefore = "page";
    section.append(...part.childNodes);
    for (const state of doc.querySelectorAll('script[type="application/vnd.jupyter.widget-state+json"]')) {
      const copy = document.createElement("script");
      copy.type = state.type;
      copy.textContent = state.textContent;
      section.append(copy);
    }
    article.append(section);
    if (section.querySelector('script[type="application/vnd.jupyter.widget-view+json"]') && window.require) {
      await new Promise((done) => window.require(["@jupyter-widgets/html-manager/dist/libembed-amd"],
        (embed) => Promise.resolve(embed.renderWidgets(section)).then(done, done), done));
      // renderWidgets may return before the views exist: wait for every view (10 s at most)
      const views = section.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]').length;
      for (let i = 0; i < 100 && section.querySelectorAll(".widget-subarea .jupyter-widgets").length < views; i++)
        await new Promise((ok) => setTimeout(ok, 100));
    }
  }
  if (window.MathJax && MathJax.typesetPromise) { await MathJax.startup.promise; await MathJax.typesetPromise(); }
  for (const box of document.querySelectorAll(".toggle-hidden")) box.classList.remove("toggle-hidden");
}
"""


def reading_order(site: Path, first: str) -> list[str]:
    """The pages in the order of the sidebar's table of contents."""
    html = (site / first).read_text(encoding="utf-8")
    nav = html[html.find('<nav class="bd-links'):]
    nav = nav[: nav.find("</nav>")]
    pages = []
    for href in re.findall(r'<a class="reference internal[^"]*" href="([^"#]*)', nav):
        page = (Path(first).parent / href).as_posix() if href else first
        page = re.sub(r"^\./", "", page)
        if page not in pages:
            pages.append(page)
    return pages or [first]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", nargs="?", default=str(ROOT / "_build" / "html"))
    parser.add_argument("out", nargs="?", default=str(ROOT / "_build" / "book.pdf"))
    opts = parser.parse_args()
    site = Path(opts.site).resolve()
    if not (site / "intro.html").is_file():
        print(f"no built site in {site}: run the README's build command first")
        return 1
    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    pages = reading_order(site, "intro.html")
    with sync_playwright() as api:
        browser = api.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1000, "height": 1400})
        page.set_default_timeout(300_000)
        page.goto(f"{base}/{pages[0]}", wait_until="load")
        page.evaluate(APPEND_JS, {"urls": [f"{base}/{p}" for p in pages[1:]],
                                  "offline": f"{base}/_static/offline/"})
        page.wait_for_load_state("networkidle")
        page.emulate_media(media="print")
        page.pdf(path=opts.out, format="A4", print_background=True, outline=True, tagged=True,
                 margin={"top": "15mm", "bottom": "15mm", "left": "12mm", "right": "12mm"},
                 display_header_footer=True, header_template="<span></span>",
                 footer_template='<div style="font-size:8px;width:100%;text-align:center">'
                                 '<span class="pageNumber"></span> / <span class="totalPages"></span></div>')
        browser.close()
    httpd.shutdown()
    print(f"{opts.out}: {len(pages)} pages of the site, {Path(opts.out).stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
