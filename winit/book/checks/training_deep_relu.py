"""Checks of the exercises of the chapter training_deep_relu (chapters/training_deep_relu.ipynb)."""

import numpy as np

from . import Hint, close, exercise, run
from ._letters import letter as _letter

_HOMOGENEOUS = ("ReLU is positively homogeneous, relu(cz) = c relu(z) for c > 0, and every He weight "
                "matrix is sqrt(2) times the other network's.")


_letter(__name__, "predict-train-initial-loss", "c", "abc",
        "The loss is log(sum of e^{z_k}) minus the right class's logit. Compare the log "
        "of a sum of ten exponentials with log 10 plus the mean of the ten logits, "
        "when the logits are unequal and know nothing about the label.")


_letter(__name__, "predict-train-logits-20", "c", "abcd",
        f"{_HOMOGENEOUS} Multiply one factor per weight matrix.")


_letter(__name__, "predict-train-ten-layers", "b", "abc",
        "A smaller start makes smaller gradients, so the first steps move the weights "
        "less. Is a factor 2^-5 a stall or a delay, within 2000 steps?")


_letter(__name__, "predict-train-input-scale", "c", "abcd",
        f"{_HOMOGENEOUS} Scaling the input by c scales every pre-activation by c. "
        "How much larger are He's logits over 22 layers?")


_letter(__name__, "ex-train-threshold", "b", "abcd",
        "Recount each of the four counts with the new line. Can a count of every seed go "
        "up? Which \"Xavier\" networks had started to leave log 10 by the end?")


@exercise("ex-train-he-init", he_init="your function he_init(sizes, rng)")
def _he_init(he_init):
    sizes = [300, 500, 200, 10]
    params = run(he_init, sizes, np.random.default_rng(0), name="he_init")
    try:
        params = list(params)
        pairs = [(np.asarray(w), np.asarray(b)) for w, b in params]
    except (TypeError, ValueError):
        raise Hint("he_init must return a list of (W, b) pairs, one per layer") from None
    if len(pairs) != len(sizes) - 1:
        raise Hint(f"he_init({sizes}, rng) must return one (W, b) pair per layer, "
                   f"{len(sizes) - 1}; got {len(pairs)}")
    for (w, b), n_in, n_out in zip(pairs, sizes[:-1], sizes[1:]):
        if w.shape != (n_in, n_out):
            raise Hint(f"W must have shape (n_in, n_out) = {(n_in, n_out)}; got {w.shape}")
        if b.shape != (n_out,):
            raise Hint(f"b must have shape (n_out,) = {(n_out,)}; got {b.shape}")
        if np.any(b != 0):
            raise Hint("the biases must start at zero")
        if not np.all(np.isfinite(w)):
            raise Hint("he_init returned a weight that is not finite")
    again = run(he_init, sizes, np.random.default_rng(0), name="he_init")
    if not all(np.array_equal(np.asarray(w), np.asarray(w2)) for (w, _), (w2, _) in zip(pairs, again)):
        raise Hint("draw from the rng you are given: two calls with the same seed must agree")
    for (w, _), n_in in zip(pairs[:2], sizes):
        if not close(n_in * w.var(), 2.0, "n Var[w]", rel=0.05):
            raise Hint("n Var[w] must be 2 in every layer, with n the layer's fan-in (n_in, not "
                       "n_out). numpy's normal takes the standard deviation, not the variance.")
        if abs(w.mean()) > 4 * w.std() / np.sqrt(w.size):
            raise Hint("the weights must have mean 0")
