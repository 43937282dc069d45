"""winit.book.checks.frameworks: right answers pass, wrong ones get a hint."""

import math

import numpy as np

from winit import variance_scaling
from winit.book.checks import check


def _w(scale=25 / 9, mode="fan_avg", distribution="normal", shape=(300, 100)):
    return variance_scaling(shape, scale, mode, distribution, rng=0)


def test_right_answers_pass():
    assert check("predict-fw-conv-fans", shape=(64, 3, 7, 7), fan_in=147, fan_out=3136, std=0.0253)
    assert check("predict-fw-conv-fans", shape=[64, 3, 7, 7], fan_in=147, fan_out=3136,
                 std=math.sqrt(2 / 3136))
    assert check("predict-fw-default-vs-glorot", ratio=4.52)
    assert check("predict-fw-he-normal-max", max_abs=0.144)
    assert check("predict-fw-tanh-depth", choice="(b)")
    assert check("implement-fw-call", scale=25 / 9, mode="fan_avg", w=_w())
    assert check("implement-fw-call", scale=2.78, mode="fan_avg", w=_w(shape=(100, 300)))


def test_wrong_answers_get_a_hint_without_the_answer():
    right = {"shape": (64, 3, 7, 7), "fan_in": 147, "fan_out": 3136, "std": 0.0253}
    cases = [
        ("predict-fw-conv-fans", {**right, "shape": (7, 7, 3, 64)}),       # Keras's layout
        ("predict-fw-conv-fans", {**right, "fan_in": 3, "fan_out": 64}),   # forgot the kernel
        ("predict-fw-conv-fans", {**right, "std": 0.117}),                  # fan-in's std
        ("predict-fw-conv-fans", {**right, "std": 0.0252}),                 # not three digits right
        ("predict-fw-default-vs-glorot", {"ratio": 3}),                     # a square layer's
        ("predict-fw-default-vs-glorot", {"ratio": 0.22}),                  # upside down
        ("predict-fw-default-vs-glorot", {"ratio": 1.51}),                  # default as 1/n
        ("predict-fw-he-normal-max", {"max_abs": 0.126}),                   # no rescaling
        ("predict-fw-he-normal-max", {"max_abs": 0.111}),                   # rescaled the wrong way
        ("predict-fw-he-normal-max", {"max_abs": 0.0632}),                  # one std
        ("predict-fw-tanh-depth", {"choice": "c"}),
        ("predict-fw-tanh-depth", {"choice": "a"}),
        ("implement-fw-call", {"scale": 5 / 3, "mode": "fan_avg", "w": _w()}),       # the gain
        ("implement-fw-call", {"scale": 25 / 9, "mode": "fan_in", "w": _w()}),
        ("implement-fw-call", {"scale": 25 / 9, "mode": "fan_avg", "w": _w(mode="fan_in")}),
        ("implement-fw-call", {"scale": 25 / 9, "mode": "fan_avg", "w": _w(scale=5 / 3)}),
        ("implement-fw-call", {"scale": 25 / 9, "mode": "fan_avg", "w": _w(distribution="truncated_normal")}),
        ("implement-fw-call", {"scale": 25 / 9, "mode": "fan_avg", "w": _w(distribution="uniform")}),
        ("implement-fw-call", {"scale": 25 / 9, "mode": "fan_avg", "w": _w(shape=(300, 300))}),
    ]
    for label, answers in cases:
        verdict = check(label, **answers)
        assert not verdict and verdict.message.startswith(f"Not yet ({label}): "), (label, answers)
        for secret in ("(64, 3", "147", "3136", "0.0253", "4.52", "0.144", "(b)", "25/9", "25 / 9",
                       "fan_avg"):
            assert secret not in verdict.message, (label, verdict.message)
