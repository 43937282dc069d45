"""The nbgrader course (site_assets/nbgrader_course.py), checked with nbgrader itself.

The round trip, on two short chapters with checks: ``nbgrader generate_assignment`` releases no
solution and keeps the figures; ``nbgrader autograde`` gives the source notebooks (handed in as
a student's) full marks and the released ones, handed in unanswered, none of the exercises'
points; a release with one exercise answered scores that exercise's points if right and 0 if
wrong, even where later exercises read the same answer name; autograde reports a changed
checksum for the hidden-test cells only (nbgrader's own warning). Then every chapter's source notebook: one answer cell and one test cell per exercise,
the right points, and nbgrader's metadata validator and release steps accept it.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook
from nbgrader.nbgraderformat import MetadataValidator
from nbgrader.preprocessors import (CheckCellMetadata, ClearHiddenTests, ClearSolutions,
                                    ComputeChecksums, LockCells)

from site_assets import editions, nbgrader_course
from site_assets.notebooks import dumps, load, source
from winit.book.checks import describe, labels

ROOT = Path(__file__).resolve().parents[1]
POINTS = {"Easy": 1, "Medium": 2, "Hard": 3}
EXERCISE = re.compile(r"```\{exercise\} (Easy|Medium|Hard) · [^\n]*\n:label: ([\w-]+)\n")
STUB = "# YOUR CODE HERE\nraise NotImplementedError()"

# he, and a short chapter that has checks, xavier first (the README's Run All Cells times:
# xavier 2.6 s, frameworks 3.0 s, normalized_xavier 2.4 s)
SHORT = ["xavier", "frameworks", "normalized_xavier"]
ROUND_TRIP = ["he"] + [name for name in SHORT if labels(name)][:1]


def solution_values(name, label):
    """{answer name: its value's source} of the solution's ``check`` call for exercise
    ``label`` in the stored chapter ``name`` (the call the released notebook leaves as ...)."""
    for cell in load(ROOT / "chapters" / f"{name}.ipynb")["cells"]:
        call = re.search(rf'check\("{label}", (.*)\)\s*$', source(cell), re.S)
        if cell["cell_type"] == "code" and call and "..." not in call.group(1):
            return dict(re.findall(r'(\w+)=("[^"]*"|[^,)\n]+)', call.group(1)))
    raise LookupError(f"{name}: no solution checks {label}")


def shared_answer(name):
    """(a, b, names): the first checked exercise ``a`` of chapter ``name`` whose answer names
    (``names``) a later exercise ``b`` defines too (several read ``choice``), with another
    value in b's solution than in a's; None if none."""
    found = labels(name)
    for i, a in enumerate(found):
        for b in found[i + 1:]:
            names = [n for n in describe(a) if n in describe(b)]
            if names and any(solution_values(name, a)[n] != solution_values(name, b)[n] for n in names):
                return a, b, names
    return None


# a chapter whose exercises share an answer name: hand-ins answering one exercise only
SHARED = next(name for name in SHORT if labels(name) and shared_answer(name))
# the chapters of the course the round trip writes, each once (SHARED may be in ROUND_TRIP)
COURSE = list(dict.fromkeys(ROUND_TRIP + [SHARED]))


def stored_exercises(name):
    """(points, label) of each exercise of the stored chapter, read from its titles."""
    text = "\n".join(source(c) for c in load(ROOT / "chapters" / f"{name}.ipynb")["cells"]
                     if c["cell_type"] == "markdown")
    return [(POINTS[level], label) for level, label in EXERCISE.findall(text)]


WITH_EXERCISES = [name for name in nbgrader_course.chapters_in_order() if stored_exercises(name)]


def chapter_figures(name):
    """The figures of the stored chapter that its pages show outside the solutions."""
    figures = []
    for cell in load(ROOT / "chapters" / f"{name}.ipynb")["cells"]:
        hidden = cell["metadata"].get("jupyter", {})
        if (set(cell["metadata"].get("tags", [])) & {"remove-cell", "remove-output"}
                or hidden.get("source_hidden") and hidden.get("outputs_hidden")):
            continue  # left out of the page, or a solution's (folded) cell
        figures += [out for out in cell.get("outputs", []) if "image/png" in out.get("data", {})]
    return figures


def nbgrader(course, *args):
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


def role(cell):
    meta = cell["metadata"].get("nbgrader", {})
    return "solution" if meta.get("solution") else "test" if meta.get("grade") else None


def texts(nb):
    """Every cell's source and every text output of ``nb``, one string."""
    parts = []
    for cell in nb["cells"]:
        parts.append(source(cell))
        for out in cell.get("outputs", []):
            parts.append("".join(out.get("text", "")))
            for kind, data in out.get("data", {}).items():
                if kind.startswith("text/"):
                    parts.append("".join(data))
    return "\n".join(parts)


def region(text, begin, end):
    """The lines of ``text`` between the lines holding ``begin`` and ``end``."""
    lines = text.split("\n")
    first = next(i for i, line in enumerate(lines) if begin in line)
    last = next(i for i, line in enumerate(lines) if end in line)
    return lines[first + 1:last]


def solution_lines(cell):
    """The answer cell's code with the solution markers taken out: the source's answer."""
    return [line for line in source(cell).split("\n")
            if line.strip() not in (nbgrader_course.BEGIN_SOLUTION, nbgrader_course.END_SOLUTION)]


def one_answered(course, right):
    """The released SHARED notebook with only exercise ``a`` of :func:`shared_answer` answered:
    ``right``, its source's answer; otherwise the answer of the later exercise ``b`` that
    defines the same names (wrong for ``a``, right for ``b``, whose own cell is unanswered)."""
    a, b, names = shared_answer(SHARED)
    src = {c.get("id"): c for c in load(course / "source" / SHARED / f"{SHARED}.ipynb")["cells"]}
    nb = load(course / "release" / SHARED / f"{SHARED}.ipynb")
    cell = next(c for c in nb["cells"] if c.get("id") == f"{a}-answer")
    if right:
        lines = solution_lines(src[f"{a}-answer"])
    else:  # each shared name as b's source answer sets it last
        given = [next(line for line in reversed(solution_lines(src[f"{b}-answer"]))
                      if line.startswith(f"{name} = ")) for name in names]
        mine = [line for line in solution_lines(src[f"{a}-answer"])
                if any(line.startswith(f"{name} = ") for name in names)]
        assert set(given) - set(mine), f"{a} and {b} must not have the same answer"
        lines = [line for line in source(cell).split("\n") if line not in STUB.split("\n")] + given
    cell["source"] = "\n".join(lines)
    return nb


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = tmp_path_factory.mktemp("course")
    nbgrader_course.write(course, COURSE)
    # every assignment of the folder at once ("*": one nbgrader run for the chapters)
    nbgrader(course, "generate_assignment", "*", "--force")
    for name in ROUND_TRIP:
        for student, folder in (("teacher", "source"), ("blank", "release")):
            handed_in = course / "submitted" / student / name
            handed_in.mkdir(parents=True)
            shutil.copy(course / folder / name / f"{name}.ipynb", handed_in)
    for student, right in (("one-right", True), ("one-wrong", False)):
        handed_in = course / "submitted" / student / SHARED / f"{SHARED}.ipynb"
        handed_in.parent.mkdir(parents=True)
        handed_in.write_text(dumps(one_answered(course, right)), encoding="utf-8")
    done = nbgrader(course, "autograde", "*", "--force")
    (course / "autograde.log").write_text(done.stdout + done.stderr, encoding="utf-8")
    assert sorted(p.name for p in (course / "release").iterdir()) == sorted(COURSE)
    return course


@pytest.mark.parametrize("name", ROUND_TRIP)
def test_the_release_holds_no_solution_and_keeps_the_figures(course, name):
    src = load(course / "source" / name / f"{name}.ipynb")
    released = load(course / "release" / name / f"{name}.ipynb")
    shown = texts(released)
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "_verdict"):
        assert marker not in shown
    secret = []
    for cell in src["cells"]:
        if role(cell) == "solution":
            secret += region(source(cell), "### BEGIN SOLUTION", "### END SOLUTION")
        elif role(cell) == "test":
            secret += region(source(cell), "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
    answers = {line.strip() for line in secret if re.match(r"\w+ = ", line)}
    secret = {line.strip() for line in secret if len(line.strip()) > 12} | answers
    # a line the chapter also shows outside its answers (a loop header) is no secret
    public = {line.strip() for cell in src["cells"] if not role(cell) for line in source(cell).split("\n")}
    secret -= public - answers
    assert answers, "each solution region defines its answers"
    assert len(secret) > 3 * len(stored_exercises(name))
    leaked = [line for line in secret if line in shown]
    assert not leaked, f"the release shows solution or test lines: {leaked[:5]}"
    for cell in released["cells"]:
        if role(cell) == "solution":
            assert source(cell).endswith(STUB) and not cell["outputs"]
            assert source(cell).startswith("# Define ")
        if role(cell) == "test":
            assert not cell["outputs"] and "assert" not in source(cell)
    figures = [out for cell in released["cells"] for out in cell.get("outputs", [])
               if "image/png" in out.get("data", {})]
    stored = [out for cell in src["cells"] for out in cell.get("outputs", [])
              if "image/png" in out.get("data", {})]
    assert figures and len(figures) == len(stored) == len(chapter_figures(name))


@pytest.mark.parametrize("name", ROUND_TRIP)
def test_autograde_gives_the_source_full_marks_and_the_unanswered_release_none(course, name):
    points = sum(p for p, label in stored_exercises(name) if label in labels(name))
    assert points >= len(labels(name))
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        teacher = gb.find_submission_notebook(name, name, "teacher")
        blank = gb.find_submission_notebook(name, name, "blank")
        assert teacher.max_score == points
        assert teacher.score == points, [(g.name, g.score) for g in teacher.grades]
        assert blank.score == 0, [(g.name, g.score) for g in blank.grades]
    # the source runs top to bottom; the release fails only in the answers and their tests
    for student in ("teacher", "blank"):
        graded = load(course / "autograded" / student / name / f"{name}.ipynb")
        failed = [(cell.get("id"), out["ename"]) for cell in graded["cells"]
                  for out in cell.get("outputs", []) if out["output_type"] == "error"]
        allowed = {cell.get("id") for cell in graded["cells"] if role(cell)}
        assert not failed if student == "teacher" else failed and {i for i, _ in failed} <= allowed


@pytest.mark.parametrize("right", [True, False], ids=["right", "wrong"])
def test_a_hand_in_with_one_answer_scores_that_answer_only(course, right):
    # exercise a answered (right, or with the answer of the later exercise b that reads the
    # same names), every other left as released: b's test must not pass on a's leftover value
    a, b, names = shared_answer(SHARED)
    points = dict((label, p) for p, label in stored_exercises(SHARED))
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        graded = gb.find_submission_notebook(SHARED, SHARED, f"one-{'right' if right else 'wrong'}")
        scores = {g.name: g.score for g in graded.grades if g.name.endswith("-test")}
        total = graded.score
    assert sorted(scores) == sorted(f"{SHARED}-{label}-test" for label in labels(SHARED))
    assert scores == {name: (points[a] if right and name == f"{SHARED}-{a}-test" else 0)
                      for name in scores}, (a, b, names)
    assert total == (points[a] if right else 0)


def test_autograde_warns_of_changed_checksums_only_for_the_hidden_tests(course):
    # nbgrader saves a test cell's checksum before clearing its hidden tests (generate_assignment:
    # ComputeChecksums, SaveCells, ClearHiddenTests), so autograde's OverwriteCells finds every
    # released test cell "changed" and puts the hidden tests back (nbgrader issue #1961). No other
    # cell we write may be reported: not a text, answer or hidden chapter cell, nor points or locks.
    log = (course / "autograde.log").read_text(encoding="utf-8")
    changed = re.findall(r"Attribute '(\w+)' for cell (\S+) has changed", log)
    assert changed, "autograde's log is the one expected (nbgrader's warnings shown)"
    assert {attribute for attribute, _ in changed} == {"checksum"}
    tests = {f"{name}-{label}-test" for name in COURSE for label in labels(name)}
    assert {cell for _, cell in changed} == tests


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    out = tmp_path_factory.mktemp("sources")
    nbgrader_course.write(out)
    return out


def test_the_course_has_every_chapter_with_exercises_and_its_config(sources):
    assert sorted(p.name for p in (sources / "source").iterdir()) == sorted(WITH_EXERCISES)
    config = (sources / "nbgrader_config.py").read_text()
    assert "c.ClearOutput.enabled = False" in config


@pytest.mark.parametrize("name", WITH_EXERCISES)
def test_every_exercise_has_an_answer_cell_and_a_test_with_its_points(sources, name):
    if not labels(name):
        pytest.skip(f"{name} has no checks yet (winit.book.checks.labels is empty)")
    nb = nbformat.read(sources / "source" / name / f"{name}.ipynb", as_version=4)
    nbformat.validate(nb)
    MetadataValidator().validate_nb(nb)
    cells = [cell for cell in nb.cells if role(cell)]
    expected = stored_exercises(name)
    # numbered as the site and the portable edition number them: "Exercise 4.2"
    number = editions.chapter_numbers()[name]
    headings = re.findall(r"^### (Exercise [\d.]+) \(", texts(nb), re.M)
    assert headings == [f"Exercise {number}.{i}" for i in range(1, len(expected) + 1)]
    assert [role(c) for c in cells] == ["solution", "test"] * len(expected)
    for (points, label), answer, test in zip(expected, cells[::2], cells[1::2]):
        assert test.metadata.nbgrader.points == points and test.metadata.nbgrader.locked
        call = re.search(rf'_check\("{label}", (.*)\)', test.source)
        assert re.findall(r"(\w+)=", call.group(1)) == list(describe(label))
        assert not answer.outputs and not test.outputs
    ids = [c.metadata.nbgrader.grade_id for c in nb.cells if "nbgrader" in c.metadata]
    assert len(ids) == len(set(ids)) and all(c.get("id") for c in nb.cells)
    for cell in nb.cells:   # the site's hidden cells: runnable, read-only and folded
        if set(cell.metadata.get("tags", [])) & {"remove-cell", "remove-input"}:
            assert cell.metadata.nbgrader.locked and cell.metadata.jupyter.source_hidden
    for marker in ("{exercise}", "{solution-start}", "{solution-end}", "{eval}", "{glue"):
        assert marker not in texts(nb)
    assert not any("myst_nb" in c.source for c in nb.cells if c.cell_type == "code")
    # nbgrader's release steps (generate_assignment's, less its gradebook) accept it
    resources = {"nbgrader": {"notebook": name, "assignment": name}}
    for step in (LockCells(), ClearSolutions(), CheckCellMetadata(), ComputeChecksums(),
                 ClearHiddenTests(), ComputeChecksums(), CheckCellMetadata()):
        nb, resources = step.preprocess(nb, resources)
    assert "BEGIN SOLUTION" not in texts(nb) and "BEGIN HIDDEN TESTS" not in texts(nb)


def test_the_check_becomes_the_answers():
    code = 'x = 2\ny = 3\ncheck("ex-a", a=x * y,\n      b=(x\n         + 1), f=f, g=g)'
    variables = {"a": "a", "b": "b", "f": "f", "g": "g_answer"}
    assert nbgrader_course.answers_from_check(code, "ex-a", variables) == (
        "x = 2\ny = 3\na = x * y\nb = (x\n         + 1)\ng_answer = g")
    with pytest.raises(ValueError, match="must end with check"):
        nbgrader_course.answers_from_check('check("ex-a", a=1)\nprint(1)', "ex-a", {"a": "a"})
    with pytest.raises(ValueError, match="must check a, b; got a"):
        nbgrader_course.answers_from_check('check("ex-a", a=1)', "ex-a", {"a": "a", "b": "b"})


def test_an_answer_named_as_the_chapter_names_something_gets_a_name_of_its_own():
    before = [{"cell_type": "code", "source": "import numpy as n_var_w\nfrom x import y"},
              {"cell_type": "markdown", "source": "choice = 1"}]
    assert nbgrader_course.answer_variables("he", "predict-he-leaky", before) == {
        "n_var_w": "n_var_w_answer"}
    assert nbgrader_course.answer_variables("he", "predict-he-mixed", before) == {
        "choice": "choice"}
    ex = nbgrader_course.Exercise("Easy · Predict", "predict-he-leaky", "Which?",
                                  code=['check("predict-he-leaky", n_var_w=1.923)'],
                                  variables={"n_var_w": "n_var_w_answer"})
    answer, test = nbgrader_course._answer_and_test("he", ex, "")
    assert "n_var_w_answer = 1.923\n" in answer["source"]
    assert answer["source"][:3] == ["# Define n_var_w_answer (see the exercise above). It is None "
                                    "until you do.\n", "n_var_w_answer = None\n",
                                    "### BEGIN SOLUTION\n"]
    assert '_verdict = _check("predict-he-leaky", n_var_w=n_var_w_answer)\n' in test["source"]
    assert test["metadata"]["nbgrader"]["points"] == 1
