"""The findings of the chapter on training deep ReLU networks, read from the values it glues.

The chapters store their outputs (nbval checks that a fresh run reproduces
them); these tests check that what is stored shows what the text claims, so
that a change which kept the notebook consistent but lost a finding fails.
The chapter's text says: every He network learned, at 22 and at 30 layers;
no "Xavier" network did, at either depth; at 30 layers the median held-out
error at the end is below ``he30_he_test_error`` from He's initialisation and
above ``he30_xavier_test_error`` from "Xavier", where 0.9 is chance for ten
classes.
"""

import math

import pytest
from _glue import glued

NAMES = ("he_seeds", "he22_he_learned", "he22_xavier_learned", "he30_he_learned",
         "he30_xavier_learned", "he30_he_test_error", "he30_xavier_test_error")


@pytest.fixture(scope="module")
def training():
    return glued("training_deep_relu.ipynb")


def test_the_training_chapter_glues_every_named_figure(training):
    for name in NAMES:
        assert name in training, name
    for name in NAMES[:5]:
        assert type(training[name]) is int, name
    for name in NAMES[5:]:
        assert type(training[name]) is float and 0.0 <= training[name] <= 1.0, name


def test_at_least_five_seeds(training):
    assert training["he_seeds"] >= 5


def test_every_he_network_learned_at_both_depths(training):
    assert training["he22_he_learned"] == training["he_seeds"]
    assert training["he30_he_learned"] == training["he_seeds"]


def test_no_xavier_network_learned_at_either_depth(training):
    assert training["he22_xavier_learned"] == 0
    assert training["he30_xavier_learned"] == 0


def test_30_layers_held_out_error_he_far_below_xavier_at_chance(training):
    assert training["he30_xavier_test_error"] == 0.9  # chance for ten classes, one decimal
    assert training["he30_he_test_error"] <= 0.5
    assert training["he30_he_test_error"] < training["he30_xavier_test_error"] - 0.3


def test_old_single_run_figures_are_gone(training):
    for name in ("he30_loss_initial", "he30_loss_final_he", "he30_loss_final_xavier",
                 "he22_loss_final_he", "he22_loss_final_xavier"):
        assert name not in training


def test_the_hand_written_sgd_loop_learns_from_he_and_not_from_one_over_n(training):
    import math
    # the network the visible loop trains: 30 weight layers, 29 hidden ReLU layers of 32 units
    assert training["loop_depth"] == 30 and training["loop_hidden"] == training["loop_depth"] - 1
    assert training["loop_steps"] == 300 and training["loop_width"] == 32
    # both start at the loss of a uniform guess over ten classes, log 10 = 2.30
    assert abs(training["loop_first"] - math.log(10)) < 0.1
    # "Xavier" (1/n) has not moved after 300 steps; He has clearly left log 10
    assert training["loop_xavier_last"] == round(math.log(10), 1)
    assert training["loop_he_last"] < math.log(10) - 0.3


def test_the_first_layers_gradient_is_smaller_from_one_over_n_by_about_root_two_to_the_29(training):
    # the same random numbers: 29 transposed weight matrices above layer 1, each √2 larger with
    # He's rule, and softmax gradients at the logits of about the same size (both near uniform)
    assert 2 ** 14 < training["he_grad_ratio"] < 2 ** 15
    assert training["he_logit_ratio"] == 2 ** 15


def test_both_loop_networks_start_a_little_above_log_10(training):
    assert math.log(10) < training["loop_he_start"] < math.log(10) + 1.0
    assert training["loop_xavier_start"] == round(math.log(10), 2)  # 2 decimals
