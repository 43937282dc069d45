"""The findings of the chapter "Errata", read from the values it glues
(tests/_glue.py says what a findings test checks)."""

import math

import pytest
from _glue import glued


@pytest.fixture(scope="module")
def errata():
    return glued("errata.ipynb")


def test_errata_sigmoid_signal_shrinks_by_sqrt48_per_layer(errata):
    theory = 1 / math.sqrt(48)
    assert errata["err_sig_theory_ratio"] == pytest.approx(theory, abs=1e-3)
    assert theory - 0.02 < errata["err_sig_ratio_min"] <= errata["err_sig_ratio_max"] < theory + 0.02
    assert errata["err_sig_mean_max_dev"] <= 0.02  # every sigmoid layer starts at a mean of 1/2
    assert errata["err_sig_top_spread"] < errata["err_tanh_top_spread"] / 100


def test_errata_sigmoid_top_layer_drifts_to_zero_in_every_seed(errata):
    # the top hidden layer's mean falls well below 1/2 in every seed; the first stays near 1/2
    assert errata["err_sig_top_end_max"] < 0.4
    assert errata["err_sig_first_end_min"] > 0.45
    assert errata["err_sig_steps"] == 600


def test_errata_numbers(errata):
    assert errata["err_with_n"] == pytest.approx(math.sqrt(6 / 20), abs=1e-4)
    assert errata["err_cov3"] == 99.7 and errata["err_cov4"] == pytest.approx(99.994, abs=1e-3)
    assert errata["err_misread"] == pytest.approx((2 / 100) ** 0.25, abs=1e-3)
