"""Put each exercise's solution cells inside its solution box (sphinx-exercise's gated solutions).

A chapter writes a solution as a `{solution}` block in a markdown cell, followed by the code
cells that compute the answer. On the site the box hides only its own text; the code cells and
their output below it are always shown. This script rewrites such a solution as the gated form

    ```{solution-start} ex-label
    :class: dropdown
    ```

    The solution's text (what the {solution} block held).

    <the solution's code cells, untouched, with their outputs>

    ```{solution-end}
    ```

(the `solution-end` in a new markdown cell after the code cells), so the box holds the text,
the code and the output, closed until the reader opens it. The student edition
(`site_assets/build_student.py`) leaves every gated solution out, cells included.

Only markdown cells are edited or added; code cells, outputs and metadata are kept as they are.
The code cells of a solution are the code cells that directly follow the markdown cell whose
last block is the `{solution}`. A `{solution}` with no code cells after it is left alone (its box
already holds all of it). Idempotent: a converted solution has no `{solution}` block left.

    python site_assets/gate_solutions.py chapters/*.ipynb          # rewrite in place
    python site_assets/gate_solutions.py --check chapters/*.ipynb  # exit 1 if any would change

(one of the steps of ``python site_assets/store.py``, which runs them all after executing.)
"""

from __future__ import annotations

import re
import sys
import uuid

if __name__ == "__main__" and not __package__:  # python site_assets/gate_solutions.py ...
    import _script
    _script.run_as_module(__file__)

from .notebooks import has_cell_ids, run, set_source, source  # noqa: E402

FENCE = re.compile(r"^(?P<fence>`{3,}|:{3,})\{solution\}\s*(?P<arg>.*?)\s*$")
OPTION = re.compile(r"^:[\w-]+:")


def _split_last_solution(source: str):
    """(before, options, body) if the cell's last block is a {solution}, else None."""
    lines = source.split("\n")
    start = None
    for i, line in enumerate(lines):
        if FENCE.match(line):
            start = i
    if start is None:
        return None
    m = FENCE.match(lines[start])
    fence = m.group("fence")
    end = next((j for j in range(start + 1, len(lines))
                if lines[j].strip() == fence), None)
    if end is None or any(line.strip() for line in lines[end + 1:]):
        return None  # unclosed, or more text after it: not a solution followed by its cells
    inner = lines[start + 1: end]
    options = []
    while inner and OPTION.match(inner[0]):
        options.append(inner.pop(0))
    while inner and not inner[0].strip():
        inner.pop(0)
    return "\n".join(lines[:start]), m.group("arg"), options, "\n".join(inner).rstrip()


def gate(nb: dict) -> int:
    """Convert the notebook `nb` (nbformat 4 JSON) in place; the number of solutions gated."""
    cells, out, done, i = nb["cells"], [], 0, 0
    while i < len(cells):
        cell = cells[i]
        out.append(cell)
        i += 1
        if cell.get("cell_type") != "markdown":
            continue
        parts = _split_last_solution(source(cell))
        if parts is None:
            continue
        before, arg, options, body = parts
        code = 0
        while i + code < len(cells) and cells[i + code].get("cell_type") == "code":
            code += 1
        if not code:
            continue
        start = "\n".join([f"```{{solution-start}} {arg}".rstrip(), *options, "```"])
        text = "\n\n".join(p for p in (before.rstrip(), start, body) if p)
        set_source(cell, text)
        out.extend(cells[i: i + code])
        i += code
        end = {"cell_type": "markdown", "metadata": {}, "source": ["```{solution-end}\n", "```"]}
        if has_cell_ids(nb):
            end = {"cell_type": "markdown", "id": uuid.uuid4().hex[:8], **end}
        out.append(end)
        done += 1
    nb["cells"] = out
    return done


def step(nb: dict) -> str | None:
    """:func:`gate` as a step of ``store.py``: what it changed, or None."""
    n = gate(nb)
    return f"{n} solution(s) gated" if n else None


def main(argv=None) -> int:
    return run(step, argv, description=__doc__.splitlines()[0])


if __name__ == "__main__":
    sys.exit(main())
