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
    # ReLU with He's rule stays level over 100 layers
    assert 1 / explorer["band_level"] < explorer["look_relu_he_act_100"] < explorer["band_level"]
