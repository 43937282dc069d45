"""How fast does each page of the built site paint on a slow network, and how heavy is it?

Serves a built site (default ``_build/html``) on 127.0.0.1 and opens every page in headless
Chromium (Debian's /usr/bin/chromium through Playwright, as tests/test_site.py does) with the
network throttled by the DevTools protocol (``Network.emulateNetworkConditions``: 20 Mbit/s
down, 40 ms latency) and the cache off, one fresh page per visit. For every page it prints

- the first contentful paint (``performance.getEntriesByType("paint")``), the median of
  ``--runs`` visits (default 3), and the slowest of them;
- the bytes the page transferred until 1 s after its `load` event (every request, the HTML, scripts,
  styles, fonts and pictures, as the protocol counts them), and the HTML file alone;

then the size of the whole site on disk. Targets (issue 10): first contentful paint under
1.5 s on every page, the site under 20 MB. The exit status is 1 if a target is missed.

Run: ``python benchmarks/bench_site.py [SITE] [--runs N]`` after a build. Not a test.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from site_assets.local_site import serve  # noqa: E402
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]
DOWN_MBIT, LATENCY_MS = 20, 40
FCP_TARGET_S, SITE_TARGET_MB = 1.5, 20
NOT_PAGES = {"_static", "_sources", "_images"}

FCP_JS = """() => new Promise((done) => {
  const get = () => performance.getEntriesByName("first-contentful-paint")[0];
  if (get()) return done(get().startTime);
  new PerformanceObserver(() => get() && done(get().startTime)).observe({type: "paint", buffered: true});
})"""


def pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                  if p.relative_to(site).parts[0] not in NOT_PAGES)


def visit(context, url: str) -> tuple[float, int]:
    """One throttled, uncached visit: (first contentful paint in s, bytes transferred)."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": LATENCY_MS,
        "downloadThroughput": DOWN_MBIT * 1e6 / 8, "uploadThroughput": DOWN_MBIT * 1e6 / 8})
    sizes = {}
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
    page.goto(url, wait_until="commit", timeout=120_000)
    fcp = page.evaluate(FCP_JS) / 1000
    try:
        page.wait_for_load_state("load", timeout=120_000)
        page.wait_for_timeout(1000)  # requests made on `load` (widgets, fonts)
    except Exception:  # counted as far as it got
        print(f"  ({url}: no `load` event within 120 s; bytes counted so far)", flush=True)
    page.close()
    return fcp, int(sum(sizes.values()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", nargs="?", default=str(ROOT / "_build" / "html"))
    parser.add_argument("--runs", type=int, default=3)
    opts = parser.parse_args()
    site = Path(opts.site).resolve()
    if not (site / "index.html").is_file():
        print(f"no built site in {site}: build the book first")
        return 1
    from playwright.sync_api import sync_playwright

    print(f"site: {site}; Chromium throttled to {DOWN_MBIT} Mbit/s down, {LATENCY_MS} ms latency, cache off; "
          f"median of {opts.runs} visits")
    print(f"{'page':40s} {'FCP median':>10s} {'FCP max':>8s} {'transferred':>12s} {'HTML':>9s}")
    missed = []
    with serve(site) as base, sync_playwright() as api:
        browser = api.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        for name in pages(site):
            if 'http-equiv="Refresh"' in (site / name).read_text(errors="replace")[:2000]:
                print(f"{name:40s} (only sends the reader on to the first page)")
                continue
            runs = [visit(context, f"{base}/{name}") for _ in range(opts.runs)]
            fcps = [r[0] for r in runs]
            worst = max(fcps)
            if worst >= FCP_TARGET_S:
                missed.append(name)
            print(f"{name:40s} {statistics.median(fcps):9.2f}s {worst:7.2f}s "
                  f"{max(r[1] for r in runs) / 1e6:10.2f}MB {(site / name).stat().st_size / 1e6:8.2f}MB", flush=True)
        browser.close()
    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file()) / 1e6
    print(f"site on disk: {total:.1f} MB (target < {SITE_TARGET_MB} MB)")
    if missed:
        print(f"first paint at or over {FCP_TARGET_S} s: {', '.join(missed)}")
    return 1 if missed or total >= SITE_TARGET_MB else 0


if __name__ == "__main__":
    sys.exit(main())
