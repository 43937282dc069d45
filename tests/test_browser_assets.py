"""The explorers' front-end module: how winit.book.browser assembles it, and that Chromium
imports what a widget carries."""

import pytest

from _browser import load
from winit.book.browser import esm, js_source


def test_fragments_need_an_exports_line(tmp_path):
    with pytest.raises(ValueError, match="name must be a file"):
        js_source("nope.js")
    with pytest.raises(ValueError, match="name must be a file"):
        js_source("../_assets.py")


def test_shared_module_exports_what_fragments_list():
    source = esm()
    assert source.rstrip().endswith("};")
    assert "export default" not in source
    assert source.count("// ---- ") == 4


@pytest.mark.browser
def test_chromium_imports_the_shared_module(js_page):
    names = load(js_page, esm())
    assert isinstance(names, list)
    assert js_page.evaluate("() => typeof window.M") == "object"
