"""The numpy transformer: backward against central differences, and what a forward pass reports."""

import math

import numpy as np
import pytest
from _grad import numeric_grad

from winit.transformer import Transformer, sinusoidal_positions


def random_net(rng, **kw):
    net = Transformer(11, 8, 2, n_heads=2, max_len=5, **kw)
    for name, p in net.params.items():
        p[...] = rng.normal(0.0, 0.3, p.shape) + (1.0 if name.endswith(".g") else 0.0)
    return net


CASES = [dict(norm="pre", tied=True), dict(norm="pre", tied=False),
         dict(norm="post", tied=True), dict(norm="post", tied=False, alpha=1.4),
         dict(norm="none", tied=False, positions="sinusoidal", embed_scale=1.7),
         dict(norm="pre", tied=True, activation="relu", attention_scale="linear", n_heads=1)]


@pytest.mark.parametrize("kw", CASES, ids=lambda kw: "-".join(map(str, kw.values())))
def test_backward_matches_central_differences(kw):
    rng = np.random.default_rng(3)
    kw = dict(kw)
    heads = kw.pop("n_heads", 2)
    net = Transformer(11, 8, 2, n_heads=heads, max_len=5, **kw)
    for name, p in net.params.items():
        p[...] = rng.normal(0.0, 0.3, p.shape) + (1.0 if name.endswith(".g") else 0.0)
    tokens, targets = rng.integers(0, 11, (2, 5)), rng.integers(0, 11, (2, 5))
    _, grads = net.loss_and_gradients(tokens, targets)
    assert set(grads) == set(net.params)
    for name, p in net.params.items():
        numeric = numeric_grad(lambda: net.forward(tokens, targets).loss, p)
        np.testing.assert_allclose(grads[name], numeric, rtol=1e-5, atol=1e-7, err_msg=name)


def test_zero_weights_give_log_v_and_uniform_attention():
    net = Transformer(40, 8, 3, n_heads=4, max_len=6)
    tokens = np.arange(12).reshape(2, 6)
    out = net.forward(tokens, tokens + 1)
    assert out.loss == pytest.approx(math.log(40), abs=1e-12)
    # zero queries and keys: every query spreads evenly over its t + 1 visible keys
    np.testing.assert_allclose(out.attn_entropy, np.mean(np.log(np.arange(1, 7))), atol=1e-12)
    assert out.uniform_entropy == pytest.approx(np.mean(np.log(np.arange(1, 7))))


def test_attention_is_causal():
    rng = np.random.default_rng(0)
    net = random_net(rng)
    tokens = rng.integers(0, 11, (1, 5))
    changed = tokens.copy()
    changed[0, -1] = (tokens[0, -1] + 1) % 11
    a = net.forward(tokens, tokens).logits
    b = net.forward(changed, tokens).logits
    np.testing.assert_array_equal(a[:, :-1], b[:, :-1])
    assert not np.allclose(a[:, -1], b[:, -1])


def test_stream_variance_is_the_embedding_variance_at_block_zero():
    rng = np.random.default_rng(1)
    net = Transformer(30, 16, 1, positions="none")
    net.params["wte"][...] = rng.standard_normal((30, 16))
    tokens = rng.integers(0, 30, (3, 7))
    out = net.forward(tokens, tokens)
    assert out.stream_var[0] == pytest.approx(float(np.var(net.params["wte"][tokens])))


def test_post_ln_stream_has_unit_variance_after_every_block():
    rng = np.random.default_rng(2)
    net = random_net(rng, norm="post")
    for name in net.params:
        if name.endswith(".g"):
            net.params[name][...] = 1.0
        elif name.endswith(".b") and ".ln_" in name:
            net.params[name][...] = 0.0
    out = net.forward(rng.integers(0, 11, (2, 5)), rng.integers(0, 11, (2, 5)))
    np.testing.assert_allclose(out.stream_var[1:], 1.0, atol=1e-3)


def test_sinusoids_follow_vaswani_section_3_5():
    pe = sinusoidal_positions(7, 6)
    p, i = 5, 1
    assert pe[p, 2 * i] == pytest.approx(math.sin(p / 10000 ** (2 * i / 6)))
    assert pe[p, 2 * i + 1] == pytest.approx(math.cos(p / 10000 ** (2 * i / 6)))


@pytest.mark.parametrize("kw,exc", [
    (dict(n_heads=3), ValueError), (dict(norm="middle"), ValueError), (dict(tied=1), TypeError),
    (dict(alpha=0.0), ValueError), (dict(attention_scale="cube"), ValueError),
    (dict(activation="swish"), ValueError)])
def test_bad_arguments_are_refused(kw, exc):
    with pytest.raises(exc, match=next(iter(kw))):
        Transformer(11, 8, 1, **kw)


def test_bad_tokens_are_refused():
    net = Transformer(11, 8, 1, max_len=4)
    with pytest.raises(ValueError, match="tokens"):
        net.forward(np.full((1, 3), 11), np.zeros((1, 3), dtype=int))
    with pytest.raises(ValueError, match="max_len"):
        net.forward(np.zeros((1, 5), dtype=int), np.zeros((1, 5), dtype=int))
    with pytest.raises(ValueError, match="targets"):
        net.forward(np.zeros((1, 3), dtype=int), np.zeros((1, 2), dtype=int))
    with pytest.raises(TypeError, match="fwd"):
        net.backward(None)


def test_an_overflowing_forward_pass_raises_instead_of_returning_nan():
    net = Transformer(11, 8, 1, norm="none", max_len=4)
    for name, p in net.params.items():
        p[...] = 1e200
    with np.errstate(all="ignore"), pytest.raises(FloatingPointError, match="overflowed"):
        net.forward(np.zeros((1, 3), dtype=int), np.zeros((1, 3), dtype=int))
