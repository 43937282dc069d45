"""The findings of the chapter "Explore: signals through depth", read from the values it glues
(tests/_glue.py says what a findings test checks)."""

import pytest
from _glue import glued


@pytest.fixture(scope="module")
def explorer():
    return glued("depth_explorer.ipynb")


def test_depth_explorer_text_matches_its_explorer(explorer):
    assert explorer["band_level"] == 2 and explorer["band_extreme"] == 100
    # Glorot's rule with tanh is not level beyond the band at depth 20 and 100
    assert explorer["look_tanh_norm_grad_20"] < 1 / explorer["band_level"]
    assert explorer["look_tanh_norm_act_100"] < 1 / explorer["band_level"]
    assert explorer["look_tanh_norm_per_layer_100"] > 0.95
    assert explorer["look_tanh_he_grad_100"] > 10
    assert abs(explorer["look_relu_std_per_layer"] - 6 ** -0.5) < 0.02
    assert abs(explorer["look_relu_norm_per_layer"] - 2 ** -0.5) < 0.02
    assert explorer["look_relu_std_100_exp"] > 20


def test_depth_explorer_first_picture_and_the_compounding_examples(explorer):
    # 0.9 and 1.1 per layer over 100 layers, as the text rounds them
    assert explorer["depth_fall_09"] == round(0.9 ** 100 * 100_000)  # parts in 100,000
    assert explorer["depth_rise_11"] == round(1.1 ** 100, -3)
    # ReLU with U[±1/√n]: 1/√6 per layer, so about 6 ** -24.5 = 10 ** -19.1 over 50 layers
    assert explorer["first_depth"] == 50
    assert 16 <= explorer["first_std_drop_exp"] <= 22
    # ReLU with He's rule stays level over 100 layers in the table's one draw (seed 0, 64 inputs)
    assert 1 / explorer["band_level"] < explorer["look_relu_he_act_100"] < explorer["band_level"]


def _tanh_backward_factor_at_he():
    """√(2 E[tanh'(z)²]) at the fixed point q = 2 E[tanh(z)²], z ~ N(0, q): Gauss-Hermite."""
    import numpy as np
    t, w = np.polynomial.hermite_e.hermegauss(101)
    w = w / w.sum()
    q = 1.0
    for _ in range(500):
        q = 2 * np.sum(w * np.tanh(np.sqrt(q) * t) ** 2)
    return float(np.sqrt(2 * np.sum(w / np.cosh(np.sqrt(q) * t) ** 4)))


def test_tanh_with_he_the_gradients_factor_exceeds_one_as_the_slope_predicts(explorer):
    theory = _tanh_backward_factor_at_he()
    assert 1.03 < theory < 1.07
    assert abs(explorer["tanh_he_grad_theory"] - theory) < 0.006
    assert abs(explorer["look_tanh_he_grad_per_layer_100"] - theory) < 0.02
    # Glorot with tanh: close to 1 per layer, less than a tenth left after 100 layers
    assert 0.95 < explorer["look_tanh_norm_act_per_layer_100"] < 1
    assert explorer["look_tanh_norm_act_100"] < 0.1
    assert explorer["remember_0999_100"] == round(0.999 ** 100, 2)


def test_narrow_he_networks_typically_shrink_and_wide_ones_stay_level(explorer):
    # He's rule sets the mean of the squared factor to 1; the product of 20 random factors is
    # skewed, so at width 10 the median network shrinks; at width 100 it stays near 1
    assert explorer["width_narrow"] == 10 and explorer["width_seeds"] >= 10
    assert explorer["width10_max"] < 1 and explorer["width10_median"] < 0.5
    assert explorer["width10_min"] <= explorer["width10_median"] <= explorer["width10_max"]
    assert 0.5 < explorer["width100_median"] < 2
    assert explorer["width100_min"] <= explorer["width100_median"] <= explorer["width100_max"]
    assert explorer["width_wide"] == 100 and explorer["width_depth"] == 20
    # "in most of them the last layer's spread is less than half the first's" (median < 0.5)
    assert explorer["width_seeds"] / 2 <= explorer["width10_below_half"] <= explorer["width_seeds"]


def test_depth_explorer_ranges_are_the_explorers(explorer):
    from winit.book.browser import depth

    assert explorer["explorer_batch"] == depth.BATCH
    assert explorer["explorer_depth_max"] == 100
    assert explorer["explorer_width_min"] == 10 and explorer["explorer_width_max"] == "1,000"
    assert explorer["explorer_gain_min"] == 0.1 and explorer["explorer_gain_max"] == 10
    assert explorer["explorer_bias_max"] == 1


def test_tanh_gain_one_is_the_border_and_biases_make_the_gradients_vanish(explorer):
    # 100 tanh layers, LeCun's rule: sigma_w = gain; chi_1 < 1 below gain 1, > 1 above
    assert explorer["gain_low_exp"] >= 6  # both fall by more than 10**6
    assert 0.01 < explorer["gain_one_act"] < 0.5 and 0.01 < explorer["gain_one_grad"] < 0.5
    assert explorer["gain_high_grad"] > 2 and 0.3 < explorer["gain_high_act"] < 1
    # sigma_b = 0.3: q* > 0, so chi_1 = E[tanh'(z)^2] < 1 at gain 1
    assert explorer["gain_bias_act"] > 0.5 and explorer["gain_bias_grad_exp"] >= 5


def test_orthogonal_weights_keep_a_narrow_linear_network(explorer):
    assert 0.98 < explorer["linear_orth_min"] <= explorer["linear_orth_max"] < 1.02
    assert explorer["linear_lecun_min"] < 0.5
    assert explorer["linear_lecun_max"] / explorer["linear_lecun_min"] > 3


def test_wide_networks_follow_the_theory_and_narrow_ones_stray(explorer):
    assert 1.0 <= explorer["stray_wide"] < 1.03
    assert explorer["stray_narrow"] > 1.1


def _relu_he_ratios(depth, width=100, batch=8, draws=40, seed=123):
    """Last hidden layer's activation std over the first's, for ReLU layers with N(0, 2/n)
    weights and standard normal inputs: plain numpy, the explorer's batch."""
    import numpy as np
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(draws):
        h = rng.standard_normal((batch, width))
        stds = []
        for _ in range(depth):
            h = np.maximum(h @ (rng.standard_normal((width, width)) * np.sqrt(2 / width)), 0)
            stds.append(h.std())
        out.append(stds[-1] / stds[0])
    return np.array(out)


def test_deep_relu_he_draws_of_the_explorer_typically_shrink(explorer):
    """100 ReLU layers of 100 units under He's rule, 8 inputs as the explorer sends: most draws
    end below half their start (the narrow-network skew); at depth 5 every draw is level."""
    import numpy as np
    seeds = explorer["look_seeds"]
    assert seeds >= 5 and explorer["look_seed_last"] == seeds - 1
    assert explorer["look_rows"] == 18 and 1 <= explorer["look_rows_mixed"] <= 4
    assert explorer["look_relu_he_level_5"] == seeds
    assert seeds / 2 < explorer["look_relu_he_level_20"] <= seeds
    assert seeds / 2 < explorer["look_relu_he_shrinking_100"] <= seeds
    assert 0 <= explorer["look_tanh_he_exploding_100"] <= seeds
    for d in (50, 100):
        assert (explorer[f"look_relu_he_{d}_min"] <= explorer[f"look_relu_he_{d}_median"]
                <= explorer[f"look_relu_he_{d}_max"])
    assert explorer["look_relu_he_100_median"] < explorer["look_relu_he_50_median"] < 1
    sim = np.median(_relu_he_ratios(100))
    assert sim < 0.8                                    # the finding, independently
    assert sim / 2.5 < explorer["look_relu_he_100_median"] < sim * 2.5
    assert explorer["look_relu_he_100_min"] < 1 / explorer["band_level"]
