"""Running the explorers' JavaScript in Chromium from a test (the `js_page` fixture of
conftest.py gives the page).

`load(page, source)` imports an ES module's source through a Blob URL, as anywidget does, and
keeps it as `window.M`; `call(page, "name", *args)` calls one of its exports with JSON
arguments and returns the JSON result. Floats cross as JSON numbers, which round-trip float64
exactly; typed arrays come back as lists (`Array.from`).
"""

from __future__ import annotations

LOAD_JS = """async (source) => {
  const url = URL.createObjectURL(new Blob([source], {type: "text/javascript"}));
  try { window.M = await import(url); } finally { URL.revokeObjectURL(url); }
  return Object.keys(window.M).sort();
}"""

CALL_JS = """([name, args]) => {
  const plain = (x) => ArrayBuffer.isView(x) ? Array.from(x)
    : Array.isArray(x) ? x.map(plain)
    : (x && typeof x === "object") ? Object.fromEntries(Object.entries(x).map(([k, v]) => [k, plain(v)]))
    : x;
  return plain(window.M[name](...args));
}"""


def load(page, source):
    """Import the module `source` into `page`; return the sorted names it exports."""
    return page.evaluate(LOAD_JS, source)


def call(page, name, *args):
    """Call the loaded module's export `name` with `args` (JSON values); its result as JSON."""
    return page.evaluate(CALL_JS, [name, list(args)])
