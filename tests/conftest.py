"""Settings for the whole test run.

The test command runs two pytest workers on a two-core machine, and every chapter's kernel
does its matrix products with OpenBLAS. With OpenBLAS's default of one thread per core, the
workers' threads outnumber the cores and mid-sized products slow down many times over. One
BLAS thread per process avoids it. The kernels nbval starts inherit this environment.
A value set by the caller wins: CI runs the chapters again under other thread counts and
kernels (see .ci/run), and every stored number must come out the same.
"""

import collections
import os
from pathlib import Path

import pytest

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

# The heaviest test files run first (the site, JupyterLab, the PDF: 590 of the 1,200 worker
# seconds of a fresh clone's run), then the others from the most tests to the fewest, the order
# pytest-xdist's loadscope would give them (pyproject's addopts: --no-loadscope-reorder keeps
# this one). Each worker takes the next file when it is free, so the two end together instead
# of one running the PDF's 57 s alone at the end.
FIRST = ("tests/test_site.py", "tests/test_lab.py", "tests/test_pdf.py")


def pytest_collection_modifyitems(session, config, items):
    def module(item):
        return item.nodeid.split("::")[0]
    tests = collections.Counter(module(item) for item in items)
    rank = {name: k for k, name in enumerate(FIRST)}
    # a stable sort on the file alone: each file's tests (a notebook's cells) stay in order
    items.sort(key=lambda item: (rank.get(module(item), len(FIRST)), -tests[module(item)]))


CHROMIUM = Path("/usr/bin/chromium")


def require(what: str) -> None:
    """Skip for want of a tool, but fail under CI=true, where every tool must be there."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is missing (required under CI=true)")
    pytest.skip(f"{what} is missing")


@pytest.fixture(scope="session")
def playwright_api():
    """One Playwright for the whole process: the browser tests of the site and of JupyterLab
    may run in the same pytest worker, and a second sync Playwright there would fail."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require("Playwright (pip install -r requirements.txt)")
    if not CHROMIUM.is_file():
        require(f"{CHROMIUM} (apt-get install -y chromium)")
    with sync_playwright() as api:
        yield api


@pytest.fixture(scope="module")
def js_page(playwright_api):
    """A blank page in headless Chromium with no network, for the explorers' module tests
    (tests/_browser.py loads an explorer's ES module into it)."""
    browser = playwright_api.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
    context = browser.new_context()
    context.route("**/*", lambda route: route.abort())
    page = context.new_page()
    page.set_content("<!doctype html><html lang='en'><head><title>module test</title></head><body></body></html>")
    try:
        yield page
    finally:
        browser.close()
