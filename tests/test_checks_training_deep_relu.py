"""winit.book.checks.training_deep_relu: right answers pass, wrong ones get a hint."""

import numpy as np

from winit.book.checks import check


def _he_init(sizes, rng, *, fan=lambda n_in, n_out: n_in, var=2.0, std=None, bias=0.0, transpose=False):
    pairs = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        scale = np.sqrt(var / fan(n_in, n_out)) if std is None else std(n_in)
        w = rng.normal(0.0, scale, size=(n_in, n_out))
        pairs.append((w.T if transpose else w, np.full(n_out, bias)))
    return pairs


def test_right_answers_pass():
    assert check("predict-train-initial-loss", choice="c")
    assert check("predict-train-logits-20", choice="(c)")
    assert check("predict-train-ten-layers", choice="b")
    assert check("predict-train-input-scale", choice="C")
    assert check("ex-train-threshold", choice="b")
    assert check("ex-train-he-init", he_init=_he_init)
    assert check("ex-train-he-init", he_init=lambda s, r: tuple(_he_init(s, r)))


def test_wrong_answers_get_a_hint_without_the_answer():
    cases = [
        ("predict-train-initial-loss", {"choice": "b"}),
        ("predict-train-logits-20", {"choice": "d"}),     # 2 per layer, not sqrt(2)
        ("predict-train-logits-20", {"choice": "a"}),
        ("predict-train-ten-layers", {"choice": "a"}),
        ("predict-train-input-scale", {"choice": "a"}),
        ("predict-train-input-scale", {"choice": "d"}),
        ("ex-train-threshold", {"choice": "a"}),
        ("ex-train-threshold", {"choice": "c"}),
        # fan-out; Xavier's variance; std 2/n; nonzero biases; (out, in) layout; ignoring rng; raising
        ("ex-train-he-init", {"he_init": lambda s, r: _he_init(s, r, fan=lambda n_in, n_out: n_out)}),
        ("ex-train-he-init", {"he_init": lambda s, r: _he_init(s, r, var=1.0)}),
        ("ex-train-he-init", {"he_init": lambda s, r: _he_init(s, r, std=lambda n: 2.0 / n)}),
        ("ex-train-he-init", {"he_init": lambda s, r: _he_init(s, r, bias=0.01)}),
        ("ex-train-he-init", {"he_init": lambda s, r: _he_init(s, r, transpose=True)}),
        ("ex-train-he-init", {"he_init": lambda s, r: _he_init(s, np.random.default_rng())}),
        ("ex-train-he-init", {"he_init": lambda s, r: [w for w, _ in _he_init(s, r)]}),
        ("ex-train-he-init", {"he_init": lambda s, r: _he_init(s, r)[:-1]}),
        ("ex-train-he-init", {"he_init": lambda s, r: 1 / 0}),
    ]
    for label, answers in cases:
        verdict = check(label, **answers)
        assert not verdict and verdict.message.startswith(f"Not yet ({label}): "), (label, answers)
        for secret in ("(c)", "(b)", "'c'", "'b'", "2^10", "2^11", "sqrt(2 /"):
            assert secret not in verdict.message, (label, verdict.message)
