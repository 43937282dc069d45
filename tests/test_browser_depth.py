"""The depth explorer (winit/book/browser/depth.py, js/depth.js): its settings, its first-state
picture, the numpy pipeline that draws that picture, and, in Chromium, the page's own pipeline
against winit's engine and winit.meanfield, and the widget driven control by control."""

import base64
import math

import numpy as np
import pytest
from scipy import integrate, special

from winit.book.browser.depth import (
    ACTIVATIONS,
    INITS,
    DepthExplorer,
    depth_signals,
    sigma_w2,
    theory_lines,
)

# ---------------------------------------------------------------------------
# Python side
# ---------------------------------------------------------------------------


def test_settings_are_the_text_form_and_checked_by_name():
    e = DepthExplorer(depth=17, width=333, activation="gelu", init="orthogonal", gain=1.37,
                      bias_std=0.05, seed=3, layer=4)
    assert repr(e) == ("DepthExplorer(activation='gelu', bias_std=0.05, depth=17, gain=1.37, "
                       "init='orthogonal', layer=4, seed=3, width=333)")
    assert sorted(e.traits(setting=True)) == ["activation", "bias_std", "depth", "gain", "init",
                                               "layer", "seed", "width"]
    for name, bad, error in (("depth", 0, ValueError), ("depth", 101, ValueError),
                             ("depth", 2.5, TypeError), ("width", 9, ValueError),
                             ("width", 1001, ValueError), ("activation", "softplus", ValueError),
                             ("init", "glorot_uniform", ValueError), ("gain", 0.0, ValueError),
                             ("gain", 10.5, ValueError), ("bias_std", -0.1, ValueError),
                             ("bias_std", float("nan"), ValueError), ("seed", -1, ValueError),
                             ("seed", 2 ** 32, ValueError), ("layer", 0, ValueError)):
        with pytest.raises(error, match=f"^{name} must"):
            DepthExplorer(**{name: bad})
        if error is ValueError:  # a setting changed later is checked the same way
            with pytest.raises(ValueError, match=f"^{name} must"):
                setattr(e, name, bad)
    e.width = 1000
    e.layer = None
    assert e.width == 1000 and e.layer is None


def test_menus_hold_the_six_activations_and_five_inits():
    e = DepthExplorer()
    assert [k for k, _ in e.choices["activation"]] == ["tanh", "relu", "leaky_relu", "sigmoid",
                                                       "gelu", "linear"]
    assert [k for k, _ in e.choices["init"]] == ["xavier", "normalized_xavier", "lecun", "he",
                                                 "orthogonal"]
    assert e.limits["depth"] == [1, 100] and e.limits["width"] == [10, 1000]


@pytest.mark.parametrize("init, width, gain, expected", [
    ("xavier", 100, 1.0, 1 / 3), ("normalized_xavier", 333, 1.0, 1.0), ("lecun", 10, 2.0, 4.0),
    ("he", 1000, 1.37, 2 * 1.37 ** 2), ("orthogonal", 256, 0.5, 0.25)])
def test_sigma_w2_is_fan_in_times_the_weights_variance(init, width, gain, expected):
    assert sigma_w2(init, width, gain) == pytest.approx(expected, rel=1e-14)


def _gauss(f):
    """E[f(z)], z ~ N(0, 1), by adaptive quadrature (breakpoint at 0)."""
    g = lambda z: f(z) * math.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)  # noqa: E731
    return sum(integrate.quad(g, a, b, epsabs=1e-15, epsrel=1e-13, limit=200)[0]
               for a, b in ((-12, 0), (0, 12)))


_PHI = {"tanh": (math.tanh, lambda u: 1 / math.cosh(u) ** 2),
        "relu": (lambda u: max(u, 0.0), lambda u: float(u > 0)),
        "sigmoid": (special.expit, lambda u: special.expit(u) * (1 - special.expit(u))),
        "gelu": (lambda u: u * special.ndtr(u),
                 lambda u: special.ndtr(u) + u * math.exp(-0.5 * u * u) / math.sqrt(2 * math.pi))}


@pytest.mark.parametrize("activation, s_w2, s_b2", [
    ("tanh", 2.0, 0.0), ("tanh", 1.37 ** 2, 0.0025), ("relu", 1 / 3, 0.0), ("sigmoid", 4.0, 0.01),
    ("gelu", 2.0, 0.05)])
def test_theory_lines_are_the_length_map_and_chi_1_by_quadrature(activation, s_w2, s_b2):
    phi, dphi = _PHI[activation]
    q, act, grad = theory_lines(6, activation, s_w2, s_b2, grad_last=0.3)
    expect_q = [s_w2 + s_b2]
    for _ in range(5):
        expect_q.append(s_w2 * _gauss(lambda z: phi(math.sqrt(expect_q[-1]) * z) ** 2) + s_b2)
    np.testing.assert_allclose(q, expect_q, rtol=1e-10)
    for l, ql in enumerate(expect_q):
        mean = _gauss(lambda z: phi(math.sqrt(ql) * z))
        second = _gauss(lambda z: phi(math.sqrt(ql) * z) ** 2)
        assert act[l] == pytest.approx(math.sqrt(second - mean * mean), rel=1e-9)
    g = [0.3]
    for ql in expect_q[-2::-1]:
        g.append(g[-1] * math.sqrt(s_w2 * _gauss(lambda z: dphi(math.sqrt(ql) * z) ** 2)))
    np.testing.assert_allclose(grad, g[::-1], rtol=1e-9)


def test_theory_lines_stop_where_float64_ends():
    # linear, sigma_w^2 = 1e4: q grows 1e4 per layer, 10**308 after about 77 layers
    q, act, grad = theory_lines(100, "linear", 1e4, 0.0, grad_last=1.0)
    finite = np.isfinite(q)
    assert finite[:70].all() and not finite[-1] and not np.isfinite(act[-1])
    assert np.isfinite(grad[-1]) and not np.isfinite(grad[0])  # grows 100 x per layer going back


def test_numpy_pipeline_is_the_old_explorers_engine_at_gain_one():
    from winit.book.explorers import depth_view

    for init, old in (("xavier", "standard"), ("normalized_xavier", "normalized"),
                      ("lecun", "lecun"), ("he", "he")):
        s = depth_signals(7, 30, "tanh", init, seed=4, batch=16)
        v = depth_view(7, 30, "tanh", old, seed=4, batch=16)
        np.testing.assert_array_equal(s.activation_std, v.activation_std)
        np.testing.assert_array_equal(s.gradient_std, v.gradient_std)
        assert (s.status, s.message) == (v.status, v.message)


def test_numpy_pipeline_follows_its_theory_when_wide():
    s = depth_signals(20, 1000, "tanh", "he", batch=16, seed=1)
    np.testing.assert_allclose(s.activation_std, s.theory_act, rtol=0.05)
    np.testing.assert_allclose(s.gradient_std, s.theory_grad, rtol=0.15)
    s = depth_signals(10, 1000, "tanh", "orthogonal", gain=1.0, bias_std=0.3, batch=16)
    np.testing.assert_allclose(s.activation_std, s.theory_act, rtol=0.05)
    assert s.theory_act[-1] > 0.4  # the biases hold the signal (without: about 0.25 at layer 10)
    assert sorted(s.samples) == [1, 5, 10] and s.samples[5].size == 16 * 1000


def test_output_carries_the_settings_and_a_picture_of_the_first_state():
    e = DepthExplorer(depth=12, width=50, activation="relu", init="he", layer=3)
    data, _ = e._repr_mimebundle_()
    assert data["text/plain"] == repr(e)
    png = base64.b64decode(data["image/png"])
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and 10_000 < len(png) < 120_000
    assert "application/vnd.jupyter.widget-view+json" in data
    assert sorted(e.signals().samples) == [1, 3, 12]


def test_page_gets_winit_meanfields_own_rule():
    from winit.meanfield import expect

    rule = DepthExplorer().quadrature
    z, w = np.array(rule["nodes"]), np.array(rule["weights"])
    for f in (np.tanh, lambda u: np.tanh(u) ** 2, lambda u: u * u):
        assert float(w @ f(0.7 * z)) == pytest.approx(expect(f, 0.49), rel=1e-15, abs=1e-17)
