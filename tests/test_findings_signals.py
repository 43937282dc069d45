"""The findings of chapter 6 (signals through depth), read from the values the chapter glues.

The chapters store their outputs (nbval checks that a fresh run reproduces
them); these tests check that what is stored shows what the text claims, so
that a change which kept the notebook consistent but lost a finding fails.
"""

import pytest
from _glue import glued


@pytest.fixture(scope="module")
def signals():
    return glued("06_signals_through_depth.ipynb")


def test_glorot_standard_init_shrinks_activations_and_lower_gradients(signals):
    act = signals["glorot_act_std_standard"]
    grad = signals["glorot_grad_std_standard"]
    assert len(act) == len(grad) == 5
    assert all(b < a for a, b in zip(act, act[1:]))  # activations shrink with depth
    assert all(b > a for a, b in zip(grad, grad[1:]))  # gradients shrink toward the input
    assert act[0] / act[-1] > 4 and grad[-1] / grad[0] > 4


def test_glorot_normalized_init_keeps_both_level(signals):
    act = signals["glorot_act_std_normalized"]
    grad = signals["glorot_grad_std_normalized"]
    assert len(act) == len(grad) == 5
    assert max(act) / min(act) < 1.5 and max(grad) / min(grad) < 1.5
