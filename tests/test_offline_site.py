"""site_assets/offline_site.py: what it leaves out of a page's widget state; its widget switch
(ANYWIDGET_ONLY) and the build check of the pages' widgets (unrenderable)."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from sphinx.errors import ExtensionError

from site_assets import offline_site
from site_assets.offline_site import drop_unset_layout


def test_unset_layout_fields_and_view_counts_are_left_out_and_nothing_else():
    state = {
        "a": {"model_name": "LayoutModel",
              "state": {"_model_name": "LayoutModel", "_view_count": None, "width": "50%",
                        "height": None, "display": None}},
        "b": {"model_name": "HTMLStyleModel",
              "state": {"_view_count": None, "font_size": None, "description_width": ""}},
        "c": {"model_name": "HTMLModel", "state": {"value": "<b>x</b>", "placeholder": None}},
    }
    drop_unset_layout(state)
    assert state["a"]["state"] == {"_model_name": "LayoutModel", "width": "50%"}
    # a style's null may differ from its default, and other models keep their nulls
    assert state["b"]["state"] == {"font_size": None, "description_width": ""}
    assert state["c"]["state"] == {"value": "<b>x</b>", "placeholder": None}


# --- the widget switch (ANYWIDGET_ONLY) and the build check (unrenderable) ---
TODAY = {"offline/winit-widgets.js": {"defer": "defer"}, "offline/require.js": {"defer": "defer"},
         "offline/widgets-offline.js": {"defer": "defer"},
         "offline/html-manager/embed-amd.js": {"defer": "defer"}}


def test_the_switch_and_the_npm_packages_agree():
    """Off, the build stages RequireJS and the html-manager: package.json must install them."""
    packages = json.loads((offline_site.HERE / "package.json").read_text(encoding="utf-8"))["dependencies"]
    if not offline_site.ANYWIDGET_ONLY:
        assert {"@jupyter-widgets/html-manager", "requirejs"} <= set(packages)
    assert "mathjax" in packages


def test_the_switch_leaves_the_pages_only_the_host():
    assert offline_site.widget_scripts(TODAY, False) == TODAY
    assert offline_site.widget_scripts(TODAY, True) == {"offline/winit-widgets.js": {"defer": "defer"}}
    # on config-inited, what myst-nb will read
    for switch, expected in ((False, TODAY), (True, {"offline/winit-widgets.js": {"defer": "defer"}})):
        config = SimpleNamespace(nb_ipywidgets_js=dict(TODAY))
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(offline_site, "ANYWIDGET_ONLY", switch)
            offline_site.select_widget_scripts(None, config)
        assert config.nb_ipywidgets_js == expected


def _node_modules(root):
    """A stand-in for the npm packages _stage copies from: one small file where each is read."""
    es5 = root / "mathjax" / "es5"
    files = [es5 / "tex-chtml.js", es5 / "output/chtml/fonts/woff-v2/MathJax_Main-Regular.woff",
             es5 / "ui/menu.js", es5 / "a11y/explorer.js", root / "mathjax" / "LICENSE",
             root / "requirejs" / "require.js",
             *(root / "@jupyter-widgets/html-manager/dist" / n for n in ("embed-amd.js", "f.woff2", "LICENSE.txt"))]
    files += [es5 / "input/tex/extensions" / f"{n}.js" for n in [*offline_site.MATHJAX_NEVER_LOADED, "bbox"]]
    for path in files:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    return root


def test_the_switch_stages_no_widget_manager(tmp_path):
    modules = _node_modules(tmp_path / "node_modules")
    staged = {}
    for switch in (False, True):
        stage = tmp_path / f"stage-{switch}"
        offline_site._stage(modules, stage, switch)
        staged[switch] = {p.relative_to(stage).as_posix() for p in stage.rglob("*") if p.is_file()}
    assert staged[False] - staged[True] == {
        "require.js", "html-manager/embed-amd.js", "html-manager/f.woff2", "html-manager/LICENSE.txt"}
    assert "mathjax/tex-chtml.js" in staged[True] and "mathjax/input/tex/extensions/bbox.js" in staged[True]


def test_the_pages_must_load_the_host(tmp_path):
    offline = tmp_path / "offline"
    for name in ["mathjax/tex-chtml.js", "winit-widgets.js", *offline_site.MANAGER_SCRIPTS]:
        (offline / name).parent.mkdir(parents=True, exist_ok=True)
        (offline / name).write_text("x")

    def app(scripts):
        return SimpleNamespace(config=SimpleNamespace(mathjax_path="offline/mathjax/tex-chtml.js",
                                                      nb_ipywidgets_js=scripts))

    offline_site._check_local(app(TODAY), tmp_path)
    offline_site._check_local(app(offline_site.widget_scripts(TODAY, True)), tmp_path)
    without_host = {k: v for k, v in TODAY.items() if "winit-widgets" not in k}
    with pytest.raises(ExtensionError, match="must load offline/winit-widgets.js"):
        offline_site._check_local(app(without_host), tmp_path)
    (offline / "require.js").unlink()  # as ANYWIDGET_ONLY stages it: the manager's list fails
    with pytest.raises(ExtensionError, match="'offline/require.js', which is not a file"):
        offline_site._check_local(app(TODAY), tmp_path)


def _model(module, name, **fields):
    return {"model_module": module, "model_name": name, "model_module_version": "2.0.0",
            "state": {"_model_module": module, "_model_name": name, **fields}}


ANY = _model("anywidget", "AnyModel", _esm="export default {render() {}}", _css=".a {}",
             _anywidget_id="m.A", layout="IPY_MODEL_lay")
LAYOUT = _model("@jupyter-widgets/base", "LayoutModel")
SLIDER = _model("@jupyter-widgets/controls", "IntSliderModel", value=3)
PLOT = _model("ipyleaflet", "LeafletMapModel")


def test_the_build_check_in_both_states_of_the_switch():
    check = offline_site.unrenderable
    explorer = {"any": ANY, "lay": LAYOUT}
    today = {**explorer, "s": SLIDER}
    assert check(explorer, ["any"], False) == check(explorer, ["any"], True) == []
    assert check(today, ["any", "s"], False) == []
    # with the manager gone, the slider cannot be drawn
    assert check(today, ["any", "s"], True) == [
        "model s (@jupyter-widgets/controls IntSliderModel): not an anywidget, and the site loads "
        "only the anywidget host (offline_site.ANYWIDGET_ONLY)"]
    # a view of a base model (not a viewless layout) neither
    assert len(check(explorer, ["any", "lay"], True)) == 1
    # a module the site does not serve: never
    for switch in (False, True):
        assert check({"p": PLOT}, ["p"], switch)[0].endswith(
            "not an anywidget, and the site loads only the anywidget host (offline_site.ANYWIDGET_ONLY)"
            if switch else "a module the site does not serve")
        # a view with no state
        assert check(explorer, ["any", "gone"], switch) == ["a view of model gone, which has no state"]


def test_the_build_check_wants_anywidget_code_in_the_page():
    def problems(**fields):
        model = json.loads(json.dumps(ANY))
        model["state"].update(fields)
        return offline_site.unrenderable({"any": model}, ["any"], True)

    assert problems() == []
    assert problems(_css="") == [] and problems(_esm="export default {render() {}}") == []
    assert problems(_esm="") == ["model any (anywidget AnyModel): no front-end module (_esm)"]
    assert problems(_esm="https://esm.sh/x.js") == [
        "model any (anywidget AnyModel): _esm is loaded from another host (https://esm.sh/x.js)"]
    assert problems(_css="https://cdn.example/x.css")[0].endswith(
        "_css is loaded from another host (https://cdn.example/x.css)")
    assert problems(_css=None) == ["model any (anywidget AnyModel): _css is not a string"]


def _page(state: dict, views: list[str]) -> dict:
    from sphinx.builders.html._assets import _JavaScript

    body = "".join(f'<div class="cell_output"><script type="{offline_site.WIDGET_VIEW}">'
                   f'{json.dumps({"model_id": v, "version_major": 2, "version_minor": 0})}</script></div>'
                   for v in views)
    data = {"version_major": 2, "version_minor": 0, "state": state}
    return {"body": body, "script_files": [_JavaScript(None, type=offline_site.WIDGET_STATE, body=json.dumps(data))]}


def test_a_page_the_site_cannot_render_fails_the_build(tmp_path, monkeypatch):
    app = SimpleNamespace(outdir=str(tmp_path))
    context = _page({"any": ANY, "lay": LAYOUT, "s": SLIDER}, ["any", "s"])
    offline_site.defer_widget_state(app, "chapters/x", "page.html", context, None)
    assert context["script_files"] == [] and offline_site.WIDGET_STATE in context["body"]
    monkeypatch.setattr(offline_site, "ANYWIDGET_ONLY", True)
    with pytest.raises(ExtensionError, match=r"chapters/x has widgets the site cannot render:\n  model s "):
        offline_site.defer_widget_state(app, "chapters/x", "page.html", _page(
            {"any": ANY, "lay": LAYOUT, "s": SLIDER}, ["any", "s"]), None)
    monkeypatch.setattr(offline_site, "ANYWIDGET_ONLY", False)
    with pytest.raises(ExtensionError, match="model p .* a module the site does not serve"):
        offline_site.defer_widget_state(app, "chapters/x", "page.html", _page({"p": PLOT}, ["p"]), None)
    with pytest.raises(ExtensionError, match="a view of model gone, which has no state"):
        offline_site.defer_widget_state(app, "chapters/x", "page.html", {
            "body": _page({}, ["gone"])["body"], "script_files": []}, None)
