"""winit.frameworks: each framework's default fully connected network, against its source's rule."""

import math

import numpy as np
import pytest
from scipy import stats

from winit.frameworks import FRAMEWORKS, default_mlp

SIZES = [200, 300, 300, 50]
N = 20_000  # draws pooled for the distribution tests


def pooled(framework, layer, part=0, seed=0):
    """Layer ``layer``'s weights (part 0) or biases (part 1), pooled over seeds to N values."""
    out = []
    while sum(a.size for a in out) < N:
        out.append(default_mlp(framework, SIZES, rng=seed + len(out))[layer][part].ravel())
    return np.concatenate(out)[:N]


def test_shapes_dtype_and_layout():
    for fw in FRAMEWORKS:
        for dtype in (np.float64, np.float32):
            net = default_mlp(fw, SIZES, rng=0, dtype=dtype)
            assert [(W.shape, b.shape) for W, b in net] == [((200, 300), (300,)),
                                                           ((300, 300), (300,)),
                                                           ((300, 50), (50,))]
            assert all(W.dtype == dtype and b.dtype == dtype for W, b in net)


def test_same_seed_same_network_and_seeds_differ():
    for fw in FRAMEWORKS:
        a, b, c = (default_mlp(fw, SIZES, rng=s) for s in (3, 3, 4))
        assert all(np.array_equal(x[0], y[0]) and np.array_equal(x[1], y[1]) for x, y in zip(a, b))
        assert not np.array_equal(a[0][0], c[0][0])


def test_pytorch_linear_weight_and_bias_uniform_one_over_sqrt_fan_in():
    # nn.Linear: kaiming_uniform_(a=sqrt(5)) -> bound gain * sqrt(3 / fan_in), gain = sqrt(2 / 6)
    for layer, fan_in in ((0, 200), (1, 300), (2, 300)):
        bound = math.sqrt(2 / (1 + 5)) * math.sqrt(3 / fan_in)
        assert bound == pytest.approx(1 / math.sqrt(fan_in), rel=1e-12)
        for part in (0, 1):
            v = pooled("pytorch", layer, part)
            assert np.abs(v).max() <= bound
            assert stats.kstest(v, stats.uniform(-bound, 2 * bound).cdf).pvalue > 1e-3


def test_torchvision_hidden_layers_he_fan_out_and_classifier_pytorch():
    for layer, fan_out in ((0, 300), (1, 300)):
        v = pooled("torchvision", layer)
        std = math.sqrt(2 / fan_out)
        assert stats.kstest(v, stats.norm(0, std).cdf).pvalue > 1e-3
        assert not pooled("torchvision", layer, 1).any()  # convolutions have no bias
    # the last layer is nn.Linear's default, its non-zero bias included
    bound = 1 / math.sqrt(300)
    for part in (0, 1):
        v = pooled("torchvision", 2, part)
        assert stats.kstest(v, stats.uniform(-bound, 2 * bound).cdf).pvalue > 1e-3
    # fan_out, not fan_in: a 200 -> 300 layer has std sqrt(2/300), not sqrt(2/200)
    v = pooled("torchvision", 0)
    assert stats.kstest(v, stats.norm(0, math.sqrt(2 / 200)).cdf).pvalue < 1e-6


@pytest.mark.parametrize("fw", ["timm", "huggingface"])
def test_small_normal_frameworks(fw):
    for layer in range(3):
        v = pooled(fw, layer)
        assert stats.kstest(v, stats.norm(0, 0.02).cdf).pvalue > 1e-3
        assert not pooled(fw, layer, 1).any()


def test_timm_truncation_is_absolute_so_never_bites_at_std_002():
    a, b = default_mlp("timm", SIZES, rng=5), default_mlp("huggingface", SIZES, rng=5)
    assert all(np.array_equal(x[0], y[0]) for x, y in zip(a, b))


def test_keras_glorot_uniform_zero_bias():
    for layer, (n, m) in enumerate(zip(SIZES, SIZES[1:])):
        v = pooled("keras", layer)
        bound = math.sqrt(6 / (n + m))
        assert np.abs(v).max() <= bound
        assert stats.kstest(v, stats.uniform(-bound, 2 * bound).cdf).pvalue > 1e-3
        assert not pooled("keras", layer, 1).any()


def test_flax_lecun_normal_truncated_at_two_sigma_zero_bias():
    for layer, n in enumerate(SIZES[:-1]):
        v = pooled("flax", layer)
        sigma = math.sqrt(1 / n) / stats.truncnorm(-2, 2).std()
        assert stats.kstest(v, stats.truncnorm(-2, 2, scale=sigma).cdf).pvalue > 1e-3
        assert np.abs(v).max() <= 2 * sigma * (1 + 1e-12)
        assert np.var(v) == pytest.approx(1 / n, rel=0.05)
        assert not pooled("flax", layer, 1).any()


def test_bad_arguments():
    with pytest.raises(ValueError, match="framework must be one of"):
        default_mlp("jax", SIZES)
    with pytest.raises(TypeError, match="framework must be one of"):
        default_mlp(None, SIZES)
    with pytest.raises(ValueError, match="sizes must be"):
        default_mlp("keras", [10])
    with pytest.raises(ValueError, match=r"sizes\[1\]"):
        default_mlp("keras", [10, 0, 3])
    with pytest.raises(TypeError, match="sizes must be"):
        default_mlp("keras", "10")
    with pytest.raises(ValueError, match="rng"):
        default_mlp("keras", SIZES, rng=-1)
