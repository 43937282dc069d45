"""The book's own tools: the Sphinx extensions its build loads and the scripts that store chapters.

A package, so its modules import each other and the tests import them without touching
``sys.path``:

- Sphinx extensions, listed in ``_config.yml`` (``sphinx: local_extensions:`` with the book's
  folder as their path): ``site_assets.offline_site``, ``site_assets.book_site``,
  ``site_assets.lab_ready``, ``site_assets.compact_figures``;
- scripts, run from the book's folder as ``python -m site_assets.NAME`` or as files,
  ``python site_assets/NAME.py`` (:mod:`site_assets._script`): ``store`` (execute a chapter and
  run every step below), ``gate_solutions``, ``lab_ready``, ``compact_figures``,
  ``build_student``, ``build_pdf``;
- ``notebooks``: reading and writing a chapter's JSON as the book stores it.
"""
