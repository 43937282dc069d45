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


def test_post_layernorm_keeps_the_stream_at_one_and_the_branch_at_sqrt2():
    stream, branch, q0 = de2020.branch_share("post_layer", n_blocks=10, width=128, n_samples=128,
                                             n_nets=4, rng=2)
    # a LayerNorm output has mean square var / (var + eps) per example, 1 to 1e-4 here
    np.testing.assert_allclose(stream[1:], 1.0, atol=1e-4)
    assert np.all(np.abs(np.sqrt(branch[1:] / stream[1:-1]) / math.sqrt(2) - 1) < 0.2)
    law_stream, law_branch = de2020.stream_law("post_layer", q0, np.arange(11))
    assert law_stream[0] == q0 and np.all(law_stream[1:] == 1.0) and law_branch[3] == 2.0


def test_branch_gradient_norms_against_central_differences():
    # The norm of block 2's branch-weight gradient, from a numpy loss written here and
    # central differences on one weight of each matrix (the rest from the engine's tested
    # backward pass is not used: the check is on the function's bookkeeping).
    from winit.blocks import LayerNorm, Residual, forward
    from winit.data import digits
    from winit.experiments.de2020 import _network

    rng = np.random.default_rng(5)
    data = digits(rng=rng)
    pick = rng.choice(data.x_train.shape[0], 16, replace=False)
    x, y = data.x_train[pick], data.y_train[pick]
    net, _ = _network("post_layer", 8, 3, rng, final_norm=True)
    assert sum(isinstance(layer, LayerNorm) for layer in net) == 3
    assert sum(isinstance(layer, Residual) for layer in net) == 3

    def loss():
        z = forward(net, x).output
        z = z - z.max(axis=1, keepdims=True)
        return float(np.mean(np.log(np.exp(z).sum(axis=1)) - z[np.arange(16), y]))

    got = de2020.branch_gradient_norms("post_layer", n_blocks=3, width=8, n_samples=16, n_nets=1,
                                       rng=5)
    blocks = [layer for layer in net if isinstance(layer, Residual)]
    for k, block in enumerate(blocks):
        sq = 0.0
        for w in (block.branch[0].W, block.branch[2].W):
            g = np.zeros_like(w)
            for idx in np.ndindex(w.shape):
                old = w[idx]
                w[idx] = old + 1e-6
                up = loss()
                w[idx] = old - 1e-6
                down = loss()
                w[idx] = old
                g[idx] = (up - down) / 2e-6
            sq += float(np.sum(g * g))
        assert got[k] == pytest.approx(math.sqrt(sq), rel=1e-5)


def test_branch_gradient_norms_checks_arguments():
    with pytest.raises(ValueError, match="norm"):
        de2020.branch_gradient_norms("batch")
