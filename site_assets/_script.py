"""``python site_assets/NAME.py ...``: run a script of this folder as the module site_assets.NAME.

The scripts here are modules of the package ``site_assets`` and import each other relatively,
as ``python -m site_assets.NAME`` runs them from the book's folder. Run as a file, a script has
no package (Python puts its folder, not the book's, first on ``sys.path``), so its first lines
call :func:`run_as_module`: it loads this folder as the package ``site_assets`` from where it
lies, whatever the current directory, and runs the script as ``python -m`` would. ``sys.path``
is left as it is.
"""

from __future__ import annotations

import importlib.util
import runpy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def run_as_module(script: str) -> None:
    """Run the file ``script`` (a module of this folder) as ``site_assets.<its name>``; exits."""
    if "site_assets" not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            "site_assets", HERE / "__init__.py", submodule_search_locations=[str(HERE)])
        package = importlib.util.module_from_spec(spec)
        sys.modules["site_assets"] = package
        spec.loader.exec_module(package)
    runpy.run_module(f"site_assets.{Path(script).stem}", run_name="__main__", alter_sys=True)
    raise SystemExit(0)
