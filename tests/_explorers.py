"""Driving the explorers that run in the page (issue 21) in a browser, for the browser tests.

Every explorer is built by winit/book/browser/js/ui.js's ``explorerRoot``: a ``.winit-explorer``
(a labelled group) holding range inputs, each beside a number box, ``<select>``s, ``<button>``s,
SVG charts and perhaps a ``<canvas>``, and an aria-live status sentence (``[aria-live]``).
Nothing here knows an explorer's kind: every control of every explorer on a page is worked as
a reader would (keys on a range input, values typed into a number box, each option of a
select, each button; play is let run about a second, then paused), and after each action the
picture (every SVG path's ``d`` and every canvas's pixels) and the status sentence are read
again. :func:`exercise_explorers` returns what happened; the tests (tests/test_site.py,
tests/test_lab.py) decide what must hold.
"""

from __future__ import annotations

import math

# Values the old pre-rendered explorers never had (their grid: n in 1, 2, 5, 10, 20, 100,
# 1000, 10000; depth 1, 2, 3, 5, 10, 20, 50, 100; width 10, 100, 1000), typed into the number
# boxes: the first two that lie in a box's range, fit its step and differ from its value.
OLD_GRID = {1, 2, 3, 5, 10, 20, 50, 100, 1000, 10000}
OFF_GRID = (37, 613, 17, 73, 333, 7, 1.37, 0.37, 0.73, 0.037, 0.0037)
TYPED_PER_BOX = 2
# How long an action may take to change the picture (a loaded machine; only a control that
# changes nothing waits this long), and how long play runs before pause. In an explorer that
# trains, a setting may act only through training (a learning rate): its first action waits
# TRAINING_MS (a change in the page takes 0.1-0.3 s), then one step of training decides; a
# control already seen to act so waits SHORT_MS.
CHANGE_MS = 5_000
TRAINING_MS = 1_500
SHORT_MS = 500
PLAY_MS = 1_000
PLAY_LABEL = r"^\s*(play|start|run|train)\b"
PAUSE_LABEL = r"^\s*(pause|stop)\b"
STEP_LABEL = r"^\s*step\b"
RESET_LABEL = r"^\s*(reset|restart)\b"

# In-page helpers (window.__wx): the picture's signature and the state of an explorer.
HELPERS_JS = r"""
() => {
  if (window.__wx) return;
  const shown = (el) => !el.closest("[hidden]") && el.getClientRects().length > 0;
  const hash = (text) => {  // FNV-1a, 32 bits, and the length: a short stand-in for the text
    let h = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) { h ^= text.charCodeAt(i); h = Math.imul(h, 0x01000193); }
    return (h >>> 0).toString(16) + ":" + text.length;
  };
  // the explorers under window.__wxScope (JupyterLab: the notebook on show), else the page's
  const roots = () => [...document.querySelectorAll(`${window.__wxScope || ""} .winit-explorer`)];
  const labelOf = (el) => {
    if (el.tagName === "BUTTON") return el.textContent.trim();
    const label = el.id && el.ownerDocument.querySelector(`label[for="${CSS.escape(el.id)}"]`);
    return ((label && label.textContent) || el.getAttribute("aria-label") || el.name || el.tagName).trim();
  };
  const frames = (k) => new Promise((done) => {
    const next = (i) => (i <= 0 ? done() : requestAnimationFrame(() => next(i - 1)));
    next(k);
  });
  window.__wx = {
    shown, labelOf, frames,
    // The picture: every SVG path's d and every canvas's pixels, in document order.
    picture(i) {
      const root = roots()[i];
      const parts = [...root.querySelectorAll("svg path, canvas")].map((el) =>
        el.tagName === "canvas" || el.tagName === "CANVAS"
          ? (el.width && el.height ? el.toDataURL() : "") : el.getAttribute("d") || "");
      return hash(parts.join("|"));
    },
    // What the figures say to a screen reader: each chart's <title> and <desc>, each canvas's label.
    described(i) {
      return [...roots()[i].querySelectorAll("svg > title, svg > desc, canvas[aria-label]")]
        .map((el) => el.getAttribute("aria-label") || el.textContent.trim()).join(" | ");
    },
    status(i) {
      const live = roots()[i].querySelector("[aria-live]");
      return live ? live.textContent.trim() : null;
    },
    // Wait two frames; then until the picture differs from `before` (at most `ms`), and then
    // until picture and status stay the same for three frames in a row.
    async settle(i, before, ms) {
      await frames(2);
      const end = performance.now() + ms;
      let now = this.picture(i);
      while (now === before && performance.now() < end) { await frames(1); now = this.picture(i); }
      if (now === before) return {picture: now, status: this.status(i), changed: false};
      let same = 0, last = now + this.status(i);
      while (same < 3 && performance.now() < end + ms) {
        await frames(1);
        const seen = this.picture(i) + this.status(i);
        same = seen === last ? same + 1 : 0;
        last = seen;
      }
      return {picture: this.picture(i), status: this.status(i), changed: true};
    },
    // The controls of explorer i a reader can reach, as [kind, index within its kind, label].
    controls(i) {
      const root = roots()[i], out = [];
      const kinds = {range: 'input[type="range"]', number: 'input[type="number"]', select: "select", button: "button"};
      for (const [kind, sel] of Object.entries(kinds)) {
        [...root.querySelectorAll(sel)].forEach((el, k) => {
          if (shown(el) && !el.disabled) out.push([kind, k, labelOf(el)]);
        });
      }
      return out;
    },
    // What a reader sees of the explorer: its title, its controls' labels and the status.
    describe(i) {
      const root = roots()[i];
      const title = root.getAttribute("aria-labelledby")
        && document.getElementById(root.getAttribute("aria-labelledby"));
      return {title: title ? title.textContent.trim() : (root.getAttribute("aria-label") || ""),
              role: root.getAttribute("role"), status: this.status(i), picture: this.picture(i),
              charts: root.querySelectorAll('svg[role="img"]').length,
              canvases: root.querySelectorAll("canvas").length};
    },
  };
}
"""

# The element of explorer i: (selector within the explorer, index).
_SELECTORS = {"range": 'input[type="range"]', "number": 'input[type="number"]',
              "select": "select", "button": "button"}


def _control(root, kind, k):
    return root.locator(_SELECTORS[kind]).nth(k)


def label_of(root, k: int) -> str:
    """The label of select k of an explorer."""
    return _control(root, "select", k).evaluate("(el) => __wx.labelOf(el)")


def _off_grid(lo: float, hi: float, step: float, value: float) -> list[float]:
    """Up to TYPED_PER_BOX values for a box with this range and step, none on the old grid:
    from OFF_GRID first, else the values on the box's step nearest the middle of its range."""
    def fits(v):
        on_step = abs((v - lo) / step - round((v - lo) / step)) < 1e-9 if step else True
        return lo <= v <= hi and on_step and v != value and v not in OLD_GRID
    found = [v for v in OFF_GRID if fits(v)][:TYPED_PER_BOX]
    if len(found) < TYPED_PER_BOX and math.isfinite(lo) and math.isfinite(hi) and step:
        middle = round((hi - lo) / 2 / step)
        for j in sorted(range(int(round((hi - lo) / step)) + 1), key=lambda j: abs(j - middle)):
            v = float(f"{lo + j * step:.12g}")
            if fits(v) and v not in found:
                found.append(v)
            if len(found) == TYPED_PER_BOX:
                break
    return found


def _text(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else repr(float(v))


class _Explorer:
    """Explorer i of the page: its actions, each with the picture and status before and after."""

    def __init__(self, page, i: int, scope: str = ""):
        self.page, self.i = page, i
        self.root = page.locator(f"{scope} .winit-explorer").nth(i)
        self.actions = []
        self.via_step = set()  # controls that change the picture only once the network trains
        self.first = {}  # (kind, index) -> (do, undo) of the control's first action
        self.training = None  # whether the explorer trains (Step and Reset buttons): set by work()
        self.stepped = {}  # (picture, status) of a reset state -> the same after one step

    def picture(self):
        return self.page.evaluate("(i) => __wx.picture(i)", self.i)

    def status(self):
        return self.page.evaluate("(i) => __wx.status(i)", self.i)

    def settle(self, before, ms=CHANGE_MS):
        return self.page.evaluate("([i, before, ms]) => __wx.settle(i, before, ms)", [self.i, before, ms])

    def frames(self, k=2):
        self.page.evaluate("(k) => __wx.frames(k)", k)

    def act(self, kind, k, label, what, do, undo=None, read=None, **extra):
        """Do `do()`; record whether the picture and the status changed (and `read()`: what the
        control shows afterwards). A setting that leaves the picture alone in an explorer that
        trains (a learning rate) is checked again over one step of training (`after_step`),
        `undo()` bringing its value back."""
        before, status = self.picture(), self.status()
        described = self.page.evaluate("(i) => __wx.described(i)", self.i)
        start = self.page.evaluate("() => performance.now()")
        do()
        # a control already seen to act only through training: no long wait for a change
        after = self.settle(before, ms=SHORT_MS if (kind, k) in self.via_step
                            else TRAINING_MS if self.training else CHANGE_MS)
        record = {"control": kind, "index": k, "label": label, "action": what,
                  "changed": after["changed"], "status_before": status, "status_after": after["status"],
                  "ms": round(self.page.evaluate("() => performance.now()") - start),
                  "described_changed": self.page.evaluate("(i) => __wx.described(i)", self.i) != described,
                  **extra}
        if read is not None:
            record["shown"] = read()
        if not after["changed"] and undo is not None and self.training:
            undo()
            self.frames()
            record["after_step"] = self.after_step(do, undo)
            self.via_step.add((kind, k))
        self.actions.append(record)
        return record

    def trains(self):
        return self.button(STEP_LABEL)[1] is not None and self.button(RESET_LABEL)[1] is not None

    def click(self, pattern):
        """Click the button whose label matches; wait for the picture to change."""
        _, b = self.button(pattern)
        before = self.picture()
        b.scroll_into_view_if_needed()
        b.click()
        return self.settle(before)["changed"]

    def after_step(self, do, undo) -> bool:
        """One step of training from the first state, with the setting as it was and after
        `do()`: whether the two pictures differ.

        The first state's step is taken once per first state (its picture and its sentence,
        which ends with every setting): a later call that starts from the same picture and
        sentence starts from that state again (`undo()` brought the setting back, Reset the
        training) and reads the step it took then."""
        key = (self.picture(), self.status())
        if key not in self.stepped:
            self.click(STEP_LABEL)
            self.click(RESET_LABEL)
            self.click(STEP_LABEL)
            stepped = (self.picture(), self.status())
            self.click(RESET_LABEL)
            key = (self.picture(), self.status())  # the first state, reset
            self.stepped[key] = stepped
        first, said = self.stepped[key]
        do()
        self.frames()
        self.click(STEP_LABEL)
        changed = {"changed": self.picture() != first, "status_changed": self.status() != said}
        self.click(RESET_LABEL)
        undo()
        self.frames()
        return changed

    def type_into(self, box, value: str):
        """Enter `value` in the number box as a reader who selects its text and types over it:
        the box's text replaced in one input event (Playwright's fill), then Enter."""
        box.fill(value)  # scrolled to and focused first, as a click would
        box.press("Enter")

    def restore(self, do):
        """Bring a setting back to its first value: `do()` returns whether it had to change
        it. If it did, after an action that changed the picture, wait for it to change back."""
        before = self.picture()
        acted = do()
        self.settle(before) if acted and self.actions and self.actions[-1]["changed"] else self.frames()

    def work_range(self, k, label):
        """ArrowRight (ArrowLeft at the top), End and Home, each from the first value."""
        rng = _control(self.root, "range", k)
        box = rng.locator("xpath=ancestor::*[contains(@class,'wx-row')][1]//input[@type='number']")
        start = box.input_value() if box.count() else None
        value, lo, hi = (float(rng.evaluate(f"(el) => +el.{a}")) for a in ("value", "min", "max"))

        def press(name):
            def do():
                rng.scroll_into_view_if_needed()
                rng.focus()
                self.page.keyboard.press(name)
            return do

        def back():
            if start is not None and box.input_value() != start:
                self.type_into(box, start)
                return True
            return False
        keys = ["ArrowLeft" if value >= hi else "ArrowRight"] + ["End"] * (value < hi) + ["Home"] * (value > lo)
        self.first[("range", k)] = (press(keys[0]), back)
        for key in keys:  # End and Home only where they move the value
            self.act("range", k, label, key, press(key), undo=back if start is not None else None)
            self.restore(back)

    def work_number(self, k, label):
        """Values the old grid never had, typed in; then the first value again."""
        box = _control(self.root, "number", k)
        start = box.input_value()
        lo, hi, step = (float(box.get_attribute(a) or d) for a, d in (("min", "-inf"), ("max", "inf"), ("step", "1")))

        def back():
            if box.input_value() != start:
                self.type_into(box, start)
                return True
            return False
        values = _off_grid(lo, hi, step, float(start))
        if values:
            self.first[("number", k)] = (lambda: self.type_into(box, _text(values[0])), back)
        for v in values:
            self.act("number", k, label, f"type {_text(v)}", lambda v=v: self.type_into(box, _text(v)),
                     undo=back, read=box.input_value, typed=_text(v))
        self.restore(back)

    def work_select(self, k, label):
        """Each option in turn; then the first one again."""
        sel = _control(self.root, "select", k)
        start = sel.input_value()
        options = sel.evaluate("(el) => [...el.options].map((o) => [o.value, o.textContent.trim()])")
        for value, text in options:
            if value != sel.input_value():
                self.act("select", k, label, f"pick {text}", lambda value=value: sel.select_option(value),
                         undo=lambda: sel.select_option(start))
        self.restore(lambda: sel.input_value() != start and bool(sel.select_option(start)))

    def button(self, pattern):
        import re

        for k in range(self.root.locator("button").count()):
            b = self.root.locator("button").nth(k)
            if b.is_visible() and re.search(pattern, b.inner_text(), re.I):
                return k, b
        return None, None

    def work_buttons(self):
        import re

        labels = [(k, self.root.locator("button").nth(k).inner_text().strip())
                  for k in range(self.root.locator("button").count())]
        for k, label in labels:
            b = self.root.locator("button").nth(k)
            if not b.is_visible():
                continue
            if re.search(PAUSE_LABEL, label, re.I) and self.button(PLAY_LABEL)[1] is not None:
                continue  # worked with play
            if re.search(PLAY_LABEL, label, re.I):
                self.play(k, label)
                continue
            if re.search(RESET_LABEL, label, re.I) and self.button(STEP_LABEL)[1] is not None:
                self.click(STEP_LABEL)  # something to reset: one step first
            self.act("button", k, label, "click", lambda b=b: (b.scroll_into_view_if_needed(), b.click()))

    def play(self, k, label):
        """Play for about PLAY_MS, then pause: the picture moves, then stays."""
        b = self.root.locator("button").nth(k)
        before, status = self.picture(), self.status()
        b.scroll_into_view_if_needed()
        b.click()
        self.page.wait_for_timeout(PLAY_MS)
        moved = self.picture() != before or self.settle(before)["changed"]
        pk, pause = self.button(PAUSE_LABEL)
        if pause is not None:
            pause.click()
        held = self.page.evaluate(
            "async (i) => { await __wx.frames(2); const a = __wx.picture(i);"
            " await new Promise((ok) => setTimeout(ok, 300)); await __wx.frames(2);"
            " return a === __wx.picture(i); }", self.i)
        self.actions.append({"control": "button", "index": k, "label": label, "action": f"play {PLAY_MS} ms",
                             "changed": moved, "status_before": status, "status_after": self.status()})
        self.actions.append({"control": "button", "index": pk, "label": pause.inner_text().strip() if pause else None,
                             "action": "pause (the picture then stays)", "changed": bool(held and pause),
                             "status_before": None, "status_after": self.status()})

    def said(self, kind, k) -> bool:
        """Whether an action of control (kind, k) changed the status sentence (or what the
        charts say to a screen reader)."""
        return any(a["status_before"] != a["status_after"] or (a.get("after_step") or {}).get("status_changed")
                   or a["described_changed"] for a in self.actions if (a["control"], a["index"]) == (kind, k))

    def status_retries(self, controls) -> list[dict]:
        """For each setting whose actions left the status sentence and the charts' descriptions
        alone (a setting only some option uses: m, which only normalized xavier uses, while the
        scheme is xavier): its first action again with each option of each select picked in
        turn, until the sentence changes. Returns, per such setting, the option it changed the
        sentence with (`with`: None if none did)."""
        out = []
        for kind, k, label in controls:
            if kind not in ("range", "number") or (kind, k) not in self.first or self.said(kind, k):
                continue
            do, undo = self.first[(kind, k)]
            found = None
            for sk in [j for c, j, _ in controls if c == "select"]:
                sel = _control(self.root, "select", sk)
                start = sel.input_value()
                options = sel.evaluate("(el) => [...el.options].map((o) => [o.value, o.textContent.trim()])")
                for value, text in options:
                    if value == start:
                        continue
                    before = self.picture()
                    sel.select_option(value)
                    self.settle(before)
                    said = self.status()
                    before = self.picture()
                    do()
                    self.settle(before)
                    changed = self.status() != said
                    before = self.picture()
                    undo()
                    self.settle(before) if self.picture() != before else self.frames()
                    if changed:
                        found = f"{label_of(self.root, sk)}: {text}"
                        break
                before = self.picture()
                sel.select_option(start)
                self.settle(before)
                if found:
                    break
            out.append({"control": kind, "index": k, "label": label, "with": found})
        return out

    def work(self) -> dict:
        self.root.scroll_into_view_if_needed()
        seen = self.page.evaluate("(i) => __wx.describe(i)", self.i)
        controls = self.page.evaluate("(i) => __wx.controls(i)", self.i)
        self.training = self.trains()
        for kind, k, label in controls:
            getattr(self, f"work_{kind}")(k, label) if kind != "button" else None
        retries = self.status_retries(controls)
        self.work_buttons()
        return {**seen, "controls": controls, "actions": self.actions, "status_retries": retries}


def exercise_explorers(page, scope: str = "") -> list[dict]:
    """Work every control of every `.winit-explorer` of the page (see the module's text), or of
    those under the CSS selector `scope`.

    Returns, per explorer: its title, role, first status, number of SVG charts and canvases,
    its controls ([kind, index, label]) and its actions ({control, index, label, action,
    changed, status_before, status_after}; typed values also {typed, shown}: the box's value
    afterwards)."""
    explorers = page.locator(f"{scope} .winit-explorer")
    if not explorers.count():
        return []
    page.evaluate(HELPERS_JS)
    page.evaluate("(scope) => { window.__wxScope = scope; }", scope)
    return [_Explorer(page, i, scope).work() for i in range(explorers.count())]


# Explorers wider than the screen, or holding something that sticks out of them (phone width).
OVERFLOW_JS = r"""
() => {
  const W = document.documentElement.clientWidth;
  return [...document.querySelectorAll(".winit-explorer")].map((root) => {
    const r = root.getBoundingClientRect();
    const out = [];
    if (r.right > W + 1 || r.left < -1) out.push(`the explorer spans ${Math.round(r.left)}..${Math.round(r.right)} px of ${W}`);
    if (root.scrollWidth > root.clientWidth + 1) out.push(`it holds ${root.scrollWidth} px in ${root.clientWidth} px`);
    for (const el of root.querySelectorAll("*")) {
      const e = el.getBoundingClientRect();
      if (!e.width || el.closest(".wx-sr")) continue;
      if (e.right > r.right + 1 || e.left < r.left - 1)
        out.push(`${el.tagName.toLowerCase()}.${el.getAttribute("class") || ""} spans ${Math.round(e.left)}..${Math.round(e.right)} px`);
      if (out.length > 5) break;
    }
    return out;
  });
}
"""


def wait_for_explorers(page, timeout_ms: int = 15_000) -> int:
    """Wait until every widget view of the page is rendered (the host's `.widget-subarea
    .jupyter-widgets`); return the number of explorers."""
    views = page.locator('script[type="application/vnd.jupyter.widget-view+json"]').count()
    if views:
        try:
            page.wait_for_function(
                f"document.querySelectorAll('.widget-subarea .jupyter-widgets').length >= {views}",
                timeout=timeout_ms)
        except Exception:  # the tests report the views not rendered
            pass
    return page.locator(".winit-explorer").count()
