"""The book's own drawing and widget code: the top layer of winit.

* :mod:`winit.book.plots` -- the chapters' plots (labelled axes, titles),
  and the style and PNG encoding of the explorers' first-state pictures.
* ``winit.book.browser`` -- the explorers: widgets whose JavaScript
  computes and draws in the reader's browser.

Nothing below this layer (the library, the engine, the data, the
experiments) imports it.
"""
