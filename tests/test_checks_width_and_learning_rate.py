"""winit.book.checks.width_and_learning_rate: right answers pass, wrong ones get a hint."""

import math

from winit.book.checks import check


def _rule(kind, fan_in, fan_out, base_width):
    """muP for SGD with He's gain, written here from Yang et al. (2022), Table 3."""
    if kind == "input":
        return math.sqrt(2 / fan_in), fan_out / base_width
    if kind == "hidden":
        return math.sqrt(2 / fan_in), 1.0
    return math.sqrt(2 * base_width) / fan_in, base_width / fan_in


def _sp(kind, fan_in, fan_out, base_width):
    return math.sqrt(2 / fan_in), 1.0


def _adam(kind, fan_in, fan_out, base_width):      # Table 3's Adam column: hidden at eta / n~
    std = _rule(kind, fan_in, fan_out, base_width)[0]
    return std, {"input": 1.0}.get(kind, base_width / fan_in)


def test_right_answers_pass():
    assert check("predict-toy-max-lr", sp="(c)", mup="A")
    assert check("predict-toy-adam", choice="c", layer="V")
    assert check("predict-toy-adam", choice="c", layer="output")
    assert check("predict-mup-step-vs-start", at_64="smaller", at_2048="Larger.")
    assert check("ex-mup-rule", mup_sgd_rule=_rule)


def test_wrong_answers_get_a_hint_without_the_answer():
    cases = [
        ("predict-toy-max-lr", {"sp": "b", "mup": "a"}),
        ("predict-toy-max-lr", {"sp": "c", "mup": "c"}),      # muP's rate falling like SP's
        ("predict-toy-adam", {"choice": "b", "layer": "V"}),
        ("predict-toy-adam", {"choice": "c", "layer": "U"}),
        ("predict-toy-adam", {"choice": "c", "layer": "the first"}),
        ("predict-mup-step-vs-start", {"at_64": "larger", "at_2048": "larger"}),
        ("predict-mup-step-vs-start", {"at_64": "smaller", "at_2048": "smaller"}),
        # SP's rule; Adam's column; no He gain; (lr, std) swapped; not a pair; raising
        ("ex-mup-rule", {"mup_sgd_rule": _sp}),
        ("ex-mup-rule", {"mup_sgd_rule": _adam}),
        ("ex-mup-rule", {"mup_sgd_rule": lambda k, a, b, base_width: (
            _rule(k, a, b, base_width)[0] / math.sqrt(2), _rule(k, a, b, base_width)[1])}),
        ("ex-mup-rule", {"mup_sgd_rule": lambda k, a, b, base_width: _rule(k, a, b, base_width)[::-1]}),
        ("ex-mup-rule", {"mup_sgd_rule": lambda k, a, b, base_width: 0.1}),
        ("ex-mup-rule", {"mup_sgd_rule": lambda k, a, b, base_width: 1 / 0}),
    ]
    for label, answers in cases:
        verdict = check(label, **answers)
        assert not verdict and verdict.message.startswith(f"Not yet ({label}): "), (label, answers)
        for secret in ("(c)", "'c'", "0.002", "eta / n is", "fan_out / base_width", "sqrt(2 * base"):
            assert secret not in verdict.message, (label, verdict.message)


def test_each_mistake_gets_its_own_hint():
    def hint(rule):
        return check("ex-mup-rule", mup_sgd_rule=rule).message

    assert "SGD column" in hint(_sp) and "SGD column" in hint(_adam)
    assert "order" in hint(lambda k, a, b, base_width: _rule(k, a, b, base_width)[::-1])
    assert "He's gain" in hint(lambda k, a, b, base_width: (math.sqrt(1 / a), _rule(k, a, b, base_width)[1]))
    assert "output row" in hint(lambda k, a, b, base_width: (math.sqrt(2 / a), _rule(k, a, b, base_width)[1]))
    assert "must return two numbers" in hint(lambda k, a, b, base_width: 0.1)
    assert "raised ZeroDivisionError" in hint(lambda k, a, b, base_width: 1 / 0)
