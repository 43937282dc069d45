// @exports svgChart heatMap PALETTE
// Drawing: SVG charts (axes, lines, histograms) and a canvas heat map. No library: a redraw
// builds one string per layer of the chart and sets it inside the same <svg>.

const _plot_NS = "http://www.w3.org/2000/svg";
// The series' colours, in order (explorer.css changes them for a dark theme, by class); the
// explorers use PALETTE[k] where a series must match another's colour.
const PALETTE = ["#0072b2", "#c8510d", "#00805f", "#a4487f", "#7a5c00", "#4b5563"];
const _plot_sup = (k) => "10" + String(k).replace(/./g, (c) => "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079"["-0123456789".indexOf(c)]);  // 10^k
const _plot_esc = (s) => String(s ?? "").replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
const _plot_r = (v) => Math.round(v * 10) / 10;  // pixel coordinates to 0.1 px

// Nice step (1, 2 or 5 times a power of ten) near span / count.
function _plot_step(span, count) {
  const raw = span / Math.max(1, count), p = Math.pow(10, Math.floor(Math.log10(raw)));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

// A tick's label: short, no float noise ("0.3", not "0.30000000000000004"); exponents when huge or tiny.
function _plot_num(v, step) {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(Math.max(0, Math.min(6, Math.round(Math.log10(a / step))))).replace(/\.?0+e/, "e").replace("e+", "e");
  return String(+v.toFixed(Math.max(0, Math.min(12, -Math.floor(Math.log10(step) + 1e-9)))));
}

// One axis: range (auto from data, padded), ticks and the map from data to pixels [p0, p1].
function _plot_axis(opt, data, p0, p1, count) {
  const log = !!opt.log, ok = (v) => Number.isFinite(v) && (!log || v > 0);
  let lo = Infinity, hi = -Infinity;
  for (const v of data) if (ok(v)) { if (v < lo) lo = v; if (v > hi) hi = v; }
  if (ok(opt.min)) lo = opt.min;
  if (ok(opt.max)) hi = opt.max;
  if (!(lo <= hi)) { lo = log ? 1 : 0; hi = log ? 10 : 1; }
  let a = log ? Math.log10(lo) : lo, b = log ? Math.log10(hi) : hi;
  if (a === b) { const d = log ? 0.5 : Math.abs(a) * 0.1 || 1; a -= d; b += d; }
  const ticks = [], minor = [], auto = !ok(opt.min) && !ok(opt.max);
  if (log && b - a >= 1) {  // whole decades, every 1, 2, 5, 10, ... decades
    if (!ok(opt.min)) a = Math.floor(a);  // a free end: the next whole decade
    if (!ok(opt.max)) b = Math.ceil(b);
    const s = Math.max(1, _plot_step(b - a, count + 2));
    for (let k = auto ? Math.ceil(a / s) * s : Math.ceil(a - 1e-9); k <= b + 1e-9; k += s) ticks.push([k]);
    const plain = ticks.every((t) => t[0] >= -3 && t[0] <= 3);
    for (const t of ticks) t[1] = plain ? String(+Math.pow(10, t[0]).toFixed(3)) : _plot_sup(t[0]);
    if (s === 1 && b - a <= 8) for (let k = Math.floor(a); k < b; k++)  // unlabelled 2..9 x 10^k
      for (let m = 2; m < 10; m++) { const u = k + Math.log10(m); if (u > a && u < b) minor.push(u); }
  } else {  // 1-2-5 steps (on a log axis under one decade too, between its ends)
    let lv = log ? 10 ** a : a, hv = log ? 10 ** b : b, n = log ? Math.max(4, count) : count;
    for (let s; ticks.length < 2 && n < 100; n *= 2) {  // too few ticks between fixed ends: a finer step
      s = _plot_step(hv / 2 - lv / 2, n / 2);
      if (!log && !ok(opt.min)) a = lv = Math.floor(lv / s) * s;  // a free end: the next tick out
      if (!log && !ok(opt.max)) b = hv = Math.ceil(hv / s) * s;
      ticks.length = 0;
      for (let i = Math.ceil(lv / s - 1e-9); i * s <= hv + s * 1e-9 && ticks.length < 50; i++) {
        const v = Math.abs(i * s) < s * 1e-9 ? 0 : i * s;
        ticks.push([log ? Math.log10(v) : v, _plot_num(v, s)]);
      }
    }
  }
  const half = b / 2 - a / 2, at = (u) => p0 + ((u / 2 - a / 2) / half) * (p1 - p0);  // halves: no overflow
  return { log, ok, a, b, px: log ? (v) => at(Math.log10(v)) : at, at, ticks, minor };
}

// A pixel coordinate kept finite and near the frame (the clip path hides what is outside).
const _plot_c = (v) => _plot_r(Math.max(-2e4, Math.min(2e4, v)));

// The `d` of one series. Bad points (NaN, infinite, <= 0 on a log axis) break the path.
function _plot_path(s, X, Y, base) {
  const xs = s.xs || [], ys = s.ys || [], n = ys.length, out = [];
  const edges = xs.length === n + 1, kind = s.kind || "line";
  const gx = (i) => (X.ok(xs[i]) ? X.px(xs[i]) : NaN);
  const gy = (j) => (Y.ok(ys[j]) ? Y.px(ys[j]) : Number.isFinite(ys[j]) && Y.log ? base : NaN);
  if (kind === "steps" || kind === "bars") {
    let open = false;
    for (let i = 0; i < n; i++) {
      let x0 = gx(i), x1 = edges ? gx(i + 1) : gx(i + 1 < n ? i + 1 : i), y = gy(i);
      if (!edges) {  // bars centred on xs; steps hold each value until the next x
        const w = n > 1 ? Math.abs(gx(Math.min(i + 1, n - 1)) - gx(Math.max(i - 1, 0))) / (i > 0 && i < n - 1 ? 2 : 1) : 20;
        if (kind === "bars") { x0 = gx(i) - w * 0.4; x1 = gx(i) + w * 0.4; }
      }
      if (!(Number.isFinite(x0) && Number.isFinite(x1) && Number.isFinite(y))) {
        if (open && kind === "steps") out.push(`V${_plot_c(base)}`);
        open = false; continue;
      }
      if (kind === "bars") out.push(`M${_plot_c(x0)} ${_plot_c(base)}V${_plot_c(y)}H${_plot_c(x1)}V${_plot_c(base)}Z`);
      else { out.push(open ? `V${_plot_c(y)}H${_plot_c(x1)}` : `M${_plot_c(x0)} ${_plot_c(base)}V${_plot_c(y)}H${_plot_c(x1)}`); open = true; }
    }
    if (open && kind === "steps") out.push(`V${_plot_c(base)}`);
  } else {
    let open = false;
    for (let i = 0; i < n; i++) {
      const x = gx(i), y = Y.ok(ys[i]) ? Y.px(ys[i]) : NaN;
      if (!(Number.isFinite(x) && Number.isFinite(y))) { open = false; continue; }
      out.push(`${kind === "points" || !open ? "M" : "L"}${_plot_c(x)} ${_plot_c(y)}${kind === "points" ? "h0" : ""}`);
      open = true;
    }
  }
  return out.join("");
}

// A series' class and colour: its own colour, or the palette's (which the style sheet may
// change for a dark theme, by class).
const _plot_style = (s, i) => (s.color ? ["wx-s", s.color] : [`wx-s wx-c${i % 6}`, PALETTE[i % 6]]);

/**
 * Draw, or redraw in place, a chart in `container` (the same <svg> each time).
 * spec = { title, desc, x: {label, log, min, max}, y: {label, log, min, max}, legend (default:
 * when two or more series have names), width, height (viewBox; default: the container's width),
 * series: [{ name, kind: "line"|"steps"|"points"|"bars", xs, ys, dashed, color, width }] }.
 * steps/bars: xs are bin edges (ys.length + 1) or one x per value. Axis ranges left out are taken
 * from the data. Returns { svg, paths: [d per series], frame: {left, top, width, height} }.
 */
function svgChart(container, spec) {
  let svg = container.querySelector(":scope > svg.wx-chart");
  if (!svg) {
    svg = document.createElementNS(_plot_NS, "svg");
    svg.setAttribute("class", "wx-chart");
    svg.setAttribute("role", "img");
    svg.setAttribute("width", "100%");
    svg._plot_id = "wx" + Math.random().toString(36).slice(2, 9);
    svg.setAttribute("aria-labelledby", `${svg._plot_id}t ${svg._plot_id}d`);
    container.appendChild(svg);
    if (typeof ResizeObserver === "function") {  // a much wider or narrower box: lay out again
      new ResizeObserver(() => {
        const w = container.clientWidth;
        if (svg._plot_spec && w && Math.abs(w - svg._plot_w) > 0.2 * svg._plot_w) svgChart(container, svg._plot_spec);
      }).observe(container);
    }
  }
  svg._plot_spec = spec;
  const series = spec.series || [], id = svg._plot_id, fs = 12;
  const W = Math.round(spec.width || Math.min(720, Math.max(280, container.clientWidth || 480)));
  const H = Math.round(spec.height || Math.max(220, Math.min(360, W * 0.62)));
  svg._plot_w = W;
  const xo = spec.x || {}, yo = spec.y || {};
  const xd = [], yd = [];
  for (const s of series) { for (const v of s.xs || []) xd.push(v); for (const v of s.ys || []) yd.push(v); }
  // Legend entries laid out in rows above the frame.
  const named = series.filter((s) => s.name);
  const showLegend = spec.legend ?? named.length > 1;
  const leg = [];
  let top = spec.title ? 24 : 10, lx = 0, rows = 0;
  if (showLegend && named.length) {
    rows = 1;
    for (const s of named) {
      const w = 30 + String(s.name).length * fs * 0.58 + 14;
      if (lx > 0 && lx + w > W - 20) { rows++; lx = 0; }
      leg.push([s, Math.round(10 + lx), top + (rows - 1) * 17 + 8]);
      lx += w;
    }
    top += rows * 17 + 4;
  }
  // Y first (its tick labels set the left margin), then X.
  const bottom = H - (xo.label ? 40 : 24);
  top += 4;
  const Y = _plot_axis(yo, yd, bottom, top, Math.max(2, Math.floor((bottom - top) / 36)));
  const lw = Math.max(...Y.ticks.map((t) => t[1].length), 1) * fs * 0.6;
  const left = Math.ceil(lw + (yo.label ? 28 : 10)), right = W - 14;
  const X = _plot_axis(xo, xd, left, right, Math.max(2, Math.floor((right - left) / 60)));
  const base = Y.log ? bottom : Math.max(top, Math.min(bottom, Y.px(Math.max(Y.a, Math.min(Y.b, 0)))));
  // Tick labels that would overlap are dropped (each axis keeps its first).
  const keep = (ticks, at, gap) => { let last = -Infinity; return ticks.filter((t) => { const p = at(t[0]); if (Math.abs(p - last) < gap(t)) return false; last = p; return true; }); };
  const xt = keep(X.ticks, X.at, (t) => t[1].length * fs * 0.6 + 8), yt = keep(Y.ticks, Y.at, () => fs + 4);
  const g = [`<title id="${id}t">${_plot_esc(spec.title || "Chart")}</title><desc id="${id}d">${_plot_esc(spec.desc || "")}</desc>`];
  g.push(`<defs><clipPath id="${id}c"><rect x="${left}" y="${top}" width="${right - left}" height="${bottom - top}"/></clipPath></defs>`);
  if (spec.title) g.push(`<text class="wx-ctitle" x="10" y="16" font-weight="600">${_plot_esc(spec.title)}</text>`);
  // Grid, minor ticks and frame.
  let grid = "", tk = "";
  for (const t of xt) { const p = _plot_r(X.at(t[0])); grid += `M${p} ${top}V${bottom}`; tk += `M${p} ${bottom}v5`; }
  for (const t of yt) { const p = _plot_r(Y.at(t[0])); grid += `M${left} ${p}H${right}`; tk += `M${left} ${p}h-5`; }
  for (const u of X.minor) tk += `M${_plot_r(X.at(u))} ${bottom}v3`;
  for (const u of Y.minor) tk += `M${left} ${_plot_r(Y.at(u))}h-3`;
  g.push(`<g aria-hidden="true"><path class="wx-grid" d="${grid}" stroke="#e5e7eb" fill="none"/><path class="wx-axis" d="${tk}M${left} ${top}V${bottom}H${right}" stroke="#48566b" fill="none"/>`);
  g.push(`<g class="wx-ticks" fill="#48566b" font-size="${fs}">`);
  for (const t of xt) g.push(`<text x="${_plot_r(X.at(t[0]))}" y="${bottom + 17}" text-anchor="middle">${t[1]}</text>`);
  for (const t of yt) g.push(`<text x="${left - 7}" y="${_plot_r(Y.at(t[0])) + 4}" text-anchor="end">${t[1]}</text>`);
  g.push("</g>");
  if (xo.label) g.push(`<text class="wx-label" x="${(left + right) / 2}" y="${H - 8}" text-anchor="middle">${_plot_esc(xo.label)}</text>`);
  if (yo.label) g.push(`<text class="wx-label" transform="translate(13 ${(top + bottom) / 2}) rotate(-90)" text-anchor="middle">${_plot_esc(yo.label)}</text>`);
  g.push("</g>");
  // Series.
  const paths = [];
  g.push(`<g clip-path="url(#${id}c)" fill="none" stroke-linejoin="round">`);
  series.forEach((s, i) => {
    const d = _plot_path(s, X, Y, base), [cls, col] = _plot_style(s, i), k = s.kind || "line";
    const sw = s.width || (k === "points" ? 6 : 2);
    const extra = (k === "bars" ? ` fill="${col}" fill-opacity="0.3"` : "") + (k === "points" ? ' stroke-linecap="round"' : "") + (s.dashed ? ' stroke-dasharray="6 4"' : "");
    paths.push(d);
    g.push(`<path class="${cls}" d="${d}" stroke="${col}" stroke-width="${k === "bars" ? 1 : sw}"${extra}/>`);
  });
  g.push("</g>");
  // Legend: a sample of each line (dashed if dashed) and its name.
  if (leg.length) {
    g.push(`<g class="wx-legend" font-size="${fs}" aria-hidden="true">`);
    for (const [s, x, y] of leg) {
      const [cls, col] = _plot_style(s, series.indexOf(s));
      const d = { points: `M${x + 12} ${y}h0`, bars: `M${x + 4} ${y - 5}h16v10h-16Z` }[s.kind] || `M${x} ${y}h24`;
      g.push(`<path class="${cls}" d="${d}" stroke="${col}" stroke-width="${s.kind === "points" ? 6 : 2}" stroke-linecap="round"${s.kind === "bars" ? ` fill="${col}" fill-opacity="0.3"` : ""}${s.dashed ? ' stroke-dasharray="6 4"' : ""}/><text x="${x + 30}" y="${y + 4}">${_plot_esc(s.name)}</text>`);
    }
    g.push("</g>");
  }
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  svg.innerHTML = g.join("");
  return { svg, paths, frame: { left, top, width: right - left, height: bottom - top } };
}

/**
 * Draw a heat map (a decision boundary) on `canvas`, in place, with points on top.
 * spec = { values (w*h, row-major, first row at the top), w, h, lo, hi, extent: [xmin, xmax,
 * ymin, ymax] (default [0, 1, 0, 1]), points: { xs, ys, labels } (labels 0/1: circles/squares),
 * size (the drawing's pixel side when the canvas has no width yet), label (the accessible name) }.
 * lo maps to light blue, the midpoint to white, hi to light orange. Returns { canvas }.
 */
function heatMap(canvas, spec) {
  const { values, w, h } = spec, lo = spec.lo ?? 0, hi = spec.hi ?? 1;
  const [x0, x1, y0, y1] = spec.extent || [0, 1, 0, 1];
  canvas.classList.add("wx-heat");
  canvas.setAttribute("role", "img");
  if (spec.label) canvas.setAttribute("aria-label", spec.label);
  const dpr = (typeof devicePixelRatio === "number" && devicePixelRatio) || 1;
  const S = Math.round((canvas.clientWidth || spec.size || 320) * dpr);
  if (canvas.width !== S || canvas.height !== S) { canvas.width = S; canvas.height = S; }
  // The values, one pixel each, on a small canvas; then scaled up smoothly.
  const small = canvas._plot_small || (canvas._plot_small = document.createElement("canvas"));
  if (!(w > 0 && h > 0 && values)) return { canvas };
  small.width = w; small.height = h;
  const sc = small.getContext("2d"), img = sc.createImageData(w, h), px = img.data;
  const A = [86, 180, 233], B = [230, 159, 0];  // light blue .. white .. light orange
  for (let i = 0; i < w * h; i++) {
    let t = (values[i] - lo) / (hi - lo);
    t = Number.isFinite(t) ? Math.max(0, Math.min(1, t)) : 0.5;
    const c = t < 0.5 ? A : B, f = Math.abs(t - 0.5) * 2 * 0.55;
    px[4 * i] = 255 + (c[0] - 255) * f; px[4 * i + 1] = 255 + (c[1] - 255) * f;
    px[4 * i + 2] = 255 + (c[2] - 255) * f; px[4 * i + 3] = 255;
  }
  sc.putImageData(img, 0, 0);
  const ctx = canvas.getContext("2d");
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(small, 0, 0, S, S);
  const p = spec.points;
  if (p) {  // class 0: blue circles, class 1: orange squares, each with a dark outline
    const r = Math.max(2.5, S / 110);
    ctx.lineWidth = Math.max(1, r / 3);
    ctx.strokeStyle = "#222832";
    for (let i = 0; i < p.xs.length; i++) {
      const X = ((p.xs[i] - x0) / (x1 - x0)) * S, Y = ((y1 - p.ys[i]) / (y1 - y0)) * S;
      if (!Number.isFinite(X) || !Number.isFinite(Y)) continue;
      ctx.beginPath();
      if (p.labels && p.labels[i] > 0) { ctx.fillStyle = PALETTE[1]; ctx.rect(X - r, Y - r, 2 * r, 2 * r); }
      else { ctx.fillStyle = PALETTE[0]; ctx.arc(X, Y, r, 0, 2 * Math.PI); }
      ctx.fill(); ctx.stroke();
    }
  }
  return { canvas };
}
