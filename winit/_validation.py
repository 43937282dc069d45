"""Argument checks shared by every public function of :mod:`winit`.

This module is the one place where winit checks what it is given, in the
manner of scikit-learn's ``check_array``: scalars (:func:`check_count`,
:func:`check_real`, :func:`check_choice`, :func:`check_member`,
:func:`check_flag`), arrays (:func:`check_array`, with a dtype policy, a
finiteness policy, ``ndim``/``shape`` and a minimum size), class labels
(:func:`check_labels`), sequences (:func:`check_sequence`,
:func:`check_counts`, :func:`check_arrays`), what a floating type can hold
(:func:`check_spread`), the 8 GiB guard (:func:`check_size_fits`), shapes,
dtypes and SPEC 7 seeds.

Each check raises ``TypeError`` when the argument has the wrong kind and
``ValueError`` when it has the right kind but a bad value, with one message
format::

    NAME must be WHAT (MEANING); got GOT

that names the argument, says what it must be and what it stands for, and
shows what it got, so that a student who passes ``n=0`` learns what ``n``
means.  The scalar checks are plain
Python on scalars.  Each check first tries a fast path for the ordinary case
(an exact ``int``, ``float``, tuple of ints, ``numpy.float64``), which costs a
few hundred nanoseconds even on a slow machine; only unusual or wrong input
takes the general path that builds the message.  This keeps the samplers as
fast as raw numpy (see ``benchmarks/``).
"""

from __future__ import annotations

import math
import numbers

import numpy as np

#: The largest array a sampler will allocate, in bytes.  The book's machines
#: have 24 GiB; refusing anything above 8 GiB turns an accidental ``size=10**12``
#: into a clear error instead of a frozen machine.
MAX_BYTES = 8 * 2**30

#: The largest count (of inputs, outputs, fans) accepted: 2**53.  Every integer
#: up to it is exactly a float64, so ``n`` reaches ``sqrt`` unrounded, and
#: ``1 / sqrt(n)`` or ``sqrt(6) / sqrt(n + m)`` stay finite and non-zero.
MAX_COUNT = 2**53

_FLOAT32 = np.dtype(np.float32)
_FLOAT64 = np.dtype(np.float64)


def check_count(value, name, meaning, *, low=1, high=MAX_COUNT):
    """Return ``value`` as a Python ``int`` if it is a positive integer.

    ``meaning`` completes the message, e.g. ``"the number of inputs to the
    node"``.  numpy integers are accepted; ``bool`` is rejected even though it
    is an ``int`` subclass, as PyTorch does.  Counts above :data:`MAX_COUNT`
    are refused, since they could not be turned into a float exactly.
    ``low`` (at least 1) and ``high`` (at most :data:`MAX_COUNT`) narrow the
    range (``low=2`` for "at least two").
    """
    if type(value) is int and low <= value <= high:  # fast path
        return value
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{name} must be a positive integer ({meaning}); "
            f"got {value!r} of type {type(value).__name__}"
        )
    if value < 1:
        raise ValueError(f"{name} must be a positive integer ({meaning}); got {value!r}")
    if value > MAX_COUNT:
        raise ValueError(
            f"{name} must be a positive integer of at most 2**53 ({meaning}); got {value!r}"
        )
    if value < low:
        raise ValueError(f"{name} must be an integer of at least {low} ({meaning}); got {value!r}")
    if value > high:
        raise ValueError(f"{name} must be a positive integer of at most {high} ({meaning}); "
                         f"got {value!r}")
    return int(value)


def check_real(value, name, meaning, *, positive=False, nonnegative=False, low=None,
               high=None, closed="both"):
    """Return ``value`` as a finite Python ``float``.

    Rejects ``bool``, non-numbers, NaN and infinities; with ``positive`` (or
    ``nonnegative``) also rejects values ``<= 0`` (or ``< 0``).  An integer
    too large for a float is reported as not finite.  ``low`` and ``high``
    bound the value; ``closed`` ("both", "left", "right" or "neither") says
    which bounds belong to the interval, as in pandas.
    """
    if type(value) is not float:
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
            raise TypeError(
                f"{name} must be a real number ({meaning}); "
                f"got {value!r} of type {type(value).__name__}"
            )
        try:
            value = float(value)
        except OverflowError:
            raise ValueError(
                f"{name} must be a finite real number ({meaning}); got {value!r}, "
                "which is too large for a float"
            ) from None
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite real number ({meaning}); got {value!r}")
    if positive and value <= 0:
        raise ValueError(f"{name} must be a positive real number ({meaning}); got {value!r}")
    if nonnegative and value < 0:
        raise ValueError(f"{name} must be a non-negative real number ({meaning}); got {value!r}")
    if (low is not None or high is not None) and not _inside(value, low, high, closed):
        raise ValueError(f"{name} must be a real number {_interval(low, high, closed)} "
                         f"({meaning}); got {value!r}")
    return value


def _inside(value, low, high, closed):
    """Whether ``value`` (a number or an array: elementwise) lies in the interval."""
    left, right = closed in ("both", "left"), closed in ("both", "right")
    above = True if low is None else (value >= low if left else value > low)
    below = True if high is None else (value <= high if right else value < high)
    return above & below


def _interval(low, high, closed):
    """``"in [0, 1)"``, ``"at least 2"``, ``"above 0"``: the interval in words."""
    left, right = closed in ("both", "left"), closed in ("both", "right")
    if low is None:
        return f"{'at most' if right else 'below'} {_number(high)}"
    if high is None:
        return f"{'at least' if left else 'above'} {_number(low)}"
    return f"in {'[' if left else '('}{_number(low)}, {_number(high)}{']' if right else ')'}"


def _number(x):
    """A bound as a reader writes it: ``1e+12``, ``0``, ``0.5`` (exact, or its repr)."""
    text = f"{x:g}"
    return text if float(text) == x else repr(x)


def check_shape(shape, name="size"):
    """Return ``shape`` as a tuple of non-negative Python ints.

    Accepts an int or a tuple/list of ints (numpy integers included), as
    numpy's own ``size=`` does.  ``()`` means a single scalar weight.
    """
    if type(shape) is int:  # fast path
        if shape >= 0:
            return (shape,)
    elif type(shape) is tuple:  # fast path
        for d in shape:
            if type(d) is not int or d < 0:
                break
        else:
            return shape
    if isinstance(shape, (bool, np.bool_)):
        raise TypeError(
            f"{name} must be a non-negative integer or a tuple of them (the shape of "
            f"the weight array); got {shape!r} of type bool"
        )
    if isinstance(shape, numbers.Integral):
        dims = (shape,)
    elif isinstance(shape, (tuple, list)):
        dims = tuple(shape)
    else:
        raise TypeError(
            f"{name} must be a non-negative integer or a tuple of them (the shape of "
            f"the weight array); got {shape!r} of type {type(shape).__name__}"
        )
    out = []
    for d in dims:
        if isinstance(d, (bool, np.bool_)) or not isinstance(d, numbers.Integral):
            raise TypeError(
                f"{name} must be a non-negative integer or a tuple of them (the shape "
                f"of the weight array); got {shape!r}, whose entry {d!r} is not an integer"
            )
        if d < 0:
            raise ValueError(
                f"{name} must be a non-negative integer or a tuple of them (the shape "
                f"of the weight array); got {shape!r}, which has a negative entry"
            )
        out.append(int(d))
    return tuple(out)


def check_dtype(dtype):
    """Return ``dtype`` as ``numpy.float32`` or ``numpy.float64``.

    Dtypes are compared by equality, never by identity: a float64 dtype that
    was pickled, copied, given metadata or a native byte order is float64.
    The result is always one of numpy's own two dtype objects, so that
    callers may look it up in a table.
    """
    if dtype is np.float64 or dtype is _FLOAT64:  # fast path
        return _FLOAT64
    if dtype is np.float32 or dtype is _FLOAT32:  # fast path
        return _FLOAT32
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(
            f"dtype must be numpy.float32 or numpy.float64 (the floating type of the "
            f"weights); got {dtype!r}"
        ) from None
    if dt == _FLOAT64:
        return _FLOAT64
    if dt == _FLOAT32:
        return _FLOAT32
    raise ValueError(
        f"dtype must be numpy.float32 or numpy.float64 (the floating type of the "
        f"weights); got {dt}"
    )


def check_size_fits(shape, dtype, name="size", what="weights"):
    """Refuse, before allocating, an array larger than :data:`MAX_BYTES`.

    ``what`` names the entries in the message (weights, pixels, values).
    """
    count = math.prod(shape)
    nbytes = count * dtype.itemsize
    if nbytes > MAX_BYTES:
        raise ValueError(
            f"{name} asks for {count:,} {what} ({nbytes / 2**30:.1f} GiB as {dtype}); "
            f"winit refuses arrays above {MAX_BYTES / 2**30:.0f} GiB"
        )
    if count == 0 and shape and max(shape) > MAX_BYTES:
        # An empty array may still name a dimension numpy cannot index.
        raise ValueError(
            f"{name} has a dimension of {max(shape):,}, larger than any array winit "
            f"allocates (at most {MAX_BYTES:,} entries per dimension); got {shape!r}"
        )


_RNG_MUST = (
    "rng must be None, a non-negative integer seed, a sequence of them, or a "
    "numpy.random SeedSequence, BitGenerator or Generator (SPEC 7); "
)


def check_rng(rng):
    """Return a ``numpy.random.Generator`` from anything SPEC 7 allows.

    This is the convention numpy and scipy follow: the caller's ``rng`` is
    normalised once, with :func:`numpy.random.default_rng`, and the package
    never touches numpy's global random state.  Accepted: ``None`` (fresh OS
    entropy), a non-negative integer, a sequence or integer array of them, a
    ``numpy.random.SeedSequence``, a ``numpy.random.BitGenerator`` (wrapped,
    not copied, as ``default_rng`` does) or a ``numpy.random.Generator``
    (used as it is).  The same seed gives the same Generator as
    ``numpy.random.default_rng(seed)``.

    Refused: ``bool``, floats, strings, negative seeds, and a legacy
    ``numpy.random.RandomState``, whose ``uniform`` and ``normal`` give other
    numbers than a Generator's for the same seed, so that accepting it would
    silently change what a seed means.
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None:
        return np.random.default_rng()
    if isinstance(rng, (np.random.SeedSequence, np.random.BitGenerator)):
        return np.random.default_rng(rng)
    if isinstance(rng, numbers.Integral) and not isinstance(rng, (bool, np.bool_)):
        if rng < 0:
            raise ValueError(_RNG_MUST + f"got the negative seed {rng!r}")
        return np.random.default_rng(int(rng))
    if isinstance(rng, np.random.RandomState):
        raise TypeError(
            _RNG_MUST + "got a legacy numpy.random.RandomState, which is refused: winit draws "
            "with Generator methods, whose numbers differ from RandomState's for the same "
            "seed; pass numpy.random.default_rng(seed) instead"
        )
    if isinstance(rng, np.ndarray):
        if rng.dtype.kind not in "iu":
            raise TypeError(_RNG_MUST + f"got an array of dtype {rng.dtype}")
        entries = rng.ravel().tolist()
    elif isinstance(rng, (list, tuple)):
        entries = list(rng)
        for v in entries:
            if isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Integral):
                raise TypeError(_RNG_MUST + f"got {rng!r}, whose entry {v!r} is not an integer")
    else:
        raise TypeError(_RNG_MUST + f"got {rng!r} of type {type(rng).__name__}")
    if not entries:
        raise ValueError(_RNG_MUST + "got an empty sequence")
    negative = [v for v in entries if v < 0]
    if negative:
        raise ValueError(_RNG_MUST + f"got {rng!r}, which holds the negative seed {negative[0]!r}")
    return np.random.default_rng(rng)


def check_choice(value, name, choices):
    """Return ``value`` if it is one of ``choices`` (strings)."""
    if not isinstance(value, str):
        raise TypeError(
            f"{name} must be one of {', '.join(map(repr, choices))}; "
            f"got {value!r} of type {type(value).__name__}"
        )
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}; got {value!r}")
    return value


def check_count_pair(value, name, meanings):
    """Return ``value`` as a tuple of two positive Python ints.

    ``meanings`` is a pair of phrases, one per entry, e.g. ``("fan_in, the
    number of inputs", "fan_out, the number of outputs")``; each entry is
    checked with :func:`check_count` under the name ``name[0]``/``name[1]``.
    """
    if type(value) is tuple and len(value) == 2:  # fast path
        a, b = value
        if type(a) is int and type(b) is int and 0 < a <= MAX_COUNT and 0 < b <= MAX_COUNT:
            return value
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise TypeError(
            f"{name} must be a pair of positive integers ({meanings[0]}; {meanings[1]}); "
            f"got {value!r} of type {type(value).__name__}"
        )
    return (
        check_count(value[0], f"{name}[0]", meanings[0]),
        check_count(value[1], f"{name}[1]", meanings[1]),
    )


def check_member(value, name, options, what="the values"):
    """Return ``value`` if it is one of ``options`` (any hashable values, e.g.
    the presets of an experiment).

    The message reads ``"n must be one of the grid values (1, 2); got 3"``.
    """
    try:
        found = value in options
    except TypeError:  # an unhashable value in a set
        found = False
    if not found:
        raise ValueError(f"{name} must be one of {what} {tuple(options)}; got {value!r}")
    return value


def check_flag(value, name, meaning):
    """Return ``value`` as a Python ``bool`` if it is ``True`` or ``False``
    (``numpy.bool_`` included; 0 and 1 are refused, as they are often a slip)."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise TypeError(f"{name} must be True or False ({meaning}); got {value!r} of type "
                    f"{type(value).__name__}")


# --------------------------------------------------------------------------
# Arrays
# --------------------------------------------------------------------------

#: The dtype policies of :func:`check_array`, and what they say an array must hold.
DTYPE_POLICIES = {
    "real": "real numbers",            # integers or floats, kept as they are
    "float": "real numbers",           # integers become float64; floats are kept
    "float64": "real numbers",         # everything becomes float64
    "float32/64": "real numbers",      # float32 and float64 kept, integers become float64
    "param": "float32 or float64",     # a float32 or float64 array, used as it is
    "integer": "integers",             # integers (not bool), kept
}


def _not_an_array(a, name, meaning, what="real numbers"):
    return TypeError(f"{name} must be an array of {what} ({meaning}); got {a!r:.80} of type "
                     f"{type(a).__name__}, which is not an array")


def _shape_text(shape):
    """``("batch", 3)`` -> ``"(batch, 3)"``; ``(("batch", 2), 3)`` -> ``"(batch, 3) with batch >= 2"``."""
    dims, conditions = [], []
    for d in shape:
        if isinstance(d, tuple):
            dims.append(d[0])
            conditions.append(f"{d[0]} >= {d[1]}")
        else:
            dims.append("any" if d is None else str(d))
    text = "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"
    return text + (" with " + " and ".join(conditions) if conditions else "")


def _shape_fits(actual, shape):
    if len(actual) != len(shape):
        return False
    for n, d in zip(actual, shape):
        if isinstance(d, tuple):
            if n < d[1]:
                return False
        elif isinstance(d, str):
            if n < 1:
                return False
        elif d is not None and n != d:
            return False
    return True


def check_array(a, name, meaning, *, dtype="float", ndim=None, shape=None, min_size=0,
                finite=True, low=None, high=None, closed="both"):
    """Return ``a`` as a checked numpy array: winit's ``check_array``.

    Parameters
    ----------
    a : array_like
        What was passed.
    name, meaning : str
        The argument's name and what it stands for, for the message.
    dtype : str or numpy dtype, default "float"
        The dtype policy (:data:`DTYPE_POLICIES`): ``"real"`` keeps integer
        and float arrays as they are; ``"float"`` turns integers into float64
        and keeps floats; ``"float64"`` turns everything into float64;
        ``"float32/64"`` keeps float32 and float64, turns integers into
        float64 and refuses other floats; ``"param"`` accepts only a float32
        or float64 array and never converts it (parameters that are updated
        in place); ``"integer"`` accepts integer arrays (labels).  A numpy
        float dtype (``numpy.float32``) converts to it and refuses values that
        overflow there.  ``bool``, complex, strings and objects are always
        refused (``TypeError``).
    ndim : int, optional
        The number of dimensions required.
    shape : tuple, optional
        The shape required: an int is an exact size, a string names a free
        dimension of size at least 1, ``(label, k)`` one of size at least
        ``k``, ``None`` any size.
    min_size : int, default 0
        The fewest entries (1: non-empty).
    finite : {True, "nan", False}, default True
        ``True`` refuses NaN and infinities; ``"nan"`` refuses NaN only (an
        infinity is an exploding signal, a result); ``False`` checks nothing.
    low, high : float, optional
        Bounds of every entry; ``closed`` ("both", "left", "right",
        "neither") says which belong to the interval, as in
        :func:`check_real`.

    Returns
    -------
    numpy.ndarray
        ``a`` itself when no conversion was needed.

    Raises
    ------
    TypeError
        If ``a`` is not an array of the kind the policy asks for.
    ValueError
        If it has the wrong ``ndim`` or ``shape``, too few entries, NaN or an
        infinity the ``finite`` policy refuses, or values that overflow the
        dtype it is converted to.

    Examples
    --------
    >>> from winit._validation import check_array
    >>> check_array([1, 2], "x", "the inputs")
    array([1., 2.])
    >>> check_array([[1.0, float("nan")]], "x", "the inputs")
    Traceback (most recent call last):
    ...
    ValueError: x must be an array of finite numbers (the inputs); got an array containing NaN
    """
    target = None
    if not isinstance(dtype, str):
        target = check_dtype(dtype)
        policy = "real"
    elif dtype in DTYPE_POLICIES:
        policy = dtype
    else:
        raise ValueError(f"dtype must be one of {', '.join(map(repr, DTYPE_POLICIES))} or a numpy "
                         f"float dtype (the policy of check_array); got {dtype!r}")
    what = DTYPE_POLICIES[policy]
    if isinstance(a, np.ndarray):
        arr = a
    else:
        try:
            arr = np.asarray(a)
        except (TypeError, ValueError):  # ragged nested sequences
            raise _not_an_array(a, name, meaning, what if policy != "param" else "float32 or "
                                "float64 numbers") from None
    kind = arr.dtype.kind
    if policy == "integer":
        if kind not in "iu":
            raise TypeError(f"{name} must be an array of integers ({meaning}); got an array of "
                            f"dtype {arr.dtype}")
    elif policy == "param":
        if arr is not a or (arr.dtype != _FLOAT32 and arr.dtype != _FLOAT64):
            raise TypeError(f"{name} must be a float32 or float64 array ({meaning}); got "
                            + (f"an array of dtype {arr.dtype}" if arr is a else
                               f"{type(a).__name__}, not a numpy array"))
    elif kind not in "iuf" or (policy == "float32/64" and kind == "f"
                               and arr.dtype != _FLOAT32 and arr.dtype != _FLOAT64):
        raise TypeError(f"{name} must be an array of real numbers ({meaning}); got an array of "
                        f"dtype {arr.dtype}")
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-d array ({meaning}); got shape {arr.shape}")
    if shape is not None and not _shape_fits(arr.shape, shape):
        raise ValueError(f"{name} must be an array of shape {_shape_text(shape)} ({meaning}); "
                         f"got shape {arr.shape}")
    if arr.size < min_size:
        if min_size == 1:
            raise ValueError(f"{name} must be a non-empty array ({meaning}); got an empty array "
                             f"of shape {arr.shape}")
        raise ValueError(f"{name} must be an array of at least {min_size} numbers ({meaning}); "
                         f"got shape {arr.shape}")
    if finite and arr.dtype.kind == "f":
        if finite == "nan" and np.isnan(arr).any():
            raise ValueError(f"{name} must be an array free of NaN ({meaning}); got an array "
                             "containing NaN")
        if finite != "nan" and not np.isfinite(arr).all():
            raise ValueError(f"{name} must be an array of finite numbers ({meaning}); got an "
                             f"array containing {'NaN' if np.isnan(arr).any() else 'an infinity'}")
    out = _converted(arr, name, meaning, policy, target, finite)
    if low is not None or high is not None:
        outside = ~_inside(out, low, high, closed)
        if outside.any():
            bad = out[outside].flat[0]
            raise ValueError(f"{name} must be an array of numbers {_interval(low, high, closed)} "
                             f"({meaning}); got an array containing {bad.item()!r}")
    return out


def _converted(arr, name, meaning, policy, target, finite):
    """``arr`` converted as the policy (or the ``target`` dtype) says."""
    if target is None:
        if arr.dtype.kind in "iu" and policy in ("float", "float64", "float32/64"):
            return arr.astype(np.float64)
        if policy == "float64" and arr.dtype != _FLOAT64:
            target = _FLOAT64
        else:
            return arr
    if arr.dtype == target:
        return arr
    with np.errstate(over="ignore"):
        out = arr.astype(target)
    if finite and not np.isfinite(out).all():
        raise ValueError(f"{name} must be an array of numbers that fit {target} ({meaning}); "
                         "got values that overflow to an infinity")
    return out


def check_labels(y, name, n, n_classes, *, classes=None):
    """Return ``y`` as an integer array of ``n`` class labels in ``0..n_classes-1``.

    ``n`` is the number of examples (None: any, at least one);
    ``n_classes`` the number of classes (None: labels only need to be
    non-negative); ``classes`` says where the classes come from, for the
    message (default ``"{n_classes} classes"``).

    Examples
    --------
    >>> from winit._validation import check_labels
    >>> check_labels([0, 2, 1], "y", 3, 3)
    array([0, 2, 1])
    """
    y = np.asarray(y)
    if y.dtype.kind not in "iu":
        raise TypeError(f"{name} must be an array of integer class labels (one per example); got "
                        f"an array of dtype {y.dtype}")
    if n is None and y.ndim != 1:
        raise ValueError(f"{name} must be a 1-d array (one class label per example); got shape "
                         f"{y.shape}")
    if n is not None and y.shape != (n,):
        raise ValueError(f"{name} must be an array of shape ({n},) (one class label per "
                         f"example); got shape {y.shape}")
    if y.size == 0:
        raise ValueError(f"{name} must be a non-empty array (one class label per example); got "
                         f"an empty array of shape {y.shape}")
    lo, hi = y.min(), y.max()
    if n_classes is None:
        if lo < 0:
            raise ValueError(f"{name} must be an array of class labels 0, 1, ... (one per "
                             f"example); got the label {int(lo)}")
    elif lo < 0 or hi >= n_classes:
        raise ValueError(f"{name} must be an array of class labels in 0..{n_classes - 1} "
                         f"({classes or f'{n_classes} classes'}); got labels from {lo} to {hi}")
    return y


# --------------------------------------------------------------------------
# Sequences
# --------------------------------------------------------------------------


def check_sequence(value, name, meaning, *, what="entries", min_len=1, arrays=False):
    """Return ``value`` as a list if it is a sequence of at least ``min_len`` entries.

    A list, a tuple or any other sized, iterable object but a string; a
    numpy array only with ``arrays=True`` (one array where a list of them is
    wanted is refused: it would be read row by row).  ``what`` names the
    entries in the message (``"positive integers"``, ``"arrays"``).
    """
    if (isinstance(value, (str, bytes)) or (isinstance(value, np.ndarray) and not arrays)
            or not hasattr(value, "__len__") or not hasattr(value, "__iter__")):
        got = (f"an array of shape {value.shape}" if isinstance(value, np.ndarray) else
               f"{value!r:.80} of type {type(value).__name__}")
        raise TypeError(f"{name} must be a sequence of {what} ({meaning}); got {got}")
    out = list(value)
    if len(out) < min_len:
        count = {2: "two", 3: "three"}.get(min_len, str(min_len))
        must = "a non-empty sequence of" if min_len == 1 else f"a sequence of at least {count}"
        raise ValueError(f"{name} must be {must} {what} ({meaning}); got {out!r:.80}")
    return out


def check_counts(value, name, meaning, *, min_len=1, distinct=False, increasing=False,
                 each=None, low=1):
    """Return ``value`` as a list of positive Python ints (layer widths, depths).

    Each entry is checked by :func:`check_count` as ``name[i]``, with the
    meaning ``each`` (default ``meaning``) and the least value ``low``; with
    ``distinct`` the entries
    must differ from one another, with ``increasing`` each must exceed the one
    before.
    """
    each = meaning if each is None else each
    out = [check_count(v, f"{name}[{i}]", each, low=low)
           for i, v in enumerate(check_sequence(value, name, meaning, what="positive integers",
                                                min_len=min_len, arrays=True))]
    if distinct and len(set(out)) != len(out):
        raise ValueError(f"{name} must be a sequence of distinct positive integers ({meaning}); "
                         f"got {out!r:.80}")
    if increasing and any(b <= a for a, b in zip(out, out[1:])):
        raise ValueError(f"{name} must be an increasing sequence of positive integers "
                         f"({meaning}); got {out!r:.80}")
    return out


def check_arrays(value, name, meaning, *, min_len=1, **array_checks):
    """Return ``value`` as a list of arrays, each checked by :func:`check_array`
    as ``name[i]`` with ``array_checks`` (one array per layer, say)."""
    return [check_array(a, f"{name}[{i}]", meaning, **array_checks)
            for i, a in enumerate(check_sequence(value, name, meaning, what="arrays",
                                                 min_len=min_len))]


# --------------------------------------------------------------------------
# What a floating type can hold
# --------------------------------------------------------------------------


def spread_limits(dtype):
    """``(smallest, largest)`` spread (standard deviation or half-width) winit draws
    weights of ``dtype`` with: the type's smallest normal number, below which the
    weights would be zeros or a few subnormal values, and 2**-7 of its largest
    value, so that neither ``2 * limit`` nor a normal draw (``|Z| < 40`` in
    practice) overflows."""
    info = np.finfo(check_dtype(dtype))
    return float(info.smallest_normal), float(info.max) / 128


def check_spread(value, name, meaning, dtype, *, factor=1.0, zero=False, kind="", be="be",
                 got=None):
    """Refuse a spread of weights that ``dtype`` cannot draw (see :func:`spread_limits`).

    ``value`` is the standard deviation (or half-width); ``factor`` the
    largest multiple of it a draw reaches before the check matters
    (``sqrt(3)`` for a uniform of that standard deviation).  ``zero`` allows
    exactly 0 (every weight 0).  ``kind`` names the distribution in the
    message, ``be`` its verb (``"be a gain that gives a standard deviation
    of"`` when ``value`` is derived from the argument ``name``) and ``got``
    replaces the value shown.
    Returns ``value``.
    """
    lo, hi = spread_limits(dtype)
    if (zero and value == 0.0) or (lo <= value and value * factor <= hi):
        return value
    dtype = check_dtype(dtype)
    where = (f"at least {dtype}'s smallest normal number {lo:.3g}" if value < lo else
             f"at most {hi / factor:.3g} for {kind + ' ' if kind else ''}{dtype} weights")
    raise ValueError(f"{name} must {be} {'0 or ' if zero else ''}{where} ({meaning}); got "
                     f"{got if got is not None else repr(value)}")


def check_weights(w, name="w"):
    """Return ``w`` as a non-empty numpy array of finite real numbers.

    Integers and floats are accepted, and kept; ``bool``, complex, strings
    and objects are refused with ``TypeError``; an empty array, NaN or an
    infinity with ``ValueError`` (:func:`check_array` with the ``"real"``
    policy).
    """
    return check_array(w, name, "the weights to summarise", dtype="real", min_size=1)


#: Arrays up to this many weights fit :data:`MAX_BYTES` in either float type.
_FAST_COUNT = MAX_BYTES // 8


def check_draw(shape, dtype, rng, name="size"):
    """Check the arguments every sampler takes; return ``(shape, dtype, rng)``.

    The same as :func:`check_shape`, :func:`check_dtype`,
    :func:`check_size_fits` and :func:`check_rng` in turn (which give the
    messages), with one fast path for the ordinary call: a tuple of ints or
    an int, ``numpy.float64``/``numpy.float32``, a Generator.  One call
    instead of four keeps a 1,000-weight sampler within a few percent of raw
    numpy.
    """
    if isinstance(rng, np.random.Generator):  # fast path
        if dtype is np.float64 or dtype is _FLOAT64:
            dt = _FLOAT64
        elif dtype is np.float32 or dtype is _FLOAT32:
            dt = _FLOAT32
        else:
            dt = None
        if dt is not None:
            if type(shape) is int:
                if 0 < shape <= _FAST_COUNT:
                    return (shape,), dt, rng
            elif type(shape) is tuple:
                for d in shape:
                    if type(d) is not int or d < 0:
                        break
                else:
                    if 0 < math.prod(shape) <= _FAST_COUNT:
                        return shape, dt, rng
    shape = check_shape(shape, name)
    dt = check_dtype(dtype)
    check_size_fits(shape, dt, name)
    return shape, dt, check_rng(rng)
