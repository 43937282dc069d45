"""winit.book.checks.initialisation_in_practice: right answers pass, wrong ones get a hint."""

import math

import numpy as np

from winit.book.checks import check


def _flag(activations, reference, low=0.5, high=2.0):
    return [i + 1 for i, a in enumerate(activations) if not low <= np.mean(a ** 2) / reference <= high]


def _entropy(counts):
    total = sum(counts)
    return -sum(c / total * math.log(c / total) for c in counts)


# The kept images' labels, counted here from the data the chapter uses
_COUNTS = (139, 135, 137, 134, 138, 9, 18, 15, 8, 13)


def test_the_kept_counts_are_the_chapters():
    from winit.data import digits

    y = digits(rng=0).y_train
    keep = (y < 5) | (np.arange(len(y)) % 10 == 0)
    assert tuple(np.bincount(y[keep], minlength=10)) == _COUNTS


def test_right_answers_pass():
    assert check("predict-practice-relu-depth", choice="b")
    assert check("predict-practice-quiet-loss", choice="(c)")
    assert check("predict-practice-pytorch-tanh", choice="D")
    assert check("predict-practice-tanh-grads", choice="b")
    assert check("implement-practice-flag", flag_layers=_flag)
    assert check("implement-practice-flag", flag_layers=lambda *a, **k: np.array(_flag(*a, **k)))
    for loss in (1.89, 1.90, _entropy(_COUNTS)):
        assert check("ex-practice-prior", loss=loss)


def test_wrong_answers_get_a_hint_without_the_answer():
    def ms(a):
        return np.mean(a ** 2)

    cases = [
        ("predict-practice-relu-depth", {"choice": "d"}),
        ("predict-practice-quiet-loss", {"choice": "a"}),
        ("predict-practice-pytorch-tanh", {"choice": "c"}),      # 3^(-20/2) counted as 20 layers
        ("predict-practice-tanh-grads", {"choice": "c"}),
        # numbered from 0; variance, std or squared mean instead of the mean square; no reference;
        # the band fixed at [0.5, 2]; the band's ends flagged; not a list; raising
        ("implement-practice-flag", {"flag_layers": lambda a, r, low=0.5, high=2.0: [
            i - 1 for i in _flag(a, r, low, high)]}),
        ("implement-practice-flag", {"flag_layers": lambda a, r, low=0.5, high=2.0: [
            i + 1 for i, v in enumerate(a) if not low <= np.var(v) / r <= high]}),
        ("implement-practice-flag", {"flag_layers": lambda a, r, low=0.5, high=2.0: [
            i + 1 for i, v in enumerate(a) if not low <= np.std(v) / r <= high]}),
        ("implement-practice-flag", {"flag_layers": lambda a, r, low=0.5, high=2.0: [
            i + 1 for i, v in enumerate(a) if not low <= np.mean(v) ** 2 / r <= high]}),
        ("implement-practice-flag", {"flag_layers": lambda a, r, low=0.5, high=2.0: _flag(a, 1.0, low, high)}),
        ("implement-practice-flag", {"flag_layers": lambda a, r, low=0.5, high=2.0: _flag(a, r)}),
        ("implement-practice-flag", {"flag_layers": lambda a, r, low=0.5, high=2.0: [
            i + 1 for i, v in enumerate(a) if not low < ms(v) / r < high]}),
        ("implement-practice-flag", {"flag_layers": lambda a, r, low=0.5, high=2.0: len(a)}),
        ("implement-practice-flag", {"flag_layers": lambda a, r, low=0.5, high=2.0: 1 / 0}),
        ("ex-practice-prior", {"loss": math.log(10)}),           # the quiet layer's loss
        ("ex-practice-prior", {"loss": 0.54}),                    # the other exercise's entropy
        ("ex-practice-prior", {"loss": 1.87}),
    ]
    for label, answers in cases:
        verdict = check(label, **answers)
        assert not verdict and verdict.message.startswith(f"Not yet ({label}): "), (label, answers)
        for secret in ("(b)", "(c)", "(d)", "1/280", "1.89", "1.90", "entropy"):
            assert secret not in verdict.message, (label, verdict.message)


def test_each_mistake_gets_its_own_hint():
    def hint(flag_layers):
        return check("implement-practice-flag", flag_layers=flag_layers).message

    assert "from 1" in hint(lambda a, r, low=0.5, high=2.0: [i - 1 for i in _flag(a, r, low, high)])
    assert "mean of a ** 2" in hint(lambda a, r, low=0.5, high=2.0: [
        i + 1 for i, v in enumerate(a) if not low <= np.var(v) / r <= high])
    assert "divide each layer's mean square by reference" in hint(
        lambda a, r, low=0.5, high=2.0: _flag(a, 1.0, low, high))
    assert "the band [low, high] you are given" in hint(lambda a, r, low=0.5, high=2.0: _flag(a, r))
    assert "inside [low, high]" in hint(lambda a, r, low=0.5, high=2.0: [
        i + 1 for i, v in enumerate(a) if not low < np.mean(v ** 2) / r < high])
    assert "quiet output layer" in check("ex-practice-prior", loss=2.30).message
