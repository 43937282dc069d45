"""How long each chapter takes a student: the one source of the reading path's table in
`intro.md` and of the "Time" line in each chapter's "In this chapter" box.

The rule (stated in `intro.md` too): a chapter's minutes are

- its words at 120 words a minute: the prose (markdown cells, solutions included, a number
  counted as the one word the page shows) and the code the student sees (code cells without
  the ``remove-input``, ``remove-cell`` or ``hide-input`` tag);
- plus 1 minute for each code cell the student sees (run it, look at what it prints or draws);
- plus 5 minutes for each exercise (try it before opening the solution);

rounded to the nearest 5 minutes. The rates were set against the study times that student
readers of the book reported for each chapter (2026-12-07): within about 10 minutes of theirs
on average.

It also plans the two-week course of `intro.md` (:data:`COURSE`: ten sessions of the chapters
in the book's order) and writes each session's minutes beside it; the README's section for
teachers gets the same table.

    python site_assets/reading_time.py            # print the tables
    python site_assets/reading_time.py --write    # into intro.md, README.md and the chapters' boxes
    python site_assets/reading_time.py --check    # exit 1 if either is out of date
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORDS_PER_MINUTE = 120
MINUTES_PER_CODE_CELL = 1
MINUTES_PER_EXERCISE = 5
HIDDEN = {"remove-input", "remove-cell", "hide-input"}
# MyST comments around the tables in intro.md (the text after a marker stays as it is)
START, END = "% reading-times: start", "% reading-times: end"
COURSE_START, COURSE_END = "% course-plan: start", "% course-plan: end"
# the same in README.md, as HTML comments (GitHub shows MyST comments as text)
README_START, README_END = "<!-- course-plan: start", "<!-- course-plan: end"
# The two-week course: (the chapters of a session, what the session is for). A chapter comes
# after every chapter its box asks for; the chapters left out are optional.
COURSE = [
    (["why_initialisation"], "why the scale of the weights must depend on $n$"),
    (["xavier", "normalized_xavier"], "two rules for tanh; the forward and backward compromise"),
    (["he", "training_deep_relu"], "ReLU's factor 2, and what it changes in training"),
    (["signals_through_depth"], "the variance argument through many layers, forwards and backwards"),
    (["depth_explorer", "frameworks"], "a lab with the explorer; the names you will type"),
    (["order_and_chaos"], "mean-field theory: why tanh's gain is a choice"),
    (["residual_and_normalisation"], "skip connections and normalisation layers"),
    (["width_and_learning_rate"], "muP: one learning rate for every width"),
    (["transformers_and_lsuv"], "attention, embeddings, eight transformer recipes, LSUV"),
    (["initialisation_in_practice"], "the decision table and the checks for your own network"),
]
EVAL = re.compile(r"\{eval\}`(?P<value>.*?)\s+#[^`]*`")
LINK = re.compile(r"\]\([^)\s]+(?: \"[^\"]*\")?\)")  # a link's target, not its text
EXERCISE = re.compile(r"^(`{3,}|:{3,})\{exercise\}", re.M)
# the box's line, as the notebook's JSON stores it: "**Time**: about 45 minutes" or
# "**Time:** about 45 minutes" (only the number is rewritten, so the words counted stay put)
BOX_TIME = re.compile(r"(\*\*Time(?::\*\*|\*\*:) about )(\d+)( minutes)")


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def measure(path: Path) -> dict[str, int]:
    """{"words", "code_cells", "exercises", "minutes"} of the chapter at `path`."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    words = code_cells = exercises = 0
    for cell in nb["cells"]:
        meta = cell.get("metadata", {})
        if meta.get("lab_ready") or HIDDEN & set(meta.get("tags", [])):
            continue
        text = _source(cell)
        if cell["cell_type"] == "markdown":
            exercises += len(EXERCISE.findall(text))
            text = LINK.sub("]", EVAL.sub(r"\g<value>", text))
        elif cell["cell_type"] == "code":
            code_cells += 1
        else:
            continue
        words += len(text.split())
    minutes = (words / WORDS_PER_MINUTE + MINUTES_PER_CODE_CELL * code_cells
               + MINUTES_PER_EXERCISE * exercises)
    return {"words": words, "code_cells": code_cells, "exercises": exercises,
            "minutes": 5 * max(1, round(minutes / 5))}


def chapters() -> list[tuple[str, str]]:
    """(file, title) of every chapter, in the order of `_toc.yml`."""
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    found = []
    for part in toc["parts"]:
        for entry in part["chapters"]:
            if entry["file"].startswith("chapters/"):
                nb = json.loads((ROOT / f"{entry['file']}.ipynb").read_text(encoding="utf-8"))
                title = next(_source(c) for c in nb["cells"] if c["cell_type"] == "markdown"
                             and not c.get("metadata", {}).get("lab_ready")
                             and _source(c).startswith("# "))
                # "Xavier: $\U[...]$" -> "Xavier": the formula is the chapter's to show
                found.append((entry["file"], title.splitlines()[0][2:].split(": $")[0].strip()))
    return found


def measured() -> list[tuple[str, str, dict[str, int]]]:
    """(file, title, :func:`measure` of it) of every chapter, in the order of `_toc.yml`: read
    once, for the tables and the boxes alike."""
    return [(file, title, measure(ROOT / f"{file}.ipynb")) for file, title in chapters()]


def table(chapters_measured=None) -> str:
    """The markdown table of `intro.md`: chapter, words, exercises, minutes."""
    rows = ["| chapter | words | exercises | minutes |", "|---|---:|---:|---:|"]
    for file, title, m in chapters_measured or measured():
        rows.append(f"| [{title}]({file}.ipynb) | {m['words']:,} | {m['exercises']} | "
                    f"{m['minutes']} |")
    return "\n".join(rows)


def course_table(chapters_measured=None) -> str:
    """The markdown table of the two-week course: session, chapters, what for, minutes."""
    by_name = {file.split("/")[-1]: (title, m)
               for file, title, m in chapters_measured or measured()}
    rows = ["| session | chapters | what for | minutes |", "|---:|---|---|---:|"]
    for k, (names, what) in enumerate(COURSE, start=1):
        links = " and ".join(f"[{by_name[n][0]}](chapters/{n}.ipynb)" for n in names)
        minutes = sum(by_name[n][1]["minutes"] for n in names)
        rows.append(f"| {k} | {links} | {what} | {minutes} |")
    return "\n".join(rows)


def _between(text: str, start: str, end: str, new: str) -> str:
    a, b = text.index("\n", text.index(start)), text.index(end)
    return f"{text[:a]}\n\n{new}\n\n{text[b:]}"


def box_times(write: bool = False, chapters_measured=None) -> list[str]:
    """The chapters whose box states a time other than :func:`measure`'s (all are rewritten
    with `write`). A chapter must state its time exactly once."""
    wrong = []
    for file, _, m in chapters_measured or measured():
        path = ROOT / f"{file}.ipynb"
        raw = path.read_text(encoding="utf-8")
        stated = BOX_TIME.findall(raw)
        if len(stated) != 1:
            raise ValueError(f"{file}.ipynb must state its time once in its box "
                             f"('**Time**: about N minutes'); found {len(stated)}")
        minutes = m["minutes"]
        if int(stated[0][1]) != minutes:
            wrong.append(file)
            if write:
                path.write_text(BOX_TIME.sub(rf"\g<1>{minutes}\g<3>", raw), encoding="utf-8")
    return wrong


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true",
                        help="write the tables into intro.md (and the course plan into README.md) "
                             "and each chapter's box")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if intro.md, README.md or a box is out of date")
    args = parser.parse_args(argv)
    found = measured()
    new, course = table(found), course_table(found)
    if not (args.write or args.check):
        print(f"{new}\n\n{course}")
        return 0
    intro, readme = ROOT / "intro.md", ROOT / "README.md"
    text, readme_text = intro.read_text(encoding="utf-8"), readme.read_text(encoding="utf-8")
    updated = _between(_between(text, START, END, new), COURSE_START, COURSE_END, course)
    # the README's section for teachers gives the same two-week plan
    readme_updated = _between(readme_text, README_START, README_END, course)
    if args.check:
        stale = (["intro.md"] * (updated != text) + ["README.md"] * (readme_updated != readme_text)
                 + [f"{f}.ipynb" for f in box_times(False, found)])
        if stale:
            print(f"reading times out of date in {', '.join(stale)}: run "
                  "python site_assets/reading_time.py --write", file=sys.stderr)
            return 1
        return 0
    intro.write_text(updated, encoding="utf-8")
    readme.write_text(readme_updated, encoding="utf-8")
    box_times(True, found)
    return 0


if __name__ == "__main__":
    sys.exit(main())
