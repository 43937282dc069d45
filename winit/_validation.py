"""Argument checks shared by every public function of :mod:`winit`.

Each check raises ``TypeError`` when the argument has the wrong kind and
``ValueError`` when it has the right kind but a bad value.  Every message
names the argument, says what it must be and shows what it got, so that a
student who passes ``n=0`` learns what ``n`` means.  The checks are plain
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


def check_count(value, name, meaning):
    """Return ``value`` as a Python ``int`` if it is a positive integer.

    ``meaning`` completes the message, e.g. ``"the number of inputs to the
    node"``.  numpy integers are accepted; ``bool`` is rejected even though it
    is an ``int`` subclass, as PyTorch does.  Counts above :data:`MAX_COUNT`
    are refused, since they could not be turned into a float exactly.
    """
    if type(value) is int and 0 < value <= MAX_COUNT:  # fast path
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
    return int(value)


def check_real(value, name, meaning, *, positive=False, nonnegative=False):
    """Return ``value`` as a finite Python ``float``.

    Rejects ``bool``, non-numbers, NaN and infinities; with ``positive`` (or
    ``nonnegative``) also rejects values ``<= 0`` (or ``< 0``).  An integer
    too large for a float is reported as not finite.
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
    return value


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


def check_weights(w, name="w"):
    """Return ``w`` as a non-empty numpy array of finite real numbers.

    Integers and floats are accepted; ``bool``, complex, strings and objects
    are refused with ``TypeError``; an empty array, NaN or an infinity with
    ``ValueError``.
    """
    if isinstance(w, np.ndarray):
        arr = w
    else:
        try:
            arr = np.asarray(w)
        except (TypeError, ValueError):
            raise TypeError(
                f"{name} must be an array of real numbers (the weights to summarise); "
                f"got {w!r} of type {type(w).__name__}, which is not an array"
            ) from None
    if arr.dtype.kind not in "iuf":
        raise TypeError(
            f"{name} must be an array of real numbers (the weights to summarise); "
            f"got an array of dtype {arr.dtype}"
        )
    if arr.size == 0:
        raise ValueError(
            f"{name} must be a non-empty array of finite numbers (the weights to "
            f"summarise); got an empty array of shape {arr.shape}"
        )
    if arr.dtype.kind == "f" and not np.isfinite(arr).all():
        bad = "NaN" if np.isnan(arr).any() else "an infinity"
        raise ValueError(
            f"{name} must be a non-empty array of finite numbers (the weights to "
            f"summarise); got an array containing {bad}"
        )
    return arr


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
