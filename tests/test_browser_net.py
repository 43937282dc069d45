"""net.js, the explorers' network in the page, against winit's engine and mean-field theory.

Weights, inputs and labels go in from Python as JSON (float64 round-trips exactly); the
page's pre-activations, activations, gradients, layer statistics and one SGD step must
match winit.networks.forward / backward / train_sgd, and its theory lines winit.meanfield,
the expected values computed here by winit (never by the JavaScript under test).
"""

import math

import numpy as np
import pytest

from _browser import call, load
from winit import activations as wa
from winit import meanfield as mf
from winit.book.browser import esm
from winit.book.explorers import DEPTH_RULES, depth_view
from winit.networks import backward, cross_entropy, forward, init_weights, train_sgd

pytestmark = pytest.mark.browser

ACTS = wa.ACTIVATIONS
RTOL = 1e-12

@pytest.fixture(scope="module")
def page(js_page):
    names = load(js_page, esm())
    for name in ("ACTIVATIONS", "makeNet", "forward", "backward", "softmaxCrossEntropy", "sgdStep",
                 "layerStats", "lengthMapLine", "chi1Line", "gradientLine", "meanFieldRule"):
        assert name in names
    return js_page


def close(got, want, rtol=RTOL):
    """Norm-wise relative agreement: max |got - want| <= rtol max |want| (and equal shapes)."""
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    assert got.shape == want.shape
    scale = np.max(np.abs(want)) if want.size else 0.0
    err = np.max(np.abs(got - want)) if want.size else 0.0
    assert err <= rtol * scale, f"max error {err:.3g} against scale {scale:.3g}"


RUN_NET = """([sizes, W, b, act, x, batch, gout, labels, lr]) => {
  const M = window.M, plain = (l) => l.map((a) => Array.from(a));
  const net = M.makeNet(sizes, W, b, act);
  const fw = M.forward(net, x, batch);
  const out = { pre: plain(fw.pre), post: plain(fw.post) };
  const bw = M.backward(net, fw, gout);
  Object.assign(out, { gradPre: plain(bw.gradPre), gradPost: plain(bw.gradPost),
                       gradW: plain(bw.gradW), gradB: plain(bw.gradB) });
  const lean = M.backward(net, fw, gout, { weights: false });
  out.leanPre = plain(lean.gradPre);
  out.leanW = lean.gradW;
  out.loss = M.sgdStep(net, x, labels, batch, lr);
  out.W = plain(net.weights); out.b = plain(net.biases);
  return out;
}"""

SHAPES = [[4, 3], [5, 6, 3], [7, 9, 5, 4, 2], [2, 32, 32, 32, 2]]


def _params(sizes, rng, gain=1.3, bias=0.2):
    return [(rng.standard_normal((m, n)) * gain / math.sqrt(m), rng.standard_normal(n) * bias)
            for m, n in zip(sizes[:-1], sizes[1:])]


@pytest.mark.parametrize("activation", ACTS)
def test_passes_and_one_sgd_step_match_winit(page, activation):
    rng = np.random.default_rng(21)
    for sizes, batch in zip(SHAPES, (3, 5, 6, 64)):
        params = _params(sizes, rng)
        x = rng.standard_normal((batch, sizes[0]))
        gout = rng.standard_normal((batch, sizes[-1]))
        y = rng.integers(0, sizes[-1], size=batch)
        lr = 0.37
        got = page.evaluate(RUN_NET, [sizes, [W.ravel().tolist() for W, _ in params],
                                      [b.tolist() for _, b in params], activation,
                                      x.ravel().tolist(), batch, gout.ravel().tolist(),
                                      y.tolist(), lr])
        rec = forward(params, x, activation, output=None)
        grads = backward(params, rec, grad_output=gout)
        L = len(params)
        assert len(got["pre"]) == L and len(got["post"]) == L - 1
        for l in range(L):
            close(got["pre"][l], rec.pre_activations[l].ravel())
            close(got["gradPre"][l], grads.grad_pre_activations[l].ravel())
            close(got["leanPre"][l], grads.grad_pre_activations[l].ravel())
            close(got["gradW"][l], grads.grad_weights[l].ravel())
            close(got["gradB"][l], grads.grad_biases[l])
        for l in range(L - 1):
            close(got["post"][l], rec.activations[l].ravel())
            close(got["gradPost"][l], grads.grad_activations[l].ravel())
        assert got["leanW"] is None
        # one step of train_sgd on this one batch, in this order
        res = train_sgd(params, x, y, steps=1, lr=lr, batch_size=batch, activation=activation,
                        orders=np.arange(batch)[None, :])
        assert got["loss"] == pytest.approx(float(res.losses[0]), rel=RTOL)
        for l, (W, b) in enumerate(res.params):
            close(got["W"][l], W.ravel())
            close(got["b"][l], b)
            assert not np.array_equal(W, params[l][0])  # the step moved every layer


def test_activations_match_the_registry(page):
    z = np.array([-800.0, -50.0, -40.5, -7.0, -1.3, -0.4, -1e-3, 0.0, 1e-3, 0.2, 0.9, 3.0, 8.0,
                  39.0, 45.0, 710.0])
    got = page.evaluate("""(z) => Object.fromEntries(Object.entries(window.M.ACTIVATIONS).map(
        ([k, a]) => [k, { label: a.label, f: z.map(a.f), df: z.map(a.df),
                          apply: (() => { const o = new Float64Array(z.length);
                                          a.apply(Float64Array.from(z), o); return Array.from(o); })() }]))""",
                        z.tolist())
    assert sorted(got) == sorted(ACTS)
    for name in ACTS:
        entry = wa.get(name)
        close(got[name]["f"], entry.function(z), 1e-15)
        close(got[name]["apply"], entry.function(z), 1e-15)
        f, df = np.array(got[name]["f"]), np.array(got[name]["df"])
        want_df = entry.derivative(z)
        assert np.allclose(f, entry.function(z), rtol=1e-14, atol=0)
        assert np.allclose(df, want_df, rtol=1e-14, atol=1e-300)
    # the labels are the Python side's (one naming of the activations for both sides)
    from winit.book.browser._assets import ACTIVATION_LABELS

    assert {name: got[name]["label"] for name in ACTS} == ACTIVATION_LABELS
    assert page.evaluate("() => window.M.LEAKY_RELU_SLOPE") == wa.LEAKY_RELU_SLOPE


def test_softmax_cross_entropy_matches_winit(page):
    rng = np.random.default_rng(3)
    logits = rng.standard_normal((6, 4)) * 30.0
    logits[0] = [1000.0, 999.0, -1000.0, 0.0]  # large logits: no overflow
    y = np.array([0, 3, 1, 2, 2, 1])
    got = call(page, "softmaxCrossEntropy", logits.ravel().tolist(), y.tolist(), 6, 4)
    assert got["loss"] == pytest.approx(cross_entropy(logits, y), rel=1e-13)
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(6), y] -= 1.0
    close(got["grad"], (p / 6).ravel(), 1e-14)


def test_layer_stats_are_the_depth_explorers(page):
    """The depth explorer's numbers (depth_view) from the page's passes on depth_view's own
    weights and inputs: activation std per layer, and gradient std times the batch."""
    depth, width, batch, activation, init = 6, 24, 8, "tanh", "he"
    rng = np.random.default_rng(0)  # depth_view's draws, in its order
    x = rng.standard_normal((batch, width))
    y = rng.integers(0, 10, size=batch)
    rule, distribution = DEPTH_RULES[init]
    params = init_weights([width] * (depth + 1) + [10], std=rule, distribution=distribution, rng=rng)
    got = page.evaluate("""([sizes, W, act, x, y, batch]) => {
        const M = window.M, net = M.makeNet(sizes, W, null, act);
        const fw = M.forward(net, x, batch);
        const { grad } = M.softmaxCrossEntropy(fw.pre[fw.pre.length - 1], y, batch, 10);
        const bw = M.backward(net, fw, grad, { weights: false });
        const plain = (s) => ({ mean: Array.from(s.mean), std: Array.from(s.std), rms: Array.from(s.rms) });
        return { act: plain(M.layerStats(fw.post, batch, sizes.slice(1, -1))),
                 grad: plain(M.layerStats(bw.gradPre.slice(0, -1), batch, sizes[1])) };
    }""", [[width] * (depth + 1) + [10], [W.ravel().tolist() for W, _ in params], activation,
           x.ravel().tolist(), y.tolist(), batch])
    view = depth_view(depth, width, activation, init, batch=batch, seed=0)
    close(got["act"]["std"], view.activation_std)
    close(np.array(got["grad"]["std"]) * batch, view.gradient_std)
    rec = forward(params, x, activation)
    for l, h in enumerate(rec.activations):
        assert got["act"]["mean"][l] == pytest.approx(h.mean(), rel=1e-12, abs=1e-15)
        assert got["act"]["rms"][l] == pytest.approx(math.sqrt(np.mean(h * h)), rel=1e-13)


def test_layer_stats_neither_overflow_nor_underflow(page):
    a = np.array([3.0, -1.0, 4.0, 1.0, -5.0, 9.0])
    for scale in (1.0, 1e300, 1e-300):
        got = call(page, "layerStats", [(a * scale).tolist()], 6, 1)
        assert got["mean"][0] == pytest.approx(a.mean() * scale, rel=1e-14)
        assert got["std"][0] == pytest.approx(a.std() * scale, rel=1e-14)
        assert got["rms"][0] == pytest.approx(math.sqrt(np.mean(a * a)) * scale, rel=1e-14)


def test_bad_input_is_refused_with_the_reason(page):
    msg = page.evaluate("""() => { try { window.M.makeNet([3, 2], [[1, 2, 3]], null, "tanh"); }
                                   catch (e) { return e.constructor.name + ": " + e.message; } }""")
    assert msg == "RangeError: weights[0] must be 6 numbers long; got 3"
    msg = page.evaluate("""() => { try { window.M.makeNet([1, 1], [[1]], null, "swish"); }
                                   catch (e) { return e.constructor.name + ": " + e.message; } }""")
    assert msg.startswith("RangeError: activation must be one of tanh, sigmoid, relu")
    msg = page.evaluate("""() => { try { window.M.softmaxCrossEntropy([0, 0], [2], 1, 2); }
                                   catch (e) { return e.message; } }""")
    assert msg == "labels[0] must be a class label in 0..1; got 2"


# ---- the theory lines


def _legendre():
    x, w = np.polynomial.legendre.leggauss(mf.N_POINTS)
    return x.tolist(), w.tolist()


SETTINGS = [(1.0, 0.0, 1.0), (2.0, 0.0, 2.0), (25 / 9, 0.05, 0.3), (0.5, 0.3, 4.0),
            (100.0, 0.0, 100.0), (1.7, 0.01, 1e6)]


@pytest.mark.parametrize("activation", ACTS)
def test_length_map_line_matches_meanfield(page, activation):
    nodes, weights = _legendre()
    phi = wa.get(activation).function
    depth = 12
    for sw2, sb2, q0 in SETTINGS:
        got = call(page, "lengthMapLine", activation, sw2, sb2, q0, depth, nodes, weights)
        q = [q0]
        for _ in range(depth - 1):
            q.append(mf.length_map(q[-1], sw2, sb2, activation))
        close(got["q"], q, 1e-12)
        for l, ql in enumerate(q):
            mean = mf.expect(phi, ql)
            mean_sq = mf.expect(lambda u: phi(u) ** 2, ql)
            assert got["rms"][l] == pytest.approx(math.sqrt(mean_sq), rel=1e-12)
            assert got["mean"][l] == pytest.approx(mean, rel=1e-11, abs=1e-13 * math.sqrt(ql))
            assert got["std"][l] == pytest.approx(math.sqrt(mean_sq - mean * mean), rel=1e-9)


@pytest.mark.parametrize("activation", ACTS)
def test_gradient_line_matches_chi_1(page, activation):
    nodes, weights = _legendre()
    for sw2, sb2, q0 in SETTINGS:
        q = np.array(call(page, "lengthMapLine", activation, sw2, sb2, q0, 8, nodes, weights)["q"])
        chi = call(page, "chi1Line", activation, sw2, q.tolist(), nodes, weights)
        close(chi, [mf.chi_1(sw2, sb2, activation, q=v) for v in q], 1e-12)
        line = call(page, "gradientLine", activation, sw2, q.tolist(), 0.25, nodes, weights)
        want = 0.25 * np.concatenate([np.cumprod(np.sqrt([mf.chi_1(sw2, sb2, activation, q=v)
                                                          for v in q[-2::-1]]))[::-1], [1.0]])
        close(line, want, 1e-12)
    # at the fixed point, the chapters' factor per layer: sqrt(chi_1) at q* (tanh, He's 2)
    if activation in ("tanh", "sigmoid", "relu"):
        sw2 = 2.0
        q_star = mf.fixed_point_q(sw2, 0.0, activation)
        line = call(page, "gradientLine", activation, sw2, [q_star] * 5, 1.0, nodes, weights)
        assert line[0] == pytest.approx(math.sqrt(mf.chi_1(sw2, 0.0, activation)) ** 4, rel=1e-12)


def test_the_rule_is_meanfields(page):
    """E[f(sqrt(q) z)] by the page's copy of winit.meanfield's composite rule, for functions
    that need its panels (a kink, a step, a narrow transition), at q from 0 to 1e12."""
    nodes, weights = _legendre()
    fs = {"u * u": lambda u: u * u, "Math.abs(u)": np.abs, "u > 0 ? 1 : 0": lambda u: (u > 0) * 1.0,
          "Math.tanh(u) ** 2": lambda u: np.tanh(u) ** 2, "Math.exp(-u * u)": lambda u: np.exp(-u * u)}
    for q in (0.0, 0.3, 1.0, 1.0 + 1e-9, 4.0, 37.0, 1e4, 1e12):
        got = page.evaluate("""([fs, q, x, w]) => fs.map((f) =>
            window.M.gaussExpect(new Function("u", "return " + f), q, x, w))""",
                            [list(fs), q, nodes, weights])
        for (name, f), value in zip(fs.items(), got):
            want = mf.expect(f, q)
            assert value == pytest.approx(want, rel=1e-12, abs=1e-300), (name, q)


def test_the_rule_has_meanfields_nodes(page):
    """The page's panels are winit.meanfield's (its private _rule_1d, read here only to
    check that the copy is the same rule, node for node)."""
    nodes, weights = _legendre()
    for q in (0.5, 1.0, 1.5, 4.0, 1e3, 1e7, 1e14):
        got = call(page, "meanFieldRule", q, nodes, weights)
        z, w = mf._rule_1d(q, mf.N_POINTS)
        np.testing.assert_allclose(got["z"], z, rtol=0, atol=1e-15)
        np.testing.assert_allclose(got["w"], w, rtol=1e-14, atol=0)
