"""Glorot and Bengio (2010), "Understanding the difficulty of training deep
feedforward neural networks", AISTATS.

Reproduces, at initialisation, their Figures 6, 7 and 8 (activations,
back-propagated gradients and weight gradients of five hidden tanh layers of
1,000 units, with the "standard" initialisation of their eq. 1 and the
"normalized" one of eq. 16).

How the miniature differs from the paper: the images come from
:func:`winit.data.shapes_dataset`, a re-implementation of the Shapeset-3x2
recipe, not the authors' generator; the statistics are taken on one batch
of images at initialisation, not during training.
"""

from __future__ import annotations

from .._validation import check_count, check_rng
from ..data import shapes_dataset
from ._common import layer_signals

__all__ = ["glorot_signals"]


def glorot_signals(*, n_samples=300, depth=5, width=1000, rng=0):
    """Glorot and Bengio (2010), Figures 6, 7 and 8, at initialisation.

    Five hidden tanh layers of 1,000 units on 32x32 images of
    :func:`shapes_dataset` (9 classes), once with the "standard"
    initialisation :math:`W \\sim U[-1/\\sqrt{n}, 1/\\sqrt{n}]` (their
    eq. 1) and once with the "normalized" one
    :math:`W \\sim U[\\pm\\sqrt{6}/\\sqrt{n_{in} + n_{out}}]` (eq. 16), on the
    same images.

    What the paper finds, and this reproduces (see the book for numbers):
    with the standard initialisation :math:`n \\operatorname{Var}[W] = 1/3`,
    so in tanh's linear regime the activations' variance shrinks by about 3
    from one layer to the next, their standard deviation by about
    :math:`\\sqrt 3 \\approx 1.7` (Figure 6, top: the peak at 0 grows with
    the layer), and the back-propagated gradients' variance shrinks by about
    3 per layer on the way *down* to the input, their standard deviation by
    about :math:`\\sqrt 3` (Figure 7, top: the peak at 0 grows toward the
    lower layers).  With the normalized initialisation
    :math:`n \\operatorname{Var}[W] \\approx 1` and both stay roughly
    constant across layers.  The weight gradients
    :math:`\\partial L / \\partial W_l = h_{l-1}^\\top \\partial L / \\partial z_l`
    (Figure 8) are about the same in every layer with *either*
    initialisation: in the linear regime the activations grow towards the
    input by the factor by which the back-propagated gradients shrink, so
    their product does not depend on the layer (their eq. 14, section 4.2.1;
    Figure 8 is discussed in section 4.3).

    Parameters
    ----------
    n_samples : int, default 300
        Images to pass through the network (the histograms hold
        ``n_samples * width`` values per layer).
    depth : int, default 5
        Number of hidden layers.
    width : int, default 1000
        Units per hidden layer.
    rng : None, int or numpy.random.Generator, default 0
        Seed for the images and the weights.  Both initialisations see the
        same images; their weights come from one generator, in turn.

    Returns
    -------
    dict
        ``{"standard": LayerSignals, "normalized": LayerSignals}``.

    Raises
    ------
    TypeError
        If ``n_samples``, ``depth`` or ``width`` is not an integer, or
        ``rng`` is not a seed, SeedSequence, BitGenerator or Generator.
    ValueError
        If ``n_samples``, ``depth`` or ``width`` is less than 1, the arrays
        would take more than 8 GiB, or ``rng`` is a negative seed.

    Examples
    --------
    >>> from winit.experiments.glorot2010 import glorot_signals
    >>> s = glorot_signals(n_samples=20, width=200, rng=0)
    >>> bool(s["standard"].activation_std[-1] < s["standard"].activation_std[0])
    True
    """
    n_samples = check_count(n_samples, "n_samples", "the number of images")
    check_count(depth, "depth", "the number of hidden layers")
    check_count(width, "width", "the units per hidden layer")
    rng = check_rng(rng)
    x, y = shapes_dataset(n_samples, rng=rng)
    return {init: layer_signals(x, y, activation="tanh", init=init, depth=depth,
                                width=width, rng=rng)
            for init in ("standard", "normalized")}
