"""winit.book.checks.why_initialisation: the chapter's exercises (right answers pass, wrong ones
get a hint that does not give the answer away)."""

import numpy as np
import pytest

from winit.book.checks import check


def _scaled_uniform(n_in, n_out, rng):
    a = np.sqrt(3 / n_in)                      # U[-a, a] has variance a^2/3 = 1/n_in
    return rng.uniform(-a, a, size=(n_in, n_out))


def test_right_answers_pass():
    assert check("predict-why-std", std=1.15)
    assert check("predict-why-std", std=np.sqrt(4 / 3))
    assert check("predict-why-double", choice="(c)")
    assert check("predict-why-depth", choice="B")
    assert check("predict-why-half-random", distinct_units=8)
    assert check("ex-why-scale", scaled_uniform=_scaled_uniform)
    assert check("predict-why-zeros-digits", choice="b")


@pytest.mark.parametrize("label, answers", [
    ("predict-why-std", {"std": 4 / 3}),                       # the variance, not the std
    ("predict-why-std", {"std": 2.0}),                         # U[-a, a] taken as variance a^2
    ("predict-why-std", {"std": 1.2}),                         # not to two decimals
    ("predict-why-std", {"std": "1.15"}),
    ("predict-why-double", {"choice": "d"}),
    ("predict-why-double", {"choice": "e"}),
    ("predict-why-depth", {"choice": "d"}),
    ("predict-why-half-random", {"distinct_units": 1}),
    ("predict-why-half-random", {"distinct_units": 4}),
    ("predict-why-zeros-digits", {"choice": "a"}),               # log 2: the spirals' guess
    ("predict-why-zeros-digits", {"choice": "c"}),
    # fan-out instead of fan-in; a normal; ignoring the rng; a fixed range; the wrong shape; raising
    ("ex-why-scale", {"scaled_uniform": lambda a, b, r: _scaled_uniform(b, a, r).T}),
    ("ex-why-scale", {"scaled_uniform": lambda a, b, r: r.normal(0, np.sqrt(1 / a), (a, b))}),
    ("ex-why-scale", {"scaled_uniform": lambda a, b, r: _scaled_uniform(a, b, np.random.default_rng())}),
    ("ex-why-scale", {"scaled_uniform": lambda a, b, r: r.uniform(-0.17, 0.17, (a, b))}),
    ("ex-why-scale", {"scaled_uniform": lambda a, b, r: _scaled_uniform(a, b, r).T}),
    ("ex-why-scale", {"scaled_uniform": lambda a, b, r: 1 / 0}),
    ("ex-why-scale", {"scaled_uniform": "scaled_uniform"}),
])
def test_wrong_answers_get_a_hint_without_the_answer(label, answers):
    verdict = check(label, **answers)
    assert not verdict and verdict.message.startswith(f"Not yet ({label}): "), verdict.message
    for secret in ("1.15", "(c)", "(b)", " 8.", "sqrt(3/n", "sqrt(3 / n"):
        assert secret not in verdict.message, verdict.message


def test_each_typical_mistake_gets_its_own_hint():
    assert "variance of z" in check("predict-why-std", std=1.33).message
    assert "n_in, not n_out" in check("ex-why-scale", scaled_uniform=lambda a, b, r: _scaled_uniform(
        b, a, r).T).message
    assert "not a normal" in check("ex-why-scale", scaled_uniform=lambda a, b, r: r.normal(
        0, np.sqrt(1 / a), (a, b))).message
    assert "same seed" in check("ex-why-scale", scaled_uniform=lambda a, b, r: _scaled_uniform(
        a, b, np.random.default_rng())).message
    assert "ZeroDivisionError" in check("ex-why-scale", scaled_uniform=lambda a, b, r: 1 / 0).message
