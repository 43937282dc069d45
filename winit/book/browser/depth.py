"""The depth explorer: signals through a deep network at initialisation, computed in the page.

:class:`DepthExplorer` is an anywidget whose front-end code (``js/depth.js`` on the shared
fragments) draws the weights of ``depth`` square hidden layers of ``width`` units with a seeded
generator, sends a batch of standard normal inputs forward and the gradient of a softmax
cross-entropy (random labels, 10 classes) backward, and draws, layer by layer, the spread of
the activations and of the gradients with the mean-field theory lines, and histograms of three
layers' activations. Every setting redraws in the page, with no Python behind it.

The Python side holds the settings (traits tagged ``setting=True``), hands the front end the
data it needs (the quadrature rule of :mod:`winit.meanfield`, the limits, the labels), and
draws the first state with numpy and matplotlib (:func:`depth_signals`,
:func:`draw_depth_signals`) for front ends that show outputs before the code runs.

The theory lines are those of the mean-field picture (:mod:`winit.meanfield`; Poole et al.
2016, Schoenholz et al. 2017 section 4). With :math:`\\sigma_w^2` the fan-in times the
weights' variance and :math:`\\sigma_b^2` the biases' variance, the pre-activations of layer
:math:`l` have variance :math:`q_l`, with :math:`q_1 = \\sigma_w^2 + \\sigma_b^2` (standard
normal inputs) and :math:`q_{l+1} = \\sigma_w^2 E[\\phi(\\sqrt{q_l} z)^2] + \\sigma_b^2` (the
length map); the activations' spread is :math:`\\sqrt{E[\\phi^2] - E[\\phi]^2}` at
:math:`q_l`. Going back, the gradient's mean square changes from layer :math:`l + 1` to
:math:`l` by :math:`\\chi_1(q_l) = \\sigma_w^2 E[\\phi'(\\sqrt{q_l} z)^2]`: the line starts at
the last hidden layer's measured spread (what the loss and the output layer give it).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import traitlets

from ... import meanfield
from ..._numerics import std as _std
from ..._validation import check_choice, check_count, check_real
from ._assets import ACTIVATION_LABELS, SCHEME_RULES, BrowserExplorer, check_seed, setting

__all__ = ["ACTIVATIONS", "INITS", "DepthExplorer", "DepthSignals", "depth_signals",
           "draw_depth_signals", "sigma_w2", "theory_lines"]

#: The activations offered, in the order of the menu, with their labels.
ACTIVATIONS = dict(ACTIVATION_LABELS)

#: The initialisations offered, by the names of :data:`winit.schemes.SCALINGS` (and
#: ``"orthogonal"``), with their labels. One entry per variance and shape that the
#: explorer can tell apart: every hidden layer is square (n = m), so Keras's
#: ``glorot_uniform`` is ``normalized_xavier`` itself, and ``he_uniform``,
#: ``he_normal`` (truncated), ``lecun_uniform``, ``lecun_normal`` and ``glorot_normal``
#: only change the shape of a distribution whose variance ``he`` or ``lecun`` already
#: has; after one layer the sums are Gaussian whatever that shape, so the lines would
#: be the same.
INITS = {"xavier": f"{SCHEME_RULES['xavier']} (tutorial's xavier)",
         "normalized_xavier": f"{SCHEME_RULES['normalized_xavier']} (Glorot)",
         "lecun": f"{SCHEME_RULES['lecun']} (LeCun)",
         "he": f"{SCHEME_RULES['he']} (He)",
         "orthogonal": "orthogonal"}

#: The settings' ranges: (low, high).
DEPTH_RANGE = (1, 100)
WIDTH_RANGE = (10, 1000)
GAIN_RANGE = (0.1, 10.0)
BIAS_RANGE = (0.0, 1.0)

#: Inputs sent through the network at once (the page's forward and backward pass cost
#: batch x depth x width**2 multiply-adds each).
BATCH = 8
#: Classes of the output layer (random labels).
CLASSES = 10
#: The most weights the page keeps in memory (float64, 128 MB: a phone's browser tab stays well
#: under its memory limit): beyond, it draws each layer's
#: weights again for the backward pass from the layer's own seed.
MAX_FLOATS = 16_000_000
#: The most work (depth x width**3 multiply-adds) the page spends on orthogonal weights
#: (a QR factorisation per layer); beyond, it says to choose fewer or narrower layers.
MAX_ORTHOGONAL_WORK = 2_000_000_000
#: The verdict's bands (:func:`_verdict`): a signal whose standard deviation changes by less than
#: LEVEL_BAND (either way) from the first hidden layer to the last is level; beyond
#: EXTREME_BAND a shrinking one is vanishing, a growing one exploding.
LEVEL_BAND = 2.0
EXTREME_BAND = 100.0


#: Each setting's check: its value, or TypeError/ValueError naming it.
_CHECKS = {
    "depth": lambda v: check_count(v, "depth", "the number of hidden layers", high=DEPTH_RANGE[1]),
    "width": lambda v: check_count(v, "width", "the units per hidden layer", low=WIDTH_RANGE[0],
                                   high=WIDTH_RANGE[1]),
    "activation": lambda v: check_choice(v, "activation", tuple(ACTIVATIONS)),
    "init": lambda v: check_choice(v, "init", tuple(INITS)),
    "gain": lambda v: check_real(v, "gain", "the factor on the scheme's weights",
                                 low=GAIN_RANGE[0], high=GAIN_RANGE[1]),
    "bias_std": lambda v: check_real(v, "bias_std", "the biases' standard deviation",
                                     low=BIAS_RANGE[0], high=BIAS_RANGE[1]),
    "seed": check_seed,
    "layer": lambda v: None if v is None else check_count(
        v, "layer", "a hidden layer whose histogram is shown", high=DEPTH_RANGE[1]),
}


def _check_settings(depth, width, activation, init, gain, bias_std, seed):
    """The settings, checked: ValueError/TypeError naming the argument."""
    values = (depth, width, activation, init, gain, bias_std, seed)
    return tuple(_CHECKS[name](value) for name, value in zip(_CHECKS, values))


def sigma_w2(init, width, gain=1.0):
    """:math:`\\sigma_w^2`, the fan-in times the weights' variance, of a square hidden layer.

    Parameters
    ----------
    init : str
        One of :data:`INITS`.
    width : int
        The layer's units (its fan-in and fan-out).
    gain : float, default 1.0
        The factor on the weights.

    Returns
    -------
    float
        ``gain**2 * width * scheme_std(init, width, width)**2``: ``gain**2 / 3`` for
        ``"xavier"``, ``gain**2`` for ``"normalized_xavier"``, ``"lecun"`` and
        ``"orthogonal"``, ``2 gain**2`` for ``"he"``.

    Raises
    ------
    TypeError, ValueError
        If an argument is not one of the explorer's settings.

    Examples
    --------
    >>> from winit.book.browser.depth import sigma_w2
    >>> round(sigma_w2("xavier", 100), 12), sigma_w2("he", 100, 0.5), sigma_w2("orthogonal", 10)
    (0.333333333333, 0.5, 1.0)
    """
    from ...schemes import scheme_std

    init = check_choice(init, "init", tuple(INITS))
    width = check_count(width, "width", "the units per hidden layer")
    gain = check_real(gain, "gain", "the factor on the scheme's weights", positive=True)
    if init == "orthogonal":  # W.T W = gain**2 I: each weight has variance gain**2 / n
        return gain * gain
    return gain * gain * width * scheme_std(init, width, width) ** 2


def theory_lines(depth, activation, sigma_w2, sigma_b2=0.0, grad_last=1.0):
    """The mean-field lines of the activations' and the gradients' spread, layer by layer.

    Parameters
    ----------
    depth : int
        Hidden layers.
    activation : str
        One of :data:`ACTIVATIONS`.
    sigma_w2 : float
        Fan-in times the weights' variance (:func:`sigma_w2`), positive.
    sigma_b2 : float, default 0.0
        The biases' variance.
    grad_last : float, default 1.0
        The gradients' spread at the last hidden layer, where the line starts.

    Returns
    -------
    q, act, grad : numpy.ndarray, each of shape (depth,)
        The pre-activations' variance :math:`q_l` (from :math:`q_1 = \\sigma_w^2 +
        \\sigma_b^2`, unit inputs, by :func:`winit.meanfield.length_map`), the
        activations' standard deviation :math:`\\sqrt{E[\\phi^2] - E[\\phi]^2}` at
        :math:`q_l`, and the gradients' root mean square, ``grad_last`` at the last layer
        and times :math:`\\sqrt{\\chi_1(q_l)}` (:func:`winit.meanfield.chi_1` at ``q``)
        from layer :math:`l + 1` down to :math:`l`. Where a value leaves float64's range
        the lines hold NaN from there on.

    Raises
    ------
    TypeError, ValueError
        If an argument is out of range.

    Examples
    --------
    >>> from winit.book.browser.depth import theory_lines
    >>> q, act, grad = theory_lines(3, "relu", 2.0, 0.0, grad_last=1.0)
    >>> q.round(12).tolist(), grad.round(12).tolist()
    ([2.0, 2.0, 2.0], [1.0, 1.0, 1.0])
    """
    depth = check_count(depth, "depth", "the number of hidden layers")
    activation = check_choice(activation, "activation", tuple(ACTIVATIONS))
    sigma_w2 = check_real(sigma_w2, "sigma_w2", "the weights' variance times the fan-in",
                          positive=True)
    sigma_b2 = check_real(sigma_b2, "sigma_b2", "the biases' variance", nonnegative=True)
    grad_last = check_real(grad_last, "grad_last", "the last layer's gradient spread",
                           positive=True)
    from ...activations import get

    phi = get(activation).function
    q = np.full(depth, np.nan)
    act = np.full(depth, np.nan)
    grad = np.full(depth, np.nan)
    try:
        q[0] = sigma_w2 + sigma_b2
        for l in range(1, depth):
            q[l] = meanfield.length_map(q[l - 1], sigma_w2, sigma_b2, activation)
    except ValueError:  # the length map overflowed or underflowed: the line stops there
        pass
    for l in range(depth):
        if not np.isfinite(q[l]):
            break
        scale = math.sqrt(max(q[l], 1.0))  # phi / scale: its square cannot overflow
        mean = meanfield.expect(lambda u: phi(u) / scale, q[l])
        second = meanfield.expect(lambda u: (phi(u) / scale) ** 2, q[l])
        act[l] = scale * math.sqrt(max(second - mean * mean, 0.0))
    grad[-1] = grad_last
    for l in range(depth - 2, -1, -1):
        if not np.isfinite(q[l]):
            break
        try:
            factor = meanfield.chi_1(sigma_w2, sigma_b2, activation, q=q[l])
        except ValueError:
            break
        value = grad[l + 1] * math.sqrt(factor)
        if not 0.0 < value < math.inf:
            break
        grad[l] = value
    return q, act, grad


class DepthSignals(NamedTuple):
    """One forward and backward pass through a deep network, summarised layer by layer."""

    depth: int
    width: int
    activation: str
    init: str
    gain: float
    bias_std: float
    activation_std: np.ndarray  # (depth,): numpy's std of each hidden layer's activations
    gradient_std: np.ndarray  # (depth,): of dL/dz, times the batch (one input's gradient)
    theory_act: np.ndarray  # (depth,): theory_lines
    theory_grad: np.ndarray
    samples: dict  # layer number -> that layer's activations (batch x width values)
    status: str  # as _verdict
    message: str


def depth_signals(depth, width, activation, init, *, gain=1.0, bias_std=0.0, seed=0,
                  batch=BATCH, layer=None):
    """What the explorer shows for one setting, computed with numpy and :mod:`winit.networks`.

    The inputs are ``batch`` standard normal vectors, the labels random among
    :data:`CLASSES` classes, the weights drawn by the scheme ``init`` times ``gain``
    (biases :math:`N(0, \\text{bias\\_std}^2)`), the hidden layers ``width`` units wide and
    the output layer :data:`CLASSES` wide, linear, under a softmax cross-entropy. The
    statistics are those of :func:`winit.book.explorers.depth_view`; the generator is
    numpy's, so the numbers are the page's in distribution, not draw for draw.

    Parameters
    ----------
    depth, width, activation, init, gain, bias_std, seed
        The explorer's settings (:class:`DepthExplorer`).
    batch : int, default :data:`BATCH`
        Inputs.
    layer : int, optional
        The middle histogram's layer (clipped to ``depth``); by default the middle layer.

    Returns
    -------
    DepthSignals

    Raises
    ------
    TypeError, ValueError
        If a setting is out of the explorer's range.

    Examples
    --------
    >>> from winit.book.browser.depth import depth_signals
    >>> s = depth_signals(5, 100, "relu", "he", seed=0)
    >>> s.activation_std.shape, sorted(s.samples), s.status
    ((5,), [1, 3, 5], 'level')
    """
    from ...networks import backward, forward, init_weights
    from ...schemes import SCALINGS, orthogonal, scheme_rule

    depth, width, activation, init, gain, bias_std, seed = _check_settings(
        depth, width, activation, init, gain, bias_std, seed)
    batch = check_count(batch, "batch", "the number of inputs")
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, width))
    y = rng.integers(0, CLASSES, size=batch)
    sizes = [width] * (depth + 1) + [CLASSES]
    if init == "orthogonal":
        params = init_weights(sizes, sampler=lambda i, o, r: orthogonal((i, o), gain, rng=r),
                              rng=rng)
    else:
        rule, distribution = scheme_rule(init)
        assert SCALINGS[init][2] == distribution in ("uniform", "normal")
        params = init_weights(sizes, std=lambda i, o: gain * rule(i, o),
                              distribution=distribution, rng=rng)
    if bias_std > 0:
        params = [(w, rng.normal(0.0, bias_std, size=w.shape[1])) for w, _ in params]
    with np.errstate(over="ignore", invalid="ignore", under="ignore"), _blas_threads(width):
        rec = forward(params, x, activation)
        grads = backward(params, rec, y)
        acts = rec.activations
        act_std = np.array([_std(a) for a in acts])
        grad_std = np.array([_std(g) for g in grads.grad_pre_activations[:-1]]) * batch
    if not rec.finite:
        grad_std = np.full(depth, np.nan)
    status, message = _verdict(act_std, grad_std)
    anchor = grad_std[-1]
    _, theory_act, theory_grad = theory_lines(
        depth, activation, sigma_w2(init, width, gain), bias_std ** 2,
        anchor if 0 < anchor < math.inf else 1.0)
    if not 0 < anchor < math.inf:
        theory_grad[:] = np.nan
    middle = (depth + 1) // 2 if layer is None else min(check_count(layer, "layer", "a hidden layer"),
                                                       depth)
    samples = {k: acts[k - 1].ravel().copy() for k in sorted({1, middle, depth})}
    return DepthSignals(depth, width, activation, init, gain, bias_std, act_std, grad_std,
                        theory_act, theory_grad, samples, status, message)


# ---- the verdict and the picture's helpers (the depth explorer's own)

#: Up to this width, the depth explorer's products run on one BLAS thread.
ONE_THREAD_WIDTH = 512


def _blas_threads(width):
    """A context in which BLAS uses one thread for networks up to
    :data:`ONE_THREAD_WIDTH` units wide, where threadpoolctl (which
    scikit-learn brings) is installed.  Their products are small (64 x 100 by
    100 x 100 for the pre-rendered grid): a second thread gains nothing, and
    OpenBLAS threads spinning between products cost as much CPU time as the
    products themselves."""
    import contextlib

    from ..._threads import one_blas_thread

    return contextlib.nullcontext() if width > ONE_THREAD_WIDTH else one_blas_thread()


def _change(what, ratio, span, layers):
    """'activations × 0.239 from layer 1 to 20 (× 0.927/layer)': a finite positive
    ``ratio`` over ``layers`` steps, with the factor per layer when it is not level."""
    nbsp = "\u00a0"  # keeps '× 0.927' on one line when the title is wrapped
    text = f"{what} ×{nbsp}{ratio:.3g}" if 1e-3 <= ratio < 1e4 else f"{what} ×{nbsp}{ratio:.1e}"
    text += f" {span}"
    if layers > 1 and not 1 / LEVEL_BAND <= ratio <= LEVEL_BAND:
        text += f" (×{nbsp}{ratio ** (1.0 / layers):.3g}/layer)"
    return text


def _verdict(act_std, grad_std):
    """(status, message) of a depth view from its per-layer standard deviations.

    The activations are compared from the first hidden layer to the last, the
    gradients from the last down to the first (the way back-propagation goes).
    Within a factor :data:`LEVEL_BAND` either way both are "level" (status
    "level"); the larger change names the verdict: "shrinking"/"growing", or
    beyond :data:`EXTREME_BAND` "vanishing"/"exploding".  Signals that are
    exactly zero (dead ReLU units) or not finite get their own message; no
    message ever holds "nan" or "inf".
    """
    depth = act_std.size
    steps = depth - 1
    if not (np.isfinite(act_std).all() and np.isfinite(grad_std).all()):
        return "overflow", ("Overflow: the signal became too large for floating point; the weights "
                            "are far too large for this depth. Plotted where it is finite.")
    zero = [name for name, v in (("activations", act_std), ("gradients", grad_std))
            if (v == 0).any()]
    if zero:
        return "vanishing", (f"Vanishing: the {' and the '.join(zero)} are exactly zero in some "
                             "layers (every unit inactive for every input).")
    if depth == 1:
        return "level", "One hidden layer: no change across depth to measure."
    ratios = {"activations": float(act_std[-1] / act_std[0]),
              "gradients": float(grad_std[0] / grad_std[-1])}
    worst = max(ratios.values(), key=lambda r: abs(math.log(r)))
    if 1 / LEVEL_BAND <= worst <= LEVEL_BAND:
        status, word = "level", "Level"
    elif worst < 1 / EXTREME_BAND:
        status, word = "vanishing", "Vanishing"
    elif worst < 1:
        status, word = "shrinking", "Shrinking"
    elif worst > EXTREME_BAND:
        status, word = "exploding", "Exploding"
    else:
        status, word = "growing", "Growing"
    message = (f"{word}: "
               f"{_change('activations', ratios['activations'], f'from layer 1 to {depth}', steps)},\n"
               f"{_change('gradients', ratios['gradients'], f'from layer {depth} to 1', steps)}.")
    return status, message


#: Standard deviations below this are shown at this floor on the log scale.
STD_FLOOR = 1e-300


#: Beyond these, matplotlib's 5 % margins of a log axis overflow (or underflow) float64.
_LOG_AXIS_RANGE = (1e-250, 1e250)


def _autoscale_log(ax, values):
    """:func:`_autoscale` for an axes whose y axis is logarithmic; where ``values``
    leave :data:`_LOG_AXIS_RANGE`, the y limits are set here, 5 % of the span in
    decades beyond the data as matplotlib does, but never beyond float64's range
    (matplotlib's own margins would overflow, with a numpy warning)."""
    from matplotlib.ticker import FixedLocator, LogLocator, NullLocator

    from ..explorers import _autoscale

    lo, hi = _LOG_AXIS_RANGE
    if not values or (lo <= min(values) and max(values) <= hi):
        if getattr(ax, "_winit_fixed_ticks", False):  # back to matplotlib's log ticks
            ax.yaxis.set_major_locator(LogLocator(10.0))
            ax.yaxis.set_minor_locator(LogLocator(10.0, None))
            ax._winit_fixed_ticks = False
        _autoscale(ax)
        return
    bottom, top = math.log10(min(values)), math.log10(max(values))
    pad = 0.05 * (top - bottom) if top > bottom else 1.0
    bottom, top = max(bottom - pad, -305.0), min(top + pad, 305.0)
    ax.set_autoscaley_on(False)
    ax.set_ylim(10.0 ** bottom, 10.0 ** top)
    # matplotlib's log locator also computes powers beyond the limits, which overflow:
    # ticks at every step-th power of ten inside them instead
    step = next(s for s in (1, 2, 5, 10, 20, 50, 100, 200) if s * 8 >= top - bottom)
    ax.yaxis.set_major_locator(FixedLocator(
        [10.0 ** e for e in range(math.ceil(bottom / step) * step, math.floor(top) + 1, step)]))
    ax.yaxis.set_minor_locator(NullLocator())
    ax._winit_fixed_ticks = True
    ax.relim(visible_only=True)
    ax.set_autoscalex_on(True)
    ax.autoscale_view(scaley=False)


def _tick(value):
    """A short plain label for a log-axis tick: '0.2', '30', '1e-05'."""
    if 1e-3 <= value < 1e4:
        return f"{value:.4g}"
    return f"{value:.0e}".replace("e-0", "e-").replace("e+0", "e").replace("e+", "e")


def _log_ticks(axis):
    """Plain tick labels on a log ``axis`` (typesetting '10^-5' costs more than
    the rest of the picture): every power of ten, and the 2s and 5s between when
    the axis spans less than two decades."""
    from matplotlib.ticker import FuncFormatter, NullFormatter

    def major(value, _pos=None):
        if not value > 0 or not np.isfinite(value):
            return ""
        exponent = math.log10(value)
        return _tick(value) if abs(exponent - round(exponent)) < 1e-6 else ""

    def minor(value, _pos=None):
        lo, hi = sorted(axis.get_view_interval())
        if not (value > 0 and lo > 0 and hi / lo < 100):
            return ""
        mantissa = value / 10 ** math.floor(math.log10(value) + 1e-9)
        return _tick(value) if round(mantissa, 6) in (2.0, 5.0) else ""

    axis.set_major_formatter(FuncFormatter(major))
    axis.set_minor_formatter(FuncFormatter(minor) if axis.get_scale() == "log" else NullFormatter())


def _update_samples(ax, hists, samples):
    """Show each layer's sampled activations on ``ax`` with one of the step
    patches ``hists`` (the others taken off the axes), or, when the layers' scales differ by more
    than 1000, each divided by its own std; returns whether they were divided."""
    finite = {k: v[np.isfinite(v)] for k, v in samples.items()}
    scales = [np.abs(v).max() for v in finite.values() if v.size and np.abs(v).max() > 0]
    # Layers whose scales differ by more than 1000 cannot share an axis: show shapes instead.
    normalise = bool(scales) and max(scales) > 1e3 * min(scales)
    for hist in hists:  # off the axes (the legend's 'best' place avoids even hidden artists)
        if hist.axes is not None:
            hist.remove()
    for hist, (layer, v) in zip(hists, finite.items()):
        if not v.size:  # every sampled value overflowed: nothing to draw (and no std of nothing)
            continue
        std = _std(v)
        if normalise and np.isfinite(std) and std > 0:
            v = v / std
        if v.size:
            spread = max(np.abs(v).max(), 1e-300) if normalise else max(max(scales, default=1.0), 1e-300)
            heights, edges = np.histogram(v, bins=50, range=(-spread, spread), density=True)
            hist.set_data(heights, edges)
            hist.set_label(f"layer {layer}")
            ax.add_patch(hist)
    return normalise


def draw_depth_signals(signals):
    """Draw :class:`DepthSignals` as the explorer does: the spreads by layer (log scale) with
    the theory lines dashed, and below them the three layers' histograms; returns the figure
    (5 inches wide)."""
    import textwrap

    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    from ..explorers import _STYLE, _autoscale, _figure

    s = signals
    title = textwrap.fill(f"{s.depth} layers of {s.width} {ACTIVATIONS[s.activation]} units, "
                          f"{INITS[s.init]}, gain {s.gain:.3g}, bias std {s.bias_std:.3g}", 56)
    message = "\n".join(textwrap.fill(line, 56) for line in s.message.split("\n"))
    text = f"{title}\n{message}"
    lines = text.count("\n") + 1
    height = 0.6 + 2.3 + 0.95 + 2.5 + 0.4 + 0.19 * lines
    fig, (ax_std, ax_hist) = _figure(5.0, height, ((0.95, 3.85, 3.9, 2.5), (0.95, 0.6, 3.9, 2.3)))
    layers = np.arange(1, s.depth + 1)
    marker = "o" if s.depth <= 20 else "None"
    extent = []
    with plt.rc_context(_STYLE):
        fig.suptitle(text, y=1 - 0.08 / height, va="top")
        for values, theory, label, color in (
                (s.activation_std, s.theory_act, "activations h", "C0"),
                (s.gradient_std, s.theory_grad, "gradients ∂L/∂z", "C3")):
            shown = np.where(np.isfinite(values), np.maximum(values, STD_FLOOR), np.nan)
            ax_std.semilogy(layers, shown, marker=marker, markersize=4, color=color, label=label)
            ax_std.semilogy(layers, theory, "--", color=color, linewidth=1, label="theory")
            extent += [v for v in shown if v == v] + [v for v in theory if v == v and v > 0]
        ax_std.xaxis.set_major_locator(MaxNLocator(integer=True))
        _log_ticks(ax_std.yaxis)
        ax_std.set(xlabel="hidden layer", ylabel="standard deviation",
                   title="Spread by layer (log scale), theory dashed")
        ax_std.legend(ncols=2)
        _autoscale_log(ax_std, extent)
        hists = [ax_hist.stairs(np.zeros(50), np.linspace(-1.0, 1.0, 51), color=f"C{i}")
                 for i in range(3)]
        with np.errstate(over="ignore", invalid="ignore"):
            normalise = _update_samples(ax_hist, hists, s.samples)
        _autoscale(ax_hist)
        ax_hist.xaxis.set_major_locator(MaxNLocator(nbins=5))
        ax_hist.set(xlabel="activation value", ylabel="density",
                    title="Three layers' activations, each / its std" if normalise
                    else "Three layers' activations")
        ax_hist.legend(handles=[h for h in hists if h.axes is not None])
    return fig


def _meanfield_rule():
    """The Gauss-Legendre rule of one panel of :func:`winit.meanfield.expect`'s composite rule
    (nodes and weights on [-1, 1], ``N_POINTS`` of them), from which the page builds that rule
    for any q (net.js ``meanFieldRule``)."""
    x, w = meanfield._nodes(meanfield.N_POINTS)
    return {"legendre_x": x.tolist(), "legendre_w": w.tolist()}


class DepthExplorer(BrowserExplorer):
    """The depth explorer: any depth, width, activation, initialisation, gain and bias spread.

    The page draws the network's weights, runs one forward and one backward pass and draws
    the spread of each hidden layer's activations and gradients (log scale) with the
    mean-field theory lines, and histograms of the first, a chosen and the last layer's
    activations; a sentence below says the verdict (a screen reader reads it as it changes).

    Parameters
    ----------
    depth : int, default 5
        Hidden layers, 1 to 100.
    width : int, default 100
        Units per hidden layer, 10 to 1,000.
    activation : str, default "tanh"
        One of :data:`ACTIVATIONS`.
    init : str, default "xavier"
        One of :data:`INITS`.
    gain : float, default 1.0
        Factor on the weights, 0.1 to 10.
    bias_std : float, default 0.0
        Standard deviation of the biases, 0 to 1.
    seed : int, default 0
        Seed of the page's generator (0 to 2**32 - 1).
    layer : int or None, default None
        The hidden layer whose histogram is shown between the first and the last (at most
        100; beyond ``depth``, the last); None: the middle one.

    Raises
    ------
    TypeError, ValueError
        If a setting is out of range (the message names it).

    Examples
    --------
    >>> from winit.book.browser.depth import DepthExplorer
    >>> DepthExplorer(depth=17, activation="relu", init="he")
    DepthExplorer(activation='relu', bias_std=0.0, depth=17, gain=1.0, init='he', layer=None, seed=0, width=100)
    """

    kind = "depth"

    depth = setting(traitlets.Int(5), _CHECKS["depth"])
    width = setting(traitlets.Int(100), _CHECKS["width"])
    activation = setting(traitlets.Unicode("tanh"), _CHECKS["activation"])
    init = setting(traitlets.Unicode("xavier"), _CHECKS["init"])
    gain = setting(traitlets.Float(1.0), _CHECKS["gain"])
    bias_std = setting(traitlets.Float(0.0), _CHECKS["bias_std"])
    seed = setting(traitlets.Int(0), _CHECKS["seed"])
    layer = setting(traitlets.Int(None, allow_none=True), _CHECKS["layer"])

    #: What the page needs besides the settings (not the reader's to change).
    batch = traitlets.Int(BATCH).tag(sync=True)
    limits = traitlets.Dict().tag(sync=True)
    choices = traitlets.Dict().tag(sync=True)
    quadrature = traitlets.Dict().tag(sync=True)

    def __init__(self, *, depth=5, width=100, activation="tanh", init="xavier", gain=1.0,
                 bias_std=0.0, seed=0, layer=None, **kwargs):
        depth, width, activation, init, gain, bias_std, seed = _check_settings(
            depth, width, activation, init, gain, bias_std, seed)
        layer = _CHECKS["layer"](layer)
        super().__init__(depth=depth, width=width, activation=activation, init=init, gain=gain,
                         bias_std=bias_std, seed=seed, layer=layer, **kwargs)
        self.limits = {"depth": list(DEPTH_RANGE), "width": list(WIDTH_RANGE),
                       "gain": list(GAIN_RANGE), "bias_std": list(BIAS_RANGE),
                       "classes": CLASSES, "max_floats": MAX_FLOATS,
                       "max_orthogonal_work": MAX_ORTHOGONAL_WORK,
                       "level_band": LEVEL_BAND, "extreme_band": EXTREME_BAND}
        self.choices = {"activation": [[k, v] for k, v in ACTIVATIONS.items()],
                        "init": [[k, v] for k, v in INITS.items()]}
        self.quadrature = _meanfield_rule()

    def signals(self):
        """:func:`depth_signals` of the current settings."""
        return depth_signals(self.depth, self.width, self.activation, self.init, gain=self.gain,
                             bias_std=self.bias_std, seed=self.seed, batch=self.batch,
                             layer=self.layer)

    def first_state_png(self):
        """The PNG of the current settings drawn by numpy and matplotlib
        (:func:`draw_depth_signals`)."""
        from ..explorers import figure_png

        return figure_png(draw_depth_signals(self.signals()))
