"""The papers' experiments, one module per paper, named after it.

* :mod:`winit.experiments.glorot2010` -- Glorot and Bengio (2010), Figures 6-8.
* :mod:`winit.experiments.he2015` -- He et al. (2015), eq. 7-10 and Figures 2-3.

Each module's docstring cites its paper, lists the figures it reproduces
and says how the miniature differs.  Functions return data (arrays, small
dataclasses) and never draw; the chapters draw.  This layer imports the
library, the engine (:mod:`winit.networks`) and the data
(:mod:`winit.data`), never the book's drawing code (:mod:`winit.book`).

The names below are re-exported for convenience.
"""

from ..data import gaussian_mixture, shapes_dataset
from ._common import INITS, LayerSignals, layer_signals
from .glorot2010 import glorot_signals
from .he2015 import he_depth_training, relu_signals

__all__ = [
    "INITS",
    "LayerSignals",
    "gaussian_mixture",
    "glorot_signals",
    "he_depth_training",
    "layer_signals",
    "relu_signals",
    "shapes_dataset",
]
