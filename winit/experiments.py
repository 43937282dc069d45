"""The papers' experiments, small enough to run while the book builds.

Three experiments, each seeded and each a few seconds on two cores:

* :func:`glorot_signals` -- Glorot and Bengio (2010), Figures 6 and 7: the
  activations and back-propagated gradients of five hidden tanh layers of
  1,000 units at initialisation, with their "standard" initialisation
  (eq. 1) and their "normalized" one (eq. 16).
* :func:`relu_signals` -- the same network with ReLU, comparing
  :math:`\\sigma = \\sqrt{1/n}` with He et al. (2015)'s
  :math:`\\sigma = \\sqrt{2/n}`.
* :func:`he_depth_training` -- He et al. (2015), Figures 2 and 3: train a
  22-layer and a 30-layer ReLU network from each of the two
  initialisations, with the same data, seed and learning rate.

The data are synthetic and made here: :func:`shapes_dataset` stands in for
Glorot and Bengio's Shapeset-3x2, :func:`gaussian_mixture` for ImageNet.
Initialisations are named as in :data:`INITS`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._validation import check_choice, check_count, check_real, check_rng
from .networks import backward, forward, init_weights, train_sgd

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


def _standard(fan_in, fan_out):
    return math.sqrt(1.0 / (3.0 * fan_in))


def _normalized(fan_in, fan_out):
    return math.sqrt(2.0 / (fan_in + fan_out))


def _xavier(fan_in, fan_out):
    return math.sqrt(1.0 / fan_in)


def _he(fan_in, fan_out):
    return math.sqrt(2.0 / fan_in)


#: The four initialisations the experiments compare, as
#: ``name: (std(fan_in, fan_out), distribution)`` for
#: :func:`winit.networks.init_weights`.
#:
#: * ``"standard"``: :math:`U[-1/\sqrt{n_{in}}, 1/\sqrt{n_{in}}]`, Glorot and
#:   Bengio (2010) eq. 1, standard deviation :math:`1/\sqrt{3 n_{in}}`;
#: * ``"normalized"``: :math:`U[\pm\sqrt{6}/\sqrt{n_{in} + n_{out}}]`, their
#:   eq. 16, standard deviation :math:`\sqrt{2/(n_{in} + n_{out})}`;
#: * ``"xavier"``: N(0, 1/n_in), what He et al. (2015) call "Xavier"
#:   (LeCun et al.'s 1998 rule; Keras's ``lecun_normal`` without truncation);
#: * ``"he"``: N(0, 2/n_in), He et al. (2015) eq. 10.
INITS = {
    "standard": (_standard, "uniform"),
    "normalized": (_normalized, "uniform"),
    "xavier": (_xavier, "normal"),
    "he": (_he, "normal"),
}


# --------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------

#: Class ``k`` of :func:`shapes_dataset` shows the shapes ``_SHAPE_CLASSES[k]``
#: (0 triangle, 1 parallelogram, 2 ellipse): three classes of one shape, six
#: of two (unordered, repetition allowed), nine in all, as in Shapeset-3x2.
_SHAPE_CLASSES = ((0,), (1,), (2,), (0, 0), (1, 1), (2, 2), (0, 1), (0, 2), (1, 2))


def shapes_dataset(n, *, size=32, rng=None):
    """Images of one or two random shapes, nine classes: a Shapeset-3x2 stand-in.

    Glorot and Bengio (2010) trained on Shapeset-3x2: 32x32 grey images
    holding one or two of three shapes (triangle, parallelogram, ellipse),
    with random position, size, orientation and grey level, possibly
    occluding each other; the task is to name which shapes are present, nine
    configurations.  The real set is made by a generator we do not have;
    this function draws images with the same recipe, vectorised:

    * a class, uniformly among the nine (three of one shape, six unordered
      pairs with repetition);
    * for each shape, a centre uniform in the middle 70% of the image, a size
      of 15-30% of the image, a random orientation, an aspect ratio in
      [0.5, 1] (and a shear in [-0.5, 0.5] for parallelograms), and a grey
      level in [0.3, 1] on a black background; the second shape is painted
      over the first.

    The pixels are left as grey levels in [0, 1], as in Shapeset: mostly
    black background, so the inputs have mean about 0.10 and mean square
    about 0.07 at the default size.  Small inputs keep the first tanh layer
    near its linear regime, where Glorot and Bengio's variance argument
    holds.  Only the first layer sees the inputs; the layer-to-layer trends
    the experiments show come from the weights, not from the data.

    Parameters
    ----------
    n : int
        Number of images.
    size : int, default 32
        Side of the square images, in pixels.
    rng : None, int or numpy.random.Generator, optional
        Source of randomness (SPEC 7).

    Returns
    -------
    x : numpy.ndarray, shape (n, size * size)
        The flattened images, grey levels in [0, 1], float64.
    y : numpy.ndarray of int, shape (n,)
        Class labels in 0..8.

    Examples
    --------
    >>> from winit.experiments import shapes_dataset
    >>> x, y = shapes_dataset(5, rng=0)
    >>> x.shape, y.shape, int(y.max()) < 9
    ((5, 1024), (5,), True)

    References
    ----------
    .. [1] X. Glorot and Y. Bengio, "Understanding the difficulty of training
       deep feedforward neural networks", AISTATS 2010, Section 2.1.
    """
    n = check_count(n, "n", "the number of images")
    size = check_count(size, "size", "the side of the images in pixels")
    rng = check_rng(rng)
    y = rng.integers(0, len(_SHAPE_CLASSES), size=n)
    first = np.array([c[0] for c in _SHAPE_CLASSES])[y]
    second = np.array([c[-1] if len(c) == 2 else -1 for c in _SHAPE_CLASSES])[y]
    img = np.zeros((n, size, size))
    grid = (np.arange(size) + 0.5) / size  # pixel centres in [0, 1]
    gx, gy = grid[None, None, :], grid[:, None][None]
    for kind in (first, second):
        centre = rng.uniform(0.15, 0.85, size=(2, n, 1, 1))
        radius = rng.uniform(0.15, 0.30, size=(n, 1, 1))
        aspect = rng.uniform(0.5, 1.0, size=(n, 1, 1))
        angle = rng.uniform(0, 2 * np.pi, size=(n, 1, 1))
        shear = rng.uniform(-0.5, 0.5, size=(n, 1, 1))
        grey = rng.uniform(0.3, 1.0, size=(n, 1, 1))
        dx, dy = gx - centre[0], gy - centre[1]
        u = (np.cos(angle) * dx + np.sin(angle) * dy) / radius
        v = (-np.sin(angle) * dx + np.cos(angle) * dy) / (radius * aspect)
        ellipse = u * u + v * v <= 1.0
        parallelogram = (np.abs(u + shear * v) <= 0.8) & (np.abs(v) <= 0.8)
        # Triangle with vertices at angles 90, 210 and 330 degrees on the unit
        # circle, in (u, v): inside if on the inner side of all three edges.
        triangle = (v >= -0.5) & (np.sqrt(3) * u + v <= 1.0) & (-np.sqrt(3) * u + v <= 1.0)
        mask = np.where((kind == 0)[:, None, None], triangle,
                        np.where((kind == 1)[:, None, None], parallelogram, ellipse))
        mask &= (kind >= 0)[:, None, None]
        img = np.where(mask, grey, img)
    return img.reshape(n, size * size), y


def gaussian_mixture(n, *, dim=64, n_classes=10, separation=6.0, scale=1.0, rng=None):
    """A Gaussian-mixture classification problem with standardised inputs.

    Class means are drawn at random and scaled to length ``separation``;
    each example is its class mean plus N(0, I) noise; the labels are
    uniform.  Each feature is then standardised to mean 0 and standard
    deviation ``scale``.
    With the default separation a linear classifier reaches well under
    5% error, so a network that fails to learn it fails because of its
    initialisation, not because the task is hard.

    Parameters
    ----------
    n : int
        Number of examples.
    dim : int, default 64
        Number of features.
    n_classes : int, default 10
        Number of classes; a network that predicts them uniformly has loss
        :math:`\\log K`.
    separation : float, default 6.0
        Norm of every class mean, in units of the noise's standard deviation.
    scale : float, default 1.0
        Standard deviation of every feature after standardisation.
    rng : None, int or numpy.random.Generator, optional
        Source of randomness (SPEC 7).

    Returns
    -------
    x : numpy.ndarray, shape (n, dim)
    y : numpy.ndarray of int, shape (n,)

    Examples
    --------
    >>> from winit.experiments import gaussian_mixture
    >>> x, y = gaussian_mixture(100, dim=8, n_classes=3, rng=0)
    >>> x.shape, sorted(set(y.tolist()))
    ((100, 8), [0, 1, 2])
    """
    n = check_count(n, "n", "the number of examples")
    dim = check_count(dim, "dim", "the number of features")
    n_classes = check_count(n_classes, "n_classes", "the number of classes")
    separation = check_real(separation, "separation", "the norm of the class means",
                            nonnegative=True)
    scale = check_real(scale, "scale", "the standard deviation of the features",
                       positive=True)
    rng = check_rng(rng)
    means = rng.normal(size=(n_classes, dim))
    means *= separation / np.linalg.norm(means, axis=1, keepdims=True)
    y = rng.integers(0, n_classes, size=n)
    x = means[y] + rng.normal(size=(n, dim))
    x -= x.mean(axis=0)
    x *= scale / x.std(axis=0)
    return x, y


# --------------------------------------------------------------------------
# Signals at initialisation
# --------------------------------------------------------------------------


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
    """

    init: str
    activation: str
    activations: list
    gradients: list
    activation_std: np.ndarray
    gradient_std: np.ndarray
    activation_second_moment: np.ndarray


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
    activation : {"tanh", "sigmoid", "relu", "leaky_relu", "linear"}
        Activation function of the hidden layers.
    init : {"standard", "normalized", "xavier", "he"}
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
    """
    check_choice(init, "init", tuple(INITS))
    depth = check_count(depth, "depth", "the number of hidden layers")
    width = check_count(width, "width", "the units per hidden layer")
    x = np.asarray(x)
    y = np.asarray(y)
    if x.ndim != 2:
        raise ValueError(f"x must be a 2-d array (examples, features); got shape {x.shape}")
    if not np.issubdtype(y.dtype, np.integer) or y.size == 0:
        raise TypeError(f"y must be a non-empty array of integer labels; got dtype {y.dtype}")
    std, distribution = INITS[init]
    params = init_weights([x.shape[1]] + [width] * depth + [int(y.max()) + 1], std=std,
                          distribution=distribution, rng=rng)
    rec = forward(params, x, activation)
    grads = backward(params, rec, y)
    n = x.shape[0]
    acts = rec.activations
    gz = [g * n for g in grads.grad_pre_activations[:-1]]
    return LayerSignals(
        init=init,
        activation=activation,
        activations=acts,
        gradients=gz,
        activation_std=np.array([a.std() for a in acts]),
        gradient_std=np.array([g.std() for g in gz]),
        activation_second_moment=np.array([np.mean(a * a) for a in acts]),
    )


def glorot_signals(*, n_samples=300, depth=5, width=1000, rng=0):
    """Glorot and Bengio (2010), Figures 6 and 7, at initialisation.

    Five hidden tanh layers of 1,000 units on 32x32 images of
    :func:`shapes_dataset` (9 classes), once with the "standard"
    initialisation :math:`W \\sim U[-1/\\sqrt{n}, 1/\\sqrt{n}]` (their
    eq. 1) and once with the "normalized" one
    :math:`W \\sim U[\\pm\\sqrt{6}/\\sqrt{n_{in} + n_{out}}]` (eq. 16), on the
    same images.

    What the paper finds, and this reproduces (see the book for numbers):
    with the standard initialisation :math:`n \\operatorname{Var}[W] = 1/3`,
    so in tanh's linear regime the activations' variance shrinks by about 3
    from one layer to the next (Figure 6, top: the peak at 0 grows with the
    layer), and the back-propagated gradients shrink by about 3 per layer on
    the way *down* to the input (Figure 7, top: the peak at 0 grows toward
    the lower layers).  With the normalized initialisation
    :math:`n \\operatorname{Var}[W] \\approx 1` and both stay roughly
    constant across layers.

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

    Examples
    --------
    >>> from winit.experiments import glorot_signals
    >>> s = glorot_signals(n_samples=20, width=200, rng=0)
    >>> bool(s["standard"].activation_std[-1] < s["standard"].activation_std[0])
    True
    """
    rng = check_rng(rng)
    n_samples = check_count(n_samples, "n_samples", "the number of images")
    x, y = shapes_dataset(n_samples, rng=rng)
    return {init: layer_signals(x, y, activation="tanh", init=init, depth=depth,
                                width=width, rng=rng)
            for init in ("standard", "normalized")}


def relu_signals(*, n_samples=300, depth=5, width=1000, rng=0):
    """The Glorot-Bengio network with ReLU: :math:`\\sqrt{1/n}` against :math:`\\sqrt{2/n}`.

    He et al. (2015, eq. 7-10) show that for ReLU layers
    :math:`\\operatorname{Var}[z_l] = n_l \\operatorname{Var}[W_l]
    E[h_{l-1}^2]` and :math:`E[h_l^2] = \\tfrac12 \\operatorname{Var}[z_l]`,
    so with :math:`\\operatorname{Var}[W] = 1/n` ("xavier") the activations'
    second moment halves at every layer, and with :math:`2/n` ("he") it stays
    constant.  Same images and architecture as :func:`glorot_signals`.

    Parameters
    ----------
    n_samples, depth, width, rng
        As in :func:`glorot_signals`.

    Returns
    -------
    dict
        ``{"xavier": LayerSignals, "he": LayerSignals}``.

    Examples
    --------
    >>> from winit.experiments import relu_signals
    >>> s = relu_signals(n_samples=20, width=200, rng=0)
    >>> m = s["xavier"].activation_second_moment
    >>> bool(0.35 < m[-1] / m[-2] < 0.65)
    True
    """
    rng = check_rng(rng)
    n_samples = check_count(n_samples, "n_samples", "the number of images")
    x, y = shapes_dataset(n_samples, rng=rng)
    return {init: layer_signals(x, y, activation="relu", init=init, depth=depth,
                                width=width, rng=rng)
            for init in ("xavier", "he")}


# --------------------------------------------------------------------------
# Training deep ReLU networks
# --------------------------------------------------------------------------


def he_depth_training(depths=(22, 30), *, width=64, steps=1800, lr=0.025, batch_size=64,
                      n_train=2000, dim=64, n_classes=10, input_scale=0.15, record_every=20,
                      dtype=np.float32, rng=0):
    """He et al. (2015), Figures 2 and 3: deep ReLU nets from two initialisations.

    For each depth (the number of weight layers, as He et al. count: ``depth
    - 1`` hidden ReLU layers of ``width`` units and a linear softmax layer),
    train from "xavier" (N(0, 1/n)) and from "he" (N(0, 2/n)), biases zero,
    with plain minibatch SGD on the same :func:`gaussian_mixture` data, with
    the same learning rate, the same minibatch order and the same weight
    seed, so that the He weights are exactly :math:`\\sqrt 2` times the
    "xavier" ones.

    What the paper finds (Section 2.3): at 22 layers both initialisations
    learn, He's sooner; at 30 layers "xavier" stalls while He's learns.  The
    mechanism is the halving of the signal's second moment at every ReLU
    layer (:func:`relu_signals`): the 30-layer "xavier" net's logits start
    :math:`2^{-15} \\approx 3 \\times 10^{-5}` times smaller than He's, and
    its loss sits at :math:`\\log K` (a uniform guess) until the weights and
    biases have grown enough to carry the signal.

    That plateau has a length, not an infinite one, and the length varies from
    seed to seed.  With the defaults, over ``rng=0..7`` (measured when these
    defaults were set):

    * "he" left :math:`\\log K` within 100-200 steps at both depths and ended
      below 0.2 in 8 of 8 runs;
    * 22-layer "xavier" left the plateau after 1,000-1,600 steps in 7 of 8
      (lowest loss 1.3-1.8; in one of them a late SGD spike threw it back to
      :math:`\\log K`), and had not left it by step 1,800 in the eighth;
    * 30-layer "xavier" never went more than 0.15 below :math:`\\log K` in
      8 of 8 (it was starting to leave at step 1,800 in one).

    More steps let the 30-layer "xavier" net escape too; a larger learning
    rate shortens every plateau but makes the 30-layer He net unstable
    under plain SGD; full-scale inputs (``input_scale=1``) shorten the
    30-layer plateau more than the 22-layer one, so that the two overlap
    across seeds.  ``input_scale=0.15`` is about the root mean square of
    :func:`shapes_dataset`'s grey levels (0.26).

    The runs are in float32 by default, twice as fast as float64 at these
    sizes; the defaults take about 7 s on two cores for the four runs.

    Parameters
    ----------
    depths : sequence of int, default (22, 30)
        Numbers of weight layers to train.
    width : int, default 64
        Units per hidden layer.
    steps : int, default 1800
        SGD steps per run.
    lr : float, default 0.025
        Learning rate, the same for every run.
    batch_size : int, default 64
        Examples per minibatch.
    n_train : int, default 2000
        Training examples.
    dim, n_classes : int, default 64 and 10
        Inputs and classes of the data.
    input_scale : float, default 0.15
        Standard deviation of every input feature (see above).
    record_every : int, default 20
        Steps per recorded (window-averaged) loss.
    dtype : {numpy.float32, numpy.float64}, default numpy.float32
        Floating type of the networks.
    rng : None, int or numpy.random.Generator, default 0
        Source of three seeds: one for the data, one for the weights and one
        for the minibatch order, each reused by every run.

    Returns
    -------
    dict
        ``{depth: {"xavier": TrainResult, "he": TrainResult}}``; see
        :class:`winit.networks.TrainResult` (``losses``, ``steps``,
        ``diverged``).

    References
    ----------
    .. [1] K. He, X. Zhang, S. Ren and J. Sun, "Delving deep into rectifiers",
       ICCV 2015, Section 2.3 and Figures 2-3.
    """
    rng = check_rng(rng)
    depths = [check_count(d, "depths", "the number of weight layers, at least 2")
              for d in (depths if hasattr(depths, "__iter__") else [depths])]
    if any(d < 2 for d in depths):
        raise ValueError(f"depths must be integers >= 2 (the number of weight layers); got {depths}")
    width = check_count(width, "width", "the units per hidden layer")
    # Three seeds drawn once: the data, the weights (the same for every run)
    # and the minibatch order (the same for every run).
    seeds = rng.integers(0, 2**63, size=3)
    x, y = gaussian_mixture(n_train, dim=dim, n_classes=n_classes, scale=input_scale,
                            rng=np.random.default_rng(seeds[0]))
    out = {}
    for depth in depths:
        sizes = [dim] + [width] * (depth - 1) + [n_classes]
        out[depth] = {}
        for init in ("xavier", "he"):
            std, distribution = INITS[init]
            # The same weight seed for both inits: the He weights are exactly
            # sqrt(2) times the "xavier" ones.
            params = init_weights(sizes, std=std, distribution=distribution, dtype=dtype,
                                  rng=np.random.default_rng(seeds[1]))
            out[depth][init] = train_sgd(
                params, x, y, steps=steps, lr=lr, batch_size=batch_size, activation="relu",
                rng=np.random.default_rng(seeds[2]), record_every=record_every)
    return out
