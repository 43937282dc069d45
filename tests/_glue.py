"""Read the values a chapter glues from its stored outputs (for the findings tests).

One findings file per chapter, tests/test_findings_<chapter>.py. The chapters store their
outputs (nbval checks that a fresh run reproduces them); a findings test checks that what is
stored shows what the text claims, so that a change which kept a notebook consistent but lost
a finding fails. Expected values are written out in the tests (closed forms, the tutorial's
printed numbers), never taken from the code under test.
"""

import ast
from pathlib import Path

from site_assets.notebooks import glue_texts, load

CHAPTERS = Path(__file__).resolve().parent.parent / "chapters"


def glued(notebook):
    """{name: value} of every myst-nb glue in the stored outputs of ``notebook`` (a file name in
    chapters/), each value read back from the text it was glued as."""
    return {name: ast.literal_eval(text) for name, text in glue_texts(load(CHAPTERS / notebook)).items()}
