"""site_assets/book_site.py: the Colab button opens a chapter's portable notebook."""

from types import SimpleNamespace

import pytest

from site_assets.book_site import colab_url, portable_colab_button

THEME = "https://colab.research.google.com/github/ORG/NAME/blob/main/chapters/he.ipynb"


def test_colab_link_goes_to_the_published_portable_notebook():
    assert colab_url(THEME, "gh-pages", "chapters/he") == (
        "https://colab.research.google.com/github/ORG/NAME/blob/gh-pages/_sources/chapters/he.ipynb")
    with pytest.raises(ValueError, match="url must be a Colab link"):
        colab_url("https://mybinder.org/v2/gh/ORG/NAME/main", "gh-pages", "chapters/he")


def _page(branch):
    app = SimpleNamespace(config=SimpleNamespace(html_theme_options={
        "launch_buttons": {"colab_branch": branch}}))
    binder = {"text": "Binder", "url": "https://mybinder.org/v2/gh/ORG/NAME/main"}
    context = {"header_buttons": [{"type": "group", "buttons": [binder, {"text": "Colab", "url": THEME}]}]}
    portable_colab_button(app, "chapters/he", "page.html", context, None)
    return context["header_buttons"][0]["buttons"]


def test_the_button_is_rewritten_or_dropped():
    binder, colab = _page("gh-pages")
    assert colab["url"].endswith("/blob/gh-pages/_sources/chapters/he.ipynb")
    assert binder["url"] == "https://mybinder.org/v2/gh/ORG/NAME/main"
    assert [b["text"] for b in _page("")] == ["Binder"]
