"""winit.experiments.yang2019: small, fast runs of each function."""

import math

import numpy as np
import pytest

from winit.experiments import yang2019


def test_scale_invariance_exact_without_eps_and_approximate_with_it():
    assert yang2019.scale_invariance(depth=4, n_samples=32, rng=1) < 1e-12
    assert 1e-8 < yang2019.scale_invariance(depth=4, n_samples=32, eps=1e-5, rng=1) < 1e-3
    with pytest.raises(ValueError, match="scale"):
        yang2019.scale_invariance(scale=-10.0)


def test_bn_gradients_grow_at_the_closed_form_rate():
    g = yang2019.layer_gradient_norms("batchnorm_plain", depth=20, width=128, n_samples=256, rng=2)
    rate = math.sqrt(math.pi / (math.pi - 1))
    slope = -np.polyfit(np.arange(20), np.log(g), 1)[0]  # log growth per layer, backwards
    assert abs(slope - math.log(rate)) < 0.04
    assert g[0] / g[-1] > rate ** 10
    assert yang2019.layer_gradient_norms("layernorm_residual", depth=20, rng=2).shape == (20,)
    with pytest.raises(ValueError, match="kind"):
        yang2019.layer_gradient_norms("groupnorm")
