"""winit.book.checks.normalized_xavier: the chapter's exercises (right answers pass, wrong ones
get a hint that does not give the answer away)."""

import numpy as np
import pytest

from winit.book.checks import check


def _glorot_conv(out_channels, in_channels, kh, kw, rng):
    fan_in, fan_out = in_channels * kh * kw, out_channels * kh * kw
    a = np.sqrt(6 / (fan_in + fan_out))
    return rng.uniform(-a, a, size=(out_channels, in_channels, kh, kw))


def test_right_answers_pass():
    assert check("predict-nx-which-m", half="c", same_range="(d)")
    assert check("predict-nx-bound", bound=0.1, std=0.058)
    assert check("predict-nx-bound", bound=np.sqrt(0.01), std=0.1 / np.sqrt(3))
    assert check("predict-nx-narrow", forward=1.6, backward=0.4)
    assert check("ex-nx-conv", glorot_uniform_conv=_glorot_conv)


def _with_fans(fans):
    def draw(o, i, kh, kw, rng):
        a = np.sqrt(6 / fans(o, i, kh, kw))
        return rng.uniform(-a, a, size=(o, i, kh, kw))
    return draw


@pytest.mark.parametrize("label, answers", [
    ("predict-nx-which-m", {"half": "b", "same_range": "d"}),
    ("predict-nx-which-m", {"half": "c", "same_range": "c"}),
    ("predict-nx-which-m", {"half": "c", "same_range": 5}),
    ("predict-nx-bound", {"bound": np.sqrt(6 / 300), "std": 0.058}),   # n alone, not n + m
    ("predict-nx-bound", {"bound": 0.1, "std": 0.1}),                   # the bound, not the std
    ("predict-nx-bound", {"bound": 0.1, "std": 0.1 ** 2 / 3}),          # the variance
    ("predict-nx-bound", {"bound": 0.1, "std": 0.06}),                  # not to three decimals
    ("predict-nx-narrow", {"forward": 0.4, "backward": 1.6}),           # swapped
    ("predict-nx-narrow", {"forward": np.sqrt(1.6), "backward": np.sqrt(0.4)}),
    ("predict-nx-narrow", {"forward": 1.6, "backward": 1.6}),
    # no kernel positions; the fan-in alone; a normal; ignoring the rng; in and out swapped; raising
    ("ex-nx-conv", {"glorot_uniform_conv": _with_fans(lambda o, i, kh, kw: o + i)}),
    ("ex-nx-conv", {"glorot_uniform_conv": _with_fans(lambda o, i, kh, kw: 2 * i * kh * kw)}),
    ("ex-nx-conv", {"glorot_uniform_conv": lambda o, i, kh, kw, r: r.normal(
        0, np.sqrt(2 / ((o + i) * kh * kw)), (o, i, kh, kw))}),
    ("ex-nx-conv", {"glorot_uniform_conv": lambda o, i, kh, kw, r: _glorot_conv(
        o, i, kh, kw, np.random.default_rng())}),
    ("ex-nx-conv", {"glorot_uniform_conv": lambda o, i, kh, kw, r: _glorot_conv(i, o, kh, kw, r)}),
    ("ex-nx-conv", {"glorot_uniform_conv": lambda o, i, kh, kw, r: 1 / 0}),
])
def test_wrong_answers_get_a_hint_without_the_answer(label, answers):
    verdict = check(label, **answers)
    assert not verdict and verdict.message.startswith(f"Not yet ({label}): "), verdict.message
    for secret in ("(c)", "(d)", "3n", "5n", "0.1", "0.058", "0.0577", "1.6", "0.4",
                   "sqrt(6"):
        assert secret not in verdict.message, verdict.message


def test_each_typical_mistake_gets_its_own_hint():
    assert check("predict-nx-bound", bound=0.1, std=0.0033).message.startswith(
        "Not yet (predict-nx-bound): std: that is the variance")
    assert "backward:" in check("predict-nx-narrow", forward=1.6, backward=1.6).message
    assert "kh * kw" in check("ex-nx-conv", glorot_uniform_conv=_with_fans(
        lambda o, i, kh, kw: o + i)).message
    assert "not a normal" in check("ex-nx-conv", glorot_uniform_conv=lambda o, i, kh, kw, r: r.normal(
        0, np.sqrt(2 / ((o + i) * kh * kw)), (o, i, kh, kw))).message
