"""The findings of the chapter "Normalized Xavier", read from the values it glues
(tests/_glue.py says what a findings test checks)."""

import math

import pytest
from _glue import glued


@pytest.fixture(scope="module")
def normalized():
    return glued("normalized_xavier.ipynb")


def test_one_layer_forward_wants_one_over_n_backward_one_over_m(normalized):
    n, m = normalized["nx_layer_n"], normalized["nx_layer_m"]
    assert (n, m) == (100, 400)
    # forward factor n Var[w], backward factor m Var[w]
    assert normalized["nx_layer_bwd_fanin"] == pytest.approx(m / n, rel=0.05)
    assert normalized["nx_layer_fwd_fanout"] == pytest.approx(n / m, rel=0.05)
    assert normalized["nx_layer_fwd_glorot"] == pytest.approx(2 * n / (n + m), rel=0.05)
    assert normalized["nx_layer_bwd_glorot"] == pytest.approx(2 * m / (n + m), rel=0.05)


def test_a_widening_network_glorot_splits_the_difference(normalized):
    layers = normalized["nx_net_layers"]
    assert layers == 5  # widths double: m = 2n in every layer
    assert normalized["nx_net_fwd_fanin"] == pytest.approx(1.0, rel=0.15)
    assert normalized["nx_net_bwd_fanin"] == pytest.approx(2.0 ** layers, rel=0.15)
    assert normalized["nx_net_fwd_fanout"] == pytest.approx(0.5 ** layers, rel=0.15)
    assert normalized["nx_net_fwd_glorot"] == pytest.approx((2 / 3) ** layers, rel=0.15)
    assert normalized["nx_net_bwd_glorot"] == pytest.approx((4 / 3) ** layers, rel=0.15)
    # the compromise: each pass far less off than under the other rule
    assert normalized["nx_net_bwd_glorot"] < normalized["nx_net_bwd_fanin"] / 4
    assert normalized["nx_net_fwd_glorot"] > 2 * normalized["nx_net_fwd_fanout"]


def test_winit_glorot_uniform_has_variance_two_over_n_plus_m(normalized):
    assert normalized["nx_fw_var_ratio"] == pytest.approx(1.0, abs=0.02)


def test_normalized_xavier_plot_is_sqrt6_too_narrow(normalized):
    assert normalized["nx_sqrt6"] == pytest.approx(math.sqrt(6), abs=1e-3)
    assert normalized["nx_stated_n1"] == pytest.approx(math.sqrt(6 / 11), abs=1e-3)
    assert normalized["nx_stated_n100"] == pytest.approx(math.sqrt(6 / 110), abs=1e-3)
    assert normalized["nx_coded_n1"] == pytest.approx(1 / math.sqrt(11), abs=1e-3)
    assert normalized["nx_coded_n100"] == pytest.approx(1 / math.sqrt(110), abs=1e-3)
    assert normalized["nx_theory_std"] == pytest.approx(math.sqrt(2 / 30), abs=1e-4)
    assert normalized["nx_source_std"] == pytest.approx(0.2581340352889168, abs=1e-4)
    assert normalized["nx_sample_std"] == pytest.approx(math.sqrt(2 / 30), abs=0.01)
