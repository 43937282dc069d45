"""site_assets/winit-widgets.js, the site's own host for anywidget front-end modules, in Chromium
with the network cut; and offline_site.py's build check of the pages' widgets.

A tiny notebook (two anywidget classes, one that draws a button and counts clicks, one whose
render() throws, and an ipywidgets slider, which the site cannot render) is executed as
site_assets/store.py executes a chapter (the widget state stored by nbclient); its outputs but
the slider's become a page the way myst-nb writes one
(a `widget-view+json` script per output, the notebook's `widget-state+json` script, moved to the
end of the body by offline_site.py), served from 127.0.0.1 with the files offline_site.py stages.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from site_assets import offline_site
from site_assets.local_site import HOST, keep_to_this_machine, serve
from site_assets.notebooks import WIDGET_STATE, WIDGET_VIEW

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")

COUNTER_ESM = """
function initialize({ model }) {
  window.initializeCalls = (window.initializeCalls || 0) + 1;
}
function render({ model, el, signal }) {
  signal.addEventListener("abort", () => { window.aborted = (window.aborted || 0) + 1; });
  const button = document.createElement("button");
  button.className = "counter-button";
  const show = () => { button.textContent = `count ${model.get("count")}`; };
  button.addEventListener("click", () => {
    model.set("count", model.get("count") + 1);
    model.save_changes();
  });
  model.on("change:count", show);
  show();
  const bytes = model.get("data");  // a bytes trait: saved apart from the state, as a buffer
  el.dataset.bytes = Array.from(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)).join(",");
  el.appendChild(button);
  return () => { model.off("change:count", show); window.cleanups = (window.cleanups || 0) + 1; };
}
export default { initialize, render };
"""
COUNTER_CSS = ".counter-button { color: rgb(200, 0, 0); }"
BROKEN_ESM = 'export default { render() { throw new Error("the module broke on purpose"); } };'

CELLS = [
    "import anywidget\nimport ipywidgets\nimport traitlets\n\n\n"
    "class Counter(anywidget.AnyWidget):\n"
    f"    _esm = {COUNTER_ESM!r}\n"
    f"    _css = {COUNTER_CSS!r}\n"
    "    count = traitlets.Int(0).tag(sync=True)\n"
    '    data = traitlets.Bytes(b"\\x01\\x02\\xff").tag(sync=True)\n\n\n'
    "class Broken(anywidget.AnyWidget):\n"
    f"    _esm = {BROKEN_ESM!r}\n",
    "first = Counter(count=3)\nfirst",
    "first",  # a second view of the same model
    "Counter(count=10)",  # a second model of the same class
    "Broken()",
    'ipywidgets.IntSlider(value=7, description="old kind")',  # not an anywidget: fails the build
]


def without_slider(nb: dict) -> dict:
    """A copy of the executed notebook without its last cell (the ipywidgets slider)."""
    nb = json.loads(json.dumps(nb))
    nb["cells"] = nb["cells"][:-1]
    return nb


def _notebook_dict() -> dict:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in CELLS]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


@pytest.fixture(scope="module")
def executed(tmp_path_factory) -> dict:
    """The notebook of CELLS executed as store.py executes a chapter (widget state stored)."""
    import nbformat

    from site_assets import store

    path = tmp_path_factory.mktemp("notebook") / "tiny.ipynb"
    nbformat.write(_notebook_dict(), path)
    return store.execute(path)


def page_body(nb: dict) -> str:
    """The outputs of `nb` as myst-nb writes them: each widget view as its <script> (myst_nb's
    render_widget_view), in a cell's output container."""
    from myst_nb.core.render import sanitize_script_content

    parts = []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            view = out.get("data", {}).get(WIDGET_VIEW)
            if view is not None:
                content = sanitize_script_content(json.dumps(view))
                parts.append('<div class="cell_output docutils container">\n'
                             f'<script type="{WIDGET_VIEW}">{content}</script></div>')
    return "\n".join(parts)


def page_html(nb: dict, scripts: list[str], outdir: Path) -> str:
    """A page of the site for `nb`, loading `scripts` (paths under offline/, deferred as
    _config.yml's nb_ipywidgets_js): the widget state as myst-nb adds it (a script file with a
    body) handed to offline_site.defer_widget_state, which moves it to the end of the body."""
    from myst_nb.core.render import sanitize_script_content
    from sphinx.builders.html._assets import _JavaScript

    state = nb["metadata"]["widgets"][WIDGET_STATE]
    context = {"body": page_body(nb), "script_files": [
        _JavaScript(None, type=WIDGET_STATE, body=sanitize_script_content(json.dumps(state)))]}

    class App:
        pass

    app = App()
    app.outdir = str(outdir)
    offline_site.defer_widget_state(app, "page", "page.html", context, None)
    assert not context["script_files"], "the widget state stays in <head>"
    head = "\n".join(f'<script defer="defer" src="offline/{s}"></script>' for s in scripts)
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>widgets</title>\n{head}\n'
            f'</head><body><article class="bd-article">\n{context["body"]}\n</article></body></html>\n')


HOST_JS = "winit-widgets.js"


def configured_scripts() -> list[str]:
    """The scripts a page with widgets loads (under offline/): _config.yml's nb_ipywidgets_js."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    return [path.removeprefix(offline_site.PREFIX + "/") for path in config["sphinx"]["config"]["nb_ipywidgets_js"]]


@pytest.fixture(scope="module")
def site(executed, tmp_path_factory) -> Path:
    """A folder served as the site: offline/ as offline_site.py stages it, and the page of the
    tiny notebook without its slider, loading the scripts _config.yml lists (the host alone)."""
    folder = tmp_path_factory.mktemp("site")
    workdir = ROOT / "_build" / "site-assets"
    offline_site._fetch(workdir)  # the build's own npm packages (npm ci unless there)
    offline_site._stage(workdir / "node_modules", folder / "offline")
    shutil.copyfile(ROOT / "site_assets" / HOST_JS, folder / "offline" / HOST_JS)
    assert configured_scripts() == [HOST_JS]
    (folder / "host.html").write_text(page_html(without_slider(executed), configured_scripts(), folder),
                                      encoding="utf-8")
    # a page with no widgets, as build_pdf.py's first page (the book's print header in it)
    (folder / "first.html").write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>first</title></head><body>'
        '<div id="jb-print-docs-body"><h1>Book</h1></div><article class="bd-article"><p>Intro</p>'
        '</article></body></html>\n', encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def base_url(site):
    with serve(site) as base:
        yield base


@pytest.fixture(scope="module")
def browser(playwright_api):
    browser = playwright_api.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
    yield browser
    browser.close()


@pytest.fixture
def open_page(browser, base_url):
    """open_page(name) -> (page, record): the page loaded with the network cut but for the site;
    record holds the URLs requested and the console's errors."""
    context = browser.new_context()
    keep_to_this_machine(context)

    def opener(name):
        page = context.new_page()
        record = {"requests": [], "errors": []}
        page.on("request", lambda r: record["requests"].append(r.url))
        page.on("console", lambda m: record["errors"].append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: record["errors"].append(f"pageerror: {e}"))
        page.goto(f"{base_url}/{name}", wait_until="load")
        return page, record

    yield opener
    context.close()


def _views(page) -> list[dict]:
    """For each widget-view script of the page: its model's module and what precedes it."""
    return page.evaluate("""() => {
      return [...document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]')].map((tag) => {
        const area = tag.previousElementSibling;
        const rendered = area && area.matches(".widget-subarea") ? area.querySelector(".jupyter-widgets") : null;
        return {model: JSON.parse(tag.textContent).model_id,
                text: rendered ? rendered.innerText.trim() : null};
      });
    }""")


def _wait_rendered(page, count):
    page.wait_for_function(
        f"document.querySelectorAll('.widget-subarea .jupyter-widgets').length >= {count}", timeout=20_000)


COUNTERS = 4  # the anywidget views: three counters (two of one model) and the broken one


@pytest.mark.browser
def test_the_host_renders_anywidgets_with_no_kernel_and_no_network(open_page, base_url):
    page, record = open_page("host.html")
    _wait_rendered(page, COUNTERS)
    views = _views(page)
    assert [v["text"] for v in views[:3]] == ["count 3", "count 3", "count 10"]
    # a bytes trait, from the buffers the widget state keeps apart
    assert page.eval_on_selector_all(".winit-widget", "(els) => els.map((el) => el.dataset.bytes)")[:3] == ["1,2,255"] * 3
    # the markup the site's tests count: .widget-subarea > .jupyter-widgets, before the view
    assert page.locator(".widget-subarea > .jupyter-widgets").count() == COUNTERS
    # initialize() once per model (two Counter models), render() once per view
    assert page.evaluate("window.initializeCalls") == 2
    assert all(urlsplit(u).hostname in (HOST, None) or u.startswith("blob:") for u in record["requests"])
    assert [u for u in record["requests"] if u.startswith(base_url)] == [
        f"{base_url}/host.html", f"{base_url}/offline/{HOST_JS}"]


@pytest.mark.browser
def test_the_css_is_applied_once_per_widget_class(open_page):
    page, _ = open_page("host.html")
    _wait_rendered(page, COUNTERS)
    colours = page.eval_on_selector_all(".counter-button", "(els) => els.map((el) => getComputedStyle(el).color)")
    assert colours == ["rgb(200, 0, 0)"] * 3
    styles = page.eval_on_selector_all("head style", "(els) => els.map((el) => el.textContent)")
    assert styles.count(COUNTER_CSS) == 1


@pytest.mark.browser
def test_a_click_changes_the_model_and_every_view_of_it(open_page):
    page, _ = open_page("host.html")
    _wait_rendered(page, COUNTERS)
    buttons = page.locator(".counter-button")
    buttons.nth(0).click()
    buttons.nth(1).click()
    buttons.nth(0).click()
    # views 0 and 1 show one model (3 + 3 clicks); view 2 is another model of the same class
    assert buttons.all_inner_texts() == ["count 6", "count 6", "count 10"]
    buttons.nth(2).click()
    assert buttons.all_inner_texts() == ["count 6", "count 6", "count 11"]


@pytest.mark.browser
def test_a_module_that_throws_shows_its_error_in_place(open_page):
    page, record = open_page("host.html")
    _wait_rendered(page, COUNTERS)
    broken = _views(page)[3]
    assert broken["text"] == "This interactive figure could not be shown: the module broke on purpose"
    assert page.locator(".winit-widget-error[role=alert]").count() == 1
    assert any("could not be shown" in e for e in record["errors"])


@pytest.mark.browser
def test_render_takes_a_root_and_renders_each_view_once(open_page):
    """build_pdf.py appends each page's article and state in a section, then renders it."""
    page, _ = open_page("host.html")
    _wait_rendered(page, COUNTERS)
    done = page.evaluate("""async () => {
      const section = document.createElement("section");
      section.innerHTML = document.querySelector("article").innerHTML;  // views, rendered areas dropped below
      section.querySelectorAll(".widget-subarea").forEach((el) => el.remove());
      const state = document.createElement("script");
      state.type = "application/vnd.jupyter.widget-state+json";
      state.textContent = JSON.stringify({version_major: 2, version_minor: 0, state: {}});
      section.append(state);
      document.body.append(section);
      await window.winitWidgets.render(section);
      await window.winitWidgets.render(document);  // again: nothing drawn twice
      return {inSection: section.querySelectorAll(".widget-subarea > .jupyter-widgets").length,
              all: document.querySelectorAll(".widget-subarea > .jupyter-widgets").length,
              texts: [...section.querySelectorAll(".counter-button")].map((b) => b.textContent)};
    }""")
    assert done == {"inSection": COUNTERS, "all": 2 * COUNTERS, "texts": ["count 3", "count 3", "count 10"]}


@pytest.mark.browser
def test_remove_aborts_the_views_and_runs_the_cleanups_render_returned(open_page):
    page, _ = open_page("host.html")
    _wait_rendered(page, COUNTERS)
    page.evaluate("window.winitWidgets.remove(document)")
    assert page.evaluate("[window.cleanups, window.aborted]") == [3, 3]
    assert page.locator(".widget-subarea").count() == 0
    page.evaluate("window.winitWidgets.render(document)")  # the views can be drawn again
    _wait_rendered(page, COUNTERS)



def test_the_build_check_fails_on_the_old_kind_of_widget(executed, tmp_path):
    """The tiny notebook's ipywidgets slider stops the build (page_html runs
    offline_site.defer_widget_state, which checks); without it the page builds."""
    from sphinx.errors import ExtensionError

    with pytest.raises(ExtensionError, match=r"IntSliderModel\): not an anywidget"):
        page_html(executed, [HOST_JS], tmp_path)
    page_html(without_slider(executed), [HOST_JS], tmp_path)  # the AnyModels' layouts are no obstacle


@pytest.mark.browser
def test_build_pdf_renders_the_widgets_of_each_page(site, open_page, base_url):
    """build_pdf.py's APPEND_JS on a first page with no widget, appending the tiny notebook's
    page: the host draws the anywidgets."""
    from site_assets.build_pdf import APPEND_JS

    page, record = open_page("first.html")
    page.evaluate(APPEND_JS, {"urls": [f"{base_url}/host.html"], "offline": f"{base_url}/offline/",
                              "entries": [{"title": "Intro", "part": None, "anchor": "print-page-0"},
                                          {"title": "Widgets", "part": None, "anchor": "print-page-1"}]})
    page.wait_for_load_state("networkidle")
    section = page.locator("#print-page-1")
    assert section.locator(".counter-button").all_inner_texts() == ["count 3", "count 3", "count 10"]
    assert section.locator(".winit-widget-error").all_inner_texts() == [
        "This interactive figure could not be shown: the module broke on purpose"]
    assert len(section.locator(".widget-subarea").all_inner_texts()) == COUNTERS  # one area per view
    assert all(u.startswith((base_url, "blob:", "data:")) for u in record["requests"]), record["requests"]


@pytest.mark.browser
def test_every_kind_of_failing_module_shows_a_message(open_page):
    """A module that does not parse, exports no widget, or whose initialize() or async render()
    rejects: each view says so in place; the other views still render."""
    page, record = open_page("host.html")
    _wait_rendered(page, COUNTERS)
    modules = {
        "syntax": "export default { render( };",
        "nodefault": "export const x = 1;",
        "norender": "export default { initialize() {} };",
        "init": 'export default { initialize() { throw new Error("init broke"); }, render() {} };',
        "async": 'export default { async render() { await null; throw new Error("late"); } };',
        "fine": 'export default () => ({ render({ el }) { el.textContent = "fine"; } });',
        "named": 'export function render({ el, model }) { el.textContent = "named " + model.get("k"); }',
    }
    texts = page.evaluate("""async (modules) => {
      const section = document.createElement("section");
      const state = {};
      for (const [id, esm] of Object.entries(modules)) {
        state[id] = {model_name: "AnyModel", model_module: "anywidget", model_module_version: "~0.11.*",
                     state: {_esm: esm, _anywidget_id: "t." + id, k: 5}};
        const view = document.createElement("script");
        view.type = "application/vnd.jupyter.widget-view+json";
        view.textContent = JSON.stringify({model_id: id, version_major: 2, version_minor: 0});
        section.append(view);
      }
      const tag = document.createElement("script");
      tag.type = "application/vnd.jupyter.widget-state+json";
      tag.textContent = JSON.stringify({version_major: 2, version_minor: 0, state});
      section.append(tag);
      document.body.append(section);
      await window.winitWidgets.render(section);
      return [...section.querySelectorAll(".widget-subarea")].map((el) => el.innerText.trim());
    }""", modules)
    prefix = "This interactive figure could not be shown: "
    assert [t.startswith(prefix) for t in texts] == [True] * 5 + [False] * 2
    assert texts[2:5] == [prefix + "the module's widget has no render()", prefix + "init broke", prefix + "late"]
    assert texts[1] == prefix + "the module has no default export"
    assert texts[5:] == ["fine", "named 5"]
    assert sum("could not be shown" in e for e in record["errors"]) == 1 + 5  # the page's own broken one


def _sphinx_build(nb: dict, folder: Path) -> Path:
    """Build `nb` as one page with Sphinx, myst-nb (stored outputs) and offline_site, the
    widget scripts as _config.yml lists them. The site's folder."""
    import nbformat
    from sphinx.application import Sphinx

    src = folder / "src"
    src.mkdir(parents=True)
    nbformat.write(nbformat.from_dict(nb), src / "page.ipynb")
    (src / "index.md").write_text("# Book\n\n```{toctree}\npage\n```\n", encoding="utf-8")
    # the build's npm packages, as offline_site fetched them for the book
    workdir = ROOT / "_build" / "site-assets"
    offline_site._fetch(workdir)
    assets = folder / "_build" / "site-assets"
    assets.mkdir(parents=True)
    (assets / "node_modules").symlink_to(workdir / "node_modules")
    shutil.copyfile(workdir / "package-lock.json", assets / "package-lock.json")
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["sphinx"]["config"]
    app = Sphinx(str(src), None, str(folder / "_build" / "html"), str(folder / "_build" / "doctrees"), "html",
                 confoverrides={"extensions": ["myst_nb", "site_assets.offline_site"],
                                "nb_execution_mode": "off", "mathjax_path": config["mathjax_path"],
                                "nb_ipywidgets_js": config["nb_ipywidgets_js"]},
                 status=None, warning=None, freshenv=True)
    app.build()
    return folder / "_build" / "html"


def test_a_sphinx_build_loads_and_serves_the_host_alone(executed, tmp_path):
    site = _sphinx_build(without_slider(executed), tmp_path)
    html = (site / "page.html").read_text(encoding="utf-8")
    loaded = re.findall(r'<script defer="defer" src="_static/offline/([^"?]+)', html)
    served = sorted(p.name for p in (site / "_static" / "offline").iterdir())
    assert loaded == [HOST_JS] and served == ["mathjax", HOST_JS]
    assert html.count(f'<script type="{WIDGET_VIEW}">') == 4
    assert "winit-widgets" not in (site / "index.html").read_text(encoding="utf-8")  # no widgets there


def test_a_sphinx_build_fails_on_a_widget_the_site_cannot_render(executed, tmp_path):
    from sphinx.errors import ExtensionError

    with pytest.raises(ExtensionError, match=r"(?s)page has widgets the site cannot render:\n  model .*"
                       r"\(@jupyter-widgets/controls IntSliderModel\): not an anywidget"):
        _sphinx_build(executed, tmp_path)


MODEL_API_ESM = """
function render({ model, el }) {
  const seen = [];
  const onN = (m, value) => seen.push(["n", value, m === model]);
  const onAny = (m) => seen.push(["change", m === model]);
  model.on("change:n", onN);
  model.on("change", onAny);
  model.set("n", 1);                    // no change: no event
  model.set("n", 2);                    // change:n, then change
  model.set("list", [1, 2]);            // equal by value: no event
  model.set({ n: 3, list: [1, 2, 3] }); // both, then one change
  model.set("bytes", new DataView(new Uint8Array([1, 2]).buffer));  // equal bytes: no event
  model.set("bytes", new DataView(new Uint8Array([1, 3]).buffer));
  model.off("change:n", onN);
  model.set("n", 4);                    // only "change"
  model.off();
  model.set("n", 5);                    // nothing
  model.save_changes();
  model.send({ any: "message" });       // no kernel: nothing happens, nothing fails
  el.textContent = JSON.stringify({ seen, n: model.get("n"), list: model.get("list") });
}
export default { render };
"""


@pytest.mark.browser
def test_the_model_fires_change_events_as_backbone_does(open_page):
    page, _ = open_page("host.html")
    _wait_rendered(page, COUNTERS)
    text = page.evaluate("""async (esm) => {
      const section = document.createElement("section");
      section.innerHTML = '<script type="application/vnd.jupyter.widget-view+json">{"model_id": "api"}<\\/script>';
      const tag = document.createElement("script");
      tag.type = "application/vnd.jupyter.widget-state+json";
      tag.textContent = JSON.stringify({state: {api: {model_module: "anywidget", model_name: "AnyModel",
        state: {_esm: esm, n: 1, list: [1, 2]},
        buffers: [{path: ["bytes"], encoding: "base64", data: btoa("\\x01\\x02")}]}}});
      section.append(tag);
      document.body.append(section);
      await window.winitWidgets.render(section);
      return section.querySelector(".jupyter-widgets").textContent;
    }""", MODEL_API_ESM)
    assert json.loads(text) == {
        "seen": [["n", 2, True], ["change", True], ["n", 3, True], ["change", True], ["change", True],
                 ["change", True]],
        "n": 5, "list": [1, 2, 3]}
