"""Read the values a chapter glues from its stored outputs (for the findings tests)."""

import ast
import json
from pathlib import Path

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
