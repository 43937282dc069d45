"""What the checks of an "Implement it" initialiser measure: one uniform draw of weights.

Shared by the chapters whose exercises ask for a uniform initialiser (why_initialisation, xavier,
normalized_xavier): call the reader's function twice with the same seed, then measure the shape,
the seeding, the variance against the fan the rule divides by, and that the draw is uniform.
"""

import numpy as np

from . import Hint, close, run

#: The fact every uniform rule's bound comes from.
UNIFORM_VARIANCE = "A uniform U[-a, a] has variance a^2 / 3."


def uniform_draw(function, args, *, shape, var, name, var_hint):
    """Check the weights ``function(*args, rng)`` returns; a :class:`Hint` at the first fault.

    ``shape`` is the array it must return, ``var`` the variance its weights must have (within
    3%), ``name`` the reader's function as the hint names it, and ``var_hint`` the hint when the
    variance is wrong (it names the fan and the rule, never the bound).
    """
    call = f"{name}({', '.join(map(str, args))}, rng)"
    w = np.asarray(run(function, *args, np.random.default_rng(0), name=name))
    if w.shape != shape:
        raise Hint(f"{call} must return an array of shape {shape}; got shape {w.shape}")
    if w.dtype.kind != "f" or not np.all(np.isfinite(w)):
        raise Hint(f"{call} must return finite floats; got dtype {w.dtype}")
    again = np.asarray(run(function, *args, np.random.default_rng(0), name=name))
    if not np.array_equal(w, again):
        raise Hint(f"draw from the rng you are given: two calls of {name} with the same seed "
                   "must return the same weights")
    if not close(w.var() / var, 1.0, "the variance of the weights", rel=0.03):
        raise Hint(f"{call}: the weights' variance is off. {var_hint} {UNIFORM_VARIANCE}")
    bound = np.sqrt(3 * var)
    if not 0.98 * bound <= np.abs(w).max() <= bound * (1 + 1e-9):
        raise Hint(f"draw from a uniform U[-a, a], not a normal: the weights of {call} must fill "
                   "an interval [-a, a] and never leave it")
