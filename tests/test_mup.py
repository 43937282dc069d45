"""winit.mup: the maximal update parametrization of an MLP (Yang et al., 2022, Table 3).

Every expected value here is written from the paper, not computed by winit.mup: Table 3's
scalings (checked as ratios between a width and twice that width), eq. (4)'s MLP with a base
width, and the standard parametrization.  Errors name the argument; hypothesis checks the
properties over many widths.
"""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

import winit
from winit.mup import KINDS, LayerScaling, mup_init, mup_layer, mup_mlp

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Table 3 of Tensor Programs V, as the factor by which each entry changes when every width
# dimension of the layer doubles (fan_in of input weights and fan_out of output weights are the
# data's and the classes', and do not change).
#   init. var.: input 1/fan_in (fan_in fixed: x1), output 1/fan_in^2 (x1/4), hidden 1/fan_in (x1/2)
#   SGD LR:     input fan_out (x2), output 1/fan_in (x1/2), hidden 1 (x1)
#   Adam LR:    input 1 (x1), output 1/fan_in (x1/2), hidden 1/fan_in (x1/2)
#   biases ("all biases" = input weights from the constant 1): SGD fan_out, Adam 1
TABLE3_DOUBLING = {
    #          var,  sgd,  adam, sgd bias, adam bias
    "input": (1.0, 2.0, 1.0, 2.0, 1.0),
    "hidden": (0.5, 1.0, 0.5, 2.0, 1.0),
    "output": (0.25, 0.5, 0.5, 1.0, 1.0),
}


def dims(kind, n, d_in=64, d_out=10):
    """(fan_in, fan_out) of a layer of that kind at width n."""
    return {"input": (d_in, n), "hidden": (n, n), "output": (n, d_out)}[kind]


@pytest.mark.parametrize("kind", KINDS)
def test_doubling_the_width_scales_as_table_3(kind):
    n, base = 256, 32
    fi, fo = dims(kind, n)
    fi2, fo2 = dims(kind, 2 * n)
    var, sgd, adam, sgd_b, adam_b = TABLE3_DOUBLING[kind]
    a, b = (mup_layer(kind, fi, fo, base_width=base), mup_layer(kind, fi2, fo2, base_width=base))
    assert b.init_std ** 2 / a.init_std ** 2 == pytest.approx(var, rel=1e-12)
    assert b.lr_mult / a.lr_mult == pytest.approx(sgd, rel=1e-12)
    assert b.bias_lr_mult / a.bias_lr_mult == pytest.approx(sgd_b, rel=1e-12)
    a, b = (mup_layer(kind, fi, fo, base_width=base, optimizer="adam"),
            mup_layer(kind, fi2, fo2, base_width=base, optimizer="adam"))
    assert b.init_std ** 2 / a.init_std ** 2 == pytest.approx(var, rel=1e-12)
    assert b.lr_mult / a.lr_mult == pytest.approx(adam, rel=1e-12)
    assert b.bias_lr_mult / a.bias_lr_mult == pytest.approx(adam_b, rel=1e-12)


def test_output_variance_is_one_over_fan_in_squared():
    # Table 3: 1/fan_in^2; with a base width n0 and gain g: g^2 n0 / fan_in^2.
    for n in (64, 128, 1000, 4096):
        s = mup_layer("output", n, 10, base_width=64, gain=1.0)
        assert s.init_std ** 2 * n ** 2 == pytest.approx(64.0, rel=1e-12)


def test_mlp_is_the_papers_eq_4():
    # Eq. (4), n~ = n/n0: W1 ~ N(0, 1/d_in), W2 ~ N(0, 1/n), W3 ~ N(0, 1/(n n~)), SGD
    # learning rates eta n~ for W1, b1, b2; eta for W2; eta / n~ for W3 (the paper's MLP has no
    # output bias; Table 3 gives it fan_out = 10, constant in width: eta).
    d_in, n, n0, d_out = 3072, 1024, 128, 10
    nt = n / n0
    s = mup_mlp([d_in, n, n, d_out], base_width=n0, gain=1.0)
    assert [x.kind for x in s] == ["input", "hidden", "output"]
    assert s[0].init_std == pytest.approx(math.sqrt(1 / d_in), rel=1e-12)
    assert s[1].init_std == pytest.approx(math.sqrt(1 / n), rel=1e-12)
    assert s[2].init_std == pytest.approx(math.sqrt(1 / (n * nt)), rel=1e-12)
    assert [x.lr_mult for x in s] == pytest.approx([nt, 1.0, 1 / nt], rel=1e-12)
    assert [x.bias_lr_mult for x in s] == pytest.approx([nt, nt, 1.0], rel=1e-12)


def test_eq_3_pure_mup_with_base_width_1():
    # Eq. (3), the basic form: base width 1, W3 ~ N(0, 1/n^2), eta n for W1, b1, b2, eta/n for W3.
    n = 500
    s = mup_mlp([20, n, n, 5], base_width=1, gain=1.0)
    assert s[2].init_std == pytest.approx(1 / n, rel=1e-12)
    assert [x.lr_mult for x in s] == pytest.approx([n, 1.0, 1 / n], rel=1e-12)
    assert [x.bias_lr_mult for x in s] == pytest.approx([n, n, 1.0], rel=1e-12)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
@pytest.mark.parametrize("kind", KINDS)
def test_at_the_base_width_mup_is_sp(kind, optimizer):
    fi, fo = dims(kind, 96)
    mup = mup_layer(kind, fi, fo, base_width=96, optimizer=optimizer)
    sp = mup_layer(kind, fi, fo, base_width=96, optimizer=optimizer, parametrization="sp")
    assert mup == sp


def test_sp_is_variance_scaling_with_one_learning_rate():
    s = mup_mlp([64, 300, 200, 10], base_width=32, parametrization="sp")
    assert [x.init_std for x in s] == pytest.approx([math.sqrt(2 / 64), math.sqrt(2 / 300),
                                                     math.sqrt(2 / 200)], rel=1e-12)
    assert all(x.lr_mult == 1.0 and x.bias_lr_mult == 1.0 for x in s)
    # He's standard deviation is winit.he_std's (the tutorial's He)
    assert s[0].init_std == pytest.approx(winit.he_std(64), rel=1e-12)


def test_hidden_layer_of_unequal_widths_follows_mup_package():
    # MuSGD divides the rate of a matrix-like parameter by fanin_mult / fanout_mult;
    # MuAdam divides it by the fan-in multiplier.
    s = mup_layer("hidden", 256, 1024, base_width=64)
    assert s.lr_mult == pytest.approx((1024 / 64) / (256 / 64), rel=1e-12)
    s = mup_layer("hidden", 256, 1024, base_width=64, optimizer="adam")
    assert s.lr_mult == pytest.approx(64 / 256, rel=1e-12)


def test_returns_python_floats_and_a_frozen_record():
    s = mup_layer("output", 512, 10, base_width=64)
    assert isinstance(s, LayerScaling)
    assert all(type(v) is float for v in (s.init_std, s.lr_mult, s.bias_lr_mult))
    with pytest.raises(AttributeError):
        s.lr_mult = 2.0


def test_exported_from_winit():
    assert winit.mup_layer is mup_layer and winit.mup_mlp is mup_mlp
    assert winit.mup_init is mup_init


# ---- mup_init ---------------------------------------------------------------------------


def test_mup_init_layout_zero_biases_and_the_same_draws_as_sp():
    sizes = [64, 512, 512, 10]
    a = mup_init(sizes, base_width=64, rng=3)
    b = mup_init(sizes, base_width=64, rng=3, parametrization="sp")
    assert [W.shape for W, _ in a] == [(64, 512), (512, 512), (512, 10)]
    assert all(np.all(bias == 0) and bias.shape == (W.shape[1],) for W, bias in a)
    np.testing.assert_array_equal(a[0][0], b[0][0])
    np.testing.assert_array_equal(a[1][0], b[1][0])
    np.testing.assert_allclose(a[2][0], b[2][0] / math.sqrt(512 / 64), rtol=1e-14)


def test_mup_init_draws_normal_weights_of_the_table_std():
    params = mup_init([64, 400, 400, 10], base_width=50, gain=1.0, rng=11)
    want = [1 / 8, 1 / 20, 1 / 20 / math.sqrt(8)]
    for (W, _), std in zip(params, want):
        p = stats.kstest(W.ravel() / std, "norm").pvalue
        assert p > 1e-3


def test_mup_init_seeded_and_dtype():
    a = mup_init([8, 16, 16, 3], base_width=8, rng=0, dtype=np.float32)
    b = mup_init([8, 16, 16, 3], base_width=8, rng=np.random.default_rng(0), dtype=np.float32)
    assert all(W.dtype == np.float32 and bias.dtype == np.float32 for W, bias in a)
    for (Wa, _), (Wb, _) in zip(a, b):
        np.testing.assert_array_equal(Wa, Wb)


# ---- errors name the argument --------------------------------------------------------------


@pytest.mark.parametrize("kwargs,exc,match", [
    (dict(kind="embedding"), ValueError, "kind must be one of"),
    (dict(kind=1), TypeError, "kind must be one of"),
    (dict(fan_in=0), ValueError, "fan_in must be a positive integer"),
    (dict(fan_in=2.0), TypeError, "fan_in must be a positive integer"),
    (dict(fan_out=True), TypeError, "fan_out must be a positive integer"),
    (dict(base_width=-4), ValueError, "base_width must be a positive integer"),
    (dict(base_width=None), TypeError, "base_width must be a positive integer"),
    (dict(gain=0.0), ValueError, "gain must be a positive"),
    (dict(gain=float("nan")), ValueError, "gain must be a finite"),
    (dict(gain="2"), TypeError, "gain must be a real number"),
    (dict(optimizer="rmsprop"), ValueError, "optimizer must be one of"),
    (dict(parametrization="ntk"), ValueError, "parametrization must be one of"),
])
def test_mup_layer_errors(kwargs, exc, match):
    args = dict(kind="hidden", fan_in=128, fan_out=128, base_width=64)
    args.update(kwargs)
    kind, fi, fo = args.pop("kind"), args.pop("fan_in"), args.pop("fan_out")
    with pytest.raises(exc, match=match):
        mup_layer(kind, fi, fo, **args)


def test_base_width_is_keyword_only_and_required():
    with pytest.raises(TypeError):
        mup_layer("hidden", 8, 8, 8)
    with pytest.raises(TypeError):
        mup_mlp([4, 8, 2])


@pytest.mark.parametrize("sizes,exc,match", [
    ([64, 10], ValueError, "sizes must be a sequence of at least three"),
    ("64,128,10", TypeError, "sizes must be a sequence"),
    (5, TypeError, "sizes must be a sequence"),
    ([64, 0, 10], ValueError, r"sizes\[1\] must be a positive integer"),
    ([64, 128.0, 10], TypeError, r"sizes\[1\] must be a positive integer"),
])
def test_mup_mlp_errors(sizes, exc, match):
    with pytest.raises(exc, match=match):
        mup_mlp(sizes, base_width=64)
    with pytest.raises(exc, match=match):
        mup_init(sizes, base_width=64, rng=0)


def test_mup_init_errors_name_rng_and_dtype():
    with pytest.raises(ValueError, match="rng must be"):
        mup_init([4, 8, 2], base_width=8, rng=-1)
    with pytest.raises(ValueError, match="dtype must be"):
        mup_init([4, 8, 2], base_width=8, rng=0, dtype=np.int64)


# ---- properties ------------------------------------------------------------------------------

widths = st.integers(min_value=1, max_value=2 ** 20)


@SETTINGS
@given(kind=st.sampled_from(KINDS), fi=widths, fo=widths, base=widths,
       gain=st.floats(min_value=1e-3, max_value=1e3), opt=st.sampled_from(["sgd", "adam"]),
       par=st.sampled_from(["mup", "sp"]))
def test_every_entry_is_a_positive_finite_float(kind, fi, fo, base, gain, opt, par):
    s = mup_layer(kind, fi, fo, base_width=base, gain=gain, optimizer=opt, parametrization=par)
    for v in (s.init_std, s.lr_mult, s.bias_lr_mult):
        assert type(v) is float and math.isfinite(v) and v > 0
    assert (s.kind, s.fan_in, s.fan_out) == (kind, fi, fo)


@SETTINGS
@given(kind=st.sampled_from(KINDS), n=st.integers(1, 2 ** 16), base=st.integers(1, 2 ** 16),
       k=st.integers(2, 64), opt=st.sampled_from(["sgd", "adam"]))
def test_only_width_over_base_width_matters(kind, n, base, k, opt):
    # Multiplying every width dimension and the base width by k leaves the learning rates alone
    # and changes the init std as SP's 1/sqrt(fan_in) does.
    fi, fo = dims(kind, n, d_in=7, d_out=3)
    fi2, fo2 = dims(kind, k * n, d_in=7, d_out=3)
    a = mup_layer(kind, fi, fo, base_width=base, optimizer=opt)
    b = mup_layer(kind, fi2, fo2, base_width=k * base, optimizer=opt)
    assert b.lr_mult == pytest.approx(a.lr_mult, rel=1e-12)
    assert b.bias_lr_mult == pytest.approx(a.bias_lr_mult, rel=1e-12)
    assert b.init_std == pytest.approx(a.init_std * math.sqrt(fi / fi2), rel=1e-12)


@SETTINGS
@given(kind=st.sampled_from(KINDS), n=st.integers(1, 2 ** 16), base=st.integers(1, 2 ** 16))
def test_mup_and_sp_differ_only_in_the_table_entries(kind, n, base):
    fi, fo = dims(kind, n)
    mup = mup_layer(kind, fi, fo, base_width=base)
    sp = mup_layer(kind, fi, fo, base_width=base, parametrization="sp")
    if kind != "output":  # only the output layer's initial scale changes
        assert mup.init_std == sp.init_std
    nt = n / base
    want = {"input": (nt, nt), "hidden": (1.0, nt), "output": (1 / nt, 1.0)}[kind]
    assert (mup.lr_mult, mup.bias_lr_mult) == pytest.approx(want, rel=1e-12)


@SETTINGS
@given(value=st.one_of(st.floats(allow_nan=True), st.text(max_size=3), st.booleans(),
                       st.integers(max_value=0)))
def test_bad_fan_in_is_refused_naming_it(value):
    with pytest.raises((TypeError, ValueError), match="fan_in"):
        mup_layer("hidden", value, 8, base_width=8)


# ---- no silent wrong answer ------------------------------------------------------------------


class _NoDrawGenerator(np.random.Generator):
    """Fails the test if anything is drawn (so: if anything is allocated to draw into)."""

    def _fail(self, *args, **kwargs):
        raise AssertionError("drew random numbers")

    random = uniform = normal = standard_normal = _fail


@pytest.mark.parametrize("gain, dtype", [(1e-44, np.float32), (1e-37, np.float32),
                                         (1e-320, np.float64)])
def test_mup_init_refuses_a_gain_that_gives_zero_weights(gain, dtype):
    # the weights came out as zeros or a few subnormal numbers
    with pytest.raises(ValueError, match=r"^gain must be a gain that gives a standard deviation of at least "
                                         r"float(32|64)'s smallest normal number"):
        mup_init([4, 64, 10], base_width=8, gain=gain, rng=0, dtype=dtype)


def test_mup_init_refuses_a_gain_that_overflows_without_a_warning():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the cast to float32 warned, and the weights were inf
        with pytest.raises(ValueError, match=r"^gain must be a gain that gives a standard deviation of at most "
                                             r"2\.66e\+36 for float32 weights .*got gain=1e\+39"):
            mup_init([4, 8, 3], base_width=8, gain=1e39, rng=0, dtype=np.float32)


def test_mup_init_at_the_edges_of_float32_gives_non_zero_finite_weights():
    tiny = float(np.finfo(np.float32).smallest_normal)
    # the output layer, fan_in 64 at base width 8: std = gain / 8 / sqrt(8)
    for W, _ in mup_init([4, 64, 10], base_width=8, gain=tiny * 64, rng=0, dtype=np.float32):
        assert np.count_nonzero(W) == W.size
    for W, _ in mup_init([4, 8, 3], base_width=8, gain=1e36, rng=0, dtype=np.float32):
        assert np.isfinite(W).all()


def test_mup_init_refuses_arrays_above_8_gib_before_drawing():
    with pytest.raises(ValueError, match=r"^sizes\[1:3\] asks for [\d,]+ weights .*winit refuses "
                                         r"arrays above 8 GiB"):
        mup_init([4, 2**16, 2**15, 10], base_width=8, rng=_NoDrawGenerator(np.random.PCG64(0)))
