"""winit.experiments.de2020: the stream and the branch under a normalised branch."""

import math

import numpy as np
import pytest

from winit.experiments import de2020


def test_stream_law_values():
    stream, branch = de2020.stream_law(None, 0.5, [0, 2])
    np.testing.assert_allclose(stream, [0.5, 4.5])
    np.testing.assert_allclose(branch, [1.0, 9.0])
    stream, branch = de2020.stream_law("batch", 0.5, [0, 2, 50])
    np.testing.assert_allclose(stream, [0.5, 4.5, 100.5])
    np.testing.assert_allclose(branch, [2.0, 2.0, 2.0])
    with pytest.raises(ValueError, match="norm"):
        de2020.stream_law("group", 1.0, [0])
    with pytest.raises(ValueError, match="q0"):
        de2020.stream_law("layer", 0.0, [0])


def test_q0_is_the_mean_square_of_the_input_over_64():
    from winit.data import digits

    stream, branch, q0 = de2020.branch_share("layer", n_blocks=2, width=16, n_samples=1348,
                                             n_nets=1)
    x = digits(rng=0).x_train
    assert q0 == pytest.approx(float(np.mean(np.sum(x * x, axis=1))) / 64, rel=1e-12)


@pytest.mark.parametrize("norm", ["batch", "layer"])
def test_normalised_branches_add_two_per_block(norm):
    # Independent of the module: mean squares from numpy, the law q_l = q_0 + 2 l.
    stream, branch, q0 = de2020.branch_share(norm, n_blocks=20, width=128, n_samples=128,
                                             n_nets=6, rng=1)
    law = q0 + 2 * np.arange(21)
    assert np.all(np.abs(stream / law - 1) < 0.15)
    assert np.all(np.abs(branch / 2 - 1) < 0.25)


def test_unnormalised_branches_triple_the_stream():
    stream, branch, q0 = de2020.branch_share(None, n_blocks=6, width=128, n_samples=128,
                                             n_nets=6, rng=1)
    assert np.all(np.abs(np.log(stream / (q0 * 3.0 ** np.arange(7)))) < math.log(1.5))
    assert np.all(np.abs(np.log(branch / (2 * stream[:-1]))) < math.log(1.5))


def test_branch_share_checks_arguments():
    with pytest.raises(ValueError, match="n_samples"):
        de2020.branch_share("batch", n_samples=1)
    with pytest.raises(ValueError, match="norm"):
        de2020.branch_share("rms")
