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


def test_explorer_output_has_settings_text_and_first_picture():
    import base64

    import traitlets

    from winit.book.browser import BrowserExplorer

    class Probe(BrowserExplorer):
        n = traitlets.Int(3).tag(sync=True, setting=True)
        hidden = traitlets.Int(0).tag(sync=True)

        def first_state_png(self):
            return b"\x89PNG fake"

    Probe.kind = None   # no module needed for the bundle
    probe = Probe(n=7)
    data, metadata = probe._repr_mimebundle_()
    assert data["text/plain"] == "Probe(n=7)"
    assert "Probe(n=7)" in metadata["image/png"]["alt"]
    assert base64.b64decode(data["image/png"]) == b"\x89PNG fake"
    assert "application/vnd.jupyter.widget-view+json" in data


def test_checked_settings_are_validated_on_every_change():
    import traitlets

    from winit.book.browser._assets import BrowserExplorer, check_seed, setting

    def even(v):
        if v % 2:
            raise ValueError(f"n must be even; got {v}")
        return v // 1

    class Probe(BrowserExplorer):
        n = setting(traitlets.Int(2), even)
        seed = setting(traitlets.Int(0), check_seed)
        free = setting(traitlets.Int(0))

    assert Probe(n=4).n == 4
    with pytest.raises(ValueError, match="^n must be even; got 3"):
        Probe(n=3)
    probe = Probe()
    with pytest.raises(ValueError, match="^n must be even"):
        probe.n = 5
    with pytest.raises(ValueError, match=r"^seed must be an integer from 0 to 2\*\*32 - 1"):
        probe.seed = 2**32
    probe.free = 7   # a setting without a check takes any value of its type
    assert (probe.n, probe.seed, probe.free) == (2, 0, 7)
    assert sorted(probe.traits(setting=True)) == ["free", "n", "seed"]
    with pytest.raises(TypeError, match="^seed must be an integer"):
        check_seed(True)
    assert check_seed(2**32 - 1) == 2**32 - 1
