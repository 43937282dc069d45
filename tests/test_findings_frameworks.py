"""The findings of the chapter "The same schemes in PyTorch, Keras and JAX", read from the values it glues
(tests/_glue.py says what a findings test checks)."""

import math

import pytest
from _glue import glued


@pytest.fixture(scope="module")
def frameworks():
    return glued("frameworks.ipynb")


def test_frameworks_tanh_gain_is_chaotic(frameworks):
    assert frameworks["fw_chi1_tanh53"] == pytest.approx(1.21, abs=0.01) and frameworks["fw_chi1_tanh53"] > 1
    assert frameworks["fw_q_tanh53"] > 1.0  # the forward signal holds at gain 5/3
    assert frameworks["fw_q50_gain1"] < 0.02  # and fades at gain 1


def test_frameworks_gradients_grow_at_five_thirds_and_shrink_at_one(frameworks):
    # the text writes chi_1(q*)^49 as m x 10^4 and the gradient's layer-1/layer-50 mean square
    # at gain 5/3 as m x 10^3: the powers must be those of the glued values
    rate, ms = frameworks["fw_rate_tanh53"], frameworks["fw_grad_ms_tanh53"]
    assert 1e4 <= rate < 1e5 and frameworks["fw_rate_tanh53_e4"] == pytest.approx(rate / 1e4, abs=0.05)
    assert 1e3 <= ms < 1e4 and frameworks["fw_grad_ms_tanh53_e3"] == pytest.approx(ms / 1e3, abs=0.05)
    assert ms < rate  # the first layers, above q*, have a smaller chi_1
    assert frameworks["fw_grad_std_tanh53"] == 80  # "about 80", as chapter 6 measures
    assert abs(frameworks["fw_grad_std_tanh53"] ** 2 - ms) < 0.1 * ms
    # gain 1: chi_1 < 1 at every q > 0, so the gradients shrink, slowly
    assert frameworks["fw_grad_ms_gain1"] < 0.05 and frameworks["fw_grad_std_gain1"] < 0.2
    assert frameworks["fw_grad_std_gain1"] ** 2 == pytest.approx(frameworks["fw_grad_ms_gain1"], rel=0.1)


def test_frameworks_truncation_constant(frameworks):
    assert frameworks["fw_trunc_std"] == 0.8796
    assert frameworks["fw_gain_sqrt5"] == pytest.approx(1 / math.sqrt(3), abs=1e-5)


def test_frameworks_unit_variance_tanh_gain_is_close_to_five_thirds(frameworks):
    # g = 1 / sqrt(E[tanh(z)^2]), z ~ N(0, 1), by Gauss-Hermite quadrature (probabilists' weights)
    import numpy as np

    nodes, weights = np.polynomial.hermite_e.hermegauss(200)
    mean_sq = float(np.sum(weights * np.tanh(nodes) ** 2) / math.sqrt(2 * math.pi))
    assert frameworks["fw_gain_tanh_unit"] == pytest.approx(1 / math.sqrt(mean_sq), abs=0.005)
    assert frameworks["fw_gain_tanh_unit"] == 1.59
    assert abs(frameworks["fw_gain_tanh_unit"] - 5 / 3) < 0.1  # "close to 5/3"


def _wide_tanh(g, depth=50, n_points=120):
    """The wide-network variance q of each layer's z and the gradient's mean square at layer 1
    relative to layer 50, by Gauss-Hermite quadrature (independent of winit.meanfield)."""
    import numpy as np

    nodes, weights = np.polynomial.hermite_e.hermegauss(n_points)
    weights = weights / math.sqrt(2 * math.pi)

    def mean(f, q):
        return float(np.sum(weights * f(math.sqrt(q) * nodes)))

    q = [g * g]
    for _ in range(depth - 1):
        q.append(g * g * mean(lambda u: np.tanh(u) ** 2, q[-1]))
    grad_ms = math.prod(g * g * mean(lambda u: np.cosh(u) ** -4, q_l) for q_l in q[:-1])
    return q, grad_ms


def test_frameworks_theory_values_match_an_independent_quadrature(frameworks):
    q1, ms1 = _wide_tanh(1.0)
    q53, ms53 = _wide_tanh(5 / 3)
    assert frameworks["fw_q50_gain1"] == pytest.approx(q1[-1], rel=0.06)
    assert frameworks["fw_q_tanh53"] == pytest.approx(q53[-1], abs=0.006)  # settled by layer 50
    assert frameworks["fw_grad_ms_tanh53"] == pytest.approx(ms53, rel=0.06)
    assert frameworks["fw_grad_ms_gain1"] == pytest.approx(ms1, rel=0.06)


def test_frameworks_measured_network_follows_the_wide_network(frameworks):
    # the 50-layer, 400-wide tanh network of the figure: its layer-50 variance and its
    # layer-1 / layer-50 gradient standard deviation, against the wide-network values
    q1, ms1 = _wide_tanh(1.0)
    qu, msu = _wide_tanh(1.59)
    q53, ms53 = _wide_tanh(5 / 3)
    assert frameworks["fw_meas_var50_gain1"] == pytest.approx(q1[-1], rel=0.3)
    assert frameworks["fw_meas_var50_unit"] == pytest.approx(1.0, abs=0.1) and qu[-1] == pytest.approx(1.0, abs=0.02)
    assert frameworks["fw_meas_var50_tanh53"] == pytest.approx(q53[-1], abs=0.1)
    assert frameworks["fw_meas_grad_std_tanh53"] == pytest.approx(math.sqrt(ms53), rel=0.3)
    assert frameworks["fw_meas_grad_std_unit"] == pytest.approx(math.sqrt(msu), rel=0.3)
    assert frameworks["fw_meas_grad_std_gain1"] == pytest.approx(math.sqrt(ms1), rel=0.3)
    # the text's order: 5/3 grows the gradients more than 1.59, and gain 1 shrinks them
    assert frameworks["fw_meas_grad_std_tanh53"] > frameworks["fw_meas_grad_std_unit"] > 1
    assert frameworks["fw_meas_grad_std_gain1"] < 0.2


def test_frameworks_settled_layers_forward_and_backward_averages(frameworks):
    # at gain 5/3 the settled variance q* and the two averages over z ~ N(0, q*), by quadrature
    import numpy as np

    q53, _ = _wide_tanh(5 / 3)
    q_star = q53[-1]
    nodes, weights = np.polynomial.hermite_e.hermegauss(120)
    weights = weights / math.sqrt(2 * math.pi)
    t = np.tanh(math.sqrt(q_star) * nodes)
    fwd, bwd = float(np.sum(weights * t ** 2)), float(np.sum(weights * (1 - t ** 2) ** 2))
    assert frameworks["fw_settle_from"] == 20
    assert frameworks["fw_meas_var_settled_tanh53"] == pytest.approx(q_star, abs=0.08)
    assert frameworks["fw_meas_fwd_avg_tanh53"] == pytest.approx(fwd, abs=0.03)
    assert frameworks["fw_meas_bwd_avg_tanh53"] == pytest.approx(bwd, abs=0.03)
    assert frameworks["fw_meas_fwd_gain_tanh53"] == pytest.approx(25 / 9 * fwd, abs=0.08)
    assert frameworks["fw_meas_bwd_gain_tanh53"] == pytest.approx(25 / 9 * bwd, abs=0.08)
    # the text's point: forward factor ~ q* (the signal holds), backward factor > 1 (gradients grow)
    assert frameworks["fw_meas_bwd_gain_tanh53"] > 1.1
    assert frameworks["fw_meas_grad_factor_tanh53"] == pytest.approx(25 / 9 * bwd, abs=0.08)
    assert frameworks["fw_meas_grad_factor_tanh53"] > 1.1
