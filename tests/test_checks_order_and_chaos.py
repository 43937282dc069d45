"""winit.book.checks.order_and_chaos: right answers pass, typical wrong ones get a hint."""

import math

import numpy as np
import pytest

from _hints import assert_not_yet
from winit.book.checks import check

#: what no hint may say: the answers, as a hint might spell them
SECRETS = ("1/16", "0.0625", "1.923", "(a)", "(b)", "(c)", "1.36", "10^4", "0.95",
               "1.177", "1.178", "1.21")

DRAWS = np.random.default_rng(7).standard_normal(1_000_000)


def _length_map(q, sigma_w2, sigma_b2):
    return sigma_w2 * np.mean(np.tanh(math.sqrt(q) * DRAWS) ** 2) + sigma_b2


def _chi_1(q_star, sigma_w2):
    return sigma_w2 * np.mean((1 - np.tanh(math.sqrt(q_star) * DRAWS) ** 2) ** 2)


def test_right_answers_pass():
    assert check("predict-oc-sigmoid", choice="(a)", chi_1_bound=1 / 16)
    assert check("predict-oc-sigmoid", choice="A", chi_1_bound=0.0625)
    assert check("predict-oc-gradient", choice="b")
    assert check("predict-oc-relu-pair", choice="c")
    assert check("ex-oc-length-map", length_map_mc=_length_map, chi_1_mc=_chi_1)
    assert check("ex-oc-leaky", sigma_w2=1.923)
    assert check("ex-oc-leaky", sigma_w2=2 / 1.04)


@pytest.mark.parametrize("label, answers", [
    ("predict-oc-sigmoid", {"choice": "b", "chi_1_bound": 1 / 16}),
    ("predict-oc-sigmoid", {"choice": "a", "chi_1_bound": 1 / 4}),   # the slope, not squared
    ("predict-oc-sigmoid", {"choice": "a", "chi_1_bound": "small"}),
    ("predict-oc-gradient", {"choice": "c"}),
    ("predict-oc-gradient", {"choice": "d"}),
    ("predict-oc-relu-pair", {"choice": "a"}),
    ("predict-oc-relu-pair", {"choice": "b"}),
    # no sqrt(q); no bias; chi_1 with the slope not squared; without sigma_w2; raising
    ("ex-oc-length-map", {"length_map_mc": lambda q, w, b: w * np.mean(np.tanh(q * DRAWS) ** 2) + b,
                          "chi_1_mc": _chi_1}),
    ("ex-oc-length-map", {"length_map_mc": lambda q, w, b: _length_map(q, w, 0.0),
                          "chi_1_mc": _chi_1}),
    ("ex-oc-length-map", {"length_map_mc": _length_map,
                          "chi_1_mc": lambda q, w: w * np.mean(1 - np.tanh(math.sqrt(q) * DRAWS) ** 2)}),
    ("ex-oc-length-map", {"length_map_mc": _length_map, "chi_1_mc": lambda q, w: _chi_1(q, w) / w}),
    ("ex-oc-length-map", {"length_map_mc": _length_map,
                          "chi_1_mc": lambda q, w: w * np.mean((1 - np.tanh(q * DRAWS) ** 2) ** 2)}),
    ("ex-oc-length-map", {"length_map_mc": lambda q: q, "chi_1_mc": _chi_1}),
    ("ex-oc-leaky", {"sigma_w2": 2.0}),               # ReLU's
    ("ex-oc-leaky", {"sigma_w2": 2 / 1.2}),           # the slope, not squared
    ("ex-oc-leaky", {"sigma_w2": 1.92}),              # not to three decimals
])
def test_wrong_answers_get_a_hint_without_the_answer(label, answers):
    assert_not_yet(label, answers, SECRETS)


def test_the_length_map_hints_name_the_mistake():
    no_sqrt = check("ex-oc-length-map", length_map_mc=lambda q, w, b: w * np.mean(np.tanh(q * DRAWS) ** 2) + b,
                    chi_1_mc=_chi_1)
    assert "sqrt(q)" in no_sqrt.message
    no_bias = check("ex-oc-length-map", length_map_mc=lambda q, w, b: _length_map(q, w, 0.0), chi_1_mc=_chi_1)
    assert "sigma_b2" in no_bias.message
    no_sqrt_chi = check("ex-oc-length-map", length_map_mc=_length_map,
                        chi_1_mc=lambda q, w: w * np.mean((1 - np.tanh(q * DRAWS) ** 2) ** 2))
    assert "sqrt(q_star)" in no_sqrt_chi.message
    no_gain = check("ex-oc-length-map", length_map_mc=lambda q, w, b: _length_map(q, 1.0, b), chi_1_mc=_chi_1)
    assert "by sigma_w2" in no_gain.message
    not_squared = check("ex-oc-length-map", length_map_mc=_length_map,
                        chi_1_mc=lambda q, w: w * np.mean(1 - np.tanh(math.sqrt(q) * DRAWS) ** 2))
    assert "square it" in not_squared.message
    raising = check("ex-oc-length-map", length_map_mc=lambda q: q, chi_1_mc=_chi_1)
    assert "length_map_mc raised TypeError" in raising.message
