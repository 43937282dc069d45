"""The findings of the chapter "Why initialisation matters", read from the values it glues
(tests/_glue.py says what a findings test checks)."""

import pytest
from _glue import glued


@pytest.fixture(scope="module")
def why():
    return glued("why_initialisation.ipynb")


def test_equal_weights_stay_one_unit_random_ones_learn(why):
    assert why["sym_distinct_equal"] == 1
    assert why["sym_distinct_random"] == 8
    # all-zeros never moves: its loss is the mean square of the target, far above the random start's
    assert why["sym_loss_zero"] > why["sym_loss_equal"] > 10 * why["sym_loss_random"]


def test_fixed_ranges_saturate_more_as_n_grows(why):
    assert why["heur_sat_03_10"] < 1.0 < 50.0 < why["heur_sat_03_1000"]
    assert why["heur_sat_11_100"] > 50.0
    assert why["heur_corr_01"] == pytest.approx(0.75, abs=0.03)  # E[w]^2 / E[w^2] = (1/4) / (1/3)
