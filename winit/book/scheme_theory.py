r"""What the scheme explorer's theory lines are: the exact laws of one node's weights, of its
weighted sum, and of its activation.

A node with ``n`` inputs computes :math:`z = \sum_{i=1}^n w_i x_i`. The chapters' *unit
inputs* have mean 0 and variance 1 (xavier.ipynb, "Why: the signal keeps only a third of its
variance"). The explorer gives its node inputs :math:`x_i = \pm 1` with random signs: each
has mean 0 and variance 1, and size exactly 1. A weight distribution symmetric about 0 does
not change when a weight's sign is flipped, so :math:`w_i x_i` has the law of :math:`w_i`, and
:math:`z` has the law of the plain sum :math:`w_1 + \dots + w_n`:

- **uniform weights** :math:`U[-a, a]`: :math:`z = a(2S - n)` with :math:`S` the sum of
  :math:`n` independent :math:`U[0, 1]`, whose density is the Irwin-Hall density (the cardinal
  B-spline of order :math:`n`). It is computed exactly for :math:`n \le` :data:`EXACT_MAX_N`
  by the B-spline recurrence, every term of which is positive (the textbook alternating sum
  loses all its digits to cancellation by :math:`n \approx 40`). Above, the normal
  :math:`N(0, n a^2/3)` is drawn. Why there: the uniform's excess kurtosis is
  :math:`-6/5`, so the sum's is :math:`-6/(5n)`; the first Edgeworth term then puts the normal
  density within :math:`0.15/n` of the peak's height from the exact one (0.15 % at
  :math:`n = 100`), far below what a histogram of 2,000 sums can show.
- **normal weights** :math:`N(0, \sigma^2)`: :math:`z \sim N(0, n\sigma^2)` exactly, for every
  :math:`n`.

After the activation :math:`h = g(z)`: for tanh, a change of variables,
:math:`f_h(h) = f_z(\operatorname{atanh} h) / (1 - h^2)` on :math:`(-1, 1)`; for ReLU,
:math:`P(h = 0) = P(z \le 0) = 1/2` (:math:`z` is symmetric and continuous), a point mass,
and :math:`f_h(h) = f_z(h)` for :math:`h > 0`.

The explorer's JavaScript (``winit/book/browser/js/scheme.js``) computes the same functions;
tests/test_browser_scheme.py checks that it agrees with these.
"""

from __future__ import annotations

import math

import numpy as np

from .._validation import check_choice, check_count
from ..schemes import SCALINGS, scheme_bound, scheme_std

#: The schemes the explorer offers: the tutorial's three, then LeCun's normal and the
#: uniform forms of He and LeCun (those whose weights are plainly uniform or normal).
SCHEME_CHOICES = ("xavier", "normalized_xavier", "he", "lecun", "he_uniform", "lecun_uniform")
#: The activations the explorer applies to z.
ACTIVATION_CHOICES = ("tanh", "relu")
#: The largest n and m the explorer takes.
MAX_FAN = 1000
#: Up to this n the density of z for uniform weights is the exact Irwin-Hall density;
#: above it, the normal (see the module's text for why the difference cannot be seen).
EXACT_MAX_N = 100

_N = "the number of inputs to the node"
_M = "the number of outputs of the layer"


def check_setting(scheme, n, m):
    """``(scheme, n, m)`` checked: a scheme of :data:`SCHEME_CHOICES`, n and m from 1 to
    :data:`MAX_FAN`; raises TypeError or ValueError naming the argument."""
    return (check_choice(scheme, "scheme", SCHEME_CHOICES),
            check_count(n, "n", _N, high=MAX_FAN), check_count(m, "m", _M, high=MAX_FAN))


def weight_law(scheme, n, m):
    """The law of one weight: ``(family, spread)``.

    Parameters
    ----------
    scheme : str
        One of :data:`SCHEME_CHOICES`.
    n, m : int
        The layer's numbers of inputs and outputs, 1 to :data:`MAX_FAN`.

    Returns
    -------
    tuple
        ``("uniform", a)`` for :math:`U[-a, a]` or ``("normal", sigma)`` for
        :math:`N(0, \\sigma^2)`, from :func:`winit.schemes.scheme_bound` and
        :func:`~winit.schemes.scheme_std`.

    Raises
    ------
    TypeError, ValueError
        If ``scheme`` is not one of :data:`SCHEME_CHOICES`, or n or m not an integer from 1 to
        :data:`MAX_FAN`.

    Examples
    --------
    >>> weight_law("xavier", 100, 7)
    ('uniform', 0.1)
    >>> weight_law("he", 50, 7)[1] == (2 / 50) ** 0.5
    True
    """
    scheme, n, m = check_setting(scheme, n, m)
    if SCALINGS[scheme][2] == "uniform":
        return "uniform", scheme_bound(scheme, n, m)
    return "normal", scheme_std(scheme, n, m)


def _normal_pdf(x, std):
    return np.exp(-0.5 * (x / std) ** 2) / (std * math.sqrt(2 * math.pi))


def weight_density(w, scheme, n, m):
    """The density of one weight of ``scheme`` at the values ``w``.

    Parameters
    ----------
    w : array_like
        Weight values.
    scheme, n, m
        As :func:`weight_law`.

    Returns
    -------
    numpy.ndarray
        The density, of ``w``'s shape: :math:`1/(2a)` inside :math:`[-a, a]` and 0 outside for
        a uniform scheme, the normal density otherwise.

    Examples
    --------
    >>> weight_density([0.0, 0.2], "xavier", 100, 7)
    array([5., 0.])
    """
    family, spread = weight_law(scheme, n, m)
    w = np.asarray(w, dtype=float)
    if family == "uniform":
        return np.where(np.abs(w) <= spread, 1 / (2 * spread), 0.0)
    return _normal_pdf(w, spread)


def sum_std(scheme, n, m):
    """The standard deviation of :math:`z = \\sum_{i=1}^n w_i x_i` for unit inputs:
    :math:`\\sqrt{n}` times the weights' standard deviation (variances of independent terms add).

    Examples
    --------
    >>> round(sum_std("xavier", 37, 7), 12) == round(3 ** -0.5, 12)
    True
    """
    scheme, n, m = check_setting(scheme, n, m)
    return math.sqrt(n) * scheme_std(scheme, n, m)


def bspline_density(x, order):
    """The Irwin-Hall density: of the sum of ``order`` independent :math:`U[0, 1]`, at ``x``.

    Computed by the cardinal B-spline recurrence
    :math:`M_k(t) = [t\\,M_{k-1}(t) + (k - t)\\,M_{k-1}(t - 1)] / (k - 1)`, :math:`M_1` the
    indicator of :math:`[0, 1)`, whose terms are all non-negative: relative error a few
    ``order`` times the float64 rounding, where the alternating closed form loses its digits.
    Cost: ``order**2 / 2`` steps per point.

    Parameters
    ----------
    x : array_like
        Points.
    order : int
        The number of uniforms summed, at least 1.

    Returns
    -------
    numpy.ndarray
        The density at ``x`` (0 outside :math:`[0, \\text{order}]`).

    Examples
    --------
    >>> bspline_density([0.5, 1.0, 1.5], 2)  # the triangle on [0, 2]
    array([0.5, 1. , 0.5])
    """
    order = check_count(order, "order", "the number of uniforms summed")
    x = np.asarray(x, dtype=float)
    t = x[..., None] - np.arange(order)          # t - j for the shifts j = 0 .. order-1
    # M_1(x - j): the indicator of [0, 1), closed at 1 when it is the answer (order 1), so
    # that a uniform's density is 1 at both ends of its interval
    vals = ((t >= 0) & ((t < 1) | ((t == 1) & (order == 1)))).astype(float)
    for k in range(2, order + 1):
        t = t[..., :-1]
        vals = (t * vals[..., :-1] + (k - t) * vals[..., 1:]) / (k - 1)
    return vals[..., 0]


def sum_density(z, scheme, n, m):
    """The density of :math:`z = \\sum_{i=1}^n w_i x_i`, unit inputs :math:`x_i = \\pm 1`.

    Parameters
    ----------
    z : array_like
        Values of the sum.
    scheme, n, m
        As :func:`weight_law`.

    Returns
    -------
    numpy.ndarray
        For uniform weights :math:`U[-a, a]` and :math:`n \\le` :data:`EXACT_MAX_N`, the
        Irwin-Hall density scaled to :math:`z = a(2S - n)`:
        :math:`f_z(z) = f_S((z/a + n)/2) / (2a)`; for larger n, :math:`N(0, n a^2/3)`
        (within :math:`0.15/n` of the peak's height: see the module's text). For normal
        weights, :math:`N(0, n\\sigma^2)`, exact.

    Examples
    --------
    >>> sum_density([0.0, 0.1, 0.3], "xavier", 1, 1)  # n = 1: z is one weight, U[-1, 1]
    array([0.5, 0.5, 0.5])
    >>> float(sum_density([0.0], "xavier", 2, 1)[0])  # a triangle on [-2a, 2a], peak 1/(2a)
    0.7071067811865476
    """
    family, spread = weight_law(scheme, n, m)
    z = np.asarray(z, dtype=float)
    if family == "uniform" and n <= EXACT_MAX_N:
        return bspline_density((z / spread + n) / 2, n) / (2 * spread)
    return _normal_pdf(z, sum_std(scheme, n, m))


def activation_density(h, scheme, n, m, activation):
    """The law of the activation :math:`h = g(z)`: its density and its point mass at 0.

    Parameters
    ----------
    h : array_like
        Activation values.
    scheme, n, m
        As :func:`weight_law`.
    activation : {"tanh", "relu"}

    Returns
    -------
    density : numpy.ndarray
        The density of the continuous part at ``h``: for tanh
        :math:`f_z(\\operatorname{atanh} h)/(1 - h^2)` on :math:`(-1, 1)`, 0 elsewhere; for ReLU
        :math:`f_z(h)` for :math:`h \\ge 0`, 0 below.
    mass : float
        :math:`P(h = 0)`: 0 for tanh, 1/2 for ReLU (half the sums are negative).

    Raises
    ------
    TypeError, ValueError
        As :func:`weight_law`, or if ``activation`` is not "tanh" or "relu".

    Examples
    --------
    >>> dens, mass = activation_density([-1.0, 0.5, 2.0], "xavier", 1, 1, "relu")
    >>> dens, mass
    (array([0. , 0.5, 0. ]), 0.5)
    """
    activation = check_choice(activation, "activation", ACTIVATION_CHOICES)
    h = np.asarray(h, dtype=float)
    if activation == "relu":
        return np.where(h >= 0, sum_density(h, scheme, n, m), 0.0), 0.5
    inside = np.abs(h) < 1
    safe = np.where(inside, h, 0.0)
    dens = sum_density(np.arctanh(safe), scheme, n, m) / (1 - safe ** 2)
    return np.where(inside, dens, 0.0), 0.0


def activation_std(scheme, n, m, activation):
    """The standard deviation of :math:`g(z)`, by adaptive quadrature (scipy) of the exact
    density of z.

    Examples
    --------
    >>> round(activation_std("he", 10, 10, "relu"), 6)  # sqrt(1 - 1/pi): He's z is N(0, 2)
    0.825645
    """
    from scipy import integrate

    activation = check_choice(activation, "activation", ACTIVATION_CHOICES)
    family, spread = weight_law(scheme, n, m)
    std = sum_std(scheme, n, m)
    reach = n * spread if family == "uniform" and n <= EXACT_MAX_N else 40 * std
    knots = ([spread * (2 * k - n) for k in range(n + 1)]
             if family == "uniform" and n <= EXACT_MAX_N and n < 50 else [])
    g = np.tanh if activation == "tanh" else (lambda t: np.maximum(t, 0.0))

    def moment(power):
        def f(t):
            return float(g(t) ** power * sum_density([t], scheme, n, m)[0])
        inner = [k for k in knots if -reach < k < reach] + [0.0]
        total, _ = integrate.quad(f, -reach, reach, points=sorted(set(inner)), limit=400,
                                  epsabs=1e-13, epsrel=1e-12)
        return total

    return math.sqrt(max(moment(2) - moment(1) ** 2, 0.0))


def scheme_label(scheme):
    """How the explorer names a scheme: its name with spaces ("normalized xavier")."""
    return check_choice(scheme, "scheme", SCHEME_CHOICES).replace("_", " ")


def _g3(x):
    """``x`` to 3 significant digits as Python's ``g`` format writes it (and the JS's
    ``formatG(x, 3)`` of js/ui.js)."""
    return f"{x:.3g}"


def _g3_kept(x):
    """``x`` to 3 significant digits, trailing zeros kept ("1.00", "0.500"): Python's ``#.3g``
    (the JS's ``_scheme_sig3`` of js/scheme.js)."""
    return f"{x:#.3g}"


def state_sentence(scheme, n, m, activation):
    """The sentence the explorer says (aria-live) for a setting: the weights' spread, z's
    standard deviation and the activation's, all from the theory.

    For ReLU it gives first the quantity the chapters follow through a ReLU layer, the mean
    square (second moment) :math:`E[h^2]`, which is :math:`\\operatorname{Var}[z]/2` for a
    symmetric z (he.ipynb: "ReLU halves that to 1"), then the standard deviation, smaller
    because :math:`h` has a positive mean. tanh's mean is 0, so its standard deviation is
    its root mean square.

    Examples
    --------
    >>> state_sentence("xavier", 37, 7, "tanh")
    'xavier, n = 37: weights within ±0.164; z has standard deviation 0.577; tanh(z) has standard deviation 0.461.'
    >>> state_sentence("he", 10, 10, "relu")
    'he, n = 10: weights with standard deviation 0.447; z has standard deviation 1.41; relu(z) is 0 for half the inputs and has mean square 1.00 (standard deviation 0.826).'
    """
    scheme, n, m = check_setting(scheme, n, m)
    activation = check_choice(activation, "activation", ACTIVATION_CHOICES)
    family, spread = weight_law(scheme, n, m)
    fans = f"n = {n}, m = {m}" if SCALINGS[scheme][1] == "fan_avg" else f"n = {n}"
    weights = (f"weights within ±{_g3(spread)}" if family == "uniform"
               else f"weights with standard deviation {_g3(spread)}")
    after = activation_std(scheme, n, m, activation)
    act = (f"tanh(z) has standard deviation {_g3(after)}" if activation == "tanh"
           else f"relu(z) is 0 for half the inputs and has mean square "
                f"{_g3_kept(sum_std(scheme, n, m) ** 2 / 2)} (standard deviation {_g3(after)})")
    return (f"{scheme_label(scheme)}, {fans}: {weights}; "
            f"z has standard deviation {_g3(sum_std(scheme, n, m))}; {act}.")


def draw_sums(scheme, n, m, *, weights=1000, sums=2000, rng=None):
    """Draw what the explorer shows: weights of ``scheme`` and sums z over unit inputs.

    The sums come from a pool of nodes: ``k`` nodes of ``n`` weights each meet ``b`` input
    vectors of random signs, ``b = ceil(n / 25)`` and ``k = ceil(sums / b)``, so no more
    than about 50,000 weights are drawn for any n (the front end's redraw stays fast); each
    z has exactly the law of
    :func:`sum_density` (sums sharing a node are uncorrelated). The ``weights`` shown are
    the pool's first.

    Parameters
    ----------
    scheme, n, m
        As :func:`weight_law`.
    weights, sums : int
        How many weights and sums to return.
    rng : None, int or numpy.random.Generator
        SPEC 7 seed.

    Returns
    -------
    w : numpy.ndarray, shape (weights,)
    z : numpy.ndarray, shape (sums,)

    Examples
    --------
    >>> w, z = draw_sums("xavier", 37, 7, rng=0)
    >>> w.shape, z.shape, bool(abs(w).max() <= 37 ** -0.5)
    ((1000,), (2000,), True)
    """
    family, spread = weight_law(scheme, n, m)
    weights = check_count(weights, "weights", "how many weights to draw")
    sums = check_count(sums, "sums", "how many sums to draw")
    rng = np.random.default_rng(rng)
    b = -(-n // 25)
    k = max(-(-sums // b), -(-weights // n))
    if family == "uniform":
        pool = rng.uniform(-spread, spread, size=(k, n))
    else:
        pool = rng.normal(0.0, spread, size=(k, n))
    signs = rng.choice([-1.0, 1.0], size=(b, n))
    z = (pool @ signs.T).T.ravel()[:sums]        # input vector by input vector
    return pool.ravel()[:weights], z
