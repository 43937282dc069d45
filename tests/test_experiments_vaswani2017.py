"""winit.experiments.vaswani2017: small, fast runs."""

import math

import numpy as np
import pytest

from winit.experiments import vaswani2017


def test_attention_logits_follow_the_footnote():
    s = vaswani2017.attention_logits((16, 256), n_queries=512, n_keys=64, rng=1)
    assert abs(s.var_unscaled[0] / 16 - 1) < 0.15 and abs(s.var_unscaled[1] / 256 - 1) < 0.15
    assert np.all(np.abs(s.var_scaled - 1) < 0.15)
    # unscaled softmax concentrates as d_k grows; scaled stays spread
    assert s.entropy_unscaled[1] < s.entropy_unscaled[0] < s.entropy_scaled[0]
    assert s.max_weight_unscaled[1] > 0.8 and np.all(s.max_weight_scaled < 0.2)
    assert np.all(s.entropy_scaled < math.log(64))


def test_attention_theory_functions():
    np.testing.assert_array_equal(vaswani2017.logit_variance([1, 64], scaled=False), [1, 64])
    assert vaswani2017.logit_variance(64, scaled=True) == 1.0
    assert vaswani2017.softmax_entropy_limit(64, 1.0) == pytest.approx(math.log(64) - 0.5)
    assert vaswani2017.softmax_entropy_limit(64, 100.0) == 0.0
    with pytest.raises(ValueError, match="d_ks"):
        vaswani2017.attention_logits((0,))
    with pytest.raises(ValueError, match="n_keys"):
        vaswani2017.softmax_entropy_limit(0, 1.0)
