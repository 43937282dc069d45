"""The one-page summary (`summary.md`): the formulas, the gains, the frameworks' names and the
decision table, written from the places that define them, never copied by hand.

- the decision table: the tables under "## What to use" in
  `chapters/initialisation_in_practice.ipynb` (its numbers as the chapter stores them, its
  chapter links as chapter numbers, its citations left to the chapter);
- the schemes' formulas: :data:`winit.schemes.SCALINGS` (scale, fan, distribution);
- the frameworks' names: the three code blocks of "One line per framework" in
  `chapters/frameworks.ipynb` (a line's comment names its scheme);
- the gains: :func:`winit.calculate_gain`; the fans: :func:`winit.compute_fans`.

    python site_assets/summary_page.py            # print the generated part
    python site_assets/summary_page.py --write    # write it into summary.md, between its markers
    python site_assets/summary_page.py --check    # exit 1 if summary.md is out of date

`site_assets/build_pdf.py --summary` prints the page alone to `_build/summary.pdf` (one A4 page).
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from fractions import Fraction
from pathlib import Path

if __name__ == "__main__" and not __package__:  # python site_assets/summary_page.py ...
    import _script
    _script.run_as_module(__file__)

from .editions import chapter_numbers  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "summary.md"
PRACTICE = ROOT / "chapters" / "initialisation_in_practice.ipynb"
FRAMEWORKS = ROOT / "chapters" / "frameworks.ipynb"
START, END = "% summary: start", "% summary: end"

EVAL = re.compile(r"\{eval\}`(?P<value>.*?)\s+#[^`]*`")
# a citation as store.py writes it: [[Author, year](url "references.bib: key")]
CITATION = re.compile(r"\s*\[\[[^\]]*\]\([^)]*\"references\.bib: [^\"]*\"\)\]")
CHAPTER_LINK = re.compile(r"\[[^\]]*\]\((?P<name>[a-z_]+)\.ipynb\)")
# The schemes of the formulas table, in its order: (label, SCALINGS key, the label of its line
# in the frameworks chapter's code blocks).
SCHEMES = [
    ("Glorot uniform", "glorot_uniform", "Glorot uniform"),
    ("Glorot normal", "glorot_normal", "Glorot normal"),
    ("LeCun normal", "lecun_normal", "LeCun normal"),
    ("LeCun uniform", "lecun_uniform", "LeCun uniform"),
    ("He normal", "he_normal", "He normal"),
    ("He uniform", "he_uniform", "He uniform"),
    ('"xavier" (tutorial)', "xavier", '"xavier"'),
]
FANS = {"fan_in": "n", "fan_out": "m", "fan_avg": "(n + m)/2"}
# PyTorch's gains (winit.calculate_gain) as the page writes them: (names, exact form, value)
GAINS = [
    ("linear, conv, sigmoid", "linear", "1", 1.0),
    ("tanh", "tanh", "5/3", 5 / 3),
    ("ReLU", "relu", r"\sqrt{2}", math.sqrt(2)),
    ("leaky ReLU, slope $a$", "leaky_relu", r"\sqrt{2/(1 + a^2)}", None),
    ("SELU", "selu", "3/4", 3 / 4),
]


def _cells(path: Path) -> list[str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in nb["cells"] if c["cell_type"] == "markdown"]


def decision_tables() -> str:
    """The practice chapter's "What to use" tables, each under its bold caption."""
    cell = next(c for c in _cells(PRACTICE) if "\n## What to use\n" in c)
    part = cell.split("\n## What to use\n", 1)[1]
    numbers = chapter_numbers()

    def why(match):
        name = match.group("name")
        return f"[{numbers[name]}](chapters/{name}.ipynb)"

    practice = f"[{numbers[PRACTICE.stem]}](chapters/{PRACTICE.stem}.ipynb)"
    out = []
    for block in part.split("\n\n"):
        block = CITATION.sub("", EVAL.sub(lambda m: m.group("value").strip("'\""), block.strip()))
        block = block.replace("](../", "](")
        lines = block.splitlines()
        if lines and lines[0].startswith("|"):
            rows = []
            for line in lines:
                if re.match(r"\| (activation|part|layout) \|", line):
                    line = line.replace("| why |", "| ch. |")
                # the last column: the chapters that show why, by number
                head, last = line.rsplit("|", 2)[0], line.rsplit("|", 2)[1]
                last = CHAPTER_LINK.sub(why, last)
                last = re.sub(r"^ ?(.*?) below", lambda m: f" {practice}, {m.group(1)}", last)
                rows.append(f"{head}|{last}|")
            out.append("\n".join(rows))
        elif lines and lines[0].startswith("**"):  # a table's caption, or the closing line
            out.append(" ".join(lines).replace("](", "](chapters/").replace(
                "](chapters/glossary.md", "](glossary.md"))
    for a, b in (("(notes below)", f"(notes in chapter {numbers[PRACTICE.stem]})"),):
        out = [block.replace(a, b) for block in out]
    return "\n\n".join(out)


def framework_names() -> dict[str, dict[str, str]]:
    """{label: {"PyTorch": call, "Keras": ..., "JAX": ...}} from the frameworks chapter's three
    code blocks (each line's comment says its scheme)."""
    cell = next(c for c in _cells(FRAMEWORKS) if "## One line per framework" in c)
    blocks = re.findall(r"```python\n(.*?)```", cell, re.S)
    names: dict[str, dict[str, str]] = {}
    for framework, block in zip(("PyTorch", "Keras", "JAX"), blocks):
        for line in block.splitlines():
            if "#" not in line or "(" not in line:
                continue
            code, label = (s.strip() for s in line.split("#", 1))
            label = label.split(",")[0].split(" (")[0].strip()
            if framework == "PyTorch":
                call = re.search(r"torch\.nn\.init\.(\w+)\(layer\.weight(.*)\)$", code)
                name = call and call.group(1) + "(w" + call.group(2) + ")"
            elif framework == "Keras":
                call = re.search(r"kernel_initializer=(.*)\)$", code)
                name = call and call.group(1).replace("keras.initializers.", "")
            else:
                call = re.search(r"kernel_init=jax\.nn\.initializers\.(.*)\)$", code)
                name = call and call.group(1)
            if not name:  # a line that builds the layer, not a scheme's
                continue
            names.setdefault(label, {})[framework] = name
    return names


def _frac(x: Fraction) -> str:
    return str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"


def formula(name: str) -> str:
    """A scheme's distribution, as TeX, from its :data:`~winit.schemes.SCALINGS` entry."""
    from winit.schemes import SCALINGS

    scale, mode, distribution = SCALINGS[name]
    # Var[W] = scale / fan, with fan_avg = (n + m) / 2
    var, fan = (2 * scale, "n + m") if mode == "fan_avg" else (scale, FANS[mode])
    if distribution == "uniform":
        return rf"$\U[\pm\sqrt{{{_frac(3 * var)}/({fan})}}]$".replace("/(n)", "/n").replace("/(m)", "/m")
    return rf"$\N(0, {_frac(var)}/({fan}))$".replace("/(n))", "/n)").replace("/(m))", "/m)")


def formulas_table() -> str:
    names = framework_names()
    rows = ["| scheme | weights | PyTorch | Keras | JAX (Flax) |", "|---|---|---|---|---|"]
    for label, key, fw in SCHEMES:
        n = names[fw]
        rows.append(f"| {label} | {formula(key)} | `{n['PyTorch']}` | `{n['Keras']}` | `{n['JAX']}` |")
    return "\n".join(rows)


def gains_sentence() -> str:
    """PyTorch's gains (:func:`winit.calculate_gain`), as one sentence."""
    from winit import calculate_gain

    parts = []
    for label, name, tex, value in GAINS:
        if value is not None and not math.isclose(calculate_gain(name), value, rel_tol=1e-12):
            raise ValueError(f"the gain of {name} is {calculate_gain(name)}, not {tex}")
        parts.append(f"{label} ${tex}$")
    return "; ".join(parts)


def generated() -> str:
    """The part of `summary.md` between its markers."""
    from winit import compute_fans

    dense = compute_fans((256, 64))
    conv = compute_fans((3, 3, 16, 32))
    conv_torch = compute_fans((32, 16, 3, 3), layout="out_in")
    assert conv == conv_torch
    return f"""## Formulas

$n$ is a layer's fan-in (its inputs per output), $m$ its fan-out (its outputs per input).
A dense layer `Linear(256, 64)` has $n = {dense[0]}$, $m = {dense[1]}$. A $3 \\times 3$
convolution from 16 to 32 channels has $n = 3 \\cdot 3 \\cdot 16 = {conv[0]}$,
$m = 3 \\cdot 3 \\cdot 32 = {conv[1]}$. PyTorch stores the weight as (out, in), Keras and JAX
as (in, out). Glorot is also called Xavier, He Kaiming. Every scheme draws $\\Var[w] = \\text{{scale}}/\\text{{fan}}$; a uniform
$\\U[\\pm b]$ has $b = \\sqrt{{3 \\Var[w]}}$.

{formulas_table()}

PyTorch's normals are not cut; Keras's and JAX's named normals are cut at two standard
deviations and rescaled to the same variance. **Gain** $g$ (PyTorch's `calculate_gain`):
{gains_sentence()}. $\\N(0, g^2/n)$ is `kaiming_normal_(w, nonlinearity=...)`.
**Orthogonal**: $W = g\\,Q$ with $Q$ orthogonal ($W^\\top W = g^2 I$):
`orthogonal_(w, gain=g)`, `"orthogonal"`, `orthogonal()`.

## What to use

Biases start at zero. The code is PyTorch's, for `w = layer.weight`; "ch." is the chapter
that shows why.

{decision_tables()}"""


def _between(text: str, new: str) -> str:
    a, b = text.index("\n", text.index(START)), text.index(END)
    return f"{text[:a]}\n\n{new}\n\n{text[b:]}"


def stale() -> bool:
    """Whether `summary.md` differs from what :func:`generated` writes."""
    text = PAGE.read_text(encoding="utf-8")
    return _between(text, generated()) != text


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write it into summary.md")
    parser.add_argument("--check", action="store_true", help="exit 1 if summary.md is out of date")
    args = parser.parse_args(argv)
    if not (args.write or args.check):
        print(generated())
        return 0
    if args.check:
        if stale():
            print("summary.md is out of date: run python site_assets/summary_page.py --write",
                  file=sys.stderr)
            return 1
        return 0
    PAGE.write_text(_between(PAGE.read_text(encoding="utf-8"), generated()), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
