"""The findings of the chapter "Order and chaos", read from the values it glues.

The chapter stores its outputs (nbval checks that a fresh run reproduces them); these tests
check that what is stored shows what the text claims, so that a change which kept the
notebook consistent but lost a finding fails.
"""

import math

import pytest
from _glue import glued


@pytest.fixture(scope="module")
def oc():
    return glued("order_and_chaos.ipynb")


def test_tanh_gain_1_is_on_the_edge(oc):
    assert abs(oc["mf_chi1_tanh_gain_1"] - 1.0) < 1e-9


def test_pytorch_tanh_gain_is_chaotic(oc):
    chi = oc["mf_chi1_tanh_gain_5_3"]
    assert 1.15 < chi < 1.25  # "the gradients' mean square grows by about a fifth per layer"
    assert 1.07 < math.sqrt(chi) < 1.13  # "their size (root mean square) by about a tenth"
    xi = oc["mf_xi_c_tanh_gain_5_3"]
    assert math.isfinite(xi) and 5 < xi < 30
    assert oc["mf_six_xi_c_gain_5_3"] == round(6 * xi)
    assert oc["mf_q_star_gain_5_3"] > 0  # the gain keeps the signal from fading


def test_relu_edge_is_he_factor_2(oc):
    assert abs(oc["mf_relu_critical_sigma_w2"] - 2.0) < 1e-6
    assert abs(oc["mf_leaky_critical_sigma_w2"] - 2 / (1 + 0.01 ** 2)) < 1e-6


def test_relu_correlation_map_is_the_arc_cosine_map(oc):
    # sigma_b = 0: c -> (sqrt(1 - c^2) + (pi - arccos c) c) / pi (Cho & Saul 2009), whatever
    # sigma_w^2; above the diagonal, so ReLU pulls two inputs together (no chaotic phase).
    c = 0.5
    closed = (math.sqrt(1 - c * c) + (math.pi - math.acos(c)) * c) / math.pi
    assert abs(closed - 0.60900) < 5e-6
    assert abs(oc["chaos_relu_corr_map_c05"] - closed) < 5e-6
    assert oc["chaos_relu_corr_map_c05"] > c


def test_finite_networks_follow_the_maps(oc):
    assert oc["mf_q_width"] >= 500
    assert oc["mf_q_max_rel_dev"] < 0.25
    assert 1 <= oc["mf_q_settle_layer"] <= 10  # "forgotten within a few layers"
    assert oc["mf_c_max_dev"] < 0.25
    assert oc["mf_c_ordered_last_min"] > 0.95  # ordered: inputs become alike
    assert 0.1 < oc["mf_c_star_chaotic"] < 0.3  # chaotic: they stay apart
    assert oc["mf_c_099_at_20"] < 0.8  # even 99%-alike inputs are pulled apart


def test_the_length_map_settles_every_start_near_q_star(oc):
    # "The length map puts all four within 5% of q* from layer 7 on": the map iterated here with
    # Gauss-Hermite quadrature, tanh, sigma_w^2 = 25/9, no bias; q_1 is the start.
    import numpy as np

    z, w = np.polynomial.hermite_e.hermegauss(101)
    w = w / w.sum()

    def length_map(q):
        return (5 / 3) ** 2 * float(np.sum(w * np.tanh(math.sqrt(q) * z) ** 2))

    q_star = 1.0
    for _ in range(500):
        q_star = length_map(q_star)
    assert oc["mf_q_star_gain_5_3"] == pytest.approx(q_star, abs=1e-4)
    starts = oc["mf_q_starts"]
    assert len(starts) == 4 and max(starts) / min(starts) >= 100  # lengths very different
    qs = np.array(starts)
    settle = None
    for layer in range(1, oc["mf_q_layers"] + 1):
        if settle is None and np.all(np.abs(qs / q_star - 1) < 0.05):
            settle = layer
        qs = np.array([length_map(q) for q in qs])
    assert oc["mf_q_settle_layer"] == settle
    # the measured q_l deviate from the map by more than those 5%: the claim is the map's
    assert oc["mf_q_max_rel_dev"] > 0.05


def test_edge_at_small_bias_and_depth_scales(oc):
    assert 1.7 < oc["mf_sw2_edge_sb005"] < 1.8
    assert oc["mf_xi_q_max"] < 5  # xi_q stays a few layers


def test_gradient_growth_measured_matches_chi_1(oc):
    assert oc["mf_grad_points"] >= 12
    assert oc["mf_grad_max_dev"] < 0.05
    assert oc["mf_grad_same_side"] == oc["mf_grad_points"]
    assert oc["mf_grad_min"] < 1 < oc["mf_grad_max"]  # both phases were measured


def test_signal_fades_slowly_on_the_edge(oc):
    # q_l ~ 1/(2l) at gain 1 with no bias: after 1000 layers about 5e-4
    assert oc["mf_q_gain1_1000"] == pytest.approx(1 / 2000, rel=0.05)


def test_no_network_deeper_than_6_xi_c_trained(oc):
    assert oc["mf_train_runs_beyond"] >= 15
    assert oc["mf_train_trained_beyond"] == 0
    assert oc["mf_train_trained_inside"] == oc["mf_train_runs_inside"] >= 30
    # the ordered side is sharp: sigma_w^2 = 1, 6 xi_c ~ 22: 16 layers train, 32 do not
    assert 16 < oc["mf_six_xi_c_sw1"] < 32
    assert oc["mf_train_sw1_d16"] == 3 and oc["mf_train_sw1_d32"] == 0


def test_beyond_the_line_is_mostly_the_ordered_side_and_the_chaotic_side_fails_inside_it(oc):
    # "6 of those 7 cells are on the ordered side": one chaotic cell beyond the line
    assert oc["mf_train_cells_beyond"] * 3 == oc["mf_train_runs_beyond"]
    assert oc["mf_train_cells_beyond"] - oc["mf_train_cells_beyond_ordered"] == 1
    # sigma_w^2 = 4: 32 layers inside the line; 2.5: 64 layers inside, no seed trained
    assert 32 < oc["mf_six_xi_c_sw4"] < 64
    assert oc["mf_six_xi_c_sw25"] > 64 and oc["mf_train_sw25_d64"] == 0
    # 64 layers inside the line: some seeds trained somewhere, never all three in a cell
    assert 0 < oc["mf_train_d64_inside_max"] < 3


def test_length_map_deviation_in_percent(oc):
    assert oc["mf_q_max_rel_dev_pct"] == round(100 * oc["mf_q_max_rel_dev"])
    assert oc["mf_q_median_rel_dev_pct"] <= oc["mf_q_max_rel_dev_pct"]
    assert oc["mf_q_points"] == 4 * oc["mf_q_layers"]


def test_circle_settings(oc):
    assert oc["circle_depth"] == 15 and oc["circle_width"] >= 200
    assert oc["circle_points"] >= 300 and oc["circle_seeds"] == 3


def test_circle_starts_at_the_fixed_point_and_grows_by_sqrt_chi_1(oc):
    """Poole et al.'s circle: length 2 pi sqrt(q*) at layer 1 (per sqrt(n)), times sqrt(chi_1)
    per layer; q* and chi_1 by adaptive quadrature (tests/_quad.py), not winit.meanfield."""
    from _quad import tanh_chi_1

    for phase, sw2 in (("ordered", 1.0), ("chaotic", 4.0)):
        chi, q_star = tanh_chi_1(sw2, 0.05)
        assert oc[f"circle_chi1_{phase}"] == pytest.approx(chi, abs=0.006)
        assert oc[f"circle_len_start_{phase}"] == pytest.approx(2 * math.pi * math.sqrt(q_star),
                                                                abs=0.006)
        theory = 2 * math.pi * math.sqrt(q_star) * chi ** 7  # layer 15 = 14 steps
        assert oc[f"circle_len_theory_{phase}"] == pytest.approx(theory, rel=0.03)
    chi, q_star = tanh_chi_1(oc["mf_sw2_edge_sb005"], 0.05)
    assert oc["circle_chi1_edge"] == pytest.approx(1.0, abs=0.006) and chi == pytest.approx(1, abs=1e-3)
    assert oc["circle_len_start_edge"] == pytest.approx(2 * math.pi * math.sqrt(q_star), abs=0.01)
    chi = tanh_chi_1(4.0, 0.05)[0]
    assert oc["circle_growth_chaotic_theory"] == pytest.approx(chi ** 7, abs=0.06)


def test_ordered_circle_shrinks_edge_keeps_chaotic_grows_every_seed(oc):
    start = {p: oc[f"circle_len_start_{p}"] for p in ("ordered", "edge", "chaotic")}
    assert oc["circle_len_max_ordered"] < 0.25 * start["ordered"]
    assert 0.85 * start["edge"] < oc["circle_len_min_edge"] <= oc["circle_len_max_edge"] < 1.15 * start["edge"]
    assert oc["circle_len_min_chaotic"] > 5 * start["chaotic"]
    assert 5 < oc["circle_growth_chaotic_min"] <= oc["circle_growth_chaotic_max"]
    assert oc["circle_growth_chaotic_max"] <= oc["circle_growth_chaotic_theory"] * 1.2
    for p in ("ordered", "edge", "chaotic"):
        assert oc[f"circle_len_min_{p}"] <= oc[f"circle_len_theory_{p}"] * 1.2
        assert oc[f"circle_len_max_{p}"] >= oc[f"circle_len_theory_{p}"] * 0.8
    assert oc["circle_max_rel_dev_pct"] <= 20


def test_chaotic_circle_folds_ordered_stays_flat(oc):
    assert oc["circle_pc2_min_ordered"] >= 90
    assert oc["circle_pc2_max_chaotic"] < 60
    assert oc["circle_pc2_max_chaotic"] < oc["circle_pc2_min_edge"] <= oc["circle_pc2_max_edge"] < oc["circle_pc2_min_ordered"]


def test_two_inputs_picture_ordered_pulls_together_chaotic_pushes_apart(oc):
    """The first picture: two inputs through one tanh network (sigma_b^2 = 0.05)."""
    assert oc["pair_width"] >= 300 and oc["pair_depth"] >= 30
    # small weights (sigma_w^2 = 1): an unrelated pair ends up far closer than it started
    assert 0 < oc["pair_far_shrink_ordered"] < 0.05
    # large weights (sigma_w^2 = 4): a pair 99% alike (distance sqrt(2 * 0.01) per unit) is
    # pushed apart many times over, up to about the unrelated pair's distance
    assert 5 <= oc["pair_near_growth_chaotic"] < 40
    assert 0.6 <= oc["pair_near_over_far_chaotic"] <= 1.5


def test_pytorch_linear_default_is_ordered_for_tanh(oc):
    # nn.Linear draws U[-1/sqrt(n), 1/sqrt(n)]: sigma_w^2 = 1/3; no bias, so q* = 0 and
    # chi_1 = sigma_w^2 * tanh'(0)^2 = 1/3
    assert oc["mf_chi1_torch_linear"] == pytest.approx(1 / 3, abs=1e-4)


def _tanh_correlation_map(c, sw2, sb2, q):
    """c -> c_{l+1} of tanh by a 2-D Gauss-Hermite sum in plain numpy (independent of winit)."""
    import numpy as np
    z, w = np.polynomial.hermite_e.hermegauss(80)
    w = w / w.sum()
    z1, z2 = np.meshgrid(z, z, indexing="ij")
    u1 = math.sqrt(q) * z1
    u2 = math.sqrt(q) * (c * z1 + math.sqrt(1 - c * c) * z2)
    return (sw2 * np.sum(np.outer(w, w) * np.tanh(u1) * np.tanh(u2)) + sb2) / q


def test_on_the_edge_nearby_pairs_keep_far_pairs_are_pulled_together_slowly(oc):
    from _quad import tanh_chi_1
    sw2 = oc["mf_sw2_edge_sb005"]
    chi, q = tanh_chi_1(sw2, 0.05)
    assert chi == pytest.approx(1.0, abs=1e-3)   # the glued point is on the edge
    traces = {}
    for c0 in (0.0, 0.99):
        c, trace = c0, {}
        for layer in range(1, 41):
            c = min(1.0, _tanh_correlation_map(c, sw2, 0.05, q))
            trace[layer] = c
        traces[c0] = trace
    for layer in (10, 20, 40):
        assert oc[f"mf_edge_c0_at_{layer}"] == pytest.approx(traces[0.0][layer], abs=0.011)
    assert oc["mf_edge_c099_at_40"] == pytest.approx(traces[0.99][40], abs=0.002)
    # a nearby pair keeps its correlation; an unrelated one is pulled together, but slowly
    assert abs(oc["mf_edge_c099_at_40"] - 0.99) < 0.005
    assert 0.4 < oc["mf_edge_c0_at_10"] < oc["mf_edge_c0_at_20"] < oc["mf_edge_c0_at_40"] < 0.95


def test_chaotic_side_inside_the_line_not_every_seed_trained(oc):
    # sigma_w^2 = 4 at 32 layers: inside 6 xi_c, yet not all three seeds trained
    assert oc["mf_train_sw4_d32"] == "not all"
