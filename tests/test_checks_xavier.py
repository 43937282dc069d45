"""winit.book.checks.xavier: the chapter's exercises (right answers pass, wrong ones get a hint
that does not give the answer away)."""

import numpy as np
import pytest

from winit.book.checks import check


def _xavier_conv(shape, rng):
    bound = 1 / np.sqrt(shape[1] * shape[2] * shape[3])     # the fan-in: in * kh * kw
    return rng.uniform(-bound, bound, size=shape)


def test_right_answers_pass():
    assert check("predict-xavier-std", choice="b")
    assert check("predict-xavier-inputs", choice="(b)")
    assert check("predict-xavier-depth", choice="C")
    assert check("predict-xavier-tanh", choice="b")
    assert check("ex-xavier-conv", xavier_conv=_xavier_conv)


def _with_fan(fan):
    def draw(shape, rng):
        bound = 1 / np.sqrt(fan(shape))
        return rng.uniform(-bound, bound, size=shape)
    return draw


@pytest.mark.parametrize("label, answers", [
    ("predict-xavier-std", {"choice": "a"}),          # the bound 1/sqrt(n), not the std
    ("predict-xavier-std", {"choice": "c"}),
    ("predict-xavier-inputs", {"choice": "a"}),       # the inputs' variance forgotten
    ("predict-xavier-inputs", {"choice": "c"}),
    ("predict-xavier-depth", {"choice": "b"}),
    ("predict-xavier-depth", {"choice": "d"}),        # the variance, not the std
    ("predict-xavier-tanh", {"choice": "a"}),
    ("predict-xavier-tanh", {"choice": "d"}),
    # fan-out; in alone; kh * kh; a normal; ignoring the rng; the wrong shape; raising
    ("ex-xavier-conv", {"xavier_conv": _with_fan(lambda s: s[0] * s[2] * s[3])}),
    ("ex-xavier-conv", {"xavier_conv": _with_fan(lambda s: s[1])}),
    ("ex-xavier-conv", {"xavier_conv": _with_fan(lambda s: s[1] * s[2] * s[2])}),
    ("ex-xavier-conv", {"xavier_conv": lambda s, r: r.normal(0, 1 / np.sqrt(3 * s[1] * s[2] * s[3]), s)}),
    ("ex-xavier-conv", {"xavier_conv": lambda s, r: _xavier_conv(s, np.random.default_rng())}),
    ("ex-xavier-conv", {"xavier_conv": lambda s, r: _xavier_conv(s, r).reshape(s[0], -1)}),
    ("ex-xavier-conv", {"xavier_conv": lambda s, r: 1 / 0}),
])
def test_wrong_answers_get_a_hint_without_the_answer(label, answers):
    verdict = check(label, **answers)
    assert not verdict and verdict.message.startswith(f"Not yet ({label}): "), verdict.message
    for secret in ("0.033", "1/30", "1.15", "0.037", "(b)", "(c)", "1/sqrt(n",
                   "1 / sqrt(n", "1/sqrt(in"):
        assert secret not in verdict.message, verdict.message


def test_each_typical_mistake_gets_its_own_hint():
    fan_out = check("ex-xavier-conv", xavier_conv=_with_fan(lambda s: s[0] * s[2] * s[3]))
    assert "not out * kh * kw" in fan_out.message
    assert "not a normal" in check("ex-xavier-conv", xavier_conv=lambda s, r: r.normal(
        0, 1 / np.sqrt(3 * s[1] * s[2] * s[3]), s)).message
    assert "same seed" in check("ex-xavier-conv", xavier_conv=lambda s, r: _xavier_conv(
        s, np.random.default_rng())).message
    assert "shape (64, 32, 3, 3)" in check("ex-xavier-conv", xavier_conv=lambda s, r: _xavier_conv(
        s, r).reshape(s[0], -1)).message
