"""Schoenholz, Gilmer, Ganguli and Sohl-Dickstein (2017), "Deep information
propagation", ICLR.

The paper finds depth scales :math:`\\xi_q` and :math:`\\xi_c` over which a
random network forgets the length and the correlation of its inputs
(:func:`winit.meanfield.depth_scales`); :math:`\\xi_c` diverges at the
order-to-chaos transition.  Its mean-field theory of back-propagation says
that the mean squared gradient changes by the factor :math:`\\chi_1` per
layer (vanishing in the ordered phase, exploding in the chaotic one), and
its experiments find networks trainable roughly up to a depth of
:math:`6 \\xi_c`.  This module reproduces, in miniature (see the paper for
its figures):

* :func:`gradient_growth` -- the per-layer growth of the back-propagated
  gradient in random finite networks at points of the
  :math:`(\\sigma_w^2, \\sigma_b^2)` plane, against :math:`\\chi_1`;
* :func:`trainability` -- a grid of short training runs (depth against
  :math:`\\sigma_w^2`, tanh) on real data, beside :math:`6 \\xi_c`.

How the miniature differs from the paper:

* data: scikit-learn's 8x8 handwritten digits (:func:`winit.data.digits`,
  1,348 training images), not MNIST or CIFAR-10;
* size: networks 32 units wide by default, 4 to 64 hidden layers, six
  weight variances, three seeds per setting;
* optimiser and budget: plain minibatch SGD (no momentum), 150 steps of 32
  images at learning rate 0.02 for every setting by default (see the paper
  for its optimisers and budgets), so deep networks that could learn with
  more steps may not have learned yet;
* metric: the share of training images classified correctly after
  training, and a run counts as trained when it passes a fixed threshold;
* all ensemble members of one seed see the same minibatches and the same
  standard-normal draws, scaled by each :math:`\\sigma_w`, so settings
  differ only in the variances;
* the gradient measurement starts every network at the fixed point
  :math:`q^*` and back-propagates a random unit-variance vector from the
  last layer, without data or a loss.

Functions return data and never draw; the chapter "Order and chaos" draws.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import _softmax as _sm
from .. import activations as _activations
from .. import meanfield
from .._engine import minibatch_orders
from .._threads import one_blas_thread as _one_blas_thread
from .._validation import check_array, check_choice, check_count, check_real, check_rng
from ..data import digits
from ..networks import activate

__all__ = ["GradientGrowth", "TrainabilityGrid", "gradient_growth", "trainability"]




@dataclass
class GradientGrowth:
    """Per-layer gradient growth in random networks, measured and predicted.

    Attributes
    ----------
    sigma_w2, sigma_b2 : numpy.ndarray, shape (k,)
        The points of the phase diagram.
    chi_1 : numpy.ndarray, shape (k,)
        The mean-field prediction :math:`\\chi_1` (:func:`winit.meanfield.chi_1`).
    measured : numpy.ndarray, shape (k,)
        :math:`\\exp(-s)`, with :math:`s` the least-squares slope of
        :math:`\\ln \\overline{\\delta_l^2}` against the layer :math:`l`: the
        factor by which the mean squared gradient grows per layer going
        back towards the input.
    grad_sq : numpy.ndarray, shape (k, depth)
        :math:`\\overline{\\delta_l^2}`, the mean squared gradient at the
        pre-activations of layers ``1..depth`` (over units and inputs).
    depth, width, n_inputs : int
        Size of the networks and number of inputs per network.
    """

    sigma_w2: np.ndarray
    sigma_b2: np.ndarray
    chi_1: np.ndarray
    measured: np.ndarray
    grad_sq: np.ndarray
    depth: int
    width: int
    n_inputs: int


def _derivative(z, activation):
    """phi'(z), from the registry :mod:`winit.activations`."""
    return _activations.get(activation).derivative(z)


def _points(points):
    """``(k, 2)`` float64 array of (sigma_w2 > 0, sigma_b2 >= 0) pairs."""
    arr = check_array(points, "points", "(sigma_w2, sigma_b2) pairs", dtype="float64",
                      shape=(("points", 1), 2))
    check_array(arr[:, 0], "points[:, 0]", "sigma_w2, the weight variance times fan_in",
                low=0.0, closed="right")
    check_array(arr[:, 1], "points[:, 1]", "sigma_b2, the bias variance", low=0.0)
    return arr


def gradient_growth(points, *, activation="tanh", depth=100, width=256, n_inputs=8, rng=0):
    """Measure how back-propagated gradients grow per layer in random networks.

    For each ``(sigma_w2, sigma_b2)`` of ``points``, a network of ``depth``
    weight layers of ``width`` units (weights :math:`\\mathcal N(0,
    \\sigma_w^2/n)`, biases :math:`\\mathcal N(0, \\sigma_b^2)`, the last layer
    linear) gets ``n_inputs`` random inputs scaled so that the first layer's
    pre-activations have the fixed-point variance :math:`q^*` (for ReLU,
    leaky ReLU and linear networks with :math:`q^* = 0`, variance 1, since
    their :math:`\\chi_1` does not depend on it); a random
    standard-normal vector is back-propagated from the last layer (the
    backward pass of :func:`winit.networks.backward`, without the weight
    gradients, which are not needed here), and the mean
    squared gradient :math:`\\overline{\\delta_l^2}` at every layer's
    pre-activations is recorded.  Schoenholz et al. (2017) predict
    :math:`\\overline{\\delta_l^2} = \\chi_1\\, \\overline{\\delta_{l+1}^2}` in
    the limit of infinite width.

    All points share one draw of standard-normal weights, biases, inputs and
    output gradients, scaled to each point's variances, so that the points
    differ in nothing else.

    Parameters
    ----------
    points : sequence of (float, float)
        :math:`(\\sigma_w^2, \\sigma_b^2)` pairs; :math:`q^*` must be finite.
    activation : {"tanh", "sigmoid", "relu", "leaky_relu", "linear", "gelu"}, default "tanh"
    depth : int, default 100
        Weight layers (at least 3).
    width : int, default 256
        Units per layer (inputs included).
    n_inputs : int, default 8
        Inputs per network.
    rng : None, int or numpy.random.Generator, default 0
        Source of randomness (SPEC 7).

    Returns
    -------
    GradientGrowth

    Raises
    ------
    ValueError
        If an argument is out of range, a point has no finite :math:`q^*`
        (e.g. ReLU with :math:`\\sigma_w^2 > 2`), or the gradients over- or
        underflow float64 over ``depth`` layers.

    Examples
    --------
    >>> from winit.experiments.schoenholz2017 import gradient_growth
    >>> g = gradient_growth([(2.0, 0.0)], activation="relu", depth=20, width=200, rng=0)
    >>> round(float(g.chi_1[0]), 9), bool(abs(g.measured[0] - 1.0) < 0.1)
    (1.0, True)
    """
    pts = _points(points)
    check_choice(activation, "activation", meanfield.ACTIVATIONS)
    depth = check_count(depth, "depth", "the number of weight layers", low=3)
    width = check_count(width, "width", "the units per layer")
    n_inputs = check_count(n_inputs, "n_inputs", "the inputs per network")
    rng = check_rng(rng)
    z_w = rng.standard_normal((depth, width, width))
    z_b = rng.standard_normal((depth, width))
    z_x = rng.standard_normal((n_inputs, width))
    z_x /= np.sqrt(np.mean(z_x * z_x, axis=1, keepdims=True))
    g_top = rng.standard_normal((n_inputs, width))
    chi, measured, grad_sq = [], [], []
    layers = np.arange(1, depth + 1)
    with _one_blas_thread():
        for sw2, sb2 in pts:
            q_star = meanfield.fixed_point_q(sw2, sb2, activation)
            if not q_star < math.inf:
                raise ValueError(f"points must have a finite fixed point q*; at sigma_w2={sw2}, "
                                 f"sigma_b2={sb2} the variance of {activation} grows without bound")
            if q_star == 0.0 and _activations.get(activation).homogeneous:
                # No bias and sigma_w2 below the edge: the signal decays to 0, where ReLU's
                # derivative is 0.  chi_1 of these activations does not depend on q: use q = 1.
                q_star = 1.0
            chi.append(meanfield.chi_1(sw2, sb2, activation))
            sw, sb = math.sqrt(sw2 / width), math.sqrt(sb2)
            # Forward: z_1 = x W_1 + b_1, z_{l+1} = phi(z_l) W_{l+1} + b_{l+1}; inputs of mean
            # square (q* - sb2) / sw2 give first-layer pre-activations of variance q*.
            h = z_x * math.sqrt(max(q_star - sb2, 0.0) / sw2)
            pre = []
            for l in range(depth):
                z = (h @ z_w[l]) * sw + sb * z_b[l]
                pre.append(z)
                h = activate(z, activation)
            # Backward from a random gradient at the last (linear) layer:
            # delta_l = phi'(z_l) * (delta_{l+1} W_{l+1}^T).
            g = g_top
            g2 = np.empty(depth)
            g2[-1] = np.mean(g * g)
            for l in range(depth - 1, 0, -1):
                g = (g @ z_w[l].T) * sw * _derivative(pre[l - 1], activation)
                g2[l - 1] = np.mean(g * g)
            if not (np.isfinite(g2).all() and (g2 > 0).all()):
                raise ValueError(f"the gradients over- or underflowed at sigma_w2={sw2}, "
                                 f"sigma_b2={sb2}; use fewer layers (depth={depth})")
            slope = np.polyfit(layers, np.log(g2), 1)[0]
            grad_sq.append(g2)
            measured.append(math.exp(-slope))
    return GradientGrowth(sigma_w2=pts[:, 0].copy(), sigma_b2=pts[:, 1].copy(),
                          chi_1=np.array(chi), measured=np.array(measured),
                          grad_sq=np.array(grad_sq), depth=depth, width=width, n_inputs=n_inputs)


@dataclass
class TrainabilityGrid:
    """Short training runs over depth and :math:`\\sigma_w^2`, beside :math:`6\\xi_c`.

    Attributes
    ----------
    depths : numpy.ndarray of int, shape (n_d,)
        Hidden layers of each network (plus one linear softmax layer).
    sigma_w2 : numpy.ndarray, shape (n_w,)
        Weight variances times fan-in.
    sigma_b2 : float
        The biases' variance, the same for all.
    accuracy : numpy.ndarray, shape (n_d, n_w, n_seeds)
        Share of the training images classified correctly after training.
    xi_c : numpy.ndarray, shape (n_w,)
        :func:`winit.meanfield.depth_scales`' :math:`\\xi_c` for tanh.
    threshold : float
        The training accuracy above which a run counts as trained.
    settings : dict
        Width, steps, learning rate, batch size, seeds, dtype.
    """

    depths: np.ndarray
    sigma_w2: np.ndarray
    sigma_b2: float
    accuracy: np.ndarray
    xi_c: np.ndarray
    threshold: float
    settings: dict

    @property
    def trained(self):
        """numpy.ndarray of int, shape (n_d, n_w): seeds whose training accuracy passed ``threshold``."""
        return (self.accuracy > self.threshold).sum(axis=-1)


def _ensemble_sgd(Ws, bs, x, y, *, steps, lr, batch_size, orders):
    """Plain SGD on a stack of equally shaped tanh networks at once.

    ``Ws[l]`` is layer ``l``'s ``(E, n_in, n_out)`` stack of weights and
    ``bs[l]`` its ``(E, 1, n_out)`` biases, updated in place; ``orders[e]``
    holds member ``e``'s minibatches, shape ``(steps, batch_size)`` (from
    :func:`winit._engine.minibatch_orders`).  The algorithm per member is
    that of :func:`winit.networks.train_sgd`, with the engine's softmax
    cross-entropy (:func:`winit._softmax.loss_and_grad`); a member whose
    loss stops being finite is frozen (its learning rate set to 0).  Returns
    the members' last minibatch losses.

    Why not :func:`winit.networks.train_sgd_stack`, which does the same: its
    layers carry the bias as a last row of the weight matrix (``[h, 1] @ [W;
    b]``), these add it (``h @ W + b``), so the two round differently, and
    the deep and chaotic cells of :func:`trainability` amplify a difference
    of one unit in the last place over 150 steps to whole percents of
    accuracy.  Scaling the initial weights by ``1 + 2**-52`` here moves some
    accuracies of the chapter's grid by up to 0.13; training with
    ``train_sgd_stack`` instead moves them by up to 0.13 as well and changes
    the chapter's counts of trained seeds (32 layers at
    :math:`\\sigma_w^2 = 4`: 0 -> 1 of 3; 64 layers at 1.5 and 1.76: 1 -> 0
    of 3), numbers the chapter prints.  So this step stays as it was.
    """
    n_layers = len(Ws)
    E = Ws[0].shape[0]
    rate = np.full(E, lr, dtype=Ws[0].dtype)
    loss = np.zeros(E)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for step in range(steps):
            idx = orders[:, step]
            hs = [x[idx]]
            for l in range(n_layers - 1):
                z = hs[-1] @ Ws[l]
                z += bs[l]
                hs.append(np.tanh(z, out=z))
            logits = hs[-1] @ Ws[-1]
            logits += bs[-1]
            loss, g = _sm.loss_and_grad(logits, y[idx], rate)
            bad = ~np.isfinite(loss)
            rate[bad] = 0.0
            g[bad] = 0.0
            for l in range(n_layers - 1, -1, -1):
                gW = np.swapaxes(hs[l], 1, 2) @ g
                gb = g.sum(axis=1, keepdims=True)
                if l > 0:
                    h = hs[l]
                    g = g @ np.swapaxes(Ws[l], 1, 2)
                    g *= 1.0 - h * h
                Ws[l] -= gW
                bs[l] -= gb
    return loss


def _accuracy(Ws, bs, x, y):
    E, n_in, n_out = Ws[0].shape
    # The first layer as one product: every member sees the same x.
    h = (x @ Ws[0].transpose(1, 0, 2).reshape(n_in, E * n_out)).reshape(
        x.shape[0], E, n_out).transpose(1, 0, 2) + bs[0]
    h = np.tanh(h)
    for l in range(1, len(Ws) - 1):
        h = np.tanh(h @ Ws[l] + bs[l])
    logits = h @ Ws[-1] + bs[-1]
    return np.mean(np.argmax(logits, axis=2) == y[None], axis=1)


def trainability(depths=(4, 8, 16, 32, 64), sigma_w2=(0.5, 1.0, 1.5, 1.76, 2.5, 4.0), *,
                 sigma_b2=0.05, width=32, steps=150, lr=0.02, batch_size=32, seeds=3,
                 threshold=0.3, dtype=np.float64, rng=0):
    """Train tanh networks over a grid of depth and :math:`\\sigma_w^2` on the digits.

    For every depth, :math:`\\sigma_w^2` and seed, a network with ``depth``
    hidden tanh layers of ``width`` units and a linear softmax layer (weights
    :math:`\\mathcal N(0, \\sigma_w^2/\\text{fan\\_in})`, biases
    :math:`\\mathcal N(0, \\sigma_b^2)`, every layer including the last) is
    trained with plain minibatch SGD on the softmax cross-entropy of the
    digits' training split (:func:`winit.data.digits`, standardised
    pixels).  Within a seed, every :math:`\\sigma_w^2` uses the same
    standard-normal draws and the same minibatches.  Schoenholz et al. (2017)
    find the trainable region bounded by about :math:`6 \\xi_c`.

    Parameters
    ----------
    depths : sequence of int, default (4, 8, 16, 32, 64)
        Hidden layers.
    sigma_w2 : sequence of float, default (0.5, 1.0, 1.5, 1.76, 2.5, 4.0)
        Weight variances times fan-in, each :math:`> 0`.
    sigma_b2 : float, default 0.05
        Bias variance.
    width : int, default 32
        Units per hidden layer.
    steps : int, default 150
        SGD steps.
    lr : float, default 0.02
        Learning rate.
    batch_size : int, default 32
        Examples per minibatch.
    seeds : int, default 3
        Independent networks (and minibatch orders) per setting.
    threshold : float, default 0.3
        Training accuracy above which a run counts as trained (chance: 0.1).
    dtype : {numpy.float32, numpy.float64}, default numpy.float64
        Floating type of the networks.  With float64 the rounding
        differences between BLAS libraries stay far below what changes an
        accuracy, even for the deep chaotic networks, whose training
        amplifies them.
    rng : None, int or numpy.random.Generator, default 0
        Source of randomness: the data split, the weights, the minibatches.

    Returns
    -------
    TrainabilityGrid

    Raises
    ------
    ValueError, TypeError
        If an argument is malformed; the message names it.
    """
    depths = np.atleast_1d(np.asarray(depths))
    if depths.ndim != 1 or depths.size == 0 or not np.issubdtype(depths.dtype, np.integer) \
            or (depths < 1).any():
        raise ValueError(f"depths must be positive integers (hidden layers); got {depths.tolist()}")
    sw2 = np.atleast_1d(np.asarray(sigma_w2, dtype=float))
    if sw2.ndim != 1 or sw2.size == 0 or not np.isfinite(sw2).all() or (sw2 <= 0).any():
        raise ValueError(f"sigma_w2 must be positive numbers; got {sw2.tolist()}")
    sigma_b2 = check_real(sigma_b2, "sigma_b2", "the bias variance", nonnegative=True)
    width = check_count(width, "width", "the units per hidden layer")
    steps = check_count(steps, "steps", "the number of SGD steps")
    lr = check_real(lr, "lr", "the learning rate", positive=True)
    batch_size = check_count(batch_size, "batch_size", "the examples per minibatch")
    seeds = check_count(seeds, "seeds", "the networks per setting")
    threshold = check_real(threshold, "threshold", "an accuracy in [0, 1)", nonnegative=True)
    if not threshold < 1:
        raise ValueError(f"threshold must be an accuracy in [0, 1); got {threshold}")
    dtype = np.dtype(dtype)
    if dtype not in (np.float32, np.float64):
        raise TypeError(f"dtype must be numpy.float32 or numpy.float64; got {dtype}")
    rng = check_rng(rng)
    data = digits(rng=rng)
    x, y = data.x_train.astype(dtype), data.y_train
    n, n_in, n_classes = x.shape[0], x.shape[1], 10
    if batch_size > n:
        raise ValueError(f"batch_size must be at most the number of images ({n}); got {batch_size}")
    # orders[s]: seed s's minibatches, shared by every sigma_w2 of that seed.
    orders = np.stack([minibatch_orders(n, batch_size, steps, rng) for _ in range(seeds)])
    member_order = np.repeat(orders, sw2.size, axis=0)  # member = seed * n_w + j
    scale_w = np.tile(np.sqrt(sw2), seeds)[:, None, None]
    xi_c = np.array([meanfield.depth_scales(s, sigma_b2, "tanh")[1] for s in sw2])
    acc = np.empty((depths.size, sw2.size, seeds))
    for i, depth in enumerate(depths):
        sizes = [n_in] + [width] * int(depth) + [n_classes]
        Ws, bs = [], []
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
            w = rng.standard_normal((seeds, fan_in, fan_out)) / math.sqrt(fan_in)
            b = rng.standard_normal((seeds, 1, fan_out)) * math.sqrt(sigma_b2)
            Ws.append((np.repeat(w, sw2.size, axis=0) * scale_w).astype(dtype))
            bs.append(np.repeat(b, sw2.size, axis=0).astype(dtype))
        with _one_blas_thread():
            _ensemble_sgd(Ws, bs, x, y, steps=steps, lr=lr, batch_size=batch_size,
                          orders=member_order)
        with np.errstate(over="ignore", invalid="ignore"), _one_blas_thread():
            acc[i] = _accuracy(Ws, bs, x, y).reshape(seeds, sw2.size).T
    settings = dict(width=width, steps=steps, lr=lr, batch_size=batch_size, seeds=seeds,
                    dtype=dtype.name, n_train=n)
    return TrainabilityGrid(depths=depths.astype(int), sigma_w2=sw2, sigma_b2=sigma_b2,
                            accuracy=acc, xi_c=xi_c,
                            threshold=threshold, settings=settings)
