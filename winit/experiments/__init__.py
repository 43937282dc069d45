"""The papers' experiments, one module per paper, named after it.

* :mod:`winit.experiments.glorot2010` -- Glorot and Bengio (2010), Figures 6-8.
* :mod:`winit.experiments.he2015` -- He et al. (2015), eq. 7-10 and Figures 2-3.
* :mod:`winit.experiments.poole2016` -- Poole et al. (2016): the length and
  correlation maps against finite random networks, the order-to-chaos boundary.
* :mod:`winit.experiments.schoenholz2017` -- Schoenholz et al. (2017): gradient
  growth per layer against :math:`\\chi_1`, trainable depth against :math:`6\\xi_c`.
* :mod:`winit.experiments.saxe2014` -- Saxe, McClelland and Ganguli (2014), learning
  time against depth of deep linear networks, orthogonal against Gaussian weights.
* :mod:`winit.experiments.pennington2017` -- Pennington, Schoenholz and Ganguli (2017),
  singular values of deep networks' input-output Jacobians at initialisation.
* :mod:`winit.experiments.zhang2019` -- Fixup (Zhang et al., 2019), with GPT-2's
  :math:`1/\\sqrt{N}` scaling and SkipInit (De and Smith, 2020): the residual
  stream through depth and training without normalisation.
* :mod:`winit.experiments.de2020` -- De and Smith (2020): a normalised branch
  adds a constant to the stream's mean square, so the skip dominates deep blocks.
* :mod:`winit.experiments.yang2019` -- Yang et al. (2019): BatchNorm's scale
  invariance and its exploding gradients, layer by layer.
* :mod:`winit.experiments.vaswani2017` -- Vaswani et al. (2017): the variance of
  attention logits and the softmax's entropy against :math:`d_k`, with and
  without :math:`1/\\sqrt{d_k}`.
* :mod:`winit.experiments.radford2018` -- GPT-1's N(0, 0.02) embeddings (and
  GPT-2's tied output layer): the first residual stream and the initial loss.
* :mod:`winit.experiments.mishkin2016` -- LSUV (Mishkin and Matas, 2016): layer
  variances against fixed gains, and training against He and Glorot.
* :mod:`winit.experiments.xiong2020` -- Xiong et al. (2020): a small transformer at
  initialisation under eight published recipes; Post-LN against Pre-LN.
* :mod:`winit.experiments.yang2022` -- Tensor Programs V (Yang et al., 2022):
  the coordinate check and the learning-rate sweep over widths, standard
  parametrization against muP.

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
