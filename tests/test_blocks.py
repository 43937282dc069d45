"""winit.blocks: every backward pass against central finite differences, and argument checks."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _grad import numeric_grad
from winit import blocks
from winit.activations import ACTIVATIONS
from winit.blocks import Activation, BatchNorm, LayerNorm, Linear, Residual

def check_layers(layers, x, seed=0):
    """Compare backward() with finite differences of L = sum(R * output) for a fixed R."""
    rng = np.random.default_rng(seed)
    out = blocks.forward(layers, x).output
    R = rng.normal(size=out.shape)

    def loss():
        return float(np.sum(R * blocks.forward(layers, x).output))

    rec = blocks.forward(layers, x)
    bp = blocks.backward(layers, rec, R)
    checked = 0
    for layer, grads in zip(layers, bp.grads):
        for p, g in zip(layer.parameters(), grads):
            assert g.shape == p.shape
            num = numeric_grad(loss, p)
            np.testing.assert_allclose(g, num, rtol=1e-5, atol=1e-7)
            checked += 1
    np.testing.assert_allclose(bp.grad_input, numeric_grad(loss, x), rtol=1e-5, atol=1e-7)
    return checked


def rand(shape, seed, scale=1.0):
    return np.random.default_rng(seed).normal(0.0, scale, size=shape)


def test_linear_backward_matches_finite_differences():
    layer = Linear(rand((4, 3), 1), rand(3, 2))
    assert check_layers([layer], rand((5, 4), 3)) == 2


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_backward_matches_finite_differences(name):
    x = rand((6, 4), 4)
    x[np.abs(x) < 1e-3] = 0.5  # keep ReLU's kink out of the finite-difference stencil
    check_layers([Linear(rand((4, 4), 5)), Activation(name)], x)


def test_batchnorm_backward_with_learnable_scale_and_shift():
    bn = BatchNorm(3, eps=1e-5)
    bn.gamma[:] = [0.5, 2.0, -1.5]
    bn.beta[:] = [0.1, -0.3, 0.7]
    # The input gradient couples every example through the batch mean and variance.
    assert check_layers([Linear(rand((4, 3), 6)), bn, Activation("tanh")], rand((7, 4), 7)) == 4


def test_layernorm_backward_with_learnable_scale_and_shift():
    ln = LayerNorm(5, eps=1e-5)
    ln.gamma[:] = rand(5, 8) + 1.0
    ln.beta[:] = rand(5, 9)
    assert check_layers([ln, Linear(rand((5, 3), 10)), Activation("tanh")], rand((4, 5), 11)) == 4


@pytest.mark.parametrize("norm", [None, "layer", "batch"])
def test_residual_block_backward_including_alpha(norm):
    width = 4
    branch = [] if norm is None else [(BatchNorm if norm == "batch" else LayerNorm)(width)]
    branch += [Linear(rand((width, 6), 12, 0.5), rand(6, 13, 0.1)), Activation("tanh"),
               Linear(rand((6, width), 14, 0.5), rand(width, 15, 0.1))]
    block = Residual(branch, alpha=0.7)
    n = check_layers([block, Residual([Linear(rand((width, width), 16, 0.5)), Activation("tanh"),
                                       Linear(rand((width, width), 17, 0.5))], alpha=-0.3)],
                     rand((5, width), 18))
    assert n == len(block.parameters()) + 5


def test_whole_residual_network_and_cross_entropy_gradient():
    net = blocks.residual_mlp(5, 4, 2, 3, std_first=0.6, std_last=0.4, norm="layer",
                              activation="tanh", rng=0)
    x, y = rand((6, 5), 19), np.array([0, 1, 2, 0, 1, 2])
    loss, _, bp = blocks.loss_and_gradients(net, x, y)

    def f():
        return blocks.loss_and_gradients(net, x, y)[0]

    assert math.isclose(loss, f())
    for layer, grads in zip(net, bp.grads):
        for p, g in zip(layer.parameters(), grads):
            np.testing.assert_allclose(g, numeric_grad(f, p), rtol=1e-5, atol=1e-8)


def test_zero_alpha_block_is_the_identity_and_alpha_gets_a_gradient():
    net = blocks.residual_mlp(3, 4, 1, 2, std_first=0.5, std_last=0.5, alpha=0.0, rng=1)
    x = rand((5, 3), 2)
    rec = blocks.forward(net, x)
    np.testing.assert_array_equal(rec.outputs[1], rec.outputs[0])
    bp = blocks.backward(net, rec, np.ones((5, 2)))
    assert bp.grads[1][0] != 0  # d/d alpha
    assert all(np.all(g == 0) for g in bp.grads[1][1:])  # the branch's weights do not move yet


def test_batchnorm_output_is_standardised_per_feature_and_layernorm_per_example():
    z = rand((50, 3), 3, 5.0) + 7.0
    out = blocks.forward([BatchNorm(3, eps=0.0)], z).output
    np.testing.assert_allclose(out.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(out.var(axis=0), 1, rtol=1e-12)
    out = blocks.forward([LayerNorm(3, eps=0.0)], z).output
    np.testing.assert_allclose(out.mean(axis=1), 0, atol=1e-12)
    np.testing.assert_allclose(out.var(axis=1), 1, rtol=1e-12)


def test_float32_network_stays_float32():
    net = blocks.residual_mlp(4, 8, 2, 3, std_first=0.5, std_last=0.5, norm="batch", rng=0,
                              dtype=np.float32)
    x = rand((6, 4), 1)
    loss, rec, bp = blocks.loss_and_gradients(net, x, np.array([0, 1, 2, 0, 1, 2]))
    assert rec.output.dtype == np.float32
    assert all(g.dtype == np.float32 for gl in bp.grads for g in gl)
    assert isinstance(loss, float)


def test_train_sgd_learns_and_leaves_the_callers_layers_alone():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 3))
    y = (x[:, 0] + x[:, 1] > 0).astype(int)
    net = blocks.residual_mlp(3, 8, 3, 2, std_first=0.5, std_last=0.0, norm="batch", rng=rng)
    w0 = net[1].branch[1].W.copy()
    res = blocks.train_sgd(net, x, y, steps=150, lr=0.1, batch_size=20, rng=1, record_every=50)
    assert not res.diverged and res.losses[-1] < 0.5 * res.losses[0]
    np.testing.assert_array_equal(net[1].branch[1].W, w0)
    assert list(res.steps) == [50, 100, 150]


def test_train_sgd_reports_divergence_without_raising():
    net = blocks.residual_mlp(3, 8, 20, 2, std_first=3.0, std_last=3.0, rng=0)
    x = np.random.default_rng(1).normal(size=(40, 3))
    res = blocks.train_sgd(net, x, (x[:, 0] > 0).astype(int), steps=20, lr=1.0, batch_size=10,
                           rng=0)
    assert res.diverged and res.diverged_at is not None and not math.isfinite(res.losses[-1])


def test_train_sgd_reports_a_last_update_that_overflows():
    # Three finite losses (each measured before its update), then the third update
    # overflows the parameters: a divergence at the last step, not a finished run.
    r = np.random.default_rng(0)
    y = r.integers(0, 3, size=300)
    x = (np.array([[3.0, 0.0], [-3.0, 3.0], [0.0, -3.0]])[y]
         + r.normal(scale=0.5, size=(300, 2))).astype(np.float32)
    net = blocks.plain_mlp(2, 8, 2, 3, std=0.5, norm=None, activation="tanh", rng=0,
                           dtype=np.float32)
    res = blocks.train_sgd(net, x, y, steps=3, lr=1e20, batch_size=30, rng=0)
    assert res.losses.shape == (3,) and np.isfinite(res.losses).all()
    assert not all(np.isfinite(p).all() for layer in res.layers for p in layer.parameters())
    assert res.diverged is True and res.diverged_at == 2 and list(res.steps) == [1, 2, 3]
    calm = blocks.train_sgd(net, x, y, steps=3, lr=0.1, batch_size=30, rng=0)
    assert not calm.diverged and calm.diverged_at is None


def test_rng_spec7_seed_generator_and_reproducibility():
    a = blocks.residual_mlp(3, 4, 2, 2, std_first=1.0, std_last=1.0, rng=5)
    b = blocks.residual_mlp(3, 4, 2, 2, std_first=1.0, std_last=1.0, rng=np.random.default_rng(5))
    c = blocks.residual_mlp(3, 4, 2, 2, std_first=1.0, std_last=1.0, rng=6)
    np.testing.assert_array_equal(a[0].W, b[0].W)
    assert not np.array_equal(a[0].W, c[0].W)
    with pytest.raises(TypeError, match="rng"):
        blocks.residual_mlp(3, 4, 2, 2, std_first=1.0, std_last=1.0, rng="seed")
    with pytest.raises(ValueError, match="rng"):
        blocks.plain_mlp(3, 4, 2, 2, std=1.0, rng=-1)


# ---------------------------------------------------------------- argument checks


@settings(max_examples=30, deadline=None)
@given(st.one_of(st.integers(max_value=0), st.booleans(), st.floats(), st.text(max_size=3)))
def test_widths_must_be_positive_integers(bad):
    with pytest.raises((TypeError, ValueError), match="width"):
        blocks.residual_mlp(3, bad, 2, 2, std_first=1.0, std_last=1.0)
    with pytest.raises((TypeError, ValueError), match="n_features"):
        BatchNorm(bad)


@settings(max_examples=30, deadline=None)
@given(st.one_of(st.floats(max_value=-1e-300), st.just(math.nan), st.just(math.inf),
                 st.booleans(), st.text(max_size=3)))
def test_eps_and_stds_must_be_non_negative_reals(bad):
    with pytest.raises((TypeError, ValueError), match="eps"):
        LayerNorm(3, eps=bad)
    with pytest.raises((TypeError, ValueError), match="std_last"):
        blocks.residual_mlp(3, 4, 2, 2, std_first=1.0, std_last=bad)


@settings(max_examples=30, deadline=None)
@given(st.one_of(st.just(math.nan), st.just(-math.inf), st.booleans(), st.text(max_size=3),
                 st.none()))
def test_alpha_must_be_a_finite_real(bad):
    with pytest.raises((TypeError, ValueError), match="alpha"):
        Residual([Linear(np.eye(2))], alpha=bad)


@settings(max_examples=30, deadline=None)
@given(st.text(max_size=8).filter(lambda s: s not in ACTIVATIONS + ("batch", "layer")))
def test_activation_and_norm_names_are_checked(bad):
    with pytest.raises(ValueError, match="name"):
        Activation(bad)
    with pytest.raises(ValueError, match="norm"):
        blocks.residual_mlp(3, 4, 2, 2, std_first=1.0, std_last=1.0, norm=bad or "x")


def test_shape_and_type_errors_name_the_argument():
    with pytest.raises(ValueError, match="x must be an array of shape"):
        blocks.forward([Linear(np.eye(3))], np.ones((2, 4)))
    with pytest.raises(ValueError, match="batch >= 2"):
        blocks.forward([BatchNorm(3)], np.ones((1, 3)))
    with pytest.raises(ValueError, match="eps must be positive"):
        blocks.forward([BatchNorm(2, eps=0.0)], np.ones((4, 2)))
    with pytest.raises(ValueError, match="branch must map width"):
        Residual([Linear(np.ones((3, 2)))])
    with pytest.raises(ValueError, match=r"layers\[1\] must be a layer of"):
        blocks.forward([Linear(np.ones((3, 2))), Linear(np.ones((4, 2)))], np.ones((1, 3)))
    with pytest.raises(TypeError, match="layers must be a list of layers"):
        blocks.forward(Linear(np.eye(2)), np.ones((1, 2)))
    with pytest.raises(ValueError, match="b must be an array of shape"):
        Linear(np.eye(2), np.zeros(3))
    with pytest.raises(TypeError, match="W must be a float32 or float64"):
        Linear(np.eye(2, dtype=int))
    with pytest.raises(ValueError, match="grad_output must be an array of shape"):
        rec = blocks.forward([Linear(np.eye(2))], np.ones((3, 2)))
        blocks.backward([Linear(np.eye(2))], rec, np.ones((2, 2)))
    with pytest.raises(ValueError, match="y must be an array of class labels"):
        blocks.loss_and_gradients([Linear(np.eye(2))], np.ones((2, 2)), np.array([0, 2]))
    net = blocks.plain_mlp(2, 3, 1, 2, std=1.0, rng=0)
    with pytest.raises(ValueError, match="batch_size must be at least 2"):
        blocks.train_sgd(net, np.ones((4, 2)), np.zeros(4, int), steps=1, lr=0.1, batch_size=1)
    with pytest.raises(ValueError, match="lr must be a positive"):
        blocks.train_sgd(net, np.ones((4, 2)), np.zeros(4, int), steps=1, lr=0.0, batch_size=2)


# ---------------------------------------------------------------- no silent wrong answer


class _NoDrawGenerator(np.random.Generator):
    """Fails the test if anything is drawn (so: if anything is allocated to draw into)."""

    def _fail(self, *args, **kwargs):
        raise AssertionError("drew random numbers")

    random = uniform = normal = standard_normal = _fail


@pytest.mark.parametrize("x_bad", [np.nan, np.inf, -np.inf])
def test_non_finite_inputs_are_refused_as_networks_refuses_them(x_bad):
    net = blocks.plain_mlp(3, 4, 1, 2, std=0.5, rng=0)
    x = np.ones((4, 3))
    x[1, 2] = x_bad
    what = "NaN" if np.isnan(x_bad) else "an infinity"
    match = rf"^x must be an array of finite numbers \(the input of the first layer\); got an array containing {what}$"
    with pytest.raises(ValueError, match=match):
        blocks.forward(net, x)
    with pytest.raises(ValueError, match=match):
        blocks.loss_and_gradients(net, x, [0, 1, 0, 1])
    rec = blocks.forward(net, np.ones((4, 3)))
    g = np.ones_like(rec.output)
    g[0, 0] = x_bad
    with pytest.raises(ValueError, match=rf"^grad_output must be an array of finite numbers .*containing {what}$"):
        blocks.backward(net, rec, g)


def test_inputs_that_overflow_the_layers_dtype_are_refused():
    net = blocks.plain_mlp(3, 4, 1, 2, std=0.5, rng=0, dtype=np.float32)
    with pytest.raises(ValueError, match=r"^x must be an array of numbers that fit float32"):
        blocks.forward(net, np.full((2, 3), 1e300))


def _normalised(z, axis):
    """(z - mean) / std in float64, by the textbook formula on z scaled to [-1, 1]."""
    z = z.astype(np.float64) / np.abs(z).max()
    zc = z - z.mean(axis=axis, keepdims=True)
    return zc / np.sqrt((zc ** 2).mean(axis=axis, keepdims=True))


@pytest.mark.parametrize("norm", [LayerNorm, BatchNorm])
@pytest.mark.parametrize("scale", [1e19, 2e19, 1e20, 1e30, 1e37])
def test_float32_norms_beyond_the_square_limit_normalise(norm, scale):
    # float32 squares overflow from about 1.8e19: the variance became inf and every
    # output 0, with finite=True
    z = (np.random.default_rng(0).normal(size=(5, 6)) * scale).astype(np.float32)
    layer = norm(6, eps=1e-5, dtype=np.float32)
    rec = blocks.forward([layer], z)
    assert rec.finite and rec.output.dtype == np.float32
    np.testing.assert_allclose(rec.output, _normalised(z, layer.axis), atol=1e-5)
    # the backward pass against central differences of the float64 textbook formula
    g = np.random.default_rng(1).normal(size=z.shape)
    z64 = z.astype(np.float64)

    def loss():
        zc = z64 - z64.mean(axis=layer.axis, keepdims=True)
        return float(np.sum(g * zc / np.sqrt((zc ** 2).mean(axis=layer.axis, keepdims=True)
                                             + 1e-5)))

    expected = numeric_grad(loss, z64, h=1e-6 * scale)
    back = blocks.backward([layer], rec, g).grad_input
    np.testing.assert_allclose(back * scale, expected * scale, atol=1e-4)


@pytest.mark.parametrize("norm", [LayerNorm, BatchNorm])
def test_float64_norms_beyond_the_square_limit_normalise(norm):
    z = np.random.default_rng(0).normal(size=(5, 6)) * 1e200
    rec = blocks.forward([norm(6)], z)
    np.testing.assert_allclose(rec.output, _normalised(z, norm.axis), atol=1e-12)


@pytest.mark.parametrize("norm", [LayerNorm, BatchNorm])
def test_tiny_inputs_with_eps_zero_have_a_variance(norm):
    # with eps = 0, squares below the smallest normal number lost the variance
    z = (np.random.default_rng(0).normal(size=(5, 6)) * 1e-25).astype(np.float32)
    rec = blocks.forward([norm(6, eps=0.0, dtype=np.float32)], z)
    np.testing.assert_allclose(rec.output, _normalised(z, norm.axis), atol=1e-5)


def test_ordinary_float64_norms_are_the_textbook_formula_to_the_bit():
    z = np.random.default_rng(0).normal(size=(8, 5)) * 3.0 + 1.0
    for norm in (LayerNorm, BatchNorm):
        mu = z.mean(axis=norm.axis, keepdims=True)
        zc = z - mu
        expected = zc * (1.0 / np.sqrt(np.mean(zc * zc, axis=norm.axis, keepdims=True) + 1e-5))
        np.testing.assert_array_equal(blocks.forward([norm(5)], z).output, expected)


@pytest.mark.parametrize("dtype, std", [(np.float32, 1e-44), (np.float32, 1e-39),
                                        (np.float64, 1e-320)])
def test_stds_too_small_for_the_dtype_are_refused(dtype, std):
    # they gave all-zero (or a few subnormal) weights
    match = r"must be 0 or at least float(32|64)'s smallest normal number"
    with pytest.raises(ValueError, match=r"^std " + match):
        blocks.plain_mlp(4, 8, 2, 3, std=std, rng=0, dtype=dtype)
    with pytest.raises(ValueError, match=r"^std_first " + match):
        blocks.residual_mlp(4, 8, 2, 3, std_first=std, std_last=1.0, rng=0, dtype=dtype)
    with pytest.raises(ValueError, match=r"^std_last " + match):
        blocks.residual_mlp(4, 8, 2, 3, std_first=1.0, std_last=std, rng=0, dtype=dtype)


def test_stds_too_large_for_the_dtype_are_refused_without_a_warning():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the overflow of the cast warned, then W refused inf
        for call in (lambda: blocks.plain_mlp(4, 8, 2, 3, std=1e39, rng=0, dtype=np.float32),
                     lambda: blocks.residual_mlp(4, 8, 2, 3, std_first=1e39, std_last=0.0,
                                                 rng=0, dtype=np.float32)):
            with pytest.raises(ValueError, match=r"must be 0 or at most 2\.66e\+36 for float32 weights"):
                call()
        # the first layer's std, std * sqrt(width / n_in), is checked too
        with pytest.raises(ValueError, match=r"^std \* sqrt\(width / n_in\) must be 0 or at most"):
            blocks.plain_mlp(1, 10**4, 1, 2, std=1e35, rng=0, dtype=np.float32)


def test_zero_and_the_smallest_stds_are_kept():
    tiny = float(np.finfo(np.float32).smallest_normal)
    net = blocks.plain_mlp(4, 4, 1, 2, std=2 * tiny, rng=0, dtype=np.float32)
    assert np.count_nonzero(net[0].W) == 16
    net = blocks.residual_mlp(4, 4, 1, 2, std_first=1.0, std_last=0.0, rng=0)
    assert np.count_nonzero(net[1].branch[-1].W) == 0


@pytest.mark.parametrize("build", [
    lambda rng: blocks.plain_mlp(2**15, 2**16, 1, 2, std=0.1, rng=rng),
    lambda rng: blocks.plain_mlp(2, 2**16, 1, 2**15, std=0.1, rng=rng),
    lambda rng: blocks.residual_mlp(2, 2**16, 1, 2, std_first=0.1, std_last=0.1, rng=rng),
    lambda rng: blocks.residual_mlp(2**16, 2**15, 1, 2, std_first=0.1, std_last=0.1, rng=rng),
])
def test_the_8_gib_guard_refuses_before_drawing(build):
    with pytest.raises(ValueError, match=r"asks for [\d,]+ weights .*winit refuses arrays above 8 GiB"):
        build(_NoDrawGenerator(np.random.PCG64(0)))
