"""The papers' findings, read from the values the chapters glue.

The chapters store their outputs (nbval checks that a fresh run reproduces
them); these tests check that what is stored shows what the papers found, so
that a change which kept the notebooks consistent but lost a finding fails.
"""

import ast
import json
import math
from pathlib import Path

import pytest

CHAPTERS = Path(__file__).resolve().parent.parent / "chapters"


def glued(notebook):
    """{name: value} of every myst-nb glue in the stored outputs of ``notebook``."""
    values = {}
    for cell in json.loads((CHAPTERS / notebook).read_text())["cells"]:
        for out in cell.get("outputs", []):
            name = out.get("metadata", {}).get("scrapbook", {}).get("name")
            if name is None:
                continue
            data = out["data"]
            text = data.get("text/plain") or data.get("application/papermill.record/text/plain")
            values[name] = ast.literal_eval("".join(text))
    return values


@pytest.fixture(scope="module")
def training():
    return glued("07_training_deep_relu.ipynb")


@pytest.fixture(scope="module")
def signals():
    return glued("06_signals_through_depth.ipynb")


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
