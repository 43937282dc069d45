"""The book's own drawing and widget code: the top layer of winit.

* :mod:`winit.book.plots` -- the chapters' plots (labelled axes, titles).
* ``winit.book.browser`` -- the explorers: widgets whose JavaScript
  computes and draws in the reader's browser.
* :mod:`winit.book.explorers` -- the explorers' Python side: their
  first-state pictures and the depth explorer's numpy reference.

Nothing below this layer (the library, the engine, the data, the
experiments) imports it.
"""
