"""The book's own drawing and widget code: the top layer of winit.

* :mod:`winit.book.plots` -- the chapters' plots (labelled axes, titles).
* :mod:`winit.book.explorers` -- what each interactive explorer shows, as
  plain, tested functions.
* :mod:`winit.book.widgets` -- ipywidgets wiring of the explorers.

Nothing below this layer (the library, the engine, the data, the
experiments) imports it.
"""
