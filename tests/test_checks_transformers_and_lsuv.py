"""winit.book.checks.transformers_and_lsuv: right answers pass, wrong ones get a hint."""

import math

import numpy as np

from winit.book.checks import check


def _c_proj_std(n_layer, branches_per_block):
    return 0.02 / math.sqrt(n_layer * branches_per_block)


def _lsuv(weights, x, phi, tol=0.1, max_iter=10):
    weights, h = [w.copy() for w in weights], x
    for w in weights:
        for _ in range(max_iter):
            var = np.var(h @ w)
            if abs(var - 1) < tol:
                break
            w /= math.sqrt(var)
        h = phi(h @ w)
    return weights


def _lsuv_variant(after_activation=False, divide_by_var=False, same_input=False):
    def lsuv(weights, x, phi, tol=0.1, max_iter=10):
        weights, h = [w.copy() for w in weights], x
        for w in weights:
            for _ in range(max_iter):
                var = np.var(phi(h @ w) if after_activation else h @ w)
                if abs(var - 1) < tol:
                    break
                w /= var if divide_by_var else math.sqrt(var)
            h = x if same_input else phi(h @ w)
        return weights
    return lsuv


def test_right_answers_pass():
    assert check("predict-attn-logit-variance", choice="c")
    assert check("predict-uniform-loss", choice="(b)")
    assert check("predict-stream-branches", choice="C")
    assert check("ex-gpt2-c-proj", c_proj_std=_c_proj_std)
    assert check("ex-lsuv-by-hand", my_lsuv=_lsuv)
    assert check("predict-lsuv-orthogonal", choice="a")
    assert check("predict-lsuv-fresh-batches", choice="b")


def test_wrong_answers_get_a_hint_without_the_answer():
    cases = [
        ("predict-attn-logit-variance", {"choice": "a"}),      # the scaling fixes everything
        ("predict-uniform-loss", {"choice": "c"}),             # log V + a
        ("predict-stream-branches", {"choice": "a"}),          # nanoGPT's 1/sqrt(2L)
        # blocks instead of branches; no square root; nanoGPT's 2 per block; a number; raising
        ("ex-gpt2-c-proj", {"c_proj_std": lambda n, b: 0.02 / math.sqrt(n)}),
        ("ex-gpt2-c-proj", {"c_proj_std": lambda n, b: 0.02 / (n * b)}),
        ("ex-gpt2-c-proj", {"c_proj_std": lambda n, b: 0.02 / math.sqrt(2 * n)}),
        ("ex-gpt2-c-proj", {"c_proj_std": 0.02}),
        ("ex-gpt2-c-proj", {"c_proj_std": lambda n, b: 1 / 0}),
        # the variance after the activation; dividing by the variance; x fed to every layer;
        # new weights instead of rescaled ones; one matrix instead of a list
        ("ex-lsuv-by-hand", {"my_lsuv": _lsuv_variant(after_activation=True)}),
        ("ex-lsuv-by-hand", {"my_lsuv": _lsuv_variant(divide_by_var=True)}),
        ("ex-lsuv-by-hand", {"my_lsuv": _lsuv_variant(same_input=True)}),
        ("ex-lsuv-by-hand", {"my_lsuv": lambda w, x, phi, tol=0.1, max_iter=10: [
            np.random.default_rng(1).standard_normal(v.shape) / 4 for v in w]}),
        ("ex-lsuv-by-hand", {"my_lsuv": lambda w, x, phi, tol=0.1, max_iter=10: w[0]}),
        ("predict-lsuv-orthogonal", {"choice": "b"}),
        ("predict-lsuv-fresh-batches", {"choice": "a"}),
    ]
    for label, answers in cases:
        verdict = check(label, **answers)
        assert not verdict and verdict.message.startswith(f"Not yet ({label}): "), (label, answers)
        for secret in ("(a)", "(b)", "(c)", "7.05", "1.5 and 3", "0.0033", "sqrt(n_layer"):
            assert secret not in verdict.message, (label, verdict.message)


def test_each_mistake_gets_its_own_hint():
    def hint(label, **answers):
        return check(label, **answers).message

    assert "not the blocks" in hint("ex-gpt2-c-proj", c_proj_std=lambda n, b: 0.02 / math.sqrt(n))
    assert "square root" in hint("ex-gpt2-c-proj", c_proj_std=lambda n, b: 0.02 / (n * b))
    assert "not nanoGPT's 2" in hint("ex-gpt2-c-proj", c_proj_std=lambda n, b: 0.02 / math.sqrt(2 * n))
    assert "must be a function" in hint("ex-gpt2-c-proj", c_proj_std=0.02)
    assert "before the activation" in hint("ex-lsuv-by-hand", my_lsuv=_lsuv_variant(after_activation=True))
    assert "s^2" in hint("ex-lsuv-by-hand", my_lsuv=_lsuv_variant(divide_by_var=True))
    assert "not the input x" in hint("ex-lsuv-by-hand", my_lsuv=_lsuv_variant(same_input=True))
    assert "only rescales" in hint("ex-lsuv-by-hand", my_lsuv=lambda w, x, phi, tol=0.1, max_iter=10: [
        np.random.default_rng(1).standard_normal(v.shape) / 4 for v in w])
