// @exports explorerRoot slider select button say bind formatG formatE formatCount
// Controls: labelled sliders and number boxes, selects, buttons, the text said to screen readers,
// and numbers written as Python writes them (the explorers' sentences match winit's).
// A control is { el, get(), set(value) (no event), listen(f) (f(value) on the reader's input) }.

const _ui_uid = () => "wx" + Math.random().toString(36).slice(2, 9);  // ids unique across widgets

function _ui_el(tag, attrs, parent) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined) k === "text" ? (e.textContent = v) : e.setAttribute(k, v);
  if (parent) parent.appendChild(e);
  return e;
}

// The keys a control uses, which go no further up than the explorer (bubbling stopped at its
// root, after the control had them): JupyterLab's command-mode shortcuts listen on the document
// and would take them from a control in an output (ArrowDown selects the next cell, a digit makes
// the cell a heading, Enter edits it) and move the focus away. Tab, Escape and the page's own
// shortcuts (Ctrl+S) go on.
const _ui_MOVE = new Set(["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End", "PageUp", "PageDown"]);
function _ui_controlKey(e) {
  const t = e.target, tag = t && t.tagName, k = e.key, mod = e.ctrlKey || e.metaKey;
  if (e.altKey || !tag) return false;
  const press = k === "Enter" || k === " ";
  if (tag === "BUTTON") return press && !mod;
  if (tag === "SELECT") return _ui_MOVE.has(k) || (!mod && (press || k.length === 1));  // type-ahead
  if (tag !== "INPUT") return false;
  if (t.type === "range") return _ui_MOVE.has(k);
  return _ui_MOVE.has(k) || (mod ? "acvxyz".includes(k.toLowerCase()) && k.length === 1
    : k.length === 1 || k === "Backspace" || k === "Delete" || k === "Enter");
}

// The explorer's frame: a titled group with a row of controls, the figures and a status line.
function explorerRoot(el, title) {
  const id = _ui_uid(), root = _ui_el("div", { class: "winit-explorer", role: "group", "aria-labelledby": id }, el);
  root.addEventListener("keydown", (e) => { if (_ui_controlKey(e)) e.stopPropagation(); });
  _ui_el("div", { class: "wx-title", id, text: title }, root);
  const controls = _ui_el("div", { class: "wx-controls" }, root);
  const figures = _ui_el("div", { class: "wx-figures" }, root);
  const status = _ui_el("p", { class: "wx-status", role: "status", "aria-live": "polite" }, root);
  return { root, controls, figures, status };
}

/**
 * A range input and a number box for one number, kept in sync, each with a visible label.
 * opts = { id, label, min, max, step (default 1), value, log (the range moves by ratios; min > 0),
 * format (value -> text read by screen readers), note (a line under the inputs that describes
 * them, e.g. when they matter; returned as `note` to be changed), onInput(value) }. Any value
 * from min to max is accepted in the number box; out of range is clamped, anything unreadable
 * restores the last value.
 */
function slider(parent, opts) {
  const { min, max, log } = opts, step = opts.step || 1, id = opts.id || _ui_uid();
  const fmt = opts.format || String, N = 200;  // log: positions of the range input
  if (!(min < max) || (log && !(min > 0))) throw new RangeError(`slider ${opts.label}: needs min < max (and min > 0 if log)`);
  const field = _ui_el("div", { class: "wx-field wx-slider" }, parent);
  _ui_el("label", { for: `${id}-range`, text: opts.label }, field);
  const row = _ui_el("div", { class: "wx-row" }, field);
  const range = _ui_el("input", log ? { type: "range", id: `${id}-range`, min: 0, max: N, step: 1 }
    : { type: "range", id: `${id}-range`, min, max, step }, row);
  const nl = _ui_el("label", { for: `${id}-num`, class: "wx-num" }, row);
  _ui_el("span", { class: "wx-sr", text: `${opts.label}, ` }, nl);
  nl.append("value");
  const num = _ui_el("input", { type: "number", id: `${id}-num`, min, max, step, inputmode: "decimal" }, row);
  const note = opts.note === undefined ? null : _ui_el("p", { class: "wx-note", id: `${id}-note`, text: opts.note }, field);
  if (note) for (const e of [range, num]) e.setAttribute("aria-describedby", note.id);
  const fns = opts.onInput ? [opts.onInput] : [];
  const clamp = (v) => { v = Math.min(max, Math.max(min, v)); return Math.min(max, Math.max(min, +(Math.round((v - min) / step) * step + min).toPrecision(12))); };
  const pos = (v) => (log ? Math.round((N * Math.log(v / min)) / Math.log(max / min)) : v);
  let value = clamp(Number.isFinite(+opts.value) ? +opts.value : min);
  const show = (fromNum) => {
    range.value = pos(value);
    range.setAttribute("aria-valuetext", fmt(value));
    if (!fromNum) num.value = value;
  };
  const change = (v, fromNum) => { if (v !== value) { value = v; show(fromNum); for (const f of fns) f(value); } else show(fromNum); };
  range.addEventListener("input", () => {
    const p = +range.value;
    if (!log) return change(clamp(p));
    let v = clamp(min * Math.pow(max / min, p / N));
    if (v === value && p !== pos(value)) v = clamp(value + Math.sign(p - pos(value)) * step);  // a key press always moves
    change(v);
  });
  // While typing: take the number if it is already in range; on Enter or leaving the box: clamp.
  num.addEventListener("input", () => { const v = num.valueAsNumber; if (v >= min && v <= max) change(clamp(v), true); });
  num.addEventListener("change", () => { const v = num.valueAsNumber; change(Number.isFinite(v) ? clamp(v) : value); });
  show();
  return { el: field, range, number: num, note, get: () => value, set: (v) => { if (Number.isFinite(+v)) { value = clamp(+v); show(); } }, listen: (f) => fns.push(f) };
}

// A labelled <select>; options [[value, text]]; get() gives back the value as given (number or text).
function select(parent, opts) {
  const id = opts.id || _ui_uid(), field = _ui_el("div", { class: "wx-field wx-select" }, parent);
  _ui_el("label", { for: id, text: opts.label }, field);
  const sel = _ui_el("select", { id }, field), vals = opts.options.map((o) => o[0]);
  opts.options.forEach(([v, t], i) => _ui_el("option", { value: i, text: t }, sel));
  const fns = opts.onChange ? [opts.onChange] : [];
  const set = (v) => { const i = vals.findIndex((x) => String(x) === String(v)); if (i >= 0) sel.value = i; };
  set(opts.value ?? vals[0]);
  sel.addEventListener("change", () => { for (const f of fns) f(vals[+sel.value]); });
  return { el: field, select: sel, get: () => vals[+sel.value], set, listen: (f) => fns.push(f) };
}

// A plain button; its text is its accessible name. Returns the <button>.
function button(parent, opts) {
  const b = _ui_el("button", { type: "button", class: "wx-button", text: opts.label }, parent);
  if (opts.onClick) b.addEventListener("click", opts.onClick);
  return b;
}

// Say the current state in the status line (aria-live: read once, when it changes).
function say(status, text) {
  if (status.textContent !== text) status.textContent = text;
}

// Keep model trait `name` and a control in step: the model's value shows in the control; the
// reader's input goes to model.set + save_changes (anywidget's model API only).
function bind(model, name, control) {
  control.set(model.get(name));
  const back = () => control.set(model.get(name));
  model.on(`change:${name}`, back);
  control.listen((v) => { model.set(name, v); model.save_changes(); });
  return () => model.off && model.off(`change:${name}`, back);
}

// Numbers as Python writes them.

function _ui_exp(e) {
  return `e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
}

// Python's f"{x:.{p}g}" for a finite x.
function formatG(x, p) {
  if (x === 0) return "0";
  const [mant, exp] = x.toExponential(p - 1).split("e");
  const e = Number(exp);
  if (e < -4 || e >= p) return (mant.includes(".") ? mant.replace(/\.?0+$/, "") : mant) + _ui_exp(e);
  const s = x.toFixed(Math.max(0, p - 1 - e));
  return s.includes(".") ? s.replace(/\.?0+$/, "") : s;
}

// Python's f"{x:.{p}e}" for a finite x.
function formatE(x, p) {
  const [mant, exp] = x.toExponential(p).split("e");
  return mant + _ui_exp(Number(exp));
}

// Python's f"{n:,}" for an integer n.
function formatCount(n) {
  return n.toLocaleString("en-US");
}
