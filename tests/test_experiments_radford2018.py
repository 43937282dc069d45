"""winit.experiments.radford2018: small, fast runs."""

import math

import pytest

from winit.experiments import radford2018


def test_random_energy_is_continuous_at_the_transition():
    v = 2 * math.log(1000)
    assert radford2018.random_energy(v - 1e-9, 1000) == pytest.approx(
        radford2018.random_energy(v + 1e-9, 1000), abs=1e-6)
    assert radford2018.random_energy(0.0, 1000) == pytest.approx(math.log(1000))


@pytest.mark.parametrize("layout", radford2018.LAYOUTS)
def test_initial_loss_matches_its_closed_form_in_small(layout):
    for std in (0.02, 0.3):
        s = radford2018.initial_loss(std, layout, vocab=500, d_model=32, n_tokens=400, rng=3)
        theory = radford2018.loss_theory(layout, std, vocab=500, d_model=32)[0]
        assert abs(s.loss / theory - 1) < 0.1, (layout, std, s.loss, theory)
        assert abs(s.stream_var / std ** 2 - 1) < 0.1


def test_tied_unit_embedding_predicts_the_input_token():
    s = radford2018.initial_loss(1.0, "tied_norm", vocab=500, d_model=32, rng=0)
    assert abs(s.self_logit - 32) < 3 and s.loss > 25
    t = radford2018.initial_loss(1.0, "untied_norm", output_init="torch_linear", vocab=500,
                                 d_model=32, rng=0)
    assert abs(t.loss - (math.log(500) + 1 / 6)) < 0.1
    with pytest.raises(ValueError, match="std"):
        radford2018.initial_loss(0.0)
    with pytest.raises(ValueError, match="layout"):
        radford2018.initial_loss(0.02, "shared")


def test_residual_projection_std_by_recipe():
    assert radford2018.residual_projection_std(12, "released") == 0.02
    assert radford2018.residual_projection_std(12) == pytest.approx(0.02 / math.sqrt(24))
    assert radford2018.residual_projection_std(48, base=0.01) == pytest.approx(0.01 / math.sqrt(96))
    with pytest.raises(ValueError, match="recipe"):
        radford2018.residual_projection_std(12, "paper")
    with pytest.raises(ValueError, match="n_layer"):
        radford2018.residual_projection_std(0)
