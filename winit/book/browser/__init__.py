"""Explorers that compute and draw in the reader's browser.

Each explorer is an :class:`anywidget.AnyWidget`: its front-end code (the JavaScript in
``js/``) samples the weights with a seeded generator, runs the network and draws the figures
in the page. So it answers any setting on the static site with no Python behind it, and is
the same widget in JupyterLab, VS Code and Colab. The Python side holds the settings (traits
synced both ways) and draws the first state as a picture for front ends that cannot run the
widget (a notebook opened before running, the PDF).
"""

from ._assets import BrowserExplorer, esm, js_source

__all__ = ["BrowserExplorer", "esm", "js_source"]
