"""Read the values a chapter glues from its stored outputs (for the findings tests)."""

import ast
from pathlib import Path

from site_assets.notebooks import glue_texts, load

CHAPTERS = Path(__file__).resolve().parent.parent / "chapters"


def glued(notebook):
    """{name: value} of every myst-nb glue in the stored outputs of ``notebook`` (a file name in
    chapters/), each value read back from the text it was glued as."""
    return {name: ast.literal_eval(text) for name, text in glue_texts(load(CHAPTERS / notebook)).items()}
