"""winit.book.checks.he: the He chapter's exercises (right answers pass, wrong ones get a hint)."""

import numpy as np

from winit.book.checks import check


def _he_uniform(n_in, n_out, rng):
    b = np.sqrt(6 / n_in)
    return rng.uniform(-b, b, size=(n_in, n_out))


def test_right_answers_pass():
    assert check("predict-he-mixed", choice="(b)")
    assert check("predict-he-too-big", factor=2, after_20=1e6)
    assert check("predict-he-leaky", n_var_w=1.923)
    assert check("ex-he-uniform", he_uniform=_he_uniform)


def test_wrong_answers_get_a_hint_without_the_answer():
    cases = [
        ("predict-he-mixed", {"choice": "c"}),
        ("predict-he-too-big", {"factor": 4, "after_20": 2.0 ** 40}),
        ("predict-he-too-big", {"factor": 2, "after_20": 1e9}),
        ("predict-he-leaky", {"n_var_w": 2.0}),
        ("predict-he-leaky", {"n_var_w": 1.92}),
        # fan-out instead of fan-in; a normal; ignoring the rng; the wrong shape; raising
        ("ex-he-uniform", {"he_uniform": lambda a, b, r: r.uniform(-np.sqrt(6 / b), np.sqrt(6 / b), (a, b))}),
        ("ex-he-uniform", {"he_uniform": lambda a, b, r: r.normal(0, np.sqrt(2 / a), (a, b))}),
        ("ex-he-uniform", {"he_uniform": lambda a, b, r: np.random.default_rng().uniform(
            -np.sqrt(6 / a), np.sqrt(6 / a), (a, b))}),
        ("ex-he-uniform", {"he_uniform": lambda a, b, r: _he_uniform(a, b, r).T}),
        ("ex-he-uniform", {"he_uniform": lambda a, b, r: 1 / 0}),
    ]
    for label, answers in cases:
        verdict = check(label, **answers)
        assert not verdict and verdict.message.startswith(f"Not yet ({label}): "), (label, answers)
        for secret in ("1.923", "2^20", "(b)", "sqrt(6"):
            assert secret not in verdict.message, (label, verdict.message)
