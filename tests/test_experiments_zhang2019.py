"""winit.experiments.zhang2019: small, fast runs of each function."""

import math

import numpy as np
import pytest

from winit.experiments import zhang2019


def test_closed_form_ratios():
    assert zhang2019.closed_form_ratio("he", 4, 50) == 81.0
    assert math.isclose(zhang2019.closed_form_ratio("sqrt_depth", 50, 50), 1.04 ** 50)
    assert zhang2019.closed_form_ratio("fixup", 50, 50) == 1.0
    assert zhang2019.closed_form_ratio("skipinit", 7, 50) == 1.0


def test_scheme_init_values():
    w, L = 32, 50
    he = math.sqrt(2 / w)
    assert zhang2019.scheme_init("he", w, L) == dict(std_first=he, std_last=he, alpha=1.0)
    assert zhang2019.scheme_init("fixup", w, L) == dict(std_first=he / math.sqrt(L), std_last=0.0,
                                                        alpha=1.0)
    assert zhang2019.scheme_init("skipinit", w, L)["alpha"] == 0.0
    with pytest.raises(ValueError, match="scheme"):
        zhang2019.scheme_init("lecun", w, L)


def test_residual_variance_follows_the_closed_form_in_small():
    out = zhang2019.residual_variance(n_blocks=6, width=128, n_samples=64, n_nets=4, rng=3)
    measured, closed = out["he"]
    np.testing.assert_allclose(closed, 3.0 ** np.arange(7))
    assert np.all(np.abs(np.log(measured / closed)) < math.log(1.5))
    for scheme in ("fixup", "skipinit"):
        np.testing.assert_array_equal(out[scheme][0], np.ones(7))


def test_residual_variance_checks_arguments():
    with pytest.raises(ValueError, match="n_samples"):
        zhang2019.residual_variance(n_samples=10**6)
    with pytest.raises(ValueError, match="schemes"):
        zhang2019.residual_variance(schemes=("he", "nope"))


def test_residual_training_in_small():
    runs = zhang2019.residual_training(schemes=("he", "skipinit"), n_blocks=10, width=16,
                                       seeds=(0,), steps=30, lr=0.02, batch_size=16,
                                       record_every=10)
    assert runs["he"].diverged.all()
    sk = runs["skipinit"]
    assert not sk.diverged.any() and sk.losses.shape == (1, 3)
    assert sk.losses[0, -1] < sk.losses[0, 0] and 0.0 < sk.test_accuracy[0] <= 1.0
    with pytest.raises(ValueError, match="seeds"):
        zhang2019.residual_training(seeds=(-1,))
