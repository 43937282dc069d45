"""The named transformer initialisations: each parameter drawn as its source says (formulas written here)."""

import math

import numpy as np
import pytest

from winit.transformer_init import PRESETS, build

D, L, V = 64, 4, 300


def std(net, name):
    return float(np.std(net.params[name]))


def close(value, expected, rel=0.06):
    return abs(value / expected - 1) < rel


@pytest.fixture(scope="module")
def nets():
    return {p: build(p, V, D, L, n_heads=4, max_len=16, rng=1) for p in PRESETS}


def test_every_preset_names_a_source_and_its_stds(nets):
    assert set(PRESETS) == {"pytorch", "gpt2_code", "gpt2_scaled", "vaswani", "neox", "tfixup",
                            "deepnorm", "mup"}
    for p in PRESETS.values():
        assert p.source and p.label and p.stds


def test_pytorch_defaults(nets):
    net = nets["pytorch"]
    assert net.norm == "pre" and not net.tied
    assert close(std(net, "wte"), 1.0) and close(std(net, "wpe"), 1.0)
    for name, fan_in in (("h1.attn.w_q", D), ("h1.mlp.w_out", 4 * D), ("head", D)):
        assert np.max(np.abs(net.params[name])) <= 1 / math.sqrt(fan_in)
        assert close(std(net, name), 1 / math.sqrt(3 * fan_in))
    b = net.params["h1.mlp.b_in"]  # nn.Linear's bias is not zero: U[+-1/sqrt(fan_in)]
    assert np.max(np.abs(b)) <= 1 / math.sqrt(D) and close(float(np.std(b)), 1 / math.sqrt(3 * D), 0.15)
    assert np.all(net.params["h1.ln_1.g"] == 1) and np.all(net.params["h1.ln_1.b"] == 0)


def test_gpt2_code_is_002_everywhere_and_001_for_positions(nets):
    net = nets["gpt2_code"]
    assert net.norm == "pre" and net.tied and net.activation == "gelu"
    for name in ("wte", "h0.attn.w_q", "h3.attn.w_o", "h3.mlp.w_out"):
        assert close(std(net, name), 0.02)
    assert close(std(net, "wpe"), 0.01, 0.1)
    assert np.all(net.params["h0.attn.b_q"] == 0)


def test_gpt2_scaled_divides_the_residual_projections_by_sqrt_2l(nets):
    net = nets["gpt2_scaled"]
    for name in ("h2.attn.w_o", "h2.mlp.w_out"):
        assert close(std(net, name), 0.02 / math.sqrt(2 * L))
    assert close(std(net, "h2.mlp.w_in"), 0.02) and close(std(net, "wpe"), 0.02, 0.1)


def test_vaswani_scales_the_shared_embedding_by_sqrt_d(nets):
    net = nets["vaswani"]
    assert net.norm == "post" and net.tied and net.positions == "sinusoidal"
    assert net.embed_scale == math.sqrt(D) and net.activation == "relu"
    assert close(std(net, "wte"), D ** -0.5)
    bound = math.sqrt(6 / (D + 4 * D))
    w = net.params["h0.mlp.w_in"]
    assert np.max(np.abs(w)) <= bound and close(float(np.std(w)), bound / math.sqrt(3))


def test_neox_small_init_and_wang_init(nets):
    net = nets["neox"]
    assert not net.tied
    for name in ("wte", "h0.attn.w_q", "h0.mlp.w_in", "head"):
        assert close(std(net, name), math.sqrt(2 / (5 * D)))
    for name in ("h0.attn.w_o", "h3.mlp.w_out"):
        assert close(std(net, name), 2 / (L * math.sqrt(D)))


def test_tfixup_has_no_layernorm_and_scales_by_9l_to_the_minus_quarter(nets):
    net = nets["tfixup"]
    assert net.norm == "none" and not any(".ln_" in n or n.startswith("ln_f") for n in net.params)
    s = (9 * L) ** -0.25
    assert close(std(net, "wte"), D ** -0.5 * s)
    assert close(std(net, "h1.attn.w_v"), math.sqrt(2 / (2 * D)) * s)
    assert close(std(net, "h1.mlp.w_out"), math.sqrt(2 / (5 * D)) * s)
    assert close(std(net, "h1.attn.w_q"), math.sqrt(2 / (2 * D)))


def test_deepnorm_alpha_and_beta_for_a_decoder(nets):
    net = nets["deepnorm"]
    assert net.norm == "post" and net.alpha == pytest.approx((2 * L) ** 0.25)
    beta = (8 * L) ** -0.25
    assert close(std(net, "h1.attn.w_v"), beta * math.sqrt(2 / (2 * D)))
    assert close(std(net, "h1.mlp.w_in"), beta * math.sqrt(2 / (5 * D)))
    assert close(std(net, "h1.attn.w_k"), math.sqrt(2 / (2 * D)))


def test_mup_zero_query_zero_readout_and_one_over_d_attention(nets):
    net = nets["mup"]
    assert net.attention_scale == "linear" and net.scale == 1 / (D // 4)
    assert not net.params["head"].any() and not net.params["h2.attn.w_q"].any()
    tokens = np.arange(32).reshape(2, 16) % V
    out = net.forward(tokens, tokens)
    assert out.loss == pytest.approx(math.log(V), abs=1e-12)  # zero readout: uniform logits
    np.testing.assert_allclose(out.attn_entropy, out.uniform_entropy)  # zero query: uniform attention


def test_moving_the_layernorms_keeps_the_weights():
    post = build("vaswani", V, D, 2, rng=5)
    pre = build("vaswani", V, D, 2, rng=5, norm="pre")
    assert pre.norm == "pre" and "ln_f.g" in pre.params
    for name, p in post.params.items():
        np.testing.assert_array_equal(p, pre.params[name])


def test_same_seed_same_weights_and_bad_names_refused():
    a, b = build("neox", V, D, 1, rng=3), build("neox", V, D, 1, rng=3)
    np.testing.assert_array_equal(a.params["wte"], b.params["wte"])
    with pytest.raises(ValueError, match="preset"):
        build("gpt5", V, D, 1)
    with pytest.raises(TypeError, match="preset"):
        build(3, V, D, 1)
