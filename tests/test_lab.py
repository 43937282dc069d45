"""The chapters as a student opens them in JupyterLab (README: "Reading the chapters as live
notebooks"), driven in headless Chromium (Debian's /usr/bin/chromium, through Playwright).

One JupyterLab server (`jupyter lab --no-browser --ServerApp.token=...` on a free port of
127.0.0.1) serves a temporary copy of chapters/. Every chapter is opened and its rendered text
checked: no raw MyST markup ({glue, {eval, {cite, {exercise, {solution, {note), no math left
untypeset or typeset in error (KaTeX's red undefined-macro text), no "On this site", every
citation shown as its label; each explorer shows a picture of its first state. One chapter per
kind of explorer (scheme: He; depth; training: why initialisation matters) is then run as the
README says (Run > Run All Cells): no error output and no NaN, every explorer renders, and its
figure follows the controls (He's: every slider, selector and box one can type into). The
other chapters run under nbval in the same test command (WINIT_LAB_RUN_ALL=1 runs every
chapter here too). How long each Run All Cells took is written
to _build/lab-run-all.json (`python benchmarks/bench_lab.py` runs every chapter and prints it;
no test times it).
Marked `browser`; skipped without Chromium or JupyterLab (failed under CI=true).
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from _explorers import exercise_explorers
from _nan import NAN

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]
JUPYTER = Path(sys.executable).with_name("jupyter")
# Chapters with explorers (widget outputs stored).
EXPLORERS = [p.name for p in CHAPTERS if "application/vnd.jupyter.widget-view+json" in p.read_text()]


def _explorer_cells(path: Path) -> list[int]:
    """The cells (indices) whose output is a view of an anywidget explorer (issue 21: the
    explorers that run in the page, JavaScript in the widget)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    state = nb["metadata"].get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    return [i for i, cell in enumerate(nb["cells"]) for out in cell.get("outputs", [])
            if state.get(out.get("data", {}).get("application/vnd.jupyter.widget-view+json", {}).get("model_id"),
                         {}).get("model_module") == "anywidget"]


# Chapters whose explorers are anywidget ones: every chapter with an explorer (a test checks).
IN_PAGE = [name for name in EXPLORERS if _explorer_cells(ROOT / "chapters" / name)]


def _kinds(name: str) -> list[str]:
    """The kinds of explorer (their classes' anywidget ids) stored in chapter `name`."""
    nb = json.loads((ROOT / "chapters" / name).read_text(encoding="utf-8"))
    state = nb["metadata"].get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    return sorted({m["state"]["_anywidget_id"] for m in state.values() if m["state"].get("_anywidget_id")})


# In JupyterLab every control is worked in one chapter (He's scheme explorer: the same code
# draws, binds and keeps its keys in every explorer); the site's tests work every control of
# every explorer on every page.
EVERY_CONTROL = [name for name in IN_PAGE if name == "he.ipynb"]
# The chapters run with Run > Run All Cells here: one per kind of explorer (He's for the scheme
# explorer, the first holding it for each other kind), where running turns the first-state
# pictures into live explorers. The scheme explorers of xavier and normalized xavier are He's
# widget with other first settings: here they show their pictures before running; the site's
# tests work each of their controls. Every chapter runs in the same test command under nbval,
# which compares each output with the stored one, and no stored output is an error, a warning
# or a NaN (tests/test_chapters.py): a chapter's Run All here would repeat that run.
# WINIT_LAB_RUN_ALL=1 runs every chapter (benchmarks/bench_lab.py times each one).
KIND_CHAPTER = {}
for _name in EVERY_CONTROL + IN_PAGE:
    for _kind in _kinds(_name):
        KIND_CHAPTER.setdefault(_kind, _name)
LIVE = [name for name in IN_PAGE if name in KIND_CHAPTER.values()]
# The other live chapters' explorers: checked to render, to follow an arrow key on a slider
# (JupyterLab's shortcuts must not take it) and a click on Step.
OTHERS = [name for name in LIVE if name not in EVERY_CONTROL]
RUN_ALL = [p.name for p in CHAPTERS] if os.environ.get("WINIT_LAB_RUN_ALL") == "1" else LIVE
RUN_TIMES = ROOT / "_build" / "lab-run-all.json"
RAW = ["{glue", "{eval", "{cite", "{exercise", "{solution", "{note", "On this site"]
SETTINGS = {
    # every cell rendered, not only those scrolled into view; no news or update pop-ups
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": '{"windowingMode": "none"}',
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        '{"fetchNews": "false", "checkForUpdates": false}',
}


def _require(what: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is missing (required under CI=true)")
    pytest.skip(f"{what} is missing")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """(base URL, token) of a JupyterLab serving a copy of chapters/."""
    if not CHROMIUM.exists():
        _require("Chromium (/usr/bin/chromium)")
    # jupyterlab-myst's prebuilt extension, where JupyterLab finds it (its package.json)
    myst = Path(sys.prefix) / "share" / "jupyter" / "labextensions" / "jupyterlab-myst" / "package.json"
    if not JUPYTER.exists() or not myst.is_file():
        _require("JupyterLab with jupyterlab-myst (pip install -r requirements-lab.txt)")
    home = tmp_path_factory.mktemp("lab")
    shutil.copytree(ROOT / "chapters", home / "chapters")
    for name, text in SETTINGS.items():
        path = home / "settings" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    token = os.urandom(12).hex()
    env = {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
           "JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTER_RUNTIME_DIR": str(home / "rt")}
    log = open(home / "lab.log", "w")
    proc = subprocess.Popen(
        [JUPYTER, "lab", "--no-browser", f"--ServerApp.token={token}", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.port={port}", "--ServerApp.port_retries=0", "--allow-root",
         f"--ServerApp.root_dir={home / 'chapters'}", "--LabApp.news_url=",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         "--LabApp.expose_app_in_browser=True"],
        stdout=log, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            assert proc.poll() is None, (home / "lab.log").read_text()
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        yield base, token
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


@pytest.fixture(scope="module")
def browser(lab, playwright_api):
    b = playwright_api.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield b
    b.close()


# The notebook on show: JupyterLab keeps the other open notebooks in the page, hidden.
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"


@pytest.fixture(scope="module")
def app(browser, lab):
    """One JupyterLab page for every chapter (loading the app once): chapters open as tabs."""
    base, token = lab
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{base}/lab?token={token}&reset")
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell", timeout=120_000)
    page.wait_for_selector(".jp-DirListing-item", timeout=120_000)
    yield page
    page.close()


def _open(page, name):
    """Open (or bring to the front) chapter `name` in the app's page."""
    if page.evaluate("""(path) => { const w = window.jupyterapp.shell.currentWidget;
                                   return !!(w && w.context && w.context.path === path); }""", name):
        return page
    page.evaluate("""async (path) => {
        await window.jupyterapp.commands.execute("docmanager:open", {path}); return true; }""", name)
    page.wait_for_function(
        """(path) => { const w = window.jupyterapp.shell.currentWidget;
                       return w && w.context && w.context.path === path && w.isVisible; }""",
        arg=name, timeout=60_000)
    page.wait_for_selector(f"{PANEL} .jp-Notebook .jp-MarkdownCell", timeout=60_000)
    return page


def _close_current(page):
    """Close the chapter on show and shut its kernel down (no dialog: nothing is saved)."""
    page.evaluate("""async () => { const w = window.jupyterapp.shell.currentWidget;
        await w.context.sessionContext.shutdown(); w.dispose(); }""")


RENDER_JS = r"""
() => {
  const panel = ".jp-NotebookPanel:not(.lm-mod-hidden)";
  const md = [...document.querySelectorAll(`${panel} .jp-MarkdownCell .jp-RenderedMarkdown, ${panel} .jp-MarkdownCell .myst`)];
  const text = md.map((el) => el.innerText).join("\n");
  // math that failed: jupyterlab-myst shows KaTeX's message in red ("Undefined control sequence")
  const errors = [...document.querySelectorAll(
      `${panel} .jp-MarkdownCell :is(.katex-error, mjx-merror, .text-red-500)`)]
    .map((el) => el.getAttribute("title") || el.textContent.slice(0, 120));
  // math left as TeX: a `$` or a backslash command outside code in rendered markdown
  const raw = [];
  for (const el of md) {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (n.parentElement.closest("code, pre, .katex, mjx-container")) continue;
      if (/\$|\\[A-Za-z]+/.test(n.nodeValue)) raw.push(n.nodeValue.trim().slice(0, 80));
    }
  }
  return {text, errors, raw, cells: md.length};
}
"""


def _rendered(page, name):
    """What RENDER_JS sees in chapter `name` once every markdown cell has rendered."""
    markdown = sum(c["cell_type"] == "markdown"
                   for c in json.loads((ROOT / "chapters" / name).read_text())["cells"])
    last = None
    for _ in range(240):  # jupyterlab-myst renders asynchronously: every cell, and settled
        seen = page.evaluate(RENDER_JS)
        if seen["cells"] >= markdown and last is not None and seen == last:
            break
        last = seen
        time.sleep(0.25)
    return seen


@pytest.mark.parametrize("chapter", [p.name for p in CHAPTERS])
def test_chapter_renders_like_the_site(ran, chapter):
    seen = ran(chapter).seen  # as opened, before anything has run
    cells = json.loads((ROOT / "chapters" / chapter).read_text())["cells"]
    # every markdown cell rendered (the appendix has only three)
    assert seen["cells"] >= sum(c["cell_type"] == "markdown" for c in cells) >= 3
    for raw in RAW:
        assert raw not in seen["text"], f"{chapter}: {raw!r} shown raw in JupyterLab"
    # jupyterlab-myst shows a {glue:text} role as its bare key and an {eval} role with no stored
    # result as its expression in code type: every number must be shown as the site shows it
    in_solution = False  # a solution's text is folded until the student opens it
    shown_sources = []  # the markdown a student sees before opening any solution
    for cell in cells:
        if cell["cell_type"] != "markdown":
            continue
        source = "".join(cell["source"])
        assert "{glue:" not in source, f"{chapter}: a {{glue:text}} role JupyterLab cannot show"
        # a solution, or a dropdown ("Checking the tutorial"): folded until the student opens it
        folded = (in_solution or "{solution-start}" in source or "{solution}" in source
                  or "{dropdown}" in source or ":class: dropdown" in source)
        in_solution = (in_solution or "{solution-start}" in source) and "{solution-end}" not in source
        if folded:
            stored = {e["expression"] for e in cell["metadata"].get("user_expressions", [])}
            assert all(e in stored for e in re.findall(r"\{eval\}`([^`]+)`", source)), (
                f"{chapter}: a folded cell's {{eval}} role has no stored value")
            continue
        shown_sources.append(source)
        stored = {e["expression"] for e in cell["metadata"].get("user_expressions", [])}
        for expression in re.findall(r"\{eval\}`([^`]+)`", source):
            assert expression in stored, f"{chapter}: no stored value for {{eval}}`{expression}`"
            value = ast.literal_eval(expression.split("#")[0].strip())
            shown = value if isinstance(value, str) else repr(value)
            assert shown in seen["text"], f"{chapter}: the number {shown} is not shown"
    assert not seen["errors"], f"{chapter}: math in error (undefined macro?): {seen['errors'][:5]}"
    assert not seen["raw"], f"{chapter}: TeX not typeset: {seen['raw'][:5]}"
    assert not NAN.search(seen["text"]), f"{chapter}: a NaN shown"
    assert "Run > Run All Cells" in seen["text"], "no first cell telling the student what to run"
    # citations: jupyterlab-myst cannot read references.bib; the chapter shows each label
    # (outside the folded solutions, whose text is not shown until opened)
    for label in re.findall(r'\[\[([^\]\n]+)\]\([^\s)]+ "references\.bib: ', "".join(shown_sources)):
        assert f"[{label}]" in seen["text"], f"{chapter}: citation [{label}] not shown"
    if chapter not in RUN_ALL:
        ran.close(chapter)  # no later test reads it


def _run_all(page):
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-item:not(.lm-mod-disabled) .lm-Menu-itemLabel",
                 has_text="Run All Cells").first.click()
    start = time.monotonic()
    while time.monotonic() - start < 120:
        time.sleep(0.25)
        busy = page.evaluate("""(panel) => [...document.querySelectorAll(`${panel} .jp-InputPrompt`)]
            .some((el) => el.textContent.includes('*'))""", PANEL)
        idle = "Idle" in page.inner_text(".jp-StatusBar-Widget, #jp-main-statusbar")
        if not busy and idle:
            return time.monotonic() - start
    raise AssertionError("Run All Cells did not finish within 120 s")


@pytest.fixture(scope="module")
def ran(app):
    """chapter -> its page (`.page`), what it showed when opened (`.seen`, before anything ran)
    and how long Run > Run All Cells took (`.seconds`); each chapter is opened and run once
    for all tests. `ran.close(chapter)` closes a page no later test needs."""
    pages = {}

    class Chapter:
        def __init__(self, chapter):
            self.page = _open(app, chapter)
            self.seen = _rendered(self.page, chapter)
            self.pictures = _first_pictures(self.page, chapter) if chapter in IN_PAGE else None
            self.seconds = _run_all(self.page) if chapter in RUN_ALL else None

    class Ran:
        def __call__(self, chapter):
            if chapter not in pages:
                pages[chapter] = Chapter(chapter)
            elif pages[chapter].page is not None:
                _open(app, chapter)  # to the front again
            return pages[chapter]

        def close(self, chapter):
            _close_current(pages[chapter].page)
            pages[chapter].page = None

    yield Ran()


@pytest.mark.parametrize("chapter", RUN_ALL)
def test_run_all_cells(ran, chapter):
    page, seconds = ran(chapter).page, ran(chapter).seconds
    RUN_TIMES.parent.mkdir(exist_ok=True)
    times = json.loads(RUN_TIMES.read_text()) if RUN_TIMES.exists() else {}
    RUN_TIMES.write_text(json.dumps({**times, chapter: round(seconds, 1)}, indent=1))
    errors = page.locator(f"{PANEL} .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'],"
                          f" {PANEL} .jp-RenderedText[data-mime-type='application/vnd.jupyter.error']")
    assert errors.count() == 0, f"{chapter}: {errors.first.inner_text()[:500]}"
    outputs = page.evaluate("""(panel) => [...document.querySelectorAll(
        `${panel} .jp-OutputArea-output`)].map((el) => el.innerText).join('\\n')""", PANEL)
    assert not NAN.search(outputs), f"{chapter}: a NaN reaches the reader"
    # every code cell whose input is shown has run (a folded solution's prompt is folded too)
    prompts = page.evaluate("""(panel) => [...document.querySelectorAll(
        `${panel} .jp-CodeCell .jp-InputArea .jp-InputPrompt`)]
        .map((el) => el.textContent.trim())""", PANEL)
    cells = json.loads((ROOT / "chapters" / chapter).read_text())["cells"]
    shown = [c for c in cells if c["cell_type"] == "code"
             and not c["metadata"].get("jupyter", {}).get("source_hidden")]
    assert len(prompts) == len(shown), (chapter, prompts)
    assert all(re.fullmatch(r"\[\d+\]:", p) for p in prompts), f"{chapter}: not all cells ran: {prompts}"
    # Run All runs the markdown cells too: jupyterlab-myst evaluates each {eval} role in the
    # kernel and shows the result: a number glued as text must still show without quotes
    after = _rendered(page, chapter)
    for cell in cells:
        for expression in re.findall(r"\{eval\}`([^`]+)`", "".join(cell["source"])):
            value = ast.literal_eval(expression.split("#")[0].strip())
            if isinstance(value, str) and not cell["metadata"].get("jupyter", {}).get("source_hidden"):
                assert repr(value) not in after["text"], f"{chapter}: {value!r} shown with quotes"
    assert [raw for raw in RAW if raw in after["text"]] == [], f"{chapter}: raw markup after running"
    if chapter not in EXPLORERS:
        ran.close(chapter)  # its kernel stays until the server stops: idle


def test_every_explorer_runs_in_the_page():
    """No chapter keeps an explorer of another kind (the pre-rendered and kernel-callback
    ipywidgets explorers retired in issue 21)."""
    assert EXPLORERS and IN_PAGE == EXPLORERS


# --- issue 21: the explorers that run in the page (anywidget), as a student finds them ---

# What the output of each explorer cell shows: pictures (loaded <img>), explorers drawn, and
# the text shown as text (a repr such as "SchemeExplorer(n=10, ...)").
OUTPUTS_JS = r"""
(cells) => {
  const notebook = window.jupyterapp.shell.currentWidget.content;
  return cells.map((i) => {
    const node = notebook.widgets[i].node;
    const outputs = [...node.querySelectorAll(".jp-OutputArea-output")];
    const imgs = outputs.flatMap((o) => [...o.querySelectorAll("img")])
      .filter((img) => img.complete && img.naturalWidth > 0 && img.getBoundingClientRect().width > 0);
    return {
      outputs: outputs.length,
      pictures: imgs.map((img) => [img.naturalWidth, img.naturalHeight]),
      explorers: node.querySelectorAll(".winit-explorer svg").length,
      text: outputs.filter((o) => o.matches(".jp-RenderedText, [data-mime-type='text/plain']")
                                  || o.querySelector("[data-mime-type='text/plain']"))
        .map((o) => o.innerText.trim().slice(0, 120)),
    };
  });
}
"""


def _first_pictures(page, chapter):
    """Each explorer cell's output as the chapter opens, before any cell has run (waiting up
    to 30 s for its picture)."""
    cells = _explorer_cells(ROOT / "chapters" / chapter)
    seen = None
    for _ in range(120):
        seen = page.evaluate(OUTPUTS_JS, cells)
        if all(s["pictures"] or s["explorers"] for s in seen):
            break
        time.sleep(0.25)
    return seen


@pytest.mark.parametrize("chapter", IN_PAGE)
def test_explorers_show_their_first_state_before_running(ran, chapter):
    """Opened before running (not trusted: the widget is not drawn), each explorer's output
    shows a picture of its first state (the PNG in its output bundle), not a line of text."""
    pictures = ran(chapter).pictures
    assert len(pictures) == len(_explorer_cells(ROOT / "chapters" / chapter)) >= 1
    for cell, seen in zip(_explorer_cells(ROOT / "chapters" / chapter), pictures):
        assert seen["outputs"] >= 1, f"{chapter}: cell {cell} shows no output"
        # a picture of a reasonable size (a figure, not an icon)
        assert seen["explorers"] or any(w >= 300 and h >= 150 for w, h in seen["pictures"]), (
            f"{chapter}: cell {cell} shows no picture of its explorer: {seen}")
        assert seen["text"] == [], f"{chapter}: cell {cell} shows text in place of its explorer: {seen['text']}"


_WORKED = {}  # chapter -> its explorers as tests/_explorers.py worked them (once per chapter)
ARROWS = ("ArrowRight", "ArrowLeft")


def _worked(ran, chapter):
    """The chapter's explorers after Run All Cells, every control worked (once)."""
    if chapter not in _WORKED:
        page = ran(chapter).page
        cells = _explorer_cells(ROOT / "chapters" / chapter)
        for _ in range(120):  # the views render once their module is imported
            if page.locator(f"{PANEL} .winit-explorer").count() >= len(cells):
                break
            time.sleep(0.25)
        assert page.locator(f"{PANEL} .winit-explorer").count() == len(cells), f"{chapter}: not every explorer rendered"
        _WORKED[chapter] = exercise_explorers(page, scope=PANEL)
    return _WORKED[chapter]


def _unchanged(explorer, keys):
    return [f"{a['label']}: {a['action']}" for a in explorer["actions"] if (a["action"] in ARROWS) == keys
            and not a["changed"] and not (a.get("after_step") or {}).get("changed")]


@pytest.mark.parametrize("chapter", EVERY_CONTROL)
def test_explorers_in_the_page_follow_every_control(ran, chapter):
    """After Run All Cells (the anywidget package's labextension draws the widget): every
    explorer renders, and every range input moved (End, Home), number typed (off the old grid),
    option picked and button clicked changes its SVG or canvas (tests/_explorers.py)."""
    for e in _worked(ran, chapter):
        unchanged = _unchanged(e, keys=False)
        assert unchanged == [], f"{chapter}: {e['title']}: the picture did not follow {unchanged}"
        kinds = {a["control"] for a in e["actions"]}
        assert {"range", "number"} <= kinds, f"{chapter}: {e['title']}: only {kinds} worked"
        refused = [(a["typed"], a["shown"]) for a in e["actions"] if a["control"] == "number"
                   and float(a["shown"] or "nan") != float(a["typed"])]
        assert refused == [], f"{chapter}: {e['title']}: typed values not taken: {refused}"


@pytest.mark.parametrize("chapter", EVERY_CONTROL)
def test_explorers_in_the_page_follow_the_arrow_keys(ran, chapter):
    """A range input moves with the arrow keys in JupyterLab too. JupyterLab's command-mode
    shortcuts (notebook:move-cursor-heading-below-or-expand on ArrowRight, cell selection on
    ArrowUp/Down: selector `.jp-Notebook.jp-mod-commandMode :focus`, which a range input
    matches) take the key on its way up to the document and move the focus away, unless the
    explorer keeps its keys (a keydown listener that stops their propagation)."""
    for e in _worked(ran, chapter):
        unchanged = _unchanged(e, keys=True)
        assert unchanged == [], (f"{chapter}: {e['title']}: the arrow keys did not move {unchanged}: "
                                 "JupyterLab's shortcuts took them")


# The concatenated `d` of the SVG paths of explorer i under the notebook panel.
PATHS_JS = """([panel, i]) => [...document.querySelectorAll(`${panel} .winit-explorer`)][i]
    ? [...[...document.querySelectorAll(`${panel} .winit-explorer`)][i].querySelectorAll("svg path")]
        .map((p) => p.getAttribute("d")).join("|") : null"""


@pytest.mark.parametrize("chapter", OTHERS)
def test_the_same_explorers_render_and_follow_a_key(ran, chapter):
    """The other chapters' explorers: after Run All Cells each renders, ArrowRight on its first
    range input changes its picture, and so does a click on its Step button if it has one."""
    page = ran(chapter).page
    cells = _explorer_cells(ROOT / "chapters" / chapter)
    for _ in range(120):
        if page.locator(f"{PANEL} .winit-explorer").count() >= len(cells):
            break
        time.sleep(0.25)
    explorers = page.locator(f"{PANEL} .winit-explorer")
    assert explorers.count() == len(cells), f"{chapter}: not every explorer rendered"
    for i in range(explorers.count()):
        before = page.evaluate(PATHS_JS, [PANEL, i])
        assert before, f"{chapter}: explorer {i} draws nothing"
        slider = explorers.nth(i).locator("input[type='range']").first
        slider.scroll_into_view_if_needed()
        slider.focus()
        page.keyboard.press("ArrowRight")
        for _ in range(40):
            if page.evaluate(PATHS_JS, [PANEL, i]) != before:
                break
            time.sleep(0.25)
        assert page.evaluate(PATHS_JS, [PANEL, i]) != before, f"{chapter}: explorer {i} did not follow ArrowRight"
        step = explorers.nth(i).get_by_role("button", name=re.compile(r"^\s*step\b", re.I))
        if step.count():
            before = page.evaluate(PATHS_JS, [PANEL, i])
            step.first.click()
            for _ in range(40):
                if page.evaluate(PATHS_JS, [PANEL, i]) != before:
                    break
                time.sleep(0.25)
            assert page.evaluate(PATHS_JS, [PANEL, i]) != before, f"{chapter}: explorer {i} did not follow Step"
