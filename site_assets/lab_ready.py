"""Make a chapter read in JupyterLab (with jupyterlab-myst) as it reads on the site.

What JupyterLab does not know, and what this script gives it, in the notebook itself:

- the math macros of `_config.yml` (``mathjax3_config.tex.macros``: ``\\U``, ``\\N``, ...):
  a first markdown cell whose front matter (``math:``) jupyterlab-myst applies to every cell;
  the same cell tells the student to run the notebook first (Run > Run All Cells). It carries the
  ``remove-cell`` tag, so the site leaves it out.
- the numbers in the prose: a ``{glue:text}`key``` role (myst-nb only) becomes
  ``{eval}`VALUE  # key``` where VALUE is the text the site shows for that glue, read from the
  glue's stored output. jupyterlab-myst shows an ``{eval}`` role from the cell's
  ``user_expressions`` metadata (written here, so a notebook opened and not yet run shows the
  numbers) and, when the cell is run, evaluates the expression in the kernel: ``VALUE  # key`` is
  a Python literal with a comment, so it gives VALUE again. On the site, :func:`setup` (this file
  as a Sphinx extension) makes ``{eval}`` paste the glue ``key`` as ``{glue:text}`` did, and fails
  the build (a warning, an error under ``-W``) when VALUE is not what the code glued now: the
  text cannot drift from the code. Re-run this script after re-executing a chapter.
- solutions hidden until opened: the code cells of a solution (after a ``{solution}`` block, or
  between ``solution-start`` and ``solution-end`` as ``site_assets/gate_solutions.py`` writes them)
  get ``jupyter.source_hidden`` and ``jupyter.outputs_hidden`` (JupyterLab shows a fold to click).
- "On this site" in a note becomes "On the book's web pages" (the notebook is not the site).

Code cells, their outputs and the widget state are never changed (only the metadata of solution
code cells). Idempotent, and composable with gate_solutions.py in either order.

    python site_assets/lab_ready.py chapters/01_why_initialisation.ipynb ...   # in place
    python site_assets/lab_ready.py --check chapters/*.ipynb    # exit 1 if any would change
"""

from __future__ import annotations

import argparse
import ast
import copy
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARK = "lab_ready"  # cell metadata key of the cell this script adds
GLUE_ROLE = re.compile(r"\{glue:text\}`(?P<key>[^`]+)`")
EVAL_ROLE = re.compile(r"\{eval\}`(?P<body>[^`]+)`")
EVAL_BODY = re.compile(r"^(?P<value>.*?)\s+#\s*(?P<key>[^\s#]+)\s*$")
SOLUTION = re.compile(r"^(`{3,}|:{3,})\{solution\}", re.M)
SOLUTION_START = re.compile(r"^(`{3,}|:{3,})\{solution-start\}", re.M)
SOLUTION_END = re.compile(r"^(`{3,}|:{3,})\{solution-end\}", re.M)
FENCE_END = re.compile(r"^(`{3,}|:{3,})\s*$")

RUN_FIRST = """\
```{tip}
**Run this notebook first**: in JupyterLab choose **Run > Run All Cells** (in VS Code, **Run
All**). The numbers in the text are those of the stored run; the explorers appear, and work,
once their cells have run. Solutions are folded: click the bar beside a folded cell to open it.
```"""


def macros(config: Path = ROOT / "_config.yml") -> dict[str, str]:
    """The MathJax macros of the site (``\\name`` -> definition), from `_config.yml`."""
    import yaml

    tex = yaml.safe_load(config.read_text())["sphinx"]["config"]["mathjax3_config"]["tex"]
    return {"\\" + name: value for name, value in tex["macros"].items()}


def first_cell_source(defs: dict[str, str]) -> str:
    lines = ["---", "math:"]
    lines += [f"  '{name}': '{value}'" for name, value in sorted(defs.items())]
    return "\n".join(lines + ["---", "", RUN_FIRST])


def _source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _as_lines(text: str) -> list[str]:
    lines = text.split("\n")
    return [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])


def glue_texts(nb: dict) -> dict[str, str]:
    """{key: text/plain} of every glue in the stored outputs of `nb`."""
    values = {}
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            name = out.get("metadata", {}).get("scrapbook", {}).get("name")
            data = out.get("data", {})
            text = data.get("text/plain", data.get("application/papermill.record/text/plain"))
            if name is not None and text is not None:
                values[name] = "".join(text)
    return values


def format_text(text: str, key_fmt: str, values: dict[str, str]) -> str:
    """What the site shows for `{glue:text}`key_fmt`` (myst-nb's formatting of text/plain)."""
    key, _, fmt = key_fmt.partition(":")
    if key not in values:
        raise KeyError(f"no stored glue output named {key!r} (execute the chapter first)")
    plain = values[key]
    if not fmt:
        return plain
    from myst_nb.core.variables import format_plain_text

    return format_plain_text(plain, fmt)


def _literal(text: str) -> str:
    """`text` as a Python literal that evaluates to a value whose repr is `text`."""
    try:
        if repr(ast.literal_eval(text)) == text:
            return text
    except (ValueError, SyntaxError):
        pass
    return repr(text)


def _shown(value: str) -> str:
    """The text the site shows for the literal `value` (a str literal's text, unquoted)."""
    parsed = ast.literal_eval(value)
    return parsed if isinstance(parsed, str) else value


def _lab_cell(nb: dict, defs: dict[str, str]) -> dict:
    cell = {"cell_type": "markdown", "metadata": {MARK: True, "tags": ["remove-cell"]},
            "source": _as_lines(first_cell_source(defs))}
    if nb.get("nbformat", 4) >= 4 and nb.get("nbformat_minor", 0) >= 5:
        cell = {"cell_type": "markdown", "id": "lab-ready", **cell}
    return cell


def prepare(nb: dict, defs: dict[str, str] | None = None) -> dict:
    """Convert notebook `nb` (nbformat 4 JSON) in place; return `nb`."""
    defs = macros() if defs is None else defs
    values = glue_texts(nb)
    cells = [c for c in nb["cells"] if not c.get("metadata", {}).get(MARK)]
    in_solution = False
    after_solution = False
    for cell in cells:
        meta = cell.setdefault("metadata", {})
        if cell["cell_type"] == "markdown":
            src = _source(cell)

            def glue_to_eval(m):
                key = m.group("key")
                return f"{{eval}}`{_literal(format_text('', key, values))}  # {key}`"

            def refresh_eval(m):
                body = EVAL_ROLE.match(m.group(0)).group("body")
                parts = EVAL_BODY.match(body)
                if parts is None:
                    return m.group(0)
                key = parts.group("key")
                return f"{{eval}}`{_literal(format_text('', key, values))}  # {key}`"

            new = GLUE_ROLE.sub(glue_to_eval, src)
            new = EVAL_ROLE.sub(refresh_eval, new)
            new = new.replace("On this site", "On the book's web pages")
            if new != src:
                cell["source"] = _as_lines(new)
            bodies = list(dict.fromkeys(m.group("body") for m in EVAL_ROLE.finditer(new)))
            if bodies:
                meta["user_expressions"] = [
                    {"expression": body,
                     "result": {"status": "ok", "metadata": {}, "data": {
                         "text/plain": _shown(EVAL_BODY.match(body).group("value"))}}}
                    for body in bodies if EVAL_BODY.match(body)]
            else:
                meta.pop("user_expressions", None)
            if SOLUTION_START.search(new):
                in_solution = True
            if SOLUTION_END.search(new):
                in_solution = False
            after_solution = _ends_with_solution(new)
        elif cell["cell_type"] == "code":
            jup = meta.get("jupyter", {})
            if in_solution or after_solution:
                jup.update({"source_hidden": True, "outputs_hidden": True})
                meta["jupyter"] = jup
        else:
            after_solution = False
    nb["cells"] = [_lab_cell(nb, defs)] + cells
    return nb


def _ends_with_solution(src: str) -> bool:
    """True if the markdown `src`'s last block is a (non-gated) {solution} block."""
    starts = list(SOLUTION.finditer(src))
    if not starts:
        return False
    tail = src[starts[-1].start():].split("\n")
    fence = re.match(r"^(`{3,}|:{3,})", tail[0]).group(1)
    for j, line in enumerate(tail[1:], 1):
        if line.strip() == fence:
            return not any(x.strip() for x in tail[j + 1:])
    return False


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 if a notebook would change")
    opts = parser.parse_args(argv)
    defs, changed, failed = macros(), 0, 0
    for path in opts.notebooks:
        text = path.read_text(encoding="utf-8")
        nb = json.loads(text)
        before = copy.deepcopy(nb)
        try:
            prepare(nb, defs)
        except KeyError as exc:
            print(f"{path}: not changed: {exc.args[0]}", file=sys.stderr)
            failed += 1
            continue
        if nb == before:
            continue
        changed += 1
        print(f"{path}: {'would change' if opts.check else 'made ready for JupyterLab'}")
        if not opts.check:
            indent = 1 if text.startswith('{\n "') else 2
            path.write_text(json.dumps(nb, indent=indent, ensure_ascii=False) + "\n",
                            encoding="utf-8")
    return 2 if failed else 1 if opts.check and changed else 0


# --- the site's side: this file as a Sphinx extension ------------------------------------

def setup(app):
    """Sphinx: ``{eval}`VALUE  # key``` pastes glue `key` (as ``{glue:text}``) and checks VALUE."""
    from myst_nb.ext.glue.roles import PasteTextRole
    class GluedEvalRole(PasteTextRole):
        def run(self):
            parts = EVAL_BODY.match(self.text)
            if parts is None:
                return [], [self.document.reporter.warning(
                    f"eval role {self.text!r} is not 'VALUE  # glue_key' "
                    "(run site_assets/lab_ready.py on the chapter)", line=self.line)]
            self.text = parts.group("key")
            nodes_, messages = super().run()
            shown = "".join(n.astext() for n in nodes_)
            try:
                stated = ast.literal_eval(parts.group("value"))
                stated = stated if isinstance(stated, str) else repr(stated)
            except (ValueError, SyntaxError):
                stated = parts.group("value")
            if nodes_ and shown != stated:
                messages = [*messages, self.document.reporter.warning(
                    f"the text states {stated!r} for glue {parts.group('key')!r} but the code "
                    f"glued {shown!r}: run site_assets/lab_ready.py on the chapter",
                    line=self.line)]
            return nodes_, messages

    def override(app_, config):
        app_.add_role("eval", GluedEvalRole(), override=True)

    # myst-nb registers its own `eval` role when it loads; ours must come after it.
    app.connect("config-inited", override, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":
    sys.exit(main())
