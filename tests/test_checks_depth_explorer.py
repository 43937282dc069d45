"""winit.book.checks.depth_explorer: right answers pass, wrong ones get a hint."""

import numpy as np

from winit.book.checks import check


def _mean_squares(depth, width, c, rng, *, after_tanh=False, keep_tanh=True, std=None, fresh=False):
    h = rng.standard_normal((200, width))
    out = []
    for _ in range(depth):
        w = rng.standard_normal((width, width)) * (np.sqrt(c / width) if std is None else std(c, width))
        z = (rng.standard_normal((200, width)) if fresh else h) @ w
        h = np.tanh(z) if keep_tanh else z
        out.append(np.mean((h if after_tanh else z) ** 2))
    return np.array(out)


def test_right_answers_pass():
    assert check("predict-depth-lecun", choice="c")
    assert check("predict-depth-unit", choice="(b)")
    assert check("predict-depth-sigmoid", choice="B")
    assert check("predict-depth-thousand", choice="b")
    assert check("ex-depth-width", width_10="b", width_1000="a")
    assert check("ex-depth-probe", mean_squares=_mean_squares, c=2.5)
    assert check("ex-depth-probe", mean_squares=lambda d, w, c, r: list(_mean_squares(d, w, c, r)), c=2.54)


def test_wrong_answers_get_a_hint_without_the_answer():
    cases = [
        ("predict-depth-lecun", {"choice": "b"}),       # the std factor taken as c
        ("predict-depth-lecun", {"choice": "a"}),       # 0.9^2, forgetting ReLU's half
        ("predict-depth-unit", {"choice": "a"}),
        ("predict-depth-sigmoid", {"choice": "c"}),
        ("predict-depth-thousand", {"choice": "a"}),
        ("ex-depth-width", {"width_10": "a", "width_1000": "a"}),
        ("ex-depth-width", {"width_10": "b", "width_1000": "b"}),
        # after tanh; no tanh; std c/n; fresh inputs each layer; ignoring rng; reversed; bad shape
        ("ex-depth-probe", {"mean_squares": lambda d, w, c, r: _mean_squares(d, w, c, r, after_tanh=True), "c": 2.5}),
        ("ex-depth-probe", {"mean_squares": lambda d, w, c, r: _mean_squares(d, w, c, r, keep_tanh=False), "c": 2.5}),
        ("ex-depth-probe", {"mean_squares": lambda d, w, c, r: _mean_squares(d, w, c, r, std=lambda c, n: c / n),
                            "c": 2.5}),
        ("ex-depth-probe", {"mean_squares": lambda d, w, c, r: _mean_squares(d, w, c, r, fresh=True), "c": 2.5}),
        ("ex-depth-probe", {"mean_squares": lambda d, w, c, r: _mean_squares(d, w, c, np.random.default_rng()),
                            "c": 2.5}),
        ("ex-depth-probe", {"mean_squares": lambda d, w, c, r: _mean_squares(d, w, c, r)[::-1], "c": 2.5}),
        ("ex-depth-probe", {"mean_squares": lambda d, w, c, r: _mean_squares(d, w, c, r)[-1], "c": 2.5}),
        ("ex-depth-probe", {"mean_squares": _mean_squares, "c": 1.0}),            # the linear answer
        ("ex-depth-probe", {"mean_squares": _mean_squares, "c": 25 / 9}),         # PyTorch's gain squared
    ]
    for label, answers in cases:
        verdict = check(label, **answers)
        assert not verdict and verdict.message.startswith(f"Not yet ({label}): "), (label, answers)
        for secret in ("(c)", "(b)", "1.62", "2.5", "0.39"):
            assert secret not in verdict.message, (label, verdict.message)
