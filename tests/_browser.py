"""Running the explorers' JavaScript in Chromium from a test (the `js_page` fixture of
conftest.py gives the page).

`load(page, source)` imports an ES module's source through a Blob URL, as anywidget does, and
keeps it as `window.M`; `call(page, "name", *args)` calls one of its exports with JSON
arguments and returns the JSON result; `render(page, state)` renders the loaded explorer
module's widget in the page with a stand-in model (anywidget's model API only). Floats cross as JSON numbers, which round-trip float64
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


# A model of anywidget's API over `state` (no kernel, no host): get, set (listeners of
# "change:NAME" called when the value changes), save_changes (counted in window.saved), on, off.
# The page's body is emptied; the widget's element is <div id="widget">.
RENDER_JS = """(state) => {
  const listeners = {};
  window.saved = 0;
  window.state = state;
  window.model = {
    get: (k) => state[k],
    set: (k, v) => {
      if (state[k] === v) return;
      state[k] = v;
      (listeners["change:" + k] || []).slice().forEach((f) => f());
    },
    save_changes: () => { window.saved++; },
    on: (e, f) => { (listeners[e] ||= []).push(f); },
    off: (e, f) => { listeners[e] = (listeners[e] || []).filter((g) => g !== f); },
  };
  document.body.replaceChildren();
  const el = document.createElement("div");
  el.id = "widget";
  document.body.appendChild(el);
  window.cleanup = window.M.default.render({ model: window.model, el });
}"""


def render(page, state):
    """Render the loaded module's widget (its default export's `render`) in `page` over a stand-in
    model holding `state` (a dict of JSON values): `window.model`, `window.state`, and
    `window.saved` (how many times the widget saved its changes)."""
    page.evaluate(RENDER_JS, state)
