"""Checks of the exercises of the chapter orthogonal_weights (chapters/orthogonal_weights.ipynb)."""

import numpy as np

from . import Hint, close, exercise, run
from ._letters import expect, offered, register as _register


_register(__name__, {   # label: (the right letter, the letters offered, the hint)
    "predict-orth-one-layer": (
        "b", "abc", "Use the hint's law with n = 128 inputs and m = 32 outputs: work out "
        "sqrt(m/n), then the two ends of the range."),
    "predict-orth-gain": (
        "b", "abc", "gain times an orthogonal matrix stretches every direction by the same "
        "factor. What is a product of 32 such matrices?"),
})


@exercise("predict-orth-relu-layer", choice=offered("abc"),
          all_equal="True if the non-zero singular values are all equal, else False")
def _relu_layer(choice, all_equal):
    expect(choice, "abc", "b", "choice: W_1 is invertible, so J has the rank of D_1 W_2 D_2. "
           "Which rows and columns of W_2 does it keep?")
    if not isinstance(all_equal, (bool, np.bool_)):
        raise Hint(f"all_equal must be True or False; got {all_equal!r}")
    if all_equal:
        raise Hint("all_equal: D_1 W_2 D_2 keeps a block of an orthogonal matrix. Is a block of "
                   "an orthogonal matrix itself orthogonal?")


@exercise("predict-orth-small-q", choice=offered("abc"),
          spread="the spread you computed at depth 128")
def _small_q(choice, spread):
    expect(choice, "abc", "c", "choice: take one layer's spread from the text's Taylor step at "
           "q* = 0.001, then add the spreads of the 128 layers.")
    # The Taylor step: 8 q*^2 per layer, 128 layers; the quadrature differs by about 1%.
    if not close(spread, 128 * 8 * 0.001 ** 2, "spread", rel=0.05):
        raise Hint("spread: average tanh's slope squared, (1 - tanh^2)^2 at sqrt(q*) z, to "
                   "get mu_1, and its square to get mu_2. Then multiply one layer's spread by "
                   "the number of layers.")


def _orthonormal(w, cols: bool) -> bool:
    gram = w.T @ w if cols else w @ w.T
    return np.allclose(gram, np.eye(len(gram)), atol=1e-8)


@exercise("ex-orth-implement", my_orthogonal="your function my_orthogonal(shape, rng)")
def _implement(my_orthogonal):
    for shape, tall in (((64, 32), True), ((32, 64), False), ((40, 40), True)):
        w = np.asarray(run(my_orthogonal, shape, np.random.default_rng(0), name="my_orthogonal"))
        if w.shape != shape:
            raise Hint(f"my_orthogonal({shape}, rng) must have shape {shape}; got {w.shape}. "
                       "For a wide shape, draw the transposed shape and transpose the result.")
        if not np.all(np.isfinite(w)):
            raise Hint("my_orthogonal returned a value that is not finite")
        if not _orthonormal(w, cols=tall):
            side = "columns" if tall else "rows"
            raise Hint(f"the {side} of a {shape[0]} x {shape[1]} draw must be orthonormal: "
                       "take Q of the QR decomposition (of the transposed shape if wide).")
    again = np.asarray(run(my_orthogonal, (40, 40), np.random.default_rng(0), name="my_orthogonal"))
    if not np.array_equal(w, again):
        raise Hint("draw from the rng you are given: two calls with the same seed must agree")
    rng = np.random.default_rng(1)
    signs = [np.asarray(run(my_orthogonal, (3, 3), rng, name="my_orthogonal"))[0, 0] < 0
             for _ in range(1000)]
    # A Haar matrix has W[0, 0] < 0 half the time: 0.5 +- 0.016 over 1,000 draws.
    if abs(np.mean(signs) - 0.5) > 0.1:
        raise Hint("W[0, 0] is not negative half the time: the sign fix is missing or wrong. "
                   "Multiply column j of Q by the sign of R's diagonal entry j.")


def _product(matrices, n=16):
    out = np.eye(n)
    for m in matrices:
        out = out @ m
    return out


def _steps(ws, lr, max_steps):
    """Plain gradient descent on |W_1 ... W_L - I|^2 (the exercise's algorithm, written again)."""
    ws = [w.copy() for w in ws]
    target = np.eye(len(ws[0]))
    for step in range(max_steps):
        error = _product(ws) - target
        if np.sum(error ** 2) < 0.01 * np.sum(target ** 2):
            return step
        grads = [2 * _product(ws[:k]).T @ error @ _product(ws[k + 1:]).T for k in range(len(ws))]
        ws = [w - lr * g for w, g in zip(ws, grads)]
    return max_steps


def _haar(n, rng):
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    return q * np.sign(np.diag(r))


@exercise("ex-orth-det", steps_to_learn="your function steps_to_learn(ws, lr, max_steps)",
          choice=offered("abcd"))
def _det(steps_to_learn, choice):
    rng = np.random.default_rng(0)
    ws = [_haar(16, rng) for _ in range(4)]
    if np.linalg.det(_product(ws)) < 0:
        ws[0][:, 0] *= -1
    flipped = [w.copy() for w in ws]
    flipped[0][:, 0] *= -1
    want = _steps(ws, 0.05, 300)
    got = run(steps_to_learn, [w.copy() for w in ws], 0.05, 300, name="steps_to_learn")
    if isinstance(got, bool) or not isinstance(got, (int, np.integer)):
        raise Hint(f"steps_to_learn must return the number of steps (an int); got {got!r}")
    if abs(got - want) > 2:
        more = (" It takes about twice the steps: the gradient of a square has a factor 2."
                if abs(got / want - 2) < 0.3 else "")
        raise Hint("steps_to_learn does not take the steps gradient descent takes from a "
                   "det P = +1 start. Check the gradient (its transposes and its order) against "
                   "a central difference, compute all the gradients before you update any "
                   "weight, and stop at the first step whose loss is below "
                   f"1% of |I|^2.{more}")
    if run(steps_to_learn, flipped, 0.05, 300, name="steps_to_learn") != 300:
        raise Hint("steps_to_learn must return max_steps when the loss stays above 1% of "
                   "|I|^2 for max_steps steps")
    expect(choice, "abcd", "b", "choice: gradient descent changes P smoothly. What must det P do "
           "to go from -1 to det I = +1?")
