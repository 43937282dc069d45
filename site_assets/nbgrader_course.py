"""The book as an nbgrader course: one assignment per chapter with exercises, graded by the checks.

``python site_assets/editions.py nbgrader OUT`` calls :func:`write`, which writes

    OUT/nbgrader_config.py
    OUT/source/<chapter>/<chapter>.ipynb      (one per chapter with exercises, in _toc.yml's order)

Each notebook is the stored chapter in its portable form (plain Markdown and maths, the numbers
written in, code that runs without myst_nb, exercises numbered as on the site, "Exercise 4.2":
``site_assets/editions.py``), figures and printed
outputs kept, with each exercise turned into three cells:

1. the exercise's text, read-only (an nbgrader "read-only" cell), ending with the names the
   answer defines (``winit.book.checks.describe``) and the exercise's points;
2. the answer cell (nbgrader ``solution``): a comment naming what to define and each name set
   to None (released too: a test passes only on what its own answer cell defines, never on a
   value an earlier exercise's answer left under the same name), then the solution's code cells between ``### BEGIN SOLUTION`` and ``### END SOLUTION``, the check they
   end with, ``check("LABEL", name=EXPR, ...)``, turned into the assignments ``name = EXPR``. The
   solution's explanation is a comment inside that region, so it stays in the source only.
   nbgrader releases the cell as "# YOUR CODE HERE". (An answer whose name the chapter's code
   has defined above, a module say, is asked for as NAME_answer: the answer replaces nothing
   the chapter uses, and an unanswered test cannot find a value.);
3. the test cell (nbgrader ``grade``, locked): points by the exercise's level (Easy 1,
   Medium 2, Hard 3), its body between ``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS``:
   ``check("LABEL", name=name, ...)`` must be right. The released cell shows a comment only.

The chapter's hidden cells (glue, checks of figures) stay: runnable, read-only and folded. The
cells a solution holds are stored without outputs, and the course's config keeps the other
outputs (figures) in the released notebooks (``ClearOutput`` disabled): nothing of a solution
is released. An exercise with no check yet (``winit.book.checks.labels``) gets its answer cell
and no test.

The teacher's steps (in OUT, with the book's package installed where the notebooks run)::

    nbgrader generate_assignment he          # source/he -> release/he (no solutions)
    nbgrader release_assignment he           # JupyterHub exchange (or hand out release/he)
    nbgrader collect he                      # -> submitted/<student>/he
    nbgrader autograde he                    # runs the hidden tests -> autograded/, gradebook.db
"""

from __future__ import annotations

import ast
import copy
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from .notebooks import as_lines, dumps, glue_texts, load, source, tags

ROOT = Path(__file__).resolve().parents[1]

#: Points of an exercise by the level its title starts with ("Medium · Predict: ...").
POINTS = {"Easy": 1, "Medium": 2, "Hard": 3}
SCHEMA_VERSION = 3
BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_TESTS, END_TESTS = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"

_EXERCISE = re.compile(r"^(?P<fence>`{3,}|:{3,})\{exercise\}[ \t]*(?P<title>[^\n]*)\n"
                       r"(?P<body>.*?)^(?P=fence)[ \t]*$\n?", re.M | re.S)
_SOLUTION_START = re.compile(r"^(?P<fence>`{3,}|:{3,})\{solution-start\}[ \t]*(?P<label>[\w-]+)"
                             r"[^\n]*\n(?:[ \t]*:[\w-]+:[^\n]*\n)*[ \t]*(?P=fence)[ \t]*$\n?",
                             re.M)
_SOLUTION_END = re.compile(r"^(?P<fence>`{3,}|:{3,})\{solution-end\}[ \t]*\n(?P=fence)[ \t]*$\n?",
                           re.M)
_OPTION = re.compile(r"^:(?P<key>[\w-]+):[ \t]*(?P<value>.*)$")
_CHECK_LINE = re.compile(r"^Check your answer: `check\(\"(?P<label>[\w-]+)\"[^`]*\)`\.?[ \t]*$",
                         re.M)
_LEVEL = re.compile(r"^(?P<level>Easy|Medium|Hard)\b")
_HIDDEN = {"remove-cell", "remove-input"}

CONFIG = '''\
"""nbgrader's configuration of the book's course (written by site_assets/editions.py nbgrader)."""

c = get_config()  # noqa: F821 (nbgrader defines it)

c.CourseDirectory.course_id = "winit-book"

# Keep the chapters' figures and printed outputs in the released notebooks: by default
# generate_assignment clears every output. The answer and test cells are stored without
# outputs, so no solution's output is released. (Autograde runs every cell again, which
# replaces the outputs a student hands in.)
c.ClearOutput.enabled = False

# Every chapter runs in under 30 s in all; a slow hub gets 2 minutes per cell (default 30 s).
c.Execute.timeout = 120
'''


@dataclass
class Exercise:
    """An exercise of a chapter: its title, label and text, and its solution."""

    title: str
    label: str
    body: str
    explanation: str = ""
    code: list[str] = field(default_factory=list)
    #: answer name (as the check takes it) -> the name the answer cell defines
    variables: dict[str, str] = field(default_factory=dict)

    @property
    def points(self) -> int:
        level = _LEVEL.match(self.title)
        if level is None:
            raise ValueError(f"exercise {self.label}: its title must start with Easy, Medium or "
                             f"Hard (its level, which gives its points); got {self.title!r}")
        return POINTS[level.group("level")]


def _editions():
    from . import editions  # the portable edition's functions (imported when used: it imports us)

    return editions


def chapters_in_order() -> list[str]:
    """The book's chapters (names under chapters/), in the order of _toc.yml."""
    return [path.stem for path in _editions().chapters(ROOT)]


def has_exercises(nb: dict) -> bool:
    """True if a markdown cell of ``nb`` holds an ``{exercise}`` block."""
    return any(cell["cell_type"] == "markdown" and _EXERCISE.search(source(cell))
               for cell in nb["cells"])


def _pieces(text: str):
    """The markdown ``text`` cut at the exercise and solution fences: ("text", str),
    ("exercise", match), ("start", match), ("end", match), in order."""
    marks = sorted([(m.start(), m.end(), kind, m) for kind, pattern in
                    (("exercise", _EXERCISE), ("start", _SOLUTION_START), ("end", _SOLUTION_END))
                    for m in pattern.finditer(text)], key=lambda mark: mark[0])
    at = 0
    for start, end, kind, match in marks:
        if start < at:
            continue  # a fence inside an exercise's body
        if text[at:start].strip():
            yield "text", text[at:start]
        yield kind, match
        at = end
    if text[at:].strip():
        yield "text", text[at:]


def _exercise(match) -> Exercise:
    lines = match.group("body").split("\n")
    options = {}
    while lines and _OPTION.match(lines[0]):
        option = _OPTION.match(lines.pop(0))
        options[option.group("key")] = option.group("value").strip()
    if "label" not in options:
        raise ValueError(f"exercise {match.group('title')!r} must have a :label:")
    return Exercise(match.group("title").strip(), options["label"], "\n".join(lines).strip())


def split(nb: dict) -> list:
    """The cells of chapter ``nb`` as a list of ordinary cells (dicts) and :class:`Exercise`
    items (an exercise with its solution's text and code); the solution's hidden cells (glue
    for its text) are left out."""
    items, open_exercise, in_solution = [], None, None
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            if in_solution is not None:
                if not _HIDDEN & set(tags(cell)):
                    in_solution.code.append(source(cell))
            else:
                open_exercise = None
                items.append(cell)
            continue
        pieces = False
        for kind, piece in _pieces(source(cell)):
            if kind == "exercise":
                open_exercise = _exercise(piece)
                items.append(open_exercise)
            elif kind == "start":
                label = piece.group("label")
                if open_exercise is None or open_exercise.label != label:
                    raise ValueError(f"solution {label} must follow its exercise")
                in_solution = open_exercise
            elif kind == "end":
                in_solution = open_exercise = None
            elif in_solution is not None:
                in_solution.explanation = (in_solution.explanation + "\n\n" + piece).strip()
            else:  # the cell's text around its exercises: a cell of its own (an id of its own)
                open_exercise = None
                piece_id = f"{cell.get('id', 'md')}-{len(items)}" if pieces else cell.get("id")
                items.append({**copy.deepcopy(cell), "source": piece.strip("\n")})
                if piece_id:
                    items[-1]["id"] = piece_id[:64]
            pieces = True
    return items


def answers_from_check(code: str, label: str, variables: dict[str, str]) -> str:
    """The solution's ``code`` with its last statement, ``check(label, name=EXPR, ...)``, made
    into the assignments ``variables[name] = EXPR`` (``x = x`` left out)."""
    names = list(variables)
    tree = ast.parse(code)
    last = tree.body[-1] if tree.body else None
    call = getattr(last, "value", None)
    if not (isinstance(last, ast.Expr) and isinstance(call, ast.Call)
            and getattr(call.func, "id", None) == "check" and call.args
            and getattr(call.args[0], "value", None) == label):
        raise ValueError(f"the solution of {label} must end with check({label!r}, ...)")
    given = {kw.arg: kw.value for kw in call.keywords}
    if sorted(given) != sorted(names):
        raise ValueError(f"the solution of {label} must check {', '.join(names)}; "
                         f"got {', '.join(map(str, given))}")
    lines = code.split("\n")
    assignments = []
    for name, variable in variables.items():
        expr = ast.get_source_segment(code, given[name])
        if expr == variable:
            continue
        assignments.append(f"{variable} = ({expr})" if "\n" in expr else f"{variable} = {expr}")
    return "\n".join(lines[:last.lineno - 1] + assignments + lines[last.end_lineno:]).rstrip()


def _comment(text: str, width: int = 96) -> list[str]:
    """Markdown ``text`` as comment lines: paragraphs wrapped, fenced code kept line by line."""
    out, prose, fence = [], [], None

    def flush():
        flat = " ".join(" ".join(prose).split())
        if flat:
            out.extend("# " + line for line in textwrap.wrap(flat, width - 2))
            out.append("#")
        prose.clear()

    for line in text.split("\n"):
        marker = re.match(r"^\s*(`{3,}|~{3,})", line)
        if fence is not None:
            if marker and marker.group(1) == fence:
                fence = None
                out.append("#")
            else:
                out.append(("#     " + line).rstrip())
        elif marker:
            flush()
            fence = marker.group(1)
        elif line.strip():
            prose.append(line)
        else:
            flush()
    flush()
    while out and out[-1] == "#":
        out.pop()
    return out


def _meta(grade_id: str, *, grade=False, solution=False, locked=False, points=None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked,
            "schema_version": SCHEMA_VERSION, "solution": solution}
    if points is not None:
        meta["points"] = points
    return meta


def _cell(kind: str, text: str, cell_id: str, **metadata) -> dict:
    cell = {"cell_type": kind, "id": cell_id, "metadata": metadata, "source": as_lines(text)}
    if kind == "code":
        cell.update(execution_count=None, outputs=[])
    return cell


def _names_defined(cells: list[dict]) -> set[str]:
    """The names the code cells assign, define or import at their top level."""
    names = set()
    for cell in cells:
        try:
            tree = ast.parse(source(cell))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def answer_variables(chapter: str, label: str, before: list[dict]) -> dict[str, str]:
    """Answer name -> the name the answer cell defines: the check's own name, or NAME_answer if
    the chapter's code cells ``before`` the exercise define NAME (a module, a function, a value
    its later cells use: the answer must not replace it, nor may an unanswered test find it).
    Empty if exercise ``label`` has no check."""
    from winit.book.checks import describe, labels

    if label not in labels(chapter):
        return {}
    taken = _names_defined([cell for cell in before if cell.get("cell_type") == "code"])
    variables = {}
    for name in describe(label):
        variable = name
        while variable in taken:
            variable += "_answer"
        variables[name] = variable
    return variables


def _task(ex: Exercise) -> str:
    """The exercise as a MyST exercise block, its check line naming the answers, and after it
    the line that says what the answer cell defines."""
    from winit.book.checks import describe

    answers = {ex.variables[name]: meaning for name, meaning in describe(ex.label).items()
               } if ex.variables else {}
    given = ", ".join(f"{name}={var}" for name, var in ex.variables.items())
    body = _CHECK_LINE.sub(lambda m: f'Check your answer: `check("{m.group("label")}", {given})`.',
                           ex.body)
    block = f"```{{exercise}} {ex.title}\n:label: {ex.label}\n\n{body}\n```"
    if answers:
        named = [f"`{name}` ({meaning})" for name, meaning in answers.items()]
        defines = " and ".join([", ".join(named[:-1]), named[-1]] if len(named) > 1 else named)
        points = f"{ex.points} point" + "s" * (ex.points > 1)
        task = f"**Your answer** ({points}): in the cell below, define {defines}."
    else:
        task = "**Your answer**: in the cell below (not graded: this exercise has no check yet)."
    return f"{block}\n\n{task}"


def _answer_and_test(chapter: str, ex: Exercise, explanation: str) -> list[dict]:
    """The answer cell and (if the exercise has a check) the test cell of exercise ``ex``."""
    checked = bool(ex.variables)
    names = list(ex.variables.values())
    cells = [c.strip("\n") for c in ex.code]
    if checked:  # the solution's code cell that ends with the check (one of them does)
        calls = [i for i, c in enumerate(cells) if f'check("{ex.label}"' in c]
        if len(calls) != 1:
            raise ValueError(f"the solution of {ex.label} must call its check once; "
                             f"its code cells call it {len(calls)} times")
        cells[calls[0]] = answers_from_check(cells[calls[0]], ex.label, ex.variables)
    code = "\n\n\n".join(cells)
    code = _editions().portable_code(code).strip("\n")
    # each name starts as None, outside the solution region (so in the release too): a test
    # passes only on what its own answer cell defines, not on a value an earlier answer left
    head = ([f"# Define {', '.join(names)} (see the exercise above). "
             f"{'It is' if len(names) == 1 else 'They are'} None until you do.",
             *(f"{name} = None" for name in names)] if names
            else ["# Your answer (see the exercise above)."])
    region = [BEGIN_SOLUTION, *_comment(explanation), *([""] if explanation else []), code,
              END_SOLUTION]
    gid = f"{chapter}-{ex.label}"
    cells = [_cell("code", "\n".join(head + region), f"{ex.label}-answer"[:64],
                   nbgrader=_meta(f"{gid}-answer", solution=True))]
    if checked:
        given = ", ".join(f"{name}={var}" for name, var in ex.variables.items())
        points = f"{ex.points} point" + "s" * (ex.points > 1)
        test = [f"# The autograder's test of {ex.label} ({points}): hidden until grading.",
                BEGIN_TESTS, "from winit.book.checks import check as _check", "",
                f'_verdict = _check("{ex.label}", {given})', "assert _verdict, _verdict",
                END_TESTS]
        cells.append(_cell("code", "\n".join(test), f"{ex.label}-test"[:64],
                           nbgrader=_meta(f"{gid}-test", grade=True, locked=True,
                                          points=ex.points)))
    return cells


def course_notebook(chapter: str, nb: dict | None = None) -> dict:
    """Chapter ``chapter`` (its stored notebook unless ``nb`` is given) as an nbgrader source
    notebook."""
    if nb is None:
        nb = load(ROOT / "chapters" / f"{chapter}.ipynb")
    editions = _editions()
    defs, glued = editions.macros(nb), glue_texts(nb)
    # the chapter without its solutions, each exercise a cell of its own, made portable
    cells, exercises = [], {}
    for item in split(nb):
        if isinstance(item, Exercise):
            item.variables = answer_variables(chapter, item.label, cells)
            cell_id = f"{item.label}-text"[:64]
            exercises[cell_id] = item
            cells.append(_cell("markdown", _task(item), cell_id))
        else:
            cells.append(item)
    number = editions.chapter_numbers(ROOT).get(chapter)  # "Exercise 4.2", as on the site
    portable = editions.portable({**nb, "cells": cells}, solutions=False, number=number)
    # the explanations' references to exercises: numbered as in the text
    prefix = f"{number}." if number else ""
    context = {"labels": editions._labels(nb, prefix), "prefix": prefix}
    stored = {cell.get("id"): cell for cell in nb["cells"]}
    out = []
    for cell in portable["cells"]:
        meta = cell.setdefault("metadata", {})
        ex = exercises.get(cell.get("id"))
        if ex is not None:
            meta["nbgrader"] = _meta(f"{chapter}-{ex.label}-text", locked=True)
            explanation = editions.plain_markdown(ex.explanation, macros=defs, glued=glued,
                                                  context=dict(context))
            out += [cell, *_answer_and_test(chapter, ex, explanation)]
            continue
        original = stored.get(cell.get("id"), {})
        if cell["cell_type"] == "code" and (_HIDDEN & set(tags(original))
                                            or original.get("metadata", {}).get("lab_ready")):
            meta.setdefault("jupyter", {})["source_hidden"] = True
            meta["nbgrader"] = _meta(f"{chapter}-hidden-{len(out)}", locked=True)
        out.append(cell)
    ids = set()
    for i, cell in enumerate(out):
        if not cell.get("id") or cell["id"] in ids:
            cell["id"] = f"cell-{i}"
        ids.add(cell["id"])
    return {**portable, "cells": out, "nbformat": 4, "nbformat_minor": 5}


def write(out: Path, chapters: list[str] | None = None) -> list[Path]:
    """Write the course folder ``out``: its nbgrader_config.py and source/<chapter>/<chapter>.ipynb
    for each of ``chapters`` (default: every chapter with exercises, in _toc.yml's order).
    Returns the notebooks written."""
    order = chapters_in_order()
    if chapters is None:
        chapters = [name for name in order
                    if has_exercises(load(ROOT / "chapters" / f"{name}.ipynb"))]
    else:
        unknown = [name for name in chapters if name not in order]
        if unknown:
            raise ValueError(f"chapters must be chapters of the book ({', '.join(order)}); "
                             f"got {', '.join(unknown)}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "nbgrader_config.py").write_text(CONFIG, encoding="utf-8")
    written = []
    for name in chapters:
        path = out / "source" / name / f"{name}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dumps(course_notebook(name)), encoding="utf-8")
        written.append(path)
    return written
