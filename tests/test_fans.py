"""winit.fans: compute_fans (both layouts) and calculate_gain, against hand-written values
and property-based checks with hypothesis."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from winit import calculate_gain, compute_fans
from _strategies import SETTINGS, shapes

# ---- compute_fans, layout "in_out" (Keras, x @ W) ---------------------------------


@pytest.mark.parametrize(
    ("shape", "expected"),
    [
        ((), (1, 1)),  # a scalar
        ((7,), (7, 7)),  # a bias-like vector: Keras uses its length for both
        (7, (7, 7)),  # an int means (7,)
        ((784, 256), (784, 256)),  # dense: (n_in, n_out)
        ((3, 5), (3, 5)),
        ((5, 16, 32), (80, 160)),  # 1-D conv: (width, in, out)
        ((3, 3, 16, 32), (144, 288)),  # 2-D conv: (h, w, in, out)
        ((2, 3, 4, 5, 6), (24 * 5, 24 * 6)),  # 3-D conv
        ((1, 1, 8, 4), (8, 4)),  # 1x1 conv is a dense layer
        ((0, 5), (0, 5)),  # empty weights: honest zeros
        ((3, 3, 0, 4), (0, 36)),
    ],
)
def test_compute_fans_in_out(shape, expected):
    assert compute_fans(shape) == expected
    assert compute_fans(shape, layout="in_out") == expected


@pytest.mark.parametrize(
    ("shape", "expected"),
    [
        ((256, 784), (784, 256)),  # torch.nn.Linear(784, 256).weight.shape == (256, 784)
        ((5, 3), (3, 5)),
        ((32, 16, 3, 3), (144, 288)),  # torch.nn.Conv2d(16, 32, 3).weight.shape
        ((32, 16, 5), (80, 160)),  # Conv1d(16, 32, 5)
        ((6, 5, 2, 3, 4), (5 * 24, 6 * 24)),  # Conv3d(5, 6, (2, 3, 4))
    ],
)
def test_compute_fans_out_in(shape, expected):
    assert compute_fans(shape, layout="out_in") == expected


def test_the_same_layer_has_the_same_fans_in_both_layouts():
    # a 3x3 conv from 16 to 32 channels, stored both ways
    assert compute_fans((3, 3, 16, 32)) == compute_fans((32, 16, 3, 3), layout="out_in")
    assert compute_fans((784, 256)) == compute_fans((256, 784), layout="out_in")


def test_compute_fans_returns_python_ints_for_numpy_input():
    fan_in, fan_out = compute_fans((np.int64(3), np.int32(4)))
    assert (fan_in, fan_out) == (3, 4)
    assert type(fan_in) is int and type(fan_out) is int


@pytest.mark.parametrize("shape", [(), (5,), 5])
def test_out_in_needs_two_dimensions_as_pytorch_does(shape):
    with pytest.raises(ValueError, match=r"shape must have at least 2 dimensions with layout='out_in'"):
        compute_fans(shape, layout="out_in")
    with pytest.raises(ValueError, match=r"_calculate_fan_in_and_fan_out"):
        compute_fans(shape, layout="out_in")


@pytest.mark.parametrize(
    ("layout", "error", "match"),
    [
        ("in-out", ValueError, r"layout must be one of 'in_out', 'out_in'; got 'in-out'"),
        ("keras", ValueError, r"layout must be one of .*; got 'keras'"),
        (None, TypeError, r"layout must be one of .*; got None of type NoneType"),
        (1, TypeError, r"layout must be one of .*; got 1 of type int"),
    ],
)
def test_compute_fans_rejects_bad_layout(layout, error, match):
    with pytest.raises(error, match=match):
        compute_fans((3, 4), layout=layout)


@pytest.mark.parametrize(
    ("shape", "error", "match"),
    [
        ((3, -4), ValueError, r"shape must be a non-negative integer or a tuple .* negative entry"),
        (-1, ValueError, r"shape must be .*negative entry"),
        ((3, 4.0), TypeError, r"shape must be .*whose entry 4\.0 is not an integer"),
        ((3, True), TypeError, r"shape must be .*whose entry True is not an integer"),
        ("34", TypeError, r"shape must be .*got '34' of type str"),
        (None, TypeError, r"shape must be .*got None of type NoneType"),
        (3.0, TypeError, r"shape must be .*got 3\.0 of type float"),
        (True, TypeError, r"shape must be .*of type bool"),
    ],
)
def test_compute_fans_rejects_bad_shape(shape, error, match):
    with pytest.raises(error, match=match):
        compute_fans(shape)


# ---- calculate_gain ----------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "linear",
        "conv1d",
        "conv2d",
        "conv3d",
        "conv_transpose1d",
        "conv_transpose2d",
        "conv_transpose3d",
        "sigmoid",
    ],
)
def test_gain_one(name):
    assert calculate_gain(name) == 1.0


def test_gain_values():
    assert calculate_gain("tanh") == 5.0 / 3.0
    assert repr(calculate_gain("tanh")) == "1.6666666666666667"
    assert calculate_gain("relu") == math.sqrt(2.0)
    assert repr(calculate_gain("relu")) == "1.4142135623730951"
    assert calculate_gain("selu") == 0.75
    # leaky_relu: sqrt(2 / (1 + a^2)), a = 0.01 by default
    assert calculate_gain("leaky_relu") == math.sqrt(2.0 / (1 + 0.01**2))
    assert calculate_gain("leaky_relu", 0.2) == math.sqrt(2.0 / 1.04)
    assert calculate_gain("leaky_relu", 0) == math.sqrt(2.0)  # a = 0 is ReLU
    assert calculate_gain("leaky_relu", 1.0) == 1.0  # a = 1 is linear
    assert calculate_gain("leaky_relu", -0.5) == math.sqrt(2.0 / 1.25)
    assert calculate_gain("leaky_relu", np.float32(0.5)) == math.sqrt(2.0 / (1 + 0.25))


def test_gain_returns_python_float():
    for name in ["linear", "tanh", "relu", "leaky_relu", "selu"]:
        assert type(calculate_gain(name)) is float


@pytest.mark.parametrize(
    ("slope", "expected"),
    [
        # sqrt(2 / (1 + a^2)), to 40 digits with Python's decimal module
        (1e155, 1.4142135623730951e-155),
        (-1e155, 1.4142135623730951e-155),
        (1e200, 1.4142135623730951e-200),
        (1e300, 1.4142135623730951e-300),
        (1.7976931348623157e308, 7.866824069956794e-309),
        (1e154, 1.4142135623730951e-154),
        (1e8, 1.4142135623730951e-08),
    ],
)
def test_gain_of_a_huge_slope_is_not_zero(slope, expected):
    # a^2 overflows to inf above 1.34e154: the gain must not become 0
    g = calculate_gain("leaky_relu", slope)
    assert type(g) is float
    assert g == pytest.approx(expected, rel=1e-15, abs=0.0)


def test_gain_unknown_name_lists_valid_ones():
    with pytest.raises(ValueError, match=r"nonlinearity must be one of 'linear', 'conv1d'.*'selu'; got 'gelu'"):
        calculate_gain("gelu")
    with pytest.raises(ValueError, match=r"got 'ReLU'"):
        calculate_gain("ReLU")  # names are PyTorch's, lower case


@pytest.mark.parametrize("name", [None, 1, math.sqrt])
def test_gain_name_must_be_a_string(name):
    with pytest.raises(TypeError, match=r"nonlinearity must be one of .* of type"):
        calculate_gain(name)


@pytest.mark.parametrize("name", ["relu", "tanh", "linear", "sigmoid", "selu", "conv2d"])
def test_gain_refuses_param_for_nonlinearity_without_one(name):
    with pytest.raises(ValueError, match=rf"param must be None for nonlinearity='{name}'.*got 0\.2"):
        calculate_gain(name, 0.2)


@pytest.mark.parametrize("param", ["0.2", [0.2], True, np.bool_(True), 1j])
def test_gain_param_must_be_a_real_number(param):
    with pytest.raises(TypeError, match=r"param must be a real number \(the negative slope of leaky_relu\)"):
        calculate_gain("leaky_relu", param)


@pytest.mark.parametrize("param", [math.nan, math.inf, -math.inf, 10**400])
def test_gain_param_must_be_finite(param):
    with pytest.raises(ValueError, match=r"param must be a finite real number"):
        calculate_gain("leaky_relu", param)


# ---- properties (hypothesis) ----------------------------------------------------------------


@SETTINGS
@given(shape=shapes)
def test_compute_fans_properties(shape):
    fan_in, fan_out = compute_fans(shape)
    assert type(fan_in) is int and type(fan_out) is int
    assert fan_in >= 0 and fan_out >= 0
    if len(shape) >= 2:
        # the same layer stored PyTorch's way: (out, in, *receptive_field)
        torch_shape = (shape[-1], shape[-2], *shape[:-2])
        assert compute_fans(torch_shape, layout="out_in") == (fan_in, fan_out)
        assert fan_in * fan_out == math.prod(shape) ** 2 // (shape[-2] * shape[-1] or 1) or 0 in shape
    else:
        with pytest.raises(ValueError, match=r"^shape must have at least 2 dimensions"):
            compute_fans(shape, layout="out_in")


@SETTINGS
@given(slope=st.floats(allow_nan=False, allow_infinity=False))
def test_leaky_relu_gain_properties(slope):
    g = calculate_gain("leaky_relu", slope)
    assert type(g) is float and 0 < g <= math.sqrt(2)
    # sqrt(2 / (1 + a^2)) = sqrt(2) / hypot(1, a), which never overflows
    assert g == pytest.approx(math.sqrt(2) / math.hypot(1.0, slope), rel=1e-14, abs=0.0)
