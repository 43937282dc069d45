"""winit.book.checks.residual_and_normalisation: right answers pass, typical wrong ones get a hint."""

import math

import numpy as np
import pytest

from _hints import assert_not_yet
from winit.book.checks import check

#: what no hint may say: the answers, as a hint might spell them
SECRETS = ("1.5", "6e8", "10^8", "(a)", "(b)", "B^(1/L)", "budget ** (1", "0.007")


def _branch_weights(n, n_blocks, budget, rng, c=None):
    c = (budget ** (1 / n_blocks) - 1) / 2 if c is None else c
    w1 = rng.standard_normal((n, n)) * math.sqrt(2 / n)
    w2 = rng.standard_normal((n, n)) * math.sqrt(c * 2 / n)
    return w1, w2


def test_right_answers_pass():
    assert check("predict-resnet-lecun", choice="b", after_50=6e8)
    assert check("predict-resnet-lecun", choice="(B)", after_50=1.5 ** 50)
    assert check("predict-preln-stream", choice="b")
    assert check("predict-bn-growth", choice="a")
    assert check("predict-resnet-lr", choice="b")
    assert check("predict-bn-negate", choice="b")
    assert check("ex-branch-budget", branch_weights=_branch_weights)


@pytest.mark.parametrize("label, answers", [
    ("predict-resnet-lecun", {"choice": "c", "after_50": 6e8}),
    ("predict-resnet-lecun", {"choice": "b", "after_50": 2.0 ** 50}),   # He's factor
    ("predict-resnet-lecun", {"choice": "b", "after_50": 1 + 50 * 0.5}),  # added, not compounded
    ("predict-preln-stream", {"choice": "c"}),
    ("predict-preln-stream", {"choice": "d"}),
    ("predict-bn-growth", {"choice": "d"}),
    ("predict-resnet-lr", {"choice": "a"}),
    ("predict-bn-negate", {"choice": "a"}),
    ("predict-bn-negate", {"choice": "c"}),
    # c = (B - 1) / (2L); c = log(B) / (2L); W2 without the 2; W1 LeCun; a new rng; one matrix
    ("ex-branch-budget", {"branch_weights": lambda n, L, B, r: _branch_weights(n, L, B, r, c=(B - 1) / (2 * L))}),
    ("ex-branch-budget", {"branch_weights": lambda n, L, B, r: _branch_weights(n, L, B, r, c=math.log(B) / (2 * L))}),
    ("ex-branch-budget", {"branch_weights": lambda n, L, B, r: (
        _branch_weights(n, L, B, r)[0], _branch_weights(n, L, B, r)[1] / math.sqrt(2))}),
    ("ex-branch-budget", {"branch_weights": lambda n, L, B, r: (
        _branch_weights(n, L, B, r)[0] / math.sqrt(2), _branch_weights(n, L, B, r)[1])}),
    ("ex-branch-budget", {"branch_weights": lambda n, L, B, r: _branch_weights(n, L, B, np.random.default_rng())}),
    ("ex-branch-budget", {"branch_weights": lambda n, L, B, r: _branch_weights(n, L, B, r)[1]}),
    ("ex-branch-budget", {"branch_weights": lambda n, L, B: None}),
])
def test_wrong_answers_get_a_hint_without_the_answer(label, answers):
    assert_not_yet(label, answers, SECRETS)


def test_the_budget_hint_names_the_compounding():
    linear = check("ex-branch-budget",
                   branch_weights=lambda n, L, B, r: _branch_weights(n, L, B, r, c=(B - 1) / (2 * L)))
    assert "compounds" in linear.message
