"""winit.book.checks.signals_through_depth: right answers pass, wrong ones get a hint."""

import math

import numpy as np

from winit.book.checks import check
from winit.networks import activate


def _gain(activation, draws=1_000_000, seed=0, second_moment=True):
    z = np.random.default_rng(seed).standard_normal(draws)
    x = activate(z, activation)
    return 1 / math.sqrt(float(np.mean(x ** 2) if second_moment else np.var(x)))


def test_right_answers_pass():
    assert check("predict-sig-depth", choice="(b)", layers_xavier=8)
    assert check("predict-sig-depth", choice="b", layers_xavier=math.log(1e-6) / math.log(1 / 6))
    assert check("predict-sig-sigmoid", choice="b")
    assert check("predict-sig-zeros", choice="B")
    assert check("implement-sig-gelu-gain", measured_gain=_gain)
    assert check("implement-sig-gelu-gain", measured_gain=lambda a: _gain(a, seed=None))
    assert check("ex-sig-fanout", std_ratio=0.5, grad_factor=0.988)


def test_wrong_answers_get_a_hint_without_the_answer():
    cases = [
        ("predict-sig-depth", {"choice": "a", "layers_xavier": 8}),
        ("predict-sig-depth", {"choice": "b", "layers_xavier": 20}),     # the 1/n count again
        ("predict-sig-depth", {"choice": "b", "layers_xavier": 13}),     # factor 1/3: forgot ReLU
        ("predict-sig-sigmoid", {"choice": "a"}),
        ("predict-sig-sigmoid", {"choice": "c"}),
        ("predict-sig-zeros", {"choice": "a"}),
        # the variance instead of the mean square; E[phi^2] itself; not a function; raising
        ("implement-sig-gelu-gain", {"measured_gain": lambda a: _gain(a, second_moment=False)}),
        ("implement-sig-gelu-gain", {"measured_gain": lambda a: 1 / _gain(a) ** 2}),
        ("implement-sig-gelu-gain", {"measured_gain": lambda a: _gain(a) ** 2}),
        ("implement-sig-gelu-gain", {"measured_gain": 1.53}),
        ("implement-sig-gelu-gain", {"measured_gain": lambda a: [1.4, 1.5]}),
        ("implement-sig-gelu-gain", {"measured_gain": lambda a: 1 / 0}),
        ("ex-sig-fanout", {"std_ratio": 2, "grad_factor": 1}),           # upside down
        ("ex-sig-fanout", {"std_ratio": 0.25, "grad_factor": 1}),        # variances
        ("ex-sig-fanout", {"std_ratio": 0.5, "grad_factor": 2}),         # forgot the ReLU's slope
    ]
    for label, answers in cases:
        verdict = check(label, **answers)
        assert not verdict and verdict.message.startswith(f"Not yet ({label}): "), (label, answers)
        for secret in ("(b)", "'b'", " 8 ", "1.53", "1.41", "0.5 ", "half"):
            assert secret not in verdict.message, (label, verdict.message)
