"""winit.book.checks: the self-checks' machinery, and that every chapter's exercises use them.

Each chapter's own checks are tested in tests/test_checks_<chapter>.py (right answers pass,
typical wrong answers get a hint, and no hint gives the answer away).
"""

import re
from pathlib import Path

import numpy as np
import pytest

from site_assets import notebooks
from site_assets.notebooks import source
from winit.book import checks
from winit.book.checks import Hint, Verdict, check, choice, close, describe, labels, number, run, within_factor

ROOT = Path(__file__).resolve().parents[1]


def test_verdict_is_its_message_and_its_truth():
    right = Verdict("x", True, "Right (x).")
    wrong = Verdict("x", False, "Not yet (x): think.")
    assert bool(right) and not bool(wrong)
    assert repr(right) == "Right (x)." and str(wrong) == "Not yet (x): think."


def test_missing_answers_say_which_to_give():
    verdict = check("predict-he-too-big")
    assert not verdict
    assert "factor=" in verdict.message and "after_20=" in verdict.message


def test_bad_label_and_bad_names_raise():
    with pytest.raises(ValueError, match="label must be"):
        check("predict-no-such-exercise", x=1)
    with pytest.raises(TypeError, match="label must be a str"):
        check(3, x=1)
    with pytest.raises(TypeError, match="must be named factor, after_20; got fcator"):
        check("predict-he-too-big", fcator=2, after_20=1e6)
    with pytest.raises(ValueError, match="chapter must be one of"):
        labels("no_such_chapter")


def test_registering_twice_or_without_answers_fails():
    with pytest.raises(ValueError, match="registered twice"):
        checks.exercise("predict-he-too-big", factor="x")(lambda factor: None)
    with pytest.raises(ValueError, match="at least one answer"):
        checks.exercise("predict-nothing")


def test_helpers():
    assert number(np.float32(2.5), "a") == 2.5 and number(np.array([3]), "a") == 3.0
    for bad in ("two", None, True, [1, 2], float("nan"), np.inf):
        with pytest.raises(Hint, match="a must be a"):
            number(bad, "a")
    assert close(1.04, 1.0, "a", rel=0.05) and not close(1.06, 1.0, "a", rel=0.05)
    assert within_factor(3.9, 1.0, "a", 4) and not within_factor(4.1, 1.0, "a", 4)
    assert within_factor(0.26, 1.0, "a", 4) and not within_factor(0.24, 1.0, "a", 4)
    with pytest.raises(Hint, match="must be positive"):
        within_factor(0, 1.0, "a", 4)
    assert choice("(B)", "abcd") == "b" and choice(" c ", "abcd") == "c"
    for bad in ("e", "ab", 2, None):
        with pytest.raises(Hint, match="choice must be one of"):
            choice(bad, "abcd")
    assert run(lambda x: x + 1, 1) == 2
    with pytest.raises(Hint, match="f raised ZeroDivisionError"):
        run(lambda: 1 / 0, name="f")
    with pytest.raises(Hint, match="must be a function"):
        run(3, name="f")


def test_a_judge_may_return_a_hint_string_or_raise():
    verdict = check("predict-he-too-big", factor="two", after_20=1e6)
    assert not verdict and "factor must be a number" in verdict.message


# --- every chapter's exercises have a check, said in the exercise and used by its solution ---

_EXERCISE = re.compile(r"```\{exercise\}[^\n]*\n:label: ([\w-]+)\n(.*?)\n```", re.S)
_LINE = re.compile(r'^Check your answer: `check\("([\w-]+)"((?:, \w+=[^,`]+)*)\)`\.$', re.M)


def _chapter_exercises(name):
    """(label, exercise text) of each exercise, and the code cells of each solution."""
    nb = notebooks.load(ROOT / "chapters" / f"{name}.ipynb")
    exercises, solutions, current = [], {}, None
    for cell in nb["cells"]:
        text = source(cell)
        if cell["cell_type"] == "markdown":
            exercises += _EXERCISE.findall(text)
            start = re.search(r"```\{solution-start\} ([\w-]+)", text)
            if start:
                current = start.group(1)
            if "```{solution-end}" in text:
                current = None
        elif current is not None and "remove-cell" not in cell.get("metadata", {}).get("tags", []):
            solutions.setdefault(current, []).append(cell)
    return exercises, solutions


def test_every_chapter_with_exercises_has_its_checks():
    chapters = sorted(p.stem for p in (ROOT / "chapters").glob("*.ipynb")
                      if "```{exercise}" in p.read_text(encoding="utf-8"))
    assert chapters == sorted(checks.CHAPTERS)
    assert all(labels(name) for name in checks.CHAPTERS)


@pytest.mark.parametrize("name", checks.CHAPTERS)
def test_every_exercise_has_its_check_line_and_its_solution_passes_it(name):
    exercises, solutions = _chapter_exercises(name)
    assert [label for label, _ in exercises] == labels(name), "checks and exercises, in order"
    for label, text in exercises:
        lines = _LINE.findall(text)
        assert len(lines) == 1, f"{label}: one 'Check your answer' line, the exercise's last"
        said_label, args = lines[0]
        assert said_label == label
        assert re.findall(r"(\w+)=", args) == list(describe(label)), f"{label}: the names it takes"
        calls = [c for c in solutions[label] if f'check("{label}"' in source(c)]
        assert len(calls) == 1, f"{label}: its solution calls the check once"
        shown = ["".join(o.get("data", {}).get("text/plain", "")) for o in calls[0]["outputs"]]
        assert f"Right ({label})." in shown, f"{label}: the solution's stored run passes its check"
