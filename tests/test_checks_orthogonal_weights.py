"""winit.book.checks.orthogonal_weights: right answers pass, typical wrong ones get a hint."""

import numpy as np
import pytest

from _hints import assert_not_yet
from winit.book.checks import check

#: what no hint may say: the answers, as a hint might spell them
SECRETS = ("0.5 to", "21", "(b)", "(c)", "0.001 ", "1e-3", "8 q*^2", "1.5")


def _my_orthogonal(shape, rng):
    rows, cols = shape
    if rows < cols:
        return _my_orthogonal((cols, rows), rng).T
    q, r = np.linalg.qr(rng.standard_normal((rows, cols)))
    return q * np.sign(np.diag(r))


def _product(matrices, n=16):
    out = np.eye(n)
    for m in matrices:
        out = out @ m
    return out


def _steps_to_learn(ws, lr=0.05, max_steps=1000, factor=2.0, stop=0.01, transposed=True):
    target = np.eye(len(ws[0]))
    for step in range(max_steps):
        error = _product(ws) - target
        if np.sum(error ** 2) < stop * np.sum(target ** 2):
            return step
        grads = []
        for k in range(len(ws)):
            left, right = _product(ws[:k]), _product(ws[k + 1:])
            grads.append(factor * (left.T @ error @ right.T if transposed else left @ error @ right))
        for w, g in zip(ws, grads):
            w -= lr * g
    return max_steps


def _steps_sequential(ws, lr, max_steps):
    """Gradient descent that updates each weight before computing the next one's gradient."""
    target = np.eye(16)
    for step in range(max_steps):
        if np.sum((_product(ws) - target) ** 2) < 0.16:
            return step
        for k in range(len(ws)):
            error = _product(ws) - target
            ws[k] -= lr * 2 * _product(ws[:k]).T @ error @ _product(ws[k + 1:]).T
    return max_steps


def _no_sign_fix(shape, rng):
    rows, cols = shape
    if rows < cols:
        return _no_sign_fix((cols, rows), rng).T
    return np.linalg.qr(rng.standard_normal((rows, cols)))[0]


def test_right_answers_pass():
    assert check("predict-orth-one-layer", choice="b")
    assert check("predict-orth-gain", choice="(b)")
    assert check("predict-orth-relu-layer", choice="b", all_equal=False)
    assert check("predict-orth-relu-layer", choice="b", all_equal=np.False_)
    assert check("predict-orth-small-q", choice="c", spread=1.0138e-3)
    assert check("predict-orth-small-q", choice="c", spread=128 * 8 * 0.001 ** 2)
    assert check("ex-orth-implement", my_orthogonal=_my_orthogonal)
    assert check("ex-orth-det", steps_to_learn=_steps_to_learn, choice="b")


@pytest.mark.filterwarnings("ignore::RuntimeWarning")   # the gradient without transposes overflows
@pytest.mark.parametrize("label, answers", [
    ("predict-orth-one-layer", {"choice": "a"}),
    ("predict-orth-one-layer", {"choice": "c"}),
    ("predict-orth-gain", {"choice": "c"}),
    ("predict-orth-relu-layer", {"choice": "a", "all_equal": False}),
    ("predict-orth-relu-layer", {"choice": "b", "all_equal": True}),
    ("predict-orth-relu-layer", {"choice": "b", "all_equal": "no"}),
    ("predict-orth-small-q", {"choice": "b", "spread": 1.0e-3}),
    ("predict-orth-small-q", {"choice": "c", "spread": 7.92e-6}),      # one layer only
    ("predict-orth-small-q", {"choice": "c", "spread": 2.5e-4}),       # the slope, not squared
    # no sign fix; a wide shape drawn as is; no transpose; a new rng; rows signed; raising
    ("ex-orth-implement", {"my_orthogonal": _no_sign_fix}),
    ("ex-orth-implement", {"my_orthogonal": lambda s, r: np.linalg.qr(r.standard_normal(s))[0]}),
    ("ex-orth-implement", {"my_orthogonal": lambda s, r: r.standard_normal(s) / np.sqrt(s[0])}),
    ("ex-orth-implement", {"my_orthogonal": lambda s, r: _my_orthogonal(s, np.random.default_rng())}),
    ("ex-orth-implement", {"my_orthogonal": lambda s, r: np.sign(np.diag(
        np.linalg.qr(r.standard_normal(s))[1]))[:, None] * np.linalg.qr(r.standard_normal(s))[0]}),
    ("ex-orth-implement", {"my_orthogonal": lambda s: 1 / 0}),
    # the factor 2 dropped; the transposes dropped; the wrong stop; the wrong prediction
    ("ex-orth-det", {"steps_to_learn": lambda ws, lr, m: _steps_to_learn(ws, lr, m, factor=1.0),
                     "choice": "b"}),
    ("ex-orth-det", {"steps_to_learn": lambda ws, lr, m: _steps_to_learn(ws, lr, m, transposed=False),
                     "choice": "b"}),
    ("ex-orth-det", {"steps_to_learn": lambda ws, lr, m: _steps_to_learn(ws, lr, m, stop=1e-4),
                     "choice": "b"}),
    ("ex-orth-det", {"steps_to_learn": lambda ws, lr, m: 0.5, "choice": "b"}),
    ("ex-orth-det", {"steps_to_learn": lambda ws, lr, m: 53 if m == 300 else 0, "choice": "b"}),
    ("ex-orth-det", {"steps_to_learn": lambda ws, lr, m: _steps_sequential(ws, lr, m), "choice": "b"}),
    ("ex-orth-det", {"steps_to_learn": _steps_to_learn, "choice": "c"}),
    ("ex-orth-det", {"steps_to_learn": _steps_to_learn, "choice": "a"}),
])
def test_wrong_answers_get_a_hint_without_the_answer(label, answers):
    assert_not_yet(label, answers, SECRETS)


def test_the_hints_name_the_mistake():
    assert "sign fix" in check("ex-orth-implement", my_orthogonal=_no_sign_fix).message
    double = check("ex-orth-det", choice="b",
                   steps_to_learn=lambda ws, lr, m: _steps_to_learn(ws, lr, m, factor=1.0))
    assert "factor 2" in double.message
