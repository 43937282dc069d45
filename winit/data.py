"""The data the book trains and measures on.

* :func:`digits` -- the handwritten digits that scikit-learn ships
  (1,797 8x8 images, 10 classes, no download), standardised and split into
  seeded training and held-out sets: the real data of every training
  experiment in the book.
* :func:`shapes_dataset` -- a stand-in for Glorot and Bengio (2010)'s
  Shapeset-3x2, the synthetic task of their paper.
* :func:`gaussian_mixture` -- a synthetic classification problem, for tests
  and exercises.
* :func:`two_spirals` -- two interleaved spirals in the plane, the toy set of
  the training explorer.
* :func:`pack_digits` and :func:`unpack_digits` -- the digits as a short text
  (4 bits a pixel, base64), so that a web page can carry them.

This module sits above the library (:mod:`winit.schemes`, :mod:`winit.fans`)
and the engine (:mod:`winit.networks`) and imports neither.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._validation import check_count, check_real, check_rng, check_size_fits

_FLOAT64 = np.dtype(np.float64)


def _check_feature_scale(scale):
    """``scale``, the features' standard deviation, as a float in [1e-100, 1e100].

    Outside that range the squares of the features (their variance) would
    under- or overflow float64, and the features would not have that
    standard deviation.
    """
    scale = check_real(scale, "scale", "the standard deviation of the features", positive=True)
    return check_real(scale, "scale", "the standard deviation of the features; beyond, their "
                      "squares under- or overflow", low=1e-100, high=1e100)

__all__ = ["Digits", "digits", "gaussian_mixture", "pack_digits", "shapes_dataset", "two_spirals",
           "unpack_digits"]


class Digits(NamedTuple):
    """A seeded split of scikit-learn's handwritten digits; see :func:`digits`."""

    x_train: np.ndarray  # (n_train, 64) float64, standardised
    y_train: np.ndarray  # (n_train,) int64, labels 0..9
    x_test: np.ndarray  # (n_test, 64) float64, standardised with the training statistics
    y_test: np.ndarray  # (n_test,) int64


def digits(*, test_fraction=0.25, scale=1.0, rng=None):
    """The handwritten digits scikit-learn ships, standardised and split.

    :func:`sklearn.datasets.load_digits` returns 1,797 grey images of 8x8
    pixels (levels 0-16) of the digits 0-9, from the UCI "Optical
    Recognition of Handwritten Digits" set; they are installed with
    scikit-learn, so nothing is downloaded.  This function shuffles them
    with ``rng``, holds out ``round(test_fraction * 1797)`` of them, and
    standardises every pixel to mean 0 and standard deviation ``scale``
    over the *training* images (a pixel that is constant there, such as
    the always-blank corners, is left at 0).  The held-out images are
    standardised with the training statistics, as any held-out set must be.

    Parameters
    ----------
    test_fraction : float, default 0.25
        Share of the 1,797 images held out, in (0, 1).
    scale : float, default 1.0
        Standard deviation of every non-constant training feature.
    rng : None, int or numpy.random.Generator, optional
        Source of randomness for the split (SPEC 7).

    Returns
    -------
    Digits
        ``(x_train, y_train, x_test, y_test)``; with the defaults the shapes
        are (1348, 64), (1348,), (449, 64), (449,).

    Raises
    ------
    TypeError
        If ``test_fraction`` or ``scale`` is not a real number, or ``rng`` is
        not a seed, SeedSequence, BitGenerator or Generator.
    ValueError
        If ``test_fraction`` is not in (0, 1) or leaves a set empty,
        ``scale`` is not in [1e-100, 1e100], or ``rng`` is a negative seed.
    ImportError
        If scikit-learn is not installed (it is in the book's
        ``requirements.txt``; the rest of winit needs numpy only).

    Examples
    --------
    >>> from winit.data import digits
    >>> d = digits(rng=0)
    >>> d.x_train.shape, d.x_test.shape, sorted(set(d.y_train.tolist())) == list(range(10))
    ((1348, 64), (449, 64), True)

    References
    ----------
    .. [1] E. Alpaydin and C. Kaynak, "Optical Recognition of Handwritten
       Digits", UCI Machine Learning Repository, 1998.
    """
    test_fraction = check_real(test_fraction, "test_fraction", "the share of images held out",
                               low=0, high=1, closed="neither")
    scale = _check_feature_scale(scale)
    rng = check_rng(rng)
    x, y = _load_digits()
    x = x.astype(np.float64)
    n = x.shape[0]
    n_test = int(round(test_fraction * n))
    if not 0 < n_test < n:
        raise ValueError(f"test_fraction must leave both sets non-empty ({n} images); "
                         f"got {test_fraction}")
    order = rng.permutation(n)
    test, train = order[:n_test], order[n_test:]
    mean = x[train].mean(axis=0)
    std = x[train].std(axis=0)
    std = np.where(std > 0, std, 1.0)
    x = (x - mean) / std * scale
    return Digits(x[train], y[train], x[test], y[test])


def _load_digits():
    """scikit-learn's digits as ``(levels, labels)``: int64 arrays of shapes (1797, 64) and
    (1797,), the pixels' grey levels 0-16 and the digits 0-9, in scikit-learn's order."""
    try:
        from sklearn.datasets import load_digits
    except ImportError as err:  # pragma: no cover - scikit-learn is in requirements.txt
        raise ImportError("winit.data needs scikit-learn (pip install scikit-learn) for the "
                          "digits, which it ships") from err
    bunch = load_digits()
    return bunch.data.astype(np.int64), bunch.target.astype(np.int64)


def pack_digits():
    """scikit-learn's digits as a short text, for a web page to carry and unpack.

    The 1,797 images of :func:`digits` have 64 pixels of grey levels 0-16,
    and labels 0-9.  A page that trains on them needs them as data (it
    cannot download them), and a notebook stores that data as text, so
    they are packed:

    * ``"levels"``: every pixel in 4 bits, the images one after the other
      in scikit-learn's order, two pixels a byte (the first in the high
      half), in base64.  Levels 0-15 are their own 4-bit code; level 16,
      which 4 bits cannot hold, is written as 15 too.
    * ``"sixteens"``: one bit for every pixel written as 15, in order (the
      first in the byte's highest bit), set if the level was 16; base64.
    * ``"labels"``: the labels, 4 bits each, packed as the levels.

    About 80 kB of text in all (the levels alone: 57,504 bytes, 76,672
    characters of base64).

    Returns
    -------
    dict
        ``{"images": 1797, "pixels": 64, "levels": str, "sixteens": str,
        "labels": str}``.

    Raises
    ------
    ImportError
        If scikit-learn is not installed.

    See Also
    --------
    unpack_digits : the inverse.

    Examples
    --------
    >>> from winit.data import pack_digits
    >>> packed = pack_digits()
    >>> packed["images"], packed["pixels"], len(packed["levels"])
    (1797, 64, 76672)

    References
    ----------
    .. [1] E. Alpaydin and C. Kaynak, "Optical Recognition of Handwritten
       Digits", UCI Machine Learning Repository, 1998.
    """
    import base64

    levels, labels = _load_digits()
    flat = levels.ravel()
    codes = np.minimum(flat, 15).astype(np.uint8)
    sixteens = np.packbits(flat[codes == 15] == 16)

    def nibbles(values):
        values = np.append(values, np.zeros(len(values) % 2, np.uint8))
        return base64.b64encode((values[0::2] << 4 | values[1::2]).tobytes()).decode("ascii")

    return {"images": int(levels.shape[0]), "pixels": int(levels.shape[1]),
            "levels": nibbles(codes), "sixteens": base64.b64encode(sixteens.tobytes()).decode(),
            "labels": nibbles(labels.astype(np.uint8))}


def unpack_digits(packed):
    """The images and labels of :func:`pack_digits`'s text.

    Parameters
    ----------
    packed : dict
        What :func:`pack_digits` returns.

    Returns
    -------
    levels : numpy.ndarray of int64, shape (images, pixels)
        The grey levels 0-16.
    labels : numpy.ndarray of int64, shape (images,)
        The digits 0-9.

    Raises
    ------
    TypeError
        If ``packed`` is not a dict with those keys.
    ValueError
        If its texts are not base64 of the lengths its counts imply.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from winit.data import pack_digits, unpack_digits
    >>> levels, labels = unpack_digits(pack_digits())
    >>> bool((levels == load_digits().data).all() and (labels == load_digits().target).all())
    True
    """
    import base64
    import binascii

    keys = ("images", "pixels", "levels", "sixteens", "labels")
    if not isinstance(packed, dict) or any(key not in packed for key in keys):
        raise TypeError(f"packed must be a dict with keys {keys} (what pack_digits returns); "
                        f"got {packed!r:.80}")
    images = check_count(packed["images"], "packed['images']", "the number of images")
    pixels = check_count(packed["pixels"], "packed['pixels']", "the pixels of an image")

    def raw(key, count):
        try:
            data = np.frombuffer(base64.b64decode(packed[key], validate=True), np.uint8)
        except (binascii.Error, TypeError, ValueError) as err:
            raise ValueError(f"packed[{key!r}] must be base64 text; got {packed[key]!r:.40}") from err
        if len(data) != count:
            raise ValueError(f"packed[{key!r}] must hold {count} bytes; got {len(data)}")
        return data

    def nibbles(key, count):
        data = raw(key, (count + 1) // 2)
        return np.stack([data >> 4, data & 15], axis=1).ravel()[:count].astype(np.int64)

    levels = nibbles("levels", images * pixels)
    top = levels == 15
    flags = np.unpackbits(raw("sixteens", (int(top.sum()) + 7) // 8))[:int(top.sum())]
    levels[top] += flags
    labels = nibbles("labels", images)
    return levels.reshape(images, pixels), labels


def two_spirals(n, *, turns=1.5, noise=0.1, rng=None):
    """Two interleaved spirals in the plane: a two-class toy set where depth helps.

    Point ``i`` belongs to class ``i % 2``.  Its distance from the centre is
    :math:`r = 2\\sqrt{u}` with :math:`u \\sim U[0.02, 1]` (the square root
    spreads the points evenly over the disc), its angle :math:`2\\pi\\,
    \\text{turns}\\, r / 2` plus :math:`\\pi` for class 1, so the two arms
    wind round each other; then normal noise of standard deviation
    ``noise`` is added to each coordinate.  Each coordinate has a variance
    of about 1.  A straight line separates the classes poorly; a network
    with one hidden layer of 32 units does better, and several layers do
    better still.

    Parameters
    ----------
    n : int
        Number of points, at least 2.
    turns : float, default 1.5
        How many times each arm winds round the centre, in (0, 10].
    noise : float, default 0.1
        Standard deviation of the noise, in [0, 10].
    rng : None, int or numpy.random.Generator, optional
        Source of randomness (SPEC 7).

    Returns
    -------
    x : numpy.ndarray, shape (n, 2)
        The points, float64.
    y : numpy.ndarray of int64, shape (n,)
        Their classes, 0 and 1 in turn.

    Raises
    ------
    TypeError
        If ``n`` is not an integer, ``turns`` or ``noise`` not a real number,
        or ``rng`` not a seed, SeedSequence, BitGenerator or Generator.
    ValueError
        If ``n`` is below 2, ``turns`` or ``noise`` is out of range, the
        points would take more than 8 GiB, or ``rng`` is a negative seed.

    Examples
    --------
    >>> from winit.data import two_spirals
    >>> x, y = two_spirals(6, rng=0)
    >>> x.shape, y.tolist()
    ((6, 2), [0, 1, 0, 1, 0, 1])
    """
    n = check_count(n, "n", "the number of points; two classes need two", low=2)
    turns = check_real(turns, "turns", "how many times each arm winds round the centre",
                       low=0, high=10, closed="right")
    noise = check_real(noise, "noise", "the standard deviation of the noise", low=0, high=10)
    check_size_fits((n, 2), _FLOAT64, "n", what="coordinates")
    rng = check_rng(rng)
    y = np.arange(n, dtype=np.int64) % 2
    t = np.sqrt(rng.uniform(0.02, 1.0, n))
    angle = 2 * np.pi * turns * t + np.pi * y
    x = 2 * t[:, None] * np.stack([np.cos(angle), np.sin(angle)], axis=1)
    return x + rng.normal(0.0, noise, (n, 2)), y


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

    Raises
    ------
    TypeError
        If ``n`` or ``size`` is not an integer, or ``rng`` is not a seed,
        SeedSequence, BitGenerator or Generator.
    ValueError
        If ``n`` or ``size`` is less than 1, the images would take more than
        8 GiB, or ``rng`` is a negative seed.

    Examples
    --------
    >>> from winit.data import shapes_dataset
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
    check_size_fits((n, size, size), _FLOAT64, "n", what="pixels")
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
        Every feature has mean 0 and standard deviation ``scale``, float64.
    y : numpy.ndarray of int, shape (n,)
        Labels in ``0, ..., n_classes - 1``.

    Raises
    ------
    TypeError
        If ``n``, ``dim`` or ``n_classes`` is not an integer, ``separation``
        or ``scale`` is not a real number, or ``rng`` is not a seed,
        SeedSequence, BitGenerator or Generator.
    ValueError
        If ``n`` is less than 2 (one example cannot be standardised),
        ``dim`` or ``n_classes`` is less than 1, ``separation`` is negative
        or above 1e12 (the unit noise would be lost in rounding), ``scale``
        is not in [1e-100, 1e100], the inputs would take more than 8 GiB, or
        ``rng`` is a negative seed.

    Examples
    --------
    >>> from winit.data import gaussian_mixture
    >>> x, y = gaussian_mixture(100, dim=8, n_classes=3, rng=0)
    >>> x.shape, sorted(set(y.tolist()))
    ((100, 8), [0, 1, 2])
    """
    n = check_count(n, "n", "the number of examples")
    check_count(n, "n", "the number of examples; standardising a feature needs two", low=2)
    dim = check_count(dim, "dim", "the number of features")
    n_classes = check_count(n_classes, "n_classes", "the number of classes")
    separation = check_real(separation, "separation", "the norm of the class means",
                            nonnegative=True)
    check_real(separation, "separation", "the norm of the class means, in units of the noise; "
               "beyond, the noise is lost in rounding", high=1e12)
    scale = _check_feature_scale(scale)
    check_size_fits((n, dim), _FLOAT64, "n", what="values")
    rng = check_rng(rng)
    means = rng.normal(size=(n_classes, dim))
    means *= separation / np.linalg.norm(means, axis=1, keepdims=True)
    y = rng.integers(0, n_classes, size=n)
    x = means[y] + rng.normal(size=(n, dim))
    x -= x.mean(axis=0)
    std = x.std(axis=0)
    # With n >= 2 and the noise kept, no feature is constant (probability 0);
    # if one were, it would be left at 0, as digits() leaves a blank pixel.
    x *= scale / np.where(std > 0, std, np.inf)
    return x, y
