"""site_assets/book_site.py: the Colab button opens a chapter's portable notebook; the pages'
accessibility fixes (accessible_html)."""

from types import SimpleNamespace

import pytest

from site_assets.book_site import accessible_html, colab_url, portable_colab_button

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


# What the theme and its extensions write (pydata-sphinx-theme 0.16's search-button-field.html,
# myst-nb's folded cell, docutils' citation list), as the built pages hold it.
SEARCH = ('<button class="btn search-button-field search-button__button pst-js-only" title="Search" '
          'aria-label="Search" data-bs-placement="bottom" data-bs-toggle="tooltip">\n'
          ' <i class="fa-solid fa-magnifying-glass"></i>\n'
          ' <span class="search-button__default-text">Search</span>\n'
          ' <span class="search-button__kbd-shortcut"><kbd class="kbd-shortcut__modifier">Ctrl</kbd>+'
          '<kbd class="kbd-shortcut__modifier">K</kbd></span>\n</button>')
# the narrow screens' search button shows only an icon: its aria-label is its only name
ICON_SEARCH = ('<button class="btn btn-sm pst-navbar-icon search-button search-button__button pst-js-only" '
               'title="Search" aria-label="Search" data-bs-placement="bottom" data-bs-toggle="tooltip">\n'
               ' <i class="fa-solid fa-magnifying-glass fa-lg"></i>\n</button>')
FOLDED = ('<details class="admonition hide above-input">\n<summary aria-label="Toggle hidden content">\n'
          '<p class="collapsed admonition-title">Show code cell source</p>\n'
          '<p class="expanded admonition-title">Hide code cell source</p>\n</summary>')
CITATIONS = ('<div role="list" class="citation-list">\n'
             '<div class="citation" id="rxavier-1" role="doc-biblioentry">\n'
             '<span class="label"><span class="fn-bracket">[</span>Rxavier-1'
             '<span class="fn-bracket">]</span></span>\n<p>X. Glorot</p>\n</div>\n'
             '<div class="citation" id="rhe-1" role="doc-biblioentry">\n<p>K. He</p>\n</div>\n</div>')


def test_the_search_button_is_named_by_what_it_shows():
    out = accessible_html(SEARCH)
    assert "aria-label" not in out
    assert out == SEARCH.replace(' aria-label="Search"', "")
    assert accessible_html(ICON_SEARCH) == ICON_SEARCH


def test_a_folded_cell_is_named_by_its_visible_prompt():
    out = accessible_html(FOLDED)
    assert "aria-label" not in out and "<summary>\n" in out
    assert out.replace("<summary>", '<summary aria-label="Toggle hidden content">') == FOLDED


def test_each_citation_is_an_item_of_its_list():
    out = accessible_html(CITATIONS)
    assert out.count('role="listitem"') == 2 and "doc-biblioentry" not in out
    assert out.startswith('<div role="list" class="citation-list">')
    assert out.replace('role="listitem"', 'role="doc-biblioentry"') == CITATIONS


def test_the_fixes_touch_nothing_else_and_hold_when_repeated():
    page = "\n".join([SEARCH, ICON_SEARCH, FOLDED, CITATIONS])
    once = accessible_html(page)
    assert accessible_html(once) == once
    other = '<summary>Solution</summary><div role="doc-bibliography"><a aria-label="Search">x</a></div>'
    assert accessible_html(other) == other
