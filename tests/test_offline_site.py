"""site_assets/offline_site.py: what a page ships of its widget state (reachable_state,
page_state), what the site stages and the pages load (the host, MathJax, nothing else) and the
build check of the pages' widgets (unrenderable)."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from sphinx.errors import ExtensionError

from site_assets import offline_site

HOST = {"offline/winit-widgets.js": {"defer": "defer"}}


def test_the_npm_packages_are_mathjax_and_the_tests_axe_core_only():
    """No widget library: the site's widgets are drawn by its own host (winit-widgets.js)."""
    package = json.loads((offline_site.HERE / "package.json").read_text(encoding="utf-8"))
    assert set(package["dependencies"]) == {"mathjax"}
    assert set(package.get("devDependencies", {})) == {"axe-core"}
    lock = json.loads((offline_site.HERE / "package-lock.json").read_text(encoding="utf-8"))
    installed = {path.removeprefix("node_modules/") for path in lock["packages"] if path}
    assert installed == {"mathjax", "axe-core"}, "regenerate the lock: npm install --package-lock-only"


def test_the_pages_load_the_host_alone():
    """_config.yml's widget scripts: the host, nothing of a widget manager."""
    import yaml

    config = yaml.safe_load((offline_site.HERE.parent / "_config.yml").read_text(encoding="utf-8"))
    assert config["sphinx"]["config"]["nb_ipywidgets_js"] == HOST


def _node_modules(root):
    """A stand-in for the npm packages _stage copies from: one small file where each is read."""
    es5 = root / "mathjax" / "es5"
    files = [es5 / "tex-chtml.js", es5 / "output/chtml/fonts/woff-v2/MathJax_Main-Regular.woff",
             es5 / "ui/menu.js", es5 / "a11y/explorer.js", root / "mathjax" / "LICENSE",
             root / "requirejs" / "require.js"]  # an npm package the site does not stage
    files += [es5 / "input/tex/extensions" / f"{n}.js" for n in [*offline_site.MATHJAX_NEVER_LOADED, "bbox"]]
    for path in files:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    return root


def test_the_site_stages_mathjax_and_nothing_of_a_widget_manager(tmp_path):
    modules = _node_modules(tmp_path / "node_modules")
    stage = tmp_path / "stage"
    offline_site._stage(modules, stage)
    staged = {p.relative_to(stage).as_posix() for p in stage.rglob("*") if p.is_file()}
    assert staged == {"mathjax/tex-chtml.js", "mathjax/output/chtml/fonts/woff-v2/MathJax_Main-Regular.woff",
                      "mathjax/ui/menu.js", "mathjax/a11y/explorer.js", "mathjax/LICENSE",
                      "mathjax/input/tex/extensions/bbox.js"}


def test_the_pages_must_load_the_host(tmp_path):
    offline = tmp_path / "offline"
    for name in ["mathjax/tex-chtml.js", "winit-widgets.js"]:
        (offline / name).parent.mkdir(parents=True, exist_ok=True)
        (offline / name).write_text("x")

    def app(scripts):
        return SimpleNamespace(config=SimpleNamespace(mathjax_path="offline/mathjax/tex-chtml.js",
                                                      nb_ipywidgets_js=scripts))

    offline_site._check_local(app(HOST), tmp_path)
    with pytest.raises(ExtensionError, match="must load offline/winit-widgets.js"):
        offline_site._check_local(app({}), tmp_path)
    with pytest.raises(ExtensionError, match="'offline/require.js', which is not a file"):
        offline_site._check_local(app({**HOST, "offline/require.js": {}}), tmp_path)
    with pytest.raises(ExtensionError, match="loads 'https://cdn.example/x.js' from another host"):
        offline_site._check_local(app({**HOST, "https://cdn.example/x.js": {}}), tmp_path)


def _model(module, name, **fields):
    return {"model_module": module, "model_name": name, "model_module_version": "2.0.0",
            "state": {"_model_module": module, "_model_name": name, **fields}}


ANY = _model("anywidget", "AnyModel", _esm="export default {render() {}}", _css=".a {}",
             _anywidget_id="m.A", layout="IPY_MODEL_lay")
LAYOUT = _model("@jupyter-widgets/base", "LayoutModel")
SLIDER = _model("@jupyter-widgets/controls", "IntSliderModel", value=3)
PLOT = _model("ipyleaflet", "LeafletMapModel")


NOT_ANY = "not an anywidget (the site renders only anywidgets, with winit-widgets.js)"


def test_the_build_check_takes_anywidgets_and_their_viewless_layouts_only():
    check = offline_site.unrenderable
    explorer = {"any": ANY, "lay": LAYOUT}
    assert check(explorer, ["any"]) == []
    assert check({**explorer, "s": SLIDER}, ["any", "s"]) == [
        f"model s (@jupyter-widgets/controls IntSliderModel): {NOT_ANY}"]
    # a view of a base model (not a viewless layout) neither, nor another library's model
    assert check(explorer, ["any", "lay"]) == [f"model lay (@jupyter-widgets/base LayoutModel): {NOT_ANY}"]
    assert check({"p": PLOT}, ["p"]) == [f"model p (ipyleaflet LeafletMapModel): {NOT_ANY}"]
    # a view with no state
    assert check(explorer, ["any", "gone"]) == ["a view of model gone, which has no state"]


def test_a_page_ships_the_anywidgets_its_views_use_and_nothing_else():
    other = _model("anywidget", "AnyModel", _esm="export default {}", _view_count=None)
    state = {"any": {**ANY, "state": {**ANY["state"], "_view_count": None, "tooltip": None}},
             "lay": LAYOUT, "other": other}
    reached = offline_site.reachable_state(state, {"any"})
    assert set(reached) == {"any", "lay"}  # the view's model and the layout it names
    shipped = offline_site.page_state(reached)
    assert list(shipped) == ["any"]
    # the unset view count is left out (the host has no use for it), other nulls stay
    assert shipped["any"]["state"] == {**ANY["state"], "tooltip": None}
    assert state["any"]["state"]["_view_count"] is None  # the notebook's state is not changed


def test_the_build_check_wants_anywidget_code_in_the_page():
    def problems(**fields):
        model = json.loads(json.dumps(ANY))
        model["state"].update(fields)
        return offline_site.unrenderable({"any": model}, ["any"])

    assert problems() == []
    assert problems(_css="") == [] and problems(_esm="export default {render() {}}") == []
    assert problems(_esm="") == ["model any (anywidget AnyModel): no front-end module (_esm)"]
    assert problems(_esm="https://esm.sh/x.js") == [
        "model any (anywidget AnyModel): _esm is loaded from another host (https://esm.sh/x.js)"]
    assert problems(_css="https://cdn.example/x.css")[0].endswith(
        "_css is loaded from another host (https://cdn.example/x.css)")
    assert problems(_css=None) == ["model any (anywidget AnyModel): _css is not a string"]
    # code that starts with a comment is code, not a protocol-relative URL
    assert problems(_esm="// ---- random.js\nexport default {render() {}}", _css="/* a */ .a {}") == []
    assert problems(_esm="//cdn.example/x.js")[0].endswith("_esm is loaded from another host (//cdn.example/x.js)")


def _page(state: dict, views: list[str]) -> dict:
    from sphinx.builders.html._assets import _JavaScript

    body = "".join(f'<div class="cell_output"><script type="{offline_site.WIDGET_VIEW}">'
                   f'{json.dumps({"model_id": v, "version_major": 2, "version_minor": 0})}</script></div>'
                   for v in views)
    data = {"version_major": 2, "version_minor": 0, "state": state}
    return {"body": body, "script_files": [_JavaScript(None, type=offline_site.WIDGET_STATE, body=json.dumps(data))]}


def test_a_page_the_site_cannot_render_fails_the_build(tmp_path):
    app = SimpleNamespace(outdir=str(tmp_path))
    context = _page({"any": ANY, "lay": LAYOUT}, ["any"])
    offline_site.defer_widget_state(app, "chapters/x", "page.html", context, None)
    assert context["script_files"] == [] and offline_site.WIDGET_STATE in context["body"]
    shipped = json.loads(context["body"].split(f'<script type="{offline_site.WIDGET_STATE}">')[1]
                         .split("</script>")[0])
    assert list(shipped["state"]) == ["any"]  # at the end of the body, the AnyModel alone
    with pytest.raises(ExtensionError, match=r"chapters/x has widgets the site cannot render:\n  model s "):
        offline_site.defer_widget_state(app, "chapters/x", "page.html", _page(
            {"any": ANY, "lay": LAYOUT, "s": SLIDER}, ["any", "s"]), None)
    with pytest.raises(ExtensionError, match="model p .* not an anywidget"):
        offline_site.defer_widget_state(app, "chapters/x", "page.html", _page({"p": PLOT}, ["p"]), None)
    with pytest.raises(ExtensionError, match="a view of model gone, which has no state"):
        offline_site.defer_widget_state(app, "chapters/x", "page.html", {
            "body": _page({}, ["gone"])["body"], "script_files": []}, None)
