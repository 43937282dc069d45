"""Fans and gains: how many inputs and outputs a weight array connects, and
the factor that corrects a variance for the layer's nonlinearity.

:func:`compute_fans` is where :mod:`winit` states its weight layout, once:
``(in, out)``, as Keras and ``x @ W`` use; PyTorch's ``(out, in)`` is
available with ``layout="out_in"``.  :func:`calculate_gain` gives PyTorch's
table of gains.
"""

from __future__ import annotations

import math

from . import activations as _activations
from ._validation import check_choice, check_real, check_shape

__all__ = ["compute_fans", "calculate_gain"]

LAYOUTS = ("in_out", "out_in")

#: Nonlinearities whose gain is 1 (PyTorch's ``linear_fns`` plus sigmoid).
_GAIN_ONE = (
    "linear",
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
    "sigmoid",
)
#: PyTorch's gains other than leaky_relu's, which depends on its slope.
_GAINS = dict.fromkeys(_GAIN_ONE, 1.0) | {
    "tanh": 5.0 / 3.0,
    "relu": math.sqrt(2.0),
    "selu": 3.0 / 4.0,
}
#: The names ``torch.nn.init.calculate_gain`` knows (PyTorch's, not the registry's).
NONLINEARITIES = _GAIN_ONE + ("tanh", "relu", "leaky_relu", "selu")


def _fans(shape, layout):
    """Fans of an already validated ``shape`` (a tuple of ints); no checks."""
    if layout == "in_out":
        rank = len(shape)
        if rank == 2:
            return shape
        if rank == 0:
            return 1, 1
        if rank == 1:
            return shape[0], shape[0]
        receptive_field = math.prod(shape[:-2])
        return shape[-2] * receptive_field, shape[-1] * receptive_field
    if len(shape) < 2:
        raise ValueError(
            f"shape must have at least 2 dimensions with layout='out_in' (PyTorch's "
            f"(out, in, *receptive_field)); got {shape!r}. PyTorch itself raises here: "
            "torch.nn.init._calculate_fan_in_and_fan_out refuses tensors with fewer than "
            "2 dimensions. Use layout='in_out' for Keras's rule ((k,) -> (k, k), () -> (1, 1))"
        )
    receptive_field = math.prod(shape[2:])
    return shape[1] * receptive_field, shape[0] * receptive_field


def compute_fans(shape, layout="in_out"):
    r"""Return the fan-in and fan-out of a weight array of the given shape.

    **Weight layout.** By default (``layout="in_out"``) :mod:`winit` stores a
    dense weight as ``(n_in, n_out)``, so that a layer computes ``x @ W``,
    and a convolution kernel as ``(*receptive_field, in_channels,
    out_channels)``: this is Keras's (and JAX/Flax's) layout.  PyTorch stores
    a ``Linear`` weight as ``(out_features, in_features)`` and a convolution
    kernel as ``(out_channels, in_channels, *receptive_field)``; pass
    ``layout="out_in"`` for that layout.  The same layer has the same fans in
    both layouts: ``compute_fans((3, 5))`` equals
    ``compute_fans((5, 3), layout="out_in")``.

    Parameters
    ----------
    shape : int or tuple of int
        Shape of the weight array; an int ``k`` means ``(k,)``.
    layout : {"in_out", "out_in"}, default "in_out"
        Where the input and output dimensions are, as described above.

    Returns
    -------
    fan_in : int
        Number of inputs each output unit sums over (input units times the
        receptive-field size).
    fan_out : int
        Number of outputs each input unit feeds (output units times the
        receptive-field size).

    Raises
    ------
    TypeError
        If ``shape`` is not an int or a tuple of ints, or ``layout`` is not a
        string.
    ValueError
        If ``shape`` has a negative entry, ``layout`` is unknown, or
        ``layout="out_in"`` and ``shape`` has fewer than 2 dimensions.

    Notes
    -----
    With ``layout="in_out"`` the rule is Keras's ``compute_fans``:

    ======================================  ==================================
    shape                                   (fan_in, fan_out)
    ======================================  ==================================
    ``()``                                  ``(1, 1)``
    ``(k,)``                                ``(k, k)``
    ``(n_in, n_out)``                       ``(n_in, n_out)``
    ``(*rf, in_channels, out_channels)``    ``(in_channels * prod(rf),
                                            out_channels * prod(rf))``
    ======================================  ==================================

    With ``layout="out_in"`` it is PyTorch's ``_calculate_fan_in_and_fan_out``:
    ``(out, in, *rf)`` gives ``(in * prod(rf), out * prod(rf))``.  PyTorch
    raises for fewer than 2 dimensions, and so does :mod:`winit` in that
    layout.

    .. math::

        \mathrm{fan\_in} = c_\text{in} \prod_i k_i, \qquad
        \mathrm{fan\_out} = c_\text{out} \prod_i k_i

    Also known as: ``n_l`` (fan-in) and ``\hat n_l`` (fan-out) in He et al.
    (2015), ``n_j`` and ``n_{j+1}`` in Glorot & Bengio (2010).

    References
    ----------
    .. [1] Keras, ``keras.src.initializers.random_initializers.compute_fans``.
    .. [2] PyTorch, ``torch.nn.init._calculate_fan_in_and_fan_out``.
    .. [3] K. He, X. Zhang, S. Ren, J. Sun, "Delving Deep into Rectifiers",
       ICCV 2015, section 2.2 (``n_l = k^2 c``).

    Examples
    --------
    >>> from winit import compute_fans
    >>> compute_fans((784, 256))                  # dense, x @ W
    (784, 256)
    >>> compute_fans((256, 784), layout="out_in")  # the same layer, PyTorch's storage
    (784, 256)
    >>> compute_fans((3, 3, 16, 32))              # 3x3 conv, 16 -> 32 channels
    (144, 288)
    >>> compute_fans((32, 16, 3, 3), layout="out_in")
    (144, 288)
    >>> compute_fans(())
    (1, 1)
    """
    shape = check_shape(shape, "shape")
    check_choice(layout, "layout", LAYOUTS)
    return _fans(shape, layout)


def calculate_gain(nonlinearity, param=None):
    r"""Return the recommended gain for a nonlinearity, as PyTorch does.

    The gain :math:`g` multiplies a standard deviation (so :math:`g^2` the
    variance) to make up for what the nonlinearity does to the signal's
    scale; He initialisation is ``scale = g**2 = 2`` for ReLU.

    Parameters
    ----------
    nonlinearity : str
        One of ``"linear"``, ``"conv1d"``, ``"conv2d"``, ``"conv3d"``,
        ``"conv_transpose1d"``, ``"conv_transpose2d"``,
        ``"conv_transpose3d"``, ``"sigmoid"``, ``"tanh"``, ``"relu"``,
        ``"leaky_relu"``, ``"selu"``.
    param : float, optional
        The negative slope :math:`a` of ``"leaky_relu"`` (default 0.01).
        Only ``"leaky_relu"`` takes it.

    Returns
    -------
    float
        The gain.

    Raises
    ------
    TypeError
        If ``nonlinearity`` is not a string or ``param`` is not a real
        number.
    ValueError
        If ``nonlinearity`` is unknown (PyTorch's names only: an activation
        of :mod:`winit.activations` PyTorch gives no gain for, such as
        ``"gelu"``, is refused and the message says so), ``param`` is given
        for a nonlinearity that takes none, or ``param`` is NaN or infinite.

    Notes
    -----
    ===================================  =====================================
    nonlinearity                         gain
    ===================================  =====================================
    linear, conv*, conv_transpose*       :math:`1`
    sigmoid                              :math:`1`
    tanh                                 :math:`5/3`
    relu                                 :math:`\sqrt{2}`
    leaky_relu                           :math:`\sqrt{2 / (1 + a^2)}`
    selu                                 :math:`3/4`
    ===================================  =====================================

    .. math::

        g_\mathrm{leaky\_relu} = \sqrt{\frac{2}{1 + a^2}}

    The ReLU and leaky-ReLU gains follow He et al. (2015), eq. (15)
    (:math:`\frac12 (1 + a^2) n_l \operatorname{Var}[w_l] = 1`).  The tanh
    and SELU values are PyTorch's choices (SELU's 3/4 was found empirically,
    PyTorch pull request 50664); PyTorch ignores ``param`` for the others,
    :mod:`winit` refuses it so that a misplaced slope is not silently lost.

    Also known as: ``gain`` in ``torch.nn.init.xavier_uniform_`` and
    ``kaiming_*_`` (where ``a`` is ``param``).

    For :math:`|a| > 10^{150}` the gain is computed as :math:`\sqrt{2}/|a|`,
    which equals :math:`\sqrt{2/(1+a^2)}` to double precision there, so that
    :math:`a^2` does not overflow and the gain does not come out as 0.

    References
    ----------
    .. [1] PyTorch, ``torch.nn.init.calculate_gain``.
    .. [2] K. He, X. Zhang, S. Ren, J. Sun, "Delving Deep into Rectifiers:
       Surpassing Human-Level Performance on ImageNet Classification",
       ICCV 2015, eq. (15).

    Examples
    --------
    >>> from winit import calculate_gain
    >>> calculate_gain("relu")
    1.4142135623730951
    >>> calculate_gain("tanh")
    1.6666666666666667
    >>> calculate_gain("leaky_relu", 0.2)
    1.3867504905630728
    """
    if (isinstance(nonlinearity, str) and nonlinearity in _activations.ACTIVATIONS
            and nonlinearity not in NONLINEARITIES):
        raise ValueError(
            f"nonlinearity must be one of {', '.join(map(repr, NONLINEARITIES))}; got "
            f"{nonlinearity!r}, an activation winit knows but PyTorch's calculate_gain has no "
            "gain for (winit.meanfield.edge_of_chaos or winit.lsuv find a variance for it)"
        )
    check_choice(nonlinearity, "nonlinearity", NONLINEARITIES)
    if nonlinearity == "leaky_relu":
        # PyTorch's default param, which is also winit's slope of leaky_relu.
        slope = _activations.LEAKY_RELU_SLOPE if param is None else check_real(
            param, "param", "the negative slope of leaky_relu"
        )
        if abs(slope) <= 1e150:  # slope * slope is finite: PyTorch's formula, to the bit
            return math.sqrt(2.0 / (1.0 + slope * slope))
        # slope * slope would overflow to inf and the gain to 0; 1 + a^2 = a^2 in
        # float64 for |a| > 2**27, so sqrt(2 / (1 + a^2)) = sqrt(2) / |a| to double precision.
        return math.sqrt(2.0) / abs(slope)
    if param is not None:
        raise ValueError(
            f"param must be None for nonlinearity={nonlinearity!r} (only 'leaky_relu' "
            f"takes a parameter, its negative slope); got {param!r}"
        )
    return _GAINS[nonlinearity]
