"""The findings of chapter 8 (training deep ReLU networks), read from the values the chapter glues.

The chapters store their outputs (nbval checks that a fresh run reproduces
them); these tests check that what is stored shows what the text claims, so
that a change which kept the notebook consistent but lost a finding fails.
"""

import math

import pytest
from _glue import glued

@pytest.fixture(scope="module")
def training():
    return glued("07_training_deep_relu.ipynb")


def test_the_training_chapter_glues_every_named_figure(training):
    for name in ("he30_loss_initial", "he30_loss_final_he", "he30_loss_final_xavier",
                 "he22_loss_final_he", "he22_loss_final_xavier"):
        assert isinstance(training[name], float) and math.isfinite(training[name])


def test_30_layers_xavier_stalls_and_he_learns(training):
    log_k = math.log(10)
    assert abs(training["he30_loss_initial"] - log_k) < 0.1  # both start at a uniform guess
    assert training["he30_loss_final_xavier"] > log_k - 0.15  # "Xavier" has not learned
    assert training["he30_loss_final_he"] < 0.5 * log_k  # He has


def test_22_layers_both_learn_he_sooner(training):
    log_k = math.log(10)
    assert training["he22_loss_final_xavier"] < log_k - 0.3
    assert training["he22_loss_final_he"] < training["he22_loss_final_xavier"]
