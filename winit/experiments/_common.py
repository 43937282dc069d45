"""What the papers' experiments share: the initialisations they compare and
one recorded forward and backward pass at initialisation."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import (check_array, check_choice, check_count, check_labels, check_rng,
                           check_size_fits)
from ..networks import ACTIVATIONS, backward, forward, init_weights
from ..schemes import scheme_rule

__all__ = ["INITS", "LayerSignals", "layer_signals"]


#: The four initialisations the experiments compare, as
#: ``name: (std(fan_in, fan_out), distribution)`` for
#: :func:`winit.networks.init_weights`, read from :data:`winit.schemes.SCALINGS`
#: (:func:`winit.schemes.scheme_rule`):
#:
#: * ``"standard"``: :math:`U[-1/\sqrt{n_{in}}, 1/\sqrt{n_{in}}]`, Glorot and
#:   Bengio (2010) eq. 1, standard deviation :math:`1/\sqrt{3 n_{in}}`: the
#:   tutorial's ``"xavier"`` scheme;
#: * ``"normalized"``: :math:`U[\pm\sqrt{6}/\sqrt{n_{in} + n_{out}}]`, their
#:   eq. 16, standard deviation :math:`\sqrt{2/(n_{in} + n_{out})}`: the
#:   ``"normalized_xavier"`` scheme;
#: * ``"lecun"``: N(0, 1/n_in), LeCun et al.'s 1998 rule (Keras's
#:   ``lecun_normal`` without truncation), which He et al. (2015) call "Xavier";
#: * ``"he"``: N(0, 2/n_in), He et al. (2015) eq. 10.
INITS = {
    "standard": scheme_rule("xavier"),
    "normalized": scheme_rule("normalized_xavier"),
    "lecun": scheme_rule("lecun"),
    "he": scheme_rule("he"),
}


@dataclass
class LayerSignals:
    """Activations and back-propagated gradients of every hidden layer.

    Attributes
    ----------
    init : str
        The initialisation, a key of :data:`INITS`.
    activation : str
        The hidden layers' activation function.
    activations : list of numpy.ndarray
        :math:`h_l = f(z_l)` of hidden layers ``1..depth``, each
        ``(n_samples, width)``: the raw values of Glorot and Bengio's
        Figure 6 histograms.
    gradients : list of numpy.ndarray
        :math:`\\partial \\mathcal{L}_i / \\partial z_l`, the per-example
        cross-entropy's gradient at each hidden layer's pre-activations (the
        quantity of their Figure 7), each ``(n_samples, width)``.
    activation_std, gradient_std : numpy.ndarray, shape (depth,)
        Standard deviation over all units and examples, layer by layer.
    activation_second_moment : numpy.ndarray, shape (depth,)
        :math:`E[h_l^2]`, the quantity He et al. (2015) propagate (their
        eq. 7): for ReLU it is not the variance, since ReLU outputs are not
        centred.
    weight_gradients : list of numpy.ndarray
        :math:`\\partial \\mathcal{L} / \\partial W_l` of hidden layers
        ``1..depth`` for the mean loss over the examples, each shaped like
        ``W_l`` (``(n_in, width)`` for layer 1, ``(width, width)`` above): the
        raw values of Glorot and Bengio's Figure 8 histograms.
    weight_gradient_std : numpy.ndarray, shape (depth,)
        Standard deviation of each hidden layer's weight gradient.
    """

    init: str
    activation: str
    activations: list
    gradients: list
    activation_std: np.ndarray
    gradient_std: np.ndarray
    activation_second_moment: np.ndarray
    weight_gradients: list
    weight_gradient_std: np.ndarray


def layer_signals(x, y, *, activation, init, depth=5, width=1000, rng=None):
    """One forward and backward pass at initialisation, recorded layer by layer.

    Builds the network ``[x.shape[1]] + [width] * depth + [K]`` with ``K =
    y.max() + 1`` softmax outputs, draws its weights with ``init`` (biases
    zero), runs the whole of ``x`` forward, back-propagates the
    cross-entropy, and collects what :class:`LayerSignals` describes.  The
    gradients are per example: the mean-loss gradients of
    :func:`winit.networks.backward` times the number of examples.

    Parameters
    ----------
    x : numpy.ndarray, shape (N, n_in)
        Inputs.
    y : numpy.ndarray of int, shape (N,)
        Labels.
    activation : {"tanh", "sigmoid", "relu", "leaky_relu", "linear", "gelu"}
        Activation function of the hidden layers.
    init : {"standard", "normalized", "lecun", "he"}
        A key of :data:`INITS`.
    depth : int, default 5
        Number of hidden layers.
    width : int, default 1000
        Units per hidden layer.
    rng : None, int or numpy.random.Generator, optional
        Source of randomness for the weights (SPEC 7).

    Returns
    -------
    LayerSignals

    Raises
    ------
    TypeError
        If ``x`` is not an array of real numbers, ``y`` not one of integer
        labels, ``activation`` or ``init`` not a string, ``depth`` or
        ``width`` not an integer, or ``rng`` not a seed, SeedSequence,
        BitGenerator or Generator.
    ValueError
        If ``x`` is not 2-d or holds NaN or an infinity, ``y`` is empty, does
        not have one label per example or holds a negative label,
        ``activation`` or ``init`` is unknown, ``depth`` or ``width`` is less
        than 1, the weights would take more than 8 GiB, or the signals
        overflow (to an infinity or NaN) on the way through the network.
    """
    check_choice(activation, "activation", ACTIVATIONS)
    check_choice(init, "init", tuple(INITS))
    depth = check_count(depth, "depth", "the number of hidden layers")
    width = check_count(width, "width", "the units per hidden layer")
    check_size_fits((depth, width, width), np.dtype(np.float64), "depth")
    rng = check_rng(rng)
    x = check_array(x, "x", "the examples, one per row", ndim=2)
    y = check_labels(y, "y", x.shape[0], None)
    std, distribution = INITS[init]
    params = init_weights([x.shape[1]] + [width] * depth + [int(y.max()) + 1], std=std,
                          distribution=distribution, rng=rng)
    rec = forward(params, x, activation)
    grads = backward(params, rec, y)
    n = x.shape[0]
    acts = rec.activations
    gz = [g * n for g in grads.grad_pre_activations[:-1]]
    gw = grads.grad_weights[:-1]  # the hidden layers' weights; the last is the output layer's
    with np.errstate(over="ignore", invalid="ignore"):
        signals = LayerSignals(
            init=init,
            activation=activation,
            activations=acts,
            gradients=gz,
            activation_std=np.array([a.std() for a in acts]),
            gradient_std=np.array([g.std() for g in gz]),
            activation_second_moment=np.array([np.mean(a * a) for a in acts]),
            weight_gradients=gw,
            weight_gradient_std=np.array([g.std() for g in gw]),
        )
    if not (rec.finite and grads.finite and np.isfinite(signals.activation_std).all()
            and np.isfinite(signals.gradient_std).all()
            and np.isfinite(signals.activation_second_moment).all()):
        raise ValueError(
            f"x must be small enough for the signals to stay finite through {depth} "
            f"{activation} layers with the {init!r} initialisation; they overflowed to an "
            "infinity or NaN"
        )
    return signals
