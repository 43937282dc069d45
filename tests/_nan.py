"""What counts as a NaN shown to a reader, for the tests that look for one (tests/test_chapters.py
in the stored outputs, tests/test_lab.py in what JupyterLab shows)."""

import re

# "nan" or "NaN" as a word of its own: not the "nan" inside a word such as nanoGPT
NAN = re.compile(r"(?<![A-Za-z])(?:nan|NaN)(?![A-Za-z])")
